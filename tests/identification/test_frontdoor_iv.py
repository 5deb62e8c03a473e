"""Front-door sets and instrumental variables.

Checked against
* brute force over all candidate mediator sets with the definition of the
  front-door criterion (Pearl 1995), and the surgical truth in random latent models
  for the front-door formula (to 1e-10);
* brute force over all ancestral conditioning sets with the definition of a
  conditional instrument (van der Zander, Liśkiewicz & Textor 2015);
* textbook graphs: the smoking/tar/cancer front door; Z -> X -> Y with X <-> Y (IV).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from causalscope.exceptions import InvalidParameterError
from causalscope.graphs import latent_projection, parse_graph
from causalscope.identification import (
    Instrument,
    causal_nodes,
    find_instruments,
    frontdoor_estimand,
    frontdoor_set,
    is_frontdoor_set,
    is_instrument,
)
from causalscope.identification._common import proper_backdoor_graph

from ._models import LatentModel, all_assignments, random_latent_dag


def test_textbook_frontdoor() -> None:
    g = parse_graph("S --> T; T --> C; S <-> C", kind="admg")
    assert frontdoor_set(g, "S", "C") == {"T"}
    assert is_frontdoor_set(g, "S", "C", ["T"])
    # a confounded mediator breaks condition 2; a direct edge breaks condition 1
    assert frontdoor_set(parse_graph("S --> T; T --> C; S <-> C; S <-> T", kind="admg"), "S", "C") is None
    assert frontdoor_set(parse_graph("S --> T; T --> C; S <-> C; S --> C", kind="admg"), "S", "C") is None
    assert str(frontdoor_estimand("S", "C", "T")) == "Σ_{T} P(T | S) Σ_{S'} P(C | S', T) P(S')"


def test_frontdoor_search_is_complete_and_formula_matches_surgery() -> None:
    rng = np.random.default_rng(2)
    n_found = 0
    for _ in range(150):
        dag, lat = random_latent_dag(rng, int(rng.integers(3, 6)), 3, 0.45, 0.3)
        admg = latent_projection(dag, lat)
        obs = [v for v in dag.nodes if v not in lat]
        x, y = (str(v) for v in sorted(rng.choice(obs, 2, replace=False)))
        others = [o for o in obs if o not in (x, y)]
        brute = [m for r in range(1, len(others) + 1) for m in itertools.combinations(others, r) if is_frontdoor_set(admg, x, y, m)]
        found = frontdoor_set(admg, x, y)
        if x in admg.ancestors(y):
            assert (found is None) == (not brute)
        if found is None:
            continue
        n_found += 1
        assert is_frontdoor_set(admg, x, y, found)
        model = LatentModel(dag, lat, rng)
        p = model.table()
        est = frontdoor_estimand(x, y, found)
        for a in all_assignments([x, y], model.card):
            assert abs(est.evaluate(p, a) - model.truth({y: a[y]}, {x: a[x]})) < 1e-10
    assert n_found > 10


def test_textbook_instruments() -> None:
    g = parse_graph("Z --> X; X --> Y; X <-> Y", kind="admg")
    assert is_instrument(g, "X", "Y", "Z")
    assert find_instruments(g, "X", "Y") == [Instrument("Z", frozenset(), "X", "Y")]
    # Z confounded with Y is an instrument only given W, which blocks that path
    g2 = parse_graph("W --> Z; W --> Y; Z --> X; X --> Y; X <-> Y", kind="admg")
    assert not is_instrument(g2, "X", "Y", "Z")
    assert is_instrument(g2, "X", "Y", "Z", ["W"])
    assert [i.to_dict() for i in find_instruments(g2, "X", "Y")] == [
        {"instrument": "Z", "conditioning": ["W"], "treatment": "X", "outcome": "Y"}
    ]
    assert find_instruments(g2, "X", "Y", conditional=False) == []
    with pytest.raises(InvalidParameterError, match="single node"):
        find_instruments(g2, ["X", "W"], "Y")


def test_instrument_search_is_complete_for_ancestral_sets() -> None:
    rng = np.random.default_rng(3)
    n_instruments = 0
    for _ in range(250):
        dag, lat = random_latent_dag(rng, int(rng.integers(3, 7)), 3, 0.45, 0.3)
        admg = latent_projection(dag, lat)
        obs = [v for v in dag.nodes if v not in lat]
        x, y = (str(v) for v in rng.choice(obs, 2, replace=False))
        gc = proper_backdoor_graph(admg, frozenset({x}), causal_nodes(admg, x, y))
        found = {i.instrument: i for i in find_instruments(admg, x, y)}
        for z in obs:
            if z in (x, y):
                continue
            anc = gc.ancestors({x, y, z}, include_self=True)
            cand = [o for o in obs if o in anc and o not in (x, y, z)]
            ok = any(is_instrument(admg, x, y, z, w) for r in range(len(cand) + 1) for w in itertools.combinations(cand, r))
            assert ok == (z in found), (admg, x, y, z)
            if ok:
                n_instruments += 1
                assert is_instrument(admg, x, y, z, found[z].conditioning)
    assert n_instruments > 30
