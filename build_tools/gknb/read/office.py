"""Word 97 (.doc) and Kingsoft WPS (.wps) files: converted to DOCX by LibreOffice, then read as DOCX.

antiword and catdoc flatten the merged-cell tables these reports are made of; LibreOffice keeps
them (gridSpan / vMerge in the DOCX it writes), so the one DOCX reader serves all three. Modern
.wps files are the Word 97 binary format under Kingsoft's extension; LibreOffice detects the
format from the content, not the name.

Each worker process keeps its own LibreOffice profile (a first start costs seconds; later ones
reuse it) and every conversion has a time limit. Converted files are cached by content when the
build has a cache (`read.common.use_cache`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import replace
from functools import lru_cache
from pathlib import Path

from gknb.model.document import Document
from gknb.model.errors import ReadError
from gknb.read.common import cache_path, sha256_of, store_cached
from gknb.read.docx import read_docx

SECONDS_PER_CONVERSION = 90
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97 and WPS files are OLE2 compound documents
INSTALL_HINT = ("读取 .doc / .wps 需要 LibreOffice：请安装 Debian 软件包 libreoffice-writer-nogui"
                "（apt-get install libreoffice-writer-nogui）（.doc/.wps need LibreOffice's soffice）")


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@lru_cache(maxsize=1)
def profile_dir() -> Path:
    """This process's LibreOffice profile: two instances sharing one would block each other."""
    return Path(tempfile.gettempdir()) / f"gknb-libreoffice-{os.getuid()}-{os.getpid()}"


def convert_to_docx(path: Path, data: bytes, program: str) -> bytes:
    suffix = path.suffix.lower()
    with tempfile.TemporaryDirectory(prefix="gknb-convert-") as work:
        source = Path(work) / f"report{suffix}"
        source.write_bytes(data)
        command = [program, "--headless", "--norestore", "--nolockcheck", "--nodefault",
                   f"-env:UserInstallation={profile_dir().as_uri()}",
                   "--convert-to", "docx:MS Word 2007 XML", "--outdir", work, str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=SECONDS_PER_CONVERSION, check=False,
                           env={**os.environ, "HOME": str(profile_dir())})
        except subprocess.TimeoutExpired as exc:
            raise ReadError(path, f"LibreOffice 转换超时（超过 {SECONDS_PER_CONVERSION} 秒）（conversion timed out）") from exc
        converted = Path(work) / "report.docx"
        if not converted.exists():
            raise ReadError(path, "LibreOffice 无法转换此文件，文件可能已损坏或不是 Word/WPS 文档（LibreOffice could not convert it）")
        return converted.read_bytes()


def read_office(path: Path, data: bytes) -> Document:
    """A .doc or .wps report: its DOCX conversion read by the DOCX reader, named as the original."""
    if not data.startswith(OLE2_SIGNATURE):
        raise ReadError(path, f"不是有效的 {path.suffix.lower()} 文件（not a Word 97 / WPS file: no OLE2 signature）")
    program = soffice()
    if program is None:
        raise ReadError(path, INSTALL_HINT)
    digest = sha256_of(data)
    cached = cache_path("office", digest, ".docx")
    if cached is not None and cached.exists():
        docx = cached.read_bytes()
    else:
        docx = convert_to_docx(path, data, program)
        store_cached(cached, docx)
    document = read_docx(path, docx)
    return replace(document, format=path.suffix.lower().lstrip("."), sha256=digest)
