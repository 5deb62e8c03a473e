"""``causalscope identify`` (docs/cli.md contract): the estimand on stdout, exit 3 with
``not identifiable: REASON`` otherwise, one-line typed errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from causalscope.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def write(tmp_path: Path, name: str, nodes: list[str], edges: list[str]) -> str:
    path = tmp_path / name
    path.write_text(json.dumps({"nodes": nodes, "edges": edges}))
    return str(path)


def test_identify_prints_estimand(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    g = write(tmp_path, "fd.json", ["S", "T", "C"], ["S --> T", "T --> C", "S <-> C"])
    code, out, _ = run(capsys, "identify", g, "--treatment", "S", "--outcome", "C")
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0] == "P(C | do(S)) = Σ_{T} P(T | S) Σ_{S'} P(C | S', T) P(S')"
    assert lines[1] == "method: frontdoor (mediators: {T})"
    code, out, _ = run(capsys, "identify", g, "--treatment", "S", "--outcome", "C", "--latex")
    assert code == 0 and out.startswith(r"P(C \mid \mathrm{do}(S)) = \sum_{T}")
    code, out, _ = run(capsys, "identify", g, "-t", "S", "-y", "C", "--given", "T")
    assert code == 0 and out.startswith("P(C | do(S), T) = ")
    code, out, _ = run(capsys, "identify", g, "-t", "S", "-y", "C", "--json")
    assert code == 0 and json.loads(out)["method"] == "frontdoor"


def test_identify_backdoor_dag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    g = write(tmp_path, "bd.json", ["Z", "X", "Y"], ["Z --> X", "Z --> Y", "X --> Y"])
    code, out, _ = run(capsys, "identify", g, "--treatment", "X", "--outcome", "Y")
    assert code == 0 and out.splitlines() == ["P(Y | do(X)) = Σ_{Z} P(Y | X, Z) P(Z)", "method: adjustment (set: {Z})"]


def test_not_identifiable_exits_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    g = write(tmp_path, "bow.json", ["X", "Y"], ["X --> Y", "X <-> Y"])
    code, out, err = run(capsys, "identify", g, "--treatment", "X", "--outcome", "Y")
    assert code == 3 and out == ""
    assert err.startswith("not identifiable: ") and "hedge" in err and len(err.strip().splitlines()) == 1
    assert err.strip() == "not identifiable: the graph contains a hedge F = {X, Y}, F' = {Y} for P(Y | do(X)) (Shpitser & Pearl 2006)"
    cp = write(tmp_path, "cp.json", ["X", "Y"], ["X --- Y"])
    code, _, err = run(capsys, "identify", cp, "--treatment", "X", "--outcome", "Y")
    assert code == 3 and "X --- Y" in err


def test_bad_input(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    g = write(tmp_path, "bd.json", ["Z", "X", "Y"], ["Z --> X", "Z --> Y", "X --> Y"])
    code, _, err = run(capsys, "identify", g, "--treatment", "X", "--outcome", "Q")
    assert code == 1 and err.startswith("error: ") and "'Q'" in err
    code, _, err = run(capsys, "identify", g, "--treatment", "X", "--outcome", "X")
    assert code == 1 and "disjoint" in err
    cyc = write(tmp_path, "cyc.json", ["A", "B", "C"], ["A --> B", "B --> C", "C --> A"])
    code, _, err = run(capsys, "identify", cyc, "--treatment", "A", "--outcome", "C")
    assert code == 1 and "cycle" in err
    code, _, _ = run(capsys, "identify", g, "--treatment", "X")
    assert code == 2


def test_identify_cpdag_without_adjustment_set(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # issue 17: Y --> X in a CPDAG has no adjustment set, but the effect is P(Y) in the class
    path = tmp_path / "g.json"
    path.write_text(json.dumps({"nodes": ["X", "Y", "Z"], "edges": ["Y --> X", "Z --> X"], "type": "cpdag"}))
    code, out, err = run(capsys, "identify", str(path), "--treatment", "X", "--outcome", "Y")
    assert code == 0 and err == ""
    assert out.splitlines() == ["P(Y | do(X)) = P(Y)", "method: null_effect"]
    code, out, _ = run(capsys, "identify", str(path), "-t", "X", "-y", "Y", "--json")
    d = json.loads(out)
    assert code == 0 and d["method"] == "null_effect" and d["estimand"]["text"] == "P(Y)"
    assert d["adjustment_set"] is None


def test_readme_tour(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # the README's shell tour: simulate, discover with PC, identify on the learned CPDAG
    data, truth, learned = (str(tmp_path / n) for n in ("data.csv", "truth.json", "learned.json"))
    code, _, err = run(capsys, "simulate", "--nodes", "10", "--samples", "1000", "--seed", "1",
                       "--out", data, "--graph-out", truth)
    assert code == 0, err
    code, _, err = run(capsys, "discover", data, "--algorithm", "pc", "--out", learned)
    assert code == 0, err
    code, out, err = run(capsys, "identify", learned, "--treatment", "X1", "--outcome", "X4")
    assert code == 0, err
    assert out.splitlines()[0].startswith("P(X4 | do(X1)) = ")
    assert out.splitlines()[1].startswith("method: ")
