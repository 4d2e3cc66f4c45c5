"""Readers: one per input format, each turning a file into the shared `Document` of lines.

Like pelican's readers, each format is one small object declaring its extensions, and the
order lives in one explicit list, `READERS`. `read_document` picks a reader by extension and
is the only place that turns a parser's own exception into a `ReadError`, so callers handle
exactly one exception type whatever library failed underneath.

The readers agree on the rules for real tables (HTML, DOCX, ruled PDF): every row becomes one
GRID line with one cell per grid column; a merged cell's text sits in its first (top-left)
slot and every other slot it covers is "", so a label merged down several rows appears once.
"""

from __future__ import annotations

import codecs
import hashlib
import io
import logging
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gknb.model.document import Document, Line, LineKind

if TYPE_CHECKING:
    from pdfplumber.page import Page
    from pdfplumber.table import Table as PdfTable


class ReadError(Exception):
    """The file cannot be read: the message names the file and says why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


ReadFunction = Callable[[Path, bytes], Document]


@dataclass(frozen=True)
class Reader:
    """A format: its name (Document.format), the extensions it claims, and its read function."""

    name: str
    extensions: tuple[str, ...]
    read: ReadFunction


# --------------------------------------------------------------------------------------------
# Shared helpers


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


_WS = re.compile(r"\s+")


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace (nbsp and U+3000 included) to one space, trim ends."""
    return _WS.sub(" ", text).strip()


def join_wrapped(parts: Iterable[str]) -> str:
    """Join pieces of text that a layout wrapped (cell lines, PDF lines) back into one string.

    CJK text has no spaces between words, so wrapped pieces join directly; only when both sides
    of the break are Latin letters or digits is a space put back ("Hello" + "world").
    """
    out = ""
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum():
            out += " "
        out += part
    return out


def text_line(text: str, heading_level: int = 0) -> Line:
    return Line(LineKind.TEXT, (text,), heading_level)


def grid_line(cells: Sequence[str]) -> Line:
    return Line(LineKind.GRID, tuple(cells))


def grid_lines(rows: Iterable[Sequence[str]]) -> Iterator[Line]:
    """GRID lines for a table's rows, skipping rows with no text at all (layout artefacts)."""
    for row in rows:
        if any(cell for cell in row):
            yield grid_line(row)


def expand_spans(rows: Sequence[Sequence[tuple[str, int, int]]]) -> list[list[str]]:
    """Lay out cells given as (text, rowspan, colspan) per row on a rectangular grid.

    The text goes to the cell's first slot; the other slots it covers, to the right and in the
    rows below, get "" — so a rowspan label appears only in its first row and a merged number
    is counted once. Rows are padded to the widest row.
    """
    taken: set[tuple[int, int]] = set()
    grid: list[dict[int, str]] = [{} for _ in rows]
    for r, row in enumerate(rows):
        col = 0
        for text, rowspan, colspan in row:
            while (r, col) in taken:
                col += 1
            for dr in range(min(rowspan, len(rows) - r)):
                for dc in range(colspan):
                    taken.add((r + dr, col + dc))
                    grid[r + dr][col + dc] = text if dr == dc == 0 else ""
            col += colspan
    width = max((max(g) + 1 for g in grid if g), default=0)
    return [[g.get(c, "") for c in range(width)] for g in grid]


# --------------------------------------------------------------------------------------------
# Decoding bytes to text (.txt, .md, .html)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: its BOM starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# GB2312 and GBK are subsets of GB18030: decoding with the superset never loses a character
# that a detector's narrower guess would turn into an error.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "cp936"}


def _codec_name(name: str) -> str:
    canonical = codecs.lookup(name).name
    return "gb18030" if canonical in _GB_FAMILY or name.lower() in _GB_FAMILY else canonical


