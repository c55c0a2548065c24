"""caj's Datasette plugin: the reader pages (rendered on the server from templates that extend
Datasette's base.html) and their `.json` and `.csv` twins, answered by the query layer; the
pictures `--plot` draws, cached; and fact ids on the data pages linked to their fact page.

Each reader page is there in every language the database holds: `/timeline` in English, the same
page under `/ru/` and `/ja/` in Russian and Japanese, its twins what `caj --lang LANG` prints. The
language comes from the address alone, so a link always gives the same page; a browser that asks
for another language (Accept-Language) is offered it in a line at the top, never sent there."""

from __future__ import annotations

import datetime
import difflib
import json
import threading
from collections import OrderedDict
from pathlib import Path
from urllib.parse import quote, urlencode

from datasette import hookimpl
from datasette.utils.asgi import Response
from datasette.version import __version__
from markupsafe import Markup, escape

from caj.core import i18n, licence
from caj.core.errors import CajError, NotFound, UsageError
from caj.core.i18n import N_, _
from caj.faces import cite
from caj.faces.web import pages, reader
from caj.reading import lang as speech
from caj.reading import queries, questions

TYPES = {".json": "application/json; charset=utf-8", ".csv": "text/csv; charset=utf-8",
         ".svg": "image/svg+xml", ".bib": "application/x-bibtex; charset=utf-8",
         ".csl.json": "application/vnd.citationstyles.csl+json; charset=utf-8"}
STYLES = {".bib": "bibtex", ".csl.json": "csl-json"}
HERE = Path(__file__).parent
TEMPLATES, CSS = HERE / "templates", HERE / "templates" / "caj" / "caj.css"
PICTURES = ("timeline", "oda")
CACHE_SIZE = 256
RECORDS = ("facts", "entities", "sources")
LICENCES = {"data": licence.DATA, "data_short": licence.DATA_SHORT, "code": licence.CODE}
ENGLISH = speech.ENGLISH
# a reader page's address may start with a language's two-letter code (ISO 639-1): /ru/timeline.
# Two letters never clash with the database's own pages (/caj/...), nor with a page's name.
LANG = r"(?:/(?P<lang>[a-z]{2}))?"


@hookimpl
def startup(datasette):
    """caj's templates first (its own pages, and the few of Datasette's it mends), then Datasette's."""
    from jinja2 import ChoiceLoader, FileSystemLoader

    from caj.faces.web.datasette_internals import MendedLoader, quiet_client_errors

    env = datasette.jinja_env
    env.loader = ChoiceLoader([FileSystemLoader(str(TEMPLATES)), MendedLoader(env.loader)])
    env.filters["ident"], env.filters["fill"], env.globals["at"] = ident, fill, reader.at
    # every word of the templates through caj's catalog, in the language the request speaks
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(_, i18n.ngettext, newstyle=False)
    quiet_client_errors()


def ident(value: str) -> Markup:
    """An id that may wrap only after its hyphens, never inside a word."""
    parts = [escape(p) for p in str(value).split("-")]
    return Markup('<span class="ident">') + Markup("-<wbr>").join(parts) + Markup("</span>")


def fill(text: str, **parts) -> Markup:
    """A translated sentence with its {places} filled, the text escaped and each part as
    given: markup (a link, a <code>) stays markup, anything else is escaped."""
    return escape(text).format(**parts)


@hookimpl
def extra_css_urls():
    return ["/-/caj.css"]


@hookimpl
def extra_template_vars(datasette):
    """The data version, for every page's footer (Datasette's own pages too)."""
    async def inner():
        return {"caj_version": await _version(datasette), "caj_licence": LICENCES}

    return inner


_BUILDS: dict[int, dict] = {}


async def _build(datasette) -> dict:
    if id(datasette) not in _BUILDS:
        _BUILDS[id(datasette)] = await _ask(datasette, queries.build_info)
    return _BUILDS[id(datasette)]


async def _version(datasette) -> dict:
    return reader.data_version(await _build(datasette))


@hookimpl
def register_routes():
    routes = [(rf"^{LANG}/$", _cached(_home_view)), (r"^/(?P<lang>[a-z]{2})$", _home_of),
              (r"^/-/caj\.css$", _css_view)]
    routes += [(rf"^{LANG}/{name}\.svg$", _picture_view(name)) for name in PICTURES]
    routes += [(rf"^{LANG}/{name}(?P<ext>\.json|\.csv)?$", _cached(_page_view(name))) for name in pages.PAGES]
    routes += [(rf"^{LANG}/{kind}$", _cached(_index_view(kind))) for kind in ("facts", "entities")]
    record = r"/(?P<id>[^/]+?)(?P<ext>\.json|\.bib|\.csl\.json)?$"
    return routes + [(rf"^{LANG}/{kind}{record}", _cached(_record_view(kind))) for kind in RECORDS]


