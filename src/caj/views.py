"""What each command's table shows: columns, headers, captions. No Rich here: `render` draws."""

from __future__ import annotations

import sys

from caj import queries, render
from caj.render import Col, View

LEGEND = ("+ stated in both documents   ! contradicted by the record   ~ refined by it\n"
          "* undated in the document: dated as of the document itself")


def marks(_value, row: dict) -> str:
    return ("+" if row.get("corroborated") else "") + ("!" if row.get("disputed") else "") + (
        "~" if row.get("refined") else "") + ("*" if row.get("date_basis") == "source" else "")


def titled(key: str):
    """A title with the record's id on a second, dimmed line: the id is what `show` takes."""
    return lambda _value, row: f"{row.get(key) or ''}\n{row['id']}"


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
        Col("title", "Fact", show=titled("title"), ratio=1, min_width=24, dim_after_first=True),
        Col("sources", "Sources", show=source_ids, no_wrap=True),
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
        Col("recipient", "Recipient", show=titled("recipient"), ratio=2, min_width=10,
            dim_after_first=True),
        # converted, the figure as printed stands beside its conversion; otherwise the amount
        # in full, then as printed
        *([] if currency else [Col("amount", "Amount", show=stated, justify="right", no_wrap=True)]),
        Col("value_stated", "As printed", ratio=1, min_width=8),
    ]
    caption = "Amounts as the sources state them."
    measures = {r["measure"] for r in rows}
    if len(measures) > 1:
        cols.append(Col("measure", "Measure", ratio=1, min_width=8))
    elif rows:
        caption = f"Amounts as the sources state them; each a {measures.pop()}."
    if currency:
        cols += [Col("converted", currency, show=converted, justify="right", no_wrap=True),
                 Col("rate_jpy_per_usd", "¥ per US$", show=rate, justify="right")]
        caption += (f" {currency} at the annual average rate of the figure's year: World Bank WDI "
                    "PA.NUS.FCRF (source wb-wdi-fx).")
    cols += [Col("sources", "Sources", show=source_ids, ratio=1, min_width=9)]
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


def scale_of(_value, row: dict) -> str:
    return "\n".join(x for x in (row.get("finance"), row.get("capacity")) if x)


def project_cell(_value, row: dict) -> str:
    """The project's name, then (dimmed) who is in it and its id."""
    who = list(dict.fromkeys(
        (row["japanese_partners"] or []) + (row["local_partners"] or []) + (row["funders"] or [])))
    return "\n".join([row["name"], *(["with " + ", ".join(who)] if who else []), row["id"]])


PROJECTS = View(
    columns=[
        Col("when", "Date", no_wrap=True),
        Col("marks", "", show=marks, no_wrap=True),
        Col("name", "Project", show=project_cell, ratio=4, min_width=20, dim_after_first=True),
        Col("sector", "Sector", show=lambda v, r: f"{v}\n{r['status']}", ratio=1, min_width=9,
            dim_after_first=True),
        Col("finance", "Size", show=scale_of, ratio=2, min_width=10),
        Col("sources", "Sources", show=source_ids, ratio=2, min_width=9),
    ],
    caption=LEGEND + "\n`caj show ID` gives every citation and note.",
    section_by=lambda row: row["country"],
    section_label=True,
    fields=("id", "date", "when", "name", "country", "sector", "status", "date_basis",
            "japanese_partners", "local_partners", "funders", "finance", "capacity", "summary",
            "corroborated", "disputed", "refined", "sources"),
)

SEARCH = View(
    columns=[Col("type", "Type", no_wrap=True), Col("when", "Date", no_wrap=True),
             Col("title", "Title", show=titled("title"), ratio=3, min_width=20, dim_after_first=True),
             Col("match", "Match", ratio=3, min_width=20)],
    highlight=True,
    fields=("id", "type", "date", "when", "title", "match", "sources"),
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
    columns=[Col("date", "Date", no_wrap=True),
             Col("title", "Fact", show=titled("title"), ratio=2, min_width=16, dim_after_first=True),
             Col("document_says", "The document says", ratio=2, min_width=12),
             Col("stance", "Record", no_wrap=True),
             Col("record_says", "The record says", ratio=2, min_width=12),
             Col("note", "Note", ratio=3, min_width=16)],
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
