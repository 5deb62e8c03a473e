"""Identification from a learned class (CPDAG, PAG) and the ``identify`` entry point.

Checked against
* all DAGs of a CPDAG's class (``enumerate_dags``): identified iff one set is valid
  in every member or the graph is amenable without one (then Perković's 2020 causal
  identification formula), and the formula is the surgical truth in each member;
* the true latent-variable model behind a PAG (``dag_to_pag``): whenever the PAG
  says identified, the adjustment formula equals the surgical truth in that model;
* textbook verdicts: X --- Y is undecided (the edge decides it); a visible edge
  X --> Y (A o-> X, A not adjacent to Y) is identified (Zhang 2008, Perković et al. 2018).
"""

from __future__ import annotations

import numpy as np
import pytest

from causalscope.exceptions import InvalidParameterError, NotIdentifiableError
from causalscope.graphs import DAG, dag_to_cpdag, dag_to_pag, enumerate_dags, parse_graph
from causalscope.identification import ClassIdentification, identify, identify_in_class, is_adjustment_set

from ._models import LatentModel, all_assignments, random_latent_dag


def test_cpdag_examples() -> None:
    r = identify_in_class(parse_graph("X --- Y", kind="cpdag"), "X", "Y")
    assert not r.identified and r.deciding_edges == ("X --- Y",) and "amenable" in r.reason
    r = identify_in_class(parse_graph("A --> X; B --> X; X --> Y; A --> Y", kind="cpdag"), "X", "Y")
    assert r.identified and r.adjustment_set == {"A"}
    assert str(r.estimand) == "Σ_{A} P(Y | A, X) P(A)"
    assert set(r.to_dict()) >= {"identified", "adjustment_set", "deciding_edges", "reason"}


def test_cpdag_verdicts_agree_with_every_member() -> None:
    rng = np.random.default_rng(6)
    n_identified = n_formula = 0
    for _ in range(60):
        n = int(rng.integers(3, 6))
        nodes = [f"V{i}" for i in range(n)]
        dag = DAG(nodes, [(nodes[i], nodes[j]) for i in range(n) for j in range(i + 1, n) if rng.random() < 0.5])
        cpdag = dag_to_cpdag(dag)
        x, y = (str(v) for v in rng.choice(nodes, 2, replace=False))
        r = identify_in_class(cpdag, x, y)
        members = list(enumerate_dags(cpdag))
        if not r.identified:
            assert r.deciding_edges or r.amenable
            continue
        n_identified += 1
        n_formula += r.adjustment_set is None
        for member in members:
            if r.adjustment_set is not None:
                assert r.method == "adjustment" and is_adjustment_set(member, x, y, r.adjustment_set)
            else:  # amenable without adjustment set: Perković's (2020) causal identification formula,
                # labelled a null effect when Y is a possible descendant of X in no member
                assert r.method in ("causal_identification_formula", "null_effect")
            model = LatentModel(member, set(), rng)
            p = model.table()
            for a in all_assignments([x, y], model.card):
                assert abs(r.estimand.evaluate(p, a) - model.truth({y: a[y]}, {x: a[x]})) < 1e-10
    assert n_identified > 15 and n_formula > 0


