"""`caj serve`: the same database on the web, through Datasette.

The metadata is generated from the database itself (its tables, views and columns) and from
caj.fields (what each one means), so the web view describes what the commands read. The canned
queries ask the commands' questions with the commands' parameters; caj.web_plugin supplies the
SQL functions they call. Datasette is imported only by `serve` itself.
"""

from __future__ import annotations

import html
import json
import sqlite3
from pathlib import Path

from caj import fields

INSTALL = 'pip install "caj[web]"'

SETTINGS = {
    "sql_time_limit_ms": 1000,   # a runaway query is stopped, the server keeps serving
    "max_returned_rows": 1000,
    "suggest_facets": False,     # table pages stay fast: facets come from the metadata
    "default_page_size": 100,
    "facet_time_limit_ms": 200,
    "allow_download": True,      # the database is public and immutable
    "truncate_cells_html": 160,  # long summaries end in an ellipsis; .json and .csv keep them
}


class MissingExtra(Exception):
    """Datasette is not installed."""


# --- the command line's questions as canned queries -------------------------------------------

# every fact record's fields, in the vocabulary's order; `sources` comes last, after a kind's own
COUNTRIES = "(SELECT json_group_array(entity_id) FROM fact_countries x WHERE x.fact_id = f.id)"


def fact_fields(countries: str = COUNTRIES) -> str:
    return f"""f.id, f.kind, f.date, f.date_display AS "when", f.title, f.summary, f.status,
  f.date_basis, {countries} AS countries,
  (SELECT json_group_array(topic_id) FROM fact_topics x WHERE x.fact_id = f.id) AS topics,
  f.corroborated, f.disputed, f.refined"""


FACT_FIELDS = fact_fields()
FACT = FACT_FIELDS + ", f.sources_json AS sources"

TIMELINE = f"""SELECT {FACT}
FROM facts f
WHERE :_caj_timeline
  AND (caj_flag(:with_undated) OR f.date_basis IN ('stated', 'record'))
  AND (caj_country(:country) IS NULL OR f.id IN
       (SELECT fact_id FROM fact_countries WHERE entity_id = caj_country(:country)))
  AND (caj_from(:from) IS NULL OR f.latest >= caj_from(:from))
  AND (caj_to(:to) IS NULL OR f.earliest <= caj_to(:to))
  AND (caj_from(:year) IS NULL OR (f.latest >= caj_from(:year) AND f.earliest <= caj_to(:year)))
  AND (caj_kind(:kind) IS NULL OR f.kind = caj_kind(:kind))
  AND (caj_topics(:topic) IS NULL OR f.id IN (SELECT fact_id FROM fact_topics
       WHERE topic_id IN (SELECT value FROM json_each(caj_topics(:topic))))
       OR f.id IN (SELECT fact_id FROM projects
       WHERE sector IN (SELECT value FROM json_each(caj_topics(:topic)))))
ORDER BY f.earliest, f.latest, f.seq"""

ODA = f"""SELECT {fact_fields("json_array(o.recipient)")},
  o.year, o.donor, o.recipient, o.amount, o.currency, o.scale, o.measure, o.year_basis, o.flow_type,
  o.value_stated,
  CASE WHEN caj_currency(:currency) IS NULL OR o.currency = caj_currency(:currency) THEN o.caveats
       ELSE json_insert(o.caveats, '$[#]', CASE WHEN x.jpy_per_usd IS NULL
         THEN 'no exchange rate for ' || o.year || ': not converted'
         ELSE printf('converted at ¥%.2f per US$, the %d annual average (%s)', x.jpy_per_usd, o.year,
                     x.source_id) END) END AS caveats,
  CASE WHEN caj_currency(:currency) IS NULL THEN NULL
       WHEN o.currency = caj_currency(:currency) THEN o.amount
       WHEN x.jpy_per_usd IS NULL THEN NULL
       WHEN caj_currency(:currency) = 'USD' THEN round(o.amount / x.jpy_per_usd, 4)
       ELSE round(o.amount * x.jpy_per_usd, 4) END AS converted,
  caj_currency(:currency) AS converted_currency,
  CASE WHEN o.currency <> caj_currency(:currency) THEN x.jpy_per_usd END AS rate_jpy_per_usd,
  CASE WHEN o.currency <> caj_currency(:currency) THEN x.source_id END AS rate_source,
  f.sources_json AS sources
FROM oda o JOIN facts f ON f.id = o.fact_id LEFT JOIN fx x ON x.year = o.year
WHERE :_caj_oda
  AND (caj_year(:year) IS NULL OR o.year = caj_year(:year))
  AND (caj_country(:country) IS NULL OR o.recipient = caj_country(:country))
ORDER BY o.year, o.recipient, f.seq"""

