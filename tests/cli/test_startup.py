"""The command line starts without the heavy libraries: checked by the modules a fresh interpreter loaded.

``causalscope --help`` and ``--version`` must not import numpy, pandas, scipy,
scikit-learn or numba (they cost most of a second together); ``discover
--algorithm pc`` needs numpy and pandas but not numba, scikit-learn, networkx or
``scipy.stats``. Each check runs in a subprocess and asserts on ``sys.modules``,
never on a time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

HEAVY = ("pandas", "numpy", "scipy", "sklearn", "numba")
SRC = Path(__file__).resolve().parents[2] / "src"


def _loaded(code: str, *, cwd: Path | None = None) -> set[str]:
    """Run ``code`` in a fresh interpreter; the top-level and second-level modules it had loaded."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    script = (
        "import sys, json\n"
        f"{code}\n"
        "sys.stdout.write('\\nMODULES:' + json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=cwd,
                          check=False, timeout=300)
    assert "MODULES:" in done.stdout, done.stderr
    return set(json.loads(done.stdout.rsplit("MODULES:", 1)[1]))


def _heavy(modules: set[str], names: tuple[str, ...] = HEAVY) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in names)


def test_importing_the_app_loads_no_heavy_library() -> None:
    assert _heavy(_loaded("import causalscope.cli.app")) == []


@pytest.mark.parametrize("argv", [["--version"], ["--help"], ["discover", "--help"], ["graph", "--help"]])
def test_version_and_help_load_no_heavy_library(argv: list[str]) -> None:
    code = f"from causalscope.cli import main\ntry:\n    main({argv!r})\nexcept SystemExit:\n    pass"
    assert _heavy(_loaded(code)) == []


def test_importing_the_package_and_a_subpackage_is_lazy() -> None:
    modules = _loaded("import causalscope, causalscope.discovery, causalscope.graphs, causalscope.pipeline")
    assert _heavy(modules, ("pandas", "scipy", "sklearn", "numba", "networkx")) == []


def test_discover_pc_loads_neither_numba_nor_sklearn_nor_scipy_stats(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 4))
    x[:, 1] += x[:, 0]
    csv = tmp_path / "tiny.csv"
    np.savetxt(csv, x, delimiter=",", header="a,b,c,d", comments="")
    out = tmp_path / "g.json"
    code = f"from causalscope.cli import main\nassert main(['discover', {str(csv)!r}, '--algorithm', 'pc', '--out', {str(out)!r}]) == 0"
    modules = _loaded(code)
    assert json.loads(out.read_text())["nodes"] == ["a", "b", "c", "d"]
    assert _heavy(modules, ("numba", "sklearn", "networkx", "scipy")) == []  # Fisher-z's tail: math.erfc


@pytest.mark.parametrize("algorithm", ["ges", "exact", "exact_posterior"])
def test_discover_with_the_bic_score_loads_neither_numba_nor_scipy(tmp_path: Path, algorithm: str) -> None:
    """GES's consistent extension is plain Python, the BIC needs no ``gammaln`` and BGe's is math.lgamma: no numba, no scipy."""
    rng = np.random.default_rng(1)
    x = rng.normal(size=(200, 4))
    x[:, 2] += x[:, 0] - x[:, 1]
    csv = tmp_path / "tiny.csv"
    np.savetxt(csv, x, delimiter=",", header="a,b,c,d", comments="")
    out = tmp_path / "g.json"
    code = (f"from causalscope.cli import main\n"
            f"assert main(['discover', {str(csv)!r}, '--algorithm', {algorithm!r}, '--out', {str(out)!r}]) == 0")
    modules = _loaded(code)
    assert json.loads(out.read_text())["nodes"] == ["a", "b", "c", "d"]
    assert _heavy(modules, ("numba", "scipy", "sklearn", "networkx")) == []


def test_discover_cdnod_loads_neither_scipy_stats_nor_numba(tmp_path: Path) -> None:
    """CD-NOD's domain test takes its normal and F tails from independence/tails.py: no scipy at all."""
    rng = np.random.default_rng(2)
    x = rng.normal(size=(200, 3))
    x[:, 1] += x[:, 0]
    domain = np.arange(200) % 2
    x[:, 2] += domain
    csv = tmp_path / "tinyd.csv"
    np.savetxt(csv, np.column_stack([x, domain]), delimiter=",", header="a,b,c,domain", comments="")
    out = tmp_path / "g.json"
    code = (f"from causalscope.cli import main\n"
            f"assert main(['discover', {str(csv)!r}, '--algorithm', 'cdnod', '--domain-column', 'domain', "
            f"'--out', {str(out)!r}]) == 0")
    modules = _loaded(code)
    assert "a" in json.loads(out.read_text())["nodes"]
    assert _heavy(modules, ("numba", "sklearn", "networkx", "scipy")) == []


@pytest.mark.parametrize("algorithm", ["pcmci", "pcmciplus", "granger", "varlingam", "lingam"])
def test_discover_time_series_and_lingam_load_no_scipy_numba_or_sklearn(tmp_path: Path, algorithm: str) -> None:
    """ParCorr's and Granger's t/F tails come from independence/tails.py; DirectLiNGAM is numpy (VARLiNGAM's fit too)."""
    rng = np.random.default_rng(0)
    x = rng.uniform(-1, 1, size=(200, 3))
    for t in range(1, 200):
        x[t] += 0.5 * x[t - 1]
    csv = tmp_path / "tiny.csv"
    np.savetxt(csv, x, delimiter=",", header="a,b,c", comments="")
    out = tmp_path / "g.json"
    extra = "" if algorithm == "lingam" else ", '--tau-max', '2'"
    code = (f"from causalscope.cli import main\nassert main(['discover', {str(csv)!r}, '--algorithm', {algorithm!r}"
            f"{extra}, '--out', {str(out)!r}]) == 0")
    modules = _loaded(code)
    assert json.loads(out.read_text())["nodes"] == ["a", "b", "c"]
    assert _heavy(modules, ("numba", "sklearn", "networkx", "scipy")) == []


def test_cli_modules_never_import_the_app() -> None:
    """The commands read the global options from ``cli/_io.py``: no import circle with ``cli/app.py``."""
    import ast

    folder = SRC / "causalscope" / "cli"
    for path in folder.glob("*.py"):
        if path.name in ("app.py", "__init__.py", "_demo.py"):
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.level == 1:
                assert node.module != "app", f"{path.name} imports cli/app.py"
                private = [a.name for a in node.names if a.name.startswith("_")]
                assert not private, f"{path.name} imports private names {private} from .{node.module}"
