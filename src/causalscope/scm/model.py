"""Structural causal models: a DAG plus one mechanism per node.

An SCM (Pearl 2009, ch. 7) over variables ``X_1 .. X_p`` with causal DAG ``G``
gives each node a mechanism ``X_j := f_j(pa_j, U_j)`` with independent noises
``U_j``. It answers three rungs of causal questions:

* **observational**: :meth:`SCM.sample` draws from the joint distribution;
* **interventional**: :meth:`SCM.do` (hard, ``do(X = x)``: the arrows into
  ``X`` are cut) and :meth:`SCM.intervene` (soft: ``X`` becomes a function of
  its natural value, e.g. :func:`shift`; see :mod:`causalscope.scm.soft`) return a *new* model;
  :meth:`SCM.interventional_samples`, :meth:`SCM.expectation` and
  :meth:`SCM.ate` summarise it by Monte Carlo;
* **counterfactual**: :meth:`SCM.counterfactual` (exact, for invertible
  mechanisms), :meth:`SCM.counterfactual_samples` and
  :meth:`SCM.counterfactual_distribution` (sampled noise posteriors, for the
  Gumbel-max categorical mechanisms), see :mod:`causalscope.scm.counterfactual`.

:meth:`SCM.fit` learns the mechanisms from data. Where no mechanism is given it
chooses one per node by a documented rule (implemented in
:mod:`causalscope.scm.selection`; :class:`MechanismChoice` records the evidence):

* a **root** gets :class:`~causalscope.scm.EmpiricalRoot` (bootstrap of the
  observed values);
* a **continuous** node is regressed on its parents by ordinary least squares
  and by a flexible regressor (default ``HistGradientBoostingRegressor``); their
  ``cv``-fold cross-validated mean squared errors ``L_lin`` and ``L_flex`` are
  compared and the flexible :class:`~causalscope.scm.AdditiveNoise` is chosen
  only if ``(L_lin - L_flex) / L_lin >= margin``; otherwise
  :class:`~causalscope.scm.LinearGaussian`;
* a **categorical** node (discrete, binary or ordinal column) gets a
  :class:`~causalscope.scm.Classifier`: multinomial logistic regression, or the
  flexible classifier (default ``HistGradientBoostingClassifier``) if its
  cross-validated log-loss is lower by the same relative ``margin``.

Categorical nodes hold integer codes inside; every public method takes and
returns their labels.

References
----------
Pearl, J. (2009). *Causality*, 2nd ed., ch. 1 and 7. Cambridge University Press.

Peters, J., Janzing, D. and Schölkopf, B. (2017). *Elements of Causal
Inference*, ch. 6. MIT Press.

Blöbaum, P., Götz, P., Budhathoki, K., Mastakouri, A. A. and Janzing, D. (2024).
DoWhy-GCM: an extension of DoWhy for causal inference in graphical causal
models. *JMLR* 25(147).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Mapping
from typing import Any, Literal

import numpy as np
import pandas as pd

from ..data import Dataset
from ..exceptions import DataError, GraphError, InvalidParameterError
from ..graphs import DAG, MixedGraph
from ..graphs.separation import node_names
from ..utils import RandomState, check_random_state, get_logger, spawn_seeds
from .counterfactual import CounterfactualQueries
from .labels import decode_labels
from .mechanisms import Constant, LinearGaussian, MechanismNotFittedError, is_mechanism
from .selection import MechanismChoice, choose_mechanism, thread_limit
from .soft import Shift, SoftApply, SoftIntervened, shift

__all__ = ["SCM", "MechanismChoice", "Shift", "shift", "fit_scm"]

_log = get_logger(__name__)

NodeKind = Literal["continuous", "categorical"]


# ----------------------------------------------------------------------------- helpers
def _check_dag(graph: object) -> DAG:
    if not isinstance(graph, DAG):
        kind = type(graph).__name__
        raise GraphError(f"graph must be a DAG; got {kind}" if isinstance(graph, MixedGraph) else
                         f"graph must be a DAG; got {graph!r}")
    if graph.n_nodes == 0:
        raise GraphError("graph must have at least one node")
    return graph


# ----------------------------------------------------------------------------- the model
class SCM(CounterfactualQueries):
    """A structural causal model: a DAG and a mechanism per node.

    Parameters
    ----------
    graph:
        The causal DAG; its node names are the variable (column) names.
    mechanisms:
        Optional ``{node: mechanism}``. Nodes left out get a mechanism chosen by
        :meth:`fit`. If every node has a mechanism that is ready (fitted, or
        specified by its parameters such as ``LinearGaussian(coef=..., noise_std=...)``),
        the model can be used at once, without :meth:`fit`.
    margin:
        Relative reduction of the cross-validated loss a flexible mechanism needs
        over the linear one to be chosen (see the module notes).
    cv:
        Number of cross-validation folds of the automatic choice (at least 2).
    regressor, classifier:
        The flexible candidates of the automatic choice (default
        ``HistGradientBoostingRegressor(max_iter=50)`` /
        ``HistGradientBoostingClassifier(max_iter=50)``).
    n_threads:
        OpenMP threads the learners may use while this model fits, samples and
        computes counterfactuals (gradient boosting uses OpenMP). The default 1
        avoids the heavy slow-down of oversubscribed cores on small data;
        ``None`` leaves the libraries' default.

    Attributes
    ----------
    mechanisms_ : dict
        The fitted mechanism of every node.
    kinds_ : dict
        ``"continuous"`` or ``"categorical"`` per node.
    categories_ : dict
        The labels of each categorical node (code ``i`` is ``labels[i]``).
    mechanism_choices_ : dict
        :class:`MechanismChoice` per node.
    interventions_ : dict
        The interventions that produced this model from another (text), empty otherwise.

    Examples
    --------
    A specified linear-Gaussian model ``X -> Y`` with ``Y = 2 X + N``:

    >>> from causalscope.graphs import DAG
    >>> from causalscope.scm import GaussianRoot, LinearGaussian
    >>> g = DAG(edges=[("X", "Y")])
    >>> scm = SCM(g, {"X": GaussianRoot(0.0, 1.0),
    ...               "Y": LinearGaussian({"X": 2.0}, noise_std=1.0)})
    >>> round(scm.do({"X": 1.0}).expectation("Y", n=20000, random_state=0), 1)
    2.0
    >>> import pandas as pd
    >>> unit = pd.DataFrame({"X": [0.5], "Y": [1.7]})
    >>> scm.counterfactual(unit, {"X": 1.5})["Y"].round(6).tolist()
    [3.7]

    Fitted from data:

    >>> data = scm.sample(500, random_state=1)
    >>> fitted = SCM(g).fit(data, random_state=0)
    >>> fitted.mechanism_choices_["Y"].reason
    'linear'
    """

    def __init__(
        self,
        graph: DAG,
        mechanisms: Mapping[str, Any] | None = None,
        *,
        margin: float = 0.05,
        cv: int = 5,
        regressor: Any = None,
        classifier: Any = None,
        n_threads: int | None = 1,
    ) -> None:
        self.graph = graph
        self.mechanisms = mechanisms
        self.margin = margin
        self.cv = cv
        self.regressor = regressor
        self.classifier = classifier
        self.n_threads = n_threads
        dag = _check_dag(graph)
        given = self._check_mechanisms(dag, mechanisms, "mechanisms")
        if given and len(given) == dag.n_nodes and all(getattr(m, "is_fitted", True) for m in given.values()):
            mechs = {v: copy.deepcopy(given[v]) for v in dag.nodes}
            for v, m in mechs.items():
                if isinstance(m, LinearGaussian):
                    m._bind_parents(self.parents_of(v), v)
            kinds: dict[str, NodeKind] = {}
            cats: dict[str, tuple[Any, ...]] = {}
            for v, m in mechs.items():
                if m.output == "categorical":
                    if not isinstance(getattr(m, "n_categories_", None), (int, np.integer)):
                        raise InvalidParameterError(
                            f"mechanisms[{v!r}] is categorical but has no integer n_categories_"
                        )
                    kinds[v] = "categorical"
                    cats[v] = tuple(range(int(m.n_categories_)))
                else:
                    kinds[v] = "continuous"
            self._set_state(
                mechs, kinds, cats,
                {v: MechanismChoice(v, self._role(v, kinds[v]), repr(m), "given") for v, m in mechs.items()},
                {},
            )

    # -- structure ------------------------------------------------------------
    def parents_of(self, node: str) -> tuple[str, ...]:
        """The parents of ``node`` in the graph's node order (the column order mechanisms see)."""
        g = self.graph
        node_names(g, node, "node")
        return tuple(sorted(g.parents(node), key=g.index))

    @property
    def nodes(self) -> tuple[str, ...]:
        """The node names."""
        return tuple(self.graph.nodes)

    def _role(self, node: str, kind: str) -> str:
        return "root" if not self.graph.parents(node) else kind

    @staticmethod
    def _check_mechanisms(dag: DAG, mechanisms: object, name: str) -> dict[str, Any]:
        if mechanisms is None:
            return {}
        if not isinstance(mechanisms, Mapping):
            raise InvalidParameterError(f"{name} must be a dict {{node: mechanism}}; got {mechanisms!r}")
        out = {}
        node_names(dag, list(mechanisms), name)
        for v, m in mechanisms.items():
            if not is_mechanism(m):
                hint = ""
                if callable(getattr(m, "predict_proba", None)):
                    hint = f"; wrap a classifier as Classifier({m!r})"
                elif callable(getattr(m, "predict", None)):
                    hint = f"; wrap a regressor as AdditiveNoise({m!r})"
                raise InvalidParameterError(
                    f"{name}[{v!r}] must be a mechanism (with fit, sample and output, e.g. "
                    f"LinearGaussian, AdditiveNoise, Classifier); got {type(m).__name__}{hint}"
                )
            out[str(v)] = m
        return out

    def _set_state(self, mechs: dict[str, Any], kinds: dict[str, NodeKind],
                   cats: dict[str, tuple[Any, ...]], choices: dict[str, MechanismChoice],
                   interventions: dict[str, str]) -> None:
        self.mechanisms_ = mechs
        self.kinds_ = kinds
        self.categories_ = cats
        self.mechanism_choices_ = choices
        self.interventions_ = interventions

    def _check_ready(self) -> None:
        if not hasattr(self, "mechanisms_"):
            raise MechanismNotFittedError(
                "this SCM is not fitted: call fit(data), or give a ready mechanism for every node"
            )

    def _thread_limit(self, *, only_if_estimators: bool = False) -> Any:
        n = getattr(self, "n_threads", 1)
        if only_if_estimators:
            mechs = [getattr(m, "base", m) for m in getattr(self, "mechanisms_", {}).values()]
            if not any(getattr(m, "regressor_", None) is not None or getattr(m, "classifier_", None) is not None
                       for m in mechs):
                n = None
        return thread_limit(n)

    # -- fitting --------------------------------------------------------------
    def fit(
        self,
        data: pd.DataFrame | Dataset,
        *,
        mechanisms: Literal["auto"] | Mapping[str, Any] | None = None,
        random_state: RandomState = None,
    ) -> SCM:
        """Fit a mechanism for every node from data.

        Parameters
        ----------
        data:
            A DataFrame or :class:`~causalscope.data.Dataset` with a column per
            node (extra columns are ignored). Column kinds come from the
            Dataset, or are inferred by :meth:`Dataset.from_frame
            <causalscope.data.Dataset.from_frame>` (few integer levels, two
            values or text -> categorical).
        mechanisms:
            ``None`` (default): the constructor's mechanisms where given, the
            automatic choice elsewhere; a dict: these mechanisms (over the
            constructor's) and the automatic choice elsewhere; ``"auto"``: the
            automatic choice for every node.
        random_state:
            Seed for the cross-validation folds and the regressors.

        Returns
        -------
        SCM
            ``self``, fitted.

        Raises
        ------
        DataError
            If a graph node has no column, or the data has missing values.
        InvalidParameterError
            For a mechanism that is not one, a continuous mechanism on a
            categorical node or the reverse (naming the node), or bad ``margin``/``cv``.
        """
        dag = _check_dag(self.graph)
        margin = float(self.margin)
        if not (0.0 <= margin < 1.0):
            raise InvalidParameterError(f"margin must be in [0, 1); got {self.margin!r}")
        if isinstance(self.cv, bool) or not isinstance(self.cv, (int, np.integer)) or self.cv < 2:
            raise InvalidParameterError(f"cv must be an integer >= 2; got {self.cv!r}")
        explicit = self._check_mechanisms(dag, self.mechanisms, "mechanisms")
        if isinstance(mechanisms, str):
            if mechanisms != "auto":
                raise InvalidParameterError(f"mechanisms must be 'auto', a dict or None; got {mechanisms!r}")
            explicit = {}
        elif mechanisms is not None:
            explicit = {**explicit, **self._check_mechanisms(dag, mechanisms, "mechanisms")}
        values, kinds, cats = self._read_data(data)
        with self._thread_limit():
            self._fit_nodes(dag, explicit, values, kinds, cats, check_random_state(random_state))
        return self

    def _fit_nodes(self, dag: DAG, explicit: dict[str, Any], values: np.ndarray, kinds: dict[str, NodeKind],
                   cats: dict[str, tuple[Any, ...]], rng: np.random.Generator) -> None:
        seeds = [s % (2**31 - 1) for s in spawn_seeds(rng, dag.n_nodes)]  # sklearn needs < 2**32
        col = {v: i for i, v in enumerate(dag.nodes)}
        mechs: dict[str, Any] = {}
        choices: dict[str, MechanismChoice] = {}
        for v in dag.nodes:
            pa = [col[p] for p in self.parents_of(v)]
            x, y = values[:, pa], values[:, col[v]]
            seed = seeds[col[v]]
            if v in explicit:
                m = copy.deepcopy(explicit[v])
                self._check_output(v, m, kinds[v])
                if isinstance(m, LinearGaussian):
                    m._bind_parents(self.parents_of(v), v)
                choice = MechanismChoice(v, self._role(v, kinds[v]), repr(m), "given")
            else:
                m, choice = choose_mechanism(
                    v, x, y, kinds[v], margin=float(self.margin), cv=int(self.cv),
                    regressor=self.regressor, classifier=self.classifier, random_state=seed,
                )
            mechs[v] = m.fit(x, y, random_state=seed)
            choices[v] = choice
            _log.debug("fitted %s for node %s (%s)", type(m).__name__, v, choice.reason)
        self._set_state(mechs, kinds, cats, choices, {})

    @staticmethod
    def _check_output(node: str, mech: Any, kind: NodeKind) -> None:
        out = mech.output
        if out != "any" and out != kind:
            raise InvalidParameterError(
                f"node {node!r} is {kind} but its mechanism {type(mech).__name__} models a "
                f"{out} variable; give a {'Classifier' if kind == 'categorical' else 'continuous mechanism'}"
            )

    def _read_data(self, data: object) -> tuple[np.ndarray, dict[str, NodeKind], dict[str, tuple[Any, ...]]]:
        nodes = list(self.graph.nodes)
        if isinstance(data, pd.DataFrame):
            cols = {str(c) for c in data.columns}
            missing = [v for v in nodes if v not in cols]
            if missing:
                raise DataError(f"data has no column for graph node(s) {missing}; columns are {list(map(str, data.columns))}")
            frame = data.rename(columns=str)[nodes]
            ds = Dataset.from_frame(frame)
        elif isinstance(data, Dataset):
            missing = [v for v in nodes if v not in data.variables]
            if missing:
                raise DataError(f"data has no column for graph node(s) {missing}; variables are {list(data.variables)}")
            ds = data
        else:
            raise InvalidParameterError(f"data must be a pandas DataFrame or a Dataset; got {type(data).__name__}")
        values = np.column_stack([np.asarray(ds.column(v), dtype=np.float64) for v in nodes])
        if np.isnan(values).any():
            bad = [v for i, v in enumerate(nodes) if np.isnan(values[:, i]).any()]
            raise DataError(f"data has missing values in {bad}; an SCM is fitted on complete rows")
        kinds: dict[str, NodeKind] = {}
        cats: dict[str, tuple[Any, ...]] = {}
        all_cats = ds.categories
        for v in nodes:
            if ds.is_discrete(v):
                kinds[v] = "categorical"
                cats[v] = tuple(all_cats[v])
            else:
                kinds[v] = "continuous"
        return values, kinds, cats

    # -- sampling -------------------------------------------------------------
    def _columns(self) -> tuple[list[str], dict[str, list[int]], list[str]]:
        nodes = list(self.graph.nodes)
        col = {v: i for i, v in enumerate(nodes)}
        parents = {v: [col[p] for p in self.parents_of(v)] for v in nodes}
        return nodes, parents, list(self.graph.topological_order())

    def _sample_codes(self, n: int, random_state: RandomState) -> np.ndarray:
        self._check_ready()
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise InvalidParameterError(f"n must be a positive integer; got {n!r}")
        nodes, parents, order = self._columns()
        seeds = spawn_seeds(check_random_state(random_state), len(nodes))
        col = {v: i for i, v in enumerate(nodes)}
        out = np.empty((int(n), len(nodes)))
        with self._thread_limit(only_if_estimators=True):
            for v in order:
                j = col[v]
                out[:, j] = self.mechanisms_[v].sample(out[:, parents[v]], np.random.default_rng(seeds[j]))
        return out

    def _frame(self, codes: np.ndarray, index: Any = None) -> pd.DataFrame:
        nodes = list(self.graph.nodes)
        data = {}
        for j, v in enumerate(nodes):
            data[v] = decode_labels(codes[:, j], self.categories_[v]) if v in self.categories_ else codes[:, j]
        return pd.DataFrame(data, index=index)

    def sample(self, n: int, *, random_state: RandomState = None) -> pd.DataFrame:
        """Draw ``n`` rows from the model's (observational) distribution.

        Each node gets its own random stream, derived from ``random_state`` by
        its position in the graph, so models that differ only by interventions
        share their noise draws (common random numbers).

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> from causalscope.scm import GaussianRoot, LinearGaussian
        >>> scm = SCM(DAG(edges=[("A", "B")]), {"A": GaussianRoot(0.0, 1.0),
        ...                                     "B": LinearGaussian([1.0], noise_std=0.1)})
        >>> scm.sample(3, random_state=0).shape
        (3, 2)
        """
        return self._frame(self._sample_codes(n, random_state))

    # -- interventions --------------------------------------------------------
    def _actions(self, interventions: object, *, allow_soft: bool = True) -> dict[str, tuple[str, Any]]:
        """Validate ``{node: value | callable}`` into internal actions (codes)."""
        self._check_ready()
        if not isinstance(interventions, Mapping) or not interventions:
            raise InvalidParameterError(
                f"interventions must be a non-empty dict {{node: value or function}}; got {interventions!r}"
            )
        out: dict[str, tuple[str, Any]] = {}
        node_names(self.graph, list(interventions), "interventions")
        for v, val in interventions.items():
            labels = self.categories_.get(v)
            if callable(val):
                if not allow_soft:
                    raise InvalidParameterError(
                        f"do() takes values; got a function for node {v!r}; use intervene() for soft interventions"
                    )
                out[v] = ("soft", self._soft_apply(v, val, labels))
            elif labels is not None:
                if val not in labels:
                    raise InvalidParameterError(
                        f"intervention value for categorical node {v!r} must be one of {list(labels)}; got {val!r}"
                    )
                out[v] = ("hard", float(labels.index(val)))
            else:
                if isinstance(val, bool) or not isinstance(val, (int, float, np.integer, np.floating)) \
                        or not math.isfinite(float(val)):
                    raise InvalidParameterError(
                        f"intervention value for continuous node {v!r} must be a finite number; got {val!r}"
                    )
                out[v] = ("hard", float(val))
        return out

    @staticmethod
    def _soft_apply(node: str, fn: Callable[[Any], Any], labels: tuple[Any, ...] | None) -> Callable[[np.ndarray], np.ndarray]:
        return SoftApply(node, fn, labels)

    @staticmethod
    def _text(node: str, val: object) -> str:
        return f"do({node} = {val!r})" if not callable(val) else f"{node} := {val}(natural {node})"

    def intervene(self, interventions: Mapping[str, Any]) -> SCM:
        """A new model under hard and/or soft interventions.

        Parameters
        ----------
        interventions:
            ``{node: value}`` for ``do(node = value)`` (the arrows into the node
            are removed and its mechanism becomes a constant), or
            ``{node: function}`` for a soft intervention: the node keeps its
            mechanism and parents, and its value becomes ``function(natural
            value)``, vectorised (labels for a categorical node); e.g.
            :func:`shift`. Soft interventions of several nodes apply to each
            node's natural value given its (possibly intervened) parents.

        Returns
        -------
        SCM
            A new model; this one is unchanged.

        Raises
        ------
        GraphError
            For an unknown node.
        InvalidParameterError
            For a value that the node cannot take.

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> from causalscope.scm import GaussianRoot, LinearGaussian
        >>> scm = SCM(DAG(edges=[("X", "Y")]), {"X": GaussianRoot(0.0, 1.0),
        ...                                     "Y": LinearGaussian([3.0], noise_std=1.0)})
        >>> round(scm.intervene({"X": shift(1.0)}).expectation("Y", n=20000, random_state=0), 1)
        3.0
        """
        actions = self._actions(interventions)
        graph = self.graph
        mechs = dict(self.mechanisms_)
        for v, (kind, val) in actions.items():
            if kind == "hard":
                graph = graph.remove_edges([(p, v) for p in self.parents_of(v)])
                mechs[v] = Constant(val)
            else:
                mechs[v] = SoftIntervened(mechs[v], val, self._text(v, interventions[v]))
        new = SCM.__new__(SCM)
        new.graph = graph
        new.mechanisms = None
        new.margin, new.cv, new.regressor, new.classifier = self.margin, self.cv, self.regressor, self.classifier
        new.n_threads = getattr(self, "n_threads", 1)
        texts = {**self.interventions_, **{v: self._text(v, interventions[v]) for v in actions}}
        new._set_state(mechs, dict(self.kinds_), dict(self.categories_), dict(self.mechanism_choices_), texts)
        return new

    def do(self, interventions: Mapping[str, Any]) -> SCM:
        """A new model under the hard intervention ``do(X = x, ...)`` (graph surgery).

        See :meth:`intervene` (which also takes soft interventions).

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> from causalscope.scm import GaussianRoot, LinearGaussian
        >>> scm = SCM(DAG(edges=[("X", "Y")]), {"X": GaussianRoot(0.0, 1.0),
        ...                                     "Y": LinearGaussian([1.0], noise_std=1.0)})
        >>> mutilated = scm.do({"X": 2.0})
        >>> mutilated.parents_of("Y"), mutilated.interventions_
        (('X',), {'X': 'do(X = 2.0)'})
        >>> set(mutilated.sample(5, random_state=0)["X"])
        {2.0}
        """
        self._actions(interventions, allow_soft=False)
        return self.intervene(interventions)

    def interventional_samples(
        self, interventions: Mapping[str, Any], n: int, *, random_state: RandomState = None
    ) -> pd.DataFrame:
        """``n`` rows from the distribution under ``interventions`` (hard or soft)."""
        return self.intervene(interventions).sample(n, random_state=random_state)

    def expectation(
        self,
        target: str,
        interventions: Mapping[str, Any] | None = None,
        *,
        n: int = 10_000,
        random_state: RandomState = None,
    ) -> float:
        """Monte Carlo estimate of ``E[target]`` (under ``interventions`` if given).

        A categorical target needs numeric labels (its mean is the mean label).
        """
        self._check_ready()
        node_names(self.graph, target, "target")
        model = self.intervene(interventions) if interventions else self
        values = model.sample(n, random_state=random_state)[target]
        if not pd.api.types.is_numeric_dtype(values):
            raise InvalidParameterError(
                f"E[{target}] needs numeric values; {target!r} has labels {list(self.categories_.get(target, ()))}"
            )
        return float(values.astype(np.float64).mean())

    def ate(
        self,
        treatment: str,
        outcome: str,
        treatment_value: Any = 1,
        control_value: Any = 0,
        *,
        n: int = 10_000,
        random_state: RandomState = None,
    ) -> float:
        """Average treatment effect ``E[Y | do(T = t)] - E[Y | do(T = c)]`` by Monte Carlo.

        Both arms use the same seed and per-node random streams (common random
        numbers), which removes most of the Monte Carlo noise of the difference.

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> from causalscope.scm import GaussianRoot, LinearGaussian
        >>> scm = SCM(DAG(edges=["Z --> X", "Z --> Y", "X --> Y"]),
        ...           {"Z": GaussianRoot(0.0, 1.0), "X": LinearGaussian({"Z": 1.0}, noise_std=1.0),
        ...            "Y": LinearGaussian({"X": 0.5, "Z": 2.0}, noise_std=1.0)})
        >>> round(scm.ate("X", "Y", 1.0, 0.0, n=1000, random_state=0), 6)
        0.5
        """
        self._check_ready()
        seed = int(check_random_state(random_state).integers(2**63 - 1))
        t = self.expectation(outcome, {treatment: treatment_value}, n=n, random_state=seed)
        c = self.expectation(outcome, {treatment: control_value}, n=n, random_state=seed)
        return t - c

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly summary: graph, and per node its parents, kind, mechanism and choice.

        Examples
        --------
        >>> from causalscope.graphs import DAG
        >>> from causalscope.scm import GaussianRoot, LinearGaussian
        >>> scm = SCM(DAG(edges=[("X", "Y")]), {"X": GaussianRoot(0.0, 1.0),
        ...                                     "Y": LinearGaussian([2.0], noise_std=1.0)})
        >>> scm.to_dict()["nodes"]["Y"]["mechanism"]
        'LinearGaussian(coef=[2], intercept=0, noise_std=1)'
        """
        self._check_ready()
        nodes = {}
        for v in self.graph.nodes:
            nodes[v] = {
                "parents": list(self.parents_of(v)),
                "kind": self.kinds_[v],
                "categories": [c.item() if isinstance(c, np.generic) else c for c in self.categories_[v]]
                if v in self.categories_ else None,
                "mechanism": repr(self.mechanisms_[v]),
                "choice": self.mechanism_choices_[v].to_dict(),
            }
        return {"graph": str(self.graph), "nodes": nodes, "interventions": dict(self.interventions_)}

    def __repr__(self) -> str:
        state = "fitted" if hasattr(self, "mechanisms_") else "not fitted"
        return f"SCM({self.graph!s}, {state})"


def fit_scm(
    graph: DAG,
    data: pd.DataFrame | Dataset,
    *,
    mechanisms: Mapping[str, Any] | None = None,
    margin: float = 0.05,
    cv: int = 5,
    regressor: Any = None,
    classifier: Any = None,
    n_threads: int | None = 1,
    random_state: RandomState = None,
) -> SCM:
    """Fit an :class:`SCM` on ``graph`` from ``data`` (automatic choice where no mechanism is given).

    The keyword arguments are those of :class:`SCM` and :meth:`SCM.fit`.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from causalscope.graphs import DAG
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=300)
    >>> data = pd.DataFrame({"X": x, "Y": 2 * x + rng.normal(size=300)})
    >>> scm = fit_scm(DAG(edges=[("X", "Y")]), data, random_state=0)
    >>> round(float(scm.mechanisms_["Y"].coef_[0]), 1)
    2.0
    """
    return SCM(graph, mechanisms, margin=margin, cv=cv, regressor=regressor, classifier=classifier,
               n_threads=n_threads).fit(
        data, random_state=random_state
    )
