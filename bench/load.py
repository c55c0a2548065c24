"""A bounded burst against `caj serve` on 127.0.0.1: throughput and latency of the canned queries.

    python bench/load.py                      # 2,000 requests, 50 at a time, shipped database
    python bench/load.py -n 5000 -c 100 --db /tmp/caj.db

Starts `caj serve` on a free local port, waits for it, sends the burst (a fixed mix of canned
queries, JSON), stops the server and prints requests/s, p50 and p99. Exits 1 on any error or
non-200 answer. Only 127.0.0.1 is ever contacted. Needs caj[web] (httpx comes with Datasette).
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

MIX = [
    "/caj/timeline.json?country=uz",
    "/caj/timeline.json?from=2000&to=2009",
    "/caj/timeline.json?topic=energy&kind=project",
    "/caj/oda.json?year=2016&currency=USD",
    "/caj/projects.json?country=Kazakhstan",
    "/caj/search.json?q=railway",
    "/caj/fact.json?id=enersok-jbic-loan-2023",
    "/caj/conflicts.json",
]


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


async def burst(base: str, n: int, concurrency: int) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    sem = asyncio.Semaphore(concurrency)
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        async def one(i: int) -> None:
            nonlocal errors
            async with sem:
                t0 = time.perf_counter()
                try:
                    r = await client.get(MIX[i % len(MIX)])
                    ok = r.status_code == 200 and r.json().get("ok", True)
                except httpx.HTTPError:
                    ok = False
                latencies.append(time.perf_counter() - t0)
                errors += not ok

        for path in MIX:  # warm the caches once, outside the measurement
            await client.get(path)
        start = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(n)))
        elapsed = time.perf_counter() - start
    return latencies, errors, elapsed


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=2000, help="requests (at most 20000)")
    ap.add_argument("-c", type=int, default=50, help="concurrent requests (at most 200)")
    ap.add_argument("--db", help="database (default: the shipped one)")
    args = ap.parse_args()
    n, c = min(args.n, 20000), min(args.c, 200)  # bounded: a benchmark, not a flood
    with server(args.db) as base:
        lat, errors, elapsed = asyncio.run(burst(base, n, c))
    q = statistics.quantiles(sorted(lat), n=100)
    print(f"{n} requests, concurrency {c}, {len(MIX)} canned queries in turn, 127.0.0.1")
    print(f"throughput {n / elapsed:,.0f} req/s   p50 {q[49] * 1000:.1f} ms   "
          f"p99 {q[98] * 1000:.1f} ms   max {max(lat) * 1000:.1f} ms   errors {errors}")
    return 1 if errors else 0


if __name__ == "__main__":
    raise SystemExit(main())
