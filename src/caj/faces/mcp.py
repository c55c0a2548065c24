"""caj for AI assistants: a Model Context Protocol server over stdio, on the official SDK's MCPServer.

Each tool is one question of the query layer (caj.reading.queries), its arguments named as the
command's options; its structured result is `{"records": [...]}`, exactly the records `caj COMMAND
--format json` prints, under an output schema generated from the vocabulary (caj.core.vocab). Bad
input is a tool error carrying the command's own one-line message. Imported only by `caj mcp`:
the SDK takes a second or two to import, which no other command should pay.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import ConfigDict, Field, ValidationError, create_model

from caj import __version__
from caj.core import vocab
from caj.core.errors import CajError, shown
from caj.faces import cite as citing
from caj.reading import queries
from caj.reading.db import damaged, diagnose

CITED = ("Every record carries its sources: a list of {source, locator, stance}, the source id "
         "(see the `sources` tool) and where in it (section, page, paragraph); cite them in your answer.")

# --- arguments: named as the command's options, described for an assistant --------------------

DATE = "YYYY, YYYY-MM, YYYY-MM-DD or a decade (1990s)"
ARGS: dict[str, tuple[Any, str]] = {
    "country": (str, "Country or region: name, alias or ISO code, any case (uz, kazakhstan, "
                     "'Kyrgyz Republic', central-asia)."),
    "year": (int | str, "Exactly this year (YYYY); not with from/to."),
    "from": (str, f"From this date on ({DATE}): records whose dates overlap it."),
    "to": (str, f"Up to this date ({DATE})."),
    "topic": (str, "Topic: id, label or alias, with the topics beneath it (energy, uranium, transport)."),
    "kind": (str, "Kind of fact: " + vocab.listed("fact_kind") + "."),
    "status": (str, "Status of the fact: " + vocab.listed("status") + "."),
    "source": (str, "Only facts cited by this source id (see the `sources` tool)."),
    "actor": (str, "Any entity involved: organisation, company, person (JICA, JBIC, Nazarbayev)."),
    "currency": (str, "Also give each amount in this currency (JPY or USD), at the year's average "
                      "rate (cited)."),
    "sector": (str, "Sector: a topic id, label or alias, with the topics beneath it."),
    "partner": (str, "A company, agency or bank involved (JBIC, Toshiba)."),
    "id": (str, "A fact or entity id as the other tools return it (any case), e.g. "
                "oda-2016-uzbekistan, jbic."),
    "text": (str, "Words, \"a phrase\", or a prefix* (SQLite FTS5); a plain question works too."),
    "limit": (int, "At most this many hits (1 to 10000)."),
    "with_undated": (bool, "Add statements the documents make without a date (dated as of the document)."),
}
REQUIRED = {"id", "text"}
DEFAULTS: dict[str, Any] = {"limit": 20, "with_undated": False}
# advertised to the client; the query layer checks them itself, with the command's own message
BOUNDS = {"limit": {"minimum": 1, "maximum": 10000}}
# the query functions' own names for arguments a reader types otherwise
KEYWORD = {"from": "date_from", "to": "date_to"}


class _Args(ArgModelBase):
    # an argument the tool does not take is an error, never silently ignored (as in the web pages)
    model_config = ConfigDict(extra="forbid")


def arg_model(tool: str, names: tuple[str, ...]) -> type[ArgModelBase]:
    """The pydantic model of a tool's arguments; `from` goes by an alias, being a Python keyword."""
    fields = {}
    for name in names:
        kind, text = ARGS[name]
        default = ... if name in REQUIRED else DEFAULTS.get(name)
        kind = kind | None if default is None else kind
        fields[KEYWORD.get(name, name)] = (kind, Field(default, alias=name, description=text,
                                                       json_schema_extra=BOUNDS.get(name)))
    return create_model(f"{tool}_arguments", __base__=_Args, **fields)


# --- the tools: one question of the query layer each ---------------------------------------------


class Spec:
    """A tool: the command it answers as, its arguments, what it is for, and how it asks."""

    __slots__ = ("name", "args", "purpose", "ask", "items")

    def __init__(self, name: str, args: str, purpose: str, ask: Callable, items: dict | None = None) -> None:
        self.name, self.args, self.purpose, self.ask = name, tuple(args.split()), purpose, ask
        self.items = items or vocab.record_schema(name)


class Hits(list):
    """Search hits, with what the command says beside them on stderr (more hits, close spellings)."""

    note = ""


