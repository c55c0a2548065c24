"""Small text helpers shared by the build and the query path (stdlib only)."""

from __future__ import annotations

import re
import unicodedata

# apostrophes and the letters that stand for one (Uzbek Latin oʻ, gʻ): dropped, so that
# Oʻzbekiston, O'zbekiston, O‘zbekiston, O’zbekiston and Ozbekiston fold alike
APOSTROPHES = dict.fromkeys(map(ord, "'`´‘’‛′ʹʻʼʽˈ"), None)


def fold(name: str) -> str:
    """The key a name is looked up by: case, accents, apostrophes, punctuation and spacing
    ignored. 'Kyrgyz Republic', 'kyrgyz-republic' and 'KYRGYZ  REPUBLIC' fold alike, as do
    'Türkmenistan' and 'Turkmenistan'. Cyrillic and Japanese keep their letters."""
    text = unicodedata.normalize("NFKD", name).translate(APOSTROPHES)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w+]+", " ", text).split())


SCALE_FACTOR = {"unit": 1, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def display_date(value: str) -> str:
    """An EDTF date as a reader says it, claiming no more precision than it has:
    '1997~' -> 'c. 1997', '199X' -> '1990s', '2024-08' -> 'Aug 2024', '2006/2009' -> '2006–2009'."""
    if "/" in value:
        start, end = value.split("/", 1)
        if start in ("", ".."):
            return f"by {display_date(end)}"
        if end in ("", ".."):
            return f"from {display_date(start)}"
        return f"{display_date(start)}–{display_date(end)}"
    qual = value[-1] if value[-1] in "~?%" else ""
    text = _plain(value.rstrip("~?%"))
    return {"~": f"c. {text}", "?": f"{text}?", "%": f"c. {text}?"}.get(qual, text)


def _plain(core: str) -> str:
    if re.fullmatch(r"\d{3}X", core):
        return f"{core[:3]}0s"
    if re.fullmatch(r"\d{2}XX", core):
        return f"{core[:2]}00s"
    parts = core.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return core


CURRENCY_MARKS = re.compile(r"[¥$€£]|\b(?:yen|JPY|USD|US\s?dollars?|dollars?)\b", re.IGNORECASE)


def oda_caveats(*, value_stated: str, currency: str, year_basis: str, measure: str,
                confirmed: bool, disputed: bool) -> list[str]:
    """What caj cannot vouch for in an ODA figure, in words a reader can put in a footnote. The
    build stores them; the commands and the web view read them."""
    out = []
    if not confirmed:
        out.append("not confirmed by a public-record source")
    if disputed:
        out.append("contradicted by a public-record source")
    if not CURRENCY_MARKS.search(value_stated or ""):
        out.append(f"currency not printed; read as {currency}")
    if year_basis == "unspecified":
        out.append("calendar or fiscal year not stated")
    if measure == "unspecified":
        out.append("not stated whether disbursed or committed")
    return out


def conversion_caveat(year: int, rate: float | None, source: str | None) -> str:
    if rate is None:
        return f"no exchange rate for {year}: not converted"
    return f"converted at ¥{rate:.2f} per US$, the {year} annual average ({source})"
