"""Greedy Equivalence Search (GES): score-based search over Markov equivalence classes.

GES (Chickering 2002) searches the space of CPDAGs (Markov equivalence classes
of DAGs) for one that maximises a decomposable, score-equivalent score such as
the Gaussian BIC or BDeu (see :mod:`causalscope.scores`). Starting from the
empty graph it runs

1. a **forward phase**: repeatedly apply the ``Insert(X, Y, T)`` operator with
   the largest score gain, which adds ``X --> Y`` and orients ``T --- Y`` as
   ``T --> Y`` for a set ``T`` of undirected neighbours of ``Y`` not adjacent
   to ``X``;
2. a **backward phase**: repeatedly apply the best ``Delete(X, Y, H)``, which
   removes the edge ``X``-``Y`` and orients ``Y --> H`` (and ``X --> H`` where
   ``X --- H``) for a set ``H`` of undirected neighbours of ``Y`` adjacent to ``X``;
3. optionally a **turning phase** (after Hauser & Bühlmann 2012) that reverses
   single edges, after which the forward and backward phases are run again
   until no operator improves the score.

After each operator the partially directed graph is completed back into a CPDAG
(one consistent extension, Dor & Tarsi 1992, then its CPDAG). In the large
sample limit with a consistent score GES returns the true CPDAG (Chickering
2002, under faithfulness).

**Validity and gains** (Chickering 2002, Theorems 15 and 17). With ``NA_YX``
the undirected neighbours of ``Y`` adjacent to ``X`` and ``Pa_Y`` the parents of
``Y``:

* ``Insert(X, Y, T)`` is valid iff ``NA_YX ∪ T`` is a clique and every
  semi-directed path from ``Y`` to ``X`` meets ``NA_YX ∪ T``; its gain is
  ``s(Y, NA_YX ∪ T ∪ Pa_Y ∪ {X}) - s(Y, NA_YX ∪ T ∪ Pa_Y)``.
* ``Delete(X, Y, H)`` is valid iff ``NA_YX \\ H`` is a clique; its gain is
  ``s(Y, (NA_YX \\ H) ∪ Pa_Y \\ {X}) - s(Y, (NA_YX \\ H) ∪ Pa_Y ∪ {X})``.

**Efficiency** (after Ramsey et al. 2017, FGES). Gains are differences of two
cached local scores, evaluated in one batch per target node. The best insert
for every ordered pair is cached; after an operator only the pairs whose target
or source is touched (its edges or its neighbours' edges changed) are
re-scored. The global path condition of a cached operator is re-checked when it
is selected, and when no cached gain is positive one full sweep confirms that
the phase has converged, so the result is a local optimum of the full operator
set, exactly as without caching.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np

from ..contract import Component
from ..exceptions import InvalidParameterError
from ..graphs import CPDAG, DAG
from ..graphs.equivalence import apply_meek_rules, consistent_extension, cpdag_marks_of_dag
from ..graphs.reach import reaches, transitive_closure
from ..scores import make_score
from ..scores.base import LocalScore
from ..utils import Progress, as_progress, get_logger
from .base import register_algorithm
from .knowledge import Knowledge, as_knowledge

__all__ = ["GES", "ges", "GESStep"]

_log = get_logger(__name__)

ProgressLike = Progress | Callable[[int, int | None, str], None] | None
ScoreName = Literal["bic", "bdeu", "bge"]

#: Gains at or below this are treated as no improvement (guards against
#: floating-point noise between equal scores).
_TOL = 1e-9
#: Most candidate subsets ``T`` / ``H`` examined for one ordered pair.
_MAX_SUBSETS = 4096


@dataclass(frozen=True)
class GESStep:
    """One operator applied by GES.

    Attributes
    ----------
    phase:
        ``"forward"``, ``"backward"`` or ``"turning"``.
    operator:
        ``"insert"``, ``"delete"`` or ``"turn"``.
    edge:
        The edge inserted, deleted or the new orientation of the turned edge
        (``"X --> Y"``).
    subset:
        The set ``T`` of an insert or ``H`` of a delete (names, sorted); empty for a turn.
    gain:
        The score increase of the step.
    score:
        The total score after the step.
    """

    phase: str
    operator: str
    edge: str
    subset: tuple[str, ...]
    gain: float
    score: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-able dictionary."""
        return {
            "phase": self.phase,
            "operator": self.operator,
            "edge": self.edge,
            "subset": list(self.subset),
            "gain": self.gain,
            "score": self.score,
        }


