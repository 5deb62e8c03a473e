"""simulate_timeseries: seeds, stability, truth consistent with the coefficients, recovery by least squares.

References: the companion-matrix stability criterion of a VAR (Lütkepohl 2005, sec. 2.1.1),
computed here independently from the returned coefficients; ordinary least squares of each
series on its lags (numpy.linalg.lstsq) with the textbook OLS standard errors as the tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from causalscope.datasets import simulate_timeseries
from causalscope.exceptions import InvalidParameterError


def companion_radius(coef: np.ndarray) -> float:
    """Spectral radius of the reduced-form companion matrix, A_tau = (I - B0)^-1 B_tau."""
    p, _, lags = coef.shape
    m = np.linalg.inv(np.eye(p) - coef[:, :, 0].T)
    top = np.hstack([m @ coef[:, :, tau].T for tau in range(1, lags)])
    k = lags - 1
    bottom = np.hstack([np.eye(p * (k - 1)), np.zeros((p * (k - 1), p))])
    comp = np.vstack([top, bottom])
    return float(np.max(np.abs(np.linalg.eigvals(comp))))


def lag_regression(x: np.ndarray, tau_max: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """OLS of x[t] on (1, x[t-1], ..., x[t-tau_max]): coefficients (p, p, tau_max) as [source, target, lag-1], SEs, residuals."""
    t, p = x.shape
    design = np.hstack([np.ones((t - tau_max, 1))] + [x[tau_max - k: t - k] for k in range(1, tau_max + 1)])
    y = x[tau_max:]
    beta, *_ = np.linalg.lstsq(design, y, rcond=None)
    resid = y - design @ beta
    sigma2 = (resid ** 2).sum(axis=0) / (design.shape[0] - design.shape[1])
    se = np.sqrt(np.outer(np.diag(np.linalg.inv(design.T @ design)), sigma2))
    shape = (tau_max, p, p)
    coef = beta[1:].reshape(shape).transpose(1, 2, 0)  # [lag, source, target] -> [source, target, lag]
    return coef, se[1:].reshape(shape).transpose(1, 2, 0), resid


def test_same_seed_same_series() -> None:
    """The same seed gives the same graph, coefficients and data; another seed differs."""
    a = simulate_timeseries(4, 300, contemporaneous=0.4, n_latent=1, random_state=3)
    b = simulate_timeseries(4, 300, contemporaneous=0.4, n_latent=1, random_state=3)
    assert a.graph == b.graph and a.full_graph == b.full_graph
    np.testing.assert_array_equal(a.data.to_numpy(), b.data.to_numpy())
    np.testing.assert_array_equal(a.coefficients, b.coefficients)
    c = simulate_timeseries(4, 300, contemporaneous=0.4, n_latent=1, random_state=4)
    assert not np.array_equal(a.data.to_numpy(), c.data.to_numpy())


@pytest.mark.parametrize("kw", [{}, {"contemporaneous": 0.5}, {"n_regimes": 3}, {"tau_max": 3, "n_parents": 3}])
def test_linear_models_are_stable(kw: dict) -> None:
    """Every regime's companion matrix has spectral radius < 1; the reported radius is their maximum."""
    sim = simulate_timeseries(8, 400, random_state=0, **kw)
    radii = [companion_radius(c) for c in sim.regime_coefficients]
    assert max(radii) < 1.0
    assert sim.spectral_radius == pytest.approx(max(radii), rel=1e-9)
    assert np.isfinite(sim.data.to_numpy()).all()


def test_graph_matches_coefficients() -> None:
    """A link of the full graph exactly where a coefficient is nonzero; the observed graph drops hidden series."""
    sim = simulate_timeseries(6, 200, tau_max=3, contemporaneous=0.5, n_latent=2, random_state=5)
    graph, _, _ = sim.full_graph.to_arrays()
    nonzero = sim.coefficients != 0
    assert np.array_equal(graph == "-->", nonzero)  # [i, j, 0] "-->" for i[t] --> j[t]; its mirror is "<--"
    assert list(sim.data.columns) == list(sim.observed) == ["X1", "X2", "X3", "X4", "X5", "X6"]
    assert sim.latent == ("L1", "L2")
    for k, name in enumerate(sim.latent):
        children = [sim.variables[j] for j in np.flatnonzero(sim.coefficients[6 + k, :, 0])]
        assert len(children) == 2
        assert sim.graph.mark(children[0], 0, children[1]) == "<->"
    assert all("L" not in s and "L" not in t for (s, _, t) in sim.graph.links)
    # every observed parent has n_parents links plus its self-link
    for j in sim.observed:
        parents = sim.full_graph.parents(j)
        assert (j, 1) in parents and sum(1 for s, _ in parents if s.startswith("X") and s != j) == 2


