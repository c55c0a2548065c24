"""The real data validates, and broken data is reported as file:line: id: field: message."""

import re

import yaml

from caj.load import load
from helpers import invoke

PROBLEM = re.compile(r"^data/[\w/.-]+\.yaml:\d+: [\w-]+: [\w.-]+: .+$")


def test_real_data_has_no_problems(dataset):
    assert [str(p) for p in dataset.problems] == []


def test_every_fact_is_cited_with_a_locator(dataset):
    for fact in dataset.facts.values():
        assert fact.citations, fact.id
        assert all(c.locator.strip() for c in fact.citations), fact.id
        assert any(c.stance == "states" for c in fact.citations), fact.id


def test_every_fact_cites_a_document(dataset):
    docs = {"idsa-2024", "avim-2017"}
    for fact in dataset.facts.values():
        assert {c.source for c in fact.citations} & docs, fact.id


def test_validate_command_on_real_data():
    result = invoke("validate", "--data", str(__import__("conftest").DATA))
    assert result.code == 0, result.out
    assert result.out == ""
    assert result.err.startswith("ok: ")


def _append(path, record):
    text = path.read_text(encoding="utf-8")
    path.write_text(text + "\n" + yaml.safe_dump([record], allow_unicode=True), encoding="utf-8")


def test_broken_records_name_file_line_id_and_field(data_copy):
    facts = data_copy / "facts" / "zz-broken.yaml"
    facts.write_text("", encoding="utf-8")
    _append(facts, {
        "id": "broken-fact", "kind": "figure", "date": "2021-13", "title": "t", "summary": "s",
        "topics": ["no-such-topic"], "entities": [{"entity": "atlantis", "role": "host"}],
        "citations": [{"source": "no-such-source", "locator": "p. 1", "value": "55 billion"}],
        "figure": {"quantity": "q", "value": 56, "unit": "bcm"},
    })
    result = invoke("validate", "--data", str(data_copy))
    assert result.code == 1
    lines = result.out.splitlines()
    assert all(PROBLEM.match(line) for line in lines), lines
    fields = {line.split(": ")[2] for line in lines}
    assert {"date", "topics", "entities.0.entity", "citations.0.source", "citations.0.value"} <= fields
    assert "data/facts/zz-broken.yaml:" in lines[0]


def test_duplicate_id_is_reported(data_copy, dataset):
    some = next(iter(dataset.facts.values()))
    dup = data_copy / "facts" / "zz-dup.yaml"
    dup.write_text(yaml.safe_dump([some.model_dump(exclude_none=True, mode="json")]), encoding="utf-8")
    problems = [str(p) for p in load(data_copy).problems]
    assert any("duplicate id" in p and some.id in p for p in problems)


def test_figure_as_printed_must_match_the_stored_amount(data_copy, dataset):
    oda = next(f for f in dataset.facts.values() if f.kind == "oda")
    path = data_copy / "facts" / "zz-oda.yaml"
    bad = oda.model_dump(exclude_none=True, mode="json")
    bad["id"] = "oda-wrong-amount"
    bad["oda"]["amount"] = bad["oda"]["amount"] + 1
    path.write_text(yaml.safe_dump([bad], allow_unicode=True), encoding="utf-8")
    problems = [str(p) for p in load(data_copy).problems]
    assert any("oda-wrong-amount" in p and "does not state the stored amount" in p for p in problems)


def test_unknown_field_is_an_error(data_copy):
    path = data_copy / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("  kind: analysis\n", "  kind: analysis\n  colour: red\n", 1),
                    encoding="utf-8")
    problems = [str(p) for p in load(data_copy).problems]
    assert any("colour" in p and "Extra inputs" in p for p in problems)


def test_not_a_data_dir(tmp_path):
    result = invoke("validate", "--data", str(tmp_path))
    assert result.code == 1
    assert "not a caj data dir" in result.out


def test_every_fact_id_is_published(dataset):
    registry = yaml.safe_load((dataset.root / "ids.yaml").read_text(encoding="utf-8"))
    assert set(registry["published"]) == set(dataset.facts)


def test_a_published_id_may_not_vanish(data_copy):
    path = data_copy / "facts" / "idsa.yaml"
    records = yaml.safe_load(path.read_text(encoding="utf-8"))
    path.write_text(yaml.safe_dump([r for r in records if r["id"] != "silk-road-action-plan"],
                                   allow_unicode=True), encoding="utf-8")
    result = invoke("validate", "--data", str(data_copy))
    assert result.code == 1
    assert "data/ids.yaml:1: silk-road-action-plan: id: published id has vanished" in result.out


def test_a_retired_id_may_not_come_back(data_copy):
    path = data_copy / "ids.yaml"
    registry = yaml.safe_load(path.read_text(encoding="utf-8"))
    registry["retired"] = ["oda-2016-uzbekistan"]
    path.write_text(yaml.safe_dump(registry), encoding="utf-8")
    result = invoke("validate", "--data", str(data_copy))
    assert result.code == 1
    assert "oda-2016-uzbekistan: id: retired id reused" in result.out
