"""Words as the full-text index of another language holds them, the same at build time and at
query time. FTS5's own tokenizers split on spaces and stem only English, so the text is turned
into index tokens first:

- Russian: each word reduced to its Snowball stem (железная, железной, железную -> железн), so a
  word is found in any grammatical case;
- Japanese, written without spaces: each run of kanji and kana as its overlapping pairs of
  characters (鉄道建設 -> 鉄道 道建 建設) and each character alone, so a word of one, two or more
  characters is found as a phrase of its pairs (a trigram index cannot find a two-character word).

Other scripts in either language (Latin names, digits) are indexed as words. Stdlib only; the
Russian stemmer (snowballstemmer, pure Python) is imported by a Russian search alone.
"""

from __future__ import annotations

import re

CJK = r"\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f々〆ヵヶ"
RUN = re.compile(rf"[{CJK}]+|\w+")
CJK_RUN = re.compile(rf"[{CJK}]+")


def tokens(text: str, lang: str) -> list[str]:
    """The index tokens of a text in `lang`, in order."""
    out: list[str] = []
    for run in RUN.findall(text.casefold()):
        if CJK_RUN.fullmatch(run):
            out += [run[i:i + 2] for i in range(len(run) - 1)] + list(run)
        else:
            out.append(_stem(run, lang))
    return out


def query(text: str, lang: str) -> str:
    """An FTS5 query for what a reader typed: every word must be there (a Japanese word as the
    phrase of its pairs, a one-character word as itself); prefixes* stay prefixes."""
    parts = []
    for word in re.findall(rf"[{CJK}]+|[\w]+\*?", text.casefold()):
        if CJK_RUN.fullmatch(word):
            pairs = [word[i:i + 2] for i in range(len(word) - 1)] or [word]
            parts.append('"' + " ".join(pairs) + '"')
        elif word.endswith("*"):
            parts.append(f'"{_stem(word[:-1], lang)}"*')
        else:
            parts.append(f'"{_stem(word, lang)}"')
    return " ".join(parts)


_STEMMERS: dict = {}


def _stem(word: str, lang: str) -> str:
    if lang != "ru" or not re.search("[а-яё]", word):
        return word
    if "ru" not in _STEMMERS:
        import snowballstemmer

        _STEMMERS["ru"] = snowballstemmer.stemmer("russian")
    return _STEMMERS["ru"].stemWord(word)
