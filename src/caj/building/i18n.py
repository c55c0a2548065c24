"""The curated records in other languages: gettext catalogs in data/locale/LANG/, one entry per
English text a reader sees (a fact's title and summary, a citation's note and locator, a
source's description and reliability, an entity's name and note, a topic's label, a project's
name, a figure's words). The English is the msgid, so a translation of an older English text no
longer matches and is not used: the record falls back to English, marked, until it is revised.

    python -m caj.building.i18n update      # data/locale/*/*.po brought up to data/ (new
                                            # entries empty, changed ones fuzzy, none lost)
    python -m caj.building.i18n new data LANG   # a new language, every text untranslated
    python -m caj.building.i18n ui-update       # caj/locale/LANG/LC_MESSAGES/caj.po from the code
    python -m caj.building.i18n ui-compile      # ... compiled to caj.mo (the wheel's build does it)

Each language has three catalogs, so that each can be reviewed on its own: facts.po (titles,
summaries, project names, figures), citations.po (locators and notes), records.po (sources,
entities, topics).
"""

from __future__ import annotations

import json
import re
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


# --- what the build and `caj validate` take from the catalogs --------------------------------


@dataclass(frozen=True)
class Entry:
    text: str
    file: str
    line: int


def catalogs(root: Path) -> dict[str, dict[tuple[str, str], Entry]]:
    """Every translation still wanted, by language and (context, English): an empty or fuzzy
    entry is none (the record falls back to English)."""
    out: dict[str, dict[tuple[str, str], Entry]] = {}
    for lang in languages(root):
        found = out.setdefault(lang, {})
        for path in sorted((root / "locale" / lang).glob("*.po")):
            rel = path.relative_to(root.parent).as_posix() if root.parent in path.parents else str(path)
            for msg in _read(path, lang):
                if msg.id and msg.string and not msg.fuzzy:
                    found[(msg.context, msg.id)] = Entry(msg.string, rel, msg.lineno)
    return out


def language(root: Path, lang: str) -> dict:
    """data/locale/LANG/language.yaml: the language's own name and how it writes dates."""
    import yaml

    return yaml.safe_load((root / "locale" / lang / "language.yaml").read_text(encoding="utf-8"))


NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
GROUPED = re.compile(r"(?<=\d)[ \u00a0\u202f](?=\d{3}\b)")


def numbers(text: str, decimal_comma: bool) -> set[str]:
    """The numbers a text prints, as digits with a point: '1,158.29' (English) and '1158,29'
    (Russian) are both 1158.29; '10 270' is 10270."""
    text = GROUPED.sub("", text)
    out = set()
    for m in NUMBER.finditer(text):
        n = m.group()
        comma_is_decimal = decimal_comma and "," in n
        n = n.replace(".", "").replace(",", ".") if comma_is_decimal else n.replace(",", "")
        out.add(n.rstrip("0").rstrip(".") if "." in n else n.lstrip("0") or "0")
    return out


def problems(ds: Dataset, found: dict[str, dict[tuple[str, str], Entry]]) -> list[str]:
    """What `caj validate` says of the translations, each as file:line: id: field: message:
    a text with no translation (or one of an older English), a number or year left out."""
    out = []
    for lang, entries in found.items():
        comma = lang in DECIMAL_COMMA
        for u in units(ds):
            entry = entries.get((u.context, u.text))
            if entry is None:
                out.append(f"{u.file}:{u.line}: {u.record}: {u.field}: no {lang} translation of this "
                           "text (data/locale/" + f"{lang}/{u.domain}.po)")
                continue
            lost = numbers(u.text, False) - numbers(entry.text, comma)
            if lost:
                out.append(f"{entry.file}:{entry.line}: {u.record}: {u.field}: the {lang} translation "
                           f"leaves out {', '.join(sorted(lost))}")
    return list(dict.fromkeys(out))


DECIMAL_COMMA = {"ru"}