def decode_bytes(path: Path, data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Return (text, encoding): BOM first, then a declared charset, strict UTF-8, then detection."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            # The BOM names the encoding outright: a stray bad byte should not lose the file.
            return data[len(bom):].decode(encoding, errors="replace"), encoding
    for encoding in filter(None, (declared, "utf-8")):
        try:
            codec = _codec_name(encoding)
            return data.decode(codec), codec
        except (LookupError, UnicodeDecodeError):
            continue  # a wrong <meta charset> is common; fall through to detection
    # Detectors misjudge short GBK text (a six-character title comes out as cp949 or
    # UTF-16), and GBK is what a non-UTF-8 report from a Chinese government site is.
    try:
        text = data.decode("gb18030")
        if _looks_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    return _detect(path, data)


def _is_cjk(char: str) -> bool:
    return (
        "\u4e00" <= char <= "\u9fff"  # unified ideographs
        or "\u3000" <= char <= "\u303f"  # CJK punctuation (、。「」)
        or "\uff00" <= char <= "\uffef"  # full-width forms (（），：)
        or char in "“”‘’…—·"
    )


def _looks_chinese(text: str) -> bool:
    """Nearly every non-ASCII character is Chinese: the decoding is right, not mojibake."""
    wide = [c for c in text if ord(c) > 0x7F]
    return "\x00" not in text and bool(wide) and sum(map(_is_cjk, wide)) >= 0.95 * len(wide)


def _detect(path: Path, data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError(path, "无法识别文本编码，可能是二进制文件（cannot detect the text encoding (binary file?)）")
    codec = _codec_name(best.encoding)
    try:
        return data.decode(codec), codec
    except UnicodeDecodeError:
        return str(best), best.encoding


def split_lines(text: str) -> list[str]:
    """Split on line ends only; str.splitlines would also split on form feeds and U+2028."""
    return re.split(r"\r\n|\r|\n", text)


# --------------------------------------------------------------------------------------------
# Plain text and Markdown

_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+(.*?))?\s*#*\s*$")


def classify_text_line(raw: str) -> Line:
    """One source line → PIPES, TABS or TEXT, following how text extractors mark table cells."""
    if raw.lstrip().startswith("|") or raw.count("|") >= 2:
        return Line(LineKind.PIPES, tuple(cell.strip() for cell in raw.split("|")))
    if "\t" in raw:
        # nbsp and U+3000 stay: in tab layouts they are what the cell held, not formatting.
        return Line(LineKind.TABS, tuple(cell.strip(" \r") for cell in raw.split("\t")))
    heading = _HEADING.match(raw) if "#" in raw[:4] else None  # a heading's # is within its first 4 characters
    if heading:
        return text_line(normalise_space(heading.group(2) or ""), len(heading.group(1)))
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
    import yaml

    try:
        loaded = yaml.safe_load(match.group(1) or "")
    except yaml.YAMLError as exc:
        raise ReadError(path, f"文件头元数据格式错误（malformed YAML front matter: {exc}）") from exc
    if loaded is None:
        loaded = {}
    if not isinstance(loaded, dict):
        raise ReadError(path, "文件头元数据不是键值映射（front matter is not a YAML mapping）")
    return {str(k): v for k, v in loaded.items()}, text[match.end():]


_GFM_DELIMITER = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)+\|?\s*$|^\s*\|\s*:?-+:?\s*\|\s*$")


def has_gfm_table(lines: Sequence[str]) -> bool:
    return any(_GFM_DELIMITER.match(line) and "|" in prev for prev, line in zip(lines, lines[1:]))


