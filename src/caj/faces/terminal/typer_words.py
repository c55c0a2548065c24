"""Typer's own words (Usage:, Options, "Show this message and exit.", its usage errors) in the
reader's language. Typer, and the Click it carries, look each up with `gettext.gettext`, bound at
import as `_` in each of their modules, in gettext's default domain and $LANGUAGE; caj points
those names at its own `_` instead, so they follow --lang like every other word. The one place
caj reaches into Typer's modules for this: a new Typer is checked here first (tests/test_i18n.py)."""

from __future__ import annotations

import importlib

import typer

from caj.core.i18n import _

CHECKED = ("0.28",)  # the Typer versions whose modules are known to look words up this way
MODULES = ("typer.core", "typer._click.core", "typer._click.formatting", "typer._click.exceptions",
           "typer._click.decorators", "typer._click.types", "typer._click.parser")


def speak() -> list[str]:
    """Point Typer's `_` at caj's; return the modules changed (none on an unchecked Typer)."""
    if not typer.__version__.startswith(CHECKED):
        return []
    done = []
    for name in MODULES:
        module = importlib.import_module(name)
        if getattr(module, "_", None) is not None:
            module._ = _
            done.append(name)
    return done
