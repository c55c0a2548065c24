"""How caj says things to a reader, in every face: numbers, money, dates as written, the marks on a
fact, the wording of caveats, a source's label, a fact's lane. Stdlib only; no face has its own."""

from __future__ import annotations

import re

from caj.core import vocab
from caj.core.i18n import N_, _, listing, numbers, sentence

SCALE_FACTOR = {"unit": 1, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SYMBOL = {"USD": "US$", "JPY": "¥"}


# --- numbers and money ------------------------------------------------------------------------


def num(value: float, places: int = 2) -> str:
    """1600 -> '1,600'; 0.57 -> '0.57'; 7.5 -> '7.5': no trailing zeros, thousands separated
    (in Russian 1 600 and 0,57: the reader's language's separators)."""
    return _local(_english(value, places))


def _english(value: float, places: int = 2) -> str:
    return f"{value:,.{places}f}".rstrip("0").rstrip(".") if value % 1 else f"{value:,.0f}"


def _local(figure: str) -> str:
    """An English-written figure with the separators of the language spoken."""
    n = numbers()
    if not n:
        return figure
    return figure.replace(",", "\0").replace(".", n["decimal"]).replace("\0", n["group"])


def money(amount, currency, scale, ceiling=False, instrument=None, places: int | None = None) -> str:
    """'up to US$400 million (loan)'; `places` fixes the decimals, so amounts side by side align.
    In another language, as it writes money: '1158,29 млн иен', '1,158.29百万円'."""
    if amount is None:
        return ""
    figure = _local(f"{amount:,.{places}f}") if places is not None else num(amount)
    n = numbers()
    if n:
        scaled = "" if scale in (None, "unit") else n["scales"][scale]
        text = n["money"].format(amount=figure, scale=scaled, currency=n["currencies"][currency])
        text = re.sub(" {2,}", " ", text).strip()  # no scale word: no gap left where it would stand
    else:
        text = f"{SYMBOL.get(currency, (currency or '') + ' ')}{figure}"
        text += "" if scale in (None, "unit") else f" {scale}"
    if ceiling:
        text = _("up to {money}").format(money=text)
    return f"{text} ({_(instrument)})" if instrument else text


def places(amounts) -> int:
    """The decimals that show every amount of a column exactly (at most 2), so they align."""
    return max([0, *(len(_english(a).partition(".")[2]) for a in amounts if a is not None)])


def capacity(value, unit) -> str | None:
    return f"{num(value)} {unit}" if value else None


# --- dates as written -------------------------------------------------------------------------


def display_date(value: str | None) -> str | None:
    """An EDTF date as a reader says it, claiming no more precision than it has:
    '1997~' -> 'c. 1997', '199X' -> '1990s', '2024-08' -> 'Aug 2024', '2006/2009' -> '2006–2009'."""
    if not value:
        return None
    if "/" in value:
        start, end = value.split("/", 1)
        if start in ("", ".."):
            return f"by {display_date(end)}"
        if end in ("", ".."):
            return f"from {display_date(start)}"
        return f"{display_date(start)}–{display_date(end)}"
    qual = value[-1] if value[-1] in "~?%" else ""
    text = _plain(value.rstrip("~?%"))
    return {"~": f"c. {text}", "?": f"{text}?", "%": f"c. {text}?"}.get(qual, text)


def _plain(core: str) -> str:
    if re.fullmatch(r"\d{3}X", core):
        return f"{core[:3]}0s"
    if re.fullmatch(r"\d{2}XX", core):
        return f"{core[:2]}00s"
    parts = core.split("-")
    if len(parts) == 3:
        return f"{int(parts[2])} {MONTHS[int(parts[1]) - 1]} {parts[0]}"
    if len(parts) == 2:
        return f"{MONTHS[int(parts[1]) - 1]} {parts[0]}"
    return core


# --- marks and caveats ------------------------------------------------------------------------

MARKS = (("corroborated", "+", N_("stated in both documents")),
         ("disputed", "!", N_("contradicted by the record")), ("refined", "~", N_("refined by the record")))
UNDATED = ("*", N_("undated in the document: dated as of the document itself"))
CAVEATED = "†"


def legend() -> str:
    """The key to the marks, as a table's notes give it, in the reader's language."""
    said = (_("stated in both documents"), _("contradicted by the record"), _("refined by it"))
    first = "   ".join(f"{mark} {text}" for (_key, mark, _text), text in zip(MARKS, said, strict=True))
    return f"{first}\n{UNDATED[0]} {_(UNDATED[1])}"


def marks(row: dict) -> str:
    """The marks a fact carries, in legend order: '+', '!~', '*', '†'."""
    out = "".join(mark for key, mark, _ in MARKS if row.get(key))
    out += UNDATED[0] if row.get("date_basis") == "source" else ""
    return out + (CAVEATED if row.get("caveats") else "")


# a pattern, not a compiled one: only the build reads it (re caches it there), never a lookup
CURRENCY_MARKS = r"[¥$€£]|\b(?:yen|JPY|USD|US\s?dollars?|dollars?)\b"


def oda_caveats(*, value_stated: str, currency: str, year_basis: str, measure: str,
                confirmed: bool, disputed: bool) -> list[str]:
    """What caj cannot vouch for in an ODA figure, in words a reader can put in a footnote. The
    build stores them; every face reads them."""
    out = []
    if not confirmed:
        out.append("not confirmed by a public-record source")
    if disputed:
        out.append("contradicted by a public-record source")
    if not re.search(CURRENCY_MARKS, value_stated or "", re.IGNORECASE):
        out.append(f"currency not printed, read as {currency}")
    if year_basis == "unspecified":
        out.append("calendar or fiscal year not stated")
    if measure == "unspecified":
        out.append("not stated whether disbursed or committed")
    return out


def conversion_caveat(year: int, rate: float | None, source: str | None) -> str:
    if rate is None:
        return _("no exchange rate for {year}: not converted").format(year=year)
    return _("converted at ¥{rate} per US$, the {year} annual average ({source})").format(
        rate=f"{rate:.2f}", year=year, source=source)


# the caveats the build stores, in English in every machine format; a table says them in words
CAVEATS = (N_("not confirmed by a public-record source"), N_("contradicted by a public-record source"),
           N_("currency not printed, read as JPY"), N_("currency not printed, read as USD"),
           N_("calendar or fiscal year not stated"), N_("not stated whether disbursed or committed"))


def caveat(text: str) -> str:
    """A stored caveat in the reader's language (a conversion's is made in it already)."""
    return _(text)


def caveat_groups(rows: list[dict], label, skip: tuple[str, ...] = ()) -> dict[str, list[str]]:
    """Each caveat once, in first-seen order, with the labels of the rows it applies to."""
    which: dict[str, list[str]] = {}
    for r in rows:
        for c in r.get("caveats") or []:
            if not (skip and c.startswith(skip)):
                which.setdefault(c, []).append(label(r))
    return which


def oda_caption(rows: list[dict], currency: str | None) -> str:
    """The first note of an ODA table: what the amounts are, and the rate of any conversion."""
    measures = {r["measure"] for r in rows}
    if len(measures) == 1 and rows:
        text = _("Amounts as the sources state them; each a {measure}.").format(
            measure=_(vocab.label("measure", next(iter(measures)))))
    else:
        text = _("Amounts as the sources state them.")
    if currency:
        text += " " + _("{currency} at the annual average rate of the figure's year: World Bank WDI "
                        "PA.NUS.FCRF (source {source}).").format(currency=currency, source=vocab.RATE_SOURCE)
    return text


def caveat_notes(rows: list[dict], label) -> list[str]:
    """Each caveat once, with the rows it applies to: '† not confirmed ...: all rows'."""
    which = caveat_groups(rows, label)
    every = _("all rows")
    return [f"{CAVEATED} {caveat(c)}: " + (every if len(applies) == len(rows) > 1 else listing(applies))
            for c, applies in which.items()]


def oda_total_note(rows: list[dict], total: float | None, why: str, converted: bool) -> tuple[str, str, str]:
    """(the total's label, the total as money, the sentence saying what it adds up or why there is
    none), as the ODA table's footer and notes say them."""
    if total is None:
        return "", "", (sentence(f"{why[:1].upper()}{why[1:]}") if len(rows) > 1 else "")  # a sentence
    r0 = rows[0]
    cur = r0.get("converted_currency") or r0["currency"]
    flag = f" {CAVEATED}" if any(r["caveats"] for r in rows) else ""
    what = (_("Total: the sum of {n} {measure} figures for {year}, in {currency} {scale} as converted")
            if converted else _("Total: the sum of {n} {measure} figures for {year}, in {currency} {scale}")
            ).format(n=len(rows), measure=_(r0["measure"]), year=r0["year"], currency=cur,
                     scale=_(r0["scale"]))
    what = what + _("; it carries every caveat of its rows.") if flag else sentence(what)
    decimals = places(r.get("converted" if converted else "amount") for r in rows)
    return _("Total") + flag, money(total, cur, r0["scale"], places=decimals), what


def fact_values(f: dict) -> list[tuple[str, str]]:
    """A fact card's value lines, (label, text), from its oda, figure or project block (`caj show`)."""
    out = []
    if "oda" in f:
        o = f["oda"]
        out.append((_("Value"), _("{money}, {measure}, {year} (printed: {stated})").format(
            money=money(o['amount'], o['currency'], o['scale']), measure=_(o['measure']), year=o['year'],
            stated=o['value_stated'])))
    if "figure" in f:
        g = f["figure"]
        value = f"{num(g['value'])} {g['unit']}" if g.get("value") is not None else g["value_display"]
        qualifier = f" ({g['qualifier']})" if g.get("qualifier") else ""
        out.append((_("Value"), f"{g['quantity']}: {value}{qualifier}"))
    if "project" in f:
        p = f["project"]
        out.append((_("Project"), p["name"]))
        cost = money(p["finance_amount"], p["finance_currency"], p["finance_scale"],
                     p["finance_ceiling"], p["finance_instrument"])
        size = "; ".join(x for x in (cost, capacity(p["capacity_value"], p["capacity_unit"]) or "") if x)
        out.append((_("Size"), size))
    return [(label, text) for label, text in out if text]


# --- sources and lanes ------------------------------------------------------------------------

def no_hits(asked: str) -> str:
    """What a search that finds nothing says, and what to try instead (the command and the page)."""
    return _("nothing matches {asked}; try fewer words or a prefix like rail*").format(asked=asked)


UNCHECKED = N_("not checked against a copy")


def checked(source: dict) -> str:
    """What a reader is told of a source's check: the day its page was read against a stored copy,
    or that it was not; nothing for the documents themselves (they are the texts curated)."""
    if source.get("checked"):
        return _("checked {day}").format(day=source["checked"])
    return "" if source.get("document") else _(UNCHECKED)


def source_label(s: dict) -> str:
    """A source's real title as it is; a supplied description in [square brackets], never quoted."""
    if s.get("title"):
        return s["title"]
    return f"[{s['description']}]" if s.get("description") else f"[{s.get('id', '')}]"


def lane(fact: dict, names: dict[str, str], by: str = "country") -> str:
    """The lane (TimelineJS group, picture row) a fact belongs in: its Central Asian country when it
    has exactly one, Central Asia when it concerns several or the region, else Japan or Other."""
    if by == "kind":
        return fact["kind"]
    countries = fact.get("countries") or []
    focus = [c for c in countries if c in vocab.FOCUS]
    if len(focus) == 1:
        return names.get(focus[0], focus[0])
    if focus or vocab.REGION in countries:
        return names.get(vocab.REGION, "Central Asia")
    if "japan" in countries:
        return names.get("japan", "Japan")
    return _("Other countries")
