"""Benchmark the copilot (``causalscope.pipeline.analyze``) against each fixed algorithm with default settings.

Scenarios (``causalscope.datasets.simulate``, Erdos-Renyi DAGs, expected degree 2):
linear-Gaussian, linear non-Gaussian (uniform noise), nonlinear (MLP mechanisms),
discrete, mixed (30% discrete columns), heterogeneous (3 domains, 30% of the
mechanisms shifted), latent confounders (2 hidden variables) and missing values
(10% MCAR per column), for p = 10, 20, 50, over several seeds (default 3).

Fixed algorithms, each with its default settings: PC, GES, DirectLiNGAM, FCI
(and CD-NOD where a domain column exists; only CD-NOD and the copilot see the
domain column). Each method gets its natural handling of missing values: the
CI-based ones (PC, FCI, CD-NOD) run on all rows with ``missing="testwise"``
(each test uses the rows complete for its variables); the score-based ones (GES,
DirectLiNGAM) run on the complete rows; the copilot gets the whole table with
its NaNs and handles them itself. A method that raises scores adjacency /
arrowhead F1 = 0 and SHD = the number of true edges (the empty graph), and the
failure is counted.

FCI: the full Possible-D-SEP phase is too slow for p >= 20 on two cores. When
``FCI`` accepts a restricted Possible-D-SEP mode (``--fci-pdsep``, default
:data:`FCI_FAST_PDSEP`), FCI uses it at every p; otherwise FCI runs with
``max_path_length=2`` for p > 10 (``--fci-max-path-length``). The table header
says which was used.

Scores are measured honestly with ``causalscope.graphs.metrics.compare_graphs``
against the true DAG (the true ADMG, with ``<->`` for hidden common causes, in
the latent scenario): learned undirected edges stay undirected, nothing is
oriented toward the truth. The copilot runs as shipped, with its own resample
counts (``--n-bootstrap 0``, the default); ``--n-bootstrap 10`` is quicker.

Every (p, scenario, seed, method) result is appended to a JSON-lines file
(``--out``, default ``/tmp/bench_copilot/results.jsonl``); a rerun skips what is
already there, so the suite can be run in chunks (``--p``, ``--scenarios``,
``--seeds``, ``--methods``) and the tables printed from any set of files with
``--report FILE [FILE ...]`` (``--markdown`` for the tables of ``docs/copilot.md``;
a later file's record replaces an earlier one for the same p, scenario, seed and
method; only the copilot records run with ``--n-bootstrap``'s value are shown).

Tables: per p, each scenario's mean over seeds (and the standard error) of
adjacency F1, arrowhead F1 and SHD, then a claim line per scenario (is the copilot
>= the best fixed method, and is it the worst, on each metric), the mean over
scenarios, and a final line checking the claim over all p: the copilot's mean is
at least the best fixed algorithm's mean (over the scenarios every fixed algorithm
ran on), and the copilot is never the (strictly) worst method in any scenario
(a tie with the worst is shown as such but not counted as a failure).
Not a test: no assertions.

Run: ``python benchmarks/bench_copilot.py [--p 10 20] [--seeds 0 1 2] [--n 1000]
[--n-bootstrap 0 (the copilot's own rule; 10 is quicker)] [--scenarios ...] [--methods copilot pc ...] [--out FILE]``.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from causalscope.datasets import simulate  # noqa: E402
from causalscope.discovery import make_algorithm  # noqa: E402
from causalscope.exceptions import CausalScopeError, InvalidParameterError  # noqa: E402
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
FIXED = ("pc", "ges", "lingam", "fci", "cdnod")
#: Fixed methods that take ``missing="testwise"`` (CI-based); the others get the complete rows.
TESTWISE = frozenset({"pc", "fci", "cdnod"})
#: The restricted Possible-D-SEP mode of FCI used when FCI accepts it (the switch; see ``--fci-pdsep``).
FCI_FAST_PDSEP = "tetrad"
DEFAULT_OUT = "/tmp/bench_copilot/results.jsonl"
METRICS = ("adj_f1", "arr_f1", "shd")


def _fci_pdsep_supported(mode: str) -> bool:
    """Whether ``FCI(possible_dsep=mode)`` is accepted (validated on a tiny table)."""
    from causalscope.discovery import FCI

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(50, 3)), columns=["a", "b", "c"])
    try:
        FCI(possible_dsep=mode).fit(frame)  # type: ignore[arg-type]
    except (CausalScopeError, TypeError, ValueError):
        return False
    return True


def fci_settings(p: int, pdsep: str | None, max_path_length: int | None) -> dict[str, Any]:
    """FCI's arguments at ``p`` variables: the restricted Possible-D-SEP mode if available, else a path cap."""
    if pdsep and _PDSEP_OK.setdefault(pdsep, _fci_pdsep_supported(pdsep)):
        return {"possible_dsep": pdsep}
    if p > 10 and max_path_length is not None:
        return {"max_path_length": max_path_length}
    return {}


