"""A progress bar on stderr for work that takes a while (build, exports): only on a terminal,
only without --quiet, and only once the work has taken more than a moment."""

from __future__ import annotations

import sys

PROGRESS_AFTER = 0.5  # seconds of work before a progress bar is worth showing


class Progress:
    """A Rich progress bar on stderr, only on a terminal and without --quiet, that appears once
    the work has taken more than a moment: a pulse while the total is unknown (reading the
    data), then done/total as the work reports it."""

    def __init__(self, label: str, quiet: bool):
        import threading

        self.label, self.done, self.total, self.bar, self.task = label, 0, None, None, None
        self.live = not quiet and sys.stderr.isatty()
        self.lock = threading.Lock()
        self.timer = threading.Timer(PROGRESS_AFTER, self._show)
        self.timer.daemon = True

    def _show(self) -> None:
        from rich.console import Console
        from rich.progress import Progress

        with self.lock:
            if self.bar is None and self.live:
                self.bar = Progress(transient=True, console=Console(stderr=True))
                self.bar.start()
                self.task = self.bar.add_task(self.label, total=self.total, completed=self.done)

    def __call__(self, done: int, total: int | None) -> None:
        with self.lock:
            self.done, self.total = done, total
            if self.bar is not None:
                self.bar.update(self.task, completed=done, total=total)

    def __enter__(self):
        if self.live:
            self.timer.start()
        return self

    def __exit__(self, *exc) -> None:
        self.timer.cancel()
        with self.lock:
            self.live = False
            if self.bar is not None:
                self.bar.stop()

