"""Benchmark the time-series discovery methods against their reference libraries, in the same run.

Prints, per method (one function each; pick them with ``--methods``):

* ``pcmci``: PCMCI with ParCorr (``tau_max = 3``, ``pc_alpha = 0.2``,
  ``alpha = 0.05``, tigramite's ``run_pcmci`` defaults otherwise) on a random
  stable VAR(2) with two parents per node (plus its own lag), T = 1000, at
  p = 20 and 50: tigramite's time and ours on one core (``n_jobs=1``; BLAS threads
  pinned to 1 with threadpoolctl for both), the ratio, ours with ``n_jobs=2``
  (the first call starts the worker pool; a second call reuses it), the peak
  Python-heap memory of our fit (tracemalloc, which sees numpy's buffers) and the
  process's maximum resident set size, and whether the answers agree (same PC1
  parents; the largest difference of the MCI p-values).

* ``granger``: conditional Granger on every ordered pair (VAR order fixed at 3)
  on ``simulate_var`` data, T = 1000, p = 20 and 50: ours (``ConditionalGranger``,
  all pairs from one fit) against statsmodels ``VAR(x).fit(3)`` followed by
  ``test_causality(j, [i], kind="f")`` for every pair ``i != j``. At p = 50
  statsmodels is timed on 100 random pairs and extrapolated (fit time + per-pair
  time x 2450, said in the row). The largest relative F difference, our peak
  traced memory.
* ``varlingam``: ``VARLiNGAM(tau_max=3)`` (BIC; lingam's settings ``trend="n"``,
  ``lag_sample="own"``) against ``lingam.VARLiNGAM(lags=3)`` on a structural
  VAR(2) with uniform noise and a sparse contemporaneous B0, T = 1000, p = 20 and
  50: times, ratio, the order chosen, same causal order, the largest matrix
  difference, our peak traced memory.

* ``pcmciplus``: PCMCI+ with ParCorr (``tau_max = 3``, ``pc_alpha = 0.01``,
  majority rule, tigramite's ``run_pcmciplus`` defaults otherwise) on the same kind
  of VAR(2) plus a contemporaneous chain (each of the first half of the variables
  drives the next one at lag 0), T = 1000, p = 20 (and 50 without ``--quick``):
  the same columns as ``pcmci``; agreement is the same graph (every mark) and the
  largest difference of the p-values.

* ``workers``: ours only, PCMCI and PCMCI+ at p = 100, T = 1000 and 3000, with 1
  and 2 worker processes (the second call of the warm pool), speed-up and whether
  the p-values are identical.

Granger and VARLiNGAM run with BLAS pinned to one thread (threadpoolctl) for ours and the reference.

Run: ``python benchmarks/bench_timeseries.py [--methods pcmci,pcmciplus,granger,varlingam,workers] [--quick]``
(``--quick``: p = 20 only). Not a test: no assertions. tigramite is GPL and used
only as a black-box reference.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd


def simulate_var(
    p: int, t: int, seed: int, max_lag: int = 2, coef: float = 0.4
) -> tuple[np.ndarray, dict[int, list[tuple[int, int]]]]:
    """A random stable VAR(max_lag): own lag-1 term 0.5 and two lagged parents of weight +-coef per node.

    The coefficients are scaled down when the companion matrix's spectral radius
    exceeds 0.9, so the process is stable; 100 burn-in rows are dropped. Returns
    the ``(t, p)`` series and the true parents ``{j: [(i, lag), ...]}`` (also used
    by ``tests/discovery/test_pcmci.py``).
    """
    rng = np.random.default_rng(seed)
    a = np.zeros((max_lag, p, p))
    for j in range(p):
        a[0, j, j] = 0.5
        for i in rng.choice([v for v in range(p) if v != j], size=min(2, p - 1), replace=False):
            a[int(rng.integers(1, max_lag + 1)) - 1, j, i] = coef * rng.choice([-1.0, 1.0])
    comp = np.zeros((p * max_lag, p * max_lag))
    comp[:p] = np.hstack(list(a))
    comp[p:, :-p] = np.eye(p * (max_lag - 1))
    rho = float(np.abs(np.linalg.eigvals(comp)).max())
    if rho > 0.9:
        a *= 0.9 / rho
    burn = 100
    x = rng.normal(size=(t + burn, p))
    for s in range(max_lag, t + burn):
        for lag in range(max_lag):
            x[s] += a[lag] @ x[s - lag - 1]
    parents = {j: [(i, lag + 1) for lag in range(max_lag) for i in range(p) if a[lag, j, i] != 0] for j in range(p)}
    return x[burn:], parents


def _timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def bench_pcmci(quick: bool = False) -> None:
    """PCMCI ParCorr: ours vs tigramite (see the module docstring)."""
    from threadpoolctl import threadpool_limits

    from causalscope.discovery import PCMCI

    try:
        import tigramite.data_processing as pp
        from tigramite.independence_tests.parcorr import ParCorr as TigParCorr
        from tigramite.pcmci import PCMCI as TigPCMCI
    except ImportError:  # pragma: no cover - optional reference
        TigPCMCI = None

    tau_max, t_len = 3, 1000
    print(f"PCMCI ParCorr, T={t_len}, tau_max={tau_max}, pc_alpha=0.2, alpha=0.05 (random stable VAR(2))")
    print(f"{'p':>4} {'tigramite s':>12} {'ours 1 core s':>14} {'ratio':>7} {'ours n_jobs=2 s (cold/warm)':>28} "
          f"{'ratio 2':>8} {'peak MiB':>9} {'same parents':>13} {'max |dp|':>9} {'n_jobs=2 identical':>19}")
    for p in (20,) if quick else (20, 50):
        x, _ = simulate_var(p, t_len, seed=p)
        with threadpool_limits(1):
            ours_s, est = _timed(lambda: PCMCI(tau_max=tau_max).fit(x))
            ours_s = min(ours_s, _timed(lambda: PCMCI(tau_max=tau_max).fit(x))[0])
            cold, _ = _timed(lambda: PCMCI(tau_max=tau_max, n_jobs=2).fit(x))
            warm, two = _timed(lambda: PCMCI(tau_max=tau_max, n_jobs=2).fit(x))
            tracemalloc.start()
            PCMCI(tau_max=tau_max).fit(x)
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            tig_s, same, dp = float("nan"), "n/a", float("nan")
            if TigPCMCI is not None:
                ref = TigPCMCI(pp.DataFrame(x), TigParCorr())
                tig_s, res = _timed(lambda: ref.run_pcmci(tau_max=tau_max, pc_alpha=0.2, alpha_level=0.05))
                same = str(all(
                    [(i, -lag) for i, lag in est.selection_.parents[j]] == list(ref.all_parents[j])  # type: ignore[attr-defined]
                    for j in range(p)
                ))
                dp = float(np.abs(est.p_matrix_ - res["p_matrix"]).max())  # type: ignore[attr-defined,index]
        identical = np.array_equal(est.p_matrix_, two.p_matrix_)  # type: ignore[attr-defined]
        print(f"{p:>4} {tig_s:>12.2f} {ours_s:>14.3f} {tig_s / ours_s:>7.1f} {cold:>13.3f} / {warm:<12.3f} "
              f"{tig_s / warm:>8.1f} {peak:>9.1f} {same:>13} {dp:>9.1e} {identical!s:>19}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max resident set size of this process (all runs, tigramite included): {rss:.0f} MiB")


def _peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def bench_granger(quick: bool = False) -> None:
    """Conditional Granger on all pairs: ours vs statsmodels' pair-by-pair test_causality."""
    from statsmodels.tsa.api import VAR
    from threadpoolctl import threadpool_limits

    from causalscope.discovery import ConditionalGranger

    print("conditional Granger, all ordered pairs, T=1000, VAR(3) (simulate_var data) vs statsmodels test_causality")
    print(f"{'p':>4} {'ours s':>9} {'statsmodels s':>14} {'ratio':>9} {'max rel |dF|':>13} {'peak MiB':>9}  note")
    for p in (20,) if quick else (20, 50):
        x, _ = simulate_var(p, 1000, seed=p)
        pairs = [(i, j) for i in range(p) for j in range(p) if i != j]
        rng = np.random.default_rng(0)
        subset = pairs if p <= 20 else [pairs[k] for k in rng.choice(len(pairs), 100, replace=False)]
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model = ConditionalGranger(tau_max=3, criterion=None)
            model.fit(x)  # imports
            ours = min(_timed(lambda: model.fit(x))[0] for _ in range(3))
            peak = _peak_mib(lambda: model.fit(x))

            def reference() -> list[float]:
                res = VAR(x).fit(3)
                return [float(res.test_causality(j, [i], kind="f").test_statistic) for i, j in subset]

            ref_s, stats = _timed(reference)
            fit_s = _timed(lambda: VAR(x).fit(3))[0]
        full = fit_s + (ref_s - fit_s) * len(pairs) / len(subset)
        diff = max(abs(f - model.statistics_[i, j]) / max(1.0, abs(f)) for f, (i, j) in zip(stats, subset))  # type: ignore[arg-type]
        note = "" if len(subset) == len(pairs) else f"statsmodels timed on {len(subset)} of {len(pairs)} pairs, extrapolated"
        print(f"{p:>4} {ours:>9.4f} {full:>14.2f} {full / ours:>8.0f}x {diff:>13.1e} {peak:>9.1f}  {note}")


