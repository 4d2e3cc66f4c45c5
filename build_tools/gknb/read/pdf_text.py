"""pdfplumber's rules for turning characters into words and lines, with its default settings
(tolerances of 3 pt, layout off), without its general machinery.

`pdfplumber.utils.extract_text` and `Page.extract_text_lines` build a word extractor and a text
map per call: three quarters of the reader's time once pdfium gives the characters. These give
the same strings (tests/test_pdf_text.py holds them to pdfplumber's on real pages).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any, NamedTuple

Obj = dict[str, Any]
TOLERANCE = 3.0
# pdfplumber expands these ligatures in words (expand_ligatures=True by default)
LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}
_LIGATURE_CHARS = frozenset("".join(LIGATURES))
_UPRIGHT, _X0, _TEXT, _TOP = itemgetter("upright"), itemgetter("x0"), itemgetter("text"), itemgetter("top")
_PLACE = itemgetter("text", "x0", "x1", "top")


class Word(NamedTuple):
    text: str
    top: float
    chars: list[Obj]


def cluster_ids(values: Sequence[float]) -> dict[float, int]:
    """pdfplumber's `make_cluster_dict`: sorted distinct values, a new cluster where one is more
    than the tolerance above the one before."""
    ids: dict[float, int] = {}
    cluster, last = -1, None
    for value in sorted(set(values)):
        if last is None or value > last + TOLERANCE:
            cluster += 1
        ids[value] = cluster
        last = value
    return ids


def _word(chars: list[Obj]) -> Word:
    text = "".join(map(_TEXT, chars))
    if not _LIGATURE_CHARS.isdisjoint(text):
        text = "".join(LIGATURES.get(c["text"]) or str(c["text"]) for c in chars)
    return Word(text, min(map(_TOP, chars)), chars)


def _line_words(line: list[Obj]) -> list[Word]:
    """One line's characters (sorted by x0) as words: a blank ends a word, so does a gap of more
    than the tolerance, a step back, or a character off the line."""
    words: list[list[Obj]] = []
    current: list[Obj] = []
    last_x0 = last_x1 = last_top = 0.0  # the last character of `current`
    for char in line:
        text, x0, x1, top = _PLACE(char)
        if text.isspace() or text == "":
            if current:
                words.append(current)
            current = [char] if text == "" else []  # pdfplumber: "" is "in" the empty punctuation set
            if text == "":
                words.append(current)
                current = []
            continue
        if current and (x0 < last_x0 or x0 > last_x1 + TOLERANCE or abs(top - last_top) > TOLERANCE):
            words.append(current)
            current = [char]
        else:
            current.append(char)
        last_x0, last_x1, last_top = x0, x1, top
    if current:
        words.append(current)
    return [_word(chars) for chars in words]


def words(chars: Sequence[Obj]) -> list[Word]:
    """pdfplumber's `WordExtractor.iter_extract_tuples`: runs of upright (or rotated) characters,
    each split into lines by top and each line, left to right, into words."""
    found: list[Word] = []
    for _upright, run in groupby(chars, key=_UPRIGHT):
        group = list(run)
        tops = [c["top"] for c in group]
        if max(tops) <= min(tops) + TOLERANCE:  # one line (a table cell's, mostly): no clusters to find
            found.extend(_line_words(sorted(group, key=_X0)))
            continue
        ids = cluster_ids(tops)
        lines: dict[int, list[Obj]] = {}
        for char, top in zip(group, tops):  # each line's characters in the run's order
            lines.setdefault(ids[top], []).append(char)
        for line in sorted(lines):
            found.extend(_line_words(sorted(lines[line], key=_X0)))
    return found


def extract_text(chars: Sequence[Obj]) -> str:
    """`pdfplumber.utils.extract_text(chars)`: the words, in lines by top, lines joined by newlines."""
    if len(chars) == 1:  # most table cells (a figure): its word, if it is not a blank
        text = chars[0]["text"]
        return "" if text.isspace() else LIGATURES.get(text) or str(text)
    found = words(chars)
    if len(found) < 2:
        return found[0].text if found else ""
    tops = [w.top for w in found]
    if max(tops) <= min(tops) + TOLERANCE:
        return " ".join([w.text for w in found])
    ids = cluster_ids(tops)
    lines: dict[int, list[str]] = {}
    for word in found:  # each line's words in the order they come
        lines.setdefault(ids[word.top], []).append(word.text)
    return "\n".join(" ".join(lines[line]) for line in sorted(lines))


class TextLine(NamedTuple):
    text: str
    x0: float
    top: float
    x1: float
    bottom: float


def text_lines(chars: Sequence[Obj]) -> list[TextLine]:
    """`Page.extract_text_lines(layout=False, strip=True)` on these characters: the words, lines
    being runs of words whose tops cluster together in the order the words come."""
    found = words(chars)
    ids = cluster_ids([w.top for w in found])
    lines: list[TextLine] = []
    for _, members in groupby(found, key=lambda w: ids[w.top]):
        line = list(members)
        text = " ".join(w.text for w in line).strip(" ")
        if not text:
            continue
        inked = [c for w in line for c in w.chars]
        lines.append(TextLine(text, min([c["x0"] for c in inked]), min([c["top"] for c in inked]),
                              max([c["x1"] for c in inked]), max([c["bottom"] for c in inked])))
    return lines
