"""What each reader page shows, from the query layer: names for ids, dates as written, the marks
and their legend, the notes the terminal's tables carry. The templates only lay it out.

No SQL here and no field of its own: records come from caj.reading.queries (through
faces.web.pages), labels from caj.core.vocab, wording from caj.core.display. Every page is in
the language the request speaks (core.i18n.current(), set by the plugin): the records in it
(question.answer), every word through the gettext catalog, every link to a reader page under
its prefix (/ru/timeline), so a reader stays in the language while following them."""

from __future__ import annotations

import datetime
import unicodedata
from urllib.parse import quote, urlencode

from caj.core import display, i18n, vocab
from caj.core.errors import UsageError, literal, shown
from caj.core.i18n import N_, _, ngettext
from caj.faces import cite
from caj.faces.web import pages
from caj.reading import lang as speech
from caj.reading import queries, questions

SHOW_HINT = N_("Each fact links to its page: every citation, quote and note.")
CAVEAT_TEXT = N_("the figure carries a caveat: see the notes")
# every mark a page can show, in legend order, with what it means
MEANINGS = {**{mark: text for _key, mark, text in display.MARKS}, display.UNDATED[0]: display.UNDATED[1],
            display.CAVEATED: CAVEAT_TEXT}
LEGEND = list(MEANINGS.items())


class Input:
    """A form field: a registry parameter as the form shows it: its URL name (the command's
    option, or the alias a form sends, `q`), its label and hint (the registry's, in English:
    the template says them through the catalog), and its closed set if it has one."""

    __slots__ = ("name", "label", "hint", "choices")

    def __init__(self, param: questions.Param) -> None:
        self.name = param.aliases[0] if param.aliases else param.name
        self.label, self.hint = param.label, param.hint
        self.choices = vocab.CHOICES[param.choices] if isinstance(param.choices, str) else None


def _form(name: str, fields: tuple[str, ...]) -> list[Input]:
    """A page's form: the fields of its question (and its picture) in the order the form asks."""
    q = questions.QUESTIONS[name]
    params = {p.name: p for p in (*q.on("web"), *(q.picture or ()))}
    return [Input(params[f]) for f in fields]


FORMS = {
    "timeline": _form("timeline", ("country", "from", "to", "topic", "kind", "status", "actor", "source",
                                   "by")),
    "oda": _form("oda", ("country", "year", "from", "to", "currency")),
    "projects": _form("projects", ("country", "sector", "partner", "status")),
    "search": _form("search", ("text", "limit")),
}
CHECKBOXES = {"timeline": [(p.name, p.label) for p in questions.QUESTIONS["timeline"].on("web")
                           if p.kind == "flag"]}
# parameters of a page that its data twins do not take: the picture's lanes, the page of hits
PAGE_ONLY = {"timeline": ("by",), "search": ("page",)}
BY = ("country", "kind")
# each parameter as a form calls it, for the messages a page shows
FIELD_NAMES = {i.name: i.label for inputs in FORMS.values() for i in inputs} | {"page": N_("Page")}
# how a heading says what was asked: each parameter's phrase, the value already resolved to a name
ASKED = {"q": N_("“{value}”"), "country": "{value}", "year": "{value}", "from": N_("from {value}"),
         "to": N_("to {value}"), "topic": N_("topic {value}"), "sector": N_("sector {value}"),
         "kind": "{value}", "status": "{value}", "actor": N_("with {value}"), "partner": N_("with {value}"),
         "source": N_("cited by {value}"), "currency": N_("converted to {value}"),
         "with_undated": N_("with undated statements")}
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
    names = {k: _(v) for k, v in FIELD_NAMES.items()}
    return exc.phrased(names) if isinstance(exc, UsageError) else exc.message


def mark_items(marks: str) -> list[tuple[str, str]]:
    """'+~' -> [('+', 'stated in both documents'), ('~', 'refined by the record')]."""
    return [(m, _(MEANINGS[m])) for m in marks if m in MEANINGS]


