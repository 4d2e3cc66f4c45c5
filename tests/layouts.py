"""Render a table 三 / 四 of known numbers into the text layouts seen in the wild, for round-trip tests."""

from __future__ import annotations

import random
from typing import Callable

from gknb.templates import APPLICATIONS_2021, OUTCOME_ROWS_2021

Values = dict[str, list[int]]  # row key -> 7 numbers (six applicant columns, then the total)

HEAD = """测试镇人民政府2022年政府信息公开工作年度报告
一、总体情况
2022年，本镇依法做好政府信息公开工作。
二、主动公开政府信息情况
本年主动公开信息若干条。
三、收到和处理政府信息公开申请情况
"""
TAIL = """
五、存在的主要问题及改进情况
公开内容还不够丰富。
六、其他需要报告的事项
本年度未收取信息处理费。
"""
APPEAL_HEADER = ["行政复议", "行政诉讼", "结果维持", "结果纠正", "其他结果", "尚未审结", "总计",
                 "未经复议直接起诉", "复议后起诉"]


def consistent_values(rng: random.Random) -> Values:
    """A table 三 whose rows, columns, balance and outcome sums all hold."""
    small = lambda: rng.choice([0, 0, 0, 1, 2, 3, 5, 8, 13, 40, 120])  # noqa: E731
    rows: Values = {}
    for key in OUTCOME_ROWS_2021:
        rows[key] = [small() if rng.random() < 0.4 else 0 for _ in range(6)]
    processed = [sum(rows[k][c] for k in OUTCOME_ROWS_2021) for c in range(6)]
    forward = [rng.choice([0, 0, 1, 2]) for _ in range(6)]
    carried = [rng.randint(0, p + f) for p, f in zip(processed, forward)]
    rows["total_processed"] = processed
    rows["carried_forward"] = forward
    rows["carried_over"] = carried
    rows["new_received"] = [p + f - c for p, f, c in zip(processed, forward, carried)]
    return {key: [*values, sum(values)] for key, values in rows.items()}


def appeal_values(rng: random.Random) -> list[int]:
    out: list[int] = []
    for _ in range(3):
        parts = [rng.choice([0, 0, 1, 2, 3]) for _ in range(4)]
        out += [*parts, sum(parts)]
    return out


def labels() -> list[tuple[str, str]]:
    """(group label, row label); a merged group label is printed on its first row only."""
    out: list[tuple[str, str]] = []
    previous = ""
    for row in APPLICATIONS_2021.standard_rows:
        group = row.group if row.group != previous else ""
        previous = row.group
        out.append((group, row.label))
    return out


def tabs(values: Values, appeal: list[int]) -> str:
    body = [f"{group}\t{label}\t\t" + "\t".join(map(str, values[row.key]))
            for (group, label), row in zip(labels(), APPLICATIONS_2021.standard_rows)]
    return (HEAD + "申请人情况\t\t\n\t自然人\t法人或其他组织\t总计\n" + "\n".join(body)
            + "\n四、政府信息公开行政复议、行政诉讼情况\n" + "\t".join(APPEAL_HEADER) + "\n"
            + "\t".join(map(str, appeal)) + "\n" + TAIL)


def pipes(values: Values, appeal: list[int]) -> str:
    body: list[str] = []
    for (group, label), row in zip(labels(), APPLICATIONS_2021.standard_rows):
        cells = [str(v) for v in values[row.key]]
        # PDF-to-Markdown converters break rows after random cells and sprinkle empty pipes.
        body.append(f"{group}\n| {label} | " + " | ".join(cells[:3]) + "\n| " + " | ".join(cells[3:]) + " | ||")
    return (HEAD + "| 申请人情况\n| ||||\n自然人\n| 总计\n" + "\n".join(body)
            + "\n四、政府信息公开行政复议、行政诉讼情况\n" + "\n| ".join(APPEAL_HEADER) + "\n| |||\n"
            + " | ".join(map(str, appeal)) + " |\n" + TAIL)


def one_cell_per_line(values: Values, appeal: list[int]) -> str:
    body: list[str] = []
    for (group, label), row in zip(labels(), APPLICATIONS_2021.standard_rows):
        lines = ([f"\t{group}"] if group else []) + [f"\t{label}"] + [f"\t{v}" for v in values[row.key]]
        body.append("\n".join(lines) + "\n")
    appeal_lines = "\n".join(f"\t{w}" for w in APPEAL_HEADER) + "\n\n" + "\n".join(f"\t{v}" for v in appeal)
    return (HEAD + "\t申请人情况\n\t自然人\n\t总计\n\n" + "\n".join(body)
            + "\n四、政府信息公开行政复议、行政诉讼情况\n\n" + appeal_lines + "\n" + TAIL)


def flattened(values: Values, appeal: list[int]) -> str:
    body = [f"{group}{label}" + "".join(map(str, values[row.key]))
            for (group, label), row in zip(labels(), APPLICATIONS_2021.standard_rows)]
    return (HEAD + "申请人情况自然人法人或其他组织总计\n" + "\n".join(body)
            + "\n四、政府信息公开行政复议、行政诉讼情况\n" + "".join(APPEAL_HEADER) + "\n"
            + "".join(map(str, appeal)) + "\n" + TAIL)


LAYOUTS: dict[str, Callable[[Values, list[int]], str]] = {
    "tabs": tabs, "pipes": pipes, "one_cell_per_line": one_cell_per_line, "flattened": flattened}
