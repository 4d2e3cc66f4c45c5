"""`mkdocs build` run in this process, with gknb's switches passed as plugin options.

Options travel through the loaded MkDocs config (mkdocs: typed plugin config), not through
environment variables: `no_cache` clears the plugin's `cache_dir` for this one build, `scheduler` sets its Dask scheduler.
"""

from __future__ import annotations

import gzip
import logging
import sys
from pathlib import Path

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, ConfigurationError

PLUGIN = "gknb"


class BuildFailed(Exception):
    """The site could not be built; the message says why."""


def show_build_log() -> None:
    """MkDocs' own messages on stderr as `mkdocs build` prints them (once per process)."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "gknb", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        handler.gknb = True  # type: ignore[attr-defined]  # marks our handler, so it is added once
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


def build_site(config_file: Path, *, site_dir: Path | None = None, strict: bool = False,
               no_cache: bool = False, scheduler: str | None = None) -> None:
    """Build the portal of `config_file`; raises BuildFailed (strict warnings, bad config, …)."""
    show_build_log()
    try:
        config = load_config(config_file=str(config_file), strict=strict,
                             site_dir=str(site_dir) if site_dir else None)
    except ConfigurationError as error:
        raise BuildFailed(f"{config_file}: {error}") from error
    plugin = config.plugins.get(PLUGIN)
    if no_cache and plugin is not None:
        plugin.config["cache_dir"] = ""
    if scheduler and plugin is not None:
        plugin.config["scheduler"] = scheduler
    config.plugins.on_startup(command="build", dirty=False)
    try:
        build(config)
    except Abort as error:
        raise BuildFailed(f"{config_file}: {error}") from error
    finally:
        config.plugins.on_shutdown()


def rezip_sitemap(site_dir: Path) -> None:
    """sitemap.xml.gz again, without the build date MkDocs writes into the gzip header (and the path it
    was written to): two builds of the same content on different days give the same bytes."""
    sitemap = site_dir / "sitemap.xml"
    if sitemap.is_file():
        (site_dir / "sitemap.xml.gz").write_bytes(gzip.compress(sitemap.read_bytes(), mtime=0))