def test_cpdag_without_adjustment_set_uses_the_causal_identification_formula() -> None:
    # issue 17: Y --> X leaves no adjustment set, yet P(Y | do(X)) = P(Y) in the (one-member) class
    g = parse_graph("Y --> X; Z --> X", kind="cpdag")
    r = identify_in_class(g, "X", "Y")
    assert r.identified and r.amenable and r.adjustment_set is None
    # no possibly directed path X -> Y: the formula reduces to P(Y), labelled a null effect
    assert r.method == "null_effect" and str(r.estimand) == "P(Y)"
    assert "(multiple)" not in r.reason
    assert r.to_dict()["method"] == "null_effect"
    res = identify(g, "X", "Y")
    assert str(res) == "P(Y | do(X)) = P(Y)" and res.method == "null_effect"
    assert res.adjustment_set is None and res.to_dict()["estimand"]["text"] == "P(Y)"
    with pytest.raises(NotIdentifiableError, match="no adjustment set .* for this treatment"):
        identify(g, "X", "Y", method="adjustment")
    # two treatments: Z lies on X1 --> Z --> Y and confounds X2 --> Y, so no set works
    g2 = parse_graph("A --> X1; B --> X1; X1 --> Z; Z --> X2; W --> X2; X2 --> Y; Z --> Y", kind="cpdag")
    r2 = identify_in_class(g2, ["X1", "X2"], "Y")
    assert r2.method == "causal_identification_formula" and "for these 2 treatments" in r2.reason
    assert str(r2.estimand) == "Σ_{Z} P(Z | X1) P(Y | X2, Z)"
    # undirected buckets: U --- W is summed out as one factor
    g3 = parse_graph("A --> X1; B --> X1; X1 --> Z; Z --> Y; Y --> X2; W --> Y; U --- W", kind="cpdag")
    assert str(identify(g3, ["X1", "X2"], "Y").estimand) == "Σ_{W, Z} P(W) P(Z | X1) P(Y | W, Z)"


def test_causal_identification_formula_direct() -> None:
    from causalscope.exceptions import GraphError
    from causalscope.identification import causal_identification_formula

    with pytest.raises(NotIdentifiableError, match="X --- Y") as info:
        causal_identification_formula(parse_graph("X --- Y", kind="cpdag"), "X", "Y")
    assert info.value.witness == ("X --- Y",)
    with pytest.raises(GraphError, match="o->"):
        causal_identification_formula(parse_graph("X o-> Y", kind="pag"), "X", "Y")
    # a DAG is a class of one: the formula is its truncated factorisation, marginalised
    assert str(causal_identification_formula(parse_graph("Z --> X; Z --> Y; X --> Y"), "X", "Y")) == (
        "Σ_{Z} P(Z) P(Y | X, Z)"
    )
    # a PDAG with a background orientation is first closed under Meek's rules (R1: X --> Y)
    pdag = parse_graph("A --> X; X --- Y", kind="cpdag")
    assert str(causal_identification_formula(pdag, "X", "Y")) == "P(Y | X)"
    assert identify_in_class(pdag, "X", "Y").identified


def test_non_amenable_reason_counts_treatments() -> None:
    r = identify_in_class(parse_graph("X1 --- Y; X2 --- Y", kind="cpdag"), ["X1", "X2"], "Y")
    assert not r.identified and r.method is None and "for these 2 treatments" in r.reason


def test_pag_null_effect() -> None:
    # Y o-> X <-o Z: no possibly directed path X ~> Y, and no set can block a possible Y <-> X
    g = parse_graph("Y o-> X; Z o-> X", kind="pag")
    r = identify_in_class(g, "X", "Y")
    assert r.identified and r.method == "null_effect" and str(r.estimand) == "P(Y)" and r.adjustment_set is None
    res = identify(g, "X", "Y")
    assert str(res) == "P(Y | do(X)) = P(Y)" and res.method == "null_effect"
    # the reverse query has a possibly causal path and stays undecided
    r = identify_in_class(parse_graph("X o-> Y; Z o-> Y", kind="pag"), "X", "Y")
    assert not r.identified and r.deciding_edges == ("X o-> Y",) and "for this treatment" in r.reason


def test_pag_examples() -> None:
    # A o-> X --> Y with A not adjacent to Y: the edge X --> Y is visible
    r = identify_in_class(parse_graph("A o-> X; X --> Y", kind="pag"), "X", "Y")
    assert r.identified and r.adjustment_set == frozenset()
    # X --> Y without such a witness is not visible: a latent confounder is possible
    r = identify_in_class(parse_graph("X --> Y", kind="pag"), "X", "Y")
    assert not r.identified and r.deciding_edges == ("X --> Y",)
    r = identify_in_class(parse_graph("X o-> Y", kind="pag"), "X", "Y")
    assert not r.identified and r.deciding_edges == ("X o-> Y",)


