"""Independent re-derivation of item answers (shared by the reasoning tests).

Nothing here uses causalscope's inference engine: the joint is enumerated with
numpy from the CPTs stored in each item, interventions use the truncated
factorisation, and rung-3 quantities are computed in a threshold SCM
``V = 1[U_V < P(V=1 | pa)]`` with independent uniform noises, by enumerating the
noise cells (exact counterfactuals, Pearl 2009 ch. 7).
"""

from __future__ import annotations

import itertools
import re

import numpy as np


def _p1(model, v, assign):
    c = model["cpts"][v]
    t = np.asarray(c["p1"], dtype=float)
    return float(t[tuple(assign[u] for u in c["parents"])]) if c["parents"] else float(t)


def joint(model, do=None):
    """Dict assignment-tuple -> probability over model['nodes']."""
    nodes = model["nodes"]
    do = do or {}
    out = {}
    for vals in itertools.product((0, 1), repeat=len(nodes)):
        a = dict(zip(nodes, vals))
        p = 1.0
        for v in nodes:
            if v in do:
                p *= 1.0 if a[v] == do[v] else 0.0
            else:
                q = _p1(model, v, a)
                p *= q if a[v] else 1 - q
        out[vals] = p
    return out


def prob(model, target, given=None, do=None):
    nodes = model["nodes"]
    j = joint(model, do)
    given = given or {}

    def ok(vals, cond):
        a = dict(zip(nodes, vals))
        return all(a[k] == v for k, v in cond.items())

    den = sum(p for vals, p in j.items() if ok(vals, given))
    num = sum(p for vals, p in j.items() if ok(vals, {**given, **target}))
    return num / den


def parse_key(key):
    """'P(A=1, B=0 | C=1)' -> ({A:1, B:0}, {C:1})."""
    m = re.fullmatch(r"P\((.*?)(?: \| (.*))?\)", key)
    def part(s):
        return {k: int(v) for k, v in (x.split("=") for x in s.split(", "))} if s else {}
    return part(m.group(1)), part(m.group(2))


def descendants(edges, x):
    out, stack = set(), [x]
    while stack:
        v = stack.pop()
        for a, b in edges:
            if a == v and b not in out:
                out.add(b)
                stack.append(b)
    return out


def edges_of(item):
    return [tuple(e.split(" --> ")) for e in item["graph"]["edges"]]


# ------------------------------------------------------------------ threshold SCM
def _cells(model):
    """Per node: the breakpoints of its noise and the cell probabilities."""
    out = {}
    for v in model["nodes"]:
        bp = np.unique(np.concatenate([[0.0, 1.0], np.asarray(model["cpts"][v]["p1"], dtype=float).ravel()]))
        mids = (bp[:-1] + bp[1:]) / 2
        w = np.diff(bp)
        keep = w > 0
        out[v] = (mids[keep], w[keep])
    return out


def n_cells(model):
    return int(np.prod([len(c[0]) for c in _cells(model).values()]))


def solve(model, u, do):
    a = {}
    for v in model["nodes"]:  # nodes are in topological order
        a[v] = do[v] if v in do else int(u[v] < _p1(model, v, a))
    return a


def counterfactual_expectation(model, fn):
    """Σ_u P(u) fn(u) over all noise cells; fn gets a solver world(do)->assignment."""
    cells = _cells(model)
    nodes = model["nodes"]
    total = 0.0
    for combo in itertools.product(*(range(len(cells[v][0])) for v in nodes)):
        u = {v: cells[v][0][k] for v, k in zip(nodes, combo)}
        w = float(np.prod([cells[v][1][k] for v, k in zip(nodes, combo)]))
        total += w * fn(lambda do, u=u: solve(model, u, do))
    return total


def mediators(item):
    e = edges_of(item)
    de = descendants(e, "X")
    anc_y = {v for v in item["graph"]["nodes"] if "Y" in descendants(e, v)}
    return [v for v in item["graph"]["nodes"] if v in de and v in anc_y]


def rederive(item):
    """The quantity an item asks about, computed independently."""
    q, m = item["query_type"], item["model"]
    if q == "marginal":
        return prob(m, {"Y": 1}) - 0.5
    if q == "correlation":
        return prob(m, {"Y": 1}, {"X": 1}) - prob(m, {"Y": 1}, {"X": 0})
    if q == "explaining_away":
        (c,) = [b for a, b in edges_of(item) if a == "X"]
        return prob(m, {"Y": 1}, {"X": 1, c: 1}) - prob(m, {"Y": 1}, {"X": 0, c: 1})
    if q in ("ate", "collider_bias"):
        return prob(m, {"Y": 1}, do={"X": 1}) - prob(m, {"Y": 1}, do={"X": 0})
    if q == "backdoor_set":
        s = item["meta"]["set"]
        if set(s) & descendants(edges_of(item), "X"):
            return 0.0
        ate = prob(m, {"Y": 1}, do={"X": 1}) - prob(m, {"Y": 1}, do={"X": 0})
        adj = 0.0
        for vals in itertools.product((0, 1), repeat=len(s)):
            z = dict(zip(s, vals))
            adj += (prob(m, {"Y": 1}, {"X": 1, **z}) - prob(m, {"Y": 1}, {"X": 0, **z})) * prob(m, z)
        return float(abs(adj - ate) < 1e-9)
    if q == "det_counterfactual":
        ctx = item["meta"]["context"]
        fact = solve(m, {v: 0.5 for v in m["nodes"]}, {k: v for k, v in ctx.items()})
        cf = solve(m, {v: 0.5 for v in m["nodes"]}, {**{k: v for k, v in ctx.items() if k != "X"}, "X": 1 - fact["X"]})
        return float(cf["Y"])
    if q == "ett":
        px = prob(m, {"X": 1})
        return counterfactual_expectation(m, lambda w: (w({})["X"] == 1) * (w({"X": 1})["Y"] - w({"X": 0})["Y"])) / px
    if q in ("nde", "nie"):
        med = mediators(item)

        def nested(x, xm):
            def f(w):
                mv = {k: w({"X": xm})[k] for k in med}
                return w({"X": x, **mv})["Y"]
            return f

        if q == "nde":
            return counterfactual_expectation(m, lambda w: nested(1, 0)(w) - nested(0, 0)(w))
        return counterfactual_expectation(m, lambda w: nested(0, 1)(w) - nested(0, 0)(w))
    raise AssertionError(q)


def expected_answer(item, quantity):
    q, pol = item["query_type"], item["polarity"]
    if q in ("backdoor_set", "det_counterfactual"):
        return "yes" if (quantity == 1.0) == (pol == "increase") else "no"
    if q == "collider_bias":
        return "yes" if (abs(quantity) > 1e-12) == (pol == "increase") else "no"
    if abs(quantity) < 1e-12:
        return "no"
    return "yes" if (quantity > 0) == (pol == "increase") else "no"
