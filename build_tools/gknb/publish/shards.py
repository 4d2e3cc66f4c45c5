"""Split builds: one MkDocs site per province, built independently, under one top-level site.

MkDocs builds a site in one process and Pagefind's indexer grows steeply in memory past about
30,000 pages, so a national corpus is built in shards (`gknb build --shard province`):

* `plan_shards` assigns every input file to the province of its parsed record (two-digit
  division code; rejected files and reports without a province go to `unknown`). Sidecar
  metadata travels with its report. The parse goes through the cache, so the shard builds
  that follow do not parse again.
* `build_shard` builds one shard as an ordinary portal into `<site>/shards/<key>/`: a folder
  of links to that shard's files and an MkDocs config that inherits the project's
  `mkdocs.yml` (same theme, overrides and hand-written pages). Shards share nothing while
  they build, so `make -j` or a CI matrix can build them on many machines; every page links
  relatively, so a shard works under `shards/<key>/` of the top-level site.
* `build_index` builds the top-level site from the shards' *built output* (their
  `data/build-report.json`, `data/reports.jsonl.gz` and `data/reports.csv.gz`; nothing is parsed
  again): a home page with the counts per shard, a browse page linking into the shards, the
  merged data files, and a search page that loads the first shard's Pagefind bundle and
  merges the others into it (Pagefind's `mergeIndex`, see overrides/assets/gknb.js).

Cross-report checks (carry_chain, duplicate …) compare reports of one body, which share a
region code and therefore a shard, so a split build finds what a single build finds.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import sys
import tempfile
import time
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import yaml

from gknb.parse import divisions
from gknb.portal.dictionary import FINDINGS_CSV, REPORTS_CSV
from gknb.publish.build import BuildFailed, build_site
from gknb.parse.sidecar import sidecar_files
from gknb.corpus.pipeline import Ignored, Options, build_corpus, input_files, inventory, relative_name

UNKNOWN = "unknown"
SHARDS_DIR = "shards"
BY = ("province",)
PLUGIN = "gknb"


class ShardError(RuntimeError):
    pass


# ---- the project's configuration ---------------------------------------------------------------

@dataclass(frozen=True)
class Project:
    """The project's mkdocs.yml (inherited files merged) and the paths it names, made absolute."""
    config_file: Path
    config: dict[str, Any]

    @property
    def base(self) -> Path:
        return self.config_file.parent

    def path(self, value: str) -> Path:
        return (self.base / value).resolve()

    @property
    def plugin(self) -> dict[str, Any]:
        for entry in plugin_entries(self.config.get("plugins")):
            if entry[0] == PLUGIN:
                return dict(entry[1] or {})
        raise ShardError(f"{self.config_file}: the gknb plugin is not configured")

    @property
    def content_dir(self) -> Path:
        return self.path(str(self.plugin.get("content_dir", "content")))

    @property
    def cache_dir(self) -> Path | None:
        cache = self.plugin.get("cache_dir", ".gknb-cache")
        return self.path(str(cache)) if cache else None

    @property
    def docs_dir(self) -> Path:
        return self.path(str(self.config.get("docs_dir", "docs")))

    @property
    def site_dir(self) -> Path:
        return self.path(str(self.config.get("site_dir", "site")))

    @property
    def site_name(self) -> str:
        return str(self.config.get("site_name", "公开年报"))


def load_project(config_file: Path) -> Project:
    from mkdocs.utils.yaml import yaml_load  # resolves INHERIT like `mkdocs build` does

    config_file = config_file.resolve()
    if not config_file.is_file():
        raise ShardError(f"config file not found: {config_file}")
    with open(config_file, "rb") as handle:
        config = yaml_load(handle)
    return Project(config_file, config)


def plugin_entries(plugins: Any) -> list[tuple[str, Any]]:
    """`plugins:` as a list of names / {name: options}, or as a mapping (MkDocs accepts both)."""
    if isinstance(plugins, dict):
        return list(plugins.items())
    entries: list[tuple[str, Any]] = []
    for item in plugins or []:
        if isinstance(item, str):
            entries.append((item, None))
        elif isinstance(item, dict):
            entries.extend(item.items())
    return entries