def simulate_svar(p: int, t: int, seed: int) -> np.ndarray:
    """A structural VAR(2) for VARLiNGAM: sparse B0 (acyclic, random order), two lagged parents per node, uniform noise."""
    rng = np.random.default_rng(seed)
    lagged = np.zeros((2, p, p))
    for j in range(p):
        lagged[0, j, j] = 0.4
        for i in rng.choice(p, 2, replace=False):
            lagged[rng.integers(0, 2), j, i] += 0.3 * rng.choice([-1.0, 1.0])
    order = rng.permutation(p)
    b0 = np.zeros((p, p))
    for k in range(1, p):
        if rng.random() < 0.7:
            b0[order[k], order[rng.integers(0, k)]] = rng.uniform(0.3, 0.7)
    mix = np.linalg.inv(np.eye(p) - b0)
    m = np.einsum("ij,tjk->tik", mix, lagged)  # reduced form M_tau = (I - B0)^-1 B_tau
    big = np.block([[m[0], m[1]], [np.eye(p), np.zeros((p, p))]])
    shrink = min(1.0, 0.9 / float(np.abs(np.linalg.eigvals(big)).max()))
    m *= shrink
    u = rng.uniform(-1, 1, (t + 200, p)) @ mix.T
    x = np.zeros((t + 200, p))
    for s in range(2, t + 200):
        x[s] = m[0] @ x[s - 1] + m[1] @ x[s - 2] + u[s]
    return x[200:]


