"""What each reader page shows, from the query layer: names for ids, dates as written, the marks
and their legend, the notes the terminal's tables carry. The templates only lay it out.

No SQL here and no field of its own: records come from caj.reading.queries (through
faces.web.pages), labels from caj.core.vocab, wording from caj.core.display."""

from __future__ import annotations

import datetime
import unicodedata
from urllib.parse import quote, urlencode

from caj.core import display, vocab
from caj.core.errors import UsageError, literal, shown
from caj.faces import cite
from caj.faces.web import pages
from caj.reading import queries

SHOW_HINT = "Each fact links to its page: every citation, quote and note."
CAVEAT_TEXT = "the figure carries a caveat: see the notes"
# every mark a page can show, in legend order, with what it means
MEANINGS = {**{mark: text for _key, mark, text in display.MARKS}, display.UNDATED[0]: display.UNDATED[1],
            display.CAVEATED: CAVEAT_TEXT}
LEGEND = list(MEANINGS.items())


class Input:
    """A form field: a registry parameter (named as the command's option), its label, its hint,
    and its closed set if it has one."""

    __slots__ = ("name", "label", "hint", "choices")

    def __init__(self, name: str, label: str, hint: str = "", choices: str | None = None,
                 options: tuple[tuple[str, str], ...] | None = None) -> None:
        self.name, self.label, self.hint = name, label, hint
        self.choices = vocab.CHOICES[choices] if choices else options


COUNTRY = Input("country", "Country", "a name, alias or ISO code: Kazakhstan, KZ, Uzbek")
FROM = Input("from", "From", "a year, YYYY-MM, a day or a decade (1990s)")
TO = Input("to", "To", "as From")
YEAR = Input("year", "Year", "one year: 2016")
FORMS = {
    "timeline": [COUNTRY, FROM, TO, Input("topic", "Topic", "energy, nuclear, transport…"),
                 Input("kind", "Kind of fact", choices="fact_kind"),
                 Input("status", "Status", choices="status"),
                 Input("actor", "Actor", "a company, agency, bank or person: JICA"),
                 Input("source", "Source", "a source id: idsa-2024 (see Sources)"),
                 Input("by", "Picture lanes", options=(("country", "one per country"),
                                                       ("kind", "one per kind of fact")))],
    "oda": [COUNTRY, YEAR, FROM, TO, Input("currency", "Convert to", choices="currency")],
    "projects": [COUNTRY, Input("sector", "Sector", "energy, agriculture, transport…"),
                 Input("partner", "Partner", "JICA, JBIC, a company"),
                 Input("status", "Status", choices="status")],
    "search": [Input("q", "Words", "railway, uranium, a name"),
               Input("limit", "Hits per page", "1 to 10000; 20 unless given")],
}
CHECKBOXES = {"timeline": [("with_undated", "Add statements the documents do not date (marked *)")]}
# parameters of a page that its data twins do not take: the picture's lanes, the page of hits
PAGE_ONLY = {"timeline": ("by",), "search": ("page",)}
BY = ("country", "kind")
# each parameter as a form calls it, for the messages a page shows
FIELD_NAMES = {i.name: i.label for inputs in FORMS.values() for i in inputs} | {"page": "Page"}
# how a heading says what was asked: each parameter's phrase, the value already resolved to a name
ASKED = {"q": "“{}”", "country": "{}", "year": "{}", "from": "from {}", "to": "to {}", "topic": "topic {}",
         "sector": "sector {}", "kind": "{}", "status": "{}", "actor": "with {}", "partner": "with {}",
         "source": "cited by {}", "currency": "converted to {}", "with_undated": "with undated statements"}
RESOLVED = {"country": "country", "topic": "topic", "sector": "sector", "actor": "actor", "partner": "actor",
            "source": "source"}
CLOSED = {"kind": "fact_kind", "status": "status"}
# Unicode categories never shown back: controls, format characters (zero-width space, bidi
# marks), private use, unassigned, line and paragraph separators
INVISIBLE = {"Cc", "Cf", "Co", "Cn", "Zl", "Zp"}


def clean(text: object) -> str:
    """What a reader typed, fit to be shown back: no control or invisible character, spaces as one."""
    kept = "".join(c for c in str(text) if unicodedata.category(c) not in INVISIBLE)
    return " ".join(kept.split())


