"""Random DAGs and simulated data with known truth (causalscope.datasets.simulate).

References used: the implied covariance of a linear SEM, ``(I - B)^-T Omega (I - B)^-1``
(Bollen 1989, ch. 4), computed here from the recorded coefficients; the Markov
property of the true DAG (Pearl 2009), checked with partial correlations; the
known skewness and excess kurtosis of the noise families; scipy's two-sample
Kolmogorov-Smirnov test for domain shifts; scipy's skew/kurtosis. All checks are
statistical with fixed seeds, so they are deterministic; every tolerance is a few
standard errors, as stated next to it.
"""

from __future__ import annotations

import json
import math
import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from causalscope.datasets.simulate import MECHANISMS, NOISES, Simulation, random_dag, simulate
from causalscope.exceptions import DataError, GraphError, InvalidParameterError
from causalscope.graphs import ADMG, CPDAG, DAG, PAG, dag_to_cpdag, parse_graph


def _partial_corr(x: np.ndarray, i: int, j: int, cond: list[int]) -> float:
    idx = [i, j, *cond]
    prec = np.linalg.inv(np.cov(x[:, idx], rowvar=False))
    return float(-prec[0, 1] / math.sqrt(prec[0, 0] * prec[1, 1]))


def _fisher_z(r: float, n: int, k: int) -> float:
    return abs(math.atanh(r)) * math.sqrt(n - k - 3)


# ---------------------------------------------------------------------- random_dag
def test_random_dag_default_names_and_reproducible() -> None:
    g = random_dag(12, random_state=3)
    assert isinstance(g, DAG)
    assert g.nodes == tuple(f"X{i}" for i in range(1, 13))
    assert g == random_dag(12, random_state=3)
    assert g != random_dag(12, random_state=4)
    assert random_dag(3, node_names="V", random_state=0).nodes == ("V1", "V2", "V3")
    assert random_dag(2, node_names=["a", "b"], random_state=0).nodes == ("a", "b")
    assert random_dag(1, random_state=0).n_edges == 0


@pytest.mark.parametrize("method", ["erdos_renyi", "scale_free"])
def test_random_dag_mean_degree(method: str) -> None:
    # 10 graphs x 200 nodes, expected degree 3: the mean degree is within 10%.
    degrees = [2 * random_dag(200, expected_degree=3, method=method, random_state=s).n_edges / 200
               for s in range(10)]
    assert abs(np.mean(degrees) - 3.0) < 0.3


def test_random_dag_causal_order_is_not_name_order() -> None:
    # Edges go from a lower- to a higher-numbered name about half the time (binomial,
    # ~600 edges: 0.5 +- 4 SE = 0.5 +- 0.08), so column order leaks nothing.
    for method in ("erdos_renyi", "scale_free"):
        g = random_dag(300, expected_degree=4, method=method, random_state=1)
        forward = np.mean([g.index(e.u) < g.index(e.v) for e in g.edges])
        assert abs(forward - 0.5) < 0.08, method


def test_scale_free_has_hubs() -> None:
    # Same density: preferential attachment gives hubs (max degree ~ sqrt(n)), ER a
    # Poisson degree (max ~ 7 for n = 300, degree 2).
    er = [max(g.degree(v) for v in g.nodes)
          for g in (random_dag(300, method="erdos_renyi", random_state=s) for s in range(5))]
    sf = [max(g.degree(v) for v in g.nodes)
          for g in (random_dag(300, method="scale_free", random_state=s) for s in range(5))]
    assert np.mean(sf) > 2 * np.mean(er)
    assert min(sf) > max(er)


def test_erdos_renyi_dense_cap() -> None:
    g = random_dag(6, expected_degree=100, random_state=0)
    assert g.n_edges == 15  # complete DAG


