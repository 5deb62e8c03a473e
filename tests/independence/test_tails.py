"""Tail probabilities without SciPy (causalscope.independence.tails).

References: :mod:`mpmath` at 40 significant digits (exact to double precision) and
SciPy's ``special.ndtr`` / ``fdtrc`` / ``gammaln`` / ``logsumexp`` on the same inputs.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from causalscope.independence.tails import f_upper_tail, log_gamma, logsumexp, normal_two_sided_p

special = pytest.importorskip("scipy.special")
EPS = np.finfo(float).eps


def test_normal_two_sided_p_matches_scipy_ndtr_over_a_wide_grid() -> None:
    """Reference: 2 * scipy.special.ndtr(-|z|), |z| up to 38 (tails down to 1e-315).

    SciPy's ndtr computes exp(-x^2) unsplit, so its own error grows like z^2 ulp in the
    far tail; agreement is within 3 (1 + z^2) ulp (within 4 ulp for |z| <= 1).
    """
    z = np.concatenate([np.linspace(-38.0, 38.0, 40001), [0.0, -0.0, 1e-300, 5e-324]])
    ours = normal_two_sided_p(z)
    ref = 2.0 * special.ndtr(-np.abs(z))
    ok = ref >= np.finfo(float).tiny  # normal numbers (down to 2e-308, |z| < 37.5)
    rel = np.abs(ours[ok] - ref[ok]) / ref[ok]
    assert np.all(rel <= 3.0 * (1.0 + z[ok] ** 2) * EPS)
    small = np.abs(z[ok]) <= 1.0
    assert np.all(rel[small] <= 4.0 * EPS)
    assert np.all(ours[~ok] < 1e-300)  # both underflow to subnormals and zero together
    assert ours.shape == z.shape


def test_normal_two_sided_p_is_exact_to_two_ulp() -> None:
    """Reference: mpmath's erfc at 40 digits of the same double argument |z| / sqrt(2)."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    z = np.linspace(0.0, 37.5, 751)
    x = z * 0.70710678118654752440
    exact = np.array([float(mpmath.erfc(mpmath.mpf(float(v)))) for v in x])
    rel = np.abs(normal_two_sided_p(z) - exact) / exact
    assert rel.max() <= 2.5 * EPS


def test_normal_two_sided_p_special_values() -> None:
    """Reference: the current semantics of 2 * ndtr(-|z|): NaN stays NaN, +-inf gives 0, 0 gives 1."""
    out = normal_two_sided_p(np.array([np.nan, np.inf, -np.inf, 0.0]))
    assert np.isnan(out[0]) and out[1] == 0.0 and out[2] == 0.0 and out[3] == 1.0
    assert normal_two_sided_p(1.0).shape == ()
    assert normal_two_sided_p(np.zeros((2, 3))).shape == (2, 3)


GRID_F = np.concatenate([np.geomspace(1e-6, 1e3, 25), np.linspace(0.5, 6.0, 12)])


@pytest.mark.parametrize("dfn", [1, 2, 3, 30])
@pytest.mark.parametrize("dfd", [1, 5, 198, 1001])
def test_f_upper_tail_is_exact_to_1e13(dfn: int, dfd: int) -> None:
    """Reference: mpmath's regularized incomplete beta I_w(dfd/2, dfn/2), w = dfd / (dfd + dfn F), 40 digits."""
    mpmath = pytest.importorskip("mpmath")
    mpmath.mp.dps = 40
    exact = np.array([
        float(mpmath.betainc(dfd / 2, dfn / 2, 0, mpmath.mpf(dfd) / (dfd + dfn * mpmath.mpf(float(f))),
                             regularized=True))
        for f in GRID_F
    ])
    ours = f_upper_tail(GRID_F, dfn, dfd)
    ok = exact > 1e-300
    assert np.all(np.abs(ours[ok] - exact[ok]) <= 1e-13 * exact[ok])


@pytest.mark.parametrize("dfn", [1, 2, 4, 9])
@pytest.mark.parametrize("dfd", [1, 3, 10, 60, 198])
def test_f_upper_tail_matches_scipy_fdtrc(dfn: int, dfd: int) -> None:
    """Reference: scipy.special.fdtrc on the same inputs.

    SciPy's own error (against mpmath) grows with dfd, about 3e-12 relative at
    dfd = 198, so the bound is 2e-14 * (1 + dfd); ours is 20-50 times closer to mpmath.
    """
    f = np.concatenate([GRID_F, np.random.default_rng(dfn * 1000 + dfd).exponential(3.0, size=200)])
    ref = special.fdtrc(dfn, dfd, f)
    ours = f_upper_tail(f, dfn, dfd)
    ok = ref > 1e-300
    assert np.all(np.abs(ours[ok] - ref[ok]) <= 2e-14 * (1 + dfd) * ref[ok])


