"""Which pages and files one run of pages.generate makes: all of them, or those a change touches.

A full build makes everything and remembers which reports each page or file shows. A live update
(`mkdocs serve`, publish/live.py) names the reports that changed (added, edited, removed: their
ids before and after) and only what shows one of them, before or after, is made again; the rest
is kept from the build before. Per-report pieces of the bulk files (a CSV row, a JSON line) are
remembered too, and made again only for a record that was read again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Protocol, TypeVar

from gknb.model.record import Record


class Shown(Protocol):
    """A report as a page lists it (pages.Entry, open_data.Published)."""
    @property
    def id(self) -> str: ...
    @property
    def record(self) -> Record: ...


T = TypeVar("T")
P = TypeVar("P")


@dataclass
class PageScope:
    changed: frozenset[str] | None = None                           # report ids; None: make everything
    shows: dict[str, frozenset[str]] = field(default_factory=dict)  # page or file → the reports it shows
    kept: set[str] = field(default_factory=set)                     # what this run left as it was
    memo: dict[tuple[str, str], tuple[Record, Any]] = field(default_factory=dict)
    joined: dict[tuple[str, str], tuple[tuple[Any, ...], Any]] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)               # source path → report id, last run

    def begin(self, ids: dict[str, str], touched: set[str] | None) -> None:
        """A run over reports with these ids (source path → id); `touched`: the source paths whose
        reports may differ from the last run (None: all of them)."""
        self.kept = set()
        self.changed = None if touched is None else frozenset(
            {self.ids[p] for p in touched if p in self.ids} | {ids[p] for p in touched if p in ids})
        self.ids = ids

    def wants(self, path: str, reports: Iterable[Shown]) -> bool:
        ids = frozenset(r.id for r in reports)
        before = self.shows.get(path)
        self.shows[path] = ids
        if self.changed is None or before is None or not self.changed.isdisjoint(before | ids):
            return True
        self.kept.add(path)
        return False

    def remembered(self, kind: str, report: Shown, make: Callable[[], T]) -> T:
        """What `make` gives for this report, made again only when its record is another object
        (read again) than the one it was made from."""
        return self.of_record(kind, report.id, report.record, make)

    def of_record(self, kind: str, key: str, record: Record, make: Callable[[], T]) -> T:
        """What `make` gives for `record` (known by `key` in this kind), made again only when the
        record is another object than the one it was made from."""
        known = self.memo.get((kind, key))
        if known is not None and known[0] is record:
            value: T = known[1]
            return value
        made = make()
        self.memo[(kind, key)] = (record, made)
        return made

    def of_parts(self, kind: str, key: str, parts: tuple[P, ...], make: Callable[[tuple[P, ...]], T]) -> T:
        """`make(parts)`, made again only when a part is not (the same object as) the part it was made from."""
        known = self.joined.get((kind, key))
        if known is not None and known[0] == parts:  # tuples compare their items by identity first
            value: T = known[1]
            return value
        made = make(parts)
        self.joined[(kind, key)] = (parts, made)
        return made


def wanted(scope: PageScope | None, path: str, reports: Iterable[Shown]) -> bool:
    return scope is None or scope.wants(path, reports)


S = TypeVar("S", bound=Shown)


def each(scope: PageScope | None, kind: str, reports: Iterable[S], make: Callable[[S], T]) -> list[T]:
    """`make(report)` for every report, remembered in the scope."""
    if scope is None:
        return [make(r) for r in reports]
    return [scope.remembered(kind, r, lambda r=r: make(r)) for r in reports]  # type: ignore[misc]


def per_record(scope: PageScope | None, kind: str, make: Callable[[Record], T]) -> Callable[[Record], T]:
    """`make`, remembered in the scope for each record (known by its source path: a record has no
    report id before its addresses are made, which is what this serves)."""
    if scope is None:
        return make
    return lambda record: scope.of_record(kind, str(record.source.get("path")), record, lambda: make(record))


def run_of(scope: PageScope | None, kind: str, key: str, parts: tuple[P, ...],
           make: Callable[[tuple[P, ...]], T]) -> T:
    """`make(parts)`: what a run of reports' pieces make together (a gzip member of the bulk file),
    remembered in the scope under `key` (its first report's id)."""
    return make(parts) if scope is None else scope.of_parts(kind, key, parts, make)