def prose(text: str | None) -> str | None:
    """Data text as a reader sees it: a quote escaped by hand in the data shows as a plain quote."""
    return None if text is None else text.replace('\\"', '"')


def phrased(exc: UsageError) -> str:
    """The error as a form says it: its fields by their labels (From, not --from)."""
    return exc.phrased(FIELD_NAMES) if isinstance(exc, UsageError) else exc.message


def mark_items(marks: str) -> list[tuple[str, str]]:
    """'+~' -> [('+', 'stated in both documents'), ('~', 'refined by the record')]."""
    return [(m, MEANINGS[m]) for m in marks if m in MEANINGS]


def legend_for(marks: list[str]) -> list[tuple[str, str]]:
    """The legend of the marks that occur on a page, in legend order."""
    seen = set("".join(marks))
    return [(m, text) for m, text in LEGEND if m in seen]


def known(page: pages.Page, args: dict[str, str]) -> dict[str, str]:
    """The parameters a page understands, cleaned, empty ones left out: its canonical query."""
    names = set(page.params) | set(PAGE_ONLY.get(page.name, ()))
    return {k: clean(v) for k, v in args.items() if k in names and clean(v)}


def query(path: str, args: dict[str, str]) -> str:
    return path + ("?" + urlencode(args) if args else "")


def href(kind: str, ident: str, ext: str = "") -> str:
    return f"/{kind}/{quote(str(ident), safe='')}{ext}"


def twins(name: str, args: dict[str, str]) -> dict[str, str]:
    """The page's .json and .csv twins, with the parameters the command takes."""
    args = {k: v for k, v in args.items() if k in pages.PAGES[name].params}
    return {"json": query(f"/{name}.json", args), "csv": query(f"/{name}.csv", args)}


def asked(conn, args: dict[str, str]) -> list[str]:
    """What was asked, in words: each value resolved to the name it stands for."""
    out = []
    for key, value in args.items():
        if key not in ASKED or not value.strip():
            continue
        out.append(ASKED[key].format(_named(conn, key, value.strip())))
    return out


def _named(conn, key: str, value: str) -> str:
    if key in RESOLVED:
        ident = queries.resolve(conn, RESOLVED[key], value)
        if key == "source":
            return display.source_label(queries.source_rows(conn, ident)[0])
        return queries.labels(conn).get(ident, ident)
    if key in CLOSED:
        return vocab.label(CLOSED[key], queries.choose(key, value, vocab.values(CLOSED[key])))
    if key == "currency":
        return queries.choose(key, value, queries.CURRENCIES)
    return clean(value)


def headline(conn, page: pages.Page, args: dict[str, str]) -> str:
    """'Timeline: Kazakhstan, from 2000': the title says what was asked, in words."""
    said = asked(conn, args)
    return page.title + (": " + ", ".join(said) if said else "")


def fact_item(row: dict) -> dict:
    """What a fact shows in any list: its date as written, its marks, its title, linked."""
    marks = display.marks(row)
    return {"id": row["id"], "href": href("facts", row["id"]), "when": row.get("when") or "",
            "marks": marks, "mark_items": mark_items(marks), "title": row.get("title") or row["id"],
            "sources": source_links(row.get("sources") or [])}


def source_links(cited: list[dict]) -> list[tuple[str, str]]:
    """Each source a record cites, once, with its place on the sources page."""
    ids = dict.fromkeys(s["source"] for s in cited)
    return [(i, f"/sources#{quote(i, safe='')}") for i in ids]


def context(conn, page: pages.Page, args: dict[str, str]) -> dict:
    """Everything a page's template needs; UsageError or NotFound for what cannot be asked.
    Parameters the page does not know are ignored (a shared link carries tracking ones)."""
    rows = pages.records(conn, page, args, strict=False)
    args = known(page, args)
    out = {"page": page.name, "heading": headline(conn, page, args), "n": len(rows), "args": args,
           "asked": asked(conn, args), "twins": twins(page.name, args), "form": FORMS.get(page.name, []),
           "checkboxes": CHECKBOXES.get(page.name, []), "canonical": query(f"/{page.name}", args)}
    out.update(BUILD[page.name](conn, rows, args))
    out.setdefault("legend", legend_for([i["marks"] for i in out.pop("items_marked", [])]))
    return out


