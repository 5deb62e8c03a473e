"""The common checks: every entry of every registry keeps the component contract.

Parametrised over ``DISCOVERY_ALGORITHMS``, ``CI_TESTS``, ``SCORES`` and
``ESTIMATORS``, so a component is checked the moment it registers. What a new
component needs here is at most a line in one of the small tables below (the data
it takes, the options a fit needs, an honest exception with its reason).

Checked for every component: default construction, ``repr`` of the defaults,
``get_params``/``set_params`` (an unknown name raises the typed error), ``clone``
(an unfitted equal), pickling (fitted and unfitted), an unchanged input frame.
Discovery algorithms: ``fit`` returns ``self`` with ``graph_`` and ``variables_``,
a refit and a fresh fit with the same seed give the same graph, the column order
does not change the graph (exceptions below), and bad input raises ``DataError``
or ``InvalidParameterError``. CI tests: p-values in ``[0, 1]``, symmetric in
``x, y``, a batch equals the single tests, invariance to shift and scale where
the test claims it. Scores: decomposable, cached equals uncached, invariance
where claimed. Estimators: a known effect on a small simulated frame, and a bad
treatment column raises ``DataError``.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pytest

from causalscope.contract import Component, DiscoveryAlgorithm, EffectEstimator
from causalscope.discovery import DISCOVERY_ALGORITHMS
from causalscope.estimation import ESTIMATORS
from causalscope.exceptions import CausalScopeError, DataError, InvalidParameterError
from causalscope.graphs import DAG, parse_graph
from causalscope.independence import CI_TESTS
from causalscope.scores import SCORES

N = 300


# ----------------------------------------------------------------------------- data
def _linear(n: int = N, seed: int = 0, noise: str = "gaussian") -> pd.DataFrame:
    """A --> C <-- B, C --> D (a collider, so every algorithm orients something)."""
    rng = np.random.default_rng(seed)

    def e(size: int) -> np.ndarray:
        return rng.normal(size=size) if noise == "gaussian" else rng.uniform(-1.7, 1.7, size=size)

    a, b = e(n), e(n)
    c = 0.9 * a + 0.9 * b + e(n)
    d = 0.9 * c + e(n)
    return pd.DataFrame({"A": a, "B": b, "C": c, "D": d})


def _discrete(n: int = N, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 2, n)
    b = rng.integers(0, 2, n)
    c = (rng.random(n) < 0.15 + 0.35 * a + 0.35 * b).astype(int)
    d = (rng.random(n) < 0.2 + 0.6 * c).astype(int)
    return pd.DataFrame({"A": a, "B": b, "C": c, "D": d})


def _domains(n: int = N, seed: int = 0) -> pd.DataFrame:
    frame = _linear(n, seed)
    domain = np.repeat([0, 1], n // 2)
    frame["A"] = frame["A"] + 1.5 * domain
    frame["domain"] = domain
    return frame


def _timeseries(n: int = N, seed: int = 0) -> pd.DataFrame:
    """A stationary VAR(1) in row (time) order: A[t-1] --> C[t] <-- B[t-1], C[t-1] --> D[t]."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 4))
    for t in range(1, n):
        x[t, 0] += 0.5 * x[t - 1, 0]
        x[t, 2] += 0.6 * x[t - 1, 0] + 0.6 * x[t - 1, 1]
        x[t, 3] += 0.7 * x[t - 1, 2]
    return pd.DataFrame(x, columns=list("ABCD"))


