"""The architecture holds: declared layers, no circle, each field written once in the registry
and covering every column and every emitted field, no class recognised by its name, short functions."""

from __future__ import annotations

import ast
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from caj.core import vocab
from conftest import REPO
from helpers import invoke

SRC = REPO / "src" / "caj"


def test_import_contracts_are_kept():
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which("lint-imports")
    assert exe, "lint-imports (import-linter, in the test extra) is not installed"
    result = subprocess.run([exe], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_registry_covers_every_column_of_the_database(conn):
    from caj.reading import queries

    for name, (columns, machinery) in queries.schema_objects(conn).items():
        if machinery:
            continue
        for column in columns:
            assert column in vocab.FIELDS, f"{name}.{column}"
            assert vocab.describe(name, column), f"{name}.{column} has no meaning"
        if name in vocab.TABLES:
            assert tuple(columns) == vocab.TABLES[name].columns, name


COMMANDS = {"timeline": ["timeline", "--with-undated"], "oda": ["oda"],
            "oda-converted": ["oda", "--currency", "USD"], "projects": ["projects"],
            "search": ["search", "railway"], "conflicts": ["conflicts"], "sources": ["sources"],
            "countries": ["countries"], "actors": ["actors"], "topics": ["topics"]}


@pytest.mark.parametrize("command", COMMANDS)
def test_registry_covers_every_field_a_command_emits(command):
    records = json.loads(invoke(*COMMANDS[command], "--format", "json").out)
    assert records
    for record in records:
        assert tuple(record) == vocab.COMMANDS[command]
        assert all(name in vocab.FIELDS for name in record)


def test_show_emits_only_registered_fields():
    for ref in ("oda-2016-uzbekistan", "enersok-jbic-loan-2023", "jbic"):
        record = json.loads(invoke("show", ref, "--format", "json").out)
        for name in record:
            assert name in vocab.FIELDS or name in ("entities", "citations", "oda", "project", "figure",
                                                    "facts", "country_names", "topic_names",
                                                    "country_name"), name
        for citation in record.get("citations", []):
            assert tuple(citation) == vocab.CITATION


def _functions():
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield path.relative_to(SRC), node


def test_no_function_is_over_40_lines():
    long = [f"{p}:{n.lineno} {n.name} ({n.end_lineno - n.lineno + 1} lines)"
            for p, n in _functions() if n.end_lineno - n.lineno + 1 > 40]
    assert not long, long


def test_no_class_is_recognised_by_its_name():
    def by_name(node) -> bool:  # type(x).__name__ == "...", or hasattr(x, ...) standing for a type
        named = [x for x in ast.walk(node) if isinstance(x, ast.Attribute) and x.attr == "__name__"
                 and isinstance(x.value, ast.Call) and getattr(x.value.func, "id", "") == "type"]
        return bool(named) and isinstance(node, ast.Compare)

    hits = [f"{p}:{n.lineno}" for p in sorted(SRC.rglob("*.py"))
            for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
            if by_name(n) or (isinstance(n, ast.Call) and getattr(n.func, "id", "") == "hasattr"
                              and isinstance(n.args[1], ast.Constant) and n.args[1].value == "exit_code")]
    assert not hits, hits


def test_no_module_imports_another_modules_private_name():
    found = []
    for path in sorted(SRC.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("caj"):
                found += [f"{path.name}: {node.module}.{a.name}" for a in node.names
                          if a.name.startswith("_") and not a.name.startswith("__") and a.name != "_"]
            private = isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__")
            if private and isinstance(node.value, ast.Name) and node.value.id in _CAJ_MODULES:
                found.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert not found, found  # gettext's `_` is the one public name that begins so


_CAJ_MODULES = {"queries", "render", "views", "cards", "display", "vocab", "export", "plot", "cite",
                "safefile", "db", "errors", "dates", "edtf", "models", "load", "database", "pages",
                "datasette", "plugin", "entry", "cli", "building", "mcp"}
