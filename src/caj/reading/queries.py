"""Every question a face asks, one function each, answered in records of the vocabulary
(core.vocab). The terminal, the web pages, the exports, the pictures and MCP all call these; no face
writes SQL over the facts. Each function takes what a reader typed (names, aliases, ISO codes, dates
as YYYY, YYYY-MM, a decade) and raises UsageError or NotFound with one line for what it cannot use.

Stdlib only, so that a lookup starts fast: no pydantic, no sqlite-utils, no YAML here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator

from caj.core import display, vocab
from caj.core.dates import bound
from caj.core.dates import year as parse_year
from caj.core.errors import NotFound, UsageError, literal, shown
from caj.core.i18n import N_, _
from caj.core.names import fold
from caj.reading.db import stored_json

# --- what a reader typed -> what the database stores ------------------------------------------


def choose(what: str, value: str | None, options: tuple[str, ...]) -> str | None:
    """One of a fixed set, in any case or by a unique prefix; otherwise a usage error that
    suggests the closest ones."""
    if value is None:
        return None
    key = str(value).strip().casefold()
    by_key = {o.casefold(): o for o in options}
    if key in by_key:
        return by_key[key]
    prefixed = [o for k, o in by_key.items() if key and k.startswith(key)]
    if len(prefixed) == 1:
        return prefixed[0]
    import difflib

    near = difflib.get_close_matches(key, list(by_key), n=2, cutoff=0.5) if len(key) < 100 else []
    names = _(" or ").join(repr(by_key[n]) for n in near)
    hint = _("did you mean {names}? ").format(names=names) if near else ""
    raise UsageError(_("unknown {what} {value}; {hint}choose from {options}").format(
        what=_(what), value=shown(value), hint=hint, options=", ".join(options)))


def span(year=None, date_from=None, date_to=None) -> tuple[str | None, str | None]:
    """--year Y is --from Y --to Y; each date must be one, and the range must run forwards."""
    try:
        if year is not None:
            if date_from is not None or date_to is not None:
                raise UsageError(_("{year} cannot be combined with {from} or {to}"), ("year", "from", "to"))
            return str(parse_year(year)), str(parse_year(year))
        lo, hi = bound(date_from, False), bound(date_to, True)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if lo and hi and lo > hi:
        said = _("{from} {after} is after {to} {before}")
        said = said.replace("{after}", literal(date_from)).replace("{before}", literal(date_to))
        raise UsageError(said, ("from", "to"))
    return (None if date_from is None else str(date_from).strip(),
            None if date_to is None else str(date_to).strip())


def named(conn, what: str, text: str | None) -> str | None:
    """A name as typed -> its id (None stays None)."""
    return None if text is None else resolve(conn, what, text)


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


KINDS, STATUSES, CURRENCIES = vocab.values("fact_kind"), vocab.values("status"), vocab.values("currency")


# --- timeline ---------------------------------------------------------------------------------

FACT_COLUMNS = ("f.id, f.date, f.date_display, f.kind, f.title, f.summary, f.status, f.date_basis, "
                "f.countries, f.topics, f.corroborated, f.disputed, f.refined, f.sources_json")
# statements the text makes without a date are dated by the document itself: not on a timeline
# of what happened unless asked for
DATED = "f.date_basis != 'source'"


def timeline(conn, *, year=None, date_from=None, date_to=None, country=None, topic=None, kind=None,
             source=None, actor=None, status=None, with_undated=False) -> Iterator[dict]:
    """`caj timeline`: dated facts in order. Every filter as a reader types it."""
    lo, hi = span(year, date_from, date_to)
    where, args = fact_filter(
        conn, date_from=lo, date_to=hi, country=named(conn, "country", country),
        topic=named(conn, "topic", topic), kind=choose("kind", kind, KINDS),
        source=named(conn, "source", source), actor=named(conn, "actor", actor),
        status=choose("status", status, STATUSES), with_undated=with_undated)
    sql = f"SELECT {FACT_COLUMNS} FROM facts f {_where(where)} ORDER BY f.earliest, f.latest, f.seq"
    return (fact_record(r) for r in conn.execute(sql, args))


def fact_filter(conn, *, date_from=None, date_to=None, country=None, topic=None, kind=None,
                source=None, actor=None, status=None, with_undated=True) -> tuple[list[str], list]:
    """WHERE clauses (over `facts f`) and their arguments, shared by every fact listing; every
    value here is already an id or a checked date."""
    if country is not None and (date_from is not None or date_to is not None):
        where, args = _country_date_filter(country, date_from, date_to)
        country = None
    else:
        where, args = _date_filter(date_from, date_to)
    for column, table, value in (("entity_id", "fact_countries", country),
                                 ("entity_id", "fact_entities", actor),
                                 ("source_id", "citations", source)):
        if value is not None:
            where.append(f"EXISTS (SELECT 1 FROM {table} x WHERE x.fact_id = f.id AND x.{column} = ?)")
            args.append(value)
    if topic is not None:
        clause, topic_args = topic_clause(conn, topic)
        where.append(clause)
        args += topic_args
    for column, value in (("kind", kind), ("status", status)):
        if value is not None:
            where.append(f"f.{column} = ?")
            args.append(value)
    if not with_undated:
        where.append(DATED)
    return where, args


def topic_family(conn, topic: str) -> list[str]:
    """A topic and every topic beneath it."""
    sql = ("WITH RECURSIVE t(id) AS (SELECT ? UNION SELECT x.id FROM topics x JOIN t ON x.parent = t.id)"
           " SELECT id FROM t")
    return [r[0] for r in conn.execute(sql, (topic,))]


def topic_clause(conn, topic: str) -> tuple[str, list]:
    """Filed under the topic or one beneath it, or a project in that sector."""
    family = topic_family(conn, topic)
    marks = ",".join("?" * len(family))
    return (f"(EXISTS (SELECT 1 FROM fact_topics x WHERE x.fact_id = f.id AND x.topic_id IN ({marks}))"
            f" OR EXISTS (SELECT 1 FROM projects p WHERE p.fact_id = f.id AND p.sector IN ({marks})))",
            family * 2)


def _date_filter(year_from, year_to) -> tuple[list[str], list]:
    """Facts whose [earliest, latest] overlaps the asked days, found through the R*Tree."""
    if year_from is None and year_to is None:
        return [], []
    span = "SELECT seq FROM fact_span WHERE"
    return _overlap(span, [], year_from, year_to)


def _country_date_filter(country: str, year_from, year_to) -> tuple[list[str], list]:
    """Facts of a country whose dates overlap the asked days, through the two-dimensional R*Tree."""
    span = ("SELECT seq FROM country_span, (SELECT rowid AS k FROM entities WHERE id = ?) "
            "WHERE c0 <= k AND c1 >= k AND")
    return _overlap(span, [country], year_from, year_to)


def _overlap(span: str, span_args: list, year_from, year_to) -> tuple[list[str], list]:
    """`span` (an R*Tree query ending in WHERE/AND) narrowed to the asked days, then the exact
    overlap test on the facts themselves."""
    lo = bound(year_from, end=False) or "0001-01-01"
    hi = bound(year_to, end=True) or "9999-12-31"
    sql = f"f.seq IN ({span} lo <= julianday(?) - 1721424.5 AND hi >= julianday(?) - 1721424.5)"
    return [sql, "f.latest >= ?", "f.earliest <= ?"], [*span_args, hi, lo, lo, hi]


def _where(clauses: list[str]) -> str:
    return f"WHERE {' AND '.join(clauses)}" if clauses else ""


def _split(text: str | None) -> list[str]:
    return vocab.split_list(text or "")


def fact_record(r: sqlite3.Row) -> dict:
    """The fields every fact carries, in every command (docs/formats.md)."""
    return {
        "id": r["id"], "kind": r["kind"], "date": r["date"], "when": r["date_display"],
        "title": r["title"], "summary": r["summary"], "status": r["status"],
        "date_basis": r["date_basis"], "countries": _split(r["countries"]),
        "topics": _split(r["topics"]), "corroborated": bool(r["corroborated"]),
        "disputed": bool(r["disputed"]), "refined": bool(r["refined"]),
        "sources": stored_json(r["sources_json"]),
    }


# --- ODA --------------------------------------------------------------------------------------


def oda(conn, *, year=None, date_from=None, date_to=None, country=None, currency=None) -> list[dict]:
    """`caj oda`: ODA figures as stated; with `currency`, each converted at its year's rate."""
    lo, hi = span(year, date_from, date_to)
    country, currency = named(conn, "country", country), choose("currency", currency, CURRENCIES)
    where, args = [], []
    for op, value, end in ((">=", lo, False), ("<=", hi, True)):
        if value is not None:
            where.append(f"o.year {op} ?")
            args.append(int(bound(value, end)[:4]))
    if country is not None:
        where.append("o.recipient = ?")
        args.append(country)
    sql = (f"SELECT {FACT_COLUMNS}, o.* FROM oda o JOIN facts f ON f.id = o.fact_id {_where(where)} "
           "ORDER BY o.year, o.recipient, f.seq")
    rates = _rates(conn) if currency else {}
    return [_oda_row(r, currency, rates) for r in conn.execute(sql, args)]


