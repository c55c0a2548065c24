"""Read data/*.yaml into models and check the records against each other.

Every problem becomes a `Problem` that prints as `file:line: id: field: message`, so a curator can
jump straight to it. Loading never stops at the first problem: it reports them all.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ValidationError

from caj.core import dates, edtf
from caj.core.models import (
    Citation,
    Entity,
    ExtraCitation,
    Fact,
    Source,
    Topic,
    numbers_in,
)
from caj.core.names import fold


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    record: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.record}: {self.field}: {self.message}"


@dataclass
class Dataset:
    root: Path
    sources: dict[str, Source] = field(default_factory=dict)
    entities: dict[str, Entity] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    fx: dict[int, float] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    # where each record was read: (bucket, id) -> (file, line)
    where: dict[tuple[str, str], tuple[str, int]] = field(default_factory=dict)
    # what could not be read: a file (anything may be missing), or a record's id; a reference to
    # either is not reported again as "unknown id", so a problem is reported once, at its cause
    unreadable_files: bool = False
    broken_ids: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Here:
    """Where a record is being checked: its file and YAML node, so a problem names the line of
    the very field. Nodes are dropped once a record is checked, so memory stays flat."""

    file: str
    line: int
    node: _Node | None = None

    def at(self, fld: str) -> int:
        if self.node is None:
            return self.line
        return self.node.find(tuple(int(p) if p.isdigit() else p for p in fld.split(".")))


class _Node:
    """A YAML node with the line it starts on, for pointing at a record's field."""

    def __init__(self, node: yaml.Node) -> None:
        self.node = node

    @property
    def line(self) -> int:
        return self.node.start_mark.line + 1

    def find(self, loc: tuple) -> int:
        node = self.node
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                hits = [v for k, v in node.value if k.value == key]
                if not hits:
                    break
                node = hits[0]
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                if key >= len(node.value):
                    break
                node = node.value[key]
            else:
                break
        return node.start_mark.line + 1


def _read_list(path: Path, ds: Dataset) -> Iterator[tuple[dict, _Node]]:
    rel = _rel(path, ds)
    try:
        root, data = _parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        ds.unreadable_files = True
        ds.problems.append(_unreadable(rel, exc))
        return
    if data is None:
        return
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        ds.problems.append(Problem(rel, 1, "-", "-", "expected a list of records"))
        return
    for item, node in zip(data, root.value, strict=True):
        yield item, _Node(node)


def _unreadable(rel: str, exc: Exception) -> Problem:
    """One problem for a file that is not YAML, at `file:line:col` of the syntax error."""
    mark = getattr(exc, "problem_mark", None)
    if mark is None:
        return Problem(rel, 1, "-", "-", f"cannot read: {_one_line(exc)}")
    what = getattr(exc, "problem", None) or "not valid YAML"
    return Problem(f"{rel}:{mark.line + 1}", mark.column + 1, "-", "-", f"YAML syntax: {what}")


# libyaml when the platform has it: a 1M-fact dataset parses in minutes, not hours
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _parse_yaml(text: str) -> tuple[yaml.Node | None, object]:
    """One parse: the node tree (for line numbers) and the Python values built from it."""
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
        return root, (loader.construct_document(root) if root is not None else None)
    finally:
        loader.dispose()


def _rel(path: Path, ds: Dataset) -> str:
    try:
        return str(path.relative_to(ds.root.parent))
    except ValueError:
        return str(path)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())


def _parse(model: type[BaseModel], item: object, node: _Node, rel: str, ds: Dataset):
    rid = str(item.get("id") or item.get("fact") or "-") if isinstance(item, dict) else "-"
    try:
        return model.model_validate(item)
    except ValidationError as exc:
        ds.broken_ids.add(rid)
        for err in exc.errors():
            loc = tuple(err["loc"])
            name = ".".join(str(p) for p in loc) or "-"
            ds.problems.append(Problem(rel, node.find(loc), rid, name, err["msg"]))
    return None