PROJECTS = f"""SELECT {FACT_FIELDS},
  p.name AS project_name, p.country AS host_country, p.sector,
  caj_list(p.japanese_partners) AS japanese_partners,
  caj_list(p.local_partners) AS local_partners, caj_list(p.funders) AS funders,
  caj_money(p.finance_amount, p.finance_currency, p.finance_scale, p.finance_ceiling,
            p.finance_instrument) AS finance,
  caj_capacity(p.capacity_value, p.capacity_unit) AS capacity, f.sources_json AS sources
FROM projects p JOIN facts f ON f.id = p.fact_id
WHERE :_caj_projects
  AND (caj_country(:country) IS NULL OR f.id IN
       (SELECT fact_id FROM fact_countries WHERE entity_id = caj_country(:country)))
  AND (caj_topics(:sector) IS NULL
       OR p.sector IN (SELECT value FROM json_each(caj_topics(:sector)))
       OR f.id IN (SELECT fact_id FROM fact_topics
                   WHERE topic_id IN (SELECT value FROM json_each(caj_topics(:sector)))))
  AND (caj_status(:status) IS NULL OR f.status = caj_status(:status))
ORDER BY p.country, f.earliest, f.seq"""


def _claim(c: str, fallback: str) -> str:
    """'value · date (source)', the parts that exist, as `caj conflicts` writes it: the figure as
    printed, else the quoted words; the fact's date only where the document states it."""
    said = f"coalesce(nullif({c}.value, ''), '“' || nullif({c}.quote, '') || '”')"
    when = f"coalesce(nullif({c}.date, ''), {fallback})"
    return (f"ltrim(coalesce({said}, '') || CASE WHEN {said} IS NOT "
            f"NULL AND {when} IS NOT NULL THEN ' · ' ELSE '' END || coalesce({when}, '') || "
            f"' (' || {c}.source_id || ')')")


CONFLICTS = f"""SELECT c.fact_id AS id, f.kind, f.date, f.date_display AS "when", f.title,
  (SELECT {_claim("d", "CASE WHEN f.date_basis = 'stated' THEN f.date END")} FROM citations d
   WHERE d.fact_id = c.fact_id AND d.stance = 'states' ORDER BY d.n LIMIT 1) AS document_says,
  c.stance, {_claim("c", "NULL")} AS record_says, c.note,
  (SELECT json_group_array(json_object('source', s.source_id, 'locator', s.locator, 'stance', s.stance))
   FROM citations s WHERE s.fact_id = c.fact_id AND (s.n = c.n OR s.n = (SELECT min(n) FROM citations d
   WHERE d.fact_id = c.fact_id AND d.stance = 'states'))) AS sources
FROM citations c JOIN facts f ON f.id = c.fact_id
WHERE :_caj_conflicts AND c.stance IN ('contradicts', 'refines')
ORDER BY f.seq, c.n"""

SEARCH = """WITH hits AS (
  SELECT rowid, rank, snippet(search_docs_fts, 1, '', '', '…', 12) AS match FROM search_docs_fts
  WHERE :_caj_search AND search_docs_fts MATCH caj_match(:q) ORDER BY rank LIMIT caj_limit(:limit))
SELECT d.ref AS id, coalesce(f.kind, e.kind) AS kind, d.doc_kind AS record, f.date,
  f.date_display AS "when", d.title, h.match, coalesce(f.sources_json, '[]') AS sources
FROM hits h JOIN search_docs d ON d.rowid = h.rowid
  LEFT JOIN facts f ON d.doc_kind = 'fact' AND f.id = d.ref
  LEFT JOIN entities e ON d.doc_kind = 'entity' AND e.id = d.ref
ORDER BY h.rank, h.rowid"""

