"""The ``causalscope`` command: argument parsing, error handling and rendering.

The command line follows the contract in ``CLI.md`` (kept in ``docs/cli.md``):
exit code 0 on success, 1 on a failure with a one-line ``error: ...`` message on
stderr (a traceback only with ``--debug``), 2 on a usage error, 3 when a causal
query is not identifiable. Commands call the public API and render its result
values; they hold no algorithm of their own.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence

import typer

from .._version import __version__
from ..exceptions import CausalScopeError, NotIdentifiableError
from ._io import state

#: The base class of typer's usage errors (``BadParameter``, ``UsageError``, ...). Typer 0.2x
#: carries its own copy of click, older releases use click itself: the class is read off the
#: public ``typer.BadParameter`` so that the command never imports click (not a dependency).
_UsageError: type[Exception] = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")

__all__ = ["app", "main", "EXIT_OK", "EXIT_FAILURE", "EXIT_USAGE", "EXIT_NOT_IDENTIFIABLE"]

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_NOT_IDENTIFIABLE = 3

app = typer.Typer(
    name="causalscope",
    help="Causal discovery, reasoning and effect estimation, offline and verified.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"causalscope {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version_callback, is_eager=True, help="Print the version and exit."
    ),
    debug: bool = typer.Option(False, "--debug", help="Show full tracebacks on errors."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bars."),
) -> None:
    """Causal discovery, reasoning and effect estimation, offline and verified."""
    state["debug"] = debug
    state["quiet"] = quiet


def _register_commands() -> None:
    from . import graph_cmd, simulate_cmd

    app.command("simulate")(simulate_cmd.simulate)
    app.add_typer(graph_cmd.graph_app, name="graph")
    from . import query_cmd, sample_cmd

    app.command("query")(query_cmd.query)
    app.command("sample")(sample_cmd.sample)
    from . import identify_cmd

    app.command("identify")(identify_cmd.identify)
    from . import discover_cmd

    app.command("discover")(discover_cmd.discover)
    from . import actual_cmd

    app.command("actual")(actual_cmd.actual)
    from . import effect_cmd

    app.command("effect")(effect_cmd.effect)
    from . import questions_cmd

    app.add_typer(questions_cmd.questions_app, name="questions")
    from . import analyze_cmd

    app.command("analyze")(analyze_cmd.analyze)


_register_commands()


def _fail(message: str, code: int) -> int:
    first_line = " ".join(str(message).split("\n")[0].split()) or "unknown error"
    typer.echo(first_line, err=True)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (the console script exits with it)."""
    args = list(sys.argv[1:] if argv is None else argv)
    state["debug"] = "--debug" in args
    try:
        result = app(args=args, prog_name="causalscope", standalone_mode=False)
    except typer.Exit as exc:
        return int(exc.exit_code)
    except typer.Abort:
        return _fail("error: aborted", EXIT_FAILURE)
    except _UsageError as exc:  # usage errors
        exc.show()  # type: ignore[attr-defined]
        return int(exc.exit_code)  # type: ignore[attr-defined]
    except NotIdentifiableError as exc:
        if state["debug"]:
            raise
        return _fail(f"not identifiable: {exc}", EXIT_NOT_IDENTIFIABLE)
    except CausalScopeError as exc:
        if state["debug"]:
            raise
        return _fail(f"error: {exc}", EXIT_FAILURE)
    except OSError as exc:
        if state["debug"]:
            raise
        return _fail(f"error: {exc.strerror or exc}: {exc.filename}" if exc.filename else f"error: {exc}", EXIT_FAILURE)
    except Exception as exc:  # noqa: BLE001 - the contract: never a traceback without --debug
        if state["debug"]:
            raise
        return _fail(f"error: internal error ({type(exc).__name__}): {exc} (rerun with --debug for details)", EXIT_FAILURE)
    return int(result) if isinstance(result, int) else EXIT_OK


def run() -> None:  # pragma: no cover - console-script entry
    """Console-script entry point.

    When the command is done and nothing is left for the interpreter's exit handlers (no other
    thread, no child process, no process pool), the process ends at once with
    :func:`os._exit` after flushing the output streams and the logging handlers: tearing down
    numpy, pandas and typer module by module costs about 0.1 s of every command's wall time.
    Otherwise (a pool of workers was started, say) it exits normally.
    """
    code = main()
    if _nothing_left_at_exit():
        try:
            for stream in (sys.stdout, sys.stderr):
                stream.flush()
        except (OSError, ValueError):  # a closed pipe (``| head``): leave it to the normal exit
            raise SystemExit(code) from None
        logging_module = sys.modules.get("logging")  # flush handlers, if logging was ever used
        if logging_module is not None:
            logging_module.shutdown()
        os._exit(code)
    raise SystemExit(code)


def _nothing_left_at_exit() -> bool:
    """No other thread, no child process and no process pool: exit handlers would have nothing to do."""
    if threading.active_count() > 1 or "joblib.externals.loky" in sys.modules:
        return False
    multiprocessing = sys.modules.get("multiprocessing")
    return multiprocessing is None or not multiprocessing.active_children()