def _rates(conn) -> dict[int, float]:
    return {r[0]: r[1] for r in conn.execute("SELECT year, jpy_per_usd FROM fx")}


# an ODA record's own fields, as the registry lists them (caveats are a list, read apart)
ODA_FIELDS = tuple(f for f in vocab.ODA if f not in vocab.FACT and f != "caveats")


def _oda_row(r: sqlite3.Row, currency: str | None, rates: dict[int, float]) -> dict:
    row = fact_record(r)
    sources = row.pop("sources")
    row.update({k: r[k] for k in ODA_FIELDS})
    row["caveats"] = stored_json(r["caveats"])  # stored by the build (display.oda_caveats)
    if currency:
        row.update(convert(r["amount"], r["currency"], currency, rates.get(r["year"])))
        if r["currency"] != currency:
            rate = row["rate_jpy_per_usd"]
            row["caveats"].append(display.conversion_caveat(r["year"], rate, row["rate_source"]))
    row["sources"] = sources
    return row


def convert(amount: float, have: str, want: str, rate: float | None) -> dict:
    """A stated amount in another currency at the year's average rate; the scale is kept."""
    out = {"converted": None, "converted_currency": want, "rate_jpy_per_usd": rate,
           "rate_source": vocab.RATE_SOURCE if rate else None}
    if have == want:
        out.update(converted=amount, rate_jpy_per_usd=None, rate_source=None)
    elif rate:
        out["converted"] = round(amount / rate if want == "USD" else amount * rate, 4)
    return out


