"""FCI's ``possible_dsep="tetrad"`` mode against causal-learn.

Reference: causal-learn's ``causallearn.search.ConstraintBased.FCI.fci`` (version
0.1.4, a port of Tetrad's FCI) run on the same data with the same options
(``fisherz`` or ``gsq``, alpha 0.05, no depth limit, ``node_names`` = our column
names, since its Possible-D-SEP sets are ordered by name). The mode reproduces
its restricted, sequential Possible-D-SEP stage, so the PAGs must be identical.

One causal-learn bug is shown here rather than copied: ``removeByPossibleDsep``
keeps a reference to the list that ``DepthChoiceGenerator.next`` reuses, so it
never tests the first subset of each size and tests the last one twice. Ours
tests every subset (as Tetrad does); with the generator's output copied (the
fix), causal-learn agrees with ours on the case where the bug matters.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pytest

from causalscope.discovery.fci import FCI
from causalscope.graphs import PAG

pytest.importorskip("causallearn")


def _linear_gaussian_with_latents(p: int, n: int, seed: int):
    """Linear-Gaussian data from an ER DAG on ``p + 2`` nodes, two of them hidden
    confounders (the generator of ``tests/discovery/test_fci.py``)."""
    from causalscope.datasets import random_dag, simulate

    rng = np.random.default_rng(seed)
    dag = random_dag(p + 2, expected_degree=2.5, random_state=seed)
    cands = [v for v in dag.nodes if len(dag.children(v)) >= 2]
    latent = list(rng.choice(cands, size=min(2, len(cands)), replace=False))
    return simulate(dag, n, latent=latent, random_state=seed).data


def _causallearn_pag(data, test_name: str) -> PAG:
    from causallearn.search.ConstraintBased.FCI import fci as cl_fci

    from causalscope.graphs.convert import from_causallearn

    names = [str(c) for c in data.columns]
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
        warnings.simplefilter("ignore")
        g, _ = cl_fci(data.to_numpy(float), test_name, 0.05, show_progress=False, node_names=names)
    out = from_causallearn(g, kind="pag")
    assert isinstance(out, PAG)
    return out


class _CopyingGenerator:
    """causal-learn's DepthChoiceGenerator with each choice copied (the bug fix)."""

    def __init__(self, a: int, depth: int) -> None:
        from causallearn.utils.DepthChoiceGenerator import DepthChoiceGenerator

        self._gen = DepthChoiceGenerator(a, depth)

    def next(self):
        choice = self._gen.next()
        return None if choice is None else list(choice)


def _diff(a: PAG, b: PAG) -> set[str]:
    ea = {str(e) for e in a.edges}
    eb = {str(e) for e in b.edges}
    return ea ^ eb


# p = 20 and 50, n = 1,000 and 10,000, seeds 0 and 1.
CASES = [(p, n, seed) for p in (20, 50) for n in (1000, 10_000) for seed in (0, 1)]


@pytest.mark.slow
@pytest.mark.parametrize("p, n, seed", CASES, ids=[f"p{p}-n{n}-s{s}" for p, n, s in CASES])
def test_tetrad_mode_identical_to_causallearn_linear_gaussian(p, n, seed):
    """Reference: causal-learn's fci (fisherz, alpha 0.05) on the same data: the
    same PAG, edge for edge and mark for mark."""
    data = _linear_gaussian_with_latents(p, n, seed)
    ours = FCI(ci_test="fisherz", alpha=0.05, possible_dsep="tetrad").fit(data)
    theirs = _causallearn_pag(data, "fisherz")
    assert _diff(ours.graph_, theirs) == set()
    assert ours.graph_ == theirs


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_tetrad_mode_identical_to_causallearn_discrete_child(seed):
    """Reference: causal-learn's fci with the G-test on discrete data sampled from the
    child network (20 nodes, 2 hidden confounders, 3,000 rows): the same PAG.
    (With seed 1 the selection rules R5-R7 meet conflicting marks; the rules'
    schedule, R1/R2 node by node then R3...R10, makes the same choices.)"""
    from causalscope.datasets import load_network, simulate

    dag = load_network("child").graph
    data = simulate(dag, 3000, discrete=1.0, latent=2, random_state=seed).data
    ours = FCI(ci_test="gsq", alpha=0.05, possible_dsep="tetrad").fit(data)
    assert ours.graph_ == _causallearn_pag(data, "gsq")


def test_causallearn_depth_choice_generator_aliasing():
    """The bug, shown directly: holding the previous choice while asking for the
    next one (as ``removeByPossibleDsep`` does) yields the *next* subset, so the
    first subset of each size is never seen and the last is seen twice."""
    from causallearn.utils.DepthChoiceGenerator import DepthChoiceGenerator

    gen = DepthChoiceGenerator(4, 4)
    seen = []
    choice = gen.next()
    while choice is not None:
        held = choice
        choice = gen.next()
        seen.append(tuple(held))
    size2 = [s for s in seen if len(s) == 2]
    assert (0, 1) not in size2 and size2.count((2, 3)) == 2
    assert (0, 1, 2) not in seen and (0, 2, 3) in seen


