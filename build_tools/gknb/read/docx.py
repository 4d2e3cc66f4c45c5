"""Word documents (.docx): paragraphs and tables on their layout grid (gridSpan, vMerge)."""

from __future__ import annotations

import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Iterator
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from lxml import etree  # type: ignore[import-untyped]  # no stubs installed; elements are Any

from gknb.model.document import Document, Line
from gknb.model.errors import ReadError
from gknb.read.common import covered_slots, expand_spans, grid_lines, join_wrapped, normalise_space, sha256_of, text_line
from gknb.read.limits import MAX_UNPACKED_BYTES

if TYPE_CHECKING:
    from functools import _lru_cache_wrapper


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


_P_PR, _P_STYLE = f"{_W}pPr", f"{_W}pStyle"
DEFAULT_STYLE = ""  # the key of the default paragraph style: python-docx's style of a paragraph without one


def _docx_heading_level(paragraph: Any, names: dict[str, str]) -> int:
    """Heading depth from the paragraph style ('Heading 2', '标题 2'; 'Title' counts as 1); a paragraph
    without a style, or with one the styles part does not define, has the default style (as in Word)."""
    # paragraph.find("w:pPr/w:pStyle"), the first w:pStyle of its w:pPr, without lxml's Python path parser
    style = next((s for p in paragraph.iterchildren(_P_PR) for s in p.iterchildren(_P_STYLE)), None)
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
    visit_children(element, parts)
    return "".join(parts)


def visit_children(node: Any, parts: list[str]) -> None:
    for child in node:
        visit_node(child, parts)


def visit_node(child: Any, parts: list[str]) -> None:
    tag = child.tag
    if not isinstance(tag, str) or tag in _HIDDEN:
        return
    if tag == f"{_W}t":
        parts.append(child.text or "")
        return
    if tag == f"{_W}tab":
        parts.append("\t")
    elif tag in (f"{_W}br", f"{_W}cr", f"{_W}p"):
        parts.append("\n")  # a text box's paragraphs are lines of their own
    visit_children(child, parts)


def docx_text_of_child(child: Any) -> str:
    """What docx_text gives for one child of the element it reads."""
    parts: list[str] = []
    visit_node(child, parts)
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
        row.extend(map(docx_cell, _unwrapped(tr, f"{_W}tc")))
        rows.append(row)
    return rows


_P, _R, _T, _TC_PR, _R_PR = f"{_W}p", f"{_W}r", f"{_W}t", f"{_W}tcPr", f"{_W}rPr"
_V_MERGE, _GRID_SPAN = f"{_W}vMerge", f"{_W}gridSpan"


def docx_cell(tc: Any) -> tuple[str, int, int]:
    """A w:tc as (text, 1, gridSpan). Most cells are a w:tcPr of childless properties and paragraphs of
    plain runs: those are read in one pass over the children (lxml makes a Python object for every
    element touched, and each lookup by tag costs more than the element); anything else is read by
    the general functions (vertical_merge, property_value, _docx_cell_text), which give the same."""
    properties, paragraphs, plain = None, [], True
    for child in tc:
        tag = child.tag
        if tag == _P:
            paragraphs.append(child)
        elif tag == _TC_PR and properties is None:
            properties = child
        else:
            plain = False  # a nested table, a content control, a second w:tcPr …
    merge, span = None, None
    if properties is not None:
        for item in properties:
            tag = item.tag
            if len(item):
                plain = False  # w:tcBorders and such: a w:p could hide in there, as the XPath would see
            if tag == _V_MERGE and merge is None:
                merge = str(item.get(f"{_W}val", "continue"))
            elif tag == _GRID_SPAN and span is None:
                value = item.get(f"{_W}val")
                span = 1 if value is None else int(value)
    if not plain:
        merged = vertical_merge(properties) == "continue"
        return ("" if merged else _docx_cell_text(tc), 1, property_value(properties, "gridSpan", 1))
    if merge == "continue":
        return ("", 1, 1 if span is None else span)
    texts = [normalise_space(plain_paragraph_text(p)) for p in paragraphs]
    return (join_wrapped(texts) if len(texts) != 1 else texts[0], 1, 1 if span is None else span)


def plain_paragraph_text(paragraph: Any) -> str:
    """docx_text of a w:p, its runs' w:t read directly; any other child goes through docx_text's visit."""
    parts: list[str] = []
    for child in paragraph:
        tag = child.tag
        if tag == _R:
            for item in child:
                if item.tag == _T:
                    parts.append(item.text or "")
                elif item.tag != _R_PR:
                    parts.append(docx_text_of_child(item))
        elif tag not in _HIDDEN:
            parts.append(docx_text_of_child(child))
    return "".join(parts)


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


def docx_lines(package: zipfile.ZipFile) -> list[Line]:
    """Lines of the package's main document part; python-docx is not used to read (its element classes
    and style lookups cost 40 ms a report, lxml on the two parts we need about 2)."""
    document, names = document_parts(package)
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


# The small parts that say where the document and its styles are, and their types, are read once per
# distinct part: documents made by one program or template carry the same bytes, and parsing each
# again was a twentieth of reading a report. A larger part (a crafted one) is read and not kept.
MAX_KEPT_PART = 64 * 1024
Found = TypeVar("Found")


def read_once(reader: _lru_cache_wrapper[Found], data: bytes, *args: str) -> Found:
    """`reader(data, *args)`, from its cache when `data` is a small part (MAX_KEPT_PART), else read
    without keeping it."""
    return (reader if len(data) <= MAX_KEPT_PART else reader.__wrapped__)(data, *args)


