"""Count the :class:`~causalscope.data.Dataset` objects one copilot run builds, and where from.

Runs ``make demo``'s analysis (``causalscope analyze --example sachs --treatment pkc
--outcome erk --seed 0``, in process, one worker) with ``Dataset.__init__`` wrapped by a
counter, and prints the total and the count per building site: the first function
outside ``data/dataset.py`` on the stack, with the function that called it, and
whether the Dataset was *validated* (built from a table: kinds inferred, every
check run) or *derived* from another one without re-validation
(``Dataset.take``, ``Dataset.subset``).

With ``--simulated P`` it counts one ``analyze`` of a simulated linear-Gaussian
table of ``P`` variables and 500 rows instead (PC or GES with tuning, the
bootstrap and the hidden-confounder check), with the treatment ``X1`` and outcome
``X2``.

Usage::

    PYTHONPATH=src python benchmarks/count_datasets.py [--seed 0] [--simulated 6]

The counter is installed by this script only; the library is not changed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import tempfile
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

_SKIP = ("data/dataset.py",)


def _site(frame: FrameType | None) -> str:
    """``validated|derived  module.py:function <- module.py:function`` of the code that asked for the Dataset."""
    names: list[str] = []
    inside: list[str] = []
    while frame is not None and len(names) < 2:
        path = frame.f_code.co_filename.replace("\\", "/")
        if path.endswith(_SKIP):
            inside.append(frame.f_code.co_name)
        else:
            short = path.split("/causalscope/", 1)[-1]
            names.append(f"{short}:{frame.f_code.co_name}")
        frame = frame.f_back
    how = "validated" if "from_frame" in inside or "_build" in inside else "derived  "
    return f"{how}  " + " <- ".join(names)


def _simulated(p: int, seed: int) -> None:
    from causalscope.datasets import simulate
    from causalscope.pipeline import analyze

    sim = simulate(p, 500, mechanism="linear", noise="gaussian", random_state=seed)
    analyze(sim.data, treatment="X1", outcome="X2", random_state=seed)


def count(seed: int = 0, simulated: int | None = None) -> tuple[int, Counter[str]]:
    """Run the demo's analysis (or one of ``simulated`` variables) once; return the number of Datasets built
    and the count per site."""
    from causalscope.cli._demo import run_demo
    from causalscope.data import Dataset

    sites: Counter[str] = Counter()
    original = Dataset.__init__

    def counting(self: Dataset, *args: Any, **kwargs: Any) -> None:
        sites[_site(sys._getframe(1))] += 1
        original(self, *args, **kwargs)

    Dataset.__init__ = counting  # type: ignore[method-assign]
    try:
        with tempfile.TemporaryDirectory() as tmp, contextlib.redirect_stdout(io.StringIO()):
            if simulated is None:
                run_demo(Path(tmp) / "demo", seed=seed)
            else:
                _simulated(simulated, seed)
    finally:
        Dataset.__init__ = original  # type: ignore[method-assign]
    return sum(sites.values()), sites


def main(argv: list[str] | None = None) -> int:
    """Print the count of Datasets one demo analysis builds, per site."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--simulated", type=int, default=None, metavar="P",
                        help="count one analyze of a simulated table of P variables instead of the demo")
    args = parser.parse_args(argv)
    total, sites = count(args.seed, args.simulated)
    what = "demo analysis (Sachs" if args.simulated is None else f"analyze (simulated, p = {args.simulated}"
    validated = sum(n for site, n in sites.items() if site.startswith("validated"))
    print(f"Datasets built by one {what}, seed {args.seed}): {total} "
          f"({validated} validated from a table, {total - validated} derived without re-validation)")
    for site, n in sites.most_common():
        print(f"{n:6d}  {site}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
