"""Run the CLI in-process, exactly as the console script does, and capture what it prints."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass


@dataclass
class Result:
    code: int
    out: str
    err: str


def invoke(*args: str, typer_only: bool = False) -> Result:
    """As the console script runs: a lookup asked plainly without Typer, the rest with it;
    `typer_only` sends everything through Typer's command line."""
    from caj import cli, entry

    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv, sys.stdout, sys.stderr
    sys.argv, sys.stdout, sys.stderr = ["caj", *args], out, err
    try:
        code = None if typer_only else entry.quick()
        if code is None:
            cli.main()
            code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv, sys.stdout, sys.stderr = saved
    return Result(code, out.getvalue(), err.getvalue())