def _load_records(ds: Dataset, pattern: str, model: type[BaseModel], bucket: str, check=None) -> None:
    target = getattr(ds, bucket)
    for path in sorted(ds.root.glob(pattern)):
        rel = _rel(path, ds)
        for item, node in _read_list(path, ds):
            rec = _parse(model, item, node, rel, ds)
            if rec is None:
                continue
            if rec.id in target:
                first, line = ds.where[(bucket, rec.id)]
                msg = f"duplicate id, first defined at {first}:{line}"
                ds.problems.append(Problem(rel, node.line, rec.id, "id", msg))
                continue
            target[rec.id] = rec
            ds.where[(bucket, rec.id)] = (rel, node.line)
            if check:
                check(ds, rec, Here(rel, node.line, node))


def _load_extra_citations(ds: Dataset) -> None:
    for path in sorted(ds.root.glob("citations/*.yaml")):
        rel = _rel(path, ds)
        for item, node in _read_list(path, ds):
            extra = _parse(ExtraCitation, item, node, rel, ds)
            if extra is None:
                continue
            fact = ds.facts.get(extra.fact)
            if fact is None:
                ds.problems.append(Problem(rel, node.line, extra.fact, "fact", "no such fact"))
                continue
            cite = Citation(**extra.model_dump(exclude={"fact"}))
            _check_citation(ds, fact, cite, Here(rel, node.line, node), prefix="")
            ds.facts[fact.id] = fact.model_copy(update={"citations": (*fact.citations, cite)})


def _load_fx(ds: Dataset) -> None:
    path = ds.root / "fx_jpy_per_usd.csv"
    if not path.exists():
        return
    rel = _rel(path, ds)
    with path.open(encoding="utf-8", newline="") as fh:
        for line, row in enumerate(csv.DictReader(fh), start=2):
            try:
                ds.fx[int(row["year"])] = float(row["jpy_per_usd"])
            except (KeyError, TypeError, ValueError):
                ds.problems.append(Problem(rel, line, "-", "jpy_per_usd", "not a year and a rate"))


def load(root: Path) -> Dataset:
    """Read every record under `root` and check it; problems are collected, never raised."""
    ds = Dataset(root=Path(root))
    if not (ds.root / "sources.yaml").is_file():
        ds.problems.append(Problem(str(root), 0, "-", "-", "no sources.yaml: not a caj data dir"))
        return ds
    _load_records(ds, "sources.yaml", Source, "sources", _check_source)
    _load_records(ds, "topics.yaml", Topic, "topics")
    _load_records(ds, "entities/*.yaml", Entity, "entities")
    _check_entities(ds)
    # facts are checked as they are read, against the sources, entities and topics above
    _load_records(ds, "facts/*.yaml", Fact, "facts", _check_fact)
    _load_extra_citations(ds)
    _load_fx(ds)
    _check_registry(ds)
    _check_cited(ds)
    return ds


# --- checks across records ------------------------------------------------------------------


def _problem(ds: Dataset, here: Here, rid: str, fld: str, msg: str) -> None:
    ds.problems.append(Problem(here.file, here.at(fld), rid, fld, msg))


def _ref(ds: Dataset, here: Here, rid: str, fld: str, ref: str, table: dict) -> None:
    """An unknown id is a problem of its own only when nothing it could name failed to read."""
    if ref not in table and ref not in ds.broken_ids and not ds.unreadable_files:
        _problem(ds, here, rid, fld, f"unknown id {ref!r}")


def _check_date(ds, here: Here, rid, fld, value, optional=False) -> bool:
    """Is the date (if any) one EDTF date that runs forwards? Each problem reported once."""
    if value is None:
        if not optional:
            _problem(ds, here, rid, fld, "missing date")
        return optional
    try:
        lo, hi = edtf.bounds(value)
    except ValueError as exc:
        _problem(ds, here, rid, fld, str(exc))
        return False
    if lo > hi:
        _problem(ds, here, rid, fld, f"earliest {lo} is after latest {hi}")
        return False
    return True


