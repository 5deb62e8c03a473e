"""Benchmark score-based discovery against causal-learn (and lingam), measured in the same run.

Prints
------
1. Exact search (Silander-Myllymäki DP, BIC) at p = 12, 15, 20 with n = 2,000
   linear-Gaussian samples: our time, causal-learn's ``bic_exact_search`` time
   (A*, ``search_method="astar"``, faster than its DP on these data, in a
   subprocess with a 60 s limit, at p = 12 and 15; p = 20 is not attempted),
   the ratio, and our score of both DAGs (equal when both are optimal)
   plus the SHD of each CPDAG to the truth.
2. Exact edge posteriors (Koivisto-Sood, BGe) at p = 20, n = 1,000: time, with
   and without ``max_parents``.
3. If ``benchmarks/_bench_ges_lingam.py`` exists, its ``main(quick=...)`` rows
   (GES and DirectLiNGAM against causal-learn and lingam).

Run: ``python benchmarks/bench_score.py [--quick]`` (``--quick``: p = 12, 15 only,
causal-learn at p = 12 only, posterior with ``max_parents=3`` only). Not a test: no
assertions. The whole run stays within a few minutes.
"""

from __future__ import annotations

import argparse
import importlib.util
import inspect
import multiprocessing as mp
import sys
import time
from pathlib import Path

import numpy as np


def _cl_worker(x: np.ndarray, method: str, queue: mp.Queue) -> None:  # pragma: no cover - subprocess
    import warnings

    warnings.simplefilter("ignore")
    from causallearn.search.ScoreBased.ExactSearch import bic_exact_search

    t0 = time.perf_counter()
    adj, _ = bic_exact_search(x, search_method=method)
    queue.put((time.perf_counter() - t0, np.asarray(adj)))


def _run_causal_learn(x: np.ndarray, method: str, limit: float) -> tuple[float | None, np.ndarray | None]:
    ctx = mp.get_context("spawn")
    queue: mp.Queue = ctx.Queue()
    proc = ctx.Process(target=_cl_worker, args=(x, method, queue))
    proc.start()
    try:  # read before joining: a child that has put data exits only once it is read
        result = queue.get(timeout=limit)
    except Exception:  # queue.Empty: the time limit passed
        result = (None, None)
    if proc.is_alive():
        proc.terminate()
    proc.join()
    return result


def _exact_rows(ps: list[int], cl_limit: float, cl_max_p: int) -> None:
    from causalscope.datasets import simulate
    from causalscope.discovery.exact import ExactSearch
    from causalscope.graphs import DAG, dag_to_cpdag, shd
    from causalscope.scores import make_score

    print("\n== Exact search (BIC, n = 2000, expected degree 2) ==")
    print(f"{'p':>3} {'ours s':>8} {'causal-learn s':>15} {'ratio':>7} {'our score':>14} {'cl score':>14} "
          f"{'SHD ours':>8} {'SHD cl':>6}")
    for p in ps:
        sim = simulate(p, 2000, expected_degree=2.0, random_state=p)
        t0 = time.perf_counter()
        est = ExactSearch(score="bic").fit(sim.data)
        t_ours = time.perf_counter() - t0
        shd_ours = shd(est.cpdag_, sim.cpdag)
        cl_time: float | None = None
        cl_score = cl_shd = "-"
        note = ""
        if p <= cl_max_p:
            x = np.asarray(sim.data.to_numpy(), dtype=float)
            cl_time, adj = _run_causal_learn(x, "astar", cl_limit)
            if adj is not None:
                names = est.variables_
                g = DAG(names, [f"{names[i]} --> {names[j]}" for i, j in zip(*np.nonzero(adj))])
                cl_score = f"{make_score('bic', sim.data).score_graph(g):.4f}"
                cl_shd = str(shd(dag_to_cpdag(g), sim.cpdag))
            else:
                note = f"(causal-learn A* stopped after {cl_limit:.0f} s)"
        else:
            note = f"(causal-learn not run at p = {p}: minutes to hours)"
        cl_txt = f"{cl_time:.2f}" if cl_time is not None else "timeout" if p <= cl_max_p else "-"
        ratio = f"{cl_time / t_ours:.1f}x" if cl_time is not None else "-"
        print(f"{p:>3} {t_ours:>8.2f} {cl_txt:>15} {ratio:>7} {est.score_:>14.4f} {cl_score:>14} "
              f"{shd_ours:>8} {cl_shd:>6} {note}")


def _posterior_rows(quick: bool) -> None:
    from causalscope.datasets import simulate
    from causalscope.discovery.posterior import edge_posteriors

    print("\n== Exact edge posteriors (Koivisto-Sood, BGe, p = 20, n = 1000) ==")
    sim = simulate(20, 1000, expected_degree=2.0, random_state=1)
    truth = sim.graph.directed_matrix()
    for mp_ in ([3] if quick else [3, None]):
        t0 = time.perf_counter()
        post = edge_posteriors(sim.data, score="bge", max_parents=mp_)
        dt = time.perf_counter() - t0
        probs = post.probabilities
        skel = probs + probs.T
        found = int(((skel > 0.5) & (truth | truth.T)).sum() // 2)
        print(f"max_parents={mp_!s:>4}: {dt:7.2f} s; true adjacencies with P > 0.5: {found}/{int(truth.sum())}; "
              f"edges with P(j --> i) > 0.5: {int((probs > 0.5).sum())}")


def _ges_lingam(quick: bool) -> None:
    path = Path(__file__).with_name("_bench_ges_lingam.py")
    if not path.exists():
        print("\n(benchmarks/_bench_ges_lingam.py not found: GES / DirectLiNGAM rows skipped)")
        return
    spec = importlib.util.spec_from_file_location("_bench_ges_lingam", path)
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    assert spec is not None and spec.loader is not None
    sys.modules["_bench_ges_lingam"] = module
    spec.loader.exec_module(module)
    main = module.main
    if "quick" in inspect.signature(main).parameters:
        main(quick=quick)
    else:
        main()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller sizes, shorter limits")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    if args.quick:
        _exact_rows([12, 15], cl_limit=60.0, cl_max_p=12)
    else:
        _exact_rows([12, 15, 20], cl_limit=60.0, cl_max_p=15)
    _posterior_rows(args.quick)
    _ges_lingam(args.quick)
    print(f"\n(total {time.perf_counter() - t0:.0f} s)")


if __name__ == "__main__":
    main()
