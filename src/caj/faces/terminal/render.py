"""Rows -> a Rich table or cards on a terminal, or one of the faces' formats (faces.formats). The
only module that uses Rich, and only when a table is drawn."""

from __future__ import annotations

import codecs
import os
import re
import sys
from collections.abc import Iterable, Iterator
from typing import TextIO

from caj.core import vocab
from caj.core.i18n import _
from caj.faces import formats
from caj.faces.formats import Col, View, cell, flat, is_utf8
from caj.reading.queries import HIT_END, HIT_START  # a table highlights search hits

FORMATS = ("table", *formats.FORMATS)
ASCII_FALLBACK = {"█": "#", "▏": "|", "¥": "JPY ", "–": "-", "—": "-", "…": "...", "·": "-", "×": "x",
                  "’": "'", "‘": "'", "“": '"', "”": '"', "İ": "I", "ı": "i", "ü": "u", "ö": "o", "é": "e"}


def _degrade(err: UnicodeEncodeError) -> tuple[str, int]:
    bad = err.object[err.start:err.end]
    return "".join(ASCII_FALLBACK.get(c, "?") for c in bad), err.end


codecs.register_error("caj-degrade", _degrade)


def for_screen(stream: TextIO) -> TextIO:
    """A stream a table is drawn on: where it cannot carry UTF-8 (PYTHONIOENCODING=ascii), what it
    cannot show is spelled out (¥ -> JPY), never a crash. Only tables and cards: a screen."""
    if not is_utf8(stream) and hasattr(stream, "reconfigure"):
        stream.reconfigure(errors="caj-degrade")
    return stream


def transliterate(text: str, stream: TextIO) -> str:
    """The text as the stream will show it, so columns are measured after the substitution."""
    if is_utf8(stream):
        return text
    enc = getattr(stream, "encoding", None) or "ascii"
    return text.encode(enc, errors="caj-degrade").decode(enc)


def emit(rows: Iterable[dict], fmt: str, view: View, out: TextIO | None = None) -> int:
    """Write rows in `fmt` (a table, or one of the faces' formats); return how many were written."""
    out = out or sys.stdout
    if fmt == "table":
        return draw_table(list(rows), view, for_screen(out))
    return formats.write(rows, fmt, view, out)


# --- the table --------------------------------------------------------------------------------


_START = object()


def make_console(out: TextIO):
    from rich.console import Console

    class PipeConsole(Console):
        def on_broken_pipe(self) -> None:
            # Rich would exit 1 itself; the reader leaving early (`| head`) is caj's to judge
            raise BrokenPipeError

    # NO_COLOR (no-color.org): plain text, no escape codes at all, bold included
    plain = bool(os.environ.get("NO_COLOR"))
    return PipeConsole(file=out, highlight=False, emoji=False, soft_wrap=False,
                   color_system=None if plain else "auto", no_color=plain)


def draw_table(rows: list[dict], view: View, out: TextIO) -> int:
    """A table whose cells never split a word or an id: columns fold at spaces only; when even
    that cannot fit the terminal, one card per record."""
    if not rows:
        return 0  # the command says so on stderr; an empty frame helps nobody
    from rich.text import Text

    console = make_console(out)
    drawn = [[_rich_cell(c, row, view, out) for c in view.columns] for row in rows]
    keep = [i for i in range(len(view.columns)) if any(r[i].plain.strip() for r in drawn)]
    columns = [view.columns[i] for i in keep]
    cells = [[r[i] for i in keep] for r in drawn]
    footer = [Text(view.footer.get(c.key, "")) for c in columns]
    extra = [footer] if view.footer else []
    sections = _section_keys(rows, view)
    extra += [[Text(label)] + [Text("")] * (len(columns) - 1) for label in sections]
    widths = fit_widths(columns, cells + extra, console.width)
    if widths is None:
        return draw_cards(rows, view, console)
    _print_trimmed(console, _grid(rows, view, columns, cells, widths))
    _caption(view, console)
    return len(rows)