def theme_override(project: Project) -> dict[str, Any]:
    """The theme with its custom_dir made absolute (the generated config lives elsewhere)."""
    theme = project.config.get("theme")
    if isinstance(theme, str):
        return {"name": theme}
    if isinstance(theme, dict) and theme.get("custom_dir"):
        return {"custom_dir": str(project.path(str(theme["custom_dir"])))}
    return {}


def write_config(project: Project, folder: Path, overrides: dict[str, Any]) -> Path:
    """An mkdocs.yml in `folder` that inherits the project's and changes only `overrides`."""
    config = {"INHERIT": str(project.config_file), **overrides}
    path = folder / "mkdocs.yml"
    # Not safe_dump: plugin options copied from the project may hold tagged Python values.
    path.write_text(yaml.dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def run_mkdocs(config: Path, site_dir: Path, *, strict: bool = False, no_cache: bool = False) -> None:
    try:
        build_site(config, site_dir=site_dir, strict=strict, no_cache=no_cache)
    except BuildFailed as error:
        raise ShardError(f"mkdocs build failed for {config}: {error}") from error


# ---- plan --------------------------------------------------------------------------------------

def province_key(code: object) -> str:
    """The two-digit province code of a division code, `unknown` when there is none."""
    text = str(code or "")
    key = text[:2]
    if len(key) == 2 and key.isdigit() and divisions.division(key) is not None:
        return key
    return UNKNOWN


def shard_order(key: str) -> tuple[bool, str]:
    return (key == UNKNOWN, key)


def plan_shards(content_dir: Path, by: str = "province", *, cache_dir: Path | None = None,
                jobs: int | None = None, progress: bool = False) -> dict[str, list[Path]]:
    """Shard key → the files of that shard, relative to `content_dir` (each report, then its sidecars).

    The shard of a report is its record's province; a rejected file or a report without a
    province goes to `unknown`. Parsing goes through `cache_dir`, so building the shards
    afterwards does not parse again."""
    if by not in BY:
        raise ShardError(f"unknown shard criterion {by!r} (known: {', '.join(BY)})")
    content_dir = content_dir.resolve()
    corpus = build_corpus(content_dir, Options(cache_dir=cache_dir, jobs=jobs, progress=progress))
    key_of = {str(r.source.get("path")): province_key(r.region.get("code")) for r in corpus.records}
    plan: dict[str, list[Path]] = {}
    for path in input_files(content_dir):
        relative = path.relative_to(content_dir)
        key = key_of.get(relative_name(path, content_dir), UNKNOWN)
        files = plan.setdefault(key, [])
        files.append(relative)
        files.extend(s.relative_to(content_dir) for s in sidecar_files(path))
    return {key: plan[key] for key in sorted(plan, key=shard_order)}


def plan_json(plan: dict[str, list[Path]]) -> str:
    return json.dumps({k: [p.as_posix() for p in v] for k, v in plan.items()}, ensure_ascii=False, indent=1) + "\n"


def valid_key(key: str) -> bool:
    return key == UNKNOWN or (len(key) == 2 and key.isdigit())


def read_plan(path: Path) -> dict[str, list[Path]]:
    """A plan written by `gknb shards --save`: keys are shard keys, paths stay inside the content folder."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ShardError(f"{path}: cannot read the shard plan: {error}") from error
    if not isinstance(data, dict) or not all(isinstance(v, list) for v in data.values()):
        raise ShardError(f"{path}: not a shard plan")
    plan = {str(k): [Path(str(p)) for p in v] for k, v in data.items()}
    for key, files in plan.items():
        if not valid_key(key) or any(f.is_absolute() or ".." in f.parts for f in files):
            raise ShardError(f"{path}: not a shard plan (shard {key!r})")
    return plan


def project_plan(project: Project, *, plan_file: Path | None = None, no_cache: bool = False,
                 progress: bool = False) -> dict[str, list[Path]]:
    """The plan saved by `gknb shards --save`, or computed now (through the cache unless `no_cache`)."""
    if plan_file is not None:
        return read_plan(plan_file)
    return plan_shards(project.content_dir, cache_dir=None if no_cache else project.cache_dir,
                       jobs=int(project.plugin.get("jobs") or 0) or None, progress=progress)


# ---- one shard ---------------------------------------------------------------------------------

def shard_name(key: str) -> str:
    if key == UNKNOWN:
        return "地区未知"
    found = divisions.division(key)
    return (found.display or found.name) if found else key


def shard_site(site_dir: Path, key: str) -> Path:
    return site_dir / SHARDS_DIR / key


def link_files(content_dir: Path, files: Iterable[Path], target: Path) -> None:
    """The shard's content folder: links to the inputs at the same relative paths (so the records'
    source paths and the parse cache keys are those of a single build); copies where links fail."""
    for relative in files:
        source = content_dir / relative
        if not source.is_file():
            raise ShardError(f"planned file is missing: {source} (plan out of date? run `gknb shards` again)")
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            destination.symlink_to(source)
        except OSError:
            shutil.copy2(source, destination)


def shard_config(project: Project, key: str, content: Path, *, search: bool = True) -> dict[str, Any]:
    plugins: list[Any] = []
    for name, options in plugin_entries(project.config.get("plugins")):
        if name == PLUGIN:
            cache = project.plugin.get("cache_dir", ".gknb-cache")
            options = {**(options or {}), "content_dir": str(content), "links_within": str(project.content_dir),
                       "cache_dir": str(project.path(str(cache))) if cache else ""}
            if not search:
                options["search"] = False
        plugins.append({name: options} if options is not None else name)
    config: dict[str, Any] = {"site_name": f"{project.site_name} · {shard_name(key)}",
                              "docs_dir": str(project.docs_dir), "plugins": plugins}
    theme = theme_override(project)
    if theme:
        config["theme"] = theme
    if project.config.get("site_url"):
        config["site_url"] = str(project.config["site_url"]).rstrip("/") + f"/{SHARDS_DIR}/{key}/"
    return config


def has_reports(project: Project, content: Path, *, no_cache: bool) -> bool:
    """Whether a folder holds any readable report. The `unknown` shard may hold only files that
    cannot be read, and Pagefind fails on a site without a page to index: such a shard is built
    without search (the top-level search leaves it out). Parsed through the cache, which the
    shard's build then reads."""
    corpus = build_corpus(content, Options(cache_dir=None if no_cache else project.cache_dir,
                                           jobs=int(project.plugin.get("jobs") or 0) or None,
                                           links_within=project.content_dir))
    return bool(corpus.records)