def _timeline(conn, rows: list[dict], args: dict) -> dict:
    sections: dict[str, list[dict]] = {}
    items = [fact_item(row) for row in rows]
    for row, item in zip(rows, items, strict=True):
        sections.setdefault((row.get("date") or "")[:4] or "Undated", []).append(item)
    undated = None
    if not args.get("with_undated"):
        asked_all = {**args, "with_undated": "1"}
        every = pages.records(conn, pages.PAGES["timeline"], asked_all, strict=False)
        undated = {"n": len(every) - len(rows), "href": query("/timeline", known(pages.PAGES["timeline"],
                                                                                  asked_all))}
    return {"sections": list(sections.items()), "picture": picture("timeline", conn, rows, args),
            "undated": undated, "items_marked": items}


def _oda(conn, rows: list[dict], args: dict) -> dict:
    names = queries.labels(conn)
    currency = pages.arguments(pages.PAGES["oda"], args).get("currency")
    currency = rows[0].get("converted_currency") if rows and currency else None
    table = oda_table(rows, currency, names)
    return {"table": table, "notes": oda_notes(rows, currency, names),
            "picture": picture("oda", conn, rows, args), "items_marked": [r["item"] for r in table["rows"]]}


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
    cells = [str(r["year"]), names.get(r["recipient"], r["recipient"])]
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
    """By host country, as `caj projects` lists them; asked for one country, all under its name
    (a project it shares with another country too), in the command's date order."""
    names = queries.labels(conn)
    one = queries.named(conn, "country", args.get("country"))
    groups: dict[str, list[dict]] = {}
    items = []
    for r in rows:
        who = dict.fromkeys(r["japanese_partners"] + r["local_partners"] + r["funders"])
        item = {**fact_item(r), "name": r["project_name"], "sector": names.get(r["sector"], r["sector"]),
                "sector_href": query("/timeline", {"topic": r["sector"]}) if r["sector"] else None,
                "status": vocab.label("status", r["status"]), "finance": r.get("finance"),
                "capacity": r.get("capacity"),
                "partners": [(names.get(w, w), href("entities", w)) for w in who]}
        host = one or r["host_country"]
        groups.setdefault(names.get(host, host), []).append(item)
        items.append(item)
    return {"groups": list(groups.items()), "items_marked": items}


PER_PAGE = 20


def _search(conn, rows: list[dict], args: dict) -> dict:
    """One page of hits with the matched words marked (the query layer's marks, highlighted by
    the template), and the way to the pages before and after."""
    arguments = pages.arguments(pages.PAGES["search"], args, strict=False)
    per = int(arguments.get("limit") or PER_PAGE)
    number = _page_number(args.get("page"))
    start = (number - 1) * per
    marked = queries.search(conn, arguments.get("text", ""), limit=min(start + per, 10000), marked=True)
    total, how = marked.total, marked.how
    hits = [{**fact_item(r), "href": href("facts" if r["record"] == "fact" else "entities", r["id"]),
             "kind": vocab.label("fact_kind", r["kind"]) if r["record"] == "fact" else r["kind"],
             "match": _segments(r["match"])} for r in marked[start:]]
    def at(n: int) -> str:
        return query("/search", {**args, "page": str(n)} if n > 1 else {k: v for k, v in args.items()
                                                                       if k != "page"})
    return {"hits": hits, "total": total, "how": how if hits else None, "first": start + 1,
            "last": start + len(hits), "nothing": total == 0 and display.no_hits(clean(args.get("q", ""))),
            "previous": at(number - 1) if number > 1 else None,
            "next": at(number + 1) if start + per < total else None, "items_marked": hits}


def _page_number(value: str | None) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        raise UsageError(f"{{page}} {literal(shown(value))} is not a number; give 1 or more",
                         ("page",)) from None
    if number < 1:
        raise UsageError(f"{{page}} {number} is out of range; give 1 or more", ("page",))
    return number


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
              "stance": vocab.label("stance", r["stance"]), "note": prose(r["note"])} for r in rows]
    return {"items": items, "items_marked": items}


# the sources page in the three groups it says it lists, in this order
SOURCE_GROUPS = ("The documents", "The public record", "Datasets")


def _group(source: dict) -> str:
    if source["document"]:
        return SOURCE_GROUPS[0]
    return SOURCE_GROUPS[2] if source["kind"] == "dataset" else SOURCE_GROUPS[1]


