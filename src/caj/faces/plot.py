"""Pictures of what `caj timeline` and `caj oda` print: SVG, PNG or PDF by the file's extension.

matplotlib (the `plot` extra) is imported only here, only when a picture is asked for, and never
through pyplot: no GUI backend, no global state. Output is deterministic: the same rows give the
same bytes (fixed SVG ids, no dates or software names in the metadata).

A picture speaks the reader's language (core.i18n): the rows' words come localized, every word of
its own goes through `_()`, and it is set in fonts that have the glyphs: DejaVu Sans (matplotlib
ships it) for Latin and Cyrillic; for Japanese IPAexGothic, which the matplotlib-fontja package
ships (the `plot` extra), with DejaVu behind it for any sign it lacks.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import unicodedata
from pathlib import Path

from caj.core import display, i18n, vocab
from caj.core.display import SCALE_FACTOR, SYMBOL
from caj.core.errors import UsageError
from caj.core.i18n import _, listing, ngettext, sentence
from caj.faces import pictures
from caj.reading import lang as speech
from caj.reading import queries

# fonts that ship with the packages, so labels measure and render alike on every machine
RC = {"svg.hashsalt": "caj", "svg.fonttype": "path"}
LATIN = "DejaVu Sans"        # matplotlib's own: Latin, Cyrillic, Greek
JAPANESE = "IPAexGothic"     # matplotlib-fontja's (fonts/ipaexg.ttf): kana, kanji, full-width signs
JAPANESE_FILE = ("matplotlib_fontja", "fonts", "ipaexg.ttf")
METADATA = {"svg": {"Date": None, "Creator": None}, "png": {"Software": None},
            "pdf": {"Creator": None, "Producer": None, "CreationDate": None}}
# lanes: the region, then each republic, then Japan and the rest; or the kinds, as the registry lists them
LANE_IDS = (vocab.REGION, *vocab.FOCUS, "japan")
WIDTH_IN, LEFT_IN, RIGHT_IN, ROW_IN = 12.0, 1.5, 0.3, 0.24
LABEL_PT, GAP_YEARS = 7.0, 0.15


def require() -> None:
    """Import matplotlib now (an ImportError when the `plot` extra is missing), and find the fonts
    of the language spoken, before any work."""
    _matplotlib()
    _rc()


def _rc() -> dict:
    """matplotlib's settings for a picture in the language spoken now."""
    if i18n.current() != "ja":
        return {**RC, "font.family": [LATIN]}
    _add_japanese_font()
    return {**RC, "font.family": [JAPANESE, LATIN]}


def _add_japanese_font() -> None:
    """Make IPAexGothic known to matplotlib, from the file matplotlib-fontja ships; that package is
    not imported, for importing it rewrites matplotlib's global settings."""
    from importlib.util import find_spec

    from matplotlib import font_manager

    if JAPANESE in {f.name for f in font_manager.fontManager.ttflist}:
        return
    spec = find_spec(JAPANESE_FILE[0])
    where = [Path(p).joinpath(*JAPANESE_FILE[1:]) for p in (spec and spec.submodule_search_locations or ())]
    found = next((p for p in where if p.is_file()), None)
    if found is None:
        raise UsageError(_("a picture in Japanese needs the font matplotlib-fontja ships: "
                           "pip install 'caj[plot]'"))
    font_manager.fontManager.addfont(str(found))


def _matplotlib():
    """Import matplotlib with a font cache it may write and no warning on stderr."""
    if "MPLCONFIGDIR" not in os.environ:
        os.environ["MPLCONFIGDIR"] = str(_cache_dir())
    # the first import builds the font cache and says so; that is not the user's concern
    logging.getLogger("matplotlib").setLevel(logging.ERROR)
    import matplotlib

    return matplotlib


