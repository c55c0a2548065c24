"""The last ways to reach an "internal error", each tried as a user would, on every face: a missing
argument, a year with leading zeros, an overlong id or data folder, a full disk during a build, a
damaged database, a fact dated with a month or day that does not exist. Each is one line and its
exit code (web: caj's page with a 4xx or 5xx status; MCP: a tool error with the same line)."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DATA, caj_exe, env


def run(*args, cwd=None, db=None) -> subprocess.CompletedProcess:
    return subprocess.run([*caj_exe(), *args], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env=env(CAJ_DB=str(db or os.environ["CAJ_DB"])))


def line(result, code: int, streamed: bool = False) -> str:
    """The one line a failure prints, checked to be one line, with no traceback, and `code`;
    nothing on stdout, unless the output was `streamed` before the failure was met."""
    assert result.returncode == code, (result.returncode, result.stderr)
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stderr and (streamed or result.stdout == "")
    return result.stderr


# --- missing arguments ------------------------------------------------------------------------


@pytest.mark.parametrize("args, said", [
    (["show"], "caj: missing argument ID; see `caj show -h`\n"),
    (["search"], "caj: missing argument TEXT; see `caj search -h`\n"),
    (["cite"], "caj: missing argument ID; see `caj cite -h`\n"),
    (["export", "datapackage"], "caj: missing argument DIR; see `caj export datapackage -h`\n"),
])
def test_a_missing_argument_is_named(args, said):
    assert line(run(*args), 2) == said


# --- one rule for a year, on every face -------------------------------------------------------

BAD_YEARS = ["0000", "0999", "3000", "0990s", "099X"]


@pytest.mark.parametrize("year", BAD_YEARS)
def test_a_year_outside_the_rule_is_a_usage_error(year):
    for args in (["oda", "--year", year], ["timeline", "--year", year], ["timeline", "--from", year],
                 ["oda", "--to", year]):
        said = line(run(*args), 2)
        assert said.startswith("caj: '") and "give " in said, (args, said)


def test_the_last_of_two_years_is_read_and_refused():
    said = line(run("oda", "--year", "\x1b[31m", "--year", "0999"), 2)
    assert said == "caj: '0999' is not a year caj knows; give one from 1000 to 2999\n"


def test_the_first_and_last_years_are_years():
    for year in ("1000", "2999"):
        assert run("oda", "--year", year).returncode == 0


# --- long names -----------------------------------------------------------------------------


def test_a_50000_character_id_to_cite_is_not_found():
    said = line(run("cite", "x" * 50_000), 2)
    assert said.startswith("caj: unknown fact or source id 'xxx") and len(said) < 200


@pytest.mark.parametrize("command", [["validate"], ["build", "--out", "x.db"]])
def test_a_data_folder_name_too_long_is_a_usage_error(tmp_path, command):
    said = line(run(*command, "--data", "d" * 300, cwd=tmp_path), 2)
    assert said.startswith("caj: --data 'ddd") and said.endswith(": file name too long\n")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["validate"], ["build", "--out", "x.db"]])
def test_a_data_folder_that_does_not_exist_is_a_usage_error(tmp_path, command):
    assert line(run(*command, "--data", "nope", cwd=tmp_path), 2) == "caj: --data 'nope' does not exist\n"


def test_a_folder_given_as_the_database_is_said_so(tmp_path):
    (tmp_path / "dbs").mkdir()
    said = line(run("timeline", "--db", "dbs", cwd=tmp_path), 2)
    assert said == "caj: --db 'dbs' is a folder; give the database file (such as caj.db)\n"


# --- a full disk during a build ---------------------------------------------------------------

SMALL_DISK = """mount -t tmpfs -o size="$4"k tmpfs "$1" || exit 77
cp "$2" "$1/caj.db"
"$3" build --out "$1/caj.db"
echo "exit $?"
sha256sum "$1/caj.db"
ls -A "$1"
"""


def test_a_full_disk_during_a_build_keeps_the_old_database(tmp_path, db_path):
    """A file system of the test's own, the old database's size and a little more, mounted in a
    private namespace (it vanishes with the process): the new one cannot be written beside it."""
    if not shutil.which("unshare") or not caj_exe()[0].endswith("caj"):
        pytest.skip("needs unshare(1) and the caj console script")
    small = tmp_path / "small"
    small.mkdir()
    proc = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", SMALL_DISK, "sh",
                           "small", str(db_path), caj_exe()[0], str(db_path.stat().st_size // 1024 + 200)],
                          capture_output=True, text=True, timeout=120, env=env(), cwd=tmp_path)
    if proc.returncode == 77 or "unshare:" in proc.stderr:
        return _full_disk_simulated(tmp_path, db_path)
    assert proc.stderr == "caj: cannot write 'small/caj.db': no space left on the device\n"
    exit_line, digest, listing = proc.stdout.splitlines()[:3]
    assert exit_line == "exit 1"
    assert digest.split()[0] == hashlib.sha256(db_path.read_bytes()).hexdigest()
    assert listing == "caj.db"  # no temporary file left behind


def _full_disk_simulated(tmp_path, db_path):
    """Where no file system can be mounted: SQLite told the disk holds 50 pages."""
    code = ("import sqlite_utils, sys; real = sqlite_utils.Database.__init__\n"
            "def small(self, *a, **k):\n"
            "    real(self, *a, **k); self.conn.execute('PRAGMA max_page_count=50')\n"
            "sqlite_utils.Database.__init__ = small\n"
            "from caj.cli import main; sys.argv = ['caj', 'build', '--out', sys.argv[1]]; main()")
    out = tmp_path / "caj.db"
    shutil.copy(db_path, out)
    proc = subprocess.run([sys.executable, "-c", code, "caj.db"], capture_output=True, text=True,
                          timeout=120, env=env(), cwd=tmp_path)
    assert proc.returncode == 1 and proc.stderr == "caj: cannot write 'caj.db': no space left on the device\n"
    assert out.read_bytes() == db_path.read_bytes()


# --- a damaged database ------------------------------------------------------------------------

DAMAGE = {
    "a table dropped": "DROP TABLE facts",
    "the search index dropped": "DROP TABLE search_docs_fts",
    "part of the search index dropped": "DROP TABLE search_docs_fts_data",
    "a title not UTF-8": "UPDATE facts SET title = CAST(x'ff41' AS TEXT)",
    "a name not UTF-8": "UPDATE entities SET name = CAST(x'ff41' AS TEXT)",
    "sources not JSON": "UPDATE facts SET sources_json = 'garbage'",
    "caveats not JSON": "UPDATE oda SET caveats = 'x'",
    "a source cited but gone": "DELETE FROM sources WHERE id = 'idsa-2024'",
    "text for a number": "UPDATE oda SET amount = 'abc'",
}
READERS = [["timeline"], ["oda"], ["projects"], ["show", "jbic"], ["show", "oda-2016-uzbekistan"],
           ["search", "railway"], ["cite", "oda-2016-uzbekistan"], ["conflicts"], ["countries"],
           ["actors"], ["topics"], ["sources"], ["export", "timelinejs", "-q"]]


def damaged_copy(db_path: Path, folder: Path, sql: str) -> Path:
    bad = folder / "bad.db"
    shutil.copy(db_path, bad)
    conn = sqlite3.connect(bad)
    conn.execute(sql)
    conn.commit()
    conn.close()
    return bad


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_database_is_one_line_from_every_command(tmp_path, db_path, damage):
    bad = damaged_copy(db_path, tmp_path, DAMAGE[damage])
    said = set()
    for args in READERS:
        result = run(*args, "--db", str(bad))
        if result.returncode == 0:  # this command reads nothing the damage touched
            continue
        said.add(line(result, 1, streamed=True))
    assert said, damage
    for text in said:
        assert re.fullmatch(rf"caj: database {re.escape(str(bad))} is damaged \(.+\); "
                            r"rebuild it with `caj build`\n", text), text


def test_a_table_dropped_fails_every_command_alike(tmp_path, db_path):
    bad = damaged_copy(db_path, tmp_path, "DROP TABLE citations")
    said = {line(run(*args, "--db", str(bad)), 1) for args in READERS}
    assert said == {f"caj: database {bad} is damaged (no table citations); rebuild it with `caj build`\n"}


def test_a_damaged_database_on_the_web_is_caj_page_with_500(tmp_path, db_path):
    pytest.importorskip("datasette")
    from test_web import fetch, served

    # Datasette reads text that is not UTF-8 with replacement characters: JSON that is not JSON
    bad = damaged_copy(db_path, tmp_path, DAMAGE["sources not JSON"])
    expected = f"database {bad} is damaged"
    with served(bad) as base:
        status, kind, body = fetch(base, "/timeline")
        assert status == 500 and kind.startswith("text/html") and expected in body
        assert "rebuild it with" in body and "Traceback" not in body
        status, kind, body = fetch(base, "/timeline.json")
        assert status == 500 and expected in body
        status, _, body = fetch(base, "/timeline.json", year="0999")
        assert status == 400 and "is not a year caj knows" in body


def test_a_damaged_database_and_a_bad_year_over_mcp_are_tool_errors(tmp_path, db_path):
    pytest.importorskip("mcp")
    import anyio

    from test_mcp import session

    bad = damaged_copy(db_path, tmp_path, DAMAGE["a title not UTF-8"])

    async def ask():
        async with session(bad) as s:
            broken = await s.call_tool("timeline", {})
            year = await s.call_tool("oda", {"year": "0999"})
            after = await s.call_tool("sources", {})  # the server answers the next call
        return broken, year, after

    broken, year, after = anyio.run(ask)
    assert broken.is_error and broken.content[0].text.startswith(f"database {bad} is damaged (")
    assert year.is_error
    assert year.content[0].text == "'0999' is not a year caj knows; give one from 1000 to 2999"
    assert not after.is_error


# --- a fact dated with a month or day that does not exist --------------------------------------


@pytest.mark.parametrize("date", ["1996-13", "abc", "1996-02-30"])
def test_a_bad_date_in_the_data_is_a_problem_line(tmp_path, date):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    path = data / "facts" / "avim.yaml"
    text = path.read_text(encoding="utf-8")
    first = re.search(r"\n- id: (\S+)\n(?:  .*\n)*?  date: [^\n]+", text)
    fact = first.group(1)
    changed = text[:first.start()] + re.sub(r"date: [^\n]+$", f"date: '{date}'", first.group(0)) + \
        text[first.end():]
    path.write_text(changed, encoding="utf-8")
    line_no = changed[:changed.index(f"date: '{date}'")].count("\n") + 1
    result = run("validate", "--data", str(data))
    assert result.returncode == 1 and "internal error" not in result.stderr, result.stderr
    assert result.stdout == f"data/facts/avim.yaml:{line_no}: {fact}: date: '{date}' is not an EDTF date\n"
    assert result.stderr == f"caj: 1 problem(s) in {data}\n"


# --- smaller things a reader meets ---------------------------------------------------------------


def test_a_passage_two_quotes_share_is_listed_once(tmp_path):
    """caj-summit-astana-2024-cancelled quotes one IDSA paragraph twice: one place to look."""
    import csv
    import io
    import json

    fact = "caj-summit-astana-2024-cancelled"
    record = json.loads(run("show", fact, "--format", "json").stdout)
    assert len([c for c in record["citations"] if c["source"] == "idsa-2024"]) == 2  # both quotes kept
    rows = json.loads(run("timeline", "--with-undated", "--format", "json").stdout)
    for row in rows:
        places = [(s["source"], s["locator"], s["stance"]) for s in row["sources"]]
        assert len(places) == len(set(places)), row["id"]
    for row in csv.DictReader(io.StringIO(run("timeline", "--with-undated", "--format", "csv").stdout)):
        cells = row["sources"].split("; ")
        assert len(cells) == len(set(cells)), row["id"]
    events = json.loads(run("export", "timelinejs").stdout)["events"]
    text = next(e["text"]["text"] for e in events if e["unique_id"] == fact)
    assert text.count("opening section, para. 1") == 1


def test_no_locator_carries_a_backslash():
    import json

    for row in json.loads(run("timeline", "--with-undated", "--format", "json").stdout):
        for s in row["sources"]:
            assert "\\" not in s["locator"], (row["id"], s)


def test_the_note_of_no_total_is_a_sentence():
    result = subprocess.run([*caj_exe(), "oda", "--format", "table"], capture_output=True, text=True,
                            timeout=60, env=env(CAJ_DB=os.environ["CAJ_DB"], COLUMNS="100"))
    assert "No total: the rows differ in currency and measure and year." in result.stdout


def test_a_chart_fits_the_terminal_and_shows_money_as_the_table_does():
    result = subprocess.run([*caj_exe(), "oda", "--chart", "--format", "table"], capture_output=True,
                            text=True, timeout=60, env=env(CAJ_DB=os.environ["CAJ_DB"], COLUMNS="80"))
    assert result.returncode == 0
    wide = [x for x in result.stdout.splitlines() if len(x) > 80]
    assert not wide, wide
    assert "US$7.50 million" in result.stdout and "US$7.5 million" not in result.stdout


def test_a_chart_into_a_pipe_is_said():
    result = run("oda", "--chart")
    assert result.returncode == 0 and result.stdout.startswith("id,kind,")
    assert result.stderr == ("caj: --chart draws on a terminal and stdout is not one, so the rows follow "
                             "as CSV; --format table draws the bars anyway\n")


def test_no_stray_file_at_the_top_of_the_repository():
    top = Path(__file__).resolve().parents[1]
    tracked = subprocess.run(["git", "ls-files"], cwd=top, capture_output=True, text=True).stdout.splitlines()
    if not tracked:
        pytest.skip("not a git checkout")
    assert [t for t in tracked if "/" not in t and not t.isprintable() or t.startswith('"')] == []


def test_the_readme_and_the_architecture_agree_on_the_exit_codes():
    from caj.core import errors

    top = Path(__file__).resolve().parents[1]
    architecture = (top / "docs" / "architecture.md").read_text(encoding="utf-8")
    readme = " ".join((top / "README.md").read_text(encoding="utf-8").split())
    classes = re.search(r"Any `CajError` raised on the way \((.*?)\) becomes", architecture, re.S).group(1)
    for group in classes.split(";"):
        code = int(re.search(r"exit (\d+)", group).group(1))
        for name in re.findall(r"`(\w+)`", group):
            assert getattr(errors, name).exit_code == code, name
    said = " ".join(architecture.split())
    for words in ("0 success", "2 bad usage", "1 runtime failure", "130 interrupted"):
        assert words in readme, words
    for words in ("0 success", "2 bad usage", "1 a runtime failure", "130 interrupted"):
        assert words in said, words
    assert "a path that cannot be written)" not in readme  # it is exit 1, not 2
