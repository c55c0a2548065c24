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


def invoke(*args: str) -> Result:
    from caj import cli

    out, err = io.StringIO(), io.StringIO()
    saved = sys.argv, sys.stdout, sys.stderr
    sys.argv, sys.stdout, sys.stderr = ["caj", *args], out, err
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.argv, sys.stdout, sys.stderr = saved
    return Result(code, out.getvalue(), err.getvalue())
