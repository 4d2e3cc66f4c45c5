"""The one way a number from a report is written out: on pages, in data files and in messages."""

from __future__ import annotations


def format_number(value: float | int | None) -> str:
    """`12` → "12", `18651.0641` → "18651.0641", `3.0` → "3": never exponents, never trailing zeros."""
    if value is None:
        return ""
    if isinstance(value, float) and not value.is_integer():
        return format(value, "f").rstrip("0").rstrip(".")
    return str(int(value))
