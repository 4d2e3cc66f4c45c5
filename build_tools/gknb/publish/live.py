"""Live rebuilds under `mkdocs serve`: a changed, added or removed report shows in seconds.

`mkdocs serve` rebuilds the whole site on any change (it empties the site folder first), which at
5,000 reports takes minutes. The plugin keeps what the last build left (`LiveSite`) and puts its
own rebuild in front of MkDocs' (`LiveBuilder`): when only files of the content folder changed,
it reads those again (corpus/update.py), makes again only the pages and files that show one of
their reports (portal/scope.py), renders those pages through MkDocs' own per-page steps with the
navigation, files and theme of the last build, writes the data files that changed, removes what
is gone, and indexes the report pages for search again. Any other change (a page of docs/,
mkdocs.yml, the theme overrides) is MkDocs' full rebuild, as before.

An update has two stages (pages.generate_staged): the changed reports' own pages, the listings
they appear in and their addresses are made and written before the builder returns (MkDocs then
reloads the browser); the home page, statistics, findings, the open data, workbooks, feeds, index
files and source copies are made in a background thread, then the search index. The next
change waits for both.

The per-page steps are MkDocs' `_populate_page` and `_build_page` (mkdocs 1.6): private, so the
version is pinned in pyproject.toml and tests/test_live.py compares a live-updated site with a
full build of the same content, page by page.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from mkdocs.commands.build import _build_page, _build_theme_template, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from watchdog.events import EVENT_TYPE_CLOSED_NO_WRITE, EVENT_TYPE_MODIFIED, EVENT_TYPE_OPENED, FileSystemEvent, \
    FileSystemEventHandler

from gknb.corpus.pipeline import Corpus, Options
from gknb.corpus.update import Fingerprint, update_corpus
from gknb.portal.pages import SiteFiles, generate_staged, whole
from gknb.portal.render import lift_html_blocks
from gknb.portal.scope import PageScope
from gknb.publish.build import rezip_sitemap

log = logging.getLogger("mkdocs.plugins.gknb")


def tree_prints(paths: list[Path]) -> dict[str, tuple[int, int]]:
    """Size and modification time of every file under these files and folders (what is not a report)."""
    files = [str(root) for root in paths if root.is_file()]
    files += [os.path.join(folder, name) for root in paths if root.is_dir()
              for folder, _dirs, names in os.walk(root) for name in names]
    prints = {}
    for path in files:
        try:
            info = os.stat(path)
        except OSError:
            continue
        prints[path] = (info.st_size, info.st_mtime_ns)
    return prints


@dataclass
class LiveSite:
    """What the last build left, kept by the plugin between the rebuilds of `mkdocs serve`."""
    config: MkDocsConfig
    content_dir: Path
    options: Options
    corpus: Corpus
    prints: dict[str, Fingerprint]
    site: SiteFiles
    scope: PageScope
    files: Files | None = None
    nav: Navigation | None = None
    env: jinja2.Environment | None = None
    others: dict[str, tuple[int, int]] = field(default_factory=dict)  # docs, mkdocs.yml, theme overrides
    # A report page's content as the search index is given it (plugin.on_page_content), by page:
    # the index is made again from these, as the full build makes it.
    search_html: dict[str, str] = field(default_factory=dict)

    def watched_others(self) -> list[Path]:
        config = self.config
        paths = [Path(config.docs_dir)]
        if config.config_file_path:
            paths.append(Path(config.config_file_path))
        custom = config.theme.custom_dir
        if custom:
            paths.append(Path(custom))
        return paths

    def ready(self) -> None:
        """The build has finished: what the docs and theme are now, to tell their changes apart. The
        site kept in memory leaves the collector's view (gc.freeze): at 5,000 reports a full collection
        over it took seconds of an update, for objects that live as long as the server."""
        self.others = tree_prints(self.watched_others())
        gc.collect()
        gc.freeze()


class ContentWatcher(FileSystemEventHandler):
    """The files of the content folder that changed, as `mkdocs serve`'s watcher (watchdog, on the
    folder the plugin asks it to watch) reports them: an update then looks at those files only, not
    at a listing of the whole folder (corpus/update.py). A folder made, moved or removed is a change
    it cannot tell file by file: the update then lists the folder, as it does without a watcher."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.paths: set[Path] = set()
        self.unknown = False

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in (EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE):
            return
        with self.lock:
            if event.is_directory:  # a folder "modified" is a file in it made or removed: that file's own event says which
                self.unknown = self.unknown or event.event_type != EVENT_TYPE_MODIFIED
                return
            for path in (event.src_path, event.dest_path):
                if path:
                    self.paths.add(Path(os.path.abspath(os.fsdecode(path))))

    def take(self) -> set[Path] | None:
        """The files changed since the last call, None when not known file by file."""
        with self.lock:
            paths, unknown = self.paths, self.unknown
            self.paths, self.unknown = set(), False
        return None if unknown else paths


