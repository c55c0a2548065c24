"""The key a name is looked up by. Stdlib only: the lookups fold what a reader types."""

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
