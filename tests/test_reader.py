"""What a reader of the tables and a writer of scripts meet: whole words at every width, one
vocabulary in every format, caveated ODA, a timeline of dated facts, one topic tree, search that
leads somewhere, and a first contact that helps."""

import csv
import io
import json
import re
from pathlib import Path

import pytest

from caj.core import vocab as formats
from conftest import REPO
from helpers import invoke
from test_terminal import run_in_pty

LISTINGS = [
    ("timeline",), ("timeline", "--with-undated"), ("oda",), ("oda", "--currency", "USD"),
    ("projects",), ("search", "railway"), ("sources",), ("countries",), ("actors",), ("topics",),
    ("conflicts",), ("show", "silk-road-action-plan"), ("show", "jbic"),
]
WIDTHS = (40, 60, 80, 100, 120, 200)


def tokens(screen: str) -> set[str]:
    """The words and ids of a screen; a run of wide characters (a Japanese title, written without
    spaces) may break between any two, as Japanese text does, so it is no token."""
    return {t for t in screen.split() if re.search(r"\w", t) and not WIDE.search(t)}


WIDE = re.compile("[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
                  "\uff00-\uff60\uffe0-\uffe6]")


@pytest.mark.parametrize("args", LISTINGS, ids=" ".join)
def test_no_word_or_id_is_ever_split(args, db_path):
    wide = tokens(run_in_pty(*args, columns=250, CAJ_DB=str(db_path), NO_COLOR="1"))
    for width in WIDTHS:
        screen = run_in_pty(*args, columns=width, CAJ_DB=str(db_path), NO_COLOR="1")
        missing = wide - tokens(screen)
        assert not missing, (width, sorted(missing)[:10])
        for line in screen.splitlines():  # only a single token longer than the screen may overflow
            assert len(line) <= width or len(line.split()) == 1, (width, line)


def test_projects_keep_their_country_headings_as_cards(db_path):
    screen = run_in_pty("projects", columns=40, CAJ_DB=str(db_path), NO_COLOR="1").replace("\r", "")
    for country in ("Uzbekistan", "Turkmenistan", "Kazakhstan", "Kyrgyzstan", "Tajikistan"):
        assert re.search(rf"^{country}$", screen, re.M), country


def test_tables_show_names_and_ids_stay_in_data(db_path):
    screen = run_in_pty("oda", "--year", "2016", columns=80, CAJ_DB=str(db_path), NO_COLOR="1")
    assert "Kazakhstan" in screen and "oda-2016-kazakhstan" in screen
    data = json.loads(invoke("oda", "--year", "2016", "--format", "json").out)
    assert data[0]["recipient"] == "kazakhstan"


# --- one vocabulary --------------------------------------------------------------------------

COMMAND_ARGS = {
    "timeline": ("timeline", "--with-undated"), "oda": ("oda",),
    "oda-converted": ("oda", "--currency", "usd"), "projects": ("projects",),
    "search": ("search", "energy"), "conflicts": ("conflicts",), "sources": ("sources",),
    "countries": ("countries",), "actors": ("actors",), "topics": ("topics",),
}


@pytest.mark.parametrize("schema_name", [*COMMAND_ARGS, "show"])
def test_shipped_schema_is_current(schema_name):
    shipped = Path(formats.__file__).with_name("schemas") / f"{schema_name}.schema.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == formats.schema(schema_name)


@pytest.mark.parametrize("schema_name", COMMAND_ARGS)
def test_json_output_matches_its_schema(schema_name):
    import jsonschema

    records = json.loads(invoke(*COMMAND_ARGS[schema_name], "--format", "json").out)
    assert records
    jsonschema.validate(records, formats.schema(schema_name))
    for r in records:
        assert list(r) == list(formats.COMMANDS[schema_name])  # same names, same order


@pytest.mark.parametrize("ref", ["silk-road-action-plan", "oda-2016-uzbekistan", "jbic", "uzbekistan"])
def test_show_json_matches_its_schema(ref):
    import jsonschema

    jsonschema.validate(json.loads(invoke("show", ref, "--format", "json").out), formats.schema("show"))


def test_every_field_is_documented():
    doc = (REPO / "docs" / "formats.md").read_text(encoding="utf-8")
    assert doc == formats.markdown(), "refresh with: python -m caj.core.vocab docs"
    for name in {n for names in formats.COMMANDS.values() for n in names}:
        assert f"| `{name}` |" in doc, name


@pytest.mark.parametrize("schema_name", COMMAND_ARGS)
def test_empty_result_prints_the_same_header(schema_name):
    full = invoke(*COMMAND_ARGS[schema_name], "--format", "csv").out.splitlines()[0]
    assert full == ",".join(formats.COMMANDS[schema_name])


