"""The golden site: the pages and data files `gknb pages` writes for the seeds in content/, kept in
tests/golden/seeds/ and diffed here (pelican's tests/output/). After a deliberate change to what
pages say, regenerate them with `make golden` and review the diff in git."""

from __future__ import annotations

import difflib
from pathlib import Path

from gknb.portal.pages import write_pages

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "seeds"


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_generated_pages_match_the_golden_site(tmp_path: Path) -> None:
    write_pages(ROOT / "content", tmp_path)
    golden, made = files_of(GOLDEN), files_of(tmp_path)
    assert sorted(made) == sorted(golden), "pages added or missing: run `make golden` if that is intended"
    for name, expected in golden.items():
        if made[name] != expected:
            diff = difflib.unified_diff(expected.decode("utf-8", "replace").splitlines(),
                                        made[name].decode("utf-8", "replace").splitlines(),
                                        f"golden/{name}", f"generated/{name}", lineterm="", n=1)
            raise AssertionError("\n".join(list(diff)[:60]) + "\n(run `make golden` if the change is intended)")
