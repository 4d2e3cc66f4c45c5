"""Who and where: sidecar metadata, the region with its division code, and the body type.

A sidecar `content/<report file>.yml` (or `<report stem>.yml`, or front matter in a `.md`
report) may set `agency`, `type`, `region` (names or a division code), `year`, `published`,
`source_url`, `same_as` and `cells` (corrected cells, parse/corrections.py). Sidecar values win over what the parser found; every value the
parser inferred rather than read is listed in `record.inferred`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Mapping

from gknb.parse import divisions
from gknb.model.errors import ReadError
from gknb.model.body_types import BodyType, body_type
from gknb.model.record import Record
from gknb.parse.region import RegionResult, classify_body, confusable_variants, fill_levels, resolve_region
from gknb.read.yaml_text import MAX_YAML_BYTES, brief, load_yaml_text

SIDECAR_KEYS = ("agency", "type", "region", "year", "published", "source_url", "same_as", "cells")
# The longest name of a body is under 60 characters; a 10 MB `agency` made a 61 MB page.
TEXT_LIMITS = {"agency": 200, "same_as": 200, "source_url": 2000}
CODE_RE = re.compile(r"^\d{2}(\d{2}){0,2}(\d{3})?(\d{3})?$")


@dataclass(frozen=True)
class Sidecar:
    values: Mapping[str, Any]
    region: RegionResult | None = None  # the `region` value resolved against the division codes
    path: Path | None = None             # where the values came from (the sidecar, or the report's front matter)

    def get(self, key: str) -> Any:
        return self.values.get(key)


def sidecar_names(report: Path) -> tuple[str, ...]:
    """The names a report's sidecar may have, beside it."""
    return (report.name + ".yml", report.name + ".yaml", report.stem + ".yml", report.stem + ".yaml")


def sidecar_files(report: Path) -> list[Path]:
    """The report's sidecars: files beside it, or links to files beside the file it is (a split build
    links both); a link to a file elsewhere (/etc/…) is not read, its content would reach the portal."""
    folder = os.path.dirname(report)  # os.path, not a Path per name: asked for every report, twice
    candidates = [report.with_name(n) for n in sidecar_names(report) if os.path.isfile(os.path.join(folder, n))]
    if not any(candidate.is_symlink() for candidate in candidates):
        return candidates
    home = report.resolve().parent
    return [candidate for candidate in candidates if candidate.resolve().parent == home]


def load_yaml(path: Path) -> Mapping[str, Any]:
    size = path.stat().st_size
    if size > MAX_YAML_BYTES:  # judged before reading: the file may be any size
        raise ReadError(path, f"侧车元数据文件过大（{size // 1024} KB，上限 {MAX_YAML_BYTES // 1024} KB）")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise ReadError(path, f"侧车元数据文件不是 UTF-8 文本（第 {error.start} 字节）") from None
    data = load_yaml_text(path, text, "侧车元数据文件")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ReadError(path, "侧车元数据文件应为键值映射（YAML mapping）")
    return data


def load_sidecar(report: Path, front_matter: Mapping[str, Any]) -> Sidecar:
    """The report's sidecar values, validated; a malformed sidecar is a ReadError for this report."""
    files = sidecar_files(report)
    values: dict[str, Any] = dict(front_matter)
    if files:
        values.update(load_yaml(files[0]))
    region = values.get("region")
    resolved = region_from_sidecar(region) if isinstance(region, (str, int, dict)) else None
    problems = validate(values, resolved)
    if problems:
        raise ReadError(files[0] if files else report, "元数据有误：" + "；".join(problems))
    return Sidecar({k: v for k, v in values.items() if k in SIDECAR_KEYS}, resolved, files[0] if files else report)


