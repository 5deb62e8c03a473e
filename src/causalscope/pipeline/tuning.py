"""Choosing a discovery algorithm's hyperparameter from the data.

PC's significance level ``alpha`` or GES's ``penalty_discount`` change how many
edges are found, and no single value suits every sample size. :func:`tune`
tries a small grid and picks a value by one of three criteria, recording what
was tried and why the value won (:class:`TuningResult`):

``"heldout_likelihood"`` (default)
    K-fold cross-validation: learn the graph on the training folds, turn it into
    a DAG of its class (:func:`~causalscope.graphs.cpdag_to_dag`), fit that DAG's
    parameters on the training folds (linear-Gaussian regressions for continuous
    data; a discrete Bayesian network with BDeu-smoothed CPTs for discrete data)
    and average the log-likelihood per held-out row. Higher is better.
``"bic"``
    Learn on all the data and score a DAG of the class with the Gaussian BIC
    (``penalty_discount = 1``, whatever is being tuned) or, for discrete data, the
    BDeu score (log marginal likelihood). Higher is better.
``"stability"``
    StARS (Liu, Roeder & Wasserman 2010): refit on subsamples of size
    ``min(10 sqrt(n), 0.8 n)``, measure the total instability of the adjacencies
    ``D = mean over pairs of 2 theta (1 - theta)`` (``theta`` the adjacency
    frequency), make it monotone from the sparsest setting to the densest, and
    pick the densest setting with instability at most ``beta = 0.05``.

**Missing values.** The refits use whatever rows the algorithm accepts: with
``missing="testwise"`` (PC, FCI, CD-NOD) every row, each CI test on the rows
complete in its variables. The scores then use the rows they can:
``"heldout_likelihood"`` on continuous data is computed *available-case*: each
node's regression on its parents is fitted on the training rows complete in the
node and its parents and evaluated on the held-out rows complete in them, and
the per-node mean log-likelihoods are summed (under MCAR each term is unbiased
for its expectation, so the sum estimates the expected log-likelihood per row;
on complete data it is the ordinary value). Discrete data with missing values
cannot be scored this way: use ``"stability"``, which needs no likelihood.
``"bic"`` scores on the complete rows. :attr:`TuningResult.rows` records which
rows each part used.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import pandas as pd

from ..data import Dataset
from ..exceptions import DataError, GraphError, InvalidParameterError
from ..graphs import DAG, GRAPH_TYPES, MixedGraph, cpdag_to_dag
from ..parallel import NJobs
from ..scores import make_score
from ..utils import RandomState, as_progress, check_random_state, spawn_seeds, to_jsonable
from ._resample import AlgorithmSpec, check_data, fitted_graph, n_rows, resolve_algorithm, take_rows
from .stability import expand_grid, run_replicates

__all__ = ["TuningResult", "tune", "heldout_loglik", "default_grid", "dag_in_class"]

TuningMethod = Literal["heldout_likelihood", "bic", "stability"]

_LOG_2PI = math.log(2.0 * math.pi)
_TIE = 1e-9


@dataclass(frozen=True)
class TuningResult:
    """What :func:`tune` tried and chose.

    Attributes
    ----------
    algorithm, method:
        The algorithm's name and the criterion (``"heldout_likelihood"``, ``"bic"``, ``"stability"``).
    criterion:
        What the numbers measure, e.g. ``"mean held-out Gaussian log-likelihood per row"``.
    tried:
        The settings, one dict per grid point, in the order tried.
    values:
        The criterion of each setting.
    n_edges:
        Mean number of edges learned with each setting (over folds, fits or subsamples).
    chosen:
        The chosen setting.
    reason:
        One or two sentences saying why.
    higher_is_better:
        False for ``"stability"`` (instability), True otherwise.
    rows:
        Which rows the refits and the criterion used (e.g. test-wise deletion for
        the fits and available-case rows for the likelihood).
    """

    algorithm: str
    method: str
    criterion: str
    tried: tuple[dict[str, Any], ...]
    values: tuple[float, ...]
    n_edges: tuple[float, ...]
    chosen: dict[str, Any]
    reason: str
    higher_is_better: bool = True
    rows: str = ""

    @property
    def best_index(self) -> int:
        """Position of :attr:`chosen` in :attr:`tried`."""
        return self.tried.index(self.chosen)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready record of the search."""
        return {
            "algorithm": self.algorithm,
            "method": self.method,
            "criterion": self.criterion,
            "higher_is_better": self.higher_is_better,
            "tried": [
                {"parameters": to_jsonable(t), "value": v, "n_edges": e}
                for t, v, e in zip(self.tried, self.values, self.n_edges, strict=True)
            ],
            "chosen": to_jsonable(self.chosen),
            "reason": self.reason,
            "rows": self.rows,
        }


