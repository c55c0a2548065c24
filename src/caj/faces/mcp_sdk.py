"""Every place caj reaches below the MCP SDK's public surface, in one module: an upgrade has one
place to look. Written for the SDK versions in CHECKED (tests/test_mcp.py fails on any other).

- A tool built by hand from a pydantic model of its arguments (`ArgModelBase`, `FuncMetadata`),
  never from a Python function's signature: `from` is an argument's name, and a Python keyword.
- A tool's arguments that do not fit its schema get one line (the SDK would pass on pydantic's
  several lines, with links): `Tool.run` is wrapped to catch the SDK's ToolError around a
  pydantic ValidationError.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib.metadata import version as installed
from typing import Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import ValidationError

CHECKED = ("2.3.",)  # the SDK versions these reaches were written for and tested with

__all__ = ["CHECKED", "ArgModelBase", "checked", "tool", "version"]


def version() -> str:
    return installed("mcp")


def checked() -> bool:
    return version().startswith(CHECKED)


class _Tool(Tool):
    misfit: Callable[[Tool, ValidationError], str]

    async def run(self, arguments: dict[str, Any], context: Any, convert_result: bool = False) -> Any:
        try:
            return await super().run(arguments, context, convert_result)
        except ToolError as exc:
            if not isinstance(exc.__cause__, ValidationError):
                raise
            return CallToolResult(content=[TextContent(type="text", text=self.misfit(self, exc.__cause__))],
                                  is_error=True)


def tool(run: Callable, model: type[ArgModelBase], output_schema: dict, *, name: str, title: str,
         description: str, misfit: Callable[[Tool, ValidationError], str]) -> Tool:
    """A read-only SDK tool: `run(**arguments)` (async) called with the arguments `model` admits,
    listed under the model's aliases; `misfit` says in one line why arguments do not fit."""
    meta = FuncMetadata(arg_model=model, output_schema=output_schema)
    # async: a query takes milliseconds, less than handing it to a worker thread would
    return _Tool(fn=run, name=name, title=title, description=description, misfit=misfit,
                 parameters=model.model_json_schema(by_alias=True), fn_metadata=meta, is_async=True,
                 annotations=ToolAnnotations(read_only_hint=True, idempotent_hint=True,
                                             open_world_hint=False))