def build_shard(project: Project, key: str, files: list[Path], site_dir: Path, *,
                strict: bool = False, no_cache: bool = False) -> Path:
    """Build one shard's portal into `site_dir/shards/<key>/`; returns that folder."""
    output = shard_site(site_dir, key)
    with tempfile.TemporaryDirectory(prefix=f"gknb-shard-{key}-") as work:
        content = Path(work) / "content"
        content.mkdir()
        link_files(project.content_dir, files, content)
        config = write_config(project, Path(work), shard_config(
            project, key, content, search=key != UNKNOWN or has_reports(project, content, no_cache=no_cache)))
        run_mkdocs(config, output, strict=strict, no_cache=no_cache)
    return output


# ---- the top-level site ------------------------------------------------------------------------

@dataclass
class Shard:
    """A built shard as its own data files describe it."""
    key: str
    report: dict[str, Any]
    records: list[dict[str, Any]]
    csv_header: list[str]
    csv_rows: list[dict[str, str]]
    site: Path

    @property
    def name(self) -> str:
        return shard_name(self.key)

    @property
    def searchable(self) -> bool:
        return (self.site / "pagefind" / "pagefind-entry.json").is_file()

    def exists(self, url: str) -> bool:
        """Whether the shard has a page at this directory URL (links only to what was built)."""
        return (self.site / url / "index.html").is_file()


