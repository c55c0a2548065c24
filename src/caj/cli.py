"""The command line: parse, ask one question of the query layer, hand the records to one face.
Every failure is a core.errors.CajError (or one of Click's usage errors), turned into one line and
an exit code in `main`: 0 success (an empty result too), 1 runtime failure, 2 bad usage."""

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from caj import __version__
from caj.core import vocab
from caj.core.errors import UsageError, shown
from caj.faces.terminal import render, views
from caj.reading import queries
from caj.reading.db import connect, locate

app = typer.Typer(
    name="caj",
    help="Japan's relations with Central Asia: dated, cited facts, ODA figures and projects.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)

FORMATS = render.FORMATS
STYLES = ("text", "bibtex", "csl-json")
LANES = ("country", "kind")

# --- the shared options, defined once --------------------------------------------------------

FormatOpt = Annotated[Optional[str], typer.Option(
    "--format", "-f", metavar="FORMAT",
    help="table, csv, tsv, json, jsonl or markdown. Default: a table on a terminal, CSV when piped.")]
DbOpt = Annotated[Optional[Path], typer.Option(
    "--db", metavar="PATH", help="Database to read (default: $CAJ_DB, else the one shipped with caj).",
    show_default=False)]
CountryOpt = Annotated[Optional[str], typer.Option(
    "--country", "-c", metavar="NAME",
    help="Country: name, alias or ISO code, any case (e.g. uz, 'Kyrgyz Republic').")]
KindOpt = Annotated[Optional[str], typer.Option(
    "--kind", "-k", metavar="KIND", help="Kind of fact: " + vocab.listed("fact_kind") + ".")]
StatusOpt = Annotated[Optional[str], typer.Option(
    "--status", metavar="STATUS", help="Status of the fact: " + vocab.listed("status") + ".")]
YearOpt = Annotated[Optional[str], typer.Option("--year", "-y", metavar="YYYY", help="Exactly this year.")]
FromOpt = Annotated[Optional[str], typer.Option(
    "--from", metavar="DATE",
    help="From this date on (YYYY, YYYY-MM, YYYY-MM-DD or a decade: 1990s): facts whose dates overlap it.")]
ToOpt = Annotated[Optional[str], typer.Option(
    "--to", metavar="DATE",
    help="Up to this date (YYYY, YYYY-MM, YYYY-MM-DD or the end of a decade: 1990s).")]
TopicOpt = Annotated[Optional[str], typer.Option(
    "--topic", "-t", metavar="TOPIC",
    help="Topic: id, label or alias, with the topics beneath it (see `caj topics`).")]
ActorOpt = Annotated[Optional[str], typer.Option(
    "--actor", "-a", metavar="NAME", help="Any entity involved (see `caj actors`).")]
PlotOpt = Annotated[Optional[Path], typer.Option(
    "--plot", metavar="FILE", help="Draw the rows to FILE.svg, .png or .pdf instead (needs caj[plot]).")]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar and no summary line.")]
OutOpt = Annotated[Optional[Path], typer.Option(
    "--out", "-o", metavar="FILE", help="Write to FILE (atomically; - for stdout) instead of stdout.")]
IdArg = Annotated[str, typer.Argument(
    metavar="ID", help="A fact or entity id (any case), as `caj search` and the tables print it.")]


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

    The lookups draw a table on a terminal and write CSV when piped; their --format
    csv|tsv|json|jsonl|markdown always wins.
    """


# --- what every lookup shares ----------------------------------------------------------------


def _shape(fmt: str | None) -> str:
    if fmt is not None:
        return queries.choose("format", fmt, FORMATS)
    return "table" if sys.stdout.isatty() else "csv"


def _out(rows, shape: str, view, empty: str) -> None:
    """Write the records in `shape`; an empty result is said on stderr, with what exists."""
    n = render.emit(rows, shape, view)
    if n == 0:
        _say(f"caj: {empty}")


def _names(conn, shape: str) -> dict:
    """Names by id, for what people read (tables, Markdown); machine formats keep ids."""
    return queries.labels(conn) if shape in ("table", "markdown") else {}


def _say(line: str) -> None:
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
    if path.suffix.lower() not in (".svg", ".png", ".pdf"):
        raise UsageError(f"--plot {shown(str(path))}: give a file ending in .svg, .png or .pdf")
    if not rows:  # an empty result is not a failure; it is said, and no file is written
        _say(f"caj: no rows match; nothing drawn, {path} not written")
        return
    try:
        from caj.faces import plot as plotting

        plotting.require()
    except ImportError:
        raise UsageError("--plot needs matplotlib: pip install 'caj[plot]'") from None
    getattr(plotting, kind)(conn, rows, path, **options)
    _say(f"wrote {path}: {len(rows)} rows")


# --- lookups ---------------------------------------------------------------------------------


@app.command()
def timeline(
    year: YearOpt = None, date_from: FromOpt = None, date_to: ToOpt = None,
    country: CountryOpt = None, topic: TopicOpt = None, kind: KindOpt = None,
    source: Annotated[Optional[str], typer.Option(
        "--source", "-s", metavar="ID", help="Cited by this source id (see `caj sources`).")] = None,
    actor: ActorOpt = None, status: StatusOpt = None,
    with_undated: Annotated[bool, typer.Option(
        "--with-undated", help="Add statements the documents make without a date (dated as of "
        "the document, marked *).")] = False,
    fmt: FormatOpt = None, db: DbOpt = None, plot: PlotOpt = None,
    by: Annotated[Optional[str], typer.Option(
        "--by", metavar="country|kind",
        help="With --plot: one lane per country (default) or per kind.")] = None,
) -> None:
    """Dated facts in order, with their sources.

    Examples: caj timeline --from 2004 --to 2010 · caj timeline --country kz --year 2024 --format json ·
    caj timeline --from 2000 --plot timeline.svg
    """
    _no_plot_options(plot, fmt, by)
    shape = _shape(fmt)
    conn = connect(db)
    rows = queries.timeline(conn, year=year, date_from=date_from, date_to=date_to, country=country,
                            topic=topic, kind=kind, source=source, actor=actor, status=status,
                            with_undated=with_undated)
    if plot is not None:
        selection = {"from": date_from or year, "to": date_to or year, "country": country,
                     "topic": topic, "kind": kind, "source": source, "actor": actor, "status": status,
                     "undated statements": "included" if with_undated else None}
        lane = queries.choose("lane", by or "country", LANES)
        return _plot("timeline", conn, list(rows), plot, by=lane, selection=selection)
    hint = "" if with_undated else "; --with-undated adds statements the documents do not date"
    _out(rows, shape, views.timeline_view(_names(conn, shape)),
         f"no facts match{hint}; `caj timeline` alone lists them all")


@app.command()
def oda(
    year: YearOpt = None, date_from: FromOpt = None, date_to: ToOpt = None,
    country: CountryOpt = None,
    currency: Annotated[Optional[str], typer.Option("--currency", metavar="JPY|USD",
        help="Also show each amount in this currency, at the year's average rate (cited).")] = None,
    chart: Annotated[bool, typer.Option(
        "--chart", help="Draw the amounts as bars on the terminal, in one currency "
        "(US$ unless --currency says otherwise).")] = False,
    fmt: FormatOpt = None, db: DbOpt = None, plot: PlotOpt = None,
) -> None:
    """Japan's ODA figures as the sources state them, with what caj cannot vouch for.

    Examples: caj oda --year 2016 · caj oda --country uzbekistan --currency USD
    """
    _no_plot_options(plot, fmt)
    shape = _shape(fmt)
    if chart and (fmt is not None and shape != "table" or plot is not None):
        raise UsageError("--chart draws bars on a terminal; drop it for --format or --plot")
    conn = connect(db)
    # a chart or a picture is in one currency: dollars unless another is asked for
    one = currency or ("USD" if chart or plot is not None else None)
    rows = queries.oda(conn, year=year, date_from=date_from, date_to=date_to, country=country,
                       currency=one)
    if plot is not None:
        selection = {"from": date_from or year, "to": date_to or year, "country": country}
        return _plot("oda", conn, rows, plot, currency=rows[0]["converted_currency"] if rows else one,
                     selection=selection)
    names = _names(conn, "table" if chart else shape)
    if chart and shape != "table":  # piped with no --format: said, never silently dropped
        _say("caj: --chart draws on a terminal and stdout is not one, so the rows follow as CSV; "
             "--format table draws the bars anyway")
    if chart and rows and shape == "table":
        return render.draw_bars(views.oda_bars(rows, names), views.caveat_notes(rows, names), sys.stdout)
    shown_in = rows[0]["converted_currency"] if rows and currency else None
    _out(rows, shape, views.oda_view(rows, shown_in, names),
         "no ODA figures match; `caj oda` alone lists all of them")


@app.command()
def projects(
    country: CountryOpt = None,
    sector: Annotated[Optional[str], typer.Option(
        "--sector", metavar="TOPIC",
        help="Sector: a topic id, label or alias, with the topics beneath it.")] = None,
    partner: Annotated[Optional[str], typer.Option(
        "--partner", "-p", metavar="NAME", help="A company, agency or bank involved.")] = None,
    status: StatusOpt = None, fmt: FormatOpt = None, db: DbOpt = None,
) -> None:
    """Projects by country, then date, with partners, finance and sources.

    Examples: caj projects --country uzbekistan · caj projects --partner JBIC --format json
    """
    shape = _shape(fmt)
    conn = connect(db)
    rows = queries.projects(conn, country=country, sector=sector, partner=partner, status=status)
    heading = queries.named(conn, "country", country)
    _out(rows, shape, views.projects_view(heading, _names(conn, shape)),
         "no projects match; `caj projects` alone lists all of them")


@app.command()
def show(ref: IdArg, fmt: FormatOpt = None, db: DbOpt = None) -> None:
    """One fact (every field, every citation, quote and note) or one entity (its names and facts).

    Examples: caj show oda-2016-uzbekistan · caj show enersok-jbic-loan-2023 --format json · caj show jbic
    """
    shape = _shape(fmt)
    views.emit_record(queries.show(connect(db), ref), shape)


@app.command()
def search(
    text: Annotated[str, typer.Argument(
        metavar="TEXT", help="Words, \"a phrase\", or a prefix* (SQLite FTS5).")],
    limit: Annotated[int, typer.Option(
        "--limit", "-n", metavar="N", min=1, max=10000, help="At most this many hits (1 to 10000).")] = 20,
    fmt: FormatOpt = None, db: DbOpt = None,
) -> None:
    """Full-text search over facts, projects and entities, best match first.

    Examples: caj search railway · caj search "gas-fired" --format json · caj search nazarbaev
    """
    shape = _shape(fmt)
    conn = connect(db)
    rows, total, how = queries.search(conn, text, limit=limit, marked=shape == "table")
    if how and rows:
        _say(f"caj: no word matches {shown(text)}; showing names spelled like it")
    _out(rows, shape, views.SEARCH, f"nothing matches {shown(text)}; try fewer words or a prefix like rail*")
    if total > len(rows):
        _say(f"caj: showing {len(rows)} of {total}; --limit {total} shows them all")


@app.command()
def sources(fmt: FormatOpt = None, db: DbOpt = None) -> None:
    """The sources facts cite: the two documents, the public record, the rate table.

    Examples: caj sources · caj sources --format json
    """
    shape = _shape(fmt)
    _out(queries.sources(connect(db)), shape, views.SOURCES, "no sources")


@app.command()
def countries(fmt: FormatOpt = None, db: DbOpt = None) -> None:
    """Countries and regions, with ISO codes, aliases and fact counts.

    Examples: caj countries · caj countries --format csv
    """
    shape = _shape(fmt)
    _out(queries.countries(connect(db)), shape, views.ENTITIES, "no countries")


@app.command()
def actors(
    kind: Annotated[Optional[str], typer.Option(
        "--kind", "-k", metavar="KIND", help="Only this kind (company, agency, bank, person...).")] = None,
    fmt: FormatOpt = None, db: DbOpt = None,
) -> None:
    """Organisations, companies, initiatives, people and places, with fact counts.

    Examples: caj actors · caj actors --kind company
    """
    shape = _shape(fmt)
    _out(queries.actors(connect(db), kind), shape, views.ENTITIES, "no actors")


@app.command()
def topics(fmt: FormatOpt = None, db: DbOpt = None) -> None:
    """The topics facts are filed under, broader ones first, with fact counts.

    Examples: caj topics · caj timeline --topic nuclear
    """
    shape = _shape(fmt)
    _out(queries.topics(connect(db)), shape, views.TOPICS, "no topics")


@app.command()
def conflicts(fmt: FormatOpt = None, db: DbOpt = None) -> None:
    """Where the public record contradicts or refines a document: both sides, both sources.

    Examples: caj conflicts · caj conflicts --format json
    """
    shape = _shape(fmt)
    _out(queries.conflicts(connect(db)), shape, views.CONFLICTS, "no conflicts recorded")


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
    from caj.faces import cite as citing

    style = queries.choose("style", style, STYLES)
    text = citing.render(queries.cite_items(connect(db), ref), style)
    render.utf8(sys.stdout).write(text)


# --- building --------------------------------------------------------------------------------

DataOpt = Annotated[Optional[Path], typer.Option(
    "--data", metavar="DIR", help="Data folder (default: the one shipped with caj).")]


@app.command()
def validate(data: DataOpt = None) -> None:
    """Check the curated records; problems as file:line: id: field: message, exit 1.

    Examples: caj validate · caj validate --data ./data
    """
    from caj import building

    problems, summary = building.validate(data)
    for line in problems:
        typer.echo(line)
    _say(summary)
    if problems:
        raise typer.Exit(1)


@app.command()
def build(
    data: DataOpt = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", metavar="FILE", help="Database to write (default: $CAJ_DB, else ./caj.db).")] = None,
    quiet: QuietOpt = False,
) -> None:
    """Validate the records and build the SQLite database, atomically.

    Examples: caj build --out /tmp/caj.db · CAJ_DB=/tmp/caj.db caj timeline
    """
    from caj import building
    from caj.faces.terminal.progress import Progress

    target = out or Path(os.environ.get("CAJ_DB") or "caj.db")
    with Progress("building", quiet) as progress:
        summary = building.build_db(data, target, progress=progress)
    if not quiet and str(target) != "-":  # as for an export: stdout carries the database alone
        _say(summary)


# --- exports ---------------------------------------------------------------------------------

export_app = typer.Typer(
    name="export", no_args_is_help=False, invoke_without_command=True, rich_markup_mode=None,
    help="The whole database for other tools: TimelineJS, a Frictionless data package, CSL-JSON.")
app.add_typer(export_app, name="export")


@export_app.callback()
def _export_root(ctx: typer.Context) -> None:
    """The whole database for other tools: TimelineJS, a Frictionless data package, CSL-JSON.

    Examples: caj export timelinejs --out timeline.json · caj export datapackage caj-data
    """
    if ctx.invoked_subcommand is None:  # `caj export` alone: the targets, an example each
        sys.stdout.write(_listing(export_app, "caj export"))
        raise typer.Exit(0)


def _export(what: str, write, target, quiet: bool) -> None:
    """Run one export with a progress bar, and say what was written."""
    from caj.faces.terminal.progress import Progress

    with Progress(f"exporting {what}", quiet) as progress:
        done = write(progress)
    if target is not None and str(target) != "-" and not quiet:
        _say(f"wrote {target}: {done}")


@export_app.command("timelinejs")
def export_timelinejs(
    out: OutOpt = None, quiet: QuietOpt = False, db: DbOpt = None,
    with_undated: Annotated[bool, typer.Option(
        "--with-undated", help="Add statements the documents make without a date.")] = False,
) -> None:
    """The timeline as TimelineJS3 JSON: a title slide, one event per fact, grouped by country.

    Examples: caj export timelinejs --out timeline.json · caj export timelinejs | jq '.events | length'
    """
    from caj.faces import export

    conn = connect(db)

    def write(progress) -> str:
        return f"{export.write_timelinejs(conn, out, progress, with_undated)} events"

    _export("timelinejs", write, out, quiet)


@export_app.command("datapackage")
def export_datapackage(
    folder: Annotated[Path, typer.Argument(
        metavar="DIR", help="Folder to write: new, empty, or caj's own previous export (replaced).")],
    quiet: QuietOpt = False, db: DbOpt = None,
) -> None:
    """A Frictionless data package: one CSV per table and datapackage.json with types and keys.

    Examples: caj export datapackage caj-data · frictionless validate caj-data/datapackage.json
    """
    from caj.faces import export

    conn = connect(db)

    def write(progress) -> str:
        return f"{len(export.datapackage(conn, folder, progress)['resources'])} tables"

    _export("datapackage", write, folder, quiet)


@export_app.command("csl-json")
def export_csl_json(out: OutOpt = None, quiet: QuietOpt = False, db: DbOpt = None) -> None:
    """Every source as a CSL-JSON bibliography, for Zotero, pandoc and other reference managers.

    Examples: caj export csl-json --out caj.json · pandoc --citeproc --bibliography caj.json
    """
    from caj.faces import export

    conn = connect(db)
    _export("csl-json", lambda progress: export.write_csl_json(conn, out) or "every source", out, quiet)


# --- serving ---------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", metavar="HOST", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(
        "--port", metavar="PORT", min=1, max=65535, help="Port to listen on.")] = 8001,
    open_browser: Annotated[bool, typer.Option("--open", help="Open it in a web browser.")] = False,
    metadata: Annotated[bool, typer.Option(
        "--metadata", help="Print the Datasette metadata (JSON) and exit (for datasette package).")] = False,
    out: OutOpt = None, db: DbOpt = None,
) -> None:
    """Reader pages and the data pages on the web (Datasette, read-only). Needs caj[web].

    Examples: caj serve · caj serve --port 8080 --open · caj serve --metadata --out metadata.json
    """
    from caj.faces.web import datasette

    connect(db).close()  # the same checks as every command: it exists and caj can read it
    if metadata:
        from caj.core.safefile import write_text

        return write_text(out, datasette.dump(locate(db)) + "\n")
    if out is not None:
        raise UsageError("--out writes the metadata; give --metadata too")
    datasette.serve(locate(db), host=host, port=port, open_browser=open_browser)


@app.command("mcp")
def mcp_server(db: DbOpt = None) -> None:
    """Answer AI assistants over MCP (stdio): the lookups as tools, every record with its sources.

    An MCP client starts it (command caj, args ["mcp"]); see the README, AI assistants (MCP).

    Examples: caj mcp · caj mcp --db /tmp/caj.db
    """
    try:  # the SDK takes seconds to import: only this command pays for it
        from caj.faces import mcp as assistant
    except ImportError:
        raise UsageError("mcp needs the MCP SDK: pip install 'caj[mcp]'") from None

    assistant.serve(connect(db))  # a missing or damaged database fails now, as for every command


# --- the entry point -------------------------------------------------------------------------


def main() -> None:
    """Run the app; every failure becomes one line on stderr and an exit code (caj.core.errors)."""
    from caj import entry

    sys.exit(entry.run(app, overview))


def overview() -> str:
    """What bare `caj` prints: every command, what it answers, one example each."""
    return _listing(app, "caj", groups=True) + (
        "\nEvery command: -h for its options. The lookups (timeline, oda, projects, show,\n"
        "search, sources, countries, actors, topics, conflicts) take\n"
        "--format table|csv|tsv|json|jsonl|markdown.\n")


def _listing(typer_app, prefix: str, groups: bool = False) -> str:
    """Each command's first help line and first example, wrapped to 80 columns."""
    import textwrap

    lines = [f"{prefix}: Japan's relations with Central Asia, fact by fact.", "", "Commands:"]
    entries = [(c.name or c.callback.__name__, c.callback.__doc__) for c in typer_app.registered_commands]
    if groups:
        entries += [(g.name, g.typer_instance.registered_callback.callback.__doc__)
                    for g in typer_app.registered_groups]
    for name, doc in entries:
        doc = (doc or "").strip()
        first = doc.splitlines()[0] if doc else ""
        example = next((x.strip().split(" · ")[0].removeprefix("Examples:").strip()
                        for x in doc.splitlines() if "Examples:" in x), "")
        lines += textwrap.wrap(first, 78, initial_indent=f"  {name:<10} ", subsequent_indent=" " * 13)
        if example:
            lines.append(f"{'':13}e.g. {example}")
    return "\n".join(lines) + "\n"
