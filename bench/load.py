"""Bounded bursts against `caj serve` on 127.0.0.1: throughput and latency of the reader pages,
their JSON twins and Datasette's own database page.

    python bench/load.py                      # reader 600/30, twins 600/30, database 300/30
    python bench/load.py --only reader -n 2000 -c 50 --db /tmp/caj.db

Starts `caj serve` on a free local port, waits for it, sends each burst (a fixed mix of pages),
stops the server and prints requests/s, p50 and p99 per burst. Exits 1 on any error or non-200
answer. Only 127.0.0.1 is ever contacted. Needs caj[web] (httpx, for the start-up check, comes
with Datasette).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

READER = [
    "/", "/timeline", "/timeline?country=uz", "/timeline?from=2000&to=2009",
    "/timeline?topic=energy&kind=project", "/oda", "/oda?year=2016&currency=USD",
    "/projects", "/projects?country=Kazakhstan", "/search?q=railway", "/conflicts", "/sources",
    "/facts/enersok-jbic-loan-2023", "/entities/uzbekistan",
]
TWINS = [
    "/timeline.json?country=uz", "/timeline.json?from=2000&to=2009",
    "/timeline.json?topic=energy&kind=project", "/oda.json?year=2016&currency=USD",
    "/projects.json?country=Kazakhstan", "/search.json?q=railway",
    "/facts/enersok-jbic-loan-2023.json", "/conflicts.json",
]
BURSTS = {  # name: (paths, requests, concurrency)
    "reader": (READER, 600, 30),
    "twins": (TWINS, 600, 30),
    "database": (["/caj.json"], 300, 30),
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def server(db: str | None):
    port = free_port()
    caj = shutil.which("caj", path=str(Path(sys.executable).parent)) or "caj"
    cmd = [caj, "serve", "--host", "127.0.0.1", "--port", str(port), *(["--db", db] if db else [])]
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdout=log, stderr=log)
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(300):
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(base + "/-/versions.json", timeout=1).status_code == 200:
                        break
                time.sleep(0.1)
            else:
                raise SystemExit("caj serve did not start")
            yield base
        finally:
            proc.terminate()
            proc.wait(timeout=10)


async def fetch(reader, writer, host: str, path: str) -> int:
    """One GET on a kept-alive connection; its status (the body is read and dropped)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").lower()
    status = int(head.split(" ", 2)[1])
    if "transfer-encoding: chunked" in head:
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    else:
        length = next(int(line.split(":")[1]) for line in head.split("\r\n")
                      if line.startswith("content-length:"))
        await reader.readexactly(length)
    return status


async def burst(base: str, mix: list[str], n: int, concurrency: int) -> tuple[list[float], int, float]:
    """`n` requests over `concurrency` kept-alive connections, as a browser or a proxy would send
    them; a client of plain asyncio streams, so that the client's own work (httpx costs a core
    at these rates on a two-core machine) does not stand in the server's latency."""
    host, port = base.removeprefix("http://").split(":")
    latencies: list[float] = []
    errors, taken = 0, iter(range(n))

    async def worker() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection(host, int(port))
        for path in mix:  # warm the caches once, outside the measurement
            await fetch(reader, writer, host, path)
        warm.append(1)
        if len(warm) == concurrency:
            everyone_warm.set()
        await ready.wait()
        for i in taken:
            t0 = time.perf_counter()
            try:
                ok = await fetch(reader, writer, host, mix[i % len(mix)]) == 200
            except (OSError, ValueError, asyncio.IncompleteReadError):
                ok = False
            latencies.append(time.perf_counter() - t0)
            errors += not ok
        writer.close()

    ready, everyone_warm, warm = asyncio.Event(), asyncio.Event(), []
    tasks = [asyncio.create_task(worker()) for _ in range(concurrency)]
    await everyone_warm.wait()  # every connection open and every page cached: then the clock starts
    start = time.perf_counter()
    ready.set()
    await asyncio.gather(*tasks)
    return latencies, errors, time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=list(BURSTS), help="one burst (default: each in turn)")
    ap.add_argument("-n", type=int, help="requests per burst (at most 20000)")
    ap.add_argument("-c", type=int, help="concurrent requests (at most 200)")
    ap.add_argument("--db", help="database (default: the shipped one)")
    args = ap.parse_args()
    failed = 0
    with server(args.db) as base:
        for name in [args.only] if args.only else list(BURSTS):
            mix, n, c = BURSTS[name]
            n, c = min(args.n or n, 20000), min(args.c or c, 200)  # bounded: a benchmark, not a flood
            lat, errors, elapsed = asyncio.run(burst(base, mix, n, c))
            failed += errors
            report(name, mix, n, c, lat, errors, elapsed)
    return 1 if failed else 0


def report(name: str, mix: list[str], n: int, c: int, lat: list[float], errors: int, elapsed: float) -> None:
    q = statistics.quantiles(sorted(lat), n=100)
    print(f"{name}: {n} requests, concurrency {c}, {len(mix)} page{'s' * (len(mix) > 1)} in turn, 127.0.0.1")
    print(f"  throughput {n / elapsed:,.0f} req/s   p50 {q[49] * 1000:.1f} ms   "
          f"p99 {q[98] * 1000:.1f} ms   max {max(lat) * 1000:.1f} ms   errors {errors}")


if __name__ == "__main__":
    raise SystemExit(main())