def built_shards(site_dir: Path) -> list[str]:
    folder = site_dir / SHARDS_DIR
    if not folder.is_dir():
        return []
    keys = [p.name for p in folder.iterdir() if (p / "data" / "build-report.json").is_file()]
    return sorted(keys, key=shard_order)


def read_shard(site_dir: Path, key: str) -> Shard:
    from gknb.portal.open_data import BULK_RECORDS, csv_text, read_bulk_records

    site = shard_site(site_dir, key)
    data = site / "data"
    try:
        report = json.loads((data / "build-report.json").read_text(encoding="utf-8"))
        lines = [line.decode("utf-8") for line in read_bulk_records((data / BULK_RECORDS).read_bytes())]
        reader = csv.DictReader(csv_text((data / REPORTS_CSV).read_bytes()))
        rows = list(reader)
    except (OSError, ValueError, EOFError, zlib.error) as error:   # also a truncated or damaged gzip file
        raise ShardError(f"shard {key} is not built or incomplete in {site}: {error}") from error
    return Shard(key, report, [json.loads(line) for line in lines if line.strip()],
                 list(reader.fieldnames or []), rows, site)


def prefixed(key: str, url: object) -> object:
    """A site-relative URL of a shard as seen from the top-level site (an absolute one, written when
    `site_url` is set, already names the shard)."""
    return f"{SHARDS_DIR}/{key}/{url}" if isinstance(url, str) and url and "://" not in url else url


def merged_id(key: str, record: dict[str, Any]) -> str:
    """A shard's record as the merged bulk file knows it (its runs end by id): shard key and report id."""
    portal = record.get("portal")
    return f"{key}/{portal.get('id') if isinstance(portal, dict) else ''}"


def prefixed_record(key: str, record: dict[str, Any]) -> dict[str, Any]:
    """A shard's published record with its portal page address as seen from the top-level site."""
    portal = record.get("portal")
    if not isinstance(portal, dict):
        return record
    return {**record, "portal": {**portal, "page": prefixed(key, portal.get("page"))}}


def index_rows(shard: Shard) -> list[dict[str, Any]]:
    """The shard's reports as its JSON index files list them (catalog.index_row), each once (every
    file lists the reports of its own level), with their paths as seen from the top-level site."""
    from gknb.portal.catalog import INDEX

    path = shard.site / INDEX
    if not path.is_file():
        return []
    index = json.loads(path.read_text(encoding="utf-8"))
    rows = []
    for region in index.get("regions", []):
        for year in region.get("years", {}):
            listed = json.loads((shard.site / index["path"].format(code=region["code"], year=year))
                                .read_text(encoding="utf-8"))
            rows += [{**row, **{name: prefixed(shard.key, row.get(name)) for name in ("page", "xlsx")}}
                     for row in listed["reports"]]
    return rows


def catalog_data(shards: list[Shard], site_url: str) -> dict[str, bytes]:
    """The top-level feeds and JSON index files, rebuilt from the shards' index files."""
    from gknb.portal.catalog import index_files
    from gknb.portal.feeds import feed_files, feed_map

    rows = [row for shard in shards for row in index_rows(shard)]
    feeds = feed_files(rows, site_url, lambda province: f"{SHARDS_DIR}/{province}/browse/region/{province}/")
    return {**feeds, **index_files(rows, site_url, feed_map(feeds))}


def merged_csv(shards: list[Shard]) -> bytes:
    from gknb.portal.open_data import csv_file

    header: dict[str, None] = {}
    for shard in shards:
        header.update(dict.fromkeys(shard.csv_header))
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(header), lineterminator="\r\n", restval="")
    writer.writeheader()
    for shard in shards:
        for row in shard.csv_rows:
            writer.writerow({**row, **{name: prefixed(shard.key, row.get(name)) for name in ("page", "xlsx")}})
    return csv_file(buffer.getvalue())


