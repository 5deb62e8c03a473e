"""Who imports a package first during one ``causalscope`` command (a start-up cost finder).

Run: ``python benchmarks/trace_import.py PACKAGE ARGS...``, e.g.
``python benchmarks/trace_import.py scipy discover tiny.csv --algorithm pc --out g.json``.
Prints, on stderr, the causalscope frames of the first import of ``PACKAGE`` (or
nothing if the command never imports it), then runs the command as ``causalscope
ARGS...`` would. See "Start-up time" in ``docs/design.md``.
"""

from __future__ import annotations

import builtins
import sys
import traceback
from typing import Any


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    target, args = argv[0], argv[1:]
    original = builtins.__import__
    seen = False

    def hook(name: str, *rest: Any, **kw: Any) -> Any:
        nonlocal seen
        if not seen and name.split(".")[0] == target:
            seen = True
            frames = [f for f in traceback.extract_stack() if "causalscope" in f.filename]
            lines = [f"{f.filename.split('src/')[-1]}:{f.lineno} {f.line}" for f in frames[-6:]]
            print(f"first import of {name}:", *lines, sep="\n  ", file=sys.stderr)
        return original(name, *rest, **kw)

    builtins.__import__ = hook
    from causalscope.cli import main as cli_main

    return int(cli_main(args) or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