def related_part(package: zipfile.ZipFile, source: str, relation: str) -> str | None:
    """The part name (/word/document.xml) the first internal relationship of this type from `source`
    ("/" for the package) points to, or None."""
    folder, name = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels.lstrip("/") not in package.namelist():
        return None
    data = package.read(rels.lstrip("/"))
    return read_once(relationship_target, data, folder, relation)


@lru_cache(maxsize=64)
def relationship_target(rels_xml: bytes, folder: str, relation: str) -> str | None:
    for rel in etree.fromstring(rels_xml, _PARSER).iter(_RELATIONSHIP):
        if rel.get("Type") == _RELATION_TYPES + relation and rel.get("TargetMode") != "External":
            return posixpath.abspath(posixpath.join(folder, str(rel.get("Target"))))
    return None


def content_type(package: zipfile.ZipFile, partname: str) -> str | None:
    data = package.read("[Content_Types].xml")
    return read_once(declared_type, data, partname)


@lru_cache(maxsize=64)
def declared_type(types_xml: bytes, partname: str) -> str | None:
    """The part's type in [Content_Types].xml: its Override, else the Default of its extension (both
    compared without case, as python-docx did)."""
    types = etree.fromstring(types_xml, _PARSER)
    for override in types.iter(f"{_CONTENT_TYPES}Override"):
        if str(override.get("PartName", "")).lower() == partname.lower():
            return str(override.get("ContentType"))
    extension = posixpath.splitext(partname)[1][1:].lower()
    for default in types.iter(f"{_CONTENT_TYPES}Default"):
        if str(default.get("Extension", "")).lower() == extension:
            return str(default.get("ContentType"))
    return None


def document_parts(package: zipfile.ZipFile) -> tuple[Any, dict[str, str]]:
    """The main document part's root (w:document) and the style names of the styles part; without a
    styles part, python-docx's default styles, which Word uses too (Heading1 is "heading 1")."""
    main = related_part(package, "/", "officeDocument")
    if main is None:
        raise ValueError("the package has no main document part")
    kind = content_type(package, main)
    if kind != MAIN_DOCUMENT:
        raise ValueError(f"not a Word document, the main part's content type is {kind!r}")
    styles = related_part(package, main, "styles")
    names = styles_of(package, styles.lstrip("/")) if styles else style_names(default_styles())
    return part_xml(package, main), names


# Style names by the styles part as stored (its compressed bytes, CRC, size and method): reports made
# from one template carry the same part, and inflating Word's 350 KB of styles again was a tenth of
# reading a report. The same stored bytes inflate to the same XML, so the names are the same.
_STYLES_SEEN: dict[tuple[bytes, int, int, int], dict[str, str]] = {}
MAX_STYLES_SEEN = 32


def styles_of(package: zipfile.ZipFile, name: str) -> dict[str, str]:
    info = package.getinfo(name)
    stored = stored_bytes(package, info)
    if stored is None:
        return style_names(package.read(name))
    key = (stored, info.CRC, info.file_size, info.compress_type)
    names = _STYLES_SEEN.get(key)
    if names is None:
        names = style_names(package.read(name))  # inflated and its CRC checked, as before
        if len(_STYLES_SEEN) >= MAX_STYLES_SEEN:
            del _STYLES_SEEN[next(iter(_STYLES_SEEN))]
        _STYLES_SEEN[key] = names
    return names


_LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, …, file name length, extra field length


def stored_bytes(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    """A member's bytes as stored in the archive (compressed), or None when its local header is not
    where the directory says (zipfile.read would then fail or find it its own way)."""
    if package.fp is None:
        return None
    package.fp.seek(info.header_offset)
    header = package.fp.read(_LOCAL_HEADER.size)
    if len(header) != _LOCAL_HEADER.size:
        return None
    signature, name_length, extra_length = _LOCAL_HEADER.unpack(header)
    if signature != b"PK\x03\x04":
        return None
    package.fp.seek(info.header_offset + _LOCAL_HEADER.size + name_length + extra_length)
    stored = package.fp.read(info.compress_size)
    return stored if len(stored) == info.compress_size else None


@lru_cache(maxsize=1)
def default_styles() -> bytes:
    return resources.files("docx").joinpath("templates/default-styles.xml").read_bytes()


# What the parts may inflate to: all of them (images included), and the XML that lxml and python-docx
# turn into objects (a real report's is under 3 MB; 30 MB of paragraphs took 440 MB and 90 s).
MAX_XML_BYTES = 16 * 1024 * 1024


def unpacked_bytes(package: zipfile.ZipFile) -> tuple[int, int]:
    """What the package's parts inflate to, all and XML, as its directory declares (zipfile never reads
    past a declared size: a member that lies fails its CRC check)."""
    members = package.infolist()
    xml = sum(info.file_size for info in members if info.filename.lower().endswith((".xml", ".rels")))
    return sum(info.file_size for info in members), xml


def read_docx(path: Path, data: bytes) -> Document:
    if not data.startswith(b"PK"):
        raise ReadError(path, "不是有效的 DOCX 文件（not a DOCX file (no ZIP signature)）")
    with zipfile.ZipFile(io.BytesIO(data)) as package:  # opened once: its directory is read for the limits and the parts
        size, xml = unpacked_bytes(package)
        for what, unpacked, limit in (("", size, MAX_UNPACKED_BYTES), ("的 XML 部分", xml, MAX_XML_BYTES)):
            if unpacked > limit:
                raise ReadError(path, f"DOCX{what}解压后过大（{unpacked / 1048576:.0f} MB，上限 {limit / 1048576:.0f} MB），"
                                      "可能是压缩炸弹，未解析")
        lines = docx_lines(package)
    return Document(str(path), "docx", None, sha256_of(data), lines)