def merged_findings_csv(shards: list[Shard]) -> bytes:
    """The shards' findings.csv.gz one after the other, under one header (every shard writes the same one)."""
    from gknb.portal.open_data import csv_file, csv_text

    header, rows = "", list[str]()
    for shard in shards:
        path = shard.site / "data" / FINDINGS_CSV
        lines = list(csv_text(path.read_bytes())) if path.is_file() else []
        header, rows = (lines[0] if lines else header), rows + lines[1:]
    return csv_file(header + "".join(rows))


def merged_build_report(shards: list[Shard], ignored: list[Ignored]) -> dict[str, Any]:
    """The shards' reports merged; `ignored`: what the project's content folder holds but no shard reads
    (hidden files, FIFOs, orphan sidecars …), which only the whole folder shows."""
    return {
        "inputs": sum(int(s.report.get("inputs", 0)) for s in shards),
        "shards": [{"key": s.key, "name": s.name, "url": f"{SHARDS_DIR}/{s.key}/",
                    "inputs": s.report.get("inputs", 0), "published": len(s.report.get("published", [])),
                    "rejected": len(s.report.get("rejected", []))} for s in shards],
        "published": [{**p, "page": prefixed(s.key, p.get("page")), "shard": s.key}
                      for s in shards for p in s.report.get("published", [])],
        "rejected": [{**r, "shard": s.key} for s in shards for r in s.report.get("rejected", [])],
        "ignored": [{"path": i.path, "reason": i.reason} for i in ignored],
    }


def cell_columns(csv_data: bytes) -> list[str]:
    """The cell columns of a merged reports.csv.gz (every column after the metadata ones)."""
    from gknb.portal.dictionary import METADATA_NAMES
    from gknb.portal.open_data import csv_text

    header = next(csv.reader(csv_text(csv_data)))
    return [k for k in header if k not in set(METADATA_NAMES)]


def merged_data(shards: list[Shard], ignored: list[Ignored], site_url: str = "") -> dict[str, bytes]:
    from gknb.portal.open_data import BULK_RECORDS, bulk_records, datapackage, json_bytes, record_schema

    csv_data = merged_csv(shards)
    return {
        f"data/{BULK_RECORDS}": bulk_records([(merged_id(s.key, r), json_bytes(prefixed_record(s.key, r), indent=None))
                                              for s in shards for r in s.records]),
        f"data/{REPORTS_CSV}": csv_data,
        f"data/{FINDINGS_CSV}": merged_findings_csv(shards),
        "data/build-report.json": json_bytes(merged_build_report(shards, ignored)),
        "data/datapackage.json": json_bytes(datapackage(cell_columns(csv_data))),
        "data/record.schema.json": record_schema(),
        **catalog_data(shards, site_url),
    }


def relative(from_dir: str, target: str) -> str:
    """A link from a page at directory URL `from_dir` ("" for the root) to a site path."""
    up = "../" * len([part for part in from_dir.split("/") if part])
    return up + target


def status_counts(shard: Shard) -> dict[str, int]:
    counts = {"pass": 0, "warn": 0, "fail": 0}
    for item in shard.report.get("published", []):
        status = str(item.get("status"))
        counts[status] = counts.get(status, 0) + 1
    return counts


def years(records: list[dict[str, Any]]) -> str:
    found = sorted({int(r["year"]) for r in records if isinstance(r.get("year"), int)})
    if not found:
        return "—"
    return str(found[0]) if found[0] == found[-1] else f"{found[0]}–{found[-1]}"


def region_url(shard: Shard, code: str) -> str:
    """The shard's browse page for a region code, or the shard's home page when it has none."""
    url = f"browse/region/{code}/"
    if shard.exists(url):
        return url
    return "browse/region/" if shard.exists("browse/region/") else ""


