"""Real example data shipped with causalscope, with provenance and reference answers.

Causal methods are judged on data whose answer is known from outside the data:
a randomized experiment, a biological consensus network, a published Bayesian
network. This module loads such data from files packaged under
``causalscope/datasets/data/`` (each folder carries a ``PROVENANCE.md`` with the
source, license and citation), so every loader works offline and from an installed
wheel.

What is here
------------
``load_sachs``
    Sachs et al. (2005) flow-cytometry measurements of 11 signalling proteins:
    853 observational rows (the cd3cd28 condition) or all 7,466 rows over nine
    experimental conditions with a ``condition`` column; ``sachs_ground_truth``
    gives the three published consensus graphs (they disagree), ``sachs_tiers``
    the CMU tier knowledge.
``load_lalonde``
    The National Supported Work experiment (LaLonde 1986; Dehejia & Wahba 1999):
    the randomized 445-row sample (experimental ATE on 1978 earnings = $1,794.34)
    or the 185 treated with 15,992 CPS survey controls, the classic observational
    benchmark.
``load_network``
    Structure (DAG and state names) of six bnlearn-repository Bayesian networks.
``load_dagitty``
    Small textbook and published DAGs in dagitty syntax, with exposure, outcome and
    latent tags.

Every tabular example is an :class:`Example`; :meth:`Example.to_dataset` turns it
into a validated :class:`causalscope.data.Dataset`.

One module per family of examples holds the loaders: :mod:`~causalscope.datasets.sachs`,
:mod:`~causalscope.datasets.lalonde`, :mod:`~causalscope.datasets.bnlearn` and
:mod:`~causalscope.datasets.dagitty_examples` (the dagitty parser is
:mod:`causalscope.graphs.dagitty`), with :class:`Example` and the packaged-file
helpers in :mod:`~causalscope.datasets.packaged`. This module re-exports them and
holds the by-name dispatcher (:func:`load_example`). A new family gets its own
module, re-exported here and from :mod:`causalscope.datasets`.
"""

from __future__ import annotations

from collections.abc import Callable

from ..graphs.dagitty import DagittyExample, parse_dagitty
from .bnlearn import NetworkStructure, list_networks, load_bayesnet, load_network
from .dagitty_examples import list_dagitty, load_dagitty
from .lalonde import load_lalonde
from .packaged import Example, unknown_name
from .sachs import SACHS_COLUMNS, SACHS_CONDITIONS, load_sachs, sachs_column_name, sachs_ground_truth, sachs_tiers

__all__ = [
    "Example",
    "NetworkStructure",
    "DagittyExample",
    "SACHS_COLUMNS",
    "SACHS_CONDITIONS",
    "load_sachs",
    "sachs_ground_truth",
    "sachs_tiers",
    "sachs_column_name",
    "load_lalonde",
    "load_network",
    "list_networks",
    "load_dagitty",
    "list_dagitty",
    "parse_dagitty",
    "example_names",
    "load_example",
]


_EXAMPLES: dict[str, Callable[[], Example]] = {
    "sachs": lambda: load_sachs(kind="observational"),
    "sachs-interventional": lambda: load_sachs(kind="interventional"),
    "lalonde": lambda: load_lalonde(controls="experimental"),
    "lalonde-cps": lambda: load_lalonde(controls="cps"),
}


def example_names() -> tuple[str, ...]:
    """Names accepted by :func:`load_example` (and ``causalscope analyze --example``).

    Examples
    --------
    >>> example_names()
    ('sachs', 'sachs-interventional', 'lalonde', 'lalonde-cps')
    """
    return tuple(_EXAMPLES)


def load_example(name: str) -> Example:
    """Load a tabular example by name.

    Parameters
    ----------
    name:
        ``"sachs"`` (853 observational rows), ``"sachs-interventional"`` (7,466
        rows with a ``condition`` domain column), ``"lalonde"`` (the 445-row NSW
        experiment) or ``"lalonde-cps"`` (NSW treated with CPS controls).

    Returns
    -------
    Example

    Raises
    ------
    InvalidParameterError
        If ``name`` is not one of :func:`example_names`.

    Examples
    --------
    >>> load_example("lalonde-cps").data.shape
    (16177, 10)
    """
    if name not in _EXAMPLES:
        raise unknown_name("example", name, example_names())
    return _EXAMPLES[name]()


__all__ += ["load_bayesnet"]
