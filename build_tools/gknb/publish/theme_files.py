"""Files of the theme the portal does not serve.

MkDocs copies every static file of Material into the site. Two kinds are never asked for by our pages:
Material's own search (its worker and the lunr language packs, 1.2 MB: Pagefind searches here, and
mkdocs.yml leaves Material's search plugin out), and the source maps of its minified scripts and styles
(1.3 MB: a browser fetches them only while its developer tools are open, to debug Material itself).
At 1,000 reports that was 2.2 KB per report.

One is served with the site's settings written into it: the light/dark toggle's script
(assets/gknb-palette.js) holds the palette of mkdocs.yml, which each page's header carried before.
"""

from __future__ import annotations

import fnmatch
import json
import os
from pathlib import Path
from typing import Any

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


PALETTE_SCRIPT = "assets/gknb-palette.js"
PALETTE_SLOT = 'var gknbPalette = "";'   # the line of the script the build fills in


def palette_options(palette: list[dict[str, Any]]) -> str:
    """The toggle's options as the script reads them: media|scheme|primary|accent|name, parted by ";"."""
    return ";".join("|".join([option["media"], option["scheme"], option["primary"], option["accent"],
                              option["toggle"]["name"]]) for option in palette)


def palette_script(script: str, palette: object) -> str:
    """The script holding the palette: a list of schemes to toggle between; a single scheme (a
    mapping) or none has no toggle, and the script, left as it is, draws none."""
    if not isinstance(palette, list):
        return script
    if PALETTE_SLOT not in script:
        raise ValueError(f"{PALETTE_SCRIPT} has no line {PALETTE_SLOT!r} for the palette")
    return script.replace(PALETTE_SLOT, f"var gknbPalette = {json.dumps(palette_options(palette), ensure_ascii=False)};", 1)


def write_palette_into_script(files: Files, config: MkDocsConfig) -> None:
    """The theme's gknb-palette.js replaced by a copy holding the palette (palette_script)."""
    file = files.get_file_from_path(PALETTE_SCRIPT)
    if file is None or file.abs_src_path is None:
        return
    script = Path(file.abs_src_path).read_text(encoding="utf-8")
    files.remove(file)
    files.append(File.generated(config, PALETTE_SCRIPT, content=palette_script(script, config.theme.get("palette"))))
