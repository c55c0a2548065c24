"""The commands end to end on the real data: exact output, exit codes, one-line errors."""

import csv
import io
import json
import sqlite3

import pytest

from helpers import invoke

ODA_2016 = {
    "kazakhstan": 1158.29, "kyrgyzstan": 815.42, "tajikistan": 418.17, "turkmenistan": 62.41,
    "uzbekistan": 3207.74,
}


def rows(text):
    return list(csv.DictReader(io.StringIO(text)))


def test_oda_2016_gives_the_five_idsa_disbursements():
    result = invoke("oda", "--year", "2016", "--format", "csv")
    assert result.code == 0 and result.err == ""
    got = {r["recipient"]: float(r["amount"]) for r in rows(result.out)}
    assert got == ODA_2016
    assert {r["currency"] for r in rows(result.out)} == {"JPY"}
    assert {r["scale"] for r in rows(result.out)} == {"million"}


def test_oda_csv_header_is_exact():
    header = invoke("oda", "--year", "2016", "--format", "csv").out.splitlines()[0]
    assert header == ("id,kind,date,when,title,summary,status,date_basis,countries,topics,corroborated,"
                      "disputed,refined,year,donor,recipient,amount,currency,scale,measure,year_basis,"
                      "flow_type,value_stated,caveats,sources")


@pytest.mark.parametrize("name", ["uzbekistan", "Uzbekistan", "UZ", "uzb", "Republic of Uzbekistan"])
def test_projects_by_country_any_spelling(name):
    result = invoke("projects", "--country", name, "--format", "json")
    assert result.code == 0
    records = json.loads(result.out)
    assert records and all("uzbekistan" in r["countries"] for r in records)


def test_projects_of_uzbekistan_and_no_others(conn):
    """Every project that concerns the country: hosted there, or naming it among its countries."""
    wanted = {r[0] for r in conn.execute(
        "SELECT fact_id FROM projects WHERE country = 'uzbekistan' UNION "
        "SELECT fact_id FROM fact_countries JOIN projects USING (fact_id) WHERE entity_id = 'uzbekistan'")}
    got = {r["id"] for r in rows(invoke("projects", "--country", "uzbekistan").out)}
    assert got == wanted


def test_timeline_json_records_carry_id_date_sources():
    records = json.loads(invoke("timeline", "--format", "json").out)
    assert len(records) >= 20
    for r in records:
        assert r["id"] and r["date"]
        assert r["sources"] and all({"source", "locator"} <= set(s) for s in r["sources"])


def test_every_command_json_carries_id_date_sources():
    for args in (["oda"], ["projects"], ["timeline"], ["conflicts"]):
        for r in json.loads(invoke(*args, "--format", "json").out):
            assert {"id", "date", "sources"} <= set(r), args


def test_csv_flattens_sources():
    r = rows(invoke("oda", "--year", "2016").out)[0]
    assert r["sources"].startswith("idsa-2024:")


def test_jsonl_and_tsv_and_markdown():
    jsonl = invoke("oda", "--year", "2016", "--format", "jsonl").out.splitlines()
    assert len(jsonl) == 5 and all(json.loads(line)["year"] == 2016 for line in jsonl)
    tsv = invoke("oda", "--year", "2016", "--format", "tsv").out.splitlines()
    assert len(tsv) == 6 and tsv[0].split("\t")[0] == "id"
    md = invoke("oda", "--year", "2016", "--format", "markdown").out.splitlines()
    assert md[0].startswith("| Year |") and md[8] == "" and all(x.startswith("|") for x in md[:8])
    assert md[7].startswith("|  | Total †")
    assert "† currency not printed, read as JPY" in md[-1]


def test_timeline_selects_by_overlap_in_date_order(conn):
    records = json.loads(invoke("timeline", "--from", "2004", "--to", "2009", "--format", "json").out)
    wanted = [r[0] for r in conn.execute(
        "SELECT id FROM facts WHERE latest >= '2004-01-01' AND earliest <= '2009-12-31' "
        "ORDER BY earliest, latest, seq")]
    assert [r["id"] for r in records] == wanted and wanted


def test_show_prints_every_citation():
    result = invoke("show", "oda-2016-uzbekistan", "--format", "json")
    record = json.loads(result.out)
    assert record["id"] == "oda-2016-uzbekistan"
    assert record["oda"]["amount"] == 3207.74
    assert any(c["note"] for c in record["citations"])


