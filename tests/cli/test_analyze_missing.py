"""``causalscope analyze`` on a table with missing values (test-wise deletion, rows per stage in analysis.json
and the report), the budget covering effects, and the shared rich progress display (nested bars for the
resamples inside the analysis stages)."""

from __future__ import annotations

import json
import sys

import pytest

from causalscope.cli import _io
from causalscope.cli.app import main
from causalscope.datasets import simulate


@pytest.fixture(scope="module")
def holed_csv(tmp_path_factory):
    path = tmp_path_factory.mktemp("m") / "holed.csv"
    sim = simulate(12, 400, missing=0.1, random_state=4)
    sim.data.to_csv(path, index=False)
    return path, sim


def _strip(path):
    doc = json.loads(path.read_text())
    doc.pop("created")
    return json.dumps(doc, sort_keys=True)


def test_analyze_missing_values_testwise_and_reported(holed_csv, tmp_path, capsys):
    path, sim = holed_csv
    args = ["--quiet", "analyze", str(path), "--n-bootstrap", "3", "--seed", "1"]
    assert main([*args, "--out", str(tmp_path / "a")]) == 0
    assert main([*args, "--n-jobs", "2", "--out", str(tmp_path / "b")]) == 0
    out = capsys.readouterr().out
    assert "test-wise deletion" in out
    docs = []
    for d in ("a", "b"):  # the same seed gives the same analysis.json for any --n-jobs (apart from `created`)
        doc = json.loads(_strip(tmp_path / d / "analysis.json"))
        doc.pop("command")
        doc["settings"].pop("n_jobs")
        docs.append(json.dumps(doc, sort_keys=True))
    assert docs[0] == docs[1]
    doc = json.loads((tmp_path / "a" / "analysis.json").read_text())
    miss = doc["settings"]["missing"]
    assert miss["strategy"] == "testwise" and miss["n_rows"] == 400 and miss["n_complete"] < 200
    assert doc["method"]["name"] == "pc" and doc["method"]["parameters"]["missing"] == "testwise"
    page = (tmp_path / "a" / "report.html").read_text()
    assert "Missing values and rows used" in page and "test-wise deletion" in page


class _Recorder:
    instances: list = []

    def __init__(self):
        self.events = []
        _Recorder.instances.append(self)

    def start(self, total, description):
        self.events.append(("start", total, description))

    def advance(self, n=1):
        self.events.append(("advance", n))

    def close(self):
        self.events.append(("close",))

    def stop(self):
        self.events.append(("stop",))


def test_analyze_cli_shows_each_resample(holed_csv, tmp_path, monkeypatch):
    path, _ = holed_csv
    import causalscope.cli.analyze_cmd as cmd

    monkeypatch.setattr(cmd, "RichProgress", _Recorder)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    assert main(["analyze", str(path), "--n-bootstrap", "3", "--out", str(tmp_path / "p")]) == 0
    ev = _Recorder.instances[-1].events
    starts = [e[2] for e in ev if e[0] == "start"]
    assert starts[0] == "analysis" and any(s.startswith("bootstrap") for s in starts)
    assert any(s.startswith("tune") for s in starts)
    i = next(k for k, e in enumerate(ev) if e[0] == "start" and e[2].startswith("bootstrap"))
    assert ev[i + 1 : i + 4] == [("advance", 1)] * 3 and ev[i + 4] == ("close",)
    assert ev[-1] == ("stop",)


def test_rich_progress_nests_and_replaces_closed_bars():
    bar = _io.RichProgress()
    try:
        bar.start(6, "analysis")
        bar.start(3, "bootstrap")
        bar.advance(2)
        tasks = {t.description: t for t in bar._bar.tasks}
        assert tasks["bootstrap"].completed == 2 and tasks["analysis"].completed == 0
        bar.close()  # bootstrap done: the outer bar advances next
        bar.advance()
        tasks = {t.description: t for t in bar._bar.tasks}
        assert tasks["analysis"].completed == 1
        bar.start(4, "tune")  # replaces the closed bootstrap bar, nested in the open analysis bar
        assert [t.description for t in bar._bar.tasks] == ["analysis", "tune"]
        bar.close()
        bar.close()
        bar.start(None, "next stage")  # one stage after another (the discover command): one bar at a time
        assert [t.description for t in bar._bar.tasks] == ["next stage"]
    finally:
        bar.stop()
