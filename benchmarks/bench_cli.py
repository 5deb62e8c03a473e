"""Benchmark the command line's overhead: ``causalscope discover`` against the same fit in-process, and causal-learn.

Prints one table. For every registered discovery algorithm usable on a tiny
continuous file (5 columns, 200 rows; CD-NOD gets a copy with a two-valued
``domain`` column):

* ``cli``: wall time of ``causalscope discover FILE --algorithm A --out G.json`` in a
  subprocess (the console script beside this interpreter), median of 3 after one
  warm-up run (which also fills numba's on-disk cache);
* ``fit``: the same fit in this process, ``make_algorithm(A).fit(read_data(FILE))``,
  median of 3 after a warm-up (imports and compilation excluded);
* ``cpu``: the command's CPU time (user + system), median of the same runs: robust
  to other processes competing for the cores, unlike the wall time;
* their ratio and difference (wall time against the fit): the difference is the start-up cost of the command
  (interpreter, imports, reading the file, writing the graph).

Then causal-learn called the same way: a ``python -c`` subprocess that imports
causal-learn, reads the CSV and runs its PC / FCI / GES (Fisher-z or BIC), against
the same call in this process. Last, GES at p = 20 (n = 1,000 linear-Gaussian
samples): the command line against causal-learn's GES in a subprocess, and
``causalscope --version`` / ``--help`` / ``python -c pass`` for scale.

The goal of issue 18 (item 7): ``discover tiny.csv --algorithm pc`` under 0.6 s on a
warm cache, and every algorithm's ``cli`` within 0.5 s of its ``fit``.

The second line says whether causalscope's bytecode cache is there: without it (no
``__pycache__`` and ``PYTHONDONTWRITEBYTECODE`` set) each command compiles the
package from source, about 0.08 s more. The process's exit (interpreter teardown of
numpy, pandas, typer and pydantic, about 0.1 s) is part of ``cli``.

Run: ``python benchmarks/bench_cli.py [--repeats N] [--skip-causal-learn] [--skip-p20]
[--algorithms NAME ...]``.
Not a test: no assertions. Timings depend on the machine's load: the figures in
``docs/design.md`` name the machine.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

#: causal-learn calls, by our algorithm name: (import, call on the array ``x``).
CAUSAL_LEARN = {
    "pc": ("from causallearn.search.ConstraintBased.PC import pc",
           "pc(x, 0.05, 'fisherz', stable=True, show_progress=False)"),
    "fci": ("from causallearn.search.ConstraintBased.FCI import fci",
            "fci(x, 'fisherz', 0.05, show_progress=False)"),
    "ges": ("from causallearn.search.ScoreBased.GES import ges",
            "ges(x, score_func='local_score_BIC', parameters={'lambda_value': 0.5})"),
}


def _cli() -> list[str]:
    """The ``causalscope`` console script of this interpreter, else the module entry point."""
    script = Path(sys.executable).with_name("causalscope")
    if script.exists():
        return [str(script)]
    found = shutil.which("causalscope")
    return [found] if found else [sys.executable, "-c", "from causalscope.cli import run; run()"]


def _wall(cmd: Sequence[str], timeout: float) -> tuple[float, float] | None:
    """Wall time and CPU time (user + system) of one subprocess run; None if it failed or timed out.

    The CPU time counts the child's own work only, so it hardly moves when other
    processes compete for the cores; the wall time is what a user waits.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    try:
        done = subprocess.run(list(cmd), capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return None
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.stderr.write(f"failed: {' '.join(cmd)}\n{done.stderr[-500:]}\n")
        return None
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _median_wall(cmd: Sequence[str], repeats: int, timeout: float) -> tuple[float, float] | None:
    """Median wall and CPU times of ``repeats`` runs after one warm-up run."""
    if _wall(cmd, timeout) is None:  # warm-up: the OS file cache and numba's on-disk cache
        return None
    runs = [_wall(cmd, timeout) for _ in range(repeats)]
    if any(r is None for r in runs):
        return None
    return statistics.median(r[0] for r in runs if r), statistics.median(r[1] for r in runs if r)


def _median_call(fn: Callable[[], Any], repeats: int) -> float:
    fn()  # warm-up: imports and compilation
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def _data(folder: Path) -> tuple[Path, Path, Path]:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 5))
    x[:, 1] += x[:, 0]
    x[:, 2] += x[:, 1]
    tiny = folder / "tiny.csv"
    pd.DataFrame(x, columns=list("abcde")).to_csv(tiny, index=False)
    frame = pd.DataFrame(x, columns=list("abcde"))
    frame["domain"] = np.repeat([0, 1], 100)
    frame.loc[frame["domain"] == 1, "c"] += 1.5  # a change of mechanism across domains
    tiny_domain = folder / "tiny_domain.csv"
    frame.to_csv(tiny_domain, index=False)

    from causalscope.datasets import simulate

    p20 = folder / "p20.csv"
    simulate(20, 1000, expected_degree=2.0, random_state=0).data.to_csv(p20, index=False)
    return tiny, tiny_domain, p20


def _fmt(t: float | None) -> str:
    return "   n/a" if t is None else f"{t:6.3f}"


