"""Local scores: equality with reference libraries, closed forms, score equivalence, errors.

References checked against, on the same data:

- Gaussian BIC: causal-learn's ``local_score_BIC`` (higher-is-better; ours =
  theirs - n/2 log(2 pi) with ``penalty_discount = 2 * lambda_value``) and an explicit
  least-squares fit with scipy's normal log-density.
- BDeu: pgmpy's ``structure_score.BDeu`` (``equivalent_sample_size``) and causal-learn's
  ``local_score_BDeu`` (less its structure-prior term).
- BGe: the normal-Wishart marginal likelihood computed independently as a product
  of sequential multivariate-t predictive densities (scipy), for the complete DAG
  and for single nodes.
- Every score: Markov equivalent DAGs get equal scores (enumerated from a CPDAG),
  and the batch / all-subsets fast paths equal the one-at-a-time values.
"""

from __future__ import annotations

import itertools
import math
import pickle

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.graphs import enumerate_dags, parse_graph
from causalscope.scores import SCORES, BDeu, BGe, GaussianBIC, LocalScore, make_score

NAMES = list("ABCDE")


def _gaussian(n: int = 400, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5))
    x[:, 1] += 0.8 * x[:, 0]
    x[:, 2] += x[:, 1] - 0.6 * x[:, 3]
    x[:, 4] += 0.5 * x[:, 2]
    return pd.DataFrame(x * [1.0, 2.0, 0.5, 3.0, 1.0] + [0.0, 1.0, -2.0, 5.0, 0.3], columns=NAMES)


