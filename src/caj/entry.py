"""The edge of the process: the streams, the arguments, Ctrl-C, and every failure turned into one
line on stderr and an exit code, in one place. `cli.main` hands its app here."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import signal
import sys

from caj.core import i18n
from caj.core.errors import INTERRUPTED, CajError, UsageError, WriteError, shown
from caj.core.i18n import _


def run(app, overview) -> int:
    """Run `app` on sys.argv; return the exit code. Never a traceback, unless CAJ_DEBUG is set."""
    return _guarded(lambda: _typer(app, overview))


def quick() -> int | None:
    """A lookup asked plainly (caj.faces.terminal.commands.parsed) answered without importing
    Typer, which is most of a lookup's start; None when the command line must read it."""
    from caj.faces.terminal import commands

    asked = commands.parsed(sys.argv[1:])
    if asked is None:
        return None
    return _guarded(lambda: _flushed(commands.present(*asked) or 0))


def _guarded(body) -> int:
    """The streams steadied, the language chosen, the arguments checked, then `body`; every
    failure one line and an exit code."""
    _steady_stderr()
    i18n.speak_from(sys.argv[1:])  # each run starts in the language asked for (English else)
    _steady_stdout()
    if getattr(signal.getsignal(signal.SIGINT), "start_guard", False):  # caj.__main__'s: from now
        signal.signal(signal.SIGINT, signal.default_int_handler)  # on KeyboardInterrupt, so
        # that safefile removes its temporary files and the line below is said
    try:
        _check_arguments(sys.argv[1:])
        return body()
    except BaseException as exc:  # noqa: BLE001 (every failure ends as one line, here)
        return _failure(exc)


def _typer(app, overview) -> int:
    # bare `caj` (a language given or not): every command, one example each
    if command_name(sys.argv) is None and not {"-h", "--help", "--version"} & set(sys.argv[1:]):
        sys.stdout.write(overview())
        return _flushed(0)
    stdout = sys.stdout
    with _only_the_command_asked_for(app, sys.argv):
        try:
            code = app(standalone_mode=False)
        except SystemExit as exc:
            # Typer turns a broken pipe into exit 1 after swapping stdout for a wrapper that
            # keeps the final flush quiet; the reader leaving early (`| head`) is no failure
            return _quiet_pipe() if sys.stdout is not stdout else _exit_code(exc)
    if code == INTERRUPTED:  # Typer's answer to a KeyboardInterrupt in the command
        return _fail(_("interrupted"), INTERRUPTED)
    return _flushed(code if isinstance(code, int) else 0)


CLOSED = "standard output is closed; nothing written"


class _ClosedStdout(io.TextIOBase):
    """sys.stdout when the process started with it closed (`caj ... >&-`): a command that writes
    only to files runs; the first write to stdout fails in one line, exit 1."""

    buffer = property(lambda self: self)  # binary writes (`--out -`) fail the same way

    def writable(self) -> bool:
        return True

    def write(self, _text) -> int:
        raise WriteError(CLOSED)


def _steady_stdout() -> None:
    if sys.stdout is not None:
        return
    sys.stdout = _ClosedStdout()
    # descriptor 1 is free: taken, read-only, so no file caj opens lands on it and a write to it
    # by anything else fails rather than going into that file
    with contextlib.suppress(OSError):
        fd = os.open(os.devnull, os.O_RDONLY)
        if fd != 1:
            os.dup2(fd, 1)
            os.close(fd)


def _exit_code(exc: SystemExit) -> int:
    return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)


def _failure(exc: BaseException) -> int:
    """The one place an exception becomes a line and an exit code."""
    if isinstance(exc, SystemExit):
        return _exit_code(exc)
    if isinstance(exc, BrokenPipeError):
        return _quiet_pipe()
    import sqlite3  # loaded by now: every command reads or writes a database

    if isinstance(exc, sqlite3.Error):  # the query layer reads only caj's own tables: damage
        from caj.reading.db import damaged

        exc = damaged(exc)
    if isinstance(exc, CajError):
        return _fail(exc.message, exc.exit_code)
    from typer import Abort
    from typer import TyperException as ClickException

    if isinstance(exc, ClickException):
        return _fail(click_message(exc), exc.exit_code)
    if isinstance(exc, (KeyboardInterrupt, Abort)):
        return _fail(_("interrupted"), INTERRUPTED)
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EBADF, errno.EIO):
        return _fail(_("cannot write the output: {reason}").format(reason=os.strerror(exc.errno).lower()), 1)
    if os.environ.get("CAJ_DEBUG"):
        raise exc
    from caj.reading.db import diagnose

    found = diagnose()  # a database other than the build makes is the cause, when it is one
    if found is not None:
        return _fail(found.message, found.exit_code)
    return _fail(f"internal error: {type(exc).__name__}: {shown(exc)}", 1)


