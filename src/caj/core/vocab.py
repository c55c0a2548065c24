"""The vocabulary: every closed set of values (with its labels), every field of every output record
and every column of every table, each named, typed and described once. Stdlib only: lookups read it.

Generated from here, never written again elsewhere: the pydantic `Literal` types (core.models), the
SQL tables with their `CHECK`s (building.database), Datasette's metadata (faces.web), the JSON
Schemas and docs/formats.md (`python -m caj.core.vocab docs`), the Frictionless descriptor
(faces.export) and the MCP tools' output schemas (faces.mcp).
"""

from __future__ import annotations

# --- closed sets: each value with the label a reader sees -------------------------------------

CHOICES: dict[str, tuple[tuple[str, str], ...]] = {
    "fact_kind": (("event", "event"), ("oda", "ODA figure"), ("project", "project"),
                  ("figure", "figure")),
    "status": (("occurred", "occurred"), ("planned", "planned"), ("proposed", "proposed"),
               ("signed", "signed"), ("cancelled", "cancelled"), ("ongoing", "ongoing"),
               ("expected", "expected")),
    # follows: a checked public-record page on what happened next on the same matter; it neither
    # refines nor contradicts the document, so no flag, mark or conflict counts it
    "stance": (("states", "Stated by"), ("supports", "Confirmed by"),
               ("refines", "Made more precise by"), ("contradicts", "Contradicted by"),
               ("follows", "Since then")),
    "date_basis": (("stated", "dated by the document"), ("record", "dated by the public record"),
                   ("source", "undated in the document: dated as of it")),
    "measure": (("disbursement", "disbursement"), ("commitment", "commitment"), ("total", "total"),
                ("unspecified", "unspecified")),
    "year_basis": (("calendar", "calendar year"), ("fiscal", "fiscal year"),
                   ("unspecified", "unspecified")),
    "currency": (("JPY", "Japanese yen"), ("USD", "US dollar")),
    "scale": (("unit", "unit"), ("thousand", "thousand"), ("million", "million"),
              ("billion", "billion"), ("trillion", "trillion")),
    "flow_type": (("loan", "loan"), ("grant", "grant"), ("technical-cooperation", "technical cooperation")),
    "source_kind": (("analysis", "analysis"), ("official", "official"), ("press", "press"),
                    ("dataset", "dataset")),
    "entity_kind": tuple((k, k) for k in (
        "country", "region", "organisation", "company", "agency", "bank", "ministry", "initiative",
        "framework", "treaty", "person", "place", "event")),
    "role": tuple((k, k.replace("-", " ")) for k in (
        "japanese-partner", "local-partner", "funder", "lender", "borrower", "contractor", "host",
        "signatory", "donor", "recipient", "participant", "observer", "subject", "founder", "member",
        "supplier", "buyer")),
    "record": (("fact", "fact"), ("entity", "entity")),
    "doc_kind": (("fact", "fact"), ("entity", "entity")),
    "target_kind": (("entity", "entity"), ("topic", "topic")),
    "translated": tuple((k, k) for k in ("facts", "citations", "sources", "entities", "topics",
                                         "languages")),
    # how a face renders an answer, not what a record holds
    "cite_style": (("text", "text"), ("bibtex", "BibTeX"), ("csl-json", "CSL-JSON")),
    "lane": (("country", "country"), ("kind", "kind of fact")),
}


def values(choice: str) -> tuple[str, ...]:
    return tuple(v for v, _ in CHOICES[choice])


def label(choice: str, value: str) -> str:
    return dict(CHOICES[choice]).get(value, value)


def listed(choice: str) -> str:
    """'a, b or c': the values of a closed set, as a sentence says them."""
    vals = values(choice)
    return ", ".join(vals[:-1]) + f" or {vals[-1]}" if len(vals) > 1 else vals[0]


# the five republics the facts are about (a lane each on a timeline); the region is their whole
FOCUS = ("kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan")
REGION = "central-asia"
# the dataset every conversion is made at (data/fx_jpy_per_usd.csv)
RATE_SOURCE = "wb-wdi-fx"
# stances by what they do: what a document (or a source beside it) says, and what the public
# record says against it
STATING = ("states", "supports")
CONFLICTING = ("contradicts", "refines")


# --- fields: one name, one type, one meaning -------------------------------------------------

STR, INT, NUM, BOOL = "string", "integer", "number", "boolean"
STRS = "strings"      # a list of strings
SOURCES = "sources"   # a list of {source, locator, stance}
DATE = "date"         # an ISO day (YYYY-MM-DD)


