"""Citations for reports: a fact's or a source's citation as text, BibTeX or CSL-JSON.

A source whose real title is not known carries a description instead; every style shows it in
[square brackets], never in quotation marks, so no reader takes it for the source's own words.
"""

from __future__ import annotations

import json
import re

from caj.core.display import display_date, source_label
from caj.core.i18n import N_, _

STYLES = ("text", "bibtex", "csl-json")
CSL_TYPE = {"analysis": "report", "official": "document", "press": "article-newspaper",
            "dataset": "dataset"}
# what a citation that does not simply state a claim says of it
STANCE_NOTE = {"supports": N_("supports the claim"), "refines": N_("refines the claim"),
               "contradicts": N_("contradicts the claim")}
# "Institute (IDSA), New Delhi": the place a publisher's name ends with, after its parenthesis
PLACE = re.compile(r"^(.+\)), ([A-Z][a-z]+(?: [A-Z][a-z]+)?)$")


label = source_label


def render(items: list[dict], style: str) -> str:
    if style == "text":
        return "\n".join(as_text(i) for i in items) + "\n"
    if style == "bibtex":
        return "\n".join(as_bibtex(i, n) for n, i in enumerate(items, start=1))
    return json.dumps([as_csl(i, n) for n, i in enumerate(items, start=1)], ensure_ascii=False,
                      indent=2) + "\n"


# --- text -------------------------------------------------------------------------------------


def as_text(item: dict) -> str:
    s = item["source"]
    title = f"“{s['title']}”" if s.get("title") else label(s)
    parts = [s["author"] or s["publisher"], title]
    if s["author"]:
        parts.append(s["publisher"])
    parts += [_date_text(s["date"]), s["url"]]
    text = _sentence(", ".join(p for p in parts if p))
    if item["locator"]:
        text += " " + _sentence(item["locator"])
    if item["stance"] in STANCE_NOTE:
        text += f" ({_(STANCE_NOTE[item['stance']])})"
    if item.get("quote"):
        text += f" “{item['quote']}”"
    return text


def _sentence(text: str) -> str:
    """Close with a full stop unless the text already ends a sentence ("n.d." stays "n.d.")."""
    return text if text.endswith((".", "?", "!")) else text + "."


def _date_text(edtf: str | None) -> str:
    """A source's date as written (display.display_date), or 'n.d.' when it gives none."""
    return display_date(edtf) or _("n.d.")


def _year(edtf: str | None) -> str:
    m = re.match(r"\d{4}", edtf or "")
    return m.group() if m else ""


# --- BibTeX -----------------------------------------------------------------------------------


def bib_type(s: dict) -> str:
    return "article" if s["kind"] == "press" else "misc"


def bib_fields(item: dict) -> dict[str, str]:
    """The fields of one entry, unescaped; press reports name their outlet as the journal, so
    standard styles print it. Empty fields are left out."""
    s = item["source"]
    outlet = "journal" if s["kind"] == "press" else "howpublished"
    stance = item["stance"] if item["stance"] not in (None, "states") else None
    fields = {"title": label(s), outlet: s["publisher"], "year": _year(s["date"]), "date": s["date"],
              "url": s["url"],
              "note": "; ".join(p for p in (item["locator"], stance and f"{stance} the claim",
                                            item.get("quote") and f"“{item['quote']}”") if p)}
    return {k: v for k, v in fields.items() if v}


def as_bibtex(item: dict, n: int) -> str:
    s = item["source"]
    key = s["id"] if item["fact"] is None else f"{item['fact']}:{n}"
    fields = bib_fields(item)
    if s["author"]:
        fields = {"author": s["author"], **fields}
    body = ",\n".join(f"  {k} = {{{_bib_escape(v)}}}" for k, v in fields.items())
    return f"@{bib_type(s)}{{{key},\n{body}\n}}\n"


def _bib_escape(value: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", str(value))


# --- CSL-JSON ---------------------------------------------------------------------------------


def as_csl(item: dict, n: int) -> dict:
    """A CSL-JSON item; only keys of the CSL data schema, so no processor drops a field."""
    s = item["source"]
    out = {"id": s["id"] if item["fact"] is None else f"{item['fact']}:{n}",
           "type": CSL_TYPE.get(s["kind"], "document"), "title": label(s)}
    out.update(_csl_publisher(s))
    if s["author"]:
        out["author"] = [{"literal": s["author"]}]
    elif "publisher" in out:  # the institution stands as author, as styles expect of reports
        out["author"] = [{"literal": out["publisher"]}]
    if s["date"]:
        out["issued"] = _csl_date(s["date"])
    if s["url"]:
        out["URL"] = s["url"]
    if s.get("checked"):  # the day the page was read against a stored copy
        out["accessed"] = _csl_date(s["checked"])
    if item["locator"]:
        out["locator"] = item["locator"]
    if item.get("language"):  # the language the item's title is in (CSL's `language`)
        out["language"] = item["language"]
    note = [item["stance"] in STANCE_NOTE and _(STANCE_NOTE[item["stance"]]),
            item.get("quote") and f"“{item['quote']}”"]
    if any(note):
        out["note"] = "; ".join(n for n in note if n)
    return out


def _csl_publisher(s: dict) -> dict:
    if not s["publisher"]:
        return {}
    if s["kind"] == "press":  # the outlet is where the report appeared
        return {"container-title": s["publisher"]}
    m = PLACE.match(s["publisher"])
    return {"publisher": m.group(1), "publisher-place": m.group(2)} if m else {"publisher": s["publisher"]}


def _csl_date(edtf: str) -> dict:
    ends = edtf.rstrip("~?%").split("/")
    parts = [[int(p) for p in end.split("-") if p.isdigit()] for end in ends if end not in ("", "..")]
    out: dict = {"date-parts": [p for p in parts if p]} if all(parts) else {"raw": edtf}
    if edtf.endswith(("~", "%")):
        out["circa"] = True
    return out
