"""The PC algorithm: a CPDAG from conditional independence tests.

PC (Spirtes & Glymour 1991) learns the Markov equivalence class of a causal DAG
without hidden variables in three steps:

1. **Skeleton** (:func:`~.skeleton.learn_skeleton`): remove the edge ``x --- y``
   when some set of neighbours separates ``x`` and ``y``; remember that set.
2. **Colliders**: for every unshielded triple ``x --- y --- z`` (``x`` and ``z``
   not adjacent) orient ``x --> y <-- z`` when ``y`` is not in the separating set
   of ``x`` and ``z``. The *conservative* rule (Ramsey, Zhang & Spirtes 2006)
   re-tests ``x`` and ``z`` given every subset of their neighbours and only
   orients when ``y`` is in none of the separating sets (a non-collider when it
   is in all of them, *ambiguous* otherwise); the *majority* rule (Colombo &
   Maathuis 2014) decides by whether ``y`` is in less or more than half of them.
3. **Meek's rules** R1-R4 orient every further edge implied by acyclicity and
   the absence of new colliders (Meek 1995); ambiguous triples are never used as
   non-colliders.

With a perfect independence oracle the output is exactly the CPDAG of the true
DAG (with background knowledge: the maximally oriented PDAG).

References
----------
Spirtes, P. & Glymour, C. (1991). An algorithm for fast recovery of sparse causal
graphs. *Social Science Computer Review* 9(1), 62-72.
Meek, C. (1995). Causal inference and causal explanation with background
knowledge. UAI, 403-410.
Ramsey, J., Zhang, J. & Spirtes, P. (2006). Adjacency-faithfulness and
conservative causal inference. UAI, 401-408.
Colombo, D. & Maathuis, M. H. (2014). Order-independent constraint-based causal
structure learning. *JMLR* 15, 3741-3782.
"""

from __future__ import annotations

from itertools import combinations
from typing import Any, Literal

import numpy as np

from ..contract import Component
from ..exceptions import InvalidParameterError
from ..graphs.equivalence import apply_meek_rules
from ..graphs.marks import ARROW as _ARROW
from ..graphs.marks import NO_EDGE as _NONE
from ..graphs.marks import TAIL as _TAIL
from ..graphs.reach import directed_edges, reaches
from ..graphs.types import CPDAG
from ..independence import MissingPolicy
from ..utils import as_progress, get_logger
from .base import check_alpha, register_algorithm, resolve_ci_test
from .knowledge import as_knowledge
from .skeleton import Skeleton, learn_skeleton

__all__ = ["PC", "pc"]

_log = get_logger(__name__)

ColliderRule = Literal["sepset", "conservative", "majority"]
ConflictRule = Literal["existing", "overwrite", "strongest"]
_COLLIDER_RULES = ("sepset", "conservative", "majority")
_CONFLICT_RULES = ("existing", "overwrite", "strongest")