def _cache_dir() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    user = os.getuid() if hasattr(os, "getuid") else 0
    for candidate in (base / "caj" / "matplotlib", Path(tempfile.gettempdir()) / f"caj-matplotlib-{user}"):
        try:
            candidate.mkdir(parents=True, exist_ok=True)
        except OSError:
            continue
        if os.access(candidate, os.W_OK):
            return candidate
    return Path(tempfile.mkdtemp(prefix="caj-matplotlib-"))


def save(fig, path: Path) -> None:
    """Write the figure atomically, in the format the extension names, byte for byte the same
    each time."""
    fmt = pictures.check_path(path)
    matplotlib = _matplotlib()
    from caj.core.safefile import open_output

    with matplotlib.rc_context(_rc()), open_output(path, binary=True) as out:
        fig.savefig(out, format=fmt, metadata=METADATA[fmt], dpi=150)


def svg(fig) -> bytes:
    """The figure as SVG bytes, as `save` would write it: for a web page, no file."""
    import io

    matplotlib = _matplotlib()
    out = io.BytesIO()
    with matplotlib.rc_context(_rc()):
        fig.savefig(out, format="svg", metadata=METADATA["svg"], dpi=150)
    return out.getvalue()


def describe(selection: dict) -> str:
    """'2000–2009 · country Kazakhstan · topic energy' from the filters given, in the language
    spoken (a value caj has a word for, such as `included`, in its word)."""
    lo, hi = selection.pop("from", None), selection.pop("to", None)
    parts = []
    if lo is not None or hi is not None:
        parts.append(f"{lo}" if lo == hi else f"{lo or '…'}–{hi or '…'}")
    parts += [f"{_(k)} {_(v) if isinstance(v, str) else v}" for k, v in selection.items() if v is not None]
    return " · ".join(parts)


def _spoken(conn, rows: list[dict]) -> list[dict]:
    """The rows in the language spoken: a command's come so already; a web page's may not."""
    lang = i18n.current()
    if lang == speech.ENGLISH or all(r.get("lang") == lang for r in rows):
        return rows
    return list(speech.localize(conn, "timeline", rows, lang))


def _names(conn) -> dict[str, str]:
    """Country and region names by id, in the language spoken."""
    return speech.labels(conn, i18n.current(), queries.country_names(conn))


