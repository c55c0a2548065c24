"""The questions caj answers, each declared once: the query function that answers it, its
parameters (name, flags, type or closed set, help, what the query resolves them as), its record
shape and its picture. The command line's options, the web pages and their forms, the MCP tools'
arguments, the typo hints, the overview and the Python library (`caj.timeline(...)`) are all
made from this table, so a new filter is one `Param` here and its use in the query function.

Standard library only, and nothing is computed at import beyond the table itself: every lookup
imports this module, and its startup must not grow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from caj.core import vocab
from caj.core.errors import UsageError, shown
from caj.core.i18n import _
from caj.reading import queries
from caj.reading.lang import localize


class Param:
    """One parameter of a question, as every face names and explains it.

    `name` is what a reader types: the URL parameter, the MCP argument, the option without its
    dashes. `keyword` is the query function's (and the Python library's) name for it where
    `name` is a Python keyword (`from` -> `date_from`). `kind` is text | date | year | int | flag;
    `choices` names a closed set of `vocab.CHOICES` (or a tuple of values); `resolves` says what
    the query looks a name up as (country, actor, topic, source), which the typo hints use.
    A parameter with `query=False` is how a face renders the answer (a citation style, a
    picture's lanes), not part of the question the query function is asked."""

    __slots__ = ("name", "help", "flags", "keyword", "kind", "choices", "resolves", "metavar",
                 "label", "hint", "default", "required", "bounds", "faces", "query", "aliases")

    def __init__(self, name: str, help: str, *, flags: tuple[str, ...] | None = None,
                 keyword: str | None = None, kind: str = "text",
                 choices: str | tuple[str, ...] | None = None, resolves: str | None = None,
                 metavar: str | None = None, label: str | None = None, hint: str = "",
                 default: Any = None, required: bool = False, bounds: tuple[int, int] | None = None,
                 faces: tuple[str, ...] = ("cli", "web", "mcp", "python"), query: bool = True,
                 aliases: tuple[str, ...] = ()) -> None:
        self.name, self.help, self.keyword, self.query = name, help, keyword or name, query
        self.aliases = aliases  # other URL names a web page takes (the search box's `q`)
        self.flags = (f"--{name.replace('_', '-')}",) if flags is None else flags
        self.kind, self.choices, self.resolves = kind, choices, resolves
        self.metavar = metavar or name.upper()
        self.label, self.hint = label or name.replace("_", " ").capitalize(), hint
        self.default, self.required, self.bounds, self.faces = default, required, bounds, faces

    @property
    def positional(self) -> bool:
        return not self.flags

    def values(self) -> tuple[str, ...] | None:
        """The closed set this parameter takes, if it has one."""
        if isinstance(self.choices, str):
            return vocab.values(self.choices)
        return self.choices

    def with_(self, **changes) -> Param:
        """The same parameter with other help, flags or default (another question's wording)."""
        given = {k: getattr(self, k) for k in self.__slots__ if k != "keyword"} | changes
        given["keyword"] = changes.get("keyword", self.keyword)
        return Param(**given)


class Question:
    """A question: its name (the command, the page, the tool, the library function), the query
    function that answers it, its parameters, what it is for, and its record shape."""

    __slots__ = ("name", "ask", "params", "summary", "purpose", "examples", "shape", "picture",
                 "title", "faces")

    def __init__(self, name: str, ask: Callable, params: tuple[Param, ...], summary: str,
                 purpose: str, examples: tuple[str, ...], *, shape: str | None = None,
                 picture: tuple[Param, ...] | None = None, title: str | None = None,
                 faces: tuple[str, ...] = ("cli", "web", "mcp", "python")) -> None:
        self.name, self.ask, self.params, self.summary = name, ask, params, summary
        self.purpose, self.examples, self.shape = purpose, examples, shape or name
        self.picture, self.title, self.faces = picture, title or name.capitalize(), faces

    def param(self, name: str) -> Param:
        return next(p for p in self.params if p.name == name)

    def on(self, face: str) -> tuple[Param, ...]:
        """The parameters a face offers: all of them, unless one is another face's own."""
        return tuple(p for p in self.params if face in p.faces)

    def arguments(self, given: dict[str, Any]) -> dict[str, Any]:
        """Parameters by name (as a reader types them) -> the query function's keywords; what
        only a face uses (a style, a picture's lanes) is left out."""
        by_name = {p.name: p for p in self.params}
        return {by_name[k].keyword if k in by_name else k: v for k, v in given.items()
                if k not in by_name or by_name[k].query}

    def answer(self, conn, lang: str = "en", **given) -> Any:
        """Ask the query function, with parameters by name or by keyword; the answer in `lang`."""
        names = {p.keyword: p.name for p in self.params}
        _text_only({names.get(k, k): v for k, v in given.items()})
        if self.name == "search":  # it looks in the language's own index, and answers in it
            return self.ask(conn, **self.arguments(given), lang=lang)
        return localize(conn, self.shape, self.ask(conn, **self.arguments(given)), lang)


def _text_only(given: dict[str, Any]) -> None:
    """A value no database can hold (a lone surrogate: a Python caller's or a JSON string's, never
    a shell's) is a usage error, as a command line says it of an argument that is not UTF-8."""
    for name, value in given.items():
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                said = _("argument {n} is not valid UTF-8: {value}").format(n=name, value=shown(value))
                raise UsageError(said) from None


# --- the parameters, each explained once ------------------------------------------------------

DATES = "YYYY, YYYY-MM, YYYY-MM-DD or a decade (1990s)"
COUNTRY = Param("country", "Country or region: name, alias or ISO code, any case (uz, Kazakhstan, "
                "'Kyrgyz Republic', central-asia).", flags=("--country", "-c"), resolves="country",
                metavar="NAME", hint="a name, alias or ISO code: Kazakhstan, KZ, Uzbek")
YEAR = Param("year", "Exactly this year (YYYY); not with from/to.", flags=("--year", "-y"),
             kind="year", metavar="YYYY", hint="one year: 2016")
FROM = Param("from", f"From this date on ({DATES}): facts whose dates overlap it.", keyword="date_from",
             kind="date", metavar="DATE", hint="a year, YYYY-MM, a day or a decade (1990s)")
TO = Param("to", f"Up to this date ({DATES}).", keyword="date_to", kind="date", metavar="DATE",
           hint="as From")
TOPIC = Param("topic", "Topic: id, label or alias, with the topics beneath it (energy, uranium, "
              "transport; see `caj topics`).", flags=("--topic", "-t"), resolves="topic",
              metavar="TOPIC", hint="energy, nuclear, transport…")
KIND = Param("kind", "Kind of fact: " + vocab.listed("fact_kind") + ".", flags=("--kind", "-k"),
             choices="fact_kind", metavar="KIND", label="Kind of fact")
STATUS = Param("status", "Status of the fact: " + vocab.listed("status") + ".", choices="status",
               metavar="STATUS")
SOURCE = Param("source", "Only facts cited by this source id (see `caj sources`).",
               flags=("--source", "-s"), resolves="source", metavar="ID", hint="idsa-2024, avim-2017")
ACTOR = Param("actor", "Any entity involved: organisation, company, person (JICA, JBIC, Nazarbayev; "
              "see `caj actors`).", flags=("--actor", "-a"), resolves="actor", metavar="NAME",
              hint="JICA, Nazarbayev, a company")
UNDATED = Param("with_undated", "Add statements the documents make without a date (dated as of the "
                "document, marked *).", kind="flag", default=False,
                label="Add statements the documents do not date (marked *)")
CURRENCY = Param("currency", "Also give each amount in this currency, at the year's average rate "
                 "(cited).", choices="currency", metavar="JPY|USD", label="Convert to")
SECTOR = Param("sector", "Sector: a topic id, label or alias, with the topics beneath it.",
               resolves="sector", metavar="TOPIC", hint="energy, agriculture, transport…")
PARTNER = Param("partner", "A company, agency or bank involved (JICA, JBIC, Toshiba).",
                flags=("--partner", "-p"), resolves="actor", metavar="NAME", hint="JICA, JBIC, a company")
ID = Param("id", "A fact or entity id (any case), as the tables and `caj search` print it, e.g. "
           "oda-2016-uzbekistan, jbic.", flags=(), keyword="ref", metavar="ID", required=True)
TEXT = Param("text", "Words, \"a phrase\", or a prefix* (SQLite FTS5); a plain question works too.",
             flags=(), metavar="TEXT", required=True, label="Words", hint="railway, uranium, a name",
             aliases=("q",))
LIMIT = Param("limit", "At most this many hits (1 to 10000).", flags=("--limit", "-n"), kind="int",
              metavar="N", default=20, bounds=(1, 10000), label="Hits per page",
              hint="1 to 10000; 20 unless given")
ACTOR_KIND = Param("kind", "Only this kind of entity: " + vocab.listed("entity_kind") + ".",
                   flags=("--kind", "-k"), choices="entity_kind", metavar="KIND", label="Kind")
STYLE = Param("style", "Citation style: " + vocab.listed("cite_style") + ".", choices="cite_style",
              metavar="STYLE", default="text", query=False)
BY = Param("by", "In the picture: one lane per country (default) or per kind of fact.",
           choices="lane", metavar="country|kind", label="Lanes by", faces=("cli", "web"), query=False)

LANG = Param("lang", "Language of the words: en, ru or ja (default English); keys, ids, dates and "
             "amounts stay as they are, and each record then carries `lang`.", metavar="LANG",
             faces=("mcp", "python"), query=False)  # the command line's --lang is global, the web's a path

# --- the questions ----------------------------------------------------------------------------

NO_PAGE = ("cli", "mcp", "python")  # listed on the web by the entity pages, not a page of its own
CITED = ("Every record carries its sources: a list of {source, locator, stance}, the source id "
         "(see `sources`) and where in it (section, page, paragraph); cite them."
         " Every question answers in English, Russian or Japanese: give lang (en, ru, ja); keys, "
         "ids, dates and amounts stay as they are.")


def _spoken(*questions: Question) -> tuple[Question, ...]:
    """Every question can be answered in each language."""
    for q in questions:
        q.params = (*q.params, LANG)
    return questions


QUESTIONS: dict[str, Question] = {q.name: q for q in _spoken(
    Question("timeline", queries.timeline,
             (YEAR, FROM, TO, COUNTRY, TOPIC, KIND, SOURCE, ACTOR, STATUS, UNDATED),
             "Dated facts in order, with their sources.",
             "Dated facts of Japan's relations with Central Asia, in date order: visits, summits, "
             "agreements, loans, projects. Use it for 'when did...', 'what happened in YEAR', 'what "
             "has Japan done in COUNTRY'.",
             ("caj timeline --from 2004 --to 2010", "caj timeline --country kz --year 2024 --format json",
              "caj timeline --from 2000 --plot timeline.svg"),
             picture=(BY,)),
    Question("oda", queries.oda, (YEAR, FROM, TO, COUNTRY, CURRENCY),
             "Japan's ODA figures as the sources state them, with what caj cannot vouch for.",
             "Japan's ODA (official development assistance) figures as the sources state them, with "
             "caveats on what caj cannot vouch for. Use it for aid amounts by country and year; give "
             "currency to convert at the year's rate.",
             ("caj oda --year 2016", "caj oda --country uzbekistan --currency USD"),
             picture=(), title="ODA figures"),
    Question("projects", queries.projects, (COUNTRY, SECTOR, PARTNER, STATUS),
             "Projects by country, then date, with partners, finance and sources.",
             "Projects Japan is part of (power plants, mines, railways, loans), by host country, with "
             "partners, finance and capacity. Use it for 'which Japanese projects in COUNTRY/SECTOR'.",
             ("caj projects --country uzbekistan", "caj projects --partner JBIC --format json")),
    Question("show", queries.show, (ID,),
             "One fact (every field, every citation, quote and note) or one entity (its names and facts).",
             "Everything about one fact (every field, each citation with its stance, locator and "
             "verbatim quote, curator's notes) or one entity (names, codes, its facts). Use it to check "
             "a fact before citing it; ids come from the other questions.",
             ("caj show oda-2016-uzbekistan", "caj show enersok-jbic-loan-2023 --format json",
              "caj show jbic")),
    Question("search", queries.search, (TEXT, LIMIT),
             "Full-text search over facts, projects and entities, best match first.",
             "Full-text search over facts, projects and entities, best match first. Use it first when "
             "you do not know the id, country or topic a question is about.",
             ("caj search railway", 'caj search "gas-fired" --format json', "caj search nazarbaev")),
    Question("sources", queries.sources, (),
             "The sources facts cite: the two documents, the public record, the rate table.",
             "The sources the facts cite (two analytical documents, the public record, the rate "
             "table), with publisher, URL and reliability. Use it to name a source id in full.",
             ("caj sources", "caj sources --format json")),
    Question("countries", queries.countries, (),
             "Countries and regions, with ISO codes, aliases and fact counts.",
             "The countries and regions facts name, with ISO codes, aliases and fact counts. Use it to "
             "see which names a country filter takes.",
             ("caj countries", "caj countries --format csv"), faces=NO_PAGE),
    Question("actors", queries.actors, (ACTOR_KIND,),
             "Organisations, companies, initiatives, people and places, with fact counts.",
             "The organisations, companies, initiatives, people and places facts name, with aliases "
             "and fact counts. Use it to find the id or the spelling of an actor.",
             ("caj actors", "caj actors --kind company"), faces=NO_PAGE),
    Question("topics", queries.topics, (),
             "The topics facts are filed under, broader ones first, with fact counts.",
             "The topics facts are filed under, broader ones first, with fact counts. Use it to see "
             "what a topic filter takes.",
             ("caj topics", "caj timeline --topic nuclear"), faces=NO_PAGE),
    Question("conflicts", queries.conflicts, (),
             "Where the public record contradicts or refines a document: both sides, both sources.",
             "Where the public record contradicts or refines a document: both sides, both sources. Use "
             "it before stating a date or figure that may be disputed.",
             ("caj conflicts", "caj conflicts --format json"),
             title="Where the public record differs"),
    Question("cite", queries.cite_items, (ID.with_(help="A fact id or a source id (any case)."), STYLE),
             "A fact's or a source's citation, with locators, ready for a report.",
             "The citations of a fact id or a source id, with locators and quotes, ready to put in an "
             "answer or a report.",
             ("caj cite oda-2016-uzbekistan", "caj cite idsa-2024 --style bibtex"),
             shape="cite", faces=NO_PAGE),
)}


def on(face: str) -> list[Question]:
    """The questions a face answers, in the registry's order."""
    return [q for q in QUESTIONS.values() if face in q.faces]


def slips(command: str) -> list[tuple[str, str]]:
    """(what it resolves as, the option) for each parameter of a command that names something:
    what a value typed without its option may have meant."""
    q = QUESTIONS.get(command)
    named = [(p.resolves, p.flags[0]) for p in q.params if p.resolves and p.flags] if q else []
    # a place or a subject is the likelier meaning of a bare word than a source id
    return sorted(named, key=lambda n: SLIP_ORDER.index(n[0]))


SLIP_ORDER = ("country", "topic", "sector", "actor", "source")
