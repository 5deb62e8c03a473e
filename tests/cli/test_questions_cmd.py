"""``causalscope questions`` (docs/cli.md contract): generate writes ITEMS.jsonl
deterministically; evaluate prints a table and writes a report; the oracle backend
scores 100% and always-yes about 50% (balanced answers)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from causalscope.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_generate_and_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    code, out, _ = run(capsys, "questions", "generate", "--graphs", "chain,collider", "--per-graph", "10", "--seed", "1", "--out", str(a))
    assert code == 0 and "wrote 20 items" in out
    code, _, _ = run(capsys, "questions", "generate", "-g", "chain", "-g", "collider", "-n", "10", "--seed", "1", "--out", str(b))
    assert code == 0 and a.read_bytes() == b.read_bytes()
    lines = [json.loads(x) for x in a.read_text().splitlines()]
    assert len(lines) == 20
    assert {"id", "question", "answer", "rung", "query_type", "graph", "formal_query", "ground_truth"} <= set(lines[0])

    rep = tmp_path / "rep.json"
    code, out, _ = run(capsys, "questions", "evaluate", str(a), "--backend", "oracle", "--out", str(rep))
    assert code == 0 and "overall" in out and "100.00%" in out.splitlines()[1]
    assert json.loads(rep.read_text())["accuracy"] == 1.0
    code, out, _ = run(capsys, "questions", "evaluate", str(a), "--backend", "always-yes")
    share = sum(x["answer"] == "yes" for x in lines) / len(lines)
    assert code == 0 and f"{share:7.2%}" in out.splitlines()[1] and "same answer to everything" in out


def test_axioms_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "ax.jsonl"
    code, out, _ = run(capsys, "questions", "generate", "--axioms", "12", "--max-length", "5", "--seed", "0", "--out", str(p))
    assert code == 0 and len(p.read_text().splitlines()) == 12
    code, out, _ = run(capsys, "questions", "evaluate", str(p), "--backend", "oracle")
    assert code == 0 and "100.00%" in out.splitlines()[1]


def test_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "questions", "generate", "--graphs", "spiral", "--out", str(tmp_path / "x.jsonl"))
    assert code == 1 and err.startswith("error: ") and "spiral" in err
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n')
    code, _, err = run(capsys, "questions", "evaluate", str(bad), "--backend", "oracle")
    assert code == 1 and "line 1" in err and "missing keys" in err
    good = tmp_path / "g.jsonl"
    run(capsys, "questions", "generate", "-g", "chain", "-n", "2", "--out", str(good))
    code, _, err = run(capsys, "questions", "evaluate", str(good), "--backend", "nope")
    assert code == 1 and "backend must be one of" in err


def test_benchmark_format_and_adversarial(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "cj.json"
    p.write_text(json.dumps({"examples": [{"input": "Did A cause B?", "target": "Yes"}, {"input": "Did C?", "target": "No"}]}))
    code, out, _ = run(capsys, "questions", "evaluate", str(p), "--format", "bbh", "--backend", "always-yes", "--adversarial")
    assert code == 0 and " 50.00%" in out.splitlines()[1]
    assert "answers kept under challenge 100.00%" in out
