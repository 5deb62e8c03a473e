"""The ``causalscope`` command line (see ``docs/cli.md``)."""

from .app import app, main, run

__all__ = ["app", "main", "run"]
