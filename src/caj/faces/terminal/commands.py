"""The lookups as the terminal presents them: each question's answer drawn as a table, written as
CSV, JSON or Markdown, or drawn as a picture, from what the reader asked. No Typer here: the
command line (caj.cli) declares these as its commands, and a lookup asked plainly is answered
straight from `parsed` (caj.entry.quick), without the seconds' tenths Typer takes to import."""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Callable
from pathlib import Path

from caj.core import display, i18n, vocab
from caj.core.errors import UsageError, shown
from caj.core.i18n import N_, _
from caj.faces import formats, pictures
from caj.faces.terminal import render, views
from caj.reading import lang as speech
from caj.reading import queries, questions
from caj.reading.db import connect

FORMATS = render.FORMATS
ASKED = {"lang": None}  # what --lang said, for the command that runs after it


class Face:
    """One of the terminal's own options of the lookups (not a question's parameter): its flags,
    what it takes, its help; the command line declares it from this."""

    __slots__ = ("flags", "kind", "metavar", "help", "default")

    def __init__(self, flags: tuple[str, ...], kind: str, help: str, metavar: str | None = None,
                 default=None) -> None:
        self.flags, self.kind, self.help, self.metavar, self.default = flags, kind, help, metavar, default


FACE = {
    "fmt": Face(("--format", "-f"), "text", N_("table, csv, tsv, json, jsonl or markdown. Default: a table "
                                               "on a terminal, CSV when piped."), "FORMAT"),
    "db": Face(("--db",), "path", N_("Database to read (default: $CAJ_DB, else the one shipped with caj)."),
               "PATH"),
    "plot": Face(("--plot",), "path",
                 N_("Draw the rows to FILE.svg, .png or .pdf instead (needs caj[plot])."), "FILE"),
    "chart": Face(("--chart",), "flag", N_("Draw the amounts as bars on the terminal, in one currency "
                                           "(US$ unless --currency says otherwise)."), default=False),
}
# name -> (the function presenting its answer, the face options it takes)
PRESENT: dict[str, tuple[Callable, tuple[str, ...]]] = {}


def presents(name: str, *face: str):
    """Declare the presenter of question `name`, and the face options (FACE) it takes."""
    def register(present: Callable) -> Callable:
        PRESENT[name] = (present, face)
        return present

    return register


def present(name: str, given: dict, face_given: dict, lang: str | None = None) -> None:
    """Answer question `name`: `given` its parameters by keyword, every one (defaults filled in),
    `face_given` the face options it takes, `lang` what --lang said."""
    ASKED["lang"] = lang
    PRESENT[name][0](questions.QUESTIONS[name], given, **face_given)


# --- a lookup asked plainly, read without Typer -----------------------------------------------

Asked = tuple[str, dict, dict, "str | None"]


def parsed(args: list[str]) -> Asked | None:
    """`[--lang LANG] COMMAND ...` for a lookup asked plainly: each option once, spelled out
    (`--year 2016`, `-y 2016`, `--year=2016`), a flag bare, a whole number in digits and in its
    range, the command's arguments, no value empty or starting with "-". The command, its
    parameters by keyword with the defaults filled in, its face options and the language; the
    same Typer would pass (tests/test_quick.py). None for anything else (help, a slip, a repeated
    option, shell completion): Typer reads those, and says what is wrong."""
    if any(k.startswith("_CAJ_COMPLETE") for k in os.environ):
        return None
    lang, args = _global_lang(list(args))
    if not args or args[0] not in PRESENT or lang == "" or (lang or "").startswith("-"):
        return None
    name, rest = args[0], args[1:]
    known = _options(name)
    given = {p.keyword: p.default for p in params(name)}
    face_given = {k: FACE[k].default for k in PRESENT[name][1]}
    positional: list[str] = []
    while rest:
        token = rest.pop(0)
        if not token.startswith("-"):
            positional.append(token)
            continue
        flag, eq, value = token.partition("=")
        if eq and not flag.startswith("--"):
            return None  # -y=2016: Typer reads that
        key, spec = known.pop(flag, (None, None))
        if spec is None or (spec.kind == "flag" and eq) or (spec.kind != "flag" and not (eq or rest)):
            return None  # unknown, repeated, or a value missing or misplaced
        for other in [f for f, (k, _s) in known.items() if k == key]:
            del known[other]  # its other spelling (-y for --year) is spent too
        value = True if spec.kind == "flag" else _value(spec, value if eq else rest.pop(0))
        if value is None:
            return None
        (face_given if key in face_given else given)[key] = value
    wanted = [p for p in params(name) if p.positional]
    if len(positional) != len(wanted) or any(v == "" for v in positional):
        return None
    given.update((p.keyword, v) for p, v in zip(wanted, positional, strict=True))
    return name, given, face_given, lang