def test_pag_verdicts_are_sound_for_the_true_model() -> None:
    rng = np.random.default_rng(5)
    n_identified = n_null = 0
    for _ in range(200):
        dag, lat = random_latent_dag(rng, int(rng.integers(3, 7)), 2, 0.4, 0.15)
        obs = [v for v in dag.nodes if v not in lat]
        pag = dag_to_pag(dag, lat)
        x, y = (str(v) for v in rng.choice(obs, 2, replace=False))
        r = identify_in_class(pag, x, y)
        if not r.identified:
            continue
        n_identified += 1
        n_null += r.method == "null_effect"
        model = LatentModel(dag, lat, rng)
        p = model.table()
        for a in all_assignments([x, y], model.card):
            assert abs(r.estimand.evaluate(p, a) - model.truth({y: a[y]}, {x: a[x]})) < 1e-10
    assert n_identified > 40 and n_null > 5


def test_identify_entry_point() -> None:
    res = identify(parse_graph("Z --> X; Z --> Y; X --> Y"), "X", "Y")
    assert res.method == "adjustment" and res.adjustment_set == {"Z"}
    assert str(res) == "P(Y | do(X)) = Σ_{Z} P(Y | X, Z) P(Z)"
    assert res.to_latex().startswith(r"P(Y \mid \mathrm{do}(X)) = \sum_{Z}")
    fd = parse_graph("S --> T; T --> C; S <-> C", kind="admg")
    assert identify(fd, "S", "C").method == "frontdoor"
    assert identify(fd, "S", "C", method="id").method == "id"
    napkin = parse_graph("W1 --> W2; W2 --> X; X --> Y; W1 <-> X; W1 <-> Y", kind="admg")
    assert identify(napkin, "X", "Y").method == "id"
    cond = identify(fd, "S", "C", given="T")
    assert cond.method == "idc" and str(cond) == "P(C | do(S), T) = Σ_{S'} P(S') P(C | S', T)"
    with pytest.raises(NotIdentifiableError, match="no backdoor set"):
        identify(fd, "S", "C", method="backdoor")
    with pytest.raises(NotIdentifiableError) as info:
        identify(parse_graph("X --- Y", kind="cpdag"), "X", "Y")
    assert isinstance(info.value.witness, ClassIdentification)
    with pytest.raises(InvalidParameterError, match="method"):
        identify(fd, "S", "C", method="magic")  # type: ignore[arg-type]
    d = identify(fd, "S", "C").to_dict()
    assert d["mediators"] == ["T"] and d["estimand"]["text"].startswith("Σ_{T}")


def test_estimator_form() -> None:
    from causalscope.identification import EffectIdentifier

    g = parse_graph("S --> T; T --> C; S <-> C", kind="admg")
    ident = EffectIdentifier(method="id")
    assert ident.fit(g, treatment="S", outcome="C") is ident
    assert ident.result_.method == "id" and ident.get_params() == {"method": "id"}
    with pytest.raises(InvalidParameterError, match="method"):
        EffectIdentifier(method="nope").fit(g, treatment="S", outcome="C")  # type: ignore[arg-type]


def test_dag_without_causal_path_and_no_adjustment_set_is_a_null_effect():
    # y --> x: the back-door path x <-- y cannot be blocked, and the front-door criterion would hold only
    # vacuously (z intercepts the no directed paths); the answer is P(y), as ID's first line gives
    from causalscope.graphs import parse_graph
    from causalscope.identification import id_algorithm, identify

    g = parse_graph("y --> x; x --> z")
    res = identify(g, "x", "y")
    assert res.method == "null_effect" and str(res) == "P(y | do(x)) = P(y)"
    assert str(res.estimand) == str(id_algorithm(g, "x", "y"))
    # with an adjustment set the adjustment formula still comes first (it lets the data check the null)
    assert identify(parse_graph("a --> x; y --> z; x --> z"), "x", "y").method == "adjustment"
