"""Benchmark the copilot (``causalscope.pipeline.analyze``) against each fixed algorithm with default settings.

Scenarios (``causalscope.datasets.simulate``, Erdos-Renyi DAGs, expected degree 2):
linear-Gaussian, linear non-Gaussian (uniform noise), nonlinear (MLP mechanisms),
discrete, mixed (30% discrete columns), heterogeneous (3 domains, 30% of the
mechanisms shifted), latent confounders (2 hidden variables) and missing values
(10% MCAR), for p = 10, 20, 50.

Every method sees the same rows: incomplete rows are dropped (listwise) for all,
as the copilot does; only CD-NOD and the copilot see the domain column. Fixed
algorithms: PC, GES, DirectLiNGAM, FCI with their defaults (CD-NOD where a
domain column exists). A method that raises scores adjacency/arrowhead F1 = 0
and SHD = the number of true edges (an empty graph).

Scores are measured honestly with ``causalscope.graphs.metrics.compare_graphs``
against the true DAG (the true ADMG, with ``<->`` for hidden common causes, in
the latent scenario): learned undirected edges stay undirected, nothing is
oriented toward the truth. The copilot runs with ``--n-bootstrap`` replicates
(default 10 to keep the run short; the analysis default is larger).

Run: ``python benchmarks/bench_copilot.py [--quick] [--p 10 20 50] [--n 1000] [--seeds 1]
[--fixed pc ges lingam fci] [--scenarios ...]``. The full run takes long on two
cores: FCI with the mixed-type CI test alone takes minutes per fit at p = 20.
Prints one table per p and the mean over scenarios. Not a test: no assertions.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import warnings  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402

from causalscope.datasets import simulate  # noqa: E402
from causalscope.discovery import make_algorithm  # noqa: E402
from causalscope.graphs.metrics import compare_graphs  # noqa: E402
from causalscope.pipeline import analyze  # noqa: E402

SCENARIOS: dict[str, dict[str, Any]] = {
    "linear-gaussian": {"mechanism": "linear", "noise": "gaussian"},
    "linear-nongaussian": {"mechanism": "linear", "noise": "uniform"},
    "nonlinear": {"mechanism": "mlp"},
    "discrete": {"discrete": 1.0},
    "mixed": {"discrete": 0.3},
    "heterogeneous": {"n_domains": 3, "shifted_fraction": 0.3},
    "latent": {"latent": 2},
    "missing": {"missing": 0.1},
}
FIXED = ("pc", "ges", "lingam", "fci")


def _score(truth: Any, learned: Any) -> tuple[float, float, int]:
    if learned is None:
        return 0.0, 0.0, truth.n_edges
    nodes = set(truth.nodes)
    if set(learned.nodes) != nodes:
        learned = learned.subgraph([v for v in learned.nodes if v in nodes])
    c = compare_graphs(truth, learned)
    return c.adjacency.f1, c.arrowhead.f1, c.shd


def _fixed(name: str, data: Any, domain: str | None, seed: int) -> Any:
    kwargs: dict[str, Any] = {}
    if name == "cdnod":
        kwargs["domain_column"] = domain
    elif name == "lingam":
        kwargs["random_state"] = seed
    frame = data if name == "cdnod" else data.drop(columns=[domain]) if domain else data
    return make_algorithm(name, **kwargs).fit(frame).graph_


def run(p_values: list[int], n: int, seeds: int, n_bootstrap: int, fixed: tuple[str, ...] = FIXED,
        scenarios: tuple[str, ...] = tuple(SCENARIOS)) -> None:
    for p in p_values:
        print(f"\n## p = {p}, n = {n}, {seeds} seed(s): adjacency F1 / arrowhead F1 / SHD (mean over seeds)")
        methods = ["copilot", *fixed, "cdnod"]
        print(f"{'scenario':<20}" + "".join(f"{m:>22}" for m in methods) + "   copilot chose")
        totals: dict[str, list[tuple[float, float, float]]] = {m: [] for m in methods}
        for scen in scenarios:
            kw = SCENARIOS[scen]
            res: dict[str, list[tuple[float, float, int]]] = {m: [] for m in methods}
            chosen = []
            for seed in range(seeds):
                sim = simulate(p, n, random_state=seed, **kw)
                truth = sim.admg if kw.get("latent") else sim.graph
                domain = sim.domain_column
                data = sim.data.dropna().reset_index(drop=True)
                for m in methods:
                    if m == "cdnod" and domain is None:
                        continue
                    try:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            if m == "copilot":
                                a = analyze(data, domain_column=domain, random_state=seed, n_bootstrap=n_bootstrap)
                                g = a.graph
                                chosen.append(a.choice.algorithm + ("/" + a.parameters["ci_test"]
                                                                    if "ci_test" in a.parameters else ""))
                            else:
                                g = _fixed(m, data, domain, seed)
                    except Exception as exc:  # noqa: BLE001 - a failing method scores as the empty graph
                        g = None
                        if m == "copilot":
                            chosen.append(f"failed: {type(exc).__name__}")
                    res[m].append(_score(truth, g))
            row = f"{scen:<20}"
            for m in methods:
                if not res[m]:
                    row += f"{'–':>22}"
                    continue
                af, hf, shd = (float(np.mean([r[k] for r in res[m]])) for k in range(3))
                totals[m].append((af, hf, shd))
                row += f"{af:>8.2f}{hf:>7.2f}{shd:>7.1f}"
            print(row + "   " + ", ".join(sorted(set(chosen))))
        print(f"{'mean (all scenarios)':<20}" + "".join(
            f"{np.mean([t[0] for t in totals[m]]):>8.2f}{np.mean([t[1] for t in totals[m]]):>7.2f}"
            f"{np.mean([t[2] for t in totals[m]]):>7.1f}" if totals[m] else f"{'–':>22}" for m in methods))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--p", type=int, nargs="+", default=[10, 20, 50])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--n-bootstrap", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="p = 10 only")
    parser.add_argument("--fixed", nargs="+", default=list(FIXED), choices=list(FIXED),
                        help="fixed algorithms to compare (FCI with the mixed CI test is slow for p >= 20)")
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=list(SCENARIOS))
    args = parser.parse_args()
    run([10] if args.quick else args.p, args.n, args.seeds, args.n_bootstrap, tuple(args.fixed),
        tuple(args.scenarios))


if __name__ == "__main__":
    main()