def bench_varlingam(quick: bool = False) -> None:
    """VARLiNGAM: ours vs lingam.VARLiNGAM (lags 3, BIC, pruned)."""
    import lingam
    from threadpoolctl import threadpool_limits

    from causalscope.discovery import VARLiNGAM

    print("VARLiNGAM, T=1000, tau_max=3, BIC, pruned (structural VAR(2), uniform noise) vs lingam.VARLiNGAM(lags=3)")
    print(f"{'p':>4} {'ours s':>9} {'lingam s':>9} {'ratio':>7} {'order':>6} {'same order':>10} "
          f"{'max |dB|':>9} {'peak MiB':>9}")
    for p in (20,) if quick else (20, 50):
        x = simulate_svar(p, 1000, seed=100 + p)
        model = VARLiNGAM(tau_max=3, trend="n", lag_sample="own")
        with threadpool_limits(1), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(x[:300, :4])  # numba kernels, imports
            ours, _ = _timed(lambda: model.fit(x))
            peak = _peak_mib(lambda: model.fit(x))
            ref_s, ref = _timed(lambda: lingam.VARLiNGAM(lags=3).fit(x))
        same = [model.variables_.index(v) for v in model.causal_order_] == list(ref.causal_order_)  # type: ignore[attr-defined]
        ours_b, ref_b = model.adjacency_matrices_, ref.adjacency_matrices_  # type: ignore[attr-defined]
        diff = float(np.abs(ours_b - ref_b).max()) if ours_b.shape == ref_b.shape else float("nan")
        print(f"{p:>4} {ours:>9.3f} {ref_s:>9.2f} {ref_s / ours:>6.1f}x {model.order_:>6} {same!s:>10} "
              f"{diff:>9.1e} {peak:>9.1f}")