def _search(conn, text, limit=20) -> Hits:
    rows, total, how = queries.search(conn, text, limit=limit)
    hits = Hits(rows)
    if how and rows:
        hits.note = f"No word matches {text!r}; these are names spelled like it."
    elif total > len(rows):
        hits.note = f"Showing {len(rows)} of {total}; limit {total} gives them all."
    return hits


SPECS = (
    Spec("timeline", "country year from to topic kind status source actor with_undated",
         "Dated facts of Japan's relations with Central Asia, in date order: visits, summits, agreements, "
         "loans, projects. Use it for 'when did...', 'what happened in YEAR', 'what has Japan done in "
         "COUNTRY'; filter by country, year or from/to, topic, kind.", queries.timeline),
    Spec("oda", "country year from to currency",
         "Japan's ODA (official development assistance) figures as the sources state them, with caveats "
         "on what caj cannot vouch for. Use it for aid amounts by country and year; give currency to "
         "convert at the year's rate.", queries.oda,
         {"anyOf": [vocab.record_schema("oda"), vocab.record_schema("oda-converted")]}),
    Spec("projects", "country sector partner status",
         "Projects Japan is part of (power plants, mines, railways, loans), by host country, with "
         "partners, finance and capacity. Use it for 'which Japanese projects in COUNTRY/SECTOR'.",
         queries.projects),
    Spec("show", "id",
         "Everything about one fact (every field, each citation with its stance, locator and verbatim "
         "quote, curator's notes) or one entity (names, codes, its facts). Use it to check a fact before "
         "citing it; ids come from the other tools.", lambda conn, id: [queries.show(conn, id)]),
    Spec("search", "text limit",
         "Full-text search over facts, projects and entities, best match first. Use it first when you do "
         "not know the id, country or topic a question is about.", _search),
    Spec("cite", "id",
         "The citations of a fact id or a source id, with locators and quotes, ready to put in an answer "
         "or a report (text style).", lambda conn, id: queries.cite_items(conn, id),
         vocab.record_schema("cite")),
    Spec("conflicts", "",
         "Where the public record contradicts or refines a document: both sides, both sources. Use it "
         "before stating a date or figure that may be disputed.", queries.conflicts),
    Spec("sources", "",
         "The sources the facts cite (two analytical documents, the public record, the rate table), with "
         "publisher, URL and reliability. Use it to name a source id in full.", queries.sources),
)


def output_schema(spec: Spec) -> dict:
    """{"records": [...]}, each record as the vocabulary registry defines the command's."""
    return {"type": "object", "required": ["records"],
            "properties": {"records": {"type": "array", "items": spec.items}}}


class CajTool(Tool):
    """A tool whose arguments, when they do not fit its schema, get one line saying which and why
    (the SDK would pass on pydantic's several lines, with links)."""

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        try:
            return await super().run(arguments, context, convert_result)
        except ToolError as exc:
            if not isinstance(exc.__cause__, ValidationError):
                raise
            return CallToolResult(content=[TextContent(type="text", text=misfit(self, exc.__cause__))],
                                  is_error=True)


def misfit(tool: Tool, error: ValidationError) -> str:
    """The first argument that does not fit, as a usage error line says it."""
    e = error.errors()[0]
    name = ".".join(str(p) for p in e["loc"]) or "arguments"
    if e["type"] == "extra_forbidden":
        known = ", ".join(tool.parameters.get("properties", {})) or "none"
        return f"unknown argument {shown(name)} for {tool.name}; arguments: {known}"
    if e["type"] == "missing":
        return f"missing argument {shown(name)} for {tool.name}"
    return f"argument {name} {shown(e.get('input'))}: {e['msg'][0].lower()}{e['msg'][1:]}"


def make_tool(conn, spec: Spec) -> Tool:
    """An SDK tool over one query; built by hand so that `from` can be an argument's name."""
    model = arg_model(spec.name, spec.args)

    async def run(**given) -> CallToolResult:
        return answer(conn, spec, given)

    meta = FuncMetadata(arg_model=model, output_schema=output_schema(spec))
    # async: a query takes milliseconds, less than handing it to a worker thread would
    return CajTool(fn=run, name=spec.name, title=f"caj {spec.name}", description=f"{spec.purpose} {CITED}",
                   parameters=model.model_json_schema(by_alias=True), fn_metadata=meta, is_async=True,
                   annotations=ToolAnnotations(read_only_hint=True, idempotent_hint=True,
                                               open_world_hint=False))