class Field:
    """A field's JSON type, whether it may be null in a record, its meaning, and its closed set."""

    __slots__ = ("kind", "null", "text", "choice")

    def __init__(self, kind: str, text: str, null: bool = False, choice: str | None = None) -> None:
        self.kind, self.text, self.null, self.choice = kind, text, null, choice

    @property
    def description(self) -> str:
        return self.text.format(values=listed(self.choice)) if self.choice else self.text


F = Field
FIELDS: dict[str, Field] = {
    # every record
    "id": F(STR, "Stable id of the record: a readable slug that never changes once published; what "
                 "`caj show` and `caj cite` take."),
    "kind": F(STR, "What the record is: a fact's kind (event, oda, project, figure), an entity's kind "
                   "(country, company, person...), `topic`, or a source's kind (analysis, official, "
                   "press, dataset)."),
    "date": F(STR, "EDTF date (2004, 2024-08, 1991-08-29, 199X, 2017~, 2006/2009), as precise as the "
                   "source allows and no more; null where the record has none.", null=True),
    "when": F(STR, "The date as a reader says it, never more precise than `date` (Aug 2024, 1990s, "
                   "c. 2017, 2006–2009).", null=True),
    "title": F(STR, "A fact's title in this project's words, an entity's name, a topic's label, a "
                    "source's real title (null when it is not known; see `description`).", null=True),
    "sources": F(SOURCES, "Citations: a list of {source, locator, stance}. CSV/TSV write it as "
                          "`source:locator; source:locator`."),
    # facts
    "summary": F(STR, "What the fact records, in this project's words."),
    "status": F(STR, "{values}.", choice="status"),
    "date_basis": F(STR, "stated: the cited document dates it; record: dated from a public-record "
                         "source; source: undated in the text, dated as of the document.",
                    choice="date_basis"),
    "countries": F(STRS, "Ids of the countries and regions the fact concerns."),
    "topics": F(STRS, "Ids of the topics the fact is filed under."),
    "corroborated": F(BOOL, "Both documents state it."),
    "disputed": F(BOOL, "A public-record source contradicts it."),
    "refined": F(BOOL, "A public-record source makes it more precise."),
    # ODA
    "year": F(INT, "The year the ODA figure is for."),
    "donor": F(STR, "Entity id of the donor."),
    "recipient": F(STR, "Entity id of the recipient country or region (also in `countries`)."),
    "amount": F(NUM, "The amount as stated, in `currency` and `scale`."),
    "currency": F(STR, "ISO 4217 code of the stated amount ({values}).", choice="currency"),
    "scale": F(STR, "{values}.", choice="scale"),
    "measure": F(STR, "{values}.", choice="measure"),
    "year_basis": F(STR, "{values}.", choice="year_basis"),
    "flow_type": F(STR, "{values}, where the source says.", null=True, choice="flow_type"),
    "value_stated": F(STR, "The figure exactly as the source prints it."),
    "caveats": F(STRS, "What caj cannot vouch for in this figure, as short phrases."),
    "converted": F(NUM, "The amount in `converted_currency`, same scale; null without a rate.", null=True),
    "converted_currency": F(STR, "The currency asked for with --currency.", choice="currency"),
    "rate_jpy_per_usd": F(NUM, "Yen per US dollar used: the annual average of `year`.", null=True),
    "rate_source": F(STR, "Source id of the rate (wb-wdi-fx).", null=True),
    # projects
    "project_name": F(STR, "The project's name as the sources give it."),
    "host_country": F(STR, "Entity id of the country the project is in (also in `countries`)."),
    "sector": F(STR, "Topic id of the project's sector."),
    "japanese_partners": F(STRS, "Entity ids of the Japanese companies and agencies in it."),
    "local_partners": F(STRS, "Entity ids of its local partners."),
    "funders": F(STRS, "Entity ids of its funders and lenders."),
    "finance": F(STR, "Its finance as stated (e.g. up to US$400 million (loan)).", null=True),
    "capacity": F(STR, "Its capacity as stated (e.g. 1,600 MW).", null=True),
    # search and conflicts
    "record": F(STR, "What a search hit is: {values}.", choice="record"),
    "match": F(STR, "Where the hit matched: a passage of the title or summary."),
    "document_says": F(STR, "The document's own value or date, with its source id; null where no "
                            "document states the fact.", null=True),
    "stance": F(STR, "What the source does with the fact: {values}.", choice="stance"),
    "record_says": F(STR, "The public-record source's value or date, with its source id."),
    "note": F(STR, "The curator's note, in this project's words.", null=True),
    # entities, topics, sources
    "iso2": F(STR, "ISO 3166-1 alpha-2 code (countries only).", null=True),
    "iso3": F(STR, "ISO 3166-1 alpha-3 code (countries only).", null=True),
    "aliases": F(STRS, "Other names it is found by: spellings, acronyms, former names."),
    "n_facts": F(INT, "How many facts it is linked to or cited by."),
    "parent": F(STR, "Id of the broader topic; filtering by that one includes this.", null=True),
    "description": F(STR, "A description supplied where the real title is not known; shown in "
                          "[square brackets].", null=True),
    "publisher": F(STR, "Who published the source."),
    "author": F(STR, "Its author, where known.", null=True),
    "url": F(STR, "Where it is online, where known.", null=True),
    "reliability": F(STR, "What the source is and how far to trust it."),
    "checked": F(STR, "The day (EDTF) the source's page at `url` was read against a stored copy; null: "
                      "not checked against a copy (tables and pages say so).", null=True),
    "document": F(BOOL, "One of the commented documents the facts are curated from (a source some "
                        "fact is stated by), not the public record."),
    # columns of the database (and of the data package) that no command prints as such
    "seq": F(INT, "Position of the fact in timeline order (earliest, latest, id)."),
    "date_display": F(STR, "The date as a reader says it: the `when` field."),
    "earliest": F(DATE, "Earliest day the date can mean (ISO); timelines sort on it."),
    "latest": F(DATE, "Latest day the date can mean (ISO)."),
    "precision": F(STR, "How precise the date is: day, month, year, decade, century or interval, "
                        "with approximate or uncertain where the date says so."),
    "n_citations": F(INT, "Number of citations of the fact."),
    "sources_json": F(STR, "Citations as a JSON list of {source, locator, stance}."),
    "fact_id": F(STR, "The fact this row belongs to."),
    "fact_date": F(STR, "The fact's date (EDTF), beside a citation's own."),
    "topic_id": F(STR, "The topic."),
    "entity_id": F(STR, "The entity."),
    "source_id": F(STR, "The source cited."),
    "role": F(STR, "The entity's role in the fact: {values}.", choice="role"),
    "n": F(INT, "Order of the citation within its fact, from 1."),
    "locator": F(STR, "Where in the source: section or page, paragraph, endnote."),
    "value": F(STR, "The figure as the source prints it, where the citation carries one.", null=True),
    "quote": F(STR, "The sentence of the document that carries the date or figure, verbatim and "
                    "short.", null=True),
    "name": F(STR, "Name."),
    "label": F(STR, "The topic's name."),
    "country": F(STR, "The country entity it belongs to or takes place in.", null=True),
    "m49": F(STR, "UN M49 area code (regions).", null=True),
    "factor": F(NUM, "Multiplier of the scale (1e6 for million)."),
    "capacity_value": F(NUM, "Capacity, as a number (e.g. 1600).", null=True),
    "capacity_unit": F(STR, "Unit of the capacity (e.g. MW).", null=True),
    "finance_amount": F(NUM, "Finance amount.", null=True),
    "finance_currency": F(STR, "Finance currency.", null=True, choice="currency"),
    "finance_scale": F(STR, "Finance scale.", null=True, choice="scale"),
    "finance_ceiling": F(BOOL, "1 when the amount is a ceiling ('up to').", null=True),
    "finance_instrument": F(STR, "Loan, grant, investment...", null=True),
    "quantity": F(STR, "What the figure measures."),
    "unit": F(STR, "Unit of the figure."),
    "qualifier": F(STR, "How exact the figure is (approximately, at least...).", null=True),
    "low": F(NUM, "Low end of a figure printed as a range.", null=True),
    "high": F(NUM, "High end of a figure printed as a range.", null=True),
    "value_display": F(STR, "The figure as caj shows it (a range as low–high)."),
    "jpy_per_usd": F(NUM, "Yen per US dollar, annual average."),
    "key": F(STR, "Name of a build setting."),
    "norm": F(STR, "A name folded for lookup: case, accents and punctuation ignored."),
    "target": F(STR, "The entity or topic the name leads to."),
    "target_kind": F(STR, "{values}.", choice="target_kind"),
    "rowid": F(INT, "Row of the search index."),
    "doc_kind": F(STR, "What the indexed text describes: {values}.", choice="doc_kind"),
    "ref": F(STR, "Id of the fact or entity indexed."),
    "prose": F(STR, "The summary or note indexed (snippets come from it)."),
    "body": F(STR, "Names, topics and notes indexed with it."),
    "names": F(STR, "Its names in other languages and scripts, indexed."),
    "lang": F(STR, "The language of the record's words (ISO 639-1: ru, ja); its keys, ids, dates "
                   "(EDTF), amounts and closed values stay as in English. Absent in English."),
    "tbl": F(STR, "The table of the record translated: {values}.", choice="translated"),
    "text": F(STR, "The text in that language."),
    "field": F(STR, "The field translated."),
    "untranslated": F(STRS, "The fields of the record shown in English, having no translation yet."),
}