# ---------------------------------------------------------------------- basic contract
def test_same_seed_same_everything_different_seed_differs() -> None:
    kw = dict(discrete=0.3, latent=1, n_domains=2, missing=0.1, missing_mechanism="mar",
              mechanism="mixed", expected_degree=3)
    a = simulate(15, 400, random_state=7, **kw)
    b = simulate(15, 400, random_state=7, **kw)
    pd.testing.assert_frame_equal(a.data, b.data)
    assert a.graph == b.graph
    assert a.parameters == b.parameters
    np.testing.assert_array_equal(a.missing_mask, b.missing_mask)
    assert (a.latent, a.discrete, a.changed_nodes) == (b.latent, b.discrete, b.changed_nodes)
    c = simulate(15, 400, random_state=8, **kw)
    assert c.graph != a.graph or not c.data.equals(a.data)
    # same graph, different seed: different data
    d1 = simulate(a.graph, 100, random_state=1)
    d2 = simulate(a.graph, 100, random_state=2)
    assert not np.allclose(d1.data.to_numpy(), d2.data.to_numpy())
    # a Generator is accepted and consumed
    rng = np.random.default_rng(0)
    assert not simulate(4, 50, random_state=rng).data.equals(simulate(4, 50, random_state=rng).data)


@pytest.mark.parametrize("mechanism", MECHANISMS)
@pytest.mark.parametrize("noise", NOISES)
def test_shapes_columns_finite(mechanism: str, noise: str) -> None:
    sim = simulate(8, 300, mechanism=mechanism, noise=noise, expected_degree=3, random_state=0)
    assert isinstance(sim, Simulation)
    assert sim.data.shape == (300, 8)
    assert list(sim.data.columns) == list(sim.graph.nodes) == list(sim.observed)
    assert np.isfinite(sim.data.to_numpy()).all()
    assert sim.latent == sim.discrete == sim.changed_nodes == ()
    assert sim.domain_column is None and sim.missing_mask is None
    for v in sim.graph.nodes:
        spec = sim.parameters["nodes"][v]
        assert spec["parents"] == sorted(sim.graph.parents(v), key=sim.graph.index)
        expected = None if not spec["parents"] else (mechanism if mechanism != "mixed" else spec["mechanism"])
        assert spec["mechanism"] == expected
        assert spec["mechanism"] in (None, "linear", "mlp", "polynomial", "sigmoid")


def test_normalize_signal_keeps_deep_graphs_well_scaled() -> None:
    # A 30-node chain: with normalisation every variance is about 1 + noise variance
    # = 2 (unit signal + unit noise); the textbook SEM's variance grows with depth.
    chain = DAG(edges=[(f"X{i}", f"X{i + 1}") for i in range(1, 30)])
    for mechanism in ("linear", "polynomial", "mlp"):
        sim = simulate(chain, 5000, mechanism=mechanism, random_state=0)
        var = sim.data.var().to_numpy()
        assert np.all(var[1:] < 2.3) and np.all(var[1:] > 1.7), mechanism
    raw = simulate(chain, 5000, normalize_signal=False, weight_range=(1.5, 2.0), random_state=0)
    assert raw.data["X30"].var() > 1e3


def test_mixed_uses_several_mechanisms() -> None:
    sim = simulate(40, 50, mechanism="mixed", expected_degree=4, random_state=0)
    kinds = {s["mechanism"] for s in sim.parameters["nodes"].values()} - {None}
    assert kinds == {"linear", "mlp", "polynomial", "sigmoid"}


def test_single_node_and_single_sample() -> None:
    sim = simulate(1, 1, random_state=0)
    assert sim.data.shape == (1, 1)
    sim = simulate(DAG(edges=["A --> B"]), 1, mechanism="mlp", random_state=0)
    assert sim.data.shape == (1, 2) and np.isfinite(sim.data.to_numpy()).all()


# ---------------------------------------------------------------------- linear Gaussian truth
def _coefficient_matrix(sim: Simulation) -> np.ndarray:
    nodes = list(sim.graph.nodes)
    b = np.zeros((len(nodes), len(nodes)))
    for v, spec in sim.parameters["nodes"].items():
        for u, c in (spec["functions"][0]["coefficients"].items() if spec["functions"] else ()):
            b[nodes.index(u), nodes.index(v)] = c
    return b


