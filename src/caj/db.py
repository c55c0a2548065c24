"""Find the database and open it read-only. Stdlib only: this is on every command's path."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from caj import SCHEMA_VERSION

SHIPPED = Path(__file__).with_name("caj.db")


class DatabaseError(Exception):
    """The database is missing, unreadable, or not one this caj can read."""


def locate(db: str | os.PathLike | None = None) -> Path:
    """--db wins, then CAJ_DB, then the database shipped inside the package."""
    chosen = db or os.environ.get("CAJ_DB") or SHIPPED
    return Path(chosen).expanduser()


def connect(db: str | os.PathLike | None = None) -> sqlite3.Connection:
    path = locate(db)
    if not path.is_file():
        hint = "; build one with `caj build`" if path == SHIPPED else ""
        raise DatabaseError(f"database not found: {path}{hint}")
    uri = path.resolve().as_uri() + "?mode=ro"
    if path == SHIPPED:
        uri += "&immutable=1"  # nobody writes the shipped copy: skip locking entirely
    try:
        conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
        conn.row_factory = sqlite3.Row
        _check_schema(conn, path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot read {path}: {exc}") from None
    return conn


def _check_schema(conn: sqlite3.Connection, path: Path) -> None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is None:
        raise DatabaseError(f"not a caj database: {path}")
    if row[0] != str(SCHEMA_VERSION):
        raise DatabaseError(
            f"{path} has schema {row[0]}, this caj reads schema {SCHEMA_VERSION}; "
            "rebuild it with `caj build`"
        )


def meta(conn: sqlite3.Connection) -> dict[str, str]:
    return {r["key"]: r["value"] for r in conn.execute("SELECT key, value FROM meta")}
