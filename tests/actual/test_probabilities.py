"""Probabilities of causation: Tian–Pearl closed forms vs published numbers, an LP over response types,
and the true PN/PS/PNS of simulated models (hypothesis)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from causalscope.actual import (
    Experimental,
    Observational,
    pc_bounds,
    pc_bounds_lp,
    pc_exogenous_monotonic,
    pc_monotonic,
)
from causalscope.exceptions import InvalidParameterError


def _from_types(q: np.ndarray) -> tuple[Observational, Experimental, dict[str, float]]:
    """Data and true PN/PS/PNS of a model given by q[4*x + r] = P(X=x, R=r), r = 2*Y_{x'} + Y_x."""
    q = np.asarray(q, float)

    def y(x: int, r: int) -> int:
        return (r & 1) if x == 1 else (r >> 1)

    def p(pred) -> float:  # noqa: ANN001
        return float(sum(q[i] for i in range(8) if pred(i // 4, i % 4)))

    obs = Observational(
        p(lambda x, r: x == 1 and y(1, r) == 1), p(lambda x, r: x == 1 and y(1, r) == 0),
        p(lambda x, r: x == 0 and y(0, r) == 1), p(lambda x, r: x == 0 and y(0, r) == 0),
    )
    exp = Experimental(p(lambda x, r: y(1, r) == 1), p(lambda x, r: y(0, r) == 1))
    truth = {
        "pns": p(lambda x, r: r == 1),
        "pn": p(lambda x, r: x == 1 and r == 1) / obs.p_xy if obs.p_xy > 1e-12 else float("nan"),
        "ps": p(lambda x, r: x == 0 and r == 1) / obs.p_nxny if obs.p_nxny > 1e-12 else float("nan"),
    }
    return obs, exp, truth


PEARL_OBS = Observational.from_counts(n_xy=2, n_xny=998, n_nxy=28, n_nxny=972)
PEARL_EXP = Experimental(p_y_do_x=0.016, p_y_do_nx=0.014)


def test_pearl_drug_death_example() -> None:
    # Pearl (2009), Causality, Section 9.3.4 (Table 9.2): experimental deaths 16/1000 treated, 14/1000
    # control; observational 2/1000 among users, 28/1000 among non-users. Published: PN = 1
    # (the drug was necessary for the death with certainty), 0.002 <= PNS <= 0.016, 0.002 <= PS <= 0.031.
    b = pc_bounds(PEARL_OBS, PEARL_EXP)
    assert b.pn.lower == pytest.approx(1.0) and b.pn.upper == pytest.approx(1.0) and b.pn.is_point
    assert (b.pns.lower, b.pns.upper) == pytest.approx((0.002, 0.016))
    assert round(b.ps.lower, 3) == 0.002 and round(b.ps.upper, 3) == 0.031
    # Experimental data alone: PNS in [P(y_x) - P(y_x'), P(y_x)] = [0.002, 0.016]; PN unknown.
    e = pc_bounds(experimental=PEARL_EXP)
    assert (e.pns.lower, e.pns.upper) == pytest.approx((0.002, 0.016)) and (e.pn.lower, e.pn.upper) == (0, 1)


def test_hand_checked_cases() -> None:
    # Experimental only: P(y_x)=0.7, P(y_x')=0.4 -> max(0, 0.3) <= PNS <= min(0.7, 0.6).
    b = pc_bounds(experimental=Experimental(0.7, 0.4))
    assert (b.pns.lower, b.pns.upper) == pytest.approx((0.3, 0.6))
    # Observational only: PNS <= P(x,y) + P(x',y') = 0.3 + 0.4.
    o = Observational(p_xy=0.3, p_xny=0.2, p_nxy=0.1, p_nxny=0.4)
    b = pc_bounds(o)
    assert (b.pns.lower, b.pns.upper) == pytest.approx((0.0, 0.7)) and b.data == "observational"
    # Exogeneity + monotonicity: P(y|x)=0.6, P(y|x')=0.2 -> PNS=0.4, PN=0.4/0.6, PS=0.4/0.8.
    v = pc_exogenous_monotonic(o)
    assert (v.pns, v.pn, v.ps) == pytest.approx((0.4, 2 / 3, 0.5))
    # Monotonicity with experiments, Pearl's numbers: PN = (0.015 - 0.014)/0.001 = 1, PS = 0.001/0.486.
    m = pc_monotonic(PEARL_OBS, PEARL_EXP)
    assert (m.pn, m.ps, m.pns) == pytest.approx((1.0, 0.001 / 0.486, 0.002))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0.0, 1.0), min_size=8, max_size=8).filter(lambda w: sum(w) > 0.05))
@example([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 3.1268182797512865e-166])  # P(x, y) ~ 0: PN undefined in both
def test_closed_form_bounds_equal_the_lp_and_contain_the_truth(weights: list[float]) -> None:
    # Brute force: scipy linprog over the 8 joint (X, response type) probabilities.
    q = np.array(weights) / sum(weights)
    obs, exp, truth = _from_types(q)
    for o, e in ((obs, exp), (obs, None), (None, exp)):
        closed, lp = pc_bounds(o, e), pc_bounds_lp(o, e)
        for name in ("pn", "ps", "pns"):
            a, b = getattr(closed, name), getattr(lp, name)
            if np.isnan(a.lower):
                assert np.isnan(b.lower)
                continue
            # PN and PS are ratios P(...)/P(x, y) (resp. P(x', y')); the LP solver's feasibility tolerance
            # (~1e-9) acts on the numerators, so compare there.
            scale = {"pn": obs.p_xy, "ps": obs.p_nxny, "pns": 1.0}[name] if o is not None else 1.0
            assert abs(a.lower - b.lower) * scale <= 1e-7 and abs(a.upper - b.upper) * scale <= 1e-7, (name, a, b)
            if not np.isnan(truth[name]):
                assert a.contains(truth[name], tol=1e-7), (name, a, truth[name])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.floats(0.01, 1.0), min_size=6, max_size=6), st.floats(0.05, 0.95))
