"""The three adapters over other packages' internals (Typer, Datasette, the MCP SDK): each is
written for the versions it names, and says so loudly when another is installed, and each reach
still finds what it reaches for in the versions installed."""

from __future__ import annotations

import inspect
import pathlib

import pytest
import typer

from caj.faces import mcp_sdk
from caj.faces.terminal import typer_words
from caj.faces.web import datasette_internals

ADAPTERS = {"typer": typer_words, "datasette": datasette_internals, "mcp": mcp_sdk}


def installed(name: str) -> str:
    from importlib.metadata import version

    return version(name)


@pytest.mark.parametrize("package", sorted(ADAPTERS))
def test_the_installed_version_is_one_its_adapter_was_written_for(package):
    adapter = ADAPTERS[package]
    assert installed(package).startswith(adapter.CHECKED), (
        f"{package} {installed(package)} is installed; {adapter.__name__} was written for {adapter.CHECKED}: "
        "read each of its reaches against the new version, then add it to CHECKED")
    assert adapter.checked()


def test_pyproject_admits_no_version_the_adapters_were_not_written_for():
    text = (pathlib.Path(__file__).parents[1] / "pyproject.toml").read_text()
    assert '"typer>=0.28,<0.29"' in text and typer_words.CHECKED == ("0.28.",)
    assert '"datasette>=0.65.5,<0.66"' in text and datasette_internals.CHECKED == ("0.65.",)
    assert '"mcp>=2.3,<2.4"' in text and mcp_sdk.CHECKED == ("2.3.",)


def test_typers_modules_still_look_their_words_up_through_a_module_global():
    import importlib

    for name in typer_words.MODULES:
        assert callable(getattr(importlib.import_module(name), "_", None)), name
    from typer._click import core, formatting

    assert "prefix" in inspect.signature(formatting.HelpFormatter.write_usage).parameters
    assert callable(core.Command.get_help_option)
    assert issubclass(typer_words.MissingParameter, typer.BadParameter)


def test_datasettes_templates_still_hold_each_text_caj_mends():
    from datasette.app import Datasette

    loader = datasette_internals.MendedLoader(Datasette(memory=True).jinja_env.loader)
    for template in datasette_internals.MENDS:
        source = loader.get_source(None, template)[0]
        for old, new in datasette_internals.MENDS[template]:
            assert new in source, (template, old)


def test_datasettes_internals_caj_reaches_are_there():
    import datasette.handle_exception
    from datasette.app import Datasette

    assert hasattr(datasette.handle_exception, "rich")
    assert inspect.signature(Datasette._table_permission_allows).parameters.keys() >= {"database", "table"}
    cached = datasette_internals.permissions_cached(Datasette)
    assert cached is not Datasette and cached.__name__ == "Datasette"


def test_a_hand_built_mcp_tool_runs_and_words_a_misfit_in_one_line():
    import anyio
    from pydantic import ConfigDict, create_model

    class Args(mcp_sdk.ArgModelBase):
        model_config = ConfigDict(extra="forbid")

    model = create_model("t_arguments", __base__=Args, year=(int, ...))

    async def run(**given):
        return given

    t = mcp_sdk.tool(run, model, {"type": "object"}, name="t", title="T", description="d",
                     misfit=lambda tool, e: f"{tool.name}: {e.errors()[0]['type']}")
    assert t.parameters["required"] == ["year"]
    assert anyio.run(t.run, {"year": 2016}, None) == {"year": 2016}
    said = anyio.run(t.run, {"year": 2016, "colour": "red"}, None)
    assert said.is_error and said.content[0].text == "t: extra_forbidden"
