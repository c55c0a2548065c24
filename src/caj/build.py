"""Turn validated records into the SQLite database the commands read.

The build is deterministic (same data in, same bytes out when SOURCE_DATE_EPOCH is set) and
total: it writes a temporary file beside the target and moves it into place only when complete,
so a failed or killed build never leaves a broken database where a good one was.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import sqlite_utils

from caj import SCHEMA_VERSION, __version__, dates
from caj.load import Dataset
from caj.models import Fact
from caj.text import APOSTROPHES, SCALE_FACTOR, fold, oda_caveats

DOCUMENT_KINDS = {"analysis"}


class BuildError(Exception):
    pass


def build(ds: Dataset, out: Path, progress=None) -> dict:
    """Write `ds` to `out` atomically; return the build metadata. `progress(done, total)`, if
    given, is told how many facts are written."""
    if ds.problems:
        raise BuildError(f"{len(ds.problems)} problem(s) in the data; run `caj validate`")
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    _clear_abandoned(out)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    _hold(fd)  # marks the file as in use until this process ends, however it ends
    try:
        meta = write(ds, Path(tmp), progress)
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    return meta


def _hold(fd: int) -> None:
    try:
        import fcntl
    except ImportError:  # Windows: abandoned files are not cleared
        return
    fcntl.flock(fd, fcntl.LOCK_EX)


def _clear_abandoned(out: Path) -> None:
    """Remove temporary files of builds that were killed (their lock died with them)."""
    try:
        import fcntl
    except ImportError:
        return
    for stale in out.parent.glob(f".{out.name}.*.tmp"):
        try:
            fd = os.open(stale, os.O_RDWR)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            continue  # a build in progress
        else:
            stale.unlink(missing_ok=True)
        finally:
            os.close(fd)


def write(ds: Dataset, path: Path, progress=None) -> dict:
    path.unlink(missing_ok=True)
    db = sqlite_utils.Database(str(path))
    db.conn.execute("PRAGMA journal_mode=OFF")  # a temporary file: nothing to roll back into
    db.conn.execute("PRAGMA synchronous=OFF")
    with db.conn:
        _create_schema(db)
        _insert(db, ds, progress)
    _finish(db)
    meta = _meta(ds)
    db["meta"].insert_all(({"key": k, "value": v} for k, v in meta.items()), pk="key")
    db.conn.execute("VACUUM")
    db.close()
    return meta


SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE sources (
  id TEXT PRIMARY KEY, title TEXT, description TEXT, publisher TEXT NOT NULL, author TEXT,
  date TEXT, url TEXT, kind TEXT NOT NULL, reliability TEXT NOT NULL, checked TEXT,
  n_facts INTEGER NOT NULL DEFAULT 0);
CREATE TABLE topics (id TEXT PRIMARY KEY, label TEXT NOT NULL, parent TEXT REFERENCES topics(id));
CREATE TABLE entities (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, iso2 TEXT, iso3 TEXT, m49 TEXT,
  country TEXT REFERENCES entities(id), note TEXT, aliases TEXT NOT NULL);
CREATE TABLE names (
  norm TEXT NOT NULL, name TEXT NOT NULL, target TEXT NOT NULL, target_kind TEXT NOT NULL,
  PRIMARY KEY (target_kind, norm, target));
CREATE TABLE facts (
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE, kind TEXT NOT NULL, date TEXT NOT NULL,
  date_display TEXT NOT NULL, earliest TEXT NOT NULL, latest TEXT NOT NULL,
  precision TEXT NOT NULL, date_basis TEXT NOT NULL, title TEXT NOT NULL, summary TEXT NOT NULL,
  status TEXT NOT NULL, topics TEXT NOT NULL, countries TEXT NOT NULL,
  n_citations INTEGER NOT NULL, corroborated INTEGER NOT NULL, disputed INTEGER NOT NULL,
  refined INTEGER NOT NULL, sources TEXT NOT NULL, sources_json TEXT NOT NULL);
CREATE TABLE fact_topics (
  fact_id TEXT NOT NULL REFERENCES facts(id), topic_id TEXT NOT NULL REFERENCES topics(id),
  PRIMARY KEY (topic_id, fact_id));
CREATE TABLE fact_entities (
  fact_id TEXT NOT NULL REFERENCES facts(id), entity_id TEXT NOT NULL REFERENCES entities(id),
  role TEXT NOT NULL, PRIMARY KEY (entity_id, fact_id, role));
CREATE TABLE fact_countries (
  fact_id TEXT NOT NULL REFERENCES facts(id), entity_id TEXT NOT NULL REFERENCES entities(id),
  PRIMARY KEY (entity_id, fact_id));
CREATE TABLE citations (
  fact_id TEXT NOT NULL REFERENCES facts(id), n INTEGER NOT NULL,
  source_id TEXT NOT NULL REFERENCES sources(id), locator TEXT NOT NULL, stance TEXT NOT NULL,
  value TEXT, quote TEXT, date TEXT, note TEXT, PRIMARY KEY (fact_id, n));
CREATE TABLE oda (
  fact_id TEXT PRIMARY KEY REFERENCES facts(id), donor TEXT NOT NULL REFERENCES entities(id),
  recipient TEXT NOT NULL REFERENCES entities(id), year INTEGER NOT NULL,
  year_basis TEXT NOT NULL, amount REAL NOT NULL, currency TEXT NOT NULL, scale TEXT NOT NULL,
  factor REAL NOT NULL, measure TEXT NOT NULL, flow_type TEXT, value_stated TEXT NOT NULL,
  caveats TEXT NOT NULL);
CREATE TABLE projects (
  fact_id TEXT PRIMARY KEY REFERENCES facts(id), name TEXT NOT NULL,
  country TEXT NOT NULL REFERENCES entities(id), sector TEXT NOT NULL REFERENCES topics(id),
  capacity_value REAL, capacity_unit TEXT, finance_amount REAL, finance_currency TEXT,
  finance_scale TEXT, finance_ceiling INTEGER, finance_instrument TEXT,
  japanese_partners TEXT NOT NULL, local_partners TEXT NOT NULL, funders TEXT NOT NULL);
CREATE TABLE figures (
  fact_id TEXT PRIMARY KEY REFERENCES facts(id), quantity TEXT NOT NULL, value REAL, low REAL,
  high REAL, unit TEXT NOT NULL, qualifier TEXT, value_display TEXT NOT NULL);
CREATE TABLE fx (year INTEGER PRIMARY KEY, jpy_per_usd REAL NOT NULL,
  source_id TEXT NOT NULL REFERENCES sources(id));
CREATE TABLE search_docs (
  rowid INTEGER PRIMARY KEY, doc_kind TEXT NOT NULL, ref TEXT NOT NULL, title TEXT NOT NULL,
  prose TEXT NOT NULL, body TEXT NOT NULL, names TEXT NOT NULL DEFAULT '');
"""