#: Data for a discovery algorithm (default: linear Gaussian), and the options its fits need.
DISCOVERY_DATA: dict[str, Callable[[], pd.DataFrame]] = {
    "lingam": lambda: _linear(noise="uniform"),
    "varlingam": lambda: _linear(noise="uniform"),  # DirectLiNGAM on the VAR residuals needs non-Gaussian noise
    "cdnod": _domains,
    "icp": _domains,
    "hidden_icp": lambda: _domains().assign(B=lambda f: f["B"] * (1 + f["domain"]), D=lambda f: f["D"] * (1 + f["domain"])),
    "pcmci": _timeseries,
    "granger": _timeseries,
    "pcmciplus": _timeseries,
}
DISCOVERY_OPTIONS: dict[str, dict[str, Any]] = {"cdnod": {"domain_column": "domain"},
                                                "icp": {"domain_column": "domain", "target": "C"},
                                                "hidden_icp": {"domain_column": "domain", "target": "C"}}
#: Options under which the algorithm's answer does not depend on the column order.
ORDER_FREE_OPTIONS: dict[str, dict[str, Any]] = {
    "pc": {"stable": True, "collider_rule": "conservative"},
}
#: Honest exceptions: the answer depends on the column order by design (only the adjacencies are compared).
ORDER_DEPENDENT: dict[str, str] = {
    "cdnod": "the domain node adds colliders that conflict on this small sample (domain --> A <-- C against "
             "A --> C <-- B); conflict='existing' keeps the collider found first in column order, by design, "
             "while the stable skeleton does not depend on the order",
}
#: The attribute holding the answer compared across column orders (default ``graph_``).
ANSWER: dict[str, str] = {
    "exact": "cpdag_",  # the DP's optimal DAG within the equivalence class is a tie broken by order
    "exact_posterior": "cpdag_",
}

#: Data for a CI test / score (default: continuous); the discrete ones need discrete columns.
DISCRETE = {"gsq", "chisq", "bdeu"}
#: Honest exceptions to the symmetry of a CI test in ``x`` and ``y``.
ASYMMETRIC: dict[str, str] = {
    "kci": "the conditional KCI statistic puts Z into the kernel of x only (Zhang et al. 2011, as causal-learn), "
           "so swapping x and y given Z changes the p-value; unconditional tests are symmetric",
}
#: Components whose answer is invariant to shifting and scaling the columns (as they claim).
AFFINE_INVARIANT = {"fisherz", "parcorr", "bic"}


def _ci_data(name: str) -> pd.DataFrame:
    return _discrete() if name in DISCRETE else _linear()


def _make_ci(name: str, frame: pd.DataFrame | None = None) -> Any:
    if name == "d_separation":
        return CI_TESTS[name](parse_graph("A --> C; B --> C; C --> D"))  # type: ignore[call-arg]
    return CI_TESTS[name](_ci_data(name) if frame is None else frame)  # type: ignore[call-arg]


def _make_score(name: str, frame: pd.DataFrame | None = None) -> Any:
    return SCORES[name](_ci_data(name) if frame is None else frame)  # type: ignore[call-arg]


# ----------------------------------------------------------------------- estimators
def _confounded(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z1, z2 = rng.normal(size=n), rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-(0.8 * z1 - 0.5 * z2)))).astype(int)
    return pd.DataFrame({"z1": z1, "z2": z2, "t": t, "y": 2.0 * t + z1 + z2 + rng.normal(size=n)})


