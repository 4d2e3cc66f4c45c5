"""Word documents (.docx): paragraphs and tables on their layout grid (gridSpan, vMerge)."""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree  # type: ignore[import-untyped]  # no stubs installed; elements are Any

from gknb.model.document import Document, Line
from gknb.model.errors import ReadError
from gknb.read.common import covered_slots, expand_spans, grid_lines, join_wrapped, normalise_space, sha256_of, text_line
from gknb.read.limits import MAX_UNPACKED_BYTES


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.IGNORECASE)


@lru_cache(maxsize=32)
def style_names(styles_xml: bytes) -> dict[str, str]:
    """styleId → name for a styles part, read once per distinct part: reports of one body or one
    template share it, and Word's own is 350 KB of XML (python-docx found a paragraph's style by
    an XPath over every style, which took 19 s for a report with thousands of styles)."""
    names: dict[str, str] = {}
    for style in etree.fromstring(styles_xml, _PARSER).findall(f"{_W}style"):
        name = style.find(f"{_W}name")
        text = str(name.get(f"{_W}val") or "") if name is not None else ""
        names[str(style.get(f"{_W}styleId"))] = text
        if style.get(f"{_W}type") == "paragraph" and style.get(f"{_W}default") in ("1", "true", "on"):
            names[DEFAULT_STYLE] = text
    return names


DEFAULT_STYLE = ""  # the key of the default paragraph style: python-docx's style of a paragraph without one


def _docx_heading_level(paragraph: Any, names: dict[str, str]) -> int:
    """Heading depth from the paragraph style ('Heading 2', '标题 2'; 'Title' counts as 1); a paragraph
    without a style, or with one the styles part does not define, has the default style (as in Word)."""
    style = paragraph.find(f"{_W}pPr/{_W}pStyle")
    style_id = str(style.get(f"{_W}val")) if style is not None else DEFAULT_STYLE
    name = names.get(style_id, names.get(DEFAULT_STYLE, ""))
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


def _docx_paragraph_lines(paragraph: Any, names: dict[str, str]) -> Iterator[Line]:
    # A <w:br/> inside a paragraph is a visible line break: each piece is its own line.
    level = _docx_heading_level(paragraph, names)
    for piece in docx_text(paragraph).split("\n"):
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


_CELL_PARAGRAPHS = etree.XPath(".//w:p[not(ancestor::w:p)]", namespaces={"w": _W[1:-1]})


def _docx_cell_text(tc: Any) -> str:
    """All paragraphs of a cell, nested tables included (flattened), joined as wrapped text."""
    paragraphs = _CELL_PARAGRAPHS(tc)  # text-box paragraphs are read with their host
    return join_wrapped(normalise_space(docx_text(p)) for p in paragraphs)


def docx_table_rows(tbl: Any) -> list[list[str]]:
    """Rows of a w:tbl on its layout grid: gridSpan and vMerge continuations become ""."""
    return expand_spans(docx_table_cells(tbl))


def docx_table_cells(tbl: Any) -> list[list[tuple[str, int, int]]]:
    """Each row's cells as (text, rowspan, gridSpan); a vMerge continuation is an empty cell."""
    rows: list[list[tuple[str, int, int]]] = []
    for tr in _unwrapped(tbl, f"{_W}tr"):
        row = [("", 1, 1)] * property_value(first_child(tr, "trPr"), "gridBefore", 0)  # cells the row skips at its start
        for tc in _unwrapped(tr, f"{_W}tc"):
            properties = first_child(tc, "tcPr")
            merged_from_above = vertical_merge(properties) == "continue"
            text = "" if merged_from_above else _docx_cell_text(tc)
            row.append((text, 1, property_value(properties, "gridSpan", 1)))
        rows.append(row)
    return rows


def first_child(element: Any, name: str) -> Any:
    """The first child w:<name>, or None (lxml's find() goes through its Python path parser: slower)."""
    return next(element.iterchildren(f"{_W}{name}"), None)


def property_value(properties: Any, name: str, default: int) -> int:
    """The number in w:<name>/@w:val of a w:trPr or w:tcPr (gridBefore, gridSpan), else `default`."""
    found = first_child(properties, name) if properties is not None else None
    value = found.get(f"{_W}val") if found is not None else None
    return default if value is None else int(value)


def vertical_merge(properties: Any) -> str | None:
    """w:vMerge/@w:val of a w:tcPr: "restart", "continue" (also when the attribute is left out), None
    when the cell merges nothing."""
    merge = first_child(properties, "vMerge") if properties is not None else None
    return None if merge is None else str(merge.get(f"{_W}val", "continue"))