INDEXES = """
CREATE INDEX idx_facts_order ON facts (earliest, latest, seq);
CREATE INDEX idx_facts_kind ON facts (kind, earliest);
CREATE INDEX idx_facts_status ON facts (status);
CREATE INDEX idx_fact_topics_fact ON fact_topics (fact_id);
CREATE INDEX idx_fact_entities_fact ON fact_entities (fact_id);
CREATE INDEX idx_fact_countries_fact ON fact_countries (fact_id);
CREATE INDEX idx_citations_source ON citations (source_id);
CREATE INDEX idx_oda_year ON oda (year, recipient);
CREATE INDEX idx_oda_recipient ON oda (recipient, year);
CREATE INDEX idx_projects_country ON projects (country, sector);
CREATE INDEX idx_projects_sector ON projects (sector);
CREATE INDEX idx_names_norm ON names (norm);
CREATE VIEW v_timeline AS
  SELECT f.* FROM facts f ORDER BY f.earliest, f.latest, f.seq;
CREATE VIEW v_oda AS
  SELECT f.id, f.date, f.date_display, f.date_basis, f.title, f.status, f.sources, f.sources_json,
         f.disputed, f.corroborated, f.refined, f.earliest, f.seq, o.*
  FROM oda o JOIN facts f ON f.id = o.fact_id;
CREATE VIEW v_projects AS
  SELECT f.id, f.date, f.date_display, f.date_basis, f.status, f.summary, f.sources,
         f.sources_json, f.disputed, f.corroborated, f.refined, f.earliest, f.seq, p.*
  FROM projects p JOIN facts f ON f.id = p.fact_id;
CREATE VIEW v_conflicts AS
  SELECT c.*, f.date AS fact_date, f.date_basis, f.title, f.seq
  FROM citations c JOIN facts f ON f.id = c.fact_id
  WHERE c.fact_id IN (SELECT fact_id FROM citations WHERE stance IN ('contradicts', 'refines'));
CREATE VIEW v_facts AS
  SELECT f.id, f.date_display AS "when", f.date, CAST(substr(f.earliest, 1, 4) AS INTEGER) AS year,
         f.kind, f.title, f.status, f.date_basis,
         (SELECT json_group_array(entity_id) FROM fact_countries x WHERE x.fact_id = f.id) AS countries,
         (SELECT json_group_array(topic_id) FROM fact_topics x WHERE x.fact_id = f.id) AS topics,
         f.corroborated, f.disputed, f.refined, f.n_citations, f.summary, f.earliest, f.latest, f.seq
  FROM facts f;
"""


