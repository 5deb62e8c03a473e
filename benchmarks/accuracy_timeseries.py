"""Link accuracy of the time-series methods and of the copilot on simulated series (docs/timeseries.md's table).

Run: ``python benchmarks/accuracy_timeseries.py [--p 10 20 50] [--seeds 3] [--n 1000] [--json OUT]``.

For each scenario (``linear`` Gaussian, ``nonlinear``, ``non_gaussian`` linear
with uniform noise; 20% of the links contemporaneous), each number of variables
``p`` and each seed, a series is drawn with
:func:`causalscope.datasets.simulate_timeseries` (``tau_max = 2``, two parents
per variable), and every registered time-series method (its defaults,
``tau_max = 2``) and the copilot (:func:`causalscope.pipeline.analyze` with the
time column, its own choice of method and lag, no resampling) are scored against
the true lagged graph with :func:`causalscope.graphs.compare_timeseries_graphs`
(lagged-link precision, recall, F1). Prints one table per scenario (mean over
seeds) and, last, the mean F1 of each method over all scenarios and sizes with
the copilot's rank. A method that fails on a
data set counts as F1 = 0 there (said in the table).
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from typing import Any

import numpy as np

from causalscope.datasets import simulate_timeseries
from causalscope.discovery import DISCOVERY_ALGORITHMS, make_algorithm
from causalscope.graphs import compare_timeseries_graphs
from causalscope.pipeline import analyze

SCENARIOS = {
    "linear": {"kind": "linear", "noise": "gaussian"},
    "nonlinear": {"kind": "nonlinear", "noise": "gaussian"},
    "non_gaussian": {"kind": "linear", "noise": "uniform"},
}


def _methods() -> list[str]:
    """The registered time-series algorithms (the package-level registry imports every discovery module)."""
    return sorted(n for n, c in DISCOVERY_ALGORITHMS.items() if getattr(c, "time_series", False))


def run(ps: list[int], seeds: int, n: int, methods: list[str]) -> list[dict[str, Any]]:
    records = []
    for scenario, spec in SCENARIOS.items():
        for p in ps:
            for seed in range(seeds):
                sim = simulate_timeseries(p, n, tau_max=2, n_parents=2, contemporaneous=0.2, random_state=seed,
                                          **spec)
                for name in methods + ["copilot"]:
                    t0 = time.perf_counter()
                    try:
                        if name == "copilot":
                            frame = sim.data.assign(_t=np.arange(n))
                            res = analyze(frame, time_column="_t", n_bootstrap=1, random_state=seed)
                            graph = res.graph
                            chose = getattr(res, "choice", None)
                            extra = {"chose": getattr(chose, "algorithm", "iid")}
                        else:
                            graph = make_algorithm(name, tau_max=2).fit(sim.data).graph_
                            extra = {}
                        links = compare_timeseries_graphs(sim.graph, graph)["links"]
                        rec = {"scenario": scenario, "p": p, "seed": seed, "method": name, "ok": True,
                               "seconds": time.perf_counter() - t0, "link_precision": links["precision"],
                               "link_recall": links["recall"], "link_f1": links["f1"], **extra}
                    except Exception as exc:  # noqa: BLE001 - a failure is a data point of the table
                        rec = {"scenario": scenario, "p": p, "seed": seed, "method": name, "ok": False,
                               "error": f"{type(exc).__name__}: {exc}"[:200], "link_precision": 0.0,
                               "link_recall": 0.0, "link_f1": 0.0, "seconds": time.perf_counter() - t0}
                    records.append(rec)
                    print(f"{scenario:13s} p={p:3d} seed={seed} {name:10s} F1={rec['link_f1']:.3f} "
                          f"{rec['seconds']:.1f}s {rec.get('chose', '')} {rec.get('error', '')}", flush=True)
    return records


def report(records: list[dict[str, Any]]) -> None:
    methods = sorted({r["method"] for r in records}, key=lambda m: (m == "copilot", m))
    print()
    for scenario in SCENARIOS:
        print(f"### {scenario}")
        print("| method | " + " | ".join(f"p = {p} P / R / F1" for p in sorted({r['p'] for r in records})) + " |")
        print("|---" * (1 + len({r['p'] for r in records})) + "|")
        for m in methods:
            cells = []
            for p in sorted({r["p"] for r in records}):
                rs = [r for r in records if r["scenario"] == scenario and r["p"] == p and r["method"] == m]
                if not rs:
                    cells.append("–")
                    continue
                pr, rc, f1 = (float(np.mean([r[k] for r in rs])) for k in ("link_precision", "link_recall",
                                                                           "link_f1"))
                fails = sum(not r["ok"] for r in rs)
                cells.append(f"{pr:.2f} / {rc:.2f} / {f1:.2f}" + (f" ({fails} failed)" if fails else ""))
            print(f"| {m} | " + " | ".join(cells) + " |")
        print()
    means: dict[str, list[float]] = defaultdict(list)
    for r in records:
        means[r["method"]].append(r["link_f1"])
    ranked = sorted(means, key=lambda m: -float(np.mean(means[m])))
    print("mean lagged-link F1 over all scenarios and sizes: "
          + ", ".join(f"{m} {np.mean(means[m]):.3f}" for m in ranked))
    print(f"copilot rank: {ranked.index('copilot') + 1} of {len(ranked)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--p", type=int, nargs="+", default=[10, 20, 50])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--methods", nargs="*", default=None)
    ap.add_argument("--json", default=None)
    args = ap.parse_args()
    methods = args.methods if args.methods else _methods()
    records = run(args.p, args.seeds, args.n, methods)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(records, fh, indent=1)
    report(records)


if __name__ == "__main__":
    main()