def legend_for(marks: list[str]) -> list[tuple[str, str]]:
    """The legend of the marks that occur on a page, in legend order."""
    seen = set("".join(marks))
    return [(m, _(text)) for m, text in LEGEND if m in seen]


def known(page: pages.Page, args: dict[str, str]) -> dict[str, str]:
    """The parameters a page understands, cleaned, empty ones left out: its canonical query."""
    names = set(page.params) | set(PAGE_ONLY.get(page.name, ()))
    return {k: clean(v) for k, v in args.items() if k in names and clean(v)}


def query(path: str, args: dict[str, str]) -> str:
    return path + ("?" + urlencode(args) if args else "")


def at(path: str, lang: str | None = None) -> str:
    """A reader page's address in a language (the one spoken, unless named): English's has no
    prefix, another's is under it: /timeline, /ru/timeline, / and /ru/."""
    lang = lang or i18n.current()
    return path if lang == speech.ENGLISH else f"/{lang}{path}"


def link(path: str, args: dict[str, str] | None = None) -> str:
    """A link to a reader page, in the language spoken."""
    return query(at(path), args or {})


def href(kind: str, ident: str, ext: str = "") -> str:
    return at(f"/{kind}/{quote(str(ident), safe='')}{ext}")


def twins(name: str, args: dict[str, str]) -> dict[str, str]:
    """The page's .json and .csv twins, with the parameters the command takes."""
    args = {k: v for k, v in args.items() if k in pages.PAGES[name].params}
    return {"json": link(f"/{name}.json", args), "csv": link(f"/{name}.csv", args)}


def names(conn) -> dict[str, str]:
    """Entity names and topic labels by id, in the language spoken."""
    return speech.labels(conn, i18n.current(), queries.labels(conn))


def country_names(conn) -> dict[str, str]:
    return speech.labels(conn, i18n.current(), queries.country_names(conn))


def label(choice: str, value: str) -> str:
    """A closed value as a reader reads it: its label, in the language spoken."""
    return _(vocab.label(choice, value))


def asked(conn, args: dict[str, str]) -> list[str]:
    """What was asked, in words: each value resolved to the name it stands for."""
    out = []
    for key, value in args.items():
        if key not in ASKED or not value.strip():
            continue
        out.append(_(ASKED[key]).format(value=_named(conn, key, value.strip())))
    return out


def _named(conn, key: str, value: str) -> str:
    if key in RESOLVED:
        ident = queries.resolve(conn, RESOLVED[key], value)
        if key == "source":
            return display.source_label(_source(conn, ident))
        return names(conn).get(ident, ident)
    if key in CLOSED:
        return label(CLOSED[key], queries.choose(key, value, vocab.values(CLOSED[key])))
    if key == "currency":
        return queries.choose(key, value, queries.CURRENCIES)
    return clean(value)


def headline(conn, page: pages.Page, args: dict[str, str]) -> str:
    """'Timeline: Kazakhstan, from 2000': the title says what was asked, in words."""
    said = asked(conn, args)
    return _(page.title) + (_(": ") + _(", ").join(said) if said else "")


def fact_item(row: dict) -> dict:
    """What a fact shows in any list: its date as written, its marks, its title, linked."""
    marks = display.marks(row)
    return {"id": row["id"], "href": href("facts", row["id"]), "when": row.get("when") or "",
            "marks": marks, "mark_items": mark_items(marks), "title": row.get("title") or row["id"],
            "sources": source_links(row.get("sources") or [])}


def source_links(cited: list[dict]) -> list[tuple[str, str]]:
    """Each source a record cites, once, with its place on the sources page."""
    ids = dict.fromkeys(s["source"] for s in cited)
    return [(i, source_place(i)) for i in ids]


def source_place(ident: str) -> str:
    return at("/sources") + f"#{quote(ident, safe='')}"


