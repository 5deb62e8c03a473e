"""``causalscope query``: exact probabilities in a discrete causal Bayesian network.

``causalscope query MODEL "P(dysp=yes | do(smoke=yes))"`` prints one line,
``P(dysp=yes | do(smoke=yes)) = 0.552808`` (the query in canonical form, six
decimals by default). A distribution query such as ``P(dysp | smoke=yes)``
prints one such line per target state (several targets: one per joint state,
last target fastest); an expectation ``E[Y | do(X=1)]`` prints ``E[...] = value``.
``MODEL`` is a BIF file (``.bif`` or gzip ``.bif.gz``) or the name of a shipped
bnlearn network (``asia``, ``cancer``, ``child``, ...).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # pragma: no cover
    from ..scm import DiscreteBN

__all__ = ["query", "load_model"]


def load_model(model: str) -> DiscreteBN:
    """Read ``model``: a BIF file if the path exists, else the shipped network of that name."""
    from ..datasets import list_networks, load_network
    from ..exceptions import DataError
    from ..scm import read_bif

    path = Path(model)
    if path.exists():
        return read_bif(path)
    if model in list_networks():
        return read_bif(load_network(model).path)
    raise DataError(f"model {model!r} is neither an existing BIF file nor a shipped network ({', '.join(list_networks())})")


def query(
    model: str = typer.Argument(..., help="BIF file (.bif / .bif.gz) or a shipped network name (asia, child, ...)."),
    text: str = typer.Argument(..., metavar="QUERY", help='A query such as "P(Y=y | X=x, do(Z=z))" or "E[Y | do(X=1)]".'),
    decimals: int = typer.Option(6, "--decimals", min=0, max=17, help="Decimals printed."),
) -> None:
    """Compute a probability, distribution or expectation exactly (variable elimination)."""
    bn = load_model(model)
    for line in bn.query(text).lines(decimals=decimals):
        typer.echo(line)