def _create_schema(db: sqlite_utils.Database) -> None:
    db.conn.executescript(SCHEMA)


def _finish(db: sqlite_utils.Database) -> None:
    db.conn.executescript(INDEXES)
    # an R*Tree over each fact's day span: date-overlap filters stay fast at a million facts
    db.conn.execute("CREATE VIRTUAL TABLE fact_span USING rtree_i32(seq, lo, hi)")
    db.conn.execute("INSERT INTO fact_span SELECT seq, julianday(earliest) - 1721424.5, "
                    "julianday(latest) - 1721424.5 FROM facts")
    # and one over (day span x country), so "a country and some years" needs no scan of either
    db.conn.execute("CREATE VIRTUAL TABLE country_span USING rtree_i32(id, lo, hi, c0, c1, +seq INTEGER)")
    db.conn.execute("INSERT INTO country_span (lo, hi, c0, c1, seq) "
                    "SELECT julianday(f.earliest) - 1721424.5, julianday(f.latest) - 1721424.5, "
                    "e.rowid, e.rowid, f.seq FROM fact_countries x JOIN facts f ON f.id = x.fact_id "
                    "JOIN entities e ON e.id = x.entity_id")
    # `names`: places' names in other languages and scripts, a column of their own so that they
    # neither lengthen the body (bm25 scores English queries as before) nor show in snippets
    db["search_docs"].enable_fts(
        ["title", "prose", "body", "names"], fts_version="FTS5",
        tokenize="porter unicode61 remove_diacritics 2"
    )
    # rank = bm25 with a title weighing five times the names and notes, the summary twice, so
    # ORDER BY rank stays in C; snippets come from the prose column alone, never the name index
    db.conn.execute("INSERT INTO search_docs_fts(search_docs_fts, rank) "
                    "VALUES('rank', 'bm25(5.0, 2.0, 1.0, 1.0)')")
    db["search_docs_fts"].optimize()
    db.conn.execute("ANALYZE")
    db.conn.commit()


def _insert(db: sqlite_utils.Database, ds: Dataset, progress=None) -> None:
    facts = sorted(ds.facts.values(), key=_order)
    counts = _source_counts(facts)
    db["sources"].insert_all(
        {**s.model_dump(), "n_facts": counts.get(s.id, 0)} for s in _by_id(ds.sources)
    )
    db["topics"].insert_all({"id": t.id, "label": t.label, "parent": t.parent} for t in _by_id(ds.topics))
    db["entities"].insert_all(_entity_rows(ds))
    cldr = cldr_names(ds)
    db["names"].insert_all(_name_rows(ds, cldr))
    if ds.fx:
        rows = ({"year": y, "jpy_per_usd": r, "source_id": "wb-wdi-fx"} for y, r in sorted(ds.fx.items()))
        db["fx"].insert_all(rows)
    _insert_facts(db, ds, facts, cldr, progress)
    db["search_docs"].insert_all(entity_search_rows(ds, start=len(facts) + 1, cldr=cldr))


def _by_id(table: dict) -> list:
    return [table[k] for k in sorted(table)]


def _order(fact: Fact) -> tuple:
    lo, hi = dates.bounds(fact.date)
    return (lo, hi, fact.id)


