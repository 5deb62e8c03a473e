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
from typing import Any

import numpy as np

from .mechanisms import NonInvertibleMechanismError

__all__ = ["CounterfactualDistribution", "counterfactual_values"]

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
        from ..exceptions import InvalidParameterError

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