def _check_source(ds: Dataset, src: Source, here: Here) -> None:
    _check_date(ds, here, src.id, "date", src.date, optional=True)
    _check_date(ds, here, src.id, "checked", src.checked, optional=True)
    if src.checked and not src.url:
        _problem(ds, here, src.id, "checked", "a source checked against a copy needs the url of "
                 "that page")
    if src.url and not urlsplit(src.url).path.strip("/") and not urlsplit(src.url).query:
        _problem(ds, here, src.id, "url", "a site's home page: give the address of the page itself")


def is_checked(src: Source | None) -> bool:
    """Checked against a stored copy: the day it was read (`checked`) and the page (`url`). A
    public-record source without both is "not checked against a copy" wherever it is shown."""
    return bool(src and src.checked and src.url)


def _check_entities(ds: Dataset) -> None:
    for ent in ds.entities.values():
        if ent.country:
            _ref(ds, Here(*ds.where[("entities", ent.id)]), ent.id, "country", ent.country, ds.entities)
    _check_topic_tree(ds)
    _check_names(ds)


def _check_topic_tree(ds: Dataset) -> None:
    """Every parent exists and no topic is its own ancestor."""
    for topic in ds.topics.values():
        here = Here(*ds.where[("topics", topic.id)])
        seen, up = {topic.id}, topic.parent
        while up is not None:
            if up not in ds.topics:
                _ref(ds, here, topic.id, "parent", up, ds.topics)
                break
            if up in seen:
                _problem(ds, here, topic.id, "parent", f"{up!r} makes a cycle")
                break
            seen.add(up)
            up = ds.topics[up].parent


def _check_fact(ds: Dataset, fact: Fact, here: Here) -> None:
    fid = fact.id
    dated = _check_date(ds, here, fid, "date", fact.date)
    for t in fact.topics:
        _ref(ds, here, fid, "topics", t, ds.topics)
    for i, link in enumerate(fact.entities):
        _ref(ds, here, fid, f"entities.{i}.entity", link.entity, ds.entities)
    if fact.oda:
        _ref(ds, here, fid, "oda.donor", fact.oda.donor, ds.entities)
        _ref(ds, here, fid, "oda.recipient", fact.oda.recipient, ds.entities)
    if fact.project:
        _ref(ds, here, fid, "project.country", fact.project.country, ds.entities)
        _ref(ds, here, fid, "project.sector", fact.project.sector, ds.topics)
    for i, cite in enumerate(fact.citations):
        _check_citation(ds, fact, cite, here, prefix=f"citations.{i}.")
    if not dated or ds.unreadable_files or {c.source for c in fact.citations} & ds.broken_ids:
        return  # what its date or its sources say is unknown: judged once they read
    checked = {c.source for c in fact.citations if is_checked(ds.sources.get(c.source))}
    for fld, msg in quote_problems(fact, checked) + record_problems(fact, checked):
        _problem(ds, here, fid, fld, msg)


def _check_citation(ds: Dataset, fact: Fact, cite: Citation, here: Here, prefix: str) -> None:
    _ref(ds, here, fact.id, f"{prefix}source", cite.source, ds.sources)
    _check_date(ds, here, fact.id, f"{prefix}date", cite.date, optional=True)
    for msg in value_problems(fact, cite) if cite.value is not None else ():
        _problem(ds, here, fact.id, f"{prefix}value", msg)
    if cite.value and cite.quote and not _all_in(numbers_in(cite.value), numbers_in(cite.quote)):
        _problem(ds, here, fact.id, f"{prefix}quote", f"does not carry the figure {cite.value!r}")


# --- quotes: what a title, a summary and a stated date may claim -------------------------------

MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
# events a text may date a fact by, instead of printing the year
DATED_EVENTS = {"9/11": 2001}


