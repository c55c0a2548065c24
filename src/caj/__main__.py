"""The console script and `python -m caj`. Ctrl-C while the command line imports (Typer, Rich: the
slow part of a start) ends the process at once with one line, never a traceback from inside an
import: the guard is set before anything of caj's is imported, and `entry.run` lifts it."""

import os
import signal
import sys

from caj.core.errors import INTERRUPTED  # a module of no imports: the guard still comes first


def _interrupted(signum, frame) -> None:
    try:  # noqa: SIM105 (contextlib is not imported yet, and need not be)
        os.write(2, b"caj: interrupted\n")
    except OSError:  # stderr closed: the exit code says it
        pass
    os._exit(INTERRUPTED)  # nothing written yet, nothing to clean up


_interrupted.start_guard = True


def main() -> None:
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when ignored (`&`)
        signal.signal(signal.SIGINT, _interrupted)
    from caj.core import i18n

    i18n.speak_from(sys.argv[1:])  # before the commands are made: their help is in the language
    from caj import entry

    code = entry.quick()  # a lookup asked plainly needs no Typer
    if code is not None:
        sys.exit(code)
    from caj import cli

    cli.main()


if __name__ == "__main__":
    main()