def oda_total(rows: list[dict]) -> tuple[float | None, str]:
    """The sum, or why there is none: rows must share currency, scale, measure and year basis."""
    if len(rows) < 2:
        return None, _("a total needs two or more rows")
    differ = [name for name, key in (
        (N_("currency"), lambda r: r.get("converted_currency") or r["currency"]),
        (N_("scale"), lambda r: r["scale"]), (N_("measure"), lambda r: r["measure"]),
        (N_("year"), lambda r: r["year"]), (N_("year basis"), lambda r: r["year_basis"]),
    ) if len({key(r) for r in rows}) > 1]
    if differ:
        what = _(" and ").join(_(d) for d in differ)
        return None, _("no total: the rows differ in {what}").format(what=what)
    if any(r.get("converted_currency") and r["converted"] is None for r in rows):
        return None, _("no total: some rows have no exchange rate for their year")
    field = "converted" if rows[0].get("converted_currency") else "amount"
    return round(sum(r[field] for r in rows), 4), ""


# --- projects ---------------------------------------------------------------------------------


def projects(conn, *, country=None, sector=None, partner=None, status=None) -> list[dict]:
    """`caj projects`: by host country, then date, then name. `sector` is a topic and takes in the
    topics beneath it, exactly as `timeline --kind project --topic` does."""
    where, args = fact_filter(
        conn, country=named(conn, "country", country), topic=named(conn, "sector", sector),
        actor=named(conn, "actor", partner), status=choose("status", status, STATUSES), kind="project")
    # asked for one country, they read as one list in date order; otherwise by host country first
    by_host = "" if country is not None else "p.country, "
    sql = (f"SELECT {FACT_COLUMNS}, p.* FROM projects p JOIN facts f ON f.id = p.fact_id "
           f"{_where(where)} ORDER BY {by_host}f.earliest, f.latest, p.name, f.seq")
    return [_project_row(r) for r in conn.execute(sql, args)]


def _project_row(r: sqlite3.Row) -> dict:
    row = fact_record(r)
    sources = row.pop("sources")
    row.update({
        "project_name": r["name"], "host_country": r["country"], "sector": r["sector"],
        "japanese_partners": _split(r["japanese_partners"]),
        "local_partners": _split(r["local_partners"]), "funders": _split(r["funders"]),
        "finance": display.money(r["finance_amount"], r["finance_currency"], r["finance_scale"],
                                 r["finance_ceiling"], r["finance_instrument"]) or None,
        "capacity": display.capacity(r["capacity_value"], r["capacity_unit"]),
        "sources": sources,
    })
    return row


