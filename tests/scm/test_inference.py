"""Exact inference by variable elimination (VE), observational and interventional.

Checked against
* brute-force enumeration of the joint (pure-Python product of CPT entries over
  every joint state; for ``do`` the truncated/mutilated product) on the shipped
  asia, cancer and survey networks and on random networks (hypothesis), to 1e-12;
* pgmpy's exact inference (``VariableElimination`` for observational queries,
  ``CausalInference.query(do=...)`` for interventional ones) on the shipped child
  and sachs networks, read by pgmpy's own BIF reader;
* the front-door formula on the smoking/tar/cancer example with a latent
  confounder (Pearl 2009, sec. 3.3.2; Jacobs, Kissinger & Zanasi 2019, sec. 6).
"""

from __future__ import annotations

import gzip
import itertools
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalscope.datasets import load_bayesnet, load_network
from causalscope.exceptions import InvalidParameterError
from causalscope.graphs import DAG
from causalscope.scm import (
    CPT,
    DiscreteBN,
    QueryError,
    ZeroProbabilityError,
    min_fill_order,
    variable_elimination,
)

TOL = 1e-12


# --------------------------------------------------------------------------- brute force oracle
def brute_joint(bn: DiscreteBN, interventions: dict[str, str] | None = None) -> np.ndarray:
    """Enumerate every joint state; probability = product of CPT entries (truncated for do)."""
    interventions = interventions or {}
    variables = bn.variables
    shape = tuple(len(bn.states[v]) for v in variables)
    out = np.zeros(shape)
    for assignment in itertools.product(*(range(k) for k in shape)):
        a = dict(zip(variables, assignment, strict=True))
        p = 1.0
        for v in variables:
            if v in interventions:
                p *= 1.0 if bn.states[v][a[v]] == interventions[v] else 0.0
            else:
                cpt = bn.cpts[v]
                p *= float(cpt.table[tuple(a[u] for u in cpt.parents) + (a[v],)])
        out[assignment] = p
    return out


def brute_conditional(bn: DiscreteBN, joint: np.ndarray, targets: list[str], evidence: dict[str, str]) -> np.ndarray:
    variables = list(bn.variables)
    idx = tuple(bn.states[v].index(evidence[v]) if v in evidence else slice(None) for v in variables)
    restricted = joint[idx]
    rest = [v for v in variables if v not in evidence]
    summed = restricted.sum(axis=tuple(i for i, v in enumerate(rest) if v not in targets))
    kept = [v for v in rest if v in targets]
    summed = np.transpose(summed, [kept.index(v) for v in targets])
    return summed / summed.sum()


def _battery(bn: DiscreteBN, rng: np.random.Generator, n: int) -> list[tuple[list[str], dict[str, str], dict[str, str]]]:
    """Random queries: 1-2 targets, 0-2 evidence variables, 0-1 interventions."""
    out = []
    v = list(bn.variables)
    while len(out) < n:
        picked = list(rng.permutation(v)[: 5])
        nt, ne, nd = int(rng.integers(1, 3)), int(rng.integers(0, 3)), int(rng.integers(0, 2))
        targets = picked[:nt]
        ev = {x: bn.states[x][rng.integers(len(bn.states[x]))] for x in picked[nt : nt + ne]}
        do = {x: bn.states[x][rng.integers(len(bn.states[x]))] for x in picked[nt + ne : nt + ne + nd]}
        out.append((targets, ev, do))
    return out


@pytest.mark.parametrize("name", ["asia", "cancer", "survey"])
def test_ve_equals_brute_force_enumeration(name: str) -> None:
    """Observational and interventional queries against enumeration of the (mutilated) joint."""
    bn = load_bayesnet(name)
    rng = np.random.default_rng(7)
    joints: dict[tuple[tuple[str, str], ...], np.ndarray] = {}
    checked = 0
    for targets, ev, do in _battery(bn, rng, 60):
        key = tuple(sorted(do.items()))
        if key not in joints:
            joints[key] = brute_joint(bn, do)
        joint = joints[key]
        idx = tuple(bn.states[v].index(ev[v]) if v in ev else slice(None) for v in bn.variables)
        if joint[idx].sum() == 0.0:
            with pytest.raises(ZeroProbabilityError):
                variable_elimination(bn, targets, evidence=ev, interventions=do)
            continue
        expected = brute_conditional(bn, joint, targets, ev)
        got = variable_elimination(bn, targets, evidence=ev, interventions=do)
        assert got.variables == tuple(targets)
        np.testing.assert_allclose(got.values, expected, rtol=0, atol=TOL)
        checked += 1
    assert checked >= 40
    # the full joint agrees with enumeration too
    np.testing.assert_allclose(bn.joint().values, brute_joint(bn), rtol=0, atol=TOL)


