"""Citations for reports: a fact's or a source's citation as text, BibTeX or CSL-JSON."""

from __future__ import annotations

import json
import re
import sqlite3

from caj.queries import NotFound

STYLES = ("text", "bibtex", "csl-json")
CSL_TYPE = {"analysis": "report", "official": "document", "press": "article-newspaper",
            "dataset": "dataset"}


def citations(conn: sqlite3.Connection, ref: str) -> list[dict]:
    """The (source, locator, stance, note) pairs to cite for a fact id, or one source id."""
    source = conn.execute("SELECT * FROM sources WHERE id = ?", (ref,)).fetchone()
    if source is not None:
        return [{"source": dict(source), "locator": None, "stance": None, "fact": None}]
    rows = conn.execute(
        "SELECT c.locator, c.stance, c.value, c.note, s.* FROM citations c "
        "JOIN sources s ON s.id = c.source_id WHERE c.fact_id = ? ORDER BY c.n", (ref,)).fetchall()
    if not rows:
        ids = [r[0] for r in conn.execute("SELECT id FROM facts UNION SELECT id FROM sources")]
        import difflib

        raise NotFound("fact or source id", ref, difflib.get_close_matches(ref, ids, n=3, cutoff=0.5))
    keys = ("id", "title", "publisher", "author", "date", "url", "kind")
    return [{"source": {k: r[k] for k in keys}, "locator": r["locator"], "stance": r["stance"],
             "fact": ref} for r in rows]


def render(items: list[dict], style: str) -> str:
    if style == "text":
        return "\n".join(as_text(i) for i in items) + "\n"
    if style == "bibtex":
        return "\n".join(as_bibtex(i, n) for n, i in enumerate(items, start=1))
    return json.dumps([as_csl(i, n) for n, i in enumerate(items, start=1)], ensure_ascii=False,
                      indent=2) + "\n"


def as_text(item: dict) -> str:
    s = item["source"]
    parts = [s["author"] or s["publisher"], f"“{s['title']}”"]
    if s["author"]:
        parts.append(s["publisher"])
    parts.append(_date_text(s["date"]))
    if s["url"]:
        parts.append(s["url"])
    text = ", ".join(p for p in parts if p) + "."
    if item["locator"]:
        text += f" {item['locator']}."
    if item["stance"] and item["stance"] != "states":
        text += f" ({item['stance']} the claim)"
    return text


def _date_text(edtf: str | None) -> str:
    if not edtf:
        return "n.d."
    if edtf.endswith("~"):
        return f"c. {edtf[:-1]}"
    return edtf.replace("/", "–")


def _year(edtf: str | None) -> str:
    m = re.match(r"\d{4}", edtf or "")
    return m.group() if m else ""


def as_bibtex(item: dict, n: int) -> str:
    s = item["source"]
    key = s["id"] if item["fact"] is None else f"{item['fact']}:{n}"
    fields = {"title": s["title"], "author": s["author"], "publisher": s["publisher"],
              "year": _year(s["date"]), "date": s["date"], "url": s["url"],
              "note": "; ".join(p for p in (item["locator"], item["stance"] and
                                            item["stance"] != "states" and f"{item['stance']} the claim")
                                if p) or None}
    body = ",\n".join(f"  {k} = {{{_bib_escape(v)}}}" for k, v in fields.items() if v)
    return f"@misc{{{key},\n{body}\n}}\n"


def _bib_escape(value: str) -> str:
    return re.sub(r"([&%$#_{}])", r"\\\1", str(value))


def as_csl(item: dict, n: int) -> dict:
    s = item["source"]
    out = {"id": s["id"] if item["fact"] is None else f"{item['fact']}:{n}",
           "type": CSL_TYPE.get(s["kind"], "document"), "title": s["title"], "publisher": s["publisher"]}
    if s["author"]:
        out["author"] = [{"literal": s["author"]}]
    if s["date"]:
        out["issued"] = _csl_date(s["date"])
    if s["url"]:
        out["URL"] = s["url"]
    if item["locator"]:
        out["locator"] = item["locator"]
    return out


def _csl_date(edtf: str) -> dict:
    ends = edtf.rstrip("~?%").split("/")
    parts = [[int(p) for p in end.split("-") if p.isdigit()] for end in ends if end not in ("", "..")]
    out: dict = {"date-parts": [p for p in parts if p]} if all(parts) else {"raw": edtf}
    if edtf.endswith(("~", "%")):
        out["circa"] = True
    return out
