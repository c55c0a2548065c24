"""Tests run against a database built from the real data/ into a temporary folder; CAJ_DB points
every command at it, so no test touches the shipped database or the user's environment."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture(scope="session")
def dataset():
    from caj.building.load import load

    return load(DATA)


@pytest.fixture(scope="session")
def db_path(tmp_path_factory, dataset) -> Path:
    from caj.building.database import build

    assert not dataset.problems, "\n".join(map(str, dataset.problems))
    out = tmp_path_factory.mktemp("db") / "caj.db"
    build(dataset, out)
    return out


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, db_path):
    monkeypatch.setenv("CAJ_DB", str(db_path))
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.delenv("CAJ_DEBUG", raising=False)


@pytest.fixture
def conn(db_path):
    from caj.reading.db import connect

    c = connect(db_path)
    yield c
    c.close()


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A writable copy of data/, for tests that break it on purpose."""
    dest = tmp_path / "data"
    shutil.copytree(DATA, dest)
    return dest


def caj_exe() -> list[str]:
    """The installed console script, or python -m caj from the same interpreter."""
    exe = shutil.which("caj", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-m", "caj"]


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("CAJ_", "PYTEST_")) and k not in ("NO_COLOR", "FORCE_COLOR")}
    base.update(extra)
    return base