def test_f_upper_tail_special_values() -> None:
    """Reference: the F distribution's limits (0 -> 1, inf -> 0), NaN propagates, shapes kept."""
    out = f_upper_tail(np.array([0.0, np.inf, np.nan, 1e300]), 1, 198)
    assert out[0] == 1.0 and out[1] == 0.0 and np.isnan(out[2]) and out[3] == 0.0
    assert f_upper_tail(2.0, 3, 50).shape == ()
    with np.errstate(over="raise", invalid="raise"):  # no overflow at the ends of the float range (F is scaled by 1/F > 1)
        ends = f_upper_tail(np.array([5e-324, 1e-300, 1e100, 1e305, 1.7e308]), 3, 3)
    assert ends[0] == 1.0 and ends[1] == 1.0 and ends[3] == 0.0 and ends[4] == 0.0
    assert ends[2] == pytest.approx(float(special.fdtrc(3, 3, 1e100)), rel=1e-12)
    # F(1, d) is the square of a t(d) statistic: P(F > t^2) = 2 P(T > t); d = 1 is Cauchy
    assert abs(float(f_upper_tail(1.0, 1, 1)) - 0.5) < 1e-15


def test_log_gamma_matches_scipy_gammaln() -> None:
    """Reference: scipy.special.gammaln on the integers and half-integers the posterior uses."""
    x = np.concatenate([np.arange(1, 200, dtype=float), np.arange(1, 200) + 0.5])
    ref = special.gammaln(x)
    ours = log_gamma(x)
    assert np.all(np.abs(ours - ref) <= 4 * EPS * np.maximum(np.abs(ref), 1.0))
    assert log_gamma(np.array([1.0, 2.0])).tolist() == [0.0, 0.0]
    assert float(log_gamma(5.0)) == pytest.approx(math.log(24.0), rel=1e-15)


@pytest.mark.parametrize("offset", [0.0, 0.5, 0.25])
def test_log_gamma_of_large_arrays_with_repeated_values(offset: float) -> None:
    """Reference: math.lgamma value by value (the table and the unique paths give the same numbers)."""
    rng = np.random.default_rng(1)
    x = rng.integers(1, 40, size=(500, 3)).astype(float) + offset
    expected = np.array([[math.lgamma(v) for v in row] for row in x])
    assert np.array_equal(log_gamma(x), expected)
    y = np.concatenate([x.ravel(), [np.nan, np.inf, 0.0, -2.0]])
    out = log_gamma(y)
    assert np.isnan(out[-4]) and out[-3] == np.inf and out[-2] == np.inf and out[-1] == np.inf
    assert np.array_equal(out[:-4], expected.ravel())
    assert np.array_equal(special.gammaln(y[-4:]), out[-4:], equal_nan=True)


def test_logsumexp_equals_scipy_bit_for_bit() -> None:
    """Reference: scipy.special.logsumexp without weights (same max-shift formula), incl. -inf slices."""
    rng = np.random.default_rng(3)
    a = rng.normal(scale=50.0, size=(7, 40))
    a[2] = -np.inf
    a[4, ::3] = -np.inf
    assert np.array_equal(logsumexp(a, axis=1), special.logsumexp(a, axis=1))
    assert np.array_equal(logsumexp(a.T, axis=0), special.logsumexp(a.T, axis=0))
    assert logsumexp(a[0]) == float(special.logsumexp(a[0]))
    assert logsumexp(a[2]) == -np.inf
    assert logsumexp(np.array([np.inf, 1.0])) == np.inf


@pytest.mark.parametrize("dof", [1, 3, 10, 97, 998, 5000])
def test_t_two_sided_p_equals_scipy_stdtr(dof: int) -> None:
    """Reference: scipy.special.stdtr (ParCorr, VARLiNGAM's edge p-values and Granger's t use this tail)."""
    from scipy.special import stdtr

    from causalscope.independence.tails import t_two_sided_p

    t = np.concatenate([np.linspace(0, 8, 401), [12.0, 30.0, np.inf, np.nan]])
    ours, ref = t_two_sided_p(t, dof), 2.0 * stdtr(dof, -np.abs(t))
    finite = np.isfinite(ref) & (ref > 1e-280)
    assert np.allclose(ours[finite], ref[finite], rtol=1e-11, atol=0)
    assert np.isnan(ours[-1]) and ours[-2] == 0.0