def _row(name: str, run: tuple[float, float] | None, fit: float | None) -> str:
    cli, cpu = (None, None) if run is None else run
    ratio = "   n/a" if cli is None or fit is None or fit <= 0 else f"{cli / fit:6.1f}"
    diff = "   n/a" if cli is None or fit is None else f"{cli - fit:6.3f}"
    ok = "" if cli is None or fit is None else ("  ok" if cli - fit <= 0.5 else "  > 0.5 s")
    return f"{name:<25} {_fmt(cli)} {_fmt(cpu)} {_fmt(fit)} {ratio} {diff}{ok}"


def _causal_learn_script(path: Path, algorithm: str) -> str:
    imp, call = CAUSAL_LEARN[algorithm]
    return (f"import warnings; warnings.simplefilter('ignore')\nimport numpy as np\n{imp}\n"
            f"x = np.loadtxt({str(path)!r}, delimiter=',', skiprows=1)\n{call}\n")


def _bytecode_note() -> str:
    """Whether the commands can load causalscope's compiled bytecode, or compile it from source each run.

    Without a ``__pycache__`` beside the package and with ``PYTHONDONTWRITEBYTECODE``
    set (as in some sandboxes and containers), every command recompiles the ~60
    modules it imports: about 0.08 s more per command on the machine of
    ``docs/design.md``.
    """
    import importlib.util

    import causalscope

    init = causalscope.__file__
    cached = init is not None and Path(importlib.util.cache_from_source(init)).exists()
    if cached:
        return "bytecode cache: present"
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return ("bytecode cache: ABSENT and PYTHONDONTWRITEBYTECODE is set: every command compiles causalscope "
                "from source (run `python -m compileall` on the package to measure an installed copy)")
    return "bytecode cache: absent (the warm-up run writes it)"


def main(argv: Sequence[str] | None = None) -> None:
    """Print the table (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-causal-learn", action="store_true")
    parser.add_argument("--skip-p20", action="store_true")
    parser.add_argument("--algorithms", nargs="+", metavar="NAME",
                        help="only these registered algorithms (default: every one)")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")

    from causalscope import __version__
    from causalscope.data import read_data
    from causalscope.discovery import DISCOVERY_ALGORITHMS, make_algorithm

    cli = _cli()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        tiny, tiny_domain, p20 = _data(folder)
        out = folder / "g.json"
        print(f"causalscope {__version__}, Python {sys.version.split()[0]}, {os.cpu_count()} cores, "
              f"command: {' '.join(cli)}; median of {args.repeats} after one warm-up; seconds")
        print(_bytecode_note())
        print(f"{'':<25} {'cli':>6} {'cpu':>6} {'fit':>6} {'ratio':>6} {'diff':>6}   (cli: wall; cpu: its user+sys)")
        print(_row("python -c pass", _median_wall([sys.executable, "-c", "pass"], args.repeats, 60), None))
        print(_row("causalscope --version", _median_wall([*cli, "--version"], args.repeats, 60), None))
        print(_row("causalscope --help", _median_wall([*cli, "--help"], args.repeats, 60), None))
        unknown = sorted(set(args.algorithms or ()) - set(DISCOVERY_ALGORITHMS))
        if unknown:
            parser.error(f"unknown algorithm(s) {unknown}; registered: {sorted(DISCOVERY_ALGORITHMS)}")
        for name in sorted(args.algorithms or DISCOVERY_ALGORITHMS):
            path, options = (tiny_domain, {"domain_column": "domain"}) if name == "cdnod" else (tiny, {})
            flags = ["--domain-column", "domain"] if options else []
            try:
                data = read_data(path, **options)
                fit: float | None = _median_call(lambda: make_algorithm(name, **options).fit(data), args.repeats)
            except Exception as exc:  # noqa: BLE001 - a benchmark reports what it cannot run
                print(f"{name:<25} skipped: {type(exc).__name__}: {exc}"[:120])
                continue
            cmd = [*cli, "--quiet", "discover", str(path), "--algorithm", name, *flags, "--out", str(out)]
            print(_row(f"discover {name}", _median_wall(cmd, args.repeats, 300), fit))
        if not args.skip_causal_learn:
            x = np.loadtxt(tiny, delimiter=",", skiprows=1)
            for name in CAUSAL_LEARN:
                script = _causal_learn_script(tiny, name)
                namespace: dict[str, Any] = {}
                exec(CAUSAL_LEARN[name][0], namespace)  # noqa: S102 - the benchmark's own fixed import line
                namespace["x"] = x
                fit = _median_call(lambda: eval(CAUSAL_LEARN[name][1], namespace), args.repeats)  # noqa: S307
                print(_row(f"causal-learn {name}", _median_wall([sys.executable, "-c", script], args.repeats, 300),
                           fit))
        if not args.skip_p20:
            cmd = [*cli, "--quiet", "discover", str(p20), "--algorithm", "ges", "--out", str(out)]
            data20 = read_data(p20)
            fit = _median_call(lambda: make_algorithm("ges").fit(data20), args.repeats)
            print(_row("p=20 discover ges", _median_wall(cmd, args.repeats, 600), fit))
            if not args.skip_causal_learn:
                script = _causal_learn_script(p20, "ges")
                namespace = {"x": np.loadtxt(p20, delimiter=",", skiprows=1)}
                exec(CAUSAL_LEARN["ges"][0], namespace)  # noqa: S102 - the benchmark's own fixed import line
                fit = _median_call(lambda: eval(CAUSAL_LEARN["ges"][1], namespace), args.repeats)  # noqa: S307
                print(_row("p=20 causal-learn ges", _median_wall([sys.executable, "-c", script], args.repeats, 600),
                           fit))


if __name__ == "__main__":
    main()
