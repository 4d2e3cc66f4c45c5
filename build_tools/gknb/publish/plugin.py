"""The MkDocs plugin: `mkdocs build` / `mkdocs serve` alone turn `content/` into the portal.

Thin by design (mkdocs `contrib/search`): each event hands its object to a function that is
tested without MkDocs — pages.generate for the files, render.lift/restore_html_blocks around
Markdown, search.PagefindFeed for the index (search.run_pagefind when not every page was rendered).
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import unquote

from mkdocs.config import config_options as c
from mkdocs.config.base import Config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from jinja2 import Environment

from gknb.portal.pages import SiteFiles, data_date, generate
from gknb.corpus.cluster import ClusterError
from gknb.corpus import pipeline
from gknb.corpus.pipeline import Options, build_corpus
from gknb.corpus.update import fingerprints
from gknb.portal.scope import PageScope
from gknb.publish import parallel
from gknb.publish.live import ContentWatcher, LiveBuilder, LiveSite
from gknb.publish.build import rezip_sitemap
from gknb.portal.render import lift_html_blocks, restore_html_blocks, searchable_blocks
from gknb.publish.slim import slim_page
from gknb.publish.theme_files import drop_unserved_theme_files, write_palette_into_script
from gknb.publish.search import PagefindFeed, SearchIndexError, run_pagefind

log = logging.getLogger("mkdocs.plugins.gknb")


class GknbConfig(Config):  # type: ignore[no-untyped-call]  # mkdocs leaves __init_subclass__ untyped
    """`plugins: - gknb: {content_dir: content, strict: false, search: true}`."""

    content_dir = c.Type(str, default="content")
    """Folder of input reports, relative to mkdocs.yml."""
    strict = c.Type(bool, default=False)
    """Fail the build when any input file cannot be read (instead of listing it on the portal)."""
    search = c.Type(bool, default=True)
    """Run Pagefind on the built site (off only for quick builds; the search page then finds nothing)."""
    cache_dir = c.Type(str, default=".gknb-cache")
    """Parsed records keyed by file content and parser version: a folder relative to mkdocs.yml, or an
    fsspec URL (s3://bucket/gknb-cache) a Dask cluster's workers share; "" turns it off (`gknb build
    --no-cache` clears it for one build)."""
    jobs = c.Type(int, default=0)
    """Worker processes for parsing (from 48 inputs on) and report pages (from 200 reports on); 0: all cores."""
    scheduler = c.Type(str, default="")
    """A Dask scheduler (tcp://HOST:8786) whose workers parse the files, sharing the content folder and
    the cache directory by path ("": parse here; `gknb build --scheduler` sets it for one build)."""
    national_search = c.Type(bool, default=False)
    """A split build's top-level search searches every shard at once by default (each merged shard
    costs its downloads on every query); off: one province at a time unless the reader picks 全部."""
    links_within = c.Type(str, default="")
    """Symbolic links in the content folder are followed to files under this folder only ("": the content
    folder itself); a split build's shard content is links into the project's content folder."""


def corpus_options(config: MkDocsConfig, plugin: GknbConfig) -> Options:
    base = Path(config.config_file_path or ".").parent
    cache = pipeline.cache_location(plugin.cache_dir) if plugin.cache_dir else None
    return Options(cache_dir=(base / cache).resolve() if isinstance(cache, Path) else cache,
                   jobs=plugin.jobs or None, progress=sys.stderr.isatty(),
                   links_within=(base / plugin.links_within).resolve() if plugin.links_within else None,
                   scheduler=plugin.scheduler or None)


def content_path(config: MkDocsConfig, content_dir: str) -> Path:
    return (Path(config.config_file_path or ".").parent / content_dir).resolve()


def add_site_files(site: SiteFiles, files: Files, config: MkDocsConfig) -> dict[str, list[str]]:
    """Generated pages stay out of the nav: it shows sections, not thousands of reports. Their HTML
    blocks go round Markdown (render.lift_html_blocks); returned per page for `on_page_content`."""
    lifted: dict[str, list[str]] = {}
    for path, text in site.pages.items():
        markdown, lifted[path] = lift_html_blocks(text)
        files.append(File.generated(config, path, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV))
    for path, data in site.data.items():
        files.append(File.generated(config, path, content=data))
    for path, source in site.sources.items():
        files.append(File.generated(config, path, abs_src_path=str(source)))
    return lifted


class GknbPlugin(BasePlugin[GknbConfig]):  # type: ignore[no-untyped-call]
    def __init__(self) -> None:
        super().__init__()
        self.lifted: dict[str, list[str]] = {}
        self.searchable: set[str] = set()
        self.searchable_built: list[str] = []  # the report pages' built files, relative to site_dir
        self.feed: PagefindFeed | None = None
        self.serving = False             # under `mkdocs serve`: keep what live updates need
        self.live: LiveSite | None = None
        self.generated: list[str] = []   # the generated pages of this build
        self.nav: Navigation | None = None
        self.built: tuple[Files, Environment] | None = None
        self.rendering: parallel.ForkedRendering | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # Defining on_startup also keeps this instance across the rebuilds of `mkdocs serve`.
        self.serving = command == "serve"

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        drop_unserved_theme_files(files, config)
        write_palette_into_script(files, config)
        content = content_path(config, self.config.content_dir)
        if not content.is_dir():
            raise PluginError(f"gknb: content folder not found: {content}")
        options = corpus_options(config, self.config)
        prints = fingerprints(content, options.links_within) if self.serving else {}
        try:
            corpus = build_corpus(content, options)
        except ClusterError as error:
            raise PluginError(f"gknb: {error}") from error
        for rejection in corpus.rejected:
            # A warning each: `mkdocs build --strict` then fails on rejections, the default build does not.
            log.warning("gknb: %s 未能读取：%s", rejection.path, rejection.reason)
        if self.config.strict and corpus.rejected:
            reasons = "; ".join(f"{r.path}: {r.reason}" for r in corpus.rejected)
            raise PluginError(f"gknb (strict): {len(corpus.rejected)} input file(s) rejected: {reasons}")
        log.info("gknb: %d inputs, %d reports, %d rejected, %d ignored", corpus.inputs, len(corpus.records),
                 len(corpus.rejected), len(corpus.ignored))
        config.extra["gknb_data_date"] = data_date(corpus.records)
        scope = PageScope() if self.serving else None
        site = generate(corpus, content, jobs=self.config.jobs or None, site_url=config.site_url or "", scope=scope)
        self.live = LiveSite(config, content, options, corpus, prints, site, scope) if scope is not None else None
        self.lifted, self.searchable = add_site_files(site, files, config), set(site.searchable)
        self.generated = list(site.pages)
        built = (files.get_file_from_path(src) for src in self.searchable)
        self.searchable_built = sorted(file.dest_path for file in built if file is not None)
        self.close_feed()
        if self.config.search and self.searchable:
            try:
                self.feed = PagefindFeed()
            except (SearchIndexError, OSError) as error:
                log.warning("gknb: pagefind --service unavailable (%s); the built pages are indexed instead", error)
        return files

    def on_nav(self, nav: Navigation, /, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        if self.live is not None:
            self.live.nav = nav
        return nav

    def on_env(self, env: Environment, /, *, config: MkDocsConfig, files: Files) -> Environment:
        # A page's address as a reader reads it (the printed address line): MkDocs' page.url is
        # percent-encoded, which prints a Chinese name as %E5%BA%9C…. A global, not a filter: main.html
        # asks `is defined`, so builds that render it without this plugin (the shards' top level,
        # Zensical) print the encoded address; a filter unknown to them fails their template.
        env.globals["gknb_unquote"] = unquote
        self.built = (files, env)
        if self.live is not None:
            self.live.files, self.live.env = files, env
        elif not self.serving:  # half the generated pages rendered on a second core (publish/parallel.py)
            self.rendering = parallel.start(self.generated, config, files, self.nav, env,
                                            self.config.jobs or os.cpu_count() or 1)
        return env

    def on_page_content(self, html: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        lifted = self.lifted.pop(page.file.src_uri, None)
        if not lifted:
            return html
        restored, count = restore_html_blocks(html, lifted)
        if count != len(lifted):
            raise PluginError(f"gknb: {page.file.src_uri}: {len(lifted)} HTML blocks set aside, {count} put back")
        src = page.file.src_uri
        searchable = self.live.site.searchable if self.live is not None else self.searchable
        if src not in searchable or (self.feed is None and self.live is None):
            return restored
        content = restore_html_blocks(html, searchable_blocks(lifted))[0]
        if self.live is not None:
            self.live.search_html[src] = content
        if self.feed is not None:
            try:
                self.feed.add_page("/" + page.url, content)
            except SearchIndexError as error:
                log.warning("gknb: %s; the built pages are indexed instead", error)
                self.close_feed()
        return restored

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        return slim_page(output)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        rendering, self.rendering = self.rendering, None
        if rendering is not None and self.built is not None and self.nav is not None:
            files, env = self.built
            if not rendering.wait(config, files, self.nav, env):
                raise PluginError("gknb: rendering pages on the second core failed (its traceback is above)")
        rezip_sitemap(Path(config.site_dir))
        if self.live is not None:
            self.live.ready()
        if not self.config.search:
            return
        feed, self.feed = self.feed, None
        if feed is not None and feed.pages == len(self.searchable):
            try:
                feed.write(Path(config.site_dir) / "pagefind")
                return
            except SearchIndexError as error:
                log.warning("gknb: %s; the built pages are indexed instead", error)
        elif feed is not None:
            feed.close()
        # A dirty rebuild (`mkdocs serve --dirty`) renders only some pages, an empty portal none, and
        # the service may have failed: index the built site from disk.
        run_pagefind(Path(config.site_dir), self.searchable_built)

    def on_build_error(self, *, error: Exception) -> None:
        self.close_feed()
        rendering, self.rendering = self.rendering, None
        if rendering is not None:
            rendering.stop()

    def close_feed(self) -> None:
        if self.feed is not None:
            self.feed.close()
            self.feed = None

    def on_serve(self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Any) -> LiveReloadServer:
        # A changed report is a live update (publish/live.py); any other change MkDocs' full rebuild.
        content = str(content_path(config, self.config.content_dir))
        server.watch(content)
        # The same watcher tells which content files changed: an update need not list the folder.
        watcher = ContentWatcher()
        observer = getattr(server, "observer", None)
        if observer is not None:
            observer.schedule(watcher, content, recursive=True)
        server.builder = LiveBuilder(lambda: self.live, builder, lambda: self.lifted, self.index_again,
                                     watcher if observer is not None else None)
        return server

    def index_again(self, site_dir: Path, pages: list[tuple[str, str]]) -> None:
        """A live update's search index: every report page fed to Pagefind again, as on_page_content does."""
        if not self.config.search:
            return
        feed = PagefindFeed()
        try:
            for url, content in pages:
                feed.add_page(url, content)
        except SearchIndexError:
            feed.close()
            raise
        feed.write(site_dir / "pagefind")