def test_every_single_target_query_on_asia_with_every_single_intervention() -> None:
    """All P(T | do(X=x)) on asia against the mutilated joint (exhaustive, 8*7*2 queries)."""
    bn = load_bayesnet("asia")
    for x in bn.variables:
        for s in bn.states[x]:
            joint = brute_joint(bn, {x: s})
            for t in bn.variables:
                expected = brute_conditional(bn, joint, [t], {})
                got = bn.distribution([t], interventions={x: s}).values
                np.testing.assert_allclose(got, expected, rtol=0, atol=TOL)


@st.composite
def random_networks(draw: st.DrawFn) -> DiscreteBN:
    n = draw(st.integers(2, 6))
    names = [f"V{i}" for i in range(n)]
    cards = [draw(st.integers(2, 3)) for _ in range(n)]
    seed = draw(st.integers(0, 2**31))
    rng = np.random.default_rng(seed)
    states = {v: tuple(f"s{j}" for j in range(k)) for v, k in zip(names, cards, strict=True)}
    cpts = []
    for i, v in enumerate(names):
        parents = tuple(u for u in names[:i] if rng.random() < 0.5)
        shape = tuple(len(states[u]) for u in parents) + (cards[i],)
        table = rng.dirichlet(np.full(cards[i], 0.7), size=int(np.prod(shape[:-1]))).reshape(shape)
        if rng.random() < 0.3:  # some structural zeros
            table = table * (rng.random(shape) > 0.2)
            table[table.sum(axis=-1) == 0, 0] = 1.0
            table = table / table.sum(axis=-1, keepdims=True)
        cpts.append(CPT(v, parents, states, table))
    return DiscreteBN.from_cpts(cpts)


@settings(max_examples=40, deadline=None)
@given(bn=random_networks(), data=st.data())
def test_ve_equals_enumeration_on_random_networks(bn: DiscreteBN, data: st.DataObject) -> None:
    """Property: VE = brute force on random DAGs with random (sometimes sparse) CPTs."""
    v = list(bn.variables)
    targets = data.draw(st.lists(st.sampled_from(v), min_size=1, max_size=2, unique=True))
    others = [x for x in v if x not in targets]
    ev_vars = data.draw(st.lists(st.sampled_from(others), max_size=2, unique=True)) if others else []
    rest = [x for x in others if x not in ev_vars]
    do_vars = data.draw(st.lists(st.sampled_from(rest), max_size=1, unique=True)) if rest else []
    ev = {x: data.draw(st.sampled_from(bn.states[x])) for x in ev_vars}
    do = {x: data.draw(st.sampled_from(bn.states[x])) for x in do_vars}
    joint = brute_joint(bn, do)
    idx = tuple(bn.states[x].index(ev[x]) if x in ev else slice(None) for x in v)
    if joint[idx].sum() == 0.0:
        with pytest.raises(ZeroProbabilityError):
            bn.distribution(targets, evidence=ev, interventions=do)
        return
    got = bn.distribution(targets, evidence=ev, interventions=do).values
    np.testing.assert_allclose(got, brute_conditional(bn, joint, targets, ev), rtol=0, atol=TOL)


# --------------------------------------------------------------------------- pgmpy reference
def _pgmpy_model(name: str):  # noqa: ANN202
    from pgmpy.readwrite import BIFReader

    text = gzip.decompress(load_network(name).path.read_bytes()).decode()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BIFReader(string=text).get_model()


