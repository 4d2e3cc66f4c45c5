"""Files of the theme the portal does not serve.

MkDocs copies every static file of Material into the site. Two kinds are never asked for by our pages:
Material's own search (its worker and the lunr language packs, 1.2 MB: Pagefind searches here, and
mkdocs.yml leaves Material's search plugin out), and the source maps of its minified scripts and styles
(1.3 MB: a browser fetches them only while its developer tools are open, to debug Material itself).
At 1,000 reports that was 2.2 KB per report.
"""

from __future__ import annotations

import fnmatch
import os

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files

UNSERVED = (
    "assets/javascripts/lunr/*",     # Material's search: language packs and segmenters (wordcut.js, tinyseg.js)
    "assets/javascripts/workers/*",  # Material's search: the worker that runs lunr
    "*.map",                         # source maps of Material's minified bundle, worker and styles
)


def is_theme_file(file: File, config: MkDocsConfig) -> bool:
    """Copied from the theme's own folders (not a page or file of docs/, not one we generate)."""
    source = file.abs_src_path
    return source is not None and any(
        os.path.commonpath([os.path.abspath(source), os.path.abspath(folder)]) == os.path.abspath(folder)
        for folder in config.theme.dirs)


def unserved_theme_files(files: Files, config: MkDocsConfig) -> list[File]:
    return [file for file in files
            if any(fnmatch.fnmatch(file.src_uri, pattern) for pattern in UNSERVED) and is_theme_file(file, config)]


def drop_unserved_theme_files(files: Files, config: MkDocsConfig) -> None:
    for file in unserved_theme_files(files, config):
        files.remove(file)
