"""Reachability and acyclicity on boolean edge matrices and mark matrices.

The graph algorithms need three questions answered many times, on integer mark
matrices (:mod:`causalscope.graphs.marks`) or on boolean "step" matrices
(``step[u, v]``: one may walk from ``u`` to ``v`` in one step):

* :func:`reaches`: is there a walk of one or more steps from ``src`` to
  ``dst`` (optionally avoiding some nodes)? Breadth-first search over frontier
  vectors, one vectorised row-union per level.
* :func:`transitive_closure`: the whole reachability matrix (walks of one or
  more steps), by repeated boolean squaring (``log2(p)`` matrix products).
* :func:`is_acyclic`: whether a directed adjacency matrix has no directed cycle
  (Kahn's peeling of sources, vectorised per round); :func:`find_directed_cycle`
  returns one cycle (depth-first search).

:func:`directed_edges` turns a mark matrix into the directed adjacency matrix
(``u --> v``: an arrowhead at ``v`` and a tail at ``u``) these functions take for
directed paths. Every function is exact (boolean results, no tolerance), so any
algorithm may switch between them without changing its output.

Examples
--------
>>> import numpy as np
>>> from causalscope.graphs.reach import directed_edges, is_acyclic, reaches
>>> m = np.array([[0, 2, 0], [1, 0, 2], [0, 1, 0]])  # 0 --> 1 --> 2
>>> d = directed_edges(m)
>>> reaches(d, 0, 2), reaches(d, 2, 0), is_acyclic(d)
(True, False, True)
"""

from __future__ import annotations

import numpy as np

from .marks import ARROW, TAIL

__all__ = [
    "directed_edges", "reaches", "transitive_closure", "is_acyclic", "has_directed_cycle", "find_directed_cycle",
]


def directed_edges(marks: np.ndarray) -> np.ndarray:
    """Directed adjacency of a mark matrix: ``D[u, v]`` true iff ``u --> v``.

    Parameters
    ----------
    marks:
        Square integer mark matrix (``marks[u, v]``: the mark at ``v``).

    Returns
    -------
    numpy.ndarray
        Boolean matrix, true where ``marks[u, v] == ARROW`` and ``marks[v, u] == TAIL``.
    """
    return (marks == ARROW) & (marks.T == TAIL)


def reaches(step: np.ndarray, src: int, dst: int, blocked: np.ndarray | None = None) -> bool:
    """Whether a walk of one or more steps leads from ``src`` to ``dst``.

    Parameters
    ----------
    step:
        Square boolean matrix; ``step[u, v]``: a step from ``u`` to ``v`` is allowed.
    src, dst:
        Start and target node indices (``src == dst`` asks for a cycle through ``src``).
    blocked:
        Optional boolean vector of nodes the walk may not pass through. ``dst`` is
        reached even if blocked (only intermediate nodes are restricted).

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> step = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=bool)
    >>> reaches(step, 0, 2), reaches(step, 0, 2, blocked=np.array([False, True, False]))
    (True, False)
    """
    visited = np.zeros(step.shape[0], dtype=bool) if blocked is None else blocked.copy()
    visited[src] = True
    frontier = np.zeros(step.shape[0], dtype=bool)
    frontier[src] = True
    while frontier.any():
        nxt = np.asarray(step[frontier].any(axis=0))
        if nxt[dst]:
            return True
        nxt &= ~visited
        visited |= nxt
        frontier = nxt
    return False


def transitive_closure(step: np.ndarray) -> np.ndarray:
    """Reachability by walks of one or more steps: ``R[u, v]`` iff ``u`` reaches ``v``.

    Parameters
    ----------
    step:
        Square boolean matrix of single steps.

    Returns
    -------
    numpy.ndarray
        Boolean matrix (``R[u, u]`` is true only on a cycle through ``u``).

    Notes
    -----
    Repeated squaring ``R <- R | R @ R`` (float32 matrix products, exact for the
    0/1 entries and counts up to ``2**24`` nodes) until nothing changes: about
    ``log2(p)`` products.

    Examples
    --------
    >>> import numpy as np
    >>> step = np.array([[0, 1, 0], [0, 0, 1], [0, 0, 0]], dtype=bool)
    >>> transitive_closure(step).astype(int).tolist()
    [[0, 1, 1], [0, 0, 1], [0, 0, 0]]
    """
    reach = np.asarray(step, dtype=bool).copy()
    while True:
        f = reach.astype(np.float32)
        nxt = reach | ((f @ f) > 0)
        if np.array_equal(nxt, reach):
            return reach
        reach = nxt


def is_acyclic(directed: np.ndarray) -> bool:
    """Whether the directed adjacency matrix ``directed`` has no directed cycle.

    Parameters
    ----------
    directed:
        Square boolean matrix; ``directed[u, v]``: an edge ``u --> v``.

    Returns
    -------
    bool

    Notes
    -----
    Kahn's algorithm: remove every node without incoming edges from the remaining
    nodes, round by round; the graph is acyclic iff all nodes get removed.

    Examples
    --------
    >>> import numpy as np
    >>> is_acyclic(np.array([[0, 1], [1, 0]], dtype=bool))
    False
    """
    d = np.asarray(directed, dtype=bool)
    indeg = d.sum(axis=0)
    alive = np.ones(d.shape[0], dtype=bool)
    while True:
        free = np.flatnonzero(alive & (indeg == 0))
        if free.size == 0:
            return not bool(alive.any())
        alive[free] = False
        indeg = indeg - d[free].sum(axis=0)


def has_directed_cycle(marks: np.ndarray) -> bool:
    """Whether the directed edges (tail-arrow) of the mark matrix ``marks`` contain a cycle.

    Examples
    --------
    >>> import numpy as np
    >>> has_directed_cycle(np.array([[0, 2, 1], [1, 0, 2], [2, 1, 0]]))  # 0 --> 1 --> 2 --> 0
    True
    """
    return not is_acyclic(directed_edges(marks))


def find_directed_cycle(directed: np.ndarray) -> list[int] | None:
    """A directed cycle ``[v0, v1, ..., v0]`` of the directed adjacency matrix ``directed``, or ``None``.

    Depth-first search from the nodes in index order, children in index order;
    the first back edge found closes the returned cycle.

    Examples
    --------
    >>> import numpy as np
    >>> find_directed_cycle(np.array([[0, 1, 0], [0, 0, 1], [1, 0, 0]], dtype=bool))
    [0, 1, 2, 0]
    """
    p = directed.shape[0]
    state = np.zeros(p, dtype=np.int8)  # 0 new, 1 on stack, 2 done
    for root in range(p):
        if state[root]:
            continue
        stack = [(root, iter(np.flatnonzero(directed[root]).tolist()))]
        path = [root]
        state[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state[nxt] == 1:
                return path[path.index(nxt):] + [nxt]
            elif state[nxt] == 0:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(np.flatnonzero(directed[nxt]).tolist())))
    return None
