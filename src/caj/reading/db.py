"""Find the database and open it read-only. Stdlib only: this is on every command's path."""

from __future__ import annotations

import json
import os
import sqlite3
from pathlib import Path

from caj.core import vocab
from caj.core.errors import DatabaseError, UsageError, shown
from caj.core.i18n import N_, _

SHIPPED = Path(__file__).resolve().parent.parent / "caj.db"
# the virtual tables building.database._finish makes beside the registry's tables and views
VIRTUAL = ("search_docs_fts", "fact_span", "country_span", "search_words")
_opened: list[Path] = []  # the database this process reads, named when it turns out damaged


def locate(db: str | os.PathLike | None = None) -> Path:
    """--db wins, then CAJ_DB, then the database shipped inside the package."""
    chosen = db if db not in (None, "") else os.environ.get("CAJ_DB") or SHIPPED
    return Path(chosen).expanduser()


def connect(db: str | os.PathLike | None = None) -> sqlite3.Connection:
    """A read-only connection, checked to be a caj database of this schema and undamaged; any
    failure is one DatabaseError line, the same for every command."""
    path = locate(db)
    try:
        found, folder = path.is_file(), path.is_dir()
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte
        raise UsageError(f"--db {shown(path)}: {getattr(exc, 'strerror', None) or exc}") from None
    if folder:
        raise UsageError(f"--db {shown(path)} is a folder; give the database file (such as caj.db)")
    if not found:
        hint = N_("; build one with `caj build`") if path == SHIPPED else ""
        raise DatabaseError(_("database not found: {path}").format(path=_named(path)) + _(hint))
    try:
        conn = _open(path)
        _check(conn, path)
    except sqlite3.DatabaseError as exc:
        raise DatabaseError(f"cannot read {_named(path)}: {exc}") from None
    _opened[:] = [path]
    return conn


def _named(path) -> str:
    """A path in an error line as it is, unless it holds what cannot be shown on one line."""
    text = str(path)
    return text if text.isprintable() else shown(text)


def damaged(exc: Exception | str, path: str | os.PathLike | None = None) -> DatabaseError:
    """The one line for a database that fails while it is read (a table gone, a row that is not
    UTF-8 or not the JSON the build wrote): the same from every command and every face.
    `path` defaults to the database this process opened last."""
    where = path or (_opened[-1] if _opened else locate())
    reason = shown(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)[1:-1]
    return DatabaseError(f"database {_named(where)} is damaged ({reason}); rebuild it with `caj build`")


def diagnose(path: str | os.PathLike | None = None) -> DatabaseError | None:
    """After a failure caj did not foresee: is the database other than the build makes it (a
    citation of a source that is not there, text where a number belongs)? Then that is the
    failure, said as damage. Run only after a failure, so no lookup pays for it."""
    where = path or (_opened[-1] if _opened else None)
    if where is None:
        return None
    try:
        conn = _open(Path(where))
        try:
            problem = _inconsistency(conn)
        finally:
            conn.close()
    except sqlite3.Error as exc:
        problem = str(exc)
    return damaged(problem, where) if problem else None


def _inconsistency(conn: sqlite3.Connection) -> str | None:
    broken = conn.execute("PRAGMA foreign_key_check").fetchone()
    if broken:
        return f"a row of {broken[0]} refers to no row of {broken[2]}"
    for table in vocab.TABLES:
        for column in conn.execute(f"PRAGMA table_info([{table}])").fetchall():
            if column["type"].upper() in ("INTEGER", "REAL") and conn.execute(
                    f"SELECT 1 FROM [{table}] WHERE typeof([{column['name']}]) = 'text' LIMIT 1").fetchone():
                return f"text in the number column {table}.{column['name']}"
    return None


def stored_json(text: str):
    """A JSON value the build stored in a row."""
    try:
        return json.loads(text)
    except (TypeError, ValueError) as exc:
        raise damaged(exc) from None


def _open(path: Path) -> sqlite3.Connection:
    uri = path.resolve().as_uri() + "?mode=ro"
    if path == SHIPPED:
        uri += "&immutable=1"  # nobody writes the shipped copy: skip locking entirely
    conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
    conn.row_factory = sqlite3.Row
    return conn


def _check(conn: sqlite3.Connection, path: Path) -> None:
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    except sqlite3.OperationalError:
        row = None
    if row is None:
        raise DatabaseError(f"not a caj database: {_named(path)}")
    objects = {name for (name,) in conn.execute("SELECT name FROM sqlite_master")}
    missing = [t for t in (*vocab.TABLES, *vocab.VIEWS, *VIRTUAL) if t not in objects]
    if missing:
        raise damaged(f"no table {missing[0]}", path)
    if row[0] != vocab.schema_version():
        raise DatabaseError(f"{_named(path)} was built for another version of caj (schema {row[0]}, this caj "
                            f"reads {vocab.schema_version()}); rebuild it with `caj build --out {path}`")
    if path != SHIPPED:
        # a damaged page is found now, by every command alike, not by whichever query reads it;
        # the shipped database was checked when it was built
        problem = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        if problem != "ok":
            raise DatabaseError(f"cannot read {_named(path)}: database disk image is malformed")