# ---------------------------------------------------------------------- helpers
def _frame(data: Any) -> pd.DataFrame:
    if isinstance(data, Dataset):
        return data.to_frame(decode=False, include_roles=False)
    return data


def _columns(data: Any, columns: Sequence[str]) -> Any:
    """``data`` restricted to ``columns`` (the graph's nodes), of the same type."""
    if isinstance(data, Dataset):
        return data if tuple(data.variables) == tuple(columns) else data.subset(columns)
    missing = [c for c in columns if c not in data.columns]
    if missing:
        raise DataError(f"data has no column for the node(s) {missing}; columns: {list(data.columns)}")
    return data[list(columns)]


def _kinds(data: Any) -> str:
    """``"continuous"``, ``"discrete"`` or ``"mixed"`` for the analysis columns."""
    ds = data if isinstance(data, Dataset) else Dataset.from_frame(data, missing="keep")
    disc = np.asarray(ds.discrete_mask, dtype=bool)
    if disc.all():
        return "discrete"
    if not disc.any():
        return "continuous"
    return "mixed"


def dag_in_class(graph: MixedGraph) -> DAG:
    """A DAG standing for ``graph`` when scoring it.

    A DAG is returned as is; a CPDAG/PDAG gives a consistent extension
    (:func:`~causalscope.graphs.cpdag_to_dag`; all members of a Markov
    equivalence class have the same likelihood). When no consistent extension
    exists, or for a PAG, every edge that is not ``-->`` is oriented along a
    topological order of the directed edges (then node order) -- an
    approximation that keeps the adjacencies.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> print(dag_in_class(parse_graph("A --> B; B --- C", kind="cpdag")))
    A --> B; B --> C
    """
    if isinstance(graph, DAG):
        return graph
    if graph.kind == "cpdag":
        try:
            return cpdag_to_dag(graph)  # type: ignore[arg-type]
        except GraphError:
            pass
    directed = [e for e in graph.edges if e.is_directed]
    order_graph = DAG(graph.nodes, directed) if _is_acyclic(graph.nodes, directed) else DAG(graph.nodes)
    rank = {v: i for i, v in enumerate(order_graph.topological_order())}
    edges = []
    for e in graph.edges:
        if e.is_directed and order_graph.has_edge(e):
            edges.append((e.source, e.target))
        else:
            u, v = e.u, e.v
            edges.append((u, v) if rank[u] < rank[v] else (v, u))
    return DAG(graph.nodes, edges)


def _is_acyclic(nodes: Sequence[str], directed: Sequence[Any]) -> bool:
    try:
        DAG(nodes, directed)
    except GraphError:
        return False
    return True


def heldout_loglik(dag: DAG, train: Any, test: Any, *, ess: float = 1.0) -> float:
    """Mean log-likelihood per row of ``test`` under ``dag`` with parameters fitted on ``train``.

    Continuous data: each node is regressed on its parents with an intercept by
    least squares on ``train``; its conditional density is normal with that mean
    and the maximum-likelihood residual variance of ``train``. Discrete data: a
    :class:`~causalscope.scm.DiscreteBN` fitted on ``train`` with BDeu-smoothed
    CPTs (``prior="bdeu"``, ``equivalent_sample_size=ess``) over the states seen in
    either part, so an unseen combination has a positive probability.

    Continuous data with missing values (NaN) are scored *available-case*: each
    node's term uses the training rows and the held-out rows complete in the node
    and its parents, and the value is the sum over nodes of the mean held-out
    log-density of each node (see the module docstring).

    Raises
    ------
    DataError
        For mixed continuous and discrete columns, missing values in discrete
        data, or a node with too few complete rows for its regression.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from causalscope.graphs import DAG
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=400); frame = pd.DataFrame({"A": a, "B": 2 * a + rng.normal(size=400)})
    >>> with_edge = heldout_loglik(DAG(["A", "B"], [("A", "B")]), frame[:200], frame[200:])
    >>> without = heldout_loglik(DAG(["A", "B"]), frame[:200], frame[200:])
    >>> bool(with_edge > without)
    True
    >>> frame.iloc[::7, 0] = np.nan  # available-case on incomplete rows
    >>> bool(heldout_loglik(DAG(["A", "B"], [("A", "B")]), frame[:200], frame[200:]) > without)
    True
    """
    names = list(dag.nodes)
    train, test = _columns(train, names), _columns(test, names)
    kind = _kinds(train)
    tr, te = _frame(train), _frame(test)
    incomplete = bool(tr[names].isna().any().any() or te[names].isna().any().any())
    if kind == "mixed":
        raise DataError(
            "held-out likelihood is defined here for all-continuous or all-discrete columns; "
            "the data mix both (use method='stability')"
        )
    if kind == "discrete":
        if incomplete:
            raise DataError(
                "held-out likelihood of discrete data needs complete rows; the data have missing values "
                "(use method='stability', or drop the incomplete rows)"
            )
        return _heldout_discrete(dag, tr, te, ess)
    xtr = tr[names].to_numpy(dtype=np.float64)
    xte = te[names].to_numpy(dtype=np.float64)
    idx = {v: i for i, v in enumerate(names)}
    if incomplete:
        return _heldout_available_case(dag, names, idx, xtr, xte)
    total = 0.0
    for v in names:
        pa = [idx[u] for u in names if u in dag.parents(v)]
        total += _node_loglik(xtr[:, idx[v]], xtr[:, pa], xte[:, idx[v]], xte[:, pa])
    return total / len(xte)