# ------------------------------------------------------------------------- the state
class _State:
    """A PDAG as two boolean matrices: ``d[i, j]`` for ``i --> j``, symmetric ``u`` for ``i --- j``."""

    def __init__(self, p: int) -> None:
        self.d = np.zeros((p, p), dtype=bool)
        self.u = np.zeros((p, p), dtype=bool)

    @property
    def adj(self) -> np.ndarray:
        return self.d | self.d.T | self.u

    def marks(self) -> np.ndarray:
        m = np.zeros(self.d.shape, dtype=np.int8)
        m[self.u] = 1
        m[self.d] = 2
        m[self.d.T] = 1
        return m

    def set_marks(self, m: np.ndarray) -> None:
        self.d = (m == 2) & (m.T == 1)
        self.u = (m == 1) & (m.T == 1)


def _cliques(cands: Sequence[int], adj: np.ndarray, limit: int, max_size: int) -> Iterator[tuple[int, ...]]:
    """Every clique (including the empty set) among ``cands``, at most ``max_size`` members."""
    cands = list(cands)
    count = 0
    stack: list[tuple[tuple[int, ...], int]] = [((), 0)]
    while stack:
        members, start = stack.pop()
        yield members
        count += 1
        if count >= limit:
            return
        if len(members) >= max_size:
            continue
        for k in range(len(cands) - 1, start - 1, -1):
            c = cands[k]
            if all(adj[c, m] for m in members):
                stack.append((members + (c,), k + 1))


def _is_clique(nodes: Sequence[int], adj: np.ndarray) -> bool:
    if len(nodes) < 2:
        return True
    idx = np.asarray(nodes)
    sub = adj[np.ix_(idx, idx)]
    return bool(sub.sum() == len(nodes) * (len(nodes) - 1))


