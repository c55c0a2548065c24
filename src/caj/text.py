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
