"""The CI-test protocol, registry, cache and typed errors (causalscope.independence.base)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causalscope.data import Dataset
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import DAG
from causalscope.independence import (
    CI_TESTS,
    CachedCITest,
    CITest,
    CITestResult,
    DSeparationOracle,
    FisherZ,
    GTest,
    make_ci_test,
    register_ci_test,
)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    a = rng.normal(size=300)
    b = a + rng.normal(size=300)
    c = b + rng.normal(size=300)
    d = rng.normal(size=300)
    return pd.DataFrame({"A": a, "B": b, "C": c, "D": d})


def test_result_is_frozen_and_serialisable() -> None:
    r = CITestResult(statistic=1.5, p_value=0.2, dof=3.0, n=10, method="fisherz")
    with pytest.raises(AttributeError):
        r.p_value = 0.5  # type: ignore[misc]
    d = r.to_dict()
    assert d == {
        "statistic": 1.5, "p_value": 0.2, "dof": 3.0, "n": 10, "method": "fisherz",
        "enough_data": True, "note": "",
    }
    assert r.independent(0.05) and not r.independent(0.5)


def test_registry_has_the_tests(frame: pd.DataFrame) -> None:
    for name in ("fisherz", "gsq", "chisq", "d_separation"):
        assert name in CI_TESTS
    t = make_ci_test("fisherz", frame)
    assert isinstance(t, FisherZ) and isinstance(t, CITest)
    assert t.method == "fisherz"
    with pytest.raises(InvalidParameterError, match="nope"):
        make_ci_test("nope", frame)


def test_register_rejects_a_second_class_under_a_taken_name() -> None:
    with pytest.raises(InvalidParameterError, match="fisherz"):

        @register_ci_test("fisherz")
        class Other(FisherZ):
            pass


def test_accepts_dataset_and_frame_alike(frame: pd.DataFrame) -> None:
    a = FisherZ(frame).test("A", "C", ["B"])
    b = FisherZ(Dataset.from_frame(frame)).test("A", "C", ["B"])
    assert a == b


@pytest.mark.parametrize(
    ("x", "y", "z", "exc", "needle"),
    [
        ("Q", "B", (), DataError, "'Q'"),
        ("A", "Q", (), DataError, "'Q'"),
        ("A", "B", ("Q",), DataError, "'Q'"),
        ("A", "A", (), InvalidParameterError, "'A'"),
        ("A", "B", ("A",), InvalidParameterError, "x='A'"),
        ("A", "B", ("C", "B"), InvalidParameterError, "y='B'"),
    ],
)
def test_bad_queries_raise_typed_errors_naming_the_variable(
    frame: pd.DataFrame, x: str, y: str, z: tuple[str, ...], exc: type, needle: str
) -> None:
    t = FisherZ(frame)
    with pytest.raises(exc, match=needle):
        t.test(x, y, z)
    with pytest.raises(exc, match=needle):
        t.test_batch([("A", "D", ()), (x, y, z)])


def test_discrete_test_on_continuous_data_names_the_column(frame: pd.DataFrame) -> None:
    mixed = frame.assign(K=np.arange(300) % 3)
    t = GTest(mixed)
    with pytest.raises(DataError, match="'A'.*continuous"):
        t.test("A", "K")


def test_bad_options_raise(frame: pd.DataFrame) -> None:
    with pytest.raises(InvalidParameterError, match="missing"):
        FisherZ(frame, missing="drop")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="data"):
        FisherZ(np.zeros((3, 3)))


def test_index_fast_path_validates(frame: pd.DataFrame) -> None:
    t = FisherZ(frame)
    with pytest.raises(InvalidParameterError):
        t.p_values(np.array([0]), np.array([0]), np.zeros((1, 0), dtype=int))
    with pytest.raises(InvalidParameterError):
        t.p_values(np.array([0]), np.array([9]), np.zeros((1, 0), dtype=int))


def test_cache_counts_tests_and_hits(frame: pd.DataFrame) -> None:
    cached = CachedCITest(FisherZ(frame))
    r1 = cached.test("A", "C", ["B"])
    r2 = cached.test("C", "A", ["B"])
    assert r1 == r2 and (cached.n_tests, cached.n_cache_hits) == (1, 1)
    res = cached.test_batch([("A", "D", []), ("D", "A", []), ("A", "C", ["B"])])
    assert res[0] == res[1]
    assert (cached.n_tests, cached.n_cache_hits) == (2, 3)
    ps = cached.p_values(np.array([0, 3]), np.array([3, 0]), np.zeros((2, 0), dtype=int))
    assert ps[0] == ps[1] == res[0].p_value
    assert (cached.n_tests, cached.n_cache_hits) == (2, 5)
    assert len(cached) == 2
    cached.clear()
    assert (cached.n_tests, cached.n_cache_hits, len(cached)) == (0, 0, 0)


def test_d_separation_oracle() -> None:
    g = DAG(edges=["A --> B", "B --> C", "A --> D", "C --> D"])
    oracle = make_ci_test("d_separation", None, graph=g)
    assert isinstance(oracle, DSeparationOracle)
    assert oracle.test("A", "C", ["B"]).p_value == 1.0
    assert oracle.test("A", "C", ["B", "D"]).p_value == 0.0
    assert oracle.test("A", "C").p_value == 0.0
    assert [r.p_value for r in oracle.test_batch([("B", "D", ["A", "C"]), ("A", "D", [])])] == [1.0, 0.0]
    assert oracle.p_values(np.array([0]), np.array([2]), np.array([[1]])).tolist() == [1.0]
    with pytest.raises(DataError, match="'Q'"):
        oracle.test("A", "Q")
    with pytest.raises(InvalidParameterError, match="x='A'"):
        oracle.test("A", "B", ["A"])
    cached = CachedCITest(oracle)
    cached.test("A", "C", ["B"])
    cached.test("C", "A", ["B"])
    assert (cached.n_tests, cached.n_cache_hits) == (1, 1)
