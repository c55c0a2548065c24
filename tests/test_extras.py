"""Each optional stack is imported only by the command that needs it (Datasette by `serve`,
matplotlib by `--plot`, the MCP SDK by `mcp`), and a command whose extra is missing says how to
install it in one line."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import env

PROBE = """
import sys
sys.argv = {argv!r}
{block}
from caj.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
print(code, sorted(m for m in sys.modules if m.split('.')[0] in {roots!r}), file=sys.stderr)
"""

EXTRAS = {  # extra: (the modules it brings, the command that needs it, its one-line message)
    "web": (("datasette", "uvicorn", "jinja2", "httpx"), ["caj", "serve"],
            'caj: serve needs Datasette; install it with: pip install "caj[web]"'),
    "mcp": (("mcp", "mcp_types"), ["caj", "mcp"], "caj: mcp needs the MCP SDK: pip install 'caj[mcp]'"),
    "plot": (("matplotlib",), ["caj", "timeline", "--plot", "x.svg"],
             "caj: --plot needs matplotlib: pip install 'caj[plot]'"),
}
LOOKUPS = [["caj", "timeline", "--format", "json"], ["caj", "oda", "--year", "2016"],
           ["caj", "search", "rail"],
           ["caj", "show", "oda-2016-uzbekistan"], ["caj", "cite", "idsa-2024"], ["caj", "--help"],
           ["caj", "mcp", "--help"], ["caj", "serve", "--help"]]


def probe(db_path, argv, roots, block="", cwd=None) -> list[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE.format(argv=argv, block=block, roots=roots)],
                          capture_output=True, text=True, env=env(CAJ_DB=str(db_path)), timeout=120, cwd=cwd)
    return proc.stderr.strip().splitlines()


@pytest.mark.parametrize("extra", EXTRAS)
@pytest.mark.parametrize("argv", LOOKUPS, ids=" ".join)
def test_no_other_command_imports_an_extra(db_path, extra, argv):
    assert probe(db_path, argv, EXTRAS[extra][0])[-1] == "0 []"


@pytest.mark.parametrize("extra", EXTRAS)
def test_a_missing_extra_says_how_to_install_it(db_path, extra, tmp_path):
    roots, argv, message = EXTRAS[extra]
    block = f"sys.modules[{roots[0]!r}] = None  # as if caj[{extra}] were not installed"
    lines = probe(db_path, argv, roots, block, cwd=tmp_path)
    assert lines[0] == message and lines[-1].startswith("2 "), lines
    assert list(tmp_path.iterdir()) == []