@dataclass
class Outcome:
    pages: int = 0       # pages rendered again
    removed: int = 0     # pages and files removed
    files: int = 0       # data files and sources written
    touched: int = 0     # input files read again
    seconds: float = 0.0      # until the first stage is written: the changed reports' pages and listings
    all_seconds: float = 0.0  # until the second is (all but the search index)


@dataclass
class Differences:
    pages: dict[str, str]
    removed_pages: set[str]
    data: dict[str, bytes]
    removed_data: set[str]
    sources: dict[str, Path]
    removed_sources: set[str]


def merged(before: SiteFiles, made: SiteFiles, kept: set[str]) -> SiteFiles:
    """The site now: what this run made, and what it kept from the run before."""
    return SiteFiles(pages={**{p: before.pages[p] for p in kept if p in before.pages}, **made.pages},
                     data={**{p: before.data[p] for p in kept if p in before.data}, **made.data},
                     sources=made.sources, searchable=made.searchable)


def differences(before: SiteFiles, now: SiteFiles, touched_sources: set[str]) -> Differences:
    return Differences(
        pages={p: t for p, t in now.pages.items() if before.pages.get(p) != t},
        removed_pages=before.pages.keys() - now.pages.keys(),
        data={p: b for p, b in now.data.items() if before.data.get(p) != b},
        removed_data=before.data.keys() - now.data.keys(),
        sources={p: s for p, s in now.sources.items() if p not in before.sources or p in touched_sources},
        removed_sources=before.sources.keys() - now.sources.keys())


def collect() -> None:
    """The collector back on after an update, and what the update kept out of its view (see ready)."""
    gc.enable()
    gc.collect()
    gc.freeze()


def remove_output(site_dir: Path, relative: str) -> None:
    """A built file gone, and the folders it leaves empty."""
    path = site_dir / relative
    path.unlink(missing_ok=True)
    folder = path.parent
    while folder != site_dir and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


