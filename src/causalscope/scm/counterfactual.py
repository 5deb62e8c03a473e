"""Unit-level counterfactuals by abduction, action and prediction.

"For this unit, what would ``Y`` have been had ``X`` been ``x``?" Pearl's
three steps (2009, ch. 7) answer it in a structural causal model:

1. **Abduction**: recover the noise of each node from the unit's observed
   values. An :class:`~causalscope.scm.InvertibleMechanism` gives it exactly
   (``abduct``); a categorical Gumbel-max mechanism gives a posterior over its
   noise, which is sampled (Oberst and Sontag 2019).
2. **Action**: replace the mechanisms of the intervened nodes (a constant for
   ``do(X = x)``, a function of the natural value for a soft intervention).
3. **Prediction**: recompute the nodes in topological order with the abducted
   noise.

Only descendants of the intervened nodes can change: every other node keeps its
observed value exactly, whatever its mechanism. So only those descendants whose
parents change need their noise, and only their mechanisms must be invertible
(or, for the sampled version, have a noise posterior). Observed units must give
a value for every node of the graph: with every variable observed the noise
posterior factorises over the nodes, which is what makes the node-by-node
abduction exact.

References
----------
Pearl, J. (2009). *Causality*, 2nd ed., sec. 7.1. Cambridge University Press.

Oberst, M. and Sontag, D. (2019). Counterfactual off-policy evaluation with
Gumbel-max structural causal models. *ICML*.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, InvalidParameterError
from ..graphs.separation import node_names
from ..utils import RandomState, check_random_state
from .labels import encode_labels
from .mechanisms import NonInvertibleMechanismError

if TYPE_CHECKING:
    from ..graphs import DAG

__all__ = ["CounterfactualDistribution", "CounterfactualQueries", "counterfactual_values"]

# Per-node action: ("hard", code or value) or ("soft", function of the natural values).
Action = tuple[str, Any]


@dataclass(frozen=True)
class CounterfactualDistribution:
    """The distribution of a categorical node in the counterfactual world of one unit.

    Attributes
    ----------
    target:
        The node.
    interventions:
        The interventions, written as text (``{"X": "do(X = 1)"}``).
    labels:
        The categories of ``target``.
    probabilities:
        Estimated probability of each category (Monte Carlo frequencies).
    n_draws:
        Number of posterior noise draws behind the estimate.
    factual:
        The unit's observed value of ``target``.
    """

    target: str
    interventions: Mapping[str, str]
    labels: tuple[Any, ...]
    probabilities: tuple[float, ...]
    n_draws: int
    factual: Any = None
    standard_errors: tuple[float, ...] = field(default=())

    def probability(self, label: Any) -> float:
        """The estimated probability of ``label``."""
        for lab, p in zip(self.labels, self.probabilities):
            if lab == label:
                return p
        raise InvalidParameterError(
            f"{label!r} is not a category of {self.target!r}; expected one of {list(self.labels)}"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly dict."""
        return {
            "target": self.target,
            "interventions": dict(self.interventions),
            "labels": list(self.labels),
            "probabilities": list(self.probabilities),
            "standard_errors": list(self.standard_errors),
            "n_draws": self.n_draws,
            "factual": self.factual,
        }


def _mechanism_kind(mech: object) -> tuple[bool, bool]:
    invertible = callable(getattr(mech, "abduct", None)) and callable(getattr(mech, "generate", None))
    posterior = callable(getattr(mech, "sample_posterior_noise", None)) and callable(
        getattr(mech, "generate", None)
    )
    return invertible, posterior