def docx_lines(data: bytes) -> list[Line]:
    """Lines of the package's main document part; python-docx is not used to read (its element classes
    and style lookups cost 40 ms a report, lxml on the two parts we need about 2)."""
    document, styles = document_parts(data)
    names = style_names(styles)
    body = document.find(f"{_W}body")
    lines: list[Line] = []
    for block in _unwrapped(body if body is not None else (), f"{_W}p", f"{_W}tbl"):
        if block.tag == f"{_W}tbl":
            cells = docx_table_cells(block)
            lines.extend(grid_lines(expand_spans(cells), covered_slots(cells)))
        else:
            lines.extend(_docx_paragraph_lines(block, names))
    return lines


# ---- the package: the main document part and its styles ---------------------------------------------

_RELATIONSHIP = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_RELATION_TYPES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MAIN_DOCUMENT = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# python-docx's parser settings, so that text and whitespace come out as they did with python-docx
_PARSER = etree.XMLParser(remove_blank_text=True, resolve_entities=False)


def part_xml(package: zipfile.ZipFile, partname: str) -> Any:
    return etree.fromstring(package.read(partname.lstrip("/")), _PARSER)


def related_part(package: zipfile.ZipFile, source: str, relation: str) -> str | None:
    """The part name (/word/document.xml) the first internal relationship of this type from `source`
    ("/" for the package) points to, or None."""
    folder, name = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels.lstrip("/") not in package.namelist():
        return None
    for rel in part_xml(package, rels).iter(_RELATIONSHIP):
        if rel.get("Type") == _RELATION_TYPES + relation and rel.get("TargetMode") != "External":
            return posixpath.abspath(posixpath.join(folder, str(rel.get("Target"))))
    return None


def content_type(package: zipfile.ZipFile, partname: str) -> str | None:
    """The part's type in [Content_Types].xml: its Override, else the Default of its extension (both
    compared without case, as python-docx did)."""
    types = part_xml(package, "[Content_Types].xml")
    for override in types.iter(f"{_CONTENT_TYPES}Override"):
        if str(override.get("PartName", "")).lower() == partname.lower():
            return str(override.get("ContentType"))
    extension = posixpath.splitext(partname)[1][1:].lower()
    for default in types.iter(f"{_CONTENT_TYPES}Default"):
        if str(default.get("Extension", "")).lower() == extension:
            return str(default.get("ContentType"))
    return None


def document_parts(data: bytes) -> tuple[Any, bytes]:
    """The main document part's root (w:document) and the styles part's XML; without a styles part,
    python-docx's default styles, which Word uses too (Heading1 is "heading 1")."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        main = related_part(package, "/", "officeDocument")
        if main is None:
            raise ValueError("the package has no main document part")
        kind = content_type(package, main)
        if kind != MAIN_DOCUMENT:
            raise ValueError(f"not a Word document, the main part's content type is {kind!r}")
        styles = related_part(package, main, "styles")
        styles_xml = package.read(styles.lstrip("/")) if styles else default_styles()
        return part_xml(package, main), styles_xml


@lru_cache(maxsize=1)
def default_styles() -> bytes:
    return resources.files("docx").joinpath("templates/default-styles.xml").read_bytes()


# What the parts may inflate to: all of them (images included), and the XML that lxml and python-docx
# turn into objects (a real report's is under 3 MB; 30 MB of paragraphs took 440 MB and 90 s).
MAX_XML_BYTES = 16 * 1024 * 1024


def unpacked_bytes(data: bytes) -> tuple[int, int]:
    """What the package's parts inflate to, all and XML, as its directory declares (zipfile never reads
    past a declared size: a member that lies fails its CRC check)."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        members = package.infolist()
    xml = sum(info.file_size for info in members if info.filename.lower().endswith((".xml", ".rels")))
    return sum(info.file_size for info in members), xml


def read_docx(path: Path, data: bytes) -> Document:
    if not data.startswith(b"PK"):
        raise ReadError(path, "不是有效的 DOCX 文件（not a DOCX file (no ZIP signature)）")
    size, xml = unpacked_bytes(data)
    for what, unpacked, limit in (("", size, MAX_UNPACKED_BYTES), ("的 XML 部分", xml, MAX_XML_BYTES)):
        if unpacked > limit:
            raise ReadError(path, f"DOCX{what}解压后过大（{unpacked / 1048576:.0f} MB，上限 {limit / 1048576:.0f} MB），"
                                  "可能是压缩炸弹，未解析")
    return Document(str(path), "docx", None, sha256_of(data), docx_lines(data))