class LiveBuilder:
    """`mkdocs serve`'s builder, with the plugin's own update in front of it."""

    def __init__(self, live: Callable[[], LiveSite | None], full: Callable[[], None],
                 lifted: Callable[[], dict[str, list[str]]], index: Callable[[Path, list[tuple[str, str]]], None],
                 watcher: ContentWatcher | None = None) -> None:
        """`live`: the plugin's LiveSite; `full`: MkDocs' builder; `lifted`: the plugin's HTML blocks
        set aside per page, which its on_page_content puts back; `index`: the search index written
        into the site folder from (URL, content) of every report page, in the full build's order;
        `watcher`: the changed content files, when `mkdocs serve`'s watcher reports them to it."""
        self.live, self.full, self.lifted, self.index = live, full, lifted, index
        self.watcher = watcher
        self.search: threading.Thread | None = None
        self.search_lock = threading.Lock()
        self.rest: threading.Thread | None = None  # the last update's second stage
        self.broken = False                         # a second stage failed: the next change is a full build
        self.changed: set[Path] | None = None       # the content files the watcher saw change, this update
        self.last: Outcome | None = None

    def __call__(self) -> None:
        self.wait_written()  # the last update's second stage first: one update at a time
        site = self.live()
        self.changed = self.watcher.take() if self.watcher is not None else None
        if site is None or site.files is None or self.broken or tree_prints(site.watched_others()) != site.others:
            self.broken = False
            self.full()
            return
        self.last = self.update(site)
        log.info("gknb: live update: %d input file(s) read again, %d page(s) rendered, %d file(s) written "
                 "in %.2f s (the report's pages and listings; the rest follows)", self.last.touched, self.last.pages,
                 self.last.files, self.last.seconds)

    def wait_written(self) -> None:
        """Until the last update has written everything but its search index."""
        if self.rest is not None:
            self.rest.join()

    def wait(self) -> None:
        """Until the last update has written everything, its search index too."""
        self.wait_written()
        if self.search is not None:
            self.search.join()

    def update(self, live: LiveSite) -> Outcome:
        """The first stage here (the changed reports' pages and listings: what the browser reloads
        when this returns), the second in the background (made while the page is on screen)."""
        started = time.perf_counter()
        gc.disable()  # an update makes few objects that die young; a collection mid-way costs more
        try:
            outcome, finish = self.updated(live, started)
        except BaseException:
            self.broken = True  # the site is part updated: the next change rebuilds it in full
            collect()
            raise
        if finish is None:
            collect()
            return outcome

        def run() -> None:
            try:
                finish()
            except Exception:  # noqa: BLE001 — the thread has no caller: say it, and rebuild in full next time
                log.exception("gknb: live update: the second stage failed; the next change rebuilds the site")
                self.broken = True
            finally:
                collect()
                outcome.all_seconds = time.perf_counter() - started
                log.info("gknb: live update: %d page(s) rendered, %d file(s) written, %d removed in %.2f s in all",
                         outcome.pages, outcome.files, outcome.removed, outcome.all_seconds)

        self.rest = threading.Thread(target=run, name="gknb-live-rest", daemon=True)
        self.rest.start()
        return outcome

    def updated(self, live: LiveSite, started: float) -> tuple[Outcome, Callable[[], None] | None]:
        update = update_corpus(live.corpus, live.prints, live.content_dir, live.options, self.changed)
        outcome = Outcome(touched=len(update.touched))
        if not update.touched:
            return outcome, None
        shown, rest = generate_staged(update.corpus, live.content_dir, jobs=1, site_url=live.config.site_url or "",
                                      scope=live.scope, touched=update.touched)
        first = shown()
        before = live.site
        made = first.files()
        # The site with the first stage in it: nothing is removed, and no source copied, before the second.
        middle = SiteFiles(pages={**before.pages, **made.pages}, data={**before.data, **made.data},
                           sources=before.sources, searchable=made.searchable)
        changes = Differences(pages={p: t for p, t in made.pages.items() if before.pages.get(p) != t},
                              removed_pages=set(), data={p: b for p, b in made.data.items() if before.data.get(p) != b},
                              removed_data=set(), sources={}, removed_sources=set())
        site_dir = Path(live.config.site_dir)
        live.site = middle  # the plugin's on_page_content sees the report pages now
        outcome.pages = self.render(live, changes)
        outcome.files = self.write(site_dir, changes)
        outcome.seconds = time.perf_counter() - started
        shown_changed = bool(changes.pages)

        def finish() -> None:
            now = merged(before, whole(first, rest()), live.scope.kept)
            touched_files = {update.corpus.origins.get(t, live.content_dir / t) for t in update.touched}
            touched_sources = {p for p, source in now.sources.items() if source in touched_files}
            later = differences(middle, now, touched_sources)
            live.site = now
            outcome.pages += self.render(live, later)
            outcome.files += self.write(site_dir, later)
            for relative in [*later.removed_data, *later.removed_sources]:
                remove_output(site_dir, relative)
            outcome.removed = len(later.removed_pages) + len(later.removed_data) + len(later.removed_sources)
            for path in (p for p in list(live.scope.shows) if p not in now.pages and p not in now.data):
                del live.scope.shows[path]
            for src in before.searchable - now.searchable:
                live.search_html.pop(src, None)
            live.corpus, live.prints = update.corpus, update.fingerprints
            if shown_changed or later.pages or later.removed_pages:
                # in the order of generate's entries, as the full build feeds them to the index
                self.reindex(site_dir, live, [f"reports/{report}.md" for report in live.scope.ids.values()])
        return outcome, finish

    def render(self, live: LiveSite, changes: Differences) -> int:
        """The changed pages through MkDocs' per-page steps, with the last build's nav, files and theme."""
        config, files, nav, env = live.config, live.files, live.nav, live.env
        assert files is not None and nav is not None and env is not None
        added = False
        for src in changes.removed_pages:
            gone = files.get_file_from_path(src)
            if gone is not None:
                files.remove(gone)
                remove_output(Path(config.site_dir), gone.dest_uri)
                added = True
        pages = []
        for src, text in sorted(changes.pages.items()):
            markdown, self.lifted()[src] = lift_html_blocks(text)
            file = files.get_file_from_path(src)
            if file is None:
                file = File.generated(config, src, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV)
                files.append(file)
                added = True
            else:
                file.content_string = markdown
            page = file.page if file.page is not None else Page(None, file, config)
            _populate_page(page, config, files)
            pages.append(page)
        documents = files.documentation_pages(inclusion=InclusionLevel.is_in_serve)
        for page in pages:
            _build_page(page, config, documents, nav, env)
        if added:
            _build_theme_template("sitemap.xml", env, files, config, nav)
            rezip_sitemap(Path(config.site_dir))
        return len(pages)

    @staticmethod
    def write(site_dir: Path, changes: Differences) -> int:
        for relative, data in changes.data.items():
            target = site_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        for relative, source in changes.sources.items():
            target = site_dir / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        return len(changes.data) + len(changes.sources)

    def reindex(self, site_dir: Path, live: LiveSite, order: list[str]) -> None:
        """The search index of the report pages (`order`: as the full build adds them) made again in the
        background, from their kept content: the changed page is on screen before its search entry is."""
        assert live.files is not None
        files = live.files
        pages = [("/" + file.url, live.search_html[src]) for src in order
                 if (file := files.get_file_from_path(src)) is not None and src in live.search_html]
        previous = self.search

        def run() -> None:
            if previous is not None:
                previous.join()  # one index at a time, the newest last
            with self.search_lock:
                started = time.perf_counter()
                try:
                    self.index(site_dir, pages)
                except Exception as error:  # noqa: BLE001 — the pages are up; search waits for the next change
                    log.warning("gknb: live update: the search index was not made again: %s", error)
                    return
                log.info("gknb: live update: search index made again (%d pages) in %.2f s", len(pages),
                         time.perf_counter() - started)

        self.search = threading.Thread(target=run, name="gknb-search", daemon=True)
        self.search.start()