def _inline_text(token: Any) -> str:
    """Plain text of an inline token: text and code spans, line breaks as spaces, markup dropped."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(str(child.content))
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
    return normalise_space("".join(parts))


def gfm_tables(body: str) -> dict[int, tuple[int, list[list[str]]]]:
    """Tables markdown-it finds: first source line → (line after the table, rows of cell texts)."""
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(body)
    tables: dict[int, tuple[int, list[list[str]]]] = {}
    rows: list[list[str]] = []
    start = end = 0
    for token in tokens:
        if token.type == "table_open" and token.map:
            rows, (start, end) = [], token.map
        elif token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows and token.level > 0:
            rows[-1].append(_inline_text(token))
        elif token.type == "table_close":
            tables[start] = (end, rows)
            rows = []
    return tables


def markdown_lines(body: str) -> list[Line]:
    """Line rules everywhere, except GFM pipe tables, whose rows become exact GRID lines."""
    raw_lines = split_lines(body)
    if not has_gfm_table(raw_lines):
        return text_lines(body)
    tables = gfm_tables("\n".join(raw_lines))
    lines: list[Line] = []
    index = 0
    while index < len(raw_lines):
        if index in tables:
            end, rows = tables[index]
            lines.extend(grid_line(row) for row in rows)
            index = end
        else:
            lines.append(classify_text_line(raw_lines[index]))
            index += 1
    return lines


def read_markdown(path: Path, data: bytes) -> Document:
    text, encoding = decode_bytes(path, data)
    front_matter, body = split_front_matter(path, text.replace("\r\n", "\n").replace("\r", "\n"))
    return Document(str(path), "md", encoding, sha256_of(data), markdown_lines(body), front_matter)


# --------------------------------------------------------------------------------------------
# HTML

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")

# Not <form>: ASP.NET portals wrap the whole page, report included, in one.
_DROPPED_TAGS = (
    "script", "style", "noscript", "nav", "header", "footer", "aside",
    "iframe", "template", "svg", "button", "select", "input", "textarea", "object",
)  # fmt: skip
# Class/id words that mark site chrome on government portals (top bars, menus, 当前位置 crumbs,
# share buttons, 版权 footers). Matched as whole words so "article-header" survives.
_CHROME_WORDS = {
    "nav", "navbar", "menu", "header", "footer", "foot", "breadcrumb", "breadcrumbs", "crumb",
    "crumbs", "sidebar", "copyright", "share", "toolbar", "topbar", "banner", "skip", "dqwz",
}  # fmt: skip
_BLOCK_TAGS = {
    "address", "article", "blockquote", "body", "center", "dd", "div", "dl", "dt", "figcaption",
    "figure", "li", "main", "ol", "p", "pre", "section", "ul", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "caption", "table", "thead", "tbody", "tfoot", "tr", "td", "th",
}  # fmt: skip


def _html_decode(path: Path, data: bytes) -> tuple[str, str]:
    declared = _META_CHARSET.search(data[:4096])
    text, encoding = decode_bytes(path, data, declared.group(1).decode("ascii") if declared else None)
    return _XML_DECLARATION.sub("", text), encoding


def _is_chrome(element: Any) -> bool:
    words = f"{element.get('class', '')} {element.get('id', '')}".lower().split()
    return any(word in _CHROME_WORDS for word in words)


def _is_dropped(element: Any, page_text: int) -> bool:
    tag = element.tag.lower() if isinstance(element.tag, str) else ""
    if tag in ("html", "body") or not (tag in _DROPPED_TAGS or _is_chrome(element)):
        return False
    if tag in ("header", "footer") and element.xpath("ancestor::article | ancestor::main"):
        return False  # an article's own <header> holds its title
    # Chrome is small: a "header" div holding most of the page is the page's wrapper.
    return tag in ("script", "style") or _text_length(element) * 2 < page_text


def _drop_chrome(root: Any) -> None:
    """Remove scripts, styles and site chrome, keeping each removed element's tail text."""
    page_text = _text_length(root)
    doomed = [element for element in root.iter() if _is_dropped(element, page_text)]
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    for comment in root.xpath("//comment() | //processing-instruction()"):
        if comment.getparent() is not None:
            comment.drop_tree()


def _text_length(element: Any) -> int:
    return len(normalise_space(str(element.text_content())))


