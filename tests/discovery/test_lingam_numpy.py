"""Tests of DirectLiNGAM's pairwise-measure kernel (blocked numpy) and of its start-up cost.

References checked against:
- a direct transcription of the pairwise likelihood ratio (Hyvärinen & Smith
  2013, eq. for ``R``; entropy approximation of Hyvärinen 1998 eq. 25 with
  ``log cosh`` and ``exp(-u^2/2)``), one pair at a time with explicit
  regressions: the measure matrix to 1e-12 relative;
- a direct transcription of the DirectLiNGAM order search (Shimizu et al. 2011)
  with tiers as the allowed candidates, built on that reference measure: the
  causal order with and without knowledge;
- the kernel itself with other block sizes and the overflow-safe ``log cosh``:
  the same values (blocking only regroups the work);
- the modules a fresh interpreter loaded for ``discover --algorithm lingam``:
  no numba, scikit-learn or scipy.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causalscope.datasets import simulate
from causalscope.discovery import lingam
from causalscope.discovery.knowledge import Knowledge
from causalscope.discovery.lingam import DirectLiNGAM, pairwise_measure

SRC = Path(__file__).resolve().parents[2] / "src"


def _entropy(u: np.ndarray) -> float:
    """Hyvärinen (1998) maximum-entropy approximation, eq. (25), for standardised ``u``."""
    k1, k2, gamma = 79.047, 7.4129, 0.37457
    return float(
        (1 + np.log(2 * np.pi)) / 2
        - k1 * (np.mean(np.log(np.cosh(u))) - gamma) ** 2
        - k2 * np.mean(u * np.exp(-(u**2) / 2)) ** 2
    )


def _standard(v: np.ndarray) -> np.ndarray:
    return (v - v.mean()) / v.std()


def _reference_measure(x: np.ndarray) -> np.ndarray:
    """R(i, j) = H(x_j) + H(r_i^(j)) - H(x_i) - H(r_j^(i)), residuals by least squares, one pair at a time."""
    p = x.shape[1]
    z = np.column_stack([_standard(x[:, k]) for k in range(p)])
    out = np.zeros((p, p))
    for i in range(p):
        for j in range(p):
            if i == j:
                continue
            r_ij = z[:, i] - (z[:, i] @ z[:, j]) / (z[:, j] @ z[:, j]) * z[:, j]
            r_ji = z[:, j] - (z[:, j] @ z[:, i]) / (z[:, i] @ z[:, i]) * z[:, i]
            out[i, j] = _entropy(z[:, j]) + _entropy(_standard(r_ij)) - _entropy(z[:, i]) - _entropy(_standard(r_ji))
    return out


def _reference_order(x: np.ndarray, tier_of: list[int]) -> list[int]:
    """DirectLiNGAM's search: pick the candidate minimising sum_j min(0, R)^2, regress it out, repeat."""
    remaining = list(range(x.shape[1]))
    data = x.copy()
    order: list[int] = []
    while len(remaining) > 1:
        low = min(tier_of[k] for k in remaining)
        measure = _reference_measure(data[:, remaining])
        penalty = (np.minimum(0.0, measure) ** 2).sum(axis=1)
        allowed = [a for a, k in enumerate(remaining) if tier_of[k] == low]
        pick = min(allowed, key=lambda a: penalty[a])
        m = data[:, remaining[pick]]
        for k in remaining:
            if k != remaining[pick]:
                col = data[:, k] - data[:, k].mean()
                data[:, k] = col - (col @ (m - m.mean())) / ((m - m.mean()) @ (m - m.mean())) * (m - m.mean())
        order.append(remaining.pop(pick))
    return order + remaining