# --- one record -------------------------------------------------------------------------------


ID_MAX = 200  # no id is longer; anything longer is not looked for


def show(conn, ref: str) -> dict:
    """`caj show`: one fact, or one entity, with everything about it; ids in any case."""
    key = str(ref).strip().casefold()
    if not key:
        raise UsageError(_("give an id, e.g. `caj show oda-2016-uzbekistan` (`caj search` finds ids)"))
    if len(key) > ID_MAX:
        raise NotFound("id", ref)
    row = conn.execute(f"SELECT {FACT_COLUMNS}, f.earliest, f.latest, f.precision FROM facts f "
                       "WHERE f.id = ?", (key,)).fetchone()
    if row is not None:
        return _fact_card(conn, row)
    entity = conn.execute("SELECT * FROM entities WHERE id = ?", (key,)).fetchone()
    if entity is None:
        entity = _entity_by_name(conn, ref)
    if entity is not None:
        return _entity_card(conn, entity)
    raise NotFound("id", ref, _near_ids(conn, key))


def _near_ids(conn, key: str, with_sources: bool = False) -> list[str]:
    """Ids that contain what was typed ("enersok" -> enersok-jbic-loan-2023), then the closest."""
    import difflib

    words = fold(key).replace(" ", "-")
    if not 3 <= len(words) <= ID_MAX:  # an empty, junk or overlong id is near nothing
        return []
    like = "%" + words.replace("\\", "").replace("%", "").replace("_", "\\_") + "%"
    near = [r[0] for r in conn.execute(
        "SELECT id FROM facts WHERE id LIKE ? ESCAPE '\\' ORDER BY seq LIMIT 3", (like,))]
    if len(near) < 3:
        other = "sources" if with_sources else "entities"
        ids = [r[0] for r in conn.execute(f"SELECT id FROM facts UNION ALL SELECT id FROM {other}")]
        near += [i for i in difflib.get_close_matches(words, ids, n=3, cutoff=0.6) if i not in near]
    return near[:3]


def _fact_card(conn, row: sqlite3.Row) -> dict:
    rec = fact_record(row)
    fid = rec["id"]
    rec.update(earliest=row["earliest"], latest=row["latest"], precision=row["precision"])
    rec["entities"] = [dict(r) for r in conn.execute(
        "SELECT x.entity_id AS id, e.name, e.kind, x.role FROM fact_entities x "
        "JOIN entities e ON e.id = x.entity_id WHERE x.fact_id = ? ORDER BY x.role, e.name", (fid,))]
    rec["country_names"] = [_label(conn, "entities", "name", c) for c in rec["countries"]]
    rec["topic_names"] = [_label(conn, "topics", "label", t) for t in rec["topics"]]
    rec["citations"] = [_citation(r) for r in conn.execute(
        "SELECT c.*, s.title AS source_title, s.publisher, s.url AS source_url, s.checked AS source_checked,"
        " s.document AS source_document FROM citations c "
        "JOIN sources s ON s.id = c.source_id WHERE c.fact_id = ? ORDER BY c.n", (fid,))]
    for table, key in (("oda", "oda"), ("projects", "project"), ("figures", "figure")):
        block = conn.execute(f"SELECT * FROM {table} WHERE fact_id = ?", (fid,)).fetchone()
        if block:
            rec[key] = {k: block[k] for k in block.keys() if k not in ("fact_id", "factor")}  # noqa: SIM118 (sqlite3.Row iterates values)
    return rec


def _label(conn, table: str, column: str, key: str) -> str:
    row = conn.execute(f"SELECT {column} FROM {table} WHERE id = ?", (key,)).fetchone()
    return row[0] if row else key


def _citation(r: sqlite3.Row) -> dict:
    out = {k: r[k] for k in vocab.CITATION if k != "source"}
    return {"source": r["source_id"], **out, "source_document": bool(r["source_document"])}


def _entity_by_name(conn, text: str) -> sqlite3.Row | None:
    """An entity named exactly (any alias, any case) when the text is no id."""
    hits = {r[0] for r in conn.execute(
        "SELECT target FROM names WHERE target_kind = 'entity' AND norm = ?", (fold(text),))}
    if len(hits) != 1:
        return None
    return conn.execute("SELECT * FROM entities WHERE id = ?", (hits.pop(),)).fetchone()