@register_algorithm("pc")
class PC(Component):
    """The PC algorithm (stable variant by default); see the module docstring.

    Parameters
    ----------
    ci_test:
        A CI test name from :data:`~causalscope.independence.CI_TESTS`, ``"auto"``
        (Fisher-z for continuous data, G-test for discrete data, the mixed test
        otherwise) or a CI test object such as
        :class:`~causalscope.independence.DSeparationOracle` (then ``fit()`` needs no data).
    alpha:
        Significance level in ``(0, 1)``.
    max_cond_size:
        Largest conditioning set tested (``None``: no limit).
    stable:
        Order-independent skeleton search (Colombo & Maathuis 2014), batched per
        level; ``False`` for the original sequential search.
    collider_rule:
        ``"sepset"``: ``x --> y <-- z`` when ``y`` is in no separating set of
        ``x`` and ``z`` found at the level where they were separated (the stable
        search tests every set of that level; causal-learn's ``uc_rule=0``).
        ``"conservative"``: re-test ``x``, ``z`` given all subsets of
        ``adj(x)`` and of ``adj(z)``; collider iff ``y`` is in none of the
        separating sets, non-collider iff in all, else ambiguous (also ambiguous
        when none separates). ``"majority"``: collider iff ``y`` is in fewer than
        half of them, ambiguous at exactly half.
    conflict:
        How two colliders that orient one edge in opposite directions are
        resolved (a CPDAG has no bidirected edges). Colliders are processed in a
        fixed order (by middle node, then the end nodes). ``"existing"``
        (default, causal-learn ``uc_priority=2``): a collider is oriented only if
        neither of its edges already points away from the middle node, so the
        first collider wins. ``"overwrite"`` (causal-learn ``uc_priority=0``):
        every collider is oriented, the last one wins. ``"strongest"``
        (causal-learn ``uc_priority=3``): colliders are ordered by the largest
        p-value of ``x _||_ z | S`` over sets ``S`` of neighbours of ``x`` or of
        ``z`` that contain ``y`` (smallest first: the strongest evidence for the
        collider), then handled as ``"existing"``. In every mode an orientation
        that would close a directed cycle is skipped.
    knowledge:
        Background knowledge (:class:`~causalscope.discovery.Knowledge`, a dict
        or a file path): honoured in the skeleton (forbidden pairs are removed,
        required edges kept), oriented before the colliders, and never
        contradicted by a collider or a Meek rule.
    missing:
        ``"error"`` or ``"testwise"`` (passed to the CI test).
    n_jobs:
        Worker processes for the skeleton's batches of CI tests (see
        :func:`~causalscope.discovery.skeleton.learn_skeleton`; useful for slow
        tests such as ``kci``; keep 1 for Fisher-z).
    progress:
        Progress object or callback (one step per skeleton level).

    Attributes
    ----------
    graph_ : CPDAG
        The learned CPDAG (maximally oriented PDAG under knowledge).
    skeleton_ : Skeleton
        The adjacency search result (indices, separating sets, p-values).
    sepsets_ : dict
        ``{(a, b): (names...)}`` for every removed pair (``a`` before ``b`` in column order).
    pvalues_ : dict
        ``{(a, b): p}``: the p-value of the test that removed the pair.
    n_tests_, n_cache_hits_ : int
        CI tests computed, and queries answered from the cache.
    unshielded_triples_ : tuple
        Every unshielded triple ``(x, y, z)`` (``x`` before ``z``).
    colliders_ : tuple
        The triples judged colliders (before conflict resolution).
    ambiguous_triples_ : tuple
        Triples left undecided by the conservative or majority rule.
    variables_ : tuple
        The variable names.

    References
    ----------
    Spirtes & Glymour (1991); Colombo & Maathuis (2014); Ramsey, Zhang & Spirtes
    (2006); Meek (1995) (see the module docstring).

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> from causalscope.independence import DSeparationOracle
    >>> dag = DAG(edges=["A --> C", "B --> C", "C --> D"])
    >>> print(PC(ci_test=DSeparationOracle(dag)).fit().graph_)
    A --> C; B --> C; C --> D
    """

    name = "pc"

    def __init__(
        self,
        *,
        ci_test: Any = "auto",
        alpha: float = 0.05,
        max_cond_size: int | None = None,
        stable: bool = True,
        collider_rule: ColliderRule = "sepset",
        conflict: ConflictRule = "existing",
        knowledge: Any = None,
        missing: MissingPolicy = "error",
        n_jobs: int | None = 1,
        progress: Any = None,
    ) -> None:
        self.ci_test = ci_test
        self.alpha = alpha
        self.max_cond_size = max_cond_size
        self.stable = stable
        self.collider_rule = collider_rule
        self.conflict = conflict
        self.knowledge = knowledge
        self.missing = missing
        self.n_jobs = n_jobs
        self.progress = progress

    def _check(self) -> float:
        alpha = check_alpha(self.alpha)
        if self.collider_rule not in _COLLIDER_RULES:
            raise InvalidParameterError(
                f"collider_rule must be one of {list(_COLLIDER_RULES)}; got {self.collider_rule!r}"
            )
        if self.conflict not in _CONFLICT_RULES:
            raise InvalidParameterError(
                f"conflict must be one of {list(_CONFLICT_RULES)}; got {self.conflict!r}"
            )
        if not isinstance(self.stable, (bool, np.bool_)):
            raise InvalidParameterError(f"stable must be True or False; got {self.stable!r}")
        return alpha

    def fit(self, data: Any = None) -> PC:
        """Learn the CPDAG from ``data`` (a DataFrame or Dataset; ``None`` with an oracle).

        Returns
        -------
        PC
            ``self``, with the fitted attributes set.

        Raises
        ------
        InvalidParameterError
            For bad hyperparameters or contradicting knowledge.
        DataError
            For unusable data (a discrete test on continuous columns, missing
            values with ``missing="error"``, knowledge naming unknown columns).
        """
        alpha = self._check()
        test, names = resolve_ci_test(self.ci_test, data, missing=self.missing)
        p = len(names)
        know = as_knowledge(self.knowledge)
        if know is not None:
            know.validate(names)
            forbidden = know.forbidden_matrix(names)
            required = know.required_matrix(names)
        else:
            forbidden = np.zeros((p, p), dtype=bool)
            required = np.zeros((p, p), dtype=bool)
        hits0 = test.n_cache_hits
        skel = learn_skeleton(
            test, alpha=alpha, max_cond_size=self.max_cond_size, knowledge=know,
            stable=bool(self.stable), n_jobs=self.n_jobs, progress=as_progress(self.progress),
        )
        adj = skel.adjacency
        marks = np.where(adj, _TAIL, _NONE).astype(np.int8)
        # knowledge first (as Tetrad and causal-learn do)
        for i, j in zip(*np.nonzero(np.triu(adj, 1))):
            i, j = int(i), int(j)
            if forbidden[j, i] or required[i, j]:
                _orient(marks, i, j)
            elif forbidden[i, j] or required[j, i]:
                _orient(marks, j, i)
        allowed = ~forbidden & ~required.T  # allowed[u, v]: u --> v may be oriented
        triples = _unshielded_triples(adj)
        status = self._classify(triples, skel, test, alpha)
        colliders = [t for t, s in zip(triples, status) if s == "collider"]
        ambiguous = {t for t, s in zip(triples, status) if s == "ambiguous"}
        ordered = self._order_colliders(colliders, adj, test)
        for x, y, z in ordered:
            if not (allowed[x, y] and allowed[z, y]):
                continue
            if self.conflict != "overwrite" and (_directed(marks, y, x) or _directed(marks, y, z)):
                continue
            trial = marks.copy()
            _orient(trial, x, y)
            _orient(trial, z, y)
            d = directed_edges(trial)
            if reaches(d, y, x) or reaches(d, y, z):
                continue  # would close a directed cycle
            marks = trial
        marks = apply_meek_rules(marks, ambiguous=ambiguous, allowed=allowed, schedule="sequential")
        self.variables_ = names
        self.skeleton_ = skel
        self.graph_ = CPDAG.from_mark_matrix(names, marks)
        self.sepsets_ = {}
        self.pvalues_ = {}
        for (i, j), s in sorted(skel.sepsets.items()):
            key = (names[i], names[j])
            self.sepsets_[key] = tuple([names[v] for v in s])
            if (i, j) in skel.pvalues:
                self.pvalues_[key] = skel.pvalues[(i, j)]
        self.n_tests_ = int(test.n_tests)
        self.n_cache_hits_ = int(test.n_cache_hits - hits0)
        self.unshielded_triples_ = tuple((names[x], names[y], names[z]) for x, y, z in triples)
        self.colliders_ = tuple((names[x], names[y], names[z]) for x, y, z in colliders)
        self.ambiguous_triples_ = tuple(
            (names[x], names[y], names[z]) for x, y, z in triples if (x, y, z) in ambiguous
        )
        return self

    # -- colliders -----------------------------------------------------------------
    def _classify(
        self, triples: list[tuple[int, int, int]], skel: Skeleton, test: Any, alpha: float
    ) -> list[str]:
        if self.collider_rule == "sepset":
            out = []
            for x, y, z in triples:
                members = skel.sepset_members.get((x, z))
                if members is None:
                    out.append("ambiguous")  # never tested (e.g. absent from an initial graph)
                else:
                    out.append("noncollider" if y in members else "collider")
            return out
        adj = skel.adjacency
        max_k = self.max_cond_size
        sets_per_pair: dict[tuple[int, int], list[tuple[int, ...]]] = {}
        queries: list[tuple[int, int, tuple[int, ...]]] = []
        for x, _, z in triples:
            if (x, z) in sets_per_pair:
                continue
            sets = _neighbour_subsets(adj, x, z, max_k)
            sets_per_pair[(x, z)] = sets
            queries.extend((x, z, s) for s in sets)
        pv = _batch_pvalues(test, queries)
        sep: dict[tuple[int, int], list[tuple[int, ...]]] = {}
        for (x, z, s), value in zip(queries, pv):
            if value > alpha:
                sep.setdefault((x, z), []).append(s)
        out = []
        for x, y, z in triples:
            found = sep.get((x, z), [])
            if not found:
                out.append("ambiguous")
                continue
            share = sum(y in s for s in found) / len(found)
            if self.collider_rule == "conservative":
                out.append("collider" if share == 0 else "noncollider" if share == 1 else "ambiguous")
            else:
                out.append("collider" if share < 0.5 else "noncollider" if share > 0.5 else "ambiguous")
        return out

    def _order_colliders(
        self, colliders: list[tuple[int, int, int]], adj: np.ndarray, test: Any
    ) -> list[tuple[int, int, int]]:
        if self.conflict != "strongest" or not colliders:
            return colliders
        queries: list[tuple[int, int, tuple[int, ...]]] = []
        spans = []
        for x, y, z in colliders:
            sets = [s for s in _neighbour_subsets(adj, x, z, self.max_cond_size, include_empty=False) if y in s]
            spans.append((len(queries), len(queries) + len(sets)))
            queries.extend((x, z, s) for s in sets)
        pv = _batch_pvalues(test, queries)
        strength = [float(pv[a:b].max()) if b > a else 0.0 for a, b in spans]
        order = sorted(range(len(colliders)), key=lambda t: (strength[t], t))
        return [colliders[t] for t in order]


