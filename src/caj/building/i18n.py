"""The curated records in other languages: gettext catalogs in data/locale/LANG/, one entry per
English text a reader sees (a fact's title and summary, a citation's note and locator, a
source's description and reliability, an entity's name and note, a topic's label, a project's
name, a figure's words). The English is the msgid, so a translation of an older English text no
longer matches and is not used: the record falls back to English, marked, until it is revised.

    python -m caj.building.i18n update      # data/locale/*/*.po brought up to data/ (new
                                            # entries empty, changed ones fuzzy, none lost)
    python -m caj.building.i18n new data LANG   # a new language, every text untranslated

Each language has three catalogs, so that each can be reviewed on its own: facts.po (titles,
summaries, project names, figures), citations.po (locators and notes), records.po (sources,
entities, topics).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from caj.building.load import Dataset, load


@dataclass(frozen=True)
class Unit:
    """One English text of a record: where it is, what it is, and the text."""

    table: str     # facts | citations | sources | entities | topics
    record: str    # the record's id (a citation's fact id)
    field: str     # title | summary | note | locator | description | reliability | name | label ...
    text: str
    file: str
    line: int

    @property
    def context(self) -> str:
        """gettext context: the same words in another role may want other words."""
        return f"{self.table}.{self.field}"

    @property
    def domain(self) -> str:
        return DOMAINS[self.table]


DOMAINS = {"facts": "facts", "citations": "citations", "sources": "records", "entities": "records",
           "topics": "records"}


def units(ds: Dataset) -> Iterator[Unit]:
    """Every English text of the dataset a reader sees, in file order."""
    for sid, src in ds.sources.items():
        yield from _fields(ds, "sources", sid, src, ("description", "reliability"))
    for eid, ent in ds.entities.items():
        if ent.kind not in ("country", "region") or ent.iso2 is None and ent.m49 is None:
            yield from _fields(ds, "entities", eid, ent, ("name",))
        yield from _fields(ds, "entities", eid, ent, ("note",))
    for tid, topic in ds.topics.items():
        yield from _fields(ds, "topics", tid, topic, ("label",))
    for fid, fact in ds.facts.items():
        yield from _fields(ds, "facts", fid, fact, ("title", "summary"))
        if fact.project:
            yield from _fields(ds, "facts", fid, fact.project, ("name",), "project.")
            if fact.project.finance:
                yield from _fields(ds, "facts", fid, fact.project.finance, ("instrument",), "finance.")
        if fact.figure:
            yield from _fields(ds, "facts", fid, fact.figure, ("quantity", "unit", "qualifier"), "figure.")
        for cite in fact.citations:
            yield from _fields(ds, "citations", fid, cite, ("locator", "note"), bucket="facts")


def _fields(ds: Dataset, table: str, rid: str, record, names, prefix: str = "",
            bucket: str | None = None) -> Iterator[Unit]:
    file, line = ds.where.get((bucket or table, rid), ("data", 0))
    for name in names:
        text = getattr(record, name, None)
        if text:
            yield Unit(table, rid, prefix + name, text, file, line)


def template(ds: Dataset, domain: str) -> Catalog:
    """The catalog of one domain's English texts, each entry saying which records use it."""
    cat = Catalog(project=f"caj data: {domain}", msgid_bugs_address=None, fuzzy=False)
    for u in units(ds):
        if u.domain != domain:
            continue
        msg = cat.get(u.text, u.context)
        if msg is None:
            msg = cat.add(u.text, context=u.context)
        msg.flags.discard("python-format")  # "97.6 % in" is prose, not a format string
        msg.locations = [*msg.locations, (u.file, u.line)]
        msg.auto_comments = [*msg.auto_comments, f"{u.record}: {u.field}"]
    return cat


def languages(root: Path) -> list[str]:
    """The languages the records are translated into: a folder each under data/locale/."""
    return sorted(p.name for p in (root / "locale").glob("*") if p.is_dir())


def update(root: Path) -> list[Path]:
    """Bring every catalog up to the records, keeping each translation still wanted."""
    ds = load(root)
    written = []
    for lang in languages(root):
        for domain in sorted(set(DOMAINS.values())):
            path = root / "locale" / lang / f"{domain}.po"
            cat = _read(path, lang) if path.exists() else Catalog(
                locale=lang, project=f"caj data: {domain}", msgid_bugs_address=None, fuzzy=False,
                header_comment=f"# caj's curated records, {domain}, in {lang}. See data/README.md.")
            cat.update(template(ds, domain), update_header_comment=False)
            cat.obsolete.clear()  # git keeps the history; an obsolete entry only misleads
            _write(path, cat)
            written.append(path)
    return written


def new_language(root: Path, lang: str) -> list[Path]:
    """Start data/locale/LANG/ with every English text untranslated."""
    (root / "locale" / lang).mkdir(parents=True, exist_ok=True)
    return update(root)


def _read(path: Path, lang: str) -> Catalog:
    with path.open("rb") as fh:
        return read_po(fh, locale=lang)


def _write(path: Path, cat: Catalog) -> None:
    with path.open("wb") as fh:
        write_po(fh, cat, width=100, sort_output=False, include_previous=True, omit_header=False)


if __name__ == "__main__":
    data = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("data")
    if sys.argv[1:2] == ["update"]:
        for p in update(data):
            print(f"updated {p}")
    elif sys.argv[1:2] == ["new"]:
        for p in new_language(data, sys.argv[3]):
            print(f"wrote {p}")
    else:
        sys.exit("usage: python -m caj.building.i18n update [DATA] | new DATA LANG")
