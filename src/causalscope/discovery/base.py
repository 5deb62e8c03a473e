"""The discovery registry and the helpers every discovery algorithm shares.

Every algorithm class registers itself under a short name with
:func:`register_algorithm` (``@register_algorithm("pc")``) into
:data:`DISCOVERY_ALGORITHMS`; the command line (``causalscope discover
--algorithm NAME``), the copilot and the common tests read that registry, so a
new algorithm is offered and tested without further wiring.

:func:`resolve_ci_test` turns the ``ci_test`` argument of a constraint-based
algorithm (a registry name, ``"auto"``, or a ready CI test such as a
:class:`~causalscope.independence.DSeparationOracle`) into a fresh
:class:`~causalscope.independence.CachedCITest`, so that the counts of tests and
cache hits are per run; :func:`check_alpha` validates a significance level.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from ..contract import DiscoveryAlgorithm
from ..exceptions import DataError, InvalidParameterError
from ..independence import CI_TESTS, CachedCITest, MissingPolicy, make_ci_test
from ..utils import registrar

__all__ = [
    "DISCOVERY_ALGORITHMS",
    "register_algorithm",
    "make_algorithm",
    "resolve_ci_test",
    "check_alpha",
]

DISCOVERY_ALGORITHMS: dict[str, type[DiscoveryAlgorithm]] = {}
"""Registry of discovery algorithm classes by name (filled by :func:`register_algorithm`)."""

T = TypeVar("T", bound=type)

_DISCRETE_TESTS = ("gsq", "chisq")
_DISCRETE_KINDS = ("discrete", "binary", "ordinal")


def register_algorithm(name: str) -> Callable[[T], T]:
    """Class decorator: register a discovery algorithm in :data:`DISCOVERY_ALGORITHMS`.

    Sets ``cls.name = name``. The class should derive from
    :class:`~causalscope.contract.Component` (hyperparameters, ``clone``, ``repr``)
    and follow :class:`~causalscope.contract.DiscoveryAlgorithm`; the common tests
    (``tests/test_common.py``) check every registered class.

    Raises
    ------
    InvalidParameterError
        If another class is already registered under ``name``.

    Examples
    --------
    >>> from causalscope.discovery import DISCOVERY_ALGORITHMS, PC
    >>> DISCOVERY_ALGORITHMS["pc"] is PC and PC.name == "pc"
    True
    """

    return registrar(DISCOVERY_ALGORITHMS, name, kind="discovery algorithm", attribute="name")


def make_algorithm(name: str, **kwargs: Any) -> DiscoveryAlgorithm:
    """Build the registered discovery algorithm ``name`` with keyword hyperparameters.

    Raises
    ------
    InvalidParameterError
        If no algorithm is registered under ``name`` (the message lists the names).

    Examples
    --------
    >>> from causalscope.discovery import make_algorithm
    >>> make_algorithm("pc", alpha=0.01).alpha
    0.01
    """
    if not isinstance(name, str) or name not in DISCOVERY_ALGORITHMS:
        raise InvalidParameterError(
            f"unknown discovery algorithm {name!r}; expected one of {sorted(DISCOVERY_ALGORITHMS)}"
        )
    return DISCOVERY_ALGORITHMS[name](**kwargs)


def check_alpha(alpha: object) -> float:
    """Return ``alpha`` as a float if it lies strictly between 0 and 1.

    Raises
    ------
    InvalidParameterError
        Naming ``alpha`` and the value given, otherwise.

    Examples
    --------
    >>> check_alpha(0.05)
    0.05
    """
    if isinstance(alpha, bool):
        raise InvalidParameterError(f"alpha must be a number in (0, 1); got {alpha!r}")
    try:
        value = float(alpha)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise InvalidParameterError(f"alpha must be a number in (0, 1); got {alpha!r}") from None
    if not (0.0 < value < 1.0):
        raise InvalidParameterError(f"alpha must be a number in (0, 1); got {alpha!r}")
    return value


def _column_kinds(data: object) -> tuple[tuple[str, ...], tuple[str, ...]]:
    from ..independence._table import as_table

    table = as_table(data)
    return tuple(table.names), tuple(str(k) for k in table.kinds)


def resolve_ci_test(
    ci_test: object, data: object, *, missing: MissingPolicy = "error"
) -> tuple[CachedCITest, tuple[str, ...]]:
    """Turn a ``ci_test`` argument into a fresh cached CI test and the variable names.

    Parameters
    ----------
    ci_test:
        A registry name (``"fisherz"``, ``"gsq"``, ``"chisq"``, ``"kci"``,
        ``"rcot"``, ``"mixed"``, ...), ``"auto"``, or a ready CI test object
        (anything with ``variables``, ``index_of`` and ``p_values``, e.g.
        :class:`~causalscope.independence.DSeparationOracle`); then ``data`` may be
        ``None``. ``"auto"`` picks ``"fisherz"`` when every column is continuous,
        ``"gsq"`` when every column is discrete, binary or ordinal, and ``"mixed"``
        (if registered) otherwise.
    data:
        A :class:`~causalscope.data.Dataset` or :class:`pandas.DataFrame`
        (ignored when ``ci_test`` is an object).
    missing:
        The missing-value policy handed to the test (``"error"`` or ``"testwise"``).

    Returns
    -------
    tuple
        ``(CachedCITest, names)``: a new cache around the test (so ``n_tests`` and
        ``n_cache_hits`` count this run only) and the variable names in column order.

    Raises
    ------
    InvalidParameterError
        For an unknown test name, or a name with ``data=None``.
    DataError
        If a discrete test (``"gsq"``, ``"chisq"``) is asked for continuous columns
        (the message names them), or if ``"auto"`` finds mixed columns and no mixed
        test is registered.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> frame = pd.DataFrame(np.random.default_rng(0).normal(size=(50, 3)), columns=list("ABC"))
    >>> test, names = resolve_ci_test("auto", frame)
    >>> test.method, names
    ('fisherz', ('A', 'B', 'C'))
    """
    if isinstance(ci_test, CachedCITest):
        inner = ci_test.inner
        return CachedCITest(inner), tuple(str(v) for v in inner.variables)
    if not isinstance(ci_test, str):
        if all(hasattr(ci_test, a) for a in ("variables", "p_values", "index_of")):
            return CachedCITest(ci_test), tuple(str(v) for v in ci_test.variables)  # type: ignore[attr-defined]
        raise InvalidParameterError(
            "ci_test must be a CI test name, 'auto' or a CI test object; "
            f"got {type(ci_test).__name__}"
        )
    if data is None:
        raise InvalidParameterError(
            f"data is required when ci_test is given by name ({ci_test!r}); "
            "pass data, or a CI test object such as DSeparationOracle(graph)"
        )
    names, kinds = _column_kinds(data)
    name = ci_test
    continuous = [n for n, k in zip(names, kinds) if k not in _DISCRETE_KINDS]
    if name == "auto":
        if not continuous:
            name = "gsq"
        elif len(continuous) == len(names):
            name = "fisherz"
        elif "mixed" in CI_TESTS:
            name = "mixed"
        else:
            raise DataError(
                "ci_test='auto': the data mix continuous columns "
                f"{continuous} with discrete ones and no mixed-type test is registered; "
                "choose ci_test explicitly"
            )
    if name not in CI_TESTS:
        raise InvalidParameterError(
            f"unknown ci_test {ci_test!r}; expected 'auto' or one of {sorted(CI_TESTS)}"
        )
    if name in _DISCRETE_TESTS and continuous:
        raise DataError(
            f"ci_test={name!r} needs discrete, binary or ordinal columns, but {continuous} "
            "are continuous; use 'fisherz', 'kci' or 'mixed', or discretise those columns"
        )
    if name == "d_separation":
        raise InvalidParameterError(
            "ci_test='d_separation' needs a graph: pass DSeparationOracle(graph) as ci_test"
        )
    test = make_ci_test(name, data, missing=missing)
    return CachedCITest(test), tuple(str(v) for v in test.variables)
