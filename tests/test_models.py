import pytest
from pydantic import ValidationError

from caj.core.models import Citation, Fact, numbers_in

BASE = {
    "id": "x-1", "kind": "event", "date": "2004", "title": "t", "summary": "s",
    "citations": [{"source": "idsa-2024", "locator": "Introduction, para. 1"}],
}


def test_a_minimal_event_validates():
    fact = Fact.model_validate(BASE)
    assert fact.date == "2004" and fact.status == "occurred"


def test_unquoted_yaml_years_and_dates_become_edtf_text():
    import datetime

    assert Fact.model_validate({**BASE, "date": 2004}).date == "2004"
    cite = Citation.model_validate({"source": "s", "locator": "l", "date": datetime.date(1997, 7, 24)})
    assert cite.date == "1997-07-24"


@pytest.mark.parametrize("bad, field", [
    ({"colour": "red"}, "colour"),
    ({"id": "Not A Slug"}, "id"),
    ({"kind": "rumour"}, "kind"),
    ({"status": "maybe"}, "status"),
    ({"citations": []}, "citations"),
])
def test_bad_fields_are_named(bad, field):
    with pytest.raises(ValidationError) as err:
        Fact.model_validate({**BASE, **bad})
    assert field in str(err.value)


def test_citation_needs_a_locator():
    with pytest.raises(ValidationError):
        Citation.model_validate({"source": "s", "locator": ""})


def test_kind_and_block_must_agree():
    with pytest.raises(ValidationError, match="needs a 'oda' block"):
        Fact.model_validate({**BASE, "kind": "oda"})
    oda = {"donor": "japan", "recipient": "kazakhstan", "year": 2016, "amount": 1, "currency": "JPY",
           "scale": "million"}
    with pytest.raises(ValidationError, match="must not have a 'oda' block"):
        Fact.model_validate({**BASE, "oda": oda})


@pytest.mark.parametrize("text, numbers", [
    ("¥1158.29 million", [1158.29]),
    ("3207.74 mln", [3207.74]),
    ("US$ 400 million", [400.0]),
    ("12,100", [12100.0]),
    ("%93", [93.0]),
])
def test_numbers_in_stated_values(text, numbers):
    assert numbers_in(text) == numbers


def test_an_event_or_a_project_may_carry_a_figure():
    figure = {"quantity": "value of deals", "value": 45, "unit": "billion USD"}
    assert Fact.model_validate({**BASE, "figure": figure}).figure.value == 45
    with pytest.raises(ValidationError, match="must not have a 'figure' block"):
        oda = {"donor": "japan", "recipient": "kazakhstan", "year": 2016, "amount": 1,
               "currency": "JPY", "scale": "million"}
        Fact.model_validate({**BASE, "kind": "oda", "oda": oda, "figure": figure})


@pytest.mark.parametrize("figure, ok", [
    ({"low": 50, "high": 70}, True),
    ({"value": 50}, True),
    ({"low": 70, "high": 50}, False),
    ({"low": 50}, False),
    ({"value": 50, "low": 50, "high": 70}, False),
    ({}, False),
])
def test_a_figure_is_a_value_or_a_range(figure, ok):
    from caj.core.models import Figure

    data = {"quantity": "distance", "unit": "km", **figure}
    if ok:
        assert Figure.model_validate(data).numbers() == set(figure.values())
    else:
        with pytest.raises(ValidationError):
            Figure.model_validate(data)


def test_a_range_is_shown_as_one():
    from caj.core.models import Figure

    assert Figure(quantity="d", low=50, high=70, unit="km").display() == "50–70 km"


@pytest.mark.parametrize("names, ok", [
    ({"title": "Real title"}, True), ({"description": "A report"}, True),
    ({}, False), ({"title": "T", "description": "D"}, False),
])
def test_a_source_has_a_title_or_a_description(names, ok):
    from caj.core.models import Source

    data = {"id": "s", "publisher": "P", "kind": "press", "reliability": "r", **names}
    if ok:
        Source.model_validate(data)
    else:
        with pytest.raises(ValidationError, match="title"):
            Source.model_validate(data)


def test_a_quote_stays_short():
    with pytest.raises(ValidationError):
        Citation.model_validate({"source": "s", "locator": "l", "quote": "x" * 241})