def _entity_card(conn, e: sqlite3.Row) -> dict:
    sql = (f"SELECT {FACT_COLUMNS} FROM facts f WHERE f.id IN (SELECT fact_id FROM fact_entities "
           "WHERE entity_id = ? UNION SELECT fact_id FROM fact_countries WHERE entity_id = ?) "
           "ORDER BY f.earliest, f.latest, f.seq")
    facts = [fact_record(r) for r in conn.execute(sql, (e["id"], e["id"]))]
    return {
        "id": e["id"], "kind": e["kind"], "date": None, "when": None, "title": e["name"],
        "aliases": _split(e["aliases"]), "iso2": e["iso2"], "iso3": e["iso3"],
        "country": e["country"], "country_name": _label(conn, "entities", "name", e["country"]),
        "note": e["note"], "n_facts": len(facts),
        "facts": [{k: f[k] for k in ("id", "kind", "date", "when", "title", "date_basis")} for f in facts],
        "sources": [],
    }


# --- search -----------------------------------------------------------------------------------


HIT_START, HIT_END = "\x02", "\x03"  # around a search hit in a snippet; a table highlights it


class Hits(list):
    """Search hits, best first, with how many matched in all (`total`) and how they were found
    (`how`: None for words, "names" for names spelled like the text), for the face to say."""

    total: int = 0
    how: str | None = None


def search(conn: sqlite3.Connection, text: str, limit: int = 20, marked: bool = False,
           lang: str = "en") -> Hits:
    """`caj search`: the hits as records; `marked` keeps the HIT_START/HIT_END marks around the
    matched words, for a face that highlights them. In another language the words are looked for
    in that language's index (core.words), and the hits are in that language."""
    if not str(text).strip():
        raise UsageError(_("give words to search for, e.g. `caj search railway`"))
    try:
        limit = int(limit)
    except (TypeError, ValueError):
        raise UsageError(f"{{limit}} {literal(shown(limit))} is not a number; give 1 to 10000",
                         ("limit",)) from None
    if not 1 <= limit <= 10000:
        raise UsageError(f"{{limit}} {limit} is out of range; give 1 to 10000", ("limit",))
    if lang != "en":
        return _search_in(conn, str(text), limit, lang)
    rows, total, how = search_hits(conn, str(text), limit)
    if not marked:
        for row in rows:
            row["match"] = row["match"].replace(HIT_START, "").replace(HIT_END, "")
    hits = Hits(rows)
    hits.total, hits.how = total, how
    return hits


def _search_in(conn: sqlite3.Connection, text: str, limit: int, lang: str) -> Hits:
    """Search one language's index; what it does not find there is looked for in English (a
    Latin name, an id), and the hits are given in the language either way."""
    from caj.core import words
    from caj.reading.lang import localize

    match = words.query(text, lang)
    sql = ("SELECT docid FROM search_words WHERE search_words MATCH ? AND lang = ? "
           "ORDER BY bm25(search_words, 5.0, 1.0)")
    try:
        found = [r[0] for r in conn.execute(sql, (match, lang))] if match else []
    except sqlite3.OperationalError:
        found = []
    if not found:
        rows, total, how = search_hits(conn, text, limit)
        hits = Hits(localize(conn, "search", rows, lang))
    else:
        rows = _hit_rows(conn, found[:limit], None)
        hits, total, how = Hits(localize(conn, "search", rows, lang)), len(found), None
        prose = dict(conn.execute("SELECT ref, text FROM translations WHERE lang = ? AND field IN "
                                  "('summary', 'note')", (lang,)).fetchall())
        for r in hits:
            r["match"] = _lead(prose.get(r["id"]) or r["match"], 16 if lang != "ja" else 60)
    for r in hits:
        r["match"] = r["match"].replace(HIT_START, "").replace(HIT_END, "")
    hits.total, hits.how = total, how
    return hits


