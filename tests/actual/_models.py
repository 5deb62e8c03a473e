"""Shared helpers for the actual-causation tests: random small models and a brute-force oracle."""

from __future__ import annotations

import itertools

import numpy as np

from causalscope.actual import CausalModel


def random_model(n: int, seed: int, max_parents: int = 3) -> tuple[CausalModel, dict[str, int]]:
    """A random recursive boolean model X0..X{n-1}, each with its own exogenous switch, and a context."""
    rng = np.random.default_rng(seed)
    exo = {f"U{i}": [0, 1] for i in range(n)}
    endo: dict[str, str] = {}
    for i in range(n):
        k = int(rng.integers(0, min(i, max_parents) + 1))
        pa = [f"X{j}" for j in rng.choice(i, size=k, replace=False)] if k else []
        terms = pa if len(pa) >= 2 else [f"U{i}", *pa]
        expr = terms[0]
        for t in terms[1:]:
            neg = "not " if rng.random() < 0.25 else ""
            op = "and" if rng.random() < 0.5 else "or"
            expr = f"({expr} {op} {neg}{t})"
        endo[f"X{i}"] = expr
    ctx = {f"U{i}": int(rng.integers(0, 2)) for i in range(n)}
    return CausalModel(exo, endo), ctx


def oracle_ac2(model: CausalModel, ctx: dict[str, int], cause: dict[str, int], outcome_var: str, outcome_val: int,
               definition: str) -> bool:
    """AC2 by brute force over every W (all subsets of the other endogenous variables) and every x' != x."""
    actual = model.evaluate(ctx)
    others = [v for v in model.endogenous if v not in cause]
    doms = [[d for d in model.domain(v) if d != cause[v]] for v in cause]
    w_sets = [()] if definition == "but-for" else [
        w for r in range(len(others) + 1) for w in itertools.combinations(others, r)
    ]
    for alt in itertools.product(*doms):
        for w in w_sets:
            iv = dict(zip(cause, alt))
            iv.update({v: actual[v] for v in w})
            if model.evaluate(ctx, iv)[outcome_var] != outcome_val:
                return True
    return False


def oracle_is_cause(model: CausalModel, ctx: dict[str, int], cause: dict[str, int], outcome_var: str,
                    outcome_val: int, definition: str) -> bool:
    """AC1 + AC2 + AC3 by brute force (AC3: no strict non-empty subset satisfies AC2)."""
    actual = model.evaluate(ctx)
    if actual[outcome_var] != outcome_val or any(actual[k] != v for k, v in cause.items()):
        return False
    if not oracle_ac2(model, ctx, cause, outcome_var, outcome_val, definition):
        return False
    keys = list(cause)
    for r in range(1, len(keys)):
        for sub in itertools.combinations(keys, r):
            if oracle_ac2(model, ctx, {k: cause[k] for k in sub}, outcome_var, outcome_val, definition):
                return False
    return True


def oracle_ac2_updated(model: CausalModel, ctx: dict[str, int], cause: dict[str, int], outcome_var: str,
                       outcome_val: int) -> bool:
    """AC2(a) + AC2(b^u) of the updated HP definition (Halpern 2005/2016) by brute force over every partition
    (Z, W) of the endogenous variables, every w and x', and every W' ⊆ W, Z' ⊆ Z - X."""
    actual = model.evaluate(ctx)
    others = [v for v in model.endogenous if v not in cause]
    doms = [[d for d in model.domain(v) if d != cause[v]] for v in cause]
    for r in range(len(others) + 1):
        for w in itertools.combinations(others, r):
            z = [v for v in others if v not in w]
            for wv in itertools.product(*(model.domain(v) for v in w)):
                wd = dict(zip(w, wv))
                for alt in itertools.product(*doms):
                    if model.evaluate(ctx, {**dict(zip(cause, alt)), **wd})[outcome_var] == outcome_val:
                        continue
                    ok = True
                    for r1 in range(len(w) + 1):
                        for w1 in itertools.combinations(w, r1):
                            for r2 in range(len(z) + 1):
                                for z1 in itertools.combinations(z, r2):
                                    iv = {**cause, **{v: wd[v] for v in w1}, **{v: actual[v] for v in z1}}
                                    if model.evaluate(ctx, iv)[outcome_var] != outcome_val:
                                        ok = False
                                        break
                                if not ok:
                                    break
                            if not ok:
                                break
                        if not ok:
                            break
                    if ok:
                        return True
    return False