def validate(values: Mapping[str, Any], region_found: RegionResult | None) -> list[str]:
    problems = [f"未知字段 {k}" for k in values if k not in SIDECAR_KEYS and k not in {"title", "tags"}]
    year = values.get("year")
    if year is not None and (not isinstance(year, int) or not 2000 <= year <= 2100):
        problems.append(f"year 应为 2000–2100 的整数，实为 {brief(year)}")
    published = values.get("published")
    if published is not None and not isinstance(published, date):
        try:
            date.fromisoformat(str(published))
        except ValueError:
            problems.append(f"published 应为 YYYY-MM-DD 日期，实为 {brief(published)}")
    kind = values.get("type")
    if kind is not None and body_type(kind) is None:
        problems.append(f"type 应为 {'、'.join(t.value for t in BodyType)} 之一，实为 {brief(kind)}")
    for key, longest in TEXT_LIMITS.items():
        if values.get(key) is not None and not isinstance(values[key], str):
            problems.append(f"{key} 应为文本")
        elif len(values.get(key) or "") > longest:
            problems.append(f"{key} 过长（{len(values[key])} 字，上限 {longest} 字）")
    region = values.get("region")
    if region is not None and not isinstance(region, (str, int, dict)):
        problems.append("region 应为地区名称、区划代码或 {province, city, county, town, code}")
    elif region is not None and region_found is None:
        problems.append(f"region 无法在统计用区划代码中找到：{brief(region)}")
    return problems


def region_from_code(code: str) -> RegionResult | None:
    if divisions.division(code) is None:
        return None
    result = RegionResult()
    fill_levels(result, divisions.short_code(code))
    return result


def region_from_sidecar(value: Any) -> RegionResult | None:
    """A region given as a division code, as names (甘肃省白银市会宁县) or as a mapping of levels."""
    if isinstance(value, dict):
        if value.get("code"):
            return region_from_code(str(value["code"]))
        value = "".join(str(value.get(k) or "") for k in ("province", "city", "county", "town"))
    text = str(value).strip()
    if CODE_RE.match(text):
        return region_from_code(text)
    result = resolve_region(text, "")
    return result if result.code else None


def apply_metadata(record: Record, sidecar: Sidecar, text: str) -> None:
    """Fill agency, region and type: sidecar first, then what the name and the text support."""
    if sidecar.get("agency"):
        record.agency["name"] = str(sidecar.get("agency"))
    if sidecar.get("year") is not None:
        record.year = int(sidecar.get("year"))
        record.inferred = [f for f in record.inferred if f != "year"]
    if sidecar.get("published") is not None:
        record.published = str(sidecar.get("published"))
    if sidecar.get("same_as"):
        record.same_as = str(sidecar.get("same_as"))
    if sidecar.get("source_url"):
        record.source["url"] = str(sidecar.get("source_url"))
    region = apply_region(record, sidecar, text)
    kind = body_type(sidecar.get("type")) if sidecar.get("type") else None  # validated when loaded
    if kind is not None:
        record.agency["type"] = kind.value
    else:
        record.agency["type"] = classify_body(record.agency.get("name"), text, region)
        if record.agency["type"] is not None:
            record.inferred.append("agency.type")


def corrected_region(record: Record, text: str) -> RegionResult | None:
    """A body name whose place matches no division, read again with one OCR-confusable character
    swapped (沐阳 → 沭阳): taken only when exactly one such reading names a division; the corrected
    name is then the body's, listed in `inferred` as `agency.name`."""
    name = record.agency.get("name")
    if not name:
        return None
    found = [(variant, result) for variant in confusable_variants(str(name))
             if (result := resolve_region(variant, "")).code is not None]
    if len(found) != 1:
        return None
    variant, _ = found[0]
    record.agency["name"] = variant
    record.inferred.append("agency.name")
    return resolve_region(variant, text.replace(str(name), variant))


def apply_region(record: Record, sidecar: Sidecar, text: str) -> RegionResult:
    given = sidecar.region
    region = given or resolve_region(record.agency.get("name"), text)
    if given is None and region.code is None:
        region = corrected_region(record, text) or region
    record.region = region.to_dict()
    record.region_candidates = list(region.ambiguous)
    if given is None:
        record.inferred.extend(f"region.{level}" for level in ("province", "city", "county", "town", "code")
                               if record.region.get(level))
    return region
