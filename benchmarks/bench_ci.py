"""Benchmark the CI tests against causal-learn, measured in the same run.

Prints
------
1. Fisher-z throughput (tests per second) on a batch of 100,000 queries with
   |Z| = 0..3 over p = 100 variables and n = 10,000 rows, for
   ``FisherZ.p_values`` (index fast path), ``FisherZ.test_batch`` (named results)
   and causal-learn's ``CIT(data, "fisherz")`` (timed on a subsample of the queries,
   then extrapolated per test), with the ratio and the max relative p-value gap.
2. G-test throughput on 4,000 queries with |Z| = 0..3 over 20 ternary variables
   (n = 2,000): the vectorised batch (``GTest.p_values``), the per-query path
   (:func:`stratified_statistics` in a loop) and causal-learn's ``CIT(data, "gsq")``.
3. Kernel tests: seconds per test of RCoT and KCI at n = 1,000 and n = 10,000,
   against causal-learn's KCI (n = 1,000 only unless ``--full``; n = 10,000 KCI
   needs tens of GB and many minutes).

Run: ``python benchmarks/bench_ci.py [--quick] [--full]``. Not a test: no assertions.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd


def _fisherz(n_queries: int, n: int, p: int, cl_sample: int) -> None:
    from causallearn.utils.cit import CIT

    from causalscope.independence import FisherZ

    rng = np.random.default_rng(0)
    w = np.triu(rng.normal(size=(p, p)) * (rng.random((p, p)) < 0.05), 1)
    data = rng.normal(size=(n, p)) @ np.linalg.inv(np.eye(p) - w)
    names = [f"V{j}" for j in range(p)]
    frame = pd.DataFrame(data, columns=names)
    per_k = n_queries // 4
    groups = []
    for k in range(4):
        perm = np.argsort(rng.random((per_k, p)), axis=1)[:, : k + 2]
        groups.append(perm)

    t0 = time.perf_counter()
    test = FisherZ(frame)
    ours_p = [test.p_values(g[:, 0], g[:, 1], g[:, 2:]) for g in groups]
    t_fast = time.perf_counter() - t0

    named = [(names[r[0]], names[r[1]], [names[c] for c in r[2:]]) for g in groups for r in g]
    t0 = time.perf_counter()
    FisherZ(frame).test_batch(named)
    t_batch = time.perf_counter() - t0

    sample = [g[:: max(1, per_k // (cl_sample // 4))] for g in groups]
    t0 = time.perf_counter()
    ref = CIT(data, "fisherz")
    ref_p = [np.array([ref(int(r[0]), int(r[1]), [int(c) for c in r[2:]]) for r in g]) for g in sample]
    t_ref = time.perf_counter() - t0
    m_ref = sum(len(g) for g in sample)
    idx = [np.arange(0, per_k, max(1, per_k // (cl_sample // 4)))[: len(s)] for s in sample]
    got = np.concatenate([o[i] for o, i in zip(ours_p, idx)])
    want = np.concatenate(ref_p)
    ok = want > 1e-6
    gap = float(np.max(np.abs(got[ok] - want[ok]) / want[ok])) if ok.any() else 0.0

    rate_fast, rate_batch, rate_ref = 4 * per_k / t_fast, 4 * per_k / t_batch, m_ref / t_ref
    print(f"Fisher-z, p={p}, n={n}, {4 * per_k} queries with |Z| = 0..3")
    print(f"  causalscope p_values (index batch): {rate_fast:12,.0f} tests/s  ({t_fast:.2f} s)")
    print(f"  causalscope test_batch (named)    : {rate_batch:12,.0f} tests/s  ({t_batch:.2f} s)")
    print(f"  causal-learn fisherz ({m_ref} queries): {rate_ref:10,.0f} tests/s")
    print(f"  ratio p_values / causal-learn: {rate_fast / rate_ref:.0f}x;"
          f" test_batch / causal-learn: {rate_batch / rate_ref:.0f}x")
    print(f"  max relative p-value gap (p > 1e-6): {gap:.2e}")


def _gtest(n_queries: int, n: int, p: int, cl_sample: int) -> None:
    from causallearn.utils.cit import CIT

    from causalscope.independence import GTest, stratified_statistics

    rng = np.random.default_rng(2)
    data = np.empty((n, p), dtype=np.int64)
    data[:, 0] = rng.integers(0, 3, n)
    for j in range(1, p):
        parent = data[:, rng.integers(0, j)]
        data[:, j] = np.where(rng.random(n) < 0.4, parent, rng.integers(0, 3, n))
    frame = pd.DataFrame(data, columns=[f"V{j}" for j in range(p)]).astype("category")
    per_k = n_queries // 4
    groups = [np.argsort(rng.random((per_k, p)), axis=1)[:, : k + 2] for k in range(4)]
    t0 = time.perf_counter()
    test = GTest(frame)
    ours = [test.p_values(g[:, 0], g[:, 1], g[:, 2:]) for g in groups]
    t_fast = time.perf_counter() - t0
    t0 = time.perf_counter()
    for g in groups:
        for r in g:
            stratified_statistics(data[:, r[0]], data[:, r[1]], [data[:, c] for c in r[2:]])
    t_loop = time.perf_counter() - t0
    step = max(1, per_k // (cl_sample // 4))
    t0 = time.perf_counter()
    ref = CIT(data, "gsq")
    want = [np.array([ref(int(r[0]), int(r[1]), [int(c) for c in r[2:]]) for r in g[::step]]) for g in groups]
    t_ref = time.perf_counter() - t0
    m_ref = sum(len(w) for w in want)
    got = np.concatenate([o[::step] for o in ours])
    want_all = np.concatenate(want)
    ok = want_all > 1e-6
    gap = float(np.max(np.abs(got[ok] - want_all[ok]) / want_all[ok])) if ok.any() else 0.0
    m = 4 * per_k
    print(f"G-test, p={p} ternary, n={n}, {m} queries with |Z| = 0..3")
    print(f"  causalscope p_values (vectorised batch): {m / t_fast:10,.0f} tests/s ({t_fast:.2f} s)")
    print(f"  per-query loop (stratified_statistics): {m / t_loop:10,.0f} tests/s ({t_loop:.2f} s)")
    print(f"  causal-learn gsq ({m_ref} queries)      : {m_ref / t_ref:10,.0f} tests/s")
    print(f"  ratio batch / loop: {t_loop / t_fast:.1f}x; batch / causal-learn: "
          f"{(m / t_fast) / (m_ref / t_ref):.0f}x; max relative p gap (p > 1e-6): {gap:.2e}")


def _kernel(sizes: list[int], kci_ref_max_n: int, ours_kci_max_n: int) -> None:
    from causallearn.utils.cit import CIT

    from causalscope.independence import KCI, RCoT

    for n in sizes:
        rng = np.random.default_rng(1)
        z = rng.normal(size=n)
        x = np.tanh(z) + 0.5 * rng.normal(size=n)
        y = np.sin(1.5 * z) + 0.5 * rng.normal(size=n)
        frame = pd.DataFrame({"X": x, "Y": y, "Z": z})
        reps = 20
        t0 = time.perf_counter()
        rcot = RCoT(frame, random_state=0)
        for r in range(reps):
            rcot._seed = r  # fresh features per repetition
            p_rcot = rcot.test("X", "Y", ["Z"]).p_value
        t_rcot = (time.perf_counter() - t0) / reps
        line = f"n={n:>6}: RCoT {t_rcot * 1e3:9.2f} ms/test (p={p_rcot:.3f})"
        if n <= ours_kci_max_n:
            t0 = time.perf_counter()
            p_kci = KCI(frame).test("X", "Y", ["Z"]).p_value
            t_kci = time.perf_counter() - t0
            line += f" | KCI {t_kci * 1e3:9.1f} ms/test (p={p_kci:.3f})"
        if n <= kci_ref_max_n:
            data = frame.to_numpy()
            t0 = time.perf_counter()
            p_ref = CIT(data, "kci")(0, 1, [2])
            t_ref = time.perf_counter() - t0
            line += (f" | causal-learn KCI {t_ref * 1e3:9.1f} ms/test (p={p_ref:.3f})"
                     f" | RCoT speed-up {t_ref / t_rcot:.0f}x")
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller problem (10,000 queries)")
    parser.add_argument("--full", action="store_true", help="also causal-learn KCI at n=10,000")
    args = parser.parse_args()
    n_queries = 10_000 if args.quick else 100_000
    _fisherz(n_queries, 10_000, 100, cl_sample=2_000)
    _gtest(4_000 if not args.quick else 1_000, 2_000, 20, cl_sample=400)
    print("Kernel tests (X _||_ Y | Z, nonlinear):")
    _kernel([1_000, 10_000], kci_ref_max_n=10_000 if args.full else 1_000, ours_kci_max_n=2_000 if not args.full else 10_000)


if __name__ == "__main__":
    main()