def _source(conn, ident: str) -> dict:
    """One source's record, in the language spoken."""
    return speech.localize(conn, "sources", queries.source_rows(conn, ident), i18n.current())[0]


def context(conn, page: pages.Page, args: dict[str, str]) -> dict:
    """Everything a page's template needs; UsageError or NotFound for what cannot be asked.
    Parameters the page does not know are ignored (a shared link carries tracking ones)."""
    rows = pages.records(conn, page, args, strict=False)
    args = known(page, args)
    out = {"page": page.name, "heading": headline(conn, page, args), "n": len(rows), "args": args,
           "asked": asked(conn, args), "twins": twins(page.name, args), "form": FORMS.get(page.name, []),
           "checkboxes": CHECKBOXES.get(page.name, []), "canonical": link(f"/{page.name}", args)}
    out.update(BUILD[page.name](conn, rows, args))
    out.setdefault("legend", legend_for([i["marks"] for i in out.pop("items_marked", [])]))
    return out


def _timeline(conn, rows: list[dict], args: dict) -> dict:
    sections: dict[str, list[dict]] = {}
    items = [fact_item(row) for row in rows]
    for row, item in zip(rows, items, strict=True):
        sections.setdefault((row.get("date") or "")[:4] or _("Undated"), []).append(item)
    undated = None
    if not args.get("with_undated"):
        asked_all = {**args, "with_undated": "1"}
        every = pages.records(conn, pages.PAGES["timeline"], asked_all, strict=False)
        undated = {"n": len(every) - len(rows), "href": link("/timeline", known(pages.PAGES["timeline"],
                                                                                 asked_all))}
    return {"sections": list(sections.items()), "picture": picture("timeline", conn, rows, args),
            "undated": undated, "items_marked": items}


def _oda(conn, rows: list[dict], args: dict) -> dict:
    named = names(conn)
    currency = pages.arguments(pages.PAGES["oda"], args).get("currency")
    currency = rows[0].get("converted_currency") if rows and currency else None
    table = oda_table(rows, currency, named)
    return {"table": table, "notes": oda_notes(rows, currency, named),
            "picture": picture("oda", conn, rows, args), "items_marked": [r["item"] for r in table["rows"]]}


def oda_table(rows: list[dict], currency: str | None, names: dict) -> dict:
    """Headers, rows of cells and the total row, as the terminal's ODA table has them."""
    measures = {r["measure"] for r in rows}
    stated = display.places(r["amount"] for r in rows)
    converted = display.places(r.get("converted") for r in rows)
    heads = [_("Year"), _("Recipient"), *([] if currency else [_("Amount")]), _("As printed"),
             *([_("Measure")] if len(measures) > 1 else []),
             *([currency, _("¥ per US$")] if currency else []),
             _("Sources")]
    body = [_oda_cells(r, currency, names, stated, converted, len(measures) > 1) for r in rows]
    total, why = queries.oda_total(rows)
    said, money, _what = display.oda_total_note(rows, total, why, bool(currency))
    foot = [said, money] if total is not None else []
    at_amount = heads.index(currency or _("Amount"))
    # the figures' columns, right-aligned: the amount (or its conversion) and the rate
    figures = {at_amount, *([at_amount + 1] if currency else [])}
    return {"heads": heads, "rows": body, "foot": foot, "foot_at": at_amount, "figures": figures}


