"""Deterministic columns in the copilot and ``discover`` (issue 17): detected before discovery, reported with
their columns, handled by the documented policy (``drop`` by default, ``error``, ``keep``).

Checked against: the data-generating equations (x3 = x1 + x2 exactly) and the true edges of the SCM.
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from causalscope.cli import main
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.pipeline import analyze


@pytest.fixture()
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    n = 2000
    x1, x2 = rng.normal(size=n), rng.normal(size=n)
    y = x1 + x2 + rng.normal(size=n)
    return pd.DataFrame({"x1": x1, "x2": x2, "x3": x1 + x2, "y": y, "w": y + rng.normal(size=n)})


def test_drop_is_the_default_and_is_reported(frame):
    res = analyze(frame, treatment="x2", outcome="y", n_bootstrap=3, random_state=0)
    assert "x3" not in res.variables and "x3" not in res.graph.nodes
    assert {frozenset((e.u, e.v)) for e in res.graph.edges} == {frozenset(p) for p in
                                                                (("x1", "y"), ("x2", "y"), ("y", "w"))}
    step = next(s for s in res.steps if s.name == "deterministic columns")
    assert "dropped column 'x3'" in step.detail and "x3 = 1*x1 + 1*x2" in step.detail
    assert "Left out before discovery as exact functions of other columns: x3" in res.summary()
    det = res.to_dict()["settings"]["deterministic"]
    assert det["policy"] == "drop" and det["redundant"] == ["x3"]


def test_protected_treatment_is_never_dropped(frame):
    res = analyze(frame, treatment="x3", outcome="y", n_bootstrap=3, random_state=0)
    assert "x3" in res.variables and len(set(res.variables) & {"x1", "x2"}) == 1


def test_error_and_keep(frame):
    with pytest.raises(DataError, match="x3 = 1\\*x1 \\+ 1\\*x2"):
        analyze(frame, deterministic="error", n_bootstrap=3)
    res = analyze(frame, deterministic="keep", n_bootstrap=3, random_state=0)
    assert "x3" in res.variables
    assert any("exact functions of others" in lim and "not the trace of a hidden common cause" in lim
               for lim in res.limitations)
    assert "were kept as asked" in res.summary()
    with pytest.raises(InvalidParameterError, match="deterministic"):
        analyze(frame, deterministic="ignore")


def test_discover_drops_with_a_warning(frame, tmp_path, capsys):
    frame.to_csv(tmp_path / "d.csv", index=False)
    code = main(["discover", str(tmp_path / "d.csv"), "--algorithm", "pc", "--out", str(tmp_path / "g.json")])
    _, err = capsys.readouterr()
    assert code == 0 and err.startswith("warning: dropped column 'x3': x3 = 1*x1 + 1*x2")
    assert "x3" not in json.loads((tmp_path / "g.json").read_text())["nodes"]
    code = main(["discover", str(tmp_path / "d.csv"), "--algorithm", "pc", "--deterministic", "error"])
    _, err = capsys.readouterr()
    assert code == 1 and err.startswith("error: deterministic relation(s) between columns: x3 = 1*x1 + 1*x2")
    code = main(["discover", str(tmp_path / "d.csv"), "--algorithm", "pc", "--deterministic", "bogus"])
    assert code == 2
