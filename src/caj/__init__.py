"""caj: Japan's relations with Central Asia, as cited facts you can look up.

    >>> import caj
    >>> caj.oda(year=2016)[0]["value_stated"]
    '¥1158.29 million'

Every question of the command line is a function here, with the command's options as keyword
arguments (`from` is `date_from`, `to` is `date_to`) and `db=` for another database: timeline,
oda, projects, show, search, sources, countries, actors, topics, conflicts, cite. Each returns
the records `caj COMMAND --format json` prints. Errors are `caj.CajError` subclasses. See
docs/python.md. Nothing is loaded until a lookup is called, so `import caj` stays cheap.
"""

from __future__ import annotations

__version__ = "0.1.0"

QUESTIONS = ("timeline", "oda", "projects", "show", "search", "sources", "countries", "actors",
             "topics", "conflicts", "cite")
ERRORS = ("CajError", "UsageError", "NotFound", "DatabaseError", "CurationError", "WriteError")
__all__ = [*QUESTIONS, *ERRORS, "__version__"]


def __getattr__(name: str):
    """The lookups and errors, loaded on first use (PEP 562)."""
    if name in QUESTIONS:
        from caj.faces.library import FUNCTIONS

        return FUNCTIONS[name]
    if name in ERRORS:
        from caj.core import errors

        return getattr(errors, name)
    raise AttributeError(f"module 'caj' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
