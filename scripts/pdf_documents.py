"""What the PDF reader makes of PDF files, as JSON: to check that a change to the reader keeps every
document the same (issue #18 replaced pdfminer with pdfium and had to give identical lines).

    .venv/bin/python scripts/pdf_documents.py snapshot OUT.json FILE_OR_DIR...
    .venv/bin/python scripts/pdf_documents.py compare OUT.json

`compare` reads the files named in the snapshot again and lists every document that differs
(lines, OCR counts, or the error a file gives); it exits 1 if any does.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from gknb.model.errors import ReadError
from gknb.read import read_document


def document_of(path: Path) -> dict[str, object]:
    try:
        document = read_document(path)
    except ReadError as error:
        return {"error": str(error).replace(str(path), path.name)}
    return {"lines": [[line.kind.value, list(line.cells)] for line in document.lines],
            "ocr_pages": document.ocr_pages}


def pdfs(names: list[str]) -> list[Path]:
    found: list[Path] = []
    for name in names:
        path = Path(name)
        found.extend(sorted(path.rglob("*.pdf")) if path.is_dir() else [path])
    return found


def main(argv: list[str]) -> int:
    command, out = argv[0], Path(argv[1])
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
