"""Building: read data/*.yaml into models, validate the records across each other, and build the
SQLite database. Imported only by `caj validate` and `caj build` (and the wheel's build hook), so
pydantic, YAML, edtf, Babel and sqlite-utils stay off the lookup path."""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from pathlib import Path

from caj.building.database import build
from caj.building.load import Dataset, load
from caj.core.errors import CurationError, UsageError, shown

PACKAGED = Path(__file__).resolve().parent.parent / "_data"
CHECKOUT = Path(__file__).resolve().parents[3] / "data"


def data_dir(given: Path | None) -> Path:
    """--data, else the data shipped in the wheel, else the checkout's data/ (editable install).
    A --data that cannot be a folder (missing, a file, a name too long) is bad usage."""
    if given is None:
        return PACKAGED if PACKAGED.is_dir() else CHECKOUT
    try:
        is_dir, exists = given.is_dir(), given.exists()
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        reason = os.strerror(exc.errno).lower() if getattr(exc, "errno", None) else str(exc)
        raise UsageError(f"--data {shown(given)}: {reason}") from None
    if not is_dir:
        raise UsageError(f"--data {shown(given)} " + ("is not a folder" if exists else "does not exist"))
    return given


def summarise(ds: Dataset) -> str:
    kinds = Counter(f.kind for f in ds.facts.values())
    per_kind = ", ".join(f"{k} {kinds[k]}" for k in sorted(kinds))
    cites = sum(len(f.citations) for f in ds.facts.values())
    return (f"{len(ds.facts)} facts ({per_kind}), {cites} citations, {len(ds.entities)} entities, "
            f"{len(ds.sources)} sources, {len(ds.topics)} topics")


def validate(given: Path | None) -> tuple[list[str], str]:
    """The records' problems, then the translations' (a text with none, a figure left out)."""
    from caj.building import i18n

    ds = load(data_dir(given))
    problems = [str(p) for p in ds.problems]
    if not ds.problems:
        problems += i18n.problems(ds, i18n.catalogs(ds.root))
    if problems:
        return problems, f"caj: {len(problems)} problem(s) in {ds.root}"
    return [], f"ok: {summarise(ds)}; translated into {', '.join(i18n.languages(ds.root)) or 'no language'}"


def build_db(given: Path | None, out: Path, progress=None) -> str:
    ds = load(data_dir(given))
    if ds.problems:
        shown = "\n".join(str(p) for p in ds.problems[:10])
        raise CurationError(f"{len(ds.problems)} problem(s) in the data, nothing written:\n{shown}")
    try:
        build(ds, out, progress)
    except BrokenPipeError:  # `caj build --out - | head`: the reader left, which is no failure
        raise
    except (OSError, sqlite3.Error) as exc:  # not the database being read: the one being made
        raise CurationError(f"cannot build {out}: {getattr(exc, 'strerror', None) or exc}") from None
    return f"wrote {out}: {summarise(ds)}"
