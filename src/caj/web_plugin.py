"""A Datasette plugin: caj's own SQL functions, the parameter check behind every canned query, and
fact ids that link to their fact page.

The functions turn what a reader types into what the database stores, with the command line's
rules: names, aliases and ISO codes folded alike (`caj_country('Uzbek')` -> 'uzbekistan'), dates
as years, months, days or decades. Each returns NULL for an empty value (no filter) and raises on
a malformed one. SQLite reports a raising function only as "user-defined function raised
exception", so each canned query also binds `:_caj_<query>`, a magic parameter that runs the same
functions on the request's values first and fails with the function's own message.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Callable
from urllib.parse import quote

from datasette import hookimpl
from markupsafe import Markup, escape

from caj import queries

KINDS, STATUSES, CURRENCIES = queries.KINDS, queries.STATUSES, queries.CURRENCIES
FLAGS = {"": 0, "0": 0, "1": 1, "no": 0, "yes": 1, "false": 0, "true": 1, "off": 0, "on": 1}
DEFAULT_LIMIT = 20



# --- values that need no database -------------------------------------------------------------


def _blank(value) -> bool:
    return value is None or str(value).strip() == ""


def choice(options: tuple[str, ...], what: str) -> Callable:
    def pick(value):
        if _blank(value):
            return None
        found = [o for o in options if o.casefold() == str(value).strip().casefold()]
        if not found:
            raise ValueError(f"{value!r} is not a {what}; one of {', '.join(options)}")
        return found[0]
    return pick


def year(value) -> int | None:
    """Four digits, as `caj oda --year` takes."""
    if _blank(value):
        return None
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise ValueError(f"{value!r} is not a year; give four digits, e.g. 2016")
    return int(text)


def _span(value) -> tuple[str, str] | None:
    """The first and last ISO day of a date or decade, as the commands read it."""
    return None if _blank(value) else queries.date_span(value)


def date_from(value) -> str | None:
    span = _span(value)
    return span and span[0]


def date_to(value) -> str | None:
    span = _span(value)
    return span and span[1]


def flag(value) -> int:
    key = "" if value is None else str(value).strip().casefold()
    if key not in FLAGS:
        raise ValueError(f"{value!r} is not yes or no; give 1 or 0 (or leave it empty)")
    return FLAGS[key]


def limit(value) -> int:
    if _blank(value):
        return DEFAULT_LIMIT
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 10000:
        raise ValueError(f"{value!r} is not a number of hits; give 1 to 10000")
    return int(text)


def listed(value) -> str:
    """'a; b' as stored -> a JSON array (a JSON array passes through)."""
    if value is None or str(value).startswith("["):
        return value or "[]"
    return json.dumps([p for p in str(value).split("; ") if p], ensure_ascii=False)


def capacity(value, unit) -> str:
    return f"{queries._num(value)} {unit}" if value else ""


# --- values looked up in the database ---------------------------------------------------------

_local = threading.local()


def lookup(path: str) -> sqlite3.Connection:
    """A read-only connection of this thread's own for name lookups, one per database file."""
    conns = _local.__dict__.setdefault("conns", {})
    if path not in conns:
        from caj.db import connect

        conns[path] = connect(path)
    return conns[path]


def country(path: str, value) -> str | None:
    return None if _blank(value) else queries.resolve(lookup(path), "country", str(value))


def actor(path: str, value) -> str | None:
    return None if _blank(value) else queries.resolve(lookup(path), "actor", str(value))


def topics(path: str, value) -> str | None:
    """A topic and every topic below it, as a JSON array of ids."""
    if _blank(value):
        return None
    conn = lookup(path)
    top = queries.resolve(conn, "topic", str(value))
    if "parent" not in {r[1] for r in conn.execute("PRAGMA table_info(topics)")}:
        return json.dumps([top])
    rows = conn.execute("WITH RECURSIVE t(id) AS (SELECT ? UNION SELECT x.id FROM topics x "
                        "JOIN t ON x.parent = t.id) SELECT id FROM t", (top,))
    return json.dumps([r[0] for r in rows])


def fact(path: str, value) -> str | None:
    if _blank(value):
        return None
    conn = lookup(path)
    text = str(value).strip()
    if not queries.fact_exists(conn, text):
        queries.show(conn, text)  # raises NotFound with the ids it may have meant
    return text


def match(path: str, value) -> str | None:
    """The search as typed when it is valid FTS5 and finds something; else its words, any of them
    (what `caj search` does)."""
    if _blank(value):
        return None
    text = str(value)
    try:
        sql = "SELECT 1 FROM search_docs_fts WHERE search_docs_fts MATCH ? LIMIT 1"
        if lookup(path).execute(sql, (text,)).fetchone():
            return text
    except sqlite3.OperationalError:
        pass
    return queries.plain_query(text)


