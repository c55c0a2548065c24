"""caj's Datasette plugin: the reader pages (rendered on the server from templates that extend
Datasette's base.html) and their `.json` and `.csv` twins, answered by the query layer; the
pictures `--plot` draws, cached; and fact ids on the data pages linked to their fact page."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette.version import __version__
from markupsafe import Markup, escape

from caj.core.errors import CajError, NotFound, UsageError
from caj.faces.web import pages, reader
from caj.reading import queries

TYPES = {".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8",
         ".svg": "image/svg+xml"}
HERE = Path(__file__).parent
TEMPLATES, CSS = HERE / "templates", HERE / "templates" / "caj" / "caj.css"
PICTURES = ("timeline", "oda")
CACHE_SIZE = 256


@hookimpl
def startup(datasette):
    """caj's templates first, then Datasette's (which they extend)."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    datasette.jinja_env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), datasette.jinja_env.loader])
    quiet_client_errors()


@hookimpl
def extra_css_urls():
    return ["/-/caj.css"]


@hookimpl
def register_routes():
    routes = [(r"^/$", _cached(_home_view)), (r"^/-/caj\.css$", _css_view)]
    routes += [(rf"^/{name}\.svg$", _picture_view(name)) for name in PICTURES]
    routes += [(rf"^/{name}(?P<ext>\.json|\.csv)?$", _cached(_page_view(name))) for name in pages.PAGES]
    return routes + [(r"^/facts/(?P<id>[^/]+?)(?P<ext>\.json)?$", _cached(_record_view("facts"))),
                     (r"^/entities/(?P<id>[^/]+?)(?P<ext>\.json)?$", _cached(_record_view("entities")))]


_ANSWERS: OrderedDict[tuple, tuple] = OrderedDict()


def _cached(view):
    """Each answer (a page, a twin, an error) kept per URL: the database never changes while
    served, so the same URL always gets the same bytes. The oldest go first past CACHE_SIZE."""
    async def cached(request, datasette):
        key = (id(datasette), request.path, request.query_string)
        if key not in _ANSWERS:
            r = await view(request, datasette)
            _ANSWERS[key] = (r.body, r.status, dict(r.headers), r.content_type)
            while len(_ANSWERS) > 4 * CACHE_SIZE:
                _ANSWERS.popitem(last=False)
        body, status, headers, content_type = _ANSWERS[key]
        return Response(body, status=status, headers=headers, content_type=content_type)

    return cached


async def _ask(datasette, fn):
    """Run fn(conn) on Datasette's read pool: caj's own read-only connection per worker. A
    database that fails while read is a DatabaseError, answered with caj's page (status 500)."""
    db = datasette.get_database()
    return await db.execute_fn(lambda conn: _answered(fn, _reader(conn)))


def _answered(fn, conn):
    import sqlite3

    from caj.reading.db import damaged, diagnose

    try:
        return fn(conn)
    except sqlite3.Error as exc:
        raise damaged(exc, queries.database_file(conn)) from None
    except (KeyError, TypeError, ValueError) as exc:  # unforeseen: the database, if it is the cause
        raise diagnose(queries.database_file(conn)) or exc from None


def _reader(conn):
    import sqlite3

    conn.row_factory = sqlite3.Row
    return conn


async def _render(datasette, request, template: str, context: dict, status: int = 200) -> Response:
    """A template of caj's (extending Datasette's base.html), in English, with caj's menu."""
    context = {"twins": None, "page": None, **context, "menu": MENU, "path": request.path,
               "SHOW_HINT": reader.SHOW_HINT, "metadata": datasette.metadata(),
               "datasette_version": __version__}
    body = await datasette.render_template(f"caj/{template}", context, request=request)
    return Response.html(body.replace("<html>", '<html lang="en">', 1), status=status)


MENU = [("/", "Home"), ("/timeline", "Timeline"), ("/oda", "ODA"), ("/projects", "Projects"),
        ("/search", "Search"), ("/conflicts", "Conflicts"), ("/sources", "Sources"), ("/caj", "Data & SQL")]


def _page_view(name: str):
    page = pages.PAGES[name]

    async def view(request, datasette):
        ext = request.url_vars.get("ext") or ""
        args = dict(request.args)
        if name == "search" and not ext and not args.get("q", "").strip():
            return await _render(datasette, request, "search.html", _blank(page, args))
        try:
            if ext:
                rows = await _ask(datasette, lambda conn: pages.records(conn, page, args))
            else:
                ctx = await _ask(datasette, lambda conn: reader.context(conn, page, args))
        except CajError as exc:
            return await _error(datasette, request, exc, ext, page, args)
        if ext:
            return Response(pages.as_format(rows, ext[1:], pages.fields(page, args)), content_type=TYPES[ext])
        return await _render(datasette, request, f"{name}.html", ctx)

    return view


def _blank(page: pages.Page, args: dict) -> dict:
    """The search page before a search: the form alone."""
    return {"page": page.name, "heading": page.title, "args": args, "hits": None,
            "form": reader.FORMS[page.name], "checkboxes": [], "twins": None}


async def _home_view(request, datasette):
    counts = await _ask(datasette, _counts)
    return await _render(datasette, request, "home.html", reader.home(counts))


