"""The records in the reader's language: the words of a record (titles, summaries, dates as
written, names, notes, locators) from the `translations` table, its keys, ids, EDTF dates,
amounts and closed values untouched, and `lang` on each record. A text with no translation stays
English and is named in the record's `untranslated`. Stdlib only, on the lookup path.

The languages are what the database holds (a folder of data/locale/ each); English is the
records' own language and needs none.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from caj.core import i18n
from caj.core.errors import UsageError, shown

ENGLISH = "en"


def languages(conn: sqlite3.Connection) -> dict[str, str]:
    """Language code -> its own name, English first."""
    rows = conn.execute("SELECT ref, text FROM translations WHERE tbl = 'languages' AND field = 'name' "
                        "ORDER BY ref")
    return {ENGLISH: "English", **dict(rows.fetchall())}


def choose(conn: sqlite3.Connection, lang: str | None) -> str:
    """The language asked for (any case, `ru_RU.UTF-8` read as `ru`), or a usage error naming
    the ones there are."""
    if lang is None or not str(lang).strip():
        return ENGLISH
    known = languages(conn)
    code = i18n.code(lang)
    if code in known:
        return code
    there = ", ".join(f"{k} ({v})" for k, v in known.items())
    raise UsageError(f"unknown language {shown(lang)}; caj speaks {there}")


def numbers(conn: sqlite3.Connection, lang: str) -> dict:
    """How `lang` writes numbers and money, as the build took it from CLDR and the language's
    data file; {} for English."""
    import json

    row = conn.execute("SELECT text FROM translations WHERE lang = ? AND tbl = 'languages' AND "
                       "field = 'numbers'", (lang,)).fetchone()
    return json.loads(row[0]) if row else {}


from_environment = i18n.from_environment  # the locale as gettext reads it


def spoken(conn: sqlite3.Connection, value: str | None) -> str:
    """A language from the locale: one caj does not have is English, never an error (an
    explicit --lang or CAJ_LANG is checked by `choose`)."""
    try:
        return choose(conn, value)
    except UsageError:
        return ENGLISH


class Words:
    """The translations of one language for a set of records, fetched in one query."""

    def __init__(self, conn: sqlite3.Connection, lang: str, tables: Iterable[str],
                 refs: dict[str, set[str]] | None = None) -> None:
        """The words of `tables`, or, given `refs` (table -> ids), of just those records."""
        self.lang = lang
        self.text: dict[tuple[str, str, str], str] = {}
        if refs is not None:
            for table, ids in refs.items():
                if len(ids) > self.FEW:  # a long answer: the whole table, in one pass of its index
                    self._fetch(conn, "tbl = ?", (table,))
                else:
                    marks = ",".join("?" * len(ids))
                    self._fetch(conn, f"tbl = ? AND ref IN ({marks})", (table, *ids))
            return
        tables = tuple(tables)
        self._fetch(conn, "tbl IN ({})".format(",".join("?" * len(tables))), tables)

    FEW = 200  # ids asked for by name (well below SQLite's limit of bound values)

    def _fetch(self, conn: sqlite3.Connection, where: str, values: tuple) -> None:
        self.text.update(((t, r, f), x) for t, r, f, x in conn.execute(
            f"SELECT tbl, ref, field, text FROM translations WHERE lang = ? AND {where}",
            (self.lang, *values)))

    def get(self, table: str, ref: str, field: str, english):
        return self.text.get((table, ref, field), english)

    def put(self, record: dict, table: str, ref: str, fields: dict[str, str], missing: list[str]) -> None:
        """record[key] in the language, from (table, ref, field); what has none is noted."""
        for key, field in fields.items():
            if record.get(key) in (None, ""):
                continue
            found = self.text.get((table, ref, field))
            if found is None:
                missing.append(key)
            else:
                record[key] = found


FACT_WORDS = {"title": "title", "summary": "summary", "when": "when", "project_name": "project.name"}
TABLE_OF = {"sources": ("sources", {"description": "description", "reliability": "reliability",
                                    "when": "when"}),
            "countries": ("entities", {"title": "name"}), "actors": ("entities", {"title": "name"}),
            "topics": ("topics", {"title": "label"})}


def localize(conn: sqlite3.Connection, shape: str, found, lang: str):
    """The answer of one question (records, or `show`'s one card) in `lang`."""
    if lang == ENGLISH:
        return found
    if shape == "cite":
        return found
    if shape == "show":
        return _card(Words(conn, lang, ("facts", "citations", "sources", "entities", "topics")), found)
    records = [dict(r) for r in found]
    tables = [_table_of(shape, r) for r in records]
    refs: dict[str, set[str]] = {}
    for r, (table, _fields) in zip(records, tables, strict=True):
        refs.setdefault(table, set()).add(r["id"])
    words = Words(conn, lang, (), refs)  # the words of these records only
    for r, (table, fields) in zip(records, tables, strict=True):
        missing: list[str] = []
        words.put(r, table, r["id"], fields, missing)
        _finish(r, lang, missing)
    return _like(found, records)


def _table_of(shape: str, record: dict) -> tuple[str, dict[str, str]]:
    """Where a record's words are (table), and which (record key -> field)."""
    if shape in TABLE_OF:
        return TABLE_OF[shape]
    if record.get("record") == "entity":
        return "entities", {"title": "name"}
    return "facts", FACT_WORDS


def _finish(record: dict, lang: str, missing: list[str]) -> None:
    record["lang"] = lang
    if missing:
        record["untranslated"] = missing


def _like(found, records: list[dict]):
    """The same kind of answer (search hits keep their total and how they were found)."""
    if isinstance(found, list) and type(found) is not list:
        out = type(found)(records)
        out.__dict__.update(found.__dict__)
        return out
    return records


def _card(words: Words, card: dict) -> dict:
    card, missing = dict(card), []
    if "summary" in card:  # a fact
        words.put(card, "facts", card["id"], FACT_WORDS, missing)
        card["country_names"] = [words.get("entities", c, "name", n)
                                 for c, n in zip(card["countries"], card["country_names"], strict=False)]
        card["topic_names"] = [words.get("topics", t, "label", n)
                               for t, n in zip(card["topics"], card["topic_names"], strict=False)]
        card["entities"] = [{**e, "name": words.get("entities", e["id"], "name", e["name"])}
                            for e in card["entities"]]
        card["citations"] = [_citation(words, card["id"], n, c, missing)
                             for n, c in enumerate(card["citations"], start=1)]
        if card.get("project"):
            project = card["project"]
            card["project"] = {**project, "name": words.get("facts", card["id"], "project.name",
                                                            project["name"])}
    else:  # an entity, with its facts
        words.put(card, "entities", card["id"], {"title": "name", "note": "note"}, missing)
        card["facts"] = [{**f, "title": words.get("facts", f["id"], "title", f["title"]),
                          "when": words.get("facts", f["id"], "when", f["when"])} for f in card["facts"]]
    _finish(card, words.lang, sorted(set(missing)))
    return card


def _citation(words: Words, fid: str, n: int, c: dict, missing: list[str]) -> dict:
    """A citation's locator and note in the language; its quote stays in the source's own."""
    c = dict(c)
    for key in ("locator", "note"):
        if c.get(key):
            found = words.text.get(("citations", f"{fid}#{n}", key))
            if found is None:
                missing.append(f"citations.{key}")
            else:
                c[key] = found
    return c


def labels(conn: sqlite3.Connection, lang: str, english: dict[str, str]) -> dict[str, str]:
    """Names by id for a table, in the language (an acronym stays the acronym it is)."""
    if lang == ENGLISH:
        return english
    words = Words(conn, lang, ("entities", "topics"))
    out = dict(english)
    for (table, ref, field), text in words.text.items():
        if field in ("name", "label") and ref in out and (table == "topics" or not out[ref].isupper()):
            out[ref] = text
    return out
