"""Every place caj reaches into Datasette's internals, in one module: an upgrade has one place to
look. Each reach is written for the Datasette versions in CHECKED (tests/test_web.py fails on any
other), and is skipped, never guessed at, where the internal it needs is not there.

- Datasette's own pages, mended where they fail a reader (WCAG 2 AA, as checked by axe): each of
  its templates loaded as Datasette ships it, with a few exact changes (MENDS). Each change must
  find the text it replaces, so a Datasette whose templates moved on fails loudly instead of
  silently serving the old faults (the tests run axe on these pages). base.html is caj's own file.
- `quiet_client_errors`: its default exception handler told that Rich is absent.
- `permissions_cached`: its per-table permission check worked out once per table.
"""

from __future__ import annotations

import functools

from jinja2 import BaseLoader, TemplateNotFound

CHECKED = ("0.65.",)  # the Datasette versions these reaches were written for and tested with


def version() -> str:
    from datasette.version import __version__

    return __version__


def checked() -> bool:
    return version().startswith(CHECKED)


SQL = ('<textarea id="sql-editor" name="sql"',
       '<textarea id="sql-editor" name="sql" aria-label="SQL query"')
# template -> (text as Datasette ships it, text caj serves)
MENDS: dict[str, list[tuple[str, str]]] = {
    # a heading under the page's h1 is an h2 (Datasette skips to h3)
    "database.html": [SQL, ("<h3>Custom SQL query</h3>", "<h2>Custom SQL query</h2>")],
    "query.html": [SQL, ("<h3>Custom SQL query{%", "<h2>Custom SQL query{%"),
                   ("{% endif %}</h3>", "{% endif %}</h2>")],
    # CodeMirror hides the textarea behind one of its own, which needs its own name
    "_codemirror_foot.html": [("lineWrapping: true,",
                               'lineWrapping: true,\n          screenReaderLabel: "SQL query",')],
    "table.html": [
        ('<h3>{% if filtered_table_rows_count or filtered_table_rows_count == 0 %}',
         '<h2>{% if filtered_table_rows_count or filtered_table_rows_count == 0 %}'),
        ("{{ human_description_en }}{% endif %}\n    </h3>",
         "{{ human_description_en }}{% endif %}\n    </h2>"),
        ('<select name="_filter_column_{{ loop.index }}">',
         '<select name="_filter_column_{{ loop.index }}" aria-label="Column to filter">'),
        ('<select name="_filter_op_{{ loop.index }}">',
         '<select name="_filter_op_{{ loop.index }}" aria-label="How to compare">'),
        ('class="filter-value" value="{{ value }}">',
         'class="filter-value" value="{{ value }}" aria-label="Value">'),
        ('<select name="_filter_column">', '<select name="_filter_column" aria-label="Column to filter">'),
        ('<select name="_filter_op">', '<select name="_filter_op" aria-label="How to compare">'),
        ('name="_filter_value" class="filter-value">',
         'name="_filter_value" class="filter-value" aria-label="Value">'),
        ('<select name="_sort" id="sort_by">', '<select name="_sort" id="sort_by" aria-label="Sort by">'),
    ],
}


class MendedLoader(BaseLoader):
    """Datasette's loader, with MENDS applied to the templates they name."""

    def __init__(self, inner: BaseLoader) -> None:
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        for old, new in MENDS.get(template, []):
            if old not in source:
                raise TemplateNotFound(f"{template}: Datasette's template no longer has {old!r}")
            source = source.replace(old, new)
        return source, filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def quiet_client_errors() -> bool:
    """Datasette 0.65's default exception handler prints every exception, a 404 included, as a
    Rich traceback with its locals whenever Rich is importable, and caj depends on Rich: half a
    second of CPU for each bad URL, a way to load the server. Datasette awaits every plugin's
    handler, so a hook of caj's cannot stand in for it; the handler is told Rich is absent
    instead, and it still logs a server error (500) with the plain traceback. True when done."""
    import datasette.handle_exception as default_handler

    if not checked() or not hasattr(default_handler, "rich"):
        return False
    default_handler.rich = None
    return True


def permissions_cached(datasette_class: type) -> type:
    """`datasette_class`, with each table's `allow` blocks worked out once, not by deep-copying
    the whole metadata on every check (the database page checks every table on every request).
    Only for a server whose database and metadata never change while it serves."""
    if not checked() or not hasattr(datasette_class, "_table_permission_allows"):
        return datasette_class

    class Cached(datasette_class):
        @functools.lru_cache(maxsize=4096)  # noqa: B019 (one instance per server, never freed early)
        def _table_permission_allows(self, database, table):
            return super()._table_permission_allows(database, table)

    Cached.__name__ = Cached.__qualname__ = datasette_class.__name__
    return Cached
