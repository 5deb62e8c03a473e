"""Tests of Meek's rules with PC's options (apply_meek_rules: ambiguous triples,
knowledge mask, sequential schedule): against a plain edge-by-edge reference
implementation on random (also inconsistent) PDAGs, and against the simultaneous
schedule on consistent input."""

from __future__ import annotations

import numpy as np
import pytest

from causalscope.exceptions import InvalidParameterError
from causalscope.graphs.equivalence import apply_meek_rules, cpdag_marks_of_dag
from causalscope.graphs.marks import ARROW, NO_EDGE, TAIL


def _dir(m: np.ndarray, i: int, j: int) -> bool:
    return bool(m[i, j] == ARROW and m[j, i] == TAIL)


def _und(m: np.ndarray, i: int, j: int) -> bool:
    return bool(m[i, j] == TAIL and m[j, i] == TAIL)


def _path(m: np.ndarray, s: int, t: int) -> bool:
    seen, stack = {s}, [s]
    while stack:
        u = stack.pop()
        for v in range(m.shape[0]):
            if _dir(m, u, v) and v not in seen:
                if v == t:
                    return True
                seen.add(v)
                stack.append(v)
    return False


def reference_meek(m: np.ndarray, allowed: np.ndarray, amb: set[tuple[int, int, int]]) -> np.ndarray:
    """Edge by edge, in index order, each rule checked by its definition (pure Python)."""
    m = m.copy()
    p = m.shape[0]
    adj = m != NO_EDGE
    amb = amb | {(z, y, x) for x, y, z in amb}
    changed = True
    while changed:
        changed = False
        for a, b in [(a, b) for a in range(p) for b in range(p) if _und(m, a, b)]:
            if not _und(m, a, b):
                continue
            nodes = range(p)
            r1 = any(_dir(m, c, a) and not adj[c, b] and c != b and (c, a, b) not in amb for c in nodes)
            r2 = any(_dir(m, a, c) and _dir(m, c, b) for c in nodes)
            mids = [c for c in nodes if _und(m, a, c) and _dir(m, c, b)]
            r3 = any(not adj[c, d] and (c, a, d) not in amb for c in mids for d in mids if c != d)
            r4 = any(
                _dir(m, c, b) and adj[a, c] and _und(m, a, d) and _dir(m, d, c) and not adj[d, b] and d != b
                for c in nodes for d in nodes
            )
            if (r1 or r2 or r3 or r4) and allowed[a, b] and not _path(m, b, a):
                m[a, b], m[b, a] = ARROW, TAIL
                changed = True
    return m


def random_pdag(rng: np.random.Generator) -> tuple[np.ndarray, set[tuple[int, int, int]]]:
    p = int(rng.integers(3, 9))
    adj = np.triu(rng.random((p, p)) < rng.uniform(0.2, 0.7), 1)
    adj = adj | adj.T
    m = np.where(adj, TAIL, NO_EDGE).astype(np.int8)
    for i, j in zip(*np.nonzero(np.triu(adj, 1))):
        r = rng.random()
        if r < 0.25:
            m[i, j], m[j, i] = ARROW, TAIL
        elif r < 0.5:
            m[i, j], m[j, i] = TAIL, ARROW
    triples = [
        (x, y, z) for y in range(p) for x in range(p) for z in range(x + 1, p)
        if x != y != z and adj[x, y] and adj[y, z] and not adj[x, z]
    ]
    return m, {t for t in triples if rng.random() < 0.3}


@pytest.mark.parametrize("seed", range(150))
def test_sequential_schedule_matches_the_reference(seed):
    """Reference: the edge-by-edge implementation above, on random PDAGs, most of them
    inconsistent (random orientations), with random ambiguous triples and knowledge."""
    rng = np.random.default_rng(seed)
    m, amb = random_pdag(rng)
    allowed = rng.random(m.shape) < 0.9
    got = apply_meek_rules(m, ambiguous=amb, allowed=allowed, schedule="sequential")
    assert np.array_equal(got, reference_meek(m, allowed, amb))
    assert np.array_equal(
        apply_meek_rules(m, ambiguous=amb, schedule="sequential"),
        reference_meek(m, np.ones(m.shape, dtype=bool), amb),
    )


@pytest.mark.parametrize("seed", range(60))
def test_schedules_agree_on_consistent_input(seed):
    """Reference: Meek (1995), the closure of a PDAG with a consistent extension is
    unique, so both schedules give it (patterns of random DAGs plus some of the DAG's
    own orientations as knowledge)."""
    rng = np.random.default_rng(seed)
    p = int(rng.integers(3, 9))
    order = rng.permutation(p)
    d = np.zeros((p, p), dtype=bool)
    for a in range(p):
        for b in range(a + 1, p):
            if rng.random() < 0.4:
                d[order[a], order[b]] = True
    m = cpdag_marks_of_dag(d)
    for i, j in np.argwhere(d):
        if m[i, j] == TAIL and rng.random() < 0.3:
            m[i, j] = ARROW
    sim = apply_meek_rules(m)
    assert np.array_equal(apply_meek_rules(m, schedule="sequential"), sim)
    assert np.array_equal(reference_meek(m, np.ones((p, p), dtype=bool), set()), sim)


def test_ambiguous_triples_block_rule_1_and_rule_3():
    """Identity: 0 --> 1 --- 2 orients 1 --> 2 by R1 unless (0, 1, 2) is ambiguous
    (in either order of its ends)."""
    m = np.array([[0, 2, 0], [1, 0, 1], [0, 1, 0]], dtype=np.int8)
    assert apply_meek_rules(m)[1, 2] == ARROW
    for amb in ([(0, 1, 2)], [(2, 1, 0)]):
        for schedule in ("simultaneous", "sequential"):
            assert apply_meek_rules(m, ambiguous=amb, schedule=schedule)[1, 2] == TAIL
    # R3: a --- c --> b, a --- d --> b, c, d non-adjacent; a = 0, c = 1, d = 2, b = 3
    m = np.zeros((4, 4), dtype=np.int8)
    for u, v in [(0, 1), (0, 2), (0, 3)]:
        m[u, v] = m[v, u] = TAIL
    for c in (1, 2):
        m[c, 3], m[3, c] = ARROW, TAIL
    assert apply_meek_rules(m)[0, 3] == ARROW
    assert apply_meek_rules(m, ambiguous=[(1, 0, 2)])[0, 3] == TAIL


def test_bad_options_are_rejected():
    m = np.array([[0, 2, 0], [1, 0, 1], [0, 1, 0]], dtype=np.int8)
    with pytest.raises(InvalidParameterError, match="schedule"):
        apply_meek_rules(m, schedule="random")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="triples"):
        apply_meek_rules(m, ambiguous=[(0, 1, 5)])
    with pytest.raises(InvalidParameterError, match="allowed"):
        apply_meek_rules(m, allowed=np.ones((2, 2), dtype=bool))
