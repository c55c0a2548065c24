"""Small text helpers shared by the build and the query path (stdlib only)."""

from __future__ import annotations

import re
import unicodedata


def fold(name: str) -> str:
    """The key a name is looked up by: case, accents, punctuation and spacing ignored.
    'Kyrgyz Republic', 'kyrgyz-republic' and 'KYRGYZ  REPUBLIC' fold alike."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^\w+]+", " ", text).split())