def source_item(r: dict) -> dict:
    return {"id": r["id"], "label": display.source_label(r), "url": r["url"], "publisher": r["publisher"],
            "kind": vocab.label("source_kind", r["kind"]),
            "when": r.get("when") or display.display_date(r["date"]),
            "n_facts": r.get("n_facts"), "author": r["author"], "checked": display.checked(r),
            "href": href("sources", r["id"]),
            "facts_href": query("/timeline", {"source": r["id"], "with_undated": "1"})}


def _sources(conn, rows: list[dict], args: dict) -> dict:
    groups: dict[str, list[dict]] = {g: [] for g in SOURCE_GROUPS}
    for r in rows:
        groups[_group(r)].append(source_item(r))
    return {"groups": [(g, items) for g, items in groups.items() if items], "legend": []}


BUILD = {"timeline": _timeline, "oda": _oda, "projects": _projects, "search": _search,
         "conflicts": _conflicts, "sources": _sources}


# --- pictures ---------------------------------------------------------------------------------


def picture(name: str, conn, rows: list[dict], args: dict) -> dict | None:
    """The picture `--plot` draws for the same question: its URL, a text alternative that gives
    what is drawn, and a caption that says what it is and where its figures are in words."""
    if not rows:
        return None
    if name == "timeline":
        alt, caption = timeline_alt(conn, rows, lanes(args)), TIMELINE_CAPTION
    else:
        _rows, currency = drawn_oda(conn, args)
        alt, caption = oda_alt(conn, args), ODA_CAPTION.format(display.SYMBOL.get(currency, currency))
    return {"src": query(f"/{name}.svg", args), "alt": alt, "caption": caption}


TIMELINE_CAPTION = "The facts drawn here, each with its sources, are listed below by year."
ODA_CAPTION = ("Japan's ODA by recipient and year, in {} million at each year's average rate; "
               "each figure as the source prints it is in the table above.")


def lanes(args: dict[str, str]) -> str:
    """The picture's lanes: one per country unless one per kind of fact is asked for."""
    return queries.choose("by", args.get("by") or None, BY) or "country"


def timeline_alt(conn, rows: list[dict], by: str = "country") -> str:
    names = queries.country_names(conn)
    counts: dict[str, int] = {}
    for r in rows:
        lane = display.lane(r, names, by)
        lane = vocab.label("fact_kind", lane) if by == "kind" else lane
        counts[lane] = counts.get(lane, 0) + 1
    first, last = rows[0].get("when") or "", rows[-1].get("when") or ""
    per = "one lane per country" if by == "country" else "one lane per kind of fact"
    said = "; ".join(f"{lane} {n}" for lane, n in counts.items())
    return (f"A timeline of {len(rows)} fact{'s' if len(rows) != 1 else ''}, from {first} to {last}, {per}, "
            f"each fact a bar across its date's range ({said}).")


def oda_alt(conn, args: dict[str, str]) -> str:
    """The bars as drawn: each figure in the picture's currency (US$ unless another is asked)."""
    rows, currency = drawn_oda(conn, args)
    names = queries.labels(conn)
    symbol = display.SYMBOL.get(currency, currency)
    bars = [r for r in rows if r.get("converted") is not None]
    figures = "; ".join(f"{names.get(r['recipient'], r['recipient'])} {r['year']}: "
                        f"{_millions(r):,.1f}{' †' if r['caveats'] else ''}" for r in bars[:12])
    more = f"; and {len(bars) - 12} more" if len(bars) > 12 else ""
    return (f"A bar chart of {len(bars)} ODA figure{'s' if len(bars) != 1 else ''} by recipient and year, "
            f"in {symbol} million ({figures}{more}).")


def _millions(r: dict) -> float:
    return r["converted"] * display.SCALE_FACTOR[r["scale"]] / 1e6


def drawn_oda(conn, args: dict[str, str]) -> tuple[list[dict], str]:
    """The ODA rows a picture draws, in its one currency, and that currency."""
    arguments = pages.arguments(pages.PAGES["oda"], args, strict=False)
    arguments["currency"] = arguments.get("currency") or "USD"
    rows = queries.oda(conn, **arguments)
    return rows, rows[0]["converted_currency"] if rows else arguments["currency"]