def _node_loglik(y: np.ndarray, x: np.ndarray, yt: np.ndarray, xt: np.ndarray) -> float:
    """Sum of the held-out Gaussian log-densities of one node given its parents (OLS fit on the training rows)."""
    design = np.column_stack([np.ones(len(y)), x])
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ coef
    var = max(float(resid @ resid) / len(y), 1e-12 * max(float(np.var(y)), 1e-300))
    pred = np.column_stack([np.ones(len(yt)), xt]) @ coef
    return float(np.sum(-0.5 * (_LOG_2PI + math.log(var)) - 0.5 * (yt - pred) ** 2 / var))


def _heldout_available_case(dag: DAG, names: list[str], idx: dict[str, int], xtr: np.ndarray,
                            xte: np.ndarray) -> float:
    """Sum over nodes of the mean held-out log-density, each on the rows complete in the node and its parents."""
    mtr, mte = np.isnan(xtr), np.isnan(xte)
    total = 0.0
    for v in names:
        pa = [idx[u] for u in names if u in dag.parents(v)]
        cols = [idx[v], *pa]
        ok_tr = ~mtr[:, cols].any(axis=1)
        ok_te = ~mte[:, cols].any(axis=1)
        if int(ok_tr.sum()) < len(pa) + 3 or not ok_te.any():
            raise DataError(
                f"held-out likelihood: node {v!r} with parents {[names[j] for j in pa]} has "
                f"{int(ok_tr.sum())} complete training rows and {int(ok_te.sum())} complete held-out rows; "
                f"at least {len(pa) + 3} and 1 are needed"
            )
        tr_rows, te_rows = xtr[ok_tr], xte[ok_te]
        ll = _node_loglik(tr_rows[:, idx[v]], tr_rows[:, pa], te_rows[:, idx[v]], te_rows[:, pa])
        total += ll / len(te_rows)
    return total


def _heldout_discrete(dag: DAG, tr: pd.DataFrame, te: pd.DataFrame, ess: float) -> float:
    from ..scm import DiscreteBN

    names = list(dag.nodes)
    states = {}
    for v in names:
        vals = pd.unique(pd.concat([tr[v], te[v]], ignore_index=True).astype(str))
        states[v] = sorted(vals)
    bn = DiscreteBN.fit(dag, tr[names], states=states, prior="bdeu", equivalent_sample_size=ess)
    total = 0.0
    codes = {v: pd.Index(states[v]).get_indexer(te[v].astype(str)) for v in names}
    for v in names:
        cpt = bn.cpt(v)
        index = tuple(codes[u] for u in cpt.parents) + (codes[v],)
        total += float(np.log(cpt.table[index]).sum())
    return total / len(te)


