"""The question registry: every face exposes every parameter of every question it answers, under
the same name and with the same help, and the Python library answers as the commands' JSON does.
Each face builds its inputs from the registry in its own code; these tests read what each face
actually offers (Click's parameters, the web page's forms, the MCP tools' schemas, the library's
signatures) and hold them against the registry."""

from __future__ import annotations

import inspect
import json

import pytest
import typer.main

import caj
from caj import cli
from caj.reading import questions
from helpers import invoke

QUESTIONS = list(questions.QUESTIONS.values())


def click_command(name: str):
    group = typer.main.get_command(cli.app)
    return group.commands[name]


@pytest.mark.parametrize("q", questions.on("cli"), ids=lambda q: q.name)
def test_the_command_line_offers_every_parameter(q):
    params = {p.name: p for p in click_command(q.name).params}
    by_flag = {p.opts[0] if p.opts and p.opts[0].startswith("-") else p.human_readable_name: p
               for p in params.values()}
    for p in (*q.on("cli"), *(q.picture or ())):
        key = p.flags[0] if p.flags else p.metavar
        assert key in by_flag, (q.name, p.name)
        opt = by_flag[key]
        assert opt.help == p.help, (q.name, p.name)
        assert tuple(opt.opts) == (p.flags or (opt.opts[0],)), (q.name, p.name)


@pytest.mark.parametrize("q", questions.on("web"), ids=lambda q: q.name)
def test_every_page_takes_every_parameter(q):
    pytest.importorskip("datasette")
    from caj.faces.web import pages

    if q.name == "show":  # /facts/ID and /entities/ID: the id is the path
        return
    page = pages.PAGES[q.name]
    assert {p.name for p in q.on("web")} <= set(page.params), q.name
    for p in q.on("web"):
        assert all(page.params[a] is p for a in p.aliases), (q.name, p.name)
    from caj.faces.web import reader

    params = {p.name: p for p in (*q.on("web"), *(q.picture or ()))}
    for field in reader.FORMS.get(q.name, []):  # a form's fields are the registry's, as it words them
        param = params[field.name] if field.name in params else next(
            p for p in params.values() if field.name in p.aliases)
        assert (field.label, field.hint) == (param.label, param.hint), (q.name, field.name)


@pytest.mark.parametrize("q", questions.on("mcp"), ids=lambda q: q.name)
def test_every_tool_offers_every_parameter(q):
    pytest.importorskip("mcp")
    from caj.faces import mcp

    schema = mcp.arg_model(q).model_json_schema(by_alias=True)
    props = schema.get("properties", {})
    assert set(props) == {p.name for p in q.on("mcp")}, q.name
    for p in q.on("mcp"):
        assert props[p.name]["description"] == p.help, (q.name, p.name)
    assert set(schema.get("required", [])) == {p.name for p in q.on("mcp") if p.required}


@pytest.mark.parametrize("q", questions.on("python"), ids=lambda q: q.name)
def test_every_library_function_offers_every_parameter(q):
    from caj.faces.library import python_name

    fn = getattr(caj, q.name)
    sig = inspect.signature(fn)
    assert list(sig.parameters) == [python_name(p) for p in q.on("python")] + ["db"], q.name
    for p in q.on("python"):
        assert p.help in fn.__doc__, (q.name, p.name)


def test_the_typo_hints_and_the_overview_come_from_the_registry():
    assert questions.slips("projects") == [("country", "--country"), ("sector", "--sector"),
                                           ("actor", "--partner")]
    overview = invoke().out
    for q in questions.on("cli"):
        assert f"  {q.name:<10} {q.summary.split()[0]}" in overview, q.name


# --- the library answers exactly as the commands' JSON ------------------------------------------