@pytest.mark.parametrize("normalize_signal", [False, True])
def test_linear_gaussian_covariance_matches_sem(normalize_signal: bool) -> None:
    n = 100_000
    sim = simulate(8, n, expected_degree=3, noise_scale=(0.5, 1.5),
                   normalize_signal=normalize_signal, random_state=11)
    assert sim.graph.n_edges >= 8
    b = _coefficient_matrix(sim)
    omega = np.diag([sim.parameters["nodes"][v]["noise_std"] ** 2 for v in sim.graph.nodes])
    inv = np.linalg.inv(np.eye(8) - b)
    sigma = inv.T @ omega @ inv
    s = np.cov(sim.data.to_numpy(), rowvar=False)
    d = np.diag(sigma)
    # Var(S_ij) ~ (Sigma_ii Sigma_jj + Sigma_ij^2) / n for Gaussian data: the largest of the
    # 36 standardised errors is below 5 (Bonferroni p ~ 36 * 6e-7).
    se = np.sqrt((np.outer(d, d) + sigma**2) / n)
    assert np.max(np.abs(s - sigma) / se) < 5
    # and the statistic has power: the independence model is far off
    sigma0 = np.diag(d)
    assert np.max(np.abs(s - sigma0) / np.sqrt((np.outer(d, d) + sigma0**2) / n)) > 50


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_markov_property_linear_gaussian(seed: int) -> None:
    n = 20_000
    sim = simulate(10, n, expected_degree=3, random_state=seed)
    g, x = sim.graph, sim.data.to_numpy()
    ix = g.index
    n_null = 0
    for v in g.nodes:
        pa = sorted(g.parents(v), key=ix)
        cond = [ix(u) for u in pa]
        others = set(g.nodes) - g.descendants(v, include_self=True) - set(pa)
        for u in others:  # non-descendant, non-parent: independent given the parents
            n_null += 1
            assert _fisher_z(_partial_corr(x, ix(v), ix(u), cond), n, len(cond)) < 4.5, (v, u)
        for u in pa:  # each parent stays dependent given the other parents
            rest = [ix(w) for w in pa if w != u]
            assert _fisher_z(_partial_corr(x, ix(v), ix(u), rest), n, len(rest)) > 6, (u, v)
    assert n_null > 5  # the graphs are not complete: the null check ran


# ---------------------------------------------------------------------- noise families
@pytest.mark.parametrize(
    ("noise", "skew", "kurt", "skew_tol", "kurt_tol"),
    [
        # tolerances ~ 3-4 standard errors of the sample moments at n = 50,000
        ("gaussian", 0.0, 0.0, 0.05, 0.1),
        ("uniform", 0.0, -1.2, 0.05, 0.05),
        ("exponential", 2.0, 6.0, 0.3, 1.5),
        ("laplace", 0.0, 3.0, 0.2, 1.0),
        ("gumbel", 1.1395, 2.4, 0.15, 0.6),
    ],
)
def test_noise_family_shape(noise: str, skew: float, kurt: float, skew_tol: float, kurt_tol: float) -> None:
    sim = simulate(DAG(nodes=["R", "S"]), 50_000, noise=noise, noise_scale=2.0, random_state=5)
    r = sim.data["R"].to_numpy()  # a root: its value is its noise
    assert abs(r.mean()) < 0.05 and abs(r.std() - 2.0) < 0.05
    assert abs(stats.skew(r) - skew) < skew_tol
    assert abs(stats.kurtosis(r) - kurt) < kurt_tol


