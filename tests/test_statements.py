"""Figures the text states (parse/statements.py), on sentences of real reports."""

from __future__ import annotations

import pytest

from gknb.parse.statements import statements

# (real sentence, the (quantity, value) pairs it states)
CASES = [
    ("2025年，共受理政府信息公开申请21件，经分类处置后，给予同意公开答复 1 件，不予公开答复3件，区分处理后公开11件，"
     "因无法提供相关信息答复2件，其他处理2件，结转下年度继续办理2件",
     [("received", 21), ("partial", 11), ("unable", 2), ("other", 2), ("carried_forward", 2)]),
    # one figure for two outcomes is neither
    ("办结依申请公开81件，其中：予以公开及部分公开42件，占51.85%", [("processed", 81)]),
    # 不予公开 in prose counts documents, or any refusal: never compared
    ("2022年共制发政府信息316条，其中，主动公开政府信息121条、依申请公开128条、不予公开67条", []),
    ("2022年共收到政府信息公开申请3件，予以公开1件，不予公开2件，分别属于本机关不掌握相关政府信息及行政执法案卷",
     [("received", 3)]),
    # outcomes only in a sentence about requests
    ("其他处理2件", []),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_stated_figures(text: str, expected: list[tuple[str, int]]) -> None:
    assert [(s.quantity, s.value) for s in statements(text)] == expected
