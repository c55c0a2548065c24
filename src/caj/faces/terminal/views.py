"""What each command's table shows: columns, headers, captions. No Rich here: `render` draws.
Tables show names where a name exists; ids stay in the id lines and in every machine format."""

from __future__ import annotations

import sys

from caj.core import display, vocab
from caj.core.display import SCALE_FACTOR
from caj.core.i18n import N_, _, listing
from caj.faces.formats import Col, View
from caj.faces.terminal import render
from caj.reading import queries

SHOW_HINT = N_("`caj show ID` gives every citation and note.")
Names = dict  # entity and topic names by id (queries.labels); a table shows them, never a machine format


def dated(value, row: dict) -> str:
    """The date as written, then its marks: '2004 +', 'Oct 2024–2025 *'."""
    flags = display.marks(row)
    return f"{value} {flags}" if flags else str(value)


def titled(key: str):
    """A title with the record's id on a second, dimmed line: the id is what `show` takes."""
    return lambda _value, row: f"{row.get(key) or ''}\n{row['id']}"


def source_ids(value, row: dict) -> str:
    return "\n".join(dict.fromkeys(s["source"] for s in value or []))


def joined(value, row: dict) -> str:
    return listing(value or [])


def year_of(row: dict) -> str:
    return (row.get("date") or "")[:4]


def timeline_view(names: Names | None = None) -> View:
    return View(
        columns=[
            Col("when", _("Date"), show=dated, ratio=3),
            Col("title", _("Fact"), show=titled("title"), ratio=6, min_width=24, dim_after_first=True),
            Col("sources", _("Sources"), show=source_ids, ratio=1),
        ],
        caption=display.legend() + "\n" + _(SHOW_HINT),
        section_by=year_of,
        fields=vocab.COMMANDS["timeline"],
    )


def amount_cell(key: str, currency_key: str, decimals: int):
    """An amount column, every row to the same decimals so the figures align."""
    def show(value, row: dict) -> str:
        if row.get(key) is None:
            return _("no rate")
        return display.money(row[key], row[currency_key], row["scale"], places=decimals)
    return show


def rate(value, row: dict) -> str:
    return f"{value:.2f}" if value else ""


def oda_view(rows: list[dict], currency: str | None, names: Names | None = None) -> View:
    names = names or {}
    stated = amount_cell("amount", "currency", display.places(r["amount"] for r in rows))
    converted = amount_cell("converted", "converted_currency",
                            display.places(r.get("converted") for r in rows))
    cols = [
        Col("year", _("Year"), show=dated, no_wrap=True),
        Col("recipient", _("Recipient"), show=lambda v, r: f"{names.get(v, v)}\n{r['id']}", ratio=2,
            min_width=10, dim_after_first=True),
        # converted, the figure as printed stands beside its conversion; otherwise the amount
        # in full, then as printed
        *([] if currency else [Col("amount", _("Amount"), show=stated, justify="right", no_wrap=True)]),
        Col("value_stated", _("As printed"), ratio=1, min_width=8),
    ]
    measures = {r["measure"] for r in rows}
    if len(measures) > 1:
        cols.append(Col("measure", _("Measure"), show=lambda v, r: _(v), ratio=1, min_width=8))
    if currency:
        cols += [Col("converted", currency, show=converted, justify="right", no_wrap=True),
                 Col("rate_jpy_per_usd", _("¥ per US$"), show=rate, justify="right")]
    cols += [Col("sources", _("Sources"), show=source_ids, ratio=1, min_width=9)]
    footer, total_note = _oda_total(rows, currency)
    caption = "\n".join(x for x in (display.oda_caption(rows, currency), total_note,
                                    caveat_notes(rows, names)) if x)
    fields = vocab.COMMANDS["oda-converted" if currency else "oda"]
    return View(columns=cols, caption=caption, footer=footer, fields=fields)


def _oda_total(rows: list[dict], currency: str | None) -> tuple[dict, str]:
    """The footer with the total, and a line saying what it adds up (or why there is none)."""
    total, why = queries.oda_total(rows)
    label, money, what = display.oda_total_note(rows, total, why, bool(currency))
    if total is None:
        return {}, what
    return {"recipient": label, "converted" if currency else "amount": money}, what


def caveat_notes(rows: list[dict], names: Names | None = None) -> str:
    """Each caveat once, with the rows it applies to: '† not confirmed ...: all rows'."""
    names = names or {}
    return "\n".join(display.caveat_notes(
        rows, lambda r: f"{names.get(r['recipient'], r['recipient'])} {r['year']}"))


