"""Benchmark GES and DirectLiNGAM against causal-learn and lingam, measured in the same run.

Prints
------
1. GES (Gaussian BIC, n = 1,000 linear-Gaussian samples, expected degree 2) at
   p = 10, 20, 30, 50: our time, causal-learn's ``ges(..., 'local_score_BIC')``
   time (lambda 0.5 = our penalty_discount 1; run in a subprocess with a time
   limit, so a slow run is reported as a lower bound), the ratio, our BIC of
   both CPDAGs (on a DAG extension) and each SHD to the true CPDAG. Then p = 100
   (sparse, expected degree 2), ours only.
2. DirectLiNGAM at p = 10, 20 with n = 5,000 (uniform and Laplace noise): our
   time, lingam's ``DirectLiNGAM`` time, the ratio, whether the causal orders are
   equal, and each SHD to the true DAG.
3. DirectLiNGAM's in-process fit at p = 10, 20, 50 with n = 2,000 (uniform noise),
   best of three: the whole fit, the fit with ``prune="none"`` (the causal-order
   search and OLS) and their difference (the adaptive lasso on the own LARS
   path), and lingam's fit on the same data at p <= 20.

Run standalone: ``python benchmarks/_bench_ges_lingam.py [--quick]``; it is also
called by ``benchmarks/bench_score.py``. Not a test: no assertions.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import time
import warnings

import numpy as np


def _cl_ges_worker(x: np.ndarray, queue: mp.Queue) -> None:  # pragma: no cover - subprocess
    warnings.simplefilter("ignore")
    from causallearn.search.ScoreBased.GES import ges

    t0 = time.perf_counter()
    record = ges(x, score_func="local_score_BIC", parameters={"lambda_value": 0.5})
    queue.put((time.perf_counter() - t0, np.asarray(record["G"].graph)))


def _run_cl_ges(x: np.ndarray, limit: float) -> tuple[float | None, np.ndarray | None]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_cl_ges_worker, args=(x, queue))
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None, None
    if queue.empty():
        return None, None
    return queue.get()


def _cl_matrix_to_cpdag(g: np.ndarray, names: list[str]):
    from causalscope.graphs import CPDAG

    edges = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = g[i, j], g[j, i]
            if a == 0 and b == 0:
                continue
            if a == -1 and b == 1:
                edges.append(f"{names[i]} --> {names[j]}")
            elif a == 1 and b == -1:
                edges.append(f"{names[j]} --> {names[i]}")
            else:
                edges.append(f"{names[i]} --- {names[j]}")
    return CPDAG(names, edges)


def ges_rows(quick: bool = False) -> None:
    from causalscope.datasets import simulate
    from causalscope.discovery.ges import GES
    from causalscope.graphs import cpdag_to_dag, shd
    from causalscope.scores import make_score

    limit = 60.0 if quick else 300.0
    print("\n== GES (BIC, n = 1000, expected degree 2) vs causal-learn GES (local_score_BIC, lambda 0.5) ==")
    print(f"{'p':>4} {'ours s':>8} {'c-l s':>9} {'ratio':>7} {'our BIC':>14} {'c-l BIC (ours)':>15} "
          f"{'SHD ours':>8} {'SHD c-l':>7} {'same':>5}")
    sizes = [10, 20, 30] if quick else [10, 20, 30, 50]
    GES().fit(simulate(5, 100, random_state=0).data)  # compile the numba kernels before timing
    for p in sizes:
        sim = simulate(p, 1000, expected_degree=2.0, random_state=100 + p)
        names = list(sim.data.columns)
        t0 = time.perf_counter()
        model = GES().fit(sim.data)
        t_ours = time.perf_counter() - t0
        score = make_score("bic", sim.data)
        t_cl, g = _run_cl_ges(sim.data.to_numpy(dtype=float), limit)
        if g is None:
            print(f"{p:>4} {t_ours:8.2f} {'>' + format(limit, '.0f'):>9} {'>' + format(limit / t_ours, '.0f'):>7} "
                  f"{model.score_:14.2f} {'-':>15} {shd(sim.cpdag, model.graph_):>8} {'-':>7} {'-':>5}"
                  "   (causal-learn stopped at the time limit)")
            continue
        theirs = _cl_matrix_to_cpdag(g, names)
        s_cl = score.score_graph(cpdag_to_dag(theirs))
        print(f"{p:>4} {t_ours:8.2f} {t_cl:9.2f} {t_cl / t_ours:7.1f} {model.score_:14.2f} {s_cl:15.2f} "
              f"{shd(sim.cpdag, model.graph_):>8} {shd(sim.cpdag, theirs):>7} {str(model.graph_ == theirs):>5}")
    p = 100
    sim = simulate(p, 1000, expected_degree=2.0, random_state=100 + p)
    t0 = time.perf_counter()
    model = GES().fit(sim.data)
    t_ours = time.perf_counter() - t0
    print(f"{p:>4} {t_ours:8.2f} {'(not run)':>9} {'-':>7} {model.score_:14.2f} {'-':>15} "
          f"{shd(sim.cpdag, model.graph_):>8} {'-':>7} {'-':>5}   (sparse; target < 60 s)")


def lingam_rows(quick: bool = False) -> None:
    from causalscope.datasets import simulate
    from causalscope.discovery.lingam import DirectLiNGAM
    from causalscope.graphs import shd

    try:
        import lingam
    except ImportError:  # pragma: no cover
        print("\n(lingam not installed: DirectLiNGAM rows skipped)")
        return
    print("\n== DirectLiNGAM (n = 5000) vs lingam.DirectLiNGAM (default: pwling, adaptive lasso) ==")
    print(f"{'p':>4} {'noise':>8} {'ours s':>8} {'lingam s':>9} {'ratio':>7} {'same order':>10} "
          f"{'SHD ours':>8} {'SHD lingam':>10}")
    DirectLiNGAM().fit(simulate(4, 200, noise="uniform", random_state=0).data)  # warm-up (first-call costs)
    for p in (10, 20):
        for noise in ("uniform", "laplace"):
            sim = simulate(p, 5000, noise=noise, random_state=200 + p)
            x = sim.data.to_numpy(dtype=float)
            names = list(sim.data.columns)
            t0 = time.perf_counter()
            ours = DirectLiNGAM().fit(sim.data)
            t_ours = time.perf_counter() - t0
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t0 = time.perf_counter()
                ref = lingam.DirectLiNGAM().fit(x)
                t_ref = time.perf_counter() - t0
            from causalscope.graphs import DAG

            b = ref.adjacency_matrix_
            ref_dag = DAG(names, [f"{names[j]} --> {names[i]}" for i in range(p) for j in range(p) if b[i, j] != 0])
            same = ours.causal_order_ == tuple(names[i] for i in ref.causal_order_)
            print(f"{p:>4} {noise:>8} {t_ours:8.2f} {t_ref:9.2f} {t_ref / t_ours:7.1f} {str(same):>10} "
                  f"{shd(sim.graph, ours.graph_):>8} {shd(sim.graph, ref_dag):>10}")
            if quick and p == 10:
                break


def _best(fn, repeats: int = 3) -> float:
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t0)
    return best


def lingam_size_rows(quick: bool = False) -> None:
    """In-process DirectLiNGAM fit time by size (n = 2000): whole fit, order search, pruning; lingam at p <= 20."""
    from causalscope.datasets import simulate
    from causalscope.discovery.lingam import DirectLiNGAM

    try:
        import lingam
    except ImportError:  # pragma: no cover
        lingam = None
    print("\n== DirectLiNGAM in-process fit, n = 2000, uniform noise (best of 3) ==")
    print(f"{'p':>4} {'fit s':>8} {'no prune':>8} {'lasso s':>8} {'lingam s':>9}")
    DirectLiNGAM().fit(simulate(4, 200, noise="uniform", random_state=0).data)  # warm-up
    for p in (10, 20) if quick else (10, 20, 50):
        sim = simulate(p, 2000, noise="uniform", random_state=300 + p)
        t_fit = _best(lambda: DirectLiNGAM().fit(sim.data))
        t_order = _best(lambda: DirectLiNGAM(prune="none").fit(sim.data))
        t_ref = "-"
        if lingam is not None and p <= 20:
            x = sim.data.to_numpy(dtype=float)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                t_ref = format(_best(lambda: lingam.DirectLiNGAM().fit(x), 1), ".3f")
        print(f"{p:>4} {t_fit:8.3f} {t_order:8.3f} {max(t_fit - t_order, 0.0):8.3f} {t_ref:>9}")


def main(quick: bool = False) -> None:
    """Print the GES and DirectLiNGAM benchmark rows (``quick``: fewer sizes, shorter limits)."""
    ges_rows(quick)
    lingam_rows(quick)
    lingam_size_rows(quick)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer sizes, shorter limits")
    main(quick=parser.parse_args().quick)
