"""charts.py: SVG strings that parse as XML, name themselves, draw one bar per number and escape text."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from gknb.portal.charts import Series, bar_chart, column_chart, stacked_chart

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script>&{{ 7*7 }}*强调*"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "gknb-bar"]


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]


CHARTS = {
    "bar": lambda title, label: bar_chart("c", title, [(label, 3), ("部分公开", 1.5), ("不予公开", 0)], unit="%"),
    "column": lambda title, label: column_chart("c", title, [(label, 21), ("2024", 95)]),
    "stacked": lambda title, label: stacked_chart("c", title, [label, "行政诉讼"],
                                                  [Series("维持", (11, 1)), Series("纠正", (2, None))]),
}


@pytest.mark.parametrize("kind", CHARTS)
def test_chart_is_an_svg_image_with_a_title(kind: str) -> None:
    root = parse(CHARTS[kind]("办理结果", "予以公开"))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    title = root.find(f"{SVG}title")
    assert title is not None and title.text == "办理结果"
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("viewBox", "").startswith("0 0 ")
    assert "\n\n" not in CHARTS[kind]("办理结果", "予以公开")   # one HTML block in Markdown


@pytest.mark.parametrize("kind", CHARTS)
def test_report_text_in_a_chart_is_escaped(kind: str) -> None:
    svg = str(CHARTS[kind](HOSTILE, HOSTILE))
    root = parse(svg)
    assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))
    assert "<script" not in svg and "{{" not in svg
    assert root.find(f"{SVG}title").text == HOSTILE      # type: ignore[union-attr]
    assert HOSTILE in texts(root)


def test_bar_chart_draws_a_bar_per_number_and_a_dash_for_none() -> None:
    items = [("予以公开", 43.1), ("部分公开", 11.2), ("不予公开", 0.0), ("无法提供", None)]
    root = parse(bar_chart("c", "t", items, unit="%", maximum=100))
    assert len(bars(root)) == 3
    assert [float(b.get("width", 0)) for b in bars(root)][2] == 0
    assert {"43.1%", "11.2%", "0%", "—"} <= set(texts(root))
    widths = [float(b.get("width", 0)) for b in bars(root)]
    assert widths[0] / widths[1] == pytest.approx(43.1 / 11.2, rel=1e-2)


def test_column_chart_draws_a_bar_per_year_and_labels_the_values() -> None:
    root = parse(column_chart("c", "t", [("2021", 0), ("2022", 5), ("2023", None), ("2024", 10)]))
    assert len(bars(root)) == 3                      # None: no bar, never a 0 bar
    assert {"2021", "2022", "2023", "2024", "5", "10", "0", "—"} <= set(texts(root))
    heights = {b.find(f"{SVG}title").text: float(b.get("height", 0)) for b in bars(root)}  # type: ignore[union-attr]
    assert heights["2024：10"] == pytest.approx(2 * heights["2022：5"])


def test_stacked_chart_draws_a_part_per_nonzero_value_and_names_a_differing_total() -> None:
    series = [Series("维持", (11, 1, None)), Series("纠正", (2, 0, None)), Series("其他", (0, 0, None))]
    root = parse(stacked_chart("c", "t", ["行政复议", "直接起诉", "复议后起诉"], series, totals=[2, 1, None]))
    assert len(bars(root)) == 3                      # 11, 2 and 1; zeros and unknowns draw nothing
    labels = texts(root)
    assert "13（总计 2）" in labels and "1" in labels and "—" in labels
    assert {"维持", "纠正", "其他"} <= set(labels)
