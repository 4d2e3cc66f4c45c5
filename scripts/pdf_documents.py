"""What the PDF reader makes of PDF files, as JSON: to check that a change to the reader keeps every
document the same (issue #18 replaced pdfminer with pdfium and had to give identical lines).

    .venv/bin/python scripts/pdf_documents.py snapshot OUT.json FILE_OR_DIR...
    .venv/bin/python scripts/pdf_documents.py compare OUT.json
    .venv/bin/python scripts/pdf_documents.py expected

`compare` reads the files named in the snapshot again and lists every document that differs
(lines, OCR counts, or the error a file gives); it exits 1 if any does. `expected` writes
tests/data/pdf_documents.json: the digest of what the reader as it was before issue #18 (every
page read by pdfplumber, the route `read_pdf` still falls back to) makes of each PDF in the
repository, which tests/test_pdf_text.py holds the reader to.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from gknb.model.errors import ReadError
from gknb.read import pdf, read_document

ROOT = Path(__file__).resolve().parent.parent
EXPECTED = ROOT / "tests" / "data" / "pdf_documents.json"


def document_of(path: Path) -> dict[str, object]:
    try:
        document = read_document(path)
    except ReadError as error:
        return {"error": str(error).replace(str(path), path.name)}
    return {"lines": [[line.kind.value, list(line.cells)] for line in document.lines],
            "ocr_pages": document.ocr_pages}


def digest(document: dict[str, object]) -> dict[str, object]:
    """A document as tests/data/pdf_documents.json holds it: the sha256 of its JSON and its line count."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=True)
    lines = document.get("lines")
    return {"sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(),
            "lines": len(lines) if isinstance(lines, list) else 0}


def repository_pdfs() -> list[Path]:
    return sorted((ROOT / "tests" / "real").glob("*.pdf")) + sorted((ROOT / "tests" / "fixtures").glob("*.pdf"))


@contextmanager
def pdfplumber_only() -> Iterator[None]:
    """The reader as it was before issue #18: every file read through pdfplumber (pdfminer)."""
    with patch.object(pdf, "pdfium_pages", lambda path, data: None):
        yield


def pdfs(names: list[str]) -> list[Path]:
    found: list[Path] = []
    for name in names:
        path = Path(name)
        found.extend(sorted(path.rglob("*.pdf")) if path.is_dir() else [path])
    return found


def main(argv: list[str]) -> int:
    command = argv[0]
    if command == "expected":
        with pdfplumber_only():
            expected = {path.relative_to(ROOT).as_posix(): digest(document_of(path)) for path in repository_pdfs()}
        EXPECTED.write_text(json.dumps(expected, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{len(expected)} documents -> {EXPECTED.relative_to(ROOT)}")
        return 0
    out = Path(argv[1])
    if command == "snapshot":
        snapshot = {str(path.resolve()): document_of(path) for path in pdfs(argv[2:])}
        out.write_text(json.dumps(snapshot, ensure_ascii=False, indent=0), encoding="utf-8")
        print(f"{len(snapshot)} documents")
        return 0
    snapshot = json.loads(out.read_text(encoding="utf-8"))
    differ = [name for name, before in snapshot.items() if document_of(Path(name)) != before]
    for name in differ:
        print("differs:", name)
    print(f"{len(snapshot) - len(differ)} of {len(snapshot)} documents the same")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
