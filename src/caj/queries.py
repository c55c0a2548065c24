"""Read-only queries. Each returns plain dicts, in a stable order; filters are bound parameters.

Stdlib only, so that a lookup starts fast: no pydantic, no sqlite-utils, no YAML here.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator

from caj.text import fold


class NotFound(Exception):
    """A name, id or value the user gave matches nothing; carries the closest matches."""

    def __init__(self, what: str, given: str, suggestions: list[str]):
        self.what, self.given, self.suggestions = what, given, suggestions
        hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
        super().__init__(f"unknown {what} {given!r}{hint}")


# --- names ------------------------------------------------------------------------------------

ENTITY_KINDS = {
    "country": ("country", "region"),
    "actor": None,  # any entity
}


def resolve(conn: sqlite3.Connection, what: str, text: str) -> str:
    """A name, alias, ISO code or unique prefix -> an id, or NotFound with suggestions."""
    rows = _names(conn, what)
    key = fold(text)
    exact = {r["target"] for r in rows if r["norm"] == key}
    if len(exact) == 1:
        return exact.pop()
    prefixed = {r["target"] for r in rows if len(key) >= 3 and r["norm"].startswith(key)}
    if len(exact) == 0 and len(prefixed) == 1:
        return prefixed.pop()
    raise NotFound(what, text, suggest(rows, key))


def _names(conn: sqlite3.Connection, what: str) -> list:
    if what == "source":
        return [{"norm": fold(r[0]), "name": r[0], "target": r[0], "label": r[0]}
                for r in conn.execute("SELECT id FROM sources")]
    if what in ("topic", "sector"):
        sql = "SELECT norm, name, target, t.label AS label FROM names JOIN topics t ON t.id = target"
        return conn.execute(sql + " WHERE target_kind = 'topic'").fetchall()
    sql = ("SELECT norm, n.name, target, e.name AS label FROM names n JOIN entities e ON e.id = target"
           " WHERE target_kind = 'entity'")
    kinds = ENTITY_KINDS.get(what)
    if kinds:
        sql += f" AND e.kind IN ({','.join('?' * len(kinds))})"
        return conn.execute(sql, kinds).fetchall()
    return conn.execute(sql).fetchall()


def suggest(rows: list[sqlite3.Row], key: str, n: int = 3) -> list[str]:
    """The closest names, by spelling and by shared prefix, each target named once."""
    import difflib  # only a miss pays for it

    by_norm = {r["norm"]: r["label"] for r in rows}
    close = difflib.get_close_matches(key, list(by_norm), n=8, cutoff=0.6)
    close += [k for k in by_norm if key and (k.startswith(key) or key in k.split())]
    labels = list(dict.fromkeys(by_norm[k] for k in close))
    return labels[:n]


def _year(value: int | None, end: bool) -> str | None:
    if value is None:
        return None
    return f"{value:04d}-12-31" if end else f"{value:04d}-01-01"


# --- timeline ---------------------------------------------------------------------------------

FACT_COLUMNS = ("id, date, date_display, kind, title, summary, status, date_basis, countries, "
                "topics, corroborated, disputed, refined, sources_json")


def timeline(conn, *, year_from=None, year_to=None, country=None, topic=None, kind=None,
             source=None, actor=None, status=None) -> Iterator[dict]:
    if country is not None and (year_from is not None or year_to is not None):
        where, args = _country_date_filter(country, year_from, year_to)
        country = None
    else:
        where, args = _date_filter(year_from, year_to)
    for column, table, value in (("entity_id", "fact_countries", country),
                                 ("topic_id", "fact_topics", topic),
                                 ("entity_id", "fact_entities", actor),
                                 ("source_id", "citations", source)):
        if value is not None:
            where.append(f"EXISTS (SELECT 1 FROM {table} x WHERE x.fact_id = f.id AND x.{column} = ?)")
            args.append(value)
    for column, value in (("kind", kind), ("status", status)):
        if value is not None:
            where.append(f"f.{column} = ?")
            args.append(value)
    sql = f"SELECT {FACT_COLUMNS} FROM facts f {_where(where)} ORDER BY f.earliest, f.latest, f.seq"
    return (_fact(r) for r in conn.execute(sql, args))


def _date_filter(year_from, year_to) -> tuple[list[str], list]:
    """Facts whose [earliest, latest] overlaps the asked years, found through the R*Tree."""
    if year_from is None and year_to is None:
        return [], []
    span = "SELECT seq FROM fact_span WHERE"
    return _overlap(span, [], year_from, year_to)


def _country_date_filter(country: str, year_from, year_to) -> tuple[list[str], list]:
    """Facts of a country whose dates overlap the asked years, through the two-dimensional R*Tree."""
    span = ("SELECT seq FROM country_span, (SELECT rowid AS k FROM entities WHERE id = ?) "
            "WHERE c0 <= k AND c1 >= k AND")
    return _overlap(span, [country], year_from, year_to)


def _overlap(span: str, span_args: list, year_from, year_to) -> tuple[list[str], list]:
    """`span` (an R*Tree query ending in WHERE/AND) narrowed to the asked days, then the exact
    overlap test on the facts themselves."""
    lo = _year(year_from, end=False) if year_from is not None else "0001-01-01"
    hi = _year(year_to, end=True) if year_to is not None else "9999-12-31"
    sql = f"f.seq IN ({span} lo <= julianday(?) - 1721424.5 AND hi >= julianday(?) - 1721424.5)"
    return [sql, "f.latest >= ?", "f.earliest <= ?"], [*span_args, hi, lo, lo, hi]


def _where(clauses: list[str]) -> str:
    return f"WHERE {' AND '.join(clauses)}" if clauses else ""


def _split(text: str | None) -> list[str]:
    return [p for p in (text or "").split("; ") if p]


def _fact(r: sqlite3.Row) -> dict:
    return {
        "id": r["id"], "date": r["date"], "when": r["date_display"], "kind": r["kind"],
        "title": r["title"], "summary": r["summary"], "status": r["status"],
        "date_basis": r["date_basis"], "countries": _split(r["countries"]),
        "topics": _split(r["topics"]), "corroborated": bool(r["corroborated"]),
        "disputed": bool(r["disputed"]), "refined": bool(r["refined"]),
        "sources": json.loads(r["sources_json"]),
    }


# --- ODA --------------------------------------------------------------------------------------


def oda(conn, *, year=None, year_from=None, year_to=None, country=None, currency=None) -> list[dict]:
    where, args = [], []
    if year is not None:
        year_from = year_to = year
    for op, value in ((">=", year_from), ("<=", year_to)):
        if value is not None:
            where.append(f"year {op} ?")
            args.append(value)
    if country is not None:
        where.append("recipient = ?")
        args.append(country)
    sql = f"SELECT * FROM v_oda {_where(where)} ORDER BY year, recipient, seq"
    rates = _rates(conn) if currency else {}
    return [_oda_row(r, currency, rates) for r in conn.execute(sql, args)]


def _rates(conn) -> dict[int, float]:
    return {r[0]: r[1] for r in conn.execute("SELECT year, jpy_per_usd FROM fx")}


def _oda_row(r: sqlite3.Row, currency: str | None, rates: dict[int, float]) -> dict:
    row = {
        "id": r["id"], "date": r["date"], "year": r["year"], "donor": r["donor"],
        "recipient": r["recipient"], "amount": r["amount"], "currency": r["currency"],
        "scale": r["scale"], "measure": r["measure"], "year_basis": r["year_basis"],
        "flow_type": r["flow_type"], "value_stated": r["value_stated"], "disputed": bool(r["disputed"]),
    }
    if currency:
        row.update(convert(r["amount"], r["currency"], currency, rates.get(r["year"])))
    row["sources"] = json.loads(r["sources_json"])
    return row


def convert(amount: float, have: str, want: str, rate: float | None) -> dict:
    """A stated amount in another currency at the year's average rate; the scale is kept."""
    out = {"converted": None, "converted_currency": want, "rate_jpy_per_usd": rate,
           "rate_source": "wb-wdi-fx" if rate else None}
    if have == want:
        out.update(converted=amount, rate_jpy_per_usd=None, rate_source=None)
    elif rate:
        out["converted"] = round(amount / rate if want == "USD" else amount * rate, 4)
    return out