def test_point_values_equal_the_truth_under_their_assumptions(w: list[float], px: float) -> None:
    # Monotone model (no "hurt" type r=2) with confounding: pc_monotonic is exact.
    q = np.zeros(8)
    q[[0, 1, 3]] = w[:3]
    q[[4, 5, 7]] = w[3:]
    q /= q.sum()
    obs, exp, truth = _from_types(q)
    v = pc_monotonic(obs, exp)
    assert (v.pn, v.ps, v.pns) == pytest.approx((truth["pn"], truth["ps"], truth["pns"]), abs=1e-9)
    # Exogenous monotone model: X independent of the response type.
    types = np.array([w[0], w[1], 0.0, w[2]]) / (w[0] + w[1] + w[2])
    q2 = np.concatenate([(1 - px) * types, px * types])
    obs2, _, truth2 = _from_types(q2)
    v2 = pc_exogenous_monotonic(obs2)
    assert (v2.pn, v2.ps, v2.pns) == pytest.approx((truth2["pn"], truth2["ps"], truth2["pns"]), abs=1e-9)


def test_invalid_data() -> None:
    with pytest.raises(InvalidParameterError, match="sum to 1"):
        Observational(0.5, 0.5, 0.5, 0.5)
    with pytest.raises(InvalidParameterError, match="p_y_do_x"):
        Experimental(1.5, 0.2)
    with pytest.raises(InvalidParameterError, match="monotonicity"):
        pc_monotonic(PEARL_OBS, Experimental(0.1, 0.3))
    with pytest.raises(InvalidParameterError, match="needs"):
        pc_bounds()
    o = Observational(p_xy=0.0, p_xny=0.5, p_nxy=0.1, p_nxny=0.4)
    assert np.isnan(pc_bounds(o, Experimental(0.2, 0.1)).pn.lower)