# --- the language of a request: its address's prefix -----------------------------------------

_LANGUAGES: dict[int, dict[str, tuple[str, dict]]] = {}


async def _languages(datasette) -> dict[str, tuple[str, dict]]:
    """Each language the database holds: code -> (its own name, how it writes numbers)."""
    if id(datasette) not in _LANGUAGES:
        _LANGUAGES[id(datasette)] = await _ask(datasette, lambda conn: {
            code: (name, speech.numbers(conn, code)) for code, name in speech.languages(conn).items()})
    return _LANGUAGES[id(datasette)]


def prefix(path: str) -> str | None:
    """The language code an address starts with (/ru/timeline -> ru), if any."""
    head, _sep, _rest = path.lstrip("/").partition("/")
    return head if len(head) == 2 and head.isascii() and head.isalpha() and head.islower() else None


def unprefixed(path: str) -> str:
    """The page's own address, in English: /ru/timeline -> /timeline, /ru/ -> /."""
    code = prefix(path)
    return (path[len(code) + 1:] or "/") if code else path


async def _speak(request, datasette) -> str | Response:
    """Speak the language the address names (English without a prefix) for the rest of this
    request; an address under /en/ is the page without it, one under an unknown code is none."""
    code = request.url_vars.get("lang")
    if code == ENGLISH:
        return Response.redirect(reader.query(unprefixed(request.path), dict(request.args)))
    known = await _languages(datasette)
    if code is not None and code not in known:
        return await _not_found(datasette, request)
    lang = code or ENGLISH
    i18n.use(lang, known[lang][1])
    return lang


async def _home_of(request, datasette):
    """/ru is /ru/ (the home page of a language)."""
    spoken = await _speak(request, datasette)
    return spoken if isinstance(spoken, Response) else Response.redirect(f"{request.path}/")


def suggestion(accept: str, known, lang: str) -> str | None:
    """The language a browser asks for first (Accept-Language) among those caj has, if it is
    not the page's own: the page offers it, the reader chooses."""
    ranked = []
    for n, part in enumerate(accept.split(",")):
        tag, *params = [x.strip() for x in part.split(";")]
        weight = next((x[2:] for x in params if x.startswith("q=")), "1")
        try:
            q = float(weight)
        except ValueError:
            continue
        code = tag.split("-")[0].casefold()
        if q > 0 and code in known:
            ranked.append((-q, n, code))
    best = min(ranked)[2] if ranked else None
    return best if best not in (None, lang) else None


_ANSWERS: OrderedDict[tuple, tuple] = OrderedDict()


def _cached(view):
    """Each answer (a page, a twin, an error) kept per URL: the database never changes while
    served, so the same URL always gets the same bytes. The oldest go first past CACHE_SIZE."""
    async def cached(request, datasette):
        spoken = await _speak(request, datasette)
        if isinstance(spoken, Response):
            return spoken
        offered = suggestion(request.headers.get("accept-language", ""), await _languages(datasette), spoken)
        # a citation says the day it was read: a new day, a new answer
        key = (id(datasette), request.path, request.query_string, datetime.date.today(), offered)
        if key not in _ANSWERS:
            r = await view(request, datasette)
            _ANSWERS[key] = (r.body, r.status, dict(r.headers), r.content_type)
            while len(_ANSWERS) > 4 * CACHE_SIZE:
                _ANSWERS.popitem(last=False)
        body, status, headers, content_type = _ANSWERS[key]
        return Response(body, status=status, headers=headers, content_type=content_type)

    return cached


async def _ask(datasette, fn):
    """Run fn(conn) on Datasette's read pool: caj's own read-only connection per worker, in the
    language of the request (a worker thread does not share the request's context). A database
    that fails while read is a DatabaseError, answered with caj's page (status 500)."""
    db = datasette.get_database()
    speaking = i18n.current(), i18n.numbers()
    return await db.execute_fn(lambda conn: _answered(fn, _reader(conn), speaking))


def _answered(fn, conn, speaking: tuple[str, dict]):
    import sqlite3

    from caj.reading.db import damaged, diagnose

    i18n.use(*speaking)
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
    """A template of caj's (extending Datasette's base.html), in the language spoken, with caj's
    menu, the page in the other languages (a switch, and alternates for search engines) and,
    if the browser asks for another of them, a line offering it."""
    canonical = context.get("canonical")
    known = await _languages(datasette)
    lang = i18n.current()
    here = reader.query(unprefixed(request.path), dict(request.args))
    others = [(code, name, reader.at(here, code)) for code, (name, _numbers) in known.items()]
    offered = suggestion(request.headers.get("accept-language", ""), known, lang)
    context = {"twins": None, "page": None, "legend": [], **context, "path": request.path,
               "menu": [(url if url.startswith("/caj") else reader.at(url), _(label)) for url, label in MENU],
               "SHOW_HINT": reader.SHOW_HINT, "metadata": datasette.metadata(),
               "datasette_version": __version__, "page_lang": lang, "languages": others,
               "alternates": [(code, datasette.absolute_url(request, url)) for code, _name, url in others],
               "offer": _offer(offered, known, here) if offered else None,
               "canonical": datasette.absolute_url(request, canonical) if canonical else None}
    body = await datasette.render_template(f"caj/{template}", context, request=request)
    return Response.html(body, status=status, headers={"Vary": "Accept-Language"})