def test_noise_of_a_child_is_the_residual() -> None:
    # Linear child with exponential noise: the regression residual is skewed (skew 2),
    # the parent's Gaussian-like part is not.
    sim = simulate(DAG(edges=["A --> B"]), 50_000, noise="exponential",
                   normalize_signal=False, random_state=0)
    coef = sim.parameters["nodes"]["B"]["functions"][0]["coefficients"]["A"]
    resid = sim.data["B"] - coef * sim.data["A"]
    assert abs(resid.std() - 1) < 0.03 and abs(stats.skew(resid) - 2) < 0.3


# ---------------------------------------------------------------------- discrete
def test_discrete_fraction_integer_levels() -> None:
    sim = simulate(10, 3000, discrete=0.5, expected_degree=3, random_state=0)
    assert len(sim.discrete) == 5
    for v in sim.observed:
        col = sim.data[v]
        if v in sim.discrete:
            assert pd.api.types.is_integer_dtype(col)
            levels = sorted(col.unique())
            k = sim.parameters["nodes"][v]["levels"]
            assert 2 <= k <= 4 and levels == list(range(k))
            # equal-probability quantile bins
            assert np.allclose(col.value_counts(normalize=True), 1 / k, atol=0.02)
        else:
            assert pd.api.types.is_float_dtype(col) and col.nunique() > 100


def test_discrete_by_name_and_children_use_codes() -> None:
    sim = simulate(DAG(edges=["A --> B"]), 20_000, discrete=["A"], normalize_signal=False,
                   random_state=1)
    assert sim.discrete == ("A",)
    coef = sim.parameters["nodes"]["B"]["functions"][0]["coefficients"]["A"]
    slope, intercept = np.polyfit(sim.data["A"], sim.data["B"], 1)
    resid = sim.data["B"] - slope * sim.data["A"] - intercept
    # B = coef * code(A) + N(0, 1): OLS slope within ~4 SE (SE ~ 1/sqrt(n var(A)) < 0.02)
    assert abs(slope - coef) < 0.05 and abs(resid.std() - 1) < 0.03


# ---------------------------------------------------------------------- latent confounders
def test_latent_by_name_gives_admg_and_pag() -> None:
    # P --> A <-- L --> B <-- Q: hiding L leaves A <-> B, which FCI can orient.
    g = parse_graph("P --> A; L --> A; L --> B; Q --> B")
    sim = simulate(DAG(g.nodes, g.edges), 500, latent=["L"], random_state=0)
    assert "L" not in sim.data.columns
    assert sim.observed == ("P", "A", "B", "Q") and sim.latent == ("L",)
    assert sim.graph.nodes == ("P", "A", "L", "B", "Q")  # the full truth keeps L
    assert isinstance(sim.admg, ADMG) and isinstance(sim.pag, PAG)
    assert sim.admg == ADMG(edges=["P --> A", "A <-> B", "Q --> B"])
    assert sim.pag == PAG(edges=["P o-> A", "A <-> B", "Q o-> B"])
    assert sim.cpdag is None and sim.observed_dag is None


def test_latent_count_picks_confounders() -> None:
    sim = simulate(20, 200, latent=3, expected_degree=3, random_state=2)
    assert len(sim.latent) == 3
    for h in sim.latent:
        assert len(sim.graph.children(h)) >= 2
        assert h not in sim.data.columns
    assert list(sim.data.columns) == list(sim.observed)
    assert set(sim.admg.nodes) == set(sim.observed)
    assert any(e.is_bidirected for e in sim.admg.edges)
    assert isinstance(sim.pag, PAG)


def test_no_latent_gives_cpdag() -> None:
    sim = simulate(8, 50, expected_degree=3, random_state=0)
    assert isinstance(sim.cpdag, CPDAG) and sim.cpdag == dag_to_cpdag(sim.graph)
    assert sim.admg is None and sim.pag is None and sim.observed_dag == sim.graph


