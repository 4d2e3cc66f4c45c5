"""Reports saved as one line: text copied from a site's article page holds the whole body on one
line of 7,000–17,000 characters (`…电话：0591-23165370。一、总体情况2021年，我区…规章000行政规范性
文件8855698第二十条…`), every heading and table row inline.

Such a line is cut back into lines by what the text itself marks, never by line breaks: section
headings (一、总体情况 … 六、其他需要报告的事项), row enumerators (（一）, 2., 四、), the 第二十条 header,
and the point where a row's digits end and the next row's label begins. The result is the
flattened layout the table reader already knows (one row per line, its digits glued to its label).
A digit that ran on from the previous row's digits and opens the next row's label (`00000002.其他
法律…`) is given back to the label only after a full row of digits, so no cell loses a digit unseen.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

from gknb.model.document import Line, LineKind
from gknb.model.official_tables import OFFICIAL_TABLES, SECTIONS
from gknb.parse.labels import normalise_label
from gknb.parse.structure import SECTION_TITLE_STARTS

INLINE_MIN_LENGTH = 400  # a line this long that holds two section headings or table rows is a page body
CJK = "\u4e00-\u9fff"
# A section heading inside running text: numeral, 、, a short title ending at its last word.
SECTION_HEADING_RE = re.compile(rf"(?:[一二三四五六][、.．]|(?<![{CJK}])[一二三四五六](?={SECTION_TITLE_STARTS}))"
                                rf"\s*[^\d。，,；;：:]{{1,30}}?(?:情况|事项|措施|概述)")
# Row enumerators: 一、 （一） 1.
ENUMERATOR_RE = re.compile(
    rf"(?<!第)[一二三四五六七八九十]{{1,2}}、(?=[{CJK}])"
    rf"|(?<!第)[（(][一二三四五六七八九十][）)](?=[{CJK}])"
    rf"|(?<![\d.．])\d[.．、](?=[{CJK}“\"])"
)
# A digit enumerator right after digits (`0 0 0 0 0 002.其他…`) opens a row only once a full table 三
# row of digits (7) precedes it, so that `2022.` or `12.` in prose is never cut.
GLUED_ENUMERATOR_RE = re.compile(rf"(?<=\d)\d[.．](?=[{CJK}“\"])")
DIGIT_SPAN_RE = re.compile(r"[\d \t\u3000]*$")
ROW_DIGITS = 7
ARTICLE_RE = re.compile(r"第二十条")
DIGITS_THEN_TEXT_RE = re.compile(rf"(?<=[\d])\s*(?=[{CJK}])")
# A sentence that opens with a year right after a row's last cell (`结转下年度继续办理2000002` +
# `2025年，我局…`; `行政事业性收费0` + `2025年…`): the year is prose, not the cell's last digits.
YEAR_AFTER_DIGITS_RE = re.compile(r"(?<=\d)(?=(?:19|20)\d\d年)")
# A full row of digits (7 or more) and then prose that is no unit of them (`…尚未审结总计10000100000000000`
# + `我局严格规范…`): the table ends there, whatever the prose's first words.
ROW_DIGITS_THEN_PROSE_RE = re.compile(rf"(?<=\d{{{ROW_DIGITS}}})(?=[{CJK}])(?![件条份元万个人次项年月日号])")
SECTION_WORDS = tuple(phrase for _key, _title, phrases in SECTIONS for phrase in phrases)


@lru_cache(maxsize=1)
def row_label_starts() -> tuple[str, ...]:
    """How a row label may begin once its enumerator is gone (行政规范性文件, 规章, 予以公开 …)."""
    starts: set[str] = set()
    for tables in OFFICIAL_TABLES.values():
        for table in tables:
            for row in table.rows:
                label = re.sub(r"^[（(]?[一二三四五六七八九十\d]+[）)]?[、.．]?", "", row.label)
                starts.update(s for s in (normalise_label(label)[:4], *(p[:4] for p in row.phrases)) if len(s) >= 2)
    return tuple(sorted(starts))


@lru_cache(maxsize=1)
def active_row_after_header() -> re.Pattern[str]:
    """Table 二's rows after its header words (`… 现行有效件数 规章000`): the header ends where a row
    begins. The row labels are the official layouts' (longest first: 行政规范性文件 before 规范性文件)."""
    labels = {label for tables in OFFICIAL_TABLES.values() for row in tables[0].rows
              for label in (row.label, *row.phrases)}
    alternatives = "|".join(re.escape(label) for label in sorted(labels, key=len, reverse=True))
    return re.compile(rf"(?<=[\s数量额）)])(?={alternatives})")


def section_headings(text: str) -> list[re.Match[str]]:
    """The section headings inside one long line."""
    return [m for m in SECTION_HEADING_RE.finditer(text)
            if any(word in normalise_label(m.group()) for word in SECTION_WORDS)]


def cut_points(text: str, headings: list[re.Match[str]]) -> list[int]:
    """Where lines begin inside one long line of report text (its section `headings` found already)."""
    points: set[int] = set()
    for match in headings:
        points.update((match.start(), match.end()))
    points.update(m.start() for m in ENUMERATOR_RE.finditer(text))
    for match in GLUED_ENUMERATOR_RE.finditer(text):
        before = DIGIT_SPAN_RE.search(text, max(0, match.start() - 40), match.start())
        if before is not None and sum(c.isdigit() for c in before.group()) >= ROW_DIGITS:
            points.add(match.start())
    points.update(m.start() for m in ARTICLE_RE.finditer(text))
    points.update(m.start() for m in YEAR_AFTER_DIGITS_RE.finditer(text))
    points.update(m.start() for m in ROW_DIGITS_THEN_PROSE_RE.finditer(text))
    points.update(m.start() for m in active_row_after_header().finditer(text))
    starts = row_label_starts()
    for match in DIGITS_THEN_TEXT_RE.finditer(text):
        following = normalise_label(text[match.end():match.end() + 8])
        if following.startswith(starts):
            points.add(match.end())
    return sorted(p for p in points if 0 < p < len(text))


def pieces(text: str, headings: list[re.Match[str]]) -> list[str]:
    bounds = [0, *cut_points(text, headings), len(text)]
    return [text[a:b].strip() for a, b in zip(bounds, bounds[1:]) if text[a:b].strip()]


def holds_a_report(text: str, headings: list[re.Match[str]]) -> bool:
    """Two section headings, or a table row label, inside one line: a page body, not a paragraph."""
    return len(headings) >= 2 or "本年新收" in text or "第二十条" in text


def unfold_line(line: Line) -> Iterable[Line]:
    if line.kind is not LineKind.TEXT or len(line.text) < INLINE_MIN_LENGTH:
        return (line,)
    headings = section_headings(line.text)
    if not holds_a_report(line.text, headings):
        return (line,)
    return (Line(LineKind.TEXT, (piece,)) for piece in pieces(line.text, headings))


def unfold(lines: Sequence[Line]) -> list[Line]:
    """The document's lines with every page-body line cut back into its headings, rows and paragraphs."""
    return [piece for line in lines for piece in unfold_line(line)]
