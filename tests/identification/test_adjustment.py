"""Adjustment: backdoor sets, the generalized adjustment criterion, minimal and optimal sets.

Checked against
* the interventional truth (surgery in random latent-variable models): every set our
  criterion accepts gives the true P(y | do(x)) by the adjustment formula, and every
  set it rejects does not (so the criterion is sound and complete on these graphs);
* brute force over all subsets (listing, existence, minimality);
* all DAGs of a CPDAG's Markov equivalence class (``enumerate_dags``): a set is
  valid in the CPDAG iff it is valid in every member; amenability iff some set is;
* pgmpy's ``CausalInference.get_all_backdoor_adjustment_sets`` on random DAGs;
* Henckel, Perković & Maathuis (2022), Example 1-style graph for the O-set.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

from causalscope.datasets import list_dagitty, load_dagitty, random_dag
from causalscope.exceptions import GraphError, InvalidParameterError, NotIdentifiableError
from causalscope.graphs import DAG, d_separated, dag_to_cpdag, enumerate_dags, latent_projection, parse_graph
from causalscope.identification import (
    adjustment_estimand,
    adjustment_set,
    adjustment_sets,
    amenability_violations,
    backdoor_sets,
    causal_nodes,
    forbidden_set,
    is_adjustment_set,
    is_backdoor_set,
    minimal_adjustment_set,
    optimal_adjustment_set,
)

from ._models import LatentModel, all_assignments, random_latent_dag

TOL = 1e-10


def subsets(nodes: list[str]) -> list[tuple[str, ...]]:
    return [z for r in range(len(nodes) + 1) for z in itertools.combinations(nodes, r)]


def test_criterion_agrees_with_surgery_on_random_latent_models() -> None:
    rng = np.random.default_rng(1)
    n_valid = n_invalid = 0
    for _ in range(60):
        dag, lat = random_latent_dag(rng, int(rng.integers(3, 6)), 3, 0.5, 0.25)
        model = LatentModel(dag, lat, rng)
        admg = latent_projection(dag, lat)
        obs = list(model.observed)
        x, y = (str(v) for v in rng.choice(obs, 2, replace=False))
        p = model.table()
        others = [o for o in obs if o not in (x, y)]
        for z in subsets(others):
            e = adjustment_estimand(x, y, z)
            err = max(abs(e.evaluate(p, a) - model.truth({y: a[y]}, {x: a[x]})) for a in all_assignments([x, y], model.card))
            if is_adjustment_set(admg, x, y, z):
                n_valid += 1
                assert err < TOL, (admg, x, y, z)
            else:
                n_invalid += 1
                assert err > 1e-6, (admg, x, y, z)  # random CPTs: a wrong formula is visibly wrong
            if is_backdoor_set(admg, x, y, z):
                assert is_adjustment_set(admg, x, y, z)  # backdoor sets are adjustment sets
        listed = adjustment_sets(admg, x, y, limit=None)
        brute = [frozenset(z) for z in subsets(others) if is_adjustment_set(admg, x, y, z)]
        assert sorted(map(sorted, listed)) == sorted(map(sorted, brute))
        constructive = adjustment_set(admg, x, y)
        minimal = minimal_adjustment_set(admg, x, y)
        assert (constructive is None) == (not brute) == (minimal is None)
        if minimal is not None:
            assert minimal in brute and not any(b < minimal for b in brute)
            minimal_listed = adjustment_sets(admg, x, y, minimal=True, limit=None)
            assert set(minimal_listed) == {b for b in brute if not any(c < b for c in brute)}
    assert n_valid > 50 and n_invalid > 50


def test_optimal_set_is_valid_and_matches_definition() -> None:
    # Henckel, Perković & Maathuis (2022): O(X, Y) = pa(cn(X, Y)) \ forb(X, Y)
    g = DAG(edges=["A --> X", "Z --> X", "Z --> Y", "X --> M", "M --> Y", "B --> M", "C --> Y", "Y --> D"])
    assert causal_nodes(g, "X", "Y") == {"M", "Y"}
    assert forbidden_set(g, "X", "Y") == {"X", "M", "Y", "D"}
    assert optimal_adjustment_set(g, "X", "Y") == {"Z", "B", "C"}
    assert minimal_adjustment_set(g, "X", "Y") == {"Z"}
    rng = np.random.default_rng(3)
    for _ in range(80):
        dag, _lat = random_latent_dag(rng, int(rng.integers(3, 7)), 0, 0.45, 0.0)
        x, y = (str(v) for v in rng.choice(list(dag.nodes), 2, replace=False))
        o = optimal_adjustment_set(dag, x, y)
        a = adjustment_set(dag, x, y)
        assert (o is None) == (a is None)
        if o is not None:
            assert is_adjustment_set(dag, x, y, o)


def test_cpdag_validity_equals_validity_in_every_member() -> None:
    rng = np.random.default_rng(4)
    n_checked = 0
    for _ in range(80):
        n = int(rng.integers(3, 7))
        nodes = [f"V{i}" for i in range(n)]
        dag = DAG(nodes, [(nodes[i], nodes[j]) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.45])
        cpdag = dag_to_cpdag(dag)
        x, y = (str(v) for v in rng.choice(nodes, 2, replace=False))
        members = list(enumerate_dags(cpdag))
        others = [v for v in nodes if v not in (x, y)]
        in_all = {z: all(is_adjustment_set(d, x, y, z) for d in members) for z in subsets(others)}
        if amenability_violations(cpdag, x, y):
            assert not any(in_all.values())
            with pytest.raises(NotIdentifiableError, match="amenable"):
                is_adjustment_set(cpdag, x, y, ())
            continue
        for z, expected in in_all.items():
            assert is_adjustment_set(cpdag, x, y, z) == expected
            n_checked += 1
        a = adjustment_set(cpdag, x, y)
        assert (a is not None) == any(in_all.values())
        o = optimal_adjustment_set(cpdag, x, y)
        if o is not None:
            assert in_all[tuple(v for v in others if v in o)]
    assert n_checked > 200


@pytest.mark.filterwarnings("ignore")
def test_backdoor_sets_agree_with_pgmpy() -> None:
    """pgmpy returns the inclusion-minimal backdoor sets, and the empty collection when
    the empty set already works."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from pgmpy.inference import CausalInference
        from pgmpy.models import DiscreteBayesianNetwork

    rng = np.random.default_rng(0)
    compared = 0
    for _ in range(100):
        k = int(rng.integers(4, 8))
        nodes = [f"V{i}" for i in range(k)]
        edges = [(nodes[i], nodes[j]) for i in range(k) for j in range(i + 1, k) if rng.random() < 0.4]
        dag = DAG(nodes, edges)
        x, y = (str(v) for v in sorted(rng.choice(nodes, 2, replace=False)))
        if x not in dag.ancestors(y):
            continue
        model = DiscreteBayesianNetwork(edges)
        model.add_nodes_from(nodes)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs = set(CausalInference(model).get_all_backdoor_adjustment_sets(x, y))
        ours_all = set(backdoor_sets(dag, x, y, limit=None))
        ours_min = set(backdoor_sets(dag, x, y, minimal=True, limit=None))
        assert theirs == (set() if frozenset() in ours_all else ours_min)
        compared += 1
    assert compared > 30