# ---------------------------------------------------------------------- domains
def test_multi_domain_mean_shift() -> None:
    roots = [f"R{i}" for i in range(1, 7)]
    g = DAG(nodes=[*roots, "C"], edges=[("R1", "C")])
    sim = simulate(g, 6000, n_domains=3, shift="mean", shifted_fraction=0.5, random_state=4)
    assert sim.domain_column == "domain"
    assert list(sim.data.columns) == [*g.nodes, "domain"]
    assert sim.data["domain"].value_counts().tolist() == [2000, 2000, 2000]
    assert len(sim.changed_nodes) == 4  # round(0.5 * 7)
    d = sim.data
    changed_roots = [r for r in roots if r in sim.changed_nodes]
    same_roots = [r for r in roots if r not in sim.changed_nodes]
    assert changed_roots and same_roots
    for r in roots:
        p = stats.ks_2samp(d.loc[d.domain == 0, r], d.loc[d.domain == 1, r]).pvalue
        if r in sim.changed_nodes:
            assert p < 1e-10, r
        else:
            assert p > 1e-3, r


def test_unchanged_child_keeps_its_mechanism() -> None:
    # R --> C with R shifted: C's marginal changes but C | R does not (same slope and
    # intercept in both domains: the normalising constants are pooled).
    g = DAG(edges=["R --> C"])
    sim = simulate(g, 20_000, n_domains=2, shifted_fraction=["R"], random_state=0)
    assert sim.changed_nodes == ("R",)
    d = sim.data
    fits = [np.polyfit(d.loc[d.domain == k, "R"], d.loc[d.domain == k, "C"], 1) for k in (0, 1)]
    # SE of each slope/intercept ~ 0.01; differences below 0.06 (~4 SE)
    assert np.all(np.abs(fits[0] - fits[1]) < 0.06)
    assert abs(d.loc[d.domain == 0, "R"].mean() - d.loc[d.domain == 1, "R"].mean()) > 0.5


def test_scale_and_mechanism_shifts() -> None:
    g = DAG(edges=["R --> C", "S --> T"])
    sim = simulate(g, 20_000, n_domains=2, shift="scale", shifted_fraction=["R"], random_state=0)
    d = sim.data
    ratio = d.loc[d.domain == 1, "R"].std() / d.loc[d.domain == 0, "R"].std()
    assert 1.9 < ratio < 3.1 or 1 / 3.1 < ratio < 1 / 1.9
    assert sim.parameters["nodes"]["R"]["domain_noise_factors"][0] == 1.0

    sim = simulate(g, 20_000, n_domains=2, shift="mechanism", shifted_fraction=["C"], random_state=0)
    spec = sim.parameters["nodes"]["C"]
    assert len(spec["functions"]) == 2 and len(sim.parameters["nodes"]["T"]["functions"]) == 1
    d = sim.data
    slopes = {v: [np.polyfit(d.loc[d.domain == k, u], d.loc[d.domain == k, v], 1)[0] for k in (0, 1)]
              for u, v in (("R", "C"), ("S", "T"))}
    # the re-drawn weights differ (seeded: |w0 - w1| > 0.3); the unchanged ones agree to 0.05
    assert abs(slopes["C"][0] - slopes["C"][1]) > 0.3
    assert abs(slopes["T"][0] - slopes["T"][1]) < 0.05


def test_domain_column_name_clash() -> None:
    sim = simulate(DAG(edges=["domain --> B"]), 20, n_domains=2, random_state=0)
    assert sim.domain_column == "_domain" and "_domain" in sim.data.columns


# ---------------------------------------------------------------------- missing values
def test_mcar_rate_and_independence() -> None:
    n, rate = 20_000, 0.2
    sim = simulate(6, n, missing=rate, expected_degree=3, random_state=0)
    mask = sim.missing_mask
    assert mask.shape == (n, 6) and not mask.flags.writeable
    np.testing.assert_array_equal(mask, sim.data[list(sim.observed)].isna().to_numpy())
    # per column rate within 4 binomial SE (SE = sqrt(.2 * .8 / n) = 0.0028)
    assert np.all(np.abs(mask.mean(axis=0) - rate) < 4 * math.sqrt(rate * (1 - rate) / n))
    x = sim.data.to_numpy()
    for j in range(6):
        for k in range(6):
            if j != k:
                ok = ~mask[:, k]
                r = np.corrcoef(mask[ok, j], x[ok, k])[0, 1]
                assert abs(r) * math.sqrt(ok.sum()) < 4.5


