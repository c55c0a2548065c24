"""The streams a process is given, as a shell gives them: a reader that leaves early, a stdout
that is closed, Ctrl-C while output is written and while caj is still starting. Real processes,
real pipes, real signals."""

from __future__ import annotations

import fcntl
import os
import signal
import subprocess
import sys
import threading

import pytest

from conftest import caj_exe, env

F_SETPIPE_SZ = 1031  # Linux: the pipe's capacity, so a writer blocks after a few KiB


def start(*args, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([*caj_exe(), *args], env=env(CAJ_DB=os.environ["CAJ_DB"]), **kwargs)


def test_a_database_built_to_a_reader_that_leaves_early_is_success():
    proc = start("build", "--out", "-", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.read(10) == b"SQLite for"
    proc.stdout.close()  # as `caj build --out - | head -c 10` does
    assert proc.wait(timeout=120) == 0 and proc.stderr.read() == b""


def test_a_database_built_to_stdout_is_not_announced_there_or_on_stderr():
    result = subprocess.run([*caj_exe(), "build", "--out", "-"], capture_output=True, timeout=120, env=env())
    assert result.returncode == 0 and result.stdout.startswith(b"SQLite format 3\0")
    assert result.stderr == b""


def closed_stdout(*args, cwd) -> subprocess.CompletedProcess:
    return subprocess.run([*caj_exe(), *args], capture_output=False, stderr=subprocess.PIPE, text=True,
                          cwd=cwd, timeout=120, env=env(CAJ_DB=os.environ["CAJ_DB"]),
                          preexec_fn=lambda: os.close(1))


@pytest.mark.parametrize("args, written", [
    (["export", "csl-json", "--out", "refs.json"], "refs.json"),
    (["export", "timelinejs", "--out", "tl.json", "--quiet"], "tl.json"),
    (["export", "datapackage", "pkg", "--quiet"], "pkg"),
    (["build", "--out", "new.db", "--quiet"], "new.db"),
    (["timeline", "--plot", "tl.svg"], "tl.svg"),
    (["validate"], None),
])
def test_a_command_that_writes_only_files_runs_with_stdout_closed(tmp_path, args, written):
    if "--plot" in args:
        pytest.importorskip("matplotlib")
    result = closed_stdout(*args, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "closed" not in result.stderr
    if written:
        assert (tmp_path / written).exists()


def test_a_usage_error_with_stdout_closed_is_still_exit_2(tmp_path):
    result = closed_stdout("timeline", "--country", "narnia", cwd=tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("caj: unknown country 'narnia'")


def test_ctrl_c_while_output_is_written_is_130_and_said():
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, F_SETPIPE_SZ, 4096)
    proc = start("timeline", "--with-undated", "--format", "json", stdout=write_end, stderr=subprocess.PIPE)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        assert pipe.read(100)  # output has begun; the pipe is full again and caj waits on it
        proc.send_signal(signal.SIGINT)
        drained = threading.Thread(target=pipe.read)  # read the rest, so caj is free to end
        drained.start()
        assert proc.wait(timeout=60) == 130
        drained.join(timeout=60)
    assert proc.stderr.read() == b"caj: interrupted\n"


def test_ctrl_c_while_typer_is_imported_is_130_and_no_traceback():
    """`-X importtime` reports each import as it ends: once one of Typer's own modules has ended,
    Typer itself is still being imported, and that is when Ctrl-C comes (help is read by Typer: a
    plain lookup never imports it)."""
    script = caj_exe()[0]
    if not script.endswith("caj"):
        pytest.skip("needs the caj console script")
    proc = subprocess.Popen([sys.executable, "-X", "importtime", script, "timeline", "-h"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=env(CAJ_DB=os.environ["CAJ_DB"]))
    said = []
    for line in proc.stderr:
        said.append(line)
        if line.startswith("import time:") and "typer." in line:
            proc.send_signal(signal.SIGINT)
            break
    said += proc.stderr.readlines()
    assert proc.wait(timeout=60) == 130
    own = [line for line in said if not line.startswith("import time:")]
    assert own == ["caj: interrupted\n"], "".join(own)
    assert proc.stdout.read() == ""
