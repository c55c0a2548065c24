"""`caj serve`: the web view answers as the command line does, describes what it shows, hides what
is internal, and stays safe under hostile SQL and parameters."""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import socket
import subprocess
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

from caj.core import vocab  # noqa: E402
from caj.faces.web import datasette as web  # noqa: E402

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


def fetch(base: str, path: str, **params) -> tuple[int, str, str]:
    """(status, content type, body) of one GET."""
    url = base + path + ("?" + urllib.parse.urlencode(params) if params else "")
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            return r.status, r.headers.get("content-type", ""), r.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("content-type", ""), exc.read().decode()


def get(base: str, path: str, **params) -> tuple[int, dict | list]:
    status, _type, body = fetch(base, path, **params)
    return status, json.loads(body)


@pytest.fixture(scope="module")
def server(db_path):
    with served(db_path) as base:
        yield base


def cli_args(command: str, params: dict) -> list[str]:
    """URL parameters -> the command's options: they carry the same names."""
    args = []
    for key, value in params.items():
        if key == "q":
            args.insert(0, value)
        elif key == "with_undated":
            args += ["--with-undated"] if value else []
        else:
            args += [f"--{key}", value]
    return [command, *args]


def twin(base: str, command: str, params: dict, fmt: str) -> str:
    status, _type, body = fetch(base, f"/{command}.{fmt}", **params)
    assert status == 200, body
    return body


def cli_out(command: str, params: dict, fmt: str) -> str:
    result = invoke(*cli_args(command, params), "--format", fmt)
    assert result.code == 0, result
    return result.out


# --- parity: each page's twins print exactly what the command prints --------------------------

TIMELINE = [{}, {"country": "Uzbek"}, {"country": "uzbekistan", "with_undated": "1"},
            {"country": "KZ", "from": "2000", "to": "2009"}, {"year": "2016"},
            {"from": "1990s", "to": "1990s"}, {"kind": "project", "with_undated": "1"},
            {"topic": "nuclear"}, {"topic": "energy", "kind": "project"},
            {"country": "Kyrgyz Republic", "kind": "oda"}, {"from": "2020"}, {"to": "1999"}]
ODA = [{}, {"year": "2016"}, {"country": "uz"}, {"year": "2016", "currency": "USD"},
       {"country": "Kyrgyzstan", "currency": "jpy"}]
PROJECTS = [{}, {"country": "uz"}, {"sector": "nuclear"}, {"status": "ongoing"},
            {"sector": "agriculture", "country": "Tajikistan"}]
SEARCHES = [{"q": "railway"}, {"q": "gas-fired"}, {"q": "uranium", "limit": "3"},
            {"q": "what did Japan build in Uzbekistan?"}, {"q": "rail*"}, {"q": "nazarbaev"}]
PARITY = ([("timeline", p) for p in TIMELINE] + [("oda", p) for p in ODA]
          + [("projects", p) for p in PROJECTS]
          + [("search", p) for p in SEARCHES] + [("conflicts", {}), ("sources", {})])


@pytest.mark.parametrize("command,params", PARITY, ids=lambda p: json.dumps(p))
def test_json_twin_is_the_commands_json(server, command, params):
    assert twin(server, command, params, "json") == cli_out(command, params, "json")


@pytest.mark.parametrize("command,params", PARITY[::3], ids=lambda p: json.dumps(p))
def test_csv_twin_is_the_commands_csv(server, command, params):
    assert twin(server, command, params, "csv") == cli_out(command, params, "csv")


@pytest.mark.parametrize("ref", ["silk-road-action-plan", "oda-2016-uzbekistan", "enersok-jbic-loan-2023",
                                 "canwfz-signed-2006"])
def test_fact_twin_is_caj_show(server, ref):
    status, _type, body = fetch(server, f"/facts/{ref}.json")
    assert status == 200 and body == invoke("show", ref, "--format", "json").out


def test_entity_twin_is_caj_show(server):
    status, _type, body = fetch(server, "/entities/uzbekistan.json")
    assert status == 200 and body == invoke("show", "uzbekistan", "--format", "json").out


def test_empty_parameters_mean_no_filter(server):
    everything = twin(server, "timeline", {}, "json")
    empty = {"country": "", "year": "", "kind": "", "topic": ""}
    assert twin(server, "timeline", empty, "json") == everything