def draw(name: str, conn, args: dict[str, str]) -> bytes:
    """The SVG `caj NAME --plot` draws for these parameters (ODA in US$ unless asked otherwise)."""
    from caj.faces import plot

    if name == "oda":
        rows, currency = drawn_oda(conn, args)
        return plot.svg(plot.oda_figure(conn, rows, currency, _selection(conn, args)))
    page = pages.PAGES[name]
    rows = list(queries.timeline(conn, **pages.arguments(page, args, strict=False)))
    return plot.svg(plot.timeline_figure(conn, rows, lanes(args), _selection(conn, args)))


def _selection(conn, args: dict[str, str]) -> str:
    """The picture's title line: what was asked, each name resolved as the page's heading has it."""
    from caj.faces import plot

    skip = ("year", "with_undated", "currency", "by", "page")
    asked = {k: _named(conn, k, v.strip()) for k, v in args.items()
             if v.strip() and k in ASKED and k not in skip}
    if args.get("year", "").strip():
        asked["from"] = asked["to"] = args["year"]
    return plot.describe(asked)


# --- one record -------------------------------------------------------------------------------


def fact_card(conn, f: dict) -> dict:
    """`caj show` as a page: flags, values, names linked, citations grouped by stance."""
    urls = {s["id"]: s for s in queries.source_rows(conn)}
    flags = [(mark, text) for key, mark, text in display.MARKS if f.get(key)]
    actors = [{"name": e["name"], "role": vocab.label("role", e["role"]), "href": href("entities", e["id"])}
              for e in f["entities"] if e["kind"] not in ("country", "region")]
    countries = [{"name": n, "href": href("entities", c)} for c, n in zip(f["countries"], f["country_names"],
                                                                          strict=False)]
    topics = [{"name": n, "href": query("/timeline", {"topic": t})}
              for t, n in zip(f["topics"], f["topic_names"], strict=False)]
    groups = [(heading, [_citation(c, urls.get(c["source"], {})) for c in f["citations"]
                         if c["stance"] == stance]) for stance, heading in vocab.CHOICES["stance"]]
    marks = display.marks(f)
    return {"f": {**f, "summary": prose(f["summary"])}, "kind": vocab.label("fact_kind", f["kind"]),
            "status": vocab.label("status", f["status"]), "basis": vocab.label("date_basis", f["date_basis"]),
            "flags": flags, "actors": actors, "countries": countries, "topics": topics,
            "values": display.fact_values(f), "groups": [(h, cs) for h, cs in groups if cs],
            "marks": marks, "mark_items": mark_items(marks)}  # its flags say each mark in words


def _citation(c: dict, source: dict) -> dict:
    said = " · ".join(x for x in (c.get("value"), c.get("date")) if x)
    label = display.source_label({**source, "title": c.get("source_title") or source.get("title")})
    return {"source": c["source"], "source_href": f"/sources#{quote(c['source'], safe='')}", "label": label,
            "publisher": c.get("publisher"), "url": source.get("url"), "locator": prose(c["locator"]),
            "said": prose(said), "quote": prose(c.get("quote")), "note": prose(c.get("note")),
            "checked": display.checked(source)}


def entity_card(conn, e: dict) -> dict:
    """`caj show` of a country, organisation or person: its facts with the marks the timeline shows."""
    marked = {r["id"]: r for r in queries.timeline(conn, with_undated=True)}
    facts = [fact_item({**marked.get(f["id"], f), "sources": []}) for f in e["facts"]]
    codes = " · ".join(x for x in (e.get("iso2"), e.get("iso3")) if x)
    return {"e": e, "codes": codes, "facts": facts,
            "part_of": e.get("country_name") if e.get("country") else None,
            "part_of_href": href("entities", e["country"]) if e.get("country") else None,
            "legend": legend_for([f["marks"] for f in facts]),
            "facts_href": query("/timeline", {_filter(e): e["id"], "with_undated": "1"})}


def _filter(e: dict) -> str:
    """The timeline's parameter that finds an entity's facts."""
    return "country" if e["kind"] in ("country", "region") else "actor"


def source_card(conn, ident: str) -> dict:
    """A source's own page: what it is, whether it was checked, the facts it is cited for."""
    rows = [r for r in queries.sources(conn) if r["id"] == ident]
    if not rows:
        return {}
    return {"s": source_item(rows[0]), "heading": display.source_label(rows[0]),
            "legend": [], "twins": None}