def shard_links(shard: Shard, from_dir: str) -> str:
    links = [("浏览", region_url(shard, shard.key)), ("统计", "stats/"), ("校验问题", "findings/")]
    if shard.report.get("rejected"):
        links.append(("无法读取", "findings/rejected/"))
    shown = [f'<a href="{relative(from_dir, f"{SHARDS_DIR}/{shard.key}/{url}")}">{label}</a>'
             for label, url in links if url == "" or shard.exists(url)]
    return " · ".join(shown)


def home_page(project: Project, shards: list[Shard]) -> str:
    total = sum(len(s.records) for s in shards)
    inputs = sum(int(s.report.get("inputs", 0)) for s in shards)
    rejected = sum(len(s.report.get("rejected", [])) for s in shards)
    lines = [
        "---", f"title: {json.dumps(project.site_name, ensure_ascii=False)}", "hide:", "  - toc", "---", "",
        f"# {project.site_name}", "",
        f"本站收录 **{total}** 份政府信息公开工作年度报告（{inputs} 个输入文件，{rejected} 个无法读取），"
        f"按省份分为 {len(shards)} 个分片分别构建。可以[检索全部报告](search.md)，"
        "或从下表进入各省份的报告、统计和校验问题。", "",
        "| 省份 | 报告 | 年度 | 通过 | 警告 | 错误 | 无法读取 | |",
        "|---|--:|---|--:|--:|--:|--:|---|",
    ]
    for shard in shards:
        counts = status_counts(shard)
        lines.append(f'| <a href="{SHARDS_DIR}/{shard.key}/">{shard.name}</a> | {len(shard.records)} | '
                     f'{years(shard.records)} | {counts["pass"]} | {counts["warn"]} | {counts["fail"]} | '
                     f'{len(shard.report.get("rejected", []))} | {shard_links(shard, "")} |')
    lines += ["", "全部报告的数据文件（各分片合并）见[开放数据](data.md)。", ""]
    return "\n".join(lines)


def region_counts(records: list[dict[str, Any]], length: int) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        code = divisions.short_code(str((record.get("region") or {}).get("code") or ""))
        if len(code) >= length:
            counts[code[:length]] = counts.get(code[:length], 0) + 1
    return counts


def browse_page(shards: list[Shard]) -> str:
    here = "browse/region/"
    lines = ["---", "title: 按地区浏览", "---", "", "# 按地区浏览", "",
             "每个省份是一个分片站点；点击进入该省份及其地市的报告列表。", ""]
    for shard in shards:
        home = relative(here, f"{SHARDS_DIR}/{shard.key}/")
        url = region_url(shard, shard.key)
        target = relative(here, f"{SHARDS_DIR}/{shard.key}/{url}")
        lines += [f'## <a href="{target}">{shard.name}</a>', "",
                  f'{len(shard.records)} 份报告 · <a href="{home}">分片首页</a>', ""]
        cities = region_counts(shard.records, 4)
        for code, count in sorted(cities.items()):
            found = divisions.division(code)
            name = (found.display or found.name) if found else code
            page = f"browse/region/{code}/"
            label = (f'<a href="{relative(here, f"{SHARDS_DIR}/{shard.key}/{page}")}">{name}</a>'
                     if shard.exists(page) else name)
            lines.append(f"- {label}（{count}）")
        lines.append("")
    return "\n".join(lines)


def workbooks(shards: list[Shard]) -> list[tuple[str, str]]:
    """The shards' province workbooks: (site path, workbooks.province_key)."""
    found = []
    for shard in shards:
        for path in sorted((shard.site / "data" / "xlsx").glob("province-*.xlsx")):
            found.append((f"{SHARDS_DIR}/{shard.key}/data/xlsx/{path.name}", path.stem[len("province-"):]))
    return found


def fields_page(shards: list[Shard], csv_data: bytes) -> str:
    """字段说明 of the merged data: the columns of the merged CSV files, the shards' workbooks."""
    from gknb.portal.pages import fields_page as page, workbook_views

    return page(cell_columns(csv_data), workbook_views(workbooks(shards)))