def _cells(text: str) -> int:
    """How wide a text runs in Latin letters: an East Asian wide character counts two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, cells: int) -> str:
    """`text` cut to `cells` (wide characters counting two), an ellipsis marking the cut."""
    if _cells(text) <= cells:
        return text
    out, used = [], 1
    for c in text:
        used += _cells(c)
        if used > cells:
            break
        out.append(c)
    return "".join(out) + "…"


# a piece a line may break after: a run up to and with its spaces, or one East Asian character
# with the closing signs that may not begin a line (kinsoku)
_PIECE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60][、。，．）」』】〕・ー）]*\s*"
                    r"|[^\s\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff60]+\s*|\s+")


def _wrap(text: str, width_in: float, size: float) -> list[str]:
    """`text` in lines no wider than `width_in` at `size` points, as set in the picture's fonts:
    broken at spaces, or between Japanese characters, which have none; a source id never split."""
    widths: dict[str, float] = {}

    def width(piece: str) -> float:  # between two bars, so the spaces are measured too
        if piece not in widths:
            widths[piece] = _text_width_in(f"|{piece}|", size) - _text_width_in("||", size)
        return widths[piece]

    lines, line, used = [], "", 0.0
    for piece in _PIECE.findall(text):
        # 5 % to spare: renderers round glyph advances differently from the text path
        if line and used + width(piece.rstrip()) > 0.95 * width_in:
            lines.append(line.rstrip())
            line, used, piece = "", 0.0, piece.lstrip()
        line, used = line + piece, used + width(piece)
    return [*lines, line.rstrip()] if line.strip() else lines


def _source_names(conn, ids: list[str]) -> str:
    by_id = {s["id"]: s for s in queries.source_rows(conn)}
    names = []
    for sid in ids:
        publisher = (by_id.get(sid) or {}).get("publisher") or sid
        short = publisher.split(" (")[0].split(", ")[0].split(" – ")[0]
        names.append(f"{short} ({sid})")
    return "; ".join(names)


def _cited(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(s["source"] for r in rows for s in r["sources"]))


# --- timeline -----------------------------------------------------------------------------------


def timeline(conn, rows: list[dict], path: Path, by: str = "country", selection: dict | None = None):
    """Draw `rows` (as `caj timeline` returns them) to `path`; return the figure."""
    fig = timeline_figure(conn, rows, by, describe(dict(selection or {})))
    save(fig, path)
    return fig


def _year(iso: str, end: bool) -> float:
    """'2024-08-31' -> a fractional year; an end day counts to its last moment."""
    import datetime

    d = datetime.date.fromisoformat(iso)
    start = datetime.date(d.year, 1, 1).toordinal()
    days = datetime.date(d.year + 1, 1, 1).toordinal() - start
    return d.year + (d.toordinal() - start + (1 if end else 0)) / days


def _items(rows: list[dict], names: dict[str, str], by: str) -> list[dict]:
    from caj.core.edtf import bounds

    items = []
    for r in rows:
        lo, hi = bounds(r["date"])
        approx = r["date"].endswith(("~", "?", "%"))
        mark = "! " if r.get("disputed") else ""
        label = f"{mark}{r['when'] or r['date']}  {r['title']}"
        lane = display.lane(r, names, by)
        items.append({"lo": _year(lo, False), "hi": _year(hi, True), "approx": approx,
                      "lane": _(lane) if by == "kind" else lane, "label": _clip(label, 64)})
    return items


def _text_width_in(text: str, size: float) -> float:
    """How wide `text` is set at `size` points, in the fonts of the settings in force."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextPath

    path = TextPath((0, 0), text, size=size, prop=FontProperties())
    return path.get_extents().width / 72  # points to inches


def _pack(items: list[dict], per_year_in: float, x0: float, x1: float) -> dict[str, int]:
    """Give each item a row in its lane so no two labels share space: greedy, in date order.
    Each item claims its bar and its label (to the right, or to the left where it would run off
    the end); returns the number of rows per lane."""
    rows: dict[str, list[float]] = {}
    for item in sorted(items, key=lambda i: (i["lo"], i["hi"])):
        # 10 % to spare: renderers round glyph advances differently from the text path
        width = 1.1 * _text_width_in(item["label"], LABEL_PT) / per_year_in + GAP_YEARS
        item["left"] = item["lo"] + width > x1 and item["hi"] - width >= x0
        start = min(item["lo"], item["hi"] - width) if item["left"] else item["lo"]
        end = item["hi"] + GAP_YEARS if item["left"] else max(item["hi"] + GAP_YEARS, item["lo"] + width)
        ends = rows.setdefault(item["lane"], [])
        row = next((k for k, e in enumerate(ends) if e <= start), len(ends))
        if row == len(ends):
            ends.append(end)
        ends[row] = end
        item["row"] = row
    return {lane: len(ends) for lane, ends in rows.items()}


def timeline_figure(conn, rows: list[dict], by: str = "country", selection: str = ""):
    with _matplotlib().rc_context(_rc()):
        return _timeline_figure(conn, _spoken(conn, rows), by, selection)


