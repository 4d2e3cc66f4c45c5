"""Checks across reports of the same body: consecutive years that pass and that fail, duplicates, same_as."""

from __future__ import annotations

import shutil
from pathlib import Path

from gknb.check.across_years import body_key
from gknb.corpus.pipeline import build_corpus
from gknb.model.record import Record

ROOT = Path(__file__).resolve().parent.parent
CHAIN = ROOT / "tests" / "cases" / "chain"


def corpus_of(tmp: Path, *names: str) -> dict[str, Record]:
    for name in names:
        shutil.copy(CHAIN / name, tmp / name)
    return {r.source["path"]: r for r in build_corpus(tmp).records}


def checks(record: Record, check: str) -> list[tuple[str, ...]]:
    return [f.cells for f in record.findings if f.check == check]


def test_consecutive_years_that_agree_pass(tmp_path: Path) -> None:
    records = corpus_of(tmp_path, "下冶镇人民政府-2021.txt", "下冶镇人民政府-2022.txt")
    later = records["下冶镇人民政府-2022.txt"]
    assert later.cell("active.normative_docs.in_force").value == 3
    assert not checks(later, "carry_chain") and not checks(later, "in_force_chain")


def test_carry_chain_and_in_force_chain_fail_and_name_the_earlier_report(tmp_path: Path) -> None:
    records = corpus_of(tmp_path, "下冶镇人民政府-2022.txt", "下冶镇人民政府-2023.txt")
    later = records["下冶镇人民政府-2023.txt"]
    assert checks(later, "carry_chain") == [("applications.carried_over.natural_person",),
                                            ("applications.carried_over.total",)]
    assert checks(later, "in_force_chain") == [("active.normative_docs.in_force", "active.normative_docs.issued",
                                                "active.normative_docs.repealed")]
    message = next(f.message for f in later.findings if f.check == "carry_chain")
    assert "下冶镇人民政府-2022.txt" in message
    assert not checks(records["下冶镇人民政府-2022.txt"], "carry_chain")  # the earlier report is not blamed


def test_a_gap_year_is_not_compared(tmp_path: Path) -> None:
    records = corpus_of(tmp_path, "下冶镇人民政府-2021.txt", "下冶镇人民政府-2023.txt")
    assert not checks(records["下冶镇人民政府-2023.txt"], "carry_chain")


def test_two_reports_for_the_same_body_and_year_are_both_kept(tmp_path: Path) -> None:
    shutil.copy(CHAIN / "下冶镇人民政府-2022.txt", tmp_path / "copy of 2022 报告.txt")
    records = corpus_of(tmp_path, "下冶镇人民政府-2022.txt")
    assert len(records) == 2
    assert all(len(checks(r, "duplicate")) == 1 for r in records.values())


def test_renamed_body_joined_by_same_as(tmp_path: Path) -> None:
    shutil.copy(CHAIN / "下冶镇人民政府-2023.txt", tmp_path / "renamed-2023.txt")
    text = (tmp_path / "renamed-2023.txt").read_text(encoding="utf-8").replace("下冶镇人民政府2023年", "新名镇人民政府2023年")
    (tmp_path / "renamed-2023.txt").write_text(text, encoding="utf-8")
    (tmp_path / "renamed-2023.txt.yml").write_text("same_as: xiaye\n", encoding="utf-8")
    (tmp_path / "下冶镇人民政府-2022.txt.yml").write_text("same_as: xiaye\n", encoding="utf-8")
    records = corpus_of(tmp_path, "下冶镇人民政府-2022.txt")
    assert body_key(records["renamed-2023.txt"]) == body_key(records["下冶镇人民政府-2022.txt"]) == "same_as:xiaye"
    assert checks(records["renamed-2023.txt"], "carry_chain")


def test_body_key_ignores_place_prefix_and_government_suffix(tmp_path: Path) -> None:
    records = corpus_of(tmp_path, "下冶镇人民政府-2021.txt")
    record = records["下冶镇人民政府-2021.txt"]
    assert body_key(record) == "419001110000|下冶镇"
