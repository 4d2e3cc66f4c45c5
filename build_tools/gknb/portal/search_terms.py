"""What the search index and the search page know about a report besides its text.

- The other forms people write a body's name in (柱濮镇人民政府 and 柱濮镇政府 for 柱濮镇), indexed
  with the page; the search is by substring, so the shorter forms are found anyway.
- The region filters down to the county, as names, with their division codes published apart
  (`search/terms.json`) so the search page lists provinces, cities and counties in code order.
- The body names (`search/bodies.json`), from which the search page suggests close names when a
  query finds nothing (柱璞镇 → 柱濮镇).
- Which lines of a section's text are table residue (a row's label and its numbers, run together
  when a converter flattened the table): shown on the page, left out of the index, so snippets come
  from the report's sentences.
"""

from __future__ import annotations

import json
import re
from typing import Iterable

from gknb.model.official_tables import APPEAL_COLUMNS
from gknb.model.record import Record
from gknb.parse import divisions

TERMS_FILE = "search/terms.json"
BODIES_FILE = "search/bodies.json"

# A bare unit name's ending → the words an office adds after it, longest first. 柱濮镇 is also written
# 柱濮镇人民政府 and 柱濮镇政府; 城关街道 is 城关街道办事处 or 城关街道办.
NAME_SUFFIXES: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("街道",), ("办事处", "办")),
    (("镇", "乡", "县", "区", "市", "旗", "州"), ("人民政府", "政府")),
)
# What a search strips from a term that finds nothing (the search page reads it from terms.json).
STRIPPED_SUFFIXES = ("人民政府办公室", "政府办公室", "人民政府", "办事处", "政府")


def bare_name(name: str) -> str:
    """柱濮镇人民政府 → 柱濮镇, 城关街道办事处 → 城关街道; other names unchanged."""
    for endings, additions in NAME_SUFFIXES:
        for addition in additions:
            stem = name[: -len(addition)]
            if name.endswith(addition) and stem.endswith(endings) and len(stem) > 1:
                return stem
    return name


def name_aliases(name: str | None) -> list[str]:
    """The body's name in its other common forms (for the search index only), in a fixed order."""
    if not name:
        return []
    stem = bare_name(name)
    forms = [stem]
    for endings, additions in NAME_SUFFIXES:
        if stem.endswith(endings):
            forms += [stem + addition for addition in additions]
            break
    return [form for form in forms if form != name]


# ---- region filters ----------------------------------------------------------------------------

def division_display(code: str) -> str:
    """A division's own name ("" for the generic 市辖区 / 县 / 省直辖县级行政区划 levels)."""
    found = divisions.division(code.ljust(12, "0"))
    return (found.display or "") if found is not None else ""


def region_filters(record: Record) -> dict[str, tuple[str, str]]:
    """province / city / county → (the filter value, its division code). A county is named with its
    city (or province) before it: 朝阳区 is in 北京市 and in 长春市."""
    code = divisions.short_code(str(record.region.get("code") or ""))
    out: dict[str, tuple[str, str]] = {}
    province = division_display(code[:2]) if len(code) >= 2 else ""
    if province:
        out["province"] = (province, code[:2])
    city = division_display(code[:4]) if len(code) >= 4 else ""
    if city:
        out["city"] = (city, code[:4])
    county = division_display(code[:6]) if len(code) >= 6 else ""
    if county:
        out["county"] = ((city or province) + county if county != city else county, code[:6])
    return out


def terms_json(records: Iterable[Record]) -> bytes:
    """The region filter values with their codes (the facets' order), and the suffixes a retry strips."""
    regions: dict[str, dict[str, str]] = {"province": {}, "city": {}, "county": {}}
    for record in records:
        for level, (value, code) in region_filters(record).items():
            regions[level][value] = code
    ordered = {level: dict(sorted(values.items(), key=lambda item: (item[1], item[0])))
               for level, values in regions.items()}
    return json_bytes({"regions": ordered, "suffixes": list(STRIPPED_SUFFIXES)})


def bodies_json(bodies: Iterable[tuple[str, str]]) -> bytes:
    """[[name, region], …] of every body, sorted: what the zero-result suggestions are chosen from."""
    return json_bytes({"bodies": sorted({(name, region) for name, region in bodies if name})})


def json_bytes(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# ---- table residue in the text -------------------------------------------------------------------

_NUMBER = r"(?:\d+(?:\.\d+)?%?|[/／—-])"
_TRAILING_NUMBERS = re.compile(rf"(?:^|\s){_NUMBER}(?:\s+{_NUMBER}){{2,}}\s*$")
_DIGITS_OR_SPACE = re.compile(r"[\d\s.%/／—-]")
_APPEAL_LABELS = tuple(c.label for c in APPEAL_COLUMNS)


def table_residue(line: str) -> bool:
    """A line of section text that is a flattened table row: a label followed by three or more
    numbers (`（七）总计 0 0 00 0 0 0`), mostly digits, or table 四's column heads run together."""
    if _TRAILING_NUMBERS.search(line):
        return True
    if len(line) >= 8 and len(_DIGITS_OR_SPACE.findall(line)) >= 0.6 * len(line):
        return True
    return sum(line.count(label) for label in _APPEAL_LABELS) >= 4