def _neighbour_subsets(
    adj: np.ndarray, x: int, z: int, max_k: int | None, *, include_empty: bool = True
) -> list[tuple[int, ...]]:
    """Distinct subsets of ``adj(x) - {z}`` and of ``adj(z) - {x}`` (sizes up to ``max_k``)."""
    seen: dict[tuple[int, ...], None] = {}
    for a, b in ((x, z), (z, x)):
        nbrs = [int(v) for v in np.flatnonzero(adj[a]) if v != b]
        top = len(nbrs) if max_k is None else min(max_k, len(nbrs))
        for k in range(0 if include_empty else 1, top + 1):
            for s in combinations(nbrs, k):
                seen.setdefault(s, None)
    return list(seen)


def _batch_pvalues(test: Any, queries: list[tuple[int, int, tuple[int, ...]]]) -> np.ndarray:
    """p-values of index queries of mixed conditioning sizes (grouped by size)."""
    out = np.zeros(len(queries))
    by_size: dict[int, list[int]] = {}
    for q, (_, _, s) in enumerate(queries):
        by_size.setdefault(len(s), []).append(q)
    for k, members in by_size.items():
        xs = np.array([queries[q][0] for q in members], dtype=np.intp)
        ys = np.array([queries[q][1] for q in members], dtype=np.intp)
        zs = np.array([queries[q][2] for q in members], dtype=np.intp).reshape(len(members), k)
        out[members] = test.p_values(xs, ys, zs)
    return out


