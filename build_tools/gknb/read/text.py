"""Plain text (.txt) and Markdown (.md): line rules for tabs and pipe fragments, GFM tables as grids."""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from gknb.model.document import Document, Line, LineKind
from gknb.model.errors import ReadError
from gknb.read.common import grid_line, normalise_space, sha256_of, text_line
from gknb.read.decode import decode_bytes, split_lines
from gknb.read.yaml_text import load_yaml_text


_HEADING_OPEN = re.compile(r"^\s{0,3}(#{1,6})")


def heading_of(raw: str) -> tuple[int, str] | None:
    """An ATX heading's level and text (closing #s dropped), or None.

    In Python rather than one pattern: `^\\s{0,3}(#{1,6})(?:\\s+(.*?))?\\s*#*\\s*$` backtracks cubically
    on a line of spaces (`# a` + 4,000 spaces + `x` took the whole 60 s a file is given)."""
    opening = _HEADING_OPEN.match(raw)
    if opening is None:
        return None
    rest = raw[opening.end():]
    text = rest.rstrip().rstrip("#").rstrip()
    if rest[:1].isspace() or not text:
        return len(opening.group(1)), text.strip()
    return None


@lru_cache(maxsize=1 << 16)  # lines are immutable, and blank lines, `\t0` and the labels recur in every report
def classify_text_line(raw: str) -> Line:
    """One source line → PIPES, TABS or TEXT, following how text extractors mark table cells."""
    if raw.lstrip().startswith("|") or raw.count("|") >= 2:
        return Line(LineKind.PIPES, tuple(cell.strip() for cell in raw.split("|")))
    if "\t" in raw:
        # nbsp and U+3000 stay: in tab layouts they are what the cell held, not formatting.
        return Line(LineKind.TABS, tuple(cell.strip(" \r") for cell in raw.split("\t")))
    heading = heading_of(raw) if "#" in raw[:4] else None  # a heading's # is within its first 4 characters
    if heading:
        return text_line(normalise_space(heading[1]), heading[0])
    return text_line(normalise_space(raw))


def text_lines(text: str) -> list[Line]:
    # Empty lines are kept: the one-cell-per-line layout (seeds/004) separates rows with them.
    return [classify_text_line(raw) for raw in split_lines(text)]


def read_text(path: Path, data: bytes) -> Document:
    text, encoding = decode_bytes(path, data)
    return Document(str(path), "txt", encoding, sha256_of(data), text_lines(text))


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?\n)?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)


def split_front_matter(path: Path, text: str) -> tuple[dict[str, object], str]:
    """YAML between leading '---' lines, and the rest of the text."""
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    loaded = load_yaml_text(path, match.group(1) or "", "文件头元数据（YAML front matter）")
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ReadError(path, "文件头元数据不是键值映射（front matter is not a YAML mapping）")
    return {str(k): v for k, v in loaded.items()}, text[match.end():]


_GFM_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$|^\s*\|\s*:?-+:?\s*\|\s*$")


def has_gfm_table(lines: Sequence[str]) -> bool:
    return any(_GFM_DELIMITER.match(line) and "|" in prev for prev, line in zip(lines, lines[1:]))


@lru_cache(maxsize=1)
def block_parser() -> Any:
    """CommonMark with GFM tables, block rules only: where tables start and end is all we take from it
    (the rows are read from the source lines). Inline parsing was half of markdown-it's time and the
    table rule's tokens, one per cell, most of the rest: `table_bounds` finds the same tables without them."""
    from markdown_it import MarkdownIt

    parser = MarkdownIt("commonmark").enable("table").disable("inline")
    # the same place and the same rules it may interrupt as markdown-it's own (`at` would clear them)
    parser.block.ruler.at("table", table_bounds, {"alt": ["paragraph", "reference"]})
    return parser