# where a column means something particular in one table: (table, column) -> meaning
MEANS: dict[tuple[str, str], str] = {
    ("entities", "kind"): "Kind of entity: " + listed("entity_kind") + ".",
    ("entities", "aliases"): "Other names, acronyms and former names; any of them finds it.",
    ("sources", "kind"): listed("source_kind") + ".",
    ("sources", "date"): "Date of the source (EDTF); empty when it gives none.",
    ("sources", "n_facts"): "Number of facts citing it.",
    ("citations", "date"): "EDTF date this source gives, where it differs from the fact's or is "
                           "more precise.",
    ("figures", "value"): "The figure, as a number.",
    ("fx", "year"): "Calendar year of the rate.",
    ("fx", "source_id"): "Source of the rate.",
    ("meta", "value"): "Its value.",
    ("topics", "label"): "The topic's name.",
    ("facts", "kind"): listed("fact_kind") + ".",
    ("facts", "title"): "Short title in the project's own words.",
    ("facts", "topics"): "Topic ids, joined with '; '.",
    ("facts", "countries"): "Country and region ids, joined with '; '.",
    ("facts", "sources"): "Citations as source:locator; source:locator.",
    ("projects", "name"): "The project's name as the sources give it.",
    ("projects", "country"): "The country the project is in.",
    ("oda", "caveats"): "What caj cannot vouch for in the figure (a JSON list of short phrases).",
    ("translations", "lang"): "The language of the text (ISO 639-1: ru, ja).",
    ("translations", "ref"): "The record: a fact, source, entity or topic id; a citation as FACT#N; "
                             "a language as its code (its own name, and how it writes numbers, as JSON).",
    ("translations", "field"): "The field translated (title, summary, note, locator, name, when...).",
    ("v_conflicts", "fact_date"): "The fact's EDTF date, beside the date this citation gives (`date`).",
}


