"""publish/slim.py: the published page is smaller, and a browser builds the same document from it.

The cases are small tables of input and output; the last test takes every page of a built site to
headless Chromium (scripts off), lets it write the document back out with every end tag, leaves the
optional ones out again and checks that Chromium reads the same document from that.
"""

from __future__ import annotations

from typing import Any

import pytest

from gknb.publish.slim import collapse_whitespace, slim_page, without_optional_end_tags
from test_site import BuiltSite, built_site


@pytest.mark.parametrize(("page", "published"), [
    # cells side by side: the next cell closes the one before
    ("<tr><th>a</th><td>1</td><td class=\"x\">2</td></tr>", "<tr><th>a<td>1<td class=\"x\">2</td></tr>"),
    # the next row, or the end of the row group or table, closes the row and its last cell; the line
    # break goes too
    ("<tbody>\n<tr><td>1</td></tr>\n<tr><td>2</td></tr>\n</tbody>", "<tbody>\n<tr><td>1<tr><td>2</tbody>"),
    ("<thead><tr><th>a</th></tr></thead>", "<thead><tr><th>a</thead>"),
    ("<tfoot><tr><th>a</th><td>1</td></tr>\n</tfoot>", "<tfoot><tr><th>a<td>1</tfoot>"),
    ("<table><tr><td>1</td></tr></table>", "<table><tr><td>1</table>"),
    # anything else between cells or rows keeps the end tags: it is content
    ("<tr><td>1</td> <td>2</td></tr></table>", "<tr><td>1</td> <td>2</table>"),
    ("<tr><td>1</td></tr><!-- x --><tr><td>2</td></tr>", "<tr><td>1</td></tr><!-- x --><tr><td>2</td></tr>"),
    # a cell holding a table: the inner one is slimmed as well, the outer cell still closed by the next
    ("<tr><td><table><tr><td>1</td></tr></table></td><td>2</td></tr></table>",
     "<tr><td><table><tr><td>1</table><td>2</table>"),
    # not a table cell
    ("<p>1</p><p>2</p>", "<p>1</p><p>2</p>"),
    ("<tr><td>1</td><tdx>2</tdx></tr>", "<tr><td>1</td><tdx>2</tdx></tr>"),
])
def test_optional_table_end_tags_are_left_out(page: str, published: str) -> None:
    assert without_optional_end_tags(page) == published


@pytest.mark.parametrize("kept", ["script", "pre", "textarea", "style"])
def test_kept_elements_are_left_byte_for_byte(kept: str) -> None:
    inside = "x = '</td><td>';\n\n  y = '</td></tr>\n<tr>';"
    page = f"<tr><td>1</td><td>2</td></tr>\n<{kept}>{inside}</{kept}>\n<tr><td>3</td></tr>"
    assert f"<{kept}>{inside}</{kept}>" in slim_page(page)
    assert slim_page(page).startswith("<tr><td>1<td>2</td></tr>\n<")   # nothing follows at once: kept


def test_whitespace_runs_with_a_line_break_become_one_line_break() -> None:
    assert collapse_whitespace("\n  <p>a  b\n\n   c</p>\n\t<p>d</p>") == "<p>a  b\nc</p>\n<p>d</p>"


@pytest.mark.browser
def test_chromium_reads_the_same_document_from_every_published_page(browser: Any) -> None:
    site: BuiltSite = built_site()
    pages = sorted(site.site.rglob("*.html"))
    reports = set(site.site.glob("reports/*/*/*/index.html"))
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    def document(html: str) -> str:
        page.set_content(html, wait_until="domcontentloaded")
        return str(page.evaluate("document.documentElement.outerHTML"))

    saved_on_reports = 0
    try:
        for path in pages:
            written = document(path.read_text(encoding="utf-8"))   # every end tag written out
            slimmed = without_optional_end_tags(written)
            assert document(slimmed) == written, path
            if path in reports:
                saved_on_reports += len(written.encode()) - len(slimmed.encode())
    finally:
        context.close()
    assert len(pages) > 50 and len(reports) >= 5
    assert saved_on_reports / len(reports) > 1000      # bytes a report page is smaller by