def search_hits(conn, text: str, limit: int = 50) -> tuple[list[dict], int, str | None]:
    """(hits, how many matched in all, how they were found). FTS5 ranked by bm25 (titles weigh
    most); text that is not valid FTS syntax is searched as plain words; with no hit at all,
    names and aliases close in spelling ('nazarbaev' -> Nazarbayev)."""
    how = None
    try:
        hits, total = _ranked(conn, text, limit)
    except sqlite3.OperationalError:
        hits, total = [], 0
    if not hits:  # a question or stray syntax: any of its words, best match first
        text = plain_query(text)
        hits, total = _ranked(conn, text, limit)
    if not hits:
        hits, text = _close_names(conn, text, limit), None
        total, how = len(hits), "close spelling"
    return _hit_rows(conn, hits, text), total, how


def _ranked(conn, text: str, limit: int) -> tuple[list[int], int]:
    sql = "SELECT rowid FROM search_docs_fts WHERE search_docs_fts MATCH ? ORDER BY rank LIMIT ?"
    hits = [r[0] for r in conn.execute(sql, (text, limit))]
    if len(hits) < limit:
        return hits, len(hits)
    count = "SELECT count(*) FROM search_docs_fts WHERE search_docs_fts MATCH ?"
    return hits, conn.execute(count, (text,)).fetchone()[0]


def _close_names(conn, text: str, limit: int) -> list[int]:
    """Entities whose name or alias is spelled close to the words asked."""
    import difflib

    words = [w for w in re.findall(r"\w+", fold(text)) if w not in STOPWORDS]
    names = {r[0]: r[1] for r in conn.execute(
        "SELECT norm, target FROM names WHERE target_kind = 'entity'")}
    found: dict[str, None] = {}
    for key in [" ".join(words), *words]:
        for near in difflib.get_close_matches(key, list(names), n=5, cutoff=0.75):
            found[names[near]] = None
    refs = list(found)[:limit]
    marks = ",".join("?" * len(refs))
    rows = dict(conn.execute(f"SELECT ref, rowid FROM search_docs WHERE doc_kind = 'entity' "
                             f"AND ref IN ({marks})", refs).fetchall())
    return [rows[r] for r in refs if r in rows]


def _hit_rows(conn, hits: list[int], text: str | None) -> list[dict]:
    if not hits:
        return []
    marks = ",".join("?" * len(hits))
    snippets = {}
    if text is not None:
        snippets = dict(conn.execute(
            "SELECT rowid, snippet(search_docs_fts, 1, char(2), char(3), '…', 14) FROM search_docs_fts "
            f"WHERE search_docs_fts MATCH ? AND rowid IN ({marks})", (text, *hits)).fetchall())
    rows = conn.execute(f"SELECT rowid, doc_kind, ref, title, prose FROM search_docs "
                        f"WHERE rowid IN ({marks})", hits).fetchall()
    by_id = {r["rowid"]: r for r in rows}
    return [_search_row(conn, by_id[h], snippets.get(h) or _lead(by_id[h]["prose"])) for h in hits]


def _lead(prose: str, words: int = 16) -> str:
    if " " not in prose.strip():  # a language written without spaces: so many characters
        return prose if len(prose) <= words else prose[:words] + "…"
    parts = (prose or "").split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


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
        f = conn.execute("SELECT kind, date, date_display, sources_json FROM facts WHERE id = ?",
                         (r["ref"],)).fetchone()
        kind, date, when, sources = f["kind"], f["date"], f["date_display"], stored_json(f["sources_json"])
    else:
        kind = conn.execute("SELECT kind FROM entities WHERE id = ?", (r["ref"],)).fetchone()[0]
        date, when, sources = None, None, []
    return {"id": r["ref"], "kind": kind, "record": r["doc_kind"], "date": date, "when": when,
            "title": r["title"], "match": hit, "sources": sources}


# --- lists ------------------------------------------------------------------------------------


SOURCE_FIELDS = ("title", "description", "publisher", "author", "url", "reliability", "checked", "document",
                 "n_facts")


def sources(conn) -> list[dict]:
    """`caj sources`: the documents first, then the public record, the datasets last."""
    sql = (f"SELECT id, kind, date, {', '.join(SOURCE_FIELDS)} FROM sources "
           "ORDER BY document DESC, kind = 'dataset', id")
    return [{"id": r["id"], "kind": r["kind"], "date": r["date"], "when": display.display_date(r["date"]),
             **{k: r[k] for k in SOURCE_FIELDS}, "document": bool(r["document"]), "sources": []}
            for r in conn.execute(sql)]