def test_empty_results_header_and_message():
    result = invoke("timeline", "--country", "kz", "--year", "1950", "--format", "csv")
    assert result.code == 0 and result.out == ",".join(formats.COMMANDS["timeline"]) + "\n"
    assert result.err.startswith("caj: no facts match") and result.err.count("\n") == 1
    table = invoke("timeline", "--year", "1950", "--format", "table")
    assert table.out == "" and table.code == 0


def test_missing_is_null_in_json_and_empty_in_csv():
    rec = json.loads(invoke("oda", "--year", "2016", "--format", "json").out)[0]
    assert rec["flow_type"] is None
    row = next(csv.DictReader(io.StringIO(invoke("oda", "--year", "2016", "--format", "csv").out)))
    assert row["flow_type"] == ""
    for r in json.loads(invoke("projects", "--format", "json").out):
        assert r["finance"] is None or r["finance"]  # never ""


def test_tsv_is_real_tsv():
    out = invoke("timeline", "--format", "tsv").out
    header, *lines = out.splitlines()
    n = header.count("\t")
    assert all(line.count("\t") == n for line in lines)
    assert '"' not in header and not any(line.startswith('"') for line in lines)
    from caj.faces import formats as writers

    buf = io.StringIO()
    writers.write([{"a": "x\ty\nz\\"}], "tsv", writers.View(columns=[], fields=("a",)), buf)
    assert buf.getvalue() == "a\nx\\ty\\nz\\\\\n"


# --- ODA -------------------------------------------------------------------------------------


def test_oda_records_carry_caveats():
    rows = {r["recipient"]: r for r in json.loads(invoke("oda", "--year", "2016", "--format", "json").out)}
    assert "currency not printed, read as JPY" in rows["uzbekistan"]["caveats"]
    assert "currency not printed, read as JPY" not in rows["kazakhstan"]["caveats"]
    assert all("not confirmed by a public-record source" in r["caveats"] for r in rows.values())
    usd = json.loads(invoke("oda", "--year", "2016", "--currency", "USD", "--format", "json").out)
    assert any("converted at ¥108.79 per US$" in c for c in usd[0]["caveats"])


def test_oda_table_marks_caveats_and_says_what_the_total_adds(db_path):
    screen = run_in_pty("oda", "--year", "2016", columns=100, CAJ_DB=str(db_path), NO_COLOR="1")
    assert "Total †" in screen
    assert "Total: the sum of 5 disbursement figures for 2016" in screen
    assert "† currency not printed, read as JPY: Uzbekistan 2016" in screen


def test_chart_is_in_one_currency_and_never_into_a_pipe(db_path):
    bad = invoke("oda", "--chart", "--format", "json")
    assert bad.code == 2 and "--chart" in bad.err and bad.out == ""
    chart = invoke("oda", "--chart", "--format", "table").out
    assert "in USD, converted" in chart and "¥" not in chart.split("\n†")[0].split("\n", 1)[1]
    piped = invoke("oda", "--chart").out  # not a terminal: the figures as CSV, not bars
    assert piped.startswith("id,kind,") and "█" not in piped


# --- the timeline ----------------------------------------------------------------------------


def _ids(*args) -> list[str]:
    return [r["id"] for r in json.loads(invoke(*args, "--format", "json").out)]


def test_timeline_lists_dated_facts_unless_asked():
    dated = json.loads(invoke("timeline", "--format", "json").out)
    assert dated and all(r["date_basis"] != "source" for r in dated)
    everything = json.loads(invoke("timeline", "--with-undated", "--format", "json").out)
    assert len(everything) > len(dated)
    assert {r["date_basis"] for r in everything} >= {"source", "stated"}


def test_year_month_and_day_bounds():
    assert _ids("timeline", "--year", "2024") == _ids("timeline", "--from", "2024", "--to", "2024")
    august = _ids("timeline", "--from", "2024-08", "--to", "2024-08")
    assert "jma-earthquake-warning-2024" in august
    assert "jma-earthquake-warning-2024" in _ids("timeline", "--from", "2024-08-08", "--to", "2024-08-08")
    assert "jma-earthquake-warning-2024" not in _ids("timeline", "--from", "2024-08-09", "--to", "2024-12")
    bad = invoke("timeline", "--from", "2024-13")
    assert bad.code == 2 and "is not a date" in bad.err


# --- one topic tree --------------------------------------------------------------------------