def _offer(code: str, known: dict, here: str) -> dict:
    """The line that offers the page in the reader's language, said in that language."""
    words = i18n.catalog(code).gettext(OFFER)
    return {"lang": code, "href": reader.at(here, code), "text": words.format(language=known[code][0])}


OFFER = N_("This page is also in {language}.")
MENU = [("/", N_("Home")), ("/timeline", N_("Timeline")), ("/oda", N_("ODA")), ("/projects", N_("Projects")),
        ("/search", N_("Search")), ("/conflicts", N_("Conflicts")), ("/sources", N_("Sources")),
        ("/caj", N_("Data & SQL"))]


def _page_view(name: str):
    page = pages.PAGES[name]

    async def view(request, datasette):
        ext = request.url_vars.get("ext") or ""
        args = dict(request.args)
        if not ext and any(not v.strip() for v in args.values()):
            # a form sends its empty fields: the same page at its address without them
            return Response.redirect(reader.query(request.path, {k: v for k, v in args.items() if v.strip()}))
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
            names = pages.fields(page, args, i18n.current())
            return Response(pages.as_format(rows, ext[1:], names), content_type=TYPES[ext])
        return await _render(datasette, request, f"{name}.html", ctx)

    return view


def _blank(page: pages.Page, args: dict) -> dict:
    """The search page before a search: the form alone."""
    return {"page": page.name, "heading": _(page.title), "args": {}, "hits": None,
            "form": reader.FORMS[page.name], "checkboxes": [], "twins": None,
            "canonical": reader.at("/search")}


async def _home_view(request, datasette):
    counts = await _ask(datasette, _counts)
    return await _render(datasette, request, "home.html", reader.home(*counts))


_COUNTS: dict[str, tuple] = {}


def _counts(conn) -> tuple:
    """Rows per table and the dated facts, counted once per database file (immutable while served)."""
    key = queries.database_file(conn)
    if key not in _COUNTS:
        _COUNTS[key] = (queries.table_counts(conn), len(list(queries.timeline(conn))))
    return _COUNTS[key]


async def _css_view(request, datasette):
    return Response(CSS.read_text(encoding="utf-8"), content_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "max-age=3600"})


def _index_view(kind: str):
    async def view(request, datasette):
        orders = reader.FACT_ORDERS if kind == "facts" else reader.ENTITY_ORDERS
        by = request.args.get("by") or orders[0][0]
        if by not in dict(orders):
            return Response.redirect(reader.at(f"/{kind}"))
        build = reader.fact_index if kind == "facts" else reader.entity_index
        ctx = await _ask(datasette, lambda conn: build(conn, by))
        return await _render(datasette, request, f"{kind}_index.html", {**ctx, "kind": kind})

    return view


def _record_view(kind: str):
    async def view(request, datasette):
        ext = request.url_vars.get("ext") or ""
        ref = request.url_vars["id"]
        if ext and ext != ".json" and kind == "entities" or ext == ".json" and kind == "sources":
            return await _not_found(datasette, request)
        try:
            where, record = await _ask(datasette, lambda conn: _locate(conn, kind, ref, ext))
        except CajError as exc:
            return await _error(datasette, request, exc, ext, None, {})
        if where != reader.at(f"/{kind}/{ref}"):
            return Response.redirect(reader.query(where + ext, dict(request.args)))
        if ext == ".json":
            return Response(json.dumps(record, ensure_ascii=False, indent=2) + "\n", content_type=TYPES[ext])
        if ext:
            text = await _ask(datasette, lambda conn: cite.render(queries.cite_items(conn, record["id"]),
                                                                  STYLES[ext]))
            return Response(text, content_type=TYPES[ext], headers={
                "Content-Disposition": f'attachment; filename="{record["id"]}{ext}"'})
        base = datasette.absolute_url(request, "/").rstrip("/")
        build = await _build(datasette)
        ctx = await _ask(datasette, lambda conn: _card(conn, kind, record, base, build))
        return await _render(datasette, request, f"{kind[:-1] if kind != 'entities' else 'entity'}.html", ctx)

    return view


