"""The one vocabulary of fields every command writes: each field's name, JSON type and meaning,
and which fields each command's records carry, in order. The CSV/TSV header, the JSON Schemas
in caj/schemas/ and docs/formats.md all come from here. Stdlib only: lookups read it."""

from __future__ import annotations

STR, INT, NUM, BOOL = "string", "integer", "number", "boolean"
SOURCES = "sources"  # a list of {source, locator, stance}
STRS = "strings"  # a list of strings

# name: (type, nullable, meaning)
FIELDS: dict[str, tuple[str, bool, str]] = {
    "id": (STR, False, "Stable id of the record: what `caj show` and `caj cite` take."),
    "kind": (STR, False, "What the record is: a fact's kind (event, oda, project, figure), an "
             "entity's kind (country, company, person...), `topic`, or a source's kind "
             "(analysis, official, press, dataset)."),
    "date": (STR, True, "EDTF date (2004, 2024-08, 1991-08-29, 199X, 2017~, 2006/2009); null "
             "where the record has none."),
    "when": (STR, True, "The date as a reader says it, never more precise than `date` "
             "(Aug 2024, 1990s, c. 2017, 2006–2009)."),
    "title": (STR, True, "A fact's title in this project's words, an entity's name, a topic's "
              "label, a source's real title (null when it is not known; see `description`)."),
    "summary": (STR, False, "What the fact records, in this project's words."),
    "status": (STR, False, "occurred, planned, proposed, signed, cancelled, ongoing or expected."),
    "date_basis": (STR, False, "stated: the cited document dates it; record: dated from a "
                   "public-record source; source: undated in the text, dated as of the document."),
    "countries": (STRS, False, "Ids of the countries and regions the fact concerns."),
    "topics": (STRS, False, "Ids of the topics the fact is filed under."),
    "corroborated": (BOOL, False, "Both documents state it."),
    "disputed": (BOOL, False, "A public-record source contradicts it."),
    "refined": (BOOL, False, "A public-record source makes it more precise."),
    "year": (INT, False, "The year the ODA figure is for."),
    "donor": (STR, False, "Entity id of the donor."),
    "recipient": (STR, False, "Entity id of the recipient country or region (also in `countries`)."),
    "amount": (NUM, False, "The amount as stated, in `currency` and `scale`."),
    "currency": (STR, False, "ISO 4217 code of the stated amount (JPY, USD)."),
    "scale": (STR, False, "unit, thousand, million, billion or trillion."),
    "measure": (STR, False, "disbursement, commitment, total or unspecified."),
    "year_basis": (STR, False, "calendar, fiscal or unspecified."),
    "flow_type": (STR, True, "loan, grant or technical-cooperation, where the source says."),
    "value_stated": (STR, False, "The figure exactly as the source prints it."),
    "caveats": (STRS, False, "What caj cannot vouch for in this figure, as short phrases."),
    "converted": (NUM, True, "The amount in `converted_currency`, same scale; null without a rate."),
    "converted_currency": (STR, False, "The currency asked for with --currency."),
    "rate_jpy_per_usd": (NUM, True, "Yen per US dollar used: the annual average of `year`."),
    "rate_source": (STR, True, "Source id of the rate (wb-wdi-fx)."),
    "project_name": (STR, False, "The project's name as the sources give it."),
    "host_country": (STR, False, "Entity id of the country the project is in (also in `countries`)."),
    "sector": (STR, False, "Topic id of the project's sector."),
    "japanese_partners": (STRS, False, "Entity ids of the Japanese companies and agencies in it."),
    "local_partners": (STRS, False, "Entity ids of its local partners."),
    "funders": (STRS, False, "Entity ids of its funders and lenders."),
    "finance": (STR, True, "Its finance as stated (e.g. up to US$400 million (loan))."),
    "capacity": (STR, True, "Its capacity as stated (e.g. 1,600 MW)."),
    "record": (STR, False, "What a search hit is: fact or entity."),
    "match": (STR, False, "Where the hit matched: a passage of the title or summary."),
    "document_says": (STR, True, "The document's own value or date, with its source id; null "
                      "where no document states the fact."),
    "stance": (STR, False, "contradicts or refines: what the public-record source does."),
    "record_says": (STR, False, "The public-record source's value or date, with its source id."),
    "note": (STR, True, "The curator's note on the disagreement."),
    "iso2": (STR, True, "ISO 3166-1 alpha-2 code (countries only)."),
    "iso3": (STR, True, "ISO 3166-1 alpha-3 code (countries only)."),
    "aliases": (STRS, False, "Other names it is found by: spellings, acronyms, former names."),
    "n_facts": (INT, False, "How many facts it is linked to or cited by."),
    "parent": (STR, True, "Id of the broader topic; filtering by that one includes this."),
    "description": (STR, True, "A description supplied where the real title is not known; shown "
                    "in [square brackets]."),
    "publisher": (STR, False, "Who published the source."),
    "author": (STR, True, "Its author, where known."),
    "url": (STR, True, "Where it is online, where known."),
    "reliability": (STR, False, "What the source is and how far to trust it."),
    "checked": (STR, True, "The day (EDTF) the source was read against a stored copy of the page "
                "at `url`; \"not checked against a copy\" for a public-record source never so read; "
                "null for the two documents themselves."),
    "sources": (SOURCES, False, "Citations: a list of {source, locator, stance}. CSV/TSV write "
                "it as `source:locator; source:locator`."),
}

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
                "reliability", "checked", "n_facts", "sources"),
    "countries": ("id", "kind", "date", "when", "title", "iso2", "iso3", "aliases", "n_facts",
                  "sources"),
    "topics": ("id", "kind", "date", "when", "title", "parent", "n_facts", "sources"),
}
COMMANDS["actors"] = COMMANDS["countries"]


