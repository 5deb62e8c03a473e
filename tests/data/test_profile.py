"""Tests of :func:`causalscope.data.profile_data`.

Checked against: the known truth of simulated data (mechanism, noise family,
changed nodes, discrete nodes, missingness mechanism); statsmodels
(Ljung-Box statistic, Holm adjustment) and brute-force counts (missingness
patterns); the Sachs data for a real-data run.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from causalscope.data import DataProfile, Dataset, profile_data
from causalscope.data import _profile_stats as st
from causalscope.datasets import load_sachs, simulate
from causalscope.exceptions import DataError, InvalidParameterError


def _flags(profile: DataProfile) -> dict[str, bool | None]:
    return {k: f.value for k, f in profile.flags.items()}


# --------------------------------------------------------------------------- flags from known truth


def test_linear_gaussian_data_is_flagged_linear_and_gaussian() -> None:
    # truth: linear mechanisms with Gaussian noise
    sim = simulate(8, 1500, mechanism="linear", noise="gaussian", random_state=3)
    prof = profile_data(sim.data, random_state=0)
    flags = _flags(prof)
    assert flags["linear"] is True and flags["gaussian"] is True
    assert prof.fraction_nonlinear == 0.0
    assert flags["discrete"] is False and flags["mixed"] is False and flags["high_dimensional"] is False
    assert all(v.r2_linear is not None and v.r2_flexible is not None for v in prof.variables)


def test_polynomial_mechanisms_are_flagged_nonlinear() -> None:
    # truth: polynomial mechanisms; the flexible model must win out of sample for many variables
    for seed in (3, 4, 5, 6):
        sim = simulate(8, 1500, mechanism="polynomial", random_state=seed)
        prof = profile_data(sim.data, random_state=0)
        assert prof.flags["linear"].value is False
        assert prof.fraction_nonlinear is not None and prof.fraction_nonlinear >= 0.3
        for v in prof.variables:
            if v.nonlinear:
                assert v.r2_flexible - v.r2_linear >= 0.01 and v.nonlinearity_p < 0.05


def test_mlp_mechanisms_show_nonlinearity_on_average() -> None:
    # truth: random tanh networks. Many of them are close to linear over the data's range
    # (gradient boosting on the true parents gains < 0.05 R2 for most nodes), and the
    # profile's additive splines miss pure interactions, so only the average is checked
    fractions = []
    for seed in (3, 4, 5, 6, 7):
        sim = simulate(8, 1500, mechanism="mlp", weight_range=(2.0, 4.0), random_state=seed)
        fractions.append(profile_data(sim.data, random_state=0).fraction_nonlinear)
    assert float(np.mean(fractions)) >= 0.2
    assert sum(f >= 0.2 for f in fractions) >= 3


def test_uniform_noise_is_flagged_non_gaussian() -> None:
    # truth: linear mechanisms, uniform noise (LiNGAM's setting)
    sim = simulate(8, 1500, noise="uniform", random_state=4)
    prof = profile_data(sim.data, random_state=0)
    assert prof.flags["linear"].value is True
    assert prof.flags["gaussian"].value is False
    assert prof.fraction_non_gaussian is not None and prof.fraction_non_gaussian >= 0.5


def test_pair_check_finds_a_quadratic_relation() -> None:
    # truth: y = x^2 + noise (zero correlation, strong nonlinear dependence); z independent
    rng = np.random.default_rng(0)
    x = rng.normal(size=1000)
    frame = pd.DataFrame({"x": x, "y": x**2 + 0.3 * rng.normal(size=1000), "z": rng.normal(size=1000)})
    prof = profile_data(frame, random_state=0)
    pair = next(p for p in prof.pairs if (p.x, p.y) == ("x", "y"))
    assert pair.nonlinear and pair.r2_flexible > 0.8 and abs(pair.r2_linear) < 0.05
    assert prof.variable("y").nonlinear is True
    assert prof.variable("z").nonlinear is False


def test_changed_nodes_are_found_with_good_precision_and_recall() -> None:
    # truth: Simulation.changed_nodes (mean and scale shifts across 3 domains)
    tp = fp = fn = 0
    for seed in (0, 1):
        for shift in ("mean", "scale"):
            sim = simulate(12, 3000, n_domains=3, shift=shift, shifted_fraction=0.25, random_state=seed)
            prof = profile_data(sim.data, domain_column=sim.domain_column, random_state=0)
            found, truth = set(prof.domain["changing"]), set(sim.changed_nodes)
            tp, fp, fn = tp + len(found & truth), fp + len(found - truth), fn + len(truth - found)
            assert prof.flags["heterogeneous"].value is True
    assert tp / (tp + fp) >= 0.8
    assert tp / (tp + fn) >= 0.9


def test_no_change_across_domains_when_nothing_shifts() -> None:
    # truth: two domains drawn from one model (shifted_fraction=0)
    sim = simulate(8, 2000, n_domains=2, shifted_fraction=0.0, random_state=2)
    prof = profile_data(sim.data, domain_column="domain", random_state=0)
    assert prof.domain["changing"] == ()
    assert prof.flags["heterogeneous"].value is False


def test_discrete_and_mixed_kinds() -> None:
    # truth: Simulation.discrete
    sim = simulate(6, 800, discrete=1.0, random_state=1)
    prof = profile_data(sim.data)
    assert _flags(prof)["discrete"] is True and _flags(prof)["mixed"] is False
    assert prof.flags["linear"].value is None and prof.flags["gaussian"].value is None
    assert all(prof.kinds[v] != "continuous" for v in sim.observed)
    sim = simulate(6, 800, discrete=0.5, random_state=1)
    prof = profile_data(sim.data)
    assert _flags(prof)["mixed"] is True and _flags(prof)["discrete"] is False
    assert {v for v in sim.observed if prof.kinds[v] != "continuous"} == set(sim.discrete)
    assert prof.regime.rule.startswith("continuous")


def test_all_discrete_regime_uses_cell_counts() -> None:
    # brute force: n / c^(k+2) with c the median number of levels
    sim = simulate(5, 600, discrete=1.0, random_state=0)
    prof = profile_data(sim.data)
    levels = [prof.variable(v).n_levels for v in sim.observed]
    c = float(np.median(levels))
    for k, value in prof.regime.ci_support:
        assert value == pytest.approx(600 / c ** (k + 2))
    assert all(v >= 5 for k, v in prof.regime.ci_support if k <= prof.regime.max_conditioning_size)


def test_high_dimensional_regime() -> None:
    rng = np.random.default_rng(0)
    prof = profile_data(rng.normal(size=(40, 8)))
    assert prof.regime.size_class == "small" and prof.flags["high_dimensional"].value is True
    assert prof.regime.n_over_p == 5.0


# --------------------------------------------------------------------------- time and missingness


def _ar_frame(n: int = 800, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = np.zeros(n)
    e = rng.normal(size=n)
    for t in range(1, n):
        a[t] = 0.7 * a[t - 1] + e[t]
    return pd.DataFrame({"a": a, "b": 0.5 * a + rng.normal(size=n), "c": rng.normal(size=n), "t": np.arange(n)})


def test_time_series_autocorrelation_matches_statsmodels_ljung_box() -> None:
    sm = pytest.importorskip("statsmodels.stats.diagnostic")
    frame = _ar_frame()
    prof = profile_data(frame, time_column="t")
    assert prof.flags["time_series"].value is True
    assert set(prof.time["autocorrelated"]) == {"a", "b"}
    lb = sm.acorr_ljungbox(frame["a"].to_numpy(), lags=[prof.time["max_lag"]])
    assert prof.variable("a").ljung_box_statistic == pytest.approx(float(lb["lb_stat"].iloc[0]), rel=1e-9)
    assert prof.variable("a").autocorrelation[0] == pytest.approx(0.7, abs=0.08)
    json.dumps(prof.to_dict(), allow_nan=False)


def test_change_over_time_is_detected() -> None:
    # truth: c shifts by 1.5 sd in the second half of the series; a, b are stationary
    frame = _ar_frame(1000, seed=2)
    frame.loc[500:, "c"] += 1.5
    prof = profile_data(frame, time_column="t")
    assert prof.domain is not None and prof.domain["source"] == "time blocks"
    assert prof.domain["changing"] == ("c",)


def test_missingness_mcar_versus_mar() -> None:
    sim = simulate(6, 2000, missing=0.2, missing_mechanism="mcar", random_state=0)
    prof = profile_data(sim.data)
    miss = prof.missingness
    assert miss.predicted == ()
    mask = sim.data.isna().to_numpy()
    assert miss.n_patterns == len({tuple(r) for r in mask})  # brute force
    assert miss.complete_row_fraction == pytest.approx(float((~mask.any(axis=1)).mean()))
    for j, v in enumerate(sim.observed):
        assert miss.fractions[v] == pytest.approx(float(mask[:, j].mean()))
    sim = simulate(6, 2000, missing=0.2, missing_mechanism="mar", random_state=0)
    prof = profile_data(sim.data)
    assert len(prof.missingness.predicted) >= 1
    assert set(prof.missingness.predicted) <= {v for v, f in prof.missingness.fractions.items() if f > 0}


def test_missingness_score_test_equals_n_r2_identity() -> None:
    # brute force: the logistic score test against the intercept-only model equals n * R^2 of the
    # least-squares regression of the indicator on the predictors (with intercept)
    rng = np.random.default_rng(3)
    z = rng.normal(size=(500, 4))
    y = (rng.random(500) < 1 / (1 + np.exp(-z[:, 1]))).astype(float)
    ind = np.zeros((500, 4), dtype=bool)
    ind[:, 0] = y.astype(bool)
    (stat, p_value), = st.logistic_score_tests(z, ind, [0])
    x = np.column_stack([np.ones(500), z[:, 1:]])
    resid = y - x @ np.linalg.lstsq(x, y, rcond=None)[0]
    r2 = 1 - resid @ resid / np.sum((y - y.mean()) ** 2)
    assert stat == pytest.approx(500 * r2, rel=1e-6)
    assert p_value < 1e-6


def test_holm_matches_statsmodels() -> None:
    mt = pytest.importorskip("statsmodels.stats.multitest")
    p = np.array([0.01, 0.04, 0.03, 0.2, np.nan, 0.001])
    ok = ~np.isnan(p)
    expected = mt.multipletests(p[ok], method="holm")[1]
    np.testing.assert_allclose(st.holm(p)[ok], expected)
    assert np.isnan(st.holm(p)[4])


# --------------------------------------------------------------------------- real data, values, input


def test_sachs_runs_and_reports() -> None:
    ex = load_sachs()
    prof = profile_data(ex.data, random_state=0)
    assert (prof.n_samples, prof.n_variables) == (853, 11)
    assert prof.flags["gaussian"].value is False  # raw abundances are heavily skewed
    text = prof.to_markdown()
    assert all(f"| {v} |" in text for v in ex.data.columns)
    assert all(line.count("|") == 6 for line in text.splitlines()[2:11])  # 5-column flag table intact
    json.dumps(prof.to_dict(), allow_nan=False)
    inter = load_sachs(kind="interventional")
    prof = profile_data(inter.data, domain_column="condition", random_state=0)
    assert prof.domain["n_domains"] == 9 and prof.flags["heterogeneous"].value is True
    json.dumps(prof.to_dict(), allow_nan=False)


def test_deterministic_for_a_seed_and_subsample_documented() -> None:
    sim = simulate(6, 3000, mechanism="mixed", random_state=0)
    a = profile_data(sim.data, random_state=7, max_rows=1000)
    b = profile_data(sim.data, random_state=7, max_rows=1000)
    assert json.dumps(a.to_dict(), allow_nan=False) == json.dumps(b.to_dict(), allow_nan=False)
    assert any("subsample of 1000 of 3000" in note for note in a.notes)


def test_dataset_input_and_promoted_domain_column() -> None:
    sim = simulate(8, 2000, n_domains=2, shifted_fraction=0.25, random_state=1)
    from_frame = profile_data(sim.data, domain_column="domain", random_state=0)
    ds = Dataset.from_frame(sim.data)  # "domain" is an ordinary (binary) variable here
    promoted = profile_data(ds, domain_column="domain", random_state=0)
    assert "domain" not in promoted.kinds
    assert promoted.domain["changing"] == from_frame.domain["changing"]
    own = profile_data(Dataset.from_frame(sim.data, domain_column="domain"), random_state=0)
    assert own.domain["changing"] == from_frame.domain["changing"]


def test_progress_is_reported() -> None:
    calls: list[tuple[int, int | None, str]] = []
    profile_data(np.random.default_rng(0).normal(size=(100, 3)), progress=lambda d, t, s: calls.append((d, t, s)))
    assert calls[0] == (0, 6, "profiling data") and calls[-1][0] == 6


def test_bad_input_raises_typed_errors_naming_the_column() -> None:
    frame = simulate(4, 200, random_state=0).data
    with pytest.raises(DataError, match="'site'"):
        profile_data(frame, domain_column="site")
    with pytest.raises(DataError, match="'site'"):
        profile_data(Dataset.from_frame(frame), domain_column="site")
    one = frame.assign(site="a")
    with pytest.raises(DataError, match="'site'.*single level"):
        profile_data(one, domain_column="site")
    with pytest.raises(DataError, match="'when'"):
        profile_data(frame, time_column="when")
    with pytest.raises(InvalidParameterError, match="alpha"):
        profile_data(frame, alpha=1.5)
    with pytest.raises(InvalidParameterError, match="max_rows"):
        profile_data(frame, max_rows=3)
    with pytest.raises(DataError, match="2-dimensional"):
        profile_data(np.zeros(5))
    with pytest.raises(DataError, match="data must be"):
        profile_data([[1.0, 2.0]])
    prof = profile_data(frame)
    with pytest.raises(DataError, match="'nope'"):
        prof.variable("nope")


# --------------------------------------------------------------------------- distributions (for the report's plots)


def test_distributions_match_numpy_histograms_on_observed_values() -> None:
    # checked against np.histogram (20 equal-width bins, last bin closed) on the non-missing values
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=400), "y": rng.exponential(size=400)})
    frame.loc[rng.random(400) < 0.3, "y"] = np.nan
    prof = profile_data(frame, random_state=0)
    assert list(prof.distributions) == ["x", "y"]
    for col in ("x", "y"):
        d = prof.distributions[col]
        counts, edges = np.histogram(frame[col].dropna(), bins=20)
        assert d["kind"] == "continuous" and d["counts"] == counts.tolist()
        assert np.allclose(d["bin_edges"], edges, rtol=1e-5) and len(d["bin_edges"]) == 21
        assert all(float(f"{e:.6g}") == e for e in d["bin_edges"])  # 6 significant digits
    assert sum(prof.distributions["y"]["counts"]) == int(frame["y"].notna().sum())


def test_distributions_of_categorical_columns_count_each_level() -> None:
    rng = np.random.default_rng(1)
    many = rng.integers(0, 30, 600)
    frame = pd.DataFrame({"c": rng.choice(["lo", "mid", "hi"], 600), "b": rng.integers(0, 2, 600),
                          "w": pd.Series(many).astype(str), "x": rng.normal(size=600)})
    frame.loc[:49, "c"] = None
    prof = profile_data(Dataset.from_frame(frame, missing="keep", max_categories=40), random_state=0)
    c = prof.distributions["c"]
    assert c["kind"] == "discrete" and c["levels"] == ["hi", "lo", "mid"] and c["other"] == 0
    assert c["counts"] == [int((frame["c"] == v).sum()) for v in c["levels"]] and sum(c["counts"]) == 550
    assert prof.distributions["b"]["kind"] == "binary" and prof.distributions["b"]["levels"] == [0, 1]
    w = prof.distributions["w"]  # 30 levels: the 20 most frequent, the rest counted as "other"
    assert len(w["levels"]) == 20 and w["n_levels"] == 30 and sum(w["counts"]) + w["other"] == 600
    freq = pd.Series(many).astype(str).value_counts()
    assert min(w["counts"]) >= freq.iloc[20:].max()
    doc = json.loads(json.dumps(prof.to_dict(), allow_nan=False))
    assert doc["distributions"]["w"]["levels"] == w["levels"] and doc["distributions"]["x"]["counts"]


def test_distributions_are_deterministic_and_small() -> None:
    sim = simulate(6, 3000, random_state=2)
    a, b = profile_data(sim.data, random_state=0), profile_data(sim.data, random_state=5)
    assert a.distributions == b.distributions  # no randomness: all observed values
    assert len(json.dumps(a.to_dict()["distributions"])) < 6 * 450