def _global_lang(args: list[str]) -> tuple[str | None, list[str]]:
    if args[:1] == ["--lang"] and len(args) > 1:
        return args[1], args[2:]
    if args and args[0].startswith("--lang="):
        return args[0].removeprefix("--lang="), args[1:]
    return None, args


def _options(name: str) -> dict[str, tuple[str, questions.Param | Face]]:
    """Each flag of a command -> (the keyword it sets, its declaration)."""
    known = {f: (p.keyword, p) for p in params(name) for f in p.flags}
    known |= {f: (k, FACE[k]) for k in PRESENT[name][1] for f in FACE[k].flags}
    return known


def _value(spec: questions.Param | Face, value: str):
    """An option's value as Typer converts it; None where Typer should read it instead."""
    if value == "" or value.startswith("-"):
        return None
    if spec.kind == "path":
        return Path(value)
    if spec.kind == "int":
        if not (value.isascii() and value.isdigit()):
            return None
        low, high = spec.bounds or (None, None)
        number = int(value)
        return number if (low is None or number >= low) and (high is None or number <= high) else None
    return value


def params(name: str) -> list[questions.Param]:
    """A command's parameters from the registry, in the order its options are listed."""
    q = questions.QUESTIONS[name]
    return [*q.on("cli"), *(q.picture or ())]


def lang_of(conn) -> str:
    """--lang, else CAJ_LANG (each checked: a typo is an error), else the locale (English
    where caj has not its language); the words from then on are in it."""
    if ASKED["lang"] is not None:
        lang = speech.choose(conn, ASKED["lang"])
    elif os.environ.get("CAJ_LANG", "").strip():
        lang = speech.choose(conn, os.environ["CAJ_LANG"])
    else:
        lang = speech.spoken(conn, speech.from_environment())
    i18n.use(lang, speech.numbers(conn, lang))
    return lang


def _shape(fmt: str | None) -> str:
    if fmt is not None:
        return queries.choose("format", fmt, FORMATS)
    return "table" if sys.stdout.isatty() else "csv"


def _out(rows, shape: str, view, empty: str, lang: str = "en") -> None:
    """Write the records in `shape`; an empty result is said on stderr, with what exists. In
    another language each record says which, in a column of its own at the end."""
    if lang != speech.ENGLISH and view.fields:
        view = copy.copy(view)
        view.fields = (*view.fields, "lang", "untranslated")
    n = render.emit(rows, shape, view)
    if n == 0:
        say(f"caj: {empty}")


def _names(conn, shape: str, lang: str = "en") -> dict:
    """Names by id, for what people read (tables, Markdown); machine formats keep ids."""
    return speech.labels(conn, lang, queries.labels(conn)) if shape in ("table", "markdown") else {}


def say(line: str) -> None:
    """A line on stderr, wrapped to the terminal when it is one."""
    render.say(line, sys.stderr)


def _no_plot_options(plot, fmt, by=None) -> None:
    """An option that has no effect in context is a usage error, never silently ignored."""
    if plot is None and by is not None:
        raise UsageError("--by draws lanes in a picture; give --plot FILE too, or drop --by")
    if plot is not None and fmt is not None:
        raise UsageError("--plot draws a picture, --format writes records; give one of them")


def _plot(kind: str, conn, rows: list[dict], path: Path, **options) -> None:
    """Draw rows with matplotlib, imported only now; one line on stderr says where it went."""
    pictures.check_path(path)
    if not rows:  # an empty result is not a failure; it is said, and no file is written
        say(f"caj: no rows match; nothing drawn, {path} not written")
        return
    try:
        from caj.faces import plot as plotting

        plotting.require()
    except ImportError:
        raise UsageError("--plot needs matplotlib: pip install 'caj[plot]'") from None
    getattr(plotting, kind)(conn, rows, path, **options)
    say(f"wrote {path}: {len(rows)} rows")


