"""The build: schema, keys, indexes, FTS, counts; deterministic; atomic."""

import hashlib
import sqlite3

import pytest
import yaml

from caj.building.database import build
from caj.building.load import load
from caj.core import vocab
from caj.core.errors import CurationError
from helpers import invoke


def tables(path):
    with sqlite3.connect(path) as c:
        return {r[0]: r[1] for r in c.execute("SELECT name, type FROM sqlite_master")}


def test_schema_has_tables_views_indexes_and_fts(db_path):
    objects = tables(db_path)
    for name in ("facts", "citations", "oda", "projects", "figures", "entities", "names", "sources",
                 "topics", "fact_topics", "fact_entities", "fact_countries", "fx", "meta"):
        assert objects.get(name) == "table", name
    for name in ("v_timeline", "v_oda", "v_projects", "v_conflicts"):
        assert objects.get(name) == "view", name
    assert objects.get("search_docs_fts") == "table"
    assert {"idx_oda_year", "idx_projects_country", "idx_facts_order"} <= set(objects)


def test_foreign_keys_hold(db_path):
    with sqlite3.connect(db_path) as c:
        assert c.execute("PRAGMA foreign_key_check").fetchall() == []
        fks = {r[2] for r in c.execute("PRAGMA foreign_key_list(citations)")}
        assert fks == {"facts", "sources"}


def test_counts_match_the_data(db_path, dataset):
    with sqlite3.connect(db_path) as c:
        count = lambda t: c.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # noqa: E731
        assert count("facts") == len(dataset.facts)
        assert count("citations") == sum(len(f.citations) for f in dataset.facts.values())
        assert count("oda") == sum(f.kind == "oda" for f in dataset.facts.values())
        assert count("projects") == sum(f.kind == "project" for f in dataset.facts.values())
        assert count("entities") == len(dataset.entities)
        assert count("fx") == 32
        meta = dict(c.execute("SELECT key, value FROM meta"))
    assert meta["schema_version"] == vocab.schema_version() and len(meta["content_hash"]) == 64


def test_build_is_deterministic(tmp_path, dataset, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    build(dataset, a)
    build(dataset, b)
    digest = lambda p: hashlib.sha256(p.read_bytes()).hexdigest()  # noqa: E731
    assert digest(a) == digest(b)


def test_invalid_data_writes_nothing_and_keeps_the_old_database(tmp_path, data_copy, db_path):
    out = tmp_path / "caj.db"
    out.write_bytes(db_path.read_bytes())
    before = out.read_bytes()
    (data_copy / "facts" / "zz.yaml").write_text(yaml.safe_dump([{"id": "x"}]), encoding="utf-8")
    with pytest.raises(CurationError):
        build(load(data_copy), out)
    result = invoke("build", "--data", str(data_copy), "--out", str(out))
    assert result.code == 1 and "nothing written" in result.err
    assert out.read_bytes() == before
    assert list(tmp_path.glob(".caj-tmp-*")) == []


def test_a_build_that_fails_midway_leaves_the_old_database(tmp_path, dataset, db_path, monkeypatch):
    import caj.building.database as b

    out = tmp_path / "caj.db"
    out.write_bytes(db_path.read_bytes())
    before = out.read_bytes()

    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(b, "_finish", boom)
    with pytest.raises(RuntimeError):
        build(dataset, out)
    assert out.read_bytes() == before
    assert list(tmp_path.glob(".caj-tmp-*")) == []


def test_build_command_writes_a_working_database(tmp_path):
    nested = invoke("build", "--out", str(tmp_path / "nested" / "new.db"))
    assert nested.code == 2 and nested.err.count("\n") == 1 and "does not exist" in nested.err
    assert not (tmp_path / "nested").exists()  # a missing folder is refused, never made
    out = tmp_path / "new.db"
    result = invoke("build", "--out", str(out), "--data", str(__import__("conftest").DATA))
    assert result.code == 0, result.err
    assert result.err.startswith(f"wrote {out}: ")
    assert invoke("timeline", "--db", str(out), "--format", "csv").code == 0


def test_a_build_killed_midway_leaves_the_old_database(tmp_path, db_path):
    """SIGKILL the build process while it writes: no cleanup code runs, yet the database in place
    is the old one, byte for byte, and still answers; the next build succeeds."""
    import importlib.util
    import os
    import signal
    import subprocess
    import time
    from pathlib import Path

    from conftest import caj_exe, env

    spec = importlib.util.spec_from_file_location(
        "synth", Path(__file__).resolve().parents[1] / "bench" / "synth.py")
    synth = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(synth)
    data = tmp_path / "data"
    synth.generate(3000, data, Path(__file__).resolve().parents[1] / "data", seed=7)

    out = tmp_path / "caj.db"
    out.write_bytes(db_path.read_bytes())
    before = out.read_bytes()
    proc = subprocess.Popen([*caj_exe(), "build", "--data", str(data), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env())
    deadline = time.monotonic() + 120
    def writing() -> bool:
        return any(p.stat().st_size > 0 for p in tmp_path.glob(".caj-tmp-*"))

    while not writing() and time.monotonic() < deadline:
        assert proc.poll() is None, "the build ended before it was killed"
        time.sleep(0.005)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert out.read_bytes() == before
    query = subprocess.run([*caj_exe(), "oda", "--year", "2016"], capture_output=True, text=True,
                           env=env(CAJ_DB=str(out)), timeout=60)
    assert query.returncode == 0 and len(query.stdout.splitlines()) == 6
    # a killed build leaves its half-written temporary file; the next build clears it
    assert subprocess.run([*caj_exe(), "build", "--data", str(data), "--out", str(out)],
                          capture_output=True, env=env(), timeout=300).returncode == 0
    assert list(tmp_path.glob(".caj-tmp-*")) == []
