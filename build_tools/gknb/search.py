"""Full-text search: Pagefind's extended build indexes the built site (Chinese word segmentation).

Material's own search would ship one index of the whole site to every browser (about 70 MB for
1,000 Chinese reports); Pagefind splits its index into fragments fetched per query, all from
the site itself (`site/pagefind/`), so nothing is requested from another host.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

LANGUAGE = "zh"   # the portal is Chinese: index everything with the Chinese segmenter


class SearchIndexError(RuntimeError):
    pass


def pagefind_executable() -> Path:
    """The extended binary shipped by PyPI `pagefind[extended]` (the plain one cannot segment Chinese)."""
    try:
        from pagefind_bin_extended import get_executable  # type: ignore[import-untyped]
    except ImportError as error:
        raise SearchIndexError("pagefind[extended] is not installed: pip install 'pagefind[extended]'") from error
    return Path(get_executable())


def pagefind_command(site_dir: Path) -> list[str]:
    return [str(pagefind_executable()), "--site", str(site_dir), "--force-language", LANGUAGE, "--quiet"]


def run_pagefind(site_dir: Path) -> None:
    """Write `site_dir/pagefind/`: only pages marked `data-pagefind-body` (the reports) are indexed."""
    result = subprocess.run(pagefind_command(site_dir), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SearchIndexError(f"pagefind failed ({result.returncode}): {result.stderr or result.stdout}")
