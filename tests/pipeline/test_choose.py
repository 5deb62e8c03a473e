"""The method-choice rules of ``causalscope.pipeline.choose``, checked on profiles of simulated data
whose generating model is known (the oracle: the simulator's mechanism / noise / domains)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causalscope.data.profile import profile_data
from causalscope.datasets import simulate
from causalscope.exceptions import InvalidParameterError
from causalscope.pipeline.choose import (
    CONSENSUS_THRESHOLD,
    DISCRETE_SUBSAMPLE_MIN_N,
    SMALL_N_FRACTION,
    SUBSAMPLE_FRACTION,
    SUBSAMPLE_MIN_N,
    bootstrap_size,
    choose_method,
)


def _profile(**kw):
    sim = simulate(kw.pop("p", 5), kw.pop("n", 500), random_state=0, **kw)
    return profile_data(sim.data, random_state=0), sim


def test_linear_gaussian_small_p_goes_to_exact_search():
    prof, _ = _profile(mechanism="linear", noise="gaussian")
    choice = choose_method(prof)
    assert choice.algorithm == "exact" and choice.rule == "small_p_exact"
    assert choice.tune_grid == {"penalty_discount": [0.5, 1.0, 2.0, 4.0]}
    assert any("Gaussian" in r for r in choice.reasons)


def test_linear_gaussian_moderate_p_goes_to_ges():
    prof, _ = _profile(p=12, n=600, mechanism="linear", noise="gaussian")
    choice = choose_method(prof)
    assert (choice.algorithm, choice.parameters["score"]) == ("ges", "bic")


def test_linear_non_gaussian_goes_to_lingam():
    prof, _ = _profile(mechanism="linear", noise="uniform")
    choice = choose_method(prof)
    assert choice.algorithm == "lingam" and choice.tune_grid is None
    assert "non-Gaussian" in choice.reasons[0]


def test_discrete_goes_to_pc_gsq():
    prof, _ = _profile(discrete=1.0)
    choice = choose_method(prof)
    assert choice.algorithm == "pc" and choice.parameters["ci_test"] == "gsq"


def test_tuning_criterion_rule_stars_for_categorical_heldout_for_continuous():
    # the documented rule: StARS stability for discrete and mixed data, held-out likelihood for continuous data;
    # the oracle is the simulator's column kinds
    disc, _ = _profile(discrete=1.0)
    mixed, _ = _profile(discrete=0.4)
    cont, _ = _profile(p=12, n=600, mechanism="linear", noise="gaussian")
    assert choose_method(disc).tune_method == "stability"
    assert any("StARS" in r for r in choose_method(disc).reasons)
    assert choose_method(mixed).tune_method == "stability"
    assert choose_method(cont).tune_method == "heldout_likelihood"
    assert choose_method(disc, assume_latent=True).tune_method == "stability"  # FCI with the G-test


def test_resample_fraction_rule_keeps_more_rows_for_categorical_data():
    # the documented rule: half-samples from SUBSAMPLE_MIN_N rows on, but for all-categorical data only from
    # DISCRETE_SUBSAMPLE_MIN_N rows on (G-tests lose more power on half the rows); the oracle is the simulator's kinds
    n = SUBSAMPLE_MIN_N
    disc, _ = _profile(n=n, discrete=1.0)
    mixed, _ = _profile(n=n, discrete=0.4)
    cont, _ = _profile(n=n, mechanism="linear", noise="gaussian")
    assert disc.flags["discrete"].value and mixed.flags["mixed"].value
    assert choose_method(disc).sample_fraction == SMALL_N_FRACTION
    assert choose_method(mixed).sample_fraction == SUBSAMPLE_FRACTION
    assert choose_method(cont).sample_fraction == SUBSAMPLE_FRACTION
    big, _ = _profile(n=DISCRETE_SUBSAMPLE_MIN_N, p=3, discrete=1.0)
    assert choose_method(big).sample_fraction == SUBSAMPLE_FRACTION
    small, _ = _profile(n=SUBSAMPLE_MIN_N - 1, mechanism="linear", noise="gaussian")
    assert choose_method(small).sample_fraction == SMALL_N_FRACTION
    assert any("80% of the rows" in r for r in choose_method(disc).reasons)


def test_multi_domain_with_shift_goes_to_cdnod():
    sim = simulate(5, 900, n_domains=3, shifted_fraction=0.4, random_state=0)
    dom = next(c for c in sim.data.columns if c not in sim.graph.nodes)
    prof = profile_data(sim.data, domain_column=dom, random_state=0)
    assert prof.flags["heterogeneous"].value is True
    choice = choose_method(prof, domain_column=dom)
    assert choice.algorithm == "cdnod" and choice.parameters["domain_column"] == dom


def test_latent_request_goes_to_fci_and_budget_is_checked():
    prof, _ = _profile()
    assert choose_method(prof, assume_latent=True).algorithm == "fci"
    with pytest.raises(InvalidParameterError, match="budget"):
        choose_method(prof, budget=0)


def test_nonlinear_goes_to_kernel_pc():
    rng = np.random.default_rng(0)
    x = rng.normal(size=400)
    y = np.sin(2 * x) + 0.3 * rng.normal(size=400)
    z = y**2 + 0.3 * rng.normal(size=400)
    prof = profile_data(pd.DataFrame({"x": x, "y": y, "z": z}), random_state=0)
    assert prof.flags["linear"].value is False
    choice = choose_method(prof)
    assert choice.algorithm == "pc" and choice.parameters["ci_test"] == "kci"  # n = 400 < 500
    assert choose_method(prof, budget=10).parameters["ci_test"] == "fisherz"


def test_bootstrap_size_rule():
    assert [bootstrap_size(p) for p in (5, 20, 21, 50, 51, 100, 101)] == [50, 50, 30, 30, 20, 20, 10]
    assert 0 < CONSENSUS_THRESHOLD <= 1


def test_change_over_time_uses_the_time_index_as_cdnod_surrogate():
    # simulate() writes its domains as consecutive row blocks, so a row index sees the shifts over time
    sim = simulate(5, 900, n_domains=3, shifted_fraction=0.4, random_state=0)
    data = sim.data.drop(columns=[sim.domain_column]).assign(t=np.arange(900))
    prof = profile_data(data, time_column="t", random_state=0)
    assert prof.flags["heterogeneous"].value is True
    choice = choose_method(prof, time_column="t")
    assert choice.algorithm == "cdnod" and choice.parameters["domain_column"] == "t"
    assert choose_method(prof).algorithm != "cdnod"  # no time column named: no surrogate


def test_latent_rule_uses_the_restricted_possible_dsep_search_for_large_p():
    """Rule: FCI's textbook Possible-D-SEP stage up to FCI_FULL_PDSEP_MAX_P variables, the Tetrad search above."""
    from causalscope.datasets import simulate
    from causalscope.pipeline.choose import FCI_FULL_PDSEP_MAX_P

    for p, mode in ((FCI_FULL_PDSEP_MAX_P, "full"), (FCI_FULL_PDSEP_MAX_P + 5, "tetrad")):
        prof = profile_data(simulate(p, 300, random_state=0).data, random_state=0)
        choice = choose_method(prof, assume_latent=True)
        assert choice.parameters["possible_dsep"] == mode
        assert any("Possible-D-SEP" in r for r in choice.reasons)
