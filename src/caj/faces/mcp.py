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
from mcp.server.mcpserver.exceptions import ResourceError
from mcp.server.mcpserver.tools import Tool
from mcp.types import CallToolResult, TextContent
from pydantic import ConfigDict, Field, ValidationError, create_model

from caj import __version__
from caj.core import vocab
from caj.core.errors import CajError, shown
from caj.faces import cite as citing
from caj.faces import mcp_sdk
from caj.faces.mcp_sdk import ArgModelBase
from caj.reading import lang as speech
from caj.reading import queries, questions
from caj.reading.db import damaged, diagnose

CITED = questions.CITED

# --- arguments: the question registry's parameters, named and explained as everywhere ---------

TYPES: dict[str, Any] = {"int": int, "flag": bool, "year": int | str}


class _Args(ArgModelBase):
    # an argument the tool does not take is an error, never silently ignored (as in the web pages)
    model_config = ConfigDict(extra="forbid")


def arg_model(q: questions.Question) -> type[ArgModelBase]:
    """The pydantic model of a tool's arguments; `from` goes by an alias, being a Python keyword."""
    fields = {}
    for p in q.on("mcp"):
        default = ... if p.required else p.default
        kind = TYPES.get(p.kind, str)
        kind = kind | None if default is None else kind
        extra = {"minimum": p.bounds[0], "maximum": p.bounds[1]} if p.bounds else {}
        if p.values():
            extra["enum"] = list(p.values())
        fields[p.keyword] = (kind, Field(default, alias=p.name, description=p.help,
                                         json_schema_extra=extra or None))
    return create_model(f"{q.name}_arguments", __base__=_Args, **fields)


# --- the tools: one question of the registry each ---------------------------------------------


def items(q: questions.Question) -> dict:
    """The JSON Schema of one record of a tool's answer (ODA's has two shapes)."""
    if q.name == "oda":
        return {"anyOf": [vocab.record_schema("oda"), vocab.record_schema("oda-converted")]}
    return vocab.record_schema(q.shape)


def ask(conn, q: questions.Question, kwargs: dict) -> tuple[list[dict], str]:
    """The records of one question, and what the command says beside them (search's notes)."""
    lang = speech.choose(conn, kwargs.pop("lang", None))
    found = q.answer(conn, lang, **kwargs)
    if q.name == "show":
        return [found], ""
    if q.name != "search":
        return list(found), ""  # a timeline is a generator: its rows are read here
    note = ""
    if found.how and found:
        note = f"No word matches {kwargs['text']!r}; these are names spelled like it."
    elif found.total > len(found):
        note = f"Showing {len(found)} of {found.total}; limit {found.total} gives them all."
    return list(found), note


def output_schema(q: questions.Question) -> dict:
    """{"records": [...]}, each record as the vocabulary registry defines the command's."""
    return {"type": "object", "required": ["records"],
            "properties": {"records": {"type": "array", "items": items(q)}}}


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


def make_tool(conn, q: questions.Question) -> Tool:
    """An SDK tool over one question; built by hand so that `from` can be an argument's name."""
    model = arg_model(q)

    async def run(**given) -> CallToolResult:
        return answer(conn, q, given)

    return mcp_sdk.tool(run, model, output_schema(q), name=q.name, title=f"caj {q.name}",
                        description=f"{q.purpose} {CITED}", misfit=misfit)


def answer(conn, q: questions.Question, given: dict) -> CallToolResult:
    """Ask the query layer; a CajError is the tool's error, in the command's own words."""
    # a year may come as 2016 or "2016": the query layer checks it as typed, with its own message
    kwargs = {k: (str(v) if k == "year" else v) for k, v in given.items() if v is not None}
    style = kwargs.pop("style", "text")
    try:
        with _reading():
            records, note = ask(conn, q, kwargs)
            text = as_text(q.name, records, style)
    except CajError as exc:
        return CallToolResult(content=[TextContent(type="text", text=exc.message)], is_error=True)
    text = "\n".join(filter(None, [text, note]))
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


def as_text(tool: str, records: list[dict], style: str = "text") -> str:
    if tool == "cite":
        return citing.render(records, queries.choose("style", style, vocab.values("cite_style"))).strip()
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

    # the same, in another language: caj://ru/facts/{id}, caj://ja/sources/{id}
    @server.resource("caj://{lang}/facts/{id}", name="fact-in-language", mime_type="application/json",
                     description="One fact (or entity) in a language (ru, ja), as `caj --lang LANG show ID "
                                 "--format json` gives it.")
    def fact_in(lang: str, id: str) -> str:
        return _resource(lambda: questions.QUESTIONS["show"].answer(conn, speech.choose(conn, lang), id=id))

    @server.resource("caj://{lang}/sources/{id}", name="source-in-language", mime_type="application/json",
                     description="One source in a language (ru, ja), as the `sources` tool lists it.")
    def source_in(lang: str, id: str) -> str:
        return _resource(lambda: _source(conn, id, speech.choose(conn, lang)))


def _source(conn, ref: str, lang: str = "en") -> dict:
    key = queries.named(conn, "source", ref)
    return next(s for s in questions.QUESTIONS["sources"].answer(conn, lang) if s["id"] == key)


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
                       tools=[make_tool(conn, q) for q in questions.on("mcp")])
    add_resources(server, conn)
    return server


def serve(conn) -> None:
    """Answer over stdin/stdout until the client closes them."""
    build(conn).run("stdio")