@pytest.mark.parametrize("sector", ["energy", "oil-gas", "transport", "infrastructure", "nuclear"])
def test_sector_is_the_project_timeline_of_its_topic(sector):
    projects = set(_ids("projects", "--sector", sector))
    timeline = set(_ids("timeline", "--kind", "project", "--topic", sector, "--with-undated"))
    assert projects and projects == timeline


def test_a_topic_takes_in_the_topics_beneath_it():
    energy = set(_ids("timeline", "--topic", "energy", "--with-undated"))
    for child in ("oil-gas", "nuclear", "renewable-energy"):
        assert set(_ids("timeline", "--topic", child, "--with-undated")) <= energy


# --- search ----------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["railway", "kazakhstan", "jbic", "uranium", "summit"])
def test_every_hit_opens_and_snippets_are_prose(query):
    hits = json.loads(invoke("search", query, "--limit", "50", "--format", "json").out)
    assert hits
    for h in hits:
        assert invoke("show", h["id"], "--format", "json").code == 0, h["id"]
        assert not re.search(r"\b(KZ|KAZ|UZ|UZB)\b.*\b(KZ|KAZ|UZ|UZB)\b", h["match"]), h["match"]


def test_a_misspelt_name_is_found_by_spelling():
    result = invoke("search", "nazarbaev", "--format", "csv")
    assert "nursultan-nazarbayev" in result.out and "spelled like it" in result.err


def test_capped_results_say_how_many_there_were():
    result = invoke("search", "japan", "--limit", "3", "--format", "csv")
    assert len(result.out.splitlines()) == 4
    assert re.search(r"showing 3 of \d+; --limit \d+ shows them all", result.err)


# --- show ------------------------------------------------------------------------------------


def test_show_is_a_card_that_fits(db_path, conn):
    largest = max((r[0] for r in conn.execute("SELECT id FROM facts")),
                  key=lambda i: len(invoke("show", i, "--format", "json").out))
    screen = run_in_pty("show", largest, columns=80, CAJ_DB=str(db_path), NO_COLOR="1")
    assert len(screen.splitlines()) <= 60, largest
    card = run_in_pty("show", "SILK-ROAD-ACTION-PLAN", columns=80, CAJ_DB=str(db_path), NO_COLOR="1")
    for text in ("Hashimoto launches the Silk Road Action Plan", "Contradicted by", "kantei-1997-hashimoto",
                 "Countries: Japan, Central Asia", "Stated by"):
        assert text in card


def test_show_opens_entities_with_their_facts(db_path):
    card = run_in_pty("show", "Trans-Siberian-Railway", columns=80, CAJ_DB=str(db_path), NO_COLOR="1")
    assert "Facts (" in card
    rec = json.loads(invoke("show", "kazakhstan", "--format", "json").out)
    assert rec["kind"] == "country" and rec["iso3"] == "KAZ" and rec["facts"]


# --- first contact ---------------------------------------------------------------------------


def test_bare_caj_lists_the_commands():
    result = invoke()
    assert result.code == 0
    for command in ("timeline", "oda", "projects", "show", "search"):
        assert re.search(rf"^  {command} ", result.out, re.M)
    assert "e.g. caj timeline" in result.out


@pytest.mark.parametrize("args, hint", [
    (("projects", "uzbekistan"), "did you mean --country uzbekistan?"),
    (("projects", "nuclear"), "did you mean --sector nuclear?"),
    (("timeline", "nuclear"), "did you mean --topic nuclear?"),
    (("timeline", "jbic"), "did you mean --actor jbic?"),
    (("countries", "kz"), "`caj countries -h` lists its options"),
])
def test_a_value_in_the_wrong_place_gets_its_option(args, hint):
    result = invoke(*args)
    assert result.code == 2 and hint in result.err and result.err.count("\n") == 1


@pytest.mark.parametrize("args, hint", [
    (("timeline", "--kind", "evnt"), "did you mean 'event'"),
    (("timeline", "--status", "cancled"), "did you mean 'cancelled'"),
    (("oda", "--currency", "usdd"), "did you mean 'USD'"),
    (("timeline", "--format", "jsno"), "did you mean 'json'"),
    (("cite", "idsa-2024", "--style", "bibtx"), "did you mean 'bibtex'"),
    (("actors", "--kind", "compny"), "did you mean 'company'"),
])
def test_fixed_choices_suggest(args, hint):
    result = invoke(*args)
    assert result.code == 2 and hint in result.err and result.err.count("\n") == 1


def test_fixed_choices_ignore_case():
    assert invoke("actors", "--kind", "Person", "--format", "csv").out.count("\n") > 3
    assert invoke("timeline", "--kind", "EVENT", "--format", "csv").code == 0
    assert invoke("oda", "--currency", "usd", "--format", "csv").code == 0
