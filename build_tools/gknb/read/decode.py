"""Bytes to text for .txt, .md and .html: BOMs, declared charsets, UTF-8, GB18030, then detection."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from gknb.model.errors import ReadError


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
    damaged = mostly_utf8(data)
    if damaged is not None:
        return damaged, "utf-8"
    # Detectors misjudge short GBK text (a six-character title comes out as cp949 or
    # UTF-16), and GBK is what a non-UTF-8 report from a Chinese government site is.
    try:
        text = data.decode("gb18030")
        if _looks_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    return _detect(path, data)


# A few damaged bytes (a truncated download, a bad copy) must not lose a UTF-8 report whole; GBK read as
# UTF-8 fails on nearly every Chinese character, so it never passes for this.
MAX_BAD_UTF8_BYTES = 16
_REPLACEMENT = "\ufffd"


def mostly_utf8(data: bytes) -> str | None:
    """The text, bad bytes as U+FFFD, when UTF-8 fails on only a few bytes of Chinese text."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count(_REPLACEMENT) - data.count(_REPLACEMENT.encode("utf-8"))
    allowed = max(MAX_BAD_UTF8_BYTES, len(data) // 10_000)
    return text if 0 < bad <= allowed and _looks_chinese(text.replace(_REPLACEMENT, "")) else None


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

