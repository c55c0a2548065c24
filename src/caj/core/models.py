"""Pydantic models of the curated records. No I/O here: `load.py` reads the files."""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from caj.core.display import num
from caj.core.vocab import values

SLUG = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

# every closed set comes from the vocabulary registry: written there once
FactKind = Literal[values("fact_kind")]
Status = Literal[values("status")]
Stance = Literal[values("stance")]
Scale = Literal[values("scale")]
Currency = Literal[values("currency")]
SourceKind = Literal[values("source_kind")]
EntityKind = Literal[values("entity_kind")]
Role = Literal[values("role")]
DateBasis = Literal[values("date_basis")]
YearBasis = Literal[values("year_basis")]
Measure = Literal[values("measure")]
FlowType = Literal[values("flow_type")]


def _as_text(value: object) -> object:
    # YAML reads an unquoted 2004 as an int and 1997-07-24 as a date; EDTF is text.
    if isinstance(value, int | datetime.date):
        return value.isoformat() if isinstance(value, datetime.date) else str(value)
    return value


Edtf = Annotated[str, BeforeValidator(_as_text)]

QUOTE_MAX = 240



class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Source(Record):
    """`title` is the title the publication bears, and only that; a source whose real title is
    not known has a `description` instead, which caj shows in [square brackets]."""

    id: str = Field(pattern=SLUG)
    title: str | None = Field(default=None, min_length=1)
    description: str | None = Field(default=None, min_length=1)
    publisher: str = Field(min_length=1)
    author: str | None = None
    date: Edtf | None = None
    url: str | None = None
    kind: SourceKind
    reliability: str = Field(min_length=1)
    # EDTF day the curator read a stored copy of the page at `url`; null: not checked against a
    # copy (a public-record source is then marked so wherever it is shown)
    checked: Edtf | None = None

    @model_validator(mode="after")
    def _title_or_description(self) -> Source:
        if (self.title is None) == (self.description is None):
            raise ValueError("a source has either its real `title` or a supplied `description`")
        return self


class Entity(Record):
    id: str = Field(pattern=SLUG)
    kind: EntityKind
    name: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()
    iso2: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    iso3: str | None = Field(default=None, pattern=r"^[A-Z]{3}$")
    # regions: the UN M49 area code (143 Central Asia), by which CLDR names them
    m49: str | None = Field(default=None, pattern=r"^\d{3}$")
    country: str | None = None
    note: str | None = None


class Topic(Record):
    id: str = Field(pattern=SLUG)
    parent: str | None = None  # a broader topic: filtering by it includes this one
    label: str = Field(min_length=1)
    aliases: tuple[str, ...] = ()


class Citation(Record):
    source: str
    locator: str = Field(min_length=1)
    stance: Stance = "states"
    value: str | None = None
    # the words of the document that carry the date or figure, verbatim; short, as a reference
    # work quotes ("…" marks a cut)
    quote: str | None = Field(default=None, min_length=1, max_length=QUOTE_MAX)
    date: Edtf | None = None
    note: str | None = None


class ExtraCitation(Citation):
    """A citation kept apart from the fact it cites (citations/*.yaml)."""

    fact: str


class Link(Record):
    entity: str
    role: Role


class Oda(Record):
    donor: str
    recipient: str
    year: int = Field(ge=1900, le=2100)
    year_basis: YearBasis = "unspecified"
    amount: float = Field(ge=0)
    currency: Currency
    scale: Scale
    measure: Measure = "unspecified"
    flow_type: FlowType | None = None


class Capacity(Record):
    value: float = Field(gt=0)
    unit: str = Field(min_length=1)


class Finance(Record):
    amount: float = Field(ge=0)
    currency: Currency
    scale: Scale
    ceiling: bool = False
    instrument: str | None = None


class Project(Record):
    name: str = Field(min_length=1)
    country: str
    sector: str
    capacity: Capacity | None = None
    finance: Finance | None = None


class Figure(Record):
    """One number (`value`), or a range as printed (`low` and `high`, e.g. "50-70 km")."""

    quantity: str = Field(min_length=1)
    value: float | None = None
    low: float | None = None
    high: float | None = None
    unit: str = Field(min_length=1)
    qualifier: str | None = None

    @model_validator(mode="after")
    def _value_or_range(self) -> Figure:
        ranged = self.low is not None or self.high is not None
        if ranged == (self.value is not None) or (ranged and None in (self.low, self.high)):
            raise ValueError("a figure has a `value`, or a `low` and a `high`")
        if ranged and self.low > self.high:
            raise ValueError(f"low {self.low} is above high {self.high}")
        return self

    def numbers(self) -> set[float]:
        return {n for n in (self.value, self.low, self.high) if n is not None}

    def display(self) -> str:
        """'50–70 km', '93 percent of world production'."""
        shown = num(self.value) if self.value is not None else f"{num(self.low)}–{num(self.high)}"
        return f"{shown} {self.unit}"


class Fact(Record):
    id: str = Field(pattern=SLUG)
    kind: FactKind
    date: Edtf = Field(min_length=1)
    date_basis: DateBasis = "stated"
    title: str = Field(min_length=1, max_length=120)
    summary: str = Field(min_length=1)
    status: Status = "occurred"
    topics: tuple[str, ...] = ()
    entities: tuple[Link, ...] = ()
    citations: tuple[Citation, ...] = Field(default=(), min_length=1)
    oda: Oda | None = None
    project: Project | None = None
    figure: Figure | None = None

    @model_validator(mode="after")
    def _block_matches_kind(self) -> Fact:
        # an event or a project may carry a figure (a visit that closed deals worth a sum): what
        # kind of thing happened is one question, whether it has a number another
        for block in ("oda", "project", "figure"):
            present = getattr(self, block) is not None
            optional = block == "figure" and self.kind in ("event", "project")
            if present != (self.kind == block) and not (present and optional):
                need = "needs" if self.kind == block else "must not have"
                raise ValueError(f"a fact of kind {self.kind!r} {need} a {block!r} block")
        return self

    def stated_quantity(self) -> float | None:
        """The number a `value` citation of this fact must agree with."""
        if self.oda:
            return self.oda.amount
        if self.figure and self.figure.value is not None and not self.project:
            return self.figure.value
        if self.project and self.project.finance:
            return self.project.finance.amount
        if self.project and self.project.capacity:
            return self.project.capacity.value
        return None

    def stated_quantities(self) -> set[float]:
        out = {self.stated_quantity()}
        if self.project and self.project.capacity:
            out.add(self.project.capacity.value)
        if self.figure:
            out |= self.figure.numbers()
        return {q for q in out if q is not None}


NUMBER = re.compile(r"\d[\d,]*(?:\.\d+)?")


def numbers_in(text: str) -> list[float]:
    """The numbers printed in a stated value: '¥1158.29 million' -> [1158.29]."""
    return [float(m.group().replace(",", "")) for m in NUMBER.finditer(text)]
