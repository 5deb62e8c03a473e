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

import importlib
import importlib.util
import logging
import math
import sys
import types
from collections.abc import Callable, Iterable, Iterator, Mapping, MutableMapping, Sequence
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
    "to_jsonable",
    "lazy_exports",
    "type_checking_exports",
    "lazy_njit",
    "lazy_import",
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


def to_jsonable(value: Any) -> Any:
    """``value`` as plain JSON data: the one conversion behind every JSON writer of the package.

    Mappings become dicts with ``str`` keys, lists and tuples become lists, numpy
    scalars become Python numbers, a ``NaN`` or infinite float becomes ``None``
    (JSON has no such number; the writers use ``allow_nan=False``), an object with a
    ``to_dict()`` method (e.g. ``Knowledge``: a sorted, hash-order-free form) is
    converted through it, and anything else is written as its ``str``; an object
    whose ``str`` is Python's default (which holds a memory address) is written
    ``<TypeName>`` so that the output stays the same from run to run.

    Examples
    --------
    >>> to_jsonable({"alpha": np.float64(0.01), 2: (np.int64(3), float("nan")), "ok": np.bool_(True)})
    {'alpha': 0.01, '2': [3, None], 'ok': True}
    >>> to_jsonable(object())
    '<object>'
    """
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic) and not isinstance(value, np.str_):
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if callable(getattr(value, "to_dict", None)):
        return to_jsonable(value.to_dict())
    if type(value).__str__ is object.__str__ and type(value).__repr__ is object.__repr__:
        return f"<{type(value).__name__}>"  # no repr: it holds a memory address
    return str(value)