# ---------------------------------------------------------------------- the estimator
@register_algorithm("ges")
class GES(Component):
    """Greedy Equivalence Search (Chickering 2002) with cached score differences.

    Parameters
    ----------
    score:
        A registered score name (``"bic"`` Gaussian BIC, ``"bdeu"`` for discrete
        data, ``"bge"``) or a score object following the
        :class:`~causalscope.scores.LocalScore` protocol (then ``data`` passed to
        :meth:`fit` must have the score's variables).
    score_params:
        Keyword options of the named score (for example
        ``{"penalty_discount": 2.0}`` for BIC, ``{"ess": 10.0}`` for BDeu).
        Not allowed with a score object.
    max_parents:
        Largest number of parents of a node in the DAGs considered (``None``: no
        limit). An insert whose target would exceed it is not considered.
    turning:
        If True (default), after the backward phase single edges are turned
        (reversed) when that increases the score, and the forward and backward
        phases are repeated until nothing improves; see Notes.
    knowledge:
        Background knowledge (a :class:`~causalscope.discovery.knowledge.Knowledge`
        or what ``as_knowledge`` accepts); see Notes.
    progress:
        Progress reporter or callback (one step per operator applied).

    Attributes
    ----------
    variables_ : tuple of str
        The variable names, in column order.
    graph_ : CPDAG
        The CPDAG found (maximally oriented under knowledge).
    dag_ : DAG
        A consistent extension of ``graph_`` (a DAG in the class found).
    score_ : float
        The score of ``dag_`` (equal for every DAG of the class, the scores being
        score equivalent).
    trajectory_ : list of GESStep
        The operators applied, in order, with their gains.
    n_operators_scored_ : int
        Number of (pair, subset) operators whose gain was evaluated.

    Notes
    -----
    *Knowledge.* Required edges are in the graph from the start and are never
    deleted; an insert or delete whose orientations (``X --> Y``, ``T --> Y``;
    ``Y --> H``, ``X --> H``) include a forbidden edge is not considered; after
    every operator the completed CPDAG is oriented by the knowledge and closed
    under Meek's rules R1-R4 (Meek 1995). Tiers forbid edges from a later tier
    to an earlier one. Chickering's optimality guarantees are for the
    unconstrained search; with knowledge the search is the same greedy
    procedure restricted to the allowed operators (as in Tetrad's FGES).

    *Subsets.* For one ordered pair at most 4096 candidate sets ``T`` (cliques
    among the target's undirected neighbours) or ``H`` are examined; beyond
    that (only in very dense graphs) the search is restricted to the first ones
    enumerated. ``max_parents`` bounds them further.

    *Turning.* The turning phase reverses one edge ``X --> Y`` of a consistent
    extension of the current CPDAG when the result is acyclic and raises the
    score (gain ``s(Y, Pa_Y - X) + s(X, Pa_X + Y) - s(Y, Pa_Y) - s(X, Pa_X)``).
    This is the part of Hauser & Bühlmann's (2012) Turn operator that acts on
    the extension GES holds; their full operator also searches the other DAGs
    of the class. It can only increase the score.

    References
    ----------
    Chickering, D. M. (2002). Optimal structure identification with greedy
    search. *JMLR* 3, 507-554.

    Ramsey, J., Glymour, M., Sanchez-Romero, R. & Glymour, C. (2017). A million
    variables and more: the Fast Greedy Equivalence Search algorithm for
    learning high-dimensional graphical causal models. *Int. J. Data Sci.
    Anal.* 3, 121-129.

    Hauser, A. & Bühlmann, P. (2012). Characterization and greedy learning of
    interventional Markov equivalence classes of directed acyclic graphs.
    *JMLR* 13, 2409-2464.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(0)
    >>> n = 2000
    >>> a = rng.normal(size=n); b = rng.normal(size=n)
    >>> c = a + b + rng.normal(size=n)
    >>> d = c + rng.normal(size=n)
    >>> model = GES().fit(pd.DataFrame({"A": a, "B": b, "C": c, "D": d}))
    >>> print(model.graph_)
    A --> C; B --> C; C --> D
    >>> model.trajectory_[0].operator
    'insert'
    """

    def __init__(
        self,
        *,
        score: ScoreName | str | LocalScore = "bic",
        score_params: Mapping[str, Any] | None = None,
        max_parents: int | None = None,
        turning: bool = True,
        knowledge: Any = None,
        progress: ProgressLike = None,
    ) -> None:
        self.score = score
        self.score_params = score_params
        self.max_parents = max_parents
        self.turning = turning
        self.knowledge = knowledge
        self.progress = progress

    # -- setup ------------------------------------------------------------------------
    def _make_score(self, data: object) -> LocalScore:
        params = dict(self.score_params or {})
        if isinstance(self.score, str):
            return make_score(self.score, data, **params)
        if not isinstance(self.score, LocalScore):
            raise InvalidParameterError(
                "score must be a registered score name ('bic', 'bdeu', 'bge') or a LocalScore "
                f"object; got {type(self.score).__name__}"
            )
        if params:
            raise InvalidParameterError(
                f"score_params {sorted(params)} cannot be used with a score object; "
                "build the score with those options instead"
            )
        score = self.score
        if data is not None:
            names = _data_names(data)
            if tuple(names) != tuple(score.variables):
                raise InvalidParameterError(
                    f"data columns {list(names)} differ from the score's variables {list(score.variables)}"
                )
        return score

    def _check_params(self) -> None:
        mp = self.max_parents
        if mp is not None and (isinstance(mp, bool) or not isinstance(mp, (int, np.integer)) or mp < 0):
            raise InvalidParameterError(f"max_parents must be None or an integer >= 0; got {mp!r}")
        if not isinstance(self.turning, (bool, np.bool_)):
            raise InvalidParameterError(f"turning must be True or False; got {self.turning!r}")
        if self.score_params is not None and not isinstance(self.score_params, Mapping):
            raise InvalidParameterError(
                f"score_params must be a mapping of score options or None; got {type(self.score_params).__name__}"
            )

    def fit(self, data: object = None) -> GES:
        """Run GES on ``data``.

        Parameters
        ----------
        data:
            A :class:`~causalscope.data.Dataset`, DataFrame or 2-D array (the
            kind the score needs: continuous for BIC/BGe, discrete for BDeu). May
            be omitted when ``score`` is a score object.

        Returns
        -------
        GES
            ``self``.

        Raises
        ------
        InvalidParameterError
            For a bad hyperparameter (also the score's own, e.g. a negative
            ``penalty_discount``) or contradictory knowledge.
        DataError
            From the score, when the data do not suit it (a discrete score on
            continuous columns, missing values, ...), or knowledge naming
            unknown variables.
        """
        self._check_params()
        if data is None and isinstance(self.score, str):
            raise InvalidParameterError("data is required when score is given by name")
        score = self._make_score(data)
        names = tuple(score.variables)
        knowledge = as_knowledge(self.knowledge)
        if knowledge is not None:
            knowledge.validate(names)
        search = _Search(score, names, knowledge, self.max_parents, as_progress(self.progress))
        search.run(bool(self.turning))
        self.variables_ = names
        self.graph_ = CPDAG.from_mark_matrix(names, search.state.marks())
        ext = consistent_extension(search.state.d, search.state.u)
        self.dag_ = DAG(names, [f"{names[i]} --> {names[j]}" for i, j in zip(*np.nonzero(ext))])  # type: ignore[arg-type]  # a CPDAG always has an extension
        self.score_ = float(search.total_score(ext))
        self.trajectory_ = list(search.trajectory)
        self.n_operators_scored_ = search.n_scored
        return self


