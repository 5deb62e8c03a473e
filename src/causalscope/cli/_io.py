"""Helpers shared by the commands: writing tables, and the rich progress display."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from ..exceptions import DataError

__all__ = ["write_table", "RichProgress"]


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as CSV or Parquet, chosen by the file extension."""
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix in (".csv", ".csv.gz"):
        frame.to_csv(path, index=False)
    elif suffix in (".parquet", ".pq"):
        frame.to_parquet(path, index=False)
    else:
        raise DataError(f"cannot write data to {path}: the extension must be .csv, .csv.gz or .parquet; got {suffix!r}")


class RichProgress:
    """Rich progress bars on stderr, implementing the library's :class:`~causalscope.utils.Progress` interface.

    ``start``/``close`` pairs may nest: a ``start`` while a task is open adds a
    bar below it (e.g. the resamples inside the analysis' bootstrap stage) and
    ``advance`` moves the innermost open bar. A closed bar stays visible, full,
    until the next ``start`` at its level replaces it, so a command whose
    algorithm runs several stages one after the other shows one bar per stage in
    turn. Call :meth:`stop` once, when the command ends (the bars are transient:
    they disappear then).
    """

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self._bar = Progress(console=Console(stderr=True), transient=True)
        self._started = False
        self._tasks: list[tuple[Any, bool]] = []  # (task id, still open), outermost first

    def start(self, total: int | None, description: str) -> None:
        """Open a bar (nested inside the open one, if any)."""
        if not self._started:
            self._bar.start()
            self._started = True
        while self._tasks and not self._tasks[-1][1]:  # closed bars at this level are replaced
            self._bar.remove_task(self._tasks.pop()[0])
        self._tasks.append((self._bar.add_task(description, total=total), True))

    def advance(self, n: int = 1) -> None:
        """Advance the innermost open bar."""
        for task, is_open in reversed(self._tasks):
            if is_open:
                self._bar.advance(task, n)
                return

    def close(self) -> None:
        """Close the innermost open bar (it stays shown until replaced or :meth:`stop`)."""
        for i in range(len(self._tasks) - 1, -1, -1):
            if self._tasks[i][1]:
                self._tasks[i] = (self._tasks[i][0], False)
                return

    def stop(self) -> None:
        """End the display (call once, when the command is done)."""
        if self._started:
            self._bar.stop()
            self._started = False