def _caption(view: View, console) -> None:
    from rich.text import Text

    if view.caption:
        console.print()
        for line in wrap(transliterate(view.caption, console.file), console.width):
            console.print(Text(line, style="dim"), soft_wrap=True)


TRAILING = r" +((?:\x1b\[[0-9;]*m)*)$"  # compiled (and cached by re) when a table is drawn


def _print_trimmed(console, renderable) -> None:
    """Print without the spaces Rich pads each line with, so a pasted table carries none."""
    with console.capture() as captured:
        console.print(renderable)
    console.file.write(re.sub(TRAILING, r"\1", captured.get(), flags=re.M))


def _section_keys(rows: list[dict], view: View) -> list[str]:
    if not (view.section_label and view.section_by):
        return []
    return [str(k) for k in dict.fromkeys(view.section_by(row) for row in rows)]


def _grid(rows, view: View, columns: list[Col], cells, widths: list[int]):
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(title=view.title, box=box.SIMPLE_HEAD, show_edge=False,
                  show_footer=bool(view.footer), caption_justify="left", title_justify="left",
                  pad_edge=False, padding=(0, 1, 0, 0), collapse_padding=False)
    for c, w in zip(columns, widths, strict=True):
        table.add_column(c.header, justify=c.justify, width=w, footer=view.footer.get(c.key, ""),
                         overflow="fold")
    last = _START
    for n, row in enumerate(rows):
        if view.section_by and (key := view.section_by(row)) != last:
            if last is not _START:
                table.add_section()
            last = key
            if view.section_label:
                table.add_row(Text(str(key), style="bold"), *[""] * (len(columns) - 1))
        table.add_row(*cells[n])
    return table


def _longest(text: str) -> int:
    # a run of wide characters may break between any two, but a column narrower than a short
    # word or name of them (2004年, ウズベキスタン) reads as a column of single characters
    widths = (min(cell_width(t), WIDE_WORD) if _breakable(t) else cell_width(t) for t in text.split())
    return max([0, *widths])


WIDE_WORD = 16  # cells: a heading or a date of wide characters is kept whole up to this width


def fit_widths(columns: list[Col], cells: list[list], total: int) -> list[int] | None:
    """Column widths that fit the terminal, or None when they cannot without splitting a word.
    Each column starts as wide as its widest line; when that is too wide, wrappable columns
    give way, the widest and least weighted first, but never below their longest word."""
    natural, floor = [], []
    for i, c in enumerate(columns):
        lines = c.header.splitlines() + [ln for row in cells for ln in row[i].plain.splitlines()]
        natural.append(max([1, *(cell_width(line) for line in lines)]))
        words = max([1, *(_longest(line) for line in lines)])
        floor.append(natural[-1] if c.no_wrap else min(natural[-1], max(words, c.min_width or 1)))
    # no edges; a divider between columns, and each column but the last pads one space on its right
    room = total - 2 * (len(columns) - 1)
    if sum(natural) <= room:
        return natural
    if sum(floor) > room:
        return None
    weight = [c.ratio or 1 for c in columns]
    return _water_fill(natural, floor, weight, room)


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
    """Each record as labelled lines, wrapped at spaces only, under its section heading: readable
    at any width, and every id whole (one longer than the screen keeps its own line)."""
    from rich.text import Text

    label_w = max(cell_width(c.header or "Flags") for c in view.columns)
    last = _START
    for n, row in enumerate(rows):
        if view.section_by and (key := view.section_by(row)) != last:
            last = key
            console.print(Text(f"\n{key}" if n else str(key), style="bold underline"), soft_wrap=True)
        elif n:
            console.print()
        for c in view.columns:
            cell = _rich_cell(c, row, view, console.file)
            if cell.plain.strip():
                _card_field(console, c.header or "Flags", cell.plain, label_w, c.dim_after_first)
    if view.footer:
        console.print()
        for line in wrap("  ".join(v for v in view.footer.values() if v), console.width):
            console.print(Text(line, style="bold"), soft_wrap=True)
    _caption(view, console)
    return len(rows)


