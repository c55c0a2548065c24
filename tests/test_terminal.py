"""Pipes and terminals for real: the installed command in a subprocess and a pseudo-terminal."""

import json
import os
import pty
import select
import subprocess

from conftest import caj_exe, env


def run(*args, **extra):
    return subprocess.run([*caj_exe(), *args], capture_output=True, text=True, env=env(**extra),
                          timeout=60)


def run_in_pty(*args, columns=100, **extra) -> str:
    """Run caj with a pseudo-terminal as stdout and return what it drew."""
    leader, follower = pty.openpty()
    import fcntl
    import struct
    import termios

    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    proc = subprocess.Popen([*caj_exe(), *args], stdout=follower, stderr=subprocess.PIPE,
                            env=env(COLUMNS=str(columns), **extra))
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 30)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=30)
    os.close(leader)
    assert proc.returncode == 0, proc.stderr.read()
    return b"".join(chunks).decode("utf-8")


def test_piped_output_is_csv_with_a_header(db_path):
    result = run("oda", "--year", "2016", CAJ_DB=str(db_path))
    assert result.returncode == 0
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id,kind,date,when,title,") and len(lines) == 6


def test_terminal_output_is_a_table(db_path):
    screen = run_in_pty("oda", "--year", "2016", CAJ_DB=str(db_path), NO_COLOR="1")
    assert "Recipient" in screen and "kazakhstan" in screen and "Total" in screen
    assert "id,date" not in screen
    assert "\x1b[" not in screen  # NO_COLOR: no escape codes


def test_terminal_colour_when_allowed(db_path):
    screen = run_in_pty("timeline", CAJ_DB=str(db_path), TERM="xterm-256color")
    assert "\x1b[" in screen


def test_format_wins_on_a_terminal(db_path):
    screen = run_in_pty("oda", "--year", "2016", "--format", "csv", CAJ_DB=str(db_path))
    assert screen.splitlines()[0].startswith("id,kind,date,when,title,")


def test_narrow_terminal_still_draws_every_row(db_path):
    screen = run_in_pty("projects", "--country", "uz", columns=40, CAJ_DB=str(db_path), NO_COLOR="1")
    assert max(len(line) for line in screen.splitlines()) <= 40
    assert "uzbekistan" in screen.replace("\n", "")


def test_head_ends_quietly(db_path):
    proc = subprocess.run(f"{' '.join(caj_exe())} timeline | head -1", shell=True, capture_output=True,
                          text=True, env=env(CAJ_DB=str(db_path)), timeout=60)
    assert proc.stdout.startswith("id,") and proc.stderr == ""


def test_lang_c_and_ascii_output(db_path):
    for extra in ({"LANG": "C", "LC_ALL": "C"}, {"PYTHONIOENCODING": "ascii"}):
        result = run("oda", "--year", "2016", CAJ_DB=str(db_path), **extra)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (extra, result.stderr)
        assert "kazakhstan" in result.stdout
    # machine formats never alter a value: CSV stays UTF-8, JSON escapes what ASCII cannot carry
    raw = subprocess.run([*caj_exe(), "oda", "--year", "2016"], capture_output=True, timeout=60,
                         env=env(CAJ_DB=str(db_path), PYTHONIOENCODING="ascii")).stdout
    assert "¥1158.29 million" in raw.decode("utf-8") and "JPY 1158" not in raw.decode("utf-8")
    data = subprocess.run([*caj_exe(), "oda", "--year", "2016", "--format", "json"], capture_output=True,
                          timeout=60, env=env(CAJ_DB=str(db_path), PYTHONIOENCODING="ascii")).stdout
    assert data.isascii() and "\\u00a51158.29" in data.decode()
    assert json.loads(data)[0]["value_stated"].startswith("¥")


def test_python_dash_m(db_path):
    import sys

    result = subprocess.run([sys.executable, "-m", "caj", "oda", "--year", "2016"], capture_output=True,
                            text=True, env=env(CAJ_DB=str(db_path)), timeout=60)
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 6


def test_works_from_any_directory_with_the_shipped_database(tmp_path):
    result = subprocess.run([*caj_exe(), "oda", "--year", "2016"], capture_output=True, text=True,
                            env=env(), cwd=tmp_path, timeout=60)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 6


def test_reader_leaving_early_is_success(db_path):
    proc = subprocess.run(["bash", "-c", f"set -o pipefail; {' '.join(caj_exe())} timeline | head -1"],
                          capture_output=True, text=True, env=env(CAJ_DB=str(db_path)), timeout=60)
    assert proc.returncode == 0 and proc.stderr == ""