def _discrete(n: int = 600, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    a = rng.integers(0, 3, n)
    b = np.where(rng.random(n) < 0.7, a, rng.integers(0, 3, n))
    c = np.where(rng.random(n) < 0.6, (b + rng.integers(0, 2, n)) % 4, rng.integers(0, 4, n))
    d = rng.integers(0, 2, n)
    e = np.where(rng.random(n) < 0.5, (c + d) % 2, rng.integers(0, 2, n))
    return pd.DataFrame({"A": a, "B": b, "C": c, "D": d, "E": e})


def _all_parent_sets(p: int, node: int, kmax: int = 4) -> list[tuple[int, ...]]:
    others = [j for j in range(p) if j != node]
    return [s for k in range(min(kmax, p - 1) + 1) for s in itertools.combinations(others, k)]


def test_registry_and_protocol() -> None:
    assert {"bic", "bdeu", "bge"} <= set(SCORES)
    score = make_score("bic", _gaussian())
    assert isinstance(score, LocalScore)
    assert score.method == "bic" and score.variables == tuple(NAMES) and score.n_samples == 400
    with pytest.raises(InvalidParameterError, match="unknown score"):
        make_score("nope", _gaussian())


@pytest.mark.parametrize("lam", [0.5, 1.0])
def test_bic_equals_causal_learn(lam: float) -> None:
    # Reference: causal-learn local_score_BIC on the same array; ours adds -n/2 log(2 pi).
    from causallearn.score.LocalScoreFunction import local_score_BIC

    frame = _gaussian()
    x = frame.to_numpy()
    score = GaussianBIC(frame, penalty_discount=2 * lam)
    for node in range(5):
        for ps in _all_parent_sets(5, node):
            ref = local_score_BIC(x, node, list(ps), {"lambda_value": lam})
            assert score.local_score(node, ps) == pytest.approx(ref - 200 * math.log(2 * math.pi), rel=1e-10)


def test_bic_equals_ols_closed_form() -> None:
    # Reference: an explicit least-squares fit with intercept (numpy lstsq).
    frame = _gaussian(n=250, seed=3)
    x = frame.to_numpy()
    n = x.shape[0]
    score = GaussianBIC(frame, penalty_discount=1.5)
    for node, ps in [(2, (1, 3)), (4, ()), (0, (1, 2, 3, 4))]:
        design = np.column_stack([np.ones(n), x[:, list(ps)]])
        beta = np.linalg.lstsq(design, x[:, node], rcond=None)[0]
        s2 = np.mean((x[:, node] - design @ beta) ** 2)
        loglik = np.sum(stats.norm.logpdf(x[:, node], design @ beta, math.sqrt(s2)))
        want = loglik - 1.5 * (len(ps) + 1) / 2 * math.log(n)
        assert score.local_score(node, ps) == pytest.approx(want, rel=1e-10)


def test_bdeu_equals_pgmpy() -> None:
    # Reference: pgmpy.structure_score.BDeu on the same DataFrame (all states observed).
    from pgmpy.structure_score import BDeu as PgmpyBDeu

    frame = _discrete()
    for ess in (1.0, 10.0):
        ours = BDeu(frame, ess=ess)
        ref = PgmpyBDeu(frame, equivalent_sample_size=ess)
        for node in range(5):
            for ps in _all_parent_sets(5, node, kmax=3):
                want = ref.local_score(NAMES[node], tuple(NAMES[q] for q in ps))
                assert ours.local_score(node, ps) == pytest.approx(want, rel=1e-10)


def test_bdeu_equals_causal_learn_without_its_structure_prior() -> None:
    # Reference: causal-learn local_score_BDeu (sample_prior = ess, structure_prior = 1),
    # minus its structure-prior term |S| log(1/(p-1)) + (p-1-|S|) log(1 - 1/(p-1)).
    from causallearn.score.LocalScoreFunction import local_score_BDeu

    frame = _discrete(n=300, seed=4)
    x = frame.to_numpy()
    card = {j: int(x[:, j].max()) + 1 for j in range(5)}
    ours = BDeu(frame, ess=2.0)
    for node, ps in [(2, ()), (2, (1,)), (4, (2, 3)), (0, (1, 2, 3))]:
        ref = local_score_BDeu(x, node, list(ps), {"sample_prior": 2.0, "structure_prior": 1.0, "r_i_map": card})
        prior = len(ps) * math.log(1 / 4) + (4 - len(ps)) * math.log(3 / 4)
        assert ours.local_score(node, ps) == pytest.approx(ref - prior, rel=1e-10)


def _mvt_sequential_loglik(x: np.ndarray, alpha_mu: float, alpha_w: float, t: float) -> float:
    """log p(x_1..x_N) under a normal-Wishart prior (mean 0, matrix t*I), as a product of
    multivariate-t posterior predictive densities, updating the posterior point by point."""
    n, d = x.shape
    nu = np.zeros(d)
    tmat = t * np.eye(d)
    am, aw = alpha_mu, alpha_w
    total = 0.0
    for row in x:
        dof = aw - d + 1
        shape = tmat * (am + 1) / (am * dof)
        total += stats.multivariate_t.logpdf(row, loc=nu, shape=shape, df=dof)
        diff = row - nu
        tmat = tmat + (am / (am + 1)) * np.outer(diff, diff)
        nu = (am * nu + row) / (am + 1)
        am, aw = am + 1, aw + 1
    return float(total)


def test_bge_equals_normal_wishart_predictive() -> None:
    # Reference: the sequential multivariate-t predictive (independent of the closed form).
    frame = _gaussian(n=60, seed=5).iloc[:, :4]
    x = frame.to_numpy()
    p = 4
    for alpha_mu, alpha_w in [(1.0, None), (2.5, 9.0)]:
        score = BGe(frame, alpha_mu=alpha_mu, alpha_w=alpha_w)
        aw = p + alpha_mu + 1 if alpha_w is None else alpha_w
        t = alpha_mu * (aw - p - 1) / (alpha_mu + 1)
        complete = score.score_graph(parse_graph("A --> B; A --> C; A --> D; B --> C; B --> D; C --> D"))
        assert complete == pytest.approx(_mvt_sequential_loglik(x, alpha_mu, aw, t), rel=1e-10)
        # a single node: the marginal model of one variable has dof alpha_w - p + 1
        single = _mvt_sequential_loglik(x[:, [2]], alpha_mu, aw - p + 1, t)
        assert score.local_score(2, []) == pytest.approx(single, rel=1e-10)


@pytest.mark.parametrize(
    ("name", "make"),
    [("bic", lambda: _gaussian()), ("bge", lambda: _gaussian()), ("bdeu", lambda: _discrete())],
)
def test_score_equivalence_over_markov_classes(name: str, make) -> None:
    # Property: every DAG of a Markov equivalence class has the same score.
    score = make_score(name, make())
    cpdag = parse_graph("A --- B; B --- C; C --- A; C --> E; D --> E", kind="cpdag")
    values = [score.score_graph(g) for g in enumerate_dags(cpdag)]
    assert len(values) == 6
    np.testing.assert_allclose(values, values[0], rtol=1e-11)


@pytest.mark.parametrize(
    ("name", "make"),
    [("bic", lambda: _gaussian()), ("bge", lambda: _gaussian()), ("bdeu", lambda: _discrete())],
)
def test_batches_tables_and_cache_agree(name: str, make) -> None:
    # Reference: the one-at-a-time local_score (solve / np.unique path) for every subset.
    score = make_score(name, make())
    fresh = make_score(name, make())
    node, cand = 2, [4, 0, 3, 1]  # caller's order defines the bits of the table
    table = fresh.subset_table(node, cand)
    for mask in range(16):
        ps = [c for b, c in enumerate(cand) if (mask >> b) & 1]
        assert table[mask] == pytest.approx(score.local_score(node, ps), rel=1e-10, abs=1e-8)
    limited = fresh.subset_table(node, cand, max_size=1)
    assert np.isneginf(limited[3]) and limited[4] == pytest.approx(table[4])
    sets = [(0, 1), (1, 0), (), (3,), (0, 1)]
    batch = fresh.local_scores(node, sets)
    assert batch[0] == batch[1] == batch[4]
    np.testing.assert_allclose(batch, [score.local_score(node, s) for s in sets], rtol=1e-10)
    assert fresh.n_computed == 3 and fresh.n_cache_hits == 2
    fresh.local_score(node, (1, 0))
    assert fresh.n_cache_hits == 3


def test_bic_penalty_discount_changes_only_penalty() -> None:
    frame = _gaussian()
    a, b = GaussianBIC(frame), GaussianBIC(frame, penalty_discount=3.0)
    diff = a.local_score(2, [0, 1]) - b.local_score(2, [0, 1])
    assert diff == pytest.approx(2.0 * 3 / 2 * math.log(400))
    assert GaussianBIC(frame, penalty_discount=0).local_score(2, [0, 1, 3]) >= a.local_score(2, [0, 1, 3])


def test_bad_input_raises_typed_errors_with_advice() -> None:
    frame = _gaussian()
    with pytest.raises(InvalidParameterError, match="penalty_discount.*>= 0.*sparser"):
        GaussianBIC(frame, penalty_discount=-1)
    mixed = frame.assign(G=np.arange(400) % 3)
    with pytest.raises(DataError, match=r"columns \['G'\].*bdeu"):
        GaussianBIC(mixed)
    with pytest.raises(DataError, match=r"continuous.*'G'"):
        BGe(mixed)
    with pytest.raises(DataError, match=r"discrete.*\['A', 'B', 'C', 'D', 'E'\].*bic"):
        BDeu(frame)
    with pytest.raises(InvalidParameterError, match="ess"):
        BDeu(_discrete(), ess=0)
    with pytest.raises(InvalidParameterError, match="alpha_w"):
        BGe(frame, alpha_w=3)
    score = GaussianBIC(frame)
    with pytest.raises(InvalidParameterError, match="own parent"):
        score.local_score(1, [1])
    with pytest.raises(InvalidParameterError, match="outside"):
        score.local_score(0, [9])
    with pytest.raises(DataError, match="unknown variable"):
        score.index_of("Z")


def test_too_few_rows_say_so_before_the_column_kinds() -> None:
    """Issue 17: on 2 rows every column has two values and reads as binary, so the kind check used to
    say the columns "are not continuous"; the real problem is the number of rows."""
    from causalscope.discovery import ges

    two = _gaussian().iloc[:2, :2].reset_index(drop=True)
    for cls, name in [(GaussianBIC, "bic"), (BGe, "bge")]:
        with pytest.raises(DataError, match=rf"too few rows for {cls.__name__} \('{name}'\): the data have 2 rows "
                                            r"\(2 variables\); at least 3 are needed") as info:
            cls(two)
        assert "continuous" in str(info.value) and "are not" not in str(info.value)
    with pytest.raises(DataError, match=r"too few rows for GaussianBIC \('bic'\): the data have 2 rows "
                                        r"\(3 variables\); at least 4 are needed"):
        ges(_gaussian().iloc[:2, :3])
    # the BIC needs one row more than the variables (a non-singular covariance matrix) ...
    with pytest.raises(DataError, match=r"the data have 5 rows \(5 variables\); at least 6 are needed.*singular"):
        GaussianBIC(_gaussian().iloc[:5])
    assert GaussianBIC(_gaussian().iloc[:6]).n_samples == 6
    # ... the BGe's prior keeps its matrix positive definite, so it only needs 3 rows
    assert BGe(_gaussian().iloc[:5]).n_samples == 5
    # a discrete score on two rows is defined (counts)
    assert BDeu(pd.DataFrame({"A": [0, 1], "B": [1, 0]})).n_samples == 2


def test_missing_values_are_refused_with_advice() -> None:
    from causalscope.data import Dataset

    frame = _gaussian()
    frame.iloc[3, 1] = np.nan
    ds = Dataset.from_frame(frame, missing="keep")
    with pytest.raises(DataError, match=r"\['B'\].*drop_rows"):
        GaussianBIC(ds)


def test_numpy_input_and_pickle() -> None:
    score = GaussianBIC(_gaussian().to_numpy())
    assert score.variables == ("X0", "X1", "X2", "X3", "X4")
    value = score.local_score(2, [1, 3])
    clone = pickle.loads(pickle.dumps(score))
    assert clone.local_score(2, [1, 3]) == value
    assert "GaussianBIC(n=400, p=5" in repr(score)