def source_rows(conn, ref: str | None = None) -> list[dict]:
    """Sources as stored (every column), one by id or all in id order: what citations are made of."""
    rows = (conn.execute("SELECT * FROM sources ORDER BY id") if ref is None else
            conn.execute("SELECT * FROM sources WHERE id = ?", (ref,)))
    return [{**dict(r), "document": bool(r["document"])} for r in rows]


def cite_items(conn, ref: str) -> list[dict]:
    """`caj cite`: the (source, locator, stance, quote) items to cite for a fact id or a source id."""
    key = str(ref).strip().casefold()
    if not key:
        raise UsageError("give a fact id or a source id, e.g. `caj cite idsa-2024`")
    if len(key) > ID_MAX:
        raise NotFound("fact or source id", ref)
    found = source_rows(conn, key)
    if found:
        return [{"source": found[0], "locator": None, "stance": None, "fact": None}]
    rows = conn.execute(
        "SELECT c.locator, c.stance, c.quote, c.source_id FROM citations c WHERE c.fact_id = ? "
        "ORDER BY c.n", (key,)).fetchall()
    if not rows:
        raise NotFound("fact or source id", ref, _near_ids(conn, key, with_sources=True))
    by_id = {s["id"]: s for s in source_rows(conn)}
    return [{"source": by_id[r["source_id"]], "locator": r["locator"], "stance": r["stance"],
             "fact": key, "quote": r["quote"]} for r in rows]


def all_sources(conn) -> list[dict]:
    """Every source, as items to cite, in id order."""
    return [{"source": s, "locator": None, "stance": None, "fact": None} for s in source_rows(conn)]


def entities(conn, kinds: tuple[str, ...] | None = None) -> list[dict]:
    sql = ("SELECT e.id, e.kind, e.name, e.iso2, e.iso3, e.aliases, "
           "(SELECT count(*) FROM (SELECT fact_id FROM fact_entities x WHERE x.entity_id = e.id "
           " UNION SELECT fact_id FROM fact_countries c WHERE c.entity_id = e.id)) AS n_facts "
           "FROM entities e")
    args: tuple = ()
    if kinds:
        sql += f" WHERE e.kind IN ({','.join('?' * len(kinds))})"
        args = kinds
    rows = conn.execute(sql + " ORDER BY n_facts DESC, e.name", args)
    return [{"id": r["id"], "kind": r["kind"], "date": None, "when": None, "title": r["name"],
             "iso2": r["iso2"], "iso3": r["iso3"], "aliases": _split(r["aliases"]),
             "n_facts": r["n_facts"], "sources": []} for r in rows]


def entity_kinds(conn) -> list[str]:
    return [r[0] for r in conn.execute("SELECT DISTINCT kind FROM entities ORDER BY kind")]


def countries(conn) -> list[dict]:
    """`caj countries`: countries and regions, most facts first."""
    return entities(conn, kinds=("country", "region"))


def actors(conn, kind: str | None = None) -> list[dict]:
    """`caj actors`: every entity, or those of one kind (as typed: any case, a unique prefix)."""
    kind = choose("actor kind", kind, tuple(entity_kinds(conn)))
    return entities(conn, kinds=(kind,) if kind else None)


def topics(conn) -> list[dict]:
    out = []
    for t in conn.execute("SELECT id, label, parent FROM topics ORDER BY coalesce(parent, id), "
                          "parent IS NOT NULL, id").fetchall():
        where, args = fact_filter(conn, topic=t["id"])
        n = conn.execute(f"SELECT count(*) FROM facts f {_where(where)}", args).fetchone()[0]
        out.append({"id": t["id"], "kind": "topic", "date": None, "when": None, "title": t["label"],
                    "parent": t["parent"], "n_facts": n, "sources": []})
    return out


def conflicts(conn) -> list[dict]:
    """Facts where a citation contradicts or refines: the document's word beside the record's."""
    out = []
    for fact_id in [r[0] for r in conn.execute(
            "SELECT DISTINCT fact_id FROM v_conflicts ORDER BY seq")]:
        fact = conn.execute("SELECT kind, date_display FROM facts WHERE id = ?", (fact_id,)).fetchone()
        cites = conn.execute("SELECT * FROM v_conflicts WHERE fact_id = ? ORDER BY n", (fact_id,)).fetchall()
        says = [c for c in cites if c["stance"] == "states"]
        for c in (c for c in cites if c["stance"] in vocab.CONFLICTING):
            doc = says[0] if says else None
            # the fact's date is the document's word only when the document states it; a date
            # taken from the public record is the record's, never shown as the document's
            own = c["fact_date"] if c["date_basis"] == "stated" else None
            out.append({
                "id": fact_id, "kind": fact["kind"], "date": c["fact_date"], "when": fact["date_display"],
                "title": c["title"], "document_says": _claim(doc, own), "stance": c["stance"],
                "record_says": _claim(c, None), "note": c["note"],
                "sources": [{"source": x["source_id"], "locator": x["locator"], "stance": x["stance"]}
                            for x in (doc, c) if x],
            })
    return out


