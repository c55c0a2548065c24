"""Arbitrary option values never crash caj, never print a traceback, never touch the database."""

import hashlib
import subprocess
from concurrent.futures import ThreadPoolExecutor

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
    assert "Traceback" not in result.err
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
