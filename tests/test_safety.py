"""Nothing a user owns is ever lost, and every failure is one line: the commands that write files,
the streams they write to, and hostile input, each tried as a user would (real processes, real
pipes, a pseudo-terminal). Every test writes only into folders and pipes it owns, never a path
under /dev."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import caj_exe, env
from helpers import invoke


def run(*args, cwd=None, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([*caj_exe(), *args], capture_output=True, text=True, timeout=120, cwd=cwd,
                          env=env(CAJ_DB=os.environ["CAJ_DB"]), **kwargs)


def one_line(result) -> bool:
    err = result.stderr if hasattr(result, "stderr") else result.err
    return err.count("\n") == 1 and "Traceback" not in err and "internal error" not in err


# --- the reproductions of the issue, before and after -------------------------------------------


def test_a_folder_of_the_users_is_never_emptied(tmp_path):
    survey = tmp_path / "survey"
    (survey / "raw").mkdir(parents=True)
    (survey / "datapackage.json").write_text('{"name":"my-survey"}')
    (survey / "answers.csv").write_text("q,a\n")
    (survey / "raw" / "interviews.txt").write_text("precious\n")
    result = run("export", "datapackage", str(survey))
    assert result.returncode == 2 and one_line(result)
    assert "caj did not write: answers.csv, datapackage.json, raw/" in result.stderr
    assert (survey / "answers.csv").read_text() == "q,a\n"
    assert (survey / "raw" / "interviews.txt").read_text() == "precious\n"
    assert json.loads((survey / "datapackage.json").read_text()) == {"name": "my-survey"}


def test_a_file_added_to_a_previous_export_is_never_deleted(tmp_path):
    folder = tmp_path / "pkg"
    assert run("export", "datapackage", str(folder), "--quiet").returncode == 0
    (folder / "my-notes.md").write_text("mine")
    result = run("export", "datapackage", str(folder))
    assert result.returncode == 2 and one_line(result) and "my-notes.md" in result.stderr
    assert (folder / "my-notes.md").read_text() == "mine"


def test_a_link_is_written_through_and_stays_a_link(tmp_path):
    target, link = tmp_path / "target.json", tmp_path / "link.json"
    target.write_text("[]")
    link.symlink_to("target.json")
    assert run("export", "csl-json", "--out", str(link), "--quiet").returncode == 0
    assert link.is_symlink() and json.loads(target.read_text())[0]["id"]


def test_a_fifo_is_written_into_never_replaced(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    result = run("export", "csl-json", "--out", str(fifo), "--quiet")
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode) and json.loads(got[0])


def test_a_pipe_named_by_dev_fd_is_written_into(tmp_path):
    read_end, write_end = os.pipe()
    assert stat.S_ISFIFO(os.fstat(write_end).st_mode)  # our own pipe, never a device of the machine
    proc = subprocess.Popen([*caj_exe(), "export", "csl-json", "--out", f"/dev/fd/{write_end}", "--quiet"],
                            pass_fds=(write_end,), env=env(CAJ_DB=os.environ["CAJ_DB"]),
                            stderr=subprocess.PIPE, text=True)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    assert proc.wait(timeout=60) == 0, proc.stderr.read()
    assert json.loads(data)


def test_dash_means_stdout():
    result = run("export", "csl-json", "--out", "-")
    assert result.returncode == 0 and json.loads(result.stdout) and result.stderr == ""


def test_an_existing_file_keeps_its_mode(tmp_path):
    out = tmp_path / "caj.json"
    out.write_text("old")
    out.chmod(0o640)
    assert run("export", "csl-json", "--out", str(out), "--quiet").returncode == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 and out.read_text() != "old"


@pytest.mark.parametrize("args", [
    ("export", "csl-json", "--out", "{missing}/x.json"),
    ("export", "timelinejs", "--out", "{missing}/x.json"),
    ("export", "datapackage", "{missing}/pkg"),
    ("build", "--out", "{missing}/caj.db"),
    ("timeline", "--plot", "{missing}/x.svg"),
    ("serve", "--metadata", "--out", "{missing}/metadata.json"),
])
def test_a_missing_folder_is_refused_the_same_way_by_every_command(tmp_path, args):
    args = [a.replace("{missing}", str(tmp_path / "no" / "such")) for a in args]
    result = run(*args)
    assert result.returncode == 2 and one_line(result) and "does not exist" in result.stderr, args
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("args", [("export", "csl-json", "--out", "{dir}"), ("build", "--out", "{dir}")])
def test_a_folder_where_a_file_is_expected_is_one_line(tmp_path, args):
    result = run(*[a.replace("{dir}", str(tmp_path)) for a in args])
    assert result.returncode == 2 and one_line(result) and "is a folder" in result.stderr


# --- streams ----------------------------------------------------------------------------------

COMMANDS = [["timeline"], ["oda"], ["projects"], ["show", "jbic"], ["search", "rail"], ["sources"],
            ["countries"], ["actors"], ["topics"], ["conflicts"], ["cite", "idsa-2024"],
            ["export", "timelinejs"], ["export", "csl-json"]]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_closed_stdout_is_one_line_and_exit_1(args):
    result = run(*args, preexec_fn=lambda: os.close(1))
    assert result.returncode == 1 and one_line(result) and "closed" in result.stderr


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_closed_stderr_is_no_crash(args):
    proc = subprocess.run([*caj_exe(), *args], stdout=subprocess.PIPE, timeout=120,
                          env=env(CAJ_DB=os.environ["CAJ_DB"]), preexec_fn=lambda: os.close(2))
    assert proc.returncode == 0 and proc.stdout


@pytest.mark.parametrize("fmt", ["csv", "tsv", "json", "jsonl", "markdown", "table"])
@pytest.mark.parametrize("args", [["timeline", "--with-undated"], ["search", "japan", "-n", "200"],
                                  ["show", "kazakhstan"]], ids=" ".join)
def test_a_reader_leaving_early_is_success(args, fmt):
    proc = subprocess.Popen([*caj_exe(), *args, "--format", fmt], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env(CAJ_DB=os.environ["CAJ_DB"], COLUMNS="80"))
    proc.stdout.read(10)
    proc.stdout.close()  # the reader leaves, as `| head -c 10` does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0 and err == "", err


def test_errors_never_go_to_stdout():
    for args in (["timeline", "--country", "narnia"], ["show", "no-such-id"], ["oda", "--year", "20x"]):
        result = run(*args)
        assert result.returncode == 2 and result.stdout == "" and one_line(result)


# --- hostile input: every user error is a usage error -----------------------------------------


@pytest.mark.parametrize("args, says", [
    (["timeline", " "], "unexpected extra argument"),
    (["show", ""], "give an id"),
    (["show", "   "], "give an id"),
    (["show", "x" * 50_000], "unknown id"),
    (["cite", ""], "give a fact id or a source id"),
    (["search", " "], "give words to search for"),
    (["export", "datapackage", "."], "cannot hold the export"),
    (["export", "datapackage", ""], "cannot hold the export"),
    (["export", "csl-json", "--out", "a" * 300 + ".json"], "too long"),
    (["timeline", "--by", "kind"], "--by draws lanes in a picture"),
    (["timeline", "--plot", "x.svg", "--format", "json"], "give one of them"),
    (["serve", "--out", "m.json"], "--out writes the metadata"),
])
def test_user_errors_are_usage_errors(tmp_path, args, says):
    result = run(*args, cwd=tmp_path)
    assert result.returncode == 2 and one_line(result) and says in result.stderr, result.stderr
    assert len(result.stderr) < 300  # a 50,000-character id is not echoed back whole
    assert list(tmp_path.iterdir()) == []


def test_invalid_utf8_in_an_argument_is_a_usage_error():
    proc = subprocess.run([*caj_exe(), "timeline", "--country", b"\xff\xfeuz"], capture_output=True,
                          env=env(CAJ_DB=os.environ["CAJ_DB"]), timeout=60)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and err == "caj: argument 3 is not valid UTF-8: '\\xff\\xfeuz'\n"


def test_junk_ids_get_no_unrelated_suggestions():
    for junk in ("zz", "!!!", "q"):
        result = invoke("show", junk)
        assert result.code == 2 and "did you mean" not in result.err, result.err


def test_a_damaged_database_is_the_same_line_from_every_command(tmp_path, db_path):
    bad = tmp_path / "bad.db"
    data = bytearray(db_path.read_bytes())
    middle = len(data) // 2
    data[middle:middle + 4096] = b"\x00garbage" * 512
    bad.write_bytes(bytes(data))
    lines = set()
    for args in (["timeline"], ["oda"], ["sources"], ["show", "jbic"], ["cite", "idsa-2024"], ["topics"]):
        result = subprocess.run([*caj_exe(), *args, "--db", str(bad)], capture_output=True, text=True,
                                env=env(), timeout=60)
        assert result.returncode == 1 and one_line(result), (args, result.stderr)
        lines.add(result.stderr)
    assert lines == {f"caj: cannot read {bad}: database disk image is malformed\n"}


def test_a_full_disk_is_no_space_left(monkeypatch, tmp_path):
    import errno

    from caj.core import safefile

    def full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(safefile, "_sync", full)
    result = invoke("export", "csl-json", "--out", str(tmp_path / "x.json"))
    assert result.code == 1 and "no space left" in result.err and result.err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


# --- machine formats never alter a value ------------------------------------------------------


def test_every_format_keeps_every_character_under_an_ascii_locale():
    for fmt in ("csv", "tsv", "markdown"):
        out = subprocess.run([*caj_exe(), "oda", "--year", "2016", "--format", fmt], capture_output=True,
                             env=env(CAJ_DB=os.environ["CAJ_DB"], PYTHONIOENCODING="ascii"), timeout=60)
        assert out.returncode == 0 and "¥1158.29 million" in out.stdout.decode("utf-8"), fmt
    table = subprocess.run([*caj_exe(), "oda", "--year", "2016", "--format", "table"], capture_output=True,
                           env=env(CAJ_DB=os.environ["CAJ_DB"], PYTHONIOENCODING="ascii", COLUMNS="100"),
                           timeout=60)
    assert table.returncode == 0 and table.stdout.isascii() and b"JPY 1158.29" in table.stdout


# --- first contact ----------------------------------------------------------------------------


def test_export_alone_lists_its_targets_with_an_example_each():
    result = invoke("export")
    assert result.code == 0
    for target in ("timelinejs", "datapackage", "csl-json"):
        assert f"  {target}" in result.out and f"e.g. caj export {target}" in result.out
    assert "export" in invoke().out


@pytest.mark.parametrize("args", [[], ["timeline", "-h"], ["oda", "-h"], ["projects", "-h"], ["export", "-h"],
                                  ["export", "datapackage", "-h"], ["serve", "-h"], ["build", "-h"]])
def test_no_help_line_is_wider_than_80_columns(args):
    proc = subprocess.run([*caj_exe(), *args], capture_output=True, text=True, timeout=60,
                          env=env(COLUMNS="80"))
    assert proc.returncode == 0
    wide = [line for line in proc.stdout.splitlines() if len(line) > 80]
    assert not wide, wide


def test_projects_are_listed_by_date_within_a_country():
    rows = json.loads(invoke("projects", "--country", "uzbekistan", "--format", "json").out)
    from caj.core.edtf import bounds

    spans = [bounds(r["date"]) for r in rows]
    assert spans == sorted(spans)


# --- the fuzz covers the writing commands too -------------------------------------------------

NAMES = st.one_of(st.text(min_size=0, max_size=30), st.sampled_from(
    ["", ".", "..", "-", "/", "a/", "x.svg", "x.txt", "\x00", "a" * 300, "ü.json", "sub/x.json", " "]))
WRITERS = [("export", "csl-json", "--out"), ("export", "timelinejs", "--out"), ("export", "datapackage"),
           ("timeline", "--plot"), ("oda", "--plot"), ("serve", "--metadata", "--out")]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writer=st.sampled_from(WRITERS), name=NAMES)
def test_any_name_for_any_writing_command(tmp_path_factory, writer, name):
    folder = tmp_path_factory.mktemp("w")
    (folder / "keep.txt").write_text("mine")
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        result = invoke(*writer, name, "--quiet") if writer[0] == "export" else invoke(*writer, name)
    finally:
        os.chdir(cwd)
    assert result.code in (0, 1, 2) and "Traceback" not in result.err, (writer, name, result.err)
    assert "internal error" not in result.err, (writer, name, result.err)
    if result.code:
        assert result.err.count("\n") == 1, (writer, name, result.err)
    assert (folder / "keep.txt").read_text() == "mine"
    assert not [p for p in Path(folder).rglob(".caj-tmp-*")]