def counterfactual_values(
    nodes: Sequence[str],
    order: Sequence[str],
    parents: Mapping[str, Sequence[int]],
    descendants: frozenset[str],
    mechanisms: Mapping[str, object],
    factual: np.ndarray,
    actions: Mapping[str, Action],
    rng: np.random.Generator | None,
) -> np.ndarray:
    """Counterfactual values (internal codes) of every node for every factual row.

    Parameters
    ----------
    nodes:
        Node names, in column order of ``factual``.
    order:
        A topological order of the nodes.
    parents:
        Column indices of each node's parents.
    descendants:
        The intervened nodes and all their descendants (the only nodes that can change).
    mechanisms:
        The mechanism of every node.
    factual:
        Array ``(m, p)`` of observed values (categorical nodes as codes).
    actions:
        ``{node: ("hard", value)}`` or ``{node: ("soft", f)}`` with ``f`` mapping the
        natural counterfactual values of the node to the intervened ones.
    rng:
        ``None`` for deterministic abduction (every mechanism that must be abducted
        has to be invertible); a generator to sample noise posteriors
        (Gumbel-max mechanisms).

    Returns
    -------
    numpy.ndarray
        Array ``(m, p)`` of counterfactual values.

    Raises
    ------
    NonInvertibleMechanismError
        Naming the first node (in topological order) whose noise is needed but
        whose mechanism cannot provide it.
    """
    col = {v: i for i, v in enumerate(nodes)}
    needs_noise: list[str] = []
    for v in order:
        if v not in descendants:
            continue
        act = actions.get(v)
        if act is not None and act[0] == "hard":
            continue
        if any(nodes[j] in descendants for j in parents[v]):
            needs_noise.append(v)
    for v in needs_noise:
        invertible, posterior = _mechanism_kind(mechanisms[v])
        name = type(mechanisms[v]).__name__
        if rng is None and not invertible:
            extra = (
                "; its noise has a posterior, so use counterfactual_samples or "
                "counterfactual_distribution, which sample it"
                if posterior
                else ""
            )
            raise NonInvertibleMechanismError(
                f"node {v!r} is downstream of the intervention and its mechanism {name} is not "
                f"invertible, so its noise cannot be recovered from the observed unit{extra}",
                node=v,
            )
        if rng is not None and not (invertible or posterior):
            raise NonInvertibleMechanismError(
                f"node {v!r} is downstream of the intervention and its mechanism {name} neither "
                "inverts (abduct) nor gives a noise posterior (sample_posterior_noise); give it an "
                "invertible mechanism such as AdditiveNoise or LinearGaussian",
                node=v,
            )
    noisy = set(needs_noise)
    cf = factual.copy()
    for v in order:
        if v not in descendants:
            continue
        j = col[v]
        act = actions.get(v)
        if act is not None and act[0] == "hard":
            cf[:, j] = act[1]
            continue
        if v in noisy:
            mech: Any = mechanisms[v]
            pa = list(parents[v])
            if callable(getattr(mech, "abduct", None)):
                noise = mech.abduct(factual[:, pa], factual[:, j])
            else:
                noise = mech.sample_posterior_noise(factual[:, pa], factual[:, j], rng)
            natural = np.asarray(mech.generate(cf[:, pa], noise), dtype=np.float64)
        else:
            natural = factual[:, j]
        if act is not None:
            fn: Callable[[np.ndarray], np.ndarray] = act[1]
            natural = fn(natural)
        cf[:, j] = natural
    return cf


