"""What each reader page shows, from the query layer: names for ids, dates as written, the marks
and their legend, the notes the terminal's tables carry. The templates only lay it out.

No SQL here and no field of its own: records come from caj.reading.queries (through
faces.web.pages), labels from caj.core.vocab, wording from caj.core.display."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from caj.core import display, vocab
from caj.faces.web import pages
from caj.reading import queries

LEGEND = [(mark, text) for _key, mark, text in display.MARKS] + [display.UNDATED]
SHOW_HINT = "Each fact links to its page: every citation, quote and note."


class Input:
    """A form field: a registry parameter (named as the command's option), its label, its hint,
    and its closed set if it has one."""

    __slots__ = ("name", "label", "hint", "choices")

    def __init__(self, param) -> None:
        self.name, self.label, self.hint = param.name, param.label, param.hint
        values = param.values()
        self.choices = tuple((v, vocab.label(param.choices, v) if isinstance(param.choices, str) else v)
                             for v in values) if values else None


FORMS = {name: [Input(p) for p in page.inputs()] for name, page in pages.PAGES.items()}
CHECKBOXES = {name: [(p.name, p.label) for p in page.checkboxes()] for name, page in pages.PAGES.items()
              if page.checkboxes()}


def href(kind: str, ident: str, ext: str = "") -> str:
    return f"/{kind}/{quote(str(ident), safe='')}{ext}"


def twins(name: str, args: dict[str, str]) -> dict[str, str]:
    """The page's .json and .csv twins, with the same parameters."""
    qs = ("?" + urlencode(args)) if args else ""
    return {"json": f"/{name}.json{qs}", "csv": f"/{name}.csv{qs}"}


def headline(page: pages.Page, args: dict[str, str]) -> str:
    """'Timeline: country Kazakhstan, from 2000': the title says what was asked, in words."""
    asked = [f"{k.replace('_', ' ')} {v}" for k, v in args.items() if v.strip() and k != "with_undated"]
    if args.get("with_undated", "").strip():
        asked.append("with undated statements")
    if page.name == "search" and args.get("text", "").strip():
        asked = [f"“{args['text'].strip()}”"]
    return page.title + (": " + ", ".join(asked) if asked else "")


def fact_item(row: dict) -> dict:
    """What a fact shows in any list: its date as written, its marks, its title, linked."""
    return {"id": row["id"], "href": href("facts", row["id"]), "when": row.get("when") or "",
            "marks": display.marks(row), "title": row.get("title") or row["id"],
            "sources": list(dict.fromkeys(s["source"] for s in row.get("sources") or []))}


def context(conn, page: pages.Page, args: dict[str, str]) -> dict:
    """Everything a page's template needs; UsageError or NotFound for what cannot be asked."""
    rows = pages.records(conn, page, args)
    out = {"page": page.name, "heading": headline(page, args), "n": len(rows), "args": args,
           "twins": twins(page.name, args), "form": FORMS.get(page.name, []),
           "checkboxes": CHECKBOXES.get(page.name, []), "legend": LEGEND}
    out.update(BUILD[page.name](conn, rows, args))
    return out


def _timeline(conn, rows: list[dict], args: dict) -> dict:
    sections: dict[str, list[dict]] = {}
    for row in rows:
        sections.setdefault((row.get("date") or "")[:4] or "Undated", []).append(fact_item(row))
    return {"sections": list(sections.items()), "picture": picture("timeline", conn, rows, args)}


def _oda(conn, rows: list[dict], args: dict) -> dict:
    names = queries.labels(conn)
    currency = pages.arguments(pages.PAGES["oda"], args).get("currency")
    currency = rows[0].get("converted_currency") if rows and currency else None
    return {"table": oda_table(rows, currency, names), "notes": oda_notes(rows, currency, names),
            "picture": picture("oda", conn, rows, args)}


def oda_table(rows: list[dict], currency: str | None, names: dict) -> dict:
    """Headers, rows of cells and the total row, as the terminal's ODA table has them."""
    measures = {r["measure"] for r in rows}
    stated = display.places(r["amount"] for r in rows)
    converted = display.places(r.get("converted") for r in rows)
    heads = ["Year", "Recipient", *([] if currency else ["Amount"]), "As printed",
             *(["Measure"] if len(measures) > 1 else []), *([currency, "¥ per US$"] if currency else []),
             "Sources"]
    body = [_oda_cells(r, currency, names, stated, converted, len(measures) > 1) for r in rows]
    total, why = queries.oda_total(rows)
    label, money, _what = display.oda_total_note(rows, total, why, bool(currency))
    foot = [label, money] if total is not None else []
    return {"heads": heads, "rows": body, "foot": foot, "foot_at": heads.index(currency or "Amount")}


def _oda_cells(r: dict, currency, names, stated: int, converted: int, measure: bool) -> dict:
    amount = display.money(r["amount"], r["currency"], r["scale"], places=stated)
    cells = [f"{r['year']} {display.marks(r)}".strip(), names.get(r["recipient"], r["recipient"])]
    cells += [] if currency else [amount]
    cells += [r["value_stated"]] + ([r["measure"]] if measure else [])
    if currency:
        conv = ("no rate" if r.get("converted") is None else
                display.money(r["converted"], r["converted_currency"], r["scale"], places=converted))
        cells += [conv, f"{r['rate_jpy_per_usd']:.2f}" if r.get("rate_jpy_per_usd") else ""]
    return {"item": fact_item(r), "cells": cells, "sources": fact_item(r)["sources"]}


def oda_notes(rows: list[dict], currency: str | None, names: dict) -> list[str]:
    """The table's notes: what the amounts are, the total (or why there is none), each caveat."""
    text = display.oda_caption(rows, currency)
    total, why = queries.oda_total(rows)
    _label, _money, what = display.oda_total_note(rows, total, why, bool(currency))
    caveats = display.caveat_notes(rows, lambda r: f"{names.get(r['recipient'], r['recipient'])} {r['year']}")
    return [x for x in (text, what, *caveats) if x]


def _projects(conn, rows: list[dict], args: dict) -> dict:
    names = queries.labels(conn)
    groups: dict[str, list[dict]] = {}
    for r in rows:
        who = dict.fromkeys(r["japanese_partners"] + r["local_partners"] + r["funders"])
        item = {**fact_item(r), "name": r["project_name"], "sector": names.get(r["sector"], r["sector"]),
                "status": vocab.label("status", r["status"]), "finance": r.get("finance"),
                "capacity": r.get("capacity"), "partners": [names.get(w, w) for w in who]}
        groups.setdefault(names.get(r["host_country"], r["host_country"]), []).append(item)
    return {"groups": list(groups.items())}


def _search(conn, rows: list[dict], args: dict) -> dict:
    """Hits with the matched words marked (the query layer's marks, highlighted by the template)."""
    arguments = pages.arguments(pages.PAGES["search"], args)
    marked = queries.search(conn, **arguments, marked=True)
    total, how = marked.total, marked.how
    hits = [{**fact_item(r), "href": href("facts" if r["record"] == "fact" else "entities", r["id"]),
             "kind": vocab.label("fact_kind", r["kind"]) if r["record"] == "fact" else r["kind"],
             "match": _segments(r["match"])} for r in marked]
    return {"hits": hits, "total": total, "how": how}


def _segments(text: str) -> list[tuple[str, bool]]:
    """'a \\x02hit\\x03 b' -> [('a ', False), ('hit', True), (' b', False)]."""
    out = []
    for n, part in enumerate(text.split(queries.HIT_START)):
        hit, _, rest = part.partition(queries.HIT_END) if n else ("", "", part)
        out += [(hit, True)] if hit else []
        out += [(rest, False)] if rest else []
    return out


def _conflicts(conn, rows: list[dict], args: dict) -> dict:
    items = [{**fact_item(r), "document_says": r["document_says"], "record_says": r["record_says"],
              "stance": vocab.label("stance", r["stance"]), "note": r["note"]} for r in rows]
    return {"items": items}


def _sources(conn, rows: list[dict], args: dict) -> dict:
    items = [{"id": r["id"], "label": display.source_label(r), "url": r["url"], "publisher": r["publisher"],
              "kind": vocab.label("source_kind", r["kind"]), "when": r["when"], "n_facts": r["n_facts"],
              "author": r["author"]} for r in rows]
    return {"items": items}


BUILD = {"timeline": _timeline, "oda": _oda, "projects": _projects, "search": _search,
         "conflicts": _conflicts, "sources": _sources}


# --- pictures ---------------------------------------------------------------------------------


def picture(name: str, conn, rows: list[dict], args: dict) -> dict | None:
    """The picture `--plot` draws for the same question: its URL and a text alternative."""
    if not rows:
        return None
    qs = ("?" + urlencode(args)) if args else ""
    alt = timeline_alt(conn, rows) if name == "timeline" else oda_alt(rows, queries.labels(conn))
    return {"src": f"/{name}.svg{qs}", "alt": alt}


def timeline_alt(conn, rows: list[dict]) -> str:
    names = queries.country_names(conn)
    lanes: dict[str, int] = {}
    for r in rows:
        lane = display.lane(r, names)
        lanes[lane] = lanes.get(lane, 0) + 1
    first, last = rows[0].get("when") or "", rows[-1].get("when") or ""
    counts = "; ".join(f"{lane} {n}" for lane, n in lanes.items())
    return (f"A timeline of {len(rows)} fact{'s' if len(rows) != 1 else ''}, from {first} to {last}, one "
            f"lane per country, each fact a bar across its date's range ({counts}). The facts are listed "
            "below.")


def oda_alt(rows: list[dict], names: dict) -> str:
    figures = "; ".join(f"{names.get(r['recipient'], r['recipient'])} {r['year']}: {r['value_stated']}"
                        f"{' †' if r['caveats'] else ''}" for r in rows[:12])
    more = f"; and {len(rows) - 12} more" if len(rows) > 12 else ""
    return (f"A bar chart of {len(rows)} ODA figure{'s' if len(rows) != 1 else ''} by recipient and year, "
            f"in US$ million at each year's rate unless another currency is asked for ({figures}{more}). "
            "The table below gives each figure as printed.")


def draw(name: str, conn, args: dict[str, str]) -> bytes:
    """The SVG `caj NAME --plot` draws for these parameters (ODA in US$ unless asked otherwise)."""
    from caj.faces import pictures, plot

    page = pages.PAGES[name]
    arguments = pages.arguments(page, args)
    selection = plot.describe(pictures.selection(page.question, arguments))
    if name == "oda":
        arguments["currency"] = pictures.currency(arguments)
        rows = queries.oda(conn, **arguments)
        cur = rows[0]["converted_currency"] if rows else arguments["currency"]
        return plot.svg(plot.oda_figure(conn, rows, cur, selection))
    rows = list(queries.timeline(conn, **arguments))
    lane = queries.choose("lane", args.get("by") or "country", vocab.values("lane"))
    return plot.svg(plot.timeline_figure(conn, rows, lane, selection))


# --- one record -------------------------------------------------------------------------------


def fact_card(conn, f: dict) -> dict:
    """`caj show` as a page: flags, values, names linked, citations grouped by stance."""
    urls = {s["id"]: s for s in queries.source_rows(conn)}
    flags = [f"{mark} {text}" for key, mark, text in display.MARKS if f.get(key)]
    actors = [{"name": e["name"], "role": vocab.label("role", e["role"]), "href": href("entities", e["id"])}
              for e in f["entities"] if e["kind"] not in ("country", "region")]
    countries = [{"name": n, "href": href("entities", c)} for c, n in zip(f["countries"], f["country_names"],
                                                                          strict=False)]
    groups = [(heading, [_citation(c, urls.get(c["source"], {})) for c in f["citations"]
                         if c["stance"] == stance]) for stance, heading in vocab.CHOICES["stance"]]
    return {"f": f, "kind": vocab.label("fact_kind", f["kind"]), "status": vocab.label("status", f["status"]),
            "basis": vocab.label("date_basis", f["date_basis"]), "flags": flags, "actors": actors,
            "countries": countries, "topics": f["topic_names"], "values": display.fact_values(f),
            "groups": [(h, cs) for h, cs in groups if cs], "marks": display.marks(f)}


def _citation(c: dict, source: dict) -> dict:
    said = " · ".join(x for x in (c.get("value"), c.get("date")) if x)
    label = display.source_label({**source, "title": c.get("source_title") or source.get("title")})
    return {"source": c["source"], "label": label, "publisher": c.get("publisher"), "url": source.get("url"),
            "locator": c["locator"], "said": said, "quote": c.get("quote"), "note": c.get("note")}


def entity_card(e: dict) -> dict:
    facts = [{**fact_item({**f, "sources": []}), "marks": display.marks(f)} for f in e["facts"]]
    codes = " · ".join(x for x in (e.get("iso2"), e.get("iso3")) if x)
    return {"e": e, "codes": codes, "facts": facts,
            "part_of": e.get("country_name") if e.get("country") else None,
            "part_of_href": href("entities", e["country"]) if e.get("country") else None,
            "undated": any(f["date_basis"] == "source" for f in e["facts"])}


def home(counts: dict[str, int | None]) -> dict:
    """The home page: the lookups as forms, and how much there is."""
    shown = [("facts", "dated facts"), ("citations", "citations"), ("sources", "sources"),
             ("oda", "ODA figures"), ("projects", "projects"),
             ("entities", "countries, organisations and people")]
    return {"heading": "Japan and Central Asia, fact by fact",
            "counts": [(counts.get(t) or 0, words) for t, words in shown], "forms": FORMS,
            "checkboxes": CHECKBOXES, "legend": LEGEND}
