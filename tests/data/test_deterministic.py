"""Tests of :mod:`causalscope.data.deterministic` (issue 17, item 5).

Checked against: relations built into the data by construction (multiples,
sums, duplicates, affine copies, recodes, coarsenings, dummy sets), ordinary
simulated data with none (``simulate``), and PC run on the issue's examples
before and after the ``"drop"`` policy.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest

from causalscope.data import (
    DETERMINISTIC_POLICIES,
    Dataset,
    DeterministicRelation,
    DeterministicReport,
    find_deterministic,
    resolve_deterministic,
)
from causalscope.datasets import simulate
from causalscope.discovery import pc
from causalscope.exceptions import DataError, InvalidParameterError


def _normal(seed: int, n: int, k: int) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    return [rng.normal(size=n) for _ in range(k)]


def _only(report: DeterministicReport) -> DeterministicRelation:
    assert len(report.relations) == 1, [r.describe() for r in report.relations]
    return report.relations[0]


# --------------------------------------------------------------------------- the cases


def test_multiple_is_found() -> None:
    # truth: x2 = 2 * x1
    x1, e = _normal(0, 1000, 2)
    frame = pd.DataFrame({"x1": x1, "x2": 2 * x1, "y": x1 + e})
    rel = _only(find_deterministic(frame))
    assert (rel.kind, rel.dependent, rel.determinants) == ("linear", "x2", ("x1",))
    assert rel.coefficients == pytest.approx((2.0,)) and rel.intercept == 0.0
    assert rel.equation == "x2 = 2*x1"
    assert rel.one_to_one and rel.r2 > 1 - 1e-12 and rel.n_rows == 1000 and rel.redundant == "x2"


def test_sum_is_found_with_a_minimal_set_of_determinants() -> None:
    # truth: x3 = x1 + x2; x4 and y are not involved
    x1, x2, x4, e = _normal(1, 1000, 4)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "x4": x4, "x3": x1 + x2, "y": x2 + e})
    rel = _only(find_deterministic(frame))
    assert (rel.dependent, rel.determinants) == ("x3", ("x1", "x2"))
    assert rel.coefficients == pytest.approx((1.0, 1.0))
    assert rel.equation == "x3 = 1*x1 + 1*x2"
    assert not rel.one_to_one


def test_exact_duplicate_and_affine_copy_are_found() -> None:
    x1, x2 = _normal(2, 500, 2)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "copy": x1.copy(), "affine": 3 * x2 - 5})
    report = find_deterministic(frame)
    eqs = {r.dependent: r.equation for r in report.relations}
    assert eqs == {"copy": "copy = 1*x1", "affine": "affine = 3*x2 - 5"}
    affine = next(r for r in report.relations if r.dependent == "affine")
    assert affine.intercept == pytest.approx(-5.0) and affine.coefficients == pytest.approx((3.0,))
    assert report.redundant == ("copy", "affine")


def test_longer_linear_relation_with_negative_coefficients_and_offset() -> None:
    cols = _normal(3, 800, 6)
    frame = pd.DataFrame({f"c{i}": c for i, c in enumerate(cols)})
    frame["z"] = 10 + 0.5 * frame["c1"] - 2 * frame["c4"] + frame["c5"]
    rel = _only(find_deterministic(frame))
    assert rel.determinants == ("c1", "c4", "c5")
    assert rel.coefficients == pytest.approx((0.5, -2.0, 1.0))
    assert rel.intercept == pytest.approx(10.0)
    assert rel.equation == "z = 0.5*c1 - 2*c4 + 1*c5 + 10"


def test_full_set_of_dummies_is_found() -> None:
    # truth: d0 + d1 + d2 = 1 on every row
    rng = np.random.default_rng(4)
    group = rng.integers(0, 3, size=600)
    frame = pd.DataFrame({"z": rng.normal(size=600), **{f"d{k}": (group == k).astype(float) for k in range(3)}})
    rel = _only(find_deterministic(frame))
    assert rel.dependent == "d2" and rel.determinants == ("d0", "d1")
    assert rel.coefficients == pytest.approx((-1.0, -1.0)) and rel.intercept == pytest.approx(1.0)


# --------------------------------------------------------------------------- discrete columns


def _survey(n: int = 1000, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    smoker = rng.choice(["yes", "no"], size=n)
    age = rng.integers(18, 90, size=n)
    region = rng.choice(["north", "south", "west"], size=n)
    return pd.DataFrame({
        "smoker": smoker,
        "age": age,
        "region": region,
        "income": rng.normal(50, 10, size=n),
        "smoker_yes_no": np.where(smoker == "yes", 1, 0),
        "age_group": np.where(age >= 65, "senior", "adult"),
        "region_code": pd.Series(region).map({"north": 7, "south": 3, "west": 5}).to_numpy(),
    })


def test_recoded_duplicates_and_a_coarsening_are_found_with_their_direction() -> None:
    report = find_deterministic(_survey())
    found = {r.dependent: r for r in report.relations}
    assert set(found) == {"smoker_yes_no", "age_group", "region_code"}
    for dep, det in (("smoker_yes_no", "smoker"), ("region_code", "region")):
        rel = found[dep]
        assert (rel.kind, rel.determinants, rel.one_to_one, rel.redundant) == ("functional", (det,), True, dep)
        assert "one-to-one" in rel.describe()
    coarse = found["age_group"]
    assert (coarse.determinants, coarse.one_to_one, coarse.redundant) == (("age",), False, "age_group")
    assert "not conversely" in coarse.describe()
    # the coarser column goes even though it comes later than the finer one would anyway:
    reordered = _survey()[["age_group", "age", "income"]]
    rel = _only(find_deterministic(reordered))
    assert (rel.dependent, rel.determinants, rel.redundant) == ("age_group", ("age",), "age_group")


def test_dataset_input_and_its_kinds() -> None:
    ds = Dataset.from_frame(_survey())
    report = find_deterministic(ds)
    assert {r.dependent for r in report.relations} == {"smoker_yes_no", "age_group", "region_code"}
    assert report.kinds["smoker"] == "binary" and report.kinds["income"] == "continuous"
    clean, messages = resolve_deterministic(ds, report)
    assert isinstance(clean, Dataset)
    assert clean.variables == ("smoker", "age", "region", "income")
    assert len(messages) == 3
    clean, _ = resolve_deterministic(ds, report, protect=["smoker_yes_no", "age_group"])
    assert clean.variables == ("region", "income", "smoker_yes_no", "age_group")


def test_profile_kinds_can_be_passed_as_they_are() -> None:
    from causalscope.data import profile_data

    frame = _survey(400)
    frame["site"] = np.repeat(["a", "b"], 200)
    profile = profile_data(frame, domain_column="site", random_state=0)
    report = find_deterministic(frame, columns=list(profile.kinds), kinds=dict(profile.kinds),
                                protect=("smoker_yes_no", None))
    assert "site" not in report.columns
    assert report.redundant == ("smoker", "age_group", "region_code")


def test_kinds_argument_marks_numeric_codes_as_labels() -> None:
    # 'site' holds codes 1..4 of an unordered category: a linear relation with them means nothing,
    # but a one-to-one recode is still found by the functional check.
    rng = np.random.default_rng(6)
    site = rng.integers(1, 5, size=400)
    frame = pd.DataFrame({"site": site, "site_copy": 10 * site, "x": rng.normal(size=400)})
    rel = _only(find_deterministic(frame, kinds={"site": "discrete", "site_copy": "discrete"}))
    assert (rel.kind, rel.dependent, rel.one_to_one) == ("functional", "site_copy", True)
    with pytest.raises(InvalidParameterError, match="invalid column kind"):
        find_deterministic(frame, kinds={"site": "nominal"})
    with pytest.raises(DataError, match="unknown column 'nope'"):
        find_deterministic(frame, kinds={"nope": "discrete"})


def test_no_relation_between_dependent_but_not_determined_categories() -> None:
    rng = np.random.default_rng(7)
    a = rng.integers(0, 3, size=2000)
    b = np.where(rng.random(2000) < 0.9, a, rng.integers(0, 3, size=2000))  # 93% agreement, not a function
    assert find_deterministic(pd.DataFrame({"a": a, "b": b})).relations == ()


# --------------------------------------------------------------------------- ordinary data is not flagged


def test_simulated_linear_data_has_no_relation() -> None:
    sim = simulate(8, 1000, mechanism="linear", random_state=0)
    report = find_deterministic(sim.data)
    assert report.relations == () and not report.found and report.notes == ()


def test_simulated_mixed_data_has_no_relation() -> None:
    sim = simulate(8, 1000, mechanism="linear", discrete=0.5, random_state=1)
    assert find_deterministic(sim.data).relations == ()


def test_strongly_correlated_noisy_pair_is_not_flagged() -> None:
    # r = 0.999 with noise at n = 2000: 1 - R^2 = 0.002, far above tol = 1e-8
    rng = np.random.default_rng(8)
    x = rng.normal(size=2000)
    y = x + np.sqrt(1 / 0.999**2 - 1) * rng.normal(size=2000)
    assert np.corrcoef(x, y)[0, 1] == pytest.approx(0.999, abs=2e-4)
    frame = pd.DataFrame({"x": x, "y": y})
    assert find_deterministic(frame).relations == ()
    # the threshold is what decides: a loose one flags the pair
    assert _only(find_deterministic(frame, tol=0.01)).dependent == "y"


def test_large_offsets_do_not_hide_or_invent_relations() -> None:
    # values near 1e6 with unit spread: centring must not cancel
    rng = np.random.default_rng(19)
    x, z = 1e6 + rng.normal(size=2000), 1e6 + rng.normal(size=2000)
    frame = pd.DataFrame({"x": x, "z": z, "y": 2 * x + 3})
    rel = _only(find_deterministic(frame))
    assert rel.equation == "y = 2*x + 3" and rel.intercept == pytest.approx(3.0, abs=1e-6)
    assert find_deterministic(frame[["x", "z"]]).relations == ()


# --------------------------------------------------------------------------- missing values


def test_missing_values_use_the_complete_rows() -> None:
    x1, x2, z = _normal(9, 1000, 3)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "x3": x1 + x2, "z": z, "g": np.where(x1 > 0, "a", "b")})
    frame["g2"] = frame["g"].map({"a": "A", "b": "B"})
    frame.loc[[3, 10, 500], "x1"] = np.nan
    frame.loc[[7, 10], "x3"] = np.nan
    frame.loc[[1, 2], "g2"] = None
    report = find_deterministic(frame)
    found = {r.dependent: r for r in report.relations}
    assert set(found) == {"x3", "g2"}
    assert found["x3"].determinants == ("x1", "x2") and found["x3"].n_rows == 996
    assert found["g2"].n_rows == 998
    assert report.n_rows == 1000 and report.n_rows_linear == 996
    assert any("996 of 1000 rows complete" in note for note in report.notes)


def test_duplicates_are_found_when_few_rows_are_complete_in_all_columns() -> None:
    # every column misses 30% of its values: only ~0.7**12 of the rows are complete
    rng = np.random.default_rng(10)
    n = 3000
    frame = pd.DataFrame({f"c{i}": rng.normal(size=n) for i in range(10)})
    frame["c0_copy"] = 4 * frame["c0"] + 1
    frame["sum"] = frame["c1"] + frame["c2"]
    frame = frame.mask(rng.random(frame.shape) < 0.3)
    report = find_deterministic(frame)
    pair = next(r for r in report.relations if r.dependent == "c0_copy")
    assert pair.determinants == ("c0",) and pair.coefficients == pytest.approx((4.0,))
    assert pair.n_rows == int((frame["c0"].notna() & frame["c0_copy"].notna()).sum())
    assert any("each pair" in note for note in report.notes)


def test_dataset_with_kept_missing_values() -> None:
    x1, x2 = _normal(11, 300, 2)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "x3": x2 - x1})
    frame.loc[[0, 5], "x2"] = np.nan
    ds = Dataset.from_frame(frame, missing="keep")
    rel = _only(find_deterministic(ds))
    assert rel.equation == "x3 = -1*x1 + 1*x2" and rel.n_rows == 298


# --------------------------------------------------------------------------- policies


def test_drop_keeps_the_earliest_column() -> None:
    x1, e = _normal(12, 500, 2)
    frame = pd.DataFrame({"x1": x1, "y": x1 + e, "x2": 2 * x1})
    clean, messages = resolve_deterministic(frame, find_deterministic(frame), "drop")
    assert list(clean.columns) == ["x1", "y"]
    assert len(messages) == 1 and "'x2'" in messages[0] and "x2 = 2*x1" in messages[0]
    assert list(frame.columns) == ["x1", "y", "x2"]  # input unchanged
    # the same relation with the column order reversed: the (new) latest goes
    swapped = frame[["x2", "y", "x1"]]
    clean, _ = resolve_deterministic(swapped, find_deterministic(swapped), "drop")
    assert list(clean.columns) == ["x2", "y"]


def test_drop_respects_protect() -> None:
    x1, x2, e = _normal(13, 500, 3)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "x3": x1 + x2, "y": x2 + e})
    report = find_deterministic(frame)
    assert report.redundant == ("x3",)
    clean, messages = resolve_deterministic(frame, report, "drop", protect=["x3", "y"])
    assert list(clean.columns) == ["x1", "x3", "y"]  # x2 goes instead of the protected x3
    assert "'x2'" in messages[0]
    # protect given to find_deterministic: the report already names the member that goes
    report = find_deterministic(frame, protect=("x3", None))
    assert report.redundant == ("x2",) and report.protect == ("x3",)
    clean, _ = resolve_deterministic(frame, report)
    assert list(clean.columns) == ["x1", "x3", "y"]


def test_drop_with_a_protected_coarse_column_drops_the_finer_one() -> None:
    frame = _survey()[["age", "age_group", "income"]]
    clean, messages = resolve_deterministic(frame, find_deterministic(frame), protect="age_group")
    assert list(clean.columns) == ["age_group", "income"]
    assert "'age_group' is protected" in messages[0]


def test_drop_raises_when_every_member_is_protected() -> None:
    x1, e = _normal(14, 300, 2)
    frame = pd.DataFrame({"x1": x1, "x2": 2 * x1, "y": x1 + e})
    report = find_deterministic(frame, protect=["x1", "x2"])
    assert report.redundant == () and len(report.conflicts) == 1
    with pytest.raises(DataError, match="every column involved is protected.*x2 = 2\\*x1"):
        resolve_deterministic(frame, report, "drop")
    with pytest.raises(DataError, match="every column involved is protected"):
        resolve_deterministic(frame, find_deterministic(frame), "drop", protect=["x2", "x1"])


def test_error_policy_names_every_relation_and_column() -> None:
    x1, x2 = _normal(15, 400, 2)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "x3": x1 + x2, "copy": x2.copy(),
                          "s": np.where(x1 > 0, "yes", "no")})
    frame["s01"] = (frame["s"] == "yes").astype(int)
    report = find_deterministic(frame)
    with pytest.raises(DataError) as info:
        resolve_deterministic(frame, report, "error")
    text = str(info.value)
    for piece in ("x3 = 1*x1 + 1*x2", "copy = 1*x2", "'s01' is a one-to-one recoding of 's'",
                  "'x1', 'x2', 'x3', 'copy', 's', 's01'"):
        assert piece in text


def test_keep_policy_changes_nothing_and_describes() -> None:
    x1, e = _normal(16, 300, 2)
    frame = pd.DataFrame({"x1": x1, "x2": 2 * x1, "y": x1 + e})
    report = find_deterministic(frame)
    same, messages = resolve_deterministic(frame, report, "keep")
    assert same is frame
    assert messages == report.messages() and "x2 = 2*x1" in messages[0]


def test_no_relation_means_no_change_under_every_policy() -> None:
    sim = simulate(5, 300, random_state=2)
    report = find_deterministic(sim.data)
    for policy in DETERMINISTIC_POLICIES:
        same, messages = resolve_deterministic(sim.data, report, policy)  # type: ignore[arg-type]
        assert same is sim.data and messages == []


def test_bad_arguments_raise_typed_errors() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [3.0, 1.0, 2.0]})
    report = find_deterministic(frame)
    with pytest.raises(InvalidParameterError, match="policy must be one of"):
        resolve_deterministic(frame, report, "ignore")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="tol"):
        find_deterministic(frame, tol=0)
    with pytest.raises(InvalidParameterError, match="DataFrame or a Dataset"):
        find_deterministic(frame.to_numpy())  # type: ignore[arg-type]
    with pytest.raises(DataError, match="unknown column.*'c'"):
        find_deterministic(frame, columns=["a", "c"])
    with pytest.raises(DataError, match="protect names unknown"):
        find_deterministic(frame, protect=["zz"])
    with pytest.raises(DataError, match="the data do not have"):
        resolve_deterministic(frame[["a"]], report)
    with pytest.raises(InvalidParameterError, match="carries its own"):
        find_deterministic(Dataset.from_frame(frame), kinds={"a": "continuous"})


def test_columns_argument_restricts_the_check() -> None:
    x1, e = _normal(17, 300, 2)
    frame = pd.DataFrame({"x1": x1, "x2": 2 * x1, "y": x1 + e, "site": np.repeat(["a", "b", "c"], 100)})
    frame["site_again"] = frame["site"]
    report = find_deterministic(frame, columns=["y", "x2", "x1"])
    assert report.columns == ("x1", "x2", "y") and [r.dependent for r in report.relations] == ["x2"]


def test_report_is_a_frozen_json_ready_value() -> None:
    report = find_deterministic(_survey())
    json.dumps(report.to_dict())
    assert report.to_dict()["redundant"] == list(report.redundant)
    assert pickle.loads(pickle.dumps(report)) == report
    with pytest.raises(AttributeError):
        report.tol = 1.0  # type: ignore[misc]
    assert find_deterministic(_survey()) == report  # same data, same answer


def test_many_columns_many_rows_is_vectorised() -> None:
    # a scaled-down version of the p = 300 / n = 1e6 case: 80 columns, 50 000 rows
    rng = np.random.default_rng(18)
    data = rng.normal(size=(50_000, 80))
    data[:, 40] = 2 * data[:, 3] - data[:, 7]
    data[:, 79] = data[:, 0]
    report = find_deterministic(pd.DataFrame(data, columns=[f"v{i}" for i in range(80)]))
    assert [r.equation for r in report.relations] == ["v40 = 2*v3 - 1*v7", "v79 = 1*v0"]


# --------------------------------------------------------------------------- end to end with PC


def test_pc_recovers_the_dependence_a_multiple_hid() -> None:
    # truth: x1 --> y, and x2 = 2 * x1 is a copy
    x1, e = _normal(0, 1000, 2)
    frame = pd.DataFrame({"x1": x1, "x2": 2 * x1, "y": x1 + e})
    before = pc(frame)
    assert before.adjacent("y") == frozenset()  # y lost its real dependence
    clean, _ = resolve_deterministic(frame, find_deterministic(frame))
    assert str(pc(clean)) == "x1 --- y"


def test_pc_recovers_the_edge_a_sum_removed() -> None:
    # truth: x1 --> x2 --> y, and x3 = x1 + x2; {x1, x3} determines x2 and separates it from y
    rng = np.random.default_rng(1)
    x1 = rng.normal(size=1000)
    x2 = x1 + rng.normal(size=1000)
    y = x2 + rng.normal(size=1000)
    frame = pd.DataFrame({"x1": x1, "x2": x2, "x3": x1 + x2, "y": y})
    before = pc(frame)
    assert not before.is_adjacent("x2", "y")  # the true edge x2 - y is gone
    clean, messages = resolve_deterministic(frame, find_deterministic(frame))
    assert list(clean.columns) == ["x1", "x2", "y"] and "'x3'" in messages[0]
    assert str(pc(clean)) == "x1 --- x2; x2 --- y"
