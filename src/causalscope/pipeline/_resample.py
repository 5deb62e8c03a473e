"""Private helpers shared by the uncertainty and tuning modules.

An algorithm *specification* (:class:`AlgorithmSpec`) is a picklable recipe
that builds a fresh, unfitted discovery estimator with given hyperparameters,
so replicates can run in worker processes. Row resampling keeps the type of the
data (a :class:`pandas.DataFrame` stays a frame, a
:class:`~causalscope.data.Dataset` stays a dataset with its categories, domain
and time columns).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..contract import parameter_names
from ..data import Dataset
from ..discovery import DISCOVERY_ALGORITHMS
from ..exceptions import InvalidParameterError
from ..graphs import MixedGraph

__all__ = ["AlgorithmSpec", "resolve_algorithm", "n_rows", "take_rows", "check_data"]

# Parameters of the estimators that the resampling code sets itself.
_MANAGED = ("random_state", "progress")


@dataclass(frozen=True)
class AlgorithmSpec:
    """A picklable recipe for a fresh discovery estimator.

    ``params`` are the constructor arguments; ``build(overrides, seed)`` merges
    overrides (grid values) and, when the estimator takes ``random_state``, the
    replicate's seed.
    """

    cls: type
    name: str
    params: Mapping[str, Any] = field(default_factory=dict)

    @property
    def parameters(self) -> tuple[str, ...]:
        return parameter_names(self.cls)

    @property
    def takes_random_state(self) -> bool:
        return "random_state" in self.parameters

    def route(self, key: str) -> str:
        """Where grid parameter ``key`` goes: ``"init"`` or ``"score_params"``.

        Raises
        ------
        InvalidParameterError
            If the algorithm takes no such parameter (the message lists them).
        """
        params = self.parameters
        if key in params and key not in _MANAGED:
            return "init"
        if "score_params" in params and key in _SCORE_PARAMETERS:
            return "score_params"
        options = [p for p in params if p not in _MANAGED]
        if "score_params" in params:
            options += [f"{k} (score parameter)" for k in sorted(_SCORE_PARAMETERS)]
        raise InvalidParameterError(
            f"grid parameter {key!r} is not a parameter of the discovery algorithm {self.name!r}; "
            f"expected one of {options}"
        )

    def build(self, overrides: Mapping[str, Any] | None = None, seed: int | None = None) -> Any:
        kwargs = dict(self.params)
        score_params = dict(kwargs.get("score_params") or {})
        for key, value in (overrides or {}).items():
            if self.route(key) == "init":
                kwargs[key] = value
            else:
                score_params[key] = value
        if score_params:
            kwargs["score_params"] = score_params
        if seed is not None and self.takes_random_state and kwargs.get("random_state") is None:
            kwargs["random_state"] = seed
        return self.cls(**kwargs)


# Score hyperparameters a grid may name for algorithms that take ``score_params``.
_SCORE_PARAMETERS = frozenset({"penalty_discount", "ess", "alpha_mu", "alpha_w"})


def resolve_algorithm(algorithm: object, params: Mapping[str, Any]) -> AlgorithmSpec:
    """Turn a registry name or an (unfitted or fitted) estimator into an :class:`AlgorithmSpec`.

    Raises
    ------
    InvalidParameterError
        For an unknown name, an object that is not a discovery estimator, or a
        keyword the algorithm does not take.
    """
    if isinstance(algorithm, str):
        if algorithm not in DISCOVERY_ALGORITHMS:
            raise InvalidParameterError(
                f"unknown discovery algorithm {algorithm!r}; expected one of {sorted(DISCOVERY_ALGORITHMS)}"
            )
        cls: type = DISCOVERY_ALGORITHMS[algorithm]
        base: dict[str, Any] = {}
        name = algorithm
    elif hasattr(algorithm, "fit") and not isinstance(algorithm, type):
        cls = type(algorithm)
        base = {p: getattr(algorithm, p) for p in parameter_names(cls) if hasattr(algorithm, p)}
        base.pop("progress", None)
        name = str(getattr(cls, "name", cls.__name__))
    else:
        raise InvalidParameterError(
            "algorithm must be a discovery algorithm name "
            f"({sorted(DISCOVERY_ALGORITHMS)}) or an estimator with fit(); got {type(algorithm).__name__}"
        )
    allowed = parameter_names(cls)
    for key in params:
        if key not in allowed or key == "progress":
            raise InvalidParameterError(
                f"{key!r} is not a parameter of the discovery algorithm {name!r}; "
                f"expected one of {[p for p in allowed if p != 'progress']}"
            )
    return AlgorithmSpec(cls, name, {**base, **params})


def check_data(data: object) -> None:
    """Raise unless ``data`` is a DataFrame or a Dataset."""
    if not isinstance(data, (pd.DataFrame, Dataset)):
        raise InvalidParameterError(
            f"data must be a pandas DataFrame or a causalscope Dataset; got {type(data).__name__}"
        )


def n_rows(data: object) -> int:
    """Number of samples of a DataFrame or Dataset."""
    check_data(data)
    return int(data.n_samples) if isinstance(data, Dataset) else len(data)  # type: ignore[arg-type]  # a DataFrame: checked just above


def take_rows(data: object, rows: np.ndarray) -> Any:
    """The rows ``rows`` (positions, repeats allowed) of ``data``, of the same type."""
    if isinstance(data, pd.DataFrame):
        return data.iloc[rows].reset_index(drop=True)
    if isinstance(data, Dataset):
        return data.take(rows)
    raise InvalidParameterError(
        f"data must be a pandas DataFrame or a causalscope Dataset; got {type(data).__name__}"
    )


def fitted_graph(estimator: Any, name: str) -> MixedGraph:
    graph = getattr(estimator, "graph_", None)
    if not isinstance(graph, MixedGraph):
        raise InvalidParameterError(
            f"the discovery algorithm {name!r} produced no graph_ after fit(); got {type(graph).__name__}"
        )
    return graph
