"""Tests of the shared graph kernels: mark codes (graphs.marks), reachability and
cycles (graphs.reach), checked against networkx on random graphs."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalscope.graphs import Endpoint
from causalscope.graphs import marks as mk
from causalscope.graphs.reach import (
    directed_edges,
    find_directed_cycle,
    has_directed_cycle,
    is_acyclic,
    reaches,
    transitive_closure,
)


def test_mark_codes_agree_with_the_endpoint_enum():
    """Reference: Endpoint.code, the codes of MixedGraph.mark_matrix."""
    assert (mk.TAIL, mk.ARROW, mk.CIRCLE) == (Endpoint.TAIL.code, Endpoint.ARROW.code, Endpoint.CIRCLE.code)
    assert mk.NO_EDGE == 0
    assert {Endpoint.from_code(c) for c in (mk.TAIL, mk.ARROW, mk.CIRCLE)} == set(Endpoint)


@st.composite
def step_matrices(draw: st.DrawFn) -> np.ndarray:
    p = draw(st.integers(1, 9))
    density = draw(st.floats(0.0, 0.6))
    seed = draw(st.integers(0, 2**32 - 1))
    a = np.random.default_rng(seed).random((p, p)) < density
    return a


def _nx(a: np.ndarray) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(a.shape[0]))
    g.add_edges_from((int(u), int(v)) for u, v in np.argwhere(a))
    return g


@settings(max_examples=150, deadline=None)
@given(step_matrices(), st.data())
def test_reaches_and_closure_match_networkx(a: np.ndarray, data: st.DataObject) -> None:
    """Reference: networkx reachability (descendants; a cycle through s for s == t)."""
    g = _nx(a)
    p = a.shape[0]
    closure = transitive_closure(a)
    for s in range(p):
        desc = nx.descendants(g, s)
        on_cycle = any(s in nx.descendants(g, v) or v == s for v in g.successors(s))
        want = np.array([(t in desc) if t != s else on_cycle for t in range(p)])
        assert np.array_equal(closure[s], want)
        for t in range(p):
            assert reaches(a, s, t) == bool(want[t])
    blocked = np.array(data.draw(st.lists(st.booleans(), min_size=p, max_size=p)), dtype=bool)
    s, t = data.draw(st.integers(0, p - 1)), data.draw(st.integers(0, p - 1))
    # the walk's inner nodes must be unblocked; t itself is reached even if blocked
    sub = g.subgraph([v for v in range(p) if not blocked[v] or v == s])
    last = {s} | nx.descendants(sub, s)
    want = any(g.has_edge(v, t) for v in last)
    assert reaches(a, s, t, blocked) == want


@settings(max_examples=150, deadline=None)
@given(step_matrices())
def test_acyclicity_and_found_cycles_match_networkx(a: np.ndarray) -> None:
    """Reference: networkx.is_directed_acyclic_graph; a found cycle is a real cycle."""
    np.fill_diagonal(a, False)
    d = a & ~(a & a.T)  # no 2-cycles from mutual edges: keep only one-way edges
    d |= np.triu(a & a.T)  # ... plus one direction of each mutual pair
    acyclic = nx.is_directed_acyclic_graph(_nx(d))
    assert is_acyclic(d) == acyclic
    cycle = find_directed_cycle(d)
    assert (cycle is None) == acyclic
    if cycle is not None:
        assert cycle[0] == cycle[-1] and len(set(cycle[:-1])) == len(cycle) - 1
        assert all(d[u, v] for u, v in zip(cycle[:-1], cycle[1:]))
    m = np.where(d, mk.ARROW, np.where(d.T, mk.TAIL, mk.NO_EDGE))
    assert np.array_equal(directed_edges(m), d)
    assert has_directed_cycle(m) == (not acyclic)


def test_reaches_needs_at_least_one_step():
    """Identity: a node reaches itself only around a cycle."""
    a = np.zeros((2, 2), dtype=bool)
    assert not reaches(a, 0, 0)
    a[0, 1] = a[1, 0] = True
    assert reaches(a, 0, 0)
    assert transitive_closure(a).all()


@pytest.mark.parametrize("p", [0, 1])
def test_tiny_graphs(p):
    a = np.zeros((p, p), dtype=bool)
    assert is_acyclic(a)
    assert find_directed_cycle(a) is None
    assert transitive_closure(a).shape == (p, p)
