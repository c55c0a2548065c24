"""The real data validates, and broken data is reported as file:line: id: field: message."""

import re

import yaml

from caj.building.load import load
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


def _problems(data_copy) -> list[str]:
    result = invoke("validate", "--data", str(data_copy))
    assert result.code == 1
    lines = result.out.splitlines()
    assert all(PROBLEM.match(line) for line in lines), lines
    return lines


def test_a_stated_date_needs_a_quote_that_carries_it(data_copy):
    path = data_copy / "facts" / "avim.yaml"
    text = path.read_text(encoding="utf-8")
    quote = ('      quote: "Japanese leaders developed strategies in the late 1990s and underlined the '
             'importance of the region."\n')
    assert quote in text
    path.write_text(text.replace(quote, ""), encoding="utf-8")
    lines = _problems(data_copy)
    assert any(": late-1990s-strategies: date: stated date 1996/1999 is in no quote" in line
               for line in lines)


def test_a_number_in_a_title_needs_a_quote_that_carries_it(data_copy):
    path = data_copy / "facts" / "avim.yaml"
    text = path.read_text(encoding="utf-8")
    old = "title: China produces 93 % of the world's rare-earth metals"
    path.write_text(text.replace(old, "title: China produces 95 % of the world's rare-earth metals"),
                    encoding="utf-8")
    lines = _problems(data_copy)
    assert any(": china-rare-earth-share: title: 95 in the title is in no quote" in line for line in lines)


def test_a_range_runs_low_to_high(data_copy):
    path = data_copy / "facts" / "avim.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    low: 50\n    high: 70\n", "    low: 70\n    high: 50\n"),
                    encoding="utf-8")
    lines = _problems(data_copy)
    assert any(": chabahar-gwadar-distance: figure: " in line and "low 70" in line for line in lines)


def test_a_source_has_its_title_or_a_description(data_copy):
    path = data_copy / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    old = ("  title: null\n"
           "  description: AVİM commentary on Japan's relations with the Central Asian countries\n")
    assert old in text
    path.write_text(text.replace(old, "  title: null\n"), encoding="utf-8")
    lines = _problems(data_copy)
    assert any(line.startswith("data/sources.yaml:") and "avim-2017" in line
               and "title" in line for line in lines)


# --- issue 26: what validate can check without the documents ---------------------------------


def _add_source(data_copy, sid, **over):
    record = {"id": sid, "title": f"Title of {sid}", "publisher": "P", "date": "2024-01-23",
              "url": f"https://example.org/{sid}", "kind": "press", "reliability": "r",
              "checked": "2026-12-03", **over}
    _append(data_copy / "sources.yaml", record)


def _cite(data_copy, fid, citation):
    """Add a citation to a fact of facts/idsa.yaml, as its first."""
    path = data_copy / "facts" / "idsa.yaml"
    text = path.read_text(encoding="utf-8")
    head, sep, tail = text.partition(f"- id: {fid}\n")
    at = tail.index("    - source: ", tail.index("  citations:\n"))
    lines = yaml.safe_dump(citation, allow_unicode=True, sort_keys=False).splitlines()
    item = "\n".join(("    - " if i == 0 else "      ") + line for i, line in enumerate(lines))
    path.write_text(head + sep + tail[:at] + item + "\n" + tail[at:], encoding="utf-8")


def test_a_source_no_fact_cites_is_reported(data_copy):
    _add_source(data_copy, "zz-orphan")
    lines = _problems(data_copy)
    assert [line.split(":", 2)[2] for line in lines if "zz-orphan" in line] == [
        " zz-orphan: id: no fact cites this source"]
    assert all(line.startswith("data/sources.yaml:") for line in lines if "zz-orphan" in line)


def test_a_follows_citation_needs_a_checked_source(data_copy):
    _add_source(data_copy, "zz-later", checked=None, url=None)
    _cite(data_copy, "aid-package-300bn-yen-2024",
          {"source": "zz-later", "locator": "report", "stance": "follows", "note": "what came next"})
    lines = _problems(data_copy)
    hit = [line for line in lines if "aid-package-300bn-yen-2024" in line]
    assert hit and all(line.startswith("data/facts/idsa.yaml:") for line in hit), lines
    assert any("citations.0.source: what happened next (zz-later)" in line for line in hit)


def test_a_checked_follows_citation_is_no_refinement_or_conflict(data_copy):
    from caj.building.database import build
    from caj.reading import db, queries

    _add_source(data_copy, "zz-later")
    _cite(data_copy, "kazakhstan-uranium-partnership",
          {"source": "zz-later", "locator": "report", "stance": "follows", "note": "what came next"})
    ds = load(data_copy)
    assert ds.problems == []
    out = data_copy.parent / "follows.db"
    build(ds, out)
    conn = db.connect(out)
    row = conn.execute("SELECT refined, disputed FROM facts WHERE id = ?",
                       ("kazakhstan-uranium-partnership",)).fetchone()
    assert tuple(row) == (0, 0)
    assert "kazakhstan-uranium-partnership" not in {r["id"] for r in queries.conflicts(conn)}


def test_a_record_date_and_a_contradiction_on_unchecked_sources_are_reported(data_copy):
    path = data_copy / "sources.yaml"
    text = path.read_text(encoding="utf-8")
    for sid in ("ecns-2015-04-21", "gtreview-jbic-uzbek-railway"):
        block = text[text.index(f"- id: {sid}\n"):]
        block = block[:block.index("\n- id: ") if "\n- id: " in block else len(block)]
        text = text.replace(block, block.replace("checked: 2026-12-03", "checked: null")
                                        .replace("checked: 2026-11-30", "checked: null"))
    path.write_text(text, encoding="utf-8")
    lines = _problems(data_copy)
    assert any(": cpec-worth-46bn: date: record date 2015-04-20 rests on ecns-2015-04-21" in line
               for line in lines)
    assert any(": tashguzar-kumkurgan-railway-2004: citations: the contradiction rests on unchecked "
               "sources alone (gtreview-jbic-uzbek-railway)" in line for line in lines)
