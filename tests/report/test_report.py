"""The HTML report, analysis.json and graph.json: self-contained (no http(s) resource), with the graph SVG and
tables, JSON keys of the CLI contract; the layout checked on a chain whose layers are known; cautions on effects
whose treatment has no directed path to the outcome; values in words (no Python repr on the page); the large-graph
view (table, script, size bound) on an 80-node graph; per-variable distributions."""

from __future__ import annotations

import dataclasses
import html as _html
import json
import re

import pytest

from causalscope.datasets import simulate
from causalscope.graphs import read_graph
from causalscope.pipeline import analyze
from causalscope.report import LARGE_GRAPH_NODES, render_html, write_report
from causalscope.report._explorer import neighbour_table
from causalscope.report._svg import MAX_SVG_WIDTH, graph_svg
from causalscope.report.html import layered_layout


@pytest.fixture(scope="module")
def analysis():
    sim = simulate(5, 500, mechanism="linear", noise="uniform", random_state=1)
    e = next(iter(sim.graph.edges))
    return analyze(sim.data, treatment=e.u, outcome=e.v, n_bootstrap=3, random_state=0,
                   reference={"truth": sim.graph})


@pytest.fixture(scope="module")
def tuned():
    """GES on Gaussian data: tuned score_params (a nested dict) and an effect the CPDAG leaves unidentified."""
    sim = simulate(10, 400, random_state=2)
    e = next(iter(sim.graph.edges))
    return analyze(sim.data, treatment=e.u, outcome=e.v, n_bootstrap=3, random_state=0)