def projects_view(country: str | None = None, names: Names | None = None) -> View:
    """Projects under a heading per host country; asked for one country, all under its name."""
    names = names or {}

    def sector_cell(value, row: dict) -> str:
        return "\n".join(x for x in (names.get(value, value), _(row["status"]), row.get("finance"),
                                     row.get("capacity")) if x)

    def project_cell(_value, row: dict) -> str:
        """The project's name, then (dimmed) who is in it and its id."""
        who = dict.fromkeys(row["japanese_partners"] + row["local_partners"] + row["funders"])
        with_ = [_("with {names}").format(names=listing(names.get(w, w) for w in who))] if who else []
        return "\n".join([row["project_name"], *with_, row["id"]])

    heading = (lambda row: names.get(country, country)) if country else (
        lambda row: names.get(row["host_country"], row["host_country"]))
    return View(
        columns=[
            Col("when", _("Date"), show=dated, ratio=3),
            Col("project_name", _("Project"), show=project_cell, ratio=4, min_width=20, dim_after_first=True),
            Col("sector", _("Sector, status, size"), show=sector_cell, ratio=2, min_width=12),
            Col("sources", _("Sources"), show=source_ids, ratio=1),
        ],
        caption=display.legend() + "\n" + _(SHOW_HINT), section_by=heading, section_label=True,
        fields=vocab.COMMANDS["projects"])


def search_view() -> View:
    return View(
        columns=[Col("kind", _("Kind"), no_wrap=True), Col("when", _("Date"), no_wrap=True),
                 Col("title", _("Title"), show=titled("title"), ratio=3, min_width=20, dim_after_first=True),
                 Col("match", _("Match"), ratio=3, min_width=20)],
        highlight=True, caption=_(SHOW_HINT), fields=vocab.COMMANDS["search"])


def online(url, row: dict) -> str:
    """Where a source is online and whether its page was checked against a stored copy."""
    return "\n".join(x for x in (_("online") if url else _("no URL"), display.checked(row)) if x)


def source_title(_value, row: dict) -> str:
    return display.source_label(row)


def sources_view() -> View:
    return View(
        columns=[Col("id", _("Id"), no_wrap=True), Col("kind", _("Kind"), show=lambda v, r: _(v)),
                 Col("when", _("Date"), no_wrap=True), Col("title", _("Title"), show=source_title, ratio=3),
                 Col("publisher", _("Publisher"), ratio=2), Col("url", _("Online"), show=online, ratio=1),
                 Col("n_facts", _("Facts"), justify="right")],
        caption=_("[Bracketed]: no title known; a description. `caj cite ID` cites one."),
        fields=vocab.COMMANDS["sources"])


def entities_view() -> View:
    return View(
        columns=[Col("title", _("Name"), ratio=2), Col("kind", _("Kind"), show=lambda v, r: _(v)),
                 Col("iso3", _("ISO")), Col("aliases", _("Aliases"), show=joined, ratio=2),
                 Col("n_facts", _("Facts"), justify="right"), Col("id", _("Id"), no_wrap=True)],
        caption=_(SHOW_HINT), fields=vocab.COMMANDS["countries"])


def topics_view() -> View:
    return View(
        columns=[Col("title", _("Topic"), show=lambda v, r: ("  " if r["parent"] else "") + v, ratio=2),
                 Col("n_facts", _("Facts"), justify="right"), Col("id", _("Id"), no_wrap=True)],
        caption=_("A topic takes in the topics indented beneath it."), fields=vocab.COMMANDS["topics"])


def conflicts_view() -> View:
    return View(
        columns=[Col("when", _("Date"), no_wrap=True),
                 Col("title", _("Fact"), show=titled("title"), ratio=2, min_width=16, dim_after_first=True),
                 Col("document_says", _("The document says"), ratio=2, min_width=12),
                 Col("stance", _("Stance"), show=lambda v, r: _(vocab.label("stance", v)), no_wrap=True),
                 Col("record_says", _("The record says"), ratio=2, min_width=12),
                 Col("note", _("Note"), ratio=3, min_width=16)],
        caption=_(SHOW_HINT), fields=vocab.COMMANDS["conflicts"])


def key_value_view() -> View:
    return View(columns=[Col("field", _("Field"), no_wrap=True), Col("value", _("Value"))],
                fields=("field", "value"))


def emit_record(record: dict, fmt: str, out=None) -> None:
    """One nested record: JSON keeps its shape; a table is a card; flat formats get dotted
    field names."""
    out = out or sys.stdout
    if fmt in ("json", "jsonl"):
        import json

        indent = 2 if fmt == "json" else None
        out.write(json.dumps(record, ensure_ascii=False, indent=indent) + "\n")
        return
    if fmt == "table":
        from caj.faces.terminal import cards

        cards.draw(record, out)
        return
    rows = ({"field": k, "value": v} for k, v in render.key_values(record))
    render.emit(rows, fmt, key_value_view(), out)


def oda_bars(rows: list[dict], names: Names | None = None) -> list[tuple[str, float, str, str]]:
    """(label, value, shown value, group) per row, every row in its converted currency, so one
    scale serves them all; rows with no rate are left out and said to be."""
    bars = []
    places = display.places(r.get("converted") for r in rows)  # as the table shows them
    for r in rows:
        if r.get("converted") is None:
            continue
        shown = display.money(r["converted"], r["converted_currency"], r["scale"], places=places)
        mark = " †" if r.get("caveats") else ""
        value = r["converted"] * SCALE_FACTOR[r["scale"]]
        who = (names or {}).get(r["recipient"], r["recipient"])
        bars.append((f"{r['year']} {who}{mark}", value, shown, r["converted_currency"]))
    return bars