def citation(conn, ref: str, path: str, base: str, build: dict, today: datetime.date) -> dict:
    """The block to cite a fact or source from: `caj cite`'s text, its BibTeX and CSL-JSON to
    download, this page's permanent address, the data version and the day it was read."""
    text = cite.render(queries.cite_items(conn, ref), "text").strip()
    return {"lines": [prose(line) for line in text.splitlines()], "bibtex": path + ".bib",
            "csl": path + ".csl.json", "permalink": base + path, "version": data_version(build),
            "accessed": display.display_date(today.isoformat())}


def data_version(build: dict) -> dict:
    """The data's version, as a footer and a citation name it: number, content hash, build day."""
    day = (build.get("build_time") or "")[:10]
    return {"number": build.get("data_version", ""), "hash": (build.get("content_hash") or "")[:12],
            "built": display.display_date(day) if day else ""}


# --- indexes ------------------------------------------------------------------------------------

# how each index can be arranged; the first is the default
FACT_ORDERS = (("kind", "by kind"), ("country", "by country"), ("name", "by title"))
ENTITY_ORDERS = (("kind", "by kind"), ("country", "by country"), ("name", "by name"))


def fact_index(conn, by: str) -> dict:
    """Every fact, undated statements too, arranged by kind, by country or by title."""
    rows = list(queries.timeline(conn, with_undated=True))
    names = queries.country_names(conn)
    items = sorted(((_fact_key(r, by, names), fact_item(r)) for r in rows),
                   key=lambda p: (p[0], p[1]["title"]))
    return {"heading": "Every fact", "by": by, "orders": FACT_ORDERS, "n": len(rows),
            "sections": _sections(items) if by != "name" else [("", [i for _k, i in items])],
            "legend": legend_for([i["marks"] for _k, i in items]), "canonical": query("/facts", _by(by))}


def _fact_key(r: dict, by: str, names: dict) -> str:
    if by == "kind":
        return vocab.label("fact_kind", r["kind"])
    if by == "country":
        return display.lane(r, names)
    return r["title"].casefold()


def entity_index(conn, by: str) -> dict:
    """Every country, organisation and person, arranged by kind, by country or by name."""
    rows = queries.entities(conn)
    names = queries.country_names(conn)
    shown = {r["id"]: queries.show(conn, r["id"]) for r in rows} if by == "country" else {}
    items = []
    for r in rows:
        key = {"kind": r["kind"], "name": r["title"].casefold()}.get(by) or \
            names.get(shown[r["id"]].get("country") or "", OTHER_PLACE)
        items.append((key, {"name": r["title"], "href": href("entities", r["id"]), "kind": r["kind"],
                            "n_facts": r["n_facts"], "id": r["id"]}))
    items.sort(key=lambda p: (p[0], p[1]["name"].casefold()))
    return {"heading": "Countries, organisations and people", "by": by, "orders": ENTITY_ORDERS,
            "n": len(rows), "sections": _sections(items) if by != "name" else [("", [i for _k, i in items])],
            "legend": [], "canonical": query("/entities", _by(by))}


OTHER_PLACE = "No country given"


def _by(by: str) -> dict[str, str]:
    return {} if by == "kind" else {"by": by}


def _sections(items: list[tuple[str, dict]]) -> list[tuple[str, list[dict]]]:
    out: dict[str, list[dict]] = {}
    for key, item in items:
        out.setdefault(key, []).append(item)
    return list(out.items())


def home(counts: dict[str, int | None], dated: int) -> dict:
    """The home page: the lookups as forms, and how much there is, each count a link to it."""
    undated = (counts.get("facts") or 0) - dated
    shown = [(dated, "dated facts", "/timeline"), (undated, "undated statements", "/timeline?with_undated=1"),
             (counts.get("citations") or 0, "citations", "/caj/citations"),
             (counts.get("sources") or 0, "sources", "/sources"),
             (counts.get("oda") or 0, "ODA figures", "/oda"),
             (counts.get("projects") or 0, "projects", "/projects"),
             (counts.get("entities") or 0, "countries, organisations and people", "/entities")]
    return {"heading": "Japan and Central Asia, fact by fact", "counts": shown, "forms": FORMS,
            "checkboxes": CHECKBOXES, "legend": [], "canonical": "/"}