@pytest.mark.slow
def test_causallearn_misses_a_separating_set_ours_finds(monkeypatch):
    """Reference: causal-learn on p = 50, n = 1,000, seed 3. The edge X6 - X32 is
    separated by {X52, X5}, the first 2-subset of X32's restricted set
    (X52, X5, X24): ours removes the edge (the p-value is recorded above alpha),
    causal-learn never tests that set and keeps it. With causal-learn's generator
    output copied (the fix), its PAG is identical to ours."""
    import causallearn.search.ConstraintBased.FCI as cl_module

    data = _linear_gaussian_with_latents(50, 1000, 3)
    ours = FCI(ci_test="fisherz", alpha=0.05, possible_dsep="tetrad").fit(data)
    assert ours.pair_possible_dsep_[("X32", "X6")] == ("X52", "X5", "X24")
    assert ours.removed_by_possible_dsep_ == (("X6", "X32"),)
    assert set(ours.sepsets_[("X6", "X32")]) == {"X5", "X52"}
    assert ours.pvalues_[("X6", "X32")] > 0.05
    buggy = _causallearn_pag(data, "fisherz")
    assert buggy.is_adjacent("X6", "X32") and not ours.graph_.is_adjacent("X6", "X32")
    monkeypatch.setattr(cl_module, "DepthChoiceGenerator", _CopyingGenerator)
    fixed = _causallearn_pag(data, "fisherz")
    assert fixed == ours.graph_


@pytest.mark.slow
def test_rule_schedule_under_conflicting_evidence():
    """Reference: causal-learn on p = 20, n = 1,000, seed 1, where the order of the
    rules decides an edge. R1 and R2 both apply to the circle at X16 on X16 o-> X6:
    R1 (X21 *-> X16 o-> X6, X21 and X6 not adjacent) would put a tail there, R2
    (X6 --> X14 *-> X16, X6 *-o X16) an arrowhead. The evidence is contradictory,
    so the first rule to run wins. Sweeping R1 over all nodes before R2 (the
    schedule of ``graphs.apply_fci_rules``) gives X16 --> X6, which with
    X6 --> X14 <-> X16 is not even ancestral; R1 and R2 interleaved node by node
    (FCI's schedule, as causal-learn's) reach X14 before X16 and give X6 <-> X16,
    as causal-learn does."""
    from causalscope.graphs.fci_rules import apply_fci_rules

    data = _linear_gaussian_with_latents(20, 1000, 1)
    ours = FCI(ci_test="fisherz", alpha=0.05, possible_dsep="tetrad").fit(data)
    assert ours.graph_ == _causallearn_pag(data, "fisherz")
    g = ours.graph_
    assert str(g.edge("X6", "X16")) == "X6 <-> X16"
    assert str(g.edge("X6", "X14")) == "X6 --> X14" and str(g.edge("X14", "X16")) == "X14 <-> X16"
    assert not g.is_adjacent("X21", "X6") and str(g.edge("X21", "X16")).endswith("-> X16")
    # the same colliders, closed by the all-R1-then-all-R2 sweep: the tail wins
    marks = g.mark_matrix().copy()
    i, j = g.nodes.index("X6"), g.nodes.index("X16")
    marks[i, j] = 3  # the mark at X16 back to a circle
    swept = apply_fci_rules(marks, discriminating_oracle=lambda path: True, rules=["R1", "R2"])
    assert swept[i, j] == 1 and swept[j, i] == 2  # X16 --> X6


def test_causallearn_possible_dsep_follows_string_hashing():
    """Reference: causal-learn's ``getPossibleDsep`` on a 6-node graph, shown to
    depend on Python's string hashing (a second causal-learn bug, not reproduced).

    x o-> b1 <-o c1, x o-> b2 <-o c2, c1 o-o c2, x o-o y. Both c1 and c2 close a
    collider at a neighbour of x; each has a "possible parent" only in the other
    (b1, b2 are entered by arrowheads), so the one visited second is kept. causal-
    learn visits the neighbours of x by iterating over a Python ``set`` of nodes,
    whose order follows the hashes of the names (PYTHONHASHSEED): over 40 renamings
    of the same graph both answers occur. Ours visits neighbours by column index
    (b1 first, so c1 first), whatever the names: {b1, b2, c2}."""
    from causallearn.graph.Edge import Edge
    from causallearn.graph.Endpoint import Endpoint
    from causallearn.graph.GeneralGraph import GeneralGraph
    from causallearn.graph.GraphNode import GraphNode
    from causallearn.search.ConstraintBased.FCI import getPossibleDsep

    from causalscope.discovery.fci_pds import semidirected_reach as _semidirected_reach
    from causalscope.discovery.fci_pds import tetrad_set as _tetrad_set

    circle, arrow = Endpoint.CIRCLE, Endpoint.ARROW
    shape = [(0, 2, circle, arrow), (4, 2, circle, arrow), (0, 3, circle, arrow), (5, 3, circle, arrow),
             (4, 5, circle, circle), (0, 1, circle, circle)]  # x y b1 b2 c1 c2 = 0..5
    marks = np.zeros((6, 6), dtype=np.int8)
    for u, v, mu, mv in shape:
        marks[v, u] = 3 if mu == circle else 2
        marks[u, v] = 3 if mv == circle else 2
    adj = marks != 0
    ours = _tetrad_set(adj, marks, _semidirected_reach(adj, marks), 0, 1, neighbours_only=False)
    assert ours.tolist() == [2, 3, 5]
    outcomes = set()
    for k in range(40):
        nodes = [GraphNode(f"{r}{k}") for r in ("x", "y", "b1", "b2", "c1", "c2")]
        g = GeneralGraph(nodes)
        for u, v, mu, mv in shape:
            g.add_edge(Edge(nodes[u], nodes[v], mu, mv))
        got = getPossibleDsep(nodes[0], nodes[1], g, -1)
        outcomes.add(frozenset(nodes.index(v) for v in got))
    assert outcomes == {frozenset({2, 3, 5}), frozenset({2, 3, 4})}