def _oda_cells(r: dict, currency, names, stated: int, converted: int, measure: bool) -> dict:
    amount = display.money(r["amount"], r["currency"], r["scale"], places=stated)
    cells = [str(r["year"]), names.get(r["recipient"], r["recipient"])]
    cells += [] if currency else [amount]
    cells += [r["value_stated"]] + ([label("measure", r["measure"])] if measure else [])
    if currency:
        conv = (_("no rate") if r.get("converted") is None else
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
    named = names(conn)
    one = queries.named(conn, "country", args.get("country"))
    groups: dict[str, list[dict]] = {}
    items = []
    for r in rows:
        who = dict.fromkeys(r["japanese_partners"] + r["local_partners"] + r["funders"])
        item = {**fact_item(r), "name": r["project_name"], "sector": named.get(r["sector"], r["sector"]),
                "sector_href": link("/timeline", {"topic": r["sector"]}) if r["sector"] else None,
                "status": label("status", r["status"]), "finance": r.get("finance"),
                "capacity": r.get("capacity"),
                "partners": [(named.get(w, w), href("entities", w)) for w in who]}
        host = one or r["host_country"]
        groups.setdefault(named.get(host, host), []).append(item)
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
    marked = queries.search(conn, arguments.get("text", ""), limit=min(start + per, 10000), marked=True,
                            lang=i18n.current())
    total, how = marked.total, marked.how
    hits = [{**fact_item(r), "href": href("facts" if r["record"] == "fact" else "entities", r["id"]),
             "kind": label("fact_kind", r["kind"]) if r["record"] == "fact" else _(r["kind"]),
             "match": _segments(r["match"])} for r in marked[start:]]
    def numbered(n: int) -> str:
        return link("/search", {**args, "page": str(n)} if n > 1 else {k: v for k, v in args.items()
                                                                      if k != "page"})
    return {"hits": hits, "total": total, "how": how if hits else None, "first": start + 1,
            "last": start + len(hits), "nothing": total == 0 and display.no_hits(clean(args.get("q", ""))),
            "previous": numbered(number - 1) if number > 1 else None,
            "next": numbered(number + 1) if start + per < total else None, "items_marked": hits}


def _page_number(value: str | None) -> int:
    try:
        number = int(value or 1)
    except ValueError:
        raise UsageError(_("{page} {value} is not a number; give 1 or more").replace(
            "{value}", literal(shown(value))), ("page",)) from None
    if number < 1:
        raise UsageError(_("{page} {value} is out of range; give 1 or more").replace("{value}", str(number)),
                         ("page",))
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
              "stance": label("stance", r["stance"]), "note": prose(r["note"])} for r in rows]
    return {"items": items, "items_marked": items}


# the sources page in the three groups it says it lists, in this order
SOURCE_GROUPS = (N_("The documents"), N_("The public record"), N_("Datasets"))


def _group(source: dict) -> str:
    if source["document"]:
        return SOURCE_GROUPS[0]
    return SOURCE_GROUPS[2] if source["kind"] == "dataset" else SOURCE_GROUPS[1]


def source_item(r: dict) -> dict:
    return {"id": r["id"], "label": display.source_label(r), "label_lang": titled(r),
            "url": r["url"], "publisher": r["publisher"],
            "kind": label("source_kind", r["kind"]),
            "when": r.get("when") or display.display_date(r["date"]),
            "n_facts": r.get("n_facts"), "author": r["author"], "checked": display.checked(r),
            "href": href("sources", r["id"]),
            "facts_href": link("/timeline", {"source": r["id"], "with_undated": "1"})}


def titled(source: dict) -> str | None:
    """The language of a source's label: its own title is as the source prints it (English),
    a description in brackets is in the language spoken."""
    return speech.ENGLISH if source.get("title") else None


def _sources(conn, rows: list[dict], args: dict) -> dict:
    groups: dict[str, list[dict]] = {g: [] for g in SOURCE_GROUPS}
    for r in rows:
        groups[_group(r)].append(source_item(r))
    return {"groups": [(_(g), items) for g, items in groups.items() if items], "legend": []}


BUILD = {"timeline": _timeline, "oda": _oda, "projects": _projects, "search": _search,
         "conflicts": _conflicts, "sources": _sources}


# --- pictures ---------------------------------------------------------------------------------


