"""Integer endpoint-mark codes of mark matrices (the one place they are defined).

Algorithms work on square integer *mark matrices* ``M`` (as returned by
:meth:`~causalscope.graphs.MixedGraph.mark_matrix`): ``M[i, j]`` is the mark at
``j`` of the edge between ``i`` and ``j``. The codes are those of
:attr:`Endpoint.code <causalscope.graphs.Endpoint.code>`:

============  ====  =======================================
name          code  meaning
============  ====  =======================================
``NO_EDGE``   0     ``i`` and ``j`` are not adjacent
``TAIL``      1     a tail at ``j``
``ARROW``     2     an arrowhead at ``j``
``CIRCLE``    3     a circle (undetermined mark) at ``j``
============  ====  =======================================

So ``i --> j`` is ``M[i, j] == ARROW and M[j, i] == TAIL``, ``i --- j`` is
``M[i, j] == M[j, i] == TAIL`` and ``i <-> j`` is ``M[i, j] == M[j, i] == ARROW``.

Examples
--------
>>> from causalscope.graphs import Endpoint
>>> from causalscope.graphs.marks import ARROW, TAIL
>>> (Endpoint.TAIL.code, Endpoint.ARROW.code) == (TAIL, ARROW)
True
"""

from __future__ import annotations

from typing import Final

__all__ = ["NO_EDGE", "TAIL", "ARROW", "CIRCLE"]

#: No edge between the two nodes.
NO_EDGE: Final = 0
#: A tail mark.
TAIL: Final = 1
#: An arrowhead mark.
ARROW: Final = 2
#: A circle mark (PAGs: tail or arrowhead, not determined).
CIRCLE: Final = 3