def _visible(page: str) -> str:
    """The text a reader sees: scripts, styles and tags removed, entities decoded."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return _html.unescape(re.sub(r"<[^>]+>", " ", page))


def _with_effects(res, *effects):
    return dataclasses.replace(res, effects=tuple(effects))


def _estimated(res, **extra):
    base = next(e for e in res.effects if e.get("status") == "estimated")
    return {**base, **extra}


def test_html_is_self_contained_with_graph_and_tables(analysis, tmp_path):
    html_path, json_path = write_report(analysis, tmp_path, command=["causalscope", "analyze", "d.csv"],
                                        created="2026-01-01T00:00:00+00:00")
    page = html_path.read_text()
    assert not re.search(r"https?://", page)
    assert not re.search(r"<(script|link|img|iframe)\b", page)  # small graphs: no script at all
    assert '<svg id="graph"' in page and 'class="effects"' in page and 'class="edge-confidence"' in page
    assert 'class="scores"' in page and "truth" in page and 'class="profile"' in page
    assert "causalscope analyze d.csv" in page
    assert page.count('class="node"') == 5
    doc = json.loads(json_path.read_text())
    assert doc["created"] == "2026-01-01T00:00:00+00:00"
    assert doc["graph"]["nodes"] == list(analysis.graph.nodes)


def test_graph_json_is_written_next_to_the_report(analysis, tmp_path):
    paths = write_report(analysis, tmp_path, created="2026-01-01T00:00:00+00:00")
    html_path, json_path = paths  # unpacks as before
    assert paths.html == html_path and paths.analysis == json_path and paths.graph == tmp_path / "graph.json"
    body = json.loads(paths.graph.read_text())
    doc = json.loads(json_path.read_text())
    assert body == doc["graph"] and body["type"] == analysis.graph.kind
    assert read_graph(paths.graph) == analysis.graph


def test_created_is_the_only_varying_field(analysis):
    a = render_html(analysis, created="A")
    b = render_html(analysis, created="B")
    assert a.replace("created A", "") == b.replace("created B", "")


def test_layered_layout_chain_and_collider():
    pos = layered_layout(["A", "B", "C", "D"], [("A", "C", True), ("B", "C", True), ("C", "D", False)])
    assert pos["A"][0] == pos["B"][0] == 0 and pos["C"][0] == 1 and pos["D"][0] == 0


def test_layout_wraps_a_graph_with_few_directed_edges():
    # 45 nodes, 4 directed and 10 undirected edges (21 nodes without any edge): unwrapped, the top layer
    # holds 20 nodes and the isolated ones a bottom layer of 21
    nodes = [f"V{i}" for i in range(45)]
    edges = [(f"V{i}", f"V{i + 1}", False) for i in range(0, 20, 2)] + [(f"V{i}", f"V{i + 30}", True)
                                                                          for i in range(4)]
    flat = layered_layout(nodes, edges)
    assert sorted(sum(1 for r, _ in flat.values() if r == k) for k in range(3)) == [4, 20, 21]
    assert {flat[v][0] for v in nodes[34:]} == {2}  # no edge: the last layer
    pos = layered_layout(nodes, edges, max_width=8)
    rows = {}
    for v, (r, c) in pos.items():
        rows.setdefault(r, []).append(c)
    assert all(len(cs) <= 8 and sorted(cs) == list(range(len(cs))) for cs in rows.values())
    assert len(pos) == 45 and len(set(pos.values())) == 45
    # undirected neighbours mostly side by side in one row, at most one row apart; a directed edge goes down
    undirected = [(u, v) for u, v, d in edges if not d]
    assert all(abs(pos[u][0] - pos[v][0]) <= 1 for u, v in undirected)
    assert sum(pos[u][0] == pos[v][0] and abs(pos[u][1] - pos[v][1]) == 1 for u, v in undirected) >= 8
    assert all(pos[u][0] < pos[v][0] for u, v, d in edges if d)


def test_graph_svg_is_capped_in_width_and_scales(analysis):
    from causalscope.graphs import CPDAG

    g = CPDAG(nodes=[f"X{i}" for i in range(50)], edges=[f"X{i} --- X{i + 1}" for i in range(0, 48, 3)])
    svg = graph_svg(g, None)
    width = float(re.search(r'<svg id="graph"[^>]* width="([\d.]+)"', svg).group(1))
    assert width <= MAX_SVG_WIDTH and 'viewBox="0 0 ' in svg
    assert svg.count('class="node"') == 50


# ---------------------------------------------------------------------- effects
def test_effect_without_a_directed_path_gets_a_caution_before_the_numbers(analysis):
    note = "The learned graph has no directed path from T to Y: under it the effect is zero."
    eff = _estimated(analysis, causal_path="none", notes=[note],
                     assumptions=["No unmeasured confounding given the adjustment set.", "Overlap."])
    page = render_html(_with_effects(analysis, eff), created="x")
    effects = page[page.index("id=effects-section"):]
    box = re.search(r'<div class="caution" id="caution-0" role="note">(.*?)</div>', effects, re.S)
    assert box and "no directed path" in box.group(1) and _html.escape(note) in box.group(1)
    assert effects.index('class="caution"') < effects.index('class="effects"')  # before the numbers
    assert "no directed path" in _visible(page[:page.index("id=graph-section")])  # and at the top
    assert "causal path in the graph" in effects and '<ul class="assumptions">' in effects
    assert "No unmeasured confounding given the adjustment set." in effects and "hollow point" in effects


def test_possible_and_directed_paths(analysis):
    e1 = _estimated(analysis, causal_path="possible", notes=["Only through an undirected edge."])
    e2 = _estimated(analysis, causal_path="directed", notes=["A directed path exists."], assumptions=[])
    page = render_html(_with_effects(analysis, e1, e2), created="x")
    assert page.count('<div class="caution"') == 1 and "possibly directed" in page
    assert "A directed path exists." in page and "directed path" in _visible(page)


def test_old_effect_dicts_without_the_new_keys_render(analysis):
    eff = {k: v for k, v in _estimated(analysis).items() if k not in ("causal_path", "notes", "assumptions")}
    page = render_html(_with_effects(analysis, eff, {"treatment": "A", "outcome": "B", "status": "not_identified",
                                                     "reason": "no adjustment set"}), created="x")
    assert 'class="caution"' not in page and "causal path in the graph" not in page
    assert "Not identified" in page and "no adjustment set" in page


def test_sensitivity_is_written_in_words(analysis):
    page = render_html(analysis, created="x")
    text = _visible(page)
    for label in ("E-value (point estimate)", "E-value (confidence limit)", "Robustness value (q = 1)",
                  "Robustness value (q = 1, α = 0.05)", "Partial R² of the treatment with the outcome"):
        assert label in text
    for raw in ("e_value_ci", "robustness_value_alpha", "partial_r2", "t_statistic"):
        assert raw not in text
    assert '<ul class="sensitivity-notes">' in page


def test_method_parameters_as_a_table(tuned):
    page = render_html(tuned, created="x")
    table = re.search(r'<table class="parameters">.*?</table>', page, re.S).group(0)
    assert "score_params.penalty_discount" in table and "tuned (see Tuning)" in table
    assert "{" not in _visible(table)


@pytest.mark.parametrize("which", ["analysis", "tuned", "tuned-report-only",
                                   "large", "effects"])
def test_no_python_repr_reaches_the_page(which, analysis, tuned, large):
    res = {"analysis": analysis, "tuned": tuned, "large": large,
           "tuned-report-only": dataclasses.replace(tuned, steps=tuple(s for s in tuned.steps if s.name != "tune")),
           "effects": _with_effects(analysis, _estimated(analysis, causal_path="none", notes=["n"],
                                                         assumptions=["a"]))}[which]
    text = _visible(render_html(res, created="x"))
    for bad in ("{'", "['", "('", '{"', '["'):
        assert bad not in text, (bad, text[max(0, text.index(bad) - 80):text.index(bad) + 80])
    for word in ("None", "True", "False", "nan"):
        m = re.search(rf"\b{word}\b", text)
        assert m is None, (word, text[max(0, m.start() - 80):m.end() + 80])


# ---------------------------------------------------------------------- large graphs
def test_large_graph_is_a_searchable_table_with_a_script(large, tmp_path):
    p = len(large.graph.nodes)
    assert p > LARGE_GRAPH_NODES
    html_path, _ = write_report(large, tmp_path, created="2026-01-01T00:00:00+00:00")
    page = html_path.read_text()
    assert not re.search(r"https?://", page) and not re.search(r"<(link|img|iframe)\b", page)
    assert 'id="adjacency-table"' in page and 'id="graph-search"' in page and '<svg id="neighbourhood"' in page
    assert page.count("<script") == 2 and '<svg id="graph"' not in page
    assert 'id="confidence-matrix"' not in page and 'id="no-matrix"' in page and 'class="edge-confidence"' in page
    body = page[page.index('<table class="adjacency"'):]
    body = body[:body.index("</table>")]
    assert body.count("<tr data-v=") == p
    data = json.loads(re.search(r'<script type="application/json" id="graph-data">(.*?)</script>', page,
                                re.S).group(1))
    assert data["nodes"] == list(large.graph.nodes) and len(data["edges"]) == large.graph.n_edges
    assert data["selected"] in data["nodes"]
    # the file grows with p (and the edges), not with p²
    assert len(page.encode()) < 1500 * p + 40_000, len(page.encode())


def test_neighbour_table_lists_parents_and_children(large):
    t = neighbour_table(large.graph)
    for e in large.graph.edges:
        assert (e.u, "<--") in t[e.v]["parents"] and (e.v, "-->") in t[e.u]["children"]
    assert sum(len(r["parents"]) for r in t.values()) == large.graph.n_edges


def test_large_graph_script_data_cannot_close_the_script():
    from causalscope.graphs import DAG
    from causalscope.report._explorer import graph_data

    text = graph_data(DAG(edges=["a</script><b --> c&d"]), None)
    assert "</script" not in text and "<" not in text
    assert json.loads(text)["nodes"] == ["a</script><b", "c&d"]


# ---------------------------------------------------------------------- profile
def test_distribution_plots_per_variable(analysis):
    page = render_html(analysis, created="x")
    dists = page[page.index('id="distributions"'):]
    assert dists.count('<figure class="dist">') == len(analysis.profile.variables)
    assert dists.count('<svg class="hist"') == len(analysis.profile.variables)


def test_distributions_of_categorical_variables(tmp_path):
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=300), "c": rng.choice(list("abc"), 300),
                          "b": rng.integers(0, 2, 300)})
    frame["y"] = frame["x"] + (frame["c"] == "a") + rng.normal(size=300)
    res = analyze(frame, n_bootstrap=3, random_state=0)
    page = render_html(res, created="x")
    dists = page[page.index('id="distributions"'):]
    assert dists.count('<figure class="dist">') == 4
    assert "<title>a: " in dists and "<title>b: " in dists  # one bar per level, with its count


def test_profile_without_distributions_still_renders(analysis):
    prof = dataclasses.replace(analysis.profile, distributions={})
    page = render_html(dataclasses.replace(analysis, profile=prof), created="x")
    assert 'id="distributions"' not in page and 'class="profile"' in page


def test_unidentified_effect_notes_are_a_list_not_a_caution(analysis):
    eff = {"treatment": "A", "outcome": "B", "status": "not_identified", "reason": "not adjustment amenable",
           "causal_path": "possible", "notes": ["The CPDAG leaves the direction of A --- B open."]}
    page = render_html(_with_effects(analysis, eff), created="x")
    assert 'class="caution"' not in page and "possibly directed only" in page
    assert '<ul class="notes"><li>The CPDAG leaves the direction of A --- B open.</li></ul>' in page
