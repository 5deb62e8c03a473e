"""Mechanisms and the Gumbel-max helpers.

References used: scikit-learn's ``LinearRegression`` (same data, OLS),
scipy's distributions (KS tests against the exact laws, seeded), rejection
sampling (truncated Gumbel), and the defining identities of each mechanism
(``generate(parents, abduct(parents, child)) == child``).
"""

from __future__ import annotations

import pickle

import numpy as np
import pytest
from scipy import stats
from sklearn.linear_model import LinearRegression, LogisticRegression

from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.scm import (
    AdditiveNoise,
    CategoricalFunction,
    CategoricalRoot,
    Classifier,
    Constant,
    EmpiricalRoot,
    FunctionalMechanism,
    GaussianRoot,
    InvertibleMechanism,
    LinearGaussian,
    MechanismNotFittedError,
    NoisePosteriorMechanism,
    PostNonlinear,
    StochasticMechanism,
)
from causalscope.scm.gumbel import gumbel_max, sample_gumbel_posterior, truncated_gumbel


@pytest.fixture
def xy() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    x = rng.normal(size=(800, 2))
    y = 0.5 + 1.5 * x[:, 0] - 0.7 * x[:, 1] + 0.3 * rng.standard_t(5, size=800)
    return x, y


def test_protocol_ladder() -> None:
    # What each implementation promises, checked against the runtime protocols.
    assert isinstance(LinearGaussian(), InvertibleMechanism)
    assert isinstance(AdditiveNoise(), InvertibleMechanism)
    assert isinstance(PostNonlinear(), InvertibleMechanism)
    assert isinstance(GaussianRoot(), InvertibleMechanism)
    assert isinstance(Constant(1.0), InvertibleMechanism)
    for m in (Classifier(), CategoricalRoot([0.5, 0.5])):
        assert isinstance(m, NoisePosteriorMechanism) and isinstance(m, FunctionalMechanism)
        assert not isinstance(m, InvertibleMechanism)
    assert isinstance(EmpiricalRoot(), StochasticMechanism)
    assert not isinstance(EmpiricalRoot(), FunctionalMechanism)


def test_linear_gaussian_equals_sklearn_ols(xy: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = xy
    m = LinearGaussian().fit(x, y)
    ref = LinearRegression().fit(x, y)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-10)
    assert m.intercept_ == pytest.approx(ref.intercept_, abs=1e-10)
    resid = y - ref.predict(x)
    assert m.noise_std_ == pytest.approx(np.sqrt(resid @ resid / (len(y) - 3)), rel=1e-10)
    np.testing.assert_allclose(m.generate(x, m.abduct(x, y)), y, atol=1e-10)


def test_linear_gaussian_noise_is_gaussian_with_its_std() -> None:
    m = LinearGaussian([1.0], intercept=2.0, noise_std=0.5)
    draws = m.sample(np.zeros((4000, 1)), np.random.default_rng(0))
    assert stats.kstest(draws, stats.norm(2.0, 0.5).cdf).pvalue > 0.01


