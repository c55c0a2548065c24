"""Dates as a reader types them (YYYY, YYYY-MM, YYYY-MM-DD, a decade) and the precision of an EDTF
date. Stdlib only: every lookup reads dates through here. EDTF parsing proper is core.edtf."""

from __future__ import annotations

import re

from caj.core.i18n import _

DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")
DECADE = re.compile(r"(\d{3})(?:0'?s|[xX])")
# the years a reader may ask for, in every date and on every face: four digits, no leading zero
FIRST_YEAR, LAST_YEAR = 1000, 2999


def date_span(value) -> tuple[str, str]:
    """The first and last ISO day of YYYY, YYYY-MM, YYYY-MM-DD or a decade (1990s, 199X); a
    ValueError for anything else. The one reading of a date every face shares."""
    text = str(value).strip()
    if m := DECADE.fullmatch(text):
        start = _known(int(m.group(1)) * 10, value)
        return f"{start:04d}-01-01", f"{start + 9:04d}-12-31"
    m = DATE.fullmatch(text)
    if not m or (m.group(2) and not 1 <= int(m.group(2)) <= 12):
        raise _not_a_date(value)
    _known(int(m.group(1)), value)
    y, mo = int(m.group(1)), int(m.group(2) or 0)
    if not m.group(2):
        return f"{y:04d}-01-01", f"{y:04d}-12-31"
    import calendar

    last = calendar.monthrange(y, mo)[1]
    if not m.group(3):
        return f"{y:04d}-{mo:02d}-01", f"{y:04d}-{mo:02d}-{last:02d}"
    if not 1 <= int(m.group(3)) <= last:
        raise _not_a_date(value)
    return text, text


def _not_a_date(value) -> ValueError:
    return ValueError(_("{value} is not a date; give YYYY, YYYY-MM, YYYY-MM-DD or a decade (1990s)").format(
        value=_quoted(value)))


def _quoted(value) -> str:
    from caj.core.errors import shown

    return shown(value)


def bound(value, end: bool) -> str | None:
    """The first (or last) ISO day `value` can mean; None for no value."""
    return None if value is None else date_span(value)[1 if end else 0]


def year(value) -> int:
    """A four-digit year from FIRST_YEAR to LAST_YEAR; a ValueError for anything else."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(_("{value} is not a year; give four digits, e.g. 2016").format(value=_quoted(value)))
    return _known(int(text), value)


def _known(y: int, value) -> int:
    if not FIRST_YEAR <= y <= LAST_YEAR:
        raise ValueError(_("{value} is not a year caj knows; give one from {first} to {last}").format(
            value=_quoted(value), first=FIRST_YEAR, last=LAST_YEAR))
    return y


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
