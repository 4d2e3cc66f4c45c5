"""One-line page bodies cut back into lines (parse/inline.py), on pieces of real crawled pages."""

from __future__ import annotations

import pytest

from gknb.parse.inline import cut_points, pieces, section_headings

# (what the text shows, one real page's words, the lines it must give)
CASES = [
    ("a row's last cell then a sentence opening with the year",
     "四、结转下年度继续办理2000002" "2025年，我局共收到政府信息公开申请21件。",
     ["四、结转下年度继续办理2000002", "2025年，我局共收到政府信息公开申请21件。"]),
    ("a one-digit cell then the year",
     "行政事业性收费0" "2025年，我局严格按照规定执行。",
     ["行政事业性收费0", "2025年，我局严格按照规定执行。"]),
    ("table 四's digits then prose",
     "结果维持结果纠正其他结果尚未审结总计10000100000000000我局严格规范政府信息公开流程。",
     ["结果维持结果纠正其他结果尚未审结总计10000100000000000", "我局严格规范政府信息公开流程。"]),
    ("a figure and its unit stay together",
     "全年共收到政府信息公开申请1000002件，均依法予以办结。",
     ["全年共收到政府信息公开申请1000002件，均依法予以办结。"]),
    ("a year inside prose is no cut",
     "有效防范了相关法律风险。2025年，我局未发生行政诉讼。",
     ["有效防范了相关法律风险。2025年，我局未发生行政诉讼。"]),
]


@pytest.mark.parametrize(("text", "lines"), [pytest.param(t, l, id=n) for n, t, l in CASES])
def test_a_page_body_is_cut_where_the_text_marks(text: str, lines: list[str]) -> None:
    assert pieces(text, section_headings(text)) == lines


def test_no_cut_at_the_ends() -> None:
    text = "行政事业性收费0"
    assert cut_points(text, section_headings(text)) == []