def quote_problems(fact: Fact, checked: set[str] = frozenset()) -> list[tuple[str, str]]:
    """A stated date must be carried by a quote of a citation that states or supports the fact,
    and every number, and every month, in the title or summary by a quote of one of its
    citations or by the value or date of a citation whose source was checked against a copy
    (`checked`: the ids of those sources)."""
    out = []
    quotes = [c.quote for c in fact.citations if c.quote]
    if fact.date_basis == "stated":
        own = [c.quote for c in fact.citations if c.quote and c.stance in ("states", "supports")]
        if not any(carries_date(q, fact.date) for q in own):
            out.append(("date", f"stated date {fact.date} is in no quote of a citation that states it"))
    record = [c for c in fact.citations if c.source in checked]
    carried = [n for q in quotes for n in numbers_in(q)]
    carried += [n for c in record for n in numbers_in(c.value or "") + _date_numbers(c.date)]
    months = {m for q in quotes for m in MONTH_NAMES if m in q}
    months |= {m for c in record for m in _date_months(c.date)}
    for fld in ("title", "summary"):
        text = getattr(fact, fld)
        missing = [n for n in numbers_in(text) if not _all_in([n], carried)]
        if missing:
            shown = ", ".join(f"{n:g}" for n in missing)
            out.append((fld, f"{shown} in the {fld} is in no quote of its citations, nor in a "
                             "checked citation"))
        unnamed = [m for m in MONTH_NAMES if re.search(rf"\b{m}\b", text) and m not in months]
        if unnamed:
            out.append((fld, f"{', '.join(unnamed)} in the {fld} is in no quote of its citations, "
                             "nor in the date of a checked citation"))
    return out


def record_problems(fact: Fact, checked: set[str]) -> list[tuple[str, str]]:
    """A date from the public record (`date_basis: record`) must be carried, as the `date` of a
    citation that refines or supports the fact, by a source checked against a copy; and a
    contradiction must not rest on unchecked sources alone."""
    out = []
    if fact.date_basis == "record":
        dating = [c for c in fact.citations if c.stance in ("refines", "supports") and c.date == fact.date]
        if not any(c.source in checked for c in dating):
            who = ", ".join(sorted({c.source for c in dating})) or "no citation"
            out.append(("date", f"record date {fact.date} rests on {who}: no citation of a source "
                                "checked against a copy carries it"))
    against = [c.source for c in fact.citations if c.stance == "contradicts"]
    if against and not set(against) & checked:
        out.append(("citations", f"the contradiction rests on unchecked sources alone "
                                 f"({', '.join(sorted(set(against)))})"))
    for i, c in enumerate(fact.citations):
        if c.stance == "follows" and c.source not in checked:
            out.append((f"citations.{i}.source", f"what happened next ({c.source}) is told only by a "
                                                 "source checked against a copy"))
    return out


def _date_numbers(edtf: str | None) -> list[float]:
    """The numbers a reader sees in a date: 2024-01-22 -> 2024, 1, 22."""
    return [float(p) for p in re.findall(r"\d+", edtf or "")]


def _date_months(edtf: str | None) -> set[str]:
    return {MONTH_NAMES[int(m) - 1] for m in re.findall(r"\d{4}-(\d{2})", edtf or "")
            if 1 <= int(m) <= 12}


