"""Saved web pages (.html): site chrome dropped, the article's text and its tables (rowspan/colspan)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs installed; elements are Any
from gknb.model.document import Document, Line
from gknb.model.errors import ReadError
from gknb.read.common import covered_slots, expand_spans, grid_lines, join_wrapped, normalise_space, sha256_of, text_line
from gknb.read.decode import decode_bytes, split_lines
from gknb.read.text import classify_text_line


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
    classes, ident = element.get("class"), element.get("id")
    if classes is None and ident is None:
        return False  # most elements: no words to look at
    words = f"{classes or ''} {ident or ''}".lower().split()
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
            drop_tree(element)
    for comment in root.xpath("//comment() | //processing-instruction()"):
        if comment.getparent() is not None:
            drop_tree(comment)


def drop_tree(element: Any) -> None:
    """lxml.html's HtmlElement.drop_tree on a plain lxml element: the element goes, its tail stays."""
    parent = element.getparent()
    if element.tail:
        previous = element.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + element.tail
        else:
            previous.tail = (previous.tail or "") + element.tail
    parent.remove(element)


# lxml.html's HtmlElement.text_content, which is this XPath: the text of every descendant text node.
_STRING_CONTENT = etree.XPath("string()")


def text_content(element: Any) -> str:
    return str(_STRING_CONTENT(element))


def _text_length(element: Any) -> int:
    return len(normalise_space(text_content(element)))


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
    if len(cell) == 0:  # text alone, most cells: what the loop below gives for one piece
        return normalise_space(str(cell.text or ""))
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


def table_cells(table: Any) -> list[list[tuple[str, int, int]]] | None:
    """Each row's cells as (text, rowspan, colspan), or None for a layout table: old portals lay whole
    pages out with tables, and a cell holding a table or a page of text is layout, to be read as blocks
    (the report's own tables have short cells). One pass over the cells decides and keeps them; their
    text is read once the table is known not to be layout."""
    rows: list[list[Any]] = []
    for tr in table.xpath(_OWN_ROWS):
        row = []
        for cell in tr:
            tag = cell.tag
            if not isinstance(tag, str):
                continue
            if len(cell) == 0:  # no child: no table below, and its text is all it holds
                if longer_than_text(str(cell.text or ""), 300):
                    return None
            elif holds_table(cell) or longer_than(cell, 300):
                return None
            if tag.lower() in _CELL_TAGS:
                row.append(cell)
        rows.append(row)
    return [[(_html_cell_text(cell), _span_of(cell, "rowspan"), _span_of(cell, "colspan")) for cell in row]
            for row in rows]


_CELL_TAGS = ("td", "th")


def holds_table(cell: Any) -> bool:
    """A <table> below the cell (what find(".//table") says, without lxml's Python path parser)."""
    return any(True for _ in cell.iterdescendants("table"))


def longer_than(element: Any, size: int) -> bool:
    """_text_length(element) > size; spaces only ever shrink the text, so a short text is not normalised."""
    return longer_than_text(text_content(element), size)


def longer_than_text(text: str, size: int) -> bool:
    return len(text) > size and len(normalise_space(text)) > size


def _span_of(cell: Any, name: str) -> int:
    value = cell.get(name)
    return 1 if value is None else _span(value)


_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))


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
        if tag == "table" and (cells := table_cells(element)) is not None:
            self.flush()
            self.lines.extend(grid_lines(expand_spans(cells), covered_slots(cells)))
        elif tag == "br":
            self.flush()
        elif tag == "pre":
            # Sites paste text extracted from a report into <pre>: its line ends and tabs are
            # the layout, so each line follows the plain-text rules.
            self.flush()
            pre_lines = map(classify_text_line, split_lines(text_content(element)))
            self.lines.extend(line for line in pre_lines if line.text)
        elif tag in _HEADINGS:
            self.flush()
            self.buffer.append(normalise_space(text_content(element)))
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


# The tree lxml.html.document_fromstring builds, as plain lxml elements: lxml.html's element classes
# are chosen by a Python lookup for every element touched, which was a fifth of reading a page.
_HTML_PARSER = etree.HTMLParser()


def html_lines(text: str) -> list[Line]:
    root = etree.fromstring(text, _HTML_PARSER)
    if root is None:
        raise etree.ParserError("Document is empty")  # what lxml.html.document_fromstring says
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

