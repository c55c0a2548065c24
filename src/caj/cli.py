"""The command line: parse, ask one question of the query layer, hand the records to one face.
Every failure is a core.errors.CajError (or one of Click's usage errors), turned into one line and
an exit code in `main`: 0 success (an empty result too), 1 runtime failure, 2 bad usage."""

import inspect
import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from caj import __version__
from caj.core.errors import UsageError
from caj.core.i18n import N_, _
from caj.faces.terminal import commands, render, typer_words
from caj.reading import questions
from caj.reading.db import connect, locate

typer_words.speak()
app = typer.Typer(
    name="caj",
    help=_("Japan's relations with Central Asia: dated, cited facts, ODA figures and projects."),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)

# --- the face's own options, defined once (caj.faces.terminal.commands.FACE) ----------------


def _face_option(face: commands.Face):
    """One of the terminal's own options as Typer declares it."""
    if face.kind == "flag":
        return Annotated[bool, typer.Option(*face.flags, help=_(face.help))]
    kind = Path if face.kind == "path" else str
    return Annotated[Optional[kind], typer.Option(*face.flags, metavar=face.metavar, help=_(face.help),
                                                  show_default=False)]


FACE_OPTIONS = {k: (_face_option(face), face.default) for k, face in commands.FACE.items()}
DbOpt = FACE_OPTIONS["db"][0]
QuietOpt = Annotated[bool, typer.Option("--quiet", "-q", help=_("No progress bar and no summary line."))]
OutOpt = Annotated[Optional[Path], typer.Option(
    "--out", "-o", metavar="FILE", help=_("Write to FILE (atomically; - for stdout) instead of stdout."))]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"caj {__version__}")
        raise typer.Exit()


LANG_HELP = _("Language of the words: en, ru or ja (default: $CAJ_LANG, else the locale, else "
              "English). Keys, ids, dates and amounts of CSV and JSON stay as they are.")
EXAMPLES = N_("Examples:")  # how a command's help introduces its examples (the overview reads it)


@app.callback()
def _root(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help=_("Print the version and exit."))] = False,
    lang: Annotated[Optional[str], typer.Option("--lang", metavar="LANG", help=LANG_HELP)] = None,
) -> None:
    """Japan's relations with Central Asia: dated, cited facts, ODA figures and projects.

    The lookups draw a table on a terminal and write CSV when piped; their --format
    csv|tsv|json|jsonl|markdown always wins.
    """
    commands.ASKED["lang"] = lang


# --- the lookups, made from the question registry --------------------------------------------


def _typed(p: questions.Param):
    """A registry parameter as Typer declares it: its flags, metavar, help and type."""
    kind, help = {"int": int, "flag": bool}.get(p.kind, str), _(p.help)
    if p.positional:
        return Annotated[kind, typer.Argument(metavar=p.metavar, help=help, show_default=False)]
    if p.kind == "flag":
        return Annotated[bool, typer.Option(*p.flags, help=help)]
    lo, hi = p.bounds or (None, None)
    shown_default = p.default is not None and p.kind != "flag"
    return Annotated[kind if p.default is not None else Optional[kind], typer.Option(
        *p.flags, metavar=p.metavar, help=help, min=lo, max=hi, show_default=shown_default)]


def lookup(name: str, *face: str):
    """Register the command of question `name`: its parameters from the registry, then the
    face's own options (`face`: fmt, db, plot, chart); the decorated function presents the answer."""
    q = questions.QUESTIONS[name]
    params = commands.params(name)

    def register(present):
        def command(**given):
            face_given = {k: given.pop(k) for k in face}
            present(q, given, **face_given)

        signature = [inspect.Parameter(p.keyword, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                       annotation=_typed(p), default=inspect.Parameter.empty
                                       if p.required else p.default) for p in params]
        signature += [inspect.Parameter(k, inspect.Parameter.KEYWORD_ONLY, annotation=FACE_OPTIONS[k][0],
                                        default=FACE_OPTIONS[k][1]) for k in face]
        command.__signature__ = inspect.Signature(signature)
        command.__annotations__ = {p.name: p.annotation for p in signature}
        command.__name__ = command.__qualname__ = name
        command.__doc__ = f"{_(q.summary)}\n\n{_(EXAMPLES)} {' · '.join(q.examples)}"
        app.command(name)(command)
        return present

    return register


for _name, (_presenter, _face) in commands.PRESENT.items():
    lookup(_name, *_face)(_presenter)


# --- building --------------------------------------------------------------------------------

DataOpt = Annotated[Optional[Path], typer.Option(
    "--data", metavar="DIR", help=_("Data folder (default: the one shipped with caj)."))]