def _score_graph(dag: DAG, data: Any) -> tuple[float, str]:
    data = _columns(data, dag.nodes)
    frame = _frame(data)
    complete = ~frame[list(dag.nodes)].isna().any(axis=1).to_numpy()
    rows = "on all rows"
    if not complete.all():
        if int(complete.sum()) < 2:
            raise DataError(f"method='bic' needs complete rows; only {int(complete.sum())} of {len(complete)} are")
        data = take_rows(data, np.flatnonzero(complete))
        rows = f"on the {int(complete.sum())} complete rows of {len(complete)}"
    kind = _kinds(data)
    if kind == "continuous":
        return float(make_score("bic", data).score_graph(dag)), f"Gaussian BIC (penalty_discount=1) {rows}"
    if kind == "discrete":
        return float(make_score("bdeu", data).score_graph(dag)), f"BDeu score (ess=1) {rows}"
    raise DataError("method='bic' needs all-continuous or all-discrete columns; the data mix both (use 'stability')")


def _rows_note(data: Any, criterion_rows: str) -> str:
    """How many rows there are, whether the fits saw incomplete ones, and what the criterion used."""
    frame = _frame(data)
    n = len(frame)
    n_complete = int((~frame.isna().any(axis=1)).sum())
    if n_complete == n:
        return f"all {n} rows (no missing values)"
    return (f"refits on folds/subsamples of all {n} rows ({n_complete} complete), each fit handling the missing "
            f"values itself (test-wise deletion); {criterion_rows}")


def default_grid(algorithm: str | Any, data: Any = None, **algorithm_params: Any) -> dict[str, list[Any]]:
    """The grid :func:`tune` uses when none is given.

    ``alpha: [0.001, 0.01, 0.05, 0.1]`` for algorithms with ``alpha`` (PC, FCI,
    CD-NOD); ``penalty_discount: [0.5, 1, 2, 4]`` for GES and exact search with a
    BIC score; ``ess: [1, 5, 10, 20]`` with a BDeu score.

    Raises
    ------
    InvalidParameterError
        If the algorithm has no default grid (pass ``grid``).

    Examples
    --------
    >>> default_grid("pc")
    {'alpha': [0.001, 0.01, 0.05, 0.1]}
    """
    spec = resolve_algorithm(algorithm, algorithm_params)
    params = spec.parameters
    if "alpha" in params:
        return {"alpha": [0.001, 0.01, 0.05, 0.1]}
    if "score_params" in params:
        score = spec.params.get("score", "bic")
        if score == "auto" and data is not None:
            score = "bdeu" if _kinds(data) == "discrete" else "bic"
        if score == "bdeu":
            return {"ess": [1.0, 5.0, 10.0, 20.0]}
        if score == "bic":
            return {"penalty_discount": [0.5, 1.0, 2.0, 4.0]}
    raise InvalidParameterError(
        f"no default tuning grid for the discovery algorithm {spec.name!r}; pass grid={{parameter: [values]}}"
    )


def _pick_max(values: Sequence[float], edges: Sequence[float]) -> int:
    """Index of the largest value; near ties go to the sparser graph, then the earlier setting."""
    best = max(values)
    tol = _TIE * max(1.0, abs(best))
    cands = [i for i, v in enumerate(values) if v >= best - tol]
    return min(cands, key=lambda i: (edges[i], i))


def _fold_ids(n: int, n_splits: int, rng: np.random.Generator) -> np.ndarray:
    ids = np.arange(n) % n_splits
    return ids[rng.permutation(n)]


