"""Transitivity data: each answer is yes iff the stated premise graph has a directed
path cause -> effect (checked by an independent breadth-first search)."""

from __future__ import annotations

from collections import Counter

import pytest

from causalscope.exceptions import InvalidParameterError
from causalscope.reasoning import transitivity_items


def _reaches(premise, a, b):
    seen, frontier = {a}, [a]
    while frontier:
        v = frontier.pop()
        for s, t in premise:
            if s == v and t not in seen:
                seen.add(t)
                frontier.append(t)
    return b in seen and a != b


def test_answers_are_reachability_in_the_stated_graph():
    items = transitivity_items(300, lengths=(3, 8), random_state=0)
    for it in items:
        assert it.answer == ("yes" if _reaches(it.premise, it.cause, it.effect) else "no"), it.question
        # the text states exactly the premise
        for a, b in it.premise:
            assert f"{a} causes {b}." in it.question
        assert it.question.endswith(f"Does {it.cause} cause {it.effect}?")
    assert Counter(it.answer for it in items) == {"yes": 150, "no": 150}
    assert {it.variant for it in items} == {"chain", "reversed", "shuffled", "flipped", "branching"}


def test_variants_have_their_shape():
    for it in transitivity_items(50, lengths=(4, 6), variants=("chain",), random_state=1):
        assert all(it.premise[i][1] == it.premise[i + 1][0] for i in range(len(it.premise) - 1))
        assert len(it.premise) == it.length - 1
    for it in transitivity_items(50, lengths=(4, 6), variants=("reversed",), random_state=1):
        assert all(it.premise[i][0] == it.premise[i + 1][1] for i in range(len(it.premise) - 1))
    for it in transitivity_items(50, lengths=(4, 6), variants=("flipped",), random_state=1):
        # one edge against the chain (length >= 3): some node gets two parents or two children
        heads = Counter(b for _, b in it.premise)
        tails = Counter(a for a, _ in it.premise)
        assert max(heads.values()) == 2 or max(tails.values()) == 2
        assert len(it.premise) == it.length - 1


def test_long_chains_and_determinism():
    a = transitivity_items(20, lengths=(30, 40), random_state=5)
    b = transitivity_items(20, lengths=(30, 40), random_state=5)
    assert [x.to_dict() for x in a] == [x.to_dict() for x in b]
    assert min(x.length for x in a) >= 30


def test_bad_arguments():
    with pytest.raises(InvalidParameterError, match="lengths"):
        transitivity_items(3, lengths=(1, 2))
    with pytest.raises(InvalidParameterError, match="variants"):
        transitivity_items(3, variants=("spiral",))
    with pytest.raises(InvalidParameterError, match="n must"):
        transitivity_items(0)