# --- the reader pages: names, dates as written, marks, links ------------------------------------

READER = ["/", "/timeline", "/timeline?country=uz", "/oda", "/oda?year=2016&currency=USD", "/projects",
          "/search", "/search?q=railway", "/conflicts", "/sources", "/facts/enersok-jbic-loan-2023",
          "/entities/uzbekistan"]


def page_of(base: str, path: str) -> str:
    status, content_type, body = fetch(base, path)
    assert status == 200 and content_type.startswith("text/html"), (status, body[:300])
    return body


@pytest.mark.parametrize("path", READER)
def test_reader_pages_are_english_titled_and_styled(server, path):
    page = page_of(server, path)
    assert '<html lang="en">' in page and "/-/caj.css" in page
    title = page.split("<title>")[1].split("</title>")[0]
    assert "caj" in title and "SELECT" not in title.upper() and len(title) < 160


def fact_ids(base: str, path: str) -> list[str]:
    return [r["id"] for r in json.loads(twin(base, path, {}, "json"))]


@pytest.mark.parametrize("path", ["timeline?country=uz", "oda", "projects", "conflicts", "search?q=railway"])
def test_every_fact_links_to_its_page_and_its_twins(server, path):
    name, _, qs = path.partition("?")
    params = dict(urllib.parse.parse_qsl(qs))
    page = page_of(server, f"/{path}")
    rows = json.loads(twin(server, name, params, "json"))
    assert rows
    for r in rows:
        assert f'href="/{"facts" if r.get("record", "fact") == "fact" else "entities"}/{r["id"]}"' in page
    query = ("?" + urllib.parse.urlencode(params)).replace("&", "&amp;") if params else ""
    assert f'href="/{name}.json{query}"' in page and f'href="/{name}.csv{query}"' in page


def test_timeline_shows_names_dates_as_written_and_the_legend(server):
    page = page_of(server, "/timeline?country=uz")
    assert "Uzbekistan" in page and "16 Mar 2023" in page and "Oct 2015" in page
    assert "soviet-union" not in page.split("<main")[1]  # names, never ids
    from caj.core import display

    for _key, _mark, text in display.MARKS:
        assert text in page
    assert "AI traffic lights" not in page  # undated statements only when asked for


def test_oda_page_says_the_total_and_the_caveats_as_the_table_notes(server, conn):
    from caj.core import display
    from caj.reading import queries

    page = page_of(server, "/oda?year=2016&currency=USD")
    rows = queries.oda(conn, year="2016", currency="USD")
    label, money, what = display.oda_total_note(rows, *queries.oda_total(rows), True)
    assert money in page and what in page and "108.79" in page
    names = queries.labels(conn)
    for note in display.caveat_notes(rows, lambda r: f"{names[r['recipient']]} {r['year']}"):
        assert note in page


def test_projects_are_grouped_by_country_with_partners_and_finance(server):
    page = page_of(server, "/projects")
    assert "<h2>Uzbekistan</h2>" in page and "<h2>Kazakhstan</h2>" in page
    assert "up to US$400 million (loan)" in page and "1,600 MW" in page and "JBIC" in page


def test_fact_page_is_the_show_card(server):
    page = page_of(server, "/facts/enersok-jbic-loan-2023")
    for heading in ("Stated by", "Made more precise by"):
        assert f"<h2>{heading}</h2>" in page
    assert "<blockquote lang=\"en\">" in page and 'href="https://www.jbic.go.jp/' in page
    assert "refined by the record" in page and 'href="/facts/enersok-jbic-loan-2023.json"' in page


def test_search_page_highlights_the_words(server):
    page = page_of(server, "/search?q=railway")
    assert "<mark>" in page.lower() and 'name="q"' in page and 'value="railway"' in page


def test_home_page_has_the_lookups_and_the_data_pages(server):
    page = page_of(server, "/")
    for action in ("/timeline", "/oda", "/projects", "/search"):
        assert f'action="{action}" method="get"' in page
    assert 'href="/caj"' in page and 'href="/sources"' in page and 'href="/conflicts"' in page
    assert "dated facts" in page and "<h1>Japan and Central Asia, fact by fact</h1>" in page
    status, _type, body = fetch(server, "/caj")
    assert status == 200 and "v_facts" in body  # Datasette's own database page stays


