"""What a new user meets first (issue 17): minimum samples in ``discover``, output paths that must exist,
``graph compare`` on an ``analysis.json`` and ``--as-cpdag``, and the effect's causal-path note.

Checked against: the rules of :mod:`causalscope.data.sample_size` (documented numbers), the graph JSON
contract of CLI.md, and :func:`causalscope.graphs.dag_to_cpdag` for ``--as-cpdag``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causalscope.cli import main
from causalscope.graphs import DAG, dag_to_cpdag, write_graph
from causalscope.graphs.metrics import compare_graphs


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _gaussian(path: Path, n: int, p: int, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    pd.DataFrame(rng.normal(size=(n, p)), columns=[f"x{i}" for i in range(p)]).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("algorithm", ["pc", "ges", "lingam"])
def test_discover_refuses_fewer_than_ten_rows(capsys, tmp_path, algorithm):
    data = _gaussian(tmp_path / "d.csv", 5, 20)
    code, out, err = run(capsys, "discover", str(data), "--algorithm", algorithm)
    assert code == 1 and out == ""
    assert err.strip() == ("error: only 5 rows; at least 10 are needed for causal discovery (no test or score is "
                           "informative below that)")


def test_discover_warns_when_small_for_the_method(capsys, tmp_path):
    data = _gaussian(tmp_path / "d.csv", 60, 8)
    code, _, err = run(capsys, "discover", str(data), "--algorithm", "ges")
    assert code == 0
    assert err.startswith("warning: 60 rows for 8 variables") and "about 80 rows" in err
    # a CI-test method: the largest test has max-cond-size + 2 variables
    code, _, err = run(capsys, "discover", str(data), "--algorithm", "pc", "--max-cond-size", "3")
    assert code == 0 and err == ""  # 10 * (3 + 2) = 50 <= 60
    code, _, err = run(capsys, "discover", str(data), "--algorithm", "pc")
    assert code == 0 and "given up to 6 others needs about 80 rows" in err


@pytest.mark.parametrize("command", [
    ["discover", "{data}", "--algorithm", "pc", "--out", "{missing}/g.json"],
    ["simulate", "--nodes", "3", "--samples", "20", "--out", "{missing}/d.csv"],
    ["simulate", "--nodes", "3", "--samples", "20", "--out", "{tmp}/d.csv", "--graph-out", "{missing}/t.json"],
    ["analyze", "{data}", "--out", "{missing}/report"],
    ["effect", "{data}", "-t", "x0", "-y", "x1", "--out", "{missing}/e.json"],
])
def test_out_in_a_missing_folder_is_an_error(capsys, tmp_path, command):
    data = _gaussian(tmp_path / "d0.csv", 100, 3)
    missing = tmp_path / "no" / "such"
    args = [a.format(data=data, missing=missing, tmp=tmp_path) for a in command]
    code, _, err = run(capsys, *args)
    assert code == 1
    assert err.startswith("error: --") and "does not exist; create it first" in err
    assert not (tmp_path / "no").exists()


def test_analyze_creates_its_output_folder(capsys, tmp_path):
    data = _gaussian(tmp_path / "d.csv", 200, 3)
    code, out, _ = run(capsys, "analyze", str(data), "--n-bootstrap", "2", "--out", str(tmp_path / "new"))
    assert code == 0 and (tmp_path / "new" / "analysis.json").is_file()


def test_graph_compare_reads_analysis_json_and_as_cpdag(capsys, tmp_path):
    truth = DAG(edges=["A --> B", "B --> C", "A --> C", "C --> D"])
    learned = dag_to_cpdag(DAG(edges=["A --> B", "B --> C", "A --> C", "D --> C"]))
    write_graph(truth, tmp_path / "truth.json")
    (tmp_path / "analysis.json").write_text(json.dumps({"summary": "x", "graph": {**learned.to_dict(),
                                                                                  "type": "cpdag"}}))
    code, out, _ = run(capsys, "graph", "compare", str(tmp_path / "truth.json"), str(tmp_path / "analysis.json"),
                       "--json")
    assert code == 0
    assert json.loads(out) == compare_graphs(truth, learned).to_dict()
    code, out, _ = run(capsys, "graph", "compare", str(tmp_path / "truth.json"), str(tmp_path / "analysis.json"),
                       "--json", "--as-cpdag")
    assert code == 0
    assert json.loads(out) == compare_graphs(dag_to_cpdag(truth), learned).to_dict()
    assert json.loads(out) != compare_graphs(truth, learned).to_dict()
