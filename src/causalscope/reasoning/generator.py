"""A CLadder-style generator of causal questions with answers correct by construction.

Following CLadder (Jin et al. 2023), each question is made in four steps:

1. pick a graph family (:mod:`.families`) and a story that names its variables
   (:mod:`.stories`);
2. sample a binary causal Bayesian network on the graph, with every edge's
   influence of a fixed sign (``+``: the parent raises the child's probability,
   ``-``: lowers it; the story fixes some signs, the rest are drawn): each CPT is
   a logistic function of its parents, so the signs hold by construction;
3. compute the quantity the question is about with causalscope's own engine:
   variable elimination for probabilities, graph surgery (``do``) for
   interventions, :func:`causalscope.identification.identify` for the estimand,
   the mediation formulas (Pearl 2001) for natural effects, and a deterministic
   model for counterfactuals;
4. verbalise the graph, the numbers the estimand needs (rounded to four digits)
   and a yes/no question; the step-by-step reasoning recomputes the quantity from
   the rounded numbers, and a model is redrawn unless its answer is the same
   from the rounded and the exact numbers and clear of zero by a margin.

Query types by rung:

========  =====================  ============================================
rung      query type             quantity
========  =====================  ============================================
1         ``marginal``           ``P(Y=1) - 1/2``
1         ``correlation``        ``P(Y=1 | X=1) - P(Y=1 | X=0)``
1         ``explaining_away``    ``P(Y=1 | X=1, C=1) - P(Y=1 | X=0, C=1)`` (collider ``C``)
2         ``ate``                ``P(Y=1 | do(X=1)) - P(Y=1 | do(X=0))``
2         ``backdoor_set``       is ``Z`` a valid backdoor adjustment set (1/0)
2         ``collider_bias``      the ATE (zero) seen among units with ``C=1``
3         ``ett``                ``E[Y_1 - Y_0 | X=1]``
3         ``nde``                ``E[Y_{1, M_0} - Y_{0, M_0}]``
3         ``nie``                ``E[Y_{0, M_1} - Y_{0, M_0}]``
3         ``det_counterfactual`` ``Y_{x'}`` in a deterministic model given the roots
========  =====================  ============================================

Answer polarity is balanced: each quantity can be asked as "increase" or
"decrease" (or an equivalent pair), and the generator picks the phrasing whose
answer keeps the yes/no counts of each query type level.

References
----------
Jin, Z., Chen, Y., Leeb, F., et al. (2023). CLadder: Assessing causal reasoning in
language models. NeurIPS 2023.
Pearl, J. (2001). Direct and indirect effects. UAI 2001.
Shpitser, I. & Pearl, J. (2009). Effects of treatment on the treated:
identification and generalization. UAI 2009.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..exceptions import CausalScopeError, InvalidParameterError, NotIdentifiableError
from ..graphs import DAG, d_separated
from ..scm import CPT, DiscreteBN
from ..utils import check_random_state
from .families import FAMILIES, FAMILY_NAMES, GraphFamily, random_family
from .items import Item
from .stories import Story, load_stories, nonsense_story

__all__ = ["QUERY_TYPES", "QuestionGenerator", "generate_questions", "model_to_dict", "model_from_dict"]

QUERY_TYPES: dict[str, int] = {
    "marginal": 1,
    "correlation": 1,
    "explaining_away": 1,
    "ate": 2,
    "backdoor_set": 2,
    "collider_bias": 2,
    "ett": 3,
    "nde": 3,
    "nie": 3,
    "det_counterfactual": 3,
}

MARGIN = 0.02
_ST = ("0", "1")


# ----------------------------------------------------------------------------- models
def _sample_bn(fam: GraphFamily, story: Story, rng: np.random.Generator) -> tuple[DiscreteBN, dict[tuple[str, str], int]]:
    dag = fam.dag
    signs: dict[tuple[str, str], int] = {}
    cpts = []
    for v in fam.nodes:
        pa = tuple(u for u in fam.nodes if u in dag.parents(v))
        if not pa:
            p = rng.uniform(0.1, 0.9)
            cpts.append(CPT(v, (), {v: _ST}, [1 - p, p]))  # type: ignore[arg-type]  # CPT converts the table
            continue
        s = np.array([story.signs.get((u, v), int(rng.choice([-1, 1]))) for u in pa], dtype=float)
        for u, si in zip(pa, s):
            signs[(u, v)] = int(si)
        w = rng.uniform(1.0, 3.0, size=len(pa)) * s
        a = rng.normal(0.0, 0.7) - 0.5 * w.sum()
        grid = np.array(list(itertools.product((0, 1), repeat=len(pa))), dtype=float)
        p1 = 1.0 / (1.0 + np.exp(-(a + grid @ w)))
        p1 = np.clip(p1, 0.02, 0.98).reshape((2,) * len(pa))
        cpts.append(CPT(v, pa, {u: _ST for u in (*pa, v)}, np.stack([1 - p1, p1], axis=-1)))
    return DiscreteBN.from_cpts(cpts, name=fam.name), signs


def model_to_dict(bn: DiscreteBN, latent: Sequence[str] = ()) -> dict[str, Any]:
    """A binary network as plain JSON: for each node its parents and the array
    ``p1[pa_1, ..., pa_k] = P(node=1 | parents)`` (parents in the listed order)."""
    return {
        "nodes": list(bn.variables),
        "latent": list(latent),
        "cpts": {
            v: {"parents": list(bn.cpts[v].parents), "p1": np.asarray(bn.cpts[v].table)[..., 1].tolist()}
            for v in bn.variables
        },
    }


def model_from_dict(d: dict[str, Any]) -> DiscreteBN:
    """Inverse of :func:`model_to_dict`."""
    cpts = []
    for v in d["nodes"]:
        pa = tuple(d["cpts"][v]["parents"])
        p1 = np.asarray(d["cpts"][v]["p1"], dtype=float)
        cpts.append(CPT(v, pa, {u: _ST for u in (*pa, v)}, np.stack([1 - p1, p1], axis=-1)))
    return DiscreteBN.from_cpts(cpts)


# ----------------------------------------------------------------------------- text helpers
def _key(target: dict[str, int], given: dict[str, int] | None = None) -> str:
    t = ", ".join(f"{k}={v}" for k, v in target.items())
    g = ", ".join(f"{k}={v}" for k, v in (given or {}).items())
    return f"P({t} | {g})" if g else f"P({t})"


def _pct(p: float) -> str:
    return f"{100 * p:.2f}%"


class _Ctx:
    """One sampled model with its story: probabilities, given numbers, sentences."""

    def __init__(self, fam: GraphFamily, story: Story, bn: DiscreteBN, signs: dict[tuple[str, str], int]) -> None:
        self.fam, self.story, self.bn, self.signs = fam, story, bn, signs
        self.x, self.y = fam.treatment, fam.outcome
        self.given: dict[str, float] = {}
        self.sentences: list[str] = []

    def prob(self, target: dict[str, int], given: dict[str, int] | None = None, do: dict[str, int] | None = None) -> float:
        return self.bn.probability(
            {k: str(v) for k, v in target.items()},
            evidence={k: str(v) for k, v in (given or {}).items()} or None,
            interventions={k: str(v) for k, v in (do or {}).items()} or None,
        )

    def words(self, assignment: dict[str, int]) -> str:
        return " and ".join(self.story.phrase(k, v) for k, v in assignment.items())

    def give(self, target: dict[str, int], given: dict[str, int] | None = None) -> float:
        """Quote ``P(target | given)`` (rounded to 4 digits) and return the rounded value."""
        k = _key(target, given)
        if k not in self.given:
            val = round(self.prob(target, given), 4)
            self.given[k] = val
            if given:
                self.sentences.append(f"For those with {self.words(given)}, the probability of {self.words(target)} is {_pct(val)}.")
            else:
                self.sentences.append(f"The overall probability of {self.words(target)} is {_pct(val)}.")
        return self.given[k]

    def preamble(self, numbers: bool = True) -> str:
        s = self.story
        parts = ["Imagine a self-contained, hypothetical world with only the following conditions, and without any "
                 "unobserved factors other than those mentioned."]
        for a, b in self.fam.edges:
            parts.append(f"{s.on(a).capitalize()} has a direct effect on {s.on(b)}.")
        for u in self.fam.latent:
            parts.append(f"{s.on(u).capitalize()} is unobserved.")
        if numbers:
            parts += self.sentences
        return " ".join(parts)


@dataclass
class _Cand:
    question: str
    answer: bool
    polarity: str


@dataclass
class _Query:
    formal: str
    quantity: float
    estimand: str | None
    reasoning: list[str]
    cands: list[_Cand]
    numbers: bool = True
    meta: dict[str, Any] | None = None


class _Reject(Exception):
    """The sampled model does not give a clear answer; draw another."""


def _check(exact: float, from_given: float, zero: bool) -> float:
    """The exact quantity (0.0 when structurally zero); rejects unclear models."""
    if zero:
        if abs(exact) > 1e-9:
            raise CausalScopeError(f"internal error: a structurally zero quantity is {exact}")
        return 0.0
    if abs(exact) < MARGIN or abs(from_given) < MARGIN / 2 or np.sign(exact) != np.sign(from_given):
        raise _Reject
    return exact


def _sign_cands(ctx: _Ctx, q: float, zero: bool, up: str, down: str) -> list[_Cand]:
    return [_Cand(up, (not zero) and q > 0, "increase"), _Cand(down, (not zero) and q < 0, "decrease")]


def _configs(nodes: Sequence[str]) -> list[dict[str, int]]:
    return [dict(zip(nodes, c)) for c in itertools.product((0, 1), repeat=len(nodes))]


# ----------------------------------------------------------------------------- query types
def _q_marginal(ctx: _Ctx) -> _Query:
    x, y, s = ctx.x, ctx.y, ctx.story
    px = ctx.give({x: 1})
    p0, p1 = ctx.give({y: 1}, {x: 0}), ctx.give({y: 1}, {x: 1})
    exact = ctx.prob({y: 1}) - 0.5
    val = p0 * (1 - px) + p1 * px
    exact = _check(exact, val - 0.5, False)
    steps = [f"P(Y=1) = P(Y=1 | X=0) P(X=0) + P(Y=1 | X=1) P(X=1) = {p0:.4f}*{1 - px:.4f} + {p1:.4f}*{px:.4f} = {val:.4f}",
             f"{val:.4f} {'>' if val > 0.5 else '<'} 0.5"]
    return _Query("P(Y=1) - 0.5 > 0", exact, "P(Y=1) = Σ_{X} P(Y=1 | X) P(X)", steps, [
        _Cand(f"Is {s.on(y)} more likely than {s.off(y)} overall?", exact > 0, "increase"),
        _Cand(f"Is {s.on(y)} less likely than {s.off(y)} overall?", exact < 0, "decrease"),
    ])


def _q_correlation(ctx: _Ctx) -> _Query:
    x, y, s = ctx.x, ctx.y, ctx.story
    zero = d_separated(ctx.fam.dag, x, y)
    px = ctx.give({x: 1})
    j1, j0 = ctx.give({x: 1, y: 1}), ctx.give({x: 0, y: 1})
    exact = ctx.prob({y: 1}, {x: 1}) - ctx.prob({y: 1}, {x: 0})
    val = j1 / px - j0 / (1 - px) if not zero else 0.0
    exact = _check(exact, val, zero)
    steps = [f"P(Y=1 | X=1) = P(X=1, Y=1) / P(X=1) = {j1:.4f} / {px:.4f} = {j1 / px:.4f}",
             f"P(Y=1 | X=0) = P(X=0, Y=1) / P(X=0) = {j0:.4f} / {1 - px:.4f} = {j0 / (1 - px):.4f}",
             f"difference = {val:.4f}" + (" (X and Y are d-separated: exactly zero)" if zero else "")]
    return _Query("P(Y=1 | X=1) - P(Y=1 | X=0) > 0", exact, "P(Y=1 | X=1) - P(Y=1 | X=0)", steps, _sign_cands(
        ctx, exact, zero,
        f"Is the chance of {s.on(y)} larger when observing {s.on(x)}?",
        f"Is the chance of {s.on(y)} smaller when observing {s.on(x)}?"))


def _collider(ctx: _Ctx) -> str | None:
    ch = set(ctx.fam.dag.children(ctx.x)) & set(ctx.fam.dag.children(ctx.y))
    if ctx.fam.dag.is_adjacent(ctx.x, ctx.y) or not ch or len(ctx.fam.nodes) != 3:
        return None
    return sorted(ch)[0]


def _q_explaining_away(ctx: _Ctx) -> _Query | None:
    c = _collider(ctx)
    if c is None:
        return None
    x, y, s = ctx.x, ctx.y, ctx.story
    ctx.give({x: 1})  # quoted in the premise (the question's numbers); the formula needs only P(Y=1)
    py = ctx.give({y: 1})
    pc = {(a, b): ctx.give({c: 1}, {x: a, y: b}) for a in (0, 1) for b in (0, 1)}
    exact = ctx.prob({y: 1}, {x: 1, c: 1}) - ctx.prob({y: 1}, {x: 0, c: 1})

    def post(a: int) -> float:
        return pc[a, 1] * py / (pc[a, 1] * py + pc[a, 0] * (1 - py))

    val = post(1) - post(0)
    exact = _check(exact, val, False)
    steps = [f"P(Y=1 | X={a}, {c}=1) = P({c}=1 | X={a}, Y=1) P(Y=1) / Σ_y P({c}=1 | X={a}, Y=y) P(Y=y) = {post(a):.4f}"
             for a in (1, 0)] + [f"difference = {val:.4f}"]
    return _Query(f"P(Y=1 | X=1, {c}=1) - P(Y=1 | X=0, {c}=1) > 0", exact,
                  f"P(Y=1 | X, {c}=1) = P({c}=1 | X, Y=1) P(Y=1) / Σ_y P({c}=1 | X, Y=y) P(Y=y)", steps, _sign_cands(
                      ctx, exact, False,
                      f"If we look at those with {s.on(c)}, does the chance of {s.on(y)} increase when {s.on(x)}?",
                      f"If we look at those with {s.on(c)}, does the chance of {s.on(y)} decrease when {s.on(x)}?"))


def _identify(ctx: _Ctx) -> Any:
    from ..identification import identify

    try:
        return identify(ctx.fam.observed_graph(), ctx.x, ctx.y)
    except NotIdentifiableError:
        return None


def _adjust(ctx: _Ctx, z: list[str], weights_given: dict[str, int] | None = None) -> tuple[dict[int, float], list[str]]:
    """``Σ_z P(Y=1 | X=x, z) P(z [| weights_given])`` from quoted numbers, for x = 0, 1."""
    out = {0: 0.0, 1: 0.0}
    steps = []
    for cfg in _configs(z):
        pz = ctx.give(cfg, weights_given) if z else 1.0
        for a in (0, 1):
            out[a] += ctx.give({ctx.y: 1}, {ctx.x: a, **cfg}) * pz
    for a in (0, 1):
        zs = "".join(f", {k}" for k in z)
        cond = " | X=1" if weights_given else ""
        steps.append(f"Σ_z P(Y=1 | X={a}{zs}) P({','.join(z) or '∅'}{cond}) = {out[a]:.4f}")
    return out, steps


def _q_ate(ctx: _Ctx) -> _Query | None:
    res = _identify(ctx)
    if res is None:
        return None
    x, y, s = ctx.x, ctx.y, ctx.story
    zero = x not in ctx.fam.dag.ancestors([y])
    exact = ctx.prob({y: 1}, do={x: 1}) - ctx.prob({y: 1}, do={x: 0})
    if res.adjustment_set is not None:
        z = [v for v in ctx.fam.nodes if v in res.adjustment_set]
        vals, steps = _adjust(ctx, z)
    elif res.mediators is not None and len(res.mediators) == 1:
        (m,) = res.mediators
        px = ctx.give({x: 1})
        vals, steps = {}, []
        for a in (0, 1):
            tot = 0.0
            for mv in (0, 1):
                pm = ctx.give({m: 1}, {x: a})
                pm = pm if mv else 1 - pm
                inner = sum(ctx.give({y: 1}, {x: b, m: mv}) * (px if b else 1 - px) for b in (0, 1))
                tot += pm * inner
            vals[a] = tot
            steps.append(f"P(Y=1 | do(X={a})) = Σ_m P({m}=m | X={a}) Σ_x' P(Y=1 | X=x', {m}=m) P(X=x') = {tot:.4f}")
    else:
        return None
    val = vals[1] - vals[0]
    exact = _check(exact, val if not zero else 0.0, zero)
    steps.append(f"ATE = {vals[1]:.4f} - {vals[0]:.4f} = {val:.4f}")
    return _Query("P(Y=1 | do(X=1)) - P(Y=1 | do(X=0)) > 0", exact, str(res.estimand), steps, _sign_cands(
        ctx, exact, zero, f"Will {s.on(x)} increase the chance of {s.on(y)}?",
        f"Will {s.on(x)} decrease the chance of {s.on(y)}?"), meta={"method": res.method})


def _q_backdoor_set(ctx: _Ctx, rng: np.random.Generator) -> _Query | None:
    x, y, s, dag = ctx.x, ctx.y, ctx.story, ctx.fam.dag
    others = [v for v in ctx.fam.observed if v not in (x, y)]
    subsets = [list(c) for r in range(min(2, len(others)) + 1) for c in itertools.combinations(others, r)]
    subsets = [z for z in subsets if z]
    if not subsets:
        return None
    z = subsets[int(rng.integers(len(subsets)))]
    desc = sorted(set(z) & set(dag.descendants([x])))
    cut = DAG(list(dag.nodes), [(a, b) for a, b in ctx.fam.edges if a != x])
    blocks = d_separated(cut, x, y, z)
    valid = not desc and blocks
    zs = ", ".join(z)
    words = " and ".join(s.on(v) for v in z)
    steps = [f"descendants of X in {{{zs}}}: {desc or 'none'}",
             f"{{{zs}}} blocks every backdoor path from X to Y: {'yes' if blocks else 'no'}",
             f"valid backdoor set: {'yes' if valid else 'no'}"]
    return _Query(f"is_backdoor_set(X, Y, {{{zs}}})", float(valid), None, steps, [
        _Cand(f"To estimate the effect of {s.on(x)} on {s.on(y)}, is it enough to compare those with and without "
              f"{s.on(x)} within groups of equal {words}?", valid, "increase"),
        _Cand(f"To estimate the effect of {s.on(x)} on {s.on(y)}, would comparing those with and without "
              f"{s.on(x)} within groups of equal {words} give a biased answer?", not valid, "decrease"),
    ], numbers=False, meta={"set": z})


def _q_collider_bias(ctx: _Ctx) -> _Query | None:
    c = _collider(ctx)
    if c is None:
        return None
    x, y, s = ctx.x, ctx.y, ctx.story
    exact = ctx.prob({y: 1}, do={x: 1}) - ctx.prob({y: 1}, do={x: 0})
    a, b = ctx.give({y: 1}, {x: 1, c: 1}), ctx.give({y: 1}, {x: 0, c: 1})
    exact = _check(exact, 0.0, True)
    steps = [f"among {c}=1 the difference P(Y=1 | X=1, {c}=1) - P(Y=1 | X=0, {c}=1) = {a - b:.4f} is collider bias",
             f"{c} is a common effect of X and Y and X is not an ancestor of Y, so the effect of X on Y is 0"]
    return _Query("P(Y=1 | do(X=1)) - P(Y=1 | do(X=0)) != 0", exact, "P(Y=1 | do(X)) = P(Y=1)", steps, [
        _Cand(f"If we look at those with {s.on(c)}, does it mean that {s.on(x)} affects {s.on(y)}?", False, "increase"),
        _Cand(f"Even if we look at those with {s.on(c)}, is it still true that {s.on(x)} has no effect on {s.on(y)}?",
              True, "decrease"),
    ])


def _q_ett(ctx: _Ctx) -> _Query | None:
    if ctx.fam.latent:
        return None
    x, y, s, dag = ctx.x, ctx.y, ctx.story, ctx.fam.dag
    z = [v for v in ctx.fam.nodes if v in dag.parents(x)]
    zero = x not in dag.ancestors([y])

    def exact_adj(a: int) -> float:
        return sum(ctx.prob({y: 1}, {x: a, **cfg}) * (ctx.prob(cfg, {x: 1}) if z else 1.0) for cfg in _configs(z))

    exact = exact_adj(1) - exact_adj(0)
    vals, steps = _adjust(ctx, z, {x: 1})
    val = vals[1] - vals[0]
    exact = _check(exact, val if not zero else 0.0, zero)
    steps.append(f"ETT = E[Y_1 - Y_0 | X=1] = {vals[1]:.4f} - {vals[0]:.4f} = {val:.4f}")
    zs = ", ".join(z)
    est = f"Σ_{{{zs}}} [P(Y=1 | X=1, {zs}) - P(Y=1 | X=0, {zs})] P({zs} | X=1)" if z else "P(Y=1 | X=1) - P(Y=1 | X=0)"
    return _Query("E[Y_{X=1} - Y_{X=0} | X=1] > 0", exact, est, steps, _sign_cands(
        ctx, exact, zero,
        f"For those with {s.on(x)}, would {s.on(y)} be less likely if they had had {s.off(x)}?",
        f"For those with {s.on(x)}, would {s.on(y)} be more likely if they had had {s.off(x)}?"))


def _mediation_sets(ctx: _Ctx) -> tuple[list[str], list[str]] | None:
    if ctx.fam.latent:
        return None
    dag, x, y = ctx.fam.dag, ctx.x, ctx.y
    de = dag.descendants([x])
    m = [v for v in ctx.fam.nodes if v in de and v in dag.ancestors([y])]
    w = [v for v in ctx.fam.nodes if v not in de and v not in (x, y) and (v in dag.ancestors([y]))]
    if len(m) + len(w) > 3 or x not in dag.ancestors([y]):
        return None
    return m, w


def _natural(ctx: _Ctx, m: list[str], w: list[str], kind: str, quoted: bool) -> float:
    x, y = ctx.x, ctx.y
    p = (lambda t, g: ctx.give(t, g)) if quoted else (lambda t, g: ctx.prob(t, g))
    total = 0.0
    for wc in _configs(w):
        pw = p(wc, None) if w else 1.0
        inner = 0.0
        for mc in _configs(m):
            pm0, pm1 = p(mc, {x: 0, **wc}), p(mc, {x: 1, **wc})
            y0, y1 = p({y: 1}, {x: 0, **mc, **wc}), p({y: 1}, {x: 1, **mc, **wc})
            inner += (y1 - y0) * pm0 if kind == "nde" else y0 * (pm1 - pm0)
        total += pw * inner
    return total


def _q_natural(ctx: _Ctx, kind: str) -> _Query | None:
    sets = _mediation_sets(ctx)
    if sets is None:
        return None
    m, w = sets
    x, y, s = ctx.x, ctx.y, ctx.story
    if not m:
        return None
    zero = (kind == "nde" and (x, y) not in ctx.fam.edges)
    exact = _natural(ctx, m, w, kind, quoted=False)
    val = _natural(ctx, m, w, kind, quoted=True)
    exact = _check(exact, val if not zero else 0.0, zero)
    ms, ws = ", ".join(m), ", ".join(w)
    wsum, wp, wc = (f"Σ_{{{ws}}} P({ws}) ", f", {ws}", f", {ws}") if w else ("", "", "")
    if kind == "nde":
        est = f"{wsum}Σ_{{{ms}}} [P(Y=1 | X=1, {ms}{wc}) - P(Y=1 | X=0, {ms}{wc})] P({ms} | X=0{wp})"
        formal = "E[Y_{X=1, M=M_{X=0}} - Y_{X=0, M=M_{X=0}}] > 0"
        up = f"If we disregard the mediation effect through {' and '.join(s.on(v) for v in m)}, would {s.on(x)} still increase the chance of {s.on(y)}?"
        down = up.replace("still increase", "still decrease")
    else:
        est = f"{wsum}Σ_{{{ms}}} P(Y=1 | X=0, {ms}{wc}) [P({ms} | X=1{wp}) - P({ms} | X=0{wp})]"
        formal = "E[Y_{X=0, M=M_{X=1}} - Y_{X=0, M=M_{X=0}}] > 0"
        via = " and ".join(s.on(v) for v in m)
        up = f"Does {s.on(x)} positively affect {s.on(y)} through {via}?"
        down = f"Does {s.on(x)} negatively affect {s.on(y)} through {via}?"
    steps = [f"mediators M = {{{ms}}}; covariates W = {{{ws}}}",
             f"{kind.upper()} = {est} = {val:.4f}" + (" (no direct edge X -> Y: exactly zero)" if zero else "")]
    return _Query(formal, exact, est, steps, _sign_cands(ctx, exact, zero, up, down))


def _q_det_counterfactual(ctx: _Ctx, rng: np.random.Generator) -> _Query:
    fam, s, x, y = ctx.fam, ctx.story, ctx.x, ctx.y
    dag = fam.dag
    signs = {e: ctx.signs.get(e, 1) for e in fam.edges}
    cpts, laws = [], []
    ops: dict[str, str] = {}
    for v in fam.nodes:
        pa = tuple(u for u in fam.nodes if u in dag.parents(v))
        if not pa:
            cpts.append(CPT(v, (), {v: _ST}, [0.5, 0.5]))  # type: ignore[arg-type]  # CPT converts the table
            continue
        op = "or" if rng.random() < 0.5 else "and"
        ops[v] = op
        grid = np.array(list(itertools.product((0, 1), repeat=len(pa))), dtype=int)
        lits = np.where(np.array([signs[(u, v)] for u in pa]) > 0, grid, 1 - grid)
        val = lits.max(axis=1) if op == "or" else lits.min(axis=1)
        p1 = val.reshape((2,) * len(pa)).astype(float)
        cpts.append(CPT(v, pa, {u: _ST for u in (*pa, v)}, np.stack([1 - p1, p1], axis=-1)))
        terms = [s.on(u) if signs[(u, v)] > 0 else s.off(u) for u in pa]
        laws.append(f"{s.on(v).capitalize()} occurs if and only if {f' {op} '.join(terms)}.")
    det = DiscreteBN.from_cpts(cpts, name="deterministic")
    roots = [v for v in fam.nodes if not dag.parents(v)]
    ctxv = {v: int(rng.integers(2)) for v in roots}
    ev = {k: str(v) for k, v in ctxv.items()}
    xf = int(det.probability({x: "1"}, evidence=ev) > 0.5)
    yf = int(det.probability({y: "1"}, evidence=ev) > 0.5)
    ev_cf = {k: v for k, v in ev.items() if k != x}
    ycf = det.probability({y: "1"}, evidence=ev_cf or None, interventions={x: str(1 - xf)})
    ycf_i = int(round(ycf))
    facts = " ".join(f"{s.phrase(v, ctxv[v]).capitalize()} is the case." for v in roots)
    pre = " ".join(f"{s.on(a).capitalize()} has a direct effect on {s.on(b)}." for a, b in fam.edges)
    stem = (f"Imagine a self-contained, hypothetical world with only the following conditions. {pre} "
            f"{' '.join(laws)} {facts}")
    model = model_to_dict(det)
    steps = [f"roots: {', '.join(f'{k}={v}' for k, v in ctxv.items())}",
             f"factual world: X={xf}, Y={yf}",
             f"set X={1 - xf} and recompute its descendants with the roots unchanged: Y={ycf_i}"]
    cf = f"Would {s.on(y)} occur if {s.phrase(x, 1 - xf)} instead of {s.phrase(x, xf)}?"
    cf_not = f"Would {s.off(y)} occur if {s.phrase(x, 1 - xf)} instead of {s.phrase(x, xf)}?"
    q = _Query(f"Y_{{X={1 - xf}}} = 1 given {', '.join(f'{k}={v}' for k, v in ctxv.items())}", float(ycf_i),
               f"Y_{{X={1 - xf}}}(u)", steps, [_Cand(cf, ycf_i == 1, "increase"), _Cand(cf_not, ycf_i == 0, "decrease")],
               numbers=False, meta={"stem": stem, "model": model, "context": ctxv})
    return q


# ----------------------------------------------------------------------------- the generator
def _build_query(qt: str, ctx: _Ctx, rng: np.random.Generator) -> _Query | None:
    if qt == "marginal":
        return _q_marginal(ctx)
    if qt == "correlation":
        return _q_correlation(ctx)
    if qt == "explaining_away":
        return _q_explaining_away(ctx)
    if qt == "ate":
        return _q_ate(ctx)
    if qt == "backdoor_set":
        return _q_backdoor_set(ctx, rng)
    if qt == "collider_bias":
        return _q_collider_bias(ctx)
    if qt == "ett":
        return _q_ett(ctx)
    if qt in ("nde", "nie"):
        return _q_natural(ctx, qt)
    return _q_det_counterfactual(ctx, rng)


def _check_options(families: Sequence[str] | str, query_types: Sequence[str] | str | None, kinds: Sequence[str] | None) -> tuple[list[str], list[str]]:
    fams = list(FAMILY_NAMES) if families == "all" else ([families] if isinstance(families, str) else list(families))
    bad = [f for f in fams if f not in FAMILY_NAMES]
    if bad or not fams:
        raise InvalidParameterError(f"families must be 'all' or names from {list(FAMILY_NAMES)}; got {families!r}")
    qts = list(QUERY_TYPES) if query_types in (None, "all") else ([query_types] if isinstance(query_types, str) else list(query_types))
    bad = [q for q in qts if q not in QUERY_TYPES]
    if bad or not qts:
        raise InvalidParameterError(f"query_types must be 'all' or names from {list(QUERY_TYPES)}; got {query_types!r}")
    for k in kinds or ():
        if k not in ("commonsense", "anticommonsense", "nonsense"):
            raise InvalidParameterError(f"story_kinds must be commonsense/anticommonsense/nonsense; got {k!r}")
    return fams, qts


def generate_questions(
    families: Sequence[str] | str = "all",
    *,
    per_family: int = 50,
    query_types: Sequence[str] | str | None = None,
    story_kinds: Sequence[str] | None = None,
    random_state: int | np.random.Generator | None = None,
    max_tries: int = 50,
    progress: Callable[[int, int], None] | None = None,
) -> list[Item]:
    """Generate verified causal yes/no questions (see the module docstring).

    Parameters
    ----------
    families : "all" or sequence of str
        Graph families from :data:`~causalscope.reasoning.families.FAMILY_NAMES`.
    per_family : int
        Items per family (fewer when a family supports few query types and the
        models keep being rejected).
    query_types : sequence of str, optional
        Subset of :data:`QUERY_TYPES`; all by default. A family yields only the
        types that apply to it (``explaining_away`` needs a collider, ...).
    story_kinds : sequence of str, optional
        Restrict the stories to these kinds; ``random`` always uses nonsense words.
    random_state : int, Generator or None
        Same seed, same items (byte-identical JSONL).
    max_tries : int
        Model draws per query before a query type is skipped for this model.
    progress : callable(done, total), optional
        Called after each family.

    Returns
    -------
    list of Item

    Examples
    --------
    >>> items = generate_questions(["confounding"], per_family=6, random_state=0)
    >>> len(items), sorted({it.rung for it in items})
    (6, [1, 2, 3])
    >>> items[0].answer in ("yes", "no")
    True
    """
    if not isinstance(per_family, int) or per_family < 1:
        raise InvalidParameterError(f"per_family must be a positive int; got {per_family!r}")
    fams, qts = _check_options(families, query_types, story_kinds)
    rng = check_random_state(random_state)
    seeds = rng.integers(0, 2**63 - 1, size=len(fams))
    items: list[Item] = []
    balance: dict[str, int] = {q: 0 for q in QUERY_TYPES}  # yes minus no, per query type
    for fi, (fname, seed) in enumerate(zip(fams, seeds)):
        frng = np.random.default_rng(int(seed))
        made = 0
        n_models = 0
        while made < per_family and n_models < per_family * 4:
            n_models += 1
            if fname == "random":
                fam = random_family(int(frng.integers(4, 7)), random_state=frng)
                story = nonsense_story(fam, frng)
            else:
                fam = FAMILIES[fname]
                pool = load_stories(fname)
                pool = [st for st in pool if story_kinds is None or st.kind in story_kinds] or pool
                story = pool[int(frng.integers(len(pool)))]
            k = (n_models - 1) % len(qts)  # rotate the start so that truncation favours no type
            for qt in qts[k:] + qts[:k]:
                if made >= per_family:
                    break
                query = None
                for _ in range(max_tries):
                    bn, signs = _sample_bn(fam, story, frng)
                    ctx = _Ctx(fam, story, bn, signs)
                    try:
                        query = _build_query(qt, ctx, frng)
                    except _Reject:
                        continue
                    break
                if query is None:
                    continue
                want_yes = balance[qt] <= 0
                pick = [c for c in query.cands if c.answer == want_yes] or query.cands
                cand = pick[int(frng.integers(len(pick)))]
                balance[qt] += 1 if cand.answer else -1
                meta = dict(query.meta or {})
                if "stem" in meta:
                    text = f"{meta.pop('stem')} {cand.question}"
                    model = meta.pop("model")
                else:
                    text = f"{ctx.preamble(query.numbers)} {cand.question}"
                    model = model_to_dict(bn, fam.latent)
                items.append(Item(
                    id=f"{fname}-{made:04d}",
                    question=text,
                    answer="yes" if cand.answer else "no",
                    rung=QUERY_TYPES[qt],
                    query_type=qt,
                    graph=fam.to_dict(),
                    formal_query=query.formal,
                    ground_truth=float(query.quantity),
                    estimand=query.estimand,
                    given=dict(ctx.given) if query.numbers else {},
                    reasoning=tuple(query.reasoning) + (f"answer: {'yes' if cand.answer else 'no'}",),
                    family=fname,
                    story=story.name,
                    story_kind=story.kind,
                    polarity=cand.polarity,
                    model=model,
                    meta=meta,
                ))
                made += 1
        if progress is not None:
            progress(fi + 1, len(fams))
    return items


class QuestionGenerator:
    """Estimator-style wrapper of :func:`generate_questions`; ``fit()`` fills ``items_``.

    Examples
    --------
    >>> gen = QuestionGenerator(families=["chain"], per_family=4, random_state=1).fit()
    >>> len(gen.items_)
    4
    """

    def __init__(self, *, families: Sequence[str] | str = "all", per_family: int = 50,
                 query_types: Sequence[str] | None = None, story_kinds: Sequence[str] | None = None,
                 random_state: int | np.random.Generator | None = None) -> None:
        self.families = families
        self.per_family = per_family
        self.query_types = query_types
        self.story_kinds = story_kinds
        self.random_state = random_state

    def fit(self) -> QuestionGenerator:
        """Generate the items into ``items_``; returns self."""
        self.items_ = generate_questions(self.families, per_family=self.per_family, query_types=self.query_types,
                                         story_kinds=self.story_kinds, random_state=self.random_state)
        return self
