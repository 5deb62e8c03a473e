"""``causalscope effect`` (CLI.md contract): EFFECT.json with exactly the documented keys, a table
on stdout, exit 3 when the graph does not identify the effect, usage errors exit 2, data errors 1."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causalscope.cli import main

KEYS = {"treatment", "outcome", "target", "estimate", "std_error", "ci_low", "ci_high", "method", "estimand", "n",
        "refutations", "sensitivity", "assumptions"}
OVERLAP_KEYS = {"overlap", "population", "warnings"}  # with a binary treatment (the overlap diagnostic)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def files(tmp_path: Path) -> dict[str, str]:
    rng = np.random.default_rng(0)
    n = 800
    z = rng.normal(size=n)
    t = (rng.random(n) < 1 / (1 + np.exp(-z))).astype(int)
    pd.DataFrame({"z": z, "t": t, "y": 2 * t + 2 * z + rng.normal(size=n)}).to_csv(tmp_path / "d.csv", index=False)
    (tmp_path / "g.json").write_text(json.dumps({"nodes": ["z", "t", "y"], "edges": ["z --> t", "z --> y", "t --> y"]}))
    (tmp_path / "bow.json").write_text(json.dumps({"nodes": ["t", "y"], "edges": ["t --> y", "t <-> y"]}))
    return {k: str(tmp_path / f) for k, f in [("data", "d.csv"), ("graph", "g.json"), ("bow", "bow.json")]} | {
        "dir": str(tmp_path)}


def test_effect_writes_effect_json(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    out = Path(files["dir"]) / "effect.json"
    code, stdout, _ = run(capsys, "effect", files["data"], "--treatment", "t", "--outcome", "y", "--graph",
                          files["graph"], "--seed", "1", "--out", str(out))
    assert code == 0
    d = json.loads(out.read_text())
    assert set(d) == KEYS | OVERLAP_KEYS and d["method"] == "aipw" and d["target"] == "ate" and d["n"] == 800
    assert d["ci_low"] < 2.0 < d["ci_high"]
    assert {"name", "passed", "statistic"} <= set(d["refutations"][0])
    assert "estimate" in stdout and "refute: placebo_treatment" in stdout
    code, _, _ = run(capsys, "effect", files["data"], "-t", "t", "-y", "y", "--graph", files["graph"], "--seed", "1",
                     "--out", str(out) + "2")
    assert json.loads(Path(str(out) + "2").read_text()) == d  # same seed, same output


def test_effect_adjust_and_method(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, stdout, _ = run(capsys, "effect", files["data"], "-t", "t", "-y", "y", "--adjust", "z", "--method",
                          "matching", "--target", "att", "--no-refute")
    assert code == 0 and "matching" in stdout and "ATT of t on y" in stdout


def test_effect_exit_codes(files: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "effect", files["data"], "-t", "t", "-y", "y", "--graph", files["bow"])
    assert code == 3 and err.startswith("not identifiable: ")
    code, _, _ = run(capsys, "effect", files["data"], "-t", "t", "-y", "y", "--method", "magic")
    assert code == 2
    code, _, err = run(capsys, "effect", files["data"], "-t", "t", "-y", "nope")
    assert code == 1 and err.startswith("error: ") and "nope" in err


@pytest.fixture()
def issue17(tmp_path: Path) -> str:
    """Issue 17's example: t = z + e, y = 2z + e (true effect 0; the unadjusted contrast is about 1)."""
    rng = np.random.default_rng(17)
    n = 1000
    z = rng.normal(size=n)
    path = tmp_path / "data.csv"
    pd.DataFrame({"z": z, "t": z + rng.normal(size=n), "y": 2 * z + rng.normal(size=n)}).to_csv(path, index=False)
    return str(path)


def test_effect_without_graph_or_adjust_warns_on_one_line(issue17: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = Path(issue17).parent / "effect.json"
    code, stdout, err = run(capsys, "effect", issue17, "--treatment", "t", "--outcome", "y", "--out", str(out))
    assert code == 0
    assert err.splitlines() == [
        "warning: no confounder is adjusted for: the estimate is the unadjusted contrast of y between values of t, "
        "valid only if nothing causes both; give --graph or --adjust, or state the assumption with "
        "--assume-no-confounding"]  # one line, no Python warning traceback
    d = json.loads(out.read_text())
    assert set(d) == KEYS and 0.85 < d["estimate"] < 1.15
    assert d["assumptions"] == ["No confounder is adjusted for (no graph and no adjustment set given): the estimate "
                                "is the unadjusted contrast, valid only if nothing causes both t and y."]
    assert d["estimand"].endswith("(partially linear; adjustment set: {} — no variable adjusted for)")
    assert "assumption  " in stdout and "No confounder is adjusted for" in stdout
    assert "adjustment set: {} — no variable adjusted for" in stdout


def test_effect_assume_no_confounding_states_it(issue17: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = Path(issue17).parent / "effect.json"
    code, stdout, err = run(capsys, "effect", issue17, "-t", "t", "-y", "y", "--assume-no-confounding", "--no-refute",
                            "--out", str(out))
    assert code == 0 and err == ""
    d = json.loads(out.read_text())
    assert len(d["assumptions"]) == 1 and d["assumptions"][0].startswith("No confounding assumed by the user: ")
    assert "No confounding assumed by the user" in stdout
    code, _, err = run(capsys, "effect", issue17, "-t", "t", "-y", "y", "--assume-no-confounding", "--adjust", "z")
    assert code == 2 and "--assume-no-confounding" in err


def test_effect_adjust_z_recovers_zero(issue17: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = Path(issue17).parent / "effect.json"
    code, stdout, err = run(capsys, "effect", issue17, "-t", "t", "-y", "y", "--adjust", "z", "--no-refute",
                            "--out", str(out))
    assert code == 0 and err == ""
    d = json.loads(out.read_text())
    assert abs(d["estimate"]) < 0.1 and d["ci_low"] < 0 < d["ci_high"]
    assert len(d["assumptions"]) == 1 and d["assumptions"][0].startswith("Adjustment set given by the user: {z}; ")
    assert "no variable adjusted for" not in d["estimand"]


def test_effect_on_two_rows_is_one_error_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17: 2 rows printed 8 numpy RuntimeWarnings and an internal ValueError."""
    path = tmp_path / "two.csv"
    path.write_text("t,y\n0,1.0\n1,2.5\n")
    code, stdout, err = run(capsys, "effect", str(path), "-t", "t", "-y", "y")
    assert code == 1 and stdout == ""
    assert err.splitlines() == ["error: too few rows to estimate an effect: the data have 2 rows; at least 10 are needed"]