_PDSEP_OK: dict[str, bool] = {}


def _score(truth: Any, learned: Any) -> tuple[float, float, int]:
    if learned is None:
        return 0.0, 0.0, truth.n_edges
    nodes = set(truth.nodes)
    if set(learned.nodes) != nodes:
        learned = learned.subgraph([v for v in learned.nodes if v in nodes])
    c = compare_graphs(truth, learned)
    return float(c.adjacency.f1), float(c.arrowhead.f1), int(c.shd)


def _fixed(name: str, data: pd.DataFrame, domain: str | None, seed: int, fci_kw: dict[str, Any]) -> Any:
    kwargs: dict[str, Any] = {}
    frame = data if name == "cdnod" else data.drop(columns=[domain]) if domain else data
    if name == "cdnod":
        kwargs["domain_column"] = domain
    elif name == "lingam":
        kwargs["random_state"] = seed
    elif name == "fci":
        kwargs.update(fci_kw)
    if frame.isna().any().any():
        if name in TESTWISE:
            kwargs["missing"] = "testwise"
        else:
            frame = frame.dropna().reset_index(drop=True)
    return make_algorithm(name, **kwargs).fit(frame).graph_


def _simulate(p: int, n: int, seed: int, kw: dict[str, Any]) -> tuple[Any, int]:
    """Simulate; a random graph with too few nodes to hide (latent scenario) is redrawn from seed + 10000 k."""
    for k in range(20):
        try:
            return simulate(p, n, random_state=seed + 10000 * k, **kw), seed + 10000 * k
        except InvalidParameterError:
            if not kw.get("latent"):
                raise
    raise InvalidParameterError(f"no graph with {kw.get('latent')} hideable confounders for p={p}, seed={seed}")


def _key(r: dict[str, Any]) -> tuple[Any, ...]:
    return r["p"], r["n"], r["scenario"], r["seed"], r["method"], r.get("n_bootstrap")


def load(paths: list[str]) -> list[dict[str, Any]]:
    """All records of the given JSON-lines files (later duplicates win)."""
    out: dict[tuple[Any, ...], dict[str, Any]] = {}
    for path in paths:
        if not Path(path).exists():
            continue
        for line in Path(path).read_text().splitlines():
            if line.strip():
                r = json.loads(line)
                out[_key(r)] = r
    return list(out.values())


