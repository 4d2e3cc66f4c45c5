"""Where a report and a body live on the portal: addresses from what they are, not from file bytes.

A report lives at `reports/<region>/<body>/<year>/`: the region's division code without its trailing
zero levels (`unknown` when not known), the body's name without place prefixes or 人民政府
(`across_years.body_name`, the name the cross-year checks group by, so one body's years sit side by
side), and the year. A corrected re-upload or a re-saved file has other bytes but the same identity,
hence the same address; the file's hash is the report's version. A body's timeline lives at
`bodies/<region>/<body>/` (`bodies/same-as/<value>/` for bodies a sidecar's `same_as` joins).

Names stay Chinese: MkDocs writes the files under these names, Pagefind indexes them, links carry
them as UTF-8 (`pages.link`, `pages.url_path`) and browsers show them as they are. A transliteration would be
lossy (同音 names collide) and would change with the romanisation table; a hash is what this replaces.
Report text is untrusted, so a name becomes a path segment through `segment`: letters and digits of
any script are kept, every run of anything else (slashes, dots, spaces, punctuation, controls) is one "-".

Two reports that want one address (one body and year, two files) are told apart by a suffix in the
order of their source paths: the first keeps `2023`, the next is `2023-2`. A re-saved file keeps its path,
so its address. The hash addresses of earlier builds (`legacy_ids`) become redirect pages.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from pathlib import PurePosixPath
from typing import Any, Callable, NamedTuple, Sequence

from gknb.check.across_years import body_name
from gknb.model.record import Record
from gknb.parse import divisions

UNKNOWN = "unknown"
SAME_AS = "same-as"
FILE_PREFIX = "file-"          # a report that names no body is placed by its file's name
SEGMENT_LENGTH = 40            # characters: 120 bytes of UTF-8, far below the 255 a file name may have
_OTHER_RUN = re.compile("-+")


def segment(text: str, fallback: str) -> str:
    """Untrusted text as one path segment: compatibility forms folded (ＡＢ → AB, （ → "(", then "-"),
    letters and digits kept, anything else a single "-"; never empty, never `.` or `..`."""
    folded = unicodedata.normalize("NFKC", text)
    kept = "".join(ch if unicodedata.category(ch)[0] in "LN" else "-" for ch in folded)
    cleaned = _OTHER_RUN.sub("-", kept).strip("-")[:SEGMENT_LENGTH].rstrip("-")
    return cleaned or fallback


def region_segment(code: str) -> str:
    """419001110000 → 419001110; `unknown` without a code."""
    return segment(divisions.short_code(code), UNKNOWN) if code else UNKNOWN


def year_segment(record: Record) -> str:
    return str(record.year) if record.year else UNKNOWN


def name_key(record: Record) -> str:
    """What the `<region>/<body>` part stands for: the body as the report names it, or its file."""
    named = body_name(record)
    return "|".join(named) if named is not None else f"file:{record.source.get('path') or ''}"


def wanted_name_address(record: Record) -> str:
    named = body_name(record)
    if named is None:
        stem = PurePosixPath(str(record.source.get("path") or "")).stem
        return f"{region_segment(str(record.region.get('code') or ''))}/{FILE_PREFIX}{segment(stem, 'report')}"
    code, name = named
    return f"{region_segment(code)}/{segment(name, 'body')}"


def distinct(wanted: Sequence[tuple[str, Any]]) -> list[str]:
    """Each (address, order) made unique: of those wanting one address, the first by `order` keeps
    it, the next get -2, -3 … (skipping any address another item wants for itself)."""
    taken = {address for address, _order in wanted}
    given: list[str] = [""] * len(wanted)
    kept: set[str] = set()
    for index in sorted(range(len(wanted)), key=lambda i: (wanted[i][0], wanted[i][1])):
        address = wanted[index][0]
        if address in kept:
            number = 2
            while f"{address}-{number}" in taken:
                number += 1
            address = f"{address}-{number}"
            taken.add(address)
        kept.add(address)
        given[index] = address
    return given


def name_parts(record: Record) -> tuple[str, str]:
    """(name_key, wanted_name_address) of a record."""
    return name_key(record), wanted_name_address(record)


def name_addresses(records: Sequence[Record], parts: Callable[[Record], tuple[str, str]] = name_parts) -> list[str]:
    """`<region>/<body>` per record, one per distinct body (two bodies whose names give the same
    segment are told apart in the order of their keys). `parts`: name_parts, or one that remembers
    them (a live update reads most records again)."""
    named = [parts(r) for r in records]
    keys = sorted(dict(named).items())
    resolved = dict(zip((k for k, _a in keys), distinct([(address, key) for key, address in keys])))
    return [resolved[key] for key, _address in named]


def report_ids(records: Sequence[Record], names: Sequence[str]) -> list[str]:
    """`<region>/<body>/<year>` per record: the address below `reports/`, unique in the corpus."""
    return distinct([(f"{name}/{year_segment(r)}", (str(r.source.get("path") or ""), str(r.source.get("sha256") or "")))
                     for name, r in zip(names, records)])


def body_addresses(records: Sequence[Record], names: Sequence[str]) -> list[str]:
    """The address below `bodies/` of each record's body (as across_years.body_key groups them; "" when
    there is none): its `<region>/<body>`, or `same-as/<value>` for a body joined by sidecars."""
    joined = sorted({r.same_as for r in records if r.same_as})
    same_as = dict(zip(joined, distinct([(f"{SAME_AS}/{segment(value, 'body')}", value) for value in joined])))
    return [same_as[r.same_as] if r.same_as else "" if body_name(r) is None else name
            for name, r in zip(names, records)]


def version(record: Record) -> str:
    """A report's version: the first 12 hex digits of its file's SHA-256 (its address does not change
    with it)."""
    return str(record.source.get("sha256") or "")[:12]


def legacy_ids(records: Sequence[Record]) -> list[str]:
    """The address earlier builds gave: the version, `-2` … for a file received again (in corpus
    order, as those builds numbered them)."""
    seen: Counter[str] = Counter()
    ids = []
    for record in records:
        base = version(record) or "0" * 12
        seen[base] += 1
        ids.append(base if seen[base] == 1 else f"{base}-{seen[base]}")
    return ids


class Address(NamedTuple):
    report: str    # below reports/: 419001110/下冶镇/2021
    body: str      # below bodies/: 419001110/下冶镇 ("" when the report names no body)
    legacy: str    # the hash address of earlier builds: a redirect to `report`


def addresses(records: Sequence[Record], parts: Callable[[Record], tuple[str, str]] = name_parts) -> list[Address]:
    """Every record's addresses, in the order of `records` (`parts`: see name_addresses)."""
    names = name_addresses(records, parts)
    return [Address(*parts) for parts in zip(report_ids(records, names), body_addresses(records, names),
                                             legacy_ids(records), strict=True)]