def answer(conn, spec: Spec, given: dict) -> CallToolResult:
    """Ask the query layer; a CajError is the tool's error, in the command's own words."""
    # a year may come as 2016 or "2016": the query layer checks it as typed, with its own message
    kwargs = {KEYWORD.get(k, k): (str(v) if k == "year" else v) for k, v in given.items() if v is not None}
    try:
        with _reading():
            found = spec.ask(conn, **kwargs)
            records = list(found)  # a timeline is a generator: its rows are read here
    except CajError as exc:
        return CallToolResult(content=[TextContent(type="text", text=exc.message)], is_error=True)
    text = "\n".join(filter(None, [as_text(spec.name, records), getattr(found, "note", "")]))
    return CallToolResult(content=[TextContent(type="text", text=text)],
                          structured_content={"records": records})


@contextmanager
def _reading() -> Iterator[None]:
    """A database that fails while read is a DatabaseError, in the words every command uses."""
    try:
        yield
    except sqlite3.Error as exc:
        raise damaged(exc) from None
    except (KeyError, TypeError, ValueError) as exc:  # unforeseen: the database, if it is the cause
        raise diagnose() or exc from None


# --- text, for clients that show text --------------------------------------------------------


def cited(sources: list[dict]) -> str:
    return "; ".join(f"{s['source']}, {s['locator']}" if s.get("locator") else s["source"] for s in sources)


def line(r: dict) -> str:
    """One record on one line: when, title, id, sources."""
    parts = [r.get("when") or "undated", r.get("title") or r.get("description") or "", f"[{r['id']}]"]
    if r.get("document_says") or r.get("record_says"):
        parts.append(f"document: {r.get('document_says') or '—'}; record: {r['record_says']}")
    if r.get("sources"):
        parts.append(f"sources: {cited(r['sources'])}")
    return " · ".join(p for p in parts if p)


def as_text(tool: str, records: list[dict]) -> str:
    if tool == "cite":
        return citing.render(records, "text").strip()
    if tool == "show":
        return card_text(records[0])
    if not records:
        return "No records match."
    return "\n".join(line(r) for r in records)


def card_text(card: dict) -> str:
    """A fact: its summary, then each citation with its stance and quote; an entity: its facts."""
    out = [f"{card['title']} [{card['id']}] · {card.get('when') or 'undated'} · {card['kind']}"]
    if card.get("summary"):
        out.append(card["summary"])
    for c in card.get("citations", []):
        quote = f": “{c['quote']}”" if c.get("quote") else ""
        said = f" ({c['value']})" if c.get("value") else ""
        out.append(f"{vocab.label('stance', c['stance'])} {c['source']}, {c['locator']}{said}{quote}")
        if c.get("note"):
            out.append(f"  note: {c['note']}")
    out += [line(f) for f in card.get("facts", [])]
    return "\n".join(out)


# --- resources: a cited fact or source, opened by its id -------------------------------------------


def add_resources(server: MCPServer, conn) -> None:
    @server.resource("caj://facts/{id}", name="fact", mime_type="application/json",
                     description="One fact (or entity) as `caj show ID --format json` gives it.")
    def fact(id: str) -> str:
        return _resource(lambda: queries.show(conn, id))

    @server.resource("caj://sources/{id}", name="source", mime_type="application/json",
                     description="One source as the `sources` tool lists it.")
    def source(id: str) -> str:
        return _resource(lambda: _source(conn, id))


def _source(conn, ref: str) -> dict:
    key = queries.named(conn, "source", ref)
    return next(s for s in queries.sources(conn) if s["id"] == key)


def _resource(ask: Callable[[], dict]) -> str:
    try:
        with _reading():
            return json.dumps(ask(), ensure_ascii=False)
    except CajError as exc:
        raise ResourceError(exc.message) from None


# --- the server --------------------------------------------------------------------------------

INSTRUCTIONS = ("caj answers questions on Japan's relations with Central Asia from a curated database "
                "of dated facts, ODA figures and projects. Answer from its records, not from memory, and "
                "cite each record's sources (source id and locator).")


def build(conn) -> MCPServer:
    server = MCPServer(name="caj", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING",
                       tools=[make_tool(conn, spec) for spec in SPECS])
    add_resources(server, conn)
    return server


def serve(conn) -> None:
    """Answer over stdin/stdout until the client closes them."""
    build(conn).run("stdio")
