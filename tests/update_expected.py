"""Regenerate the expected records of the seed corpus: `.venv/bin/python tests/update_expected.py`.

Review the diff before committing: these files are the contract the parser is held to.
"""

from __future__ import annotations

import json
from pathlib import Path

from gknb.corpus.pipeline import read_report

ROOT = Path(__file__).resolve().parent.parent
CONTENT = ROOT / "content"
EXPECTED = ROOT / "tests" / "expected"


def expected_path(report: Path) -> Path:
    return EXPECTED / f"{report.stem}.json"


def seed_reports() -> list[Path]:
    """The seed corpus and the hand-written cases (inconsistent, flattened …)."""
    return sorted(CONTENT.glob("*.txt")) + sorted((ROOT / "tests" / "cases").glob("*.txt"))


def main() -> None:
    for report in seed_reports():
        record = read_report(report, display_path=report.relative_to(ROOT).as_posix())
        text = json.dumps(record.to_dict(), ensure_ascii=False, indent=1) + "\n"
        expected_path(report).write_text(text, encoding="utf-8")
        print(f"wrote {expected_path(report).relative_to(ROOT)}")


if __name__ == "__main__":
    main()