def _timeline_figure(conn, rows: list[dict], by: str, selection: str):
    from matplotlib.figure import Figure

    names = _names(conn)
    items = _items(rows, names, by)
    if not items:
        raise UsageError(_("no facts to draw"))
    x0 = min(i["lo"] for i in items) - 0.5
    x1 = max(max(i["hi"] for i in items) + 0.5, x0 + 3)
    per_year_in = (WIDTH_IN - LEFT_IN - RIGHT_IN) / (x1 - x0)
    counts = _pack(items, per_year_in, x0, x1)
    order = [names.get(i, i) for i in LANE_IDS] + [_("Other countries"),
                                                   *(_(k) for k in vocab.values("fact_kind"))]
    lanes = [lane for lane in order if lane in counts] + sorted(set(counts) - set(order))
    offset, y = {}, 0
    for lane in lanes:
        offset[lane], y = y, y + counts[lane] + 0.6
    caption = _timeline_caption(conn, rows)
    key = _wrap(_timeline_key(by), WIDTH_IN - LEFT_IN - RIGHT_IN, 8)
    # a key that takes more than a line (in Russian it does) pushes the lanes down
    top_in, bottom_in = 0.75 + 0.15 * (len(key) - 1), 0.55 + 0.16 * caption.count("\n") + 0.35
    height = top_in + bottom_in + y * ROW_IN
    fig = Figure(figsize=(WIDTH_IN, height))
    ax = fig.add_axes((LEFT_IN / WIDTH_IN, bottom_in / height, 1 - (LEFT_IN + RIGHT_IN) / WIDTH_IN,
                       y * ROW_IN / height))
    _draw_lanes(ax, lanes, offset, counts, items, x0, x1, y)
    title = ngettext("Japan and Central Asia: {n} fact", "Japan and Central Asia: {n} facts",
                     len(rows)).format(n=len(rows))
    fig.text(LEFT_IN / WIDTH_IN, 1 - 0.3 / height, title + (f" · {selection}" if selection else ""),
             fontsize=12, weight="bold", va="center")
    fig.text(LEFT_IN / WIDTH_IN, 1 - 0.48 / height, "\n".join(key), fontsize=8, color="0.3", va="top")
    fig.text(LEFT_IN / WIDTH_IN, 0.12 / height, caption, fontsize=7, color="0.25", va="bottom")
    return fig


def _timeline_key(by: str) -> str:
    if by == "country":
        return _("one lane per country; bars span each date's whole range (a year, a decade, an "
                 "interval); hatched: approximate (c.); ! the public record contradicts it (caj conflicts)")
    return _("one lane per kind of fact; bars span each date's whole range (a year, a decade, an "
             "interval); hatched: approximate (c.); ! the public record contradicts it (caj conflicts)")


def _draw_lanes(ax, lanes, offset, counts, items, x0, x1, y) -> None:
    colours = ["#1b6ca8", "#c0392b", "#2e8b57", "#8e44ad", "#d35400", "#16a085", "#7f6000",
               "#555555", "#b03060", "#3b5998", "#6b8e23", "#8b4513"]
    for n, lane in enumerate(lanes):
        if n % 2:
            ax.axhspan(offset[lane] - 0.5, offset[lane] + counts[lane] - 0.5, color="0.95", zorder=0)
    ax.set_yticks([offset[lane] + (counts[lane] - 1) / 2 for lane in lanes], lanes, fontsize=9)
    for item in items:
        colour = colours[lanes.index(item["lane"]) % len(colours)]
        row = offset[item["lane"]] + item["row"]
        width = max(item["hi"] - item["lo"], 0.02)
        ax.barh(row, width, left=item["lo"], height=0.5, color=colour, alpha=0.35 if item["approx"] else 0.8,
                hatch="////" if item["approx"] else None, edgecolor=colour, linewidth=0.6, zorder=2,
                gid="caj-bar")
        if width < 0.2:  # a day or a month: a dot where the bar is too thin to see
            ax.plot([item["lo"] + width / 2], [row], "o", color=colour, markersize=3, zorder=3)
        x, ha = (item["hi"], "right") if item["left"] else (item["lo"], "left")
        ax.text(x, row - 0.3, item["label"], fontsize=LABEL_PT, ha=ha, va="bottom", zorder=4,
                gid="caj-label", clip_on=False)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y - 0.4, -0.9)
    ax.tick_params(axis="y", length=0)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.grid(axis="x", color="0.85", linewidth=0.5, zorder=1)
    for side in ("top", "right", "left"):
        ax.spines[side].set_visible(False)


