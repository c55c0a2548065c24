"""`caj serve`: the reader pages and Datasette's own data pages on one server.

Datasette's metadata (what each table, view and column means) is generated from the vocabulary
registry; the reader pages (faces.web.pages, registered by faces.web.plugin) answer from the query
layer, exactly as the commands do. Datasette is imported only by `serve` itself.
"""

from __future__ import annotations

import html
import json
import socket
import sys
from pathlib import Path

from caj.core import display, licence, vocab
from caj.core.errors import ServeError, UsageError, shown

INSTALL = 'pip install "caj[web]"'
TITLE = "caj: Japan and Central Asia, fact by fact"
DESCRIPTION = (
    "Japan's relations with Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan and Uzbekistan: dated "
    "events, ODA figures and projects, each dated as precisely as its source allows and cited down to "
    "the paragraph. The reader pages (timeline, ODA, projects, search) answer as the commands do; "
    "these data pages are for SQL."
)
LICENSE, LICENSE_URL = licence.DATA_SHORT, licence.DATA["path"]  # the data's: the pages serve data

SETTINGS = {
    "sql_time_limit_ms": 1000,   # a runaway query is stopped, the server keeps serving
    # queries run on the event loop itself: every one over this small immutable database takes a
    # millisecond or less, and the database page alone asks ~160 of them, each of which would
    # otherwise cross to a worker thread and back (most of that page's time)
    "num_sql_threads": 0,
    "max_returned_rows": 1000,
    "suggest_facets": False,     # table pages stay fast: facets come from the metadata
    "default_page_size": 100,
    "facet_time_limit_ms": 200,
    "allow_download": True,      # the database is public and immutable
    "truncate_cells_html": 160,  # long summaries end in an ellipsis; .json and .csv keep them
}


# --- metadata ---------------------------------------------------------------------------------

TABLE_OPTIONS = {
    "v_facts": {"sort": "earliest", "fts_table": "search_docs_fts", "fts_pk": "seq",
                "facets": [{"array": "countries"}, "kind", {"array": "topics"}, "status", "year"]},
    "facts": {"sort": "earliest", "fts_table": "search_docs_fts", "fts_pk": "seq",
              "label_column": "title", "facets": ["kind", "status", "date_basis"]},
    "v_timeline": {"facets": ["kind", "status"]},
    "entities": {"label_column": "name", "facets": ["kind"]},
    "topics": {"label_column": "label"},
    "sources": {"label_column": "title", "facets": ["kind"]},
    "fact_countries": {"facets": ["entity_id"]},
    "fact_topics": {"facets": ["topic_id"]},
    "fact_entities": {"facets": ["role", "entity_id"]},
    "citations": {"facets": ["stance", "source_id"]},
    "oda": {"sort": "year", "facets": ["year", "recipient", "measure"]},
    "projects": {"facets": ["country", "sector"]},
}


def metadata(db_path: str | Path) -> dict:
    """Datasette's metadata: each table, view and column described by the vocabulary registry;
    internal tables hidden."""
    from caj.reading import db, queries

    path = Path(db_path)
    conn = db.connect(path)
    try:
        schema = queries.schema_objects(conn)
        sources, build = queries.sources(conn), queries.build_info(conn)
    finally:
        conn.close()
    internal = {name for name, t in vocab.TABLES.items() if t.internal}
    tables = {name: {"hidden": True} if name in internal or hidden else _table(name, cols)
              for name, (cols, hidden) in schema.items()}
    return {
        "title": TITLE, "description": DESCRIPTION, "license": LICENSE, "license_url": LICENSE_URL,
        "source": "Two commentaries and the public record: see the sources table",
        "databases": {path.stem: {"description_html": _about(sources, build), "tables": tables}},
    }


def _table(name: str, columns: list[str]) -> dict:
    text = vocab.TABLES[name].text if name in vocab.TABLES else vocab.VIEWS.get(name, "")
    meta = {"description": text, "columns": {c: vocab.describe(name, c) for c in columns}}
    return {**meta, **TABLE_OPTIONS.get(name, {})}


