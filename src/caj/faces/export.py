"""Whole-database exports for the tools readers already use: a TimelineJS story, a Frictionless
data package and a CSL-JSON bibliography.

Standard library only. Rows come from the query layer, fields and their meanings from the
vocabulary registry; every file is written by core.safefile, so a failed export leaves no
half-written file and nothing of the user's is replaced. `progress(done, total)` is told how far
the work has gone.

Each speaks the language chosen (`caj --lang`): TimelineJS's words and its `language` option,
each CSL-JSON item's `language`; the data package carries every language at once (its
`translations` resource). Keys, ids, dates and amounts are the same in every language.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from caj.core import display, i18n, licence, vocab
from caj.core.i18n import _
from caj.core.safefile import export_folder, open_output, write_text
from caj.faces import cite
from caj.reading import lang as speech
from caj.reading import queries

Progress = Callable[[int, int], None] | None


# --- TimelineJS ---------------------------------------------------------------------------------


def timelinejs_events(conn, progress: Progress = None, with_undated: bool = False) -> Iterator[dict]:
    """One TimelineJS event per fact of the timeline, in its order, as they are read, in the
    language spoken."""
    words = _Words(conn)
    names = speech.labels(conn, words.lang, queries.country_names(conn))
    sources = {s["source"]["id"]: words.source(s["source"]) for s in queries.all_sources(conn)}
    total = queries.fact_count(conn)  # at most this many
    n = 0
    for n, fact in enumerate(queries.timeline(conn, with_undated=with_undated), start=1):
        yield _tl_event(words.fact(fact), names, sources)
        if progress and n % 1000 == 0:
            progress(n, total)
    if progress:
        progress(total, total)


def write_timelinejs(conn, path: Path | None, progress: Progress = None,
                     with_undated: bool = False) -> int:
    """The TimelineJS JSON to `path` (core.safefile's rules; None or - for stdout), one event a
    line, never the whole timeline in memory; returns the number of events."""
    with open_output(path) as out:
        title = json.dumps(_tl_title(conn), ensure_ascii=False)
        options = json.dumps(timelinejs_options(), ensure_ascii=False)
        out.write(f'{{"title": {title},\n "options": {options},\n "events": [')
        n = 0
        for n, event in enumerate(timelinejs_events(conn, progress, with_undated), start=1):
            out.write(("\n  " if n == 1 else ",\n  ") + json.dumps(event, ensure_ascii=False))
        out.write("\n]}\n")
    return n


def timelinejs_options() -> dict:
    """The options to give TimelineJS with this file (`new TL.Timeline(el, data, data.options)`):
    TimelineJS's own words (its buttons, month names) in the language of the events. The JSON
    format has no place for them; TimelineJS passes over a key it does not know."""
    return {"language": i18n.current()}


def _tl_title(conn) -> dict:
    meta = queries.build_info(conn)
    about = _("Facts on Japan's relations with Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and "
              "Uzbekistan, each cited to its source and dated no more precisely than the source allows.")
    built = _("caj data {version}, built {time}.").format(version=meta.get("data_version", ""),
                                                         time=meta.get("build_time", ""))
    text = f"<p>{html.escape(about)}</p><p>{html.escape(built)}</p>"
    return {"text": {"headline": html.escape(_("Japan and Central Asia, fact by fact")), "text": text}}


class _Words:
    """A fact's and a source's words in the language spoken, fetched once for the whole export;
    a text with no translation stays English. A fact's citations are stored once per place
    (source, locator, stance), so a locator's words are found by its English."""

    def __init__(self, conn) -> None:
        self.lang = i18n.current()
        self.words = speech.Words(conn, self.lang, ("facts", "citations", "sources"))
        self.locators = {}
        if self.lang != speech.ENGLISH:
            for fid, n, locator in conn.execute("SELECT fact_id, n, locator FROM citations"):
                found = self.words.text.get(("citations", f"{fid}#{n}", "locator"))
                if locator and found:
                    self.locators.setdefault((fid, locator), found)

    def fact(self, fact: dict) -> dict:
        if self.lang == speech.ENGLISH:
            return fact
        fact = dict(fact)
        self.words.put(fact, "facts", fact["id"], speech.FACT_WORDS, [])
        fact["sources"] = [{**s, "locator": self.locators.get((fact["id"], s["locator"]), s["locator"])}
                           for s in fact["sources"]]
        return fact

    def source(self, source: dict) -> dict:
        if self.lang == speech.ENGLISH or not source.get("description"):
            return source
        return {**source, "description": self.words.get("sources", source["id"], "description",
                                                         source["description"])}


def _tl_event(fact: dict, names: dict[str, str], sources: dict[str, dict]) -> dict:
    start, end = tl_dates(fact["date"])
    event = {"start_date": start, "display_date": fact["when"] or fact["date"],
             "text": {"headline": html.escape(fact["title"]), "text": _tl_text(fact, sources)},
             "group": display.lane(fact, names), "unique_id": fact["id"], "autolink": False}
    if end:
        event["end_date"] = end
    return event


def _tl_text(fact: dict, sources: dict[str, dict]) -> str:
    parts = [f"<p>{html.escape(fact['summary'] or '')}</p>"]
    if fact.get("status") not in (None, "occurred"):
        status = _("Status: {status}.").format(status=_(vocab.label("status", fact["status"])))
        parts.append(f"<p>{html.escape(status)}</p>")
    cites = [cite.as_text({"source": sources[s["source"]], "locator": s["locator"],
                           "stance": s.get("stance"), "fact": fact["id"]})
             for s in fact["sources"] if s["source"] in sources]
    items = "".join(f"<li>{html.escape(c)}</li>" for c in cites)
    parts.append(f"<p>{html.escape(_('Sources:'))}</p><ol>{items}</ol>"
                 f"<p>{html.escape(_('caj id: {id}').format(id=fact['id']))}</p>")
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


def datapackage(conn, folder: Path, progress: Progress = None) -> dict:
    """One CSV per resource of vocab.PACKAGE and datapackage.json, into a folder that is new,
    empty, or caj's own previous export (core.safefile.export_folder); return the descriptor."""
    resources = []
    with export_folder(folder) as package:
        for n, resource in enumerate(vocab.PACKAGE, start=1):
            with package.open(f"{resource.name}.csv") as out:
                _write_csv(out, list(resource.columns), queries.package_rows(conn, resource))
            resources.append(_resource(resource))
            if progress:
                progress(n, len(vocab.PACKAGE))
        descriptor = _package(conn, resources)
        package.write_text("datapackage.json", json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n")
    return descriptor


def _write_csv(out, columns: list[str], rows) -> None:
    bools = {c for c in columns if vocab.FIELDS[c].kind == vocab.BOOL}
    w = csv.writer(out, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow([_cell(row.get(c), c in bools) for c in columns])


def _cell(value, boolean: bool) -> str:
    if value is None:
        return ""
    if boolean:
        return "true" if value else "false"
    if isinstance(value, list):
        return vocab.join_list(value)
    return str(value)


def _resource(resource: vocab.Resource) -> dict:
    """One resource of the descriptor, every field typed and described by the registry."""
    schema = {"fields": [vocab.package_field(resource, c) for c in resource.columns],
              "primaryKey": list(resource.key), "missingValues": [""]}
    if resource.refs:
        schema["foreignKeys"] = [
            {"fields": [f], "reference": {"resource": ref.split(".")[0], "fields": [ref.split(".")[1]]}}
            for f, ref in resource.refs.items()]
    return {"name": resource.name, "type": "table", "path": f"{resource.name}.csv",
            "scheme": "file", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
            "dialect": {"header": True, "delimiter": ",", "quoteChar": '"', "doubleQuote": True},
            "title": resource.title, "description": resource.description, "schema": schema}


def _package(conn, resources: list[dict]) -> dict:
    meta = queries.build_info(conn)
    sources = [{"title": cite.label(s), **({"path": s["url"]} if s["url"] else {})}
               for s in (item["source"] for item in queries.all_sources(conn))]
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
        "licenses": [dict(licence.DATA)],
        "sources": sources,
        "resources": resources,
    }


# --- CSL-JSON -----------------------------------------------------------------------------------


def csl_json(conn) -> str:
    """Every source as a CSL-JSON bibliography, for reference managers and pandoc; a source
    described rather than titled is described in the language spoken, and each item's
    `language` says the language its title is in."""
    words = _Words(conn)
    items = [{**item, "source": words.source(item["source"]), "language": _language(words, item["source"])}
             for item in queries.all_sources(conn)]
    return cite.render(items, "csl-json")


def _language(words: _Words, source: dict) -> str:
    """The language of a CSL item's title: caj's own description of the source is in the language
    it was written in (English where it has no translation); a source's real title, in the script
    it is printed in (Cyrillic Russian, kana or kanji Japanese; the sources caj reads in Latin
    letters are all English editions)."""
    if not source.get("title"):
        translated = words.words.text.get(("sources", source["id"], "description"))
        return words.lang if translated else speech.ENGLISH
    if re.search(r"[\u3040-\u30ff\u3400-\u9fff]", source["title"]):
        return "ja"
    return "ru" if re.search(r"[\u0400-\u04ff]", source["title"]) else speech.ENGLISH


def write_csl_json(conn, path: Path | None) -> None:
    """The bibliography to `path` by core.safefile's rules (None or - for stdout)."""
    write_text(path, csl_json(conn))
