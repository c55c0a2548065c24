"""Datasette's own pages, mended where they fail a reader (WCAG 2 AA, as checked by axe): each
of its templates loaded as Datasette ships it, with a few exact changes. Each change must find
the text it replaces, so a Datasette whose templates moved on fails loudly instead of silently
serving the old faults (the test runs axe on these pages). base.html itself is caj's own file."""

from __future__ import annotations

from jinja2 import BaseLoader, TemplateNotFound

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
