"""What a picture of an answer is, for every face that draws one (`--plot`, the web pages): the
formats a file may ask for, the currency ODA bars are drawn in, and the selection a caption names.
No matplotlib here: a wrong file name is refused before anything is imported or asked."""

from __future__ import annotations

from pathlib import Path

from caj.core.errors import UsageError

FORMATS = ("svg", "png", "pdf")
CURRENCY = "USD"  # bars compare amounts: one currency, dollars unless another is asked for


def check_path(path: Path) -> str:
    """The format a file name asks for, or a usage error naming the ones there are."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in FORMATS:
        raise UsageError(f"cannot draw {Path(path).name!r}: give a file ending in .svg, .png or .pdf")
    return fmt


def currency(given: dict) -> str:
    """The currency ODA bars are drawn in for what was asked."""
    return given.get("currency") or CURRENCY


def selection(question, given: dict) -> dict:
    """What was asked, by parameter name, as a caption names it: `year` as from = to, the
    picture's own options and the currency (the caption says it anyway) left out."""
    asked = {p.name: given.get(p.keyword, given.get(p.name)) for p in question.params
             if p.query and p.kind != "flag" and p.name not in ("year", "currency")}
    year = given.get("year")
    if year not in (None, ""):
        asked["from"] = asked["to"] = year
    undated = next((p for p in question.params if p.name == "with_undated"), None)
    if undated and given.get(undated.keyword):
        asked["undated statements"] = "included"
    return {k: v for k, v in asked.items() if v not in (None, "")}
