"""Generated pages rendered through the theme on a second core while MkDocs renders the rest.

MkDocs renders every page's template in one process; for the portal that is most of MkDocs' time
(tens of thousands of generated pages). Once every page is read and converted (MkDocs' `on_env`),
the plugin forks a child that renders a share of the generated pages with MkDocs' own per-page
step (`_build_page`, mkdocs 1.6: private, the version is pinned) and writes them, and takes those
pages out of MkDocs' own loop for this build (their inclusion set to EXCLUDED, as `exclude_docs`
would); at `on_post_build` it waits for the child, gives the pages back their inclusion and writes
the theme's own pages (sitemap, 404) again with them. The child renders exactly what MkDocs would have: two builds are
byte-identical whichever process wrote a page (tests/test_build.py). Not under `mkdocs serve`
(its live updates render pages themselves) and not on one core.
"""

from __future__ import annotations

import logging
import os
import sys
import traceback
from typing import Sequence

import jinja2
from mkdocs.commands.build import _build_page, _build_theme_template
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation

log = logging.getLogger("mkdocs.plugins.gknb")

# Below this many generated pages a fork costs more than the rendering it takes over.
PARALLEL_FROM = 400


class ForkedRendering:
    """A child process rendering `files` (documentation pages already read and converted)."""

    def __init__(self, files: Sequence[File], config: MkDocsConfig, all_files: Files, nav: Navigation,
                 env: jinja2.Environment) -> None:
        self.files = list(files)
        self.inclusions = [file.inclusion for file in self.files]
        documents = all_files.documentation_pages()
        sys.stdout.flush()
        sys.stderr.flush()
        self.pid = os.fork()
        if self.pid == 0:  # the child: render, write, and leave without running anything else of the build
            code = 0
            try:
                for file in self.files:
                    assert file.page is not None
                    _build_page(file.page, config, documents, nav, env)
            except BaseException:  # noqa: BLE001 — reported through the exit code, the traceback on stderr
                traceback.print_exc()
                code = 1
            finally:
                sys.stderr.flush()
                os._exit(code)
        for file in self.files:  # MkDocs' own loop leaves them to the child
            file.inclusion = InclusionLevel.EXCLUDED

    def stop(self) -> None:
        """The build failed elsewhere: the child is not waited for."""
        try:
            os.kill(self.pid, 9)
            os.waitpid(self.pid, 0)
        except OSError:
            pass

    def wait(self, config: MkDocsConfig, all_files: Files, nav: Navigation, env: jinja2.Environment) -> bool:
        """Whether the child rendered every page; the pages' inclusion given back, the theme's pages written again."""
        _pid, status = os.waitpid(self.pid, 0)
        for file, inclusion in zip(self.files, self.inclusions):
            file.inclusion = inclusion
        for template in config.theme.static_templates:  # the sitemap and 404 page list every page
            _build_theme_template(template, env, all_files, config, nav)
        return os.waitstatus_to_exitcode(status) == 0


def share(files: Sequence[File]) -> list[File]:
    """Every second page (the pages alternate between kinds and sizes, so both halves weigh alike)."""
    return list(files)[1::2]


def start(generated: Sequence[str], config: MkDocsConfig, files: Files, nav: Navigation | None,
          env: jinja2.Environment, jobs: int) -> ForkedRendering | None:
    """The child rendering half the generated pages, or None when it would not pay (or cannot fork)."""
    if nav is None or jobs < 2 or len(generated) < PARALLEL_FROM or not hasattr(os, "fork"):
        return None
    pages = [f for f in (files.get_file_from_path(src) for src in generated)
             if f is not None and f.page is not None and f.inclusion is not InclusionLevel.EXCLUDED]
    return ForkedRendering(share(pages), config, files, nav, env)
