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
* then p = 500, n = 10,000 with causalscope only;
* FCI (Fisher-z, alpha 0.05) on linear-Gaussian data with two hidden confounders
  (ER DAG on p + 2 nodes, expected degree 2.5, two nodes with >= 2 children
  hidden: the generator of ``tests/discovery/test_fci.py``), p = 20 and 50,
  n = 1,000 and 10,000: causalscope ``FCI(possible_dsep="tetrad")`` against
  causal-learn's ``fci`` (``node_names`` = the column names), the ratio and
  whether the PAGs are identical; plus causalscope's textbook ``"full"`` stage
  bounded by ``max_path_length=2`` (``--fci-full-path``), with its test count.

Both run on one core (BLAS threads are limited to 1 before numpy loads; both
libraries use numpy). Run: ``python benchmarks/bench_discovery.py [--quick]
[--only pc|fci]`` (``--quick``: p = 20, 50 at n = 1,000 and p = 200 instead of
500; FCI at n = 1,000 only).
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


def _fci_data(p: int, n: int, seed: int):
    from causalscope.datasets import random_dag, simulate

    rng = np.random.default_rng(seed)
    dag = random_dag(p + 2, expected_degree=2.5, random_state=seed)
    cands = [v for v in dag.nodes if len(dag.children(v)) >= 2]
    latent = list(rng.choice(cands, size=min(2, len(cands)), replace=False))
    return simulate(dag, n, latent=latent, random_state=seed).data


def run_fci_case(p: int, n: int, seed: int, full_path: int) -> None:
    import contextlib
    import io

    from causallearn.search.ConstraintBased.FCI import fci as cl_fci

    from causalscope.discovery import FCI
    from causalscope.graphs.convert import from_causallearn

    frame = _fci_data(p, n, seed)
    names = [str(c) for c in frame.columns]
    x = frame.to_numpy(dtype=float)
    t0 = time.perf_counter()
    ours = FCI(ci_test="fisherz", alpha=0.05, possible_dsep="tetrad").fit(frame)
    ours_t = time.perf_counter() - t0
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        g, _ = cl_fci(x, "fisherz", 0.05, show_progress=False, node_names=names)
        cl_t = time.perf_counter() - t0
    same = "yes" if ours.graph_ == from_causallearn(g, kind="pag") else "NO"
    line = f"{p:5d} {n:7d} {seed:4d} {ours_t:10.2f}s {cl_t:11.2f}s {cl_t / ours_t:6.1f}x {same:>5}"
    if full_path > 0:
        t0 = time.perf_counter()
        full = FCI(ci_test="fisherz", alpha=0.05, possible_dsep="full", max_path_length=full_path).fit(frame)
        full_t = time.perf_counter() - t0
        agree = "yes" if full.graph_ == ours.graph_ else "no"
        line += f"  {full_t:27.2f}s {full.possible_dsep_planned_tests_:9d} {agree:>14}"
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes only")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=["pc", "fci"], default=None, help="run one section")
    parser.add_argument("--fci-seeds", type=int, default=2, help="seeds per FCI case")
    parser.add_argument("--fci-full-path", type=int, default=2,
                        help="max_path_length of the extra 'full' FCI row (0: skip the row)")
    args = parser.parse_args()
    import causallearn.search.ConstraintBased.FCI  # noqa: F401 - import time is not search time
    import causallearn.search.ConstraintBased.PC  # noqa: F401

    import causalscope.discovery  # noqa: F401
    if args.quick:
        cases = [(20, 1000), (50, 1000)]
        big = 200
    else:
        cases = [(p, n) for p in (20, 50, 100) for n in (1000, 10_000)]
        big = 500
    if args.only in (None, "pc"):
        print("PC, Fisher-z, alpha 0.05, ER DAGs with expected degree 3, one core")
        print(f"{'p':>5} {'n':>7} {'causalscope':>10} {'causal-learn':>10} {'ratio':>8} {'same':>5}  "
              f"{'ours: SHD  adjF1  arrF1':>22}   {'causal-learn: SHD adjF1 arrF1':>28}")
        for p, n in cases:
            run_case(p, n, args.seed, with_reference=True)
        run_case(big, 10_000, args.seed, with_reference=False)
    if args.only in (None, "fci"):
        fci_cases = [(p, n) for p in (20, 50) for n in ((1000,) if args.quick else (1000, 10_000))]
        print()
        print("FCI, Fisher-z, alpha 0.05, 2 hidden confounders; causalscope possible_dsep='tetrad' vs causal-learn fci")
        print(f"{'p':>5} {'n':>7} {'seed':>4} {'causalscope':>11} {'causal-learn':>12} {'ratio':>7} {'same':>5}"
              f"  {'full (max_path_length=' + str(args.fci_full_path) + ')':>28} {'tests':>9} {'same as tetrad':>14}")
        for p, n in fci_cases:
            for seed in range(args.fci_seeds):
                run_fci_case(p, n, seed, args.fci_full_path)


if __name__ == "__main__":
    main()