def oda_total(rows: list[dict]) -> tuple[float | None, str]:
    """The sum, or why there is none: rows must share currency, scale, measure and year basis."""
    if len(rows) < 2:
        return None, "a total needs two or more rows"
    differ = [name for name, key in (
        ("currency", lambda r: r.get("converted_currency") or r["currency"]),
        ("scale", lambda r: r["scale"]), ("measure", lambda r: r["measure"]),
        ("year", lambda r: r["year"]), ("year basis", lambda r: r["year_basis"]),
    ) if len({key(r) for r in rows}) > 1]
    if differ:
        return None, f"no total: the rows differ in {' and '.join(differ)}"
    if any(r.get("converted_currency") and r["converted"] is None for r in rows):
        return None, "no total: some rows have no exchange rate for their year"
    field = "converted" if rows[0].get("converted_currency") else "amount"
    return round(sum(r[field] for r in rows), 4), ""


# --- projects ---------------------------------------------------------------------------------


def projects(conn, *, country=None, sector=None, partner=None, status=None) -> list[dict]:
    where, args = [], []
    for column, value in (("country", country), ("sector", sector), ("status", status)):
        if value is not None:
            where.append(f"{column} = ?")
            args.append(value)
    if partner is not None:
        where.append("EXISTS (SELECT 1 FROM fact_entities x WHERE x.fact_id = p.id AND x.entity_id = ?)")
        args.append(partner)
    sql = f"SELECT * FROM v_projects p {_where(where)} ORDER BY country, earliest, seq"
    return [_project_row(r) for r in conn.execute(sql, args)]


