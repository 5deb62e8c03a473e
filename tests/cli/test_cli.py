"""The command-line contract (docs/cli.md): commands, outputs, exit codes, one-line errors."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from causalscope import __version__
from causalscope.cli import main
from causalscope.graphs import DAG, parse_graph


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_version_and_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"causalscope {__version__}"
    code, out, _ = run(capsys, "--help")
    assert code == 0 and "simulate" in out and "graph" in out


def test_console_script_is_installed() -> None:
    exe = shutil.which("causalscope", path=str(Path(sys.executable).parent))
    assert exe is not None, "the causalscope console script is not installed in the environment"
    result = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip() == f"causalscope {__version__}"


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "simulate", "--nodes", "3")
    assert code == 2 and "--samples" in err
    code, _, _ = run(capsys, "no-such-command")
    assert code == 2
    code, _, err = run(capsys, "simulate", "--nodes", "zero", "--samples", "5", "--out", "x.csv")
    assert code == 2 and "--nodes" in err


def test_simulate_writes_data_and_truth_deterministically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = []
    for k in range(2):
        data, truth = tmp_path / f"d{k}.csv", tmp_path / f"t{k}.json"
        code, out, err = run(
            capsys, "simulate", "--nodes", "6", "--samples", "200", "--seed", "4",
            "--out", str(data), "--graph-out", str(truth),
        )
        assert code == 0, err
        assert "wrote 200 rows x 6 columns" in out
        paths.append((data, truth))
    assert paths[0][0].read_bytes() == paths[1][0].read_bytes()
    assert paths[0][1].read_bytes() == paths[1][1].read_bytes()
    payload = json.loads(paths[0][1].read_text())
    frame = pd.read_csv(paths[0][0])
    assert payload["type"] == "dag" and payload["nodes"] == list(frame.columns)
    assert all(" --> " in e for e in payload["edges"])


def test_simulate_with_latents_writes_a_pag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data, truth = tmp_path / "d.parquet", tmp_path / "t.json"
    code, _, err = run(
        capsys, "simulate", "--nodes", "8", "--samples", "100", "--seed", "2", "--degree", "3",
        "--latent", "1", "--out", str(data), "--graph-out", str(truth),
    )
    assert code == 0, err
    payload = json.loads(truth.read_text())
    frame = pd.read_parquet(data)
    assert payload["type"] == "pag" and len(payload["latent"]) == 1
    assert payload["latent"][0] not in frame.columns
    assert set(payload["nodes"]) == set(frame.columns)


def test_simulate_bad_extension_is_a_one_line_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "simulate", "--nodes", "3", "--samples", "5", "--out", str(tmp_path / "x.xlsx"))
    assert code == 1 and err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    assert ".xlsx" in err


def _write(path: Path, text: str, kind: str) -> Path:
    path.write_text(json.dumps(parse_graph(text, kind=kind).to_dict()))
    return path


def test_graph_compare_table_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    truth = _write(tmp_path / "t.json", "A --> B; B --> C; A --> C", "dag")
    # one reversed edge (B <-- C), one missing edge (A - C): SHD 2 by the documented convention
    learned = _write(tmp_path / "l.json", "A --> B; C --> B", "dag")
    code, out, err = run(capsys, "graph", "compare", str(truth), str(learned))
    assert code == 0, err
    assert "SHD" in out
    code, out, err = run(capsys, "graph", "compare", str(truth), str(learned), "--json")
    assert code == 0, err
    scores = json.loads(out)
    assert scores["shd"] == 2
    assert scores["adjacency"]["precision"] == pytest.approx(1.0)
    assert scores["adjacency"]["recall"] == pytest.approx(2 / 3)


def test_graph_compare_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    truth = _write(tmp_path / "t.json", "A --> B", "dag")
    code, _, err = run(capsys, "graph", "compare", str(truth), str(tmp_path / "missing.json"))
    assert code == 1 and err.startswith("error: ") and "missing.json" in err and "Traceback" not in err
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, _, err = run(capsys, "graph", "compare", str(truth), str(bad))
    assert code == 1 and err.startswith("error: ") and "bad.json" in err
    other = tmp_path / "other.json"
    other.write_text(json.dumps(DAG(["A", "Z"], []).to_dict()))
    code, _, err = run(capsys, "graph", "compare", str(truth), str(other))
    assert code == 1 and err.startswith("error: ") and "Z" in err


def test_debug_shows_the_traceback(tmp_path: Path) -> None:
    truth = _write(tmp_path / "t.json", "A --> B", "dag")
    with pytest.raises(Exception):
        main(["--debug", "graph", "compare", str(truth), str(tmp_path / "missing.json")])
