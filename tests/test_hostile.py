"""Arbitrary option values never crash caj, never print a traceback, never touch the database."""

import hashlib
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import caj_exe, env
from helpers import invoke

NASTY = st.one_of(
    st.text(max_size=40),
    st.sampled_from([
        "", " ", "'", '"', "';DROP TABLE facts;--", "%", "_", "*", "NEAR(", "a OR", '"unterminated',
        "\x00", "\x1b[31m", "\n", "ü", "日本", "🇯🇵", "9" * 400, "-1", "0", "1e9", "NaN", "../../etc/passwd",
        "kz OR 1=1", "facts_fts MATCH", "^", "-", "{}", "$(rm -rf /)",
        "\udcff", "\ud800",  # a byte that is not UTF-8, as the shell passes it; a lone surrogate
    ]),
)

OPTIONS = [
    ("timeline", "--country"), ("timeline", "--topic"), ("timeline", "--from"), ("timeline", "--to"),
    ("timeline", "--source"), ("timeline", "--actor"), ("timeline", "--kind"), ("timeline", "--status"),
    ("oda", "--year"), ("oda", "--country"), ("oda", "--currency"), ("projects", "--country"),
    ("projects", "--sector"), ("projects", "--partner"), ("search", None), ("show", None), ("cite", None),
    ("oda", "--format"), ("timeline", "--year"), ("oda", "--from"), ("actors", "--kind"),
    ("cite", "--style"), ("projects", "--status"), ("search", "--limit"),
]


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(option=st.sampled_from(OPTIONS), value=NASTY)
def test_any_value_for_any_option(db_path, option, value):
    command, flag = option
    args = [command, flag, value] if flag else [command, "--", value]
    result = invoke(*args, "--format", "json") if flag != "--format" else invoke(*args)
    assert result.code in (0, 1, 2), (args, result)
    assert "Traceback" not in result.err and "internal error" not in result.err, (args, result.err)
    if result.code:
        assert result.err.count("\n") == 1, (args, result.err)


def test_queries_leave_the_database_byte_identical(db_path):
    before = digest(db_path)
    for args in (["timeline", "--with-undated"], ["oda", "--currency", "USD"], ["projects"],
                 ["search", "rail*"],
                 ["search", "nazarbaev"], ["show", "jbic"], ["oda", "--chart", "--format", "table"],
                 ["conflicts"], ["countries"], ["actors"], ["topics"], ["sources"],
                 ["show", "oda-2016-uzbekistan"], ["search", "';DROP TABLE facts;--"]):
        assert invoke(*args).code == 0, args
    assert digest(db_path) == before


def test_twenty_processes_at_once(db_path):
    def one(i):
        args = ["oda", "--year", "2016"] if i % 2 else ["timeline", "--country", "kz"]
        return subprocess.run([*caj_exe(), *args], capture_output=True, text=True,
                              env=env(CAJ_DB=str(db_path)), timeout=120)

    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(one, range(20)))
    assert all(r.returncode == 0 and r.stdout.startswith("id,") for r in results)
    assert all(r.stderr == "" for r in results)


# --- the kinds that once reached an internal error ---------------------------------------------

YEARS = st.one_of(st.from_regex(r"0\d{3}", fullmatch=True), st.from_regex(r"[3-9]\d{3}", fullmatch=True),
                  st.from_regex(r"0\d{2}(0s|X)", fullmatch=True),
                  st.sampled_from(["0000", "0999", "1000", "2999"]))
YEAR_OPTIONS = [("timeline", "--year"), ("timeline", "--from"), ("timeline", "--to"), ("oda", "--year"),
                ("oda", "--from"), ("oda", "--to")]
MISSING = [["show"], ["search"], ["cite"], ["export", "datapackage"], ["timeline", "--year"],
           ["oda", "--country"], ["show", "--db"], ["search", "--limit"], ["build", "--out"],
           ["validate", "--data"]]
LONG_IDS = st.builds(lambda c, n: c * n, st.sampled_from(["x", "é", "-", "%", "_", "日"]),
                     st.integers(min_value=201, max_value=60_000))


def no_internal_error(args, result) -> None:
    assert result.code in (0, 1, 2), (args, result)
    assert "Traceback" not in result.err and "internal error" not in result.err, (args, result.err)
    if result.code:
        assert result.err.count("\n") == 1, (args, result.err)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(option=st.sampled_from(YEAR_OPTIONS), year=YEARS, second=st.one_of(st.none(), NASTY))
