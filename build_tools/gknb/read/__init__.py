"""Readers: one module per input format, each turning a file into the shared `Document` of lines.

Like pelican's readers, each format is one small object declaring its extensions, and the
order lives in one explicit list, `READERS`. `read_document` picks a reader by extension and
is the only place that turns a parser's own exception into a `ReadError`, so callers handle
exactly one exception type whatever library failed underneath.
"""

from __future__ import annotations

from pathlib import Path

from gknb.model.document import Document
from gknb.model.errors import ReadError
from gknb.read.common import Reader
from gknb.read.docx import read_docx
from gknb.read.html import read_html
from gknb.read.office import read_office
from gknb.read.pdf import read_pdf
from gknb.read.text import read_markdown, read_text


READERS: list[Reader] = [
    Reader("txt", (".txt",), read_text),
    Reader("md", (".md", ".markdown"), read_markdown),
    Reader("html", (".html", ".htm"), read_html),
    Reader("docx", (".docx",), read_docx),
    Reader("doc", (".doc", ".wps"), read_office),
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
    if not data or data.isspace():  # not data.strip(), without copying the file
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
