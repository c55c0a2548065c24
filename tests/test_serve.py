"""`caj serve` listens exactly where it is told, says so only once it does, and a failure to listen
is one line and exit 1. Real processes and real sockets, on loopback only."""

from __future__ import annotations

import socket
import subprocess
import urllib.request

import pytest

from conftest import caj_exe, env

pytest.importorskip("datasette", reason="the web extra is not installed: pip install \"caj[web]\"")


def serve(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*caj_exe(), "serve", *args], capture_output=True, text=True, timeout=timeout,
                          env=env())


@pytest.mark.parametrize("host", ["", " "])
def test_an_empty_host_is_refused_never_every_interface(host):
    result = serve("--host", host)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("caj: --host is empty;") and result.stderr.count("\n") == 1


def test_a_busy_port_is_one_line_and_exit_1_before_anything_is_served():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = serve("--host", "127.0.0.1", "--port", str(port))
    assert result.returncode == 1 and result.stdout == "", result
    assert result.stderr == f"caj: cannot listen on http://127.0.0.1:{port}/: address already in use\n"


def test_a_host_that_cannot_be_a_name_is_one_line():
    result = serve("--host", "x" * 70)  # a label over 63 characters: refused before any lookup
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr.startswith("caj: cannot listen on 'xxx") and result.stderr.count("\n") == 1
    assert "not a host name" in result.stderr


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
    except OSError:
        return False
    return True


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback on this machine")
def test_an_ipv6_address_is_printed_in_brackets_and_answers():
    with socket.socket(socket.AF_INET6) as s:
        s.bind(("::1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen([*caj_exe(), "serve", "--host", "::1", "--port", str(port)], env=env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = proc.stdout.readline()
        url = f"http://[::1]:{port}/"
        assert first.endswith(f" at {url} (Ctrl-C stops)\n"), first
        with urllib.request.urlopen(url + "-/versions.json", timeout=10) as answer:
            assert answer.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    assert proc.stderr.read() == ""  # no wildcard, so no warning


def test_a_wildcard_named_explicitly_is_bound_with_a_warning(monkeypatch, capsys, db_path):
    """Nothing may listen beyond loopback in a test: the socket is bound on 127.0.0.1 instead, and
    the server stops at once; what it says for 0.0.0.0 is what is checked."""
    import uvicorn

    from caj.faces.web import datasette as web

    real_bind = web.bind
    asked = []
    monkeypatch.setattr(web, "bind", lambda host, port: asked.append(host) or real_bind("127.0.0.1", 0))
    monkeypatch.setattr(uvicorn.Server, "run", lambda self, sockets=None: [s.close() for s in sockets])
    web.serve(db_path, host="0.0.0.0", port=8001)
    out, err = capsys.readouterr()
    assert asked == ["0.0.0.0"]
    assert err == "caj: listening on every interface: the server is reachable from other machines\n"
    assert out.startswith("caj: serving ") and out.endswith(" at http://0.0.0.0:8001/ (Ctrl-C stops)\n")