def _locate(conn, kind: str, ref: str, ext: str) -> tuple[str, dict]:
    """(the record's own address, the record): a fact, entity or source by its id in any case;
    an entity's id under /facts/ (or a fact's under /entities/) has its address elsewhere."""
    if kind == "sources" or (ext in STYLES and _is_source(conn, ref)):
        found = queries.source_rows(conn, ref.strip().casefold())
        if found:
            return reader.href("sources", found[0]["id"]), found[0]
        if kind == "sources":
            ids = [s["id"] for s in queries.source_rows(conn)]
            raise NotFound("source id", ref, difflib.get_close_matches(ref.casefold(), ids, n=3, cutoff=0.5))
    try:
        record = questions.QUESTIONS["show"].answer(conn, i18n.current(), id=ref)
    except NotFound:
        if _is_source(conn, ref):
            return reader.href("sources", ref.strip().casefold()), {}
        raise
    own = "facts" if "summary" in record else "entities"
    return reader.href(own, record["id"]), record


def _is_source(conn, ref: str) -> bool:
    return bool(queries.source_rows(conn, ref.strip().casefold()))


def _card(conn, kind: str, record: dict, base: str, build: dict) -> dict:
    path = reader.href(kind, record["id"])
    today = datetime.date.today()
    if kind == "sources":
        card = reader.source_card(conn, record["id"])
    elif kind == "facts":
        card = {"record": record, **reader.fact_card(conn, record), "heading": record["title"],
                "twins": {"json": path + ".json"}}
    else:
        card = {"record": record, **reader.entity_card(conn, record), "heading": record["title"],
                "twins": {"json": path + ".json"}}
    cited = reader.citation(conn, record["id"], path, base, build, today) if kind != "entities" else None
    return {**card, "citation": cited, "canonical": path}


# --- pictures, cached per query string: the database is immutable ------------------------------

_PICTURES: OrderedDict[tuple[str, str, str], bytes] = OrderedDict()
_DRAWING = threading.Lock()  # matplotlib's rc settings are global: one picture at a time


def _picture_view(name: str):
    async def view(request, datasette):
        spoken = await _speak(request, datasette)
        if isinstance(spoken, Response):
            return spoken
        args = dict(request.args)
        key = (name, spoken, urlencode(sorted(args.items())))
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
    near = [{"id": s, "href": reader.href("sources" if exc.what == "source id" else "facts", s)}
            for s in getattr(exc, "suggestions", [])] if status == 404 else []
    shown_args = reader.known(page, args) if page else {}
    ctx = {"status": status, "message": reader.phrased(exc), "near": near, "args": shown_args,
           "heading": _(HEADINGS.get(status, HEADINGS[500])),
           "page": page.name if page else None, "form": reader.FORMS.get(page.name, []) if page else [],
           "checkboxes": reader.CHECKBOXES.get(page.name, []) if page else [], "twins": None}
    return await _render(datasette, request, "error.html", ctx, status=status)


HEADINGS = {404: N_("Not found"), 400: N_("Not understood"), 500: N_("Cannot answer")}


# --- every other address: caj's own 404, or the page it was meant to be ----------------------------

PLACES = [url for url, _label in MENU if url != "/"] + ["/facts", "/entities"]


@hookimpl
def handle_exception(datasette, request, exception):
    """A page that does not exist (under Datasette's routes too) is caj's 404 with the menu and
    the nearest addresses; an address in the wrong case is sent where it belongs. Data (.json)
    keeps Datasette's own error."""
    if getattr(exception, "status", None) != 404 or request.path.endswith(".json"):
        return None

    async def inner():
        known = await _languages(datasette)
        code = prefix(request.path.lower())
        lang = code if code in known else ENGLISH
        i18n.use(lang, known[lang][1])
        path = unprefixed(request.path) if code in known else request.path
        lower = path.lower().rstrip("/") or "/"
        if lower != path and (lower in PLACES or lower.startswith(tuple(f"/{k}/" for k in RECORDS))):
            return Response.redirect(reader.query(reader.at(lower), dict(request.args)))
        return await _not_found(datasette, request)

    return inner


async def _not_found(datasette, request) -> Response:
    path = unprefixed(request.path) if i18n.current() != ENGLISH else request.path
    first = "/" + path.strip("/").split("/")[0].lower()
    near = difflib.get_close_matches(first, PLACES, n=3, cutoff=0.6)
    rest = path.strip("/").partition("/")[2]
    if near and near[0].lstrip("/") in RECORDS and rest and "/" not in rest:
        near = [f"{near[0]}/{quote(rest.lower(), safe='')}", *near]  # an id under a misspelt folder
    ctx = {"status": 404, "message": _("There is no page at {path}.").format(path=reader.clean(request.path)),
           "near": [], "places": [reader.at(url) for url in near], "heading": _(HEADINGS[404]), "args": {},
           "form": [], "checkboxes": []}
    return await _render(datasette, request, "error.html", ctx, status=404)


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
