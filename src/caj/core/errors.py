"""Every failure caj reports, each carrying its exit code and its one-line message. `cli.main`
turns any of them into `caj: MESSAGE` on stderr and that exit code, in one place."""

from __future__ import annotations

INTERRUPTED = 130  # Ctrl-C's exit code, as shells give it (128 + SIGINT)


class CajError(Exception):
    """A failure to tell the user in one line; `exit_code` says how the process ends."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = " ".join(str(message).split()) if "\n" not in str(message) else str(message)


class UsageError(CajError):
    """Bad input: an unknown name, a malformed value, a path that cannot be a target (exit 2).

    A message may name the options it is about as {from}, listed in `options`: the command line
    calls them --from, a web form by its field's label, each face through `phrased`. What the user
    typed goes into such a message through `literal`, so its braces stay as typed."""

    exit_code = 2

    def __init__(self, message: str, options: tuple[str, ...] = ()) -> None:
        self.template, self.options = str(message), tuple(options)
        super().__init__(self.phrased({o: f"--{o}" for o in self.options}))

    def phrased(self, names: dict[str, str]) -> str:
        """The message with each option it names called as `names` says (by default --option)."""
        if not self.options:
            return self.template
        return self.template.format_map({o: names.get(o, f"--{o}") for o in self.options})


def literal(value: object) -> str:
    """A typed value, stripped, made safe to stand in a message that names options."""
    return str(value).strip().replace("{", "{{").replace("}", "}}")


class NotFound(UsageError):
    """A name, id or value the user gave matches nothing; carries the closest matches."""

    def __init__(self, what: str, given: str, suggestions: list[str] | None = None) -> None:
        self.what, self.given, self.suggestions = what, given, list(suggestions or [])
        from caj.core.i18n import _

        hint = _("; did you mean {names}?").format(names=", ".join(repr(s) for s in self.suggestions)) \
            if self.suggestions else ""
        super().__init__(_("unknown {what} {value}").format(what=_(what), value=shown(given)) + hint)


def _things() -> tuple[str, ...]:
    """What a reader may name that caj does not know, as error lines say it (for the catalog)."""
    from caj.core.i18n import N_

    return (N_("country"), N_("topic"), N_("actor"), N_("source"), N_("sector"), N_("id"),
            N_("fact or source id"), N_("source id"), N_("format"), N_("style"), N_("lane"),
            N_("currency"), N_("kind"), N_("status"), N_("actor kind"), N_("language"))


class DatabaseError(CajError):
    """The database is missing, unreadable, damaged, or of another schema (exit 1)."""


class CurationError(CajError):
    """The curated records do not validate, or the database cannot be built from them (exit 1)."""


class WriteError(CajError):
    """A file or folder that cannot be written, or that caj may not replace (exit 1)."""


class ServeError(CajError):
    """The server cannot listen where it was told: a port in use, an address not of this
    machine, a name that does not resolve (exit 1)."""


SHOWN_MAX = 60


def shown(value: object) -> str:
    """A value the user typed, quoted for an error line: bytes that are not text shown as \\xNN,
    and cut in the middle to SHOWN_MAX characters, so an error stays one short line whatever was typed."""
    text = str(value)
    try:  # noqa: SIM105 (this module imports nothing, contextlib included: see caj.__main__)
        # the bytes of an argument that is not UTF-8, as the shell passed them
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate no shell passes (a caller in this process): escaped below
        pass
    text = "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)
    if len(text) > SHOWN_MAX:  # both ends stay: a long path keeps its file name
        half = (SHOWN_MAX - 1) // 2
        text = text[:half] + "…" + text[-half:]
    return f"'{text}'"