def _timeline_caption(conn, rows: list[dict]) -> str:
    text = _("Sources: {sources}. Full references: caj cite ID; each fact: caj show ID.").format(
        sources=_source_names(conn, _cited(rows)))
    return "\n".join(_wrap(text, WIDTH_IN - LEFT_IN - RIGHT_IN, 7))


# --- ODA ----------------------------------------------------------------------------------------


def oda(conn, rows: list[dict], path: Path, currency: str = "USD", selection: dict | None = None):
    """Draw ODA rows (queried with `currency`, so each carries `converted`) as bars by recipient."""
    fig = oda_figure(conn, rows, currency, describe(dict(selection or {})))
    save(fig, path)
    return fig


def _bars(rows: list[dict], currency: str) -> tuple[list[dict], list[dict]]:
    """Bars in millions of `currency`, and the rows that could not be converted."""
    bars, missing = [], []
    for r in rows:
        if r.get("converted") is None:
            missing.append(r)
            continue
        millions = r["converted"] * SCALE_FACTOR[r["scale"]] / 1e6
        bars.append({**r, "value": millions, "caveats": list(r.get("caveats") or [])})
    return bars, missing


def oda_figure(conn, rows: list[dict], currency: str = "USD", selection: str = ""):
    with _matplotlib().rc_context(_rc()):
        return _oda_figure(conn, _spoken(conn, rows), currency, selection)


def _currency(currency: str) -> str:
    """A currency as the language names it: US$ and ¥ in English, долл. США or 米ドル in another."""
    return (i18n.numbers().get("currencies") or {}).get(currency) or SYMBOL.get(currency, currency)


def _millions_of(currency: str) -> str:
    """The axis's unit: 'US$ million', 'млн долл. США', '百万米ドル'."""
    n = i18n.numbers()
    if not n:
        return f"{SYMBOL.get(currency, currency + ' ')} million"
    return n["money"].format(amount="", scale=n["scales"]["million"], currency=_currency(currency)).strip()


def _oda_figure(conn, rows: list[dict], currency: str, selection: str):
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    bars, missing = _bars(rows, currency)
    if not bars:
        raise UsageError(_("no ODA figures to draw in {currency}").format(currency=currency))
    names = _names(conn)
    recipients = list(dict.fromkeys(b["recipient"] for b in sorted(bars, key=lambda b: b["recipient"])))
    years = sorted({b["year"] for b in bars})
    caption = _oda_caption(conn, rows, bars, missing, currency)
    bottom_in = 0.12 + 0.135 * (caption.count("\n") + 1) + 0.5
    # the key has a band of its own between the title and the axes: inside them it would cover
    # the tallest bar's label
    top_in = 1.0
    height = bottom_in + 3.4 + top_in
    fig = Figure(figsize=(10, height))
    ax = fig.add_axes((0.09, bottom_in / height, 0.88, 3.4 / height))
    colours = ["#1b6ca8", "#d35400", "#2e8b57", "#8e44ad", "#c0392b", "#16a085", "#7f6000"]
    _draw_bars(ax, bars, recipients, years, colours)
    ax.set_xticks(range(len(recipients)), [names.get(r, r) for r in recipients], fontsize=9)
    ax.set_ylabel(_millions_of(currency), fontsize=9)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis="y", color="0.88", linewidth=0.5)
    ax.set_axisbelow(True)
    handles = [Patch(color=colours[k % len(colours)], label=str(y)) for k, y in enumerate(years)]
    if any(b["caveats"] for b in bars):
        handles.append(Patch(facecolor="white", edgecolor="0.3", hatch="////",
                             label=f"{display.CAVEATED} {_('caveated')}"))
    fig.legend(handles=handles, fontsize=8, frameon=False, loc="center left", ncol=len(handles),
               bbox_to_anchor=(0.09, 1 - 0.65 / height), borderaxespad=0, handlelength=1.6)
    title = _("Japan's ODA by recipient, in {currency}").format(currency=_currency(currency))
    fig.text(0.09, 1 - 0.3 / height, title + (f" · {selection}" if selection else ""), fontsize=12,
             weight="bold", va="center")
    fig.text(0.09, 0.12 / height, caption, fontsize=7, color="0.25", va="bottom")
    return fig


