"""EDTF dates parsed by the `edtf` package: the earliest and latest day a date can mean. For the
build and the pictures only; the lookups read the bounds the build stored."""

from __future__ import annotations

from functools import lru_cache

import edtf


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
