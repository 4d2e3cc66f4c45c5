"""Limits on what a container may unpack to: the 20 MB input limit counts compressed bytes, and deflate
packs 1,000:1, so a 2 MB file can hold gigabytes.

DOCX packages declare their members' sizes (zipfile never reads past them), so they are checked
before anything is inflated. A PDF's streams declare nothing: they are inflated against a budget
per document (`inflating`), and the first byte past it stops the reading.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from gknb.model.errors import ReadError

# A real report unpacks to a few MB (a DOCX's XML to under 3 MB, a PDF's streams, embedded fonts
# included, to tens of MB).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
CHUNK = 1 << 20


def megabytes(size: int) -> str:
    return f"{size / 1048576:.0f} MB"


class TooLarge(ReadError):
    """A container unpacks to more than its limit: rejected before the memory fills."""

    def __init__(self, path: Path | str, what: str, limit: int) -> None:
        super().__init__(path, f"{what}解压后超过 {megabytes(limit)}，可能是压缩炸弹，未解析（unpacks to more than "
                               f"{megabytes(limit)}: a compression bomb?）")


class Budget:
    """Bytes a document may still unpack to; `spend` raises TooLarge once they are used up.

    `exceeded` stays set, so that a library that catches the exception and carries on is caught
    after it returns."""

    def __init__(self, path: Path | str, what: str, limit: int = MAX_UNPACKED_BYTES) -> None:
        self.path, self.what, self.limit = path, what, limit
        self.left = limit
        self.exceeded = False

    def spend(self, size: int) -> None:
        self.left -= size
        if self.left < 0:
            self.exceeded = True
            raise TooLarge(self.path, self.what, self.limit)

    def check(self) -> None:
        if self.exceeded:
            raise TooLarge(self.path, self.what, self.limit)


_CURRENT: ContextVar[Budget | None] = ContextVar("gknb_unpack_budget", default=None)


@contextmanager
def inflating(budget: Budget) -> Iterator[Budget]:
    """Within the block, bounded_* functions spend `budget`; outside any block they are unlimited."""
    token = _CURRENT.set(budget)
    try:
        yield budget
        budget.check()
    finally:
        _CURRENT.reset(token)


def spend(size: int) -> None:
    budget = _CURRENT.get()
    if budget is not None:
        budget.spend(size)


def room() -> int:
    """The bytes the current budget still allows (a chunk when there is none)."""
    budget = _CURRENT.get()
    return CHUNK if budget is None else max(budget.left, 0)


def _inflate_pieces(decompressor: zlib._Decompress, data: bytes, pieces: list[bytes]) -> bool:
    """Feed `data`, chunk by chunk of output, spending each chunk; True at the end of the stream."""
    pending = data
    while True:
        piece = decompressor.decompress(pending, min(CHUNK, room() + 1) or 1)
        spend(len(piece))
        pieces.append(piece)
        pending = decompressor.unconsumed_tail
        if decompressor.eof:
            return True
        if not piece and not pending:
            return False


def bounded_inflate(data: bytes) -> bytes:
    """zlib.decompress within the budget, with pdfminer's leniency: a truncated stream gives what it
    holds, a stream damaged only in its last 3 bytes (the checksum) gives its data, one damaged before
    gives nothing."""
    decompressor = zlib.decompressobj()
    pieces: list[bytes] = []
    try:
        if _inflate_pieces(decompressor, data[:-4], pieces):
            return b"".join(pieces)
    except zlib.error:
        return b""
    for index in range(max(len(data) - 4, 0), len(data)):
        try:
            if _inflate_pieces(decompressor, data[index:index + 1], pieces):
                break
        except zlib.error:
            return b"" if index < len(data) - 3 else b"".join(pieces)
    return b"".join(pieces)


def bounded_join(pieces: Iterable[bytes]) -> bytes:
    """The pieces a decoder yields, joined, spending each."""
    kept: list[bytes] = []
    for piece in pieces:
        spend(len(piece))
        kept.append(piece)
    return b"".join(kept)
