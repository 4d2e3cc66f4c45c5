"""Peak memory of the portal build over every hostile input of issue 15 at once, and what became of each.

    .venv/bin/python benchmarks/hostile_memory.py [--keep DIR]

Writes one content folder holding all the cases (tests/hostile_cases.py: GBK file names, a link to
/proc/self/mem, a 30 GB sparse file, 1,200 nested folders, DOCX and PDF compression bombs, an encrypted
PDF, billion-laughs and 10 MB sidecars, huge numbers, active HTML, FIFO, hidden files, orphan sidecars,
links out of the folder …), builds it with `gknb build` (cache on), flips a bit in every cache entry and
builds again, and prints each input's outcome and the peak RSS of each build, from
resource.getrusage(RUSAGE_CHILDREN) of the process that waited for it. Figures are printed, not asserted;
tests/test_hostile2_site.py asserts the outcome and the 1 GB bound.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from hostile_cases import build_outcomes, hostile_project, measured_build, remove_deep_tree  # noqa: E402


def flip_cache_bits(cache: Path, seed: int = 15) -> int:
    rng = random.Random(seed)
    entries = sorted(cache.glob("*.pickle"))
    for entry in entries:
        data = bytearray(entry.read_bytes())
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
        entry.write_bytes(bytes(data))
    return len(entries)


def print_outcomes(site: Path, expected: dict[str, list[str]]) -> bool:
    report = json.loads((site / "data" / "build-report.json").read_text(encoding="utf-8"))
    reasons = {entry["path"]: entry.get("reason", "") for kind in ("rejected", "ignored") for entry in report[kind]}
    outcomes = build_outcomes(site)
    for kind, paths in outcomes.items():
        for path in paths:
            shown = path if len(path) < 40 else path[:20] + "…" + path[-8:]
            print(f"  {kind:9} {shown:42} {reasons.get(path, '')[:70]}")
    total = sum(map(len, outcomes.values()))
    print(f"  inputs {report['inputs']} = published {len(outcomes['published'])} + rejected "
          f"{len(outcomes['rejected'])}; ignored (listed) {len(outcomes['ignored'])}; {total} entries in all")
    return outcomes == {kind: sorted(paths) for kind, paths in expected.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, default=None, help="build in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="gknb-hostile-"))
    folder.mkdir(parents=True, exist_ok=True)
    expected = hostile_project(folder)
    try:
        ok = True
        for label, site in (("first build", "site"), ("after a bit flip in every cache entry", "site-again")):
            if site == "site-again":
                print(f"flipped one bit in each of {flip_cache_bits(folder / '.gknb-cache')} cache entries")
            code, stderr, peak_kb = measured_build(folder, "--site-dir", site)
            if code != 0:
                print(stderr[-3000:], file=sys.stderr)
                return 1
            print(f"{label}: peak RSS {peak_kb / 1024:.0f} MB (limit 1,024 MB)")
            ok = print_outcomes(folder / site, expected) and ok
        print("every outcome as expected" if ok else "OUTCOMES DIFFER FROM tests/hostile_cases.py")
        return 0 if ok else 1
    finally:
        remove_deep_tree(folder / "content")
        (folder / "content" / "huge.pdf").unlink()
        print(f"built in {folder}" + ("" if args.keep else " (the 30 GB sparse file and the deep tree removed)"))


if __name__ == "__main__":
    sys.exit(main())
