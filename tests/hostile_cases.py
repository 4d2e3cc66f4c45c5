"""Generators of the hostile inputs of issue 15, shared by tests/test_hostile2.py and
benchmarks/hostile_memory.py: each writes one case and returns its path; `all_cases` writes every
one into one content folder and returns what each must become (published, rejected or ignored)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "content" / "下冶镇人民政府-2021.txt"
sys.path.insert(0, str(ROOT / "tests"))

from conftest import site_config  # noqa: E402
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


def font_program(inflated: int, length: bytes = b"", extra: bytes = b"") -> bytes:
    """A stream object that holds no content operators (a TrueType program: it has /Length1) of
    `inflated` zeros, deflated; its /Length given as `length` (by default its true length)."""
    compressor = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    whole, rest = divmod(inflated, len(block))
    data = b"".join(compressor.compress(block) for _ in range(whole)) + compressor.compress(b"\0" * rest) + compressor.flush()
    return (b"<< /Length %s /Length1 %d /Filter /FlateDecode %s>>\nstream\n" % (length or b"%d" % len(data), inflated, extra)
            + data + b"\nendstream")


def font_bomb_pdf(path: Path, inflated: int = 300 * 1024 * 1024) -> Path:
    """A page and a font program inflating to 300 MB (more than a PDF may unpack to), in a 300 KB file."""
    return pdf_file(path, page_objects(b"BT ET") + [font_program(inflated)])


def inline_image_content(inflated: int, filters: bytes = b"/F /Fl") -> bytes:
    """A content stream drawing one inline image whose data (zeros, deflated) inflates to `inflated` bytes."""
    compressor = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    whole, rest = divmod(inflated, len(block))
    image = b"".join(compressor.compress(block) for _ in range(whole)) + compressor.compress(b"\0" * rest) + compressor.flush()
    return (b"q 100 0 0 100 0 0 cm BI /W %d /H 1 /BPC 8 /CS /G %s ID\n" % (inflated, filters) + image
            + b"\nEI Q\nBT /F1 12 Tf 72 700 Td (x) Tj ET\n")


def inline_image_bomb_pdf(path: Path, inflated: int = 2 * 1024 ** 3, deflated_content: bool = False) -> Path:
    """A page whose inline image inflates to 2 GB (pdfium decodes it when it parses the page): a 2 MB
    file, its content stream deflated too if asked."""
    content = inline_image_content(inflated)
    if deflated_content:
        return pdf_file(path, page_objects(zlib.compress(content), b"/Filter /FlateDecode "))
    return pdf_file(path, page_objects(content))


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


# ---- every case in one content folder ------------------------------------------------------------

GBK_NAME = os.fsdecode("下冶镇人民政府-2021".encode("gbk") + b".txt")  # as unzipped on Chinese Windows
ACTIVE_HTML = (b'<script>alert(location.origin);window.__pwned="script"</script>'
               b'<meta http-equiv="refresh" content="0;url=https://example.invalid/away">'
               b'<img src="https://example.invalid/pixel.png" onerror="window.__pwned=\'img\'">')
DEPTH = 1200


def seed_with(replacements: dict[str, str]) -> str:
    text = SEED.read_text(encoding="utf-8")
    for cell, value in replacements.items():
        assert cell in text, cell
        text = text.replace(cell, value)
    return text


def published_cases(content: Path) -> list[str]:
    html = (ROOT / "tests" / "fixtures" / "report_gbk.html").read_bytes()
    (content / "html-script-2023.html").write_bytes(html.replace(b"<head>", b"<head>" + ACTIVE_HTML, 1))
    shutil.copy(SEED, content / GBK_NAME)
    (content / "numbers-2021.txt").write_text(seed_with({
        "行政处罚\t4": "行政处罚\t12345678901234567", "行政强制\t5": "行政强制\t" + "9" * 400,
        "规章\t0\t0\t0": "规章\t4¹\t1,23\t0"}), encoding="utf-8")
    data = SEED.read_bytes()
    cut = data.index("第二十条".encode())
    (content / "damaged-utf8-2021.txt").write_bytes(data[:cut] + b"\xff\xfe\xff" + data[cut:])
    (content / "heading-2021.md").write_text(SEED.read_text(encoding="utf-8") + "\n# a" + " " * 4000 + "x\n",
                                             encoding="utf-8")
    return ["html-script-2023.html", "下冶镇人民政府-2021.txt", "numbers-2021.txt", "damaged-utf8-2021.txt",
            "heading-2021.md", "d/shallow-2021.txt"]


def rejected_cases(content: Path) -> list[str]:
    with (content / "huge.pdf").open("wb") as sparse:
        sparse.truncate(30 * 1024 ** 3)
    docx_bomb(content / "bomb.docx")
    flate_bomb_pdf(content / "bomb.pdf")
    lzw_bomb_pdf(content / "lzw.pdf")
    run_length_bomb_pdf(content / "runlength.pdf")
    encrypted_pdf(content / "locked.pdf")
    shutil.copy(SEED, content / "laughs-2021.txt")
    (content / "laughs-2021.txt.yml").write_text(billion_laughs(9), encoding="utf-8")
    shutil.copy(SEED, content / "agency-2021.txt")
    (content / "agency-2021.txt.yml").write_text("agency: " + "局" * (10 * 1024 * 1024 // 3) + "\n", encoding="utf-8")
    return ["huge.pdf", "bomb.docx", "bomb.pdf", "lzw.pdf", "runlength.pdf", "locked.pdf", "laughs-2021.txt",
            "agency-2021.txt"]


def ignored_cases(content: Path) -> list[str]:
    outside = content.parent / "outside"
    outside.mkdir(exist_ok=True)
    shutil.copy(SEED, outside / "secret-2021.txt")
    (content / "secret-2021.txt").symlink_to(outside / "secret-2021.txt")
    (content / "mem.txt").symlink_to("/proc/self/mem")
    os.mkfifo(content / "pipe.txt")
    shutil.copy(SEED, content / ".hidden-2021.txt")
    (content / ".git").mkdir()
    shutil.copy(SEED, content / ".git" / "ORIG_HEAD.txt")
    (content / "orphan.yml").write_text("agency: 无人\n", encoding="utf-8")
    deep = content
    for _ in range(DEPTH):  # one at a time: mkdir(parents=True) recurses
        deep = deep / "d"
        deep.mkdir()
    shutil.copy(SEED, content / "d" / "shallow-2021.txt")
    shutil.copy(SEED, deep / "deep-2021.txt")
    return ["secret-2021.txt", "mem.txt", "pipe.txt", ".hidden-2021.txt", ".git", "orphan.yml", "/".join(["d"] * 32)]


def all_cases(content: Path) -> dict[str, list[str]]:
    """Every case of the issue in `content` at once: outcome → the paths that must end there."""
    content.mkdir(parents=True, exist_ok=True)
    return {"published": published_cases(content), "rejected": rejected_cases(content),
            "ignored": ignored_cases(content)}


def remove_deep_tree(content: Path) -> None:
    """The 1,200 nested folders, deepest first (shutil.rmtree recurses, pytest's clean-up with it)."""
    folders = [content / "d"]
    while (folders[-1] / "d").is_dir():
        folders.append(folders[-1] / "d")
    for folder in reversed(folders):
        for child in folder.iterdir():
            if not child.is_dir():
                child.unlink()
        folder.rmdir()


def hostile_project(folder: Path) -> dict[str, list[str]]:
    """A copy of the site configuration with every case as its content folder (made in place: copying
    would read the 30 GB sparse file)."""
    return all_cases(site_config(folder) / "content")


MEASURED_BUILD = """
import resource, subprocess, sys
result = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stderr.write(result.stderr)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
sys.exit(result.returncode)
"""


def measured_build(project: Path, *arguments: str) -> tuple[int, str, int]:
    """`gknb build` of `project` in a process of its own: (exit code, stderr, peak RSS in KB of the build
    and of the processes it started, from resource.getrusage of the process that waited for them)."""
    command = [sys.executable, "-c", MEASURED_BUILD, sys.executable, "-m", "gknb.cli", "build", *arguments]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=1200, check=False)
    return result.returncode, result.stderr, int(result.stdout.strip() or 0)


def build_outcomes(site: Path) -> dict[str, list[str]]:
    report = json.loads((site / "data" / "build-report.json").read_text(encoding="utf-8"))
    return {kind: sorted(entry["path"] for entry in report[kind]) for kind in ("published", "rejected", "ignored")}
