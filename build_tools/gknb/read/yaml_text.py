"""YAML metadata (sidecars, Markdown front matter) from untrusted text, within limits.

380 bytes of nested anchors expand to gigabytes once anything walks the value (a rejection reason that
printed it was 72 MB), and a sidecar is a few lines: the text is limited in size, the loaded value in
how many values it expands to, and an error names the line, never quotes the file's text.
"""

from __future__ import annotations

import reprlib
from pathlib import Path
from typing import Any

import yaml

from gknb.model.errors import ReadError

MAX_YAML_BYTES = 64 * 1024     # a real sidecar is a few hundred bytes
MAX_YAML_VALUES = 10_000       # values after aliases are expanded


def expands_beyond(value: Any, limit: int) -> bool:
    """Does `value` hold more than `limit` values, counting each alias's value where it is used?
    Walked with a stack and stopped at the limit: never expanded."""
    stack, seen = [value], 0
    while stack:
        item = stack.pop()
        seen += 1
        if seen > limit:
            return True
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


def yaml_problem(error: yaml.YAMLError) -> str:
    """What is wrong and where, without the snippet of the file PyYAML adds."""
    if isinstance(error, yaml.MarkedYAMLError) and error.problem_mark is not None:
        mark = error.problem_mark
        return f"第 {mark.line + 1} 行第 {mark.column + 1} 列：{error.problem or error.context or '格式错误'}"
    return type(error).__name__


def load_yaml_text(path: Path | str, text: str, what: str) -> Any:
    """The loaded value, or a ReadError saying why not (`what` names the metadata in the reason)."""
    size = len(text.encode("utf-8", errors="surrogatepass"))
    if size > MAX_YAML_BYTES:
        raise ReadError(path, f"{what}过大（{size // 1024} KB，上限 {MAX_YAML_BYTES // 1024} KB）")
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ReadError(path, f"{what}无法解析（{yaml_problem(error)}）") from None
    if expands_beyond(value, MAX_YAML_VALUES):
        raise ReadError(path, f"{what}展开后超过 {MAX_YAML_VALUES} 个值（YAML 别名嵌套？），未使用")
    return value


_BRIEF = reprlib.Repr()
_BRIEF.maxlevel, _BRIEF.maxlist, _BRIEF.maxdict, _BRIEF.maxstring, _BRIEF.maxother = 2, 4, 4, 40, 40


def brief(value: Any) -> str:
    """A value for a reason: at most a few dozen characters, whatever it expands to."""
    return _BRIEF.repr(value)
