"""Normalising label text and classifying cell text, the steps every table reader shares.

Each normalisation step is one named function; their order is written down once in
`LABEL_STEPS` (markdown-it-py's ruler: rules by name in one ordered list).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from enum import Enum
from typing import Callable, NamedTuple

from gknb.model.record import Cell, CellState, shared_cell

SPACES = "\u00a0\u3000\u2002\u2003\u2009\u200b\ufeff"


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and brackets to half-width (NFKC)."""
    return unicodedata.normalize("NFKC", text)


def drop_spaces(text: str) -> str:
    """Spaces between characters (`自然 人`, `本年 度办 理结 果`) carry no meaning in labels."""
    return re.sub(rf"[\s{SPACES}]+", "", text)


def drop_punctuation(text: str) -> str:
    """Brackets, enumerator dots and quotes vary between reports; keep letters and digits."""
    return re.sub(r"[()（）\[\]【】〔〕、.．,，:：;；“”\"'‘’/／|「」《》·\-—_]", "", text)


def fix_known_typos(text: str) -> str:
    """Typos seen in real reports, mapped to the official wording."""
    return text.replace("本年度止件数", "本年废止件数")


LABEL_STEPS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("halfwidth", to_halfwidth),
    ("spaces", drop_spaces),
    ("punctuation", drop_punctuation),
    ("typos", fix_known_typos),
)


@lru_cache(maxsize=1 << 16)  # the same labels recur in every report
def normalise_label(text: str) -> str:
    for _name, step in LABEL_STEPS:
        text = step(text)
    return text


class TokenKind(str, Enum):
    TEXT = "text"        # a label or heading cell
    NUMBER = "number"
    EMPTY = "empty"      # a cell with nothing in it
    NA = "na"            # "/", "—", "无"
    GARBLED = "garbled"  # several numbers, or stray characters, where one number belongs
    NOISE = "noise"      # converter debris such as Markdown rule lines; not a cell at all


NA_MARKS = frozenset({"/", "／", "—", "——", "-", "－", "--", "无", "－－", "\\", "×"})
# Commas only between groups of three digits: `1,23` is not 123 (a decimal comma? two cells?).
NUMBER_RE = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")
# Superscripts, subscripts and circled digits, which NFKC would turn into plain digits: `4¹` is 4 with
# a footnote mark, not 41.
MARKED_DIGITS_RE = re.compile(r"[\u00b2\u00b3\u00b9\u2070-\u209f\u2460-\u24ff\u2776-\u2793\u3251-\u325f\u32b1-\u32bf]")
# What a cell can hold: a count in a signed 64-bit integer (a database column, Table Schema `integer`),
# an amount in the 15 significant digits a double keeps exactly.
MAX_COUNT = 2 ** 63 - 1
MAX_DECIMAL_DIGITS = 15
HAS_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
NOISE_RE = re.compile(r"^[-=:|+\s]{3,}$")


class Token(NamedTuple):
    """A cell of a table line and what it holds. A named tuple, not a frozen dataclass: reports make
    thousands and a dataclass's frozen __init__ was a tenth of reading a table."""

    kind: TokenKind
    raw: str
    line: int  # index of the source line, for locating tables in the document
    glued: bool = False  # digits that ran straight on from a label, separators lost
    exact: bool = False  # a cell of a real grid (HTML, DOCX, ruled PDF, pipe table): its position is its column
    loose: bool = False  # a number on a line of running text: no separators say which column it is in
    confidence: float | None = None  # read by OCR: the recogniser's confidence


# A label with its digits run on (`行政许可0+11`: a signed 本年增/减 keeps its sign inside the run).
GLUED_DIGITS_RE = re.compile(r"^(.*[^\d\s.,，+\-])[\s\u3000]*([+\-]?\d[\d\s\u3000]*(?:[+\-]\d[\d\s\u3000]*)*(?:\.\d+)?)$")
# A number inside a text line: not part of an enumerator (1. 2、), a 第…条 reference or a year (2024年).
NUMBER_IN_TEXT_RE = re.compile(r"(?<![\d.第])\d+(?:\.\d+)?(?![\d.．、])")
YEAR_RE = re.compile(r"(?:19|20)\d{2}年")


@dataclass(frozen=True)
class LabelNumbers:
    """A text cell taken apart: its label, the numbers in it, and whether they interrupted the label."""

    label: str
    numbers: tuple[str, ...] = ()
    interleaved: bool = False  # a wrapped label column printed around the numbers (unruled PDF text)