def table_bounds(state: Any, start: int, end: int, silent: bool) -> bool:
    """markdown-it-py's GFM table rule, emitting only table_open (with the table's line map) and
    table_close: its own rule decides whether a table starts here, and its loop over the body
    rows is repeated with the same stops (indent, a block that interrupts, a blank or code line,
    too many cells to fill in)."""
    gfm = importlib.import_module("markdown_it.rules_block.table")  # the package exports the rule under this name
    starts = bool(gfm.table(state, start, end, True))
    if silent or not starts:
        return starts
    columns = header_columns(gfm.escapedSplit(gfm.mdTrim(gfm.getLine(state, start))))
    limit = getattr(gfm, "MAX_AUTOCOMPLETED_CELLS", None)
    stops = state.md.block.ruler.getRules("blockquote")
    opened = state.push("table_open", "table", 1)
    line, filled = start + 2, 0
    while line < end and state.sCount[line] >= state.blkIndent:
        if not opens_with_pipe(state, line) and any(rule(state, line, end, True) for rule in stops):
            break
        text = gfm.mdTrim(gfm.getLine(state, line))
        if not text or state.is_code_block(line):
            break
        filled += columns - cell_count(text)
        if limit is not None and filled > limit:
            break
        line += 1
    opened.map = [start, line]
    state.push("table_close", "table", -1)
    state.line = line
    return True


def opens_with_pipe(state: Any, line: int) -> bool:
    """The line's first character after its indentation is a pipe, as nearly every row of a table: no
    block that may end a table (fence, block quote, rule, list, HTML, heading) starts with one, so its
    rules need not be asked (they were most of reading a Markdown report's tables)."""
    start = state.bMarks[line] + state.tShift[line]
    return bool(state.src[start:start + 1] == "|")


def cell_count(text: str) -> int:
    """header_columns(escapedSplit(text)) of a trimmed, non-empty row, counted without splitting: escapedSplit
    cuts at every pipe not right after a backslash; the piece before the first is empty when the row
    opens with a pipe, the piece after the last when it ends with one (not an escaped one)."""
    count = text.count("|") - text.count("\\|") + 1
    if text.startswith("|"):
        count -= 1
    if text.endswith("|") and not text.endswith("\\|") and count > 0:
        count -= 1
    return count


def header_columns(cells: list[str]) -> int:
    """How many cells a split row holds, an empty piece before the first and after the last pipe left out."""
    count = len(cells)
    if count and cells[0] == "":
        count -= 1
        cells = cells[1:]
    if cells and cells[-1] == "":
        count -= 1
    return count


def gfm_tables(body: str) -> dict[int, int]:
    """Tables markdown-it finds: first source line → the line after the table."""
    return {token.map[0]: token.map[1] for token in block_parser().parse(body)
            if token.type == "table_open" and token.map}


_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")


def pipe_cells(raw: str) -> list[str]:
    """A pipe-table row's cells as the source writes them (escaped `\\|` kept as text). markdown-it's own
    cells are not used: it drops cells beyond the header's count, which shifts every number after."""
    text = raw.strip()
    if text.startswith("|"):
        text = text[1:]
    if text.endswith("|") and not text.endswith("\\|"):
        text = text[:-1]
    cells = _UNESCAPED_PIPE.split(text)
    return [normalise_space(cell.replace("\\|", "|")) for cell in cells]


def markdown_lines(body: str) -> list[Line]:
    """Line rules everywhere, except GFM pipe tables, whose rows become exact GRID lines.

    markdown-it says where a table starts and ends; inside it, a line without a pipe is text (GFM
    would make it a one-cell row and run the table on over the headings that follow) and the
    delimiter rows (|---|) are left out."""
    raw_lines = split_lines(body)
    if not has_gfm_table(raw_lines):
        return text_lines(body)
    tables = gfm_tables("\n".join(raw_lines))
    lines: list[Line] = []
    index = 0
    while index < len(raw_lines):
        if index not in tables:
            lines.append(classify_text_line(raw_lines[index]))
            index += 1
            continue
        end = tables[index]
        for raw in raw_lines[index:end]:
            if "|" not in raw:
                lines.append(classify_text_line(raw))
            elif not _GFM_DELIMITER.match(raw):
                lines.append(grid_line(pipe_cells(raw)))
        index = end
    return lines


def read_markdown(path: Path, data: bytes) -> Document:
    text, encoding = decode_bytes(path, data)
    front_matter, body = split_front_matter(path, text.replace("\r\n", "\n").replace("\r", "\n"))
    return Document(str(path), "md", encoding, sha256_of(data), markdown_lines(body), front_matter)