class _LazyPackage(types.ModuleType):
    """A package whose public names are imported on first access (see :func:`lazy_exports`).

    The import system sets ``package.sub = <module>`` after loading a submodule. When the
    package exports a name equal to the submodule's (``discovery.pc``, the function from
    ``discovery/pc.py``), the exported object is stored instead, as the eager
    ``from .pc import pc`` of the package's ``__init__`` did.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        sources: dict[str, str] = self.__dict__.get("__lazy_sources__", {})
        if isinstance(value, types.ModuleType) and sources.get(name) == value.__name__ == f"{self.__name__}.{name}":
            value = value.__dict__.get(name, value)
        super().__setattr__(name, value)


def type_checking_exports(path: str) -> dict[str, list[str]]:
    """The ``from .sub import name`` imports under ``if TYPE_CHECKING:`` in the file ``path``.

    Returns submodule (relative, ``".pc"``) -> the names it provides (the ``as`` name where one
    is given), in file order. :func:`lazy_exports` reads a package's public names from there.
    """
    import ast

    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), filename=path)
    out: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom) and stmt.level > 0:
                    sub = "." * stmt.level + (stmt.module or "")
                    out.setdefault(sub, []).extend(a.asname or a.name for a in stmt.names)
    return out


def lazy_exports(
    package: str, *, registries: Sequence[str] = ()
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """Public names of a package, imported from their submodules on first access (PEP 562).

    A package's ``__init__`` lists its public names once, as the imports of an
    ``if TYPE_CHECKING:`` block (so type checkers and readers see the real objects), and
    calls this function instead of importing its submodules eagerly, so that
    ``import causalscope.graphs`` costs nothing until a name is used and the command line
    starts fast; ``from causalscope.discovery import PC`` and ``causalscope.discovery.PC``
    keep working, and ``__all__`` and ``dir()`` list every public name::

        if TYPE_CHECKING:
            from .pc import PC, pc
        __all__, __getattr__, __dir__ = lazy_exports(__name__)

    Parameters
    ----------
    package:
        The package's ``__name__``.
    registries:
        Names of registries (``"DISCOVERY_ALGORITHMS"``, ``"make_algorithm"``) that are filled
        by importing the submodules: reading one of them through the package first imports
        every submodule of the block, so that the registry is as complete as with eager
        imports.

    Returns
    -------
    tuple
        ``(__all__, __getattr__, __dir__)`` for the package's namespace.

    Raises
    ------
    InvalidParameterError
        If a name is exported by two submodules.
    """
    path = sys.modules[package].__file__
    exports = type_checking_exports(path) if path is not None else {}
    sources: dict[str, str] = {}
    for sub, names in exports.items():
        absolute = importlib.util.resolve_name(sub, package)
        for name in names:
            if name in sources:
                raise InvalidParameterError(f"{package}: {name!r} is exported by two submodules")
            sources[name] = absolute
    module = sys.modules[package]
    module.__dict__["__lazy_sources__"] = sources
    module.__class__ = _LazyPackage

    def __getattr__(name: str) -> Any:
        source = sources.get(name)
        if source is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if name in registries:
            for sub in dict.fromkeys(sources.values()):
                importlib.import_module(sub)
        value = getattr(importlib.import_module(source), name)
        setattr(module, name, value)  # later reads skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(module.__dict__) | set(sources))

    return list(sources), __getattr__, __dir__


class _LazyKernel:
    """A ``numba.njit`` kernel compiled on first call: numba is imported then, not with its module."""

    def __init__(self, func: Callable[..., Any], options: dict[str, Any]) -> None:
        self.py_func = func
        self.options = options
        self.compiled: Any = None
        self.__name__ = func.__name__
        self.__qualname__ = func.__qualname__
        self.__doc__ = func.__doc__
        self.__module__ = func.__module__

    def dispatcher(self) -> Any:
        """The numba dispatcher, built on first use together with every lazy kernel of the same module.

        A compiled kernel calls another one through the module's globals, which must then hold
        numba dispatchers: so every kernel of the module is swapped in at once.
        """
        if self.compiled is None:
            import numba

            namespace = self.py_func.__globals__
            for name, value in list(namespace.items()):
                if isinstance(value, _LazyKernel):
                    if value.compiled is None:
                        value.compiled = numba.njit(**value.options)(value.py_func)
                    namespace[name] = value.compiled
        return self.compiled

    def __call__(self, *args: Any) -> Any:
        return self.dispatcher()(*args)


def lazy_njit(**options: Any) -> Callable[[Callable[..., Any]], Any]:
    """``numba.njit(**options)``, applied when the kernel is first called instead of at import.

    Importing numba costs about 0.2 s; with this decorator a module that defines kernels can
    be imported (for its registry entry, or by ``causalscope discover --algorithm pc``)
    without it. The first call imports numba, replaces every lazy kernel of the module by
    its dispatcher (so compiled kernels can call each other) and runs it; with
    ``cache=True`` the compiled code is read from numba's on-disk cache.

    Examples
    --------
    >>> @lazy_njit(cache=False)
    ... def twice(x):
    ...     return 2 * x
    >>> twice(3)
    6
    """

    def decorator(func: Callable[..., Any]) -> Any:
        return _LazyKernel(func, options)

    return decorator


class _LazyImport:
    """A module, or an attribute of a module, imported on first use (see :func:`lazy_import`)."""

    def __init__(self, module: str, attribute: str | None) -> None:
        self._module = module
        self._attribute = attribute
        self._target: Any = None

    def _resolve(self) -> Any:
        if self._target is None:
            target = importlib.import_module(self._module)
            self._target = target if self._attribute is None else getattr(target, self._attribute)
        return self._target

    def __getattr__(self, name: str) -> Any:
        if name in ("_module", "_attribute", "_target"):  # not yet set (copy, unpickling)
            raise AttributeError(name)
        return getattr(self._resolve(), name)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._resolve()(*args, **kwargs)

    def __repr__(self) -> str:
        what = self._module if self._attribute is None else f"{self._module}.{self._attribute}"
        return f"<lazy import of {what}>"


def lazy_import(module: str, attribute: str | None = None) -> Any:
    """A heavy third-party module (or one of its attributes) imported when first used, not at import time.

    ``chi2 = lazy_import("scipy.stats", "chi2")`` stands for ``from scipy.stats import chi2``
    and ``nx = lazy_import("networkx")`` for ``import networkx as nx``: attribute access
    (``chi2.sf(...)``, ``nx.DiGraph``) and calls (``qr(a)``) go to the real object, imported
    on the first of them. It keeps ``scipy.stats`` (0.4 s), ``scipy.linalg`` and networkx out
    of the start of a command that never needs them (``causalscope discover --algorithm pc``).
    Type checkers should see the real import: put that under ``if TYPE_CHECKING:``.

    Examples
    --------
    >>> sqrt = lazy_import("math", "sqrt")
    >>> sqrt(4.0)
    2.0
    """
    return _LazyImport(module, attribute)