def _content_root(root: Any) -> Any:
    """The article element when the page marks one that holds most of the text, else <body>."""
    body = root.find("body")
    body = root if body is None else body
    total = _text_length(body)
    candidates = root.xpath("//article | //main")
    best = max(candidates, key=_text_length, default=None)
    if best is not None and _text_length(best) * 2 >= total:
        return best
    return body


def _html_cell_text(cell: Any) -> str:
    """A cell's text: inline markup joins as is; <br>, blocks and the cells of a nested table
    (flattened into this one) are wrapped pieces, joined like the other readers join them."""
    pieces = [str(cell.text or "")]

    def visit(element: Any) -> None:
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            breaks = tag == "br" or tag in _BLOCK_TAGS
            if breaks:
                pieces.append("")
            if tag:  # a comment's .text is the comment
                pieces[-1] += str(child.text or "")
            visit(child)
            if breaks:
                pieces.append("")
            pieces[-1] += str(child.tail or "")

    visit(cell)
    return join_wrapped(normalise_space(piece) for piece in pieces)


def _span(value: object) -> int:
    """rowspan/colspan as a positive int; junk and 0 count as 1, huge values are capped."""
    try:
        return min(max(int(str(value).strip()), 1), 1000)
    except ValueError:
        return 1


_OWN_ROWS = "./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr"


def is_layout_table(table: Any) -> bool:
    """Old portals lay whole pages out with tables: a cell holding a table or a page of text
    is layout, to be read as blocks. The report's own tables have short cells."""
    for tr in table.xpath(_OWN_ROWS):
        for cell in tr:
            if isinstance(cell.tag, str) and (cell.find(".//table") is not None or _text_length(cell) > 300):
                return True
    return False


def html_table_rows(table: Any) -> list[list[str]]:
    trs = table.xpath(_OWN_ROWS)
    cells = [
        [(_html_cell_text(td), _span(td.get("rowspan", 1)), _span(td.get("colspan", 1)))
         for td in tr if isinstance(td.tag, str) and td.tag.lower() in ("td", "th")]
        for tr in trs
    ]  # fmt: skip
    return expand_spans(cells)