def tune(
    data: Any,
    algorithm: str | Any,
    grid: Mapping[str, Sequence[Any]] | None = None,
    *,
    method: TuningMethod = "heldout_likelihood",
    n_splits: int = 5,
    n_subsamples: int = 20,
    beta: float = 0.05,
    random_state: RandomState = None,
    n_jobs: NJobs = 1,
    progress: Any = None,
    **algorithm_params: Any,
) -> TuningResult:
    """Choose a discovery hyperparameter from a small grid by a data-driven criterion.

    Parameters
    ----------
    data:
        DataFrame or Dataset (complete rows for the likelihood criteria).
    algorithm:
        Registry name or estimator (see :func:`~causalscope.pipeline.bootstrap_edges`).
    grid:
        ``{parameter: [values]}`` (product of several); default :func:`default_grid`.
    method:
        ``"heldout_likelihood"``, ``"bic"`` or ``"stability"`` (see the module docstring).
    n_splits:
        Folds for ``"heldout_likelihood"`` (>= 2).
    n_subsamples:
        Subsamples per setting for ``"stability"``.
    beta:
        StARS instability bound, in (0, 0.5].
    random_state:
        Seed for the folds / subsamples; same seed, same choice.
    n_jobs, progress:
        Worker processes (:mod:`causalscope.parallel`) for the refits of ``"heldout_likelihood"`` and
        ``"stability"``; a progress reporter (one step per fold or subsample).
    **algorithm_params:
        Fixed hyperparameters of the algorithm (``ci_test=...``, ``knowledge=...``).

    Returns
    -------
    TuningResult

    Raises
    ------
    InvalidParameterError
        For an unknown algorithm, method or grid parameter, or bad ``n_splits``,
        ``n_subsamples`` or ``beta``.
    DataError
        For the likelihood criteria on mixed continuous/discrete data.

    Notes
    -----
    Near ties (relative difference below 1e-9) of the likelihood criteria go to
    the setting with fewer edges, then to the earlier setting. Under
    ``"stability"`` settings are ordered by their mean number of edges; if even
    the sparsest exceeds ``beta`` the sparsest is chosen and the reason says so.

    References
    ----------
    Liu, H., Roeder, K. & Wasserman, L. (2010). Stability approach to
    regularization selection (StARS) for high dimensional graphical models. NeurIPS.
    Schwarz, G. (1978). Estimating the dimension of a model. *Ann. Statist.* 6(2).

    Examples
    --------
    >>> from causalscope.datasets import simulate
    >>> sim = simulate(5, 400, random_state=0)
    >>> res = tune(sim.data, "pc", {"alpha": [0.01, 0.1]}, n_splits=3, random_state=0)
    >>> res.chosen in res.tried, len(res.values)
    (True, 2)
    """
    check_data(data)
    spec = resolve_algorithm(algorithm, algorithm_params)
    if method not in ("heldout_likelihood", "bic", "stability"):
        raise InvalidParameterError(
            f"method must be 'heldout_likelihood', 'bic' or 'stability'; got {method!r}"
        )
    settings = expand_grid(spec, grid if grid is not None else default_grid(algorithm, data, **algorithm_params))
    if method == "heldout_likelihood":
        return _tune_heldout(data, spec, settings, n_splits, random_state, n_jobs, progress)
    if method == "bic":
        return _tune_bic(data, spec, settings, progress)
    return _tune_stars(data, spec, settings, n_subsamples, beta, random_state, n_jobs, progress)


def _fit(spec: AlgorithmSpec, setting: Mapping[str, Any], data: Any, seed: int | None) -> MixedGraph:
    return fitted_graph(spec.build(setting, seed).fit(data), spec.name)


def _describe(setting: Mapping[str, Any]) -> str:
    return ", ".join(f"{k}={v!r}" for k, v in setting.items())


def _tune_heldout(
    data: Any, spec: AlgorithmSpec, settings: list[dict[str, Any]], n_splits: int, random_state: RandomState,
    n_jobs: NJobs, progress: Any,
) -> TuningResult:
    if isinstance(n_splits, bool) or not isinstance(n_splits, (int, np.integer)) or n_splits < 2:
        raise InvalidParameterError(f"n_splits must be an integer >= 2; got {n_splits!r}")
    n = n_rows(data)
    if n < 2 * n_splits:
        raise InvalidParameterError(f"n_splits={n_splits} needs at least {2 * n_splits} rows; got {n}")
    rng = check_random_state(random_state)
    folds = _fold_ids(n, int(n_splits), rng)
    seeds = spawn_seeds(rng, int(n_splits))
    jobs = [(np.flatnonzero(folds != f), seeds[f]) for f in range(n_splits)]
    results = run_replicates(spec, settings, data, jobs, n_jobs=n_jobs, on_error="raise", progress=progress,
                              description=f"tune {spec.name} (held-out likelihood)")
    scores = np.zeros((len(settings), n_splits))
    edges = np.zeros((len(settings), n_splits))
    for f in range(n_splits):
        train = take_rows(data, jobs[f][0])
        test = take_rows(data, np.flatnonzero(folds == f))
        for k in range(len(settings)):
            nodes, kind, marks = cast(tuple[tuple[str, ...], str, np.ndarray], results[f][k])  # on_error="raise": no str
            graph = GRAPH_TYPES.get(kind, MixedGraph).from_mark_matrix(nodes, marks)
            edges[k, f] = graph.n_edges
            scores[k, f] = heldout_loglik(dag_in_class(graph), train, test)
    values = tuple(float(v) for v in scores.mean(axis=1))
    mean_edges = tuple(float(e) for e in edges.mean(axis=1))
    best = _pick_max(values, mean_edges)
    kind = _kinds(_columns(data, graph.nodes))
    criterion = f"mean held-out {'Gaussian' if kind == 'continuous' else 'discrete BN'} log-likelihood per row ({n_splits}-fold)"
    reason = (
        f"{_describe(settings[best])} gave the highest {criterion}: {values[best]:.4f} "
        f"(worst {min(values):.4f}), with {mean_edges[best]:.1f} edges on average."
    )
    rows = _rows_note(data, "the likelihood of each node on the held-out rows complete in the node and its "
                            "parents (available-case)")
    return TuningResult(spec.name, "heldout_likelihood", criterion, tuple(settings), values, mean_edges,
                        settings[best], reason, rows=rows)