def test_mar_rate_and_dependence_on_driver() -> None:
    n, rate = 20_000, 0.3
    sim = simulate(10, n, missing=rate, missing_mechanism="mar", expected_degree=3, random_state=0)
    info = sim.parameters["missing"]
    mask, cols = sim.missing_mask, list(sim.observed)
    assert len(info["drivers"]) == 2
    for drv in info["drivers"]:
        assert not mask[:, cols.index(drv)].any()  # drivers fully observed
    assert set(info["driven"]) == set(cols) - set(info["drivers"])
    for v, spec in info["driven"].items():
        m = mask[:, cols.index(v)]
        # the rate is solved exactly in expectation: within 4 binomial SE (0.013)
        assert abs(m.mean() - rate) < 0.013
        r = np.corrcoef(m, sim.data[spec["driver"]])[0, 1]
        assert abs(r) > 0.3 and np.sign(r) == np.sign(spec["slope"])
    assert sim.to_dict()["missing_rate"][info["drivers"][0]] == 0.0


def test_missing_discrete_column_is_float_with_nan() -> None:
    sim = simulate(4, 500, missing=0.2, discrete=["X1"], random_state=0)
    col = sim.data["X1"]
    assert col.isna().any() and set(col.dropna().unique()) <= {0.0, 1.0, 2.0, 3.0}


# ---------------------------------------------------------------------- standardize, to_dict, pickle
def test_standardize_continuous_only() -> None:
    sim = simulate(6, 2000, standardize=True, discrete=["X1"], normalize_signal=False,
                   expected_degree=3, random_state=0)
    for v in sim.observed:
        if v == "X1":
            assert pd.api.types.is_integer_dtype(sim.data[v])
        else:
            assert abs(sim.data[v].mean()) < 1e-9 and abs(sim.data[v].std(ddof=0) - 1) < 1e-9
    assert set(sim.parameters["standardize"]) == set(sim.observed) - {"X1"}


def test_to_dict_is_json_and_pickle_round_trip() -> None:
    sim = simulate(10, 200, latent=1, discrete=0.2, n_domains=2, missing=0.1, mechanism="mixed",
                   expected_degree=3, random_state=3)
    d = json.loads(json.dumps(sim.to_dict()))
    assert d["graph"] == sim.graph.to_dict()
    assert d["admg"] == sim.admg.to_dict() and d["pag"] == sim.pag.to_dict() and d["cpdag"] is None
    assert d["columns"] == list(sim.data.columns) and d["n_samples"] == 200
    assert d["latent"] == list(sim.latent) and d["changed_nodes"] == list(sim.changed_nodes)
    back = pickle.loads(pickle.dumps(sim))
    pd.testing.assert_frame_equal(back.data, sim.data)
    assert back.graph == sim.graph and back.pag == sim.pag
    assert "Simulation(" in repr(sim) and "latent=" in repr(sim)
    with pytest.raises(AttributeError):
        sim.latent = ()  # type: ignore[misc]