@pytest.mark.parametrize("args, message", [
    (["oda", "--year", "abc"], "'abc' is not a year"),
    (["oda", "--year", "99999999999999999999"], "is not a year"),
    (["timeline", "--from", "2010", "--to", "2000"], "--from 2010 is after --to 2000"),
    (["oda", "--year", "2016", "--from", "2010"], "--year cannot be combined"),
    (["projects", "--country", "uzbekstan"], "did you mean 'Uzbekistan'"),
    (["timeline", "--topic", "nucleer"], "did you mean"),
    (["show", "oda-2016-uzbekstan"], "did you mean 'oda-2016-uzbekistan'"),
    (["oda", "--format", "xml"], "unknown format 'xml'"),
    (["timeline", "--nope"], "no such option"),
])
def test_bad_usage_is_one_line_and_exit_2(args, message):
    result = invoke(*args)
    assert result.code == 2, result
    assert result.out == ""
    assert result.err.count("\n") == 1 and message in result.err, result.err
    assert "Traceback" not in result.err


def test_empty_result_is_success_with_a_hint():
    result = invoke("oda", "--year", "1950", "--format", "csv")
    assert result.code == 0
    assert result.out.splitlines()[0].startswith("id,")
    assert "no ODA figures match" in result.err


@pytest.mark.parametrize("content, message", [
    (None, "database not found"),
    (b"", "not a caj database"),
    (b"this is not sqlite at all" * 100, "cannot read"),
])
def test_bad_database_is_one_line_and_exit_1(tmp_path, content, message):
    path = tmp_path / "bad.db"
    if content is not None:
        path.write_bytes(content)
    result = invoke("timeline", "--db", str(path))
    assert result.code == 1
    assert result.err.count("\n") == 1 and message in result.err, result.err


def test_wrong_schema_database(tmp_path, db_path):
    path = tmp_path / "old.db"
    path.write_bytes(db_path.read_bytes())
    with sqlite3.connect(path) as c:
        c.execute("UPDATE meta SET value = '0' WHERE key = 'schema_version'")
    for command in ("oda", "timeline", "sources", "show jbic", "search rail"):
        result = invoke(*command.split(), "--db", str(path))
        assert result.code == 1 and result.err.count("\n") == 1, (command, result.err)
        assert "built for another version of caj (schema 0" in result.err
        assert f"rebuild it with `caj build --out {path}`" in result.err


def test_caj_db_environment_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("CAJ_DB", str(tmp_path / "missing.db"))
    result = invoke("oda")
    assert result.code == 1 and "missing.db" in result.err


def test_version_and_help():
    assert invoke("--version").out == f"caj {__import__('caj').__version__}\n"
    assert "timeline" in invoke("--help").out


def test_decades_select_their_ten_years():
    by_decade = rows(invoke("timeline", "--from", "1990s", "--to", "1990s", "--format", "csv").out)
    by_years = rows(invoke("timeline", "--from", "1990", "--to", "1999", "--format", "csv").out)
    assert by_decade == by_years and by_decade
    assert rows(invoke("timeline", "--from", "199X", "--to", "1999", "--format", "csv").out) == by_years
    assert "silk-road-action-plan" in {r["id"] for r in by_decade}


def test_show_suggests_the_fact_a_partial_id_names():
    result = invoke("show", "tashguzar")
    assert result.code == 2
    assert result.err.startswith(
        "caj: unknown id 'tashguzar'; did you mean 'tashguzar-kumkurgan-railway-2004'")


@pytest.mark.parametrize("country", ["kz", "kg", "tj", "tm", "uz", "central-asia", "china"])
@pytest.mark.parametrize("years", [("1990", "1993"), ("2004", "2004"), ("2015", "2017"),
                                   ("2024", "2025"), ("1990s", "2000s")])
def test_country_and_years_is_the_intersection_of_each(country, years):
    """The country-and-date index gives exactly what the two filters give apart, in order."""
    def ids(*args):
        return [r["id"] for r in rows(invoke("timeline", *args, "--format", "csv").out)]

    both = ids("--country", country, "--from", years[0], "--to", years[1])
    by_country = set(ids("--country", country))
    assert both == [i for i in ids("--from", years[0], "--to", years[1]) if i in by_country]
