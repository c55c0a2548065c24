"""caj's CSV and JSON read back, record for record, by the tools people pipe them into."""

import csv
import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from caj.faces import formats
from conftest import caj_exe, env
from helpers import invoke

TRICKY = [
    {"id": "a", "date": "2016", "text": 'comma, "quote" and\nnewline', "n": 1.5,
     "sources": [{"source": "idsa-2024", "locator": '"How does Central Asia benefit from Japan?", para. 1'}]},
    {"id": "b", "date": "2017~", "text": "Avrasya İncelemeleri Merkezi — ¥ 日本", "n": 2.0,
     "sources": [{"source": "avim-2017", "locator": "p. 2, para. 1, n. [11]"}]},
]


def emitted(fmt: str, rows=TRICKY) -> str:
    out = io.StringIO()
    formats.write(rows, fmt, formats.View(columns=[]), out)
    return out.getvalue()


def test_csv_round_trips_through_python_csv():
    back = list(csv.DictReader(io.StringIO(emitted("csv"))))
    assert [r["text"] for r in back] == [r["text"] for r in TRICKY]
    assert back[0]["sources"] == 'idsa-2024:"How does Central Asia benefit from Japan?", para. 1'


def test_csv_round_trips_through_pandas():
    df = pd.read_csv(io.StringIO(emitted("csv")))
    assert list(df["text"]) == [r["text"] for r in TRICKY]
    assert list(df["n"]) == [1.5, 2.0]


def test_csv_round_trips_through_csvkit(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(emitted("csv"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "csvkit.utilities.csvjson", str(path)],
                          capture_output=True, text=True, timeout=60)
    if proc.returncode != 0 and "No module named" in proc.stderr:
        pytest.skip("csvkit not installed")
    back = json.loads(proc.stdout)
    assert [r["text"] for r in back] == [r["text"] for r in TRICKY]


def test_json_and_jsonl_round_trip():
    assert json.loads(emitted("json")) == TRICKY
    assert [json.loads(line) for line in emitted("jsonl").splitlines()] == TRICKY
    assert json.loads(emitted("json", rows=[])) == []


def test_real_timeline_csv_equals_its_json(db_path):
    as_json = json.loads(invoke("timeline", "--format", "json").out)
    df = pd.read_csv(io.StringIO(invoke("timeline", "--format", "csv").out), dtype=str,
                     keep_default_na=False)
    assert list(df["id"]) == [r["id"] for r in as_json]
    assert list(df["title"]) == [r["title"] for r in as_json]
    assert list(df["summary"]) == [r["summary"] for r in as_json]
    # every list cell splits back into exactly the JSON list (docs/formats.md, "Lists")
    from caj.core.vocab import split_list

    assert [split_list(c) for c in df["sources"]] == [
        [f"{s['source']}:{s['locator']}" for s in r["sources"]] for r in as_json]
    assert [split_list(c) for c in df["countries"]] == [r["countries"] for r in as_json]
    oda = json.loads(invoke("oda", "--format", "json").out)
    cells = pd.read_csv(io.StringIO(invoke("oda", "--format", "csv").out), dtype=str, keep_default_na=False)
    assert [split_list(c) for c in cells["caveats"]] == [r["caveats"] for r in oda]


def test_real_oda_csv_piped_into_pandas(db_path):
    proc = subprocess.run([*caj_exe(), "oda", "--year", "2016"], capture_output=True,
                          env=env(CAJ_DB=str(db_path)), timeout=60)
    df = pd.read_csv(io.BytesIO(proc.stdout))
    assert round(df["amount"].sum(), 2) == 5662.03
    assert set(df["recipient"]) == {"kazakhstan", "kyrgyzstan", "tajikistan", "turkmenistan", "uzbekistan"}