FACT_PAGE = f"""SELECT {FACT_FIELDS},
  c.n, c.source_id AS source, s.title AS source_title, s.publisher, s.url AS source_url,
  c.locator, c.stance, c.value AS citation_value, c.date AS citation_date, c.note AS citation_note
FROM facts f JOIN citations c ON c.fact_id = f.id JOIN sources s ON s.id = c.source_id
WHERE :_caj_fact AND f.id = caj_fact(:id)
ORDER BY c.n"""

QUERIES = {
    "timeline": {
        "title": "Timeline", "sql": TIMELINE,
        "params": ["country", "from", "to", "year", "kind", "topic", "with_undated"],
        "description": "Dated facts in order, as `caj timeline` lists them. Every field may be "
        "empty. country: name, alias or ISO code (uz, Uzbek, Republic of Uzbekistan); from, to, "
        "year: YYYY, YYYY-MM, YYYY-MM-DD or a decade (1990s), facts whose dates overlap; kind: "
        "event, oda, project or figure; topic: a topic and those below it; with_undated: 1 to add "
        "facts dated only by the document's own date.",
    },
    "oda": {
        "title": "ODA figures", "sql": ODA, "params": ["year", "country", "currency"],
        "description": "Japan's ODA figures as the sources state them, as `caj oda` lists them. "
        "year: four digits; country: the recipient; currency: JPY or USD converts each amount "
        "at its year's average rate (World Bank, source wb-wdi-fx).",
    },
    "projects": {
        "title": "Projects", "sql": PROJECTS, "params": ["country", "sector", "status"],
        "description": "Projects by country, as `caj projects` lists them. sector: a topic and "
        "those below it; status: occurred, planned, proposed, signed, cancelled, ongoing, expected.",
    },
    "conflicts": {
        "title": "Conflicts with the public record", "sql": CONFLICTS, "params": [],
        "description": "Where the public record contradicts or refines a document: both sides, "
        "both sources, as `caj conflicts` lists them.",
    },
    "search": {
        "title": "Search", "sql": SEARCH, "params": ["q", "limit"],
        "description": "Full-text search over facts and entities, best match first, as `caj "
        "search` finds them. Words, \"a phrase\" or a prefix*; limit: at most this many hits "
        "(default 20).",
    },
    "fact": {
        "title": "Fact", "sql": FACT_PAGE, "params": ["id"],
        "description": "One fact with every citation: which source states, supports, contradicts "
        "or refines it, and where. As `caj show ID`.",
    },
}


# --- metadata ---------------------------------------------------------------------------------

TABLE_OPTIONS = {
    "v_facts": {"sort": "earliest", "fts_table": "search_docs_fts", "fts_pk": "seq",
                "facets": [{"array": "countries"}, "kind", {"array": "topics"}, "status", "year"]},
    "facts": {"sort": "earliest", "fts_table": "search_docs_fts", "fts_pk": "seq",
              "label_column": "title", "facets": ["kind", "status", "date_basis"]},
    "v_timeline": {"facets": ["kind", "status"]},
    "entities": {"label_column": "name", "facets": ["kind"]},
    "topics": {"label_column": "label"},
    "sources": {"label_column": "title", "facets": ["kind"]},
    "fact_countries": {"facets": ["entity_id"]},
    "fact_topics": {"facets": ["topic_id"]},
    "fact_entities": {"facets": ["role", "entity_id"]},
    "citations": {"facets": ["stance", "source_id"]},
    "oda": {"sort": "year", "facets": ["year", "recipient", "measure"]},
    "projects": {"facets": ["country", "sector"]},
}