PLAIN = {"kind": choice(KINDS, "kind of fact"), "status": choice(STATUSES, "status"),
         "currency": choice(CURRENCIES, "currency"), "year": year, "from": date_from,
         "to": date_to, "flag": flag, "limit": limit}
LOOKED_UP = {"country": country, "actor": actor, "topics": topics, "fact": fact, "match": match}


def register(conn: sqlite3.Connection) -> None:
    """caj_<name>() for each check, plus caj_list and caj_money/caj_capacity for display."""
    path = next((r[2] for r in conn.execute("PRAGMA database_list") if r[1] == "main"), "")
    for name, fn in PLAIN.items():
        conn.create_function(f"caj_{name}", 1, fn, deterministic=True)
    for name, fn in LOOKED_UP.items():
        conn.create_function(f"caj_{name}", 1, _bound(fn, path), deterministic=True)
    conn.create_function("caj_list", 1, listed, deterministic=True)
    conn.create_function("caj_money", 5, queries.money, deterministic=True)
    conn.create_function("caj_capacity", 2, capacity, deterministic=True)


def _bound(fn: Callable, path: str) -> Callable:
    return lambda value: fn(path, value)


# --- checking a canned query's parameters before it runs --------------------------------------

CALL = re.compile(r"caj_(\w+)\(:(\w+)\)")


def check(sql: str, args: dict, path: str) -> None:
    """Run every caj_<fn>(:param) of `sql` on its value; the first failure, as a clear error."""
    seen = {}
    for name, param in dict.fromkeys(CALL.findall(sql)):
        fn = PLAIN.get(name) or (LOOKED_UP.get(name) and _bound(LOOKED_UP[name], path))
        if fn is None:
            continue
        try:
            seen[(name, param)] = fn(args.get(param, ""))
        except (ValueError, queries.NotFound) as exc:
            raise sqlite3.OperationalError(f"{param}: {exc}") from None
    _consistent(args, seen)


def _consistent(args: dict, seen: dict) -> None:
    lo, hi = seen.get(("from", "from")), seen.get(("to", "to"))
    if lo and hi and lo > hi:
        raise sqlite3.OperationalError(f"from {args['from']} is after to {args['to']}")
    if seen.get(("from", "year")) and (lo or hi):
        raise sqlite3.OperationalError("year cannot be combined with from or to")


@hookimpl
def prepare_connection(conn):
    register(conn)


@hookimpl
def register_magic_parameters(datasette):
    def checked(query: str, request) -> int:
        from caj.web import QUERIES

        if query not in QUERIES:
            raise KeyError(query)
        db = datasette.get_database(route=request.url_vars["database"])
        check(QUERIES[query]["sql"], dict(request.args), db.path)
        return 1

    return [("caj", checked)]


# --- fact ids link to their fact page ---------------------------------------------------------

ENTITY_TABLES = {"entities"}
NOT_FACTS = {"sources", "topics", "entities", "fx", "meta", "names", "search_docs"}


LISTS = {"countries", "topics", "japanese_partners", "local_partners", "funders", "sources"}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if "fact" not in (datasette.metadata("queries", database=database) or {}):
        return None
    if column in LISTS and isinstance(value, str) and value.startswith("["):
        return _items(value)
    if table == "sources" and column == "checked" and value in (None, ""):
        return Markup("<em>not checked against a copy</em>")
    if column not in ("id", "fact_id") or table in NOT_FACTS or value in (None, ""):
        return None
    label = value.get("label") if isinstance(value, dict) else None
    ident = value.get("value") if isinstance(value, dict) else value
    keys = row.keys() if hasattr(row, "keys") else []
    base = datasette.urls.database(database)
    if "record" in keys and row["record"] == "entity":
        href = f"{base}/entities/{quote(str(ident), safe='')}"
    else:
        href = f"{base}/fact?id={quote(str(ident), safe='')}"
    text = f"{label} ({ident})" if label and label != ident else str(ident)
    return Markup(f'<a href="{escape(href)}">{escape(text)}</a>')


def _items(value: str) -> str | None:
    """A JSON list shown as its items (source ids for citations); the JSON stays in .json."""
    try:
        items = json.loads(value)
    except ValueError:
        return None
    shown = [i.get("source", "") if isinstance(i, dict) else str(i) for i in items]
    return ", ".join(dict.fromkeys(shown)) or " "