class CounterfactualQueries:
    """The counterfactual rung of :class:`~causalscope.scm.SCM`, which inherits these methods.

    They use the model's graph, fitted mechanisms and categories and its helpers
    for interventions and output frames (declared below for type checkers).
    """

    if TYPE_CHECKING:
        graph: DAG
        mechanisms_: dict[str, Any]
        categories_: dict[str, tuple[Any, ...]]

        def _check_ready(self) -> None: ...

        def _actions(self, interventions: object, *, allow_soft: bool = True) -> dict[str, tuple[str, Any]]: ...

        def _columns(self) -> tuple[list[str], dict[str, list[int]], list[str]]: ...

        def _thread_limit(self, *, only_if_estimators: bool = False) -> Any: ...

        def _frame(self, codes: np.ndarray, index: Any = None) -> pd.DataFrame: ...

        @staticmethod
        def _text(node: str, val: object) -> str: ...

    def _factual(self, observed: object) -> tuple[np.ndarray, Any]:
        self._check_ready()
        if isinstance(observed, pd.Series):
            observed = observed.to_frame().T
        elif isinstance(observed, Mapping):
            observed = pd.DataFrame([dict(observed)])
        if not isinstance(observed, pd.DataFrame):
            raise InvalidParameterError(
                f"observed must be a DataFrame (one row per unit), a Series or a dict; got {type(observed).__name__}"
            )
        nodes = list(self.graph.nodes)
        missing = [v for v in nodes if v not in observed.columns]
        if missing:
            raise DataError(
                f"observed units need a value for every graph node; missing column(s) {missing}"
            )
        if len(observed) == 0:
            raise DataError("observed has no rows")
        out = np.empty((len(observed), len(nodes)))
        for j, v in enumerate(nodes):
            col = observed[v]
            if col.isna().any():
                raise DataError(f"observed column {v!r} has missing values")
            if v in self.categories_:
                out[:, j] = encode_labels(col.to_numpy(), self.categories_[v], f"observed column {v!r}")
            else:
                try:
                    out[:, j] = col.to_numpy(dtype=np.float64)
                except (TypeError, ValueError) as exc:
                    raise DataError(f"observed column {v!r} must be numeric; got {col.dtype}") from exc
                if not np.isfinite(out[:, j]).all():
                    raise DataError(f"observed column {v!r} has non-finite values")
        return out, observed.index

    def _cf(self, factual: np.ndarray, interventions: Mapping[str, Any], rng: np.random.Generator | None) -> np.ndarray:
        actions = self._actions(interventions)
        nodes, parents, order = self._columns()
        desc = self.graph.descendants(list(actions), include_self=True)
        with self._thread_limit(only_if_estimators=True):
            return counterfactual_values(nodes, order, parents, desc, self.mechanisms_, factual, actions, rng)

    def counterfactual(self, observed: pd.DataFrame, interventions: Mapping[str, Any]) -> pd.DataFrame:
        """Unit-level counterfactuals by abduction, action and prediction (exact).

        For every observed row: recover the noise of the nodes downstream of the
        intervention, apply ``interventions`` (hard values or soft functions, as
        in :meth:`intervene`), and recompute. Nodes not downstream of an
        intervened node keep their observed values exactly.

        Parameters
        ----------
        observed:
            Rows of observed units with a value for every node (DataFrame, or a
            Series / dict for one unit).
        interventions:
            ``{node: value | function}``.

        Returns
        -------
        pandas.DataFrame
            The counterfactual values, one row per unit (same index).

        Raises
        ------
        NonInvertibleMechanismError
            If a node downstream of the intervention has a mechanism that cannot
            be inverted (its ``node`` attribute names it); for Gumbel-max
            categorical mechanisms use :meth:`counterfactual_samples` or
            :meth:`counterfactual_distribution`.
        DataError
            For a missing column or an unknown category.

        References
        ----------
        Pearl, J. (2009). *Causality*, 2nd ed., sec. 7.1.

        Examples
        --------
        >>> import pandas as pd
        >>> from causalscope.graphs import DAG
        >>> from causalscope.scm import SCM, GaussianRoot, LinearGaussian
        >>> scm = SCM(DAG(edges=[("X", "M"), ("M", "Y"), ("X", "Y")]),
        ...           {"X": GaussianRoot(0.0, 1.0), "M": LinearGaussian({"X": 2.0}, noise_std=1.0),
        ...            "Y": LinearGaussian({"X": 1.0, "M": 0.5}, noise_std=1.0)})
        >>> unit = pd.DataFrame({"X": [1.0], "M": [2.5], "Y": [3.0]})
        >>> scm.counterfactual(unit, {"X": 2.0}).round(6).values.tolist()
        [[2.0, 4.5, 5.0]]
        """
        factual, index = self._factual(observed)
        return self._frame(self._cf(factual, interventions, None), index=index)

    def counterfactual_samples(
        self,
        observed: pd.DataFrame,
        interventions: Mapping[str, Any],
        *,
        n_draws: int = 1000,
        random_state: RandomState = None,
    ) -> pd.DataFrame:
        """Draws from each unit's counterfactual distribution.

        Like :meth:`counterfactual`, but the noise of a node whose mechanism has
        a posterior instead of an inverse (a Gumbel-max categorical mechanism) is
        sampled from that posterior given the unit, ``n_draws`` times
        (Oberst and Sontag 2019). Invertible nodes give the same value in every draw.

        Returns
        -------
        pandas.DataFrame
            ``len(observed) * n_draws`` rows indexed by ``(unit, draw)``.

        Examples
        --------
        >>> import numpy as np
        >>> from causalscope.graphs import DAG
        >>> from causalscope.scm import SCM, CategoricalFunction, CategoricalRoot
        >>> def p_y(pa):
        ...     return np.where(pa[:, :1] == 1, [[0.5, 0.5]], [[0.9, 0.1]])
        >>> scm = SCM(DAG(edges=[("X", "Y")]),
        ...           {"X": CategoricalRoot([0.5, 0.5]), "Y": CategoricalFunction(p_y, 2)})
        >>> draws = scm.counterfactual_samples({"X": 0, "Y": 0}, {"X": 1}, n_draws=4, random_state=0)
        >>> draws.shape, draws.index.names
        ((4, 2), FrozenList(['unit', 'draw']))
        """
        if isinstance(n_draws, bool) or not isinstance(n_draws, (int, np.integer)) or n_draws < 1:
            raise InvalidParameterError(f"n_draws must be a positive integer; got {n_draws!r}")
        factual, index = self._factual(observed)
        rep = np.repeat(factual, int(n_draws), axis=0)
        cf = self._cf(rep, interventions, check_random_state(random_state))
        mi = pd.MultiIndex.from_product([list(index), range(int(n_draws))], names=["unit", "draw"])
        return self._frame(cf, index=mi)

    def counterfactual_distribution(
        self,
        unit: pd.DataFrame | pd.Series | Mapping[str, Any],
        interventions: Mapping[str, Any],
        target: str,
        *,
        n_draws: int = 10_000,
        random_state: RandomState = None,
    ) -> CounterfactualDistribution:
        """Estimated counterfactual distribution of a categorical ``target`` for one unit.

        Monte Carlo over ``n_draws`` posterior draws of the Gumbel noise (see
        :meth:`counterfactual_samples`); the standard error of each probability
        is ``sqrt(p (1 - p) / n_draws)``.

        Examples
        --------
        >>> import numpy as np
        >>> from causalscope.graphs import DAG
        >>> from causalscope.scm import SCM, CategoricalFunction, CategoricalRoot
        >>> def p_y(pa):
        ...     return np.where(pa[:, :1] == 1, [[0.1, 0.9]], [[0.6, 0.4]])
        >>> scm = SCM(DAG(edges=[("X", "Y")]),
        ...           {"X": CategoricalRoot([0.5, 0.5]), "Y": CategoricalFunction(p_y, 2)})
        >>> d = scm.counterfactual_distribution({"X": 0, "Y": 1}, {"X": 1}, "Y", random_state=0)
        >>> d.probability(1)  # counterfactual stability: Y=1 became more likely, so it stays
        1.0
        """
        node_names(self.graph, target, "target")
        self._check_ready()
        if target not in self.categories_:
            raise InvalidParameterError(
                f"counterfactual_distribution needs a categorical target; {target!r} is continuous "
                "(use counterfactual or counterfactual_samples)"
            )
        factual, _ = self._factual(unit)
        if factual.shape[0] != 1:
            raise InvalidParameterError(f"unit must be one row; got {factual.shape[0]}")
        if isinstance(n_draws, bool) or not isinstance(n_draws, (int, np.integer)) or n_draws < 1:
            raise InvalidParameterError(f"n_draws must be a positive integer; got {n_draws!r}")
        rep = np.repeat(factual, int(n_draws), axis=0)
        cf = self._cf(rep, interventions, check_random_state(random_state))
        j = list(self.graph.nodes).index(target)
        labels = self.categories_[target]
        freq = np.bincount(np.rint(cf[:, j]).astype(np.int64), minlength=len(labels)) / int(n_draws)
        se = np.sqrt(freq * (1 - freq) / int(n_draws))
        texts = {v: self._text(v, val) for v, val in interventions.items()}
        factual_label = labels[int(factual[0, j])]
        return CounterfactualDistribution(
            target=target,
            interventions=texts,
            labels=tuple(labels),
            probabilities=tuple(float(p) for p in freq),
            n_draws=int(n_draws),
            factual=factual_label.item() if isinstance(factual_label, np.generic) else factual_label,
            standard_errors=tuple(float(s) for s in se),
        )
