"""The command line: parse, one query, one render. Errors become one line and an exit code:
0 success (an empty result too), 1 runtime failure, 2 bad usage."""

import os
import re
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from caj import __version__, queries, render, views
from caj.db import DatabaseError, connect, locate

app = typer.Typer(
    name="caj",
    help="Japan's relations with Central Asia: dated, cited facts, ODA figures and projects.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class UsageProblem(Exception):
    """Bad input the parser could not catch: exit 2."""


FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown")
KINDS, STATUSES, CURRENCIES = queries.KINDS, queries.STATUSES, queries.CURRENCIES
STYLES = ("text", "bibtex", "csl-json")


def pick(what: str, value: str | None, options: tuple[str, ...]) -> str | None:
    """One of a fixed set, in any case or by a unique prefix; otherwise a usage error that
    suggests the closest ones."""
    if value is None:
        return None
    key = value.strip().casefold()
    by_key = {o.casefold(): o for o in options}
    if key in by_key:
        return by_key[key]
    prefixed = [o for k, o in by_key.items() if key and k.startswith(key)]
    if len(prefixed) == 1:
        return prefixed[0]
    import difflib

    near = difflib.get_close_matches(key, list(by_key), n=2, cutoff=0.5)
    hint = f"did you mean {' or '.join(repr(by_key[n]) for n in near)}? " if near else ""
    raise UsageProblem(f"unknown {what} {value!r}; {hint}choose from {', '.join(options)}")


# --- the shared options, defined once --------------------------------------------------------

FormatOpt = Annotated[Optional[str], typer.Option(
    "--format", "-f", metavar="table|csv|tsv|json|jsonl|markdown",
    help="Output format. Default: a table on a terminal, CSV when piped.")]
DbOpt = Annotated[Optional[Path], typer.Option(
    "--db", help="Database to read (default: $CAJ_DB, else the one shipped with caj).",
    show_default=False)]
CountryOpt = Annotated[Optional[str], typer.Option(
    "--country", "-c", help="Country: name, alias or ISO code, any case (e.g. uz, 'Kyrgyz Republic').")]
KindOpt = Annotated[Optional[str], typer.Option(
    "--kind", "-k", metavar="event|oda|project|figure", help="Kind of fact.")]
StatusOpt = Annotated[Optional[str], typer.Option(
    "--status", metavar="STATUS", help=f"Status of the fact: {', '.join(STATUSES)}.")]


def _date(value: str) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD (or a decade), checked to be a real date; anything else is a
    usage error."""
    try:
        queries.date_span(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    return str(value).strip()


def year(value: str) -> int:
    """A four-digit year; anything else is a usage error, not a traceback."""
    text = str(value).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise typer.BadParameter(f"{value!r} is not a year; give four digits, e.g. 2016")
    return int(text)


# --from takes a date's (or decade's) first day, --to its last: queries.bound reads them so
date_start = date_end = _date


YearOpt = Annotated[Optional[int], typer.Option("--year", "-y", parser=year, metavar="YYYY",
                                                help="Exactly this year.")]
FromOpt = Annotated[Optional[str], typer.Option(
    "--from", parser=date_start, metavar="DATE",
    help="From this date on (YYYY, YYYY-MM, YYYY-MM-DD or a decade: 1990s): facts whose dates overlap it.")]
ToOpt = Annotated[Optional[str], typer.Option(
    "--to", parser=date_end, metavar="DATE",
    help="Up to this date (YYYY, YYYY-MM, YYYY-MM-DD or the end of a decade: 1990s).")]
TopicOpt = Annotated[Optional[str], typer.Option(
    "--topic", "-t", help="Topic: id, label or alias, with the topics beneath it (see `caj topics`).")]
ActorOpt = Annotated[Optional[str], typer.Option(
    "--actor", "-a", help="Any entity involved (see `caj actors`).")]
PlotOpt = Annotated[Optional[Path], typer.Option(
    "--plot", metavar="FILE", help="Draw the rows to FILE.svg, .png or .pdf instead (needs caj[plot]).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line.")]
LANES = ("country", "kind")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"caj {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """Japan's relations with Central Asia: dated, cited facts, ODA figures and projects.

    Tables on a terminal, CSV when piped; --format csv|tsv|json|jsonl|markdown always wins.
    """


# --- helpers the commands share --------------------------------------------------------------


def _fmt(fmt: str | None) -> str:
    if fmt is not None:
        return pick("format", fmt, FORMATS)
    return "table" if sys.stdout.isatty() else "csv"


def _resolve(conn, what: str, text: str | None) -> str | None:
    return None if text is None else queries.resolve(conn, what, text)


def _span(year_value, date_from, date_to):
    """--year is shorthand for --from Y --to Y; the range must run forwards."""
    if year_value is not None:
        if date_from is not None or date_to is not None:
            raise UsageProblem("--year cannot be combined with --from or --to")
        return str(year_value), str(year_value)
    if date_from is not None and date_to is not None and (
            queries.bound(date_from, False) > queries.bound(date_to, True)):
        raise UsageProblem(f"--from {date_from} is after --to {date_to}")
    return date_from, date_to


def _out(conn, rows, fmt: str | None, view: render.View, empty: str) -> None:
    shape = _fmt(fmt)
    if shape in ("table", "markdown"):  # drawn for people: names, not ids
        views.LABELS.update(queries.labels(conn))
    n = render.emit(rows, shape, view)
    if n == 0:
        typer.echo(f"caj: {empty}", err=True)


def _plot(kind: str, conn, rows: list[dict], path: Path, **options) -> None:
    """Draw rows with matplotlib, imported only now; one line on stderr says where it went."""
    if Path(path).suffix.lower() not in (".svg", ".png", ".pdf"):
        raise UsageProblem(f"--plot {path}: give a file ending in .svg, .png or .pdf")
    if not rows:  # an empty result is not a failure; it is said, and no file is written
        typer.echo(f"caj: no rows match; nothing drawn, {path} not written", err=True)
        return
    from caj import export

    try:
        from caj import plot as plotting
    except ImportError:
        raise UsageProblem("--plot needs matplotlib: pip install 'caj[plot]'") from None
    try:
        getattr(plotting, kind)(conn, rows, path, **options)
    except ImportError:
        raise UsageProblem("--plot needs matplotlib: pip install 'caj[plot]'") from None
    except (OSError, plotting.PlotError, export.ExportError) as exc:
        raise RuntimeProblem(f"cannot draw {path}: {exc}") from None
    typer.echo(f"wrote {path}: {len(rows)} rows", err=True)


class RuntimeProblem(Exception):
    """Work that could not be done (a file that cannot be written): exit 1."""


PROGRESS_AFTER = 0.5  # seconds of work before a progress bar is worth showing


class _Progress:
    """A Rich progress bar on stderr, only on a terminal and without --quiet, that appears once
    the work has taken more than a moment: a pulse while the total is unknown (reading the
    data), then done/total as the work reports it."""

    def __init__(self, label: str, quiet: bool):
        import threading

        self.label, self.done, self.total, self.bar, self.task = label, 0, None, None, None
        self.live = not quiet and sys.stderr.isatty()
        self.lock = threading.Lock()
        self.timer = threading.Timer(PROGRESS_AFTER, self._show)
        self.timer.daemon = True

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import Progress

        with self.lock:
            if self.bar is None and self.live:
                self.bar = Progress(transient=True, console=Console(stderr=True))
                self.bar.start()
                self.task = self.bar.add_task(self.label, total=self.total, completed=self.done)

    def __call__(self, done: int, total: int | None) -> None:
        with self.lock:
            self.done, self.total = done, total
            if self.bar is not None:
                self.bar.update(self.task, completed=done, total=total)

    def __enter__(self):
        if self.live:
            self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.cancel()
        with self.lock:
            self.live = False
            if self.bar is not None:
                self.bar.stop()


# --- lookups ---------------------------------------------------------------------------------


@app.command()
def timeline(
    year_value: YearOpt = None, year_from: FromOpt = None, year_to: ToOpt = None,
    country: CountryOpt = None, topic: TopicOpt = None, kind: KindOpt = None,
    source: Annotated[Optional[str], typer.Option(
        "--source", "-s", help="Cited by this source id (see `caj sources`).")] = None,
    actor: ActorOpt = None, status: StatusOpt = None,
    with_undated: Annotated[bool, typer.Option(
        "--with-undated", help="Add statements the documents make without a date (dated as of "
        "the document, marked *).")] = False,
    fmt: FormatOpt = None, db: DbOpt = None, plot: PlotOpt = None,
    by: Annotated[str, typer.Option("--by", metavar="country|kind",
                                    help="With --plot: one lane per country or per kind.")] = "country",
) -> None:
    """Dated facts in order, with their sources.

    Examples: caj timeline --from 2004 --to 2010 · caj timeline --country kz --year 2024 --format json ·
    caj timeline --from 2000 --plot timeline.svg
    """
    date_from, date_to = _span(year_value, year_from, year_to)
    kind, status = pick("kind", kind, KINDS), pick("status", status, STATUSES)
    conn = connect(db)
    rows = queries.timeline(
        conn, year_from=date_from, year_to=date_to, country=_resolve(conn, "country", country),
        topic=_resolve(conn, "topic", topic), kind=kind,
        source=_resolve(conn, "source", source), actor=_resolve(conn, "actor", actor),
        status=status, with_undated=with_undated)
    if plot is not None:
        selection = {"from": date_from, "to": date_to, "country": country, "topic": topic,
                     "kind": kind, "source": source, "actor": actor, "status": status,
                     "undated statements": "included" if with_undated else None}
        _plot("timeline", conn, list(rows), plot, by=pick("lane", by, LANES), selection=selection)
        return
    hint = "" if with_undated else "; --with-undated adds statements the documents do not date"
    _out(conn, rows, fmt, views.TIMELINE, f"no facts match{hint}; `caj timeline` alone lists them all")


@app.command()
def oda(
    year_value: YearOpt = None, year_from: FromOpt = None, year_to: ToOpt = None,
    country: CountryOpt = None,
    currency: Annotated[Optional[str], typer.Option("--currency", metavar="JPY|USD",
        help="Also show each amount in this currency, at the year's average rate (cited).")] = None,
    chart: Annotated[bool, typer.Option(
        "--chart", help="Draw the amounts as bars on the terminal, all in one currency "
        "(US$ unless --currency says otherwise).")] = False,
    fmt: FormatOpt = None, db: DbOpt = None, plot: PlotOpt = None,
) -> None:
    """Japan's ODA figures as the sources state them, with what caj cannot vouch for.

    Examples: caj oda --year 2016 · caj oda --country uzbekistan --currency USD
    """
    date_from, date_to = _span(year_value, year_from, year_to)
    currency = pick("currency", currency, CURRENCIES)
    shape = _fmt(fmt)
    if chart and fmt is not None and shape != "table":
        raise UsageProblem(f"--chart draws bars on a terminal; for the figures as {shape}, drop --chart")
    conn = connect(db)
    if plot is not None:  # a picture is in one currency: dollars unless another is asked for
        currency = currency or "USD"
    rows = queries.oda(conn, year_from=date_from, year_to=date_to,
                       country=_resolve(conn, "country", country),
                       currency=currency or ("USD" if chart else None))
    if plot is not None:
        selection = {"from": date_from, "to": date_to, "country": country}
        _plot("oda", conn, rows, plot, currency=currency, selection=selection)
        return
    if chart and rows and shape == "table":
        views.LABELS.update(queries.labels(conn))
        render.draw_bars(views.oda_bars(rows), views.caveat_notes(rows), sys.stdout)
        return
    if shape in ("table", "markdown"):
        views.LABELS.update(queries.labels(conn))
    view = views.oda_view(rows, currency)
    _out(conn, rows, shape, view, "no ODA figures match; `caj oda` alone lists all of them")


@app.command()
def projects(
    country: CountryOpt = None,
    sector: Annotated[Optional[str], typer.Option(
        "--sector", help="Sector: a topic id, label or alias, with the topics beneath it.")] = None,
    partner: Annotated[Optional[str], typer.Option(
        "--partner", "-p", help="A company, agency or bank involved.")] = None,
    status: StatusOpt = None, fmt: FormatOpt = None, db: DbOpt = None,
) -> None:
    """Projects by country, with partners, finance and sources.

    Examples: caj projects --country uzbekistan · caj projects --partner JBIC --format json
    """
    conn = connect(db)
    country = _resolve(conn, "country", country)
    rows = queries.projects(conn, country=country, sector=_resolve(conn, "sector", sector),
                            partner=_resolve(conn, "actor", partner),
                            status=pick("status", status, STATUSES))
    _out(conn, rows, fmt, views.projects_view(country),
         "no projects match; `caj projects` alone lists all of them")


@app.command()
def show(
    ref: Annotated[str, typer.Argument(
        metavar="ID", help="A fact or entity id (any case), as `caj search` and the tables print it.")],
    fmt: FormatOpt = None, db: DbOpt = None,
) -> None:
    """One fact (every field, every citation, quote and note) or one entity (its names and facts).

    Examples: caj show oda-2016-uzbekistan · caj show enersok-jbic-loan-2023 --format json · caj show jbic
    """
    record = queries.show(connect(db), ref)
    views.emit_record(record, _fmt(fmt))


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="Words, \"a phrase\", or a prefix* (SQLite FTS5).")],
    limit: Annotated[int, typer.Option(
        "--limit", "-n", min=1, max=10000, help="At most this many hits.")] = 20,
    fmt: FormatOpt = None, db: DbOpt = None,
) -> None:
    """Full-text search over facts, projects and entities, best match first.

    Examples: caj search railway · caj search "gas-fired" --format json · caj search nazarbaev
    """
    conn = connect(db)
    rows, total, how = queries.search_hits(conn, text, limit=limit)
    shape = _fmt(fmt)
    if shape != "table":
        for row in rows:
            row["match"] = render.unmark(row["match"])
    if how and rows:
        typer.echo(f"caj: no word matches {text!r}; showing names spelled like it", err=True)
    _out(conn, rows, shape, views.SEARCH, f"nothing matches {text!r}; try fewer words or a prefix like rail*")
    if total > len(rows):
        typer.echo(f"caj: showing {len(rows)} of {total}; --limit {total} shows them all", err=True)


@app.command()
def sources(fmt: FormatOpt = None, db: DbOpt = None) -> None:
    """The sources facts cite: the two documents, the public record, the rate table.

    Examples: caj sources · caj sources --format json
    """
    conn = connect(db)
    _out(conn, queries.sources(conn), fmt, views.SOURCES, "no sources")


@app.command()
def countries(fmt: FormatOpt = None, db: DbOpt = None) -> None:
    """Countries and regions, with ISO codes, aliases and fact counts.

    Examples: caj countries · caj countries --format csv
    """
    conn = connect(db)
    rows = queries.entities(conn, kinds=("country", "region"))
    _out(conn, rows, fmt, views.ENTITIES, "no countries")


@app.command()
def actors(
    kind: Annotated[Optional[str], typer.Option(
        "--kind", "-k", help="Only this kind (company, agency, bank, person...).")] = None,
    fmt: FormatOpt = None, db: DbOpt = None,
) -> None:
    """Organisations, companies, initiatives, people and places, with fact counts.

    Examples: caj actors · caj actors --kind company
    """
    conn = connect(db)
    kind = pick("actor kind", kind, tuple(queries.entity_kinds(conn)))
    rows = queries.entities(conn, kinds=(kind,) if kind else None)
    _out(conn, rows, fmt, views.ENTITIES, "no actors")


@app.command()
def topics(fmt: FormatOpt = None, db: DbOpt = None) -> None:
    """The topics facts are filed under, broader ones first, with fact counts.

    Examples: caj topics · caj timeline --topic nuclear
    """
    conn = connect(db)
    _out(conn, queries.topics(conn), fmt, views.TOPICS, "no topics")


@app.command()
def conflicts(fmt: FormatOpt = None, db: DbOpt = None) -> None:
    """Where the public record contradicts or refines a document: both sides, both sources.

    Examples: caj conflicts · caj conflicts --format json
    """
    conn = connect(db)
    _out(conn, queries.conflicts(conn), fmt, views.CONFLICTS, "no conflicts recorded")


@app.command()
def cite(
    ref: Annotated[str, typer.Argument(metavar="ID", help="A fact id or a source id.")],
    style: Annotated[str, typer.Option(
        "--style", metavar="text|bibtex|csl-json", help="Citation style.")] = "text",
    db: DbOpt = None,
) -> None:
    """A fact's or a source's citation, with locators, ready for a report.

    Examples: caj cite oda-2016-uzbekistan · caj cite idsa-2024 --style bibtex
    """
    from caj import cite as citing

    style = pick("style", style, STYLES)
    sys.stdout.write(citing.render(citing.citations(connect(db), ref.strip().casefold()), style))


@app.command()
def validate(
    data: Annotated[Optional[Path], typer.Option(
        "--data", help="Data folder (default: the one shipped with caj).")] = None,
) -> None:
    """Check the curated records; problems as file:line: id: field: message, exit 1.

    Examples: caj validate · caj validate --data ./data
    """
    from caj import curate

    problems, summary = curate.validate(data)
    for line in problems:
        typer.echo(line)
    typer.echo(summary, err=True)
    if problems:
        raise typer.Exit(1)


@app.command()
def build(
    data: Annotated[Optional[Path], typer.Option(
        "--data", help="Data folder (default: the one shipped with caj).")] = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", help="Database to write (default: $CAJ_DB, else ./caj.db).")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Validate the records and build the SQLite database, atomically.

    Examples: caj build --out /tmp/caj.db · CAJ_DB=/tmp/caj.db caj timeline
    """
    from caj import curate

    target = out or Path(os.environ.get("CAJ_DB") or "caj.db")
    with _Progress("building", quiet) as progress:
        summary = curate.build_db(data, target, progress=progress)
    if not quiet:
        typer.echo(summary, err=True)


# --- exports ---------------------------------------------------------------------------------

export_app = typer.Typer(
    name="export", no_args_is_help=True, rich_markup_mode=None,
    help="The whole database for other tools: TimelineJS, a Frictionless data package, CSL-JSON.")
app.add_typer(export_app)
OutOpt = Annotated[Optional[Path], typer.Option(
    "--out", "-o", metavar="FILE", help="Write to FILE (atomically) instead of stdout.")]


def _export(what: str, write, target: Path | None, quiet: bool) -> None:
    """Run one export, turn its failures into one line, and say what was written."""
    from caj import export

    try:
        with _Progress(f"exporting {what}", quiet) as progress:
            done = write(export, progress)
    except BrokenPipeError:
        raise  # the reader left (| head): main ends quietly
    except (OSError, export.ExportError) as exc:
        raise RuntimeProblem(f"cannot export {what}: {exc}") from None
    if target is not None and not quiet:
        typer.echo(f"wrote {target}: {done}", err=True)


@export_app.command("timelinejs")
def export_timelinejs(
    out: OutOpt = None, quiet: QuietOpt = False, db: DbOpt = None,
    with_undated: Annotated[bool, typer.Option(
        "--with-undated", help="Add statements the documents make without a date.")] = False,
) -> None:
    """The timeline as TimelineJS3 JSON: a title slide, one event per fact, grouped by country.

    Examples: caj export timelinejs --out timeline.json · caj export timelinejs | jq '.events | length'
    """
    conn = connect(db)

    def write(export, progress):
        n = export.write_timelinejs(conn, out, sys.stdout, progress=progress, with_undated=with_undated)
        return f"{n} events"

    _export("timelinejs", write, out, quiet)


@export_app.command("datapackage")
def export_datapackage(
    folder: Annotated[Path, typer.Argument(metavar="DIR", help="Folder to write (new, empty, or a "
                                                                  "previous export, replaced whole).")],
    quiet: QuietOpt = False, db: DbOpt = None,
) -> None:
    """A Frictionless data package: one CSV per table and datapackage.json with types and keys.

    Examples: caj export datapackage caj-data · frictionless validate caj-data/datapackage.json
    """
    conn = connect(db)

    def write(export, progress):
        descriptor = export.datapackage(conn, folder, progress=progress)
        return f"{len(descriptor['resources'])} tables"

    _export("datapackage", write, folder, quiet)


@export_app.command("csl-json")
def export_csl_json(out: OutOpt = None, quiet: QuietOpt = False, db: DbOpt = None) -> None:
    """Every source as a CSL-JSON bibliography, for Zotero, pandoc and other reference managers.

    Examples: caj export csl-json --out caj.json · pandoc --citeproc --bibliography caj.json
    """
    conn = connect(db)

    def write(export, progress):
        text = export.csl_json(conn)
        export.write_text(out, text, sys.stdout)
        return "every source"

    _export("csl-json", write, out, quiet)




@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port to listen on.")] = 8001,
    open_browser: Annotated[bool, typer.Option("--open", help="Open it in a web browser.")] = False,
    metadata: Annotated[bool, typer.Option(
        "--metadata", help="Print the Datasette metadata (JSON) and exit (for datasette package).")] = False,
    db: DbOpt = None,
) -> None:
    """Browse and query the database on the web (Datasette, read-only). Needs caj[web].

    Examples: caj serve · caj serve --port 8080 --open · caj serve --metadata > metadata.json
    """
    from caj import web

    connect(db).close()  # the same checks as every command: it exists and caj can read it
    if metadata:
        typer.echo(web.dump(locate(db)))
        return
    try:
        web.serve(locate(db), host=host, port=port, open_browser=open_browser)
    except web.MissingExtra as exc:
        raise UsageProblem(str(exc)) from None


