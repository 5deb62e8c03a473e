"""``causalscope actual`` (docs/cli.md contract): causes with witnesses, JSON, one-line errors naming the line.

Outputs are checked against the library (actual_causes) and the book verdicts of the shipped examples.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from causalscope.actual import actual_causes, list_examples, load_example
from causalscope.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_example_by_name_prints_causes_with_witnesses(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "actual", "rock_throwing")
    assert code == 0, err
    assert out.splitlines() == ["ST=1  [witness: W={BH=0}, x'={ST=0}]", "SH=1  [witness: W={BH=0}, x'={SH=0}]"]


def test_model_file_with_context_outcome_definition(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "ff.yaml"
    path.write_text(
        "exogenous: {U1: [0, 1], U2: [0, 1]}\n"
        "endogenous:\n  L: \"U1\"\n  MD: \"U2\"\n  fire: {domain: [0, 1], equation: \"L or MD\"}\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "actual", str(path), "--context", "U1=1,U2=1", "--outcome", "fire=1")
    assert code == 0, err
    assert out.splitlines() == ["L=1 & MD=1  [witness: W={}, x'={L=0, MD=0}]"]
    code, out, _ = run(capsys, "actual", str(path), "--context", "U1=1,U2=1", "--outcome", "fire=1", "--max-size", "1")
    assert code == 0 and out.strip() == "no actual cause of fire=1 found up to size 1"
    code, out, _ = run(capsys, "actual", str(path), "--context", "U1=1,U2=0", "--outcome", "fire=1",
                       "--definition", "but-for", "--responsibility")
    assert code == 0 and out.splitlines() == ["L=1  [witness: W={}, x'={L=0}]", "responsibility L=1: 1"]


@pytest.mark.parametrize("name", list_examples())
def test_json_output_equals_the_library(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "actual", name, "--json")
    assert code == 0, err
    m = load_example(name)
    assert json.loads(out) == actual_causes(m, None, m.outcome).to_dict()


def test_bad_model_files_exit_1_naming_the_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = {
        "undefined.yaml": ("exogenous: {U: [0, 1]}\nendogenous:\n  A: \"U\"\n  B: \"A and Q\"\n", "line 4", "'Q'"),
        "cyclic.yaml": ("exogenous: {U: [0, 1]}\nendogenous:\n  A: \"U and B\"\n  B: \"A\"\n", "line 3", "cyclic"),
        "domain.yaml": ("exogenous: {U: [0, 1]}\nendogenous:\n  A: {domain: [0, 1], equation: \"U + 1\"}\n", "line 3",
                        "outside its domain"),
    }
    for fname, (text, line, word) in cases.items():
        p = tmp_path / fname
        p.write_text(text, encoding="utf-8")
        code, out, err = run(capsys, "actual", str(p), "--context", "U=1", "--outcome", "A=1")
        assert code == 1 and out == ""
        assert err.startswith("error: ") and err.count("\n") == 1
        assert fname in err and line in err and word in err
    code, _, err = run(capsys, "actual", "rock_throwing", "--context", "ST_U=1")
    assert code == 1 and "BT_U" in err
    code, out, _ = run(capsys, "actual", "bogus_prevention", "--definition", "updated")
    assert code == 0 and out.splitlines() == ["A=0  [witness: W={B=0}, x'={A=1}]", "B=1  [witness: W={A=1}, x'={B=0}]"]
    code, _, err = run(capsys, "actual", "rock_throwing", "--definition", "original")
    assert code == 1 and "--definition" in err
    code, _, err = run(capsys, "actual", "no_such_model.yaml")
    assert code == 1 and err.startswith("error: ") and "no_such_model.yaml" in err
    code, _, _ = run(capsys, "actual", "rock_throwing", "--max-size", "0")
    assert code == 2
