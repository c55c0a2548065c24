"""Every place caj reaches into Typer's internals, in one module: an upgrade has one place to look.
Written for the Typer versions in CHECKED (tests/test_internals.py fails on any other).

- Typer's own words in help and errors (Options, Arguments, "Missing command.") in the reader's
  language: typer.core looks each up with `gettext.gettext`, bound at import as its `_`, in
  gettext's default domain; caj points that name at its own `_`, so they follow --lang like
  every other word. "Usage: " and "Show this message and exit." it writes with no lookup at all.
- The usage errors the Click Typer carries words in English only (f-strings, no gettext: an
  unknown option, an option without its value, extra arguments, a number that is not one or
  out of range): caj words them itself, from the exception's class and fields (`usage_words`).
"""

from __future__ import annotations

import importlib

import typer
from typer._click.exceptions import BadOptionUsage, BadParameter, MissingParameter, NoSuchOption, UsageError
from typer._click.types import IntParamType

from caj.core.i18n import N_, _, listing

CHECKED = ("0.28.",)  # the Typer versions whose modules are known to look words up this way
__all__ = ["CHECKED", "MissingParameter", "UsageError", "checked", "speak", "usage_words"]
MODULES = ("typer.core",)  # the modules that look words up with gettext (its Click's none)


# the two words Typer writes without gettext at all, in its help screens
USAGE, HELP = N_("Usage: "), N_("Show this message and exit.")


def checked() -> bool:
    return typer.__version__.startswith(CHECKED)


def speak() -> list[str]:
    """Point Typer's `_` at caj's, and its usage prefix and help option's text through caj's
    catalog; return the modules changed (none on an unchecked Typer)."""
    if not checked():
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


EXTRA = "Got unexpected extra argument(s) ("  # Click's words for arguments no parameter takes


def usage_words(exc: UsageError) -> str | None:
    """A usage error Typer's Click words in English only, in caj's words (lower case, no full
    stop, through the catalog); None for one caj words elsewhere or not at all."""
    if isinstance(exc, MissingParameter):
        return None
    if isinstance(exc, NoSuchOption):
        said = _("no such option: {option}").format(option=exc.option_name)
        if exc.possibilities:
            said += _("; did you mean {options}?").format(options=listing(sorted(exc.possibilities)))
        return said
    if isinstance(exc, BadOptionUsage):
        if exc.message.endswith("requires an argument."):
            return _("option {option} needs a value").format(option=exc.option_name)
        if exc.message.endswith("does not take a value."):
            return _("option {option} takes no value").format(option=exc.option_name)
        return None
    if isinstance(exc, BadParameter):
        return _number(exc)
    if exc.message.startswith(EXTRA) and exc.message.endswith(")"):
        return _("unexpected extra argument(s): {arguments}").format(arguments=exc.message[len(EXTRA):-1])
    return None


def _number(exc: BadParameter) -> str | None:
    """A whole number that is not one, or out of its range (Click's IntRange, or its INT)."""
    kind = getattr(exc.param, "type", None)
    if not isinstance(kind, IntParamType):  # IntRange is one
        return None
    value = exc.message.split(" is not ", 1)[0]
    if " is not a valid " in exc.message:
        return _("{value} is not a whole number").format(value=value)
    if " is not in the range " in exc.message:
        low, high = getattr(kind, "min", None), getattr(kind, "max", None)
        if low is not None and high is not None:
            return _("{value} is not between {low} and {high}").format(value=value, low=low, high=high)
        if low is not None:
            return _("{value} is less than {low}").format(value=value, low=low)
        if high is not None:
            return _("{value} is more than {high}").format(value=value, high=high)
    return None
