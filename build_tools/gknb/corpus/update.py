"""A corpus brought up to date after some of its files changed (`mkdocs serve`): only those are read again.

A file is known unchanged by its fingerprint (size and modification time of it and its sidecars).
The cross-report checks add findings to the records in place, so the other years of a changed
report's body are read again too (from the cache, which holds them as parsed, before those
checks) and the checks run again over those bodies only: every other record stays the object it
was, which is how the portal's per-report pieces know they need not be made again (portal/scope.py).
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path

from gknb.check.across_years import body_key
from gknb.check.registry import run_corpus_checks
from gknb.corpus.pipeline import (SIDECAR_SUFFIXES, Corpus, Options, Outcome, ignore_reason, inventory, known_outcome,
                                  parser_version, relative_name, report_or_rejection, store)
from gknb.model.record import Record
from gknb.parse.sidecar import sidecar_names
from gknb.read.common import use_cache

Fingerprint = tuple[tuple[int, int], ...]  # (size, mtime in ns) of the file, then of each of its sidecars


MISSING = (-1, -1)


def folder_stats(folder: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file in a folder, from one listing (links followed)."""
    found = {}
    try:
        with os.scandir(folder) as listing:
            for entry in listing:
                try:
                    info = entry.stat()
                except OSError:
                    continue
                found[entry.name] = (info.st_size, info.st_mtime_ns)
    except OSError:
        pass
    return found


def prints_of(paths: dict[str, Path]) -> dict[str, Fingerprint]:
    """Display path → fingerprint of each file: its own size and time, then those of the sidecar names
    beside it that exist (sidecar_names), one listing per folder for all of them."""
    listed = {folder: folder_stats(folder) for folder in {path.parent for path in paths.values()}}
    prints = {}
    for relative, path in paths.items():
        stats = listed[path.parent]
        beside = [stats[n] for n in sidecar_names(path) if n in stats]
        prints[relative] = (stats.get(path.name, MISSING), *beside)
    return prints


def fingerprints(content_dir: Path, links_within: Path | None = None) -> dict[str, Fingerprint]:
    """Display path → fingerprint, for every input file of the folder."""
    return prints_of({relative_name(path, content_dir): path for path in inventory(content_dir, links_within).files})


def display_path(outcome: Outcome) -> str:
    return str(outcome.source.get("path")) if isinstance(outcome, Record) else outcome.path


@dataclass
class Update:
    corpus: Corpus
    fingerprints: dict[str, Fingerprint]
    # Display paths whose outcome may differ from the corpus before: changed, added and removed
    # files, and the other years of their bodies (their cross-report findings may change).
    touched: set[str] = field(default_factory=set)


def read_again(path: Path, relative: str, version: str, options: Options) -> Outcome:
    """The outcome as parsed (before the cross-report checks): from the cache, else parsed and stored."""
    key, known = known_outcome(path, relative, version, options)
    if known is not None:
        return known
    outcome = report_or_rejection(path, relative, options.seconds_per_file, options.max_bytes)
    if options.cache_dir and key:
        store(options.cache_dir, key, outcome)
    return outcome


