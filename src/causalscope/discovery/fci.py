"""FCI: causal discovery that allows hidden confounders (and selection bias).

PC assumes *causal sufficiency*: no two measured variables share an unmeasured
cause. When that fails, the independences among the observed variables are those
of a **maximal ancestral graph** (MAG) rather than of a DAG, and the most one can
learn from them is the MAG's Markov equivalence class, drawn as a **partial
ancestral graph** (PAG, see :mod:`causalscope.graphs.ancestral`): ``A --> B``
means "A causes B, with no hidden confounder needed", ``A <-> B`` "a hidden common
cause and neither causes the other", and a circle ``o`` a mark that differs
between the MAGs of the class.

The Fast Causal Inference algorithm (Spirtes, Glymour & Scheines 2000; complete
orientation rules by Zhang 2008) learns the PAG in five stages:

1. **Skeleton**: the PC adjacency search (:func:`~.skeleton.learn_skeleton`):
   remove ``x``-``y`` when some subset of the neighbours of ``x`` or of ``y``
   separates them; keep the separating set.
2. **Colliders**: every edge becomes ``o-o``; for each unshielded triple
   ``a *-* b *-* c`` with ``b`` outside ``sepset(a, c)``, orient
   ``a *-> b <-* c`` (rule R0).
3. **Possible-D-SEP**: in a graph with hidden variables, two non-adjacent nodes
   need not be separated by subsets of their neighbours. For each node ``x`` the
   set ``Possible-D-SEP(x)`` holds every node reachable from ``x`` along a path on
   which each inner node is a collider or has its two path neighbours adjacent;
   it contains every set that can be needed (Spirtes et al. 2000, section 6.7).
   Each remaining edge ``x``-``y`` is tested again against the subsets of
   ``Possible-D-SEP(x)`` and of ``Possible-D-SEP(y)``; an edge found separable is
   removed and its separating set recorded.
4. **Colliders again**, from scratch on the final skeleton (all marks reset to
   ``o-o``).
5. **Orientation rules** R1-R10 of Zhang (2008) to closure, in Tetrad's and
   causal-learn's schedule (R1 and R2 interleaved node by node, then R3, ...,
   R10, repeated; see :func:`_apply_rules_by_node`). Rule R4
   (discriminating paths ``<d, ..., l, b, c>``) tests ``d`` and ``c`` given the
   path's inner nodes with and without ``b`` (as Tetrad and causal-learn do) and
   falls back to the separating set when neither test separates them.

"Is ``b`` in the separating set of ``a`` and ``c``?" counts ``b`` as in it when
it is in any separating set found at the level where the pair was removed (PC's
default ``collider_rule="sepset"``, and causal-learn's rule). If conflicting
orientations from test errors close a directed cycle, its rule-made tails become
circles (``relaxed_edges_``).

With a perfect independence oracle the result is exactly the PAG of the true MAG
(Zhang 2008, Theorem 4); :func:`causalscope.graphs.dag_to_pag` computes that PAG
directly from a DAG with latent variables, which is how the tests check FCI.

Stage 3 has three modes (``possible_dsep``); its sets and tests live in
:mod:`causalscope.discovery.fci_pds`:

* ``"full"`` (default; ``True`` is an alias): the textbook stage above. It is
  order-independent: the skeleton is the stable PC skeleton, and the
  Possible-D-SEP sets are computed once, on the graph after stage 2, before any
  edge is removed (as in ``pcalg``'s ``pdsep``), with the tests of each
  conditioning-set size evaluated as one batch. Exact with a perfect oracle,
  but exponential in the size of the sets; before testing it counts the tests
  it would need (``possible_dsep_planned_tests_``) and logs a warning when that
  number is huge.
* ``"tetrad"``: the restricted, sequential stage of Tetrad as ported by
  causal-learn (``removeByPossibleDsep``), reproduced rule for rule so that on
  the same data it removes the same edges with the same separating sets:
  smaller sets (the neighbours of ``x`` but ``y``, plus the far ends ``c`` of
  definite colliders ``x *-> b <-* c`` that have a "possible parent"), edges
  visited in a fixed order and removed at once, conditioning sets of size one
  skipped. It is fast and order-dependent, and not complete with a perfect
  oracle (see the ``possible_dsep`` parameter of :class:`FCI` and
  ``docs/fci.md``). Two causal-learn bugs are not reproduced (ours follows
  Tetrad there): causal-learn never tests the first subset of each size, and
  visits the neighbours of ``x`` in the order of a Python ``set``, which
  follows string hashing (``PYTHONHASHSEED``); ours visits them by column.
* ``"none"`` (``False``): skip stage 3 ("skeleton + rules").

Background knowledge (:class:`~.knowledge.Knowledge`) follows Tetrad/causal-learn:
a forbidden ``u --> v`` means "``u`` does not cause ``v``", so an edge ``u``-``v``
gets an arrowhead at ``u``; a required ``u --> v`` becomes ``u --> v``. Knowledge
marks are set before the colliders of stage 4 and win over them; the rules only
ever fill circles, so they never overwrite knowledge.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

import numpy as np

from ..contract import Component
from ..exceptions import InvalidParameterError
from ..graphs import PAG
from ..graphs.fci_rules import (
    ALL_RULES,
    FCIRule,
    apply_fci_rules,
    collider_oracle_from_sepsets,
    discriminating_oracle_from_sepsets,
    orient_unshielded_colliders,
)
from ..graphs.marks import ARROW, CIRCLE, NO_EDGE, TAIL
from ..graphs.reach import directed_edges, find_directed_cycle
from ..independence import MissingPolicy
from ..parallel import check_n_jobs
from ..utils import as_progress, get_logger
from .base import check_alpha, register_algorithm, resolve_ci_test
from .fci_pds import WARN_PLANNED_TESTS, full_pdsep_stage, possible_dsep, tetrad_pdsep_stage
from .knowledge import as_knowledge
from .skeleton import BatchEvaluator, learn_skeleton

__all__ = ["FCI", "PossibleDsepMode", "fci", "possible_dsep"]

_log = get_logger(__name__)

#: The modes of the Possible-D-SEP stage (see :class:`FCI`).
PossibleDsepMode = Literal["full", "tetrad", "none"]
_MODES: tuple[str, ...] = ("full", "tetrad", "none")

#: Above this many planned tests, ``"full"`` mode logs a warning before it starts.
_WARN_PLANNED_TESTS = WARN_PLANNED_TESTS


# ---------------------------------------------------------------------- knowledge
def _knowledge_marks(
    marks: np.ndarray, forbidden: np.ndarray, required: np.ndarray
) -> np.ndarray:
    """Set the marks implied by background knowledge on an ``o-o`` graph (Tetrad's rule).

    ``forbidden[u, v]`` (``u`` does not cause ``v``): arrowhead at ``u`` on ``u``-``v``.
    ``required[u, v]`` (``u`` causes ``v``): ``u --> v``.
    """
    m = marks.copy()
    adj = m != NO_EDGE
    f = forbidden & adj
    # arrowhead at u on u-v: the mark at u is M[v, u]
    m[f.T] = ARROW
    r = required & adj
    m[r.T] = TAIL
    m[r] = ARROW
    return m


# ---------------------------------------------------------------------- the estimator
def _check_optional_int(value: object, name: str, low: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise InvalidParameterError(f"{name} must be None or an integer >= {low}; got {value!r}")
    return int(value)


def _check_mode(value: object) -> str:
    """``possible_dsep`` as one of :data:`PossibleDsepMode` (``True`` -> ``"full"``, ``False`` -> ``"none"``)."""
    if isinstance(value, (bool, np.bool_)):
        return "full" if value else "none"
    if isinstance(value, str) and value in _MODES:
        return value
    raise InvalidParameterError(
        f"possible_dsep must be one of {list(_MODES)} (or True/False for 'full'/'none'); got {value!r}"
    )


def _check_rules(rules: Iterable[str] | None) -> tuple[FCIRule, ...]:
    if rules is None:
        return ALL_RULES
    if isinstance(rules, str):
        rules = (rules,)
    out = []
    for r in rules:
        if r not in ALL_RULES:
            raise InvalidParameterError(f"rules must be names among {list(ALL_RULES)}; got {r!r}")
        out.append(r)
    return tuple(r for r in ALL_RULES if r in out)


@register_algorithm("fci")
class FCI(Component):
    """Fast Causal Inference: a PAG from data that may have hidden confounders.

    Parameters
    ----------
    ci_test:
        A registered CI test name (``"fisherz"``, ``"gsq"``, ``"kci"``, ...),
        ``"auto"`` (chosen from the column kinds), or a ready CI test object such
        as :class:`~causalscope.independence.DSeparationOracle` (then ``data`` is
        not needed).
    alpha:
        Significance level in ``(0, 1)``: ``x`` and ``y`` are judged independent
        given ``Z`` when the p-value exceeds it.
    max_cond_size:
        Largest conditioning set tried, in the skeleton and in the Possible-D-SEP
        stage (``None``: no limit).
    stable:
        Order-independent skeleton (Colombo & Maathuis 2014).
    knowledge:
        Background knowledge (a :class:`~causalscope.discovery.knowledge.Knowledge`
        or anything :func:`~causalscope.discovery.knowledge.as_knowledge` accepts).
    max_path_length:
        Longest path (in edges) followed when computing Possible-D-SEP sets
        (``None``: no limit).
    possible_dsep:
        The Possible-D-SEP stage (stage 3), one of :data:`PossibleDsepMode`:

        * ``"full"`` (default, alias ``True``): the textbook stage (Spirtes et
          al. 2000): the sets of every node, computed once after stage 2; every
          subset of ``Possible-D-SEP(x)`` or ``Possible-D-SEP(y)`` (sizes 1, 2,
          ...) is tried for each edge ``x``-``y``, all edges of a size in one
          batch, removals applied after each size. Exact with a perfect oracle,
          order-independent, exponential in the set sizes.
        * ``"tetrad"``: the restricted stage of Tetrad's FCI as ported by
          causal-learn (``fci``), for results identical to causal-learn's. Edges
          ``x``-``y`` present after stage 2 are visited once, ``x`` before ``y``
          in column order, pairs in row-major order. The restricted set of ``x``
          for ``y`` is computed on the *current* graph: the neighbours of ``x``
          except ``y``, plus each node ``c`` outside them (not ``x``, ``y``)
          with a definite collider ``x *-> b <-* c`` at a neighbour ``b`` of
          ``x`` and a "possible parent" ``r``: a node adjacent to ``c``, visited
          before ``c`` (a neighbour of ``x`` but ``y``, or an earlier such ``c``;
          ``b`` ascending, then ``c`` ascending), from which a possibly directed
          path (no edge walked into an arrowhead at the node it leaves) reaches
          ``x`` or ``c``. Its members are ordered by name, descending; subsets
          of sizes 2, 3, ... (size one is skipped) are tried in lexicographic
          order of those positions, skipping subsets of the current neighbours
          of ``x`` or of ``y``; the first p-value above ``alpha`` removes the
          edge at once (later edges see the smaller graph) and its set is the
          separating set. If the edge stays, the same is done with the set of
          ``y`` for ``x``. ``max_path_length=1`` keeps only the neighbours.
          Order-dependent and not complete with a perfect oracle (it can keep an
          edge that only a set outside these restricted sets separates), but it
          tries far fewer sets.
        * ``"none"`` (alias ``False``): skip stage 3 ("skeleton + rules"),
          which may keep edges between nodes that only a non-adjacent set
          separates.
    rules:
        Orientation rules to apply, names among ``"R1"`` ... ``"R10"`` (default
        all, which is complete; Zhang 2008).
    missing:
        ``"error"`` or ``"testwise"`` (test-wise deletion), passed to the CI test.
    n_jobs:
        Processes for the CI-test batches of the skeleton search and of the
        Possible-D-SEP stage (``-1``: all cores; batches under 512 queries stay
        in this process). Worth it for expensive tests; the result is the same.
    progress:
        A progress callback or object (see :mod:`causalscope.utils`).

    Attributes
    ----------
    graph_ : PAG
        The learned PAG.
    skeleton_ : Skeleton
        The result of the skeleton search (stage 1).
    sepsets_ : dict
        ``{(a, b): (names...)}`` for every non-adjacent pair with a separating set
        (``a`` before ``b`` in column order).
    pvalues_ : dict
        ``{(a, b): p}``: the p-value of the test that removed each edge.
    possible_dsep_ : dict
        ``{node: (names...)}``: the Possible-D-SEP sets used in stage 3 by
        ``"full"`` mode (empty in the other modes).
    pair_possible_dsep_ : dict
        ``"tetrad"`` mode only (else empty): ``{(x, y): (names...)}``, the
        restricted set of ``x`` searched for the edge ``x``-``y``, in the order
        searched (by name, descending).
    possible_dsep_planned_tests_ : int
        ``"full"`` mode only (else 0): the number of tests stage 3 needs if it
        removes no edge (its worst case), counted before testing.
    removed_by_possible_dsep_ : tuple
        The pairs ``(a, b)`` removed in stage 3.
    relaxed_edges_ : tuple
        Pairs ``(u, v)`` whose ``u --> v`` closed a directed cycle (conflicting
        orientations from test errors) and became ``u o-> v``; empty under a
        perfect oracle.
    n_tests_ : int
        Number of CI tests computed (cache hits not counted).
    variables_ : tuple of str

    Raises
    ------
    InvalidParameterError
        In :meth:`fit`, for ``alpha`` outside ``(0, 1)``, a bad integer option or
        unknown rule name.

    Notes
    -----
    See the module documentation for the stages. The ``"full"`` Possible-D-SEP
    stage tries every subset of a Possible-D-SEP set, which is exponential in its
    size; in dense or noisy graphs (or from about 50 variables with hidden
    confounders) use ``possible_dsep="tetrad"``, or bound it with
    ``max_cond_size`` or ``max_path_length``. A warning is logged (logger
    ``causalscope.discovery.fci``) when more than 10 million tests are planned.

    causal-learn's ``removeByPossibleDsep`` (version 0.1.4) never tests the first
    subset of each size and tests the last one twice (it keeps a reference to the
    list its ``DepthChoiceGenerator`` reuses); ``"tetrad"`` mode tests every
    subset, as Tetrad does, so the two can differ where only that first subset
    separates a pair. causal-learn's ``getPossibleDsep`` also iterates over a
    Python ``set`` of the neighbours of ``x``, so its sets (and PAGs) can change
    with ``PYTHONHASHSEED``; ours visits neighbours by column index.

    References
    ----------
    P. Spirtes, C. Glymour and R. Scheines (2000). *Causation, Prediction, and
    Search*, 2nd ed., MIT Press.

    J. Zhang (2008). On the completeness of orientation rules for causal discovery
    in the presence of latent confounders and selection bias. *Artificial
    Intelligence* 172(16-17), 1873-1896.

    D. Colombo, M. Maathuis, M. Kalisch and T. Richardson (2012). Learning
    high-dimensional directed acyclic graphs with latent and selection variables.
    *Annals of Statistics* 40(1), 294-321.

    Y. Zheng, B. Huang, W. Chen, J. Ramsey, M. Gong, R. Cai, S. Shimizu,
    P. Spirtes and K. Zhang (2024). Causal-learn: Causal discovery in Python.
    *JMLR* 25(60), 1-8 (the reference for ``possible_dsep="tetrad"``).

    Examples
    --------
    The classic "Y-structure" with a hidden confounder ``L`` of ``X`` and ``Y``,
    using the d-separation oracle of its latent projection (a perfect test):

    >>> from causalscope.graphs import DAG, latent_projection
    >>> from causalscope.independence import DSeparationOracle
    >>> dag = DAG(edges=["A --> X", "L --> X", "L --> Y", "B --> Y"])
    >>> oracle = DSeparationOracle(latent_projection(dag, ["L"]))
    >>> print(FCI(ci_test=oracle).fit().graph_)
    A o-> X; X <-> Y; B o-> Y
    >>> print(FCI(ci_test=oracle, possible_dsep="tetrad").fit().graph_)
    A o-> X; X <-> Y; B o-> Y
    """

    name = "fci"

    def __init__(
        self,
        *,
        ci_test: Any = "auto",
        alpha: float = 0.05,
        max_cond_size: int | None = None,
        stable: bool = True,
        knowledge: Any = None,
        max_path_length: int | None = None,
        possible_dsep: PossibleDsepMode | bool = "full",
        rules: Iterable[FCIRule] | None = None,
        missing: MissingPolicy = "error",
        n_jobs: int = 1,
        progress: Any = None,
    ) -> None:
        self.ci_test = ci_test
        self.alpha = alpha
        self.max_cond_size = max_cond_size
        self.stable = stable
        self.knowledge = knowledge
        self.max_path_length = max_path_length
        self.possible_dsep = possible_dsep
        self.rules = rules
        self.missing = missing
        self.n_jobs = n_jobs
        self.progress = progress

    def fit(self, data: Any = None) -> FCI:
        """Learn the PAG from ``data`` (or from the CI test object when ``data`` is ``None``).

        Returns
        -------
        FCI
            ``self``, with the fitted attributes set.
        """
        alpha = check_alpha(self.alpha)
        max_cond = _check_optional_int(self.max_cond_size, "max_cond_size", 0)
        max_path = _check_optional_int(self.max_path_length, "max_path_length", 1)
        rules = _check_rules(self.rules)
        mode = _check_mode(self.possible_dsep)
        check_n_jobs(self.n_jobs)  # validated before any work
        test, names = resolve_ci_test(self.ci_test, data, missing=self.missing)
        names = tuple(names)
        knowledge = as_knowledge(self.knowledge)
        p = len(names)
        if knowledge is not None:
            knowledge.validate(names)
            forbidden = np.asarray(knowledge.forbidden_matrix(names), dtype=bool)
            required = np.asarray(knowledge.required_matrix(names), dtype=bool)
        else:
            forbidden = np.zeros((p, p), dtype=bool)
            required = np.zeros((p, p), dtype=bool)
        required_pair = required | required.T
        progress = as_progress(self.progress)

        skel = learn_skeleton(
            test, alpha=alpha, max_cond_size=max_cond, knowledge=knowledge,
            stable=bool(self.stable), n_jobs=self.n_jobs, progress=progress,
        )
        adj = np.array(skel.adjacency, dtype=bool, copy=True)
        sepsets: dict[tuple[int, int], tuple[int, ...]] = {
            (int(min(a, b)), int(max(a, b))): tuple(int(v) for v in s) for (a, b), s in skel.sepsets.items()
        }
        # R0 and R4 ask "is b in sepset(a, c)?": b counts as in it when it is in any
        # separating set found at the level where the pair was removed (as PC's
        # "sepset" collider rule and causal-learn do); order-independent.
        members: dict[tuple[int, int], frozenset[int]] = {
            k: frozenset(int(v) for v in skel.sepset_members.get(k, s)) for k, s in sepsets.items()
        }
        removal_p = _skeleton_pvalues(skel)

        pds_sets: dict[int, frozenset[int]] = {}
        pair_sets: dict[tuple[int, int], tuple[int, ...]] = {}
        removed_pds: list[tuple[int, int]] = []
        planned = 0
        if mode != "none" and p > 2:
            marks = orient_unshielded_colliders(
                np.where(adj, CIRCLE, NO_EDGE).astype(np.int8), collider_oracle_from_sepsets(members)
            )
            counter = BatchEvaluator(test, self.n_jobs)  # an executor passed as n_jobs is used as given
            try:
                if mode == "full":
                    pds_sets = {i: possible_dsep(marks, i, max_path_length=max_path) for i in range(p)}
                    adj, new_sep, new_p, planned = full_pdsep_stage(
                        counter, pds_sets, adj, required_pair, alpha=alpha, max_cond_size=max_cond,
                        progress=progress, warn_above=_WARN_PLANNED_TESTS,
                    )
                else:
                    adj, new_sep, new_p, pair_sets = tetrad_pdsep_stage(
                        counter, marks, adj, required_pair, names, alpha=alpha, max_cond_size=max_cond,
                        max_path_length=max_path, progress=progress,
                    )
            finally:
                counter.close()
            sepsets.update(new_sep)
            members.update({k: frozenset(v) for k, v in new_sep.items()})
            removal_p.update(new_p)
            removed_pds = sorted(new_sep)
            _log.debug("FCI possible-d-sep stage (%s) removed %d edges", mode, len(removed_pds))

        marks, relaxed = self._orient(adj, members, forbidden, required, rules, test, alpha)

        def pair(i: int, j: int) -> tuple[str, str]:
            return (names[i], names[j])

        self.variables_ = names
        self.skeleton_ = skel
        self.graph_ = PAG.from_mark_matrix(names, marks)
        self.sepsets_ = {pair(*k): tuple(names[v] for v in s) for k, s in sorted(sepsets.items())}
        self.pvalues_ = {pair(*k): v for k, v in sorted(removal_p.items())}
        self.possible_dsep_ = {names[i]: tuple(names[v] for v in sorted(s)) for i, s in pds_sets.items()}
        self.pair_possible_dsep_ = {pair(*k): tuple(names[v] for v in s) for k, s in pair_sets.items()}
        self.possible_dsep_planned_tests_ = int(planned)
        self.removed_by_possible_dsep_ = tuple(pair(*k) for k in removed_pds)
        self.relaxed_edges_ = tuple(pair(u, v) for u, v in relaxed)
        self.n_tests_ = int(getattr(test, "n_tests", 0))
        return self

    @staticmethod
    def _orient(
        adj: np.ndarray,
        sepsets: Mapping[tuple[int, int], frozenset[int]],
        forbidden: np.ndarray,
        required: np.ndarray,
        rules: tuple[FCIRule, ...],
        test: Any,
        alpha: float,
    ) -> tuple[np.ndarray, list[tuple[int, int]]]:
        """Stages 4 and 5: knowledge, colliders from scratch, then the rules."""
        start = np.where(adj, CIRCLE, NO_EDGE).astype(np.int8)
        known = _knowledge_marks(start, forbidden, required)
        sep_collider = collider_oracle_from_sepsets(sepsets)

        def is_collider(a: int, b: int, c: int) -> bool:
            # a collider is placed only where knowledge allows both arrowheads (Tetrad)
            return sep_collider(a, b, c) and known[a, b] != TAIL and known[c, b] != TAIL

        colliders = orient_unshielded_colliders(start, is_collider)
        marks = np.where(known != CIRCLE, known, colliders).astype(np.int8)
        out = _apply_rules_by_node(marks, _discriminating_oracle(test, alpha, sepsets), rules)
        relaxed = _break_directed_cycles(out, known == TAIL)
        if relaxed:
            _log.info("FCI: %d conflicting tails on directed cycles turned into circles", len(relaxed))
        return out, relaxed



def _r1_r2_by_node(m: np.ndarray, use_r1: bool, use_r2: bool) -> bool:
    """One pass of rules R1 and R2, interleaved node by node (in place).

    For each middle node ``b`` (ascending) and each pair of its neighbours
    ``a < c``: R1 on ``(a, b, c)`` and ``(c, b, a)``, then R2 on ``(a, b, c)``
    and ``(c, b, a)``, each seeing the marks the previous ones set (the order of
    Tetrad's and causal-learn's ``rulesR1R2cycle``). R1: ``a *-> b o-* c`` with
    ``a``, ``c`` not adjacent gives ``b --> c`` (not applied when ``c`` already
    has a tail there). R2: ``a --> b *-> c`` or ``a *-> b --> c`` with
    ``a *-o c`` gives ``a *-> c``. Returns whether a mark changed.
    """
    changed = False
    for b in range(m.shape[0]):
        nb = np.flatnonzero(m[b]).tolist()
        for i, a0 in enumerate(nb):
            for c0 in nb[i + 1 :]:
                if use_r1 and m[a0, c0] == NO_EDGE:
                    for a, c in ((a0, c0), (c0, a0)):
                        if m[a, b] == ARROW and m[c, b] == CIRCLE and m[b, c] != TAIL:
                            m[c, b] = TAIL
                            m[b, c] = ARROW
                            changed = True
                if use_r2 and m[a0, c0] != NO_EDGE:
                    for a, c in ((a0, c0), (c0, a0)):
                        if (
                            m[a, c] == CIRCLE
                            and m[a, b] == ARROW
                            and m[b, c] == ARROW
                            and (m[b, a] == TAIL or m[c, b] == TAIL)
                        ):
                            m[a, c] = ARROW
                            changed = True
    return changed


def _apply_rules_by_node(marks: np.ndarray, oracle: Any, rules: tuple[FCIRule, ...]) -> np.ndarray:
    """Stage 5: the rules to closure, in Tetrad's and causal-learn's schedule.

    Each round runs R1 and R2 interleaved node by node (:func:`_r1_r2_by_node`),
    then R3, R4, R5, ..., R10 in turn (each with
    :func:`~causalscope.graphs.fci_rules.apply_fci_rules`); rounds repeat until
    one changes nothing, which is the closure of
    :func:`~causalscope.graphs.fci_rules.apply_fci_rules` itself. With consistent
    marks (a perfect oracle) the order does not matter (Zhang 2008); with
    conflicting marks from test errors the first rule to reach a circle wins, and
    this schedule makes the same choices as causal-learn. (causal-learn runs R4
    only in rounds where R1-R3 changed a mark; here R4 runs every round, which
    keeps the rules complete.)
    """
    m = np.array(marks, dtype=np.int8, copy=True)
    rest = [r for r in rules if r not in ("R1", "R2")]
    while True:
        changed = _r1_r2_by_node(m, "R1" in rules, "R2" in rules)
        for name in rest:
            out = apply_fci_rules(m, discriminating_oracle=oracle, rules=[name])
            if not np.array_equal(out, m):
                m = out
                changed = True
        if not changed:
            return m


def _find_directed_cycle(marks: np.ndarray) -> list[int] | None:
    """A directed cycle ``[v0, v1, ..., v0]`` of ``-->`` edges of a mark matrix, or ``None``."""
    return find_directed_cycle(directed_edges(marks))


def _break_directed_cycles(marks: np.ndarray, protected: np.ndarray) -> list[tuple[int, int]]:
    """Turn rule-made tails on directed cycles back into circles (in place).

    With finite samples, conflicting orientations can close a directed cycle,
    which no PAG has. Each ``u --> v`` on a cycle whose tail was not set by
    knowledge (``protected[v, u]``) becomes ``u o-> v``; repeated until acyclic.
    Returns the pairs ``(u, v)`` changed.
    """
    changed: list[tuple[int, int]] = []
    while True:
        cycle = _find_directed_cycle(marks)
        if cycle is None:
            return changed
        edges = [(u, v) for u, v in zip(cycle[:-1], cycle[1:], strict=True) if not protected[v, u]]
        if not edges:  # pragma: no cover - knowledge is validated to be acyclic
            return changed
        for u, v in edges:
            marks[v, u] = CIRCLE
            changed.append((u, v))


def _discriminating_oracle(
    test: Any, alpha: float, sepsets: Mapping[tuple[int, int], frozenset[int]]
) -> Any:
    """Rule R4's question, "is ``b`` a collider on ``<l, b, c>``?", for a path ``(d, ..., l, b, c)``.

    As Tetrad and causal-learn do: test ``d _||_ c`` given the nodes strictly
    between ``d`` and ``c`` on the path (``b`` included): independent means ``b``
    is a non-collider. Otherwise test without ``b``: independent means a collider.
    If neither separates, fall back to ``b`` not in ``sepset(d, c)``
    (:func:`~causalscope.graphs.fci_rules.discriminating_oracle_from_sepsets`).
    Under a perfect oracle all three answers agree (every separating set of
    ``d`` and ``c`` contains ``b`` iff ``b`` is a non-collider).
    """
    fallback = discriminating_oracle_from_sepsets(sepsets)

    def is_collider(path: tuple[int, ...]) -> bool:
        d, c = path[0], path[-1]
        with_b = np.array([path[1:-1]], dtype=np.intp)
        if test.p_values(np.array([d]), np.array([c]), with_b)[0] > alpha:
            return False
        without_b = np.array([path[1:-2]], dtype=np.intp).reshape(1, len(path) - 3)
        if test.p_values(np.array([d]), np.array([c]), without_b)[0] > alpha:
            return True
        return fallback(path)

    return is_collider


def _skeleton_pvalues(skel: Any) -> dict[tuple[int, int], float]:
    """The p-values that removed the skeleton's pairs, ``{(i, j): p}``, ``i < j``."""
    return {(int(i), int(j)): float(skel.pvalues[(i, j)]) for (i, j) in skel.sepsets if (i, j) in skel.pvalues}


def fci(data: Any = None, **kwargs: Any) -> PAG:
    """Run :class:`FCI` and return its PAG: ``FCI(**kwargs).fit(data).graph_``.

    Examples
    --------
    >>> from causalscope.graphs import DAG, latent_projection
    >>> from causalscope.independence import DSeparationOracle
    >>> m_graph = DAG(edges=["L1 --> A", "L1 --> M", "L2 --> M", "L2 --> B"])
    >>> print(fci(ci_test=DSeparationOracle(latent_projection(m_graph, ["L1", "L2"]))))
    A o-> M; B o-> M
    """
    return FCI(**kwargs).fit(data).graph_