def rows(ds: Dataset, found: dict[str, dict[tuple[str, str], Entry]]) -> Iterator[dict]:
    """The translations table: (lang, tbl, ref, field, text) for every text that has one, each
    fact's date as the language writes it, and each country's and region's name from CLDR."""
    from babel import Locale

    for lang, entries in found.items():
        words = language(ds.root, lang)
        for u in units(ds):
            entry = entries.get((u.context, u.text))
            if entry is None or u.table == "citations":  # citations by number, below
                continue
            yield {"lang": lang, "tbl": u.table, "ref": u.record, "field": u.field, "text": entry.text}
        for fid, fact in ds.facts.items():
            yield {"lang": lang, "tbl": "facts", "ref": fid, "field": "when",
                   "text": written(fact.date, lang, words["dates"])}
            for n, c in enumerate(fact.citations, start=1):
                for fld in ("locator", "note"):
                    entry = entries.get((f"citations.{fld}", getattr(c, fld) or ""))
                    if entry is not None:
                        yield {"lang": lang, "tbl": "citations", "ref": f"{fid}#{n}", "field": fld,
                               "text": entry.text}
        for sid, src in ds.sources.items():
            if src.date:
                yield {"lang": lang, "tbl": "sources", "ref": sid, "field": "when",
                       "text": written(src.date, lang, words["dates"])}
        territories = Locale.parse(lang).territories
        for eid, ent in ds.entities.items():
            code = ent.iso2 or ent.m49
            if ent.kind in ("country", "region") and code and territories.get(code):
                yield {"lang": lang, "tbl": "entities", "ref": eid, "field": "name",
                       "text": territories[code]}
        yield {"lang": lang, "tbl": "languages", "ref": lang, "field": "name", "text": words["name"]}
        yield {"lang": lang, "tbl": "languages", "ref": lang, "field": "numbers",
               "text": json.dumps(number_words(lang, words), ensure_ascii=False, sort_keys=True)}


def number_words(lang: str, words: dict) -> dict:
    """How `lang` writes numbers and money: CLDR's separators, the curated words for scales and
    currencies (data/locale/LANG/language.yaml)."""
    from babel import Locale

    symbols = Locale.parse(lang).number_symbols["latn"]
    return {"decimal": symbols["decimal"], "group": symbols["group"], **words["numbers"]}


def written(value: str, lang: str, words: dict[str, str]) -> str:
    """An EDTF date as `lang` writes it, claiming no more precision than it has (the English
    rule of core.display, in the language's own words)."""
    if "/" in value:
        start, end = value.split("/", 1)
        if start in ("", ".."):
            return words["by"].format(date=_phrase(end, lang, words))
        if end in ("", ".."):
            return words["from"].format(date=_phrase(start, lang, words))
        return words["interval"].format(start=written(start, lang, words), end=written(end, lang, words))
    qual = value[-1] if value[-1] in "~?%" else ""
    if not qual:
        return _plain(value, lang, words, "month")
    key = {"~": "approximate", "?": "uncertain", "%": "approximate_uncertain"}[qual]
    core = value.rstrip("~?%")
    return words[key].format(date=_plain(core, lang, words, "month_in_phrase" if qual != "?" else "month"))


def _phrase(value: str, lang: str, words: dict[str, str]) -> str:
    return _plain(value.rstrip("~?%"), lang, words, "month_in_phrase")


def _plain(core: str, lang: str, words: dict[str, str], month: str) -> str:
    import datetime

    from babel.dates import format_date

    if re.fullmatch(r"\d{3}X", core):
        return words["decade"].format(d=core[:3] + "0")
    if re.fullmatch(r"\d{2}XX", core):
        return words["century"].format(c=core[:2] + "00")
    parts = [int(p) for p in core.split("-")]
    if len(parts) == 3:
        return format_date(datetime.date(*parts), words["day"], locale=lang)
    if len(parts) == 2:
        return format_date(datetime.date(parts[0], parts[1], 1), words[month], locale=lang)
    return words["year"].format(y=core)


# --- the interface's own words: caj/locale/LANG/LC_MESSAGES/caj.po ---------------------------

PACKAGE = Path(__file__).resolve().parent.parent
UI = PACKAGE / "locale"


def ui_template() -> Catalog:
    """Every word caj prints: the `_()` and `N_()` texts of its code, the words of the web
    pages' templates, and the registry's words (labels of closed sets, each question's summary
    and title, each parameter's help and form label and hint)."""
    from babel.messages.extract import extract_from_dir

    cat = Catalog(project="caj", msgid_bugs_address=None, fuzzy=False)
    found = extract_from_dir(str(PACKAGE), method_map=METHODS, keywords=KEYWORDS,
                             options_map={"**.html": {"extensions": "jinja2.ext.i18n"}},
                             comment_tags=("TRANSLATORS:",))
    for filename, lineno, message, comments, _context in found:
        where = (f"src/caj/{filename}", lineno)
        if isinstance(message, tuple):  # ngettext: singular and plural, one entry
            msg = cat.get(message[0])
            if msg is None:
                cat.add(message, locations=[where], auto_comments=comments)
            else:
                msg.locations = [*msg.locations, where]
        else:
            cat.add(message, locations=[where], auto_comments=comments)
    for filename, lineno, message, _comments, _context in typer_words():
        if isinstance(message, str) and cat.get(message) is None:
            cat.add(message, auto_comments=[f"Typer's own words (typer/{filename}:{lineno}): help and usage"])
    for text, where in registry_words():
        if text and cat.get(text) is None:
            cat.add(text, auto_comments=[where])
    for msg in cat:
        msg.flags.discard("python-format")
    return cat


