"""Turn validated records into the SQLite database the commands read.

The build is deterministic (same data in, same bytes out when SOURCE_DATE_EPOCH is set) and
total: it writes a temporary file beside the target and moves it into place only when complete,
so a failed or killed build never leaves a broken database where a good one was.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import sqlite_utils

from caj import __version__
from caj.building import i18n
from caj.building.load import Dataset
from caj.core import dates, edtf, vocab, words
from caj.core.display import SCALE_FACTOR, display_date, oda_caveats
from caj.core.errors import CurationError
from caj.core.models import Fact
from caj.core.names import APOSTROPHES, fold

DOCUMENT_KINDS = {"analysis"}


def build(ds: Dataset, out: Path, progress=None) -> dict:
    """Write `ds` to `out` by core.safefile's rules (atomically, replacing only a file; a link is
    written through); return the build metadata. `progress(done, total)` is told how many facts
    are written."""
    from caj.core.safefile import output_path

    if ds.problems:
        raise CurationError(f"{len(ds.problems)} problem(s) in the data; run `caj validate`")
    with output_path(out) as tmp:
        try:
            return write(ds, Path(tmp), progress)
        except sqlite3.OperationalError as exc:
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
                # a full disk, said as safefile says it for every file caj writes
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC)) from exc
            raise


def write(ds: Dataset, path: Path, progress=None) -> dict:
    """Write into the empty file at `path` (SQLite takes an empty file for a new database). It is
    never unlinked and made again: safefile's lock on it is what tells other writers it is ours."""
    if path.exists() and path.stat().st_size:
        os.truncate(path, 0)
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


def _create_schema(db: sqlite_utils.Database) -> None:
    """Every table of the vocabulary registry, with its types, NOT NULLs, CHECKs and keys."""
    db.conn.executescript("\n".join(vocab.create_sql(t) for t in vocab.TABLES))


def _finish(db: sqlite_utils.Database) -> None:
    db.conn.executescript(vocab.STRUCTURE)
    # an R*Tree over each fact's day span: date-overlap filters stay fast at a million facts
    db.conn.execute(vocab.SPANS[0])
    db.conn.execute("INSERT INTO fact_span SELECT seq, julianday(earliest) - 1721424.5, "
                    "julianday(latest) - 1721424.5 FROM facts")
    # and one over (day span x country), so "a country and some years" needs no scan of either
    db.conn.execute(vocab.SPANS[1])
    db.conn.execute("INSERT INTO country_span (lo, hi, c0, c1, seq) "
                    "SELECT julianday(f.earliest) - 1721424.5, julianday(f.latest) - 1721424.5, "
                    "e.rowid, e.rowid, f.seq FROM fact_countries x JOIN facts f ON f.id = x.fact_id "
                    "JOIN entities e ON e.id = x.entity_id")
    # `names`: places' names in other languages and scripts, a column of their own so that they
    # neither lengthen the body (bm25 scores English queries as before) nor show in snippets
    db["search_docs"].enable_fts(list(vocab.SEARCH["columns"]), fts_version="FTS5",
                                 tokenize=vocab.SEARCH["tokenize"])
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
    stated = {c.source for f in facts for c in f.citations if c.stance == "states"}
    db["sources"].insert_all(
        {**s.model_dump(), "document": int(s.id in stated), "n_facts": counts.get(s.id, 0)}
        for s in _by_id(ds.sources)
    )
    db["topics"].insert_all({"id": t.id, "label": t.label, "parent": t.parent} for t in _by_id(ds.topics))
    db["entities"].insert_all(_entity_rows(ds))
    cldr = cldr_names(ds)
    db["names"].insert_all(_name_rows(ds, cldr))
    if ds.fx:
        rows = ({"year": y, "jpy_per_usd": r, "source_id": vocab.RATE_SOURCE}
                for y, r in sorted(ds.fx.items()))
        db["fx"].insert_all(rows)
    _insert_facts(db, ds, facts, cldr, progress)
    db["search_docs"].insert_all(entity_search_rows(ds, start=len(facts) + 1, cldr=cldr))
    db["translations"].insert_all(i18n.rows(ds, i18n.catalogs(ds.root)))
    _index_words(db)


