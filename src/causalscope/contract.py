"""The component contract: hyperparameters, cloning and the protocols of the registries.

Every configurable piece of causalscope that a registry offers by name (a
discovery algorithm, a CI test, a score, an effect estimator) derives from
:class:`Component`. In the spirit of scikit-learn's ``BaseEstimator``, the
component's *hyperparameters* are exactly the arguments of its constructor,
stored unchanged on attributes of the same names; from that signature the base
class derives

- :meth:`Component.param_names` (a classmethod: the hyperparameter names),
- :meth:`Component.get_params` and :meth:`Component.set_params` (a typed
  :class:`~causalscope.exceptions.InvalidParameterError` names an unknown one),
- :meth:`Component.clone` (a fresh, unfitted copy with equal hyperparameters:
  fitted attributes, whose names end in ``_``, are not copied), and
- ``repr`` (only the hyperparameters that differ from their defaults).

Components built *on* data (CI tests and scores take the data set as their first
constructor argument) list those arguments in :attr:`Component._data_arguments`:
they are not hyperparameters, and :meth:`Component.clone` rebuilds the copy on
the same data.

The protocols :class:`DiscoveryAlgorithm` and :class:`EffectEstimator` are what
the registries promise (``DISCOVERY_ALGORITHMS: dict[str, type[DiscoveryAlgorithm]]``,
``ESTIMATORS: dict[str, type[EffectEstimator]]``); the CI test and score protocols
live with their registries (:class:`causalscope.independence.CITest`,
:class:`causalscope.scores.LocalScore`).

:func:`renamed_arguments` keeps an old spelling of an argument working for one
release, with a :class:`DeprecationWarning` (the one shared mechanism behind the
vocabulary of argument names: ``data``, ``graph``, ``treatment``, ``outcome``,
``adjustment_set``, ``alpha``, ``ci_test``, ``score``, ``knowledge``,
``random_state``, ``n_jobs``, ``n_bootstrap``).
"""

from __future__ import annotations

import functools
import inspect
import warnings
from collections.abc import Callable
from typing import Any, ClassVar, Protocol, Self, TypeVar, runtime_checkable

from .exceptions import InvalidParameterError

__all__ = [
    "Component",
    "DiscoveryAlgorithm",
    "EffectEstimator",
    "renamed_arguments",
    "parameter_names",
    "VOCABULARY",
]

#: The argument names shared by the public API (one spelling per concept).
VOCABULARY = (
    "data", "graph", "treatment", "outcome", "adjustment_set", "alpha", "ci_test", "score",
    "knowledge", "random_state", "n_jobs", "n_bootstrap",
)

F = TypeVar("F", bound=Callable[..., Any])

_SKIPPED_KINDS = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)


def _same(value: object, default: object) -> bool:
    """Whether ``value`` equals the default ``default`` (``False`` when the comparison is not a plain bool)."""
    if value is default:
        return True
    if type(value) is not type(default):
        return False
    try:
        equal = value == default
    except Exception:  # noqa: BLE001 - an object whose == raises is simply "not the default"
        return False
    return equal if isinstance(equal, bool) else False


def _clone_value(value: object) -> object:
    """A fresh copy of a hyperparameter value that is itself an estimator; other values as they are."""
    if isinstance(value, Component):
        return value.clone()
    if not isinstance(value, type) and hasattr(value, "get_params") and hasattr(value, "set_params"):
        from sklearn.base import clone  # loaded already: the value is a scikit-learn style estimator

        try:  # unfitted deep copy with the same parameters (a Pipeline's steps too)
            return clone(value)
        except TypeError:
            return value
    return value


def _init_parameters(cls: type) -> list[inspect.Parameter]:
    """The named constructor arguments of ``cls`` (no ``self``, ``*args`` or ``**kwargs``)."""
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]  # type: ignore[misc]
    return [p for p in params if p.kind not in _SKIPPED_KINDS]


