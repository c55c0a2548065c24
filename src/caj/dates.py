"""EDTF dates: bounds for filtering and sorting, and a reading that claims no more precision
than the date has. Build-time only: the query path reads what the build stored."""

from __future__ import annotations

import re
from functools import lru_cache

import edtf

from caj.text import display_date


@lru_cache(maxsize=65536)  # the edtf parser takes ~4 ms a call; datasets repeat their dates
def bounds(value: str) -> tuple[str, str]:
    """Earliest and latest ISO day an EDTF date can mean: '2024-08' -> 2024-08-01, 2024-08-31."""
    try:
        parsed = edtf.parse_edtf(str(value))
    except Exception as exc:  # the edtf package raises several unrelated types
        raise ValueError(f"{value!r} is not an EDTF date") from exc
    if parsed is None:
        raise ValueError(f"{value!r} is not an EDTF date")
    try:
        lo, hi = parsed.lower_strict(), parsed.upper_strict()
    except Exception as exc:
        raise ValueError(f"{value!r} has no bounds") from exc
    return _iso(lo, "0001-01-01"), _iso(hi, "9999-12-31")


def _iso(t, open_end: str) -> str:
    # an open end ('../2022') comes back as an infinite float
    if isinstance(t, float):
        return open_end
    return f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}"


def precision(value: str) -> str:
    """day | month | year | decade | century | interval, with the EDTF qualifier kept."""
    if "/" in value:
        return "interval"
    core = value.rstrip("~?%")
    if re.fullmatch(r"\d{2}XX", core):
        kind = "century"
    elif re.fullmatch(r"\d{3}X", core):
        kind = "decade"
    else:
        kind = ("year", "month", "day")[min(core.count("-"), 2)]
    qual = {"~": " approximate", "?": " uncertain", "%": " approximate uncertain"}
    return kind + qual.get(value[-1], "")


def display(value: str) -> str:
    """'1997~' -> 'c. 1997', '199X' -> '1990s', '2024-08' -> 'Aug 2024', '2006/2009' -> '2006–2009'."""
    return display_date(value)