def main() -> None:
    """Entry point: run the app and turn every failure into one line and an exit code."""
    render.prepare_stream(sys.stdout)
    render.prepare_stream(sys.stderr)
    if len(sys.argv) == 1:
        sys.stdout.write(overview())
        sys.exit(0)
    every_command = app.registered_commands
    _only_the_command_asked_for(sys.argv)
    try:
        code = app(standalone_mode=False)
    except (queries.NotFound, UsageProblem) as exc:
        code = _fail(str(exc), 2)
    except BrokenPipeError:
        code = _quiet_pipe()
    except SystemExit as exc:
        # Typer turns a broken pipe inside a command into exit 1 after wrapping stdout so the
        # final flush stays silent; the reader leaving early is not a failure of caj
        code = _quiet_pipe() if type(sys.stdout).__name__ == "PacifyFlushWrapper" else exc.code
    except (DatabaseError, RuntimeProblem) as exc:
        code = _fail(str(exc), 1)
    except Exception as exc:
        code = _failure(exc)
    except KeyboardInterrupt:
        code = _fail("interrupted", 130)
    finally:
        app.registered_commands = every_command
    sys.exit(code if isinstance(code, int) else 0)


def _only_the_command_asked_for(argv: list[str]) -> None:
    """Typer builds every command's parser at startup; a lookup needs just its own. Help, shell
    completion and anything unrecognised still see them all."""
    if len(argv) < 2 or any(k.startswith("_CAJ_COMPLETE") for k in os.environ):
        return
    wanted = [c for c in app.registered_commands if (c.name or c.callback.__name__) == argv[1]]
    if wanted:
        app.registered_commands = wanted