def _pgmpy_values(factor, targets: list[str], bn: DiscreteBN) -> np.ndarray:  # noqa: ANN001
    """pgmpy factor values re-ordered to our target order and state order."""
    vals = np.transpose(factor.values, [list(factor.variables).index(t) for t in targets])
    for axis, t in enumerate(targets):
        order = [list(factor.state_names[t]).index(s) for s in bn.states[t]]
        vals = np.take(vals, order, axis=axis)
    return vals


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", ["child", "sachs"])
def test_ve_equals_pgmpy_exact_inference(name: str) -> None:
    """Observational queries vs pgmpy ``VariableElimination``; interventional ones vs
    pgmpy's own surgery (``model.do([X])`` then VE with ``X=x`` observed in the cut
    model) and, where pgmpy accepts the query (no evidence), vs pgmpy
    ``CausalInference.query(do=...)`` (back-door adjustment). The network is read by
    pgmpy's BIF reader, independently of ours."""
    pytest.importorskip("pgmpy")
    from pgmpy.inference import CausalInference, VariableElimination

    bn = load_bayesnet(name)
    model = _pgmpy_model(name)
    ve, ci = VariableElimination(model), CausalInference(model)
    rng = np.random.default_rng(11)
    n_obs = n_do = n_ci = 0
    for targets, ev, do in _battery(bn, rng, 60):
        try:
            ours = bn.distribution(targets, evidence=ev, interventions=do).values
        except ZeroProbabilityError:
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if do:
                cut = model.do(list(do))
                ref = VariableElimination(cut).query(targets, evidence={**ev, **do}, show_progress=False)
                n_do += 1
                if not ev:
                    try:
                        ref_ci = ci.query(targets, do=do, inference_algo="ve", show_progress=False)
                    except ValueError:  # pgmpy refuses targets that are not descendants
                        ref_ci = None
                    if ref_ci is not None:
                        # sachs CPT rows sum to 1 only within 1e-7 (file rounding); the
                        # adjustment formula renormalises conditionals, the truncated
                        # product does not, so the two agree to that order here.
                        np.testing.assert_allclose(ours, _pgmpy_values(ref_ci, targets, bn), rtol=0, atol=1e-7)
                        n_ci += 1
            else:
                ref = ve.query(targets, evidence=ev or None, show_progress=False)
                n_obs += 1
        np.testing.assert_allclose(ours, _pgmpy_values(ref, targets, bn), rtol=0, atol=1e-10)
    assert n_obs >= 15 and n_do >= 15 and n_ci >= 3


# --------------------------------------------------------------------------- front door
def smoking_model() -> DiscreteBN:
    """U (latent genotype) -> S (smoking), U -> C (cancer), S -> T (tar), T -> C."""
    b = ("0", "1")
    st_ = {"U": b, "S": b, "T": b, "C": b}
    return DiscreteBN.from_cpts(
        [
            CPT("U", (), st_, [0.7, 0.3]),
            CPT("S", ("U",), st_, [[0.8, 0.2], [0.25, 0.75]]),
            CPT("T", ("S",), st_, [[0.95, 0.05], [0.15, 0.85]]),
            CPT("C", ("T", "U"), st_, [[[0.9, 0.1], [0.6, 0.4]], [[0.7, 0.3], [0.2, 0.8]]]),
        ],
        name="smoking",
    )


def test_smoking_front_door_equals_surgery() -> None:
    """P(C | do(S)) by surgery in the full model (U included) equals the front-door
    formula sum_t P(t|s) sum_s' P(c|t,s') P(s') evaluated on the observational
    joint over (S, T, C) alone, U marginalised out."""
    bn = smoking_model()
    obs = bn.marginal(["S", "T", "C"]).values  # P(s, t, c), axes S, T, C
    p_s = obs.sum(axis=(1, 2))
    p_t_given_s = obs.sum(axis=2) / p_s[:, None]
    p_c_given_ts = np.transpose(obs, (1, 0, 2)) / obs.sum(axis=2).T[:, :, None]  # [t, s', c]
    for s in range(2):
        front_door = np.einsum("t,tuc,u->c", p_t_given_s[s], p_c_given_ts, p_s)
        surgery = bn.distribution(["C"], interventions={"S": str(s)}).values
        np.testing.assert_allclose(surgery, front_door, rtol=0, atol=TOL)
        # and the confounding is real: seeing is not doing here
        seeing = bn.distribution(["C"], evidence={"S": str(s)}).values
        assert abs(seeing[1] - surgery[1]) > 0.02
    # the same through the query language and the truncated-factorisation oracle
    assert abs(bn.probability("P(C=1 | do(S=1))") - brute_conditional(bn, brute_joint(bn, {"S": "1"}), ["C"], {})[1]) < TOL