def _source_counts(facts: Iterable[Fact]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for fact in facts:
        for sid in {c.source for c in fact.citations}:
            counts[sid] = counts.get(sid, 0) + 1
    return counts


def _entity_rows(ds: Dataset) -> Iterator[dict]:
    for e in _by_id(ds.entities):
        row = e.model_dump(exclude={"aliases"})
        yield {**row, "aliases": "; ".join(e.aliases)}


# The languages a reader of this region may type a place in: Japanese, Russian, and each
# republic's own (Uzbek in Latin and Cyrillic script). CLDR has no Latin Kazakh; the curated
# aliases carry it where needed.
CLDR_LOCALES = ("ja", "ru", "kk", "ky", "tg", "tk", "uz", "uz_Cyrl")


def cldr_names(ds: Dataset) -> dict[str, list[str]]:
    """Each country's (ISO code) and region's (M49 code) name in CLDR_LOCALES, from CLDR through
    Babel. Build-time only: lookups read the names table and never import Babel. A name that
    already names an entity is left out: a lookup never becomes ambiguous, and the search index
    holds no English name twice."""
    from babel import Locale

    locales = [Locale.parse(code) for code in CLDR_LOCALES]
    taken = {fold(n): e.id for e in ds.entities.values()
             for n in (e.id, e.name, *e.aliases, e.iso2, e.iso3) if n}
    out: dict[str, list[str]] = {}
    for e in _by_id(ds.entities):
        code = e.iso2 or e.m49
        if e.kind not in ("country", "region") or not code:
            continue
        names = [loc.territories.get(code) for loc in locales]
        # only names not already known: a CLDR name equal to an entity's own spelling adds nothing
        names = [n for n in dict.fromkeys(names) if n and fold(n) not in taken]
        if names:
            out[e.id] = names
    return out


def _name_rows(ds: Dataset, cldr: dict[str, list[str]]) -> Iterator[dict]:
    seen = set()
    for kind, table in (("entity", ds.entities), ("topic", ds.topics)):
        for rec in _by_id(table):
            label = getattr(rec, "name", None) or rec.label
            extra = [getattr(rec, "iso2", None), getattr(rec, "iso3", None)]
            extra += cldr.get(rec.id, []) if kind == "entity" else []
            for name in [rec.id, label, *rec.aliases, *extra]:
                key = (kind, fold(name or ""), rec.id)
                if name and key[1] and key not in seen:
                    seen.add(key)
                    yield {"norm": key[1], "name": name, "target": rec.id, "target_kind": kind}


CHUNK = 20_000  # facts per flush: rows for a million facts never sit in memory at once


def _insert_facts(db: sqlite_utils.Database, ds: Dataset, facts: list[Fact],
                  cldr: dict[str, list[str]] | None = None, progress=None) -> None:
    for start in range(0, len(facts), CHUNK):
        tables: dict[str, list[dict]] = {}
        for seq, fact in enumerate(facts[start:start + CHUNK], start=start + 1):
            for table, row in fact_rows(ds, fact, seq, cldr):
                tables.setdefault(table, []).append(row)
        for table, rows in tables.items():
            db[table].insert_all(rows, batch_size=1000)
        if progress:
            progress(min(start + CHUNK, len(facts)), len(facts))


def fact_rows(ds: Dataset, fact: Fact, seq: int,
              cldr: dict[str, list[str]] | None = None) -> Iterator[tuple[str, dict]]:
    """Every row one fact contributes, table by table."""
    yield "facts", _fact_row(ds, fact, seq)
    for t in dict.fromkeys(fact.topics):
        yield "fact_topics", {"fact_id": fact.id, "topic_id": t}
    for link in dict.fromkeys(fact.entities):
        yield "fact_entities", {"fact_id": fact.id, "entity_id": link.entity, "role": link.role}
    for c in _countries(ds, fact):
        yield "fact_countries", {"fact_id": fact.id, "entity_id": c}
    for n, c in enumerate(fact.citations, start=1):
        yield "citations", {"fact_id": fact.id, "n": n, "source_id": c.source,
                            **c.model_dump(exclude={"source"})}
    if fact.oda:
        yield "oda", _oda_row(fact)
    if fact.project:
        yield "projects", _project_row(fact)
    if fact.figure:
        yield "figures", {"fact_id": fact.id, **fact.figure.model_dump(),
                          "value_display": fact.figure.display()}
    yield "search_docs", {"rowid": seq, "doc_kind": "fact", "ref": fact.id, "title": fact.title,
                          "prose": fact.summary, "body": _search_body(ds, fact),
                          "names": _search_names(fact, cldr or {})}


def _fact_row(ds: Dataset, fact: Fact, seq: int) -> dict:
    lo, hi = dates.bounds(fact.date)
    cites = fact.citations
    documents = {c.source for c in cites if c.stance in ("states", "supports")
                 and ds.sources[c.source].kind in DOCUMENT_KINDS}
    return {
        "id": fact.id, "seq": seq, "kind": fact.kind, "date": fact.date,
        "date_display": dates.display(fact.date), "earliest": lo, "latest": hi,
        "precision": dates.precision(fact.date), "date_basis": fact.date_basis,
        "title": fact.title, "summary": fact.summary, "status": fact.status,
        "topics": "; ".join(fact.topics),
        "countries": "; ".join(_countries(ds, fact)),
        "n_citations": len(cites),
        "corroborated": int(len(documents) > 1),
        "disputed": int(any(c.stance == "contradicts" for c in cites)),
        "refined": int(any(c.stance == "refines" for c in cites)),
        "sources": "; ".join(f"{c.source}:{c.locator}" for c in cites),
        "sources_json": json.dumps(
            [{"source": c.source, "locator": c.locator, "stance": c.stance} for c in cites],
            ensure_ascii=False),
    }


def _countries(ds: Dataset, fact: Fact) -> list[str]:
    ids = [link.entity for link in fact.entities]
    if fact.oda:
        ids += [fact.oda.donor, fact.oda.recipient]
    if fact.project:
        ids.append(fact.project.country)
    kinds = ("country", "region")
    return list(dict.fromkeys(i for i in ids if ds.entities[i].kind in kinds))


def _oda_row(fact: Fact) -> dict:
    o = fact.oda
    stated = next((c.value for c in fact.citations if c.value and c.stance == "states"), "")
    caveats = oda_caveats(
        value_stated=stated, currency=o.currency, year_basis=o.year_basis, measure=o.measure,
        confirmed=any(c.stance == "supports" for c in fact.citations),
        disputed=any(c.stance == "contradicts" for c in fact.citations))
    return {"fact_id": fact.id, **o.model_dump(), "factor": SCALE_FACTOR[o.scale],
            "value_stated": stated, "caveats": json.dumps(caveats, ensure_ascii=False)}


def _project_row(fact: Fact) -> dict:
    p = fact.project
    roles: dict[str, list[str]] = {}
    for link in fact.entities:
        roles.setdefault(link.role, []).append(link.entity)
    cap, fin = p.capacity, p.finance
    return {
        "fact_id": fact.id, "name": p.name, "country": p.country, "sector": p.sector,
        "capacity_value": cap.value if cap else None, "capacity_unit": cap.unit if cap else None,
        "finance_amount": fin.amount if fin else None,
        "finance_currency": fin.currency if fin else None,
        "finance_scale": fin.scale if fin else None,
        "finance_ceiling": int(fin.ceiling) if fin else None,
        "finance_instrument": fin.instrument if fin else None,
        "japanese_partners": "; ".join(roles.get("japanese-partner", [])),
        "local_partners": "; ".join(roles.get("local-partner", [])),
        "funders": "; ".join(roles.get("funder", []) + roles.get("lender", [])),
    }


def _search_body(ds: Dataset, fact: Fact) -> str:
    names = []
    for link in fact.entities:
        e = ds.entities[link.entity]
        names += [e.name, *e.aliases]
    parts = [" ".join(names), " ".join(ds.topics[t].label for t in fact.topics)]
    if fact.project:
        parts.append(fact.project.name)
    parts += [c.note for c in fact.citations if c.note]
    return " · ".join(p for p in parts if p)


def _search_names(fact: Fact, cldr: dict[str, list[str]]) -> str:
    ids = [link.entity for link in fact.entities]
    ids += [fact.oda.recipient] if fact.oda else []
    ids += [fact.project.country] if fact.project else []
    return " · ".join(f for i in dict.fromkeys(ids) for f in _search_forms(cldr.get(i, [])))


def _search_forms(names: list[str]) -> list[str]:
    """A place's names in other languages, as printed and folded ('Oʻzbekiston ozbekiston'), so a
    search typed without the modifier letter or the accent finds it too."""
    out = []
    for name in names:
        out.append(name)
        if fold(name).replace(" ", "") != re.sub(r"\W", "", name.casefold()):
            out.append(fold(name))
        # and split where a reader's apostrophe splits the query: "O'zbekiston" searches as
        # "o" + "zbekiston"
        spaced = name.translate(dict.fromkeys(APOSTROPHES, " "))
        if spaced != name:
            out.append(spaced)
    return list(dict.fromkeys(out))


def entity_search_rows(ds: Dataset, start: int, cldr: dict[str, list[str]] | None = None) -> Iterator[dict]:
    for n, e in enumerate(_by_id(ds.entities), start=start):
        other = " · ".join(_search_forms((cldr or {}).get(e.id, [])))
        body = " · ".join(p for p in [*e.aliases, e.iso2 or "", e.iso3 or "", e.kind] if p)
        prose = e.note or f"{e.name}: {e.kind}"
        yield {"rowid": n, "doc_kind": "entity", "ref": e.id, "title": e.name, "prose": prose,
               "body": body, "names": other}


def _meta(ds: Dataset) -> dict:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    stamp = int(epoch) if epoch and epoch.isdigit() else int(time.time())
    return {
        "schema_version": str(SCHEMA_VERSION),
        "data_version": __version__,
        "content_hash": content_hash(ds.root),
        "build_time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(stamp)),
        "facts": str(len(ds.facts)),
    }


def content_hash(root: Path) -> str:
    """sha256 over every data file's path and bytes, in a fixed order."""
    h = hashlib.sha256()
    for path in sorted(p for p in Path(root).rglob("*") if p.is_file() and p.suffix in (".yaml", ".csv")):
        h.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()
