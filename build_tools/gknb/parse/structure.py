"""Finding the parts of a report in its lines: title and header metadata, the six sections,
the table regions, and which official template the tables follow."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from itertools import chain
from typing import Sequence

from gknb.model.document import Line, LineKind
from gknb.parse.labels import normalise_label, to_halfwidth
from gknb.read.cleanup import clean_line
from gknb.model.official_tables import SECTIONS, SIGNALS_2019, SIGNALS_2021

# A section heading: its numeral, then 、 — or no mark at all before the start of an official title
# (`一总体情况` in page text that lost the mark).
SECTION_TITLE_STARTS = "总体情况|主动公开|收到和处理|政府信息公开行政|存在的主要问题|其他需要报告"
HEADING_RE = re.compile(rf"^\s*([一二三四五六])\s*(?:[、.．，,]|(?={SECTION_TITLE_STARTS}))\s*(.+)$")
MAX_HEADING_LENGTH = 40
TITLE_RE = re.compile(r"(政府信息公开|政务公开|信息公开).{0,8}(年度报告|年报|工作报告)")
YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")
TITLE_SPLIT_RE = re.compile(r"(?:关于)?\s*(?:(?:19|20)\d{2}\s*年度?|政府信息公开|政务公开|信息公开)")
DOC_NUMBER_RE = re.compile(r"[\u4e00-\u9fff]{1,12}\s*[〔\[［(（【]\s*((?:19|20)\d{2})\s*[〕\]］)）】]\s*(\d{1,4})\s*号")
DOC_HEADER_RE = re.compile(r"^(.{2,30}?)\s*文件$")
PERIOD_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*1\s*月\s*1\s*日\s*(?:至|—|－|-|–|~|到)")
STATS_PERIOD_RE = re.compile(r"统计(?:期限|时限|时间|区间)[^。\d]{0,6}((?:19|20)\d{2})\s*年")
DATE_LINE_RE = re.compile(r"^\s*((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:印发|发布|公开)?\s*$")
TRAILER_RE = re.compile(r"^([(（]此件.{0,6}[)）]|抄\s*送|(?:19|20)\d{2}\s*年.{1,6}日\s*印发)")
TRAILER_LINES = 12  # the publication date is printed among the last lines (signature block)


@dataclass(frozen=True)
class SectionSpan:
    key: str
    title: str
    heading: int  # line index of the heading
    end: int      # line index after the section's last line


def section_key_of(line: Line) -> str | None:
    """The section a heading line opens, if it is one."""
    if line.kind is not LineKind.TEXT:
        return None
    return section_key_of_text(line.text)


@lru_cache(maxsize=1 << 16)  # every report prints the same headings and table labels
def section_key_of_text(raw: str) -> str | None:
    text = clean_line(raw)
    match = HEADING_RE.match(to_halfwidth(text).replace(" ", ""))
    if not match or len(text) > MAX_HEADING_LENGTH:
        return None
    label = normalise_label(match.group(2))
    return next((key for key, _title, phrases in SECTIONS if any(p in label for p in phrases)), None)


# Words a section's own table prints: a heading of that section followed by them holds the table.
TABLE_MARKERS = {"proactive": ("第二十条", "本年制发件数", "本年新制作数量"),
                 "applications": ("本年新收", "结转下年度"),
                 "review_litigation": ("结果维持", "复议后起诉", "尚未审结")}


def holds_its_table(lines: Sequence[Line], key: str, start: int, end: int) -> bool:
    """A marker in the section's labels run together: looked for line by line, in each line's label with
    the end of the text before it (a marker may straddle two lines), so that the search stops where the
    table starts instead of normalising every line of the section."""
    markers = TABLE_MARKERS.get(key, ())
    if not markers:
        return False
    reach = max(len(marker) for marker in markers) - 1  # what of the text before a line a marker can start in
    before = ""
    for index in range(start + 1, min(end, len(lines))):
        window = before + normalise_label(lines[index].text)
        if any(marker in window for marker in markers):
            return True
        before = window[-reach:] if reach else ""
    return False


def chosen_headings(lines: Sequence[Line], candidates: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """One heading per section. A heading printed twice (the overview's own sub-topics numbered like
    sections: 三、主动公开工作情况 … then 一、主动公开政府信息情况 over the table) is taken where its
    table follows it; otherwise each section keeps its first heading."""
    ends = [index for _k, index in candidates[1:]] + [len(lines)]
    first: dict[str, int] = {}
    with_table: dict[str, int] = {}
    for (key, index), end in zip(candidates, ends):
        first.setdefault(key, index)
        if key in TABLE_MARKERS and key not in with_table and holds_its_table(lines, key, index, end):
            with_table[key] = index
    return sorted({**first, **with_table}.items(), key=lambda item: item[1])


def find_sections(lines: Sequence[Line]) -> list[SectionSpan]:
    """Headings of the six sections, each found once and in order."""
    order = [key for key, _t, _p in SECTIONS]
    titles = {key: title for key, title, _p in SECTIONS}
    text_kind = LineKind.TEXT  # section_key_of, inline: asked of every line
    candidates = [(key, index) for index, line in enumerate(lines)
                  if line.kind is text_kind and (key := section_key_of_text(line.text))]
    found: list[tuple[str, int]] = []
    for key, index in chosen_headings(lines, candidates):
        if not found or order.index(key) > order.index(found[-1][0]):
            found.append((key, index))
    ends = [index for _k, index in found[1:]] + [len(lines)]
    return [SectionSpan(key, titles[key], start, end) for (key, start), end in zip(found, ends)]


# ---- metadata -----------------------------------------------------------------------------------

@dataclass
class Header:
    agency: str | None = None
    title_line: int | None = None
    title_year: int | None = None
    doc_number: str | None = None


PREAMBLE_LINES = 15  # where no section heading was found, the title block is within the first lines


def preamble_end(lines: Sequence[Line], first_section: int) -> int:
    """Where the lines before section 一 end (title, page fields, document number)."""
    return first_section if first_section > 0 else min(len(lines), PREAMBLE_LINES)


def preamble_texts(lines: Sequence[Line], limit: int) -> list[tuple[int, str]]:
    return [(i, clean_line(line.text)) for i, line in enumerate(lines[:limit])
            if line.kind is LineKind.TEXT and clean_line(line.text)]


FIELD_LABEL_RE = re.compile(r"^\s*(?:文章)?(?:标题|题目|名称)\s*[:：]\s*")  # `标题: …` of a saved article page
LEADING_YEAR_RE = re.compile(r"^\s*(?:19|20)\d{2}\s*年度?\s*")  # `2024 年上海市科委政府信息公开工作年度报告`


# A covering letter's wording before the title: `…管理局关于报送2020年政府信息公开工作年度报告的函`.
LETTER_WORDS_RE = re.compile(r"关于(?:报送|印发|公布|发布|公开|呈报|上报)?$")


def agency_from_title(title: str) -> str:
    name = TITLE_SPLIT_RE.split(LEADING_YEAR_RE.sub("", FIELD_LABEL_RE.sub("", title)), maxsplit=1)[0]
    return LETTER_WORDS_RE.sub("", re.sub(r"\s+", "", name)).strip("《》“”\"：: ")


def read_header(lines: Sequence[Line], first_section: int) -> Header:
    """Title, body name, title year and document number from the lines before section 一."""
    header = Header()
    texts = preamble_texts(lines, preamble_end(lines, first_section))
    previous = ""
    following = {index: text for index, text in texts}
    for index, text in texts:
        number = DOC_NUMBER_RE.search(to_halfwidth(text).replace(" ", ""))
        if number and header.doc_number is None and len(text) <= 30:
            header.doc_number = normalise_doc_number(number.group(0))
            continue
        if DOC_HEADER_RE.match(text.replace(" ", "")):
            continue
        title = title_text(text, following.get(index + 1, ""))
        if header.title_line is None and title is not None:
            name = agency_from_title(title) or agency_from_title(previous)
            header.agency = name if name and is_body_name(name) else None
            header.title_line = index
            year = YEAR_RE.search(title)
            header.title_year = int(year.group(1)) if year else None
        previous = text
    return header


MAX_TITLE_LENGTH = 60
# A body's name holds no sentence punctuation: `定》）和《关于印发…年度报告` is a sentence citing the
# format notice, not a title.
NOT_IN_BODY_NAME_RE = re.compile(r"[《》，。、；（）()]")
# …but a short aside in brackets is part of many names: 洮北区（白城市生态新区）官银号街道办事处,
# 县人力资源和社会保障局（县医疗保障局）.
NAME_ASIDE_RE = re.compile(r"[（(][^《》，。、；（）()]{1,20}[）)]")


def is_body_name(name: str) -> bool:
    return not NOT_IN_BODY_NAME_RE.search(NAME_ASIDE_RE.sub("", name))


def title_text(text: str, next_text: str) -> str | None:
    """The title this line is or starts: a title wrapped onto a second line (…政府信息公开工作 / 年度报告) is
    taken whole."""
    for candidate in (text, text + next_text):
        compact = candidate.replace(" ", "")
        if len(compact) <= MAX_TITLE_LENGTH and TITLE_RE.search(compact) and is_body_name(agency_from_title(candidate)):
            return candidate
    return None


def normalise_doc_number(text: str) -> str:
    text = re.sub(r"\s+", "", text)
    return re.sub(r"[\[［(（【]((?:19|20)\d{2})[\]］)）】〕]", r"〔\1〕", text)


def year_from_text(text: str) -> int | None:
    """The statistics period, else the first year the body text names."""
    for pattern in (STATS_PERIOD_RE, PERIOD_RE):
        match = pattern.search(text)
        if match:
            return int(match.group(1))
    match = YEAR_RE.search(text)
    return int(match.group(1)) if match else None


# A saved article page's own publication field: `发布时间: 2023-02-20 15:07`, `发布日期：2022年1月20日`.
# 发布时间: …, or a bare 时间: … beside the page's 来源: field (`来源：行政科 时间：2026-01-26 11:49`).
PUBLISHED_FIELD_RE = re.compile(r"(?:(?:发布|发文|公开)(?:时间|日期)|(?:^|\s)时间)\s*[:：]\s*((?:19|20)\d{2})\s*[-年/.]\s*(\d{1,2})\s*[-月/.]\s*(\d{1,2})")


def iso_date(year: str, month: str, day: str) -> str | None:
    try:
        return date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def published_field(lines: Sequence[Line], limit: int) -> str | None:
    """The publication date a page prints above the report (a site's 发布时间), if any."""
    for line in lines[:limit]:
        match = PUBLISHED_FIELD_RE.search(to_halfwidth(line.text))
        if match:
            return iso_date(*match.groups())
    return None


def publication_date(lines: Sequence[Line], first_section: int = -1) -> str | None:
    """When the report was published: the page's 发布时间 field above the report, else a date alone on
    a line in the closing signature block (the document's own date)."""
    field = published_field(lines, preamble_end(lines, first_section))
    if field is not None:
        return field
    for text in last_texts(lines, TRAILER_LINES):
        match = DATE_LINE_RE.match(to_halfwidth(text))
        if match:
            return iso_date(*match.groups())
    return None


def last_texts(lines: Sequence[Line], count: int) -> list[str]:
    """The last `count` non-empty cleaned text lines, last first (read from the end: the rest is not needed)."""
    found: list[str] = []
    for line in reversed(lines):
        if len(found) == count:
            break
        if line.kind is LineKind.TEXT and (text := clean_line(line.text)):
            found.append(text)
    return found


def detect_template(lines: Sequence[Line], year: int | None) -> str | None:
    """2021 or 2019 by the labels the tables print (SPEC signals); legacy for old reports without them."""
    cells = set(chain.from_iterable([line.cells for line in lines]))  # distinct first: "0" and such fill the tables
    labels = {normalise_label(cell) for cell in cells if 0 < len(cell) <= 80}
    text = "\n".join(labels)
    score_2021 = sum(1 for s in SIGNALS_2021 if s in text)
    score_2019 = sum(1 for s in SIGNALS_2019 if s in text)
    if score_2021 or score_2019:
        return "2021" if score_2021 > score_2019 else "2019"
    return "legacy" if year is not None and year <= 2018 else None
