"""Typer's own words (Usage:, Options, "Show this message and exit.", its usage errors) in the
reader's language. Typer, and the Click it carries, look each up with `gettext.gettext`, bound at
import as `_` in each of their modules, in gettext's default domain and $LANGUAGE; caj points
those names at its own `_` instead, so they follow --lang like every other word. The one place
caj reaches into Typer's modules for this: a new Typer is checked here first (tests/test_i18n.py)."""

from __future__ import annotations

import importlib

import typer

from caj.core.i18n import N_, _

CHECKED = ("0.28",)  # the Typer versions whose modules are known to look words up this way
MODULES = ("typer.core", "typer._click.core", "typer._click.formatting", "typer._click.exceptions",
           "typer._click.decorators", "typer._click.types", "typer._click.parser")


# the two words Typer writes without gettext at all, in its help screens
USAGE, HELP = N_("Usage: "), N_("Show this message and exit.")


def speak() -> list[str]:
    """Point Typer's `_` at caj's, and its usage prefix and help option's text through caj's
    catalog; return the modules changed (none on an unchecked Typer)."""
    if not typer.__version__.startswith(CHECKED):
        return []
    done = []
    for name in MODULES:
        module = importlib.import_module(name)
        if getattr(module, "_", None) is not None:
            module._ = _
            done.append(name)
    from typer._click import core, formatting

    write_usage, help_option = formatting.HelpFormatter.write_usage, core.Command.get_help_option

    def usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        write_usage(self, prog, args, _(USAGE) if prefix is None else prefix)

    def help_in_language(self, ctx):
        option = help_option(self, ctx)
        if option is not None and option.help == HELP:
            option.help = _(HELP)
        return option

    formatting.HelpFormatter.write_usage, core.Command.get_help_option = usage, help_in_language
    return done
