"""`caj show` on a terminal: one fact or one entity as a card a person reads, wrapped at spaces
only so that every id stays whole. Machine formats get the same record as data (views.py)."""

from __future__ import annotations

from typing import TextIO

from caj.core import display, vocab
from caj.core.i18n import _, listing
from caj.faces.terminal import render

STANCES = vocab.CHOICES["stance"]  # (stance, heading) in the order a card lists them


class Card:
    """Lines of text with a style each, wrapped to a width."""

    def __init__(self, width: int) -> None:
        self.width, self.lines = width, []

    def add(self, text: str = "", style: str | None = None, indent: int = 0, hang: int = 0) -> None:
        """Wrapped at spaces; lines after the first indented `hang` more (under the text, not
        under a date that leads it)."""
        first, *rest = render.wrap(text, self.width - indent) if text else [""]
        self.lines.append((" " * indent + first, style))
        if rest:
            for line in render.wrap(" ".join(rest), self.width - indent - hang):
                self.lines.append((" " * (indent + hang) + line, style))

    def field(self, label: str, text: str | None) -> None:
        if text:
            self.add(f"{label}: {text}")


def draw(record: dict, out: TextIO) -> None:
    from rich.text import Text

    console = render.make_console(out)
    card = Card(console.width)
    (_fact if "summary" in record else _entity)(card, record)
    for line, style in card.lines:
        console.print(Text(line, style=style), soft_wrap=True)


def _fact(card: Card, f: dict) -> None:
    card.add(f["title"], "bold")
    basis = _(vocab.label("date_basis", f["date_basis"]))
    kind, status = _(vocab.label("fact_kind", f["kind"])), _(vocab.label("status", f["status"]))
    card.add(f"{f['id']} · {kind} · {status} · {f['when']} ({basis})", "dim")
    flags = [f"{mark} {_(text)}" for key, mark, text in display.MARKS if f[key]]
    if flags:
        card.add("   ".join(flags))
    card.add()
    card.add(f["summary"])
    card.add()
    card.field(_("Countries"), listing(f["country_names"]))
    actors = [f"{e['name']} ({_(vocab.label('role', e['role']))})" for e in f["entities"]
              if e["kind"] not in ("country", "region")]
    card.field(_("Actors"), listing(actors))
    card.field(_("Topics"), listing(f["topic_names"]))
    _value(card, f)
    for stance, heading in STANCES:
        cites = [c for c in f["citations"] if c["stance"] == stance]
        if cites:
            card.add()
            card.add(_(heading), "bold")
            for c in cites:
                _citation(card, c)


def _value(card: Card, f: dict) -> None:
    for label, text in display.fact_values(f):
        card.field(label, text)


def _citation(card: Card, c: dict) -> None:
    said = " · ".join(x for x in (c.get("value"), c.get("date")) if x)
    card.add(f"{c['source']}, {c['locator']}" + (f": {said}" if said else ""), indent=2)
    if not c.get("source_checked") and not c.get("source_document"):
        card.add(f"({_(display.UNCHECKED)})", "dim", indent=4)
    if c.get("quote"):
        card.add(f"“{c['quote']}”", "italic", indent=4)
    if c.get("note"):
        card.add(c["note"], "dim", indent=4)


def _entity(card: Card, e: dict) -> None:
    card.add(e["title"], "bold")
    codes = " · ".join(x for x in (e.get("iso2"), e.get("iso3")) if x)
    card.add(" · ".join(x for x in (e["id"], _(e["kind"]), codes) if x), "dim")
    card.add()
    card.field(_("Also"), listing(e["aliases"]))
    card.field(_("Part of"), e.get("country_name") if e.get("country") else None)
    card.field(_("Note"), e.get("note"))
    card.add()
    card.add(_("Facts ({n})").format(n=e["n_facts"]), "bold")
    for f in e["facts"]:
        mark = " *" if f["date_basis"] == "source" else ""
        lead = f"{f['when']}{mark}  "
        card.add(lead + f["title"], indent=2, hang=len(lead))
        card.add(f["id"], "dim", indent=4)
    if any(f["date_basis"] == "source" for f in e["facts"]):
        card.add()
        card.add(f"{display.UNDATED[0]} {_(display.UNDATED[1])}", "dim")
