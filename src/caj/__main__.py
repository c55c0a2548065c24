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
    _speak(sys.argv[1:])
    from caj import cli

    cli.main()


def _speak(args: list[str]) -> None:
    """The language of the words, chosen before the commands are made, so that their help is in
    it too (the database's check of the choice comes later, with the command)."""
    from caj.core import i18n
    from caj.reading.lang import from_environment

    lang = next((a.split("=", 1)[1] for a in args if a.startswith("--lang=")), None)
    if lang is None and "--lang" in args[:-1]:
        lang = args[args.index("--lang") + 1]
    lang = (lang or from_environment() or "en").replace("-", "_").split(".")[0].split("_")[0].casefold()
    if lang in i18n.available():
        i18n.use(lang)


if __name__ == "__main__":
    main()