def describe(table: str | None, column: str) -> str:
    """A column's meaning: the table's own where it has one, else the field's."""
    own = MEANS.get((table or "", column))
    if own:
        return own
    return FIELDS[column].description if column in FIELDS else ""


def choice_of(column: str) -> str | None:
    return FIELDS[column].choice if column in FIELDS else None


# --- tables of the database -------------------------------------------------------------------

class Table:
    """A table: its meaning, its columns in order (a trailing `?` marks one that may be empty),
    its key, unique columns, references (column -> table.column) and whether readers see it."""

    __slots__ = ("text", "columns", "key", "unique", "refs", "internal", "optional")

    def __init__(self, text: str, columns: str, key: tuple[str, ...], refs: dict | None = None,
                 unique: tuple[str, ...] = (), internal: bool = False) -> None:
        self.text, self.key, self.unique, self.internal = text, key, unique, internal
        self.columns = tuple(c.rstrip("?") for c in columns.split())
        self.refs = refs or {}
        self.optional = {c.rstrip("?") for c in columns.split() if c.endswith("?")}

    def nullable(self, column: str) -> bool:
        return column in self.optional


T = Table
TABLES: dict[str, Table] = {
    "meta": T("Build metadata: schema and data version, content hash, build time.",
              "key value", ("key",), internal=True),
    "sources": T("The sources facts cite: the two commentaries, the public record, the rate table.",
                 "id title? description? publisher author? date? url? kind reliability checked? "
                 "document n_facts", ("id",)),
    "topics": T("The topics facts are filed under.", "id label parent?", ("id",),
                {"parent": "topics.id"}),
    "entities": T("Countries, regions, organisations, companies, banks, initiatives, people and places.",
                  "id kind name iso2? iso3? m49? country? note? aliases", ("id",),
                  {"country": "entities.id"}),
    "names": T("Every name, alias and code a lookup accepts, folded.", "norm name target target_kind",
               ("target_kind", "norm", "target"), internal=True),
    "facts": T("Every fact: events, ODA figures, projects and other figures. One row per fact.",
               "id seq kind date date_display earliest latest precision date_basis title summary "
               "status topics countries n_citations corroborated disputed refined sources sources_json",
               ("id",), unique=("seq",)),
    "fact_topics": T("Link table: each topic a fact is filed under.", "fact_id topic_id",
                     ("topic_id", "fact_id"), {"fact_id": "facts.id", "topic_id": "topics.id"}),
    "fact_entities": T("Link table: each entity involved in a fact, with its role.",
                       "fact_id entity_id role", ("entity_id", "fact_id", "role"),
                       {"fact_id": "facts.id", "entity_id": "entities.id"}),
    "fact_countries": T("Link table: each country or region a fact concerns.", "fact_id entity_id",
                        ("entity_id", "fact_id"), {"fact_id": "facts.id", "entity_id": "entities.id"}),
    "citations": T("Every citation: which source states, supports, contradicts or refines a fact, or "
                   "follows it (what happened next), and where in the source.",
                   "fact_id n source_id locator stance value? quote? date? note?",
                   ("fact_id", "n"), {"fact_id": "facts.id", "source_id": "sources.id"}),
    "oda": T("Japan's ODA figures as the sources state them: one row per figure.",
             "fact_id donor recipient year year_basis amount currency scale factor measure flow_type? "
             "value_stated caveats", ("fact_id",),
             {"fact_id": "facts.id", "donor": "entities.id", "recipient": "entities.id"}),
    "projects": T("Projects Japan is part of: sector, partners, finance, capacity.",
                  "fact_id name country sector capacity_value? capacity_unit? finance_amount? "
                  "finance_currency? finance_scale? finance_ceiling? finance_instrument? "
                  "japanese_partners local_partners funders", ("fact_id",),
                  {"fact_id": "facts.id", "country": "entities.id", "sector": "topics.id"}),
    "figures": T("Other stated quantities (values of agreements, distances, shares).",
                 "fact_id quantity value? low? high? unit qualifier? value_display", ("fact_id",),
                 {"fact_id": "facts.id"}),
    "fx": T("Yen per US dollar, annual average, used to convert ODA amounts at query time.",
            "year jpy_per_usd source_id", ("year",), {"source_id": "sources.id"}),
    "translations": T("The records in other languages: each text of a fact, citation, source, entity or "
                      "topic that has a translation (data/locale/LANG/*.po), each fact's date as the "
                      "language writes it, and each country's name from CLDR.",
                      "lang tbl ref field text", ("lang", "tbl", "ref", "field")),
    "search_docs": T("The text the full-text index is built from.",
                     "rowid doc_kind ref title prose body names", ("rowid",), internal=True),
}