def _randomised(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = rng.integers(0, 2, n)
    return pd.DataFrame({"t": t, "y": 2.0 * t + rng.normal(size=n)})


def _frontdoor(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    u = rng.normal(size=n)
    t = (u + rng.normal(size=n) > 0).astype(int)
    m = 1.0 * t + rng.normal(size=n)
    return pd.DataFrame({"t": t, "m": m, "y": 2.0 * m + u + rng.normal(size=n)})  # effect 2


def _instrument(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    u, z = rng.normal(size=n), rng.integers(0, 2, n)
    t = (1.2 * z + u + rng.normal(size=n) > 0.6).astype(int)
    return pd.DataFrame({"z": z, "t": t, "y": 2.0 * t + u + rng.normal(size=n)})


def _discrete_backdoor(n: int = 500, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    z = rng.integers(0, 2, n)
    t = (rng.random(n) < 0.2 + 0.6 * z).astype(int)
    y = (rng.random(n) < 0.1 + 0.4 * t + 0.3 * z).astype(int)
    return pd.DataFrame({"z": z, "t": t, "y": y})  # effect 0.4


def _plugin_estimand() -> Any:
    from causalscope.identification import identify

    return identify(parse_graph("z --> t; z --> y; t --> y"), "t", "y").estimand


#: method -> (data, adjustment set, true effect, tolerance, extra constructor options)
ESTIMATOR_CASES: dict[str, tuple[Callable[[], pd.DataFrame], list[str] | None, float, float, dict[str, Any]]] = {
    "difference": (_randomised, None, 2.0, 0.5, {}),
    "matching": (_confounded, ["z1", "z2"], 2.0, 0.8, {}),
    "frontdoor": (_frontdoor, ["m"], 2.0, 0.6, {"n_bootstrap": 20}),
    "2sls": (_instrument, None, 2.0, 1.2, {"instruments": ["z"]}),
    "wald": (_instrument, None, 2.0, 1.2, {"instruments": ["z"]}),
    "plugin": (_discrete_backdoor, None, 0.4, 0.15, {"n_bootstrap": 20}),
    "gcomp": (_confounded, ["z1", "z2"], 2.0, 0.5, {"n_bootstrap": 20}),
}
DEFAULT_CASE = (_confounded, ["z1", "z2"], 2.0, 0.5, {})


def _estimator_case(method: str) -> tuple[pd.DataFrame, list[str] | None, float, float, Any]:
    data, adj, truth, tol, extra = ESTIMATOR_CASES.get(method, DEFAULT_CASE)
    options = dict(extra)
    if method == "plugin":
        options["estimand"] = _plugin_estimand()
    est = ESTIMATORS[method]()  # type: ignore[call-arg]
    if "random_state" in est.param_names():
        options["random_state"] = 0
    return data(), adj, truth, tol, est.set_params(**options)


# ------------------------------------------------------------------- shared checks
def _bad_frame(frame: pd.DataFrame, bad: str) -> pd.DataFrame:
    """``frame`` made unusable: no rows (``"empty"``), a constant column, or missing values (``"nan"``)."""
    if bad == "empty":
        return frame.iloc[:0]
    if bad == "constant":
        return frame.assign(B=1.0)
    out = frame.astype({"B": float})
    out.loc[out.index[:5], "B"] = np.nan
    return out


def _check_contract(component: Component) -> None:
    """get_params / set_params / clone / repr / pickle of an unfitted component."""
    cls = type(component)
    names = cls.param_names()
    params = component.get_params(deep=False)
    assert tuple(params) == names
    assert all(hasattr(component, n) for n in names)
    with pytest.raises(InvalidParameterError, match="no_such_parameter"):
        component.set_params(no_such_parameter=1)
    twin = component.clone()
    assert type(twin) is cls and twin is not component
    assert twin.get_params(deep=False).keys() == params.keys()
    assert repr(twin) == repr(component)
    again = pickle.loads(pickle.dumps(component))
    assert repr(again) == repr(component)


def _shifted_and_scaled(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``frame`` and an affine transform of each of its columns."""
    return frame, frame * np.array([3.0, 0.5, 10.0, 2.0]) + np.array([5.0, -1.0, 100.0, 0.3])


def _fitted_attributes(obj: object) -> list[str]:
    return [k for k in vars(obj) if k.endswith("_") and not k.startswith("_")]


# ========================================================================= discovery
@pytest.mark.parametrize("name", sorted(DISCOVERY_ALGORITHMS))
def test_discovery_default_construction(name: str) -> None:
    cls = DISCOVERY_ALGORITHMS[name]
    est = cls()  # type: ignore[call-arg]
    assert isinstance(est, Component) and cls.name == name
    assert repr(est) == f"{cls.__name__}()"
    _check_contract(est)
    assert cls().set_params(**DISCOVERY_OPTIONS.get(name, {})).get_params(deep=False).keys() == set(cls.param_names())


def _discovery_fit(name: str, frame: pd.DataFrame | None = None, **options: Any) -> Any:
    data = DISCOVERY_DATA.get(name, _linear)() if frame is None else frame
    est = DISCOVERY_ALGORITHMS[name](**{**DISCOVERY_OPTIONS.get(name, {}), **options})  # type: ignore[call-arg]
    return est, data


@pytest.mark.parametrize("name", sorted(DISCOVERY_ALGORITHMS))
def test_discovery_fit_refit_pickle_clone(name: str) -> None:
    est, data = _discovery_fit(name)
    before = data.copy()
    fitted = est.fit(data)
    assert fitted is est
    assert isinstance(est, DiscoveryAlgorithm)
    pd.testing.assert_frame_equal(data, before)  # the input is not modified
    expected = tuple(c for c in data.columns if c != DISCOVERY_OPTIONS.get(name, {}).get("domain_column"))
    assert tuple(est.variables_) == expected
    graph = est.graph_
    assert est.fit(data).graph_ == graph  # refit is idempotent
    restored = pickle.loads(pickle.dumps(est))
    assert restored.graph_ == graph
    twin = est.clone()
    assert not _fitted_attributes(twin)
    assert twin.get_params(deep=False) == est.get_params(deep=False)
    assert twin.fit(data).graph_ == graph  # and a fresh fit with the same seed gives the same answer


@pytest.mark.parametrize("name", sorted(DISCOVERY_ALGORITHMS))
def test_discovery_column_order(name: str) -> None:
    est, data = _discovery_fit(name, **ORDER_FREE_OPTIONS.get(name, {}))
    order = list(data.columns)[::-1]
    attr = ANSWER.get(name, "graph_")
    first = getattr(est.fit(data), attr)
    second = getattr(est.clone().fit(data[order]), attr)
    if name in ORDER_DEPENDENT:  # documented exception: compare the adjacencies only
        assert first.skeleton() == second.skeleton()
        return
    if getattr(DISCOVERY_ALGORITHMS[name], "time_series", False):
        # a time-series graph keeps its variables in column order (and stores a symmetric
        # contemporaneous link under the first of the two): compare in the first order
        order = [second.variables.index(v) for v in first.variables]
        ix = np.ix_(order, order)
        graph, val, pm = second.to_arrays()
        second = type(second).from_arrays(first.variables, graph[ix], val[ix], pm[ix])
    assert first == second


@pytest.mark.parametrize("name", sorted(DISCOVERY_ALGORITHMS))
@pytest.mark.parametrize("bad", ["empty", "constant", "nan", "knowledge"])
def test_discovery_bad_input(name: str, bad: str) -> None:
    est, data = _discovery_fit(name)
    if bad == "knowledge":
        est.set_params(knowledge={"forbidden": [["A", "no_such_column"]]})
    else:
        data = _bad_frame(data, bad)
    with pytest.raises((DataError, InvalidParameterError)):
        est.fit(data)


# ========================================================================== CI tests
QUERIES = [("A", "B", ()), ("A", "D", ("C",)), ("B", "D", ("A", "C")), ("A", "C", ("B",))]


@pytest.mark.parametrize("name", sorted(CI_TESTS))
def test_ci_test_contract(name: str) -> None:
    frame = None if name == "d_separation" else _ci_data(name)
    before = None if frame is None else frame.copy()
    test = _make_ci(name, frame)
    if before is not None:
        pd.testing.assert_frame_equal(frame, before)
    assert isinstance(test, Component) and type(test).method == name
    _check_contract(test)
    twin = test.clone()
    assert twin.get_params() == test.get_params()
    single = [test.test(x, y, z).p_value for x, y, z in QUERIES]
    assert all(0.0 <= p <= 1.0 for p in single)
    symmetric = [q for q in QUERIES if not q[2]] if name in ASYMMETRIC else QUERIES
    swapped = [test.test(y, x, z).p_value for x, y, z in symmetric]
    np.testing.assert_allclose([test.test(*q).p_value for q in symmetric], swapped, rtol=1e-9, atol=1e-12)
    batch = [r.p_value for r in test.test_batch(QUERIES)]
    np.testing.assert_allclose(batch, single, rtol=1e-9, atol=1e-12)
    idx = test.index_of
    for k in (0, 1, 2):
        qs = [q for q in QUERIES if len(q[2]) == k]
        xs, ys = np.array([idx(q[0]) for q in qs]), np.array([idx(q[1]) for q in qs])
        zs = np.array([[idx(v) for v in q[2]] for q in qs], dtype=np.intp).reshape(len(qs), k)
        np.testing.assert_allclose(test.p_values(xs, ys, zs), [test.test(*q).p_value for q in qs], rtol=1e-9)
    np.testing.assert_allclose([twin.test(*q).p_value for q in QUERIES], single, rtol=1e-9)  # same seed, same answer
    restored = pickle.loads(pickle.dumps(test))
    np.testing.assert_allclose([restored.test(*q).p_value for q in QUERIES], single, rtol=1e-9)


@pytest.mark.parametrize("name", sorted(set(CI_TESTS) - {"d_separation"}))
@pytest.mark.parametrize("bad", ["empty", "nan"])
def test_ci_test_bad_input(name: str, bad: str) -> None:
    with pytest.raises(DataError):
        _make_ci(name, _bad_frame(_ci_data(name), bad))


@pytest.mark.parametrize("name", sorted(AFFINE_INVARIANT & set(CI_TESTS)))
def test_ci_test_shift_scale_invariance(name: str) -> None:
    a, b = (_make_ci(name, f) for f in _shifted_and_scaled(_ci_data(name)))
    np.testing.assert_allclose([a.test(*q).p_value for q in QUERIES], [b.test(*q).p_value for q in QUERIES],
                               rtol=1e-6, atol=1e-12)


# ============================================================================ scores
@pytest.mark.parametrize("name", sorted(SCORES))
def test_score_contract(name: str) -> None:
    frame = _ci_data(name)
    before = frame.copy()
    score = _make_score(name, frame)
    pd.testing.assert_frame_equal(frame, before)
    assert isinstance(score, Component) and type(score).method == name
    _check_contract(score)
    dag = DAG(list(frame.columns), ["A --> C", "B --> C", "C --> D"])
    total = score.score_graph(dag)
    parts = [score.local_score(score.index_of(v), [score.index_of(p) for p in dag.parents(v)]) for v in frame.columns]
    assert total == pytest.approx(sum(parts), rel=1e-9, abs=1e-9)  # decomposable
    sets = [(), (0,), (1,), (0, 1), (0, 1, 3)]
    fresh = _make_score(name, frame)
    batch = fresh.local_scores(2, [list(s) for s in sets])
    hits = fresh.n_cache_hits
    cached = [fresh.local_score(2, list(s)) for s in sets]
    assert fresh.n_cache_hits > hits  # answered from the cache ...
    uncached = [_make_score(name, frame).local_score(2, list(s)) for s in sets]
    np.testing.assert_allclose(cached, uncached, rtol=1e-12)  # ... with the uncached values
    np.testing.assert_allclose(batch, uncached, rtol=1e-12)
    restored = pickle.loads(pickle.dumps(score))
    assert restored.score_graph(dag) == pytest.approx(total, rel=1e-12)
    assert score.clone().score_graph(dag) == pytest.approx(total, rel=1e-12)


@pytest.mark.parametrize("name", sorted(SCORES))
@pytest.mark.parametrize("bad", ["empty", "nan", "constant"])
def test_score_bad_input(name: str, bad: str) -> None:
    with pytest.raises(DataError):
        _make_score(name, _bad_frame(_ci_data(name), bad))


@pytest.mark.parametrize("name", sorted(AFFINE_INVARIANT & set(SCORES)))
def test_score_shift_scale_invariance(name: str) -> None:
    """Score differences between parent sets (what a search compares) are unchanged."""
    a, b = (_make_score(name, f) for f in _shifted_and_scaled(_ci_data(name)))
    for node in range(4):
        others = [j for j in range(4) if j != node]
        da = [a.local_score(node, others[:k]) - a.local_score(node, []) for k in (1, 2, 3)]
        db = [b.local_score(node, others[:k]) - b.local_score(node, []) for k in (1, 2, 3)]
        np.testing.assert_allclose(da, db, rtol=1e-6, atol=1e-6)


# ======================================================================== estimators
@pytest.mark.parametrize("method", sorted(ESTIMATORS))
def test_estimator_contract(method: str) -> None:
    cls = ESTIMATORS[method]
    est = cls()  # type: ignore[call-arg]
    assert isinstance(est, Component) and isinstance(est, EffectEstimator)
    assert repr(est) == f"{cls.__name__}()"
    _check_contract(est)


@pytest.mark.parametrize("method", sorted(ESTIMATORS))
def test_estimator_known_effect(method: str) -> None:
    data, adj, truth, tol, est = _estimator_case(method)
    before = data.copy()
    fitted = est.fit(data, treatment="t", outcome="y", adjustment_set=adj)
    assert fitted is est
    pd.testing.assert_frame_equal(data, before)
    effect = est.effect_
    assert abs(effect.estimate - truth) < tol
    assert ESTIMATORS[effect.method] is type(est) and effect.treatment == "t" and effect.outcome == "y"
    again = est.fit(data, treatment="t", outcome="y", adjustment_set=adj).effect_
    assert again.estimate == effect.estimate and again.std_error == effect.std_error  # refit: the same answer
    twin = est.clone()
    assert not _fitted_attributes(twin)
    assert twin.get_params(deep=False).keys() == est.get_params(deep=False).keys()
    assert twin.fit(data, treatment="t", outcome="y", adjustment_set=adj).effect_.estimate == effect.estimate
    restored = pickle.loads(pickle.dumps(est))
    assert restored.effect_.estimate == effect.estimate


@pytest.mark.parametrize("method", sorted(ESTIMATORS))
def test_estimator_bad_treatment(method: str) -> None:
    data, adj, _, _, est = _estimator_case(method)
    with pytest.raises(DataError, match="no_such_column"):
        est.fit(data, treatment="no_such_column", outcome="y", adjustment_set=adj)


def test_old_argument_spellings_warn() -> None:
    """The renamed arguments keep their old spelling for one release, with a DeprecationWarning."""
    from causalscope.estimation import GComputation, LinearRegressionEstimator, estimate_effect

    data = _confounded()
    with pytest.warns(DeprecationWarning, match="'adjust' is deprecated"):
        old = LinearRegressionEstimator().fit(data, treatment="t", outcome="y", adjust=["z1", "z2"])
    new = LinearRegressionEstimator().fit(data, treatment="t", outcome="y", adjustment_set=["z1", "z2"])
    assert old.effect_.estimate == new.effect_.estimate
    with pytest.warns(DeprecationWarning, match="'n_boot' is deprecated"):
        assert GComputation(n_boot=7).n_bootstrap == 7
    with pytest.warns(DeprecationWarning, match="'adjust' is deprecated"):
        estimate_effect(data, treatment="t", outcome="y", adjust=["z1", "z2"], method="linear", refute=False,
                        sensitivity=False)
    with pytest.raises(CausalScopeError, match="pass 'adjustment_set' only"):
        estimate_effect(data, treatment="t", outcome="y", adjust=["z1"], adjustment_set=["z1"])
