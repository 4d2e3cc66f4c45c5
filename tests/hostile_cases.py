"""Generators of the hostile inputs of issue 15, shared by tests/test_hostile2.py and
benchmarks/hostile_memory.py: each writes one case and returns its path; `all_cases` writes every
one into one content folder and returns what each must become (published, rejected or ignored)."""

from __future__ import annotations

import os
import shutil
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "下冶镇人民政府-2021.txt"
sys.path.insert(0, str(ROOT / "tests"))

from test_hostile import docx_package  # noqa: E402 — the DOCX bomb of round one


def pdf_file(path: Path, objects: list[bytes], trailer: bytes = b"") -> Path:
    """A PDF of these objects (numbered from 1, the first the catalog) with a correct xref table."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, trailer, xref)
    path.write_bytes(bytes(out))
    return path


def page_objects(content: bytes, filters: bytes = b"") -> list[bytes]:
    return [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            b"<< /Length %d %s>>\nstream\n" % (len(content), filters) + content + b"\nendstream"]


def flate_bomb_pdf(path: Path, inflated: int = 2200 * 1024 * 1024) -> Path:
    """A page whose one content stream inflates to `inflated` bytes (2.2 GB from a 3 MB file)."""
    compressor = zlib.compressobj(9)
    block = b"0 0 m\n" * (1 << 16)
    stream = b"".join(compressor.compress(block) for _ in range(inflated // len(block))) + compressor.flush()
    return pdf_file(path, page_objects(stream, b"/Filter /FlateDecode "))


def lzw_zeros(total: int) -> bytes:
    """LZW codes (PDF's, early change) for `total` zero bytes: each code one byte longer than the last,
    the table cleared when full, so 2 GB take about 1.5 MB."""
    codes: list[tuple[int, int]] = []
    produced = 0
    while produced < total:
        codes.append((256, codes[-1][1] if codes else 9))
        codes.append((0, 9))
        size, width, length = 258, 9, 1
        produced += 1
        while size < 4095 and produced < total:
            codes.append((size, width))
            size, length = size + 1, length + 1
            produced += length
            width = {511: 10, 1023: 11, 2047: 12}.get(size, width)
    bits = "".join(format(code, f"0{width}b") for code, width in codes)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


def lzw_bomb_pdf(path: Path, inflated: int = 2 * 1024 ** 3) -> Path:
    return pdf_file(path, page_objects(lzw_zeros(inflated), b"/Filter /LZWDecode "))


def run_length_bomb_pdf(path: Path) -> Path:
    """1 MB of RunLength runs: 64 MB of output, which pdfminer builds as a list of 64 M ints."""
    return pdf_file(path, page_objects(b"\x81A" * (1 << 19) + b"\x80", b"/Filter /RunLengthDecode "))


def encrypted_pdf(path: Path) -> Path:
    """Encrypted with a user password (standard handler, RC4): the empty password does not open it."""
    encrypt = b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>" % (b"11" * 32, b"22" * 32)
    return pdf_file(path, page_objects(b"BT ET") + [encrypt], b"/Encrypt 5 0 R /ID [<%s> <%s>] " % (b"ab" * 16, b"ab" * 16))


def docx_bomb(path: Path) -> Path:
    """document.xml inflating to 2.35 GB from a file of a few MB."""
    return docx_package(path, 39_000_000)


def docx_xml_over_limit(path: Path) -> Path:
    """A package within the total limit whose XML (17 MB of paragraphs) is more than lxml should build."""
    return docx_package(path, 340_000)


def billion_laughs(levels: int = 9) -> str:
    """YAML anchors ten to a level: `year: *l9` expands to 10⁹ strings from under 500 bytes."""
    lines = ['l0: &l0 "lol"']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(1, levels + 1)]
    return "\n".join(lines) + f"\nyear: *l{levels}\n"