def parameter_names(cls: type) -> tuple[str, ...]:
    """The hyperparameter names of a class: :meth:`Component.param_names` for a component,
    else the named arguments of its constructor (for a caller's own estimator).

    Examples
    --------
    >>> class Plain:
    ...     def __init__(self, alpha: float = 0.1, *args: object, depth: int = 2, **kw: object) -> None: ...
    >>> parameter_names(Plain)
    ('alpha', 'depth')
    """
    own = getattr(cls, "param_names", None)
    if isinstance(cls, type) and issubclass(cls, Component) and callable(own):
        return tuple(own())
    return tuple(p.name for p in _init_parameters(cls))


class Component:
    """Base class of every registered component (see the module docstring).

    A subclass takes its hyperparameters as constructor arguments (keyword-only
    by convention) and stores each one, unchanged, on the attribute of the same
    name; validation happens in ``fit`` (or, for components built on data, in the
    constructor). Fitted state lives on attributes ending in ``_``.

    Examples
    --------
    >>> class Demo(Component):
    ...     def __init__(self, *, alpha: float = 0.05, depth: int | None = None) -> None:
    ...         self.alpha = alpha
    ...         self.depth = depth
    >>> Demo.param_names()
    ('alpha', 'depth')
    >>> d = Demo(alpha=0.01)
    >>> d
    Demo(alpha=0.01)
    >>> d.set_params(depth=2).get_params()
    {'alpha': 0.01, 'depth': 2}
    >>> d.clone().get_params() == d.get_params()
    True
    """

    #: Constructor arguments that are the data a component is built on, not hyperparameters.
    _data_arguments: ClassVar[tuple[str, ...]] = ()

    # -- the signature ---------------------------------------------------------------
    @classmethod
    def _signature(cls) -> list[inspect.Parameter]:
        return _init_parameters(cls)

    @classmethod
    def param_names(cls) -> tuple[str, ...]:
        """The hyperparameter names, in constructor order (the data arguments excluded)."""
        return tuple(p.name for p in cls._signature() if p.name not in cls._data_arguments)

    @classmethod
    def param_defaults(cls) -> dict[str, Any]:
        """The default of every hyperparameter that has one."""
        return {
            p.name: p.default
            for p in cls._signature()
            if p.name not in cls._data_arguments and p.default is not inspect.Parameter.empty
        }

    # -- hyperparameters -------------------------------------------------------------
    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The hyperparameters as given to the constructor (or :meth:`set_params`).

        Parameters
        ----------
        deep:
            Also list the parameters of hyperparameters that are estimators
            themselves (a scikit-learn model, a CI test object), as
            ``"<name>__<parameter>"``.
        """
        out: dict[str, Any] = {}
        for name in self.param_names():
            value = getattr(self, name)
            out[name] = value
            if deep and not isinstance(value, type) and hasattr(value, "get_params"):
                try:
                    inner = value.get_params(deep=True)
                except TypeError:
                    continue
                out.update({f"{name}__{k}": v for k, v in inner.items()})
        return out

    def set_params(self, **params: Any) -> Self:
        """Set hyperparameters (``"<name>__<parameter>"`` reaches into a nested estimator).

        Returns
        -------
        Self
            ``self``.

        Raises
        ------
        InvalidParameterError
            Naming every unknown parameter and listing the valid names.
        """
        names = self.param_names()
        unknown = sorted(k for k in params if k.partition("__")[0] not in names)
        if unknown:
            raise InvalidParameterError(
                f"{type(self).__name__} has no parameter {', '.join(map(repr, unknown))}; "
                f"valid parameters: {list(names)}"
            )
        nested: dict[str, dict[str, Any]] = {}
        for key, value in params.items():
            head, sep, rest = key.partition("__")
            if sep:
                nested.setdefault(head, {})[rest] = value
            else:
                setattr(self, key, value)
        for head, inner in nested.items():
            target = getattr(self, head)
            if not hasattr(target, "set_params"):
                raise InvalidParameterError(
                    f"{type(self).__name__}.{head} has no parameters to set ({sorted(inner)})"
                )
            target.set_params(**inner)
        return self

    def _data_values(self) -> dict[str, Any]:
        """The data arguments this instance was built on (for :meth:`clone`); none by default."""
        return {}

    def clone(self) -> Self:
        """A fresh, unfitted copy with equal hyperparameters.

        Fitted attributes (ending in ``_``) are not copied; hyperparameters that are
        estimators themselves are cloned too; other values are shared (they are
        configuration and are not modified by ``fit``). A component built on data
        is rebuilt on the same data.
        """
        values = {**self._data_values(), **{k: _clone_value(v) for k, v in self.get_params(deep=False).items()}}
        args: list[Any] = []
        kwargs: dict[str, Any] = {}
        for p in self._signature():
            if p.name not in values:
                continue
            if p.kind is inspect.Parameter.POSITIONAL_ONLY:
                args.append(values[p.name])
            else:
                kwargs[p.name] = values[p.name]
        return type(self)(*args, **kwargs)

    def __repr__(self) -> str:
        defaults = self.param_defaults()
        shown = [
            f"{name}={value!r}"
            for name, value in self.get_params(deep=False).items()
            if name not in defaults or not _same(value, defaults[name])
        ]
        return f"{type(self).__name__}({', '.join(shown)})"


@runtime_checkable
class DiscoveryAlgorithm(Protocol):
    """What every class in ``DISCOVERY_ALGORITHMS`` provides.

    ``fit(data)`` learns a graph and returns the algorithm itself, with at least
    ``graph_`` (the learned graph: CPDAG, PAG or DAG) and ``variables_`` (the
    variable names, in column order). ``isinstance`` checks hold for fitted
    instances (the fitted attributes are part of the protocol).
    """

    name: str
    graph_: Any
    variables_: tuple[str, ...]

    def fit(self, data: Any = ...) -> Self: ...

    def get_params(self, deep: bool = True) -> dict[str, Any]: ...

    def set_params(self, **params: Any) -> Self: ...

    def clone(self) -> Self: ...

    @classmethod
    def param_names(cls) -> tuple[str, ...]: ...


@runtime_checkable
class EffectEstimator(Protocol):
    """What every class in :data:`causalscope.estimation.ESTIMATORS` provides.

    ``fit(data, treatment=..., outcome=..., adjustment_set=...)`` returns the
    estimator with ``effect_`` (an :class:`~causalscope.estimation.EffectEstimate`).
    """

    name: str
    targets: tuple[str, ...]

    @classmethod
    def from_options(cls, method: str, *, target: str = "ate", **options: Any) -> EffectEstimator:
        """The estimator for ``method`` built from the common options of ``make_estimator`` (each class keeps
        the ones it uses)."""
        ...

    def fit(self, data: Any, *, treatment: str, outcome: str, adjustment_set: Any = None) -> Self: ...

    def get_params(self, deep: bool = True) -> dict[str, Any]: ...

    def set_params(self, **params: Any) -> Self: ...

    def clone(self) -> Self: ...


def renamed_arguments(**renames: str) -> Callable[[F], F]:
    """Decorator: accept the old keyword spelling of renamed arguments for one release.

    ``@renamed_arguments(adjust="adjustment_set")`` lets callers still write
    ``adjust=...``: the value is passed on as ``adjustment_set`` with a
    :class:`DeprecationWarning`. ``inspect.signature`` of the decorated function
    shows the new names only.

    Raises
    ------
    InvalidParameterError
        If a call gives both the old and the new spelling.

    Examples
    --------
    >>> import warnings
    >>> @renamed_arguments(n_boot="n_bootstrap")
    ... def resample(*, n_bootstrap: int = 10) -> int:
    ...     return n_bootstrap
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     resample(n_boot=3), caught[0].category.__name__
    (3, 'DeprecationWarning')
    """

    def decorator(fn: F) -> F:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for old, new in renames.items():
                if old in kwargs:
                    if new in kwargs:
                        raise InvalidParameterError(
                            f"{fn.__qualname__}: pass {new!r} only ({old!r} is its deprecated spelling)"
                        )
                    warnings.warn(
                        f"{fn.__qualname__}: argument {old!r} is deprecated and will be removed in the "
                        f"next release; use {new!r}",
                        DeprecationWarning,
                        stacklevel=2,
                    )
                    kwargs[new] = kwargs.pop(old)
            return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator
