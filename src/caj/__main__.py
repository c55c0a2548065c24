"""The console script and `python -m caj`: Ctrl-C is guarded before the command line is imported."""


def main() -> None:
    from caj import entry

    entry.guard_start()
    from caj import cli

    cli.main()


if __name__ == "__main__":
    main()
