"""`caj serve`: the web view answers as the command line does, describes what it shows, hides what
is internal, and stays safe under hostile SQL and parameters."""

from __future__ import annotations

import contextlib
import hashlib
import json
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from conftest import caj_exe, env
from helpers import invoke

pytest.importorskip("datasette", reason="the web extra is not installed: pip install \"caj[web]\"")

from caj import fields, formats, web  # noqa: E402

# --- a server, started as a user starts it ----------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def served(db_path: Path):
    """`caj serve` on a free port of 127.0.0.1, until the block ends."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # the server's output goes to a file: a pipe nobody reads would fill up and stall it
    with tempfile.TemporaryFile(mode="w+") as log:
        proc = subprocess.Popen([*caj_exe(), "serve", "--port", str(port), "--db", str(db_path)],
                                env=env(), stdout=log, stderr=log, text=True)
        try:
            wait_for(base, proc, log)
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def wait_for(base: str, proc: subprocess.Popen, log) -> None:
    for _ in range(200):
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"caj serve exited: {log.read()}")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(base + "/-/versions.json", timeout=2)
            return
        time.sleep(0.1)
    raise RuntimeError("caj serve did not start")


def get(base: str, path: str, **params) -> tuple[int, dict | list]:
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture(scope="module")
def server(db_path):
    with served(db_path) as base:
        yield base


def ask(base: str, query: str, **params) -> list[dict]:
    status, body = get(base, f"/caj/{query}.json", _shape="objects", **params)
    assert status == 200, body
    return body["rows"]


def cli(*args: str) -> list[dict]:
    result = invoke(*args, "--format", "json")
    assert result.code == 0, result
    return json.loads(result.out or "[]")


# --- parity: each canned query gives the command's ids in the command's order -----------------


def cli_has(command: str, option: str) -> bool:
    return option in invoke(command, "--help").out


def cli_timeline(params: dict) -> list[str]:
    args = []
    for key, flag in (("country", "--country"), ("from", "--from"), ("to", "--to"),
                      ("kind", "--kind"), ("topic", "--topic")):
        if params.get(key):
            args += [flag, params[key]]
    if params.get("year"):  # --year Y is --from Y --to Y
        args += ["--from", params["year"], "--to", params["year"]]
    undated = bool(params.get("with_undated"))
    if cli_has("timeline", "--with-undated"):
        rows = cli("timeline", *args, *(["--with-undated"] if undated else []))
    else:
        # a command line from before the dated-by-record default: apply it to its answer
        rows = [r for r in cli("timeline", *args) if undated or r["date_basis"] != "source"]
    return [r["id"] for r in rows]


TIMELINE = [{}, {"country": "Uzbek"}, {"country": "uzbekistan", "with_undated": "1"},
            {"country": "KZ", "from": "2000", "to": "2009"}, {"year": "2016"},
            {"from": "1990s", "to": "1990s"}, {"kind": "project", "with_undated": "1"},
            {"topic": "nuclear"}, {"topic": "energy", "kind": "project"},
            {"country": "Kyrgyz Republic", "kind": "oda"}, {"from": "2020"}, {"to": "1999"}]


@pytest.mark.parametrize("params", TIMELINE, ids=lambda p: json.dumps(p))
def test_timeline_parity(server, params):
    assert [r["id"] for r in ask(server, "timeline", **params)] == cli_timeline(params)


ODA = [({}, []), ({"year": "2016"}, ["--year", "2016"]),
       ({"country": "uz"}, ["--country", "uz"]),
       ({"year": "2016", "currency": "USD"}, ["--year", "2016", "--currency", "USD"]),
       ({"country": "Kyrgyzstan", "currency": "jpy"}, ["--country", "Kyrgyzstan", "--currency", "JPY"])]


@pytest.mark.parametrize("params,args", ODA, ids=lambda p: json.dumps(p))
def test_oda_parity(server, params, args):
    web_rows, cli_rows = ask(server, "oda", **params), cli("oda", *args)
    assert [r["id"] for r in web_rows] == [r["id"] for r in cli_rows]
    for w, c in zip(web_rows, cli_rows, strict=True):
        assert (w["amount"], w["converted"], w["rate_jpy_per_usd"]) == \
            (c["amount"], c.get("converted"), c.get("rate_jpy_per_usd"))


PROJECTS = [({}, []), ({"country": "uz"}, ["--country", "uz"]),
            ({"sector": "nuclear"}, ["--sector", "nuclear"]),
            ({"status": "ongoing"}, ["--status", "ongoing"]),
            ({"sector": "agriculture", "country": "Tajikistan"},
             ["--sector", "agriculture", "--country", "Tajikistan"])]


@pytest.mark.parametrize("params,args", PROJECTS, ids=lambda p: json.dumps(p))
def test_projects_parity(server, params, args):
    assert [r["id"] for r in ask(server, "projects", **params)] == [r["id"] for r in cli("projects", *args)]


def test_conflicts_parity(server):
    web_rows, cli_rows = ask(server, "conflicts"), cli("conflicts")
    assert [(r["id"], r["stance"]) for r in web_rows] == [(r["id"], r["stance"]) for r in cli_rows]
    assert [(r["document_says"], r["record_says"]) for r in web_rows] == \
        [(r["document_says"], r["record_says"]) for r in cli_rows]


SEARCHES = [({"q": "railway"}, ["railway"]), ({"q": "gas-fired"}, ["gas-fired"]),
            ({"q": "uranium", "limit": "3"}, ["uranium", "--limit", "3"]),
            ({"q": "what did Japan build in Uzbekistan?"}, ["what did Japan build in Uzbekistan?"]),
            ({"q": "rail*"}, ["rail*"])]


@pytest.mark.parametrize("params,args", SEARCHES, ids=lambda p: json.dumps(p))
def test_search_parity(server, params, args):
    assert [r["id"] for r in ask(server, "search", **params)] == [r["id"] for r in cli("search", *args)]


@pytest.mark.parametrize("fact_id", ["silk-road-action-plan", "oda-2016-uzbekistan",
                                     "enersok-jbic-loan-2023", "canwfz-signed-2006"])
def test_fact_page_parity(server, fact_id):
    rows = ask(server, "fact", id=fact_id)
    shown = cli("show", fact_id)
    assert {r["id"] for r in rows} == {fact_id}
    assert [(r["source"], r["locator"], r["stance"]) for r in rows] == \
        [(c["source"], c["locator"], c["stance"]) for c in shown["citations"]]


def test_names_resolve_as_on_the_command_line(server):
    for name in ("uzbekistan", "UZ", "UZB", "Uzbek", "Republic of Uzbekistan"):
        assert ask(server, "projects", country=name) == ask(server, "projects", country="uzbekistan")
    status, body = get(server, "/caj.json", sql="select caj_country('Uzbek') as c", _shape="array")
    assert body == [{"c": "uzbekistan"}]


def test_empty_parameters_mean_no_filter(server):
    everything = ask(server, "timeline")
    assert ask(server, "timeline", country="", year="", kind="", topic="") == everything
    assert len(everything) > 20


def test_months_and_days_narrow_the_range(server):
    month = [r["id"] for r in ask(server, "timeline", year="2024-08")]
    day = [r["id"] for r in ask(server, "timeline", **{"from": "2024-08-09", "to": "2024-08-09"})]
    assert month and set(day) <= set(month)


VOCABULARY = {  # the commands' own field lists (caj.formats); the web's oda always converts
    "timeline": list(formats.COMMANDS["timeline"]), "oda": list(formats.COMMANDS["oda-converted"]),
    "projects": list(formats.COMMANDS["projects"]), "conflicts": list(formats.COMMANDS["conflicts"]),
    "search": list(formats.COMMANDS["search"]),
}


@pytest.mark.parametrize("query", list(VOCABULARY))
def test_canned_queries_speak_the_field_vocabulary(server, query):
    status, body = get(server, f"/caj/{query}.json", q="rail")
    assert body["columns"] == VOCABULARY[query]


def test_oda_countries_is_the_recipient(server):
    rows = ask(server, "oda", year="2016")
    assert all(json.loads(r["countries"]) == [r["recipient"]] for r in rows)


# --- malformed parameters: a clear error naming the parameter, never an empty answer ----------

MALFORMED = [
    ("timeline", {"from": "abcd"}, "from: 'abcd' is not a date"),
    ("timeline", {"to": "20166"}, "to: '20166' is not a date"),
    ("timeline", {"year": "2024-13"}, "year: '2024-13' is not a date"),
    ("timeline", {"from": "2010", "to": "2000"}, "from 2010 is after to 2000"),
    ("timeline", {"year": "2010", "from": "2000"}, "year cannot be combined with from or to"),
    ("timeline", {"country": "Atlantis"}, "country: unknown country 'Atlantis'"),
    ("timeline", {"country": "Uzbekstan"}, "did you mean 'Uzbekistan'"),
    ("timeline", {"kind": "rumour"}, "kind: 'rumour' is not a kind of fact"),
    ("timeline", {"topic": "astrology"}, "topic: unknown topic 'astrology'"),
    ("timeline", {"with_undated": "maybe"}, "with_undated: 'maybe' is not yes or no"),
    ("oda", {"year": "twenty"}, "year: 'twenty' is not a year"),
    ("oda", {"year": "1990s"}, "year: '1990s' is not a year"),
    ("oda", {"currency": "EUR"}, "currency: 'EUR' is not a currency"),
    ("oda", {"country": "Narnia"}, "country: unknown country 'Narnia'"),
    ("projects", {"sector": "piracy"}, "sector: unknown topic 'piracy'"),
    ("projects", {"status": "imagined"}, "status: 'imagined' is not a status"),
    ("projects", {"country": "'; DROP TABLE facts; --"}, "country: unknown country"),
    ("search", {"q": "rail", "limit": "0"}, "limit: '0' is not a number of hits"),
    ("fact", {"id": "no-such-fact"}, "id: unknown id 'no-such-fact'"),
]


@pytest.mark.parametrize("query,params,message", MALFORMED, ids=lambda p: str(p)[:40])
def test_malformed_parameters_are_clear_errors(server, query, params, message):
    status, body = get(server, f"/caj/{query}.json", **params)
    assert status == 400
    assert body["ok"] is False and message in body["error"], body["error"]


def test_malformed_parameter_on_the_html_form(server):
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(f"{server}/caj/timeline?from=abcd", timeout=30)
    page = exc.value.read().decode()
    assert "from: &#39;abcd&#39; is not a date" in page and "<form" in page


# --- hostile SQL: refused or stopped; the server keeps serving; the file is untouched ---------

HOSTILE = [
    ("INSERT INTO facts (id) VALUES ('x')", "Statement must be a SELECT"),
    ("DELETE FROM facts", "Statement must be a SELECT"),
    ("UPDATE facts SET title = 'x'", "Statement must be a SELECT"),
    ("DROP TABLE facts", "Statement must be a SELECT"),
    ("select 1; drop table facts", "one statement at a time"),
    ("ATTACH DATABASE '/tmp/caj-evil.db' AS evil", "Statement must be a SELECT"),
    ("select * from pragma_database_list where 0; attach '/tmp/x' as x", "one statement at a time"),
    ("select load_extension('/tmp/evil.so')", "not authorized"),
    ("WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c",
     "SQL query took too long"),
    ("select * from facts a, facts b, facts c, facts d, facts e order by random()",
     "SQL query took too long"),
    ("select caj_country('nowhere')", "user-defined function raised exception"),
    ("PRAGMA writable_schema = 1", "Statement must be a SELECT"),
]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("sql,message", HOSTILE, ids=lambda p: p[:40])
def test_hostile_sql_is_refused_or_stopped(server, db_path, sql, message):
    before = digest(db_path)
    started = time.monotonic()
    status, body = get(server, "/caj.json", sql=sql)
    assert status == 400 and message in body["error"], body
    assert time.monotonic() - started < 15
    assert ask(server, "oda", year="2016")  # still serving
    assert digest(db_path) == before


def test_the_database_is_opened_immutable(server):
    status, body = get(server, "/-/databases.json")
    assert [(d["name"], d["is_mutable"]) for d in body] == [("caj", False)]
    status, settings = get(server, "/-/settings.json")
    assert settings["sql_time_limit_ms"] == 1000 and settings["max_returned_rows"] <= 1000
    assert settings["suggest_facets"] is False


# --- browsing: metadata, hidden tables, facets, search, links ---------------------------------


def test_metadata_describes_every_column_a_reader_sees(db_path):
    meta = web.metadata(db_path)["databases"]["caj"]
    visible = {t: m for t, m in meta["tables"].items() if not m.get("hidden")}
    assert {"facts", "v_facts", "citations", "sources", "entities", "oda", "projects"} <= set(visible)
    for table, m in visible.items():
        assert m["description"], table
        missing = [c for c, d in m["columns"].items() if not d]
        assert not missing, (table, missing)


def test_metadata_comes_from_the_schema_and_the_shared_descriptions(db_path, conn):
    meta = web.metadata(db_path)["databases"]["caj"]
    cols = [r[1] for r in conn.execute("PRAGMA table_info(oda)")]
    assert list(meta["tables"]["oda"]["columns"]) == cols
    assert meta["tables"]["oda"]["columns"]["value_stated"] == fields.COLUMNS["value_stated"]


def test_internal_tables_are_hidden(db_path):
    tables = web.metadata(db_path)["databases"]["caj"]["tables"]
    hidden = {t for t, m in tables.items() if m.get("hidden")}
    for name in ("search_docs_fts", "search_docs_fts_data", "search_docs_fts_idx", "search_docs_fts_config",
                 "search_docs_fts_docsize", "fact_span", "fact_span_node", "fact_span_parent",
                 "fact_span_rowid", "country_span", "country_span_node", "country_span_parent",
                 "country_span_rowid", "sqlite_stat1", "meta", "names", "search_docs"):
        assert name in hidden, name
    assert not hidden & {"facts", "v_facts", "citations", "sources"}


def test_home_page_lists_no_internal_table(server):
    status, body = get(server, "/caj.json")
    shown = {t["name"] for t in body["tables"] if not t["hidden"]}
    assert "facts" in shown and not {n for n in shown if "_fts" in n or "_span" in n or n == "meta"}


def test_sources_with_urls_on_the_database_page(db_path):
    about = web.metadata(db_path)["databases"]["caj"]["description_html"]
    assert 'href="https://idsa.in/' in about and "avim-2017" in about


def test_a_fact_with_two_countries_counts_under_each(server, conn):
    status, body = get(server, "/caj/v_facts.json", _facet_array="countries", _size="0")
    counts = {f["value"]: f["count"] for f in body["facet_results"]["countries"]["results"]}
    expected = dict(conn.execute("SELECT entity_id, count(*) FROM fact_countries GROUP BY entity_id"))
    assert counts["uzbekistan"] == expected["uzbekistan"]
    assert sum(counts.values()) > len(conn.execute("SELECT id FROM facts").fetchall())


def test_configured_facets_and_date_order(server, conn):
    status, body = get(server, "/caj/v_facts.json", _size="max")
    assert {"countries", "kind", "topics", "status", "year"} <= set(body["facet_results"])
    earliest = [r[body["columns"].index("earliest")] for r in body["rows"]]
    assert earliest == sorted(earliest) and len(earliest) == conn.execute(
        "SELECT count(*) FROM facts").fetchone()[0]


def test_full_text_search_on_facts(server):
    status, body = get(server, "/caj/v_facts.json", _search="railway", _shape="objects")
    ids = {r["id"] for r in body["rows"]}
    assert "tashguzar-kumkurgan-railway-2004" in ids


def test_fact_ids_link_to_their_fact_page(server):
    page = urllib.request.urlopen(f"{server}/caj/timeline?country=uz", timeout=30).read().decode()
    assert 'href="/caj/fact?id=enersok-jbic-loan-2023"' in page
    page = urllib.request.urlopen(f"{server}/caj/citations?_size=5", timeout=30).read().decode()
    assert 'href="/caj/fact?id=' in page


def test_serve_metadata_prints_json(db_path):
    result = invoke("serve", "--metadata", "--db", str(db_path))
    assert result.code == 0
    assert set(json.loads(result.out)["databases"]["caj"]["queries"]) == set(web.QUERIES)


# --- Datasette stays out of every other command -----------------------------------------------

PROBE = """
import sys
sys.argv = {argv!r}
{block}
from caj.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
heavy = sorted(m for m in sys.modules if m.split('.')[0] in ('datasette', 'uvicorn', 'jinja2', 'httpx')
               or m in ('caj.web', 'caj.web_plugin'))
print(code, heavy, file=sys.stderr)
"""


@pytest.mark.parametrize("argv", [["caj", "timeline", "--format", "json"], ["caj", "oda", "--year", "2016"],
                                  ["caj", "search", "rail"], ["caj", "show", "oda-2016-uzbekistan"],
                                  ["caj", "--help"]])
def test_no_command_but_serve_imports_datasette(db_path, argv):
    proc = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv, block="")], capture_output=True,
                          text=True, env=env(CAJ_DB=str(db_path)), timeout=60)
    assert proc.stderr.strip().splitlines()[-1] == "0 []", proc.stderr


def test_serve_without_the_extra_says_how_to_install(db_path):
    block = "sys.modules['datasette'] = None  # as if caj[web] were not installed"
    proc = subprocess.run([sys.executable, "-c", PROBE.format(argv=["caj", "serve"], block=block)],
                          capture_output=True, text=True, env=env(CAJ_DB=str(db_path)), timeout=60)
    lines = proc.stderr.strip().splitlines()
    assert lines[0] == 'caj: serve needs Datasette; install it with: pip install "caj[web]"'
    assert lines[-1].startswith("2 ")