def hidden_tables(conn: sqlite3.Connection) -> list[str]:
    """Build bookkeeping, sqlite_stat*, and every virtual table (FTS, R*Tree) with its shadows."""
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    virtual = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
    return sorted(t for t in tables if t in fields.INTERNAL or t.startswith("sqlite_")
                  or any(t == v or t.startswith(v + "_") for v in virtual))


def metadata(db_path: str | Path) -> dict:
    path = Path(db_path)
    conn = sqlite3.connect(path.resolve().as_uri() + "?mode=ro&immutable=1", uri=True)
    try:
        hidden = hidden_tables(conn)
        names = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table', 'view') ORDER BY name")]
        tables = {name: _hidden() if name in hidden else _table(conn, name) for name in names}
        have = {r[1] for r in conn.execute("PRAGMA table_info(sources)")}
        checked = "s.checked" if "checked" in have else "NULL"
        sources = conn.execute(
            f"SELECT s.id, s.title, s.publisher, s.url, {checked}, EXISTS (SELECT 1 FROM citations d "
            "WHERE d.source_id = s.id AND d.stance = 'states') FROM sources s "
            "ORDER BY s.kind = 'dataset', s.id").fetchall()
        build = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    finally:
        conn.close()
    return {
        "title": fields.TITLE, "description": fields.DESCRIPTION,
        "license": fields.LICENSE, "license_url": fields.LICENSE_URL,
        "source": "Two commentaries and the public record: see the sources table",
        "databases": {path.stem: {
            "description_html": _about(sources, build), "tables": tables,
            "queries": {name: {**q, "hide_sql": True} for name, q in QUERIES.items()},
        }},
    }


def _hidden() -> dict:
    return {"hidden": True}


def _table(conn: sqlite3.Connection, name: str) -> dict:
    cols = [r[1] for r in conn.execute(f"PRAGMA table_info([{name}])")]
    meta = {"description": fields.TABLES.get(name, ""),
            "columns": {c: fields.describe(name, c) or "" for c in cols}}
    return {**meta, **TABLE_OPTIONS.get(name, {})}


def _about(sources: list, build: dict) -> str:
    from caj.queries import NOT_CHECKED, checked_label

    def checked(day, url, document) -> str:
        said = checked_label(day, url, bool(document))
        if said is None:
            return ""
        return f"; <em>{NOT_CHECKED}</em>" if said == NOT_CHECKED else f"; checked {html.escape(said)}"

    items = "".join(
        f"<li>{_link(title or sid, url)} ({html.escape(publisher)}; <code>{html.escape(sid)}</code>"
        f"{checked(day, url, document)})</li>" for sid, title, publisher, url, day, document in sources)
    stamp = html.escape(f"data {build.get('data_version', '?')}, built {build.get('build_time', '?')}"
                        f", content sha256 {build.get('content_hash', '?')[:12]}")
    return (f"<p>{html.escape(fields.DESCRIPTION)}</p><p>Sources:</p><ul>{items}</ul>"
            f"<p><small>{stamp}</small></p>")


def _link(text: str, url: str | None) -> str:
    text = html.escape(text)
    return f'<a href="{html.escape(url)}">{text}</a>' if url else text


# --- serving ----------------------------------------------------------------------------------


def require() -> None:
    try:
        import datasette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise MissingExtra(f"serve needs Datasette; install it with: {INSTALL}") from None


def app(db_path: str | Path):
    """The Datasette instance over `db_path`: immutable, with caj's metadata and plugin."""
    require()
    from datasette.app import Datasette
    from datasette.plugins import pm

    from caj import web_plugin

    if not pm.is_registered(web_plugin):
        pm.register(web_plugin, name="caj")
    return Datasette(immutables=[str(db_path)], metadata=metadata(db_path), settings=SETTINGS)


def serve(db_path: str | Path, host: str, port: int, open_browser: bool = False) -> None:
    ds = app(db_path)
    import uvicorn

    url = f"http://{host}:{port}/"
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, (url,)).start()
    print(f"caj: serving {db_path} at {url} (Ctrl-C stops)", flush=True)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning")


def dump(db_path: str | Path) -> str:
    return json.dumps(metadata(db_path), ensure_ascii=False, indent=2)