def simulate_var_contemporaneous(p: int, t: int, seed: int, coef: float = 0.5) -> np.ndarray:
    """:func:`simulate_var` with contemporaneous links ``X_{j-1}[t] --> X_j[t]`` for odd ``j < p / 2``.

    The lag-0 effects are added at each step in variable order, before the next step,
    so the process is the structural VAR with that contemporaneous DAG.
    """
    rng = np.random.default_rng(seed)
    a = np.zeros((2, p, p))
    for j in range(p):
        a[0, j, j] = 0.5
        for i in rng.choice([v for v in range(p) if v != j], size=min(2, p - 1), replace=False):
            a[int(rng.integers(0, 2)), j, i] = 0.3 * rng.choice([-1.0, 1.0])
    children = [j for j in range(1, p // 2) if j % 2 == 1]
    x = rng.normal(size=(t + 100, p))
    for s in range(2, t + 100):
        x[s] += a[0] @ x[s - 1] + a[1] @ x[s - 2]
        for j in children:
            x[s, j] += coef * x[s, j - 1]
        if not np.isfinite(x[s]).all() or np.abs(x[s]).max() > 1e6:
            raise RuntimeError("unstable draw; use another seed")
    return x[100:]


def bench_pcmciplus(quick: bool = False) -> None:
    """PCMCI+ ParCorr: ours vs tigramite (see the module docstring)."""
    from threadpoolctl import threadpool_limits

    from causalscope.discovery import PCMCIPlus

    try:
        import tigramite.data_processing as pp
        from tigramite.independence_tests.parcorr import ParCorr as TigParCorr
        from tigramite.pcmci import PCMCI as TigPCMCI
    except ImportError:  # pragma: no cover - optional reference
        TigPCMCI = None

    tau_max, t_len, alpha = 3, 1000, 0.01
    print(f"PCMCI+ ParCorr, T={t_len}, tau_max={tau_max}, pc_alpha={alpha}, majority rule "
          "(random stable VAR(2) with a contemporaneous chain)")
    print(f"{'p':>4} {'tigramite s':>12} {'ours 1 core s':>14} {'ratio':>7} {'ours n_jobs=2 s (cold/warm)':>28} "
          f"{'ratio 2':>8} {'peak MiB':>9} {'same graph':>11} {'max |dp|':>9} {'n_jobs=2 identical':>19}")
    for p in (20,) if quick else (20, 50):
        x = simulate_var_contemporaneous(p, t_len, seed=p)
        fit = lambda n_jobs=1: PCMCIPlus(tau_max=tau_max, pc_alpha=alpha, n_jobs=n_jobs).fit(x)  # noqa: E731
        with threadpool_limits(1):
            ours_s, est = _timed(fit)
            ours_s = min(ours_s, _timed(fit)[0])
            cold, _ = _timed(lambda: fit(2))
            warm, two = _timed(lambda: fit(2))
            tracemalloc.start()
            fit()
            peak = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
            tig_s, same, dp = float("nan"), "n/a", float("nan")
            if TigPCMCI is not None:
                ref = TigPCMCI(pp.DataFrame(x), TigParCorr())
                tig_s, res = _timed(lambda: ref.run_pcmciplus(tau_max=tau_max, pc_alpha=alpha))
                same = str(bool(np.array_equal(est.graph_array_, res["graph"])))  # type: ignore[attr-defined,index]
                dp = float(np.abs(est.p_matrix_ - res["p_matrix"]).max())  # type: ignore[attr-defined,index]
        identical = np.array_equal(est.p_matrix_, two.p_matrix_) and np.array_equal(est.graph_array_, two.graph_array_)  # type: ignore[attr-defined]
        print(f"{p:>4} {tig_s:>12.2f} {ours_s:>14.3f} {tig_s / ours_s:>7.1f} {cold:>13.3f} / {warm:<12.3f} "
              f"{tig_s / warm:>8.1f} {peak:>9.1f} {same:>11} {dp:>9.1e} {identical!s:>19}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"max resident set size of this process (all runs, tigramite included): {rss:.0f} MiB")


def bench_workers(quick: bool = False) -> None:
    """PCMCI and PCMCI+ (ours only) with 1 and 2 worker processes on larger problems: where 2 workers pay off."""
    from threadpoolctl import threadpool_limits

    from causalscope.discovery import PCMCI, PCMCIPlus

    sizes = [(100, 1000)] if quick else [(100, 1000), (100, 3000)]
    print("ours with 1 and 2 workers (BLAS pinned to one thread; 2 workers: the warm pool's second call)")
    print(f"{'method':>10} {'p':>4} {'T':>6} {'1 worker':>9} {'2 workers':>10} {'speed-up':>9} {'identical':>10}")
    for p, t in sizes:
        x, _ = simulate_var(p, t, seed=0)
        frame = pd.DataFrame(x, columns=[f"X{i}" for i in range(p)])
        with threadpool_limits(1):
            for cls in (PCMCI, PCMCIPlus):
                one_s, one = _timed(lambda c=cls: c(tau_max=3, n_jobs=1).fit(frame))
                cls(tau_max=3, n_jobs=2).fit(frame)  # starts the pool
                two_s, two = _timed(lambda c=cls: c(tau_max=3, n_jobs=2).fit(frame))
                same = np.array_equal(one.p_matrix_, two.p_matrix_)  # type: ignore[attr-defined]
                print(f"{cls.__name__:>10} {p:>4} {t:>6} {one_s:>9.2f} {two_s:>10.2f} {one_s / two_s:>8.2f}x "
                      f"{same!s:>10}")


METHODS: dict[str, Callable[[bool], None]] = {
    "pcmci": bench_pcmci, "pcmciplus": bench_pcmciplus, "granger": bench_granger, "varlingam": bench_varlingam,
    "workers": bench_workers,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--methods", default=",".join(METHODS), help=f"comma-separated, from {sorted(METHODS)}")
    parser.add_argument("--quick", action="store_true", help="the smallest size only")
    args = parser.parse_args()
    names = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = sorted(set(names) - set(METHODS))
    if unknown:
        parser.error(f"unknown method(s) {unknown}; expected some of {sorted(METHODS)}")
    for name in names:
        METHODS[name](args.quick)
        print()


if __name__ == "__main__":
    main()