# the code, and the web pages' templates (Jinja's own extractor, which Babel calls by this name);
# a template says `_("text")`, or `ngettext("one", "many", n)` for a count
METHODS = [("**.py", "python"), ("faces/web/templates/**.html", "jinja2.ext:babel_extract")]
KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}

TYPER_FILES = ("core.py", "_click/core.py", "_click/formatting.py", "_click/exceptions.py",
               "_click/decorators.py", "_click/types.py", "_click/parser.py")


def typer_words():
    """The words Typer (and the Click it carries) prints in help and usage errors: it looks them
    up with gettext's default domain, which caj points at its own catalog (core.i18n.use)."""
    import typer
    from babel.messages.extract import extract_from_file

    root = Path(typer.__file__).parent
    for name in TYPER_FILES:
        for lineno, message, _comments, context in extract_from_file("python", str(root / name),
                                                                     keywords={"_": None, "ngettext": (1, 2)}):
            yield name, lineno, message if isinstance(message, str) else message[0], (), context


def registry_words() -> Iterator[tuple[str, str]]:
    from caj import cli
    from caj.core import vocab
    from caj.reading import questions

    for choice, pairs in vocab.CHOICES.items():
        for value, label in pairs:
            yield label, f"label of {choice} {value}"
            yield value, f"a value of {choice}, as a table shows it"
    for q in questions.QUESTIONS.values():
        yield q.summary, f"caj {q.name}: summary"
        yield q.title, f"/{q.name}: the web page's title"
        for p in (*q.params, *(q.picture or ())):
            yield p.help, f"caj {q.name} --{p.name}: help"
            yield p.label, f"caj {q.name} --{p.name}: form label"
            yield p.hint, f"caj {q.name} --{p.name}: form hint"
    for c in (*cli.app.registered_commands, *cli.export_app.registered_commands):
        doc = (c.callback.__doc__ or "").strip()
        if doc:
            yield doc.splitlines()[0], f"caj {c.name or c.callback.__name__}: summary"
    for g in cli.app.registered_groups:
        yield (g.typer_instance.registered_callback.callback.__doc__ or "").strip().splitlines()[0], \
            f"caj {g.name}: summary"


def ui_update() -> list[Path]:
    """caj/locale/LANG/LC_MESSAGES/caj.po brought up to the code, for each language of data/locale."""
    pot = ui_template()
    written = []
    for lang in sorted(p.name for p in UI.glob("*") if p.is_dir()):
        path = UI / lang / "LC_MESSAGES" / "caj.po"
        cat = _read(path, lang) if path.exists() else Catalog(
            locale=lang, project="caj", msgid_bugs_address=None, fuzzy=False,
            header_comment=f"# Every word caj prints, in {lang}.")
        cat.update(pot, update_header_comment=False)
        cat.obsolete.clear()
        _write(path, cat)
        written.append(path)
    return written


def ui_compile(dest: Path | None = None) -> list[Path]:
    """Each caj.po compiled to caj.mo (beside it, or under `dest` in the same layout)."""
    from babel.messages.mofile import write_mo

    out = []
    for po in sorted(UI.glob("*/LC_MESSAGES/caj.po")):
        mo = (dest / po.relative_to(UI) if dest else po).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as fh:
            write_mo(fh, _read(po, po.parent.parent.name), use_fuzzy=False)
        out.append(mo)
    return out


if __name__ == "__main__":
    data = Path(sys.argv[2]) if len(sys.argv) > 2 else Path("data")
    if sys.argv[1:2] == ["update"]:
        for p in update(data):
            print(f"updated {p}")
    elif sys.argv[1:2] == ["ui-update"]:
        for p in ui_update():
            print(f"updated {p}")
    elif sys.argv[1:2] == ["ui-compile"]:
        for p in ui_compile():
            print(f"wrote {p}")
    elif sys.argv[1:2] == ["new"]:
        for p in new_language(data, sys.argv[3]):
            print(f"wrote {p}")
    else:
        sys.exit("usage: python -m caj.building.i18n update [DATA] | new DATA LANG")
