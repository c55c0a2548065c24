"""The README is true: every example's output is what caj prints now, and every command is
documented there and in its own --help with two examples.

To refresh the examples after a data change: CAJ_UPDATE_README=1 python -m pytest tests/test_docs.py
"""

import os
import re
import shlex

import pytest

from caj.cli import app
from conftest import REPO
from helpers import invoke

README = REPO / "README.md"
BLOCK = re.compile(r"```console\n(.*?)```", re.S)


def examples(text: str):
    """(command line, expected output) for each `$ caj ...` in console blocks."""
    for block in BLOCK.findall(text):
        parts = re.split(r"^\$ ", block, flags=re.M)
        for part in parts[1:]:
            line, _, output = part.partition("\n")
            yield line, output


def run_example(line: str) -> str:
    """One README example, drawn as an 80-column terminal draws it."""
    command, _, pipe = line.partition(" | ")
    args = shlex.split(command)
    assert args[0] == "caj", line
    saved = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = "80"
    try:
        result = invoke(*args[1:])
    finally:
        os.environ["COLUMNS"] = saved or "100"
    out = result.out + result.err
    if pipe:  # only `| head -N` is used in the README
        n = int(re.fullmatch(r"head -(\d+)", pipe.strip()).group(1))
        out = "".join(out.splitlines(keepends=True)[:n])
    return out


def test_readme_examples_match_real_output():
    text = README.read_text(encoding="utf-8")
    found = list(examples(text))
    assert len(found) >= 5
    if os.environ.get("CAJ_UPDATE_README"):
        for line, output in found:
            text = text.replace(f"$ {line}\n{output}", f"$ {line}\n{run_example(line)}", 1)
        README.write_text(text, encoding="utf-8")
        return
    for line, output in found:
        assert run_example(line) == output, line


COMMANDS = [c.name or c.callback.__name__ for c in app.registered_commands]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_is_in_the_readme(command):
    assert re.search(rf"\bcaj {command}\b", README.read_text(encoding="utf-8")), command


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_two_examples(command):
    result = invoke(command, "--help")
    assert result.code == 0
    purpose = result.out.split("\n\n")[1].strip()
    assert purpose and not purpose.startswith("Examples"), command
    assert len(re.findall(rf"caj {command}\b", result.out.split("Examples:")[1])) >= 2 or \
        len(re.findall(r"\bcaj ", result.out.split("Examples:")[1])) >= 2, command


SUBCOMMANDS = [(c,) for c in COMMANDS] + [
    ("export", c.name) for g in app.registered_groups if g.name == "export"
    for c in g.typer_instance.registered_commands]


def help_examples(*command: str) -> list[str]:
    text = invoke(*command, "--help").out.split("Examples:")[1].split("\n\n")[0]
    return [x.strip() for x in " ".join(text.split()).split(" · ")]


def runnable(example: str) -> list[str] | None:
    """The caj part of a help example: a pipe or redirection into another tool is cut off, an
    example of another tool is none, and a server that runs until stopped is left to
    tests/test_web.py and tests/test_mcp.py, which start `caj serve` and `caj mcp` for real."""
    words = shlex.split(example.split(" | ")[0].split(" > ")[0])
    while words and re.fullmatch(r"[A-Z_]+=\S+", words[0]):
        words.pop(0)
    if not words or words[0] != "caj" or (words[1] == "serve" and "--metadata" not in words) \
            or words[1] == "mcp":
        return None
    return words[1:]


@pytest.mark.parametrize("command", SUBCOMMANDS, ids=" ".join)
def test_every_help_example_runs(command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # files an example writes land here
    ran = 0
    for example in help_examples(*command):
        example = example.replace("/tmp/caj.db", str(tmp_path / "caj.db"))
        for var in re.findall(r"\b([A-Z_]+=\S+) caj", example):  # VAR=value caj ...
            monkeypatch.setenv(*var.split("=", 1))
        args = runnable(example.replace("./data", str(REPO / "data")))
        if args is None:
            continue
        result = invoke(*args)
        assert result.code == 0, (example, result.err)
        ran += 1
    assert ran or command in (("serve",), ("mcp",)), command
