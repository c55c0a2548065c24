"""Why Typer is pinned below 0.29: time a minimal Typer command that runs the `caj oda --year 2016`
query, and caj itself, under two Typer versions, interleaved against the bare-Python baseline.

    python bench/typer_choice.py VENV_A VENV_B [--rounds 30]

Each VENV is a virtual environment with caj installed (e.g. one made with `pip install .` and one
with `pip install . && pip install --no-deps typer==0.29.1`). Prints a Markdown table of medians
and ratios to the baseline, all measured in the same run.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUERY = ("SELECT f.id, f.date, o.year, o.donor, o.recipient, o.amount, o.currency, o.scale, "
         "o.measure, o.year_basis, o.flow_type, o.value_stated, f.disputed, f.sources "
         "FROM oda o JOIN facts f ON f.id = o.fact_id WHERE o.year = ? ORDER BY o.recipient")

MINIMAL = f'''
import csv, os, sqlite3, sys
import typer
app = typer.Typer()

@app.command()
def oda(year: int = typer.Option(None, "--year")):
    c = sqlite3.connect(f"file:{{os.environ['BENCH_DB']}}?mode=ro", uri=True)
    csv.writer(sys.stdout, lineterminator="\\n").writerows(c.execute({QUERY!r}, (year,)))

@app.command()
def other():
    pass

app()
'''

BASELINE = f'''
import csv, sqlite3, sys
c = sqlite3.connect(f"file:{{sys.argv[1]}}?mode=ro", uri=True)
csv.writer(sys.stdout, lineterminator="\\n").writerows(c.execute({QUERY!r}, (2016,)))
'''


def version(venv: Path) -> str:
    return subprocess.run([str(venv / "bin" / "python"), "-c", "import typer; print(typer.__version__)"],
                          capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("venvs", type=Path, nargs=2)
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    script = Path(tempfile.mkdtemp()) / "minimal.py"
    script.write_text(MINIMAL, encoding="utf-8")
    first = args.venvs[0] / "bin" / "python"
    db = subprocess.run([str(first), "-c", "from caj.db import SHIPPED; print(SHIPPED)"],
                        capture_output=True, text=True, check=True).stdout.strip()
    cmds = {"baseline: python -c sqlite3+csv": [str(first), "-c", BASELINE, db]}
    for venv in args.venvs:
        v = version(venv)
        cmds[f"minimal Typer command, typer {v}"] = [str(venv / "bin" / "python"), str(script),
                                                      "oda", "--year", "2016"]
        cmds[f"caj oda --year 2016, typer {v}"] = [str(venv / "bin" / "caj"), "oda", "--year", "2016"]
    env = {**os.environ, "BENCH_DB": db}
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for _ in range(args.rounds):
        order = list(cmds)
        random.shuffle(order)
        for k in order:
            start = time.perf_counter()
            subprocess.run(cmds[k], stdout=subprocess.DEVNULL, check=True, env=env)
            times[k].append(time.perf_counter() - start)
    base = statistics.median(times["baseline: python -c sqlite3+csv"])
    print(f"{args.rounds} interleaved rounds, Python {sys.version.split()[0]}\n")
    print("| command | median ms | ratio to baseline |\n| --- | ---: | ---: |")
    for k, ts in times.items():
        print(f"| {k} | {statistics.median(ts) * 1000:.1f} | {statistics.median(ts) / base:.2f} |")


if __name__ == "__main__":
    main()