@pytest.mark.parametrize("name", [n for n in list_dagitty() if n != "Sebastiani_2005"])
def test_dagitty_examples_adjustment_matches_surgery(name: str) -> None:
    """dagitty example diagrams (Textor et al. 2016): the optimal / minimal set evaluated on
    a random binary model over the observed nodes gives the surgical truth."""
    ex = load_dagitty(name)
    g = ex.graph
    x, y = ex.exposure[0], ex.outcome[0]
    if g.kind == "admg":
        from .test_id_algorithm import expand_latents

        dag, lat = expand_latents(g)
        admg = g
    else:
        dag, lat = g, set(ex.latent)
        admg = latent_projection(g, lat)
    sets = [minimal_adjustment_set(admg, x, y), adjustment_set(admg, x, y)]
    if not any(e.is_bidirected for e in admg.edges):
        sets.append(optimal_adjustment_set(admg, x, y))
    model = LatentModel(dag, lat, np.random.default_rng(7))
    p = model.table()
    for z in sets:
        assert z is not None
        e = adjustment_estimand(x, y, z)
        for a in all_assignments([x, y], model.card):
            assert abs(e.evaluate(p, a) - model.truth({y: a[y]}, {x: a[x]})) < 1e-9


def test_large_graph_runs_constructively() -> None:
    """100 nodes: constructive set, minimal, optimal and the first 50 listed sets (no
    exponential search). Timing is measured in benchmarks/, not asserted here."""
    g = random_dag(100, expected_degree=4.0, random_state=3)
    order = g.topological_order()
    x = next(v for v in order if len(g.descendants(v)) > 20)
    y = sorted(g.descendants(x), key=order.index)[-1]
    z = adjustment_set(g, x, y)
    assert z is not None and is_adjustment_set(g, x, y, z)
    m = minimal_adjustment_set(g, x, y)
    o = optimal_adjustment_set(g, x, y)
    assert is_adjustment_set(g, x, y, m) and is_adjustment_set(g, x, y, o)
    listed = adjustment_sets(g, x, y, limit=50)
    assert len(listed) == 50 and len(set(listed)) == 50
    assert all(is_adjustment_set(g, x, y, s) for s in listed[:10])