# ---------------------------------------------------------------------- invalid input
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        (dict(graph=0), InvalidParameterError, "n_nodes"),
        (dict(graph=2.5), InvalidParameterError, "graph must be"),
        (dict(graph=CPDAG(edges=["A --- B"])), GraphError, "must be a DAG"),
        (dict(n_samples=0), InvalidParameterError, "n_samples"),
        (dict(n_samples=True), InvalidParameterError, "n_samples"),
        (dict(mechanism="cubic"), InvalidParameterError, r"mechanism must be one of \['linear'"),
        (dict(noise="cauchy"), InvalidParameterError, r"noise must be one of \['gaussian'"),
        (dict(shift="rotate"), InvalidParameterError, "shift must be one of"),
        (dict(missing_mechanism="mnar"), InvalidParameterError, "missing_mechanism must be one of"),
        (dict(graph_method="lattice"), InvalidParameterError, r"graph_method must be one of \['erdos"),
        (dict(discrete=-0.1), InvalidParameterError, "discrete must be in"),
        (dict(discrete=1.5), InvalidParameterError, "discrete must be in"),
        (dict(discrete=["Z"]), GraphError, "'Z'"),
        (dict(discrete="X1"), InvalidParameterError, "discrete must be"),
        (dict(missing=-0.2), InvalidParameterError, "missing must be in"),
        (dict(missing=1.0), InvalidParameterError, "missing must be in"),
        (dict(shifted_fraction=2.0, n_domains=2), InvalidParameterError, "shifted_fraction"),
        (dict(shifted_fraction=-1.0), InvalidParameterError, "shifted_fraction"),
        (dict(shifted_fraction=["nope"], n_domains=2), GraphError, "'nope'"),
        (dict(latent=["Q"]), GraphError, "latent names node 'Q'"),
        (dict(latent=-1), InvalidParameterError, "latent"),
        (dict(latent=50), InvalidParameterError, "at least two children"),
        (dict(latent=["X1", "X2", "X3", "X4", "X5"]), InvalidParameterError, "every node"),
        (dict(latent=["X1"], discrete=["X1"]), InvalidParameterError, "latent"),
        (dict(n_domains=0), InvalidParameterError, "n_domains"),
        (dict(n_domains=101), InvalidParameterError, "n_domains"),
        (dict(noise_scale=0.0), InvalidParameterError, "noise_scale"),
        (dict(noise_scale=(2.0, 1.0)), InvalidParameterError, "noise_scale"),
        (dict(weight_range=(1.0,)), InvalidParameterError, "weight_range"),
        (dict(weight_range=(-1.0, 1.0)), InvalidParameterError, "weight_range"),
        (dict(expected_degree=-1.0), InvalidParameterError, "expected_degree"),
        (dict(random_state=-1), InvalidParameterError, "random_state"),
    ],
)
def test_simulate_invalid_input(kwargs: dict, error: type[Exception], match: str) -> None:
    args = {"graph": 5, "n_samples": 100, "random_state": 0, "expected_degree": 3.0}
    args.update(kwargs)
    with pytest.raises(error, match=match):
        simulate(args.pop("graph"), args.pop("n_samples"), **args)


def test_mar_needs_two_variables_and_overflow_is_a_data_error() -> None:
    with pytest.raises(InvalidParameterError, match="at least two observed"):
        simulate(1, 50, missing=0.1, missing_mechanism="mar", random_state=0)
    chain = DAG(edges=["A --> B", "B --> C", "C --> D"])
    with pytest.raises(DataError, match="overflowed"):
        simulate(chain, 10, weight_range=(1e200, 1e200), normalize_signal=False, random_state=0)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(n_nodes=0), "n_nodes"),
        (dict(n_nodes=3.0), "n_nodes"),
        (dict(expected_degree=-1), "expected_degree"),
        (dict(expected_degree=math.inf), "expected_degree"),
        (dict(method="small_world"), r"method must be one of \['erdos_renyi', 'scale_free'\]"),
        (dict(node_names=["a", "b"]), "one name per node"),
        (dict(node_names=""), "prefix"),
    ],
)
def test_random_dag_invalid_input(kwargs: dict, match: str) -> None:
    args = {"n_nodes": 3, "random_state": 0}
    args.update(kwargs)
    with pytest.raises(InvalidParameterError, match=match):
        random_dag(args.pop("n_nodes"), **args)


def test_random_dag_duplicate_names() -> None:
    with pytest.raises(GraphError, match="duplicate"):
        random_dag(2, node_names=["a", "a"], random_state=0)
