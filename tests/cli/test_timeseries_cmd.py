"""``causalscope discover --algorithm pcmci|pcmciplus|varlingam|granger`` and ``analyze --time-column``.

Checked against: the public API on the same file (the algorithm's ``fit`` on
``as_time_series``) and the time-series graph JSON of CLI.md (``nodes``,
``edges`` = summary graph, ``type: "timeseries"``, ``tau_max``,
``lagged_edges``, ``link_strength``, ``link_p_value``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from causalscope.cli import main
from causalscope.data.timeseries import as_time_series
from causalscope.datasets import simulate_timeseries
from causalscope.discovery import make_algorithm


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def series_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sim = simulate_timeseries(3, 300, tau_max=2, n_parents=1, noise="uniform", random_state=0)
    path = tmp_path_factory.mktemp("ts") / "series.csv"
    sim.data.assign(t=np.arange(len(sim.data)) * 5).to_csv(path, index=False)
    return path


@pytest.mark.parametrize("algorithm", ["pcmci", "pcmciplus", "varlingam", "granger"])
def test_discover_writes_the_time_series_graph_json(capsys, tmp_path, series_file, algorithm):
    out = tmp_path / "g.json"
    code, stdout, err = run(capsys, "discover", str(series_file), "--algorithm", algorithm, "--time-column", "t",
                            "--tau-max", "2", "--out", str(out))
    assert code == 0, err
    doc = json.loads(out.read_text())
    assert doc["type"] == "timeseries" and doc["tau_max"] == 2
    assert doc["nodes"] == ["X1", "X2", "X3"]
    for key in ("edges", "lagged_edges", "link_strength", "link_p_value"):
        assert key in doc
    # the same fit through the API
    import pandas as pd

    frame = pd.read_csv(series_file)
    est = make_algorithm(algorithm, tau_max=2).fit(as_time_series(frame, time_column="t", tau_max=2))
    assert sorted(doc["lagged_edges"]) == sorted(est.graph_.lagged_edges())


def test_discover_prints_lagged_links(capsys, series_file):
    code, stdout, _ = run(capsys, "discover", str(series_file), "--algorithm", "pcmci", "--time-column", "t",
                          "--tau-max", "2")
    assert code == 0
    lines = stdout.strip().splitlines()
    assert lines and all("[t" in line and line.endswith("[t]") for line in lines)


def test_discover_unsorted_time_column_exits_1(capsys, tmp_path, series_file):
    import pandas as pd

    frame = pd.read_csv(series_file)
    bad = tmp_path / "bad.csv"
    frame.iloc[::-1].to_csv(bad, index=False)
    code, _, err = run(capsys, "discover", str(bad), "--algorithm", "pcmci", "--time-column", "t")
    assert code == 1 and err.startswith("error: ") and "'t'" in err


def test_time_column_with_an_iid_algorithm_is_a_usage_error(capsys, series_file):
    code, _, err = run(capsys, "discover", str(series_file), "--algorithm", "pc", "--time-column", "t")
    assert code == 2 and "--time-column" in err


def test_analyze_time_column(capsys, tmp_path, series_file):
    out = tmp_path / "run"
    code, stdout, err = run(capsys, "analyze", str(series_file), "--time-column", "t", "--n-bootstrap", "5",
                            "--out", str(out))
    assert code == 0, err
    doc = json.loads((out / "analysis.json").read_text())
    assert doc["graph"]["type"] == "timeseries"
    assert "--time-column t" in doc["command"]
    assert (out / "report.html").read_text().count("<svg") >= 3


def test_analyze_scores_a_time_series_reference(capsys, tmp_path, series_file):
    sim = simulate_timeseries(3, 300, tau_max=2, n_parents=1, noise="uniform", random_state=0)
    ref = tmp_path / "truth.json"
    ref.write_text(json.dumps(sim.graph.to_json_dict()))
    out = tmp_path / "run"
    code, _, err = run(capsys, "analyze", str(series_file), "--time-column", "t", "--n-bootstrap", "5",
                       "--reference", str(ref), "--out", str(out))
    assert code == 0, err
    doc = json.loads((out / "analysis.json").read_text())
    assert doc["scores"] and doc["scores"][0]["reference"] == "truth.json"
    assert 0.0 <= doc["scores"][0]["link_f1"] <= 1.0


def test_iso_dates_and_integer_codes_from_the_command_line(capsys, tmp_path):
    """Review findings: analyze read ISO dates as a category; 0/1/2 columns became categories and were refused."""
    import pandas as pd

    rng = np.random.default_rng(0)
    n = 300
    x = np.zeros(n, dtype=int)
    y = np.zeros(n, dtype=int)
    for t in range(1, n):
        x[t] = int(rng.random() < (0.8 if x[t - 1] else 0.2))
        y[t] = int(rng.random() < (0.85 if x[t - 1] else 0.15)) + int(rng.random() < 0.3)
    frame = pd.DataFrame({"t": pd.date_range("2020-01-01", periods=n, freq="D").strftime("%Y-%m-%d"), "x": x, "y": y})
    path = tmp_path / "codes.csv"
    frame.to_csv(path, index=False)
    code, stdout, err = run(capsys, "discover", str(path), "--algorithm", "pcmci", "--ci-test", "gsq",
                            "--time-column", "t", "--tau-max", "2")
    assert code == 0, err
    assert "x[t-1] --> y[t]" in stdout.splitlines()
    out = tmp_path / "run"
    code, _, err = run(capsys, "analyze", str(path), "--time-column", "t", "--n-bootstrap", "5", "--out", str(out))
    assert code == 0, err
    doc = json.loads((out / "analysis.json").read_text())
    assert doc["graph"]["type"] == "timeseries" and doc["method"]["parameters"]["ci_test"] == "gsq"
