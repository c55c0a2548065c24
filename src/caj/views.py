"""What each command's table shows: columns, headers, captions. No Rich here: `render` draws."""

from __future__ import annotations

import sys

from caj import queries, render
from caj.render import Col, View

LEGEND = "+ stated in both documents   ! contradicted by the record   ~ refined by it"


def marks(_value, row: dict) -> str:
    return ("+" if row.get("corroborated") else "") + ("!" if row.get("disputed") else "") + (
        "~" if row.get("refined") else "")


def source_ids(value, row: dict) -> str:
    return "\n".join(dict.fromkeys(s["source"] for s in value or []))


def joined(value, row: dict) -> str:
    return ", ".join(value or [])


def year_of(row: dict) -> str:
    return (row.get("date") or "")[:4]


TIMELINE = View(
    columns=[
        Col("when", "Date", no_wrap=True),
        Col("marks", "", show=marks, no_wrap=True),
        Col("title", "Fact", ratio=3, min_width=20),
        Col("sources", "Sources", show=source_ids, no_wrap=True),
        Col("id", "Id", no_wrap=True),
    ],
    caption=LEGEND + "\n`caj show ID` gives every citation and note.",
    section_by=year_of,
    fields=("id", "date", "when", "kind", "title", "summary", "status", "date_basis", "countries",
            "topics", "corroborated", "disputed", "refined", "sources"),
)


def stated(value, row: dict) -> str:
    return queries.money(row["amount"], row["currency"], row["scale"])


def converted(value, row: dict) -> str:
    if row.get("converted") is None:
        return "no rate"
    return queries.money(row["converted"], row["converted_currency"], row["scale"])


def rate(value, row: dict) -> str:
    return f"{value:.2f}" if value else ""


def oda_view(rows: list[dict], currency: str | None) -> View:
    cols = [
        Col("year", "Year", show=lambda v, r: str(v), no_wrap=True),
        Col("marks", "", show=marks, no_wrap=True),
        Col("recipient", "Recipient", no_wrap=True),
        Col("amount", "Amount", show=stated, justify="right", no_wrap=True),
        Col("value_stated", "As printed", no_wrap=True),
        Col("measure", "Measure"),
    ]
    caption = "Amounts as the sources state them."
    if currency:
        cols += [Col("converted", currency, show=converted, justify="right", no_wrap=True),
                 Col("rate_jpy_per_usd", "¥ per US$", show=rate, justify="right")]
        caption += (f" {currency} at the annual average rate of the figure's year: World Bank WDI "
                    "PA.NUS.FCRF (source wb-wdi-fx).")
    cols += [Col("sources", "Sources", show=source_ids, no_wrap=True), Col("id", "Id", no_wrap=True)]
    total, why = queries.oda_total(rows)
    footer = {}
    if total is not None:
        r0 = rows[0]
        cur = (r0.get("converted_currency") or r0["currency"]) if currency else r0["currency"]
        key = "converted" if currency else "amount"
        footer = {"recipient": "Total", key: queries.money(total, cur, r0["scale"])}
    elif len(rows) > 1:
        caption += f"\n{why}."
    fields = ("id", "date", "year", "donor", "recipient", "amount", "currency", "scale", "measure",
              "year_basis", "flow_type", "value_stated", "disputed")
    if currency:
        fields += ("converted", "converted_currency", "rate_jpy_per_usd", "rate_source")
    return View(columns=cols, caption=caption, footer=footer, fields=fields + ("sources",))


PROJECTS = View(
    columns=[
        Col("country", "Country", no_wrap=True),
        Col("name", "Project", ratio=3),
        Col("sector", "Sector"),
        Col("status", "Status"),
        Col("date", "Date", no_wrap=True),
        Col("japanese_partners", "Partners", show=lambda v, r: ", ".join(
            (r["japanese_partners"] or []) + (r["local_partners"] or []) + (r["funders"] or []))),
        Col("finance", "Finance"),
        Col("capacity", "Capacity", no_wrap=True),
        Col("sources", "Sources", show=source_ids, no_wrap=True),
        Col("id", "Id", no_wrap=True),
    ],
    caption="`caj show ID` gives every citation and note.",
    fields=("id", "date", "name", "country", "sector", "status", "japanese_partners", "local_partners",
            "funders", "finance", "capacity", "summary", "sources"),
)

SEARCH = View(
    columns=[Col("type", "Type"), Col("date", "Date", no_wrap=True), Col("title", "Title", ratio=2),
             Col("match", "Match", ratio=3), Col("id", "Id", no_wrap=True)],
    highlight=True,
    fields=("id", "type", "date", "title", "match", "sources"),
)

SOURCES = View(columns=[Col("id", "Id", no_wrap=True), Col("kind", "Kind"), Col("date", "Date"),
                        Col("publisher", "Publisher", ratio=2), Col("title", "Title", ratio=3),
                        Col("n_facts", "Facts", justify="right")])

ENTITIES = View(columns=[Col("name", "Name", ratio=2), Col("kind", "Kind"),
                         Col("iso3", "ISO"), Col("aliases", "Aliases", show=joined, ratio=2),
                         Col("facts", "Facts", justify="right"), Col("id", "Id", no_wrap=True)])

TOPICS = View(columns=[Col("id", "Id", no_wrap=True), Col("label", "Topic"),
                       Col("facts", "Facts", justify="right")])

CONFLICTS = View(
    columns=[Col("date", "Date", no_wrap=True), Col("title", "Fact", ratio=2),
             Col("document_says", "The document says", ratio=2), Col("stance", "Record"),
             Col("record_says", "The record says", ratio=2), Col("note", "Note", ratio=3),
             Col("id", "Id", no_wrap=True)],
)

KEY_VALUE = View(columns=[Col("field", "Field", no_wrap=True), Col("value", "Value")])


def emit_record(record: dict, fmt: str, out=None) -> None:
    """One nested record: JSON keeps its shape; flat formats get dotted field names."""
    out = out or sys.stdout
    if fmt in ("json", "jsonl"):
        import json

        indent = 2 if fmt == "json" else None
        out.write(json.dumps(record, ensure_ascii=False, indent=indent) + "\n")
        return
    rows = ({"field": k, "value": v} for k, v in render.key_values(record))
    render.emit(rows, fmt, KEY_VALUE, out)


def oda_bars(rows: list[dict], currency: str | None) -> list[tuple[str, float, str, str]]:
    """(label, value, shown value, group) per row; converted values where a currency was asked."""
    bars = []
    for r in rows:
        key = "converted" if currency and r.get("converted") is not None else "amount"
        cur = r["converted_currency"] if key == "converted" else r["currency"]
        shown = queries.money(r[key], cur, r["scale"])
        bars.append((f"{r['year']} {r['recipient']}", r[key], shown, f"{cur} {r['scale']}"))
    return bars