SAME = [("timeline", {"country": "kz"}, ["--country", "kz"]),
        ("timeline", {"date_from": "2004", "date_to": "2010"}, ["--from", "2004", "--to", "2010"]),
        ("timeline", {"year": 2016, "with_undated": True}, ["--year", "2016", "--with-undated"]),
        ("oda", {"year": 2016}, ["--year", "2016"]),
        ("oda", {"country": "uzbekistan", "currency": "USD"},
         ["--country", "uzbekistan", "--currency", "USD"]),
        ("projects", {"country": "uzbekistan"}, ["--country", "uzbekistan"]),
        ("projects", {"partner": "JBIC"}, ["--partner", "JBIC"]),
        ("search", {"text": "railway"}, ["railway"]),
        ("search", {"text": "rail*", "limit": 3}, ["rail*", "--limit", "3"]),
        ("sources", {}, []), ("countries", {}, []), ("actors", {"kind": "company"}, ["--kind", "company"]),
        ("topics", {}, []), ("conflicts", {}, [])]


@pytest.mark.parametrize("name, kwargs, options", SAME, ids=lambda v: str(v))
def test_the_library_returns_the_records_format_json_prints(name, kwargs, options):
    result = invoke(name, *options, "--format", "json")
    assert result.code == 0, result.err
    assert getattr(caj, name)(**kwargs) == json.loads(result.out)


def test_show_and_cite():
    shown = invoke("show", "oda-2016-uzbekistan", "--format", "json").out
    assert caj.show("oda-2016-uzbekistan") == json.loads(shown)
    assert caj.cite("idsa-2024", style="bibtex") == invoke("cite", "idsa-2024", "--style", "bibtex").out


def test_errors_carry_the_message_and_the_suggestion():
    with pytest.raises(caj.NotFound) as info:
        caj.projects(country="uzbekstan")
    assert isinstance(info.value, caj.CajError) and isinstance(info.value, caj.UsageError)
    said = invoke("projects", "--country", "uzbekstan").err
    assert info.value.message == said.removeprefix("caj: ").strip()
    assert info.value.suggestions == ["Uzbekistan"]
    with pytest.raises(caj.UsageError, match="is not a year"):
        caj.oda(year="20x6")
    with pytest.raises(TypeError):
        caj.timeline(contry="kz")  # a misspelt keyword is Python's own error


@pytest.mark.parametrize("name, call", [
    ("text", lambda v: caj.search(v)), ("id", lambda v: caj.show(v)), ("id", lambda v: caj.cite(v)),
    ("from", lambda v: caj.timeline(date_from=v)), ("country", lambda v: caj.projects(country=v)),
])
def test_text_no_database_can_hold_is_a_usage_error_named_by_its_parameter(name, call):
    # a lone surrogate: a Python caller or a JSON string can pass one, a shell cannot
    with pytest.raises(caj.UsageError) as info:
        call("x\ud800")
    assert info.value.message == f"argument {name} is not valid UTF-8: 'x\\ud800'"


def test_db_names_another_database(tmp_path, db_path):
    copy = tmp_path / "copy.db"
    copy.write_bytes(db_path.read_bytes())
    assert caj.oda(year=2016, db=copy) == caj.oda(year=2016)
    with pytest.raises(caj.DatabaseError, match="database not found"):
        caj.oda(db=tmp_path / "missing.db")


def test_import_caj_loads_no_lookup():
    import subprocess
    import sys

    code = ("import sys, caj; assert 'caj.reading' not in sys.modules and 'sqlite3' not in sys.modules; "
            "caj.oda; assert 'caj.reading.queries' in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_the_examples_of_docs_python_md_run():
    """Each ```python block of docs/python.md is a doctest, run against the test database."""
    import doctest
    import re

    from conftest import REPO

    text = (REPO / "docs" / "python.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert len(blocks) >= 4
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    # one session, as a notebook reads them: a block uses what an earlier one defined
    runner.run(doctest.DocTestParser().get_doctest("\n".join(blocks), {}, "python.md", "docs/python.md", 0))
    assert runner.summarize(verbose=False).failed == 0


def test_the_package_names_every_question_of_the_library():
    """`caj/__init__` names the lookups without importing the registry (import caj stays cheap);
    the names are the registry's, all of them."""
    assert set(caj.QUESTIONS) == {q.name for q in questions.on("python")}
