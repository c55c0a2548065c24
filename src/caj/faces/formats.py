"""Records -> csv | tsv | json | jsonl | markdown, for every face: the command line writes them to
stdout, the web pages serve them as a page's twins, the Python library hands back the JSON's
records. csv and json straight to the stream, streamed and untruncated, so a million rows cost no
more memory than one; no Rich, no Typer, no Datasette here."""

from __future__ import annotations

import codecs
import csv
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

from caj.core import vocab

FORMATS = ("csv", "tsv", "json", "jsonl", "markdown")


def is_utf8(stream: TextIO) -> bool:
    enc = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
    return enc in ("utf-8", "utf8")


def utf8(stream: TextIO) -> TextIO:
    """The same stream, writing UTF-8 whatever the locale says: CSV, TSV and Markdown never alter
    a value (no `JPY` for `¥`, no `?` for `†`)."""
    if is_utf8(stream) or not hasattr(stream, "buffer"):
        return stream
    stream.flush()
    return codecs.getwriter("utf-8")(stream.buffer)


# Plain classes rather than dataclasses: @dataclass generates code with exec at import time,
# which every lookup would pay for on startup.
class Col:
    """One column of a table: which field, its header, how to show it, how it may wrap."""

    __slots__ = ("key", "header", "show", "justify", "no_wrap", "ratio", "min_width",
                 "dim_after_first")

    def __init__(self, key: str, header: str, show: Callable[[Any, dict], str] | None = None,
                 justify: str = "left", no_wrap: bool = False, ratio: int | None = None,
                 min_width: int | None = None, dim_after_first: bool = False) -> None:
        self.key, self.header, self.show, self.justify = key, header, show, justify
        self.no_wrap, self.ratio, self.min_width = no_wrap, ratio, min_width
        self.dim_after_first = dim_after_first  # lines after the first are secondary (an id)


class View:
    """What a command's table shows. `fields` are the machine columns, for the header of an
    empty result; `section_by` starts a new section when its value changes (`section_label`
    opens it with a row naming it); `highlight` marks search hits between HIT_START/HIT_END."""

    def __init__(self, columns: list[Col], title: str | None = None, caption: str | None = None,
                 footer: dict[str, str] | None = None,
                 section_by: Callable[[dict], Any] | None = None, section_label: bool = False,
                 fields: tuple[str, ...] = (), highlight: bool = False) -> None:
        self.columns, self.title, self.caption = columns, title, caption
        self.footer = footer or {}
        self.section_by, self.section_label = section_by, section_label
        self.fields, self.highlight = fields, highlight


# --- flattening for machine formats -----------------------------------------------------------


def flat(value: Any) -> str:
    """One CSV cell: sources as 'id:locator; ...', lists joined with '; ', booleans lower-case."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value) if value % 1 else str(int(value))
    if isinstance(value, list):
        return vocab.join_list(_flat_item(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _flat_item(v: Any) -> str:
    if isinstance(v, dict) and "source" in v and "locator" in v:
        return f"{v['source']}:{v['locator']}"
    return flat(v)


# --- writers ----------------------------------------------------------------------------------


def write(rows: Iterable[dict], fmt: str, view: View, out: TextIO) -> int:
    """Write rows in a machine format (or Markdown); return how many were written."""
    writer = {"csv": _delimited, "tsv": _delimited, "json": _json, "jsonl": _jsonl,
              "markdown": _markdown}[fmt]
    if fmt in ("json", "jsonl"):  # JSON escapes what the stream cannot carry: lossless anywhere
        return writer(iter(rows), out, fmt, view)
    target = utf8(out)
    try:
        return writer(iter(rows), target, fmt, view)
    finally:
        if target is not out:
            target.flush()


def plain(rows: Iterable[dict]) -> list[dict]:
    """The records exactly as `--format json` writes them, as Python values (what the library
    returns): lists for tuples, nothing of a face's own."""
    return json.loads(json.dumps(list(rows), ensure_ascii=False))


def _delimited(rows: Iterator[dict], out: TextIO, fmt: str, view: View) -> int:
    first = next(rows, None)
    # the header is the command's, never the first row's: an empty result prints the same one
    keys = list(view.fields) if view.fields else list(first or (c.key for c in view.columns))
    if fmt == "tsv":
        return _tsv(_chain(first, rows), out, keys)
    w = csv.writer(out, lineterminator="\n")
    w.writerow(keys)
    n = 0
    for row in _chain(first, rows):
        w.writerow([flat(row.get(k)) for k in keys])
        n += 1
    return n


TSV_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _tsv(rows: Iterable[dict], out: TextIO, keys: list[str]) -> int:
    """Tab-separated values as PostgreSQL COPY and `cut` read them: no quoting; a tab, newline,
    carriage return or backslash inside a value is written as \\t, \\n, \\r, \\\\."""
    out.write("\t".join(keys) + "\n")
    n = 0
    for row in rows:
        out.write("\t".join(flat(row.get(k)).translate(TSV_ESCAPES) for k in keys) + "\n")
        n += 1
    return n


def _chain(first: dict | None, rest: Iterator[dict]) -> Iterator[dict]:
    if first is not None:
        yield first
        yield from rest


def _json(rows: Iterator[dict], out: TextIO, fmt: str, view: View) -> int:
    n, escape = 0, not is_utf8(out)
    out.write("[")
    for row in rows:
        out.write(",\n  " if n else "\n  ")
        out.write(json.dumps(row, ensure_ascii=escape))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def _jsonl(rows: Iterator[dict], out: TextIO, fmt: str, view: View) -> int:
    n, escape = 0, not is_utf8(out)
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=escape) + "\n")
        n += 1
    return n


def _markdown(rows: Iterator[dict], out: TextIO, fmt: str, view: View) -> int:
    """A Markdown table for a report, with the table's notes (legend, caveats) beneath it."""
    cols = view.columns
    out.write("| " + " | ".join(c.header or c.key for c in cols) + " |\n")
    out.write("| " + " | ".join("---:" if c.justify == "right" else "---" for c in cols) + " |\n")
    n = 0
    for row in rows:
        # a line break inside a cell is <br>, which Markdown renderers keep as one
        cells = [cell(c, row).replace("|", "\\|").replace("\n", "<br>") for c in cols]
        out.write("| " + " | ".join(cells) + " |\n")
        n += 1
    if n and view.footer:
        out.write("| " + " | ".join(view.footer.get(c.key, "") for c in cols) + " |\n")
    if n and view.caption:
        notes = [re.sub(r"^([+*!~>#-])", r"\\\1", line) for line in view.caption.splitlines()]
        out.write("\n" + "<br>\n".join(notes) + "\n")
    return n


def cell(col: Col, row: dict) -> str:
    value = row.get(col.key)
    if col.show:
        return col.show(value, row)
    if isinstance(value, list):
        return ", ".join(_flat_item(v) for v in value)
    return flat(value)