def _index_words(db: sqlite_utils.Database) -> None:
    """The full-text index of each other language: a record's title, and its summary with the
    names of what it concerns, as core.words tokens."""
    db.conn.execute(vocab.SEARCH_WORDS)
    docs = {(kind, ref): rowid for rowid, kind, ref in db.conn.execute(
        "SELECT rowid, doc_kind, ref FROM search_docs")}
    text: dict[tuple[str, str, str], dict[str, str]] = {}
    for lang, tbl, ref, field, value in db.conn.execute(
            "SELECT lang, tbl, ref, field, text FROM translations WHERE tbl IN ('facts', 'entities')"):
        kind = "fact" if tbl == "facts" else "entity"
        text.setdefault((lang, kind, ref), {})[field] = value
    names = {(lang, ref): t.get("name", "") for (lang, kind, ref), t in text.items() if kind == "entity"}
    links = {}
    for fid, eid in db.conn.execute("SELECT fact_id, entity_id FROM fact_entities UNION "
                                    "SELECT fact_id, entity_id FROM fact_countries"):
        links.setdefault(fid, []).append(eid)
    for (lang, kind, ref), t in sorted(text.items()):
        if (kind, ref) not in docs:
            continue
        title = t.get("title") or t.get("name") or ""
        linked = (names.get((lang, e), "") for e in links.get(ref, []))
        body = [t.get("summary", ""), t.get("note", ""), *linked]
        db.conn.execute("INSERT INTO search_words (docid, lang, title, text) VALUES (?, ?, ?, ?)",
                        (docs[(kind, ref)], lang, " ".join(words.tokens(title, lang)),
                         " ".join(words.tokens(" ".join(body), lang))))


def _by_id(table: dict) -> list:
    return [table[k] for k in sorted(table)]


def _order(fact: Fact) -> tuple:
    lo, hi = edtf.bounds(fact.date)
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
        yield {**row, "aliases": vocab.join_list(e.aliases)}


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
    lo, hi = edtf.bounds(fact.date)
    cites = fact.citations
    documents = {c.source for c in cites if c.stance in vocab.STATING
                 and ds.sources[c.source].kind in DOCUMENT_KINDS}
    return {
        "id": fact.id, "seq": seq, "kind": fact.kind, "date": fact.date,
        "date_display": display_date(fact.date), "earliest": lo, "latest": hi,
        "precision": dates.precision(fact.date), "date_basis": fact.date_basis,
        "title": fact.title, "summary": fact.summary, "status": fact.status,
        "topics": vocab.join_list(fact.topics),
        "countries": vocab.join_list(_countries(ds, fact)),
        "n_citations": len(cites),
        "corroborated": int(len(documents) > 1),
        "disputed": int(any(c.stance == "contradicts" for c in cites)),
        "refined": int(any(c.stance == "refines" for c in cites)),
        "sources": vocab.join_list(dict.fromkeys(f"{c.source}:{c.locator}" for c in cites)),
        "sources_json": json.dumps(_where_cited(cites), ensure_ascii=False),
    }


def _where_cited(cites) -> list[dict]:
    """Each (source, locator, stance) once: two quotes from one passage are one place to look."""
    places = dict.fromkeys((c.source, c.locator, c.stance) for c in cites)
    return [{"source": s, "locator": loc, "stance": stance} for s, loc, stance in places]


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
        "japanese_partners": vocab.join_list(roles.get("japanese-partner", [])),
        "local_partners": vocab.join_list(roles.get("local-partner", [])),
        "funders": vocab.join_list(roles.get("funder", []) + roles.get("lender", [])),
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
        "schema_version": vocab.schema_version(),
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
