"""Citations in every style, read back by the tools that consume them: citeproc-py renders the
CSL-JSON, pybtex parses the BibTeX. Every source is rendered in every style, plus a source known
only by a description and one without a date."""

from __future__ import annotations

import json
import re

import pytest

from caj.faces import cite
from caj.reading import queries
from helpers import invoke

# the item keys the CSL data schema (citation-style-language/schema, csl-data.json) allows; a
# misnamed key is silently dropped by processors
CSL_KEYS = {
    "type", "id", "categories", "language", "journalAbbreviation", "shortTitle", "author", "chair",
    "collection-editor", "compiler", "composer", "container-author", "contributor", "curator",
    "director", "editor", "editorial-director", "executive-producer", "interviewer", "illustrator",
    "organizer", "original-author", "performer", "producer", "recipient", "reviewed-author",
    "translator", "accessed", "available-date", "container", "event-date", "issued", "original-date",
    "submitted", "abstract", "annote", "archive", "archive_collection", "archive_location",
    "archive-place", "authority", "call-number", "chapter-number", "citation-number",
    "citation-label", "collection-number", "collection-title", "container-title",
    "container-title-short", "dimensions", "division", "DOI", "edition", "event", "event-place",
    "first-reference-note-number", "genre", "ISAN", "ISBN", "ISCI", "ISMN", "ISRC", "ISSN", "ISWC",
    "issue", "jurisdiction", "keyword", "locator", "medium", "note", "number", "number-of-pages",
    "number-of-volumes", "original-publisher", "original-publisher-place", "original-title", "page",
    "page-first", "part", "part-title", "PMCID", "PMID", "printing", "publisher", "publisher-place",
    "references", "reviewed-title", "scale", "section", "source", "status", "supplement", "title",
    "title-short", "translated-title", "translated-title-short", "URL", "version", "volume",
    "year-suffix", "custom",
}
CSL_TYPES = {"article-newspaper", "report", "document", "dataset"}
DATE_KEYS = {"date-parts", "season", "circa", "literal", "raw", "edtf"}

DESCRIBED = {"id": "described-2024", "title": None, "description": "Report on a summit in Astana",
             "publisher": "Gazeta.uz", "author": None, "date": "2024-08-09", "url": None, "kind": "press"}
UNDATED = {"id": "undated", "title": "Japan–Kazakhstan relations", "description": None,
           "publisher": "Embassy of Japan in Kazakhstan", "author": None, "date": None, "url": None,
           "kind": "official"}


@pytest.fixture
def items(conn):
    extra = [{"source": s, "locator": None, "stance": None, "fact": None} for s in (DESCRIBED, UNDATED)]
    return queries.all_sources(conn) + extra


def shown_title(s: dict) -> str:
    return s["title"] or f"[{s['description']}]"


def test_text_names_every_source_without_punctuation_slips(items):
    for item in items:
        s, text = item["source"], cite.as_text(item)
        assert shown_title(s) in text
        assert cite._year(s["date"]) in text
        assert not re.search(r"\.\.|,,|, \.|\s,|“\[|\]”", text), text
        if s["title"] is None:
            assert f"“{s['description']}" not in text


def test_every_source_renders_through_citeproc(items):
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON

    data = [cite.as_csl(i, 1) for i in items]
    style = CitationStylesStyle("harvard-cite-them-right", validate=False)
    bib = CitationStylesBibliography(style, CiteProcJSON(data), formatter.plain)
    for d in data:
        bib.register(Citation([CitationItem(d["id"])]))
    rendered = {str(k): str(entry) for k, entry in zip(bib.keys, bib.bibliography(), strict=True)}
    for item in items:
        s, text = item["source"], rendered[item["source"]["id"].lower()]
        assert shown_title(s) in text, text
        assert cite._year(s["date"]) in text, text
        # the style may quote a newspaper article's title; the brackets still mark a description
        assert not re.search(r"\.\.(?!\.)|,,", text), text
        if s["kind"] == "press":
            assert s["publisher"] in text, text


def test_csl_json_uses_only_schema_keys(items):
    for item in items:
        out = cite.as_csl(item, 1)
        assert set(out) <= CSL_KEYS, set(out) - CSL_KEYS
        assert out["type"] in CSL_TYPES
        assert set(out.get("issued", {})) <= DATE_KEYS
        if item["source"]["kind"] == "press":
            assert out["type"] == "article-newspaper"
            assert out["container-title"] == item["source"]["publisher"]
        if item["source"]["title"] is None:
            assert out["title"] == f"[{item['source']['description']}]"


def test_bibtex_round_trips_through_pybtex(items, conn):
    from pybtex.database import parse_string

    text = "\n".join(cite.as_bibtex(i, n) for n, i in enumerate(items, start=1))
    parsed = parse_string(text, "bibtex")
    assert len(parsed.entries) == len(items)
    for item in items:
        entry = parsed.entries[item["source"]["id"]]
        assert entry.type == cite.bib_type(item["source"])
        fields = {k.lower(): re.sub(r"\\([&%$#_{}])", r"\1", v) for k, v in entry.fields.items()}
        assert fields == cite.bib_fields(item), item["source"]["id"]
        people = [" ".join(p.first_names + p.middle_names + p.last_names)
                  for p in entry.persons.get("author", [])]
        assert people == ([item["source"]["author"]] if item["source"]["author"] else [])


def test_fact_citations_in_every_style_parse(conn):
    from pybtex.database import parse_string

    facts = [r[0] for r in conn.execute("SELECT id FROM facts ORDER BY seq")]
    for fact in facts[:: max(1, len(facts) // 15)]:
        for style in cite.STYLES:
            result = invoke("cite", fact, "--style", style)
            assert result.code == 0, result.err
            if style == "bibtex":
                assert len(parse_string(result.out, "bibtex").entries) >= 1
            elif style == "csl-json":
                assert all(set(d) <= CSL_KEYS for d in json.loads(result.out))
            assert ".." not in result.out.replace("...", "")


def test_description_column_is_read_when_present(tmp_path, db_path):
    import shutil
    import sqlite3

    copy = tmp_path / "caj.db"
    shutil.copy(db_path, copy)
    with sqlite3.connect(copy) as c:
        # a sources table whose title may be null, as in databases with descriptions
        c.execute("CREATE TABLE s2 AS SELECT * FROM sources")
        c.execute("DROP TABLE sources")
        c.execute("ALTER TABLE s2 RENAME TO sources")
        if "description" not in [r[1] for r in c.execute("PRAGMA table_info(sources)")]:
            c.execute("ALTER TABLE sources ADD COLUMN description TEXT")
        c.execute("UPDATE sources SET description = 'Commentary on Japan and Central Asia', title = NULL "
                  "WHERE id = 'avim-2017'")
    for style in cite.STYLES:
        result = invoke("cite", "avim-2017", "--style", style, "--db", str(copy))
        assert result.code == 0, result.err
        assert "[Commentary on Japan and Central Asia]" in result.out, style
        assert "“[" not in result.out and '"[' not in result.out.replace('"title": "[', ""), style


def test_a_fact_citation_carries_its_quote(conn):
    quote = conn.execute("SELECT quote FROM citations WHERE fact_id = 'enersok-jbic-loan-2023' "
                         "AND source_id = 'idsa-2024'").fetchone()[0]
    assert quote
    for style in ("text", "bibtex", "csl-json"):
        out = invoke("cite", "ENERSOK-JBIC-LOAN-2023", "--style", style).out
        assert quote.replace("\\", "") in out.replace("\\", ""), style