def _unshielded_triples(adj: np.ndarray) -> list[tuple[int, int, int]]:
    """Triples ``(x, y, z)``, ``x < z``, ``x --- y --- z``, ``x``, ``z`` not adjacent; by ``(y, x, z)``."""
    out = []
    for y in range(adj.shape[0]):
        nbrs = np.flatnonzero(adj[y]).tolist()
        for a in range(len(nbrs)):
            x = nbrs[a]
            for z in nbrs[a + 1:]:
                if not adj[x, z]:
                    out.append((x, y, z))
    return out


# -- orientation helpers ---------------------------------------------------------------
def _orient(m: np.ndarray, i: int, j: int) -> None:
    m[i, j] = _ARROW
    m[j, i] = _TAIL


def _directed(m: np.ndarray, i: int, j: int) -> bool:
    return bool(m[i, j] == _ARROW and m[j, i] == _TAIL)


def pc(data: Any = None, **kwargs: Any) -> CPDAG:
    """Run :class:`PC` and return its CPDAG (keyword arguments as for :class:`PC`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> a = rng.normal(size=2000); b = rng.normal(size=2000)
    >>> c = a + b + rng.normal(size=2000)
    >>> print(pc(pd.DataFrame({"A": a, "B": b, "C": c})))
    A --> C; B --> C
    """
    return PC(**kwargs).fit(data).graph_
