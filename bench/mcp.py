"""How fast `caj mcp` answers: start it as a subprocess with the SDK's own client, time the first
answer (process start to the first tool result, handshake included), then N calls of each kind,
and print the medians. Not a test: the figures depend on the machine.

    python bench/mcp.py [--db PATH] [--calls 50] [--starts 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import time
from pathlib import Path

# run as a script, this file's folder comes first on sys.path and its name would shadow the SDK's
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import anyio  # noqa: E402
from mcp import ClientSession, StdioServerParameters  # noqa: E402
from mcp.client.stdio import stdio_client  # noqa: E402

# a mix a reader's assistant would send: filters, a card, a search, a citation, an error
CALLS = [
    ("timeline", {"country": "uz", "year": 2016}),
    ("timeline", {"from": "2004", "to": "2010"}),
    ("oda", {"country": "uzbekistan", "currency": "USD"}),
    ("projects", {"sector": "energy"}),
    ("show", {"id": "oda-2016-uzbekistan"}),
    ("search", {"text": "central asia plus japan dialogue"}),
    ("cite", {"id": "caj-dialogue-launched-2004"}),
    ("timeline", {"country": "uzbekstan"}),
]


def params(db: str | None) -> StdioServerParameters:
    exe = shutil.which("caj", path=str(Path(sys.executable).parent))
    command, args = (exe, ["mcp"]) if exe else (sys.executable, ["-m", "caj", "mcp"])
    return StdioServerParameters(command=command, args=args + (["--db", db] if db else []))


async def first_answer(db: str | None) -> float:
    """Seconds from starting the process to the first tool result."""
    start = time.perf_counter()
    async with stdio_client(params(db)) as (read, write), ClientSession(read, write) as s:
        await s.initialize()
        await s.call_tool(*CALLS[0])
        return time.perf_counter() - start


async def per_call(db: str | None, n: int) -> dict[str, float]:
    """Median milliseconds a call, per tool call of CALLS, n calls each, on one running server."""
    times: dict[str, list[float]] = {}
    async with stdio_client(params(db)) as (read, write), ClientSession(read, write) as s:
        await s.initialize()
        await s.list_tools()  # the client validates results against the listed schemas
        for _ in range(n):
            for name, arguments in CALLS:
                start = time.perf_counter()
                await s.call_tool(name, arguments)
                times.setdefault(f"{name} {arguments}", []).append((time.perf_counter() - start) * 1000)
    return {k: statistics.median(v) for k, v in times.items()}


async def main(db: str | None, calls: int, starts: int) -> None:
    firsts = [await first_answer(db) for _ in range(starts)]
    print(f"first answer: median {statistics.median(firsts):.2f} s of {starts} starts "
          f"(min {min(firsts):.2f}, max {max(firsts):.2f})")
    medians = await per_call(db, calls)
    for call, ms in medians.items():
        print(f"  {ms:7.2f} ms  {call}")
    print(f"per call: median {statistics.median(medians.values()):.2f} ms over {calls} calls of each")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", help="database (default: $CAJ_DB, else the shipped one)")
    parser.add_argument("--calls", type=int, default=50)
    parser.add_argument("--starts", type=int, default=5)
    options = parser.parse_args()
    anyio.run(main, options.db, options.calls, options.starts)