# --- pictures ------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/timeline?country=uz", "/oda?year=2016"])
def test_pictures_with_a_text_alternative(server, path):
    page = page_of(server, path)
    name, _, qs = path[1:].partition("?")
    src = f"/{name}.svg?{qs}"
    assert f'<img src="{src}" alt="A ' in page and "<figcaption>" in page
    status, content_type, body = fetch(server, src)
    assert status == 200 and content_type.startswith("image/svg+xml") and "<svg" in body
    started = time.monotonic()
    assert fetch(server, src)[2] == body  # the same bytes, from the cache
    assert time.monotonic() - started < 0.5


# --- bad input: the command's own message, 400 or 404, never a 500 ----------------------------

MALFORMED = [
    ("timeline", {"from": "abcd"}), ("timeline", {"to": "20166"}), ("timeline", {"year": "2024-13"}),
    ("timeline", {"from": "2010", "to": "2000"}), ("timeline", {"year": "2010", "from": "2000"}),
    ("timeline", {"country": "Atlantis"}), ("timeline", {"country": "Uzbekstan"}),
    ("timeline", {"kind": "rumour"}), ("timeline", {"topic": "astrology"}),
    ("oda", {"year": "twenty"}), ("oda", {"currency": "EUR"}), ("oda", {"country": "Narnia"}),
    ("projects", {"sector": "piracy"}), ("projects", {"status": "imagined"}),
    ("projects", {"country": "'; DROP TABLE facts; --"}),
]


@pytest.mark.parametrize("command,params", MALFORMED, ids=lambda p: json.dumps(p))
def test_bad_input_is_a_400_with_the_commands_message(server, command, params):
    result = invoke(*cli_args(command, params), "--format", "json")
    assert result.code == 2
    message = result.err.strip().splitlines()[0].removeprefix("caj: ")
    status, body = get(server, f"/{command}.json", **params)
    assert status == 400 and body["error"] == message
    status, content_type, page = fetch(server, f"/{command}", **params)
    assert status == 400 and content_type.startswith("text/html")
    assert form_words(message) in html.unescape(page) and "<form" in page
    said = html.unescape(page.split('role="alert">')[1].split("</p>")[0])
    assert not any(f"--{name}" in said for name in ("from", "to", "year", "limit"))


def form_words(message: str) -> str:
    """The command's message as a form says it: '--from 2010' is 'From 2010' on the page."""
    from caj.faces.web import reader

    for name, label in sorted(reader.FIELD_NAMES.items(), key=lambda p: -len(p[0])):
        message = message.replace(f"--{name} ", f"{label} ").replace(f"--{name}", label)
    return message


def test_did_you_mean_on_the_page(server):
    status, _type, page = fetch(server, "/timeline", country="Uzbekstan")
    assert status == 400 and "did you mean" in page and "Uzbekistan" in page


def test_unknown_id_is_a_404_with_close_ids(server):
    status, _type, page = fetch(server, "/facts/enersok-jbic-loan")
    assert status == 404 and 'href="/facts/enersok-jbic-loan-2023"' in page
    status, body = get(server, "/facts/no-such-fact.json")
    assert status == 404 and body["error"] == "unknown id 'no-such-fact'"


def test_a_limit_out_of_range_is_a_400(server):
    # the command line checks --limit in typer first; the page says it as the query layer does
    status, body = get(server, "/search.json", q="rail", limit="0")
    assert status == 400 and body["error"] == "--limit 0 is out of range; give 1 to 10000"


def test_unknown_parameter_is_a_400(server):
    status, body = get(server, "/timeline.json", contry="uz")
    assert status == 400 and "unknown parameter 'contry'" in body["error"]


HOSTILE_PARAMS = ["%", "'", "\\x00", "a" * 5000, "<script>alert(1)</script>", "../../etc/passwd",
                  "1990s/2000", "ß" * 80, "NULL", "-1"]


@pytest.mark.parametrize("value", HOSTILE_PARAMS, ids=lambda v: repr(v)[:20])
def test_never_a_500(server, value):
    for path in ("/timeline", "/oda", "/projects", "/search", f"/facts/{urllib.parse.quote(value, safe='')}"):
        for key in ("country", "from", "year", "q", "status", "currency", "limit"):
            status, _type, body = fetch(server, path, **{key: value})
            assert status in (200, 400, 404), (path, key, status)
            assert "<script>alert" not in body


