"""How sure is a learned graph? Bootstrap edge confidence and stability selection.

A discovery algorithm returns one graph, but the same algorithm on a slightly
different sample may return another. Re-running it on resampled data measures
that variability:

* :func:`bootstrap_edges` (Friedman, Goldszmidt & Wyner 1999) refits the
  algorithm on ``n_bootstrap`` resamples of the rows (drawn with replacement, or
  subsamples without replacement) and reports, for every pair of variables, how
  often they were adjacent and how often each edge type (``A --> B``,
  ``B --> A``, ``A --- B``, ``A <-> B``, ``A o-> B``, ...) was found. The result,
  :class:`EdgeConfidence`, also builds a *consensus graph* of the algorithm's
  output type from the frequent edges.
* :func:`stability_selection` (Meinshausen & Bühlmann 2010; the complementary
  pairs variant of Shah & Samworth 2013) refits on half-samples for every value
  of a hyperparameter grid, keeps the adjacencies whose selection probability
  reaches a threshold for some grid value, and bounds the expected number of
  falsely selected adjacencies.

Every replicate draws its rows and its own seed from
:func:`causalscope.utils.spawn_seeds`, so a fixed ``random_state`` gives the same
answer whatever ``n_jobs``.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..exceptions import CausalScopeError, GraphError, InvalidParameterError
from ..graphs import GRAPH_TYPES, MixedGraph, apply_meek_rules, parse_edge
from ..graphs.marks import ARROW as _ARROW
from ..graphs.marks import CIRCLE as _CIRCLE
from ..graphs.marks import TAIL as _TAIL
from ..graphs.reach import directed_edges, is_acyclic, reaches
from ..parallel import NJobs, open_executor
from ..utils import RandomState, get_logger, spawn_seeds, to_jsonable
from ._resample import AlgorithmSpec, check_data, fitted_graph, n_rows, resolve_algorithm, take_rows

__all__ = [
    "EdgeConfidence",
    "bootstrap_edges",
    "StabilitySelectionResult",
    "stability_selection",
    "stability_error_bound",
]

logger = get_logger(__name__)

Resampling = Literal["bootstrap", "subsample"]
OnError = Literal["raise", "skip"]

_LEFT = {_TAIL: "-", _ARROW: "<", _CIRCLE: "o"}
_RIGHT = {_TAIL: "-", _ARROW: ">", _CIRCLE: "o"}


# ---------------------------------------------------------------------- edge text
def _canonical(u: str, v: str, mu: int, mv: int) -> tuple[str, str, int, int]:
    """Write an edge so that a lone arrowhead (or a lone circle against a tail) points right."""
    if (mu == _ARROW and mv != _ARROW) or (mu == _CIRCLE and mv == _TAIL):
        return v, u, mv, mu
    return u, v, mu, mv


def _edge_text(u: str, v: str, mu: int, mv: int) -> str:
    a, b, ma, mb = _canonical(u, v, mu, mv)
    return f"{a} {_LEFT[ma]}-{_RIGHT[mb]} {b}"


# ---------------------------------------------------------------------- replicates
def _check_positive_int(value: object, name: str, minimum: int = 1) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _check_fraction(value: object, name: str, *, upper_open: bool) -> float:
    try:
        f = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{name} must be a number in (0, 1]; got {value!r}") from None
    ok = 0.0 < f < 1.0 if upper_open else 0.0 < f <= 1.0
    if isinstance(value, bool) or not ok:
        interval = "(0, 1)" if upper_open else "(0, 1]"
        raise InvalidParameterError(f"{name} must be a number in {interval}; got {value!r}")
    return f


def _draw_rows(seed: int, n: int, m: int, replace: bool) -> tuple[np.ndarray, int]:
    """Rows of one replicate and the seed handed to the algorithm."""
    rng = np.random.default_rng(seed)
    rows = rng.integers(0, n, size=m) if replace else np.sort(rng.choice(n, size=m, replace=False))
    return rows, int(rng.integers(0, 2**63 - 1))


Replicate = list[tuple[tuple[str, ...], str, np.ndarray] | str]


def _fit_replicate(
    context: tuple[AlgorithmSpec, Sequence[Mapping[str, Any]], Any, str], job: tuple[np.ndarray, int]
) -> Replicate:
    """Fit every override on one replicate's rows: ``(nodes, kind, marks)`` or the error's text, per override."""
    spec, overrides, data, on_error = context
    rows, seed = job
    sample = take_rows(data, rows)
    per: Replicate = []
    for ov in overrides:
        try:
            est = spec.build(ov, seed).fit(sample)
            graph = fitted_graph(est, spec.name)
            per.append((tuple(graph.nodes), graph.kind, graph.mark_matrix().astype(np.int8)))
        except CausalScopeError as err:
            if on_error == "raise":
                raise
            per.append(f"{type(err).__name__}: {err}")
    return per


def run_replicates(
    spec: AlgorithmSpec,
    overrides: Sequence[Mapping[str, Any]],
    data: Any,
    jobs: list[tuple[np.ndarray, int]],
    *,
    n_jobs: NJobs,
    on_error: str,
    progress: Any,
    description: str,
) -> list[Replicate]:
    """Fit the algorithm with every override on every replicate, in replicate order.

    Parameters
    ----------
    spec:
        The algorithm's recipe.
    overrides:
        Hyperparameter settings; each replicate is fitted once per setting.
    data:
        The full data (the shared context of the tasks: sent once per chunk).
    jobs:
        One ``(rows, seed)`` per replicate, drawn by the caller before the run.
    n_jobs:
        Anything :func:`causalscope.parallel.get_executor` accepts.
    on_error:
        ``"raise"`` or ``"skip"`` (a failed fit gives the error's text).
    progress, description:
        One progress step per replicate.

    Returns
    -------
    list
        Per replicate, per override: ``(nodes, kind, int8 mark matrix)`` or the
        error's text. Identical for every ``n_jobs``.
    """
    with open_executor(n_jobs) as executor:
        return executor.map(
            _fit_replicate, jobs, context=(spec, overrides, data, on_error), progress=progress, description=description
        )


# ---------------------------------------------------------------------- result
@dataclass(frozen=True, eq=False)
class EdgeConfidence:
    """Edge frequencies over refits of a discovery algorithm on resampled data.

    Attributes
    ----------
    nodes:
        The variables, in column order.
    marks:
        ``int8`` array ``(n_replicates, p, p)``: the mark matrix of every
        successful replicate (``M[i, j]`` = mark at ``j`` of the edge ``i``-``j``;
        0 none, 1 tail, 2 arrow, 3 circle).
    graph_type:
        The kind of graph the algorithm returns (``"cpdag"``, ``"dag"``, ``"pag"``).
    algorithm, parameters:
        The algorithm's registry name and the hyperparameters used.
    resampling, sample_fraction:
        ``"bootstrap"`` (rows with replacement) or ``"subsample"`` (without), and
        the size of each resample as a fraction of ``n``.
    n_failed:
        Replicates skipped because the algorithm raised (``on_error="skip"``).
    """

    nodes: tuple[str, ...]
    marks: np.ndarray
    graph_type: str
    algorithm: str
    parameters: dict[str, Any] = field(default_factory=dict)
    resampling: str = "bootstrap"
    sample_fraction: float = 1.0
    n_failed: int = 0

    @property
    def n_replicates(self) -> int:
        """Number of successful replicates (the denominator of every frequency)."""
        return int(self.marks.shape[0])

    def _idx(self, node: str) -> int:
        try:
            return self.nodes.index(node)
        except ValueError:
            raise InvalidParameterError(f"unknown node {node!r}; expected one of {list(self.nodes)}") from None

    def adjacency_matrix(self) -> pd.DataFrame:
        """Frequency of adjacency for every pair, as a symmetric DataFrame indexed by the nodes."""
        freq = (self.marks != 0).mean(axis=0) if self.n_replicates else np.zeros((len(self.nodes),) * 2)
        return pd.DataFrame(freq, index=list(self.nodes), columns=list(self.nodes))

    def adjacency(self, u: str, v: str) -> float:
        """Frequency with which ``u`` and ``v`` were adjacent."""
        i, j = self._idx(u), self._idx(v)
        return float((self.marks[:, i, j] != 0).mean()) if self.n_replicates else 0.0

    def frequency(self, edge: str) -> float:
        """Frequency of one edge with its marks, e.g. ``"A --> B"`` (``"B <-- A"`` is the same edge)."""
        e = parse_edge(edge)
        i, j = self._idx(e.u), self._idx(e.v)
        if not self.n_replicates:
            return 0.0
        hit = (self.marks[:, j, i] == e.mark_u.code) & (self.marks[:, i, j] == e.mark_v.code)
        return float(hit.mean())

    def pairs(self) -> list[dict[str, Any]]:
        """Every pair that was adjacent at least once: nodes, adjacency and per-edge-type frequency.

        Edge types are sorted by decreasing frequency (then text), pairs by node order.
        """
        out = []
        b = self.n_replicates
        p = len(self.nodes)
        for i in range(p):
            for j in range(i + 1, p):
                mu, mv = self.marks[:, j, i], self.marks[:, i, j]
                present = mv != 0
                if not present.any():
                    continue
                codes = mu[present].astype(np.int64) * 4 + mv[present]
                kinds, counts = np.unique(codes, return_counts=True)
                types = {
                    _edge_text(self.nodes[i], self.nodes[j], int(k) // 4, int(k) % 4): c / b
                    for k, c in zip(kinds, counts, strict=True)
                }
                ordered = dict(sorted(types.items(), key=lambda t: (-t[1], t[0])))
                out.append(
                    {
                        "nodes": [self.nodes[i], self.nodes[j]],
                        "adjacency": float(present.mean()),
                        "edges": {k: float(f) for k, f in ordered.items()},
                    }
                )
        return out

    def edge_list(self, min_frequency: float = 0.0) -> list[dict[str, Any]]:
        """The ``edge_confidence`` list of ``analysis.json``: ``[{"edge": "A --> B", "frequency": 0.93}, ...]``.

        Every edge type seen with frequency above ``min_frequency`` (and > 0), by
        pair in node order, then by decreasing frequency.
        """
        return [
            {"edge": e, "frequency": round(f, 10)}
            for pair in self.pairs()
            for e, f in pair["edges"].items()
            if f > min_frequency
        ]

    # ------------------------------------------------------------------ consensus
    def consensus_graph(self, threshold: float = 0.5) -> MixedGraph:
        """A graph of the algorithm's output type built from the frequent edges.

        Rule: keep a pair when its adjacency frequency is at least ``threshold``;
        give it its most frequent edge type among the replicates where it was
        adjacent (a tie between the two directions, or between a direction and
        ``---``, gives ``---`` for CPDAGs and ``o-o`` for PAGs; for DAGs a tie
        goes to the direction along the node order). Then make the graph valid:

        * **CPDAG** output: the majority orientations are applied together, most
          frequent first, skipping one that would close a directed cycle; then
          Meek's rules R1-R4 close the graph. Should the closure have a directed
          cycle (possible only when the orientations disagree with each other),
          the least frequent orientation is turned back into ``---`` and the
          closure redone, until it is acyclic. The result is an acyclic PDAG
          closed under Meek's rules.
        * **DAG** output: directions are added most frequent first; one that
          would close a directed cycle is reversed (the reverse cannot close one).
        * **PAG** (and other) output: a directed edge ``u --> v`` that would close
          a directed cycle becomes ``u o-> v``.

        Raises
        ------
        InvalidParameterError
            If ``threshold`` is not in (0, 1].
        """
        thr = _check_fraction(threshold, "threshold", upper_open=False)
        cls = GRAPH_TYPES.get(self.graph_type, MixedGraph)
        p = len(self.nodes)
        b = max(self.n_replicates, 1)
        m = np.zeros((p, p), dtype=np.int8)
        directed: list[tuple[float, int, int]] = []  # (frequency, source, target)
        for i in range(p):
            for j in range(i + 1, p):
                mu, mv = self.marks[:, j, i], self.marks[:, i, j]
                present = mv != 0
                if present.sum() / b < thr or not present.any():
                    continue
                codes = mu[present].astype(np.int64) * 4 + mv[present]
                kinds, counts = np.unique(codes, return_counts=True)
                best = counts.max()
                tied = [int(k) for k, c in zip(kinds, counts, strict=True) if c == best]
                code = self._break_tie(tied)
                a, c = code // 4, code % 4  # mark at i, mark at j
                if a == _TAIL and c == _ARROW:
                    directed.append((best / b, i, j))
                    m[i, j], m[j, i] = _TAIL, _TAIL
                elif a == _ARROW and c == _TAIL:
                    directed.append((best / b, j, i))
                    m[i, j], m[j, i] = _TAIL, _TAIL
                else:
                    m[i, j], m[j, i] = c, a
        directed.sort(key=lambda t: (-t[0], t[1], t[2]))
        if cls.kind == "cpdag":
            m = self._orient_pdag(m, directed)
        else:
            for _, s, t in directed:
                if _reaches(m, t, s):
                    if cls.kind == "dag":
                        s, t = t, s
                        m[s, t], m[t, s] = _ARROW, _TAIL
                    else:
                        m[s, t], m[t, s] = _ARROW, _CIRCLE
                else:
                    m[s, t], m[t, s] = _ARROW, _TAIL
        return cls.from_mark_matrix(self.nodes, m)

    def _break_tie(self, tied: list[int]) -> int:
        if len(tied) == 1:
            return tied[0]
        if self.graph_type == "dag":
            return min(tied, key=lambda k: (k // 4 != _TAIL, k))  # tail at the earlier node first
        if self.graph_type == "pag":
            return _CIRCLE * 4 + _CIRCLE
        if self.graph_type == "cpdag":
            return _TAIL * 4 + _TAIL
        return min(tied)

    @staticmethod
    def _orient_pdag(m: np.ndarray, directed: list[tuple[float, int, int]]) -> np.ndarray:
        kept: list[tuple[int, int]] = []
        for _, s, t in directed:  # most frequent first; skip one that closes a cycle
            if not _reaches(m, t, s):
                m[s, t], m[t, s] = _ARROW, _TAIL
                kept.append((s, t))
        while True:
            closed = apply_meek_rules(m)
            if _acyclic(closed) or not kept:
                return closed
            s, t = kept.pop()  # the least frequent orientation goes back to ---
            m[s, t], m[t, s] = _TAIL, _TAIL

    # ------------------------------------------------------------------ export
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready summary: settings, per-pair frequencies and the ``edge_confidence`` list."""
        return {
            "algorithm": self.algorithm,
            "parameters": to_jsonable(self.parameters),
            "graph_type": self.graph_type,
            "nodes": list(self.nodes),
            "resampling": self.resampling,
            "sample_fraction": self.sample_fraction,
            "n_replicates": self.n_replicates,
            "n_failed": self.n_failed,
            "pairs": self.pairs(),
            "edge_confidence": self.edge_list(),
        }

    def __repr__(self) -> str:
        return (
            f"EdgeConfidence(algorithm={self.algorithm!r}, n_replicates={self.n_replicates}, "
            f"nodes={len(self.nodes)}, graph_type={self.graph_type!r})"
        )


def _reaches(m: np.ndarray, src: int, dst: int) -> bool:
    """True if a directed path ``src --> ... --> dst`` exists in the mark matrix ``m``."""
    return src == dst or reaches(directed_edges(m), src, dst)


def _acyclic(m: np.ndarray) -> bool:
    """True if the directed edges (tail-arrow) of the mark matrix ``m`` form no cycle."""
    return is_acyclic(directed_edges(m))


def _collect(
    results: list[list[Any]], names: tuple[str, ...] | None, k: int
) -> tuple[tuple[str, ...], np.ndarray, str, int, list[bool]]:
    """Stack the marks of override ``k`` over replicates.

    Returns the node names (``names``, or those of the first successful graph),
    the ``(n_ok, p, p)`` marks in that node order, the graph kind, the number of
    failures and a success flag per replicate.
    """
    stacks, kind, failed, ok = [], "", 0, []
    for per in results:
        item = per[k]
        if isinstance(item, str):
            failed += 1
            ok.append(False)
            continue
        nodes, kind, m = item
        if names is None:
            names = nodes
        if nodes != names:
            if set(nodes) != set(names):
                raise GraphError(
                    f"the algorithm returned graphs over different nodes: {list(names)} and {list(nodes)}"
                )
            idx = [nodes.index(v) for v in names]
            m = m[np.ix_(idx, idx)]
        stacks.append(m)
        ok.append(True)
    names = names or ()
    p = len(names)
    marks = np.stack(stacks) if stacks else np.zeros((0, p, p), dtype=np.int8)
    return names, marks, kind, failed, ok


def bootstrap_edges(
    data: Any,
    algorithm: str | Any,
    *,
    n_bootstrap: int = 50,
    resampling: Resampling = "bootstrap",
    sample_fraction: float | None = None,
    random_state: RandomState = None,
    n_jobs: NJobs = 1,
    on_error: OnError = "raise",
    progress: Any = None,
    **algorithm_params: Any,
) -> EdgeConfidence:
    """Refit a discovery algorithm on resampled rows and count every edge.

    Parameters
    ----------
    data:
        A :class:`pandas.DataFrame` or :class:`~causalscope.data.Dataset`.
    algorithm:
        A registry name from :data:`~causalscope.discovery.DISCOVERY_ALGORITHMS`
        (``"pc"``, ``"ges"``, ``"lingam"``, ...) or an estimator object, whose
        hyperparameters are copied into a fresh estimator for each replicate.
    n_bootstrap:
        Number of replicates (>= 1).
    resampling:
        ``"bootstrap"``: ``round(sample_fraction * n)`` rows drawn **with**
        replacement (default fraction 1, the ordinary bootstrap);
        ``"subsample"``: rows drawn **without** replacement (default fraction 0.5,
        which must be < 1).
    sample_fraction:
        Size of each resample as a fraction of the number of rows.
    random_state:
        Seed or generator; one seed per replicate is drawn with
        :func:`~causalscope.utils.spawn_seeds`, which fixes the replicate's rows and
        the ``random_state`` handed to algorithms that take one. The result does
        not depend on ``n_jobs``.
    n_jobs:
        Worker processes (:mod:`causalscope.parallel`): ``None`` or 1 runs in this
        process, -1 uses all cores; an :class:`~causalscope.parallel.Executor` is used as given.
    on_error:
        ``"raise"`` (default) lets an algorithm's error on a resample propagate;
        ``"skip"`` drops that replicate and counts it in ``n_failed`` (useful when
        a resample can lose a rare category). If every replicate fails the last
        error is raised.
    progress:
        ``None``, a :class:`~causalscope.utils.Progress` or a callback; one step per replicate.
    **algorithm_params:
        Hyperparameters of the algorithm (``alpha=0.01``, ``ci_test="gsq"``, ``knowledge=...``).

    Returns
    -------
    EdgeConfidence

    Raises
    ------
    InvalidParameterError
        For an unknown algorithm or hyperparameter, ``n_bootstrap < 1``, a bad
        ``resampling``, ``sample_fraction`` or ``n_jobs``.

    Notes
    -----
    The frequency of an edge type is the fraction of replicates whose graph has
    exactly that edge between the pair; the adjacency frequency sums them. For a
    CPDAG ``A --- B`` counts separately from ``A --> B``: an undirected edge
    means the data did not decide the direction, not that both were found.

    References
    ----------
    Friedman, N., Goldszmidt, M. & Wyner, A. (1999). Data analysis with Bayesian
    networks: a bootstrap approach. UAI, 196-205.

    Examples
    --------
    >>> from causalscope.datasets import simulate
    >>> sim = simulate(4, 500, random_state=0)
    >>> conf = bootstrap_edges(sim.data, "pc", n_bootstrap=5, random_state=0)
    >>> conf.n_replicates
    5
    >>> sorted(conf.edge_list()[0])
    ['edge', 'frequency']
    >>> conf.consensus_graph().kind
    'cpdag'
    """
    check_data(data)
    spec = resolve_algorithm(algorithm, algorithm_params)
    b = _check_positive_int(n_bootstrap, "n_bootstrap")
    if resampling not in ("bootstrap", "subsample"):
        raise InvalidParameterError(f"resampling must be 'bootstrap' or 'subsample'; got {resampling!r}")
    if on_error not in ("raise", "skip"):
        raise InvalidParameterError(f"on_error must be 'raise' or 'skip'; got {on_error!r}")
    replace = resampling == "bootstrap"
    if sample_fraction is None:
        sample_fraction = 1.0 if replace else 0.5
    frac = _check_fraction(sample_fraction, "sample_fraction", upper_open=not replace)
    n = n_rows(data)
    m = max(2, int(round(frac * n)))
    jobs = [_draw_rows(s, n, m, replace) for s in spawn_seeds(random_state, b)]
    results = run_replicates(
        spec, [{}], data, jobs, n_jobs=n_jobs, on_error=on_error, progress=progress,
        description=f"bootstrap {spec.name}",
    )
    names, marks, kind, failed, _ = _collect(results, None, 0)
    if marks.shape[0] == 0:
        last = next(r[0] for r in reversed(results) if isinstance(r[0], str))
        raise InvalidParameterError(f"every one of the {b} replicates of {spec.name!r} failed; last error: {last}")
    if failed:
        logger.warning("%d of %d bootstrap replicates of %s failed and were skipped", failed, b, spec.name)
    return EdgeConfidence(
        nodes=names,
        marks=marks,
        graph_type=kind,
        algorithm=spec.name,
        parameters={k: v for k, v in spec.params.items() if k != "progress"},
        resampling=resampling,
        sample_fraction=frac,
        n_failed=failed,
    )


# ---------------------------------------------------------------------- stability selection
def stability_error_bound(q: float, p: int, threshold: float) -> float:
    """Meinshausen & Bühlmann's bound on the expected number of false selections.

    ``E[V] <= q**2 / ((2 * threshold - 1) * p)`` where ``q`` is the expected
    number of selected elements (per subsample, over the whole grid), ``p`` the
    number of candidate elements and ``threshold`` the selection threshold
    ``pi_thr`` in (0.5, 1].

    Raises
    ------
    InvalidParameterError
        If ``threshold`` is not in (0.5, 1], ``p < 1`` or ``q < 0``.

    References
    ----------
    Meinshausen, N. & Bühlmann, P. (2010). Stability selection. *JRSS B* 72(4),
    417-473, Theorem 1.

    Examples
    --------
    >>> stability_error_bound(q=5, p=45, threshold=0.75)
    1.1111111111111112
    """
    thr = float(threshold)
    if not (0.5 < thr <= 1.0):
        raise InvalidParameterError(f"threshold must be in (0.5, 1]; got {threshold!r}")
    if int(p) < 1:
        raise InvalidParameterError(f"p (number of candidate pairs) must be >= 1; got {p!r}")
    if float(q) < 0:
        raise InvalidParameterError(f"q must be >= 0; got {q!r}")
    return float(q) ** 2 / ((2.0 * thr - 1.0) * int(p))


@dataclass(frozen=True, eq=False)
class StabilitySelectionResult:
    """Selection probabilities of every adjacency over a hyperparameter grid.

    Attributes
    ----------
    nodes:
        The variables.
    pairs:
        The candidate unordered pairs ``(u, v)`` (``u`` before ``v`` in node order).
    grid:
        The hyperparameter settings tried, one dict per setting.
    probabilities:
        ``(len(grid), len(pairs))`` array: the fraction of subsample fits at each
        setting in which the pair was adjacent.
    threshold:
        The selection threshold ``pi_thr``.
    stable_pairs:
        Pairs with ``max over the grid of probability >= threshold``.
    q:
        Average number of pairs selected at *some* grid value on one subsample
        (the estimate of ``q_Lambda``).
    error_bound:
        ``q**2 / ((2 pi_thr - 1) p)``, the bound on the expected number of falsely
        selected pairs, ``p = len(pairs)``.
    edge_confidence:
        The :class:`EdgeConfidence` of each setting (orientations included).
    complementary_pairs, n_subsamples:
        Whether Shah & Samworth's complementary pairs were used, and the number
        of subsample fits per setting.
    """

    nodes: tuple[str, ...]
    pairs: tuple[tuple[str, str], ...]
    grid: tuple[dict[str, Any], ...]
    probabilities: np.ndarray
    threshold: float
    stable_pairs: tuple[tuple[str, str], ...]
    q: float
    error_bound: float
    edge_confidence: tuple[EdgeConfidence, ...]
    complementary_pairs: bool
    n_subsamples: int
    algorithm: str

    @property
    def max_probability(self) -> dict[tuple[str, str], float]:
        """Largest selection probability of each pair over the grid."""
        top = self.probabilities.max(axis=0) if len(self.grid) else np.zeros(len(self.pairs))
        return {pr: float(v) for pr, v in zip(self.pairs, top, strict=True)}

    def stable_graph(self) -> MixedGraph:
        """The stable adjacencies, oriented by the replicates of one grid setting.

        The setting is the one whose selection probabilities summed over the
        stable pairs are largest (ties: the earlier setting). Its replicate graphs,
        restricted to the stable pairs, give each pair its majority edge type, and
        the graph is made valid as in :meth:`EdgeConfidence.consensus_graph`. A
        stable pair never adjacent at that setting takes its edges from the
        setting where it is most stable. Orientations are taken from a single
        setting so that, e.g., both arrows of a v-structure come from the same fits.
        """
        kind = self.edge_confidence[0].graph_type if self.edge_confidence else "mixed"
        if not self.stable_pairs:
            return GRAPH_TYPES.get(kind, MixedGraph)(self.nodes)
        cols = [self.pairs.index(pr) for pr in self.stable_pairs]
        k_star = int(np.argmax(self.probabilities[:, cols].sum(axis=1)))
        idx = {v: i for i, v in enumerate(self.nodes)}
        base = self.edge_confidence[k_star].marks
        out = np.zeros_like(base)
        for col, (u, v) in zip(cols, self.stable_pairs, strict=True):
            i, j = idx[u], idx[v]
            src = base
            if not (base[:, i, j] != 0).any():
                src = self.edge_confidence[int(np.argmax(self.probabilities[:, col]))].marks
            n = min(src.shape[0], out.shape[0])
            out[:n, i, j], out[:n, j, i] = src[:n, i, j], src[:n, j, i]
        conf = EdgeConfidence(self.nodes, out, kind, self.algorithm)
        return conf.consensus_graph(threshold=1.0 / (2 * max(out.shape[0], 1)))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: settings, per-pair probabilities, the stable set and the bound."""
        return {
            "algorithm": self.algorithm,
            "grid": to_jsonable(list(self.grid)),
            "threshold": self.threshold,
            "complementary_pairs": self.complementary_pairs,
            "n_subsamples": self.n_subsamples,
            "n_candidates": len(self.pairs),
            "q": self.q,
            "error_bound": self.error_bound,
            "stable_pairs": [list(pr) for pr in self.stable_pairs],
            "probabilities": [
                {"pair": list(pr), "by_setting": [float(x) for x in self.probabilities[:, c]]}
                for c, pr in enumerate(self.pairs)
            ],
        }

    def __repr__(self) -> str:
        return (
            f"StabilitySelectionResult(algorithm={self.algorithm!r}, settings={len(self.grid)}, "
            f"stable={len(self.stable_pairs)}, error_bound={self.error_bound:.3g})"
        )


def expand_grid(spec: AlgorithmSpec, grid: Mapping[str, Sequence[Any]]) -> list[dict[str, Any]]:
    """All combinations of a ``{name: values}`` grid (names sorted), validated against ``spec``."""
    if not isinstance(grid, Mapping) or not grid:
        raise InvalidParameterError(f"grid must be a non-empty dict {{parameter: [values]}}; got {grid!r}")
    keys = sorted(grid)
    values = []
    for k in keys:
        spec.route(k)
        vals = grid[k]
        if isinstance(vals, (str, bytes)) or not isinstance(vals, Sequence) or len(vals) == 0:
            raise InvalidParameterError(f"grid[{k!r}] must be a non-empty list of values; got {vals!r}")
        values.append(list(vals))
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*values)]


def stability_selection(
    data: Any,
    algorithm: str | Any,
    grid: Mapping[str, Sequence[Any]],
    *,
    n_subsamples: int = 50,
    threshold: float = 0.75,
    complementary_pairs: bool = True,
    random_state: RandomState = None,
    n_jobs: NJobs = 1,
    on_error: OnError = "raise",
    progress: Any = None,
    **algorithm_params: Any,
) -> StabilitySelectionResult:
    """Stability selection of adjacencies over a hyperparameter grid.

    For each of ``n_subsamples`` draws, the rows are split in half (without
    replacement); with ``complementary_pairs=True`` (Shah & Samworth 2013) both
    disjoint halves are fitted, otherwise only the first (Meinshausen & Bühlmann
    2010). Every grid setting is fitted on the same halves. A pair's selection
    probability at a setting is the fraction of fits in which it is adjacent; the
    stable set holds the pairs whose probability reaches ``threshold`` at some
    setting.

    Parameters
    ----------
    data:
        DataFrame or Dataset.
    algorithm:
        Registry name or estimator (see :func:`bootstrap_edges`).
    grid:
        ``{parameter: [values, ...]}``, e.g. ``{"alpha": [0.01, 0.05]}``; several
        parameters give their product. For score-based algorithms the score
        parameters ``penalty_discount``, ``ess`` (and BGe's) go into ``score_params``.
    n_subsamples:
        Number of subsample draws (each gives 2 fits with complementary pairs).
    threshold:
        ``pi_thr`` in (0.5, 1]; Meinshausen & Bühlmann suggest 0.6-0.9.
    complementary_pairs:
        Fit both halves of every split.
    random_state, n_jobs, on_error, progress, **algorithm_params:
        As in :func:`bootstrap_edges`.

    Returns
    -------
    StabilitySelectionResult

    Raises
    ------
    InvalidParameterError
        For an empty or invalid grid, a grid parameter the algorithm does not
        take, ``n_subsamples < 1`` or a threshold outside (0.5, 1].

    Notes
    -----
    With ``V`` the number of selected pairs that are not adjacent in the truth,
    ``q`` the expected number of pairs selected at any grid setting on one
    half-sample and ``p`` the number of candidate pairs ``p_vars (p_vars - 1) / 2``,
    Meinshausen & Bühlmann (2010, Theorem 1) show ``E[V] <= q**2 / ((2 pi_thr - 1) p)``
    if the false selections are exchangeable and the procedure is not worse than
    random guessing; Shah & Samworth (2013) show the same bound holds for the
    complementary-pairs version under those assumptions, and give tighter ones
    under further conditions. ``q`` is estimated by the average over fits.

    References
    ----------
    Meinshausen, N. & Bühlmann, P. (2010). Stability selection. *JRSS B* 72(4), 417-473.
    Shah, R. D. & Samworth, R. J. (2013). Variable selection with error control:
    another look at stability selection. *JRSS B* 75(1), 55-80.

    Examples
    --------
    >>> from causalscope.datasets import simulate
    >>> sim = simulate(4, 400, random_state=1)
    >>> res = stability_selection(sim.data, "pc", {"alpha": [0.01, 0.05]}, n_subsamples=4, random_state=0)
    >>> res.probabilities.shape, res.error_bound >= 0
    ((2, 6), True)
    """
    check_data(data)
    spec = resolve_algorithm(algorithm, algorithm_params)
    settings = expand_grid(spec, grid)
    ns = _check_positive_int(n_subsamples, "n_subsamples")
    thr = float(threshold) if not isinstance(threshold, bool) else -1.0
    if not (0.5 < thr <= 1.0):
        raise InvalidParameterError(f"threshold must be in (0.5, 1]; got {threshold!r}")
    if on_error not in ("raise", "skip"):
        raise InvalidParameterError(f"on_error must be 'raise' or 'skip'; got {on_error!r}")
    n = n_rows(data)
    half = n // 2
    if half < 2:
        raise InvalidParameterError(f"stability selection needs at least 4 rows; got {n}")
    jobs: list[tuple[np.ndarray, int]] = []
    for seed in spawn_seeds(random_state, ns):
        rng = np.random.default_rng(seed)
        perm = rng.permutation(n)
        s1, s2 = (int(x) for x in rng.integers(0, 2**63 - 1, size=2))
        jobs.append((np.sort(perm[:half]), s1))
        if complementary_pairs:
            jobs.append((np.sort(perm[half : 2 * half]), s2))
    results = run_replicates(
        spec, settings, data, jobs, n_jobs=n_jobs, on_error=on_error, progress=progress,
        description=f"stability selection {spec.name}",
    )
    names = _collect(results, None, 0)[0]
    p = len(names)
    iu, ju = np.triu_indices(p, k=1)
    pairs = tuple((names[i], names[j]) for i, j in zip(iu, ju, strict=True))
    confs, probs = [], []
    union = np.zeros((len(jobs), len(pairs)), dtype=bool)
    for k, setting in enumerate(settings):
        _, marks, kind, failed, ok = _collect(results, names, k)
        if marks.shape[0] == 0:
            raise InvalidParameterError(f"every fit of {spec.name!r} with {setting} failed")
        adj = marks[:, iu, ju] != 0
        probs.append(adj.mean(axis=0))
        union[np.flatnonzero(ok)] |= adj
        confs.append(
            EdgeConfidence(
                names, marks, kind, spec.name, {**spec.params, **setting}, "subsample", half / n, failed
            )
        )
    probabilities = np.vstack(probs)
    top = probabilities.max(axis=0)
    stable = tuple(pr for pr, v in zip(pairs, top, strict=True) if v >= thr)
    q = float(union.sum(axis=1).mean())
    return StabilitySelectionResult(
        nodes=names,
        pairs=pairs,
        grid=tuple(settings),
        probabilities=probabilities,
        threshold=thr,
        stable_pairs=stable,
        q=q,
        error_bound=stability_error_bound(q, max(len(pairs), 1), thr),
        edge_confidence=tuple(confs),
        complementary_pairs=bool(complementary_pairs),
        n_subsamples=len(jobs),
        algorithm=spec.name,
    )

