"""Full-text search for place names in other scripts: the alias index caj builds (CLDR names in
the search bodies, unicode61 + porter) against a trigram tokenizer over the same documents.

    python bench/fts_scripts.py [--db src/caj/caj.db] [--repeat 2000]

Prints, for each tokenizer: the FTS index size, the hits of a few queries in Latin, Cyrillic and
Japanese, and the mean time of a ranked query.
"""

from __future__ import annotations

import argparse
import sqlite3
import tempfile
import time
from pathlib import Path

QUERIES = ["Узбекистан", "ウズベキスタン", "Oʻzbekiston", "Ozbekiston", "Қазақстан", "中央アジア",
           "railway", "rail*", "ODA disbursement", "ウズベキスタンの鉄道", "Узбекист"]
TOKENIZERS = {"unicode61 + aliases (caj)": "porter unicode61 remove_diacritics 2",
              "trigram + aliases": "trigram"}


def fts_bytes(conn: sqlite3.Connection, table: str) -> int:
    sql = ("SELECT sum(pgsize) FROM dbstat WHERE name LIKE ? AND name != ?")
    try:
        return conn.execute(sql, (f"{table}%", table.replace("_fts", ""))).fetchone()[0] or 0
    except sqlite3.OperationalError:  # SQLite without the dbstat table
        return -1


def build_variant(src: Path, tokenize: str, dest: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(dest)
    conn.execute("ATTACH ? AS src", (str(src),))
    conn.execute("CREATE TABLE search_docs AS SELECT * FROM src.search_docs")
    conn.execute("DETACH src")
    conn.execute("CREATE VIRTUAL TABLE search_docs_fts USING fts5(title, body, names, "
                 f"content='search_docs', content_rowid='rowid', tokenize='{tokenize}')")
    conn.execute("INSERT INTO search_docs_fts(search_docs_fts) VALUES('rebuild')")
    conn.commit()
    return conn


def hits(conn: sqlite3.Connection, query: str) -> int | str:
    try:
        return conn.execute("SELECT count(*) FROM search_docs_fts WHERE search_docs_fts MATCH ?",
                            (f'"{query}"' if " " not in query and "*" not in query else query,)
                            ).fetchone()[0]
    except sqlite3.OperationalError as exc:
        return f"error: {exc}"


def timed(conn: sqlite3.Connection, repeat: int) -> float:
    start = time.perf_counter()
    for i in range(repeat):
        q = ["Узбекистан", "railway", "ウズベキスタン"][i % 3]
        conn.execute("SELECT rowid FROM search_docs_fts WHERE search_docs_fts MATCH ? "
                     "ORDER BY rank LIMIT 50", (f'"{q}"',)).fetchall()
    return (time.perf_counter() - start) / repeat * 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default=str(Path(__file__).resolve().parents[1] / "src/caj/caj.db"))
    ap.add_argument("--repeat", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"SQLite {sqlite3.sqlite_version}")
        for label, tokenize in TOKENIZERS.items():
            conn = build_variant(Path(args.db), tokenize, Path(tmp) / f"{len(label)}.db")
            print(f"{label}: FTS index {fts_bytes(conn, 'search_docs_fts')} bytes, "
                  f"ranked query {timed(conn, args.repeat):.0f} µs")
            for q in QUERIES:
                print(f"  {q!r:28} {hits(conn, q)}")
            conn.close()


if __name__ == "__main__":
    main()
