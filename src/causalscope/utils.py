"""Small shared helpers: random-state handling, logging and the progress interface.

Randomness
    Every function that draws random numbers takes ``random_state`` (``int``,
    :class:`numpy.random.Generator` or ``None``) and turns it into a generator
    with :func:`check_random_state`. No global random state is ever used, so the
    same seed always gives the same answer.

Progress
    Long work reports progress through :class:`Progress`, a tiny interface with
    ``start(total, description)``, ``advance(n)`` and ``close()``. Library code
    receives a ``progress`` argument (``None`` means silent); the command line
    passes a rich progress bar, a notebook user may pass any callable
    ``callback(done, total, description)`` wrapped by :class:`CallbackProgress`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, MutableMapping
from typing import Any, Protocol, TypeVar, runtime_checkable

import numpy as np

from .exceptions import InvalidParameterError

__all__ = [
    "RandomState",
    "check_random_state",
    "spawn_seeds",
    "get_logger",
    "Progress",
    "NullProgress",
    "CallbackProgress",
    "LabelledProgress",
    "as_progress",
    "track",
    "registrar",
]

RandomState = int | np.random.Generator | None

T = TypeVar("T")


def check_random_state(random_state: RandomState) -> np.random.Generator:
    """Return a :class:`numpy.random.Generator` for ``random_state``.

    Parameters
    ----------
    random_state:
        ``None`` for fresh entropy, a non-negative ``int`` seed, or an existing
        generator (returned as is, so draws continue its stream).

    Raises
    ------
    InvalidParameterError
        If ``random_state`` is of another type or a negative integer.

    Examples
    --------
    >>> bool(check_random_state(0).integers(10) == check_random_state(0).integers(10))
    True
    """
    if random_state is None:
        return np.random.default_rng()
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, (bool, np.bool_)):
        raise InvalidParameterError(
            f"random_state must be an int, a numpy Generator or None; got bool {random_state!r}"
        )
    if isinstance(random_state, (int, np.integer)):
        if random_state < 0:
            raise InvalidParameterError(
                f"random_state must be a non-negative integer; got {random_state}"
            )
        return np.random.default_rng(int(random_state))
    raise InvalidParameterError(
        "random_state must be an int, a numpy Generator or None; "
        f"got {type(random_state).__name__}"
    )


def spawn_seeds(random_state: RandomState, n: int) -> list[int]:
    """Draw ``n`` independent integer seeds from ``random_state`` (for parallel work)."""
    rng = check_random_state(random_state)
    return [int(s) for s in rng.integers(0, 2**63 - 1, size=n)]


def get_logger(name: str) -> logging.Logger:
    """Return the library logger for ``name`` (under the ``causalscope`` hierarchy)."""
    if not name.startswith("causalscope"):
        name = f"causalscope.{name}"
    return logging.getLogger(name)


logging.getLogger("causalscope").addHandler(logging.NullHandler())


@runtime_checkable
class Progress(Protocol):
    """What long-running library code calls to report progress."""

    def start(self, total: int | None, description: str) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def close(self) -> None: ...


class NullProgress:
    """Progress that reports nothing (the library default)."""

    def start(self, total: int | None, description: str) -> None:  # noqa: D102
        return None

    def advance(self, n: int = 1) -> None:  # noqa: D102
        return None

    def close(self) -> None:  # noqa: D102
        return None


class CallbackProgress:
    """Adapts ``callback(done, total, description)`` to :class:`Progress`.

    ``start``/``close`` pairs may nest (for example the bootstrap's resamples
    inside the copilot's stages): the callback always sees the innermost open
    task, and after a ``close`` the count of the task around it continues.

    Examples
    --------
    >>> seen = []
    >>> p = CallbackProgress(lambda done, total, what: seen.append((done, total, what)))
    >>> p.start(2, "stages"); p.advance(); p.start(3, "resamples"); p.advance(3); p.close(); p.advance()
    >>> seen[-1]
    (2, 2, 'stages')
    """

    def __init__(self, callback: Callable[[int, int | None, str], None]) -> None:
        self._callback = callback
        self._stack: list[list[Any]] = []

    def start(self, total: int | None, description: str) -> None:  # noqa: D102
        self._stack.append([0, total, description])
        self._callback(0, total, description)

    def advance(self, n: int = 1) -> None:  # noqa: D102
        if not self._stack:
            self._stack.append([0, None, ""])
        top = self._stack[-1]
        top[0] += n
        self._callback(top[0], top[1], top[2])

    def close(self) -> None:  # noqa: D102
        if self._stack:
            self._stack.pop()


class LabelledProgress:
    """Passes every call on to ``inner``, with ``description`` in place of the caller's own in ``start``.

    For library code that reuses a routine whose progress label would mislead (the copilot's
    hidden-confounder check runs a bootstrap that is not *the* bootstrap).

    Examples
    --------
    >>> seen = []
    >>> p = LabelledProgress(CallbackProgress(lambda d, t, what: seen.append(what)), "check")
    >>> p.start(1, "bootstrap fci"); p.advance(); p.close()
    >>> seen
    ['check', 'check']
    """

    def __init__(self, inner: Progress, description: str) -> None:
        self._inner, self._description = inner, description

    def start(self, total: int | None, description: str) -> None:  # noqa: D102
        self._inner.start(total, self._description)

    def advance(self, n: int = 1) -> None:  # noqa: D102
        self._inner.advance(n)

    def close(self) -> None:  # noqa: D102
        self._inner.close()


def as_progress(progress: Progress | Callable[[int, int | None, str], None] | None) -> Progress:
    """Normalise a ``progress`` argument: ``None`` -> silent, callable -> callback adapter."""
    if progress is None:
        return NullProgress()
    if isinstance(progress, Progress):
        return progress
    if callable(progress):
        return CallbackProgress(progress)
    raise InvalidParameterError(
        f"progress must be None, a Progress object or a callable; got {type(progress).__name__}"
    )


def track(
    iterable: Iterable[T],
    progress: Progress | Callable[[int, int | None, str], None] | None,
    description: str,
    total: int | None = None,
) -> Iterator[T]:
    """Iterate over ``iterable`` while reporting one step per item to ``progress``."""
    reporter = as_progress(progress)
    if total is None and hasattr(iterable, "__len__"):
        total = len(iterable)  # type: ignore[arg-type]
    reporter.start(total, description)
    try:
        for item in iterable:
            yield item
            reporter.advance(1)
    finally:
        reporter.close()


C = TypeVar("C", bound=type)


def registrar(registry: MutableMapping[str, Any], name: str, *, kind: str, attribute: str) -> Callable[[C], C]:
    """A class decorator that registers a class in ``registry`` under ``name``.

    The one mechanism behind ``register_ci_test``, ``register_score``,
    ``register_algorithm`` and ``register_estimator``: the registry is typed by
    what its classes promise (``dict[str, type[DiscoveryAlgorithm]]``, ...), and the
    decorator returns the class unchanged (typed as itself). It stores the class,
    sets ``cls.<attribute> = name`` and
    refuses a *different* class under a taken name. The same class defined again by a
    re-import of its module (same module and qualified name) replaces the entry.

    Raises
    ------
    InvalidParameterError
        If another class is already registered under ``name`` (``kind`` names the
        registry in the message).

    Examples
    --------
    >>> registry = {}
    >>> @registrar(registry, "demo", kind="widget", attribute="method")
    ... class Demo:
    ...     pass
    >>> registry["demo"] is Demo, Demo.method
    (True, 'demo')
    """

    def decorator(cls: C) -> C:
        other = registry.get(name)
        if other is not None and other is not cls and (
            other.__module__ != cls.__module__ or other.__qualname__ != cls.__qualname__
        ):
            raise InvalidParameterError(f"a {kind} named {name!r} is already registered ({other.__name__})")
        registry[name] = cls
        setattr(cls, attribute, name)
        return cls

    return decorator