def _flushed(code: int) -> int:
    """Flush stdout now, so a reader that left or a full disk is caught here, not at exit."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        return _quiet_pipe()
    except OSError as exc:
        return _failure(exc)
    return code


def _fail(message: str, code: int) -> int:
    with contextlib.suppress(BrokenPipeError, OSError, ValueError, AttributeError):
        sys.stdout.flush()
    with contextlib.suppress(OSError, ValueError, AttributeError):
        print(f"caj: {message}", file=sys.stderr, flush=True)
    return code


def _quiet_pipe() -> int:
    # the reader went away: point stdout at devnull so the exit flush stays silent
    devnull = os.open(os.devnull, os.O_WRONLY)
    with contextlib.suppress(OSError, ValueError, AttributeError):
        os.dup2(devnull, sys.stdout.fileno())
    return 0


def _steady_stderr() -> None:
    """A closed stderr swallows messages instead of crashing; one that cannot encode UTF-8
    escapes what it cannot show."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115 (it lives as long as the process)
    elif hasattr(sys.stderr, "reconfigure"):
        sys.stderr.reconfigure(errors="backslashreplace")


def _check_arguments(args: list[str]) -> None:
    """An argument that is not valid UTF-8 (bytes the shell passed as they were) is a usage
    error, named by its position, never a traceback deep in a query."""
    for n, arg in enumerate(args, start=1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            said = _("argument {n} is not valid UTF-8: {value}").format(n=n, value=shown(arg))
            raise UsageError(said) from None
        if "\0" in arg:  # only a caller in the same process can pass one: exec cannot
            raise UsageError(_("argument {n} holds a NUL character: {value}").format(n=n, value=shown(arg)))


@contextlib.contextmanager
def _only_the_command_asked_for(app, argv: list[str]):
    """Typer builds every command's parser at startup, which costs each lookup several
    milliseconds; a lookup needs just its own. Help, shell completion and anything unrecognised
    still see them all; the full list is restored afterwards."""
    every = app.registered_commands
    completing = any(k.startswith("_CAJ_COMPLETE") for k in os.environ)
    name = command_name(argv)
    wanted = [c for c in every if (c.name or c.callback.__name__) == name] if name else []
    if wanted and not completing:
        app.registered_commands = wanted
    try:
        yield
    finally:
        app.registered_commands = every


MESSAGE_MAX = 200


def click_message(exc) -> str:
    """Click's usage errors in caj's own style: the option named first, lower case, short. Typer
    0.28 carries its own copy of Click: its usage errors are typer.TyperException (with an exit
    code and a message), never a separately installed click's."""
    from typer import BadParameter

    from caj.faces.terminal.typer_words import MissingParameter, UsageError, usage_words

    if isinstance(exc, MissingParameter) and exc.param is not None:
        where = _("; see `{command} -h`").format(command=exc.ctx.command_path) if exc.ctx is not None else ""
        kind = _("argument") if exc.param.param_type_name == "argument" else _("option")
        return _("missing {kind} {name}").format(kind=kind, name=_param_name(exc.param)) + where
    worded = usage_words(exc) if isinstance(exc, UsageError) else None
    if isinstance(exc, BadParameter) and exc.param is not None:
        message = f"{_param_name(exc.param)}: {worded or exc.message}"
    else:
        message = worded or exc.format_message()
    message = " ".join(message.split()).rstrip(".")
    message = message[:1].lower() + message[1:]
    if len(message) > MESSAGE_MAX:
        message = message[:MESSAGE_MAX - 1] + "…"
    return message + _slip_hint(exc)


def _param_name(param) -> str:
    """An option by its first flag (--year), an argument by its metavar (ID)."""
    if param.opts and param.param_type_name == "option":
        return param.opts[0]
    return (param.human_readable_name or "").upper()


def command_name(argv: list[str]) -> str | None:
    """The command asked for: the first argument that is not the global --lang and its value."""
    args = argv[1:]
    while args and (args[0] == "--lang" or args[0].startswith("--lang=")):
        args = args[2:] if args[0] == "--lang" else args[1:]
    return args[0] if args else None


def _slip_hint(exc) -> str:
    """`caj projects uzbekistan`: a value given without its option gets the option named."""
    m = re.search(r"unexpected extra argument(?:\(s\)|s)? \((.*)\)", exc.format_message())
    argv = sys.argv
    command = command_name(argv)
    if not m or command is None:
        return ""
    value = (m.group(1).split() or [""])[0]
    from caj.reading.questions import slips

    for what, option in slips(command) if value else ():
        if _resolves(what, value, argv):
            return _("; did you mean {option} {value}?").format(option=option, value=value)
    return _("; `caj {command} -h` lists its options").format(command=command)


def _resolves(what: str, value: str, argv: list[str]) -> bool:
    """Does `value` name a `what` in the database this command reads (--db honoured)?"""
    from caj.reading import db, queries

    given = argv[argv.index("--db") + 1] if "--db" in argv[:-1] else None
    try:
        conn = db.connect(given)
        try:
            queries.resolve(conn, what, value)
        finally:
            conn.close()
    except CajError:
        return False
    return True
