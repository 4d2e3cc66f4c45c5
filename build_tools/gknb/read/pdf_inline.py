"""Inline images (BI … ID … EI) in a PDF's content streams, counted against the unpack budget.

pdfium decodes a filtered inline image when it parses the page (to find where its data ends) and
keeps what it decoded, with no limit: a 500 KB page whose inline image inflates to 512 MB took
1.1 GB. `pdf.measure_streams` gives this the streams' decoded data piece by piece as it inflates
them; each inline image's filters are followed here, spending the same budget.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Callable

from gknb.read.limits import CHUNK, spend

# An inline image's dictionary is a few keys: one longer than this is not looked into (pdfium sets
# no limit, but keys beyond a few have no use but to hide the filter)
MAX_DICT = 64 * 1024
_TOKEN_END = rb"(?![A-Za-z0-9_])"
_BI_TOKEN = rb"(?<![A-Za-z0-9_])BI" + _TOKEN_END
# BI, its dictionary (up to the next BI: each byte is looked at by one BI's match, no more), ID and
# one blank. The BI's own start is checked apart: a pattern that begins with a literal is searched fast.
_INLINE_START = re.compile(rb"BI" + _TOKEN_END + rb"((?:(?!" + _BI_TOKEN + rb").){0,%d}?)(?<![A-Za-z0-9_])ID[\x00\t\n\x0c\r ]"
                           % MAX_DICT, re.S)
_WORD_BYTES = frozenset(b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_")
_INLINE_END = re.compile(rb"[\x00\t\n\x0c\r ]EI" + _TOKEN_END)
_INLINE_FILTER = re.compile(rb"/(?:Filter|F)" + _TOKEN_END + rb"\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_NAME = re.compile(rb"/([A-Za-z0-9]+)")
# Streams that hold no content operators: not scanned (binary data would only give false BIs)
NOT_CONTENT = re.compile(rb"/Subtype\s*/(?:Image|XML|Type1C|CIDFontType0C|OpenType)|/Length[123]" + _TOKEN_END
                         + rb"|/Type\s*/(?:XRef|ObjStm|Metadata)")

Decode = Callable[[list[str], bytes], bytes]


def filter_names(names: list[bytes], expanding: dict[bytes, str]) -> list[str]:
    """The filters that unpack, up to the first that does not (an image codec, decoded only to render)."""
    filters = []
    for name in names:
        if name not in expanding:
            break
        filters.append(expanding[name])
    return filters


class InlineImages:
    """Reads a content stream's decoded pieces in order (`feed`, then `close`) and spends the budget
    on the decoded data of every inline image whose filters unpack (Flate, LZW, RunLength, ASCII).

    A Flate image ends where its deflate data ends (as pdfium finds it), any other at `EI`."""

    def __init__(self, expanding: dict[bytes, str], decode: Decode) -> None:
        self.expanding, self.decode = expanding, decode
        self.text = b""  # content not yet matched: a BI … ID may be cut across pieces
        self.inflating: zlib._Decompress | None = None
        self.after_flate: list[str] = []  # filters after a leading Flate: its output is kept for them
        self.inflated: list[bytes] = []
        self.collecting: tuple[list[str], bytearray] | None = None  # other filters: the data up to EI

    def feed(self, piece: bytes) -> None:
        data = piece
        while data:
            if self.inflating is not None:
                data = self._inflate(data)
            elif self.collecting is not None:
                data = self._collect(data)
            else:
                data = self._scan(data)

    def close(self) -> None:
        """The stream ended: an image cut short is decoded as far as it goes."""
        if self.inflating is not None:
            self._end_flate()
        if self.collecting is not None:
            filters, kept = self.collecting
            self.collecting = None
            self._decode(filters, bytes(kept))

    def _scan(self, data: bytes) -> bytes:
        text = self.text + data
        found = _INLINE_START.search(text)
        while found is not None and found.start() > 0 and text[found.start() - 1] in _WORD_BYTES:
            found = _INLINE_START.search(text, found.start() + 1)  # "xBI" is no operator
        if found is None:
            self.text = text[-(MAX_DICT + 8):]
            return b""
        self.text = b""
        rest = text[found.end():]
        named = _INLINE_FILTER.search(found.group(1))
        filters = filter_names(_NAME.findall(named.group(1)), self.expanding) if named else []
        if filters and filters[0] == "flate":
            self.inflating, self.after_flate, self.inflated = zlib.decompressobj(), filters[1:], []
        elif filters:
            self.collecting = (filters, bytearray())
        return rest  # an image with no unpacking filter is what the stream holds: scanned on as content

    def _inflate(self, data: bytes) -> bytes:
        assert self.inflating is not None
        pending = data
        try:
            while pending and not self.inflating.eof:
                piece = self.inflating.decompress(pending, CHUNK)
                spend(len(piece))
                if self.after_flate:
                    self.inflated.append(piece)
                pending = self.inflating.unconsumed_tail
        except zlib.error:
            self._end_flate()
            return data  # damaged: pdfium decodes nothing more of it; the bytes are scanned as content
        if not self.inflating.eof:
            return b""
        rest = self.inflating.unused_data
        self._end_flate()
        return rest

    def _end_flate(self) -> None:
        self.inflating = None
        if self.after_flate:
            self._decode(self.after_flate, b"".join(self.inflated))
        self.after_flate, self.inflated = [], []

    def _collect(self, data: bytes) -> bytes:
        assert self.collecting is not None
        filters, kept = self.collecting
        start = max(len(kept) - 3, 0)  # " EI" may be cut across pieces
        kept += data
        end = _INLINE_END.search(kept, start)
        if end is None:
            return b""
        self.collecting = None
        self._decode(filters, bytes(kept[:end.start()]))
        return bytes(kept[end.start():])

    def _decode(self, filters: list[str], data: bytes) -> None:
        try:
            self.decode(filters, data)
        except (ValueError, zlib.error):
            pass  # undecodable: pdfium gets nothing out of it either
