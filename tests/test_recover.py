"""Splitting run-together digits: every reading enumerated, constraints applied, never a guess stated."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from gknb.corpus.pipeline import read_report
from gknb.model.record import CellState
from gknb.parse.digit_runs import (MAX_CELL_DIGITS, Reading, Relation, RowConstraint, RunRow, groups_sum_to_last, no_constraint,
                          piece_splits, readings, readings_with_one_group_free, settle, spelled_by_relation,
                          sums_to_last)

ROOT = Path(__file__).resolve().parent.parent


def test_piece_splits_forbid_leading_zeros() -> None:
    assert list(piece_splits("100", 2)) == [(10, 0)]
    assert sorted(piece_splits("1203", 3)) == [(1, 20, 3), (12, 0, 3)]
    assert list(piece_splits("0012", 3)) == [(0, 0, 12)]


def test_row_total_makes_the_issue_example_unique() -> None:
    found, truncated = readings(("801000081",), 7, sums_to_last)
    assert (found, truncated) == ([(80, 1, 0, 0, 0, 0, 81)], False)


def test_table_four_example_is_unique_under_group_totals() -> None:
    found, _ = readings(("110024001510102",), 15, groups_sum_to_last(5))
    assert found == [(1, 1, 0, 0, 2, 4, 0, 0, 1, 5, 1, 0, 1, 0, 2)]


def test_table_two_run_without_constraint_stays_ambiguous() -> None:
    found, _ = readings(("77132470",), 3, no_constraint)
    assert len(found) > 1 and (77, 13, 2470) in found


def test_balance_across_rows_settles_an_ambiguous_row() -> None:
    # new_received "12002" could be 1,2,0,0,... ; with one column the row constraint is trivial,
    # so the balance against fixed rows must decide.
    row = RunRow("new_received", ("111",))
    row.readings, _ = readings(row.pieces, 2, no_constraint)
    assert sorted(row.readings) == [(1, 11), (11, 1)]
    known = {"carried_over": [0.0, 0.0], "total_processed": [11.0, 1.0], "carried_forward": [0.0, 0.0]}
    relations = ((("new_received", "carried_over"), ("total_processed", "carried_forward")),)
    assert settle([row], known, relations, 2) == {"new_received": [(11, 1)]}


def test_flattened_case_recovers_tables_three_and_four() -> None:
    record = read_report(ROOT / "tests" / "cases" / "flattened-2022.txt")
    new = record.tables["applications"]["new_received"]
    assert [c.value for c in new.values()] == [80, 1, 0, 0, 0, 0, 81]
    assert {c.state for c in new.values()} == {CellState.RECOVERED}
    assert new["total"].raw == "801000081"
    assert [c.value for c in record.tables["review_litigation"]["litigation_direct"].values()] == [4, 0, 0, 1, 5]
    docs = record.tables["active"]["normative_docs"]
    assert {(c.state, c.value) for c in docs.values()} == {(CellState.AMBIGUOUS, None)}
    assert record.cell("active.licensing.decisions").state is CellState.OK
    ambiguous = [f for f in record.findings if f.check == "digit_runs" and "无法确定" in f.message]
    assert len(ambiguous) == 1 and "3、2、15" in ambiguous[0].message


def test_a_run_no_reading_fits_is_garbled(tmp_path: Path) -> None:
    text = (ROOT / "tests" / "cases" / "flattened-2022.txt").read_text(encoding="utf-8")
    broken = text.replace("继续办理100000010", "继续办理1999")
    path = tmp_path / "broken.txt"
    path.write_text(broken, encoding="utf-8")
    record = read_report(path)
    cell = record.cell("applications.carried_forward.total")
    assert (cell.state, cell.value, cell.raw) == (CellState.GARBLED, None, "1999")


TABLE_THREE_HEAD = """某县人民政府2024年政府信息公开工作年度报告
信息内容 本年收费金额（单位：万元）
三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）
申请人情况
自然人 法人或其他组织 总计
商业企业 科研机构 社会公益组织 法律服务机构 其他
一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119
二、上年结转政府信息公开申请数量 34 0 0 0 0 0 34
（一）予以公开 1288 21 0 0 50 3 1362
"""


@pytest.mark.parametrize(("wrapped", "partial"), [
    # As a PDF's text layer gives it (淮安 2024): the label wraps, its values after the tail.
    ("（二）部分公开（区分处理的，只计这一情\n形，不计其他情形） 447 7 0 0 0 0 454\n",
     [(447, CellState.OK), (7, CellState.OK), (0, CellState.OK), (454, CellState.OK)]),
    # Numbers that are not one per column are not the row's: nothing read, nothing invented.
    ("（二）部分公开（区分处理的，只计这一情\n形，不计其他情形） 2023年 共 447 件\n",
     [(None, CellState.BLANK)] * 4),
])
def test_a_row_label_wrapped_onto_the_line_of_its_values(tmp_path: Path, wrapped: str,
                                                         partial: list[tuple[int | None, CellState]]) -> None:
    path = tmp_path / "wrapped.txt"
    path.write_text(TABLE_THREE_HEAD + wrapped + "（三）不予公开 1.属于国家秘密 2 0 0 0 0 0 2\n", encoding="utf-8")
    record = read_report(path)
    cells = [record.cell(f"applications.partial.{column}") for column in ("natural_person", "commercial", "research", "total")]
    assert [(c.value, c.state) for c in cells] == partial
    assert record.cell("applications.denied.state_secret.total").value == 2


def test_a_lone_number_after_a_short_rows_label_is_not_taken_as_its_value(tmp_path: Path) -> None:
    """表二's 行政许可 row has one column: a number on the next text line may be a note's."""
    path = tmp_path / "note.txt"
    path.write_text(TABLE_THREE_HEAD.replace("信息内容 本年收费金额（单位：万元）\n",
                                             "信息内容 本年收费金额（单位：万元）\n行政事业性收费\n另有说明事项 5\n"),
                    encoding="utf-8")
    record = read_report(path)
    assert not record.cell("active.fees.amount_wan_yuan").is_number


SUM_OF_PARTS: tuple[Relation, ...] = ((("a", "b"), ("total",)),)
KNOWN_PARTS = {"a": [19.0, 0.0, 19.0], "b": [0.0, 1.0, 0.0]}  # column sums 19, 1, 19 (row adds to 20)


@pytest.mark.parametrize(("pieces", "known", "expected"), [
    (("19119",), KNOWN_PARTS, (19, 1, 19)),                 # the digits are exactly the column sums
    (("19", "119"), KNOWN_PARTS, (19, 1, 19)),              # a piece break on a cell boundary
    (("1", "9119"), KNOWN_PARTS, None),                     # a piece break inside 19: not these cells
    (("19129",), KNOWN_PARTS, None),                        # other digits: the relation does not spell them
    (("19119",), {"a": [19.0, None, 19.0], "b": [0.0, 1.0, 0.0]}, None),  # a part unread: nothing to spell
    (("19119",), {"a": [19.0, 0.0, 19.0]}, None),           # a part missing
])
def test_a_relation_spells_a_run_no_cut_fits(pieces: tuple[str, ...], known: dict[str, list[float | None]],
                                             expected: Reading | None) -> None:
    row = RunRow("total", pieces)
    assert spelled_by_relation(row, known, SUM_OF_PARTS, 3) == expected


def test_a_real_row_total_no_cut_fits_is_spelled_by_the_outcome_sums() -> None:
    # pt7 自然资源与生态环境局 2023: （七）总计 `191000019` adds up in no cut; the outcome rows give
    # 19, 1, 0, 0, 0, 0, 19, which is what it spells, and the report's own errors are then named.
    record = read_report(ROOT / "tests" / "real" / "pt7_ziranziyuanju_2023_page.txt")
    cells = [record.cell(f"applications.total_processed.{c}") for c in
             ("natural_person", "commercial", "research", "public_welfare", "legal_service", "other_org", "total")]
    assert [(c.state, c.value) for c in cells] == [(CellState.RECOVERED, v) for v in (19, 1, 0, 0, 0, 0, 19)]
    assert {"row_total", "balance"} <= {f.check for f in record.findings}


def test_one_group_left_free_when_it_alone_spoils_every_cut() -> None:
    # 平潭 社会事业局 2024 table 四: no cut of the 17 digits makes all three groups add up; left free,
    # 复议后起诉 is the only group that lets the other two add up, and they agree in every reading.
    group, found = readings_with_one_group_free(("00202000001324015",), 15, 5) or (None, [])
    assert group == 2 and {r[:10] for r in found} == {(0, 0, 2, 0, 2, 0, 0, 0, 0, 0)}
    assert len(found) == 11 and all(sum(r[10:14]) != r[14] for r in found)


def test_no_group_left_free_when_two_could_be_at_fault() -> None:
    # No cut makes all three groups add up, but leaving 直接起诉 free fits a cut, and so does leaving
    # 复议后起诉 free: nothing says which group's cells to trust.
    assert [g for g in range(3) if readings(("01001020101200012",), 15, groups_sum_to_last(5, g))[0]] == [1, 2]
    assert readings_with_one_group_free(("01001020101200012",), 15, 5) is None


def test_a_capped_joint_search_never_narrows_a_row() -> None:
    # Many ambiguous rows and a relation that cannot prune them: the search hits its cap, and no
    # row may then look unique just because the enumeration stopped before varying it.
    rows = []
    for key in ("a", "b", "c", "d", "e"):  # 21 readings each: 18,081 joint solutions, past the cap
        row = RunRow(key, ("13132134",))
        row.readings, _ = readings(row.pieces, 3, no_constraint)
        rows.append(row)
    relations = (((("a", "b")), ("c", "d")),)
    left = settle(rows, {}, relations, 3)
    assert all(len(left[r.key]) == len(r.readings) > 1 for r in rows)


def test_unruled_pdf_text_reads_every_cell() -> None:
    """Text of a PDF whose tables have no rules: wrapped label columns interleave with the numbers."""
    import json

    record = read_report(ROOT / "tests" / "cases" / "unruled-pdf-text-2024.txt")
    truth = json.loads((ROOT / "tests" / "cases" / "unruled-pdf-text-2024.truth.json").read_text(encoding="utf-8"))
    wrong = {k: (v, record.cell(k)) for k, v in truth.items()
             if record.cell(k).state is not CellState.OK or record.cell(k).value != v}
    assert wrong == {}


# ---- the pruned search against plain enumeration ----------------------------------------------

def brute_force(pieces: tuple[str, ...], width: int, constraint: RowConstraint) -> set[Reading]:
    """Every cut of the digits at every piece boundary into `width` numbers, filtered afterwards."""
    digits = "".join(pieces)
    walls = set(itertools.accumulate(len(p) for p in pieces))
    found: set[Reading] = set()
    for inner in itertools.combinations(range(1, len(digits)), width - 1):
        bounds = (0, *inner, len(digits))
        if any(w < len(digits) and w not in inner for w in walls):
            continue  # a piece boundary is always a cut
        cells = [digits[a:b] for a, b in zip(bounds, bounds[1:])]
        if any((len(c) > 1 and c[0] == "0") or len(c) > MAX_CELL_DIGITS for c in cells):
            continue
        values = tuple(int(c) for c in cells)
        if all(constraint(values[:i], width) in (None, values[i]) for i in range(width)):
            found.add(values)
    return found


CONSTRAINTS: dict[str, RowConstraint] = {"none": no_constraint, "total": sums_to_last,
                                         "groups": groups_sum_to_last(3)}


@st.composite
def digit_rows(draw: st.DrawFn) -> tuple[tuple[str, ...], int, str]:
    """A row as flattened text would give it: cells that obey the constraint, run together and
    broken into pieces at some cell boundaries — or, sometimes, digits obeying nothing."""
    kind = draw(st.sampled_from(sorted(CONSTRAINTS)))
    if draw(st.booleans()):
        pieces = draw(st.lists(st.text("0123456789", min_size=1, max_size=5), min_size=1, max_size=3))
        return tuple(pieces), draw(st.integers(1, min(7, len("".join(pieces))))), kind
    values = draw(st.lists(st.integers(0, 300), min_size=2, max_size=6))
    if kind == "total":
        values.append(sum(values))
    elif kind == "groups":
        values = [v for i in range(0, len(values), 2) for v in (*values[i:i + 2], sum(values[i:i + 2]))]
        values = values[:len(values) - len(values) % 3] or [0, 0, 0]
    breaks = draw(st.sets(st.integers(1, len(values) - 1), max_size=3))
    bounds = [0, *sorted(breaks), len(values)]
    pieces = tuple("".join(str(v) for v in values[a:b]) for a, b in zip(bounds, bounds[1:]))
    return pieces, len(values), kind


@given(digit_rows())
def test_pruned_search_finds_exactly_the_valid_readings(row: tuple[tuple[str, ...], int, str]) -> None:
    pieces, width, kind = row
    assume(len("".join(pieces)) <= 14)  # the brute force tries every cut: keep it quick
    found, truncated = readings(pieces, width, CONSTRAINTS[kind])
    assert not truncated
    assert sorted(found) == sorted(brute_force(pieces, width, CONSTRAINTS[kind]))
    assert len(found) == len(set(found))


@given(st.lists(st.lists(st.integers(0, 30), min_size=2, max_size=2), min_size=4, max_size=4), st.randoms())
def test_settling_keeps_exactly_the_readings_some_joint_assignment_allows(
        table: list[list[int]], rnd: random.Random) -> None:
    keys = ["a", "b", "c", "d"]
    relations: list[Relation] = [(("a", "b"), ("c", "d"))]
    table[3] = [table[0][i] + table[1][i] - table[2][i] for i in range(2)]
    assume(all(v >= 0 for v in table[3]))
    rows = []
    for key, values in zip(keys, table):
        row = RunRow(key, ("".join(str(v) for v in values),))
        row.readings, row.truncated = readings(row.pieces, 2, no_constraint)
        rows.append(row)
    rnd.shuffle(rows)
    left = settle(rows, {}, relations, 2)
    every = [dict(zip([r.key for r in rows], choice)) for choice in itertools.product(*(r.readings for r in rows))]
    fitting = [a for a in every if all(a["a"][i] + a["b"][i] == a["c"][i] + a["d"][i] for i in range(2))]
    for key in keys:
        assert left[key] == sorted({a[key] for a in fitting})
        assert tuple(table[keys.index(key)]) in left[key]