def test_bad_input_costs_no_more_than_a_good_page(server):
    def timed(path: str, **params) -> float:
        started = time.monotonic()
        for n in range(10):
            fetch(server, path, **{**params, "q": f"railway {n}"})  # a new URL each time: no cache
        return time.monotonic() - started
    good = timed("/search")
    bad = timed("/search", limit="0")
    assert bad < 2 * good + 0.5


def test_the_database_page_uses_counts_computed_once(db_path):
    data = web.inspect(db_path)["caj"]
    assert data["tables"]["facts"]["count"] > 50 and data["hash"]


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
    ("select no_such_function('x')", "no such function"),
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
    assert get(server, "/oda.json", year="2016")[0] == 200  # still serving
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
    assert meta["tables"]["oda"]["columns"]["value_stated"] == vocab.describe("oda", "value_stated")


def test_internal_tables_are_hidden(db_path):
    tables = web.metadata(db_path)["databases"]["caj"]["tables"]
    hidden = {t for t, m in tables.items() if m.get("hidden")}
    for name in ("search_docs_fts", "search_docs_fts_data", "search_docs_fts_idx", "search_docs_fts_config",
                 "search_docs_fts_docsize", "fact_span", "fact_span_node", "fact_span_parent",
                 "fact_span_rowid", "country_span", "country_span_node", "country_span_parent",
                 "country_span_rowid", "sqlite_stat1", "meta", "names", "search_docs"):
        assert name in hidden, name
    assert not hidden & {"facts", "v_facts", "citations", "sources"}


def test_database_page_lists_no_internal_table(server):
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


def test_fact_ids_on_the_data_pages_link_to_their_fact_page(server):
    status, _type, page = fetch(server, "/caj/citations", _size="5")
    assert status == 200 and 'href="/facts/' in page


def test_serve_metadata_prints_json(db_path):
    result = invoke("serve", "--metadata", "--db", str(db_path))
    assert result.code == 0
    assert "tables" in json.loads(result.out)["databases"]["caj"]


# --- Datasette stays out of every other command -----------------------------------------------


