"""The HTML report and analysis.json: self-contained (no http(s) resource), with the graph SVG and tables,
JSON keys of the CLI contract; the layout checked on a chain whose layers are known."""

from __future__ import annotations

import json
import re

import pytest

from causalscope.datasets import simulate
from causalscope.pipeline import analyze
from causalscope.report import render_html, write_report
from causalscope.report.html import layered_layout


@pytest.fixture(scope="module")
def analysis():
    sim = simulate(5, 500, mechanism="linear", noise="uniform", random_state=1)
    e = next(iter(sim.graph.edges))
    return analyze(sim.data, treatment=e.u, outcome=e.v, n_bootstrap=3, random_state=0,
                   reference={"truth": sim.graph})


def test_html_is_self_contained_with_graph_and_tables(analysis, tmp_path):
    html_path, json_path = write_report(analysis, tmp_path, command=["causalscope", "analyze", "d.csv"],
                                        created="2026-01-01T00:00:00+00:00")
    page = html_path.read_text()
    assert not re.search(r"https?://", page)
    assert not re.search(r"<(script|link|img|iframe)\b", page)
    assert '<svg id="graph"' in page and 'class="effects"' in page and 'class="edge-confidence"' in page
    assert 'class="scores"' in page and "truth" in page and 'class="profile"' in page
    assert "causalscope analyze d.csv" in page
    assert page.count('class="node"') == 5
    doc = json.loads(json_path.read_text())
    assert doc["created"] == "2026-01-01T00:00:00+00:00"
    assert doc["graph"]["nodes"] == list(analysis.graph.nodes)


def test_created_is_the_only_varying_field(analysis):
    a = render_html(analysis, created="A")
    b = render_html(analysis, created="B")
    assert a.replace("created A", "") == b.replace("created B", "")


def test_layered_layout_chain_and_collider():
    pos = layered_layout(["A", "B", "C", "D"], [("A", "C", True), ("B", "C", True), ("C", "D", False)])
    assert pos["A"][0] == pos["B"][0] == 0 and pos["C"][0] == 1 and pos["D"][0] == 0