def _tune_bic(data: Any, spec: AlgorithmSpec, settings: list[dict[str, Any]], progress: Any) -> TuningResult:
    values, edges = [], []
    criterion = ""
    reporter = as_progress(progress)
    reporter.start(len(settings), f"tune {spec.name} (score)")
    try:
        for setting in settings:
            graph = _fit(spec, setting, data, 0)
            value, criterion = _score_graph(dag_in_class(graph), data)
            values.append(value)
            edges.append(float(graph.n_edges))
            reporter.advance(1)
    finally:
        reporter.close()
    best = _pick_max(values, edges)
    reason = f"{_describe(settings[best])} gave the highest {criterion}: {values[best]:.2f} (worst {min(values):.2f})."
    rows = _rows_note(data, f"the score {criterion.split(') ', 1)[-1]}")
    return TuningResult(spec.name, "bic", criterion, tuple(settings), tuple(values), tuple(edges), settings[best],
                        reason, rows=rows)


def _tune_stars(
    data: Any, spec: AlgorithmSpec, settings: list[dict[str, Any]], n_subsamples: int, beta: float,
    random_state: RandomState, n_jobs: NJobs, progress: Any,
) -> TuningResult:
    if isinstance(n_subsamples, bool) or not isinstance(n_subsamples, (int, np.integer)) or n_subsamples < 2:
        raise InvalidParameterError(f"n_subsamples must be an integer >= 2; got {n_subsamples!r}")
    try:
        b = float(beta)
    except (TypeError, ValueError):
        b = -1.0
    if isinstance(beta, bool) or not (0.0 < b <= 0.5):
        raise InvalidParameterError(f"beta must be a number in (0, 0.5]; got {beta!r}")
    n = n_rows(data)
    size = int(min(10.0 * math.sqrt(n), 0.8 * n))
    if size < 4:
        raise InvalidParameterError(f"method='stability' needs more rows; got {n}")
    jobs = []
    for seed in spawn_seeds(random_state, int(n_subsamples)):
        rng = np.random.default_rng(seed)
        jobs.append((np.sort(rng.choice(n, size=size, replace=False)), int(rng.integers(0, 2**63 - 1))))
    results = run_replicates(spec, settings, data, jobs, n_jobs=n_jobs, on_error="raise", progress=progress,
                              description=f"tune {spec.name} (StARS)")
    p = None
    instab, edges = [], []
    for k in range(len(settings)):
        marks = np.stack([r[k][2] for r in results])
        p = marks.shape[1]
        iu, ju = np.triu_indices(p, k=1)
        theta = (marks[:, iu, ju] != 0).mean(axis=0)
        instab.append(float(np.mean(2.0 * theta * (1.0 - theta))) if theta.size else 0.0)
        edges.append(float((marks[:, iu, ju] != 0).sum(axis=1).mean()))
    order = sorted(range(len(settings)), key=lambda k: (edges[k], k))  # sparse -> dense
    monotone = [0.0] * len(settings)
    running = 0.0
    for k in order:
        running = max(running, instab[k])
        monotone[k] = running
    ok = [k for k in order if monotone[k] <= b]
    if ok:
        best = ok[-1]
        reason = (
            f"{_describe(settings[best])} is the densest setting ({edges[best]:.1f} edges on average) whose "
            f"monotonised StARS instability {monotone[best]:.4f} is at most beta={b:g}."
        )
    else:
        best = order[0]
        reason = (
            f"every setting's StARS instability exceeds beta={b:g}; chose the sparsest, "
            f"{_describe(settings[best])} (instability {monotone[best]:.4f})."
        )
    criterion = f"monotonised StARS instability over {len(jobs)} subsamples of {size} rows (lower is more stable)"
    rows = _rows_note(data, "the instability counts the adjacencies of those refits (no likelihood is needed)")
    return TuningResult(spec.name, "stability", criterion, tuple(settings), tuple(monotone), tuple(edges),
                        settings[best], reason, higher_is_better=False, rows=rows)

