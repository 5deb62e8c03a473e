"""Helpers shared by the commands: the global options, output paths, writing tables, the rich progress display.

Nothing heavy is imported here (``causalscope --help`` and ``--version`` load this
module): pandas and rich are imported by the functions that use them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..exceptions import DataError, InvalidParameterError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["state", "progress_wanted", "output_path", "write_table", "RichProgress"]

#: The global options of the ``causalscope`` command, set by its callback (``cli/app.py``) before a
#: sub-command runs and read by the commands: ``debug`` (tracebacks) and ``quiet`` (no progress bars).
state: dict[str, bool] = {"debug": False, "quiet": False}


def progress_wanted() -> bool:
    """Whether to show progress bars: stderr is a terminal and ``--quiet`` was not given."""
    return bool(sys.stderr.isatty()) and not state["quiet"]


def output_path(path: Path | None, option: str = "--out", *, folder: bool = False) -> Path | None:
    """Check an output path given on the command line before any work is done.

    The folder that is to hold the file must exist: a typing error in ``--out``
    should not silently create a tree of directories. With ``folder=True`` the path
    itself is an output folder (``analyze --out DIR``): it is created when missing,
    but its parent must exist. A path that names an existing folder where a file is
    expected (or a file where a folder is expected) is refused too.

    Raises
    ------
    InvalidParameterError
        Naming the option, the path and what is wrong.
    """
    if path is None:
        return None
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise InvalidParameterError(
            f"{option} {str(path)!r}: the folder {str(parent)!r} does not exist; create it first"
        )
    if folder and path.exists() and not path.is_dir():
        raise InvalidParameterError(f"{option} {str(path)!r} is a file; an output folder is expected")
    if not folder and path.is_dir():
        raise InvalidParameterError(f"{option} {str(path)!r} is a folder; a file name is expected")
    return path


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as CSV or Parquet, chosen by the file extension (the folder must exist)."""
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
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