@presents("timeline", "fmt", "db", "plot")
def timeline(q, given: dict, fmt=None, db=None, plot=None) -> None:
    by = given.pop("by", None)
    _no_plot_options(plot, fmt, by)
    shape = _shape(fmt)
    conn = connect(db)
    lang = lang_of(conn)
    rows = q.answer(conn, lang, **given)
    if plot is not None:
        selection = pictures.selection(q, given)
        lane = queries.choose("lane", by or "country", vocab.values("lane"))
        return _plot("timeline", conn, list(rows), plot, by=lane, selection=selection)
    empty = (_("no facts match; `caj timeline` alone lists them all") if given.get("with_undated") else
             _("no facts match; --with-undated adds statements the documents do not date; `caj timeline` "
               "alone lists them all"))
    _out(rows, shape, views.timeline_view(_names(conn, shape, lang)), empty, lang)


@presents("oda", "chart", "fmt", "db", "plot")
def oda(q, given: dict, chart=False, fmt=None, db=None, plot=None) -> None:
    _no_plot_options(plot, fmt)
    shape = _shape(fmt)
    if chart and (fmt is not None and shape != "table" or plot is not None):
        raise UsageError("--chart draws bars on a terminal; drop it for --format or --plot")
    conn = connect(db)
    currency = given.get("currency")
    # a chart or a picture is in one currency: dollars unless another is asked for
    one = currency or ("USD" if chart or plot is not None else None)
    lang = lang_of(conn)
    rows = q.answer(conn, lang, **{**given, "currency": one})
    if plot is not None:
        return _plot("oda", conn, rows, plot, currency=rows[0]["converted_currency"] if rows else one,
                     selection=pictures.selection(q, given))
    names = _names(conn, "table" if chart else shape, lang)
    if chart and shape != "table":  # piped with no --format: said, never silently dropped
        say("caj: --chart draws on a terminal and stdout is not one, so the rows follow as CSV; "
            "--format table draws the bars anyway")
    if chart and rows and shape == "table":
        return render.draw_bars(views.oda_bars(rows, names), views.caveat_notes(rows, names), sys.stdout)
    shown_in = rows[0]["converted_currency"] if rows and currency else None
    _out(rows, shape, views.oda_view(rows, shown_in, names),
         _("no ODA figures match; `caj oda` alone lists all of them"), lang)


@presents("projects", "fmt", "db")
def projects(q, given: dict, fmt=None, db=None) -> None:
    shape = _shape(fmt)
    conn = connect(db)
    lang = lang_of(conn)
    rows = q.answer(conn, lang, **given)
    heading = queries.named(conn, "country", given.get("country"))
    _out(rows, shape, views.projects_view(heading, _names(conn, shape, lang)),
         _("no projects match; `caj projects` alone lists all of them"), lang)


@presents("show", "fmt", "db")
def show(q, given: dict, fmt=None, db=None) -> None:
    shape = _shape(fmt)
    conn = connect(db)
    views.emit_record(q.answer(conn, lang_of(conn), **given), shape)


@presents("search", "fmt", "db")
def search(q, given: dict, fmt=None, db=None) -> None:
    shape = _shape(fmt)
    conn = connect(db)
    lang = lang_of(conn)
    hits = queries.search(conn, **given, marked=shape == "table", lang=lang)
    text = given["text"]
    if hits.how and hits:
        say("caj: " + _("no word matches {text}; showing names spelled like it").format(text=shown(text)))
    _out(hits, shape, views.search_view(), display.no_hits(shown(text)),
         lang)
    if hits.total > len(hits):
        say("caj: " + _("showing {n} of {total}; --limit {total} shows them all").format(
            n=len(hits), total=hits.total))


def _listed(name: str, view, empty: str):
    """A list question with no face of its own: its records in its view (made when asked, in
    the reader's language)."""
    @presents(name, "fmt", "db")
    def listed(q, given: dict, fmt=None, db=None) -> None:
        shape = _shape(fmt)
        conn = connect(db)
        lang = lang_of(conn)
        _out(q.answer(conn, lang, **given), shape, view(), _(empty), lang)


_listed("sources", views.sources_view, N_("no sources"))
_listed("countries", views.entities_view, N_("no countries"))
_listed("actors", views.entities_view, N_("no actors"))
_listed("topics", views.topics_view, N_("no topics"))
_listed("conflicts", views.conflicts_view, N_("no conflicts recorded"))


@presents("cite", "db")
def cite(q, given: dict, db=None) -> None:
    from caj.faces import cite as citing

    style = queries.choose("style", given.pop("style"), vocab.values("cite_style"))
    formats.utf8(sys.stdout).write(citing.render(q.answer(connect(db), **given), style))
