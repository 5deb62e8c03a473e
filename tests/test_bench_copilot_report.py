"""The claim check of benchmarks/bench_copilot.py (its tables decide whether the copilot's claim holds).

Oracle: hand-made records whose means are known, so the verdicts can be worked out by hand.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_copilot.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_copilot_under_test", BENCH)
    module = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(module)
    return module


def _rec(p: int, scen: str, seed: int, method: str, adj: float, arr: float, shd: int) -> dict:
    return {"p": p, "n": 1000, "scenario": scen, "seed": seed, "method": method, "error": None,
            "n_bootstrap": 0 if method == "copilot" else None, "adj_f1": adj, "arr_f1": arr, "shd": shd,
            "seconds": 0.1, "rule": "x" if method == "copilot" else None}


def _suite(copilot_latent_arr_p20: float) -> list[dict]:
    """Two p values, two scenarios, two seeds; the copilot is best except one arrowhead cell."""
    out = []
    for p in (10, 20):
        for scen in ("linear-gaussian", "latent"):
            for seed in (0, 1):
                arr = copilot_latent_arr_p20 if (p, scen) == (20, "latent") else 0.8
                out.append(_rec(p, scen, seed, "copilot", 0.95, arr, 3))
                out.append(_rec(p, scen, seed, "pc", 0.9, 0.6, 5))
                out.append(_rec(p, scen, seed, "ges", 0.8, 0.5, 6))
    return out


def test_claim_holds_when_the_copilot_is_never_the_worst(bench, capsys) -> None:
    assert bench.report(_suite(0.55)) is True
    out = capsys.readouterr().out
    assert "never the worst, per p and scenario: OK" in out
    assert "never the worst, per scenario (mean over p): OK" in out
    assert "HOLDS" in out


def test_one_worst_cell_fails_the_strict_claim_only(bench, capsys) -> None:
    # p = 20 latent: copilot 0.4 < GES 0.5 < PC 0.6 -> the strictly worst there; over p its mean (0.6) is not
    assert bench.report(_suite(0.4)) is False
    out = capsys.readouterr().out
    assert "never the worst, per p and scenario: NOT MET: p=20 latent arr_f1" in out
    assert "never the worst, per scenario (mean over p): OK" in out
    assert "WORST" in out and "FAILS" in out


def test_worst_over_p_is_reported(bench, capsys) -> None:
    recs = _suite(0.1)
    for r in recs:  # the copilot also lowest at p = 10 in the latent scenario
        if r["method"] == "copilot" and r["scenario"] == "latent":
            r["arr_f1"] = 0.1
    bench.report(recs)
    out = capsys.readouterr().out
    assert "never the worst, per scenario (mean over p): NOT MET: latent arr_f1" in out


def test_a_tie_with_the_worst_is_not_a_failure(bench, capsys) -> None:
    assert bench.report(_suite(0.5)) is True  # equal to GES's 0.5
    assert "(ties the worst)" in capsys.readouterr().out
