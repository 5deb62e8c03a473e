"""``analysis.json``: the machine-readable record of an analysis.

Top-level keys (the contract in ``docs/cli.md``): ``graph``, ``edge_confidence``,
``method`` (``name``, ``parameters``, ``reasons``...), ``profile``, ``effects``,
``scores``, ``command``, ``versions`` and ``created``. ``created`` is the only
field holding a time; with a fixed seed (and no ``budget``) every other byte is
the same from run to run: keys are written sorted and floats in Python's
shortest round-trip form.
"""

from __future__ import annotations

import datetime as _dt
import json
import platform
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

__all__ = ["analysis_document", "versions", "write_analysis_json"]

_PACKAGES = ("numpy", "scipy", "pandas", "scikit-learn")


def versions() -> dict[str, str]:
    """Versions of Python, causalscope and the numerical libraries the result depends on.

    Examples
    --------
    >>> sorted(versions())[:2]
    ['causalscope', 'numpy']
    """
    from .._version import __version__

    out = {"causalscope": __version__, "python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:  # pragma: no cover - an optional library is absent
            out[name] = "not installed"
    return out


def analysis_document(analysis: Any, *, command: Sequence[str] | str | None = None,
                      created: str | None = None) -> dict[str, Any]:
    """The ``analysis.json`` object of an :class:`~causalscope.pipeline.Analysis`.

    Parameters
    ----------
    analysis:
        The analysis.
    command:
        The command line that produced it (a list of arguments or one string).
    created:
        ISO-8601 time stamp; default now (UTC, seconds).
    """
    body = analysis.to_dict()
    if command is None:
        cmd = None
    elif isinstance(command, str):
        cmd = command
    else:
        import shlex

        cmd = shlex.join([str(c) for c in command])
    stamp = created or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    return {**body, "command": cmd, "versions": versions(), "created": stamp}


def write_analysis_json(analysis: Any, path: str | Path, *, command: Sequence[str] | str | None = None,
                        created: str | None = None) -> Path:
    """Write ``analysis.json`` (sorted keys, two-space indent, trailing newline) and return its path."""
    doc = analysis_document(analysis, command=command, created=created)
    path = Path(path)
    path.write_text(json.dumps(doc, indent=2, sort_keys=True, allow_nan=False) + "\n", encoding="utf-8")
    return path