_COUNTS: dict[str, dict] = {}


def _counts(conn) -> dict:
    """Rows per table, counted once per database file (immutable while served)."""
    key = queries.database_file(conn)
    if key not in _COUNTS:
        _COUNTS[key] = queries.table_counts(conn)
    return _COUNTS[key]


async def _css_view(request, datasette):
    return Response(CSS.read_text(encoding="utf-8"), content_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "max-age=3600"})


def _record_view(kind: str):
    async def view(request, datasette):
        ext = request.url_vars.get("ext") or ""
        ref = request.url_vars["id"]
        try:
            record = await _ask(datasette, lambda conn: _record(conn, ref, bool(ext)))
        except CajError as exc:
            return await _error(datasette, request, exc, ext, None, {})
        if ext:
            return Response(json.dumps(record, ensure_ascii=False, indent=2) + "\n", content_type=TYPES[ext])
        template = "fact.html" if "summary" in record["record"] else "entity.html"
        return await _render(datasette, request, template, {**record, "heading": record["record"]["title"]})

    return view


def _record(conn, ref: str, data: bool) -> dict:
    record = queries.show(conn, ref)
    if data:
        return record
    card = reader.fact_card(conn, record) if "summary" in record else reader.entity_card(record)
    return {"record": record, **card, "twins": {"json": reader.href(
        "facts" if "summary" in record else "entities", record["id"], ".json")}}


# --- pictures, cached per query string: the database is immutable ------------------------------

_PICTURES: OrderedDict[tuple[str, str], bytes] = OrderedDict()
_DRAWING = threading.Lock()  # matplotlib's rc settings are global: one picture at a time


def _picture_view(name: str):
    async def view(request, datasette):
        args = dict(request.args)
        key = (name, urlencode(sorted(args.items())))
        if key not in _PICTURES:
            try:
                svg = await _ask(datasette, lambda conn: _draw(name, conn, args))
            except CajError as exc:
                return Response.text(f"caj: {exc.message}\n", status=_status(exc))
            _PICTURES[key] = svg
            while len(_PICTURES) > CACHE_SIZE:
                _PICTURES.popitem(last=False)
        return Response(_PICTURES[key], content_type=TYPES[".svg"], headers={"Cache-Control": "max-age=3600"})

    return view


def _draw(name: str, conn, args: dict) -> bytes:
    with _DRAWING:
        return reader.draw(name, conn, args)


# --- bad input: the command's own message, never a 500 ------------------------------------------


def _status(exc: CajError) -> int:
    """404 for an unknown id, 400 for other bad input, 500 for a database that cannot answer."""
    if isinstance(exc, NotFound) and exc.what == "id":
        return 404
    return 400 if isinstance(exc, UsageError) else 500


async def _error(datasette, request, exc: CajError, ext: str, page, args: dict) -> Response:
    status = _status(exc)
    if ext == ".json":
        return Response.json({"ok": False, "error": exc.message, "status": status}, status=status)
    if ext:
        return Response.text(f"caj: {exc.message}\n", status=status)
    near = [{"id": s, "href": reader.href("facts", s)} for s in getattr(exc, "suggestions", [])] \
        if status == 404 else []
    ctx = {"status": status, "message": exc.message, "near": near, "args": args,
           "heading": {404: "Not found", 400: "Not understood"}.get(status, "Cannot answer"),
           "page": page.name if page else None, "form": reader.FORMS.get(page.name, []) if page else [],
           "checkboxes": reader.CHECKBOXES.get(page.name, []) if page else [], "twins": None}
    return await _render(datasette, request, "error.html", ctx, status=status)


# --- fact ids on the data pages link to their fact page --------------------------------------

NOT_FACTS = {"sources", "topics", "entities", "fx", "meta", "names", "search_docs"}
LISTS = {"countries", "topics", "japanese_partners", "local_partners", "funders", "sources"}


@hookimpl
def render_cell(row, value, column, table, database, datasette):
    if column in LISTS and isinstance(value, str) and value.startswith("["):
        return _items(value)
    if column not in ("id", "fact_id") or table in NOT_FACTS or value in (None, ""):
        return None
    ident = value.get("value") if isinstance(value, dict) else value
    href = f"/facts/{quote(str(ident), safe='')}"
    return Markup(f'<a href="{escape(href)}">{escape(str(ident))}</a>')


def _items(value: str) -> str | None:
    """A JSON list shown as its items (source ids for citations); the JSON stays in .json."""
    try:
        items = json.loads(value)
    except ValueError:
        return None
    shown = [i.get("source", "") if isinstance(i, dict) else str(i) for i in items]
    return ", ".join(dict.fromkeys(shown)) or " "



# --- a bad URL is as cheap to refuse as a good one to serve ------------------------------------


def quiet_client_errors() -> None:
    """Datasette 0.65's default exception handler prints every exception, a 404 included, as a
    Rich traceback with its locals whenever Rich is importable, and caj depends on Rich: half a
    second of CPU for each bad URL, a way to load the server. Datasette awaits every plugin's
    handler, so a hook of caj's cannot stand in for it; the handler is told Rich is absent
    instead, and it still logs a server error (500) with the plain traceback."""
    import datasette.handle_exception as default_handler

    default_handler.rich = None
