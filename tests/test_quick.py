"""A lookup asked plainly is read without Typer (caj.faces.terminal.commands.parsed): whatever it
takes, it must read exactly as Typer's command line does, to the byte and the exit code; whatever
it does not take, Typer reads. And the lookup path then imports no Typer at all."""

from __future__ import annotations

import itertools
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from caj.faces.terminal import commands
from caj.reading import questions
from conftest import caj_exe, env
from helpers import invoke

VALUES = ["2016", "0999", "2024-08", "1990s", "uz", "uzbekistan", "uzbekstan", "Kyrgyz Republic", "JBIC",
          "energy", "nucleer", "idsa-2024", "signed", "planned", "USD", "JPY", "EUR", "event", "company",
          "json", "csv", "jsonl", "markdown", "tsv", "xml", "table", "bibtex", "text", "5", "0", "10001",
          "abc", "", " ", "-1", "--", "ru", "ja", "xx", "railway", "\u200b", "oda-2016-uzbekistan",
          "jbic", "no-such-id", "鉄道", "железная дорога", "x" * 300, "/nonexistent/caj.db", "a.txt"]


def flags(name: str) -> list[str]:
    return sorted(commands._options(name))


def asked(argv: list[str]) -> tuple:
    typer, quick = invoke(*argv, typer_only=True), invoke(*argv)
    return typer, quick


def cases() -> list[list[str]]:
    """Each lookup's examples, then each of its options with a few values, alone and in pairs."""
    out = [q.split()[1:] for name in commands.PRESENT for q in questions.QUESTIONS[name].examples
           if "|" not in q and "--plot" not in q]
    for name in commands.PRESENT:
        fs = [f for f in flags(name) if f != "--plot"]
        takes_one = any(p.positional for p in commands.params(name))
        needs = [[v] for v in ("jbic", "railway")] if takes_one else [[]]
        for f, v in itertools.product(fs, ["2016", "uzbekistan", "json", "abc", "5"]):
            out.append([name, *needs[0], f, v])
        for f, g in itertools.combinations(fs[:6], 2):
            out.append([name, *needs[-1], f"{f}=2016" if f.startswith("--") else f, "uz", g, "json"])
    return out


@pytest.mark.parametrize("argv", cases(), ids=" ".join)
def test_what_is_read_without_typer_is_read_as_typer_reads_it(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    typer, quick = asked(argv)
    assert quick == typer, argv


def test_every_example_of_every_lookup_is_read_without_typer():
    for name in commands.PRESENT:
        for example in questions.QUESTIONS[name].examples:
            argv = example.split()[1:]
            if "|" not in example and '"' not in example:
                assert commands.parsed(argv) is not None, example
    assert commands.parsed(["--lang", "ja", "oda", "--year", "2016"])[3] == "ja"


@pytest.mark.parametrize("argv", [
    ["oda", "--year", "2016", "--year", "2017"], ["oda", "-y", "2016", "--year", "2017"],
    ["oda", "-h"], ["oda", "--help"], ["--version"], [], ["--lang", "ru"], ["oda", "--year"],
    ["oda", "--year", "--country"], ["oda", "--year", ""], ["oda", "--year="], ["oda", "-y2016"],
    ["projects", "uzbekistan"], ["show"], ["show", "a", "b"], ["search", "x", "--limit", "0"],
    ["search", "x", "--limit", "١٢"], ["oda", "--", "x"], ["timeline", "--with-undated=1"],
    ["export", "csl-json"], ["build"], ["oda", "--bogus"], ["timeline", "--lang", "ru"],
])
def test_what_is_not_plain_is_left_to_typer(argv, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert commands.parsed(argv) is None
    typer, quick = asked(argv)
    assert quick == typer


FLAGS = ["--format", "-f", "-y", "--year", "--country", "-c", "--with-undated", "--limit", "-n", "--currency",
         "--chart", "--from", "--to", "--kind", "--style", "--db", "--partner", "--sector", "--status",
         "--topic=energy"]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(commands.PRESENT)), tokens=st.lists(st.sampled_from(VALUES + FLAGS),
       max_size=6), lang=st.sampled_from([[], ["--lang", "ru"], ["--lang=ja"], ["--lang", "xx"]]))
def test_random_lookups_read_alike(name, tokens, lang, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = [*lang, name, *tokens]
    typer, quick = asked(argv)
    assert quick == typer, argv


def test_a_plain_lookup_imports_no_typer():
    probe = ("import sys, atexit\n"
             "atexit.register(lambda: print(sorted({m.split('.')[0] for m in sys.modules} & "
             "{'typer', 'click', 'pydantic', 'yaml', 'babel'}), file=sys.stderr))\n"
             "sys.argv = ['caj', 'oda', '--year', '2016']\n"
             "from caj.__main__ import main\nmain()\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env())
    assert done.returncode == 0 and done.stdout.startswith("id,"), done.stderr
    assert done.stderr.strip().splitlines()[-1] == "[]"
    help_ = subprocess.run([*caj_exe(), "oda", "-h"], capture_output=True, text=True, env=env())
    assert help_.returncode == 0 and "--year" in help_.stdout