def run(p_values: list[int], n: int, seeds: list[int], n_bootstrap: int, methods: tuple[str, ...],
        scenarios: tuple[str, ...], out: str, fci_pdsep: str | None, fci_max_path_length: int | None,
        budget: float | None = None) -> None:
    """Run every (p, scenario, seed, method) not already in ``out`` and append its record."""
    Path(out).parent.mkdir(parents=True, exist_ok=True)
    done = {_key(r) for r in load([out])}
    for p in p_values:
        fci_kw = fci_settings(p, fci_pdsep, fci_max_path_length)
        for scen in scenarios:
            kw = SCENARIOS[scen]
            for seed in seeds:
                sim = None
                for m in methods:
                    rec_nb = n_bootstrap if m == "copilot" else None
                    if (p, n, scen, seed, m, rec_nb) in done:
                        continue
                    if sim is None:
                        sim, sim_seed = _simulate(p, n, seed, kw)
                    truth = sim.admg if kw.get("latent") else sim.graph
                    domain = sim.domain_column
                    if m == "cdnod" and domain is None:
                        continue
                    data = sim.data
                    rec: dict[str, Any] = {"p": p, "n": n, "scenario": scen, "seed": seed, "method": m,
                                           "n_bootstrap": rec_nb, "error": None}
                    if sim_seed != seed:
                        rec["sim_seed"] = sim_seed
                    if m == "fci":
                        rec["fci"] = fci_kw
                    t0 = time.perf_counter()
                    g = None
                    try:
                        with warnings.catch_warnings():
                            warnings.simplefilter("ignore")
                            if m == "copilot":
                                a = analyze(data, domain_column=domain, random_state=seed,
                                            n_bootstrap=n_bootstrap or None, budget=budget)
                                g = a.graph
                                rec["rule"] = a.choice.rule
                                rec["algorithm"] = a.choice.algorithm
                                rec["parameters"] = {k: v for k, v in a.parameters.items()
                                                     if isinstance(v, (int, float, str, bool, dict))}
                                rec["tuned"] = None if a.tuning is None else a.tuning.get("chosen")
                                rec["rows_used"] = a.settings.get("rows_used")
                                chk = a.settings.get("sufficiency_check")
                                rec["contradicted"] = None if chk is None else len(chk["contradicted"])
                            else:
                                g = _fixed(m, data, domain, seed, fci_kw)
                    except Exception as exc:  # noqa: BLE001 - a failing method scores as the empty graph
                        rec["error"] = f"{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
                    rec["seconds"] = round(time.perf_counter() - t0, 2)
                    rec["adj_f1"], rec["arr_f1"], rec["shd"] = _score(truth, g)
                    rec["true_edges"] = int(truth.n_edges)
                    with open(out, "a") as fh:
                        fh.write(json.dumps(rec, default=str) + "\n")
                    print(f"p={p} {scen} seed={seed} {m}: adj {rec['adj_f1']:.2f} arr {rec['arr_f1']:.2f} "
                          f"shd {rec['shd']} ({rec['seconds']:.1f} s)" + (f" {rec.get('rule')}"
                                                                          if m == "copilot" else "")
                          + (f" ERROR {rec['error']}" if rec["error"] else ""), flush=True)


def _better(metric: str, a: float, b: float) -> bool:
    """``a`` at least as good as ``b`` (SHD: lower is better); a 1e-9 tolerance for ties."""
    return a <= b + 1e-9 if metric == "shd" else a >= b - 1e-9


def _mean_se(values: list[float]) -> tuple[float, float]:
    v = np.asarray(values, dtype=float)
    se = float(v.std(ddof=1) / np.sqrt(len(v))) if len(v) > 1 else 0.0
    return float(v.mean()), se


