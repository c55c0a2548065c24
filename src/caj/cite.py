"""Citations for reports: a fact's or a source's citation as text, BibTeX or CSL-JSON.

A source whose real title is not known carries a description instead; every style shows it in
[square brackets], never in quotation marks, so no reader takes it for the source's own words.
"""

from __future__ import annotations

import json
import re
import sqlite3

from caj.queries import NotFound

STYLES = ("text", "bibtex", "csl-json")
CSL_TYPE = {"analysis": "report", "official": "document", "press": "article-newspaper",
            "dataset": "dataset"}
SOURCE_KEYS = ("id", "title", "description", "publisher", "author", "date", "url", "kind", "checked")
# "Institute (IDSA), New Delhi": the place a publisher's name ends with, after its parenthesis
PLACE = re.compile(r"^(.+\)), ([A-Z][a-z]+(?: [A-Z][a-z]+)?)$")


def citations(conn: sqlite3.Connection, ref: str) -> list[dict]:
    """The (source, locator, stance) items to cite for a fact id, or one source id."""
    source = conn.execute("SELECT * FROM sources WHERE id = ?", (ref,)).fetchone()
    if source is not None:
        return [{"source": _source(source), "locator": None, "stance": None, "fact": None}]
    rows = conn.execute(
        "SELECT c.locator, c.stance, c.quote, s.* FROM citations c "
        "JOIN sources s ON s.id = c.source_id WHERE c.fact_id = ? ORDER BY c.n", (ref,)).fetchall()
    if not rows:
        ids = [r[0] for r in conn.execute("SELECT id FROM facts UNION SELECT id FROM sources")]
        import difflib

        raise NotFound("fact or source id", ref, difflib.get_close_matches(ref, ids, n=3, cutoff=0.5))
    return [{"source": _source(r), "locator": r["locator"], "stance": r["stance"], "fact": ref,
             "quote": r["quote"]} for r in rows]


def all_sources(conn: sqlite3.Connection) -> list[dict]:
    """Every source, as items to cite, in id order."""
    return [{"source": _source(r), "locator": None, "stance": None, "fact": None}
            for r in conn.execute("SELECT * FROM sources ORDER BY id")]


def _source(row: sqlite3.Row) -> dict:
    # databases built before sources had a description have no such column
    have = row.keys()
    return {k: (row[k] if k in have else None) for k in SOURCE_KEYS}


def label(s: dict) -> str:
    """The title as a reader should see it: the real title, or the description in brackets."""
    if s.get("title"):
        return s["title"]
    return f"[{s['description']}]" if s.get("description") else f"[{s['id']}]"


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
    if item["stance"] and item["stance"] != "states":
        text += f" ({item['stance']} the claim)"
    if item.get("quote"):
        text += f" “{item['quote']}”"
    return text


def _sentence(text: str) -> str:
    """Close with a full stop unless the text already ends a sentence ("n.d." stays "n.d.")."""
    return text if text.endswith((".", "?", "!")) else text + "."


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _date_text(edtf: str | None) -> str:
    """'1997-07-24' -> '24 Jul 1997', '2024-10/2025' -> 'Oct 2024–2025', '2017~' -> 'c. 2017'."""
    if not edtf:
        return "n.d."
    if "/" in edtf:
        return "–".join(_date_text(end) for end in edtf.split("/") if end not in ("", ".."))
    core = edtf.rstrip("~?%")
    parts = core.split("-")
    if all(p.isdigit() for p in parts) and len(parts) > 1:
        core = " ".join([str(int(parts[2])) if len(parts) == 3 else "", MONTHS[int(parts[1]) - 1],
                         parts[0]]).strip()
    return f"c. {core}" if edtf.endswith(("~", "%")) else core


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
    note = [item["stance"] and item["stance"] != "states" and f"{item['stance']} the claim",
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