def _claim(c, own_date: str | None) -> str | None:
    """What one citation says: its figure as printed, else its quoted words, and its date, as
    that source gives them (the fact's date only where the document itself states it)."""
    if c is None:
        return None
    said = c["value"] or (f"“{c['quote']}”" if c["quote"] else None)
    parts = [said, c["date"] or own_date]
    return (" · ".join(p for p in parts if p) + f" ({c['source_id']})").lstrip()


def labels(conn) -> dict[str, str]:
    """Entity names and topic labels by id, for tables; an organisation known by its acronym
    (JBIC, JICA) goes by it."""
    out = dict(conn.execute("SELECT id, label FROM topics"))
    for key, name, kind, aliases in conn.execute("SELECT id, name, kind, aliases FROM entities"):
        short = [a for a in _split(aliases) if a.isupper() and 2 < len(a) <= 6 and " " not in a]
        out[key] = short[0] if short and kind not in ("country", "region", "person") else name
    return out


def country_names(conn) -> dict[str, str]:
    """Entity id -> name; a plain lookup (the `countries` listing also counts facts, which a
    million-fact database makes slow)."""
    return dict(conn.execute("SELECT id, name FROM entities").fetchall())


def schema_objects(conn) -> dict[str, tuple[list[str], bool]]:
    """Every table and view: its columns, and whether it is machinery (sqlite_*, a virtual table
    for full-text search or date ranges, or one of their shadow tables)."""
    objects = conn.execute("SELECT name, type, sql FROM sqlite_master WHERE type IN ('table', 'view') "
                           "ORDER BY name").fetchall()
    virtual = [o["name"] for o in objects if (o["sql"] or "").startswith("CREATE VIRTUAL TABLE")]
    out = {}
    for o in objects:
        name = o["name"]
        machinery = name.startswith("sqlite_") or any(name == v or name.startswith(v + "_") for v in virtual)
        out[name] = ([r[1] for r in conn.execute(f"PRAGMA table_info([{name}])")], machinery)
    return out


def fact_count(conn) -> int:
    return conn.execute("SELECT count(*) FROM facts").fetchone()[0]


def database_file(conn) -> str:
    """The file a connection reads (what a cache of its answers is keyed by)."""
    return conn.execute("PRAGMA database_list").fetchone()[2]


def table_counts(conn) -> dict[str, int | None]:
    """Rows in every table, counted once (the database is immutable): what Datasette's inspect
    data holds, so its pages need not count them on every request."""
    out: dict[str, int | None] = {}
    for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"):
        try:
            out[name] = conn.execute(f"SELECT count(*) FROM [{name}]").fetchone()[0]
        except sqlite3.DatabaseError:  # a virtual table whose module is not loaded
            out[name] = None
    return out


def build_info(conn) -> dict[str, str]:
    """The build metadata: schema and data version, content hash, build time."""
    return dict(conn.execute("SELECT key, value FROM meta").fetchall())


# --- the data package's tables ------------------------------------------------------------------

# a package column named in the vocabulary of the commands, where the table stores it otherwise
PACKAGE_COLUMNS = {("facts", "when"): 'date_display AS "when"', ("entities", "title"): "name AS title",
                   ("topics", "title"): "label AS title"}


def package_rows(conn, resource) -> Iterator[dict]:
    """The rows of one resource of the data package (a vocab.Resource), in key order."""
    if resource.name == "oda":  # the figures as `caj oda` gives them, caveats and flags included
        yield from oda(conn)
        return
    cols = ", ".join(PACKAGE_COLUMNS.get((resource.table, c), c) for c in resource.columns)
    order = "seq" if resource.name == "facts" else ", ".join(resource.key)
    sql = f"SELECT {cols} FROM {resource.table} ORDER BY {order}"
    for r in conn.execute(sql):
        yield dict(r)
