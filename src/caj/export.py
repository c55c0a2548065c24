"""Whole-database exports for the tools readers already use: a TimelineJS story, a Frictionless
data package and a CSL-JSON bibliography.

Standard library only. Rows come from the same query functions the commands use. Every file is
written beside its target under a temporary name and renamed into place, so a failed export
leaves no half-written file; `progress(done, total)` is told how far the work has gone.
"""

from __future__ import annotations

import contextlib
import csv
import html
import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from caj import cite, queries

Progress = Callable[[int, int], None] | None
FOCUS = ("kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan")


class ExportError(Exception):
    """An export that cannot be written; nothing was left behind."""


# --- shared: lanes and atomic writes ------------------------------------------------------------


def country_names(conn) -> dict[str, str]:
    """Entity id -> name; a plain lookup (the `countries` listing also counts facts, which a
    million-fact database makes slow)."""
    columns = {r[1] for r in conn.execute("PRAGMA table_info(entities)")}
    name = "name" if "name" in columns else "title"
    return dict(conn.execute(f"SELECT id, {name} FROM entities").fetchall())


def lane(fact: dict, names: dict[str, str], by: str = "country") -> str:
    """The lane (TimelineJS group, plot row) a fact belongs in: its Central Asian country when it
    has exactly one, Central Asia when it concerns several or the region, else Japan or Other."""
    if by == "kind":
        return fact["kind"]
    countries = fact.get("countries") or []
    focus = [c for c in countries if c in FOCUS]
    if len(focus) == 1:
        return names.get(focus[0], focus[0])
    if focus or "central-asia" in countries:
        return names.get("central-asia", "Central Asia")
    if "japan" in countries:
        return names.get("japan", "Japan")
    return "Other countries"


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Path]:
    """A temporary path beside `path`, renamed onto it only when the block succeeds."""
    path = Path(path)
    if path.is_dir():
        raise ExportError(f"{path} is a folder; give a file name")
    if not path.parent.is_dir():
        raise ExportError(f"folder {path.parent} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    _usual_mode(Path(tmp), 0o666)  # mkstemp makes it private; the export is an ordinary file
    try:
        yield Path(tmp)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _usual_mode(path: Path, mode: int) -> None:
    umask = os.umask(0)
    os.umask(umask)
    path.chmod(mode & ~umask)


def write_text(path: Path | None, text: str, stream=None) -> None:
    """To `path` atomically, or to `stream` (stdout) when no path is given."""
    if path is None:
        stream.write(text)
        return
    with atomic_file(path) as tmp:
        tmp.write_text(text, encoding="utf-8")


# --- TimelineJS ---------------------------------------------------------------------------------


def timelinejs(conn, progress: Progress = None, with_undated: bool = False) -> dict:
    """The timeline as TimelineJS3 JSON: a title slide, then one event per fact."""
    return {"title": _tl_title(conn),
            "events": list(timelinejs_events(conn, progress, with_undated))}


def timelinejs_events(conn, progress: Progress = None, with_undated: bool = False) -> Iterator[dict]:
    """One TimelineJS event per fact of the timeline, in its order, as they are read."""
    names = country_names(conn)
    sources = {s["source"]["id"]: s["source"] for s in cite.all_sources(conn)}
    total = conn.execute("SELECT count(*) FROM facts").fetchone()[0]  # at most this many
    n = 0
    for n, fact in enumerate(queries.timeline(conn, with_undated=with_undated), start=1):
        yield _tl_event(fact, names, sources)
        if progress and n % 1000 == 0:
            progress(n, total)
    if progress:
        progress(total, total)


def write_timelinejs(conn, path: Path | None, stream, progress: Progress = None,
                     with_undated: bool = False) -> int:
    """The TimelineJS JSON to `path` (atomically) or `stream`, one event a line, never the whole
    timeline in memory; returns the number of events."""
    def write(out) -> int:
        title = json.dumps(_tl_title(conn), ensure_ascii=False)
        out.write(f'{{"title": {title},\n "events": [')
        n = 0
        for n, event in enumerate(timelinejs_events(conn, progress, with_undated), start=1):
            out.write(("\n  " if n == 1 else ",\n  ") + json.dumps(event, ensure_ascii=False))
        out.write("\n]}\n")
        return n

    if path is None:
        return write(stream)
    with atomic_file(path) as tmp, tmp.open("w", encoding="utf-8") as out:
        return write(out)


def _tl_title(conn) -> dict:
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    text = ("<p>Facts on Japan's relations with Kazakhstan, Kyrgyzstan, Tajikistan, "
            "Turkmenistan and Uzbekistan, each cited to its source and dated no more precisely than "
            "the source allows.</p>"
            f"<p>caj data {html.escape(meta.get('data_version', ''))}, built "
            f"{html.escape(meta.get('build_time', ''))}.</p>")
    return {"text": {"headline": "Japan and Central Asia, fact by fact", "text": text}}


def _tl_event(fact: dict, names: dict[str, str], sources: dict[str, dict]) -> dict:
    start, end = tl_dates(fact["date"])
    event = {"start_date": start, "display_date": fact["when"] or fact["date"],
             "text": {"headline": html.escape(fact["title"]), "text": _tl_text(fact, sources)},
             "group": lane(fact, names), "unique_id": fact["id"], "autolink": False}
    if end:
        event["end_date"] = end
    return event


def _tl_text(fact: dict, sources: dict[str, dict]) -> str:
    parts = [f"<p>{html.escape(fact['summary'] or '')}</p>"]
    if fact.get("status") not in (None, "occurred"):
        parts.append(f"<p>Status: {html.escape(fact['status'])}.</p>")
    cites = [cite.as_text({"source": sources[s["source"]], "locator": s["locator"],
                           "stance": s.get("stance"), "fact": fact["id"]})
             for s in fact["sources"] if s["source"] in sources]
    items = "".join(f"<li>{html.escape(c)}</li>" for c in cites)
    parts.append(f"<p>Sources:</p><ol>{items}</ol><p>caj id: {html.escape(fact['id'])}</p>")
    return "".join(parts)


def tl_dates(edtf: str) -> tuple[dict, dict | None]:
    """EDTF -> TimelineJS start and end dates at the precision written, no finer: '2024-08' has a
    month and no day, '199X' runs 1990 to 1999, '2006/2009' from one year to the other."""
    ends = [p for p in edtf.split("/") if p not in ("", "..")]  # an open end has no date to give
    start = _tl_date(ends[0], first=True)
    if "/" in edtf:
        return start, (_tl_date(ends[1], first=False) if len(ends) > 1 else None)
    core = edtf.rstrip("~?%")
    if re.fullmatch(r"\d{2,3}X+", core):  # a decade or century is a span
        return start, _tl_date(edtf, first=False)
    return start, None


def _tl_date(part: str, first: bool) -> dict:
    core = part.rstrip("~?%")
    if re.fullmatch(r"\d{2,3}X+", core):
        year = int(core.replace("X", "0" if first else "9"))
        return {"year": year}
    pieces = [int(p) for p in core.split("-")]
    return dict(zip(("year", "month", "day"), pieces, strict=False))


# --- Frictionless data package ------------------------------------------------------------------

LIST = "several values joined with '; '"
TABLES: list[dict] = [
    {"name": "facts", "title": "Facts", "primaryKey": ["id"], "foreignKeys": [],
     "description": "Every fact: events, ODA figures, projects and other figures, in timeline order.",
     "sql": "SELECT id, kind, date, date_display AS \"when\", earliest, latest, precision, date_basis, "
            "title, summary, status, corroborated, disputed, refined FROM facts ORDER BY seq",
     "fields": [
         ("id", "string", "Stable identifier of the fact; never changes once published."),
         ("kind", "string", "event, oda, project or figure."),
         ("date", "string", "Date as EDTF (Library of Congress Extended Date/Time Format), as precise "
                            "as the source allows: 2004, 2024-08, 1991-08-29, 199X, 2017~, 2006/2009."),
         ("when", "string", "The date as a reader would write it: Aug 2024, 1990s, c. 2017."),
         ("earliest", "date", "Earliest day the date can mean (for sorting and filtering)."),
         ("latest", "date", "Latest day the date can mean."),
         ("precision", "string", "day, month, year, decade, century or interval, with approximate or "
                                 "uncertain where the date says so."),
         ("date_basis", "string", "stated: the source dates it; source: dated by the source's own date; "
                                  "record: dated from the public record."),
         ("title", "string", "Short title in the project's own words."),
         ("summary", "string", "Summary in the project's own words."),
         ("status", "string", "occurred, planned, proposed, signed, cancelled, ongoing or expected."),
         ("corroborated", "boolean", "Stated by both source documents."),
         ("disputed", "boolean", "A public-record source contradicts it."),
         ("refined", "boolean", "A public-record source makes it more precise."),
     ]},
    {"name": "citations", "title": "Citations", "primaryKey": ["fact_id", "n"],
     "foreignKeys": [("fact_id", "facts", "id"), ("source_id", "sources", "id")],
     "description": "Where each fact is stated, supported, contradicted or refined, with locators.",
     "sql": "SELECT fact_id, n, source_id, locator, stance, value, date, note FROM citations "
            "ORDER BY fact_id, n",
     "fields": [
         ("fact_id", "string", "The fact cited."),
         ("n", "integer", "Order of the citation within the fact, from 1."),
         ("source_id", "string", "The source cited."),
         ("locator", "string", "Where in the source: section or page, paragraph, endnote."),
         ("stance", "string", "states, supports, contradicts or refines."),
         ("value", "string", "The figure as printed in the source, where the citation carries one."),
         ("date", "string", "EDTF date this source gives, where it differs from the fact's."),
         ("note", "string", "Curator's note, in the project's words."),
     ]},
    {"name": "sources", "title": "Sources", "primaryKey": ["id"], "foreignKeys": [],
     "description": "The documents, public-record sources and datasets the citations name.",
     "sql": "SELECT id, kind, date, title, {description}, publisher, author, url, reliability, {checked}, "
            "n_facts FROM sources ORDER BY id",
     "fields": [
         ("id", "string", "Stable identifier of the source."),
         ("kind", "string", "analysis, official, press or dataset."),
         ("date", "string", "Publication date as EDTF; empty when the source gives none."),
         ("title", "string", "The source's real title; empty when it is not known."),
         ("description", "string", "A description supplied where the title is not known (shown in "
                                   "[square brackets] in citations)."),
         ("publisher", "string", "Publisher or outlet."),
         ("author", "string", "Author, where known."),
         ("url", "string", "Where to read it, where known."),
         ("reliability", "string", "What the source is and how far to trust it."),
         ("checked", "string", "Day (EDTF) the page at `url` was read against a stored copy; empty: "
                               "not checked against a copy."),
         ("n_facts", "integer", "Number of facts citing it."),
     ]},
    {"name": "entities", "title": "Entities", "primaryKey": ["id"],
     "foreignKeys": [("country", "entities", "id")],
     "description": "Countries, regions, organisations, companies, initiatives, people and places.",
     "sql": "SELECT id, kind, name AS title, iso2, iso3, country, note, aliases FROM entities ORDER BY id",
     "fields": [
         ("id", "string", "Stable identifier of the entity."),
         ("kind", "string", "country, region, organisation, company, agency, bank, ministry, "
                            "initiative, framework, treaty, person, place or event."),
         ("title", "string", "The entity's name."),
         ("iso2", "string", "ISO 3166-1 alpha-2 code (countries only)."),
         ("iso3", "string", "ISO 3166-1 alpha-3 code (countries only)."),
         ("country", "string", "The country entity it belongs to, where one does."),
         ("note", "string", "Curator's note."),
         ("aliases", "string", f"Other names, acronyms and former names; {LIST}."),
     ]},
    {"name": "topics", "title": "Topics", "primaryKey": ["id"],
     "foreignKeys": [("parent", "topics", "id")],
     "description": "The topic vocabulary facts are filed under.",
     "sql": "SELECT id, label AS title, {parent} FROM topics ORDER BY id",
     "fields": [("id", "string", "Stable identifier of the topic."),
                ("title", "string", "The topic's label."),
                ("parent", "string", "The broader topic it belongs to, if any.")]},
    {"name": "fact_entities", "title": "Fact–entity links", "primaryKey": ["fact_id", "entity_id", "role"],
     "foreignKeys": [("fact_id", "facts", "id"), ("entity_id", "entities", "id")],
     "description": "Who is involved in each fact, and in what role.",
     "sql": "SELECT fact_id, entity_id, role FROM fact_entities ORDER BY fact_id, entity_id, role",
     "fields": [("fact_id", "string", "The fact."), ("entity_id", "string", "The entity involved."),
                ("role", "string", "Its role: donor, recipient, founder, subject, lender...")]},
    {"name": "fact_countries", "title": "Fact–country links", "primaryKey": ["fact_id", "entity_id"],
     "foreignKeys": [("fact_id", "facts", "id"), ("entity_id", "entities", "id")],
     "description": "The countries and regions each fact concerns (a fact's `countries`).",
     "sql": "SELECT fact_id, entity_id FROM fact_countries ORDER BY fact_id, entity_id",
     "fields": [("fact_id", "string", "The fact."),
                ("entity_id", "string", "A country or region it concerns.")]},
    {"name": "fact_topics", "title": "Fact–topic links", "primaryKey": ["fact_id", "topic_id"],
     "foreignKeys": [("fact_id", "facts", "id"), ("topic_id", "topics", "id")],
     "description": "The topics each fact is filed under.",
     "sql": "SELECT fact_id, topic_id FROM fact_topics ORDER BY fact_id, topic_id",
     "fields": [("fact_id", "string", "The fact."), ("topic_id", "string", "A topic it is filed under.")]},
    {"name": "oda", "title": "ODA figures", "primaryKey": ["id"],
     "foreignKeys": [("id", "facts", "id"), ("donor", "entities", "id"), ("recipient", "entities", "id")],
     "description": "Japan's official development assistance figures, stored as the sources state "
                    "them; convert with the fx table.",
     "fields": [
         ("id", "string", "The fact this figure is."),
         ("year", "integer", "Year of the figure."),
         ("donor", "string", "Donor entity."),
         ("recipient", "string", "Recipient country, or the region."),
         ("amount", "number", "Amount as stated, in `scale` units of `currency`."),
         ("currency", "string", "JPY or USD."),
         ("scale", "string", "unit, thousand, million, billion or trillion."),
         ("measure", "string", "disbursement, commitment, total or unspecified."),
         ("year_basis", "string", "calendar, fiscal or unspecified."),
         ("flow_type", "string", "loan, grant or technical-cooperation, where known."),
         ("value_stated", "string", "The figure exactly as printed."),
         ("caveats", "string", f"What to keep in mind when comparing this figure; {LIST}."),
         ("disputed", "boolean", "A public-record source contradicts it."),
     ]},
    {"name": "fx", "title": "Exchange rates", "primaryKey": ["year"],
     "foreignKeys": [("source_id", "sources", "id")],
     "description": "Yen per US dollar, annual average, used to convert ODA figures.",
     "sql": "SELECT year, jpy_per_usd, source_id FROM fx ORDER BY year",
     "fields": [("year", "integer", "Calendar year of the rate."),
                ("jpy_per_usd", "number", "Yen per US dollar, annual average."),
                ("source_id", "string", "Source of the rate.")]},
]


def datapackage(conn, out_dir: Path, progress: Progress = None) -> dict:
    """Write one CSV per table and datapackage.json into `out_dir`, replacing a previous export
    there as a whole; return the descriptor."""
    out_dir = Path(out_dir)
    _check_target(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", suffix=".tmp", dir=out_dir.parent))
    _usual_mode(tmp, 0o777)
    try:
        descriptor = _write_package(conn, tmp, progress)
        _swap_in(tmp, out_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return descriptor


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ExportError(f"{out_dir} is a file; give a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not (out_dir / "datapackage.json").exists():
        raise ExportError(f"{out_dir} is not empty and holds no data package; give a new or empty folder")


def _swap_in(tmp: Path, out_dir: Path) -> None:
    old = None
    if out_dir.exists():
        old = out_dir.with_name(f".{out_dir.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(out_dir, old)
    os.replace(tmp, out_dir)
    if old:
        shutil.rmtree(old, ignore_errors=True)


def _write_package(conn, folder: Path, progress: Progress) -> dict:
    resources = []
    for n, table in enumerate(TABLES, start=1):
        rows = _table_rows(conn, table)
        _write_csv(folder / f"{table['name']}.csv", [f[0] for f in table["fields"]], rows)
        resources.append(_resource(table))
        if progress:
            progress(n, len(TABLES))
    descriptor = _package(conn, resources)
    (folder / "datapackage.json").write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return descriptor


def _table_rows(conn, table: dict) -> Iterator[dict]:
    if table["name"] == "oda":
        for r in queries.oda(conn):
            yield {**r, "caveats": r.get("caveats") or []}
        return
    sql = table["sql"]
    for column, source in (("description", "sources"), ("checked", "sources"), ("parent", "topics")):
        # columns newer databases have: older ones export them empty
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({source})")}
        sql = sql.replace(f"{{{column}}}", column if column in have else f"NULL AS {column}")
    for r in conn.execute(sql):
        yield dict(r)


def _write_csv(path: Path, columns: list[str], rows) -> None:
    bools = {"corroborated", "disputed", "refined"}
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(columns)
        for row in rows:
            w.writerow([_cell(row.get(c), c in bools) for c in columns])


def _cell(value, boolean: bool) -> str:
    if value is None:
        return ""
    if boolean:
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _resource(table: dict) -> dict:
    schema = {
        "fields": [{"name": n, "type": t, "description": d,
                    **({"format": "default"} if t == "date" else {})} for n, t, d in table["fields"]],
        "primaryKey": table["primaryKey"],
        "missingValues": [""],
    }
    if table["foreignKeys"]:
        schema["foreignKeys"] = [{"fields": [f], "reference": {"resource": res, "fields": [key]}}
                                 for f, res, key in table["foreignKeys"]]
    return {"name": table["name"], "type": "table", "path": f"{table['name']}.csv",
            "scheme": "file", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "dialect": {"header": True, "delimiter": ",", "quoteChar": '"', "doubleQuote": True},
            "title": table["title"], "description": table["description"], "schema": schema}


def _package(conn, resources: list[dict]) -> dict:
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    sources = [{"title": cite.label(s), **({"path": s["url"]} if s["url"] else {})}
               for s in (item["source"] for item in cite.all_sources(conn))]
    return {
        "$schema": "https://datapackage.org/profiles/2.0/datapackage.json",
        "name": "caj",
        "title": "Japan and Central Asia, fact by fact",
        "description": "Dated, cited facts on Japan's relations with Kazakhstan, Kyrgyzstan, "
                       "Tajikistan, Turkmenistan and Uzbekistan: events, ODA figures and projects, "
                       "each with its citations. Exported by caj.",
        "version": meta.get("data_version", ""),
        "created": meta.get("build_time", ""),
        "keywords": ["Japan", "Central Asia", "ODA", "foreign relations", "EDTF"],
        "licenses": [{"name": "MIT", "path": "https://opensource.org/licenses/MIT", "title": "MIT License"}],
        "sources": sources,
        "resources": resources,
    }


# --- CSL-JSON -----------------------------------------------------------------------------------


def csl_json(conn) -> str:
    """Every source as a CSL-JSON bibliography, for reference managers and pandoc."""
    return cite.render(cite.all_sources(conn), "csl-json")