def test_least_squares_recovers_coefficients() -> None:
    """On a long linear series, the lagged OLS estimates are within 4.5 standard errors of the truth."""
    sim = simulate_timeseries(3, 20000, tau_max=2, random_state=11)
    est, se, _ = lag_regression(sim.data.to_numpy(), 2)
    z = np.abs(est - sim.coefficients[:, :, 1:]) / se
    assert z.max() < 4.5


def test_least_squares_recovers_reduced_form_and_noise() -> None:
    """With lag-0 effects OLS estimates the reduced form (I - B0)^-1 B_tau; Laplace noise shows excess kurtosis 3."""
    sim = simulate_timeseries(4, 20000, tau_max=1, contemporaneous=1.0, noise="laplace", random_state=2)
    assert any(k[1] == 0 for k in sim.graph.links)
    coef = sim.coefficients
    reduced = (np.linalg.inv(np.eye(4) - coef[:, :, 0].T) @ coef[:, :, 1].T).T
    est, se, resid = lag_regression(sim.data.to_numpy(), 1)
    assert (np.abs(est[:, :, 0] - reduced) / se[:, :, 0]).max() < 4.5
    # residuals are mixtures of Laplace shocks: a root variable's residual is its own shock
    root = sim.observed.index(sim.parameters["causal_order"][0])
    r = resid[:, root]
    kurt = float(np.mean((r - r.mean()) ** 4) / np.var(r) ** 2 - 3.0)
    assert 2.0 < kurt < 4.5


def test_regimes_switch_coefficients() -> None:
    """Each regime block regresses to its own coefficients."""
    sim = simulate_timeseries(3, 30000, tau_max=1, n_regimes=2, random_state=7)
    (cut,) = sim.change_points
    assert cut == 15000
    x = sim.data.to_numpy()
    for block, coef in ((x[:cut], sim.regime_coefficients[0]), (x[cut:], sim.regime_coefficients[1])):
        est, se, _ = lag_regression(block, 1)
        assert (np.abs(est[:, :, 0] - coef[:, :, 1]) / se[:, :, 0]).max() < 4.5
    assert not np.allclose(sim.regime_coefficients[0], sim.regime_coefficients[1])


def test_nonlinear_is_finite_and_bounded() -> None:
    """Nonlinear cross terms use tanh or sin; the series stays finite and its spread is stable over time."""
    sim = simulate_timeseries(6, 4000, tau_max=2, kind="nonlinear", contemporaneous=0.4, noise="student",
                              random_state=1)
    cross = (sim.coefficients != 0) & ~np.eye(6, dtype=bool)[:, :, None]
    assert set(np.unique(sim.functions[cross])) <= {1, 2} and (sim.functions[~cross] == 0).all()
    x = sim.data.to_numpy()
    assert np.isfinite(x).all()
    first, second = x[:2000].std(axis=0), x[2000:].std(axis=0)
    assert np.all(second < 2 * first) and np.all(first < 2 * second)


@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"n_variables": 0}, "n_variables"),
        ({"tau_max": 0}, "tau_max"),
        ({"kind": "quadratic"}, "kind"),
        ({"noise": "cauchy"}, "noise"),
        ({"contemporaneous": 1.5}, "contemporaneous"),
        ({"auto_range": (0.5, 1.0)}, "auto_range"),
        ({"coefficient_range": (0.5, 0.1)}, "coefficient_range"),
        ({"n_regimes": 500}, "n_regimes"),
        ({"coefficient_range": (0.9, 0.95), "n_parents": 4, "max_tries": 3}, "no stable VAR"),
    ],
)
def test_bad_arguments(kw: dict, match: str) -> None:
    """Bad arguments raise InvalidParameterError naming the parameter."""
    args = {"n_variables": 5, "n_samples": 100, "random_state": 0, **kw}
    with pytest.raises(InvalidParameterError, match=match):
        simulate_timeseries(**args)