def regular_file(path: Path) -> bool | None:
    """True for a regular file (not a link), False for nothing there, None for anything else."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode) or None
    except FileNotFoundError:
        return False
    except OSError:
        return None


def sidecar_owners(relative: str, prints: dict[str, Fingerprint]) -> list[str]:
    """The known reports beside a sidecar that would take it as theirs (sidecar_names)."""
    folder, _slash, name = relative.rpartition("/")
    return [r for r in prints if r.rpartition("/")[0] == folder and name in sidecar_names(Path(r))]


def walked_folder(path: Path, content_dir: Path) -> bool:
    """The file is in a folder the inventory walks (each folder on the way passes its ignore_reason:
    none hidden, linked or too deep) and its name is not hidden."""
    folders = [folder for folder in reversed(path.parents) if folder.is_relative_to(content_dir) and folder != content_dir]
    return not path.name.startswith(".") and all(
        ignore_reason(folder, content_dir, depth) is None for depth, folder in enumerate(folders, start=1))


def watched_paths(before: Corpus, prints: dict[str, Fingerprint], content_dir: Path,
                  changed: set[Path]) -> tuple[dict[str, Path], set[str]] | None:
    """The input files (display path → file) after only these files changed, as the inventory would
    list them, and the display paths to fingerprint again; None when this cannot be told without
    listing the folder (links or undecodable names in it, a folder, link, hidden or ignored file, a
    sidecar of no known report among the changes)."""
    if before.origins:
        return None
    ignored = {i.path for i in before.ignored}
    paths = {r: content_dir / r for r in prints}
    again: set[str] = set()
    for path in changed:
        try:
            relative = path.relative_to(content_dir).as_posix()
        except ValueError:
            return None
        kind = regular_file(path)
        if kind is None or relative in ignored:
            return None
        if relative in prints:
            again.add(relative)
            if not kind:
                del paths[relative]
        elif path.suffix.lower() in SIDECAR_SUFFIXES:
            owners = sidecar_owners(relative, prints)
            if not owners:
                return None
            again.update(owners)
        elif kind:  # a new report: only where the inventory would take it, and claiming no ignored sidecar
            if not walked_folder(path, content_dir) or any(
                    str(Path(relative).with_name(n)) in ignored for n in sidecar_names(path)):
                return None
            paths[relative] = path
            again.add(relative)
    return dict(sorted(paths.items())), again


def update_corpus(before: Corpus, prints: dict[str, Fingerprint], content_dir: Path, options: Options,
                  changed_files: set[Path] | None = None) -> Update:
    """`before` (built from the files as `prints` saw them) brought up to date with the folder now.
    `changed_files`: the files changed since (from `mkdocs serve`'s watcher), when known: then only
    those are looked at, unless watched_paths needs the folder listed."""
    watched = watched_paths(before, prints, content_dir, changed_files) if changed_files is not None else None
    if watched is None:
        found = inventory(content_dir, options.links_within)
        paths = {relative_name(path, content_dir): path for path in found.files}
        now = prints_of(paths)
        inputs, ignored = len(found.files), found.ignored
    else:
        paths, again = watched
        fresh = prints_of({r: paths[r] for r in again if r in paths})
        now = {r: fresh[r] if r in fresh else prints[r] for r in paths}
        inputs, ignored = len(paths), before.ignored
    use_cache(options.cache_dir if isinstance(options.cache_dir, Path) else None)
    version = parser_version() if options.cache_dir else ""
    changed = {r for r in now if prints.get(r) != now[r]} | (prints.keys() - now.keys())
    previous: dict[str, Outcome] = {display_path(r): r for r in before.records}
    previous.update((x.path, x) for x in before.rejected)
    keys_of = {body_key(o) for r, o in previous.items() if r in changed and isinstance(o, Record)}
    outcomes = {r: read_again(paths[r], r, version, options) for r in changed if r in paths}
    keys_of |= {body_key(o) for o in outcomes.values() if isinstance(o, Record)}
    keys_of.discard(None)
    mates = {r for r, o in previous.items() if r in paths and r not in outcomes
             and isinstance(o, Record) and body_key(o) in keys_of}
    outcomes.update({r: read_again(paths[r], r, version, options) for r in mates})
    corpus = Corpus(inputs=inputs, ignored=ignored,
                    origins={r: p for r, p in paths.items() if r != p.relative_to(content_dir).as_posix()})
    for relative in paths:
        outcome = outcomes[relative] if relative in outcomes else previous[relative]
        if isinstance(outcome, Record):
            corpus.records.append(outcome)
        else:
            corpus.rejected.append(outcome)
    run_corpus_checks([r for r in corpus.records if display_path(r) in outcomes])
    return Update(corpus, now, changed | mates)
