"""Converter debris every stage removes the same way: page footers, Word bookmarks, page controls, number rows.

One named function per rule, their order written once in `CLEANUP_STEPS` (markdown-it-py's
ruler); readers (PDF cells and text), the parser (section text, headings) and the pages use these.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from gknb.read.common import normalise_space

# Page numbers as printed in reports: -1-, — 2 —, ~3~, 第 3 页, 第3页 共5页, 共5页 第3页, 1/5, Page 2 of 5.
PAGE_NUMBER_RE = re.compile(
    r"^(?:[-—–－―~～·•]+\s*\d{1,4}\s*[-—–－―~～·•]+"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/、]?\s*共\s*\d{1,4}\s*页)?"
    r"|共\s*\d{1,4}\s*页\s*[,，/、]?\s*第\s*\d{1,4}\s*页"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|[Pp]age\s*\d{1,4}(?:\s*of\s*\d{1,4})?)$"
)
BOOKMARK_RE = re.compile(r"\[bookmark:[^\]]*\]")
# A line of space-separated numbers: a table row of layout-preserving PDF text, never prose.
NUMBER_ROW_RE = re.compile(r"^(?:[-+]?\d[\d,.]*\s+){2,}[-+]?\d[\d,.]*$")


# Controls of government article pages that crawled text and saved pages keep as lines of their own:
# reading modes, version switches, print/close/share links. A line made only of these is chrome.
SITE_CHROME_WORDS = frozenset({
    "长者模式", "退出长者模式", "无障碍浏览", "无障碍", "关怀版", "全真版", "文字版", "图文版", "文件下载",
    "相关链接", "打印本页", "打印", "关闭窗口", "关闭", "分享到", "收藏", "字号", "大", "中", "小",
    "扫一扫在手机打开当前页", "扫一扫在手机上查看当前页面",
})  # fmt: skip
CHROME_SPLIT_RE = re.compile(r"[\s|｜:：【】\[\]（）()]+")


def is_site_chrome(text: str) -> bool:
    words = [w for w in CHROME_SPLIT_RE.split(text) if w]
    return bool(words) and all(w in SITE_CHROME_WORDS for w in words)  # 【打印】 splits to 打印


def drop_site_chrome(text: str) -> str:
    """A line of page controls (长者模式 退出长者模式 无障碍浏览) becomes empty."""
    return "" if is_site_chrome(text) else text


def is_page_number(text: str) -> bool:
    """A page footer alone on a line."""
    return bool(PAGE_NUMBER_RE.match(normalise_space(text)))


def is_number_row(text: str) -> bool:
    """Three or more numbers separated by spaces and nothing else."""
    return bool(NUMBER_ROW_RE.match(text.strip()))


def drop_bookmarks(text: str) -> str:
    """Word bookmarks that DOCX-to-text converters print: `[bookmark: _GoBack]`."""
    return BOOKMARK_RE.sub("", text)


def drop_page_number(text: str) -> str:
    """A line that is only a page footer becomes empty."""
    return "" if is_page_number(text) else text


CLEANUP_STEPS: tuple[tuple[str, Callable[[str], str]], ...] = (
    ("bookmarks", drop_bookmarks),
    ("page_numbers", drop_page_number),
    ("site_chrome", drop_site_chrome),
)


@lru_cache(maxsize=1 << 16)  # the sections, the header and the date each clean the same lines again
def clean_line(text: str) -> str:
    """A line of report text with converter debris removed ("" when nothing else was on it)."""
    for _name, step in CLEANUP_STEPS:
        text = step(text)
    return text.strip()