def _project_row(r: sqlite3.Row) -> dict:
    return {
        "id": r["id"], "date": r["date"], "when": r["date_display"], "date_basis": r["date_basis"],
        "name": r["name"], "country": r["country"], "sector": r["sector"], "status": r["status"],
        "japanese_partners": _split(r["japanese_partners"]),
        "local_partners": _split(r["local_partners"]), "funders": _split(r["funders"]),
        "finance": money(r["finance_amount"], r["finance_currency"], r["finance_scale"],
                         r["finance_ceiling"], r["finance_instrument"]),
        "capacity": f"{_num(r['capacity_value'])} {r['capacity_unit']}" if r["capacity_value"] else "",
        "summary": r["summary"], "corroborated": bool(r["corroborated"]),
        "disputed": bool(r["disputed"]), "refined": bool(r["refined"]),
        "sources": json.loads(r["sources_json"]),
    }


SYMBOL = {"USD": "US$", "JPY": "¥"}


def money(amount, currency, scale, ceiling=False, instrument=None) -> str:
    if amount is None:
        return ""
    text = f"{SYMBOL.get(currency, currency + ' ')}{_num(amount)}"
    text += "" if scale == "unit" else f" {scale}"
    if ceiling:
        text = f"up to {text}"
    return f"{text} ({instrument})" if instrument else text


