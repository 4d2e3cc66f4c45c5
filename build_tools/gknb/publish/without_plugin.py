"""The portal built without our MkDocs plugin: `gknb pages` output, the hand-written pages and the theme
overrides handed to another engine that reads mkdocs.yml (Zensical, Material's successor, runs no
custom plugins), then Pagefind over the built report pages.

MkDocs 2.0 drops plugins and Material for MkDocs reaches its end of life in 2027: this keeps the portal
buildable when the plugin cannot run. What the plugin adds and this build lacks is listed in the README
(§ Building without the plugin): the overrides that only the plugin's engine renders (our 404 page and
sitemap) are left to the engine's own.
"""

from __future__ import annotations

import posixpath
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from gknb.corpus.pipeline import build_corpus
from gknb.portal.pages import data_date, generate, page_url, write_site
from gknb.publish.search import run_pagefind
from gknb.publish.theme_files import PALETTE_SCRIPT, palette_script

# Theme overrides written for MkDocs' Jinja2 that the engine's template language does not run: the engine
# writes its own 404 page and sitemap instead.
ENGINE_OWN_TEMPLATES = ("404.html", "sitemap.xml")


class EngineError(RuntimeError):
    """The engine failed: its exit status and the end of its output."""


@dataclass(frozen=True)
class Built:
    site: Path
    reports: list[str]     # the report pages, relative to `site`


def write_docs(project: Path, content: Path, docs: Path) -> tuple[list[str], str]:
    """The docs folder an engine builds: generated pages, data files, sources as received, hand-written
    pages. Returns the report pages' sources and the data date."""
    shutil.rmtree(docs, ignore_errors=True)
    corpus = build_corpus(content)
    site = generate(corpus, content)
    for written in sorted((project / "docs").rglob("*.md")):
        path = written.relative_to(project / "docs").as_posix()
        site.pages.setdefault(path, written.read_text(encoding="utf-8"))   # the hand-written pages
    write_site(site, docs, page_text=from_file, with_sources=True)
    return sorted(site.searchable), data_date(corpus.records)


# The engine reads a relative href or src in a page's HTML as relative to the page's .md file (as MkDocs
# reads Markdown links), not to the page's URL as MkDocs leaves raw HTML: a page's links are given to it
# from the file's folder. `reports/a/2021.md` is served at `reports/a/2021/`.
RELATIVE_LINK_RE = re.compile(r'(\s(?:href|src)=")(?![a-z][a-z0-9+.-]*:|[#/?])([^"?#]*)([^"]*)"')


def from_file(src: str, page: str) -> str:
    """A generated page with its relative links made relative to its file's folder instead of its URL."""
    served = page_url(src)
    folder = posixpath.dirname(src)
    if served == (folder + "/" if folder else ""):
        return page  # index.md: its URL is its folder
    def relink(match: re.Match[str]) -> str:
        attribute, path, query = match.groups()   # a query or fragment (?r=…, #cell-…) is kept as it is
        target = posixpath.normpath(posixpath.join(served or ".", path or "."))
        trailing = "/" if path.endswith("/") or path in ("", ".") else ""
        return f'{attribute}{posixpath.relpath(target, folder or ".")}{trailing}{query}"'
    return RELATIVE_LINK_RE.sub(relink, page)


def engine_config(project: Path, out: Path, data_day: str) -> Path:
    """mkdocs.yml without the plugin, pointing at the written docs and a copy of the overrides."""
    theme = out / "overrides"
    shutil.rmtree(theme, ignore_errors=True)
    shutil.copytree(project / "overrides", theme, ignore=shutil.ignore_patterns(*ENGINE_OWN_TEMPLATES))
    config: dict[str, Any] = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=ConfigLoader)
    config["plugins"] = []
    # Relative to the config file: the engine rejects absolute folders.
    config["docs_dir"], config["site_dir"], config["theme"]["custom_dir"] = "docs", "site", "overrides"
    script = theme / PALETTE_SCRIPT  # as the plugin serves it (theme_files.write_palette_into_script)
    script.write_text(palette_script(script.read_text(encoding="utf-8"), config["theme"].get("palette")), encoding="utf-8")
    config["markdown_extensions"] = [e for e in config["markdown_extensions"] if not isinstance(e, dict) or "toc" not in e] + ["toc"]
    config.setdefault("extra", {})["gknb_data_date"] = data_day
    path = out / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


class ConfigLoader(yaml.SafeLoader):
    """mkdocs.yml's `!!python/object/apply` (the toc slugify) read as nothing: the engine's default applies."""


ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", lambda loader, suffix, node: None)


def build_without_plugin(project: Path, content: Path, out: Path, engine: str) -> Built:
    """Write the docs, run `engine build -f mkdocs.yml`, index the report pages with Pagefind."""
    out.mkdir(parents=True, exist_ok=True)
    # The engine runs in `out` (its config's folders are relative to it): a path to it is made absolute.
    engine = str(Path(engine).resolve()) if "/" in engine else (shutil.which(engine) or engine)
    reports, data_day = write_docs(project, content, out / "docs")
    config = engine_config(project, out, data_day)
    shutil.rmtree(out / "site", ignore_errors=True)
    result = subprocess.run([engine, "build", "-f", str(config)], capture_output=True, text=True, cwd=out)
    if result.returncode != 0:
        raise EngineError(f"{engine} build exited {result.returncode}: {(result.stderr or result.stdout)[-2000:]}")
    built = [page_url(src) + "index.html" for src in reports]
    run_pagefind(out / "site", built)
    return Built(out / "site", built)