def report(records: list[dict[str, Any]], methods: tuple[str, ...] | None = None) -> bool:
    """Print the tables and the claim check; return whether the claim holds over everything shown."""
    if not records:
        print("no results")
        return False
    methods = methods or tuple(m for m in ("copilot", *FIXED) if any(r["method"] == m for r in records))
    fixed = [m for m in methods if m != "copilot"]
    claim_ok = True
    all_cells: dict[str, list[tuple[float, float, float]]] = {m: [] for m in methods}
    by_scenario: dict[str, dict[str, list[tuple[float, ...]]]] = {}
    worst_cases: list[str] = []
    for p in sorted({r["p"] for r in records}):
        rs = [r for r in records if r["p"] == p]
        seeds = sorted({r["seed"] for r in rs})
        nb = sorted({r["n_bootstrap"] for r in rs if r["method"] == "copilot"})
        fci = sorted({json.dumps(r.get("fci", {})) for r in rs if r["method"] == "fci"})
        print(f"\n## p = {p}, n = {sorted({r['n'] for r in rs})}, seeds {seeds}, copilot n_bootstrap {nb}, "
              f"FCI {', '.join(fci) or '-'}")
        print("adjacency F1 / arrowhead F1 / SHD: mean over seeds (standard error); "
              "'!k' = k seeds failed (scored as the empty graph)")
        print(f"{'scenario':<19}" + "".join(f"{m:>34}" for m in methods))
        totals: dict[str, list[tuple[float, float, float]]] = {m: [] for m in methods}
        for scen in [s for s in SCENARIOS if any(r["scenario"] == s for r in rs)]:
            cell: dict[str, tuple[float, ...]] = {}
            row = f"{scen:<19}"
            for m in methods:
                mr = sorted((r for r in rs if r["scenario"] == scen and r["method"] == m), key=lambda r: r["seed"])
                if not mr:
                    row += f"{'-':>34}"
                    continue
                stats = [_mean_se([r[k] for r in mr]) for k in METRICS]
                nfail = sum(r["error"] is not None for r in mr)
                cell[m] = tuple(s[0] for s in stats)
                totals[m].append(cell[m])  # type: ignore[arg-type]
                by_scenario.setdefault(scen, {}).setdefault(m, []).append(cell[m])
                txt = (f"{stats[0][0]:.2f}({stats[0][1]:.2f}) {stats[1][0]:.2f}({stats[1][1]:.2f}) "
                       f"{stats[2][0]:5.1f}({stats[2][1]:.1f})")
                row += f"{txt:>32}" + (f"!{nfail}" if nfail else "  ")
            chosen = sorted({f"{r.get('rule')}" for r in rs if r["scenario"] == scen and r["method"] == "copilot"})
            print(row + ("   copilot: " + ", ".join(chosen) if chosen else ""))
            if "copilot" in cell and any(m in cell for m in fixed):
                parts = []
                for k, metric in enumerate(METRICS):
                    vals = {m: cell[m][k] for m in fixed if m in cell}
                    best = min(vals.values()) if metric == "shd" else max(vals.values())
                    c = cell["copilot"][k]
                    ge = _better(metric, c, best)
                    worst = all(not _better(metric, c, v) for v in vals.values())
                    tied_worst = not worst and all(_better(metric, v, c) for v in vals.values())
                    if worst:
                        claim_ok = False
                        worst_cases.append(f"p={p} {scen} {metric}")
                    parts.append(f"{metric} {'>=best' if ge else '<best'}"
                                 f"{' WORST' if worst else ' (ties the worst)' if tied_worst else ''}")
                print(f"{'':<19}  copilot vs fixed: " + "; ".join(parts))
        for m in methods:
            all_cells[m].extend(totals[m])
        print(f"{'mean (scenarios)':<19}" + "".join(
            f"{np.mean([t[0] for t in totals[m]]):>13.2f}{np.mean([t[1] for t in totals[m]]):>11.2f}"
            f"{np.mean([t[2] for t in totals[m]]):>8.1f}{'':>2}" if totals[m] else f"{'-':>34}" for m in methods))
        print(f"{'seconds per fit':<19}" + "".join(
            f"{np.mean([r['seconds'] for r in rs if r['method'] == m]):>32.1f}  "
            if any(r["method"] == m for r in rs) else f"{'-':>34}" for m in methods))
    # the claim over all p, on the cells where every compared method ran
    full = [m for m in fixed if len(all_cells[m]) == len(all_cells.get("copilot", []))]
    print("\n## claim over all p and scenarios shown")
    if "copilot" not in all_cells or not all_cells["copilot"]:
        print("no copilot results")
        return False
    means = {m: [float(np.mean([t[k] for t in all_cells[m]])) for k in range(3)] for m in ["copilot", *full]}
    for m, v in means.items():
        print(f"  {m:<8} mean adj F1 {v[0]:.3f}  arrowhead F1 {v[1]:.3f}  SHD {v[2]:.2f}")
    for k, metric in enumerate(METRICS):
        vals = [means[m][k] for m in full]
        if not vals:
            continue
        best = min(vals) if metric == "shd" else max(vals)
        ok = _better(metric, means["copilot"][k], best)
        claim_ok &= ok
        print(f"  {metric}: copilot {means['copilot'][k]:.3f} vs best fixed {best:.3f}: {'OK' if ok else 'NOT MET'}")
    print(f"  never the worst, per p and scenario: {'OK' if not worst_cases else 'NOT MET: ' + ', '.join(worst_cases)}")
    # the looser reading: per scenario, each method's mean over the p values (only methods that ran at every p)
    loose = []
    for scen, cells in by_scenario.items():
        n_p = len(cells.get("copilot", []))
        others = {m: v for m, v in cells.items() if m != "copilot" and len(v) == n_p}
        if not n_p or not others:
            continue
        for k, metric in enumerate(METRICS):
            c = float(np.mean([t[k] for t in cells["copilot"]]))
            if all(not _better(metric, c, float(np.mean([t[k] for t in v]))) for v in others.values()):
                loose.append(f"{scen} {metric}")
    print(f"  never the worst, per scenario (mean over p): {'OK' if not loose else 'NOT MET: ' + ', '.join(loose)}")
    print(f"CLAIM (>= best fixed on average on every metric, never the worst in any p and scenario): "
          f"{'HOLDS' if claim_ok else 'FAILS'}")
    return claim_ok