def _data_names(data: object) -> tuple[str, ...]:
    from ..scores.base import as_dataset

    return tuple(str(v) for v in as_dataset(data).variables)


# ------------------------------------------------------------------------- the search
class _Search:
    """The mutable search state of one GES run."""

    def __init__(
        self,
        score: LocalScore,
        names: tuple[str, ...],
        knowledge: Knowledge | None,
        max_parents: int | None,
        progress: Progress,
    ) -> None:
        self.score = score
        self.names = names
        p = len(names)
        self.p = p
        self.max_parents = p if max_parents is None else int(max_parents)
        self.progress = progress
        self.trajectory: list[GESStep] = []
        self.n_scored = 0
        self.cache: dict[tuple[int, tuple[int, ...]], float] = {}
        self.state = _State(p)
        if knowledge is not None:
            self.forbidden = np.asarray(knowledge.forbidden_matrix(names), dtype=bool)
            self.required = np.asarray(knowledge.required_matrix(names), dtype=bool)
        else:
            self.forbidden = np.zeros((p, p), dtype=bool)
            self.required = np.zeros((p, p), dtype=bool)
        self.knowledge = knowledge is not None
        np.fill_diagonal(self.forbidden, True)
        if self.required.any():
            self.state.d |= self.required
            self._complete()
        self.current = self.total_score(consistent_extension(self.state.d, self.state.u))

    # -- scores -----------------------------------------------------------------------
    def total_score(self, d: np.ndarray | None) -> float:
        """Score of the DAG with directed matrix ``d``."""
        if d is None:  # pragma: no cover - a CPDAG always has an extension
            return -math.inf
        return float(sum(self.score.local_score(j, [int(i) for i in np.flatnonzero(d[:, j])]) for j in range(self.p)))

    def _gains(self, y: int, with_x: list[tuple[int, ...]], without_x: list[tuple[int, ...]]) -> np.ndarray:
        """``s(y, with_x[k]) - s(y, without_x[k])`` for every ``k`` (sets given as sorted tuples).

        Local scores are kept in the search's own cache (keyed by node and
        sorted parent tuple), so only new parent sets reach the score, in one
        batch.
        """
        m = len(with_x)
        if not m:
            return np.empty(0)
        self.n_scored += m
        cache = self.cache
        sets = list(with_x) + list(without_x)
        missing = list({s for s in sets if (y, s) not in cache})
        if missing:
            values = self.score.local_scores(y, missing)
            for s, v in zip(missing, values):
                cache[(y, s)] = float(v)
        out = np.fromiter((cache[(y, s)] for s in sets), dtype=float, count=2 * m)
        return out[:m] - out[m:]

    # -- completion -------------------------------------------------------------------
    def _complete(self) -> None:
        """Turn the PDAG back into a CPDAG (extension, then its CPDAG), then apply knowledge."""
        d = consistent_extension(self.state.d, self.state.u)
        if d is None:  # pragma: no cover - guaranteed by the validity conditions
            raise RuntimeError("GES produced a PDAG without consistent extension")
        m = cpdag_marks_of_dag(d)
        if self.knowledge:
            m = self._orient_knowledge(m)
        self.state.set_marks(m)

    def _orient_knowledge(self, m: np.ndarray) -> np.ndarray:
        und = (m == 1) & (m.T == 1)
        # a required u --> v, or a forbidden v --> u, orients an undirected u --- v as u --> v
        want = und & (self.required | self.forbidden.T) & ~(self.required.T | self.forbidden)
        if not want.any():
            return m
        oriented = m.copy()
        oriented[want] = 2
        oriented = apply_meek_rules(oriented)
        d = (oriented == 2) & (oriented.T == 1)
        u = (oriented == 1) & (oriented.T == 1)
        if consistent_extension(d, u) is None:
            # the knowledge cannot be honoured inside this class (it would need a
            # cycle or a new v-structure): keep the class's own orientations
            _log.debug("GES: knowledge orientations not applicable to the current class; left unoriented")
            return m
        return oriented

    # -- the main loop ------------------------------------------------------------------
    def run(self, turning: bool) -> None:
        self.progress.start(None, "GES")
        try:
            while True:
                self._forward()
                self._backward()
                # a turn that improves the score restarts the search from the new class
                if not turning or not self._turning():
                    break
        finally:
            self.progress.close()

    def _record(self, phase: str, operator: str, x: int, y: int, subset: Sequence[int], gain: float) -> None:
        self.current += gain
        self.trajectory.append(
            GESStep(
                phase=phase,
                operator=operator,
                edge=f"{self.names[x]} --> {self.names[y]}",
                subset=tuple(sorted(self.names[t] for t in subset)),
                gain=float(gain),
                score=float(self.current),
            )
        )
        self.progress.advance(1)

    # -- forward ------------------------------------------------------------------------
    def _best_inserts(self, y: int, xs: Sequence[int], reach: np.ndarray, adj: np.ndarray,
                      step: np.ndarray) -> dict[int, tuple[float, tuple[int, ...]]]:
        """Best valid ``Insert(x, y, T)`` for every ``x`` in ``xs``: ``{x: (gain, T)}``.

        ``reach``, ``adj`` and ``step`` (``d | u``) describe the current state; they are
        computed once per rescoring, for all its targets.
        """
        st = self.state
        pa = tuple(int(i) for i in np.flatnonzero(st.d[:, y]))
        room = self.max_parents - len(pa) - 1
        if room < 0:
            return {}
        ok = np.zeros(self.p, dtype=bool)
        ok[np.asarray(xs, dtype=np.intp)] = True
        ok &= ~adj[:, y] & ~self.forbidden[:, y]
        ok[y] = False
        nb = np.flatnonzero(st.u[y])
        if nb.size == 0:
            # no undirected neighbour: T = NA = {} and the path condition fails iff y reaches x
            xv = np.flatnonzero(ok & ~reach[y])
            if xv.size == 0:
                return {}
            gains = self._gains(y, [tuple(sorted(pa + (int(x),))) for x in xv], [pa] * len(xv))
            return {int(x): (float(g), ()) for x, g in zip(xv, gains)}
        cands: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = []
        for x in np.flatnonzero(ok):
            x = int(x)
            na = tuple(int(w) for w in nb if adj[x, w])
            if len(na) > room or not _is_clique(na, adj):
                continue
            t0 = [int(w) for w in nb if not adj[x, w] and not self.forbidden[w, y]]
            if na and t0:
                t0 = [w for w in t0 if adj[w, list(na)].all()]
            check_paths = bool(reach[y, x])
            for t in _cliques(t0, adj, _MAX_SUBSETS, room - len(na)):
                if check_paths:
                    blocked = np.zeros(self.p, dtype=bool)
                    blocked[list(na + t)] = True
                    if reaches(step, y, x, blocked):
                        continue
                cands.append((x, t, tuple(sorted(pa + na + t))))
        if not cands:
            return {}
        without = [s for _, _, s in cands]
        with_x = [tuple(sorted(s + (x,))) for x, _, s in cands]
        gains = self._gains(y, with_x, without)
        best: dict[int, tuple[float, tuple[int, ...]]] = {}
        for (x, t, _), g in zip(cands, gains):
            if x not in best or g > best[x][0] + _TOL:
                best[x] = (float(g), t)
        return best

    def _insert_valid(self, x: int, y: int, t: tuple[int, ...]) -> bool:
        st = self.state
        adj = st.adj
        if adj[x, y]:
            return False
        nb = np.flatnonzero(st.u[y])
        if any(not st.u[y, w] or adj[x, w] for w in t):
            return False
        na = tuple(int(w) for w in nb if adj[x, w])
        if not _is_clique(na + t, adj):
            return False
        blocked = np.zeros(self.p, dtype=bool)
        blocked[list(na + t)] = True
        return not reaches(st.d | st.u, y, x, blocked)

    def _forward(self) -> bool:
        p = self.p
        gain = np.full((p, p), -np.inf)  # gain[x, y] of the best Insert(x, y, T)
        subset: dict[tuple[int, int], tuple[int, ...]] = {}

        def rescore(targets: Mapping[int, Sequence[int]]) -> None:
            st = self.state
            step = st.d | st.u
            reach = transitive_closure(step)
            adj = st.adj
            for y, xs in targets.items():
                gain[list(xs), y] = -np.inf
                for x, (g, t) in self._best_inserts(y, xs, reach, adj, step).items():
                    gain[x, y] = g
                    subset[(x, y)] = t

        everything = {y: list(range(p)) for y in range(p)}
        rescore(everything)
        applied = False
        confirmed = False
        while True:
            flat = int(np.argmax(gain))
            x, y = divmod(flat, p)
            if not gain[x, y] > _TOL:
                if confirmed:
                    break
                rescore(everything)  # one full sweep: the path conditions are global
                confirmed = True
                continue
            t = subset[(x, y)]
            if not self._insert_valid(x, y, t):
                rescore({y: [x]})
                continue
            g = float(gain[x, y])
            before = (self.state.d.copy(), self.state.u.copy())
            self._apply_insert(x, y, t)
            self._record("forward", "insert", x, y, t, g)
            applied = True
            confirmed = False
            # only targets whose neighbourhood changed need new gains: the local
            # parts of validity and the gains of the others are unchanged
            touched = self._touched(*before)
            near = touched | self.state.adj[touched].any(axis=0)
            all_x = list(range(p))
            rescore({int(yy): all_x for yy in np.flatnonzero(near)})
        return applied

    def _apply_insert(self, x: int, y: int, t: tuple[int, ...]) -> None:
        st = self.state
        st.d[x, y] = True
        for w in t:
            st.u[w, y] = st.u[y, w] = False
            st.d[w, y] = True
        self._complete()

    def _touched(self, d0: np.ndarray, u0: np.ndarray) -> np.ndarray:
        st = self.state
        diff = (st.d != d0) | (st.u != u0)
        return diff.any(axis=0) | diff.any(axis=1)

    # -- backward -------------------------------------------------------------------------
    def _best_deletes(self) -> list[tuple[float, int, int, tuple[int, ...]]]:
        st = self.state
        adj = st.adj
        out: list[tuple[float, int, int, tuple[int, ...]]] = []
        for y in range(self.p):
            xs = [int(x) for x in np.flatnonzero(st.d[:, y] | st.u[:, y])]
            if not xs:
                continue
            pa = tuple(int(i) for i in np.flatnonzero(st.d[:, y]))
            nb = np.flatnonzero(st.u[y])
            cands: list[tuple[int, tuple[int, ...], tuple[int, ...]]] = []
            for x in xs:
                if self.required[x, y] or (st.u[x, y] and self.required[y, x]):
                    continue
                na = [int(w) for w in nb if adj[x, w] and w != x]
                for keep in _cliques(na, adj, _MAX_SUBSETS, len(na)):
                    h = tuple(w for w in na if w not in keep)
                    if any(self.forbidden[y, w] or (st.u[x, w] and self.forbidden[x, w]) for w in h):
                        continue
                    cands.append((x, h, keep))
            if not cands:
                continue
            base = [set(pa) - {x} | set(keep) for x, _, keep in cands]
            without = [tuple(sorted(b)) for b in base]
            with_x = [tuple(sorted(b | {x})) for b, (x, _, _) in zip(base, cands)]
            gains = self._gains(y, without, with_x)
            for (x, h, _), g in zip(cands, gains):
                out.append((float(g), x, y, h))
        return out

    def _backward(self) -> bool:
        applied = False
        while True:
            ops = self._best_deletes()
            if not ops:
                break
            g, x, y, h = max(ops, key=lambda o: o[0])
            if not g > _TOL:
                break
            st = self.state
            st.d[x, y] = st.d[y, x] = st.u[x, y] = st.u[y, x] = False
            for w in h:
                st.u[y, w] = st.u[w, y] = False
                st.d[y, w] = True
                if st.u[x, w]:
                    st.u[x, w] = st.u[w, x] = False
                    st.d[x, w] = True
            self._complete()
            self._record("backward", "delete", x, y, h, g)
            applied = True
        return applied

    # -- turning ----------------------------------------------------------------------------
    def _turning(self) -> bool:
        """Apply the best improving edge reversal of a consistent extension, if any."""
        d = consistent_extension(self.state.d, self.state.u)
        if d is None:  # pragma: no cover
            return False
        best: tuple[float, int, int] | None = None
        reach = transitive_closure(d)
        for a, b in zip(*np.nonzero(d)):
            a, b = int(a), int(b)
            if self.forbidden[b, a] or self.required[a, b]:
                continue
            # reversing a --> b is acyclic iff no other directed path a ~> b
            d[a, b] = False
            other = any(reach[c, b] or c == b for c in np.flatnonzero(d[a]))
            d[a, b] = True
            if other:
                continue
            pa_b = [int(i) for i in np.flatnonzero(d[:, b])]
            pa_a = [int(i) for i in np.flatnonzero(d[:, a])]
            if len(pa_a) + 1 > self.max_parents:
                continue
            s = self.score
            g = (
                s.local_score(b, [i for i in pa_b if i != a])
                + s.local_score(a, sorted(pa_a + [b]))
                - s.local_score(b, pa_b)
                - s.local_score(a, pa_a)
            )
            self.n_scored += 1
            if g > _TOL and (best is None or g > best[0]):
                best = (g, a, b)
        if best is None:
            return False
        g, a, b = best
        d[a, b] = False
        d[b, a] = True
        m = cpdag_marks_of_dag(d)
        if self.knowledge:
            m = self._orient_knowledge(m)
        self.state.set_marks(m)
        self._record("turning", "turn", b, a, (), g)
        return True


def ges(
    data: object,
    *,
    score: ScoreName | str | LocalScore = "bic",
    score_params: Mapping[str, Any] | None = None,
    max_parents: int | None = None,
    turning: bool = True,
    knowledge: Any = None,
    progress: ProgressLike = None,
) -> CPDAG:
    """GES as a function: the CPDAG found (see :class:`GES`).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> x = rng.normal(size=1000); y = x + rng.normal(size=1000); z = y + rng.normal(size=1000)
    >>> print(ges(pd.DataFrame({"X": x, "Y": y, "Z": z})))
    X --- Y; Y --- Z
    """
    model = GES(
        score=score,
        score_params=score_params,
        max_parents=max_parents,
        turning=turning,
        knowledge=knowledge,
        progress=progress,
    )
    return model.fit(data).graph_