def _draw_bars(ax, bars, recipients, years, colours) -> None:
    for k, recipient in enumerate(recipients):
        mine = sorted((b for b in bars if b["recipient"] == recipient), key=lambda b: (b["year"], b["id"]))
        width = 0.8 / max(len(mine), 1)
        for j, b in enumerate(mine):
            x = k - 0.4 + width * (j + 0.5)
            colour = colours[years.index(b["year"]) % len(colours)]
            ax.bar(x, b["value"], width * 0.9, color=colour, edgecolor="0.3" if b["caveats"] else colour,
                   hatch="////" if b["caveats"] else None, linewidth=0.6)
            mark = "†" if b["caveats"] else ""
            ax.text(x, b["value"], f"{_num(b['value'])}{mark}\n{b['year']}", ha="center", va="bottom",
                    fontsize=7)
    ax.margins(y=0.2)  # room above the tallest bar for its two-line label


def _num(value: float) -> str:
    """A bar's figure: one decimal under a hundred, none above, in the language's separators."""
    return display.num(round(value, 1) if value < 100 else round(value), 1)


def _caveat_lines(bars: list[dict]) -> list[str]:
    """Each caveat once, with the figures it applies to, in the language spoken; the rate is
    stated above, not repeated."""
    unconverted = [{**b, "caveats": [c for c in b["caveats"] if c != display.conversion_caveat(
        b["year"], b.get("rate_jpy_per_usd"), b.get("rate_source"))]} for b in bars]
    which = display.caveat_groups(unconverted, lambda b: b["id"])
    every = _("every figure")
    return [f"{display.CAVEATED} {display.caveat(c)}: "
            + sentence(every if len(ids) == len(bars) > 1 else listing(ids)) for c, ids in which.items()]


def _oda_caption(conn, rows, bars, missing, currency) -> str:
    lines = []
    rates = sorted({(b["year"], b["rate_jpy_per_usd"]) for b in bars if b.get("rate_jpy_per_usd")})
    if rates:
        shown = ", ".join(f"{y}: {display.money(r, 'JPY', 'unit', places=2)}" for y, r in rates)
        lines.append(_("Converted to {currency} at the annual average yen per US dollar of each figure's "
                       "year ({rates}; World Bank WDI PA.NUS.FCRF, source {source}). Figures stated in "
                       "{currency} are shown as stated.").format(currency=currency, rates=shown,
                                                                 source=vocab.RATE_SOURCE))
    else:
        lines.append(_("All figures as stated in {currency}; no conversion.").format(currency=currency))
    measures = sorted({b["measure"] for b in bars})
    if len(measures) > 1:
        years = {m: ", ".join(str(y) for y in sorted({b["year"] for b in bars if b["measure"] == m}))
                 for m in measures}
        lines.append(_("Measures differ and are not strictly comparable: {measures}.").format(
            measures="; ".join(f"{_(m)} ({years[m]})" for m in measures)))
    lines += _caveat_lines(bars)
    if vocab.REGION in {b["recipient"] for b in bars}:
        lines.append(_("{region}: a figure for the region as a whole, as the source states it, not the "
                       "sum of the country bars.").format(region=_names(conn).get(vocab.REGION)))
    if missing:
        lines.append(_("Not drawn, no rate for their year: {ids}.").format(
            ids=", ".join(r["id"] for r in missing)))
    lines.append(_("Sources: {sources}. Values as printed: caj oda; full references: caj cite ID.").format(
        sources=_source_names(conn, _cited(rows))))
    return "\n".join(w for line in lines for w in _wrap(line, 9.0, 7))