def _about(sources: list[dict], build: dict) -> str:
    items = "".join(
        f"<li>{_link(display.source_label(s), s['url'])} ({html.escape(s['publisher'])}; "
        f"<code>{html.escape(s['id'])}</code>{_checked(s)})</li>" for s in sources)
    stamp = html.escape(f"data {build.get('data_version', '?')}, built {build.get('build_time', '?')}"
                        f", content sha256 {build.get('content_hash', '?')[:12]}")
    return (f"<p>{html.escape(DESCRIPTION)}</p><p>Sources:</p><ul>{items}</ul>"
            f"<p><small>{stamp}</small></p>")


def _checked(source: dict) -> str:
    said = display.checked(source)
    return f"; {html.escape(said)}" if said else ""


def _link(text: str, url: str | None) -> str:
    text = html.escape(text)
    return f'<a href="{html.escape(url)}">{text}</a>' if url else text


# --- serving ----------------------------------------------------------------------------------


def require() -> None:
    try:
        import datasette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise UsageError(f"serve needs Datasette; install it with: {INSTALL}") from None


def app(db_path: str | Path):
    """The Datasette instance over `db_path`: immutable, with caj's metadata and plugin."""
    require()
    from datasette.app import Datasette
    from datasette.plugins import pm

    from caj.faces.web import plugin

    if not pm.is_registered(plugin):
        pm.register(plugin, name="caj")
    from caj.faces.web.datasette_internals import permissions_cached

    # the database and its metadata never change while served
    return permissions_cached(Datasette)(immutables=[str(db_path)], metadata=metadata(db_path),
                                         settings=SETTINGS, inspect_data=inspect(db_path))


def inspect(db_path: str | Path) -> dict:
    """What `datasette inspect` writes: the file's hash, size and every table's row count,
    computed once, so Datasette's pages never count rows per request (the file is immutable)."""
    from caj.reading import db, queries

    path = Path(db_path)
    conn = db.connect(path)
    try:
        counts, build = queries.table_counts(conn), queries.build_info(conn)
    finally:
        conn.close()
    # the build's content hash stands for the file's: reading a large file whole would slow startup
    return {path.stem: {"hash": build.get("content_hash") or "", "size": path.stat().st_size,
                        "file": str(path),
                        "tables": {name: {"count": n} for name, n in counts.items()}}}


WILDCARDS = ("0.0.0.0", "::")  # every interface: reachable from other machines
EXPOSED = "caj: listening on every interface: the server is reachable from other machines"


def serve(db_path: str | Path, host: str, port: int, open_browser: bool = False) -> None:
    """Listen on `host`:`port` (bound before anything is said, so a port in use is one line),
    then serve until Ctrl-C."""
    require()
    listener = bind(host, port)
    ds = app(db_path)
    import uvicorn

    url = address(host, port)
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, (url,)).start()
    if host.strip() in WILDCARDS:
        print(EXPOSED, file=sys.stderr, flush=True)
    print(f"caj: serving {db_path} at {url} (Ctrl-C stops)", flush=True)
    import gc

    # everything loaded so far (Datasette, Jinja, the templates) lives as long as the server: kept
    # out of the collector's full passes, which otherwise stall every request now and then
    gc.collect()
    gc.freeze()
    config = uvicorn.Config(ds.app(), log_level="warning")
    uvicorn.Server(config).run(sockets=[listener])


def address(host: str, port: int) -> str:
    """The URL of `host`:`port`, an IPv6 address in brackets."""
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on exactly the address named: an empty host is refused (the system
    would take it for every interface), a wildcard is bound only when named."""
    if not host.strip():
        raise UsageError("--host is empty; give an address such as 127.0.0.1 "
                         "(0.0.0.0 listens on every interface)")
    try:
        family, kind, proto, _, where = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {shown(host)}: {_reason(exc)}") from None
    except (UnicodeError, ValueError):  # Python's own check of a name, before any lookup
        raise ServeError(f"cannot listen on {shown(host)}: not a host name") from None
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does: a restart
        sock.bind(where)                                           # need not wait out TIME_WAIT
        sock.listen(2048)
    except OSError as exc:
        sock.close()
        raise ServeError(f"cannot listen on {address(host, port)}: {_reason(exc)}") from None
    return sock


def _reason(exc: Exception) -> str:
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def dump(db_path: str | Path) -> str:
    return json.dumps(metadata(db_path), ensure_ascii=False, indent=2)