@app.command()
def validate(data: DataOpt = None) -> None:
    """Check the curated records; problems as file:line: id: field: message, exit 1.

    Examples: caj validate · caj validate --data ./data
    """
    from caj import building

    problems, summary = building.validate(data)
    for line in problems:
        typer.echo(line)
    commands.say(summary)
    if problems:
        raise typer.Exit(1)


@app.command()
def build(
    data: DataOpt = None,
    out: Annotated[Optional[Path], typer.Option(
        "--out", "-o", metavar="FILE",
        help=_("Database to write (default: $CAJ_DB, else ./caj.db)."))] = None,
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
        commands.say(summary)


# --- exports ---------------------------------------------------------------------------------

export_app = typer.Typer(
    name="export", no_args_is_help=False, invoke_without_command=True, rich_markup_mode=None,
    help=_("The whole database for other tools: TimelineJS, a Frictionless data package, CSL-JSON."))
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
        commands.say(f"wrote {target}: {done}")


@export_app.command("timelinejs")
def export_timelinejs(
    out: OutOpt = None, quiet: QuietOpt = False, db: DbOpt = None,
    with_undated: Annotated[bool, typer.Option(
        "--with-undated", help=_("Add statements the documents make without a date."))] = False,
) -> None:
    """The timeline as TimelineJS3 JSON: a title slide, one event per fact, grouped by country.

    Examples: caj export timelinejs --out timeline.json · caj export timelinejs | jq '.events | length'
    """
    from caj.faces import export

    conn = connect(db)
    commands.lang_of(conn)

    def write(progress) -> str:
        return f"{export.write_timelinejs(conn, out, progress, with_undated)} events"

    _export("timelinejs", write, out, quiet)


@export_app.command("datapackage")
def export_datapackage(
    folder: Annotated[Path, typer.Argument(
        metavar="DIR", help=_("Folder to write: new, empty, or caj's own previous export (replaced)."))],
    quiet: QuietOpt = False, db: DbOpt = None,
) -> None:
    """A Frictionless data package: one CSV per table and datapackage.json with types and keys.

    Examples: caj export datapackage caj-data · frictionless validate caj-data/datapackage.json
    """
    from caj.faces import export

    conn = connect(db)
    commands.lang_of(conn)

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
    commands.lang_of(conn)
    _export("csl-json", lambda progress: export.write_csl_json(conn, out) or "every source", out, quiet)


# --- serving ---------------------------------------------------------------------------------


@app.command()
def serve(
    host: Annotated[str, typer.Option(
        "--host", metavar="HOST", help=_("Address to listen on."))] = "127.0.0.1",
    port: Annotated[int, typer.Option(
        "--port", metavar="PORT", min=1, max=65535, help=_("Port to listen on."))] = 8001,
    open_browser: Annotated[bool, typer.Option("--open", help=_("Open it in a web browser."))] = False,
    metadata: Annotated[bool, typer.Option(
        "--metadata",
        help=_("Print the Datasette metadata (JSON) and exit (for datasette package)."))] = False,
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

    tail = _("Every command: -h for its options. The lookups (timeline, oda, projects, show, search, "
             "sources, countries, actors, topics, conflicts) take --format "
             "table|csv|tsv|json|jsonl|markdown, and every command --lang en|ru|ja.")
    return _listing(app, "caj", groups=True) + "\n" + "\n".join(render.wrap(tail, 78)) + "\n"


def _listing(typer_app, prefix: str, groups: bool = False) -> str:
    """Each command's first help line and first example, wrapped to 80 columns."""

    lines = [f"{prefix}: " + _("Japan's relations with Central Asia, fact by fact."), "", _("Commands:")]
    entries = [(c.name or c.callback.__name__, c.callback.__doc__) for c in typer_app.registered_commands]
    if groups:
        entries += [(g.name, g.typer_instance.registered_callback.callback.__doc__)
                    for g in typer_app.registered_groups]
    for name, doc in entries:
        doc = (doc or "").strip()
        first = doc.splitlines()[0] if doc else ""
        said = next((x.strip() for x in doc.splitlines() if EXAMPLES in x or _(EXAMPLES) in x), "")
        example = said.split(" · ")[0].removeprefix(_(EXAMPLES)).removeprefix(EXAMPLES).strip()
        said = render.wrap(_(first), 78 - 13)
        lines += [f"  {name:<10} {said[0]}", *(" " * 13 + more for more in said[1:])]
        if example:
            lines.append(f"{'':13}{_('e.g.')} {example}")
    return "\n".join(lines) + "\n"
