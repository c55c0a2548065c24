"""The questions the web pages answer: each page is a function of the query layer, its URL
parameters named as the command's options. A page's `.json` twin is byte for byte what the command
prints with `--format json`, its `.csv` twin what it prints with `--format csv`."""

from __future__ import annotations

import io

from caj.core import vocab
from caj.core.errors import UsageError
from caj.faces.terminal import render
from caj.reading import queries

FLAGS = {"": False, "0": False, "no": False, "false": False, "off": False,
         "1": True, "yes": True, "true": True, "on": True}


class Page:
    """A page: its title, the query function, and its URL parameters -> the function's arguments."""

    __slots__ = ("name", "title", "ask", "params")

    def __init__(self, name: str, title: str, ask, params: dict[str, str]) -> None:
        self.name, self.title, self.ask, self.params = name, title, ask, params


def _search(conn, text=None, limit="20"):
    rows, _total, _how = queries.search(conn, text or "", limit=limit)
    return rows


PAGES = {p.name: p for p in (
    Page("timeline", "Timeline", queries.timeline,
         {"year": "year", "from": "date_from", "to": "date_to", "country": "country", "topic": "topic",
          "kind": "kind", "source": "source", "actor": "actor", "status": "status",
          "with_undated": "with_undated"}),
    Page("oda", "ODA figures", queries.oda,
         {"year": "year", "from": "date_from", "to": "date_to", "country": "country",
          "currency": "currency"}),
    Page("projects", "Projects", queries.projects,
         {"country": "country", "sector": "sector", "partner": "partner", "status": "status"}),
    Page("search", "Search", _search, {"q": "text", "limit": "limit"}),
    Page("conflicts", "Where the public record differs", queries.conflicts, {}),
    Page("sources", "Sources", queries.sources, {}),
)}


def arguments(page: Page, args: dict[str, str], strict: bool = True) -> dict:
    """URL parameters -> the query function's arguments; an empty value is no filter. An unknown
    parameter is a usage error when `strict` (a script's typo is never silently ignored); a page
    for readers passes strict=False and ignores it (a shared link carries fbclid, utm_*...)."""
    unknown = sorted(set(args) - set(page.params))
    if unknown and strict:
        known = ", ".join(page.params) or "none"
        raise UsageError(f"unknown parameter {unknown[0]!r} for /{page.name}; parameters: {known}")
    out = {}
    for param, value in args.items():
        if param not in page.params or value.strip() == "":
            continue
        if param == "with_undated":
            if value.strip().casefold() not in FLAGS:
                raise UsageError(f"with_undated={value!r}: give 1 or 0")
            out["with_undated"] = FLAGS[value.strip().casefold()]
        else:
            out[page.params[param]] = value
    return out


def records(conn, page: Page, args: dict[str, str], strict: bool = True) -> list[dict]:
    return list(page.ask(conn, **arguments(page, args, strict)))


def fields(page: Page, args: dict[str, str]) -> tuple[str, ...]:
    """The command's fields, in its order (`oda` with a currency carries the conversion)."""
    if page.name == "oda" and args.get("currency", "").strip():
        return vocab.COMMANDS["oda-converted"]
    return vocab.COMMANDS[page.name]


def as_format(rows: list[dict], fmt: str, names: tuple[str, ...]) -> str:
    """The records exactly as the command writes them in `fmt` (json or csv)."""
    out = io.StringIO()
    render.emit(rows, fmt, render.View(columns=[], fields=names), out)
    return out.getvalue()
