"""The README's MCP exchange is a real one: each tool call it shows, made to `caj mcp` with the
SDK's own client, answers with exactly the text the README shows for it.

To refresh it after a data change: CAJ_UPDATE_README=1 python -m pytest tests/test_docs_mcp.py
"""

from __future__ import annotations

import json
import os
import re

import pytest

pytest.importorskip("mcp")

from conftest import REPO  # noqa: E402
from test_mcp import session  # noqa: E402

pytestmark = pytest.mark.anyio
README = REPO / "README.md"
# a tool call in a json block, then its answer in the text block that follows
CALL = re.compile(r"```json\n(\{\"name\": .*?\})\n```\n\n```text\n(.*?)\n```", re.S)


@pytest.fixture
def anyio_backend():
    return "asyncio"


def exchange() -> str:
    text = README.read_text(encoding="utf-8")
    start = text.index("One real exchange")
    return text[start:text.index("\n## ", start)]


async def test_the_readme_mcp_exchange_is_what_caj_mcp_answers(db_path):
    calls = CALL.findall(exchange())
    assert len(calls) >= 2
    async with session(db_path) as s:
        answers = []
        for call, _shown in calls:
            asked = json.loads(call)
            result = await s.call_tool(asked["name"], asked["arguments"])
            assert not result.is_error, (asked, result.content)
            answers.append(result.content[0].text)
    if os.environ.get("CAJ_UPDATE_README"):
        text = README.read_text(encoding="utf-8")
        for (call, shown), answer in zip(calls, answers, strict=True):
            block = f"{call}\n```\n\n```text\n"
            text = text.replace(f"{block}{shown}\n```", f"{block}{answer}\n```", 1)
        README.write_text(text, encoding="utf-8")
        return
    for (call, shown), answer in zip(calls, answers, strict=True):
        assert answer == shown, call
