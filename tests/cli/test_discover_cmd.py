"""``causalscope discover`` (docs/cli.md): output shapes, generic options, exit codes.

Checked against: the public API on the same file (``pc(read_data(path))``) and
the graph JSON contract of CLI.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causalscope.cli import main
from causalscope.data import read_data
from causalscope.discovery import pc
from causalscope.graphs import read_graph


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture()
def data_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(0)
    n = 2000
    a, b = rng.normal(size=n), rng.normal(size=n)
    c = a + b + rng.normal(size=n)
    d = c + rng.normal(size=n)
    path = tmp_path / "data.csv"
    pd.DataFrame({"A": a, "B": b, "C": c, "D": d}).to_csv(path, index=False)
    return path


def test_prints_edges_one_per_line(capsys, data_file):
    code, out, _ = run(capsys, "discover", str(data_file), "--algorithm", "pc")
    assert code == 0
    assert out.splitlines() == ["A --> C", "B --> C", "C --> D"]


def test_writes_graph_json(capsys, tmp_path, data_file):
    target = tmp_path / "g.json"
    code, out, _ = run(capsys, "discover", str(data_file), "--algorithm", "pc", "--alpha", "0.01", "--out", str(target))
    assert code == 0 and str(target) in out
    payload = json.loads(target.read_text())
    assert payload["nodes"] == ["A", "B", "C", "D"]
    assert sorted(payload["edges"]) == ["A --> C", "B --> C", "C --> D"]
    assert read_graph(target) == pc(read_data(data_file), alpha=0.01)


def test_knowledge_file_is_honoured(capsys, tmp_path, data_file):
    know = tmp_path / "k.yaml"
    know.write_text("forbidden:\n  - C --> D\n  - D --> C\nrequired:\n  - A --> B\n")
    code, out, _ = run(capsys, "discover", str(data_file), "--algorithm", "pc", "--knowledge", str(know))
    assert code == 0
    lines = out.splitlines()
    assert "A --> B" in lines and not any("D" in line for line in lines)


def test_unknown_algorithm_and_unsupported_option_are_usage_errors(capsys, data_file):
    code, _, err = run(capsys, "discover", str(data_file), "--algorithm", "nope")
    assert code == 2 and "pc" in err
    code, _, err = run(capsys, "discover", str(data_file), "--algorithm", "pc", "--score", "bic")
    assert code == 2 and "--score" in err


def test_seed_is_ignored_by_deterministic_algorithms(capsys, data_file):
    code, out, _ = run(capsys, "discover", str(data_file), "--algorithm", "pc", "--seed", "3")
    assert code == 0 and out.splitlines() == ["A --> C", "B --> C", "C --> D"]


def test_bad_values_fail_with_one_line(capsys, tmp_path, data_file):
    code, _, err = run(capsys, "discover", str(data_file), "--algorithm", "pc", "--alpha", "1.5")
    assert code == 1 and err.startswith("error: ") and "alpha" in err and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "discover", str(data_file), "--algorithm", "pc", "--ci-test", "gsq")
    assert code == 1 and err.startswith("error: ")
    bad = tmp_path / "bad.yaml"
    bad.write_text("required:\n  - A --> Z\n")
    code, _, err = run(capsys, "discover", str(data_file), "--algorithm", "pc", "--knowledge", str(bad))
    assert code == 1 and "'Z'" in err