# The 2019 table's 政府集中采购 cells carry their units (`1个246900元`, `2832995元`): a unit ends a cell.
PROCUREMENT_UNITS_RE = re.compile(r"^(.*集中采购)\s*((?:\d+(?:\.\d+)?\s*(?:万元|元|个|项)\s*)+)$")
NUMBER_BEFORE_UNIT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(?:万元|元|个|项)")


@lru_cache(maxsize=1 << 16)
def split_label_numbers(raw: str) -> LabelNumbers:
    """`本年新收…数量801000081` → label + digit run; `一、本 8 89 … 466年新收…数量` → label + 7 numbers."""
    text = to_halfwidth(raw).strip()
    units = PROCUREMENT_UNITS_RE.match(text)
    if units:
        return LabelNumbers(units.group(1), tuple(NUMBER_BEFORE_UNIT_RE.findall(units.group(2))))
    match = GLUED_DIGITS_RE.match(text)
    if match and HAS_CJK_RE.search(match.group(1)):
        return LabelNumbers(match.group(1), tuple(match.group(2).split()))
    found = [m for m in NUMBER_IN_TEXT_RE.finditer(text) if not YEAR_RE.match(text, m.start())]
    if len(found) < 2 or not HAS_CJK_RE.search(text):
        return LabelNumbers(raw)
    label = _remove_spans(text, [(m.start(), m.end()) for m in found])
    return LabelNumbers(label, tuple(m.group() for m in found), interleaved=True)


def _remove_spans(text: str, spans: list[tuple[int, int]]) -> str:
    kept, position = [], 0
    for start, end in spans:
        kept.append(text[position:start])
        position = end
    kept.append(text[position:])
    return "".join(kept)


def is_subsequence(phrase: str, label: str) -> bool:
    """The phrase's characters appear in order in the label (a label broken up by a wrapped column)."""
    rest = iter(label)
    return all(char in rest for char in phrase)


def classify_cell(raw: str, line: int = 0, exact: bool = False, loose: bool = False,
                  confidence: float | None = None) -> Token:
    """What a cell's text is: a label, a number, nothing, not-applicable, or garbled."""
    return Token(cell_kind(raw), raw, line, exact=exact, loose=loose, confidence=confidence)


@lru_cache(maxsize=1 << 16)
def cell_kind(raw: str) -> TokenKind:
    text = to_halfwidth(raw).strip(" \t\r\n" + SPACES)
    if not text:
        return TokenKind.EMPTY
    if NUMBER_RE.match(text):
        marked = MARKED_DIGITS_RE.search(raw) is not None
        return TokenKind.NUMBER if not marked and number_value(text) is not None else TokenKind.GARBLED
    if text in NA_MARKS:
        return TokenKind.NA
    if NOISE_RE.match(text):
        return TokenKind.NOISE
    if HAS_CJK_RE.search(text):
        return TokenKind.TEXT
    return TokenKind.GARBLED


def number_value(text: str) -> int | float | None:
    """The exact value of a number as written (no float rounding: 12345678901234567 stays itself), or
    None when it is more than a cell can hold."""
    digits = text.replace(",", "")
    if "." not in digits:
        count = int(digits)
        return count if abs(count) <= MAX_COUNT else None
    significant = digits.lstrip("+-").replace(".", "").lstrip("0")
    if len(significant) > MAX_DECIMAL_DIGITS:
        return None
    return float(digits)  # the digits written survive a double: its repr gives them back


def parse_number(raw: str) -> int | float:
    value = number_value(to_halfwidth(raw).strip(" \t\r\n" + SPACES))
    if value is None:
        raise ValueError(f"not a cell's number: {raw[:40]!r}")  # cell_kind made it GARBLED
    return value


def cell_from_token(token: Token | None) -> Cell:
    """The record cell a token stands for; `None` (no cell printed) is blank."""
    if token is None:
        return BLANK_CELL
    cell = cell_of(token.kind, token.raw)
    if token.confidence is None:
        return cell
    return shared_cell(cell.value, cell.state.value, cell.raw, token.confidence)


BLANK_CELL = Cell(None, CellState.BLANK, "")


@lru_cache(maxsize=1 << 16)  # cells are immutable and the same few texts fill every table
def cell_of(kind: TokenKind, raw_text: str) -> Cell:
    raw = raw_text.strip(" \t\r\n")
    if kind is TokenKind.NUMBER:
        return Cell(parse_number(raw_text), CellState.OK, raw)
    if kind is TokenKind.NA:
        return Cell(None, CellState.NA, raw)
    if kind is TokenKind.EMPTY:
        return Cell(None, CellState.BLANK, raw)
    return Cell(None, CellState.GARBLED, raw)