def test_additive_noise_inverts_and_keeps_residual_shape(xy: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = xy
    m = AdditiveNoise(LinearRegression()).fit(x, y)
    noise = m.abduct(x, y)
    np.testing.assert_allclose(m.generate(x, noise), y, atol=1e-10)
    np.testing.assert_allclose(m.predict(x), LinearRegression().fit(x, y).predict(x), atol=1e-10)
    # empirical noise: every draw is one of the centred residuals
    draws = m.sample_noise(500, np.random.default_rng(0))
    assert np.isin(draws, m.residuals_).all()
    g = AdditiveNoise(LinearRegression(), noise="gaussian").fit(x, y)
    gd = g.sample_noise(4000, np.random.default_rng(0))
    assert stats.kstest(gd, stats.norm(0, g.noise_std_).cdf).pvalue > 0.01


def test_additive_noise_root_and_bad_options() -> None:
    y = np.arange(10.0)
    m = AdditiveNoise().fit(np.zeros((10, 0)), y)
    np.testing.assert_allclose(m.predict(np.zeros((3, 0))), 4.5)
    with pytest.raises(InvalidParameterError, match="noise"):
        AdditiveNoise(noise="laplace").fit(np.zeros((10, 1)), y)
    with pytest.raises(InvalidParameterError, match="regressor"):
        AdditiveNoise(regressor="forest").fit(np.ones((10, 1)), y)


def test_post_nonlinear_exp_recovers_inner_function_and_inverts() -> None:
    rng = np.random.default_rng(2)
    x = rng.normal(size=(1000, 1))
    y = np.exp(0.8 * x[:, 0] - 0.2 + 0.1 * rng.normal(size=1000))
    m = PostNonlinear(LinearRegression(), transform="exp").fit(x, y)
    assert m.regressor_.coef_[0] == pytest.approx(0.8, abs=0.02)
    np.testing.assert_allclose(m.generate(x, m.abduct(x, y)), y, rtol=1e-10)
    with pytest.raises(DataError, match="inverse"):
        m.abduct(x[:2], np.array([1.0, -1.0]))
    custom = PostNonlinear(LinearRegression(), transform=(np.exp, np.log)).fit(x, y)
    np.testing.assert_allclose(custom.predict(x), m.predict(x), rtol=1e-10)
    with pytest.raises(InvalidParameterError, match="transform"):
        PostNonlinear(transform="square").fit(x, y)


def test_classifier_probabilities_and_sampling_frequencies() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(600, 1))
    logits = np.column_stack([np.zeros(600), x[:, 0], -x[:, 0]])
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    y = np.array([rng.choice(3, p=row) for row in p], dtype=float)
    m = Classifier(LogisticRegression(max_iter=500)).fit(x, y)
    ref = LogisticRegression(max_iter=500).fit(x, y.astype(int))
    np.testing.assert_allclose(m.predict_proba(x), ref.predict_proba(x), atol=1e-12)
    # Gumbel-max sampling has the classifier's distribution: chi-square at one parent value
    probs = m.predict_proba(np.array([[0.7]]))[0]
    draws = m.sample(np.full((6000, 1), 0.7), np.random.default_rng(0)).astype(int)
    counts = np.bincount(draws, minlength=3)
    assert stats.chisquare(counts, probs * 6000).pvalue > 0.01


def test_classifier_root_uses_frequencies() -> None:
    y = np.array([0, 0, 1, 2, 2, 2], dtype=float)
    m = Classifier().fit(np.zeros((6, 0)), y)
    np.testing.assert_allclose(m.predict_proba(np.zeros((1, 0)))[0], [2 / 6, 1 / 6, 3 / 6])
    with pytest.raises(DataError, match="integer codes"):
        Classifier().fit(np.zeros((3, 0)), np.array([0.5, 1.0, 0.0]))


def test_categorical_function_validates_its_output() -> None:
    bad = CategoricalFunction(lambda pa: np.full((pa.shape[0], 2), 0.7), 2)
    with pytest.raises(DataError, match="sum to one"):
        bad.predict_proba(np.zeros((2, 1)))
    with pytest.raises(InvalidParameterError, match="n_categories"):
        CategoricalFunction(lambda pa: pa, 1)
    with pytest.raises(InvalidParameterError, match="probabilities"):
        CategoricalRoot([0.2, 0.2])