def _num(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


# --- one record -------------------------------------------------------------------------------


def show(conn, fact_id: str) -> dict:
    row = conn.execute(f"SELECT {FACT_COLUMNS}, earliest, latest, precision FROM facts WHERE id = ?",
                       (fact_id,)).fetchone()
    if row is None:
        import difflib

        # ids that contain what was typed come first ("enersok" -> enersok-jbic-loan-2023), then
        # the closest spellings
        words = fold(fact_id).replace(" ", "-")
        like = "%" + words.replace("\\", "").replace("%", "").replace("_", "\\_") + "%"
        near = [r[0] for r in conn.execute(
            "SELECT id FROM facts WHERE id LIKE ? ESCAPE '\\' ORDER BY seq LIMIT 3", (like,))]
        if len(near) < 3:
            ids = [r[0] for r in conn.execute("SELECT id FROM facts")]
            near += [i for i in difflib.get_close_matches(words, ids, n=3, cutoff=0.5) if i not in near]
        raise NotFound("fact id", fact_id, near[:3])
    rec = _fact(row)
    rec.update(earliest=row["earliest"], latest=row["latest"], precision=row["precision"])
    rec["entities"] = [dict(r) for r in conn.execute(
        "SELECT x.entity_id AS entity, e.name, x.role FROM fact_entities x "
        "JOIN entities e ON e.id = x.entity_id WHERE x.fact_id = ? ORDER BY x.role, e.name", (fact_id,))]
    rec["citations"] = [dict(r) for r in conn.execute(
        "SELECT c.source_id AS source, s.publisher, c.locator, c.stance, c.value, c.date, c.note "
        "FROM citations c JOIN sources s ON s.id = c.source_id WHERE fact_id = ? ORDER BY n", (fact_id,))]
    for table, key in (("oda", "oda"), ("projects", "project"), ("figures", "figure")):
        block = conn.execute(f"SELECT * FROM {table} WHERE fact_id = ?", (fact_id,)).fetchone()
        if block:
            rec[key] = {k: block[k] for k in block.keys() if k not in ("fact_id", "factor")}  # noqa: SIM118 (sqlite3.Row iterates values)
    return rec


# --- search -----------------------------------------------------------------------------------


def search(conn, text: str, limit: int = 50) -> list[dict]:
    """FTS5, ranked by bm25 (titles weigh more); text that is not valid FTS syntax is searched as
    plain words. Ranking runs in SQLite; snippets are cut only for the hits shown."""
    try:
        hits = _ranked(conn, text, limit)
    except sqlite3.OperationalError:
        hits = []
    if not hits:  # a question or stray syntax: any of its words, best match first
        text = plain_query(text)
        hits = _ranked(conn, text, limit)
    if not hits:
        return []
    marks = ",".join("?" * len(hits))
    snippets = dict(conn.execute(
        "SELECT rowid, snippet(search_docs_fts, 1, char(2), char(3), '…', 12) FROM search_docs_fts "
        f"WHERE search_docs_fts MATCH ? AND rowid IN ({marks})", (text, *hits)).fetchall())
    rows = conn.execute(f"SELECT rowid, doc_kind, ref, title FROM search_docs WHERE rowid IN ({marks})",
                        hits).fetchall()
    by_id = {r["rowid"]: r for r in rows}
    return [_search_row(conn, by_id[h], snippets.get(h, "")) for h in hits]


def _ranked(conn, text: str, limit: int) -> list[int]:
    sql = "SELECT rowid FROM search_docs_fts WHERE search_docs_fts MATCH ? ORDER BY rank LIMIT ?"
    return [r[0] for r in conn.execute(sql, (text, limit))]


STOPWORDS = {
    "a", "an", "and", "are", "as", "at", "be", "by", "did", "do", "does", "for", "from", "had", "has",
    "have", "how", "in", "is", "it", "its", "of", "on", "or", "the", "to", "was", "were", "what",
    "when", "where", "which", "who", "whom", "why", "with"
}


def plain_query(text: str) -> str:
    """Each word quoted, so FTS operators and punctuation lose their meaning; any word may match."""
    words = [w for w in re.findall(r"\w+", text) if w.casefold() not in STOPWORDS]
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words)) or '""'


