"""Benchmark PC against causal-learn, measured in the same run.

Prints, for linear-Gaussian data from Erdos-Renyi DAGs with expected degree 3
(``causalscope.datasets.simulate``), p = 20, 50, 100 and n = 1,000 and 10,000:

* wall time of ``causalscope.discovery.pc`` (Fisher-z, alpha 0.05, stable) and of
  causal-learn's ``pc`` (``fisherz``, alpha 0.05, ``stable=True, uc_rule=0,
  uc_priority=2``: the same algorithm and options), and their ratio;
* whether the two CPDAGs are identical (``cyc``: same skeleton, but
  causal-learn's Meek step returned a graph with a directed cycle, which is no
  CPDAG; causalscope never orients an edge into a cycle), and SHD / adjacency F1 / arrowhead F1
  of both against the true CPDAG;
* then p = 500, n = 10,000 with causalscope only.

Both run on one core (BLAS threads are limited to 1 before numpy loads; both
libraries use numpy). Run: ``python benchmarks/bench_discovery.py [--quick]``
(``--quick``: p = 20, 50 at n = 1,000 and p = 200 instead of 500).
Not a test: no assertions.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402


def _causallearn_graph(x: np.ndarray, names: list[str]):
    from causallearn.search.ConstraintBased.PC import pc as cl_pc

    from causalscope.graphs import CPDAG

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cg = cl_pc(x, 0.05, "fisherz", stable=True, uc_rule=0, uc_priority=2, show_progress=False)
    g = cg.G.graph  # g[i, j]: mark at i on the edge i-j (-1 tail, 1 arrow)
    marks = np.zeros(g.shape, dtype=np.int8)
    marks[g.T == -1] = 1
    marks[g.T == 1] = 2
    try:
        return CPDAG.from_mark_matrix(names, marks), marks
    except Exception:  # noqa: BLE001 - causal-learn may return a cyclic graph
        from causalscope.graphs import MixedGraph

        return MixedGraph.from_mark_matrix(names, marks), marks


def _scores(truth, graph) -> str:
    from causalscope.graphs import compare_graphs

    c = compare_graphs(truth, graph)
    return f"{c.shd:5d} {c.adjacency.f1:6.3f} {c.arrowhead.f1:6.3f}"


def run_case(p: int, n: int, seed: int, with_reference: bool) -> None:
    from causalscope.datasets import simulate
    from causalscope.discovery import PC

    sim = simulate(p, n, expected_degree=3, random_state=seed)
    frame = sim.data
    truth = sim.cpdag
    names = list(frame.columns)
    t0 = time.perf_counter()
    est = PC(ci_test="fisherz", alpha=0.05).fit(frame)
    ours_t = time.perf_counter() - t0
    line = f"{p:5d} {n:7d} {ours_t:9.2f}s"
    if with_reference:
        x = frame.to_numpy(dtype=float)
        t0 = time.perf_counter()
        theirs, marks = _causallearn_graph(x, names)
        cl_t = time.perf_counter() - t0
        same = np.array_equal(est.graph_.mark_matrix(), marks)
        skel = np.array_equal(est.graph_.mark_matrix() != 0, marks != 0)
        cyclic = bool(theirs.directed_cycle()) if hasattr(theirs, "directed_cycle") else False
        verdict = "yes" if same else ("cyc" if cyclic and skel else "NO")
        line += f" {cl_t:9.2f}s {cl_t / ours_t:7.1f}x  {verdict:>4}  "
        line += f"{_scores(truth, est.graph_)}   {_scores(truth, theirs)}"
    else:
        line += f" {'-':>10} {'-':>8}  {'-':>4}  {_scores(truth, est.graph_)}   (not run)"
    print(line + f"   tests={est.n_tests_}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    import causallearn.search.ConstraintBased.PC  # noqa: F401 - import time is not search time

    import causalscope.discovery  # noqa: F401
    if args.quick:
        cases = [(20, 1000), (50, 1000)]
        big = 200
    else:
        cases = [(p, n) for p in (20, 50, 100) for n in (1000, 10_000)]
        big = 500
    print("PC, Fisher-z, alpha 0.05, ER DAGs with expected degree 3, one core")
    print(f"{'p':>5} {'n':>7} {'causalscope':>10} {'causal-learn':>10} {'ratio':>8} {'same':>5}  "
          f"{'ours: SHD  adjF1  arrF1':>22}   {'causal-learn: SHD adjF1 arrF1':>28}")
    for p, n in cases:
        run_case(p, n, args.seed, with_reference=True)
    run_case(big, 10_000, args.seed, with_reference=False)


if __name__ == "__main__":
    main()
