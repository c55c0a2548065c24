"""`caj mcp` spoken to with the SDK's own client (ClientSession over stdio_client), against the
installed console script as a subprocess: the real protocol, no mocks. Each test starts one server
and asks it many questions, so the file stays well under a minute."""

from __future__ import annotations

import json
import subprocess
from contextlib import asynccontextmanager

import pytest

pytest.importorskip("mcp")

from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

from caj.core import vocab  # noqa: E402
from conftest import caj_exe, env  # noqa: E402
from helpers import invoke  # noqa: E402

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend():
    return "asyncio"


@asynccontextmanager
async def session(db_path, *extra: str):
    exe = caj_exe()
    params = StdioServerParameters(command=exe[0], args=[*exe[1:], "mcp", *extra],
                                   env=env(CAJ_DB=str(db_path)))
    async with stdio_client(params) as (read, write), ClientSession(read, write) as s:
        await s.initialize()
        yield s


def cli_json(*args: str) -> list[dict]:
    result = invoke(*args, "--format", "json")
    assert result.code == 0, (args, result.err)
    return json.loads(result.out)


async def records(s, tool: str, arguments: dict) -> list[dict]:
    result = await s.call_tool(tool, arguments)
    assert not result.is_error, (tool, arguments, result.content)
    assert result.content and result.content[0].text, (tool, arguments)
    return result.structured_content["records"]


# --- the tools, as listed ----------------------------------------------------------------------

ARGUMENTS = {"timeline": {"country", "year", "from", "to", "topic", "kind", "status", "source", "actor",
                          "with_undated"},
             "oda": {"country", "year", "from", "to", "currency"},
             "projects": {"country", "sector", "partner", "status"}, "show": {"id"},
             "search": {"text", "limit"}, "cite": {"id", "style"}, "conflicts": set(), "sources": set(),
             "countries": set(), "actors": {"kind"}, "topics": set()}


async def test_tools_are_listed_with_arguments_descriptions_and_output_schemas(db_path):
    async with session(db_path) as s:
        tools = {t.name: t for t in (await s.list_tools()).tools}
    assert set(tools) == set(ARGUMENTS)
    for name, tool in tools.items():
        props = tool.input_schema["properties"]
        assert ARGUMENTS[name] | {"lang"} == set(props), name  # every tool answers in each language
        assert all(p.get("description") for p in props.values()), name
        assert "sources" in tool.description and "locator" in tool.description, name
        records = tool.output_schema["properties"]["records"]
        assert records["type"] == "array", name
        if name not in ("oda", "cite"):
            assert records["items"] == vocab.record_schema(name), name
    assert tools["show"].input_schema["required"] == ["id"]
    assert tools["search"].input_schema["properties"]["limit"]["type"] == "integer"


# --- parity with `caj COMMAND --format json` ---------------------------------------------------

PARITY = [
    ("timeline", {"country": "kz"}, ["--country", "kz"]),
    ("timeline", {"year": 2016}, ["--year", "2016"]),
    ("timeline", {"year": "2004"}, ["--year", "2004"]),
    ("timeline", {"from": "2004", "to": "2010"}, ["--from", "2004", "--to", "2010"]),
    ("timeline", {"from": "1990s"}, ["--from", "1990s"]),
    ("timeline", {"topic": "energy"}, ["--topic", "energy"]),
    ("timeline", {"kind": "project"}, ["--kind", "project"]),
    ("timeline", {"country": "uzbekistan", "from": "2015", "kind": "event"},
     ["--country", "uzbekistan", "--from", "2015", "--kind", "event"]),
    ("timeline", {}, []),
    ("oda", {"year": 2016}, ["--year", "2016"]),
    ("oda", {"currency": "USD"}, ["--currency", "USD"]),
    ("oda", {"country": "uzbekistan", "currency": "jpy"}, ["--country", "uzbekistan", "--currency", "jpy"]),
    ("projects", {"country": "uzbekistan"}, ["--country", "uzbekistan"]),
    ("projects", {"sector": "energy"}, ["--sector", "energy"]),
    ("projects", {}, []),
    ("search", {"text": "railway"}, ["railway"]),
    ("search", {"text": "nazarbaev"}, ["nazarbaev"]),
    ("search", {"text": "rail*", "limit": 3}, ["rail*", "--limit", "3"]),
    ("conflicts", {}, []),
    ("sources", {}, []),
]


async def test_every_tool_gives_the_records_of_format_json(db_path):
    async with session(db_path) as s:
        for tool, arguments, options in PARITY:
            expected = cli_json(tool, *options)
            assert await records(s, tool, arguments) == expected, (tool, arguments)
        for ref in ("oda-2016-uzbekistan", "enersok-jbic-loan-2023", "jbic", "uzbekistan"):
            assert await records(s, "show", {"id": ref}) == [cli_json("show", ref)], ref


async def test_show_is_the_card_and_cite_the_citations(db_path):
    async with session(db_path) as s:
        card = (await records(s, "show", {"id": "oda-2016-uzbekistan"}))[0]
        assert card["citations"] and all({"source", "locator", "stance", "quote"} <= set(c)
                                          for c in card["citations"])
        result = await s.call_tool("cite", {"id": "oda-2016-uzbekistan"})
    assert not result.is_error
    items = result.structured_content["records"]
    assert [i["source"]["id"] for i in items] == [c["source"] for c in card["citations"]]
    assert result.content[0].text + "\n" == invoke("cite", "oda-2016-uzbekistan").out