# views of the database for people browsing it on the web (the data pages)
VIEWS: dict[str, str] = {
    "v_facts": "Every fact, one row each, with its countries and topics as JSON arrays (facet on them: "
               "a fact with two countries counts under each). Sorted by date.",
    "v_timeline": "Every fact in timeline order (earliest, latest, seq).",
    "v_oda": "ODA figures joined with their fact: date, title, sources.",
    "v_projects": "Projects joined with their fact: date, status, summary, sources.",
    "v_conflicts": "Every citation of a fact that the public record contradicts or refines.",
}

SQL_TYPE = {STR: "TEXT", INT: "INTEGER", NUM: "REAL", BOOL: "INTEGER", STRS: "TEXT", SOURCES: "TEXT",
            DATE: "TEXT"}


# the closed set of a column whose field is shared by records of several kinds
TABLE_CHOICES = {("facts", "kind"): "fact_kind", ("sources", "kind"): "source_kind",
                 ("entities", "kind"): "entity_kind"}


def column_choice(table: str | None, column: str) -> str | None:
    return TABLE_CHOICES.get((table or "", column)) or choice_of(column)


# where a column's type differs in one table (a figure's value is a number, a citation's is text)
TABLE_TYPES = {("figures", "value"): NUM}


def _column_sql(table: str, column: str) -> str:
    t, f = TABLES[table], FIELDS[column]
    kind = TABLE_TYPES.get((table, column), f.kind)
    sql = f"{column} {SQL_TYPE[kind]}" + ("" if t.nullable(column) else " NOT NULL")
    if column in t.unique:
        sql += " UNIQUE"
    if choice := column_choice(table, column):
        sql += f" CHECK ({column} IN ({', '.join(repr(v) for v in values(choice))}))"
    if column in t.refs:
        other, key = t.refs[column].split(".")
        sql += f" REFERENCES {other}({key})"
    return sql


