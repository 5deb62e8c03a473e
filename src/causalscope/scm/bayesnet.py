"""Discrete causal Bayesian networks: CPTs on a DAG, fitting, sampling, ``do()``, inference.

A *causal* Bayesian network is a DAG over categorical variables with one
conditional probability table (CPT) per variable, read causally: each CPT is
the stochastic mechanism by which a variable's parents produce it. The joint
distribution factorises as ``prod_i P(x_i | pa_i)``; an intervention
``do(X = x)`` replaces the CPT of ``X`` by a point mass at ``x`` and cuts the
arrows into ``X`` (the truncated factorisation, Pearl 2009, eq. 3.10), which
Jacobs, Kissinger & Zanasi (2019) formalise as surgery on the string diagram of
the network's stochastic matrices.

:class:`DiscreteBN` is an immutable value holding the DAG, the state names and
the CPTs (layout: parent axes first in :meth:`DiscreteBN.parents` order, the
child axis last; see :mod:`causalscope.scm.cpt`). It offers

* :meth:`DiscreteBN.fit` -- maximum-likelihood or Bayesian-Dirichlet parameter
  fitting from a table of observations,
* :meth:`DiscreteBN.sample` -- vectorised forward (ancestral) sampling,
* :meth:`DiscreteBN.do` -- hard and soft interventions by graph surgery,
* :meth:`DiscreteBN.distribution`, :meth:`DiscreteBN.probability`,
  :meth:`DiscreteBN.query` -- exact inference by variable elimination
  (:mod:`causalscope.scm.inference`), and :meth:`DiscreteBN.joint` for small
  networks,
* :meth:`DiscreteBN.read_bif` / :meth:`DiscreteBN.to_bif` -- BIF files
  (:mod:`causalscope.scm.bif`).

References
----------
.. [1] Pearl, J. (2009). *Causality*, 2nd ed. Cambridge University Press, sec. 1.3 and 3.2.
.. [2] Jacobs, B., Kissinger, A. & Zanasi, F. (2019). Causal inference by string
   diagram surgery. FoSSaCS 2019, LNCS 11425, 313-329.
.. [3] Heckerman, D., Geiger, D. & Chickering, D. M. (1995). Learning Bayesian
   networks: the combination of knowledge and statistical data. Machine
   Learning 20, 197-243 (the BDe/BDeu Dirichlet prior).
.. [4] Cooper, G. F. & Herskovits, E. (1992). A Bayesian method for the induction
   of probabilistic networks from data. Machine Learning 9, 309-347 (the K2 prior).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from os import PathLike
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from ..exceptions import DataError, GraphError, InvalidParameterError
from ..graphs import DAG
from ..utils import check_random_state
from .bif_format import BIFNetwork, read_bif_network, to_bif_string, write_bif
from .cpt import CPT, CPT_ATOL, InvalidCPTError
from .factors import factor_product, is_hard_value
from .inference import DiscreteDistribution, QueryResult, evaluate_query, variable_elimination
from .query import Query, QueryError

if TYPE_CHECKING:  # pragma: no cover
    from ..data import Dataset

__all__ = ["DiscreteBN", "fit_bayesnet", "Prior"]

Prior = Literal["none", "bdeu", "k2"]
Intervention = str | int | float | Mapping[str, float] | Sequence[float]


class DiscreteBN:
    """A discrete causal Bayesian network (an immutable value).

    Parameters
    ----------
    graph:
        The DAG.
    states:
        State names of every node of ``graph`` (converted with ``str``; order matters:
        it is the order of the CPT axes).
    cpts:
        For every node, a :class:`~causalscope.scm.cpt.CPT` (its parents must be the
        node's parents in ``graph``, in any order) or an array of shape
        ``(|pa_1|, ..., |pa_k|, |child|)`` whose parent axes follow the order of the
        parents in ``graph.nodes``.
    name:
        A label (the BIF ``network`` name).
    atol:
        Tolerance on CPT row sums.

    Raises
    ------
    GraphError
        If ``graph`` is not a DAG.
    InvalidCPTError
        If a CPT is missing, has the wrong parents or shape, or is not normalised;
        the message names the variable.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> g = DAG(["rain", "wet"], [("rain", "wet")])
    >>> bn = DiscreteBN(g, {"rain": ["no", "yes"], "wet": ["no", "yes"]},
    ...                 {"rain": [0.8, 0.2], "wet": [[0.9, 0.1], [0.2, 0.8]]})
    >>> round(bn.probability("P(rain=yes | wet=yes)"), 4)
    0.6667
    >>> bn.probability({"wet": "yes"}, interventions={"rain": "yes"})
    0.8
    """

    __slots__ = ("_graph", "_states", "_cpts", "_name", "_order")

    def __init__(
        self,
        graph: DAG,
        states: Mapping[str, Sequence[Any]],
        cpts: Mapping[str, CPT | Any],
        *,
        name: str = "bn",
        atol: float = CPT_ATOL,
    ) -> None:
        if not isinstance(graph, DAG):
            raise GraphError(f"graph must be a causalscope.graphs.DAG; got {type(graph).__name__}")
        nodes = graph.nodes
        missing = [v for v in nodes if v not in states]
        if missing:
            raise InvalidParameterError(f"states: no state names for {missing}; every node of the graph needs them")
        extra = [v for v in states if v not in graph]
        if extra:
            raise InvalidParameterError(f"states: {extra} are not nodes of the graph {list(nodes)}")
        st = {v: tuple(str(s) for s in states[v]) for v in nodes}
        table: dict[str, CPT] = {}
        for v in nodes:
            if v not in cpts:
                raise InvalidCPTError(v, "no CPT given for this node of the graph")
            pa = graph.parents(v)
            given = cpts[v]
            if isinstance(given, CPT):
                if given.variable != v or set(given.parents) != set(pa):
                    raise InvalidCPTError(
                        v, f"the CPT is for {given.variable!r} given {list(given.parents)}; the graph's parents are {sorted(pa)}"
                    )
                if dict(given.states) != {u: st[u] for u in given.scope}:
                    raise InvalidCPTError(v, "the CPT's state names differ from the network's")
                table[v] = given
            else:
                order = tuple(u for u in nodes if u in pa)
                table[v] = CPT(v, order, st, given, atol=atol)
        extra = [v for v in cpts if v not in graph]
        if extra:
            raise InvalidParameterError(f"cpts: {extra} are not nodes of the graph {list(nodes)}")
        self._graph = graph
        self._states = MappingProxyType(st)
        self._cpts = MappingProxyType(table)
        self._name = str(name)
        self._order = graph.topological_order()

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_cpts(cls, cpts: Iterable[CPT], *, name: str = "bn") -> DiscreteBN:
        """Build a network from CPTs; the node order is the order given.

        Raises
        ------
        InvalidCPTError
            If two CPTs are for one variable or name a parent with no CPT.
        GraphError
            If the parent sets form a directed cycle.
        """
        items = list(cpts)
        nodes = [c.variable for c in items]
        if len(set(nodes)) != len(nodes):
            dup = sorted({v for v in nodes if nodes.count(v) > 1})
            raise InvalidCPTError(dup[0], "more than one CPT given for this variable")
        states: dict[str, tuple[str, ...]] = {c.variable: c.states[c.variable] for c in items}
        for c in items:
            for p in c.parents:
                if p not in states:
                    raise InvalidCPTError(c.variable, f"parent {p!r} has no CPT of its own")
                if c.states[p] != states[p]:
                    raise InvalidCPTError(c.variable, f"state names of parent {p!r} differ from those in its own CPT")
        graph = DAG(nodes=nodes, edges=[(p, c.variable) for c in items for p in c.parents])
        return cls(graph, states, {c.variable: c for c in items}, name=name)

    @classmethod
    def fit(
        cls,
        graph: DAG,
        data: pd.DataFrame | Dataset,
        *,
        states: Mapping[str, Sequence[Any]] | None = None,
        prior: Prior = "none",
        equivalent_sample_size: float = 1.0,
        name: str = "bn",
    ) -> DiscreteBN:
        """Fit the CPTs of ``graph`` to data.

        Parameters
        ----------
        graph:
            The DAG; every node must be a column of ``data``.
        data:
            A data frame or :class:`~causalscope.data.Dataset` (values are
            compared as strings, ``str(value)``).
        states:
            State names per variable. Default: a column's categories if it is a
            pandas categorical, else its sorted distinct values. Values outside the
            given states raise :class:`~causalscope.exceptions.DataError`.
        prior:
            ``"none"``: maximum likelihood, ``N_ijk / N_ij``. ``"bdeu"``: posterior
            mean under the BDeu Dirichlet prior, pseudo-count
            ``equivalent_sample_size / (q_i r_i)`` per cell (``q_i`` parent
            configurations, ``r_i`` states). ``"k2"``: pseudo-count 1 per cell
            (Laplace smoothing, the K2 prior).
        equivalent_sample_size:
            The BDeu equivalent sample size (used only with ``prior="bdeu"``).
        name:
            The network's name.

        Returns
        -------
        DiscreteBN

        Notes
        -----
        A parent configuration never seen in the data gets the **uniform**
        distribution (with either Dirichlet prior this is the posterior mean;
        under maximum likelihood it is a convention). Parent axes follow the order
        of the parents in ``graph.nodes``.

        Raises
        ------
        DataError
            If a node is not a column, a value is missing, or a value is not among
            the given states.
        InvalidParameterError
            If ``prior`` or ``equivalent_sample_size`` is invalid.

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> df = pd.DataFrame({"A": ["x", "x", "y", "y"], "B": ["0", "1", "1", "1"]})
        >>> bn = DiscreteBN.fit(DAG(["A", "B"], [("A", "B")]), df)
        >>> bn.cpts["B"].row(A="x")
        {'0': 0.5, '1': 0.5}
        >>> DiscreteBN.fit(DAG(["A", "B"], [("A", "B")]), df, prior="k2").cpts["B"].row(A="y")
        {'0': 0.25, '1': 0.75}
        """
        if prior not in ("none", "bdeu", "k2"):
            raise InvalidParameterError(f"prior must be 'none', 'bdeu' or 'k2'; got {prior!r}")
        ess = float(equivalent_sample_size)
        if not np.isfinite(ess) or ess <= 0:
            raise InvalidParameterError(f"equivalent_sample_size must be a positive number; got {equivalent_sample_size!r}")
        if not isinstance(graph, DAG):
            raise GraphError(f"graph must be a causalscope.graphs.DAG; got {type(graph).__name__}")
        if isinstance(data, pd.DataFrame):
            frame = data
        elif hasattr(data, "to_frame"):
            frame = data.to_frame(decode=True, include_roles=False)
        else:
            raise DataError(f"data must be a pandas DataFrame or a causalscope Dataset; got {type(data).__name__}")
        missing = [v for v in graph.nodes if v not in frame.columns]
        if missing:
            raise DataError(f"data has no column for the node(s) {missing}; columns: {list(frame.columns)}")
        st: dict[str, tuple[str, ...]] = {}
        codes: dict[str, np.ndarray] = {}
        for v in graph.nodes:
            col = frame[v]
            if col.isna().any():
                raise DataError(f"column {v!r} has {int(col.isna().sum())} missing value(s); fitting needs complete data")
            if states is not None and v in states:
                sv = tuple(str(s) for s in states[v])
            elif isinstance(col.dtype, pd.CategoricalDtype):
                sv = tuple(str(s) for s in col.cat.categories)
            else:
                uniq = pd.unique(col)
                try:
                    uniq = np.sort(uniq)
                except TypeError:
                    uniq = sorted(uniq, key=str)
                sv = tuple(dict.fromkeys(str(s) for s in uniq))
            c = pd.Index(sv).get_indexer(col.astype(str)).astype(np.int64)
            if np.any(c < 0):
                bad = sorted(set(col.astype(str)[c < 0]))[:5]
                raise DataError(f"column {v!r} holds value(s) {bad} that are not among its states {list(sv)}")
            st[v] = sv
            codes[v] = c
        cpts: dict[str, np.ndarray] = {}
        for v in graph.nodes:
            pa = tuple(u for u in graph.nodes if u in graph.parents(v))
            r = len(st[v])
            pshape = tuple(len(st[u]) for u in pa)
            q = int(np.prod(pshape, dtype=np.int64))
            cfg = np.ravel_multi_index([codes[u] for u in pa], pshape) if pa else np.zeros(len(frame), dtype=np.int64)
            counts = np.bincount(cfg * r + codes[v], minlength=q * r).reshape(q, r).astype(float)
            alpha = {"none": 0.0, "bdeu": ess / (q * r), "k2": 1.0}[prior]
            counts += alpha
            totals = counts.sum(axis=1, keepdims=True)
            probs = np.divide(counts, totals, out=np.full_like(counts, 1.0 / r), where=totals > 0)
            cpts[v] = probs.reshape(*pshape, r)
        return cls(graph, st, cpts, name=name)

    # ------------------------------------------------------------------ views
    @property
    def graph(self) -> DAG:
        """The DAG."""
        return self._graph

    @property
    def variables(self) -> tuple[str, ...]:
        """Variable names (the graph's node order)."""
        return self._graph.nodes

    @property
    def states(self) -> Mapping[str, tuple[str, ...]]:
        """State names of each variable (read-only mapping)."""
        return self._states

    @property
    def cpts(self) -> Mapping[str, CPT]:
        """The CPT of each variable (read-only mapping)."""
        return self._cpts

    @property
    def name(self) -> str:
        """The network's name."""
        return self._name

    def parents(self, variable: str) -> tuple[str, ...]:
        """Parents of ``variable`` in the order of its CPT axes."""
        return self.cpt(variable).parents

    def cpt(self, variable: str) -> CPT:
        """The CPT of ``variable``."""
        if variable not in self._cpts:
            raise InvalidParameterError(f"unknown variable {variable!r}; valid variables: {', '.join(self.variables)}")
        return self._cpts[variable]

    @property
    def n_parameters(self) -> int:
        """Number of free parameters, ``sum_i q_i (r_i - 1)``."""
        return int(sum(np.prod(c.shape[:-1], dtype=np.int64) * (c.shape[-1] - 1) for c in self._cpts.values()))

    def __repr__(self) -> str:
        return f"DiscreteBN(name={self._name!r}, variables={len(self.variables)}, edges={self._graph.n_edges})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DiscreteBN):
            return NotImplemented
        return (
            self._graph == other._graph
            and dict(self._states) == dict(other._states)
            and all(self._cpts[v] == other._cpts[v].reorder(self._cpts[v].parents) for v in self.variables)
        )

    def __hash__(self) -> int:
        return hash((self._graph, tuple(sorted(self._states.items()))))

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self._graph, dict(self._states), dict(self._cpts), self._name))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary: name, graph JSON, states and CPTs."""
        return {
            "name": self._name,
            "graph": self._graph.to_dict(),
            "states": {v: list(s) for v, s in self._states.items()},
            "cpts": {v: self._cpts[v].to_dict() for v in self.variables},
        }

    # ------------------------------------------------------------------ sampling
    def sample(self, n: int, *, random_state: int | np.random.Generator | None = None) -> pd.DataFrame:
        """Draw ``n`` rows by forward (ancestral) sampling.

        Variables are drawn in topological order; for each, the rows' parent
        configurations index the cumulative CPT rows and one uniform number per
        row is inverted (vectorised over rows).

        Parameters
        ----------
        n:
            Number of rows.
        random_state:
            Seed or generator (same seed, same sample).

        Returns
        -------
        pandas.DataFrame
            One column per variable (graph node order), categorical with the
            variable's states as categories.

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> bn = DiscreteBN(DAG(["A"]), {"A": ["a", "b"]}, {"A": [0.3, 0.7]})
        >>> df = bn.sample(5, random_state=0)
        >>> df.shape, list(df["A"].cat.categories)
        ((5, 1), ['a', 'b'])
        """
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
            raise InvalidParameterError(f"n must be a non-negative integer; got {n!r}")
        rng = check_random_state(random_state)
        n = int(n)
        codes: dict[str, np.ndarray] = {}
        for v in self._order:
            cpt = self._cpts[v]
            r = cpt.shape[-1]
            pshape = cpt.shape[:-1]
            cfg = np.ravel_multi_index([codes[u] for u in cpt.parents], pshape) if cpt.parents else np.zeros(n, dtype=np.int64)
            cum = np.cumsum(cpt.matrix(), axis=1)
            cum[:, -1] = np.inf  # rows summing to 1 - eps never fall off the end
            u = rng.random(n)
            rows = cum[cfg]
            codes[v] = np.minimum((u[:, None] >= rows).sum(axis=1), r - 1).astype(np.int64)
        return pd.DataFrame(
            {v: pd.Categorical.from_codes(codes[v], categories=list(self._states[v])) for v in self.variables}
        )

    # ------------------------------------------------------------------ interventions
    def do(self, interventions: Mapping[str, Intervention]) -> DiscreteBN:
        """The network after intervening: arrows into each target cut, its CPT replaced.

        Parameters
        ----------
        interventions:
            ``{variable: state}`` for a hard intervention ``do(X = x)`` (the new CPT
            is a point mass at ``x``); ``{variable: {state: probability}}`` or
            ``{variable: [p_1, ..., p_r]}`` for a soft (stochastic) intervention that
            draws ``X`` from the given distribution, independently of its former
            parents. Missing states in a mapping get probability zero.

        Returns
        -------
        DiscreteBN
            A new network; this one is unchanged.

        Raises
        ------
        QueryError
            Unknown variable or state (naming the valid ones).
        InvalidCPTError
            If a soft intervention's probabilities are not a distribution.

        References
        ----------
        .. [1] Jacobs, Kissinger & Zanasi (2019), sec. 4 ("cutting wires").

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> bn = DiscreteBN(DAG(["A", "B"], [("A", "B")]), {"A": ["0", "1"], "B": ["0", "1"]},
        ...                 {"A": [0.5, 0.5], "B": [[0.9, 0.1], [0.1, 0.9]]})
        >>> m = bn.do({"B": "1"})
        >>> m.graph.n_edges, m.cpts["B"].table.tolist()
        (0, [0.0, 1.0])
        """
        if not isinstance(interventions, Mapping):
            raise InvalidParameterError(f"interventions must be a mapping {{variable: state}}; got {type(interventions).__name__}")
        new_cpts: dict[str, CPT] = dict(self._cpts)
        cut: list[tuple[str, str]] = []
        for v, value in interventions.items():
            if v not in self._states:
                raise QueryError(f"cannot intervene on unknown variable {v!r}; valid variables: {', '.join(self.variables)}")
            sv = self._states[v]
            if is_hard_value(value):
                s = str(value)
                if s not in sv:
                    raise QueryError(f"unknown state {s!r} of intervened variable {v!r}; valid states: {', '.join(sv)}")
                vec: np.ndarray = np.zeros(len(sv))
                vec[sv.index(s)] = 1.0
            elif isinstance(value, Mapping):
                unknown = [str(s) for s in value if str(s) not in sv]
                if unknown:
                    raise QueryError(f"unknown state(s) {unknown} of intervened variable {v!r}; valid states: {', '.join(sv)}")
                probs = {str(k): float(p) for k, p in value.items()}
                vec = np.array([probs.get(s, 0.0) for s in sv])
            else:
                vec = np.asarray(value, dtype=float)
            new_cpts[v] = CPT(v, (), {v: sv}, vec)
            cut.extend((p, v) for p in self._graph.parents(v))
        graph = self._graph.remove_edges(cut) if cut else self._graph
        return DiscreteBN(graph, self._states, new_cpts, name=self._name)

    # ------------------------------------------------------------------ inference
    def joint(self, *, max_cells: int = 10_000_000) -> DiscreteDistribution:
        """The full joint distribution (product of all CPTs), for small networks.

        Parameters
        ----------
        max_cells:
            Refuse (``InvalidParameterError``) when the joint table would exceed this.

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> bn = DiscreteBN(DAG(["A", "B"], [("A", "B")]), {"A": ["0", "1"], "B": ["0", "1"]},
        ...                 {"A": [0.5, 0.5], "B": [[0.9, 0.1], [0.1, 0.9]]})
        >>> bn.joint().values.tolist()
        [[0.45, 0.05], [0.05, 0.45]]
        """
        cells = float(np.prod([len(self._states[v]) for v in self.variables], dtype=float))
        if cells > max_cells:
            raise InvalidParameterError(
                f"the joint of {self._name!r} has {cells:.3g} cells (max_cells={max_cells}); use distribution() instead"
            )
        cards = {v: len(self._states[v]) for v in self.variables}
        factors = [(c.scope, c.table) for c in self._cpts.values()]
        values = factor_product(factors, self.variables, cards)
        return DiscreteDistribution(self.variables, dict(self._states), values)

    def distribution(
        self,
        targets: Sequence[str] | str,
        *,
        evidence: Mapping[str, Any] | None = None,
        interventions: Mapping[str, Intervention] | None = None,
    ) -> DiscreteDistribution:
        """``P(targets | evidence, do(interventions))`` by variable elimination.

        See :func:`causalscope.scm.inference.variable_elimination`.
        """
        return variable_elimination(self, targets, evidence=evidence, interventions=interventions)

    def marginal(self, variables: Sequence[str]) -> DiscreteDistribution:
        """The observational joint over ``variables`` (every other variable, latent
        or not, summed out)."""
        return variable_elimination(self, variables)

    def probability(
        self,
        query: str | Query | Mapping[str, Any],
        *,
        evidence: Mapping[str, Any] | None = None,
        interventions: Mapping[str, Intervention] | None = None,
    ) -> float:
        """A probability: query text ``"P(Y=y | X=x, do(Z=z))"``, a :class:`Query`, or
        targets ``{variable: state}`` with ``evidence`` / ``interventions``.

        Raises
        ------
        QueryError
            If the query is not a probability query or names unknown variables or states.
        ZeroProbabilityError
            If the evidence has probability zero.
        """
        if isinstance(query, (str, Query)):
            if evidence or interventions:
                raise InvalidParameterError("give evidence and interventions inside the query text, not as arguments")
            result = evaluate_query(self, query)
            if result.query.kind != "probability":
                raise QueryError(f"{result.query} is a {result.query.kind} query; use query() or distribution()")
            return float(result.value)  # type: ignore[arg-type]
        if not isinstance(query, Mapping) or not query:
            raise InvalidParameterError(f"query must be text, a Query or a non-empty {{variable: state}} mapping; got {query!r}")
        q = Query.build(dict(query), evidence=evidence, interventions=None)
        q.check(self._states)
        dist = self.distribution(list(query), evidence=evidence, interventions=interventions)
        return dist.probability({k: str(v) for k, v in query.items()})

    def expectation(
        self,
        target: str,
        *,
        evidence: Mapping[str, Any] | None = None,
        interventions: Mapping[str, Intervention] | None = None,
    ) -> float:
        """``E[target | evidence, do(interventions)]`` for a variable with numeric states."""
        return self.distribution([target], evidence=evidence, interventions=interventions).expectation(target)

    def query(self, query: str | Query) -> QueryResult:
        """Answer a query in the query language exactly.

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> bn = DiscreteBN(DAG(["X", "Y"], [("X", "Y")]), {"X": ["0", "1"], "Y": ["0", "1"]},
        ...                 {"X": [0.5, 0.5], "Y": [[0.9, 0.1], [0.3, 0.7]]})
        >>> bn.query("E[Y | do(X=1)]").value
        0.7
        >>> print("\\n".join(bn.query("P(Y | X=0)").lines()))
        P(Y=0 | X=0) = 0.900000
        P(Y=1 | X=0) = 0.100000
        """
        return evaluate_query(self, query)

    # ------------------------------------------------------------------ files
    @classmethod
    def from_bif(cls, network: BIFNetwork, *, atol: float = CPT_ATOL) -> DiscreteBN:
        """The network of the parts read from BIF (:mod:`causalscope.scm.bif_format`)."""
        return DiscreteBN(network.graph, network.states, network.cpts, name=network.name, atol=atol)

    @classmethod
    def read_bif(cls, path: str | PathLike[str]) -> DiscreteBN:
        """Read a BIF file (plain or gzip); see :func:`causalscope.scm.bif.read_bif`."""
        return DiscreteBN.from_bif(read_bif_network(path))

    def to_bif(self, path: str | PathLike[str] | None = None) -> str:
        """The network as BIF text; also written to ``path`` when given."""
        if path is not None:
            write_bif(self, path)
        return to_bif_string(self)


def _rebuild(graph: DAG, states: dict[str, tuple[str, ...]], cpts: dict[str, CPT], name: str) -> DiscreteBN:
    return DiscreteBN(graph, states, cpts, name=name)


def fit_bayesnet(
    graph: DAG,
    data: pd.DataFrame | Dataset,
    *,
    states: Mapping[str, Sequence[Any]] | None = None,
    prior: Prior = "none",
    equivalent_sample_size: float = 1.0,
) -> DiscreteBN:
    """Fit the CPTs of ``graph`` to data; see :meth:`DiscreteBN.fit`.

    Examples
    --------
    >>> from causalscope.graphs import DAG
    >>> df = pd.DataFrame({"A": ["0", "1", "1", "1"]})
    >>> fit_bayesnet(DAG(["A"]), df).cpts["A"].table.tolist()
    [0.25, 0.75]
    """
    return DiscreteBN.fit(graph, data, states=states, prior=prior, equivalent_sample_size=equivalent_sample_size)
