"""Startup benchmark: `caj oda --year 2016` against a bare Python doing the same SQL and a bare
`import typer`, in English, Russian and Japanese, interleaved.

    python bench/startup.py [--rounds 40] [--db PATH] [--other NAME=CAJ_EXECUTABLE ...]

Each round runs, in a shuffled order: the baseline (`python -c` that opens the same database
read-only with sqlite3 and writes the rows with csv), caj piped (CSV), and caj drawing its table on
a pseudo-terminal. Medians and the ratios to the baseline's median are printed as a Markdown table.
Interleaving in one run matters: these machines are noisy, so only same-run ratios mean anything.
`--other before=/path/to/venv/bin/caj` adds another installed caj (an older version, say) to the
same interleaved rounds, on the same database.
"""

from __future__ import annotations

import argparse
import os
import pty
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BASELINE = r"""
import csv, sqlite3, sys
c = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
w = csv.writer(sys.stdout, lineterminator="\n")
cur = c.execute("SELECT f.id, f.kind, f.date, f.date_display AS when_, f.title, f.summary, f.status, "
                "f.date_basis, f.countries, f.topics, f.corroborated, f.disputed, f.refined, o.year, "
                "o.donor, o.recipient, o.amount, o.currency, o.scale, o.measure, o.year_basis, "
                "o.flow_type, o.value_stated, '' AS caveats, f.sources "
                "FROM oda o JOIN facts f ON f.id = o.fact_id WHERE o.year = ? ORDER BY o.recipient",
                (2016,))
w.writerow([d[0] for d in cur.description])
w.writerows(cur)
"""


def caj_command() -> list[str]:
    exe = shutil.which("caj", path=str(Path(sys.executable).parent)) or shutil.which("caj")
    return [exe] if exe else [sys.executable, "-m", "caj"]


def shipped_db() -> str:
    from caj.reading.db import locate

    return str(locate(None))


def timed_pipe(cmd: list[str], env: dict) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, env=env)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or not proc.stdout:
        raise SystemExit(f"{cmd} failed: {proc.stderr.decode()}")
    return elapsed


def timed_pty(cmd: list[str], env: dict) -> float:
    leader, follower = pty.openpty()
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=follower, stderr=subprocess.PIPE, env=env)
    os.close(follower)
    while True:
        try:
            if not os.read(leader, 65536):
                break
        except OSError:
            break
    proc.wait()
    elapsed = time.perf_counter() - start
    os.close(leader)
    if proc.returncode != 0:
        raise SystemExit(f"{cmd} failed on a terminal")
    return elapsed


def timed_import(module: str, env: dict) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", f"import {module}"], check=True, env=env)
    return time.perf_counter() - start


def other_runs(name: str, exe: str, env: dict) -> dict:
    """The same two commands with another caj, on the database it ships (a version's schema may
    differ from this one's)."""
    own = {k: v for k, v in env.items() if k != "CAJ_DB"}
    cmd = [exe, "oda", "--year", "2016"]
    return {f"{name}: caj oda --year 2016, piped (CSV)": lambda: timed_pipe(cmd, own),
            f"{name}: caj oda --year 2016 (table, pty)": lambda: timed_pty(cmd, own)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=40)
    ap.add_argument("--db", default=None, help="database (default: the shipped one)")
    ap.add_argument("--other", action="append", default=[], metavar="NAME=CAJ",
                    help="another caj executable to time in the same rounds")
    args = ap.parse_args()
    db = args.db or shipped_db()
    env = {**os.environ, "CAJ_DB": db, "COLUMNS": "100"}
    caj = caj_command()
    runs = {
        "baseline: python -c sqlite3+csv": lambda: timed_pipe([sys.executable, "-c", BASELINE, db], env),
        "python -c 'import typer'": lambda: timed_import("typer", env),
        "python -c 'import caj'": lambda: timed_import("caj", env),
        "caj oda --year 2016, piped (CSV)": lambda: timed_pipe([*caj, "oda", "--year", "2016"], env),
        "caj --lang ru oda --year 2016, piped": lambda: timed_pipe([*caj, "--lang", "ru", "oda", "--year",
                                                                    "2016"], env),
        "caj --lang ja oda --year 2016, piped": lambda: timed_pipe([*caj, "--lang", "ja", "oda", "--year",
                                                                    "2016"], env),
        "caj oda --year 2016 (table, pty)": lambda: timed_pty([*caj, "oda", "--year", "2016"], env),
    }
    for other in args.other:
        runs.update(other_runs(*other.split("=", 1), env))
    times: dict[str, list[float]] = {k: [] for k in runs}
    for fn in runs.values():  # warm the page cache and .pyc files
        fn()
    for _ in range(args.rounds):
        order = list(runs)
        random.shuffle(order)
        for name in order:
            times[name].append(runs[name]())
    base = statistics.median(times[next(iter(runs))])
    typer_ms = statistics.median(times["python -c 'import typer'"])
    english = statistics.median(times["caj oda --year 2016, piped (CSV)"])
    print(f"{args.rounds} interleaved rounds, database {db}, Python {sys.version.split()[0]}\n")
    print("| command | median ms | min ms | ratio to baseline | ratio to import typer | ratio to English |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, ts in times.items():
        med = statistics.median(ts)
        print(f"| {name} | {med * 1000:.1f} | {min(ts) * 1000:.1f} | {med / base:.2f} | "
              f"{med / typer_ms:.2f} | {med / english:.2f} |")


if __name__ == "__main__":
    main()
