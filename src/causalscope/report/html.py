"""The HTML report: one self-contained file (inline CSS and SVG, no script, no external resource).

Sections: summary in plain words; the graph drawn with its edge confidence;
the method choice with its reasons; the tuning grid; the edge-confidence table
and matrix; the effects with intervals, refutations and sensitivity (and a
forest plot); scores against reference graphs; how missing values were
handled and the rows each stage used; the data profile; what was skipped;
limitations; how to reproduce (command and versions).

The graph layout is computed here: nodes are placed in layers by the longest
directed path reaching them (sources on top; undirected and bidirected edges do
not constrain), then each layer is ordered by the mean position of its
neighbours in the layer above (one barycentre sweep, Sugiyama et al. 1981).
"""

from __future__ import annotations

import html as _html
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .json import analysis_document

__all__ = ["render_html", "write_report", "layered_layout"]

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1100px;
padding:1em 2em;color:#222;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #1f4e9a;padding-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;
color:#1f4e9a}table{border-collapse:collapse;margin:.5em 0;font-size:.88em}th,td{border:1px solid #ccc;
padding:3px 7px;text-align:left;vertical-align:top}th{background:#eef2f8}td.num{text-align:right;
font-variant-numeric:tabular-nums}.summary{background:#f5f8fc;border-left:4px solid #1f4e9a;padding:.6em 1em}
.ok{color:#1a7f37}.bad{color:#b42318}.muted{color:#666}code,pre{background:#f3f3f3;padding:1px 4px}
pre{padding:.6em;overflow-x:auto;white-space:pre-wrap}svg text{font-family:inherit}
"""


def _e(x: Any) -> str:
    return _html.escape("" if x is None else str(x))


def _num(x: Any, digits: int = 3) -> str:
    if x is None:
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, (int, float)):
        if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
            return "–"
        return f"{x:.{digits}g}" if isinstance(x, float) else str(x)
    return _e(x)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, cls: str = "") -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append(f'<td class="num">{_num(v)}</td>')
            elif isinstance(v, bool) or v is None:
                cells.append(f"<td>{_num(v)}</td>")
            else:
                cells.append(f"<td>{_e(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


# ---------------------------------------------------------------------- layout
def layered_layout(nodes: Sequence[str], edges: Sequence[tuple[str, str, bool]]) -> dict[str, tuple[int, int]]:
    """(layer, position) of each node: longest directed path from a source, then one barycentre sweep.

    ``edges`` are ``(u, v, directed)``; directed means ``u --> v``. A directed
    cycle (not expected in a learned graph) is broken by ignoring the edges that
    close it in node order.

    Examples
    --------
    >>> layered_layout(["A", "B", "C"], [("A", "B", True), ("B", "C", True)])
    {'A': (0, 0), 'B': (1, 0), 'C': (2, 0)}
    """
    layer = {v: 0 for v in nodes}
    directed = [(u, v) for u, v, d in edges if d]
    for _ in range(len(nodes)):  # Bellman-Ford style relaxation, at most p rounds
        changed = False
        for u, v in directed:
            if layer[v] < layer[u] + 1 and layer[u] + 1 < len(nodes):
                layer[v] = layer[u] + 1
                changed = True
        if not changed:
            break
    neighbours: dict[str, list[str]] = {v: [] for v in nodes}
    for u, v, _ in edges:
        neighbours[u].append(v)
        neighbours[v].append(u)
    by_layer: dict[int, list[str]] = {}
    for v in nodes:
        by_layer.setdefault(layer[v], []).append(v)
    pos: dict[str, tuple[int, int]] = {}
    for k in sorted(by_layer):
        members = by_layer[k]
        if k > 0:
            def bary(v: str) -> float:
                above = [pos[u][1] for u in neighbours[v] if u in pos]
                return sum(above) / len(above) if above else math.inf
            members = sorted(members, key=lambda v: (bary(v), nodes.index(v)))
        for i, v in enumerate(members):
            pos[v] = (k, i)
    return pos


def _colour(freq: float) -> str:
    """Grey (low confidence) to dark blue (always found)."""
    t = min(max((freq - 0.3) / 0.7, 0.0), 1.0)
    a, b = (190, 190, 190), (31, 78, 154)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def _graph_svg(analysis: Any) -> str:
    g = analysis.graph
    nodes = list(g.nodes)
    conf = analysis.confidence
    edges = [(e.u, e.v, e.is_directed) for e in g.edges]
    pos = layered_layout(nodes, edges)
    n_layers = max(p[0] for p in pos.values()) + 1
    widest = max(sum(1 for p in pos.values() if p[0] == k) for k in range(n_layers))
    r = max(22, 4 + 4 * max(len(v) for v in nodes))
    dx, dy = max(2.6 * r + 30, 110), 110
    width = max(widest * dx, 300)
    height = n_layers * dy + 20
    xy: dict[str, tuple[float, float]] = {}
    for v, (k, i) in pos.items():
        count = sum(1 for p in pos.values() if p[0] == k)
        off = (width - count * dx) / 2
        xy[v] = (off + (i + 0.5) * dx + (12 if k % 2 else 0), 20 + (k + 0.5) * dy)
    parts = [
        f'<svg id="graph" role="img" aria-label="learned causal graph" '
        f'width="{width:.0f}" height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}">',
        "<defs>",
    ]
    colours = {}
    for e in g.edges:
        f = conf.adjacency(e.u, e.v) if conf is not None else 1.0
        colours[(e.u, e.v)] = (f, _colour(f))
    used = sorted({c for _, c in colours.values()})
    mid = {c: k for k, c in enumerate(used)}
    for c, k in mid.items():
        parts.append(f'<marker id="arr{k}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
                     f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>')
    parts.append("</defs>")
    for e in g.edges:
        (x1, y1), (x2, y2) = xy[e.u], xy[e.v]
        d = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / d, (y2 - y1) / d
        sx, sy, tx, ty = x1 + ux * r, y1 + uy * r, x2 - ux * r, y2 - uy * r
        f, col = colours[(e.u, e.v)]
        k = mid[col]
        mu, mv = e.mark_u.value, e.mark_v.value
        start = f' marker-start="url(#arr{k})"' if mu == "arrow" else ""
        end = f' marker-end="url(#arr{k})"' if mv == "arrow" else ""
        title = f"{e}: adjacent in {f:.0%} of the resamples" if conf is not None else f"{e} (single fit)"
        if conf is not None:
            pair = next((p for p in conf.pairs() if set(p["nodes"]) == {e.u, e.v}), None)
            if pair:
                title += "; " + ", ".join(f"{t} {q:.0%}" for t, q in pair["edges"].items())
        dash = ' stroke-dasharray="6,4"' if mu == "arrow" and mv == "arrow" else ""
        parts.append(f'<g class="edge"><title>{_e(title)}</title><line x1="{sx:.1f}" y1="{sy:.1f}" x2="{tx:.1f}" '
                     f'y2="{ty:.1f}" stroke="{col}" stroke-width="{1 + 2.5 * f:.2f}"{dash}{start}{end}/>')
        for mark, (cx, cy), sgn in ((mu, (sx, sy), 1), (mv, (tx, ty), -1)):
            if mark == "circle":
                parts.append(f'<circle cx="{cx + sgn * ux * 5:.1f}" cy="{cy + sgn * uy * 5:.1f}" r="4.5" fill="white" '
                             f'stroke="{col}" stroke-width="1.5"/>')
        if conf is not None:
            lx, ly = (sx + tx) / 2, (sy + ty) / 2
            parts.append(f'<text x="{lx + 4:.1f}" y="{ly - 4:.1f}" font-size="11" fill="#333">{f:.2f}</text>')
        parts.append("</g>")
    for v in nodes:
        x, y = xy[v]
        parts.append(f'<g class="node"><title>{_e(v)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" '
                     f'fill="#eef2f8" stroke="#1f4e9a" stroke-width="1.5"/><text x="{x:.1f}" y="{y + 4:.1f}" '
                     f'text-anchor="middle" font-size="13">{_e(v)}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def _matrix_svg(analysis: Any) -> str:
    conf = analysis.confidence
    nodes = list(conf.nodes)
    adj = conf.adjacency_matrix().to_numpy()
    cell, pad = 26, 8 + 7 * max(len(v) for v in nodes)
    size = pad + cell * len(nodes) + 4
    parts = [f'<svg id="confidence-matrix" width="{size}" height="{size}" '
             f'viewBox="0 0 {size} {size}" role="img" aria-label="adjacency frequency matrix">']
    for i, v in enumerate(nodes):
        parts.append(f'<text x="{pad - 4}" y="{pad + i * cell + cell * 0.65:.1f}" text-anchor="end" font-size="11">{_e(v)}</text>')
        parts.append(f'<text x="{pad + i * cell + cell / 2:.1f}" y="{pad - 4}" text-anchor="start" font-size="11" '
                     f'transform="rotate(-45 {pad + i * cell + cell / 2:.1f} {pad - 4})">{_e(v)}</text>')
        for j in range(len(nodes)):
            f = float(adj[i, j])
            fill = "#ffffff" if i == j else _colour(f) if f > 0 else "#f7f7f7"
            parts.append(f'<rect x="{pad + j * cell}" y="{pad + i * cell}" width="{cell - 1}" height="{cell - 1}" '
                         f'fill="{fill}"><title>{_e(v)} – {_e(nodes[j])}: {f:.2f}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def _forest_svg(effects: Sequence[dict[str, Any]]) -> str:
    est = [e for e in effects if e.get("status") == "estimated" and e.get("ci_low") is not None]
    if not est:
        return ""
    lo = min(min(e["ci_low"], e["estimate"], 0.0) for e in est)
    hi = max(max(e["ci_high"], e["estimate"], 0.0) for e in est)
    span = (hi - lo) or 1.0
    w, left, row = 640, 170, 30
    h = row * len(est) + 40

    def sx(x: float) -> float:
        return left + (x - lo) / span * (w - left - 20)

    parts = [f'<svg id="forest" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
             'role="img" aria-label="effect forest plot">',
             f'<line x1="{sx(0):.1f}" y1="5" x2="{sx(0):.1f}" y2="{h - 25}" stroke="#999" stroke-dasharray="3,3"/>']
    for k, e in enumerate(est):
        y = 20 + k * row
        parts.append(f'<text x="5" y="{y + 4}" font-size="12">{_e(e["treatment"])} → {_e(e["outcome"])}</text>'
                     f'<line x1="{sx(e["ci_low"]):.1f}" y1="{y}" x2="{sx(e["ci_high"]):.1f}" y2="{y}" stroke="#1f4e9a" '
                     f'stroke-width="2"/><circle cx="{sx(e["estimate"]):.1f}" cy="{y}" r="5" fill="#1f4e9a"/>')
    parts.append(f'<text x="{sx(lo):.1f}" y="{h - 8}" font-size="11">{lo:.3g}</text>'
                 f'<text x="{sx(hi):.1f}" y="{h - 8}" font-size="11" text-anchor="end">{hi:.3g}</text>'
                 f'<text x="{sx(0):.1f}" y="{h - 8}" font-size="11" text-anchor="middle">0</text></svg>')
    return "".join(parts)


# ---------------------------------------------------------------------- sections
def _effects_html(effects: Sequence[dict[str, Any]]) -> str:
    if not effects:
        return "<p class=muted>No treatment and outcome were given, so no effect was estimated.</p>"
    out = []
    rows = []
    for e in effects:
        if e.get("status") == "estimated":
            rows.append([e["treatment"], e["outcome"], e.get("target"), e["estimate"], e.get("std_error"),
                         f"[{_num(e.get('ci_low'))}, {_num(e.get('ci_high'))}]", e.get("method"), e.get("estimand")])
        else:
            rows.append([e["treatment"], e["outcome"], None, None, None, "", e.get("status"), e.get("reason")])
    out.append(_table(["treatment", "outcome", "target", "estimate", "std. error", "95% interval", "method",
                       "estimand / reason"], rows, cls="effects"))
    out.append(_forest_svg(effects))
    for e in effects:
        if e.get("status") != "estimated":
            continue
        refs = e.get("refutations") or []
        if refs:
            out.append(f"<h3>Refutations: {_e(e['treatment'])} → {_e(e['outcome'])}</h3>")
            out.append(_table(["check", "passed", "statistic", "p-value", "detail"],
                              [[r.get("name"), r.get("passed"), r.get("statistic"), r.get("p_value"), r.get("detail")]
                               for r in refs]))
        sens = e.get("sensitivity") or {}
        if sens:
            out.append(f"<h3>Sensitivity: {_e(e['treatment'])} → {_e(e['outcome'])}</h3>")
            out.append(_table(["measure", "value"], [[k, v if isinstance(v, (int, float, str, bool)) or v is None
                                                      else str(v)] for k, v in sens.items()]))
    return "".join(out)


def _missing_html(analysis: Any) -> str:
    """How missing values were handled and the rows each stage used (``settings["missing"]``)."""
    miss = (getattr(analysis, "settings", None) or {}).get("missing")
    if not miss:
        return "<p class=muted>Not recorded.</p>"
    rows = miss.get("rows") or {}
    if miss.get("strategy") == "none":
        return f"<p>No missing values: every stage used all {_e(miss.get('n_rows'))} rows.</p>"
    out = [f"<p>{_e(miss.get('reason', ''))}</p>"]
    table = [["profile", rows.get("profile")], ["discovery", rows.get("discovery")],
             ["tuning", rows.get("tuning")], ["resampling", rows.get("bootstrap")]]
    table += [[f"effect of {e['treatment']} on {e['outcome']}", e.get("rows") or "not estimated"]
              for e in rows.get("effects", [])]
    out.append(_table(["stage", "rows used"], table, cls="rows-used"))
    return "".join(out)


def render_html(analysis: Any, *, command: Sequence[str] | str | None = None, created: str | None = None,
                title: str = "causalscope analysis") -> str:
    """The report as one HTML string (inline CSS and SVG; no script, no external resource).

    Examples
    --------
    >>> from causalscope.datasets import simulate
    >>> from causalscope.pipeline import analyze
    >>> res = analyze(simulate(4, 300, noise="uniform", random_state=0).data, n_bootstrap=3)
    >>> page = render_html(res, created="2026-01-01T00:00:00+00:00")
    >>> page.startswith("<!DOCTYPE html>"), "<svg" in page, "https://" in page
    (True, True, False)
    """
    doc = analysis_document(analysis, command=command, created=created)
    a = analysis
    s: list[str] = [
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head><body>',
        f"<h1>{_e(title)}</h1>",
        f'<p class="summary" id="summary">{_e(a.summary())}</p>',
        "<h2 id=graph-section>Learned graph</h2>",
        f"<p>{_e(a.graph.kind.upper())} with {a.graph.n_edges} edges. Edge colour and width: how often the pair was "
        "adjacent over the resamples (grey = rarely, dark blue = always); the number on each edge is that "
        "frequency; hover over an edge for the frequency of each orientation. Dashed edges are bidirected "
        "(latent confounding); a small circle is an undetermined mark.</p>",
        _graph_svg(a),
        f"<p>Edges: <code>{_e('; '.join(str(e) for e in a.graph.edges) or 'none')}</code></p>",
        "<h2>Method choice</h2>",
        f"<p><b>{_e(a.choice.algorithm)}</b> with "
        f"{'<code>' + _e(doc['method']['parameters']) + '</code>' if doc['method']['parameters'] else 'its default settings'} "
        f"(rule: {_e(a.choice.rule)}).</p><ul>" + "".join(f"<li>{_e(r)}</li>" for r in a.choice.reasons) + "</ul>",
    ]
    if a.tuning:
        t = a.tuning
        s.append(f"<h3>Tuning</h3><p>{_e(t['reason'])} Criterion: {_e(t['criterion'])} "
                 f"({'higher' if t['higher_is_better'] else 'lower'} is better).</p>")
        s.append(_table(["setting", "criterion", "mean edges", "chosen"],
                        [[", ".join(f"{k}={v}" for k, v in r["parameters"].items()), r["value"], r["n_edges"],
                          r["parameters"] == t["chosen"]] for r in t["tried"]], cls="tuning"))
    s.append("<h2>Edge confidence</h2>")
    if a.confidence is not None:
        c = a.confidence
        s.append(f"<p>{c.n_replicates} resamples ({c.resampling}, {c.sample_fraction:.0%} of the rows each; "
                 f"{c.n_failed} failed). A pair is "
                 f"kept when adjacent in at least {a.choice.threshold:.0%} of them.</p>")
        kept = {frozenset((e.u, e.v)) for e in a.graph.edges}
        s.append(_table(["pair", "adjacency frequency", "edge types (frequency)", "in final graph"],
                        [[" – ".join(p["nodes"]), p["adjacency"],
                          ", ".join(f"{k} {v:.2f}" for k, v in p["edges"].items()), frozenset(p["nodes"]) in kept]
                         for p in a.confidence.pairs()], cls="edge-confidence"))
        s.append("<h3>Adjacency frequency matrix</h3>" + _matrix_svg(a))
    else:
        s.append("<p class=muted>No bootstrap was run (see what was skipped below).</p>")
    s.append("<h2 id=effects-section>Effects</h2>" + _effects_html(a.effects))
    s.append("<h2>Scores against reference graphs</h2>")
    if a.scores:
        s.append("<p>The learned graph is scored as it is: undirected edges are not oriented toward the reference. "
                 "Arrowhead scores count only arrowheads the learned graph commits to.</p>")
        s.append(_table(["reference graph", "adjacency precision", "adjacency recall", "adjacency F1",
                         "arrowhead precision", "arrowhead recall", "arrowhead F1", "SHD", "reference edges",
                         "learned edges"],
                        [[x["reference"], x["adjacency_precision"], x["adjacency_recall"], x["adjacency_f1"],
                          x["arrowhead_precision"], x["arrowhead_recall"], x["arrowhead_f1"], x["shd"],
                          x["reference_edges"], x["learned_edges"]] for x in a.scores], cls="scores"))
    else:
        s.append("<p class=muted>No reference graph is known for these data.</p>")
    s.append("<h2 id=missing-section>Missing values and rows used</h2>" + _missing_html(a))
    s.append("<h2>Data profile</h2>")
    if a.profile is not None:
        pr = a.profile
        s.append(f"<p>{pr.n_samples} rows, {pr.n_variables} variables; regime: {_e(pr.regime.size_class)} "
                 f"(n/p = {pr.regime.n_over_p:.3g}).</p>")
        s.append(_table(["flag", "value", "statistic", "threshold", "rule"],
                        [[f.name, f.value, f.statistic, f.threshold, f.rule] for f in pr.flags.values()], cls="profile"))
        s.append(_table(["variable", "kind", "missing", "R² linear", "R² flexible", "nonlinear", "skew",
                         "excess kurtosis", "non-Gaussian", "changing"],
                        [[v.name, v.kind, v.missing_fraction, getattr(v, "r2_linear", None),
                          getattr(v, "r2_flexible", None), v.nonlinear, v.residual_skewness,
                          v.residual_excess_kurtosis, v.non_gaussian, v.changing] for v in pr.variables]))
        if pr.notes:
            s.append("<ul>" + "".join(f"<li>{_e(n)}</li>" for n in pr.notes) + "</ul>")
    s.append("<h2>Steps</h2>" + _table(["step", "status", "detail"],
                                       [[st.name, st.status, st.detail] for st in a.steps], cls="steps"))
    s.append("<h2>Limitations and assumptions</h2><ul>" + "".join(f"<li>{_e(x)}</li>" for x in a.limitations)
             + "</ul>")
    s.append("<h2>How to reproduce</h2>")
    s.append(f"<pre>{_e(doc['command'] or '(called from Python: causalscope.pipeline.analyze)')}</pre>")
    s.append(_table(["package", "version"], [[k, v] for k, v in doc["versions"].items()]))
    s.append(f"<p class=muted>Seed {a.settings.get('seed')}; created {_e(doc['created'])}.</p></body></html>")
    return "\n".join(x for x in s if x)


def write_report(analysis: Any, out_dir: str | Path, *, command: Sequence[str] | str | None = None,
                 created: str | None = None) -> tuple[Path, Path]:
    """Write ``report.html`` and ``analysis.json`` into ``out_dir`` (created if needed); return both paths."""
    import datetime as _dt

    from .json import write_analysis_json

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = created or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    html_path = out / "report.html"
    html_path.write_text(render_html(analysis, command=command, created=stamp), encoding="utf-8")
    json_path = write_analysis_json(analysis, out / "analysis.json", command=command, created=stamp)
    return html_path, json_path