def _field_schema(name: str) -> dict:
    kind, nullable, meaning = FIELDS[name]
    if kind == SOURCES:
        item = {"type": "object", "required": ["source", "locator", "stance"],
                "properties": {"source": {"type": "string"}, "locator": {"type": "string"},
                               "stance": {"enum": ["states", "supports", "contradicts", "refines"]}}}
        return {"type": "array", "items": item, "description": meaning}
    if kind == STRS:
        return {"type": "array", "items": {"type": "string"}, "description": meaning}
    return {"type": [kind, "null"] if nullable else kind, "description": meaning}


SHOW_COMMON = ("id", "kind", "date", "when", "title", "sources")


def schema(command: str) -> dict:
    """The JSON Schema (2020-12) of what `caj COMMAND --format json` prints."""
    if command == "show":  # one nested record: a fact card or an entity card
        record = {"type": "object", "required": list(SHOW_COMMON),
                  "properties": {n: _field_schema(n) for n in SHOW_COMMON}}
        return {"$schema": "https://json-schema.org/draft/2020-12/schema",
                "title": "caj show ID --format json", **record}
    names = COMMANDS[command]
    record = {"type": "object", "required": list(names), "additionalProperties": False,
              "properties": {n: _field_schema(n) for n in names}}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema",
            "title": f"caj {command.replace('-converted', ' --currency')} --format json",
            "type": "array", "items": record}


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
- **Lists** are JSON arrays; CSV/TSV join them with `; `. `sources` is a list of objects
  `{source, locator, stance}`, written in CSV/TSV as `source:locator; source:locator`.
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
    for name, (kind, nullable, meaning) in FIELDS.items():
        kind = {SOURCES: "list of objects", STRS: "list of strings"}.get(kind, kind)
        lines.append(f"| `{name}` | {kind} | {'yes' if nullable else 'no'} | {meaning} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m caj.formats DOCS_DIR: refresh the schemas and formats.md
    import sys
    from pathlib import Path

    for p in write_schemas(Path(__file__).with_name(SCHEMA_DIR)):
        print(p)
    if len(sys.argv) > 1:
        (Path(sys.argv[1]) / "formats.md").write_text(markdown(), encoding="utf-8")
