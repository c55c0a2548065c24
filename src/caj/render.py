"""Rows -> table | csv | tsv | json | jsonl | markdown. The only module that uses Rich, and only
when a table is drawn: machine formats go straight to stdout through csv and json, streamed and
untruncated, so a million rows cost no more memory than one."""

from __future__ import annotations

import codecs
import csv
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TextIO

FORMATS = ("table", "csv", "tsv", "json", "jsonl", "markdown")
ASCII_FALLBACK = {"█": "#", "▏": "|", "¥": "JPY ", "–": "-", "—": "-", "…": "...", "·": "-", "×": "x",
                  "’": "'", "‘": "'", "“": '"', "”": '"', "İ": "I", "ı": "i", "ü": "u", "ö": "o", "é": "e"}


def _degrade(err: UnicodeEncodeError) -> tuple[str, int]:
    bad = err.object[err.start:err.end]
    return "".join(ASCII_FALLBACK.get(c, "?") for c in bad), err.end


codecs.register_error("caj-degrade", _degrade)


def prepare_stream(stream: TextIO) -> None:
    """On a stream that cannot encode UTF-8 (PYTHONIOENCODING=ascii), degrade, never crash."""
    enc = (getattr(stream, "encoding", None) or "utf-8").lower().replace("_", "-")
    if enc not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
        stream.reconfigure(errors="caj-degrade")


HIT_START, HIT_END = "\x02", "\x03"  # around a search hit in a snippet; tables highlight it