def picture(name: str, conn, rows: list[dict], args: dict) -> dict | None:
    """The picture `--plot` draws for the same question: its URL, a text alternative that gives
    what is drawn, and a caption that says what it is and where its figures are in words."""
    if not rows:
        return None
    if name == "timeline":
        alt, caption = timeline_alt(conn, rows, lanes(args)), _(TIMELINE_CAPTION)
    else:
        _rows, currency = drawn_oda(conn, args)
        alt = oda_alt(conn, args)
        caption = _(ODA_CAPTION).format(currency=display.SYMBOL.get(currency, currency))
    return {"src": link(f"/{name}.svg", args), "alt": alt, "caption": caption}


TIMELINE_CAPTION = N_("The facts drawn here, each with its sources, are listed below by year.")
ODA_CAPTION = N_("Japan's ODA by recipient and year, in {currency} million at each year's average rate; "
                 "each figure as the source prints it is in the table above.")


def lanes(args: dict[str, str]) -> str:
    """The picture's lanes: one per country unless one per kind of fact is asked for."""
    return queries.choose("by", args.get("by") or None, BY) or "country"


def timeline_alt(conn, rows: list[dict], by: str = "country") -> str:
    named = country_names(conn)
    counts: dict[str, int] = {}
    for r in rows:
        lane = display.lane(r, named, by)
        lane = label("fact_kind", lane) if by == "kind" else lane
        counts[lane] = counts.get(lane, 0) + 1
    first, last = rows[0].get("when") or "", rows[-1].get("when") or ""
    per = _("one lane per country") if by == "country" else _("one lane per kind of fact")
    said = "; ".join(f"{lane} {n}" for lane, n in counts.items())
    return ngettext("A timeline of {n} fact, from {first} to {last}, {per}, each fact a bar across its "
                    "date's range ({counts}).",
                    "A timeline of {n} facts, from {first} to {last}, {per}, each fact a bar across its "
                    "date's range ({counts}).", len(rows)).format(n=len(rows), first=first, last=last,
                                                                  per=per, counts=said)


def oda_alt(conn, args: dict[str, str]) -> str:
    """The bars as drawn: each figure in the picture's currency (US$ unless another is asked)."""
    rows, currency = drawn_oda(conn, args)
    named = names(conn)
    symbol = display.SYMBOL.get(currency, currency)
    bars = [r for r in rows if r.get("converted") is not None]
    figures = "; ".join(f"{named.get(r['recipient'], r['recipient'])} {r['year']}: "
                        f"{display.num(round(_millions(r), 1), 1)}{' †' if r['caveats'] else ''}"
                        for r in bars[:12])
    more = _("; and {n} more").format(n=len(bars) - 12) if len(bars) > 12 else ""
    return ngettext("A bar chart of {n} ODA figure by recipient and year, in {currency} million ({figures}).",
                    "A bar chart of {n} ODA figures by recipient and year, in {currency} million ({figures}).",  # noqa: E501 (one msgid)
                    len(bars)).format(n=len(bars), currency=symbol, figures=figures + more)


def _millions(r: dict) -> float:
    return r["converted"] * display.SCALE_FACTOR[r["scale"]] / 1e6


def drawn_oda(conn, args: dict[str, str]) -> tuple[list[dict], str]:
    """The ODA rows a picture draws, in its one currency, and that currency."""
    arguments = pages.arguments(pages.PAGES["oda"], args, strict=False)
    arguments["currency"] = arguments.get("currency") or "USD"
    rows = questions.QUESTIONS["oda"].answer(conn, i18n.current(), **arguments)
    return rows, rows[0]["converted_currency"] if rows else arguments["currency"]