@pytest.mark.parametrize(("p", "n", "noise"), [(2, 50, "uniform"), (5, 300, "laplace"), (8, 1000, "exponential")])
def test_measure_matches_the_direct_formula(p: int, n: int, noise: str) -> None:
    """Reference: the pairwise likelihood ratio transcribed pair by pair (log cosh, explicit regressions)."""
    x = simulate(p, n, noise=noise, random_state=p).data
    ours = pairwise_measure(x).to_numpy()
    ref = _reference_measure(x.to_numpy(dtype=float))
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-12 * np.abs(ref).max())
    np.testing.assert_allclose(ours, -ours.T, rtol=0, atol=1e-12 * np.abs(ref).max())


@pytest.mark.parametrize("block", [1, 7, 300, 1 << 20])
def test_block_size_and_overflow_safe_log_cosh_do_not_change_the_measure(
    monkeypatch: pytest.MonkeyPatch, block: int
) -> None:
    """Reference: the kernel with its default blocks; other blocks regroup the same sums, the safe form is exact."""
    x = simulate(6, 400, noise="uniform", random_state=3).data
    default = pairwise_measure(x).to_numpy()
    monkeypatch.setattr(lingam, "_BLOCK", block)
    np.testing.assert_array_equal(pairwise_measure(x).to_numpy(), default)
    monkeypatch.setattr(lingam, "_COSH_SAFE_N", 0)  # |u| + log1p(exp(-2|u|)) - log 2
    np.testing.assert_allclose(pairwise_measure(x).to_numpy(), default, rtol=0, atol=1e-12 * np.abs(default).max())


def test_order_matches_the_direct_search_with_and_without_tiers() -> None:
    """Reference: DirectLiNGAM's order search transcribed on the reference measure (tiers restrict the candidates)."""
    sim = simulate(6, 800, noise="laplace", random_state=8)
    x = sim.data.to_numpy(dtype=float)
    names = list(sim.data.columns)
    free = DirectLiNGAM().fit(sim.data)
    assert list(free.causal_order_) == [names[k] for k in _reference_order(x, [0] * 6)]
    tiers = [names[3:], names[:3]]  # the last three first: candidates are a subset at most steps
    tier_of = [1, 1, 1, 0, 0, 0]
    tiered = DirectLiNGAM(knowledge=Knowledge(tiers=tiers)).fit(sim.data)
    assert list(tiered.causal_order_) == [names[k] for k in _reference_order(x, tier_of)]


def test_measure_with_more_samples_than_one_block() -> None:
    """Reference: the direct formula, with n above one block (rows are split into column slices)."""
    rng = np.random.default_rng(4)
    a = rng.uniform(-1, 1, 70_000)
    frame = pd.DataFrame({"a": a, "b": a + rng.uniform(-1, 1, 70_000), "c": rng.laplace(size=70_000)})
    ours = pairwise_measure(frame).to_numpy()
    ref = _reference_measure(frame.to_numpy())
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-11 * np.abs(ref).max())


def test_discover_lingam_loads_neither_numba_nor_sklearn_nor_scipy(tmp_path: Path) -> None:
    """Reference: sys.modules of a fresh interpreter after ``causalscope discover --algorithm lingam``."""
    rng = np.random.default_rng(5)
    x = rng.uniform(-1, 1, size=(200, 4))
    x[:, 1] += x[:, 0]
    csv = tmp_path / "tiny.csv"
    np.savetxt(csv, x, delimiter=",", header="a,b,c,d", comments="")
    out = tmp_path / "g.json"
    script = (
        "import sys, json\nfrom causalscope.cli import main\n"
        f"assert main(['discover', {str(csv)!r}, '--algorithm', 'lingam', '--out', {str(out)!r}]) == 0\n"
        "sys.stdout.write('\\nMODULES:' + json.dumps(sorted(sys.modules)))\n"
    )
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=False,
                          timeout=300)
    assert "MODULES:" in done.stdout, done.stderr
    modules = set(json.loads(done.stdout.rsplit("MODULES:", 1)[1]))
    assert json.loads(out.read_text())["nodes"] == ["a", "b", "c", "d"]
    assert sorted(m for m in modules if m.split(".")[0] in ("numba", "sklearn", "scipy")) == []
