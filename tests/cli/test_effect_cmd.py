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
        "refutations", "sensitivity"}


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
    assert set(d) == KEYS and d["method"] == "aipw" and d["target"] == "ate" and d["n"] == 800
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