def test_any_year_even_with_leading_zeros(option, year, second):
    command, flag = option
    args = [command, flag, year] + ([flag, second] if second is not None else [])
    result = invoke(*args, "--format", "json")
    no_internal_error(args, result)


@settings(max_examples=40, deadline=None)
@given(args=st.sampled_from(MISSING))
def test_any_missing_argument(args):
    result = invoke(*args)
    assert result.code == 2
    no_internal_error(args, result)


@settings(max_examples=40, deadline=None)
@given(command=st.sampled_from(["show", "cite", "search"]), ident=LONG_IDS)
def test_any_long_id(command, ident):
    result = invoke(command, "--", ident)
    no_internal_error([command, ident[:20]], result)
    assert len(result.err) < 300


DAMAGES = ["DROP TABLE facts", "DROP TABLE search_docs_fts", "DROP TABLE search_docs_fts_data",
           "DROP TABLE citations", "DROP VIEW v_oda", "UPDATE facts SET title = CAST(x'ff41' AS TEXT)",
           "UPDATE entities SET name = CAST(x'c328' AS TEXT)", "UPDATE facts SET sources_json = '['",
           "UPDATE oda SET caveats = '{'", "UPDATE sources SET title = CAST(x'80' AS TEXT)",
           "UPDATE names SET name = CAST(x'fe' AS TEXT)", "DELETE FROM sources WHERE id = 'idsa-2024'",
           "UPDATE oda SET amount = 'abc'", "UPDATE facts SET earliest = 'zz'", "DELETE FROM entities"]
READERS = [["timeline"], ["oda"], ["projects"], ["show", "jbic"], ["show", "oda-2016-uzbekistan"],
           ["search", "railway"], ["search", "nazarbaev"], ["cite", "idsa-2024"],
           ["cite", "oda-2016-uzbekistan"],
           ["conflicts"], ["countries"], ["actors"], ["topics"], ["sources"], ["export", "timelinejs", "-q"],
           ["export", "csl-json", "-q"], ["timeline", "--country", "kz"], ["oda", "--currency", "USD"]]


@pytest.fixture(scope="module")
def damaged(db_path, tmp_path_factory) -> list[str]:
    import shutil
    import sqlite3

    folder = tmp_path_factory.mktemp("damaged")
    out = []
    for n, sql in enumerate(DAMAGES):
        bad = folder / f"bad{n}.db"
        shutil.copy(db_path, bad)
        conn = sqlite3.connect(bad)
        conn.execute(sql)
        conn.commit()
        conn.close()
        out.append(str(bad))
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(min_value=0, max_value=len(DAMAGES) - 1), args=st.sampled_from(READERS),
       fmt=st.sampled_from(["json", "csv", "table"]))
def test_any_command_on_a_damaged_database(damaged, which, args, fmt):
    extra = [] if args[0] in ("cite", "export") else ["--format", fmt]
    result = invoke(*args, *extra, "--db", damaged[which])
    no_internal_error([*args, DAMAGES[which]], result)
    if result.code == 1:  # 2 is fair too: what the damage removed is then unknown
        assert "rebuild it with `caj build`" in result.err, (args, result.err)


BAD_DATES = ["1996-13", "abc", "1996-02-30", "2024-00", "0000-01-01", "1996-13-01", "199", "2004/1990", ""]


@pytest.fixture(scope="module")
def bad_data(tmp_path_factory) -> dict[str, str]:
    import re
    import shutil

    from conftest import DATA

    out = {}
    for n, date in enumerate(BAD_DATES):
        root = tmp_path_factory.mktemp(f"data{n}") / "data"
        shutil.copytree(DATA, root)
        path = root / "facts" / ("idsa.yaml" if n % 2 else "avim.yaml")
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"\n  date: [^\n]+", f"\n  date: '{date}'", text, count=1 + n % 3),
                        encoding="utf-8")
        out[date] = str(root)
    return out


@settings(max_examples=len(BAD_DATES) * 2, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(date=st.sampled_from(BAD_DATES), command=st.sampled_from(["validate", "build"]))
def test_any_bad_date_in_the_data(bad_data, tmp_path_factory, date, command):
    args = [command, "--data", bad_data[date]]
    if command == "build":
        args += ["--out", str(tmp_path_factory.mktemp("out") / "caj.db")]
    result = invoke(*args)
    assert result.code == 1, (args, result)
    assert "Traceback" not in result.err and "internal error" not in result.err, result.err
    assert "date" in (result.out + result.err)