def carries_date(quote: str, date: str) -> bool:
    """Does the quoted text print the date: its year (or decade, or an event that dates it), and
    its month where the date has one?"""
    lo, hi = edtf.bounds(date)
    years = range(int(lo[:4]), int(hi[:4]) + 1)
    printed = {int(y) for y in re.findall(r"(?<!\d)(?<!\d[.,])(\d{4})(?!\d|[.,]\d)", quote)}
    decades = {int(d) for d in re.findall(r"\b(\d{3}0)s\b", quote)}
    events = {y for name, y in DATED_EVENTS.items() if name in quote}
    if not any(y in printed or y in events or y // 10 * 10 in decades for y in years):
        return False
    if dates.precision(date).startswith(("month", "day")):
        return MONTH_NAMES[int(date[5:7]) - 1] in quote
    return True


def _all_in(wanted: list[float], have: list[float]) -> bool:
    return all(any(abs(w - h) < 1e-9 for h in have) for w in wanted)


SCALE_WORDS = {
    "thousand": r"\b(thousand|k)\b",
    "million": r"\b(million|mln|mn|m)\b",
    "billion": r"\b(billion|bn|b)\b",
    "trillion": r"\b(trillion|tn)\b",
}
CURRENCY_WORDS = {"JPY": r"¥|\byen\b|\bJPY\b", "USD": r"\$|\bUSD\b|\bdollars?\b"}


def value_problems(fact: Fact, cite: Citation) -> list[str]:
    """Does a figure as printed agree with what the fact stores? Only a citation that states or
    supports the fact must agree; one that contradicts or refines it may print another number."""
    numbers = numbers_in(cite.value or "")
    if not numbers:
        return [f"{cite.value!r} carries no number"]
    if cite.stance in ("contradicts", "refines"):
        return []
    wanted = fact.stated_quantities()
    if not wanted:
        return [f"{cite.value!r} states a figure but the fact stores none"]
    if not any(abs(n - w) < 1e-9 for n in numbers for w in wanted):
        return [f"{cite.value!r} does not state the stored amount {sorted(wanted)}"]
    return _unit_problems(fact, cite.value or "")


def _unit_problems(fact: Fact, value: str) -> list[str]:
    money = fact.oda or (fact.project.finance if fact.project else None)
    if money is None:
        return []
    out = []
    scales = [s for s, rx in SCALE_WORDS.items() if re.search(rx, value, re.I)]
    if scales and money.scale not in scales:
        out.append(f"{value!r} is in {'/'.join(scales)} but the stored scale is {money.scale}")
    currencies = [c for c, rx in CURRENCY_WORDS.items() if re.search(rx, value, re.I)]
    if currencies and money.currency not in currencies:
        out.append(f"{value!r} is in {'/'.join(currencies)} but the stored currency is {money.currency}")
    return out


def _check_names(ds: Dataset) -> None:
    """A name or alias must lead to one entity or topic, or lookups would be ambiguous."""
    seen: dict[str, str] = {}
    for bucket, table in (("entities", ds.entities), ("topics", ds.topics)):
        for rec in table.values():
            names = {rec.id, getattr(rec, "name", None) or rec.label, *rec.aliases}
            names |= {getattr(rec, "iso2", None), getattr(rec, "iso3", None)} - {None}
            for name in names:
                key = f"{bucket}:{fold(name)}"
                if key in seen and seen[key] != rec.id:
                    here = Here(*ds.where[(bucket, rec.id)])
                    _problem(ds, here, rec.id, "aliases", f"{name!r} also names {seen[key]!r}")
                seen[key] = rec.id


def _check_cited(ds: Dataset) -> None:
    """Every source is cited by a fact; a dataset (the rate table and its cross-check) backs
    conversions, not facts."""
    if ds.unreadable_files or ds.broken_ids:
        return  # a fact that did not read may be the one citing it
    cited = {c.source for f in ds.facts.values() for c in f.citations}
    for src in ds.sources.values():
        if src.id not in cited and src.kind != "dataset":
            _problem(ds, Here(*ds.where[("sources", src.id)]), src.id, "id", "no fact cites this source")


def _check_registry(ds: Dataset) -> None:
    """Published fact ids never disappear, and a retired id is never used again."""
    path = ds.root / "ids.yaml"
    if not path.exists():
        return
    reg = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rel = _rel(path, ds)
    for rid in reg.get("retired") or ():
        if rid in ds.facts:
            here = Here(*ds.where[("facts", rid)])
            _problem(ds, here, rid, "id", f"retired id reused (retired in {rel})")
    for rid in reg.get("published") or ():
        if rid not in ds.facts and rid not in (reg.get("retired") or ()):
            ds.problems.append(Problem(rel, 1, rid, "id", "published id has vanished; retire it"))