class _HtmlWalker:
    """Walks the content in document order, cutting text at block elements and <br>."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.buffer: list[str] = []

    def flush(self, heading_level: int = 0) -> None:
        text = normalise_space("".join(self.buffer))
        self.buffer = []
        if text:
            self.lines.append(text_line(text, heading_level))

    def walk(self, element: Any) -> None:
        tag = element.tag.lower() if isinstance(element.tag, str) else ""
        if tag == "table" and not is_layout_table(element):
            self.flush()
            self.lines.extend(grid_lines(html_table_rows(element)))
        elif tag == "br":
            self.flush()
        elif tag == "pre":
            # Sites paste text extracted from a report into <pre>: its line ends and tabs are
            # the layout, so each line follows the plain-text rules.
            self.flush()
            pre_lines = map(classify_text_line, split_lines(str(element.text_content())))
            self.lines.extend(line for line in pre_lines if line.text)
        elif re.fullmatch(r"h[1-6]", tag):
            self.flush()
            self.buffer.append(normalise_space(str(element.text_content())))
            self.flush(int(tag[1]))
        else:
            self._walk_children(element, tag in _BLOCK_TAGS)
        if element.tail:
            self.buffer.append(element.tail)

    def _walk_children(self, element: Any, block: bool) -> None:
        if block:
            self.flush()
        if element.text and isinstance(element.tag, str):
            self.buffer.append(element.text)
        for child in element:
            self.walk(child)
        if block:
            self.flush()


def html_lines(text: str) -> list[Line]:
    import lxml.html  # type: ignore[import-untyped]  # no stubs installed; elements are Any

    root = lxml.html.document_fromstring(text)
    _drop_chrome(root)
    walker = _HtmlWalker()
    content = _content_root(root)
    content.tail = None  # text after </body> is parser debris, not content
    walker.walk(content)
    walker.flush()
    return walker.lines


def read_html(path: Path, data: bytes) -> Document:
    text, encoding = _html_decode(path, data)
    if not text.strip():
        raise ReadError(path, "网页没有正文内容（HTML file has no content）")
    return Document(str(path), "html", encoding, sha256_of(data), html_lines(text))


# --------------------------------------------------------------------------------------------
# DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)


def _docx_heading_level(paragraph: Any) -> int:
    """Heading depth from the paragraph style ('Heading 2', '标题 2'; 'Title' counts as 1)."""
    try:
        name = str(paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, ValueError):
        return 0  # a style id the styles part does not define
    match = _HEADING_STYLE.match(name.strip())
    if match:
        return int(match.group(1))
    return 1 if name.strip().lower() == "title" else 0


_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# Subtrees whose text is not shown: properties (w:tabs holds tab *stops*), deleted or moved-away
# text, and the fallback copy of a drawing that the mc:Choice branch already holds.
_HIDDEN = {f"{_W}pPr", f"{_W}rPr", f"{_W}del", f"{_W}moveFrom", f"{_MC}Fallback"}


def docx_text(element: Any) -> str:
    """Visible text of a w:p, reading runs wherever they sit.

    python-docx's Paragraph.text reads only direct runs and hyperlinks, so it misses text in
    inline content controls (common in report templates), tracked insertions and fields.
    """
    parts: list[str] = []

    def visit(node: Any) -> None:
        for child in node:
            tag = child.tag
            if not isinstance(tag, str) or tag in _HIDDEN:
                continue
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag == f"{_W}tab":
                parts.append("\t")
            elif tag in (f"{_W}br", f"{_W}cr", f"{_W}p"):
                parts.append("\n")  # a text box's paragraphs are lines of their own
            if tag != f"{_W}t":
                visit(child)

    visit(element)
    return "".join(parts)


def _docx_paragraph_lines(paragraph: Any) -> Iterator[Line]:
    # A <w:br/> inside a paragraph is a visible line break: each piece is its own line.
    level = _docx_heading_level(paragraph)
    for piece in docx_text(paragraph._p).split("\n"):
        text = normalise_space(piece)
        if text:
            yield text_line(text, level)


def _unwrapped(container: Any, *tags: str) -> Iterator[Any]:
    """Children of `container` with one of `tags`, looking through content controls (w:sdt)."""
    for child in container:
        if child.tag in tags:
            yield child
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                yield from _unwrapped(content, *tags)


def _docx_cell_text(tc: Any) -> str:
    """All paragraphs of a cell, nested tables included (flattened), joined as wrapped text."""
    paragraphs = tc.xpath(".//w:p[not(ancestor::w:p)]")  # text-box paragraphs are read with their host
    return join_wrapped(normalise_space(docx_text(p)) for p in paragraphs)


def docx_table_rows(tbl: Any) -> list[list[str]]:
    """Rows of a w:tbl on its layout grid: gridSpan and vMerge continuations become ""."""
    rows: list[list[tuple[str, int, int]]] = []
    for tr in _unwrapped(tbl, f"{_W}tr"):
        row = [("", 1, 1)] * int(tr.grid_before)  # cells the row skips at its start
        for tc in _unwrapped(tr, f"{_W}tc"):
            merged_from_above = tc.vMerge == "continue"
            text = "" if merged_from_above else _docx_cell_text(tc)
            row.append((text, 1, int(tc.grid_span)))
        rows.append(row)
    return expand_spans(rows)


def docx_lines(data: bytes) -> list[Line]:
    import docx
    from docx.text.paragraph import Paragraph

    document = docx.Document(io.BytesIO(data))
    lines: list[Line] = []
    for block in _unwrapped(document.element.body, f"{_W}p", f"{_W}tbl"):
        if block.tag == f"{_W}tbl":
            lines.extend(grid_lines(docx_table_rows(block)))
        else:
            lines.extend(_docx_paragraph_lines(Paragraph(block, document)))
    return lines


def read_docx(path: Path, data: bytes) -> Document:
    if not data.startswith(b"PK"):
        raise ReadError(path, "不是有效的 DOCX 文件（not a DOCX file (no ZIP signature)）")
    return Document(str(path), "docx", None, sha256_of(data), docx_lines(data))


# --------------------------------------------------------------------------------------------
# PDF

# Page numbers as printed in reports: -1-, — 2 —, 第 3 页, 第3页 共5页, 1/5.
_PAGE_NUMBER = re.compile(
    r"^(?:[-—–－―~～·•]+\s*\d{1,4}\s*[-—–－―~～·•]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/、]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
_BARE_NUMBER = re.compile(r"^\d{1,4}$")
# Only these end a paragraph: a line may wrap right after a comma, colon or semicolon.
_SENTENCE_END = tuple("。！？!?")
# Lines that start a new heading or numbered item never continue the line before them.
_BLOCK_START = re.compile(r"^(?:[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第[一二三四五六七八九十\d]+[条章节])")


# pdfminer warns through logging on every damaged stream; with no handler of the application's
# own, Python would print each to stderr. A NullHandler keeps them out of the CLI's output and
# still lets them propagate to any logging the application configures.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())


def is_page_number(text: str) -> bool:
    return bool(_PAGE_NUMBER.match(normalise_space(text)))


def _is_background(obj: dict[str, Any]) -> bool:
    """A filled, unstroked area (text highlight, cell shading): its edges are not table rules.

    Some exporters put a white box behind every line of prose; pdfplumber would see a
    one-column table in them. Thin filled rectangles stay: they are how rules are often drawn.
    """
    if obj.get("object_type") != "rect" or obj.get("stroke"):
        return False
    return bool(obj.get("fill")) and min(obj["width"], obj["height"]) > 2


def pdf_cell_text(cell: str | None) -> str:
    """A table cell: wrapped lines joined (CJK labels wrap), page numbers that fell in dropped."""
    if not cell:
        return ""
    pieces = [p for p in cell.split("\n") if not is_page_number(p)]
    return normalise_space(join_wrapped(pieces))


def _is_real_table(rows: Sequence[Sequence[str]]) -> bool:
    # A single column of text is a framed paragraph, not a table of the report.
    return any(sum(1 for cell in row if cell) >= 2 for row in rows)


@dataclass
class _PdfText:
    text: str
    top: float
    x1: float
    char_width: float


@dataclass
class _PdfTable:
    rows: list[list[str]]
    top: float


_PageItems = list[_PdfText | _PdfTable]


def _outside(bboxes: Sequence[tuple[float, float, float, float]]) -> Callable[[dict[str, Any]], bool]:
    def keep(obj: dict[str, Any]) -> bool:
        if "x0" not in obj or "top" not in obj:
            return True
        cx, cy = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in bboxes)

    return keep


def _open_ends(verticals: Sequence[dict[str, Any]], horizontals: Sequence[dict[str, Any]], end: str) -> list[dict[str, Any]]:
    """Horizontal rules closing a table whose verticals stop at a page break with no rule there.

    A table split across pages often has its last row on the page drawn without the bottom
    rule (or the first row without the top one); pdfplumber then loses that row and any cell
    merged into it. Where two or more verticals end at the same height with no horizontal
    rule across them, this supplies the missing rule.
    """
    groups: dict[int, list[dict[str, Any]]] = {}
    for edge in verticals:
        groups.setdefault(round(float(edge[end])), []).append(edge)
    rules: list[dict[str, Any]] = []
    for y, edges in groups.items():
        x0, x1 = min(float(e["x0"]) for e in edges), max(float(e["x1"]) for e in edges)
        covered = any(
            abs(float(h["top"]) - y) <= 3 and float(h["x0"]) <= x0 + 3 and float(h["x1"]) >= x1 - 3
            for h in horizontals
        )
        if len(edges) >= 2 and x1 - x0 > 10 and not covered:
            rules.append({"object_type": "line", "x0": x0, "x1": x1, "top": float(y),
                          "bottom": float(y), "width": x1 - x0, "height": 0.0})  # fmt: skip
    return rules


def _page_tables(page: Page) -> list[PdfTable]:
    ruled = page.filter(lambda obj: not _is_background(obj))
    edges = ruled.edges
    verticals = [e for e in edges if e["orientation"] == "v"]
    horizontals = [e for e in edges if e["orientation"] == "h"]
    closing = _open_ends(verticals, horizontals, "top") + _open_ends(verticals, horizontals, "bottom")
    return list(ruled.find_tables({"explicit_horizontal_lines": closing}))


def _page_text(page: Page, tables: Sequence[PdfTable]) -> list[_PdfText]:
    """Text lines outside the tables, page numbers removed."""
    outside = page.filter(_outside([t.bbox for t in tables]))
    raw = [ln for ln in outside.extract_text_lines(layout=False, strip=True) if str(ln["text"]).strip()]
    lines: list[_PdfText] = []
    for index, ln in enumerate(raw):
        text = normalise_space(str(ln["text"]))
        edge = index in (0, len(raw) - 1)
        in_margin = float(ln["top"]) < page.height * 0.1 or float(ln["bottom"]) > page.height * 0.9
        if is_page_number(text) or (edge and in_margin and _BARE_NUMBER.match(text)):
            continue
        char_width = (float(ln["x1"]) - float(ln["x0"])) / max(len(text), 1)
        lines.append(_PdfText(text, float(ln["top"]), float(ln["x1"]), char_width))
    return lines


def _page_items(page: Page) -> _PageItems:
    """Tables and text lines of one page, top to bottom."""
    kept: list[tuple[PdfTable, _PdfTable]] = []
    for table in _page_tables(page):
        rows = [[pdf_cell_text(cell) for cell in row] for row in table.extract()]
        if _is_real_table(rows):
            kept.append((table, _PdfTable(rows, float(table.bbox[1]))))
    items: _PageItems = [item for _, item in kept]
    items.extend(_page_text(page, [table for table, _ in kept]))
    return sorted(items, key=lambda item: item.top)


def _right_margin(pages: Sequence[_PageItems]) -> float:
    """Where wrapped lines end: the commonest right edge of text lines in the document.

    Justified prose ends every wrapped line at the same x; headings and last lines of
    paragraphs end short. The mode is robust to a stray long line (a URL in the margin).
    """
    edges = [round(item.x1) for items in pages for item in items if isinstance(item, _PdfText)]
    if not edges:
        return 0.0
    return float(max(set(edges), key=lambda x: (sum(1 for e in edges if abs(e - x) <= 2), x)))


_SECTION_HEADING = re.compile(r"^\s*[一二三四五六七八九十]+、[^\d]{1,38}$")
_NUMBER_ROW = re.compile(r"^(?:[-+]?\d[\d,.]*\s+){2,}[-+]?\d[\d,.]*$")


def _continues(previous: _PdfText, line: _PdfText, right: float) -> bool:
    """Does `line` carry on the paragraph of `previous` (wrapped at the right margin)?

    A section heading that happens to reach the margin ends its line, and a row of numbers
    (an unruled table's data) is never part of a paragraph."""
    if previous.x1 < right - 1.5 * previous.char_width:
        return False
    if _SECTION_HEADING.match(previous.text) or _NUMBER_ROW.match(line.text.strip()):
        return False
    return not previous.text.endswith(_SENTENCE_END) and not _BLOCK_START.match(line.text)


_NUMERIC = re.compile(r"^[-+]?\d[\d,.]*$")


def is_row_continuation(previous: Sequence[str], row: Sequence[str]) -> bool:
    """Is `row` the rest of `previous`, a row that a page break cut in two?

    Only the safe case: the new part holds no number, and every piece of text in it lies
    under a text cell of the part before (a wrapped label such as 5.属于三类内部事 / 务信息).
    """
    if len(previous) != len(row):
        return False
    pieces = [(before, after) for before, after in zip(previous, row) if after]
    return bool(pieces) and all(before and not _NUMERIC.match(before) and not _NUMERIC.match(after)
                                for before, after in pieces)  # fmt: skip


def _table_lines(rows: list[list[str]], lines: list[Line], page_start: bool) -> None:
    """Append a table's rows, first mending a row cut by the page break above it."""
    previous = lines[-1] if lines and lines[-1].kind is LineKind.GRID else None
    if page_start and previous is not None and rows and is_row_continuation(previous.cells, rows[0]):
        cells = [join_wrapped([a, b]) for a, b in zip(previous.cells, rows[0])]
        lines[-1] = grid_line(cells)
        rows = rows[1:]
    lines.extend(grid_lines(rows))


def pdf_lines(pages: Iterable[Page]) -> list[Line]:
    items_by_page = [_page_items(page) for page in pages]
    right = _right_margin(items_by_page)
    lines: list[Line] = []
    previous: _PdfText | None = None  # the open paragraph, if the last item was text
    for items in items_by_page:
        for index, item in enumerate(items):
            if isinstance(item, _PdfTable):
                _table_lines(item.rows, lines, page_start=index == 0)
                previous = None
            elif previous is not None and _continues(previous, item, right):
                previous = _PdfText(join_wrapped([previous.text, item.text]), previous.top, item.x1, item.char_width)
                lines[-1] = text_line(previous.text)
            else:
                lines.append(text_line(item.text))
                previous = item
    return lines


def read_pdf(path: Path, data: bytes) -> Document:
    if b"%PDF-" not in data[:1024]:  # readers accept junk before the header, within 1 KB
        raise ReadError(path, "不是有效的 PDF 文件（not a PDF file (no %PDF- header)）")
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        if not any(page.chars for page in pdf.pages):
            raise ReadError(path, "PDF 没有文字层，可能是扫描件，需要先做文字识别（no text layer (scanned PDF?)）")
        lines = pdf_lines(pdf.pages)
    return Document(str(path), "pdf", None, sha256_of(data), lines)


# --------------------------------------------------------------------------------------------
# Registry

READERS: list[Reader] = [
    Reader("txt", (".txt",), read_text),
    Reader("md", (".md", ".markdown"), read_markdown),
    Reader("html", (".html", ".htm"), read_html),
    Reader("docx", (".docx",), read_docx),
    Reader("pdf", (".pdf",), read_pdf),
]


def reader_for(path: Path) -> Reader | None:
    suffix = path.suffix.lower()
    return next((reader for reader in READERS if suffix in reader.extensions), None)


def read_document(path: Path) -> Document:
    """Read any supported file into a Document; every failure is a ReadError naming the file."""
    path = Path(path)
    reader = reader_for(path)
    if reader is None:
        known = ", ".join(ext for r in READERS for ext in r.extensions)
        raise ReadError(path, f"不支持的文件类型 {path.suffix or '(无扩展名)'!r}，支持：{known}（unsupported file type）")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ReadError(path, f"无法打开文件（cannot open: {exc.strerror or exc}）") from exc
    if not data.strip():
        raise ReadError(path, "空文件（empty file）")
    try:
        return reader.read(path, data)
    except ReadError:
        raise
    except ImportError as exc:
        missing = exc.name or str(exc)
        raise ReadError(path, f"读取 {reader.name} 需要的软件包未安装：{missing}（the {reader.name} reader needs a package that is not installed）") from exc
    except Exception as exc:  # noqa: BLE001 — parsers raise many types; callers get one
        raise ReadError(path, f"无法按 {reader.name} 格式读取，文件可能已损坏（cannot read as {reader.name}: {type(exc).__name__}: {exc}）") from exc
