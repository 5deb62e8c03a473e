"""Identification from a learned class (CPDAG, PAG) and the ``identify`` entry point.

Checked against
* all DAGs of a CPDAG's class (``enumerate_dags``): identified iff one set is valid
  in every member, and that set's formula is the surgical truth in each member;
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
    n_identified = 0
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
        for member in members:
            assert is_adjustment_set(member, x, y, r.adjustment_set)
            model = LatentModel(member, set(), rng)
            p = model.table()
            for a in all_assignments([x, y], model.card):
                assert abs(r.estimand.evaluate(p, a) - model.truth({y: a[y]}, {x: a[x]})) < 1e-10
    assert n_identified > 15


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
    n_identified = 0
    for _ in range(200):
        dag, lat = random_latent_dag(rng, int(rng.integers(3, 7)), 2, 0.4, 0.15)
        obs = [v for v in dag.nodes if v not in lat]
        pag = dag_to_pag(dag, lat)
        x, y = (str(v) for v in rng.choice(obs, 2, replace=False))
        r = identify_in_class(pag, x, y)
        if not r.identified:
            continue
        n_identified += 1
        model = LatentModel(dag, lat, rng)
        p = model.table()
        for a in all_assignments([x, y], model.card):
            assert abs(r.estimand.evaluate(p, a) - model.truth({y: a[y]}, {x: a[x]})) < 1e-10
    assert n_identified > 40


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