def test_bad_input() -> None:
    g = DAG(edges=["Z --> X", "X --> Y", "Z --> Y"])
    with pytest.raises(InvalidParameterError, match="disjoint"):
        is_adjustment_set(g, "X", "X", [])
    with pytest.raises(GraphError, match="'W'"):
        is_adjustment_set(g, "X", "Y", ["W"])
    # The same validation as graphs.separation (one shared helper): same message.
    with pytest.raises(GraphError) as ident:
        adjustment_sets(g, "X", ["Y", "W", "V"])
    with pytest.raises(GraphError) as sep:
        d_separated(g, "X", ["Y", "W", "V"])
    assert str(ident.value) == str(sep.value).replace(" in y;", " in outcome;")
    assert str(ident.value).startswith("unknown nodes ['W', 'V'] in outcome;")
    with pytest.raises(InvalidParameterError, match=r"must not contain.*\['Y'\]"):
        is_adjustment_set(g, "X", "Y", ["Y"])
    with pytest.raises(InvalidParameterError, match="criterion"):
        is_adjustment_set(g, "X", "Y", [], criterion="nope")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="limit"):
        adjustment_sets(g, "X", "Y", limit=0)
    with pytest.raises(GraphError, match="PAG"):
        is_adjustment_set(parse_graph("X o-> Y"), "X", "Y", [])
    with pytest.raises(GraphError, match="latent confounding"):
        optimal_adjustment_set(parse_graph("X --> Y; X <-> Y", kind="admg"), "X", "Y")
    # no adjustment set in the bow graph
    assert adjustment_set(parse_graph("X --> Y; X <-> Y", kind="admg"), "X", "Y") is None


def test_dagitty_sebastiani_large_graph_with_exact_inference() -> None:
    """Sebastiani et al. (2005), 36 nodes (dagitty example): too large for a brute-force
    joint, so the truth P(y | do(x)) and the observed marginal over (X, Y, Z) come from
    exact variable elimination in a random binary network (causalscope.scm)."""
    from causalscope.scm import CPT, DiscreteBN

    ex = load_dagitty("Sebastiani_2005")
    g = ex.graph
    x, y = ex.exposure[0], ex.outcome[0]
    rng = np.random.default_rng(11)
    states = {v: ("0", "1") for v in g.nodes}
    cpts = []
    for v in g.nodes:
        pa = tuple(sorted(g.parents(v)))
        t = rng.dirichlet([1.0, 1.0], size=2 ** len(pa)).reshape([2] * len(pa) + [2])
        cpts.append(CPT(v, pa, states, 0.05 + 0.9 * t))
    bn = DiscreteBN.from_cpts(cpts)
    for z in (minimal_adjustment_set(g, x, y), optimal_adjustment_set(g, x, y)):
        assert z is not None
        observed = bn.marginal([x, y, *sorted(z)])
        e = adjustment_estimand(x, y, z)
        for s in ("0", "1"):
            truth = bn.distribution([y], interventions={x: s}).probability({y: "1"})
            assert abs(e.evaluate(observed, {x: s, y: "1"}) - truth) < 1e-9
