"""Open the HTML report in headless Chromium (Debian's ``chromium`` package, driven by Playwright from PyPI):
the graph SVG and the effect table are rendered with a size, and a screenshot is kept as an artifact
(in ``$CAUSALSCOPE_ARTIFACTS`` when set, else the test's temporary folder); on a large-graph report, typing a
name in the search box filters the adjacency table and draws that variable's neighbourhood. Skipped where
either is missing."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from causalscope.datasets import simulate
from causalscope.pipeline import analyze
from causalscope.report import write_report
from causalscope.report._explorer import neighbour_table

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _shots(tmp_path: Path) -> Path:
    shots = Path(os.environ.get("CAUSALSCOPE_ARTIFACTS", tmp_path))
    shots.mkdir(parents=True, exist_ok=True)
    return shots


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
def test_report_renders_in_chromium(tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    sim = simulate(5, 400, mechanism="linear", noise="uniform", random_state=0)
    e = next(iter(sim.graph.edges))
    res = analyze(sim.data, treatment=e.u, outcome=e.v, n_bootstrap=3, random_state=0)
    html_path, _ = write_report(res, tmp_path / "out")
    shots = _shots(tmp_path)
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
        assert page.locator("#distributions svg.hist").count() == 5
        page.screenshot(path=str(shots / "report.png"), full_page=True)
        browser.close()
    assert (shots / "report.png").stat().st_size > 1000


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium package is not installed")
def test_large_graph_search_filters_and_draws_the_neighbourhood(tmp_path: Path, large) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    html_path, _ = write_report(large, tmp_path / "large")
    table = neighbour_table(large.graph)
    name = next(v for v in large.graph.nodes if v.endswith("7") and len(v) == 3 and
                table[v]["parents"] and table[v]["children"])  # e.g. X17: no other name contains it
    degree = sum(len(x) for x in table[name].values())
    errors: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(html_path.resolve().as_uri())
        rows = page.locator("#adjacency-table tbody tr:not([hidden])")
        assert rows.count() == len(large.graph.nodes)
        page.fill("#graph-search", name)
        assert rows.count() == 1 and rows.first.get_attribute("data-v") == name
        assert page.locator("#graph-count").inner_text().startswith("1 of ")
        svg = page.locator("svg#neighbourhood")
        assert svg.get_attribute("data-centre") == name
        assert page.locator("svg#neighbourhood g.nnode").count() == 1 + degree
        box = svg.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 50
        assert name in page.locator("#neighbourhood-caption").inner_text()
        page.screenshot(path=str(_shots(tmp_path) / "report-large.png"), full_page=False)
        browser.close()
    assert not errors, errors
