"""Figures the report states in words (申请 received, 办结, outcomes, 复议 and 诉讼 counts), for the `narrative` check."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

CHINESE_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUMBER = r"(\d+|[零〇一二两三四五六七八九十百]+)"
SENTENCE_RE = re.compile(r"[^。；;！!\n]+")


@dataclass(frozen=True)
class Statement:
    """A figure stated in the text: which quantity it is, its value, and the sentence quoting it."""

    quantity: str
    value: int
    sentence: str


# quantity, pattern (group "n" is the figure). Order matters: the first pattern to match a
# sentence position wins, so more specific wording comes first.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("received", re.compile(r"(?:共|全年|本年度?|新)?(?:收到|受理|接收|接到)[^，,。；]{0,16}?申请[^，,。；\d]{0,6}?"
                            rf"(?:共计?|合计)?\s*(?P<n>{NUMBER})\s*(?:件|条|份|人次)")),
    # 答复 alone often counts one kind of answer (给予同意公开答复 1 件, 已主动公开答复数1条): only
    # 共/已/全部 答复 is every request answered.
    ("processed", re.compile(rf"(?:办结|办理完结|(?:共|已|全部)答复(?!数))[^，,。；\d]{{0,8}}?(?:共计?|合计)?\s*(?P<n>{NUMBER})\s*(?:件|条|份)")),
    ("review", re.compile(rf"行政复议(?:案件|申请)?[^，,。；\d]{{0,6}}?(?P<n>{NUMBER})\s*(?:件|起)")),
    ("litigation", re.compile(rf"行政诉讼(?:案件)?[^，,。；\d]{{0,6}}?(?P<n>{NUMBER})\s*(?:件|起)")),
    # Outcomes of requests as the text lists them (区分处理后公开11件，因无法提供相关信息答复2件), counted
    # in 件 in a sentence about 申请. Left out: 予以公开 (offices count 已主动公开 answers apart from
    # 同意公开 ones in the text, together in the table) and 不予公开 (prose calls any refusal that, and
    # 不予公开信息N条 counts documents); a figure shared by two outcomes (予以公开及部分公开42件) is neither.
    ("partial", re.compile(rf"(?<![及和与、])(?:部分公开|区分处理后(?:予以)?公开)(?:答复)?[^，,。；\d]{{0,4}}?(?P<n>{NUMBER})\s*件")),
    ("unable", re.compile(rf"(?<![及和与、])无法提供[^，,。；\d及和与、]{{0,8}}?(?P<n>{NUMBER})\s*件")),
    ("not_processed", re.compile(rf"(?<![及和与、])不予处理[^，,。；\d及和与、]{{0,4}}?(?P<n>{NUMBER})\s*件")),
    ("other", re.compile(rf"(?<![及和与、])其他处理[^，,。；\d及和与、]{{0,4}}?(?P<n>{NUMBER})\s*件")),
    ("carried_forward", re.compile(rf"结转(?:至|到)?下一?年度?(?:继续办理)?[^，,。；\d]{{0,4}}?(?P<n>{NUMBER})\s*件")),
)
OUTCOMES = ("partial", "unable", "not_processed", "other", "carried_forward")


def chinese_number(text: str) -> int | None:
    """阿拉伯数字, or a Chinese numeral below 1000 (十二, 两百零五)."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in CHINESE_DIGITS:
            digit = CHINESE_DIGITS[char]
        elif char == "十":
            total += (digit or 1) * 10
            digit = 0
        elif char == "百":
            total += (digit or 1) * 100
            digit = 0
        else:
            return None
    return total + digit


def statements(text: str) -> Iterator[Statement]:
    for sentence in SENTENCE_RE.findall(text):
        for quantity, pattern in PATTERNS:
            if quantity in OUTCOMES and "申请" not in sentence:
                continue
            match = pattern.search(sentence)
            if match:
                value = chinese_number(match.group("n"))
                if value is not None:
                    yield Statement(quantity, value, sentence.strip())