def draw(name: str, conn, args: dict[str, str]) -> bytes:
    """The SVG `caj NAME --plot` draws for these parameters (ODA in US$ unless asked otherwise)."""
    from caj.faces import plot

    if name == "oda":
        rows, currency = drawn_oda(conn, args)
        return plot.svg(plot.oda_figure(conn, rows, currency, _selection(conn, args)))
    page = pages.PAGES[name]
    rows = list(page.question.answer(conn, i18n.current(), **pages.arguments(page, args, strict=False)))
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
    urls = {s["id"]: s for s in speech.localize(conn, "sources", queries.source_rows(conn), i18n.current())}
    flags = [(mark, _(text)) for key, mark, text in display.MARKS if f.get(key)]
    actors = [{"name": e["name"], "role": label("role", e["role"]), "href": href("entities", e["id"])}
              for e in f["entities"] if e["kind"] not in ("country", "region")]
    countries = [{"name": n, "href": href("entities", c)} for c, n in zip(f["countries"], f["country_names"],
                                                                          strict=False)]
    topics = [{"name": n, "href": link("/timeline", {"topic": t})}
              for t, n in zip(f["topics"], f["topic_names"], strict=False)]
    groups = [(heading, [_citation(c, urls.get(c["source"], {})) for c in f["citations"]
                         if c["stance"] == stance]) for stance, heading in vocab.CHOICES["stance"]]
    marks = display.marks(f)
    return {"f": {**f, "summary": prose(f["summary"])}, "kind": label("fact_kind", f["kind"]),
            "status": label("status", f["status"]), "basis": label("date_basis", f["date_basis"]),
            "flags": flags, "actors": actors, "countries": countries, "topics": topics,
            "values": display.fact_values(f), "groups": [(_(h), cs) for h, cs in groups if cs],
            "marks": marks, "mark_items": mark_items(marks)}  # its flags say each mark in words


def _citation(c: dict, source: dict) -> dict:
    said = " · ".join(x for x in (c.get("value"), c.get("date")) if x)
    label = display.source_label({**source, "title": c.get("source_title") or source.get("title")})
    return {"source": c["source"], "source_href": source_place(c["source"]), "label": label,
            "label_lang": titled({**source, "title": c.get("source_title") or source.get("title")}),
            "publisher": c.get("publisher"), "url": source.get("url"), "locator": prose(c["locator"]),
            "said": prose(said), "quote": prose(c.get("quote")), "note": prose(c.get("note")),
            "checked": display.checked(source)}


def entity_card(conn, e: dict) -> dict:
    """`caj show` of a country, organisation or person: its facts with the marks the timeline shows."""
    every = questions.QUESTIONS["timeline"].answer(conn, i18n.current(), with_undated=True)
    marked = {r["id"]: r for r in every}
    facts = [fact_item({**marked.get(f["id"], f), "sources": []}) for f in e["facts"]]
    codes = " · ".join(x for x in (e.get("iso2"), e.get("iso3")) if x)
    return {"e": e, "codes": codes, "facts": facts, "kind": _(e["kind"]),
            "part_of": (country_names(conn).get(e["country"], e.get("country_name"))
                        if e.get("country") else None),
            "part_of_href": href("entities", e["country"]) if e.get("country") else None,
            "legend": legend_for([f["marks"] for f in facts]),
            "facts_href": link("/timeline", {_filter(e): e["id"], "with_undated": "1"})}


def _filter(e: dict) -> str:
    """The timeline's parameter that finds an entity's facts."""
    return "country" if e["kind"] in ("country", "region") else "actor"


def source_card(conn, ident: str) -> dict:
    """A source's own page: what it is, whether it was checked, the facts it is cited for."""
    rows = [r for r in questions.QUESTIONS["sources"].answer(conn, i18n.current()) if r["id"] == ident]
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
            "accessed": day(today.isoformat())}


def data_version(build: dict) -> dict:
    """The data's version, as a footer and a citation name it: number, content hash, build day."""
    built = (build.get("build_time") or "")[:10]
    return {"number": build.get("data_version", ""), "hash": (build.get("content_hash") or "")[:12],
            "built": day(built) if built else ""}