def test_roots_and_constant() -> None:
    rng = np.random.default_rng(0)
    e = EmpiricalRoot().fit(np.zeros((4, 0)), np.array([1.0, 5.0, 5.0, 9.0]))
    assert set(e.sample(np.zeros((200, 0)), rng)) == {1.0, 5.0, 9.0}
    g = GaussianRoot().fit(np.zeros((5, 0)), np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    assert (g.mean_, g.std_) == pytest.approx((3.0, np.std([1, 2, 3, 4, 5], ddof=1)))
    c = Constant(2.0)
    assert c.generate(np.zeros((2, 0)), c.abduct(np.zeros((2, 0)), np.array([7.0, 8.0]))).tolist() == [2.0, 2.0]
    with pytest.raises(InvalidParameterError, match="both"):
        GaussianRoot(mean=1.0)


def test_unfitted_mechanisms_raise_typed_error() -> None:
    for m in (LinearGaussian(), AdditiveNoise(), Classifier(), EmpiricalRoot(), GaussianRoot()):
        with pytest.raises(MechanismNotFittedError, match="not fitted"):
            m.sample(np.zeros((2, 1)), np.random.default_rng(0))


def test_mechanisms_pickle(xy: tuple[np.ndarray, np.ndarray]) -> None:
    x, y = xy
    for m in (LinearGaussian().fit(x, y), AdditiveNoise(LinearRegression()).fit(x, y),
              PostNonlinear(LinearRegression(), transform="sinh").fit(x, y)):
        back = pickle.loads(pickle.dumps(m))
        np.testing.assert_array_equal(back.predict(x), m.predict(x))


# ----------------------------------------------------------------------------- Gumbel helpers
def test_truncated_gumbel_matches_rejection_sampling() -> None:
    # Reference: standard Gumbel(0.3) draws kept when <= 0.5 (rejection), KS two-sample.
    rng = np.random.default_rng(0)
    raw = 0.3 + rng.gumbel(size=60000)
    ref = raw[raw <= 0.5][:5000]
    ours = truncated_gumbel(np.full(5000, 0.3), np.full(5000, 0.5), np.random.default_rng(1))
    assert (ours <= 0.5).all()
    assert stats.ks_2samp(ours, ref).pvalue > 0.01


def test_gumbel_posterior_is_consistent_and_mixes_back_to_the_prior() -> None:
    # If Y ~ p and U ~ posterior(. | Y), then U has the standard Gumbel prior (exactly).
    rng = np.random.default_rng(5)
    p = np.array([0.6, 0.3, 0.1])
    n = 6000
    probs = np.tile(p, (n, 1))
    y = rng.choice(3, size=n, p=p)
    u = sample_gumbel_posterior(probs, y, rng)
    np.testing.assert_array_equal(gumbel_max(probs, u), y)
    for j in range(3):
        assert stats.kstest(u[:, j], stats.gumbel_r.cdf).pvalue > 0.001


def test_counterfactual_stability_property_on_random_probabilities() -> None:
    # Oberst & Sontag (2019), Def. 2 / Thm 1: if q_i/q_j >= p_i/p_j for all j,
    # the counterfactual category is i with probability one.
    rng = np.random.default_rng(7)
    n, k = 3000, 4
    p = rng.dirichlet(np.ones(k), size=n)
    obs = np.array([rng.choice(k, p=row) for row in p])
    boost = np.ones((n, k))
    boost[np.arange(n), obs] = rng.uniform(1.0, 5.0, size=n)
    q = p * boost
    q /= q.sum(axis=1, keepdims=True)
    u = sample_gumbel_posterior(p, obs, rng)
    np.testing.assert_array_equal(gumbel_max(q, u), obs)


def test_post_nonlinear_fitted_outer_function_recovers_log_up_to_affine() -> None:
    # Truth Y = exp(0.8 X + 0.2 N): the fitted g^{-1} should be an increasing affine
    # image of log (checked by correlation), exactly invertible, and give
    # counterfactuals near the true Y_{x+1} = Y * exp(0.8) (stated: median relative error < 0.1).
    rng = np.random.default_rng(0)
    x = rng.normal(size=(1000, 1))
    y = np.exp(0.8 * x[:, 0] + 0.2 * rng.normal(size=1000))
    m = PostNonlinear(LinearRegression(), transform="fitted").fit(x, y, random_state=0)
    assert np.corrcoef(m.outer_.inverse(y), np.log(y))[0, 1] > 0.99
    np.testing.assert_allclose(m.generate(x, m.abduct(x, y)), y, rtol=1e-10)
    grid = np.linspace(-5.0, 60.0, 50)  # also beyond the observed range (linear continuation)
    np.testing.assert_allclose(m.outer_.forward(m.outer_.inverse(grid)), grid, atol=1e-9)
    assert np.all(np.diff(m.outer_.inverse(grid)) > 0)
    cf = m.generate(x + 1.0, m.abduct(x, y))
    assert np.median(np.abs(cf - y * np.exp(0.8)) / (y * np.exp(0.8))) < 0.1
    back = pickle.loads(pickle.dumps(m))
    np.testing.assert_array_equal(back.abduct(x, y), m.abduct(x, y))
    with pytest.raises(DataError, match="at least one parent"):
        PostNonlinear(transform="fitted").fit(np.zeros((5, 0)), np.arange(5.0))