# what the build adds to the tables: indexes and views, the R*Trees over date spans, the
# full-text index; the reader depends on each, so each is part of the schema's version
STRUCTURE = """
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


SPANS = ("CREATE VIRTUAL TABLE fact_span USING rtree_i32(seq, lo, hi)",
         "CREATE VIRTUAL TABLE country_span USING rtree_i32(id, lo, hi, c0, c1, +seq INTEGER)")
SEARCH = {"columns": ("title", "prose", "body", "names"), "tokenize": "porter unicode61 remove_diacritics 2"}
# the other languages' words, as core.words turns them into tokens (one row per record and language)
SEARCH_WORDS = ("CREATE VIRTUAL TABLE search_words USING fts5(docid UNINDEXED, lang UNINDEXED, title, "
                "text, tokenize='unicode61 remove_diacritics 2')")


def schema_version() -> str:
    """The schema, named by a checksum of everything the build creates: a new column, index or
    table gives another version, and a database of another is refused in one line. Nobody keeps
    a number to bump. zlib, not hashlib: it is loaded already, hashlib costs a lookup 3 ms."""
    import zlib

    made = [*(create_sql(t) for t in TABLES), STRUCTURE, *SPANS, repr(SEARCH), SEARCH_WORDS]
    ddl = "\n".join(made).encode()
    return f"{zlib.crc32(ddl):08x}{zlib.adler32(ddl):08x}"


def create_sql(table: str) -> str:
    """CREATE TABLE for one table of the registry, with its NOT NULLs, CHECKs and keys."""
    t = TABLES[table]
    cols = [_column_sql(table, c) for c in t.columns]
    cols.append(f"PRIMARY KEY ({', '.join(t.key)})")
    return f"CREATE TABLE {table} (\n  " + ",\n  ".join(cols) + ");"


# --- the records each command writes ----------------------------------------------------------

FACT = ("id", "kind", "date", "when", "title", "summary", "status", "date_basis", "countries",
        "topics", "corroborated", "disputed", "refined")
ODA = FACT + ("year", "donor", "recipient", "amount", "currency", "scale", "measure", "year_basis",
              "flow_type", "value_stated", "caveats")
CONVERSION = ("converted", "converted_currency", "rate_jpy_per_usd", "rate_source")
PROJECT = FACT + ("project_name", "host_country", "sector", "japanese_partners", "local_partners",
                  "funders", "finance", "capacity")
COMMANDS: dict[str, tuple[str, ...]] = {
    "timeline": FACT + ("sources",),
    "oda": ODA + ("sources",),
    "oda-converted": ODA + CONVERSION + ("sources",),
    "projects": PROJECT + ("sources",),
    "search": ("id", "kind", "record", "date", "when", "title", "match", "sources"),
    "conflicts": ("id", "kind", "date", "when", "title", "document_says", "stance", "record_says",
                  "note", "sources"),
    "sources": ("id", "kind", "date", "when", "title", "description", "publisher", "author", "url",
                "reliability", "checked", "document", "n_facts", "sources"),
    "countries": ("id", "kind", "date", "when", "title", "iso2", "iso3", "aliases", "n_facts",
                  "sources"),
    "topics": ("id", "kind", "date", "when", "title", "parent", "n_facts", "sources"),
}
COMMANDS["actors"] = COMMANDS["countries"]
SHOW_COMMON = ("id", "kind", "date", "when", "title", "sources")
CITATION = ("source", "source_title", "publisher", "source_url", "source_checked", "source_document",
            "locator", "stance", "value", "date", "quote", "note")


def field_schema(name: str) -> dict:
    """A field's JSON Schema (2020-12)."""
    f = FIELDS[name]
    if f.kind == SOURCES:
        item = {"type": "object", "required": ["source", "locator", "stance"],
                "properties": {"source": {"type": "string"}, "locator": {"type": "string"},
                               "stance": {"enum": list(values("stance"))}}}
        return {"type": "array", "items": item, "description": f.description}
    if f.kind == STRS:
        return {"type": "array", "items": {"type": "string"}, "description": f.description}
    kind = STR if f.kind == DATE else f.kind
    return {"type": [kind, "null"] if f.null else kind, "description": f.description}


def row_schema(table: str) -> dict:
    """The JSON Schema of one stored row of `table`, every column, null where it may be empty."""
    t = TABLES[table]
    props = {}
    for c in t.columns:  # lists are stored joined, dates as ISO text
        kind = STR if FIELDS[c].kind in (STRS, SOURCES, DATE) else FIELDS[c].kind
        null = t.nullable(c) or FIELDS[c].null
        props[c] = {"type": [kind, "null"] if null else kind, "description": describe(table, c)}
    return {"type": "object", "required": list(t.columns), "properties": props}


def cite_schema() -> dict:
    """One item `caj cite` renders: the source (its stored row), where in it, the stance and quote;
    a source cited as a whole has no locator, stance or fact."""
    def maybe(name: str) -> dict:
        return {**field_schema(name), "type": [STR, "null"]}

    stance = {"enum": [*values("stance"), None], "description": FIELDS["stance"].description}
    fact = {**maybe("fact_id"), "description": "The fact cited; null for a whole source."}
    return {"type": "object", "required": ["source", "locator", "stance", "fact"],
            "properties": {"source": row_schema("sources"), "locator": maybe("locator"),
                           "stance": stance, "fact": fact, "quote": maybe("quote")}}


