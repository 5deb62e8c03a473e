"""``causalscope discover --algorithm icp``: ICP.json (CLI.md) and the printed table."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causalscope.cli import main
from causalscope.discovery import ICP


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def frame() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    e = np.repeat([0, 1, 2], 200)
    x1 = rng.normal(size=600) + 1.5 * (e == 1)
    x2 = rng.normal(size=600) - 1.0 * (e == 2)
    y = x1 + 0.8 * x2 + rng.normal(size=600)
    x3 = y + rng.normal(size=600) + 1.0 * (e == 1)
    return pd.DataFrame({"X1": x1, "X2": x2, "X3": x3, "Y": y, "E": e})


@pytest.fixture()
def data_file(tmp_path: Path, frame: pd.DataFrame) -> Path:
    path = tmp_path / "envs.csv"
    frame.to_csv(path, index=False)
    return path


def test_writes_icp_json(capsys, tmp_path, data_file, frame):
    """Reference: the API (ICP on the same data and options): the file holds the CLI.md keys with the
    same accepted sets, causes, intervals and p-values."""
    out = tmp_path / "icp.json"
    code, stdout, _ = run(capsys, "discover", str(data_file), "--algorithm", "icp", "--target", "Y",
                          "--domain-column", "E", "--alpha", "0.1", "--out", str(out))
    assert code == 0 and "wrote ICP result for Y" in stdout
    result = json.loads(out.read_text())
    assert {"target", "accepted_sets", "causes", "confidence_intervals", "p_values"} <= set(result)
    model = ICP(target="Y", domain_column="E", alpha=0.1).fit(frame)
    assert result["target"] == "Y" and result["causes"] == list(model.causes_)
    assert result["accepted_sets"] == [list(s) for s in model.accepted_sets_]
    for name, p_value in model.p_values_.items():
        assert result["p_values"][name] == pytest.approx(p_value, rel=1e-9)
        assert result["confidence_intervals"][name] == pytest.approx(list(model.confidence_intervals_[name]))


def test_prints_causes_and_table(capsys, data_file, frame):
    """Reference: the API on the same data; oracle: the printed causes are non-empty and among the SEM's
    parents X1, X2; one table row per predictor."""
    code, stdout, _ = run(capsys, "discover", str(data_file), "--algorithm", "icp", "--target", "Y",
                          "--domain-column", "E")
    assert code == 0
    lines = stdout.splitlines()
    causes = ICP(target="Y", domain_column="E").fit(frame).causes_
    assert causes and set(causes) <= {"X1", "X2"}
    assert lines[0] == "causes of Y: " + ", ".join(causes)
    assert [line.split()[0] for line in lines[2:]] == ["X1", "X2", "X3"]


def test_errors(capsys, tmp_path, data_file, frame):
    """Oracle: a target that is not a column, a single environment and --target on an algorithm without it
    are errors naming the problem."""
    code, _, err = run(capsys, "discover", str(data_file), "--algorithm", "icp", "--target", "Z",
                       "--domain-column", "E")
    assert code != 0 and "'Z' is not a column" in err
    single = tmp_path / "one.csv"
    frame.assign(E=0).to_csv(single, index=False)
    code, _, err = run(capsys, "discover", str(single), "--algorithm", "icp", "--target", "Y", "--domain-column", "E")
    assert code != 0 and "one environment" in err
    code, _, err = run(capsys, "discover", str(data_file), "--algorithm", "pc", "--target", "Y")
    assert code == 2 and "--target" in err
