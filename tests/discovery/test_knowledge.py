"""Background knowledge (causalscope.discovery.knowledge).

Checked against: the definitions (tiers forbid later -> earlier; within-tier
forbidding), brute-force matrices built edge by edge, and the shipped Tetrad
knowledge file of the Sachs data (two tiers, 9 + 11 variables).
"""

from __future__ import annotations

import itertools
import pickle

import numpy as np
import pytest

from causalscope.discovery import Knowledge, as_knowledge
from causalscope.exceptions import DataError, InvalidParameterError


def test_tiers_and_explicit_edges():
    k = Knowledge(required=["A --> B"], forbidden=[("C", "D")], tiers=[["A"], ["B", "C"], ["D"]])
    assert k.is_required("A", "B") and not k.is_required("B", "A")
    assert k.is_forbidden("C", "D")  # explicit
    assert k.is_forbidden("D", "A") and k.is_forbidden("B", "A")  # by tiers
    assert not k.is_forbidden("B", "C")  # same tier, allowed by default
    assert Knowledge(tiers=[["B", "C"]], forbid_within_tiers=True).is_forbidden("B", "C")
    assert not k.is_forbidden("A", "E")  # E is in no tier


def test_matrices_match_brute_force():
    names = ["A", "B", "C", "D", "E"]
    k = Knowledge(required=["A --> B", "E --> D"], forbidden=["C --> D"], tiers=[["A"], ["B", "C"], ["D"]],
                  forbid_within_tiers=True)
    f, r = k.forbidden_matrix(names), k.required_matrix(names)
    for (i, u), (j, v) in itertools.product(enumerate(names), repeat=2):
        if i != j:
            assert f[i, j] == k.is_forbidden(u, v)
            assert r[i, j] == k.is_required(u, v)
    assert not f.diagonal().any()
    both = k.adjacency_forbidden(names)
    assert np.array_equal(both, f & f.T)


def test_round_trips(tmp_path):
    k = Knowledge(required=["A --> B"], forbidden=["B <-- C"], tiers=[["A"], ["B", "C"]])
    assert ("C", "B") in k.forbidden
    assert Knowledge.from_dict(k.to_dict()) == k
    assert pickle.loads(pickle.dumps(k)) == k
    path = tmp_path / "k.yaml"
    path.write_text(
        "required:\n  - A --> B\nforbidden:\n  - C --> B\ntiers:\n  - [A]\n  - [B, C]\nforbid_within_tiers: false\n"
    )
    assert Knowledge.from_file(path) == k
    assert as_knowledge(str(path)) == k and as_knowledge(k) is k and as_knowledge(None) is None
    assert as_knowledge(k.to_dict()) == k
    assert Knowledge.empty().is_empty


def test_tetrad_file_of_sachs():
    from importlib.resources import files

    path = files("causalscope.datasets") / "data" / "sachs" / "tiers_knowledge_cmu.txt"
    k = Knowledge.from_file(str(path))
    assert [len(t) for t in k.tiers] == [9, 11]
    assert k.is_forbidden("raf", "pma") and not k.is_forbidden("pma", "raf")
    text = "/knowledge\naddtemporal\n1 A\n2* B C\nforbiddirect\nA C\nrequiredirect\nA B\n"
    tk = Knowledge._from_tetrad(text, "<text>")
    assert tk.tiers == (("A",), ("B", "C")) and tk.forbid_within_tiers
    assert tk.is_forbidden("A", "C") and tk.is_required("A", "B")


def test_validate_errors():
    with pytest.raises(DataError, match="'Z'"):
        Knowledge(required=["A --> Z"]).validate(["A", "B"])
    with pytest.raises(InvalidParameterError, match="both required and forbidden"):
        Knowledge(required=["A --> B"], forbidden=["A --> B"]).validate(["A", "B"])
    with pytest.raises(InvalidParameterError, match="tiers"):
        Knowledge(required=["B --> A"], tiers=[["A"], ["B"]]).validate(["A", "B"])
    with pytest.raises(InvalidParameterError, match="both"):
        Knowledge(required=["A --> B", "B --> A"]).validate(["A", "B"])
    with pytest.raises(InvalidParameterError, match="cycle"):
        Knowledge(required=["A --> B", "B --> C", "C --> A"]).validate(["A", "B", "C"])
    with pytest.raises(InvalidParameterError):
        Knowledge(required=["A -- B"])
    with pytest.raises(InvalidParameterError, match="one tier"):
        Knowledge(tiers=[["A"], ["A"]])
    with pytest.raises(InvalidParameterError, match="unknown knowledge keys"):
        Knowledge.from_dict({"requird": []})
    with pytest.raises(InvalidParameterError):
        as_knowledge(3)


def test_bad_files(tmp_path):
    with pytest.raises(DataError, match="cannot read"):
        Knowledge.from_file(tmp_path / "missing.yaml")
    bad = tmp_path / "bad.yaml"
    bad.write_text("- just\n- a list\n")
    with pytest.raises(DataError, match="mapping"):
        Knowledge.from_file(bad)
