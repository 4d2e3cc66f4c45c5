"""The one exception a report file can end in: it names the file and says why (in Chinese)."""

from __future__ import annotations

from pathlib import Path


class ReadError(Exception):
    """The file cannot be read: the message names the file and says why."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class NotAReport(ReadError):
    """The file was read but holds no annual report (no section headings and no tables)."""