def findings_page(shards: list[Shard], findings_csv: bytes) -> str:
    """校验问题 of the whole corpus from the merged findings.csv.gz: counts per check and per shard, the
    shards' province pages linked (each check's own pages are in the shards)."""
    from gknb.check.registry import CHECK_TITLES, CHECKS_BY_ID
    from gknb.model.record import SEVERITY_WORDS, Severity
    from gknb.portal.open_data import csv_text
    from gknb.portal.render import render

    rows = [r for r in csv.DictReader(csv_text(findings_csv)) if r["severity"] != "info"]
    order = list(CHECKS_BY_ID)
    checks = sorted({r["check"] for r in rows}, key=lambda c: (order.index(c) if c in order else len(order), c))

    def counts(name: str, code: str, url: str, found: list[dict[str, str]]) -> dict[str, Any]:
        return {"name": name, "code": code, "url": url, "reports": len({r["id"] for r in found}),
                "findings": len(found), "errors": sum(1 for r in found if r["severity"] == Severity.ERROR.value),
                "warnings": sum(1 for r in found if r["severity"] == Severity.WARNING.value)}

    shard_of = {p["id"]: s.key for s in shards for p in s.report.get("published", [])}
    provinces = []
    for shard in shards:
        if not shard.records:
            continue
        page = next((u for u in (f"findings/region/{shard.key}/", "findings/") if shard.exists(u)), "")
        url = relative("findings/", f"{SHARDS_DIR}/{shard.key}/{page}") if page else ""
        provinces.append(counts(shard.name, shard.key, url, [r for r in rows if shard_of.get(r["id"]) == shard.key]))
    return render("findings.md.j2", csv_url=relative("findings/", f"data/{FINDINGS_CSV}"), rejected_url="",
                  checks=[{**counts(CHECK_TITLES.get(c, c), c, "", [r for r in rows if r["check"] == c]),
                           "severity": SEVERITY_WORDS[CHECKS_BY_ID[c].severity] if c in CHECKS_BY_ID else ""}
                          for c in checks], provinces=provinces)


def search_bundles(shards: list[Shard]) -> list[tuple[str, str]]:
    """The shards' Pagefind bundles and names, which the top-level search box searches one at a time
    or merged (extra.gknb_search_bundles, gknb_search_names)."""
    return [(f"{SHARDS_DIR}/{s.key}/pagefind/", s.name) for s in shards if s.searchable]


def nav_for(nav: Any, docs: Path) -> Any:
    """The project's nav without the entries whose page the top-level site does not have."""
    if isinstance(nav, str):
        return nav if nav.startswith(("http://", "https://")) or (docs / nav).is_file() else None
    if isinstance(nav, list):
        kept = [item for item in (nav_for(entry, docs) for entry in nav) if item is not None]
        return kept or None
    if isinstance(nav, dict):
        kept_dict = {title: item for title, item in ((t, nav_for(v, docs)) for t, v in nav.items())
                     if item is not None}
        return kept_dict or None
    return None


def index_config(project: Project, docs: Path, bundles: list[tuple[str, str]]) -> dict[str, Any]:
    plugins = [{n: o} if o is not None else n for n, o in plugin_entries(project.config.get("plugins")) if n != PLUGIN]
    # Every merged shard costs bytes on each query: all shards at once only when the project asks
    # (plugin option national_search), else the reader picks one province or 全部.
    extra = {**(project.config.get("extra") or {}), "gknb_search_bundles": [path for path, _name in bundles],
             "gknb_search_names": [name for _path, name in bundles],
             "gknb_national_search": bool(project.plugin.get("national_search", False))}
    config: dict[str, Any] = {"docs_dir": str(docs), "plugins": plugins, "extra": extra}
    theme = theme_override(project)
    if theme:
        config["theme"] = theme
    if project.config.get("nav"):
        config["nav"] = nav_for(project.config["nav"], docs) or []
    return config


def replace_top_level(built: Path, site_dir: Path) -> None:
    """Put the freshly built top-level site into `site_dir`, leaving `site_dir/shards/` alone."""
    site_dir.mkdir(parents=True, exist_ok=True)
    for entry in site_dir.iterdir():
        if entry.name == SHARDS_DIR:
            continue
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink()
    for entry in built.iterdir():
        if entry.name != SHARDS_DIR:
            shutil.move(str(entry), str(site_dir / entry.name))


