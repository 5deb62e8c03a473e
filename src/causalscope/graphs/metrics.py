"""Scoring an estimated graph against the true graph.

Structure-learning results are compared with the truth on three levels:

* the **structural Hamming distance** (:func:`shd`): how many node pairs carry a
  different edge (missing, extra, or with other marks);
* **adjacency** precision / recall / F1 (:func:`adjacency_scores`): is the skeleton
  right, whatever the marks?
* **arrowhead** precision / recall / F1 (:func:`arrowhead_scores`): are the
  arrowheads (the "is not an ancestor of" claims) right? This is the usual
  orientation score for PAGs and CPDAGs in the FCI literature (Tetrad's AHP/AHR).

:func:`compare_graphs` bundles everything (plus counts of missing, extra and
misoriented edges) in a :class:`GraphComparison`, which the command
``causalscope graph compare`` prints.

Both graphs must have the same set of nodes (their order may differ). The graphs
are compared as given: comparing a DAG with a CPDAG counts every undirected edge
of the CPDAG as a misorientation; to compare Markov equivalence classes, convert
the true DAG first (:func:`~causalscope.graphs.equivalence.dag_to_cpdag` or
:func:`~causalscope.graphs.ancestral.dag_to_pag`).

Time-series graphs (:class:`~causalscope.graphs.timeseries.TimeSeriesGraph`) are
scored link by link with :func:`compare_timeseries_graphs`.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

from ..exceptions import GraphError, InvalidParameterError
from .base import Edge, Endpoint, MixedGraph
from .timeseries import TimeSeriesGraph

__all__ = [
    "PrecisionRecallF1",
    "GraphComparison",
    "shd",
    "adjacency_scores",
    "arrowhead_scores",
    "compare_graphs",
    "compare_timeseries_graphs",
]


@dataclass(frozen=True)
class PrecisionRecallF1:
    """Precision, recall and F1 of a set of predicted items against the true set.

    Attributes
    ----------
    precision:
        ``tp / (tp + fp)``: the share of the estimate's items that are true.
    recall:
        ``tp / (tp + fn)``: the share of the true items the estimate found.
    f1:
        ``2 p r / (p + r)``, and 0 when ``p + r == 0``.
    tp, fp, fn:
        True positives, false positives, false negatives.

    Notes
    -----
    A ratio ``0 / 0`` (nothing predicted, or nothing to find) is 1.0 when the
    estimate is perfect, that is when ``tp == fp == fn == 0`` (both graphs have no
    such item), and 0.0 otherwise. So an empty estimate of a non-empty truth scores
    precision 0, and an estimate with only wrong items against an empty truth scores
    recall 0: neither is rewarded.
    """

    precision: float
    recall: float
    f1: float
    tp: int
    fp: int
    fn: int

    @classmethod
    def from_counts(cls, tp: int, fp: int, fn: int) -> PrecisionRecallF1:
        """Compute the scores from the counts (see the class notes for ``0 / 0``).

        Examples
        --------
        >>> PrecisionRecallF1.from_counts(tp=3, fp=1, fn=2).precision
        0.75
        """
        for name, value in (("tp", tp), ("fp", fp), ("fn", fn)):
            if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < 0:
                raise InvalidParameterError(f"{name} must be a non-negative integer; got {value!r}")
        tp, fp, fn = int(tp), int(fp), int(fn)
        perfect = tp == fp == fn == 0
        default = 1.0 if perfect else 0.0
        precision = tp / (tp + fp) if tp + fp else default
        recall = tp / (tp + fn) if tp + fn else default
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return cls(precision=precision, recall=recall, f1=f1, tp=tp, fp=fp, fn=fn)

    def to_dict(self) -> dict[str, Any]:
        """The fields as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class GraphComparison:
    """Everything :func:`compare_graphs` measures.

    Attributes
    ----------
    shd:
        Structural Hamming distance (:func:`shd`); equals
        ``missing + extra + misoriented``.
    adjacency, arrowhead:
        :func:`adjacency_scores` and :func:`arrowhead_scores`.
    true_edges, estimated_edges:
        Number of edges of each graph (an ADMG bow counts as two edges).
    missing:
        Node pairs adjacent in the truth but not in the estimate.
    extra:
        Node pairs adjacent in the estimate but not in the truth.
    misoriented:
        Node pairs adjacent in both whose edges differ in any mark (a reversed
        edge, a ``---`` for a ``-->``, an ``o->`` for a ``-->``, ...).
    reversed:
        The misoriented pairs where both graphs have one directed edge, pointing
        opposite ways (a subset of ``misoriented``).
    """

    shd: int
    adjacency: PrecisionRecallF1
    arrowhead: PrecisionRecallF1
    true_edges: int
    estimated_edges: int
    missing: int
    extra: int
    misoriented: int
    reversed: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the scores as nested dicts)."""
        return {
            "shd": self.shd,
            "adjacency": self.adjacency.to_dict(),
            "arrowhead": self.arrowhead.to_dict(),
            "true_edges": self.true_edges,
            "estimated_edges": self.estimated_edges,
            "missing": self.missing,
            "extra": self.extra,
            "misoriented": self.misoriented,
            "reversed": self.reversed,
        }

    def summary(self) -> str:
        """A plain-text table of the scores (what ``causalscope graph compare`` prints).

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> print(compare_graphs(DAG(edges=["A --> B", "B --> C"]), DAG(edges=["A --> B", "C --> B"])).summary())
        edges: true 2, estimated 2
        SHD: 1 (missing 0, extra 0, misoriented 1, of which reversed 1)
        <BLANKLINE>
                   precision  recall     F1  TP  FP  FN
        adjacency      1.000   1.000  1.000   2   0   0
        arrowhead      0.500   0.500  0.500   1   1   1
        """
        rows = [("adjacency", self.adjacency), ("arrowhead", self.arrowhead)]
        width = max(2, *(len(str(n)) for _, s in rows for n in (s.tp, s.fp, s.fn)))
        head = f"{'':9}  precision  recall     F1  {'TP':>{width}}  {'FP':>{width}}  {'FN':>{width}}"
        lines = [
            f"edges: true {self.true_edges}, estimated {self.estimated_edges}",
            f"SHD: {self.shd} (missing {self.missing}, extra {self.extra}, "
            f"misoriented {self.misoriented}, of which reversed {self.reversed})",
            "",
            head,
        ]
        for name, s in rows:
            lines.append(
                f"{name:<9}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  "
                f"{s.tp:>{width}}  {s.fp:>{width}}  {s.fn:>{width}}"
            )
        return "\n".join(lines)


# ---------------------------------------------------------------------- internals
Pair = frozenset[str]


def _check_graph(graph: object, name: str) -> MixedGraph:
    if not isinstance(graph, MixedGraph):
        raise InvalidParameterError(
            f"{name} must be a causalscope graph (DAG, CPDAG, MAG, ADMG, PAG or MixedGraph); "
            f"got {type(graph).__name__}"
        )
    return graph


def _check_pair(true: object, estimated: object) -> tuple[MixedGraph, MixedGraph]:
    true = _check_graph(true, "true")
    estimated = _check_graph(estimated, "estimated")
    t, e = set(true.nodes), set(estimated.nodes)
    if t != e:
        only_t = sorted(t - e)
        only_e = sorted(e - t)
        parts = []
        if only_t:
            parts.append(f"only in the true graph: {only_t}")
        if only_e:
            parts.append(f"only in the estimated graph: {only_e}")
        raise GraphError("the two graphs must have the same nodes; " + "; ".join(parts))
    return true, estimated


def _edge_sets(graph: MixedGraph) -> dict[Pair, frozenset[Edge]]:
    """Each adjacent pair -> the set of edges joining it (two for an ADMG bow)."""
    out: dict[Pair, set[Edge]] = {}
    for e in graph.edges:
        out.setdefault(frozenset((e.u, e.v)), set()).add(e)
    return {k: frozenset(v) for k, v in out.items()}


def _arrowheads(graph: MixedGraph) -> set[tuple[str, str]]:
    """``(at, other)`` for every arrowhead at node ``at`` on an edge between ``at`` and ``other``."""
    out: set[tuple[str, str]] = set()
    for e in graph.edges:
        if e.mark_u is Endpoint.ARROW:
            out.add((e.u, e.v))
        if e.mark_v is Endpoint.ARROW:
            out.add((e.v, e.u))
    return out


def _differing_pairs(t: dict[Pair, frozenset[Edge]], e: dict[Pair, frozenset[Edge]]) -> Iterable[Pair]:
    for pair in t.keys() | e.keys():
        if t.get(pair) != e.get(pair):
            yield pair


# ---------------------------------------------------------------------- metrics
def shd(true: MixedGraph, estimated: MixedGraph) -> int:
    """Structural Hamming distance: the number of node pairs whose edges differ.

    For every unordered pair of nodes, count 1 if the edges joining the pair in the
    two graphs are not the same (same marks at the same nodes). So a missing edge,
    an extra edge, a reversed edge and an edge with other marks (``---`` or ``o->``
    where the truth has ``-->``, ...) each count 1. For an ADMG pair joined by a bow
    the *set* of edges is compared (``A --> B`` alone against the bow ``A --> B``,
    ``A <-> B`` counts 1).

    Parameters
    ----------
    true, estimated:
        Graphs of any types over the same set of nodes (compared as given).

    Returns
    -------
    int

    Raises
    ------
    GraphError
        If the node sets differ (the message lists the differences).

    Notes
    -----
    This is the SHD of Tsamardinos, Brown & Aliferis (2006) for CPDAGs (one unit per
    edge insertion, deletion, reversal or change of orientation), extended to any
    marks. It equals causal-learn's ``causallearn.graph.SHD.SHD`` (which also counts
    pairs whose two endpoint codes differ) on graphs without bows. cdt's
    ``SHD(target, pred, double_for_anticausal=False)`` gives the same number on DAGs
    and CPDAGs; its default ``double_for_anticausal=True`` compares adjacency
    matrices entry by entry, so on DAGs it equals ``shd + (number of reversed
    edges)`` (see :attr:`GraphComparison.reversed`).

    References
    ----------
    Tsamardinos, I., Brown, L. E. and Aliferis, C. F. (2006). The max-min
    hill-climbing Bayesian network structure learning algorithm. Machine Learning
    65(1), 31-78.

    Examples
    --------
    >>> from causalscope.graphs import DAG, CPDAG
    >>> shd(DAG(edges=["A --> B", "B --> C"]), DAG(edges=["B --> A", "B --> C"]))
    1
    >>> shd(DAG(edges=["A --> B", "B --> C"]), CPDAG(edges=["A --- B", "B --- C"]))
    2
    """
    t, e = _check_pair(true, estimated)
    return sum(1 for _ in _differing_pairs(_edge_sets(t), _edge_sets(e)))


def adjacency_scores(true: MixedGraph, estimated: MixedGraph) -> PrecisionRecallF1:
    """Precision, recall and F1 of the estimated adjacencies (the skeleton).

    An adjacency is an unordered pair of nodes joined by any edge; marks are
    ignored. ``tp``: pairs adjacent in both graphs; ``fp``: adjacent only in the
    estimate; ``fn``: adjacent only in the truth.

    Raises
    ------
    GraphError
        If the node sets differ.

    Examples
    --------
    >>> from causalscope.graphs import DAG, CPDAG
    >>> s = adjacency_scores(DAG(edges=["A --> B", "B --> C"]), CPDAG(["A", "B", "C"], ["A --- B", "A --> C"]))
    >>> (s.tp, s.fp, s.fn, s.precision, s.recall)
    (1, 1, 1, 0.5, 0.5)
    """
    t, e = _check_pair(true, estimated)
    ts, es = t.skeleton(), e.skeleton()
    return PrecisionRecallF1.from_counts(tp=len(ts & es), fp=len(es - ts), fn=len(ts - es))


def arrowhead_scores(
    true: MixedGraph, estimated: MixedGraph, *, common_adjacencies: bool = False
) -> PrecisionRecallF1:
    """Arrowhead precision, recall and F1 (Tetrad's AHP / AHR).

    An *arrowhead* is an edge end with an arrow mark, identified by the node it
    points at and the other node of the edge: ``A --> B`` has the arrowhead
    ``(B, A)``, ``A <-> B`` has ``(A, B)`` and ``(B, A)``; tails and circles are not
    arrowheads. ``tp``: arrowheads of the estimate that the truth has too (same node,
    same adjacency); ``fp``: arrowheads only in the estimate (including those on an
    adjacency the truth lacks); ``fn``: arrowheads only in the truth (including those
    on an adjacency the estimate lacks). So precision is over the estimate's
    arrowheads (AHP), recall over the truth's (AHR).

    Parameters
    ----------
    true, estimated:
        Graphs over the same set of nodes.
    common_adjacencies:
        If true, count only arrowheads on adjacencies present in *both* graphs, so
        that skeleton errors do not count twice (Tetrad's "arrowhead precision /
        recall, common edges"; causal-learn's ``ArrowConfusion`` ``*_ce`` numbers).

    Raises
    ------
    GraphError
        If the node sets differ.

    Notes
    -----
    For an ADMG bow (``A --> B`` and ``A <-> B``) the arrowheads of the pair are the
    union of the two edges' arrowheads, ``(A, B)`` and ``(B, A)``, the same as for
    ``A <-> B`` alone; :func:`shd` tells the two apart.

    Examples
    --------
    >>> from causalscope.graphs import PAG
    >>> s = arrowhead_scores(PAG(edges=["A --> B", "C <-> B"]), PAG(edges=["A o-> B", "C o-o B"]))
    >>> (s.tp, s.fp, s.fn)
    (1, 0, 2)
    """
    t, e = _check_pair(true, estimated)
    ta, ea = _arrowheads(t), _arrowheads(e)
    if common_adjacencies:
        common = t.skeleton() & e.skeleton()
        ta = {a for a in ta if frozenset(a) in common}
        ea = {a for a in ea if frozenset(a) in common}
    return PrecisionRecallF1.from_counts(tp=len(ta & ea), fp=len(ea - ta), fn=len(ta - ea))


def compare_graphs(true: MixedGraph, estimated: MixedGraph) -> GraphComparison:
    """Compare an estimated graph with the true graph: SHD, adjacency and arrowhead scores.

    Parameters
    ----------
    true, estimated:
        Graphs over the same set of nodes, compared as given.

    Returns
    -------
    GraphComparison
        With ``shd == missing + extra + misoriented``.

    Raises
    ------
    GraphError
        If the node sets differ.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> c = compare_graphs(DAG(edges=["A --> B", "B --> C"]), DAG(["A", "B", "C"], ["B --> A"]))
    >>> c.shd, c.missing, c.reversed, c.adjacency.recall
    (2, 1, 1, 0.5)
    """
    t, e = _check_pair(true, estimated)
    ts, es = _edge_sets(t), _edge_sets(e)
    missing = extra = misoriented = n_reversed = 0
    for pair in _differing_pairs(ts, es):
        if pair not in es:
            missing += 1
        elif pair not in ts:
            extra += 1
        else:
            misoriented += 1
            te, ee = ts[pair], es[pair]
            if len(te) == len(ee) == 1:
                (a,), (b,) = te, ee
                if a.is_directed and b.is_directed and a.source != b.source:
                    n_reversed += 1
    return GraphComparison(
        shd=missing + extra + misoriented,
        adjacency=adjacency_scores(t, e),
        arrowhead=arrowhead_scores(t, e),
        true_edges=t.n_edges,
        estimated_edges=e.n_edges,
        missing=missing,
        extra=extra,
        misoriented=misoriented,
        reversed=n_reversed,
    )


# ---------------------------------------------------------------------- time series
def _link_sets(g: TimeSeriesGraph) -> dict[str, set[Any]]:
    lagged = {k for k, m in g.links.items() if k[1] > 0}
    contemporaneous = {frozenset((s, t)) for (s, lag, t) in g.links if lag == 0}
    oriented = {(s, t) for (s, lag, t), m in g.links.items() if lag == 0 and m == "-->"}
    return {
        "links": set(lagged) | {(pair, 0) for pair in contemporaneous},
        "lagged": set(lagged),
        "contemporaneous_adjacency": contemporaneous,
        "contemporaneous_orientation": oriented,
    }


def compare_timeseries_graphs(true: TimeSeriesGraph, estimated: TimeSeriesGraph) -> dict[str, Any]:
    """Link precision, recall and F1 of an estimated time-series graph against the truth.

    Each score is a :class:`PrecisionRecallF1` (as a dict) over a set of items:

    ``links``
        Every link, marks aside: the lagged links ``(source, lag, target)`` and the
        contemporaneous adjacencies (unordered pairs at lag 0). The headline link
        score of the accuracy tables.
    ``lagged``
        The lagged links ``(source, lag, target)``, ``lag >= 1`` (always directed:
        time orients them, so a lagged link is right or missing).
    ``contemporaneous_adjacency``
        The unordered pairs joined at lag 0, whatever the mark.
    ``contemporaneous_orientation``
        The directed contemporaneous links ``X[t] --> Y[t]`` (ordered pairs): an
        undirected, bidirected, circle or conflicting mark counts as not oriented, a
        reversed one as a false positive and a false negative.
    ``summary_adjacency``
        :func:`adjacency_scores` of the two summary graphs
        (:meth:`~causalscope.graphs.timeseries.TimeSeriesGraph.summary_graph`).

    Parameters
    ----------
    true, estimated:
        Time-series graphs over the same variables (their order and ``tau_max`` may
        differ; a true link beyond the estimate's ``tau_max`` counts as missed).

    Returns
    -------
    dict
        ``{"links": {...}, "lagged": {...}, "contemporaneous_adjacency": {...},
        "contemporaneous_orientation": {...}, "summary_adjacency": {...},
        "true_links": int, "estimated_links": int}``, each score
        ``{"precision", "recall", "f1", "tp", "fp", "fn"}`` (JSON-ready).

    Raises
    ------
    InvalidParameterError
        If either argument is not a :class:`TimeSeriesGraph`.
    GraphError
        If the variables differ.

    Examples
    --------
    >>> true = TimeSeriesGraph(["X", "Y"], 2, {("X", 1, "Y"): "-->", ("Y", 1, "Y"): "-->", ("X", 0, "Y"): "-->"})
    >>> est = TimeSeriesGraph(["X", "Y"], 2, {("X", 1, "Y"): "-->", ("X", 2, "Y"): "-->", ("X", 0, "Y"): "---"})
    >>> s = compare_timeseries_graphs(true, est)
    >>> s["lagged"]["tp"], s["lagged"]["fp"], s["lagged"]["fn"], s["contemporaneous_adjacency"]["f1"]
    (1, 1, 1, 1.0)
    >>> s["contemporaneous_orientation"]["fn"], s["links"]["precision"]
    (1, 0.6666666666666666)
    """
    for name, g in (("true", true), ("estimated", estimated)):
        if not isinstance(g, TimeSeriesGraph):
            raise InvalidParameterError(f"{name} must be a TimeSeriesGraph; got {type(g).__name__}")
    if set(true.variables) != set(estimated.variables):
        t, e = set(true.variables), set(estimated.variables)
        raise GraphError(
            "the two time-series graphs must have the same variables; "
            f"only in the true graph: {sorted(t - e)}; only in the estimated graph: {sorted(e - t)}"
        )
    ts, es = _link_sets(true), _link_sets(estimated)
    out: dict[str, Any] = {
        name: PrecisionRecallF1.from_counts(tp=len(ts[name] & es[name]), fp=len(es[name] - ts[name]),
                                            fn=len(ts[name] - es[name])).to_dict()
        for name in ts
    }
    out["summary_adjacency"] = adjacency_scores(true.summary_graph(), estimated.summary_graph()).to_dict()
    out["true_links"] = len(true.links)
    out["estimated_links"] = len(estimated.links)
    return out
