"""caj as a Python library: one function per question of the registry (caj.reading.questions),
its parameters as keyword arguments, returning exactly the records `caj COMMAND --format json`
prints (a list of dicts; `show` one dict; `cite` the citation text). `import caj` loads none of
this: the first lookup does (caj.__getattr__)."""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from typing import Any

from caj.faces import formats
from caj.reading import lang as speech
from caj.reading import questions
from caj.reading.db import connect

RETURNS = {"show": "dict: the record `caj show ID --format json` prints.",
           "cite": "str: the citation `caj cite ID --style STYLE` prints."}
PY_TYPES = {"int": int, "flag": bool, "year": int | str}


def python_name(p: questions.Param) -> str:
    """A parameter's name as a Python argument: the query's keyword (`from` is a Python keyword,
    so `date_from`, and `date_to` beside it); an argument given by position keeps its name (id)."""
    return p.name if p.positional else p.keyword


def function(q: questions.Question) -> Callable[..., Any]:
    """The library function of one question, documented from the registry."""
    params = q.on("python")
    names = {python_name(p): p.name for p in params}

    def ask(*args, db: str | os.PathLike | None = None, **kwargs):
        given = signature.bind(*args, db=db, **kwargs).arguments
        given.pop("db", None)
        return answer(q, {names[k]: v for k, v in given.items() if v is not None}, db)

    signature = inspect.Signature([
        *(inspect.Parameter(python_name(p), inspect.Parameter.POSITIONAL_OR_KEYWORD
                            if p.positional else inspect.Parameter.KEYWORD_ONLY,
                            default=inspect.Parameter.empty if p.required else p.default,
                            annotation=_annotation(p)) for p in params),
        inspect.Parameter("db", inspect.Parameter.KEYWORD_ONLY, default=None,
                          annotation="str | os.PathLike | None")])
    ask.__signature__ = signature
    ask.__name__ = ask.__qualname__ = q.name
    ask.__module__ = "caj"
    ask.__doc__ = docstring(q, params)
    return ask


def _annotation(p: questions.Param) -> Any:
    kind = PY_TYPES.get(p.kind, str)
    return kind if p.required or p.default is not None else kind | None


def docstring(q: questions.Question, params: tuple[questions.Param, ...]) -> str:
    lines = [q.summary, "", q.purpose, "", "Parameters:"]
    for p in params:
        values = f" One of: {', '.join(p.values())}." if p.values() else ""
        lines.append(f"    {python_name(p)}: {p.help}{values}")
    lines += ["    db: the database to read (default: $CAJ_DB, else the one shipped with caj).", "",
              "Returns:", "    " + RETURNS.get(q.name, f"list[dict]: the records `caj {q.name} --format "
                                                           "json` prints."),
              "", "Raises:", "    caj.CajError (caj.UsageError, caj.NotFound, ...): the command's one-line "
              "message; NotFound carries `suggestions`."]
    return "\n".join(lines)


def answer(q: questions.Question, given: dict[str, Any], db) -> Any:
    """Ask one question on a connection of its own, closed afterwards."""
    conn = connect(db)
    try:
        found = q.answer(conn, speech.choose(conn, given.pop("lang", None)), **given)
        if q.name == "cite":
            from caj.faces import cite as citing
            from caj.reading import queries

            style = queries.choose("style", given.get("style", "text"), questions.STYLE.values())
            return citing.render(found, style)
        if q.name == "show":
            return formats.plain([found])[0]
        return formats.plain(found)
    finally:
        conn.close()


FUNCTIONS = {q.name: function(q) for q in questions.on("python")}