def build_index(project: Project, site_dir: Path, keys: list[str] | None = None, *, strict: bool = False) -> list[str]:
    """Build the top-level site into `site_dir` from the shards built under `site_dir/shards/`;
    returns the shard keys it includes (all built shards when `keys` is None)."""
    available = built_shards(site_dir)
    keys = available if keys is None else sorted(keys, key=shard_order)
    missing = [k for k in keys if k not in available]
    if missing:
        raise ShardError(f"shard(s) not built in {site_dir / SHARDS_DIR}: {', '.join(missing)}")
    if not keys:
        raise ShardError(f"no built shards in {site_dir / SHARDS_DIR}")
    shards = [read_shard(site_dir, key) for key in keys]
    with tempfile.TemporaryDirectory(prefix="gknb-index-") as work:
        docs = Path(work) / "docs"
        if project.docs_dir.is_dir():
            shutil.copytree(project.docs_dir, docs)
        ignored = inventory(project.content_dir).ignored if project.content_dir.is_dir() else []
        data_files = merged_data(shards, ignored, str(project.config.get("site_url") or ""))
        generated = {"index.md": home_page(project, shards), "browse/region/index.md": browse_page(shards),
                     "fields.md": fields_page(shards, data_files[f"data/{REPORTS_CSV}"]),
                     "findings/index.md": findings_page(shards, data_files[f"data/{FINDINGS_CSV}"])}
        for path, text in generated.items():
            (docs / path).parent.mkdir(parents=True, exist_ok=True)
            (docs / path).write_text(text, encoding="utf-8")
        for path, data in data_files.items():
            (docs / path).parent.mkdir(parents=True, exist_ok=True)
            (docs / path).write_bytes(data)
        config = write_config(project, Path(work), index_config(project, docs, search_bundles(shards)))
        built = Path(work) / "site"
        run_mkdocs(config, built, strict=strict)
        replace_top_level(built, site_dir)
    return keys


# ---- everything --------------------------------------------------------------------------------

def log(message: str) -> None:
    print(f"gknb: {message}", file=sys.stderr, flush=True)


def build_all(project: Project, site_dir: Path, *, only: list[str] | None = None, plan_file: Path | None = None,
              strict: bool = False, no_cache: bool = False) -> dict[str, float]:
    """Plan, then build the shards (all, or `only`) one after the other; with all, also the
    top-level site and stale shard folders removed. Returns seconds per step."""
    timings: dict[str, float] = {}
    start = time.perf_counter()
    plan = project_plan(project, plan_file=plan_file, no_cache=no_cache, progress=sys.stderr.isatty())
    timings["plan"] = time.perf_counter() - start
    if not plan:
        raise ShardError(f"no input files in {project.content_dir}")
    log(f"{len(plan)} shards: {', '.join(plan)} (plan {timings['plan']:.1f} s)")
    wanted = list(plan) if only is None else only
    unknown = [k for k in wanted if k not in plan]
    if unknown:
        raise ShardError(f"no such shard: {', '.join(unknown)} (shards: {', '.join(plan)})")
    for key in wanted:
        start = time.perf_counter()
        build_shard(project, key, plan[key], site_dir, strict=strict, no_cache=no_cache)
        timings[key] = time.perf_counter() - start
        log(f"shard {key} ({shard_name(key)}, {len(plan[key])} files) built in {timings[key]:.1f} s")
    if only is None:
        shards = site_dir / SHARDS_DIR
        for stale in [p for p in shards.iterdir() if p.is_dir() and p.name not in plan]:
            shutil.rmtree(stale)
        start = time.perf_counter()
        build_index(project, site_dir, list(plan), strict=strict)
        timings["index"] = time.perf_counter() - start
        log(f"top-level site built in {timings['index']:.1f} s")
    return timings