def record_schema(command: str) -> dict:
    """The JSON Schema of one record of `caj COMMAND --format json` (`cite`: one citation item)."""
    if command == "cite":
        return cite_schema()
    if command == "show":  # one nested record: a fact card or an entity card
        return {"type": "object", "required": list(SHOW_COMMON),
                "properties": {n: field_schema(n) for n in SHOW_COMMON}}
    names = COMMANDS[command]
    # in another language each record says which, and what it shows in English for want of a
    # translation: two keys of their own, never present in English
    spoken = {"lang": {"type": "string", "description": FIELDS["lang"].description},
              "untranslated": {"type": "array", "items": {"type": "string"},
                               "description": FIELDS["untranslated"].description}}
    return {"type": "object", "required": list(names), "additionalProperties": False,
            "properties": {**{n: field_schema(n) for n in names}, **spoken}}


def schema(command: str) -> dict:
    """The JSON Schema (2020-12) of what `caj COMMAND --format json` prints."""
    head = {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"caj {command.replace('-converted', ' --currency')} --format json"}
    if command == "show":
        return {**head, "title": "caj show ID --format json", **record_schema("show")}
    return {**head, "type": "array", "items": record_schema(command)}


SCHEMA_DIR = "schemas"


def write_schemas(folder) -> list:
    """Write one JSON Schema per command into `folder` (the package's schemas/)."""
    import json
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for command in (*COMMANDS, "show"):
        path = folder / f"{command}.schema.json"
        path.write_text(json.dumps(schema(command), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        written.append(path)
    return written


INTRO = """# Output formats

Every read command writes the same records in every machine format: `--format json` (one array),
`jsonl` (one object a line), `csv` and `tsv` (a header line, then one line a record), and
`markdown`. A table is drawn only on a terminal or with `--format table`; what a table shows
(names instead of ids, totals, legends, caveat notes) never enters a machine format.

- **Every record** has `id`, `kind`, `date`, `when`, `title` and `sources`, with the meanings below,
  in every command. A field a command carries always has the same name and meaning.
- **Missing values** are `null` in JSON and an empty cell in CSV/TSV, always.
- **Lists** are JSON arrays. CSV/TSV join the items with `; ` and escape, inside an item, each `;`
  as `\\;` and each backslash as `\\\\`, so a cell splits back into exactly the JSON list: split at
  every `; ` not preceded by an escaping backslash, then drop the escapes (`caj.core.vocab.split_list`
  does it). `sources` is a list of objects `{source, locator, stance}`, written in CSV/TSV as
  `source:locator; source:locator`, escaped the same way.
- **Text is never altered.** JSON and JSON Lines escape what the output encoding cannot carry
  (`\\u00a5` for `¥` under `PYTHONIOENCODING=ascii`); CSV, TSV and Markdown are always UTF-8,
  whatever the locale says. Only a table drawn for a terminal may spell a character the terminal
  cannot show (`JPY ` for `¥`).
- **Booleans** are JSON `true`/`false`, and `true`/`false` in CSV/TSV.
- **The header** of CSV/TSV is the command's, whether or not there are rows: an empty result
  prints the same header as a full one (and says so on stderr).
- **CSV** is RFC 4180 (quoted where needed, UTF-8, `\\n` line ends).
- **TSV** is unquoted: a tab, newline, carriage return or backslash inside a value is written
  `\\t`, `\\n`, `\\r`, `\\\\` (as PostgreSQL `COPY` and `cut` read it).
- **JSON Schemas** (2020-12) of each command's JSON ship with caj in `caj/schemas/`
  (`timeline`, `oda`, `oda-converted` for `oda --currency`, `projects`, `search`, `conflicts`,
  `sources`, `countries`, `actors`, `topics`, `show`).

`caj show ID --format json` writes one nested object: a fact with `entities`, `citations` (each
with `source`, `source_title`, `publisher`, `locator`, `stance`, `value`, `date`, `quote`, `note`)
and its `oda`, `project` or `figure` block; or an entity with `aliases`, codes and its `facts`.
"""


def markdown() -> str:
    """docs/formats.md: the fields each command writes, and what each field means."""
    lines = [INTRO, "## Fields by command", ""]
    for command, names in COMMANDS.items():
        shown = command.replace("-converted", " --currency")
        lines.append(f"- `caj {shown}`: " + ", ".join(f"`{n}`" for n in names))
    lines += ["", "## Fields", "", "| field | type | null? | meaning |", "| --- | --- | --- | --- |"]
    for name in dict.fromkeys(n for names in COMMANDS.values() for n in names):
        f = FIELDS[name]
        kind = {SOURCES: "list of objects", STRS: "list of strings"}.get(f.kind, f.kind)
        lines.append(f"| `{name}` | {kind} | {'yes' if f.null else 'no'} | {f.description} |")
    return "\n".join(lines) + "\n"



# --- the Frictionless data package: which columns of which tables, under which names -----------

class Resource:
    """One CSV of the data package: its table (for meanings), title, columns (as the package names
    them), key and references (column -> resource.column)."""

    __slots__ = ("name", "table", "title", "columns", "key", "refs")

    def __init__(self, name: str, title: str, columns: str, key: tuple[str, ...],
                 refs: dict | None = None, table: str | None = None) -> None:
        self.name, self.table, self.title = name, table or name, title
        self.columns, self.key, self.refs = tuple(columns.split()), key, refs or {}

    @property
    def description(self) -> str:
        return TABLES[self.table].text


PACKAGE = (
    Resource("facts", "Facts", "id kind date when earliest latest precision date_basis title summary "
             "status corroborated disputed refined", ("id",)),
    Resource("citations", "Citations", "fact_id n source_id locator stance value date note",
             ("fact_id", "n"), {"fact_id": "facts.id", "source_id": "sources.id"}),
    Resource("sources", "Sources", "id kind date title description publisher author url reliability "
             "checked document n_facts", ("id",)),
    Resource("entities", "Entities", "id kind title iso2 iso3 country note aliases", ("id",),
             {"country": "entities.id"}),
    Resource("topics", "Topics", "id title parent", ("id",), {"parent": "topics.id"}),
    Resource("fact_entities", "Fact–entity links", "fact_id entity_id role",
             ("fact_id", "entity_id", "role"), {"fact_id": "facts.id", "entity_id": "entities.id"}),
    Resource("fact_countries", "Fact–country links", "fact_id entity_id", ("fact_id", "entity_id"),
             {"fact_id": "facts.id", "entity_id": "entities.id"}),
    Resource("fact_topics", "Fact–topic links", "fact_id topic_id", ("fact_id", "topic_id"),
             {"fact_id": "facts.id", "topic_id": "topics.id"}),
    Resource("oda", "ODA figures", "id year donor recipient amount currency scale measure year_basis "
             "flow_type value_stated caveats disputed", ("id",),
             {"id": "facts.id", "donor": "entities.id", "recipient": "entities.id"}),
    Resource("fx", "Exchange rates", "year jpy_per_usd source_id", ("year",),
             {"source_id": "sources.id"}),
    # every language at once, whatever language the export is asked in; `ref` names a record of
    # the table `tbl` names (a citation as FACT#N), which no single foreign key can say
    Resource("translations", "Translations", "lang tbl ref field text", ("lang", "tbl", "ref", "field")),
)
PACKAGE_TYPE = {STR: "string", INT: "integer", NUM: "number", BOOL: "boolean", DATE: "date",
                STRS: "string", SOURCES: "string"}


def package_field(resource: Resource, column: str) -> dict:
    """A Frictionless field: its type and meaning from the registry, its closed set as a constraint."""
    f = FIELDS[column]
    out = {"name": column, "type": PACKAGE_TYPE[f.kind], "description": describe(resource.table, column)}
    if f.kind == STRS:
        out["description"] += " Several values joined with '; ' (see docs/formats.md)."
    if f.kind == DATE:
        out["format"] = "default"
    if (choice := column_choice(resource.table, column)) and column != "kind":
        out["constraints"] = {"enum": list(values(choice))}
    return out


# how a list is written in one CSV/TSV cell: items joined with '; ', a ';' or '\\' inside an item
# escaped with a backslash, so the cell splits back into exactly the list
LIST_SEPARATOR = "; "


def join_list(items) -> str:
    return LIST_SEPARATOR.join(str(i).replace("\\", "\\\\").replace(";", "\\;") for i in items)


def split_list(cell: str) -> list[str]:
    """The inverse of join_list: split at each '; ' that is not escaped, then unescape."""
    items, buf, i = [], [], 0
    while i < len(cell):
        if cell[i] == "\\" and i + 1 < len(cell):
            buf.append(cell[i + 1])
            i += 2
        elif cell.startswith(LIST_SEPARATOR, i):
            items.append("".join(buf))
            buf, i = [], i + len(LIST_SEPARATOR)
        else:
            buf.append(cell[i])
            i += 1
    return [*items, "".join(buf)] if cell else []


if __name__ == "__main__":  # python -m caj.core.vocab DOCS_DIR: refresh the schemas and formats.md
    import sys
    from pathlib import Path

    for p in write_schemas(Path(__file__).with_name(SCHEMA_DIR)):
        print(p)
    if len(sys.argv) > 1:
        (Path(sys.argv[1]) / "formats.md").write_text(markdown(), encoding="utf-8")