def test_a_bad_url_costs_no_more_than_a_good_page(server):
    """Datasette's default handler printed each 404 as a Rich traceback with its locals (half a
    second of CPU each); now a 404 costs what a page does."""
    def median_ms(path: str) -> float:
        times = []
        for _ in range(15):
            start = time.perf_counter()
            fetch(server, path)
            times.append((time.perf_counter() - start) * 1000)
        return sorted(times)[len(times) // 2]

    assert fetch(server, "/no/such/page")[0] == 404 and fetch(server, "/caj/no_table.json")[0] == 404
    bad, good = median_ms("/no/such/page"), median_ms("/caj/facts.json?_size=1")
    assert bad < max(3 * good, 60), (bad, good)


# --- the second pass: shared links, the way on, every URL a page, citations, words ------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def head(base: str, path: str) -> tuple[int, str]:
    """(status, Location) of one GET, redirects not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(base + path, timeout=60) as r:
            return r.status, r.headers.get("location", "")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers.get("location", "")


def canonical(page: str) -> str:
    return page.split('<link rel="canonical" href="')[1].split('"')[0]


SHARED = ["/timeline?fbclid=IwAR0x", "/conflicts?utm_medium=email&utm_source=x", "/sources?ref=x",
          "/oda?year=2016&gclid=1", "/projects?country=uz&mc_cid=2", "/search?q=railway&ref=tw",
          "/facts/silk-road-action-plan?fbclid=1", "/entities/uzbekistan?utm_campaign=a", "/?ref=x"]


@pytest.mark.parametrize("path", SHARED)
def test_a_shared_link_opens_and_names_its_canonical_address(server, path):
    page = page_of(server, path)
    clean_path = canonical(page).removeprefix(server)
    assert not any(p in clean_path for p in ("fbclid", "utm_", "gclid", "mc_cid", "ref="))
    assert page_of(server, clean_path).count("<h1>") == 1


@pytest.mark.parametrize("path", ["/timeline.json?fbclid=x", "/oda.csv?utm_source=a", "/sources.json?ref=x"])
def test_the_twins_stay_strict(server, path):
    status, _type, body = fetch(server, path)
    assert status == 400 and "unknown parameter" in body


@pytest.mark.parametrize("path,to", [("/timeline?country=&from=&to=&topic=&kind=", "/timeline"),
                                     ("/timeline?country=uz&from=", "/timeline?country=uz"),
                                     ("/search?q=", "/search"),
                                     ("/oda?year=2016&currency=", "/oda?year=2016")])
def test_a_form_sent_with_empty_fields_leads_to_its_address_without_them(server, path, to):
    status, location = head(server, path)
    assert status in (301, 302) and location.removeprefix(server) == to


def test_every_reader_page_has_a_canonical_link(server):
    for path in [*READER, "/facts", "/entities", "/sources/idsa-2024"]:
        assert canonical(page_of(server, path)).startswith(server + path.split("?")[0])


def test_sources_say_what_was_checked_in_the_order_they_say(server, conn):
    from caj.reading import queries

    rows = queries.sources(conn)
    groups = [0 if r["document"] else 2 if r["kind"] == "dataset" else 1 for r in rows]
    assert groups == sorted(groups) and groups[0] == 0 and groups[-1] == 2
    assert [json.loads(invoke("sources", "--format", "json").out)[i]["id"] for i in range(3)] == \
        [r["id"] for r in rows[:3]]
    page = page_of(server, "/sources")
    heads = [page.index(f"<h2>{h}</h2>") for h in ("The documents", "The public record", "Datasets")]
    assert heads == sorted(heads)
    order = [page.index(f'<li id="{r["id"]}">') for r in rows]
    assert order == sorted(order) and "not checked against a copy" in page
    assert "not checked against a copy" in page_of(server, "/facts/silk-road-action-plan")


def test_every_search_hit_is_reachable_page_by_page(server):
    everything = json.loads(twin(server, "search", {"q": "japan", "limit": "10000"}, "json"))
    seen, path, pages_seen = [], "/search?q=japan", 0
    while path:
        page = html.unescape(page_of(server, path))
        seen += [h.split('"')[0] for h in page.split('<a class="fact" href="')[1:]]
        pages_seen += 1
        path = page.split('<a rel="next" href="')[1].split('"')[0] if 'rel="next"' in page else None
    assert pages_seen > 1 and 'rel="prev"' in page
    assert seen == [f'/{"facts" if r["record"] == "fact" else "entities"}/{r["id"]}' for r in everything]


def test_a_search_that_finds_nothing_says_so_with_the_hint(server):
    page = html.unescape(page_of(server, "/search?q=zzqqxxw"))
    assert "Nothing matches" in page and "rail*" in page and "0 matches" not in page
    assert "close spelling" not in page


def test_the_timeline_says_what_it_leaves_out_and_the_counts_agree(server):
    dated = json.loads(twin(server, "timeline", {}, "json"))
    every = json.loads(twin(server, "timeline", {"with_undated": "1"}, "json"))
    page = page_of(server, "/timeline")
    left = len(every) - len(dated)
    assert f"{len(dated)} facts, in date order" in page
    assert f'<a href="/timeline?with_undated=1">{left} statements the documents do not date</a>' in page
    home = page_of(server, "/")
    assert f'<a href="/timeline"><strong>{len(dated)}</strong> dated facts</a>' in home
    assert f"<strong>{left}</strong> undated statements" in home


@pytest.mark.parametrize("path", ["/no-such-page", "/facts/x/y", "/caj/no_table", "/timelines"])
def test_every_address_is_a_caj_page(server, path):
    status, content_type, page = fetch(server, path)
    assert status == 404 and content_type.startswith("text/html")
    assert '<html lang="en">' in page and "/-/caj.css" in page and 'class="caj-menu"' in page
    assert "Database not found" not in page


def test_a_404_offers_the_nearest_pages(server):
    assert 'href="/timeline"' in fetch(server, "/timelines")[2].split("Perhaps")[1]
    assert 'href="/facts/silk-road-action-plan"' in fetch(server, "/fact/silk-road-action-plan")[2]


@pytest.mark.parametrize("path,to", [("/timeline/", "/timeline"), ("/Timeline", "/timeline"),
                                     ("/SOURCES", "/sources"), ("/facts/", "/facts"),
                                     ("/facts/SILK-ROAD-ACTION-PLAN", "/facts/silk-road-action-plan"),
                                     ("/facts/uzbekistan", "/entities/uzbekistan"),
                                     ("/entities/silk-road-action-plan", "/facts/silk-road-action-plan"),
                                     ("/facts/idsa-2024", "/sources/idsa-2024"),
                                     ("/sources/IDSA-2024", "/sources/idsa-2024")])
def test_a_near_miss_leads_to_the_right_page(server, path, to):
    status, location = head(server, path)
    assert status in (301, 302) and location.removeprefix(server) == to


def test_facts_and_entities_are_indexes(server, conn):
    from caj.reading import queries

    ids = [r[0] for r in conn.execute("SELECT id FROM facts")]
    for by in ("", "?by=country", "?by=name"):
        page = page_of(server, "/facts" + by)
        assert all(f'href="/facts/{i}"' in page for i in ids), by
    assert "<h2>Uzbekistan</h2>" in page_of(server, "/facts?by=country")
    names = [e["id"] for e in queries.entities(conn)]
    for by in ("", "?by=country", "?by=name"):
        page = page_of(server, "/entities" + by)
        assert all(f'href="/entities/{i}"' in page for i in names), by
    assert "<h2>company</h2>" in page_of(server, "/entities")


def test_ids_sources_partners_topics_and_counts_are_links(server):
    timeline = page_of(server, "/timeline?country=uz")
    assert 'href="/sources#idsa-2024"' in timeline and 'id="idsa-2024"' in page_of(server, "/sources")
    assert "jbic-<wbr>2023-<wbr>03-<wbr>24" in timeline  # an id wraps at its hyphens only
    projects = page_of(server, "/projects?country=uz")
    assert 'href="/entities/jbic"' in projects
    fact = page_of(server, "/facts/silk-road-action-plan")
    assert 'href="/timeline?topic=' in fact and 'href="/sources#idsa-2024"' in fact
    home = page_of(server, "/")
    for url in ("/timeline", "/sources", "/oda", "/projects", "/entities"):
        assert f'<a href="{url}"><strong>' in home


@pytest.mark.parametrize("kind,ref", [("facts", "silk-road-action-plan"), ("facts", "enersok-jbic-loan-2023"),
                                      ("sources", "idsa-2024"), ("sources", "wb-wdi-fx")])
def test_a_citation_to_copy_and_download(server, kind, ref):
    import datetime

    page = html.unescape(page_of(server, f"/{kind}/{ref}"))
    block = page.split('<section class="citation"')[1].split("</section>")[0]
    for line in invoke("cite", ref).out.replace('\\"', '"').splitlines():
        assert line in block
    assert f"{server}/{kind}/{ref}" in block and datetime.date.today().strftime("%Y") in block
    assert "data version" in block and "accessed" in block
    assert "caj cite" not in page  # the terminal's command is not the web's way
    for ext, style in ((".bib", "bibtex"), (".csl.json", "csl-json")):
        status, content_type, body = fetch(server, f"/{kind}/{ref}{ext}")
        assert status == 200 and body == invoke("cite", ref, "--style", style).out
        assert f'href="/{kind}/{ref}{ext}"' in page


def test_every_footer_shows_the_data_version_and_licences(server, conn):
    from caj.reading import queries

    short = queries.build_info(conn)["content_hash"][:12]
    for path in ("/", "/timeline", "/facts/silk-road-action-plan", "/caj", "/caj/facts", "/no-such-page"):
        footer = fetch(server, path)[2].split('<footer class="ft">')[1]
        assert short in footer and "CC BY 4.0" in footer and "MIT" in footer, path


def test_headings_name_what_was_resolved(server):
    assert "<h1>Timeline: Uzbekistan</h1>" in page_of(server, "/timeline?country=UZ")
    page = html.unescape(page_of(server, "/timeline?country=kz&topic=energy&kind=project"))
    assert "<h1>Timeline: Kazakhstan, topic Energy" in page and "country kz" not in page
    assert "<h1>Projects: Uzbekistan</h1>" in page_of(server, "/projects?country=uzbekistan")


def test_errors_name_the_forms_fields(server):
    status, _type, page = fetch(server, "/timeline", **{"from": "2020", "to": "2000"})
    assert status == 400 and "From 2020 is after To 2000" in page and "--from" not in page
    status, _type, page = fetch(server, "/oda", year="2016", **{"from": "2000"})
    assert status == 400 and "Year cannot be combined with From or To" in page


def test_what_is_echoed_is_cleaned(server):
    page = page_of(server, "/search?q=" + urllib.parse.quote("rail\u200bway\u202e"))
    assert "\u200b" not in page and "\u202e" not in page and "“railway”" in page


def test_no_escaped_quote_is_ever_shown(server, conn):
    for (ref,) in conn.execute("SELECT DISTINCT fact_id FROM citations WHERE locator LIKE '%\\\"%' "
                               "OR quote LIKE '%\\\"%' OR note LIKE '%\\\"%'"):
        assert '\\"' not in html.unescape(page_of(server, f"/facts/{ref}")), ref
    assert '\\"' not in html.unescape(page_of(server, "/facts/silk-road-action-plan"))


def test_marks_are_explained_where_they_stand_and_only_those_there(server):
    oda = page_of(server, "/oda?year=2016")
    legend = oda.split('<dl class="legend"')[1].split("</dl>")[0]
    assert "<dt>†</dt>" in legend and "<dt>+</dt>" not in legend
    assert oda.index('<dl class="legend"') < oda.index("<table")
    assert '<abbr title="the figure carries a caveat: see the notes"><span aria-hidden="true">†</span>' in oda
    timeline = page_of(server, "/timeline?country=uz")
    assert '<abbr title="refined by the record"><span aria-hidden="true">~</span>' in timeline
    assert '<dl class="legend"' not in page_of(server, "/sources")


def test_the_oda_picture_is_described_in_its_currency(server):
    page = html.unescape(page_of(server, "/oda?year=2016"))
    alt = page.split('alt="')[1].split('"')[0]
    caption = page.split("<figcaption>")[1].split("</figcaption>")[0]
    assert "US$ million" in alt and "Uzbekistan 2016: 29.5" in alt and "¥" not in alt
    assert alt not in caption and "table above" in caption and "below" not in caption
    assert page.index("<table") < page.index("<figure")


def test_projects_of_a_country_are_the_commands(server):
    page = page_of(server, "/projects?country=uzbekistan")
    rows = json.loads(twin(server, "projects", {"country": "uzbekistan"}, "json"))
    assert page.count("<h2>") == 1 and "<h2>Uzbekistan</h2>" in page and "<h2>Turkmenistan</h2>" not in page
    order = [page.index(f'href="/facts/{r["id"]}"') for r in rows]
    assert order == sorted(order)


def test_entity_pages_show_the_timelines_marks(server):
    timeline = page_of(server, "/timeline?country=uz&with_undated=1")
    entity = page_of(server, "/entities/uzbekistan")
    assert timeline.count("<abbr title=") == entity.count("<abbr title=") > 0


def test_licences(conn, tmp_path):
    from conftest import REPO

    assert "MIT License" in (REPO / "LICENSE").read_text()
    assert "CC BY 4.0" in (REPO / "data" / "LICENSE").read_text()
    assert web.LICENSE == "CC BY 4.0" and "by/4.0" in web.LICENSE_URL
    result = invoke("export", "datapackage", str(tmp_path / "pkg"))
    assert result.code == 0
    package = json.loads((tmp_path / "pkg" / "datapackage.json").read_text())
    assert package["licenses"][0]["name"] == "CC-BY-4.0"


def test_the_timeline_pictures_lanes_are_a_page_parameter(server):
    page = page_of(server, "/timeline?country=uz&by=kind")
    assert 'src="/timeline.svg?country=uz&amp;by=kind"' in page and "one lane per kind of fact" in page
    assert 'href="/timeline.json?country=uz"' in page  # the twins take the command's parameters
    by_kind, by_country = fetch(server, "/timeline.svg?by=kind")[2], fetch(server, "/timeline.svg")[2]
    assert by_kind != by_country and fetch(server, "/timeline.svg?by=colour")[0] == 400
    assert 'name="by"' in page
