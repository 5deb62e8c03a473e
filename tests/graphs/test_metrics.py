"""Graph comparison metrics: SHD, adjacency and arrowhead precision/recall/F1.

References used:

* hand-checked examples: each test writes the counts it expects next to the graphs;
* causal-learn (``causallearn.graph.SHD.SHD``, ``AdjacencyConfusion``,
  ``ArrowConfusion``) on random pairs of DAGs, CPDAGs and PAGs (graphs without ADMG
  bows, which causal-learn's confusion counts do not read); our SHD, adjacency and
  arrowhead counts are equal to causal-learn's (``*_ce`` for ``common_adjacencies``);
* cdt's ``SHD(double_for_anticausal=True)``, whose documented formula is the number
  of differing entries of the two adjacency matrices; computed here with numpy and
  checked against the relation documented in ``shd``: ``shd + reversed`` on DAGs.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from causalscope.exceptions import GraphError, InvalidParameterError
from causalscope.graphs import ADMG, CPDAG, DAG, PAG, parse_graph
from causalscope.graphs.ancestral import dag_to_pag
from causalscope.graphs.convert import to_causallearn
from causalscope.graphs.equivalence import dag_to_cpdag
from causalscope.graphs.metrics import (
    GraphComparison,
    PrecisionRecallF1,
    adjacency_scores,
    arrowhead_scores,
    compare_graphs,
    shd,
)


def random_dag(rng: np.random.Generator, p: int, prob: float) -> DAG:
    names = [f"X{i}" for i in range(p)]
    order = rng.permutation(p)
    edges = [
        (names[order[i]], names[order[j]])
        for i in range(p)
        for j in range(i + 1, p)
        if rng.random() < prob
    ]
    return DAG(names, edges)


def counts(s: PrecisionRecallF1) -> tuple[int, int, int]:
    return (s.tp, s.fp, s.fn)


# ---------------------------------------------------------------------- hand-checked examples
def test_dag_against_its_cpdag() -> None:
    true = DAG(edges=["A --> B", "B --> C", "D --> C"])
    est = dag_to_cpdag(true)
    assert est == CPDAG(edges=["A --- B", "B --> C", "D --> C"])
    c = compare_graphs(true, est)
    # pairs: A-B differs (--> vs ---); B-C and D-C agree  => SHD 1, misoriented 1
    assert (c.shd, c.missing, c.extra, c.misoriented, c.reversed) == (1, 0, 0, 1, 0)
    # adjacencies: {AB, BC, CD} in both => tp 3, fp 0, fn 0
    assert counts(c.adjacency) == (3, 0, 0)
    assert (c.adjacency.precision, c.adjacency.recall, c.adjacency.f1) == (1.0, 1.0, 1.0)
    # arrowheads: true (B,A) (C,B) (C,D); est (C,B) (C,D) => tp 2, fp 0, fn 1
    assert counts(c.arrowhead) == (2, 0, 1)
    assert c.arrowhead.precision == 1.0
    assert c.arrowhead.recall == pytest.approx(2 / 3)
    assert c.arrowhead.f1 == pytest.approx(2 * (2 / 3) / (1 + 2 / 3))  # 0.8
    assert (c.true_edges, c.estimated_edges) == (3, 3)


def test_reversed_edge() -> None:
    true = DAG(edges=["A --> B", "B --> C"])
    est = DAG(edges=["A --> B", "C --> B"])
    c = compare_graphs(true, est)
    # pair B-C: B --> C vs C --> B => SHD 1, a reversal
    assert (c.shd, c.missing, c.extra, c.misoriented, c.reversed) == (1, 0, 0, 1, 1)
    assert counts(c.adjacency) == (2, 0, 0)
    # arrowheads: true (B,A) (C,B); est (B,A) (B,C) => tp 1, fp 1, fn 1
    assert counts(c.arrowhead) == (1, 1, 1)
    assert (c.arrowhead.precision, c.arrowhead.recall, c.arrowhead.f1) == (0.5, 0.5, 0.5)


def test_missing_edge() -> None:
    true = DAG(edges=["A --> B", "B --> C", "A --> C"])
    est = DAG(["A", "B", "C"], ["A --> B", "B --> C"])
    c = compare_graphs(true, est)
    # pair A-C missing => SHD 1
    assert (c.shd, c.missing, c.extra, c.misoriented, c.reversed) == (1, 1, 0, 0, 0)
    # adjacencies: true {AB, BC, AC}, est {AB, BC} => tp 2, fp 0, fn 1
    assert counts(c.adjacency) == (2, 0, 1)
    assert c.adjacency.recall == pytest.approx(2 / 3)
    assert c.adjacency.f1 == pytest.approx(0.8)
    # arrowheads: true (B,A) (C,B) (C,A); est (B,A) (C,B) => tp 2, fp 0, fn 1
    assert counts(c.arrowhead) == (2, 0, 1)
    # on common adjacencies {AB, BC} only: true (B,A) (C,B) => tp 2, fp 0, fn 0
    assert counts(arrowhead_scores(true, est, common_adjacencies=True)) == (2, 0, 0)


def test_extra_edge() -> None:
    true = DAG(["A", "B", "C"], ["A --> B"])
    est = DAG(edges=["A --> B", "C --> B"])
    c = compare_graphs(true, est)
    # pair B-C extra => SHD 1
    assert (c.shd, c.missing, c.extra, c.misoriented) == (1, 0, 1, 0)
    # adjacencies: true {AB}, est {AB, BC} => tp 1, fp 1, fn 0: P 1/2, R 1, F1 2/3
    assert counts(c.adjacency) == (1, 1, 0)
    assert (c.adjacency.precision, c.adjacency.recall) == (0.5, 1.0)
    assert c.adjacency.f1 == pytest.approx(2 / 3)
    # arrowheads: true (B,A); est (B,A) (B,C) => tp 1, fp 1, fn 0
    assert counts(c.arrowhead) == (1, 1, 0)
    # common adjacencies {AB}: (B,C) is dropped => tp 1, fp 0, fn 0
    assert counts(arrowhead_scores(true, est, common_adjacencies=True)) == (1, 0, 0)


def test_pag_circles_against_arrows() -> None:
    true = PAG(edges=["A o-> B", "C o-> B", "B --> D"])
    est = PAG(edges=["A o-o B", "C o-> B", "B o-> D"])
    c = compare_graphs(true, est)
    # A-B: o-> vs o-o differ; C-B same; B-D: --> vs o-> differ => SHD 2, both misoriented
    assert (c.shd, c.missing, c.extra, c.misoriented, c.reversed) == (2, 0, 0, 2, 0)
    # arrowheads: true (B,A) (B,C) (D,B); est (B,C) (D,B) => tp 2, fp 0, fn 1
    assert counts(c.arrowhead) == (2, 0, 1)
    assert c.arrowhead.recall == pytest.approx(2 / 3)
    # circles are not arrowheads: an all-circle estimate has no arrowheads at all
    all_circles = PAG(edges=["A o-o B", "C o-o B", "B o-o D"])
    s = arrowhead_scores(true, all_circles)
    # tp 0, fp 0, fn 3 => precision 0/0 with errors present => 0.0, recall 0
    assert counts(s) == (0, 0, 3)
    assert (s.precision, s.recall, s.f1) == (0.0, 0.0, 0.0)
    # and the bidirected edge has an arrowhead at both ends
    s = arrowhead_scores(PAG(edges=["A <-> B"]), PAG(edges=["A o-> B"]))
    # true (A,B) (B,A); est (B,A) => tp 1, fp 0, fn 1
    assert counts(s) == (1, 0, 1)


def test_admg_bows_compare_edge_sets() -> None:
    true = ADMG(edges=["A --> B", "A <-> B", "B --> C"])
    est = ADMG(edges=["A --> B", "B --> C", "A <-> C"])
    c = compare_graphs(true, est)
    # A-B: {-->, <->} vs {-->} differ; B-C same; A-C extra => SHD 2
    assert (c.shd, c.missing, c.extra, c.misoriented, c.reversed) == (2, 0, 1, 1, 0)
    assert (c.true_edges, c.estimated_edges) == (3, 3)  # a bow is two edges
    # adjacencies: true {AB, BC}, est {AB, BC, AC} => tp 2, fp 1, fn 0
    assert counts(c.adjacency) == (2, 1, 0)
    # arrowheads: true (B,A) (A,B) (C,B); est (B,A) (C,B) (C,A) (A,C) => tp 2, fp 2, fn 1
    assert counts(c.arrowhead) == (2, 2, 1)
    assert shd(true, true) == 0
    assert shd(true, ADMG(edges=["A <-> B", "B --> C"])) == 1  # bow vs bidirected alone


def test_dag_vs_cpdag_compared_as_given() -> None:
    true = DAG(edges=["A --> B", "B --> C"])
    est = CPDAG(edges=["A --- B", "B --- C"])
    # both pairs have --> in the truth and --- in the estimate => SHD 2
    assert shd(true, est) == 2
    assert shd(dag_to_cpdag(true), est) == 0


def test_empty_graphs_and_zero_division() -> None:
    empty = DAG(["A", "B", "C"], [])
    c = compare_graphs(empty, empty)
    # nothing to find and nothing found => perfect
    assert c.shd == 0
    assert (c.adjacency.precision, c.adjacency.recall, c.adjacency.f1) == (1.0, 1.0, 1.0)
    assert (c.arrowhead.precision, c.arrowhead.recall, c.arrowhead.f1) == (1.0, 1.0, 1.0)
    full = DAG(edges=["A --> B", "B --> C"])
    # empty estimate of a non-empty truth: tp 0, fp 0, fn 2 => precision 0/0 -> 0
    s = adjacency_scores(full, empty)
    assert (s.precision, s.recall, s.f1, s.fn) == (0.0, 0.0, 0.0, 2)
    # only wrong edges against an empty truth: tp 0, fp 2, fn 0 => recall 0/0 -> 0
    s = adjacency_scores(empty, full)
    assert (s.precision, s.recall, s.f1, s.fp) == (0.0, 0.0, 0.0, 2)


def test_precision_recall_from_counts() -> None:
    s = PrecisionRecallF1.from_counts(tp=3, fp=1, fn=2)
    # P = 3/4, R = 3/5, F1 = 2PR/(P+R) = 2*0.45/1.35 = 2/3
    assert (s.precision, s.recall) == (0.75, 0.6)
    assert s.f1 == pytest.approx(2 / 3)
    assert s.to_dict() == {"precision": 0.75, "recall": 0.6, "f1": s.f1, "tp": 3, "fp": 1, "fn": 2}
    with pytest.raises(InvalidParameterError, match="fp must be a non-negative integer; got -1"):
        PrecisionRecallF1.from_counts(tp=1, fp=-1, fn=0)
    with pytest.raises(InvalidParameterError, match="tp must be a non-negative integer; got 1.5"):
        PrecisionRecallF1.from_counts(tp=1.5, fp=0, fn=0)  # type: ignore[arg-type]
    assert PrecisionRecallF1.from_counts(tp=np.int64(2), fp=0, fn=0).tp == 2
    with pytest.raises(AttributeError):
        s.tp = 4  # type: ignore[misc]  # frozen


def test_node_order_does_not_matter() -> None:
    true = DAG(["A", "B", "C"], ["A --> B", "B --> C"])
    est = DAG(["C", "B", "A"], ["A --> B", "C --> B"])
    assert shd(true, est) == 1
    assert compare_graphs(true, est) == compare_graphs(
        true, DAG(["A", "B", "C"], ["A --> B", "C --> B"])
    )


def test_different_nodes_raise_naming_them() -> None:
    with pytest.raises(GraphError, match=r"only in the true graph: \['C'\]; only in the estimated graph: \['Z'\]"):
        shd(DAG(["A", "B", "C"], []), DAG(["A", "B", "Z"], []))
    with pytest.raises(GraphError, match=r"only in the estimated graph: \['D'\]"):
        compare_graphs(DAG(["A"], []), DAG(["A", "D"], []))
    for fn in (adjacency_scores, arrowhead_scores):
        with pytest.raises(GraphError, match="same nodes"):
            fn(DAG(["A"], []), DAG(["B"], []))
    with pytest.raises(InvalidParameterError, match=r"estimated must be a causalscope graph \(.*\); got str"):
        shd(DAG(["A"], []), "A --> B")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="true must be a causalscope graph"):
        compare_graphs(None, DAG(["A"], []))  # type: ignore[arg-type]


def test_comparison_to_dict_and_summary() -> None:
    c = compare_graphs(DAG(edges=["A --> B", "B --> C", "A --> C"]), DAG(edges=["A --> B", "C --> B"]))
    d = c.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["shd"] == 2 and d["missing"] == 1 and d["reversed"] == 1
    assert d["adjacency"] == c.adjacency.to_dict()
    assert isinstance(c, GraphComparison)
    text = c.summary()
    assert "SHD: 2 (missing 1, extra 0, misoriented 1, of which reversed 1)" in text
    lines = text.splitlines()
    adj = next(line for line in lines if line.startswith("adjacency"))
    assert adj.split() == ["adjacency", "1.000", "0.667", "0.800", "2", "0", "1"]
    ah = next(line for line in lines if line.startswith("arrowhead"))
    # true (B,A) (C,B) (C,A); est (B,A) (B,C) => tp 1, fp 1, fn 2
    assert ah.split() == ["arrowhead", "0.500", "0.333", "0.400", "1", "1", "2"]


# ---------------------------------------------------------------------- properties
@pytest.mark.parametrize("seed", range(20))
def test_invariants_on_random_dags(seed: int) -> None:
    rng = np.random.default_rng(seed)
    p = int(rng.integers(2, 9))
    a, b = random_dag(rng, p, 0.4), random_dag(rng, p, 0.4)
    c = compare_graphs(a, b)
    assert c.shd == c.missing + c.extra + c.misoriented
    assert c.shd == shd(b, a)  # symmetric
    assert shd(a, a) == 0 and compare_graphs(a, a).adjacency.f1 == 1.0
    assert c.missing == c.adjacency.fn and c.extra == c.adjacency.fp
    # DAG vs DAG: every misorientation is a reversal
    assert c.misoriented == c.reversed
    # swapping the roles swaps precision and recall
    r = compare_graphs(b, a)
    assert (r.adjacency.precision, r.adjacency.recall) == (c.adjacency.recall, c.adjacency.precision)
    assert (r.arrowhead.tp, r.arrowhead.fp, r.arrowhead.fn) == (c.arrowhead.tp, c.arrowhead.fn, c.arrowhead.fp)


# ---------------------------------------------------------------------- reference: causal-learn
def _pairs(kind: str, seed: int) -> tuple:
    rng = np.random.default_rng(1000 + seed)
    p = int(rng.integers(3, 9))
    a, b = random_dag(rng, p, 0.35), random_dag(rng, p, 0.35)
    if kind == "dag":
        return a, b
    if kind == "cpdag":
        return dag_to_cpdag(a), dag_to_cpdag(b)
    latent = [f"X{p - 1}"]
    return dag_to_pag(a, latent=latent), dag_to_pag(b, latent=latent)


@pytest.mark.parametrize("kind", ["dag", "cpdag", "pag"])
@pytest.mark.parametrize("seed", range(10))
def test_matches_causal_learn(kind: str, seed: int) -> None:
    from causallearn.graph.AdjacencyConfusion import AdjacencyConfusion
    from causallearn.graph.ArrowConfusion import ArrowConfusion
    from causallearn.graph.SHD import SHD

    a, b = _pairs(kind, seed)
    ca, cb = to_causallearn(a), to_causallearn(b)
    assert shd(a, b) == SHD(ca, cb).get_shd()
    adj = AdjacencyConfusion(ca, cb)
    assert counts(adjacency_scores(a, b)) == (adj.get_adj_tp(), adj.get_adj_fp(), adj.get_adj_fn())
    arrows = ArrowConfusion(ca, cb)
    assert counts(arrowhead_scores(a, b)) == (
        arrows.get_arrows_tp(),
        arrows.get_arrows_fp(),
        arrows.get_arrows_fn(),
    )
    assert counts(arrowhead_scores(a, b, common_adjacencies=True)) == (
        arrows.get_arrows_tp_ce(),
        arrows.get_arrows_fp_ce(),
        arrows.get_arrows_fn_ce(),
    )


def test_causal_learn_shd_on_a_hand_example() -> None:
    from causallearn.graph.SHD import SHD

    a = parse_graph("A --> B; B --> C; A --> C", kind="dag")
    b = parse_graph("A --> B; C --> B", kind="dag")
    # one missing (A-C) and one reversed (B-C): 2 in both conventions
    assert shd(a, b) == SHD(to_causallearn(a), to_causallearn(b)).get_shd() == 2


# ---------------------------------------------------------------------- reference: cdt's formula
@pytest.mark.parametrize("seed", range(10))
def test_cdt_double_counting_relation(seed: int) -> None:
    rng = np.random.default_rng(2000 + seed)
    p = int(rng.integers(2, 9))
    a, b = random_dag(rng, p, 0.4), random_dag(rng, p, 0.4)
    # cdt.metrics.SHD(double_for_anticausal=True): sum of |A_true - A_est| over adjacency matrices
    cdt_double = int(np.abs(a.directed_matrix().astype(int) - b.directed_matrix().astype(int)).sum())
    c = compare_graphs(a, b)
    assert cdt_double == c.shd + c.reversed
