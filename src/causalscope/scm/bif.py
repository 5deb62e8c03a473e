"""Read and write discrete Bayesian networks in the BIF text format, CPTs included.

The format (Cozman 1998; the format of the bnlearn network repository), its parser
and its writer are in :mod:`causalscope.scm.bif_format`; this module builds the
:class:`~causalscope.scm.bayesnet.DiscreteBN` from what the parser reads.

References
----------
.. [1] Cozman, F. G. (1998). The Interchange Format for Bayesian Networks.
   http://www.cs.cmu.edu/~fgcozman/Research/InterchangeFormat/
"""

from __future__ import annotations

from os import PathLike

from .bayesnet import DiscreteBN
from .bif_format import BIFError, parse_bif_network, read_bif_network, to_bif_string, write_bif
from .cpt import CPT_ATOL

__all__ = ["BIFError", "parse_bif", "read_bif", "to_bif_string", "write_bif"]


def parse_bif(text: str, *, source: str = "<string>", atol: float = CPT_ATOL) -> DiscreteBN:
    """Parse BIF text into a :class:`~causalscope.scm.bayesnet.DiscreteBN`.

    Parameters
    ----------
    text:
        The content of a BIF file.
    source:
        Name used in error messages (for example the file path).
    atol:
        Tolerance on CPT row sums (files often round to a few decimals).

    Returns
    -------
    DiscreteBN
        Nodes in declaration order; each CPT's parent axes in its header order.

    Raises
    ------
    BIFError
        With the line number: a syntax error, an unknown or repeated variable or
        state, a wrong number of states or probabilities, a missing parent
        configuration, a CPT row that is not a distribution, a variable without a
        ``probability`` block, or a directed cycle.

    Examples
    --------
    >>> bn = parse_bif('''
    ... network toy { }
    ... variable A { type discrete [ 2 ] { yes, no }; }
    ... variable B { type discrete [ 2 ] { lo, hi }; }
    ... probability ( A ) { table 0.3, 0.7; }
    ... probability ( B | A ) { (yes) 0.2, 0.8; (no) 0.9, 0.1; }
    ... ''')
    >>> bn.cpts["B"].row(A="no")
    {'lo': 0.9, 'hi': 0.1}
    >>> parse_bif("variable A { type discrete [ 2 ] { yes, no } }")
    Traceback (most recent call last):
    ...
    causalscope.scm.bif_format.BIFError: <string>:1: expected ';' after the state list of 'A', found '}'
    """
    return DiscreteBN.from_bif(parse_bif_network(text, source=source, atol=atol), atol=atol)


def read_bif(path: str | PathLike[str], *, atol: float = CPT_ATOL) -> DiscreteBN:
    """Read a BIF file (plain or gzip-compressed) into a network.

    Parameters
    ----------
    path:
        ``.bif`` or ``.bif.gz`` file; compression is detected from its first bytes.
    atol:
        Tolerance on CPT row sums.

    Raises
    ------
    BIFError
        If the file cannot be read or parsed (with the line number).

    Examples
    --------
    >>> from importlib.resources import files
    >>> bn = read_bif(files("causalscope.datasets") / "data" / "bnlearn" / "asia.bif.gz")
    >>> bn.parents("either"), round(bn.probability("P(dysp=yes | do(smoke=yes))"), 6)
    (('lung', 'tub'), 0.552808)
    """
    return DiscreteBN.from_bif(read_bif_network(path, atol=atol), atol=atol)
