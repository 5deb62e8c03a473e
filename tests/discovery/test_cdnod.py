"""Tests of CD-NOD (causalscope.discovery.cdnod).

References checked against:

* the simulation truth (``causalscope.datasets.simulate`` with several domains):
  the changed mechanisms and the true DAG's edge directions;
* PC (causalscope) on the same data without the domain column: CD-NOD must
  orient more edges correctly;
* explicit least-squares regressions (numpy ``lstsq`` with domain indicators) for
  the domain CI tests;
* causal-learn's ``cdnod`` on the same data (domain index as a numeric column,
  Fisher-z): identical skeleton over the variables and ``C``.
"""

from __future__ import annotations

import contextlib
import io
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy.stats import f as f_dist
from scipy.stats import norm

from causalscope.data import Dataset
from causalscope.datasets import simulate
from causalscope.discovery import DISCOVERY_ALGORITHMS
from causalscope.discovery.cdnod import CDNOD, _DomainGaussianTest, cdnod, independent_change_dependence
from causalscope.discovery.knowledge import Knowledge
from causalscope.discovery.pc import PC
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import CPDAG, parse_graph


def _two_domain_frame(changing: str, seed: int = 1, n: int = 1000) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    d = np.repeat([0, 1], n // 2)
    x = rng.normal(size=n) + (2.0 * d if changing == "X" else 0.0)
    y = x + rng.normal(size=n) + (2.0 * d if changing == "Y" else 0.0)
    return pd.DataFrame({"X": x, "Y": y, "domain": d})


@pytest.mark.parametrize("changing", ["X", "Y"])
def test_orients_an_edge_pc_cannot(changing):
    """Truth X --> Y: with X changing (C --> X --- Y, non-collider) or Y changing
    (C --> Y <-- X, collider) CD-NOD finds X --> Y; PC leaves X --- Y."""
    frame = _two_domain_frame(changing)
    est = CDNOD(domain_column="domain").fit(frame)
    assert est.graph_ == parse_graph("X --> Y", kind="cpdag")
    assert est.changing_modules_ == (changing,)
    assert est.graph_with_context_.edge("domain", changing).is_directed
    assert est.changing_module_pvalues_[changing] < 1e-6
    assert PC().fit(frame.drop(columns="domain")).graph_ == parse_graph("X --- Y", kind="cpdag")
    assert isinstance(est.graph_, CPDAG)
    assert cdnod(frame, domain_column="domain") == est.graph_
    assert DISCOVERY_ALGORITHMS["cdnod"] is CDNOD


def test_dataset_domain_role_is_used_by_default():
    frame = _two_domain_frame("X")
    ds = Dataset.from_frame(frame, domain_column="domain")
    est = CDNOD().fit(ds)
    assert est.domain_column_ == "domain"
    assert est.graph_ == parse_graph("X --> Y", kind="cpdag")
    assert est.variables_ == ("X", "Y")


def _directions(graph, dag):
    right = sum(1 for e in graph.edges if e.is_directed and e.source in dag.parents(e.target))
    wrong = sum(1 for e in graph.edges if e.is_directed and e.target in dag.parents(e.source))
    return right, wrong


def test_more_orientations_than_pc_and_changing_modules_found():
    """Simulation truth over 5 seeds (10 nodes, 4 domains, 30% changed mechanisms).

    Changing modules: precision and recall against ``sim.changed_nodes``. Edge
    directions: correctly oriented edges (a directed edge that is a parent-child
    edge of the true DAG) for CD-NOD and for PC on the same data.
    """
    tp = fp = fn = 0
    cd_right = cd_wrong = pc_right = pc_wrong = 0
    for seed in range(5):
        sim = simulate(10, 2000, n_domains=4, shifted_fraction=0.3, expected_degree=2.5, random_state=seed)
        est = CDNOD(domain_column=sim.domain_column).fit(sim.data)
        pc = PC().fit(sim.data.drop(columns=[sim.domain_column]))
        truth, found = set(sim.changed_nodes), set(est.changing_modules_)
        tp += len(truth & found)
        fp += len(found - truth)
        fn += len(truth - found)
        r, w = _directions(est.graph_, sim.graph)
        cd_right, cd_wrong = cd_right + r, cd_wrong + w
        r, w = _directions(pc.graph_, sim.graph)
        pc_right, pc_wrong = pc_right + r, pc_wrong + w
    assert tp / (tp + fp) >= 0.9 and tp / (tp + fn) >= 0.9
    assert cd_right > pc_right
    assert cd_wrong <= pc_wrong


def test_domain_gaussian_test_matches_explicit_regressions():
    """Reference: the F-test and the within-domain partial correlation computed by lstsq."""
    rng = np.random.default_rng(0)
    n, m = 600, 3
    codes = np.repeat(np.arange(m), n // m)
    z = rng.normal(size=n)
    x = z + 0.3 * codes + rng.normal(size=n)
    y = z + rng.normal(size=n) + 0.2 * (codes == 1)
    frame = pd.DataFrame({"X": x, "Y": y, "Z": z, "C": codes.astype(float)})
    test = _DomainGaussianTest(frame, codes)
    dummies = (codes[:, None] == np.arange(1, m)[None, :]).astype(float)
    one = np.ones((n, 1))

    def rss(target, design):
        beta = np.linalg.lstsq(design, target, rcond=None)[0]
        r = target - design @ beta
        return float(r @ r), r

    # C against X given Z: partial F-test of the indicators
    rss0, _ = rss(x, np.column_stack([one, z]))
    rss1, _ = rss(x, np.column_stack([one, z, dummies]))
    fstat = (rss0 - rss1) / (m - 1) / (rss1 / (n - 1 - m))
    got = test.test("C", "X", ["Z"])
    assert got.statistic == pytest.approx(fstat, rel=1e-8)
    assert got.p_value == pytest.approx(f_dist.sf(fstat, m - 1, n - 1 - m), rel=1e-6)
    # X against Y given Z and C: partial correlation of residuals on [1, Z, dummies]
    design = np.column_stack([one, z, dummies])
    _, rx = rss(x, design)
    _, ry = rss(y, design)
    r = rx @ ry / np.sqrt((rx @ rx) * (ry @ ry))
    stat = np.arctanh(r) * np.sqrt(n - 1 - (m - 1) - 3)
    got = test.test("X", "Y", ["Z", "C"])
    assert got.statistic == pytest.approx(stat, rel=1e-8)
    assert got.p_value == pytest.approx(2 * norm.sf(abs(stat)), rel=1e-6)


def test_independent_change_direction():
    """Simulated pairs X --> Y whose modules change independently over 12 domains:
    the causal direction has the smaller dependence in most pairs."""
    right = 0
    for seed in range(30):
        rng = np.random.default_rng(seed)
        m, n = 12, 2400
        d = np.repeat(np.arange(m), n // m)
        x = rng.normal(size=n) * rng.uniform(0.5, 2, m)[d] + rng.normal(scale=1.5, size=m)[d]
        y = rng.uniform(0.5, 1.5) * x + rng.normal(scale=1.5, size=m)[d] + rng.normal(size=n) * rng.uniform(0.5, 2, m)[d]
        right += independent_change_dependence(x, y, d) < independent_change_dependence(y, x, d)
    assert right >= 24


def test_independent_change_orients_edge_between_changing_modules():
    """X --> Y with both mechanisms changing (12 domains): C is adjacent to both,
    so only the independent-change step can orient X --- Y."""
    rng = np.random.default_rng(5)
    m, n = 12, 3600
    d = np.repeat(np.arange(m), n // m)
    x = rng.normal(size=n) * rng.uniform(0.5, 2, m)[d] + rng.normal(scale=1.5, size=m)[d]
    y = x + rng.normal(scale=1.5, size=m)[d] + rng.normal(size=n) * rng.uniform(0.5, 2, m)[d]
    frame = pd.DataFrame({"X": x, "Y": y, "site": d})
    est = CDNOD(domain_column="site").fit(frame)
    assert set(est.changing_modules_) == {"X", "Y"}
    assert est.oriented_by_independent_change_ == (("X", "Y"),)
    assert est.graph_ == parse_graph("X --> Y", kind="cpdag")
    off = CDNOD(domain_column="site", orient_by_independent_change=False).fit(frame)
    assert off.graph_ == parse_graph("X --- Y", kind="cpdag")


def test_knowledge_is_honoured():
    frame = _two_domain_frame("X")
    est = CDNOD(domain_column="domain", knowledge=Knowledge(required=[("Y", "X")])).fit(frame)
    # required Y --> X wins (the collider rule never overrides knowledge)
    assert est.graph_ == parse_graph("Y --> X", kind="cpdag")
    with pytest.raises(DataError):
        CDNOD(domain_column="domain", knowledge=Knowledge(forbidden=[("X", "domain")])).fit(frame)


def test_other_ci_test_receives_the_domain_column():
    """ci_test='mixed' gets C as a discrete column; same answer on this easy case."""
    frame = _two_domain_frame("Y", n=600)
    est = CDNOD(domain_column="domain", ci_test="mixed").fit(frame)
    assert est.graph_ == parse_graph("X --> Y", kind="cpdag")
    assert est.changing_modules_ == ("Y",)


@pytest.mark.parametrize(
    "kwargs, frame_fn, error",
    [
        ({"domain_column": "nope"}, lambda f: f, DataError),
        ({"domain_column": "domain"}, lambda f: f.assign(domain=0), DataError),
        ({"domain_column": "domain"}, lambda f: f.assign(domain=np.where(np.arange(len(f)) == 3, np.nan, 1.0)), DataError),
        ({}, lambda f: f, InvalidParameterError),
        ({"domain_column": "domain", "alpha": 2.0}, lambda f: f, InvalidParameterError),
        ({"domain_column": "domain", "domain_encoding": "ordinal"}, lambda f: f, InvalidParameterError),
        ({"domain_column": "domain", "domain_encoding": "numeric"}, lambda f: f.assign(domain=np.where(f.domain > 0, "b", "a")), DataError),
        ({"domain_column": "domain", "orient_by_independent_change": "yes"}, lambda f: f, InvalidParameterError),
        ({"domain_column": "domain", "ci_test": "gsq"}, lambda f: f, DataError),
    ],
)
def test_bad_input(kwargs, frame_fn, error):
    frame = frame_fn(_two_domain_frame("X", n=200))
    with pytest.raises(error):
        CDNOD(**kwargs).fit(frame)


def test_bad_data_type():
    with pytest.raises(InvalidParameterError):
        CDNOD(domain_column="domain").fit(np.zeros((10, 3)))
    ds = Dataset.from_frame(_two_domain_frame("X", n=100))
    with pytest.raises(InvalidParameterError):
        CDNOD().fit(ds)  # no domain role and no domain_column


@pytest.mark.slow
def test_skeleton_agrees_with_causallearn():
    """Reference: causal-learn's cdnod (fisherz, alpha 0.05, the domain index as a
    numeric column) has the same skeleton over V and C as ours with
    ``domain_encoding="numeric"`` (both run the stable PC adjacency search)."""
    from causallearn.search.ConstraintBased.CDNOD import cdnod as cl_cdnod

    for seed in range(3):
        sim = simulate(8, 1500, n_domains=3, shifted_fraction=0.3, expected_degree=2.5, random_state=seed)
        data = sim.data
        names = [c for c in data.columns if c != sim.domain_column]
        x = data[names].to_numpy(float)
        c = data[sim.domain_column].to_numpy(float).reshape(-1, 1)
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            cg = cl_cdnod(x, c, 0.05, "fisherz", show_progress=False)
        a = cg.G.graph
        full = [*names, sim.domain_column]
        theirs = {frozenset((full[i], full[j])) for i in range(len(full)) for j in range(i + 1, len(full)) if a[i, j] != 0}
        ours = CDNOD(domain_column=sim.domain_column, domain_encoding="numeric").fit(data)
        mine = {frozenset((e.u, e.v)) for e in ours.graph_with_context_.edges}
        assert mine == theirs


def test_estimator_conventions_and_cli(tmp_path):
    """Refit is idempotent, the input is unchanged, pickling round-trips, column order
    does not matter; the CLI ``discover --algorithm cdnod`` writes the same graph."""
    import json
    import pickle

    from causalscope.cli import main
    from causalscope.graphs import read_graph

    sim = simulate(6, 1500, n_domains=3, shifted_fraction=0.4, random_state=3)
    frame = sim.data
    before = frame.copy()
    est = CDNOD(domain_column="domain")
    g1 = est.fit(frame).graph_
    assert est.fit(frame).graph_ == g1
    pd.testing.assert_frame_equal(frame, before)
    again = pickle.loads(pickle.dumps(est))
    assert again.graph_ == g1 and again.changing_modules_ == est.changing_modules_
    shuffled = frame[list(reversed(frame.columns))]
    assert CDNOD(domain_column="domain").fit(shuffled).graph_ == g1
    path = tmp_path / "data.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "graph.json"
    assert main(["discover", str(path), "--algorithm", "cdnod", "--domain-column", "domain", "--out", str(out)]) == 0
    assert read_graph(out) == g1
    assert "domain" not in json.loads(out.read_text())["nodes"]


@pytest.mark.slow
def test_sachs_skeleton_agrees_with_causallearn_and_categorical_finds_more_changes():
    """Reference: causal-learn's cdnod on the Sachs 9-condition data (fisherz, alpha
    0.05, condition codes as a numeric column): identical skeleton (31 edges over
    the 11 proteins and C) with ``domain_encoding="numeric"``. The categorical
    encoding finds every protein changing (the conditions perturb all of them)."""
    from causallearn.search.ConstraintBased.CDNOD import cdnod as cl_cdnod

    from causalscope.datasets import load_sachs

    frame = load_sachs(kind="interventional").data
    proteins = [c for c in frame.columns if c != "condition"]
    codes = frame["condition"].astype("category").cat.codes.to_numpy().astype(float)
    numeric = frame[proteins].assign(condition=codes)
    ours = CDNOD(domain_column="condition", domain_encoding="numeric").fit(numeric)
    with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        warnings.simplefilter("ignore")
        cg = cl_cdnod(frame[proteins].to_numpy(float), codes.reshape(-1, 1), 0.05, "fisherz", show_progress=False)
    names = [*proteins, "condition"]
    a = cg.G.graph
    theirs = {frozenset((names[i], names[j])) for i in range(12) for j in range(i + 1, 12) if a[i, j] != 0}
    assert {frozenset((e.u, e.v)) for e in ours.graph_with_context_.edges} == theirs
    categorical = CDNOD(domain_column="condition").fit(frame)
    assert set(categorical.changing_modules_) == set(proteins)
    assert len(ours.changing_modules_) < len(proteins)