def _search_row(conn, r: sqlite3.Row, hit: str) -> dict:
    if r["doc_kind"] == "fact":
        f = conn.execute("SELECT date, date_display, sources_json FROM facts WHERE id = ?",
                         (r["ref"],)).fetchone()
        date, when, sources = f["date"], f["date_display"], json.loads(f["sources_json"])
    else:
        date, when, sources = None, None, []
    return {"id": r["ref"], "type": r["doc_kind"], "date": date, "when": when, "title": r["title"],
            "match": hit, "sources": sources}


# --- lists ------------------------------------------------------------------------------------


def sources(conn) -> list[dict]:
    sql = "SELECT id, kind, date, publisher, title, author, url, reliability, n_facts FROM sources"
    return [dict(r) for r in conn.execute(sql + " ORDER BY kind = 'dataset', id")]


def entities(conn, kinds: tuple[str, ...] | None = None) -> list[dict]:
    sql = ("SELECT e.id, e.kind, e.name, e.iso2, e.iso3, e.aliases, "
           "(SELECT count(DISTINCT fact_id) FROM fact_entities x WHERE x.entity_id = e.id) + "
           "(SELECT count(*) FROM fact_countries c WHERE c.entity_id = e.id AND c.fact_id NOT IN "
           " (SELECT fact_id FROM fact_entities y WHERE y.entity_id = e.id)) AS facts FROM entities e")
    args: tuple = ()
    if kinds:
        sql += f" WHERE e.kind IN ({','.join('?' * len(kinds))})"
        args = kinds
    rows = conn.execute(sql + " ORDER BY facts DESC, e.name", args)
    return [{**dict(r), "aliases": _split(r["aliases"])} for r in rows]


def topics(conn) -> list[dict]:
    sql = ("SELECT t.id, t.label, (SELECT count(*) FROM fact_topics x WHERE x.topic_id = t.id) "
           "+ (SELECT count(*) FROM projects p WHERE p.sector = t.id AND p.fact_id NOT IN "
           "(SELECT fact_id FROM fact_topics y WHERE y.topic_id = t.id)) AS facts FROM topics t "
           "ORDER BY facts DESC, t.id")
    return [dict(r) for r in conn.execute(sql)]


def conflicts(conn) -> list[dict]:
    """Facts where a citation contradicts or refines: the document's word beside the record's."""
    out = []
    for fact_id in [r[0] for r in conn.execute(
            "SELECT DISTINCT fact_id FROM v_conflicts ORDER BY seq")]:
        cites = conn.execute("SELECT * FROM v_conflicts WHERE fact_id = ? ORDER BY n", (fact_id,)).fetchall()
        says = [c for c in cites if c["stance"] in ("states", "supports")]
        for c in (c for c in cites if c["stance"] in ("contradicts", "refines")):
            doc = says[0] if says else None
            # the fact's date is the document's word only when the document states it; a date
            # taken from the public record is the record's, never shown as the document's
            own = c["fact_date"] if c["date_basis"] == "stated" else None
            out.append({
                "id": fact_id, "date": c["fact_date"], "title": c["title"],
                "document_says": _claim(doc, own), "stance": c["stance"],
                "record_says": _claim(c, None), "note": c["note"],
                "sources": [{"source": x["source_id"], "locator": x["locator"]} for x in (doc, c) if x],
            })
    return out


def _claim(c, fallback_date) -> str:
    """What one citation says: its figure as printed, else its quoted words, and its date."""
    if c is None:
        return ""
    said = c["value"] or (f"“{c['quote']}”" if c["quote"] else None)
    parts = [said, c["date"] or fallback_date]
    return " · ".join(p for p in parts if p) + f" ({c['source_id']})"


def fact_exists(conn, fact_id: str) -> bool:
    return conn.execute("SELECT 1 FROM facts WHERE id = ?", (fact_id,)).fetchone() is not None
