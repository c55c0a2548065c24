"""caj's Datasette plugin: the reader pages and their `.json` and `.csv` twins, answered by the
query layer, and fact ids on the data pages linked to their fact page."""

from __future__ import annotations

import html
import json
from urllib.parse import quote

from datasette import hookimpl
from datasette.utils.asgi import Response
from markupsafe import Markup, escape

from caj.core.errors import CajError, NotFound
from caj.faces.web import pages
from caj.reading import queries

TYPES = {".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8"}


@hookimpl
def register_routes():
    routes = [(rf"^/{name}(?P<ext>\.json|\.csv)?$", _page_view(name)) for name in pages.PAGES]
    return routes + [(r"^/facts/(?P<id>[^/]+?)(?P<ext>\.json)?$", _record_view),
                     (r"^/entities/(?P<id>[^/]+?)(?P<ext>\.json)?$", _record_view)]


async def _ask(datasette, fn):
    """Run fn(conn) on Datasette's read pool: caj's own read-only connection per worker."""
    db = datasette.get_database()
    return await db.execute_fn(lambda conn: fn(_reader(conn)))


def _reader(conn):
    import sqlite3

    conn.row_factory = sqlite3.Row
    return conn


def _page_view(name: str):
    page = pages.PAGES[name]

    async def view(request, datasette):
        ext = request.url_vars.get("ext") or ""
        args = dict(request.args)
        try:
            rows = await _ask(datasette, lambda conn: pages.records(conn, page, args))
        except CajError as exc:
            return _error(exc, ext)
        if ext:
            body = pages.as_format(rows, ext[1:], pages.fields(page, args))
            return Response(body, content_type=TYPES[ext])
        return Response.html(_html(page.title, rows))

    return view


async def _record_view(request, datasette):
    ext = request.url_vars.get("ext") or ""
    ref = request.url_vars["id"]
    try:
        record = await _ask(datasette, lambda conn: queries.show(conn, ref))
    except CajError as exc:
        return _error(exc, ext)
    if ext:
        return Response(json.dumps(record, ensure_ascii=False, indent=2) + "\n", content_type=TYPES[ext])
    return Response.html(_html(record.get("title") or ref, [record]))


def _error(exc: CajError, ext: str) -> Response:
    status = 404 if isinstance(exc, NotFound) and exc.what in ("id",) else 400
    if ext == ".json":
        return Response.json({"ok": False, "error": exc.message, "status": status}, status=status)
    if ext:
        return Response.text(f"caj: {exc.message}\n", status=status)
    return Response.html(_html("Not found" if status == 404 else "Bad request", [], exc.message),
                         status=status)


def _html(title: str, rows: list[dict], error: str = "") -> str:
    items = "".join(f"<li>{html.escape(str(r.get('when') or ''))} "
                    f"{html.escape(str(r.get('title') or r['id']))} <code>{html.escape(r['id'])}</code></li>"
                    for r in rows)
    message = f"<p role='alert'>{html.escape(error)}</p>" if error else ""
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}"
            f"</title></head><body><h1>{html.escape(title)}</h1>{message}<ul>{items}</ul></body></html>")


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
