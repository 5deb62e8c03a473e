"""Open the HTML report in headless Chromium (Debian's ``chromium`` package, driven by Playwright from PyPI):
the graph SVG and the effect table are rendered with a size, and a screenshot is kept as an artifact
(in ``$CAUSALSCOPE_ARTIFACTS`` when set, else the test's temporary folder). Skipped where either is missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from causalscope.datasets import simulate
from causalscope.pipeline import analyze
from causalscope.report import write_report

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
def test_report_renders_in_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    sim = simulate(5, 400, mechanism="linear", noise="uniform", random_state=0)
    e = next(iter(sim.graph.edges))
    res = analyze(sim.data, treatment=e.u, outcome=e.v, n_bootstrap=3, random_state=0)
    html_path, _ = write_report(res, tmp_path / "out")
    shots = Path(os.environ.get("CAUSALSCOPE_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.goto(html_path.resolve().as_uri())
        graph = page.locator("svg#graph")
        assert graph.count() == 1
        box = graph.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100
        assert page.locator("svg#graph g.node").count() == 5
        table = page.locator("table.effects")
        assert table.count() == 1 and e.u in table.inner_text()
        page.screenshot(path=str(shots / "report.png"), full_page=True)
        browser.close()
    assert (shots / "report.png").stat().st_size > 1000
