from __future__ import annotations

from pathlib import Path

import os

import pytest
from hypothesis import settings

# In CI the property tests run a fixed set of examples (a red CI must mean a real regression);
# locally they explore new random examples on every run.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


def site_project(folder: Path, content: Path) -> Path:
    """A copy of the project's site configuration (mkdocs.yml, docs/, overrides/) building `content`."""
    import shutil

    for name in ("mkdocs.yml", "docs", "overrides"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy(source, folder / name)
    shutil.copytree(content, folder / "content")
    return folder
