"""Benchmark conditional Granger and VARLiNGAM against statsmodels and lingam, measured in the same run.

Data: a random stable VAR(2) with two lagged parents per node and uniform noise
(plus a sparse contemporaneous B0 for VARLiNGAM), T = 1000, tau_max = 3.

Prints
------
1. ``granger``: conditional Granger on every ordered pair at p = 20 and 50: our
   ``ConditionalGranger`` (VAR order fixed at 3, as the reference) against
   statsmodels ``VAR(x).fit(3)`` followed by ``test_causality(j, [i], kind="f")``
   for every pair (i != j). At p = 50 statsmodels is timed on a random subset
   of pairs and extrapolated to all pairs (said in the row). The largest
   statistic difference over the pairs timed, and our peak traced memory.
2. ``varlingam``: our ``VARLiNGAM(tau_max=3)`` (BIC, lingam's settings
   ``trend="n", lag_sample="own"``) against ``lingam.VARLiNGAM(lags=3)`` at p = 20
   and 50: times, ratio, whether the causal orders and the matrices agree,
   and our peak traced memory.

Times are CPU seconds of this process (``time.process_time``), as in the issue's
anchors. Run standalone: ``python benchmarks/_bench_var.py [--quick]``. Not a
test: no assertions.
"""

from __future__ import annotations

import argparse
import time
import tracemalloc
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np


def _var_data(p: int, big_t: int, seed: int, contemporaneous: bool = False) -> np.ndarray:
    rng = np.random.default_rng(seed)
    coefs = np.zeros((2, p, p))
    for j in range(p):
        for i in rng.choice(p, 2, replace=False):
            coefs[rng.integers(0, 2), j, i] = rng.uniform(0.2, 0.4) * rng.choice([-1, 1])
    # scale to a spectral radius of the companion matrix below 0.9
    comp = np.zeros((2 * p, 2 * p))
    comp[:p, :p], comp[:p, p:], comp[p:, :p] = coefs[0], coefs[1], np.eye(p)
    radius = np.max(np.abs(np.linalg.eigvals(comp)))
    if radius > 0.9:
        coefs *= 0.9 / radius
    mix = np.eye(p)
    if contemporaneous:
        b0 = np.tril(rng.uniform(0.3, 0.7, (p, p)) * (rng.random((p, p)) < 1.5 / p), -1)
        mix = np.linalg.inv(np.eye(p) - b0)
    x = np.zeros((big_t + 200, p))
    e = rng.uniform(-1, 1, (big_t + 200, p)) @ mix.T
    for t in range(2, big_t + 200):
        x[t] = coefs[0] @ x[t - 1] + coefs[1] @ x[t - 2] + e[t]
    return x[200:]


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.process_time()
    out = fn()
    return time.process_time() - t0, out


def _peak_mib(fn: Callable[[], Any]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def granger(quick: bool = False) -> None:
    """Conditional Granger on all pairs vs statsmodels' pair-by-pair ``test_causality``."""
    from statsmodels.tsa.api import VAR

    from causalscope.discovery.granger import ConditionalGranger

    print("\n== conditional Granger, all ordered pairs, T = 1000, VAR(3) vs statsmodels test_causality (CPU s) ==")
    print(f"{'p':>4} {'ours s':>9} {'statsmodels s':>14} {'ratio':>9} {'max |F diff|':>13} {'ours MiB':>9}  note")
    for p in (20,) if quick else (20, 50):
        x = _var_data(p, 1000, p)
        model = ConditionalGranger(tau_max=3, criterion=None)
        model.fit(x)  # warm-up (imports)
        ours = min(_timed(lambda: model.fit(x))[0] for _ in range(3))
        pairs = [(i, j) for i in range(p) for j in range(p) if i != j]
        rng = np.random.default_rng(0)
        subset = pairs if p <= 20 else [pairs[k] for k in rng.choice(len(pairs), 100, replace=False)]

        def reference() -> list[float]:
            res = VAR(x).fit(3)
            return [float(res.test_causality(j, [i], kind="f").test_statistic) for i, j in subset]

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref_time, stats = _timed(reference)
        fit_time = _timed(lambda: VAR(x).fit(3))[0]
        full = fit_time + (ref_time - fit_time) * len(pairs) / len(subset)
        diff = max(abs(s - model.statistics_[i, j]) / max(1.0, abs(s)) for s, (i, j) in zip(stats, subset))
        note = "" if len(subset) == len(pairs) else f"statsmodels timed on {len(subset)} of {len(pairs)} pairs, extrapolated"
        mem = _peak_mib(lambda: model.fit(x))
        print(f"{p:>4} {ours:>9.4f} {full:>14.2f} {full / ours:>8.0f}x {diff:>13.1e} {mem:>9.1f}  {note}")


def varlingam(quick: bool = False) -> None:
    """VARLiNGAM vs ``lingam.VARLiNGAM`` (lags 3, BIC, pruned)."""
    import lingam

    from causalscope.discovery.varlingam import VARLiNGAM

    print("\n== VARLiNGAM, T = 1000, tau_max = 3, BIC, pruned vs lingam.VARLiNGAM(lags=3) (CPU s) ==")
    print(f"{'p':>4} {'ours s':>9} {'lingam s':>9} {'ratio':>7} {'order':>6} {'same order':>10} "
          f"{'max |B diff|':>13} {'ours MiB':>9}")
    for p in (20,) if quick else (20, 50):
        x = _var_data(p, 1000, 100 + p, contemporaneous=True)
        model = VARLiNGAM(tau_max=3, trend="n", lag_sample="own")
        model.fit(x[:200, :3])  # warm-up (numba kernels, imports)
        ours, _ = _timed(lambda: model.fit(x))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref_time, ref = _timed(lambda: lingam.VARLiNGAM(lags=3).fit(x))
        same_order = [model.variables_.index(v) for v in model.causal_order_] == list(ref.causal_order_)
        b_ours, b_ref = model.adjacency_matrices_, ref.adjacency_matrices_
        diff = float(np.abs(b_ours - b_ref).max()) if b_ours.shape == b_ref.shape else float("nan")
        mem = _peak_mib(lambda: model.fit(x))
        print(f"{p:>4} {ours:>9.3f} {ref_time:>9.2f} {ref_time / ours:>6.1f}x {model.order_:>6} "
              f"{str(same_order):>10} {diff:>13.1e} {mem:>9.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="p = 20 only")
    args = parser.parse_args()
    granger(args.quick)
    varlingam(args.quick)


if __name__ == "__main__":
    main()
