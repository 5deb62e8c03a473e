"""``causalscope discover --possible-dsep MODE`` (FCI's Possible-D-SEP stage).

Checked against: the public API on the same file
(``FCI(possible_dsep=MODE).fit(read_data(path))``), and the CLI contract's exit
codes (2 for an option the algorithm does not take, 1 for a bad value).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from causalscope.cli import main
from causalscope.data import read_data
from causalscope.discovery import FCI
from causalscope.graphs import read_graph


@pytest.fixture()
def data_file(tmp_path: Path) -> Path:
    """Linear-Gaussian data on 10 observed variables with two hidden confounders."""
    from causalscope.datasets import random_dag, simulate

    rng = np.random.default_rng(1)
    dag = random_dag(12, expected_degree=2.5, random_state=1)
    cands = [v for v in dag.nodes if len(dag.children(v)) >= 2]
    latent = list(rng.choice(cands, size=2, replace=False))
    path = tmp_path / "data.csv"
    simulate(dag, 1000, latent=latent, random_state=1).data.to_csv(path, index=False)
    return path


@pytest.mark.parametrize("mode", ["full", "tetrad", "none"])
def test_possible_dsep_mode_reaches_fci(capsys, tmp_path, data_file, mode):
    out = tmp_path / f"{mode}.json"
    code = main(["discover", str(data_file), "--algorithm", "fci", "--possible-dsep", mode, "--out", str(out)])
    capsys.readouterr()
    assert code == 0
    want = FCI(possible_dsep=mode).fit(read_data(data_file)).graph_
    assert read_graph(out, kind="pag") == want


def test_modes_differ_where_the_stage_removes_an_edge(capsys, data_file):
    """On this data the textbook stage removes an edge that skipping the stage keeps."""
    outs = {}
    for mode in ("full", "none"):
        assert main(["discover", str(data_file), "--algorithm", "fci", "--possible-dsep", mode]) == 0
        outs[mode] = capsys.readouterr().out.splitlines()
    assert len(outs["full"]) < len(outs["none"])


def test_bad_mode_and_unsupported_algorithm(capsys, data_file):
    code = main(["discover", str(data_file), "--algorithm", "fci", "--possible-dsep", "maybe"])
    err = capsys.readouterr().err
    assert code == 1 and "possible_dsep" in err and "tetrad" in err
    code = main(["discover", str(data_file), "--algorithm", "pc", "--possible-dsep", "full"])
    err = capsys.readouterr().err
    assert code == 2 and "--possible-dsep" in err