async def test_text_names_when_title_id_and_sources(db_path):
    async with session(db_path) as s:
        result = await s.call_tool("timeline", {"country": "uz", "year": 2016})
        more = await s.call_tool("search", {"text": "rail*", "limit": 1})
        close = await s.call_tool("search", {"text": "nazarbaev"})
    record = result.structured_content["records"][0]
    text = result.content[0].text
    assert record["id"] in text and record["title"] in text and record["when"] in text
    assert all(src["source"] in text for src in record["sources"])
    # what the command says on stderr beside its hits, the text says too
    assert "Showing 1 of" in more.content[0].text
    assert "spelled like it" in close.content[0].text


# --- resources ---------------------------------------------------------------------------------


async def test_resources_open_a_fact_and_a_source(db_path, tmp_path):
    # --db wins over CAJ_DB, as in every command
    (tmp_path / "empty.db").write_bytes(b"")
    async with session(tmp_path / "empty.db", "--db", str(db_path)) as s:
        fact = await s.read_resource("caj://facts/oda-2016-uzbekistan")
        source = await s.read_resource("caj://sources/idsa-2024")
        templates = {t.uri_template for t in (await s.list_resource_templates()).resource_templates}
        with pytest.raises(Exception, match="did you mean"):
            await s.read_resource("caj://facts/oda-2016-uzbekistn")
        assert await records(s, "sources", {})  # still answering
    assert templates == {"caj://facts/{id}", "caj://sources/{id}", "caj://{lang}/facts/{id}",
                         "caj://{lang}/sources/{id}"}
    assert json.loads(fact.contents[0].text) == cli_json("show", "oda-2016-uzbekistan")
    listed = next(r for r in cli_json("sources") if r["id"] == "idsa-2024")
    assert json.loads(source.contents[0].text) == listed


# --- hostile arguments: an error result each, and the server answers on ------------------------

HOSTILE = [
    ("timeline", {"country": "uzbekstan"}, "did you mean 'Uzbekistan'"),
    ("timeline", {"year": "20x"}, "not a year"),
    ("timeline", {"from": "2010", "to": "2004"}, "is after"),
    ("timeline", {"kind": "evnt"}, "did you mean 'event'"),
    ("oda", {"currency": "EUR"}, "unknown currency"),
    ("projects", {"sector": "enrgy"}, "did you mean"),
    ("show", {"id": ""}, "give an id"),
    ("show", {"id": "x" * 50_000}, "unknown id"),
    ("show", {"id": "oda-2016-uzbekistn"}, "did you mean 'oda-2016-uzbekistan'"),
    ("cite", {"id": "nope-nope"}, "unknown fact or source id"),
    ("search", {"text": ""}, "give words"),
    ("search", {"text": "rail", "limit": 0}, "out of range"),
    ("search", {"text": "rail", "limit": "many"}, "argument limit 'many'"),
    ("search", {"text": ["rail"]}, "argument text"),
    ("timeline", {"year": [2016]}, "argument year"),
    ("timeline", {"country": {"a": 1}}, "argument country"),
    ("timeline", {"colour": "red"}, "unknown argument 'colour'"),
    ("show", {}, "missing argument 'id'"),
    ("nosuchtool", {}, "nosuchtool"),
]


async def test_hostile_arguments_are_errors_and_the_server_answers_on(db_path):
    async with session(db_path) as s:
        for tool, arguments, said in HOSTILE:
            result = await s.call_tool(tool, arguments)
            text = result.content[0].text
            assert result.is_error, (tool, arguments)
            assert said in text and "\n" not in text and len(text) < 300, (tool, text)
            assert await records(s, "show", {"id": "jbic"}), (tool, arguments)  # still answering


async def test_an_error_is_the_commands_own_line(db_path):
    async with session(db_path) as s:
        for tool, arguments, options in [("timeline", {"country": "uzbekstan"}, ["--country", "uzbekstan"]),
                                         ("oda", {"year": "20x"}, ["--year", "20x"]),
                                         ("show", {"id": "enersok-loan"}, ["enersok-loan"])]:
            result = await s.call_tool(tool, arguments)
            cli = invoke(tool, *options, "--format", "json")
            assert cli.err.strip() == f"caj: {result.content[0].text}", (tool, arguments)


# --- the command itself ------------------------------------------------------------------------


def test_a_missing_database_fails_at_once(tmp_path):
    proc = subprocess.run([*caj_exe(), "mcp", "--db", str(tmp_path / "none.db")], capture_output=True,
                          text=True, env=env(), timeout=60, stdin=subprocess.DEVNULL)
    assert proc.returncode == 1 and "database not found" in proc.stderr


async def test_every_tool_and_resource_answers_in_a_language(db_path):
    async with session(db_path) as s:
        tools = (await s.list_tools()).tools
        assert all("lang" in t.input_schema["properties"] and "Russian" in t.description for t in tools)
        assert await records(s, "oda", {"year": 2016, "lang": "ru"}) == cli_json("--lang", "ru", "oda",
                                                                                   "--year", "2016")
        result = await s.call_tool("oda", {"lang": "xx"})
        assert result.is_error and "unknown language" in result.content[0].text
        fact = json.loads((await s.read_resource("caj://ja/facts/enersok-jbic-loan-2023")).contents[0].text)
        assert fact == cli_json("--lang", "ja", "show", "enersok-jbic-loan-2023")
        source = json.loads((await s.read_resource("caj://ru/sources/idsa-2024")).contents[0].text)
        assert source["lang"] == "ru" and source["id"] == "idsa-2024"