def _failure(exc: Exception) -> int:
    if type(exc).__name__ == "CurationError":
        return _fail(str(exc), 1)
    # click/typer usage errors carry an exit code (2) and a message
    if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
        message = exc.format_message().splitlines()[0]
        return _fail(message + _slip_hint(sys.argv, message), exc.exit_code)
    if os.environ.get("CAJ_DEBUG"):
        raise exc
    return _fail(f"internal error: {type(exc).__name__}: {exc}", 1)


def _fail(message: str, code: int) -> int:
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return _quiet_pipe()
    print(f"caj: {message}", file=sys.stderr)
    return code


def _quiet_pipe() -> int:
    # the reader went away (`| head`): point stdout at devnull so the exit flush stays silent
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    return 0


def overview() -> str:
    """What bare `caj` prints: every command, what it answers, one example each."""
    lines = ["caj: Japan's relations with Central Asia, fact by fact.", "", "Commands:"]
    for c in app.registered_commands:
        doc = (c.callback.__doc__ or "").strip()
        first = doc.splitlines()[0] if doc else ""
        example = next((x.split(" · ")[0].strip() for x in doc.splitlines() if "Examples:" in x), "")
        name = c.name or c.callback.__name__
        lines.append(f"  {name:<10} {first}")
        if example:
            lines.append(f"  {'':<10}   e.g. {example.removeprefix('Examples:').strip()}")
    lines += ["", "Every command: -h for its options; --format table|csv|tsv|json|jsonl|markdown.", ""]
    return "\n".join(lines)


# what a bare value may have meant, command by command: (what it resolves as, the option)
SLIP_OPTIONS = {
    "timeline": (("country", "--country"), ("topic", "--topic"), ("actor", "--actor")),
    "projects": (("country", "--country"), ("sector", "--sector"), ("actor", "--partner")),
    "oda": (("country", "--country"),),
}


def _slip_hint(argv: list[str], message: str) -> str:
    """`caj projects uzbekistan`: a value given without its option gets the option named."""
    if "extra argument" not in message or len(argv) < 3:
        return ""
    m = re.search(r"\(([^()]+)\)$", message)
    value = m.group(1).split()[0] if m else argv[-1]
    for what, option in SLIP_OPTIONS.get(argv[1], ()):
        try:
            queries.resolve(connect(None), what, value)
        except Exception:
            continue
        return f"; did you mean {option} {value}?"
    return f"; `caj {argv[1]} -h` lists its options"