def markdown(records: list[dict[str, Any]]) -> None:
    """Print one markdown table per p: mean adjacency F1 / arrowhead F1 / SHD over seeds (the docs' tables)."""
    methods = tuple(m for m in ("copilot", *FIXED) if any(r["method"] == m for r in records))
    for p in sorted({r["p"] for r in records}):
        rs = [r for r in records if r["p"] == p]
        print(f"\np = {p}, seeds {sorted({r['seed'] for r in rs})}\n")
        print("| scenario | " + " | ".join(methods) + " | copilot's rule |")
        print("|---" * (len(methods) + 2) + "|")
        for scen in [s for s in SCENARIOS if any(r["scenario"] == s for r in rs)]:
            cells = []
            for m in methods:
                mr = [r for r in rs if r["scenario"] == scen and r["method"] == m]
                if not mr:
                    cells.append("-")
                    continue
                a, h, d = (float(np.mean([r[k] for r in mr])) for k in METRICS)
                nfail = sum(r["error"] is not None for r in mr)
                cells.append(f"{a:.2f} / {h:.2f} / {d:.1f}" + (f" ({nfail} failed)" if nfail else ""))
            rules = sorted({str(r.get("rule")) for r in rs if r["scenario"] == scen and r["method"] == "copilot"})
            print(f"| {scen} | " + " | ".join(cells) + f" | {', '.join(rules)} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--p", type=int, nargs="+", default=[10, 20, 50])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2], help="seed values (default 0 1 2)")
    parser.add_argument("--n-bootstrap", type=int, default=0,
                        help="copilot resamples (default 0: the copilot's own rule, 50/30/20 by p; 10 is quicker)")
    parser.add_argument("--budget", type=float, default=None, help="copilot time budget per analysis (s)")
    parser.add_argument("--quick", action="store_true", help="p = 10, seed 0 only")
    parser.add_argument("--methods", nargs="+", default=["copilot", *FIXED], choices=["copilot", *FIXED])
    parser.add_argument("--scenarios", nargs="+", default=list(SCENARIOS), choices=list(SCENARIOS))
    parser.add_argument("--fci-pdsep", default=FCI_FAST_PDSEP,
                        help="restricted Possible-D-SEP mode of FCI, used when FCI accepts it ('' to never use it)")
    parser.add_argument("--fci-max-path-length", type=int, default=2,
                        help="FCI's Possible-D-SEP path cap for p > 10 when the restricted mode is unavailable")
    parser.add_argument("--out", default=DEFAULT_OUT, help="JSON-lines results file (appended, reruns skip)")
    parser.add_argument("--report", nargs="*", metavar="FILE", help="only print the tables from these files")
    parser.add_argument("--markdown", action="store_true", help="with --report: markdown tables of the means")
    args = parser.parse_args()
    print(f"# bench_copilot {datetime.datetime.now(datetime.timezone.utc):%Y-%m-%d %H:%M} UTC")
    if args.report is not None:
        # one copilot configuration at a time: the records with --n-bootstrap's value
        recs = [r for r in load(args.report or [args.out])
                if r["method"] != "copilot" or r["n_bootstrap"] == args.n_bootstrap]
        markdown(recs) if args.markdown else report(recs)
        return
    p_values, seeds = ([10], [0]) if args.quick else (args.p, args.seeds)
    run(p_values, args.n, seeds, args.n_bootstrap, tuple(args.methods), tuple(args.scenarios), args.out,
        args.fci_pdsep or None, args.fci_max_path_length, args.budget)
    recs = [r for r in load([args.out]) if r["p"] in p_values and r["seed"] in seeds and r["n"] == args.n
            and r["scenario"] in args.scenarios and r["method"] in args.methods
            and r["n_bootstrap"] in (None, args.n_bootstrap)]
    report(recs, tuple(m for m in ("copilot", *FIXED) if m in args.methods))


if __name__ == "__main__":
    main()