def day(iso: str) -> str:
    """A day as the language spoken writes it (CLDR's long form: 3 декабря 2025 г., 2025年12月3日);
    the web face may use Babel, which the lookup path does not import."""
    lang = i18n.current()
    if lang == speech.ENGLISH:
        return display.display_date(iso)
    from babel.dates import format_date

    return format_date(datetime.date.fromisoformat(iso), "long", locale=lang)


# --- indexes ------------------------------------------------------------------------------------

# how each index can be arranged; the first is the default
FACT_ORDERS = (("kind", N_("by kind")), ("country", N_("by country")), ("name", N_("by title")))
ENTITY_ORDERS = (("kind", N_("by kind")), ("country", N_("by country")), ("name", N_("by name")))


def fact_index(conn, by: str) -> dict:
    """Every fact, undated statements too, arranged by kind, by country or by title."""
    rows = list(questions.QUESTIONS["timeline"].answer(conn, i18n.current(), with_undated=True))
    named = country_names(conn)
    items = sorted(((_fact_key(r, by, named), fact_item(r)) for r in rows),
                   key=lambda p: (p[0], p[1]["title"]))
    return {"heading": _("Every fact"), "by": by, "orders": FACT_ORDERS, "n": len(rows),
            "sections": _sections(items) if by != "name" else [("", [i for _k, i in items])],
            "legend": legend_for([i["marks"] for _k, i in items]), "canonical": link("/facts", _by(by))}


def _fact_key(r: dict, by: str, names: dict) -> str:
    if by == "kind":
        return label("fact_kind", r["kind"])
    if by == "country":
        return display.lane(r, names)
    return r["title"].casefold()


def entity_index(conn, by: str) -> dict:
    """Every country, organisation and person, arranged by kind, by country or by name."""
    rows = speech.localize(conn, "actors", queries.entities(conn), i18n.current())
    named = country_names(conn)
    shown = {r["id"]: queries.show(conn, r["id"]) for r in rows} if by == "country" else {}
    items = []
    for r in rows:
        key = {"kind": _(r["kind"]), "name": r["title"].casefold()}.get(by) or \
            named.get(shown[r["id"]].get("country") or "", _(OTHER_PLACE))
        items.append((key, {"name": r["title"], "href": href("entities", r["id"]), "kind": _(r["kind"]),
                            "n_facts": r["n_facts"], "id": r["id"]}))
    items.sort(key=lambda p: (p[0], p[1]["name"].casefold()))
    return {"heading": _("Countries, organisations and people"), "by": by, "orders": ENTITY_ORDERS,
            "n": len(rows), "sections": _sections(items) if by != "name" else [("", [i for _k, i in items])],
            "legend": [], "canonical": link("/entities", _by(by))}


OTHER_PLACE = N_("No country given")


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
    n = {k: counts.get(k) or 0 for k in ("citations", "sources", "oda", "projects", "entities")}
    shown = [(ngettext("{n} dated fact", "{n} dated facts", dated), link("/timeline")),
             (ngettext("{n} undated statement", "{n} undated statements", undated),
              link("/timeline", {"with_undated": "1"})),
             (ngettext("{n} citation", "{n} citations", n["citations"]), "/caj/citations"),
             (ngettext("{n} source", "{n} sources", n["sources"]), link("/sources")),
             (ngettext("{n} ODA figure", "{n} ODA figures", n["oda"]), link("/oda")),
             (ngettext("{n} project", "{n} projects", n["projects"]), link("/projects")),
             (ngettext("{n} country, organisation or person", "{n} countries, organisations and people",
                       n["entities"]), link("/entities"))]
    counted = [dated, undated, *n.values()]
    return {"heading": _("Japan and Central Asia, fact by fact"),
            "counts": [(number, words, url) for number, (words, url) in zip(counted, shown, strict=True)],
            "forms": FORMS, "checkboxes": CHECKBOXES, "legend": [], "canonical": link("/")}
