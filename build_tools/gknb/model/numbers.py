"""The one way a number from a report is written out: on pages, in data files and in messages."""

from __future__ import annotations


def format_number(value: float | int | None, grouped: bool = False) -> str:
    """`12` → "12", `18651.0641` → "18651.0641", `3.0` → "3": never exponents, never trailing zeros.
    `grouped`: thousands separated (`96,171.6`), as pages and messages show numbers to people; data
    files and sort keys keep them plain."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        text = format(value, "f").rstrip("0").rstrip(".")
    else:
        text = str(int(value))
    if not grouped:
        return text
    whole, dot, fraction = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    return f"{sign}{int(whole.lstrip('-')):,}{dot}{fraction}"
