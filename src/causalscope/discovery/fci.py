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
5. **Orientation rules** R1-R10 of Zhang (2008) to closure
   (:func:`~causalscope.graphs.fci_rules.apply_fci_rules`). Rule R4
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

This implementation is order-independent: the skeleton is the stable PC skeleton,
and the Possible-D-SEP sets are computed once, on the graph after stage 2, before
any edge is removed in stage 3 (as in ``pcalg``'s ``pdsep``), with the tests of
each conditioning-set size evaluated as one batch.

Background knowledge (:class:`~.knowledge.Knowledge`) follows Tetrad/causal-learn:
a forbidden ``u --> v`` means "``u`` does not cause ``v``", so an edge ``u``-``v``
gets an arrowhead at ``u``; a required ``u --> v`` becomes ``u --> v``. Knowledge
marks are set before the colliders of stage 4 and win over them; the rules only
ever fill circles, so they never overwrite knowledge.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping
from functools import lru_cache
from math import comb
from typing import Any

import numpy as np

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
from ..utils import Progress, as_progress, get_logger
from .base import check_alpha, register_algorithm, resolve_ci_test
from .knowledge import as_knowledge
from .skeleton import learn_skeleton

__all__ = ["FCI", "fci", "possible_dsep"]

_log = get_logger(__name__)

NO_EDGE, TAIL, ARROW, CIRCLE = 0, 1, 2, 3

#: Largest number of queries sent to the CI test in one batch of the Possible-D-SEP stage.
_CHUNK = 20_000


# ---------------------------------------------------------------------- Possible-D-SEP
def possible_dsep(marks: np.ndarray, node: int, *, max_path_length: int | None = None) -> frozenset[int]:
    """The Possible-D-SEP set of ``node`` in a partially oriented graph (indices).

    A node ``z != node`` belongs to it when some path ``<node, ..., z>`` has, at
    every inner node ``b`` with path neighbours ``a`` and ``c``, either a collider
    (``a *-> b <-* c``) or a triangle (``a`` adjacent to ``c``). This is the
    practical form of the definition of Spirtes et al. (2000, section 6.7) used by
    FCI implementations; it contains the set of the book, so the test stage stays
    complete. The search runs breadth first over directed edges ``(a, b)`` ("reached
    ``b`` from ``a``"), each visited once.

    Parameters
    ----------
    marks:
        Mark matrix (``M[i, j]`` the mark at ``j``: 0 none, 1 tail, 2 arrow, 3 circle).
    node:
        The start node's index.
    max_path_length:
        Only paths with at most this many edges count (``None``: no limit).

    Returns
    -------
    frozenset of int

    References
    ----------
    P. Spirtes, C. Glymour and R. Scheines (2000). *Causation, Prediction, and
    Search*, 2nd ed., MIT Press, section 6.7.

    Examples
    --------
    ``A *-> B <-* C`` and ``C --- D``: ``C`` is reachable through the collider
    ``B``, ``D`` is not (``C`` is no collider on ``<B, C, D>`` and ``B``, ``D`` are
    not adjacent).

    >>> import numpy as np
    >>> m = np.zeros((4, 4), dtype=int)
    >>> m[0, 1] = m[2, 1] = 2; m[1, 0] = m[1, 2] = 3   # A o-> B <-o C
    >>> m[2, 3] = m[3, 2] = 3                           # C o-o D
    >>> sorted(possible_dsep(m, 0))
    [1, 2]
    """
    m = np.asarray(marks)
    limit = np.inf if max_path_length is None else max_path_length
    adj = [np.flatnonzero(m[i]).tolist() for i in range(m.shape[0])]
    found: set[int] = set()
    seen: set[tuple[int, int]] = set()
    queue: deque[tuple[int, int, int]] = deque()
    if limit >= 1:
        for b in adj[node]:
            seen.add((node, b))
            found.add(b)
            queue.append((node, b, 1))
    while queue:
        a, b, dist = queue.popleft()
        if dist >= limit:
            continue
        for c in adj[b]:
            if c == a or c == node or (b, c) in seen:
                continue
            if (m[a, b] == ARROW and m[c, b] == ARROW) or m[a, c] != NO_EDGE:
                seen.add((b, c))
                found.add(c)
                queue.append((b, c, dist + 1))
    found.discard(node)
    return frozenset(found)


@lru_cache(maxsize=64)
def _combinations(n: int, k: int) -> np.ndarray:
    """All ``k``-subsets of ``range(n)`` as rows of an int array, in lexicographic order.

    Built column by column with numpy (each row of the ``j``-column array is
    extended by every admissible larger value), so no Python loop over the
    subsets; the result is cached and read-only.
    """
    rows = np.zeros((1, 0), dtype=np.intp)
    for j in range(k):
        last = rows[:, -1] if j else np.full(1, -1, dtype=np.intp)
        counts = np.maximum(n - (k - j) - last, 0)
        total = int(counts.sum())
        rep = np.repeat(rows, counts, axis=0)
        offsets = np.arange(total, dtype=np.intp) - np.repeat(np.cumsum(counts) - counts, counts)
        rows = np.column_stack([rep, np.repeat(last + 1, counts) + offsets])
    rows.setflags(write=False)
    return rows


def _edge_sets(x: int, y: int, pds: Mapping[int, frozenset[int]], adj: np.ndarray, size: int) -> np.ndarray:
    """Conditioning sets of ``size`` to test for the edge ``x``-``y``, as rows of an int array.

    Subsets of ``Possible-D-SEP(x) - {y}`` and of ``Possible-D-SEP(y) - {x}``
    (each once, rows in lexicographic order); sets inside ``adj(x) - {y}`` or
    ``adj(y) - {x}`` are skipped, since the skeleton search already tested them.
    """
    p = adj.shape[0]
    cand_x = np.array(sorted(pds[x] - {x, y}), dtype=np.intp)
    cand_y = np.array(sorted(pds[y] - {x, y}), dtype=np.intp)
    n_x, n_y = len(cand_x), len(cand_y)
    if max(n_x, n_y) < size:
        return np.zeros((0, size), dtype=np.intp)
    in_cx = np.zeros(p, dtype=bool)
    in_cx[cand_x] = True
    in_cy = np.zeros(p, dtype=bool)
    in_cy[cand_y] = True
    union = np.flatnonzero(in_cx | in_cy)
    n_side = comb(n_x, size) + comb(n_y, size)
    if n_x < size or n_y < size or (n_x == len(union) or n_y == len(union)):
        # one side's subsets contain all the others
        big = cand_x if n_x >= n_y else cand_y
        sets = big[_combinations(len(big), size)]
    elif comb(len(union), size) <= 2 * n_side:
        # the sides overlap: filter the union's subsets (already in lexicographic order)
        sets = union[_combinations(len(union), size)]
        sets = sets[in_cx[sets].all(axis=1) | in_cy[sets].all(axis=1)]
    else:
        sx = cand_x[_combinations(n_x, size)]
        sy = cand_y[_combinations(n_y, size)]
        sy = sy[~in_cx[sy].all(axis=1)]
        sets = np.vstack([sx, sy])
        sets = sets[np.lexsort(sets.T[::-1])]
    in_x = adj[x].copy()
    in_x[y] = False
    in_y = adj[y].copy()
    in_y[x] = False
    keep = ~(in_x[sets].all(axis=1) | in_y[sets].all(axis=1))
    return sets[keep]


def _pdsep_stage(
    test: Any,
    marks: np.ndarray,
    adj: np.ndarray,
    required: np.ndarray,
    *,
    alpha: float,
    max_cond_size: int | None,
    max_path_length: int | None,
    progress: Progress,
) -> tuple[np.ndarray, dict[tuple[int, int], tuple[int, ...]], dict[tuple[int, int], float], int]:
    """Stage 3: remove the edges separated by a subset of a Possible-D-SEP set.

    The sets of one size are tested for all edges in batches; an edge separated
    at a size is removed after that size (order-independent), with the first
    separating set in lexicographic order. Returns the new adjacency matrix, the
    new separating sets, the p-values that removed the edges (keys ``(i, j)``,
    ``i < j``) and the number of tests run. The queries bypass the cache (they
    are distinct by construction).
    """
    p = adj.shape[0]
    raw = getattr(test, "inner", test)
    pds = {i: possible_dsep(marks, i, max_path_length=max_path_length) for i in range(p)}
    alive = [
        (int(i), int(j)) for i, j in zip(*np.nonzero(np.triu(adj)), strict=True) if not required[i, j]
    ]
    skel_adj = adj.copy()
    new_sep: dict[tuple[int, int], tuple[int, ...]] = {}
    new_p: dict[tuple[int, int], float] = {}
    n_tests = 0
    top = max((len(pds[i]) for i in range(p)), default=0)
    if max_cond_size is not None:
        top = min(top, max_cond_size)
    progress.start(top, "FCI possible-d-sep")
    try:
        for size in range(1, top + 1):
            if not alive:
                break
            decided: dict[tuple[int, int], tuple[tuple[int, ...], float]] = {}
            pending: list[tuple[tuple[int, int], np.ndarray]] = []
            n_pending = 0

            def flush() -> None:
                nonlocal n_pending, n_tests
                if not pending:
                    return
                xs = np.concatenate([np.full(len(s), e[0], dtype=np.intp) for e, s in pending])
                ys = np.concatenate([np.full(len(s), e[1], dtype=np.intp) for e, s in pending])
                zs = np.vstack([s for _, s in pending])
                pv = raw.p_values(xs, ys, zs)
                n_tests += len(xs)
                start = 0
                for e, s in pending:
                    hit = np.flatnonzero(pv[start : start + len(s)] > alpha)
                    if hit.size and e not in decided:
                        decided[e] = (tuple(int(v) for v in s[hit[0]]), float(pv[start + hit[0]]))
                    start += len(s)
                pending.clear()
                n_pending = 0

            for e in alive:
                sets = _edge_sets(e[0], e[1], pds, skel_adj, size)
                for lo in range(0, len(sets), _CHUNK):
                    part = sets[lo : lo + _CHUNK]
                    pending.append((e, part))
                    n_pending += len(part)
                    if n_pending >= _CHUNK:
                        flush()
                    if e in decided:
                        break
            flush()
            for e, (s, pval) in decided.items():
                adj[e[0], e[1]] = adj[e[1], e[0]] = False
                new_sep[e] = tuple(sorted(s))
                new_p[e] = pval
            alive = [e for e in alive if e not in decided]
            progress.advance(1)
    finally:
        progress.close()
    return adj, new_sep, new_p, n_tests


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
class FCI:
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
        Run the Possible-D-SEP stage (stage 3). ``False`` gives the faster
        "skeleton + rules" variant, which may keep edges between nodes that only a
        non-adjacent set separates.
    rules:
        Orientation rules to apply, names among ``"R1"`` ... ``"R10"`` (default
        all, which is complete; Zhang 2008).
    missing:
        ``"error"`` or ``"testwise"`` (test-wise deletion), passed to the CI test.
    n_jobs:
        Processes for the skeleton search.
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
        ``{node: (names...)}``: the Possible-D-SEP sets used in stage 3 (empty
        when ``possible_dsep=False``).
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
    See the module documentation for the stages. The Possible-D-SEP stage tries
    every subset of a Possible-D-SEP set, which is exponential in its size; in
    dense or noisy graphs bound it with ``max_cond_size`` or ``max_path_length``.

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
        possible_dsep: bool = True,
        rules: Iterable[FCIRule] | None = None,
        missing: str = "error",
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

    def get_params(self) -> dict[str, Any]:
        """The hyperparameters, as given."""
        return {k: getattr(self, k) for k in (
            "ci_test", "alpha", "max_cond_size", "stable", "knowledge", "max_path_length",
            "possible_dsep", "rules", "missing", "n_jobs", "progress",
        )}

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
        if not isinstance(self.possible_dsep, (bool, np.bool_)):
            raise InvalidParameterError(f"possible_dsep must be True or False; got {self.possible_dsep!r}")
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
        removed_pds: list[tuple[int, int]] = []
        n_pds_tests = 0
        if self.possible_dsep and p > 2:
            marks = orient_unshielded_colliders(
                np.where(adj, CIRCLE, NO_EDGE).astype(np.int8), collider_oracle_from_sepsets(members)
            )
            pds_sets = {i: possible_dsep(marks, i, max_path_length=max_path) for i in range(p)}
            adj, new_sep, new_p, n_pds_tests = _pdsep_stage(
                test, marks, adj, required_pair, alpha=alpha, max_cond_size=max_cond,
                max_path_length=max_path, progress=progress,
            )
            sepsets.update(new_sep)
            members.update({k: frozenset(v) for k, v in new_sep.items()})
            removal_p.update(new_p)
            removed_pds = sorted(new_sep)
            _log.debug("FCI possible-d-sep stage removed %d edges", len(removed_pds))

        marks, relaxed = self._orient(adj, members, forbidden, required, rules, test, alpha)

        def pair(i: int, j: int) -> tuple[str, str]:
            return (names[i], names[j])

        self.variables_ = names
        self.skeleton_ = skel
        self.graph_ = PAG.from_mark_matrix(names, marks)
        self.sepsets_ = {pair(*k): tuple(names[v] for v in s) for k, s in sorted(sepsets.items())}
        self.pvalues_ = {pair(*k): v for k, v in sorted(removal_p.items())}
        self.possible_dsep_ = {names[i]: tuple(names[v] for v in sorted(s)) for i, s in pds_sets.items()}
        self.removed_by_possible_dsep_ = tuple(pair(*k) for k in removed_pds)
        self.relaxed_edges_ = tuple(pair(u, v) for u, v in relaxed)
        self.n_tests_ = int(getattr(test, "n_tests", 0)) + n_pds_tests
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
        out = apply_fci_rules(
            marks, discriminating_oracle=_discriminating_oracle(test, alpha, sepsets), rules=rules
        )
        relaxed = _break_directed_cycles(out, known == TAIL)
        if relaxed:
            _log.info("FCI: %d conflicting tails on directed cycles turned into circles", len(relaxed))
        return out, relaxed

    def __repr__(self) -> str:
        return f"FCI(ci_test={self.ci_test!r}, alpha={self.alpha!r})"


def _find_directed_cycle(marks: np.ndarray) -> list[int] | None:
    """A directed cycle ``[v0, v1, ..., v0]`` of ``-->`` edges, or ``None``."""
    directed = (marks == ARROW) & (marks.T == TAIL)
    p = marks.shape[0]
    state = np.zeros(p, dtype=np.int8)  # 0 new, 1 on stack, 2 done
    for root in range(p):
        if state[root]:
            continue
        stack = [(root, iter(np.flatnonzero(directed[root]).tolist()))]
        path = [root]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state[nxt] == 1:
                return path[path.index(nxt):] + [nxt]
            elif state[nxt] == 0:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(np.flatnonzero(directed[nxt]).tolist())))
    return None


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

