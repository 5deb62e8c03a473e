"""Power and calibration of the CI tests on simulated scenarios (tables for docs/independence.md).

For each scenario (``linear``, ``nonlinear``, ``discrete``, ``mixed``) and sample size
the script simulates ``X``, ``Y`` and ``Z`` twice: with ``X _||_ Y | Z`` (the null
hypothesis) and with a direct dependence of ``Y`` on ``X`` (the alternative), and
runs every applicable test on ``X _||_ Y | Z``. It prints two Markdown tables:

1. **power**: the rejection rate at ``alpha = 0.05`` under the alternative;
2. **calibration**: under the null, the Kolmogorov-Smirnov p-value of the p-values
   against the uniform law and the rejection rate at ``alpha = 0.05``.

Scenarios (``e`` standard normal noise, ``b`` the dependence, 0 under the null):

- ``linear``: ``Z ~ N(0,1)``, ``X = 0.8 Z + e``, ``Y = 0.8 Z + 0.15 b X + e``;
- ``nonlinear``: ``X = tanh(Z) + 0.5 e``, ``Y = sin(1.5 Z) + 0.25 b cos(3 X) + 0.5 e``;
- ``discrete``: ternary ``Z`` uniform; ``X = Z`` w.p. 0.5 else uniform;
  ``Y = Z + 1 mod 3`` w.p. 0.4, else ``X`` w.p. ``0.35 b``, else uniform;
- ``mixed``: continuous ``Z``; ternary ``X = digitize(Z + logistic, [-1, 1])``;
  ``Y = 0.5 Z + 0.35 b [X == 1] + e`` (the middle level: no trend in the codes).

Discrete columns are pandas categoricals, so ``gsq``/``chisq``/``mixed`` see their
kind; ``fisherz``, ``kci`` and ``rcot`` use their integer codes as numbers. A test
that refuses the data (the G-test on continuous columns) is shown as ``n/a``.

Run: ``python benchmarks/power_ci.py [--reps 200] [--seed 0] [--kci-max-n 200] [--tests ...]``.
Not a test: no assertions. Every repetition draws from
``numpy.random.default_rng([seed, scenario, n, null])``; RCoT uses ``random_state=rep``.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
from scipy import stats

from causalscope.exceptions import DataError
from causalscope.independence import make_ci_test

TESTS = ["fisherz", "gsq", "chisq", "kci", "rcot", "mixed"]
SCENARIOS = ["linear", "nonlinear", "discrete", "mixed"]


def _linear(rng: np.random.Generator, n: int, b: float) -> pd.DataFrame:
    z = rng.normal(size=n)
    x = 0.8 * z + rng.normal(size=n)
    y = 0.8 * z + 0.15 * b * x + rng.normal(size=n)
    return pd.DataFrame({"X": x, "Y": y, "Z": z})


def _nonlinear(rng: np.random.Generator, n: int, b: float) -> pd.DataFrame:
    z = rng.normal(size=n)
    x = np.tanh(z) + 0.5 * rng.normal(size=n)
    y = np.sin(1.5 * z) + 0.25 * b * np.cos(3 * x) + 0.5 * rng.normal(size=n)
    return pd.DataFrame({"X": x, "Y": y, "Z": z})


def _discrete(rng: np.random.Generator, n: int, b: float) -> pd.DataFrame:
    z = rng.integers(0, 3, n)
    x = np.where(rng.random(n) < 0.5, z, rng.integers(0, 3, n))
    u = rng.random(n)
    y = np.where(u < 0.4, (z + 1) % 3, np.where(u < 0.4 + 0.6 * 0.35 * b, x, rng.integers(0, 3, n)))
    return pd.DataFrame({"X": x, "Y": y, "Z": z}).astype("category")


def _mixed(rng: np.random.Generator, n: int, b: float) -> pd.DataFrame:
    z = rng.normal(size=n)
    x = np.digitize(z + rng.logistic(size=n), [-1.0, 1.0])
    y = 0.5 * z + 0.35 * b * (x == 1) + rng.normal(size=n)
    return pd.DataFrame({"X": x, "Y": y, "Z": z}).astype({"X": "category"})


SIMULATE: dict[str, Callable[[np.random.Generator, int, float], pd.DataFrame]] = {
    "linear": _linear, "nonlinear": _nonlinear, "discrete": _discrete, "mixed": _mixed,
}


def _p_values(scenario: str, n: int, null: bool, reps: int, seed: int, tests: list[str]) -> dict[
    str, np.ndarray | None
]:
    rng = np.random.default_rng([seed, SCENARIOS.index(scenario), n, int(null)])
    out: dict[str, list[float] | None] = {t: [] for t in tests}
    for rep in range(reps):
        frame = SIMULATE[scenario](rng, n, 0.0 if null else 1.0)
        for name in tests:
            if out[name] is None:
                continue
            kwargs = {"random_state": rep} if name == "rcot" else {}
            try:
                p = make_ci_test(name, frame, **kwargs).test("X", "Y", ["Z"]).p_value
            except DataError:
                out[name] = None
                continue
            out[name].append(p)  # type: ignore[union-attr]
    return {t: (None if v is None else np.asarray(v)) for t, v in out.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=200, help="repetitions per cell (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="base seed (default 0)")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--tests", nargs="+", default=TESTS, choices=TESTS,
                        help="which tests to run (default: all)")
    parser.add_argument("--kci-max-n", type=int, default=200,
                        help="run KCI (O(n^3)) only up to this n (default 200)")
    args = parser.parse_args()

    power: dict[tuple[str, int], dict[str, str]] = {}
    calib: dict[tuple[str, int], dict[str, str]] = {}
    t0 = time.perf_counter()
    for n in args.sizes:
        tests = [t for t in args.tests if t != "kci" or n <= args.kci_max_n]
        for scenario in SCENARIOS:
            alt = _p_values(scenario, n, False, args.reps, args.seed, tests)
            nul = _p_values(scenario, n, True, args.reps, args.seed, tests)
            power[scenario, n] = {
                t: "n/a" if alt[t] is None else f"{np.mean(alt[t] < 0.05):.2f}" for t in tests
            }
            calib[scenario, n] = {
                t: "n/a" if nul[t] is None else
                f"{stats.kstest(nul[t], 'uniform').pvalue:.2f} / {np.mean(nul[t] < 0.05):.3f}"
                for t in tests
            }
            print(f"# done {scenario} n={n} ({time.perf_counter() - t0:.0f} s)", flush=True)

    header = "| scenario | n | " + " | ".join(TESTS) + " |"
    rule = "|---|---|" + "---|" * len(TESTS)
    print(f"\nPower: rejection rate at alpha = 0.05 under dependence ({args.reps} reps, seed {args.seed})\n")
    print(header + "\n" + rule)
    for (scenario, n), row in power.items():
        print(f"| {scenario} | {n} | " + " | ".join(row.get(t, "-") for t in TESTS) + " |")
    print(f"\nCalibration under X _||_ Y | Z: KS p-value / rejection rate at 0.05 ({args.reps} reps)\n")
    print(header + "\n" + rule)
    for (scenario, n), row in calib.items():
        print(f"| {scenario} | {n} | " + " | ".join(row.get(t, "-") for t in TESTS) + " |")
    print(f"\n({time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
