"""Scale benchmark: build synthetic datasets of 10k, 100k and 1M facts and time caj on them
against the shipped database, interleaved in one run.

    python bench/scale.py [--sizes 10000 100000 1000000] [--rounds 15] [--work /tmp/caj-scale]

Prints Markdown: build throughput and peak memory per size, then median wall times of a
selective lookup (a country and a year), a full-text search and a full CSV export, each with its
ratio to the shipped database and the export's peak memory. Needs only caj and the Python stdlib.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from startup import caj_command, shipped_db  # noqa: E402
from synth import generate  # noqa: E402

# Runs a command as its own child and reports wall time and the child's peak RSS, so each
# measurement is isolated from every other.
MEASURE = r"""
import json, resource, subprocess, sys, time
t = time.perf_counter()
p = subprocess.run(sys.argv[2:], stdout=subprocess.DEVNULL if sys.argv[1] == "null" else None,
                   stderr=subprocess.PIPE)
wall = time.perf_counter() - t
if p.returncode:
    sys.exit(p.stderr.decode())
print(json.dumps({"wall": wall, "rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""

LOOKUPS = {
    "selective: timeline --country kz --from 2016 --to 2016": ["timeline", "--country", "kz", "--from",
                                                               "2016", "--to", "2016"],
    "selective: oda --country uz --year 2016": ["oda", "--country", "uz", "--year", "2016"],
    "search railway": ["search", "railway"],
    "full export: timeline --format csv": ["timeline", "--format", "csv"],
}


def measure(cmd: list[str], env: dict | None = None) -> dict:
    out = subprocess.run([sys.executable, "-c", MEASURE, "null", *cmd], capture_output=True,
                         text=True, env=env or os.environ)
    if out.returncode:
        raise SystemExit(f"{cmd}: {out.stderr}")
    return json.loads(out.stdout)


def build(n: int, work: Path) -> tuple[Path, dict]:
    data, db = work / f"data-{n}", work / f"caj-{n}.db"
    if not data.exists():
        generate(n, data, HERE.parent / "data", seed=1)
    result = measure([*caj_command(), "build", "--data", str(data), "--out", str(db)])
    return db, result


def lookups(dbs: dict[str, str], rounds: int) -> dict[tuple[str, str], list[dict]]:
    caj = caj_command()
    results: dict[tuple[str, str], list[dict]] = {}
    jobs = [(label, name) for label in dbs for name in LOOKUPS]
    for _ in range(rounds):
        random.shuffle(jobs)
        for label, name in jobs:
            env = {**os.environ, "CAJ_DB": dbs[label]}
            results.setdefault((label, name), []).append(measure([*caj, *LOOKUPS[name]], env))
    return results


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--work", type=Path, default=Path("/tmp/caj-scale"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    dbs = {"shipped": shipped_db()}
    print("| facts | build s | facts/s | build peak MB | database MB |")
    print("| ---: | ---: | ---: | ---: | ---: |")
    for n in args.sizes:
        db, r = build(n, args.work)
        dbs[f"{n:,}"] = str(db)
        print(f"| {n:,} | {r['wall']:.1f} | {n / r['wall']:,.0f} | {r['rss_kb'] / 1024:.0f} | "
              f"{db.stat().st_size / 2**20:.0f} |", flush=True)
    results = lookups(dbs, args.rounds)
    print(f"\n{args.rounds} interleaved rounds; medians in ms; ratio to the shipped database\n")
    print("| lookup | database | median ms | ratio | peak MB |")
    print("| --- | --- | ---: | ---: | ---: |")
    for name in LOOKUPS:
        base = statistics.median(r["wall"] for r in results[("shipped", name)])
        for label in dbs:
            rs = results[(label, name)]
            med = statistics.median(r["wall"] for r in rs)
            peak = max(r["rss_kb"] for r in rs) / 1024
            print(f"| {name} | {label} | {med * 1000:.0f} | {med / base:.2f} | {peak:.0f} |")


if __name__ == "__main__":
    start = time.time()
    main()
    print(f"\n(total {time.time() - start:.0f} s)")