# --------------------------------------------------------------------------- errors, order, soft do
def test_zero_probability_evidence_raises_naming_it() -> None:
    bn = smoking_model().do({"S": "1"})
    with pytest.raises(ZeroProbabilityError, match=r"S=0") as info:
        bn.distribution(["C"], evidence={"S": "0"})
    assert info.value.evidence == {"S": "0"}
    asia = load_bayesnet("asia")
    # 'either' is a deterministic OR of lung and tub: either=no with lung=yes is impossible
    with pytest.raises(ZeroProbabilityError, match=r"either=no, lung=yes") as info:
        asia.query("P(dysp=yes | either=no, lung=yes)")
    assert info.value.position == 13 and "position 13" in str(info.value)
    # observing a value the intervention excludes
    with pytest.raises(ZeroProbabilityError, match="under do"):
        asia.distribution(["dysp"], evidence={"either": "no"}, interventions={"lung": "yes"})


def test_unknown_names_raise_query_errors() -> None:
    bn = load_bayesnet("cancer")
    with pytest.raises(QueryError, match="unknown target variable 'Cancr'.*valid variables: Pollution"):
        bn.distribution(["Cancr"])
    with pytest.raises(QueryError, match="unknown state 'maybe' of evidence variable 'Smoker'; valid states: True, False"):
        bn.distribution(["Cancer"], evidence={"Smoker": "maybe"})
    with pytest.raises(QueryError, match="intervene on unknown variable 'Smokr'"):
        bn.distribution(["Cancer"], interventions={"Smokr": "True"})


def test_min_fill_order_on_a_chain_and_a_star() -> None:
    """Hand-computed orders: eliminating a chain end adds no fill; a hub adds many."""
    cards = {v: 2 for v in "ABCDH"}
    assert min_fill_order([("A", "B"), ("B", "C"), ("C", "D")], cards, ["A", "B", "C"]) == ("A", "B", "C")
    star = [("H", x) for x in "ABCD"]
    order = min_fill_order(star, cards, ["H", "A", "B"])
    assert order[-1] == "H"  # eliminating H first would join A-B-C-D (6 fill edges)


def test_target_that_is_also_observed_or_intervened() -> None:
    bn = load_bayesnet("cancer")
    d = bn.distribution(["Smoker", "Cancer"], evidence={"Smoker": "True"})
    assert d.marginal(["Smoker"]).values.tolist() == [1.0, 0.0]
    d = bn.distribution(["Smoker"], interventions={"Smoker": "False"})
    assert d.values.tolist() == [0.0, 1.0]


def test_soft_intervention_is_a_mixture_of_hard_ones() -> None:
    """do(X ~ q) = sum_x q(x) P(. | do(X=x)) (a stochastic intervention cuts the same arrows)."""
    bn = load_bayesnet("survey")
    q = {"high": 0.3, "uni": 0.7}
    soft = bn.distribution(["T"], interventions={"E": q}).values
    mix = sum(p * bn.distribution(["T"], interventions={"E": s}).values for s, p in q.items())
    np.testing.assert_allclose(soft, mix, rtol=0, atol=TOL)
    vec = bn.distribution(["T"], interventions={"E": [0.3, 0.7]}).values
    np.testing.assert_allclose(vec, soft, rtol=0, atol=TOL)


def test_expectation_and_distribution_helpers() -> None:
    g = DAG(["X", "Y"], [("X", "Y")])
    bn = DiscreteBN(g, {"X": ["0", "1"], "Y": ["-1", "0", "2.5"]}, {"X": [0.4, 0.6], "Y": [[0.5, 0.5, 0.0], [0.2, 0.2, 0.6]]})
    assert bn.expectation("Y", interventions={"X": "1"}) == pytest.approx(-0.2 + 1.5, abs=TOL)
    frame = bn.joint().to_frame()
    assert list(frame.columns) == ["X", "Y", "probability"] and frame["probability"].sum() == pytest.approx(1.0)
    named = DiscreteBN(g, {"X": ["a", "b"], "Y": ["0", "1"]}, {"X": [0.5, 0.5], "Y": [[1, 0], [0, 1]]})
    with pytest.raises(InvalidParameterError, match="numeric states"):
        named.expectation("X")