def unmark(text: str) -> str:
    """A snippet without its hit markers, for machine formats."""
    return text.replace(HIT_START, "").replace(HIT_END, "")


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
        return "; ".join(_flat_item(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def _flat_item(v: Any) -> str:
    if isinstance(v, dict) and "source" in v and "locator" in v:
        return f"{v['source']}:{v['locator']}"
    return flat(v)


# --- emitters ---------------------------------------------------------------------------------


def emit(rows: Iterable[dict], fmt: str, view: View, out: TextIO | None = None) -> int:
    """Write rows in `fmt`; return how many were written."""
    out = out or sys.stdout
    if fmt == "table":
        return draw_table(list(rows), view, out)
    writer = {"csv": _delimited, "tsv": _delimited, "json": _json, "jsonl": _jsonl,
              "markdown": _markdown}[fmt]
    return writer(iter(rows), out, fmt, view)


def _delimited(rows: Iterator[dict], out: TextIO, fmt: str, view: View) -> int:
    first = next(rows, None)
    keys = list(first) if first else list(view.fields or (c.key for c in view.columns))
    w = csv.writer(out, delimiter="\t" if fmt == "tsv" else ",", lineterminator="\n")
    w.writerow(keys)
    n = 0
    for row in _chain(first, rows):
        w.writerow([_tsv_safe(flat(row.get(k)), fmt) for k in keys])
        n += 1
    return n


def _tsv_safe(cell: str, fmt: str) -> str:
    # TSV has no quoting convention that tools agree on: tabs and newlines become spaces
    return " ".join(cell.split()) if fmt == "tsv" and ("\t" in cell or "\n" in cell) else cell


def _chain(first: dict | None, rest: Iterator[dict]) -> Iterator[dict]:
    if first is not None:
        yield first
        yield from rest


def _json(rows: Iterator[dict], out: TextIO, fmt: str, view: View) -> int:
    n = 0
    out.write("[")
    for row in rows:
        out.write(",\n  " if n else "\n  ")
        out.write(json.dumps(row, ensure_ascii=False))
        n += 1
    out.write("\n]\n" if n else "]\n")
    return n


def _jsonl(rows: Iterator[dict], out: TextIO, fmt: str, view: View) -> int:
    n = 0
    for row in rows:
        out.write(json.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def _markdown(rows: Iterator[dict], out: TextIO, fmt: str, view: View) -> int:
    cols = view.columns
    out.write("| " + " | ".join(c.header or c.key for c in cols) + " |\n")
    out.write("| " + " | ".join("---:" if c.justify == "right" else "---" for c in cols) + " |\n")
    n = 0
    for row in rows:
        cells = [_cell(c, row).replace("|", "\\|").replace("\n", " ") for c in cols]
        out.write("| " + " | ".join(cells) + " |\n")
        n += 1
    return n


def _cell(col: Col, row: dict) -> str:
    value = row.get(col.key)
    if col.show:
        return col.show(value, row)
    if isinstance(value, list):
        return ", ".join(_flat_item(v) for v in value)
    return flat(value)


# --- the table --------------------------------------------------------------------------------


_START = object()
NARROW = 70  # below this many columns a grid is unreadable: one card per record instead


def draw_table(rows: list[dict], view: View, out: TextIO) -> int:
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    # NO_COLOR (no-color.org): plain text, no escape codes at all, bold included
    plain = bool(os.environ.get("NO_COLOR"))
    console = Console(file=out, highlight=False, emoji=False, soft_wrap=False,
                      color_system=None if plain else "auto", no_color=plain)
    if console.width < NARROW:
        return draw_cards(rows, view, console)
    cells = [[_rich_cell(c, row, view) for c in view.columns] for row in rows]
    extra = [[Text(view.footer.get(c.key, "")) for c in view.columns]] if view.footer else []
    if view.section_label and view.section_by:  # the section rows must fit the first column
        extra += [[Text(str(key))] + [Text("")] * (len(view.columns) - 1)
                  for key in dict.fromkeys(view.section_by(row) for row in rows)]
    widths = fit_widths(view.columns, cells + extra, console.width)
    table = Table(title=view.title, caption=view.caption, box=box.SIMPLE_HEAD,
                  show_footer=bool(view.footer), caption_justify="left", title_justify="left",
                  pad_edge=False, padding=(0, 1, 0, 0), collapse_padding=False)
    for c, w in zip(view.columns, widths, strict=True):
        table.add_column(c.header, justify=c.justify, width=w, footer=view.footer.get(c.key, ""),
                         overflow="fold")
    last = _START
    for n, row in enumerate(rows):
        if view.section_by and (key := view.section_by(row)) != last:
            if last is not _START:
                table.add_section()
            last = key
            if view.section_label:
                table.add_row(Text(str(key), style="bold"), *[""] * (len(view.columns) - 1))
        table.add_row(*cells[n])
    console.print(table)
    return len(rows)


def fit_widths(columns: list[Col], cells: list[list], total: int) -> list[int]:
    """Column widths that fit the terminal: each column as wide as its widest line; when that is
    too wide, the widest wrappable columns give way first (down to their minimum), then, only if
    it must, every column, so that nothing is ever cut off: long text wraps instead."""
    natural = []
    for i, c in enumerate(columns):
        lines = c.header.splitlines()
        for row in cells:
            lines += row[i].plain.splitlines()
        natural.append(max([1, *(len(line) for line in lines)]))
    # the box draws an edge either side and a divider between columns, and each column but the
    # last pads one space on its right
    room = total - 2 - 2 * (len(columns) - 1)
    if sum(natural) <= room:
        return natural
    wraps = [bool(c.ratio or c.min_width) and not c.no_wrap for c in columns]
    floor = [min(n, c.min_width or 8) if w else n for n, w, c in zip(natural, wraps, columns, strict=True)]
    weight = [c.ratio or 1 if w else 10_000 for c, w in zip(columns, wraps, strict=True)]
    widths = _water_fill(natural, floor, weight, room)
    if sum(widths) <= room:
        return widths
    return _water_fill(natural, [min(n, 6) for n in natural], [c.ratio or 1 for c in columns], room)


def _water_fill(natural: list[int], floor: list[int], weight: list[int], room: int) -> list[int]:
    """The largest cap that fits the room, each column allowed `cap * weight` (never less than
    its floor, never more than it needs): wide, heavily weighted columns keep the most room."""
    def fitted(cap: int) -> list[int]:
        return [max(f, min(n, cap * w)) for n, f, w in zip(natural, floor, weight, strict=True)]

    lo, hi = 1, max(natural)
    while lo < hi:
        cap = (lo + hi + 1) // 2
        lo, hi = (cap, hi) if sum(fitted(cap)) <= room else (lo, cap - 1)
    return fitted(lo)


def draw_cards(rows: list[dict], view: View, console) -> int:
    """Each record as 'Field: value' lines, wrapped to the terminal: readable at any width."""
    from rich.table import Table

    for n, row in enumerate(rows):
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="bold", no_wrap=True)
        grid.add_column(overflow="fold")
        for c in view.columns:
            cell = _rich_cell(c, row, view)
            if cell.plain:
                grid.add_row(c.header or "Flags", cell)
        if n:
            console.print()
        console.print(grid)
    if view.caption:
        console.print()
        console.print(view.caption, style="dim")
    return len(rows)


def _rich_cell(col: Col, row: dict, view: View):
    from rich.text import Text

    text = _cell(col, row)
    if col.dim_after_first and "\n" in text:
        head, rest = text.split("\n", 1)
        return Text(head + "\n").append(rest, style="dim")
    if not view.highlight or HIT_START not in text:
        return Text(text)
    out = Text()
    for i, part in enumerate(text.replace(HIT_END, HIT_START).split(HIT_START)):
        out.append(part, style="bold reverse" if i % 2 else None)
    return out


def key_values(record: dict, prefix: str = "") -> Iterator[tuple[str, str]]:
    """A nested record as (dotted key, text) pairs, for `show` as CSV or a two-column table."""
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from key_values(value, f"{name}.")
        elif isinstance(value, list) and value and isinstance(value[0], dict) and not (
                "locator" in value[0] and "stance" not in value[0]):
            for i, item in enumerate(value, start=1):
                yield from key_values(item, f"{name}.{i}.")
        else:
            yield name, flat(value)


def draw_bars(bars: list[tuple[str, float, str, str]], out: TextIO, width: int | None = None) -> None:
    """Horizontal bars, one per (label, value, shown value, group); each group scaled on its own,
    because yen and dollars on one axis would mislead."""
    import shutil

    width = width or shutil.get_terminal_size((80, 24)).columns
    label_w = max(len(b[0]) for b in bars)
    shown_w = max(len(b[2]) for b in bars)
    room = max(10, width - label_w - shown_w - 4)
    for group in dict.fromkeys(b[3] for b in bars):
        members = [b for b in bars if b[3] == group]
        top = max(b[1] for b in members) or 1
        out.write(f"{group}\n")
        for label, value, shown, _ in members:
            bar = "█" * max(1 if value else 0, round(room * value / top))
            out.write(f"{label:<{label_w}}  {bar}{' ' * (room - len(bar))}  {shown:>{shown_w}}\n")