def _card_field(console, label: str, text: str, label_w: int, dim_after_first: bool) -> None:
    from rich.text import Text

    room = console.width - label_w - 1
    lines = text.splitlines()
    indent = label_w + 1
    if room < 12 or any(_longest(line) > room for line in lines):
        console.print(Text(label, style="bold"), soft_wrap=True)
        indent, room = 2, console.width - 2
    first = indent == label_w + 1
    for i, line in enumerate(lines):
        style = "dim" if i and dim_after_first else None
        for part in wrap(line, room):
            head = label + " " * (label_w - cell_width(label) + 1) if first else " " * indent
            shown = Text()
            shown.append(head, style="bold" if first else None)
            shown.append(part, style=style)
            console.print(shown, soft_wrap=True)
            first = False


def cell_width(text: str) -> int:
    """How many terminal cells a text takes: an East Asian wide character counts two."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most `width` cells, broken at spaces; a run of wide characters (Japanese,
    written without spaces) is broken between any two of them, an id never."""
    width, out = max(1, width), []
    for line in text.splitlines() or [""]:
        current = ""
        for word in line.split(" "):
            candidate = f"{current} {word}" if current else word
            if cell_width(candidate) <= width or not current and not _breakable(word):
                current = candidate
                continue
            room = width - cell_width(current) - 1
            if current and _breakable(word) and room >= 4:  # wide text fills the line it starts on
                head, word = _cut(word, room)
                current = f"{current} {head}"
            if current:
                out.append(current)
            current = word
            while cell_width(current) > width and _breakable(current):
                head, current = _cut(current, width)
                out.append(head)
        out.append(current)
    return out


def _breakable(word: str) -> bool:
    return any(cell_width(c) == 2 for c in word)


def _cut(word: str, width: int) -> tuple[str, str]:
    """The longest head of `word` within `width` cells, and the rest."""
    used = 0
    for i, c in enumerate(word):
        used += cell_width(c)
        if used > width:
            return word[:max(1, i)], word[max(1, i):]
    return word, ""


def _rich_cell(col: Col, row: dict, view: View, out: TextIO):
    from rich.text import Text

    text = transliterate(cell(col, row), out)
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


def draw_bars(bars: list[tuple[str, float, str, str]], notes: str, out: TextIO,
              width: int | None = None) -> None:
    """Horizontal bars, one per (label, value, shown value, currency), all on one scale: the
    rows come converted to one currency, so lengths compare."""
    import shutil

    width = width or shutil.get_terminal_size((80, 24)).columns
    if not bars:
        out.write("no figure has an exchange rate for its year; nothing to draw\n")
        return
    label_w = max(len(b[0]) for b in bars)
    shown_w = max(len(b[2]) for b in bars)
    room = max(10, width - label_w - shown_w - 4)
    top = max(b[1] for b in bars) or 1
    out.write(_("Japanese ODA in {currency}, converted at each year's average rate ({source})").format(
        currency=bars[0][3], source=vocab.RATE_SOURCE) + "\n")
    for label, value, shown, _group in bars:
        bar = "█" * max(1 if value else 0, round(room * value / top))
        out.write(f"{label:<{label_w}}  {bar}{' ' * (room - len(bar))}  {shown:>{shown_w}}\n")
    import textwrap

    for line in notes.splitlines():  # wrapped to the terminal, as the table's notes are
        for part in textwrap.wrap(line, max(20, width), subsequent_indent="  ", break_long_words=False,
                                  break_on_hyphens=False) or [""]:
            out.write(part + "\n")


def say(line: str, stream: TextIO) -> None:
    """A message on stderr: wrapped at spaces to the terminal's width when it is one (no help or
    summary line is cut mid-word at 80 columns), one line otherwise."""
    import shutil

    if hasattr(stream, "isatty") and stream.isatty():
        width = shutil.get_terminal_size((80, 24)).columns
        line = "\n".join(wrap(line, width))
    stream.write(line + "\n")
    stream.flush()
