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

import yaml
from pydantic import BaseModel, ValidationError

from caj import dates
from caj.text import fold
from caj.models import (
    Citation,
    Entity,
    ExtraCitation,
    Fact,
    Source,
    Topic,
    numbers_in,
)


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
    # citations added from citations/*.yaml: (fact id, index) -> (file, node)
    extra_where: dict[tuple[str, int], tuple[str, _Node]] = field(default_factory=dict)
    # where each record was read, for cross-record messages: (bucket, id) -> (file, node)
    where: dict[tuple[str, str], tuple[str, _Node]] = field(default_factory=dict)


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
        text = path.read_text(encoding="utf-8")
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 1
        ds.problems.append(Problem(rel, line, "-", "-", f"cannot read: {_one_line(exc)}"))
        return
    if data is None:
        return
    if not isinstance(data, list) or not isinstance(root, yaml.SequenceNode):
        ds.problems.append(Problem(rel, 1, "-", "-", "expected a list of records"))
        return
    for item, node in zip(data, root.value, strict=True):
        yield item, _Node(node)


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
        for err in exc.errors():
            loc = tuple(err["loc"])
            name = ".".join(str(p) for p in loc) or "-"
            ds.problems.append(Problem(rel, node.find(loc), rid, name, err["msg"]))
    return None


def _load_records(ds: Dataset, pattern: str, model: type[BaseModel], bucket: str) -> None:
    target = getattr(ds, bucket)
    for path in sorted(ds.root.glob(pattern)):
        rel = _rel(path, ds)
        for item, node in _read_list(path, ds):
            rec = _parse(model, item, node, rel, ds)
            if rec is None:
                continue
            if rec.id in target:
                first, first_node = ds.where[(bucket, rec.id)]
                msg = f"duplicate id, first defined at {first}:{first_node.line}"
                ds.problems.append(Problem(rel, node.line, rec.id, "id", msg))
                continue
            target[rec.id] = rec
            ds.where[(bucket, rec.id)] = (rel, node)


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
            ds.facts[fact.id] = fact.model_copy(update={"citations": (*fact.citations, cite)})
            ds.extra_where[(fact.id, len(fact.citations))] = (rel, node)


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
    _load_records(ds, "sources.yaml", Source, "sources")
    _load_records(ds, "topics.yaml", Topic, "topics")
    _load_records(ds, "entities/*.yaml", Entity, "entities")
    _load_records(ds, "facts/*.yaml", Fact, "facts")
    _load_extra_citations(ds)
    _load_fx(ds)
    check(ds)
    return ds


# --- checks across records ------------------------------------------------------------------


def check(ds: Dataset) -> None:
    for src in ds.sources.values():
        _check_date(ds, "sources", src.id, "date", src.date, optional=True)
    for ent in ds.entities.values():
        if ent.country:
            _ref(ds, "entities", ent.id, "country", ent.country, ds.entities)
    _check_names(ds)
    _check_registry(ds)
    for fact in ds.facts.values():
        _check_fact(ds, fact)


def _problem(ds: Dataset, bucket: str, rid: str, fld: str, msg: str) -> None:
    file, node = ds.where.get((bucket, rid), ("?", None))
    loc = tuple(int(p) if p.isdigit() else p for p in fld.split("."))
    ds.problems.append(Problem(file, node.find(loc) if node else 0, rid, fld, msg))


def _ref(ds: Dataset, bucket: str, rid: str, fld: str, ref: str, table: dict) -> None:
    if ref not in table:
        _problem(ds, bucket, rid, fld, f"unknown id {ref!r}")


def _check_date(ds, bucket, rid, fld, value, optional=False) -> None:
    if value is None:
        if not optional:
            _problem(ds, bucket, rid, fld, "missing date")
        return
    try:
        lo, hi = dates.bounds(value)
    except ValueError as exc:
        _problem(ds, bucket, rid, fld, str(exc))
        return
    if lo > hi:
        _problem(ds, bucket, rid, fld, f"earliest {lo} is after latest {hi}")


def _check_fact(ds: Dataset, fact: Fact) -> None:
    fid = fact.id
    _check_date(ds, "facts", fid, "date", fact.date)
    for t in fact.topics:
        _ref(ds, "facts", fid, "topics", t, ds.topics)
    for i, link in enumerate(fact.entities):
        _ref(ds, "facts", fid, f"entities.{i}.entity", link.entity, ds.entities)
    if fact.oda:
        _ref(ds, "facts", fid, "oda.donor", fact.oda.donor, ds.entities)
        _ref(ds, "facts", fid, "oda.recipient", fact.oda.recipient, ds.entities)
    if fact.project:
        _ref(ds, "facts", fid, "project.country", fact.project.country, ds.entities)
        _ref(ds, "facts", fid, "project.sector", fact.project.sector, ds.topics)
    for i, cite in enumerate(fact.citations):
        _check_citation(ds, fact, i, cite)


def _check_citation(ds: Dataset, fact: Fact, i: int, cite: Citation) -> None:
    extra = ds.extra_where.get((fact.id, i))
    before = len(ds.problems)
    where = f"citations.{i}"
    _ref(ds, "facts", fact.id, f"{where}.source", cite.source, ds.sources)
    _check_date(ds, "facts", fact.id, f"{where}.date", cite.date, optional=True)
    for msg in value_problems(fact, cite) if cite.value is not None else ():
        _problem(ds, "facts", fact.id, f"{where}.value", msg)
    if extra:  # point at the citations file the citation came from, not at the fact
        file, node = extra
        for k in range(before, len(ds.problems)):
            p = ds.problems[k]
            fld = p.field.split(".", 2)[-1]
            ds.problems[k] = Problem(file, node.find((fld,)), p.record, fld, p.message)


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
                    _problem(ds, bucket, rec.id, "aliases", f"{name!r} also names {seen[key]!r}")
                seen[key] = rec.id


def _check_registry(ds: Dataset) -> None:
    """Published fact ids never disappear, and a retired id is never used again."""
    path = ds.root / "ids.yaml"
    if not path.exists():
        return
    reg = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    rel = _rel(path, ds)
    for rid in reg.get("retired") or ():
        if rid in ds.facts:
            _problem(ds, "facts", rid, "id", f"retired id reused (retired in {rel})")
    for rid in reg.get("published") or ():
        if rid not in ds.facts and rid not in (reg.get("retired") or ()):
            ds.problems.append(Problem(rel, 1, rid, "id", "published id has vanished; retire it"))
