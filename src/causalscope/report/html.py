"""The HTML report: one self-contained file (inline CSS and SVG; no external resource; opens offline).

Sections: summary in plain words, with a caution when an effect's treatment
has no directed path to its outcome in the learned graph; the graph with its
edge confidence; the method choice with its settings and reasons; the tuning
grid; the edge-confidence table and matrix; the effects (cautions first, then
the estimates with intervals, a forest plot, the estimator's assumptions,
refutations and sensitivity in words); scores against reference graphs; how
missing values were handled and the rows each stage used; the data profile
with a small histogram or bar chart per variable; the steps; limitations; how
to reproduce (command and versions).

Graphs of up to :data:`LARGE_GRAPH_NODES` variables are drawn whole (layout in
:mod:`causalscope.report._svg`: layered by directed paths, wide layers wrapped
into rows, scaled to the page). Larger graphs are shown as a searchable
adjacency table with a drawing of the selected variable's neighbourhood
(:mod:`causalscope.report._explorer`); that view is the only part of the page
with a script: a small inline one, since a whole drawing would be unreadable
and one pre-rendered picture per variable would make the file grow with p times
the drawing. The p x p matrix of adjacency frequencies is left out for them too.
Values are written in words (:mod:`causalscope.report._text`): no dict, list or
``None`` reaches the page as Python writes it.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ._explorer import LARGE_GRAPH_NODES, explorer_html
from ._svg import forest_svg, graph_svg, histogram_svg, layered_layout, matrix_svg
from ._text import esc, flatten, humanize, sensitivity_rows, words
from .json import analysis_document

__all__ = ["render_html", "write_report", "layered_layout", "ReportPaths", "graph_path", "LARGE_GRAPH_NODES"]

logger = logging.getLogger(__name__)

_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1100px;
padding:1em 2em;color:#222;line-height:1.45}
h1{font-size:1.6em;border-bottom:2px solid #1f4e9a;padding-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;
color:#1f4e9a}table{border-collapse:collapse;margin:.5em 0;font-size:.88em}th,td{border:1px solid #ccc;
padding:3px 7px;text-align:left;vertical-align:top}th{background:#eef2f8}td.num{text-align:right;
font-variant-numeric:tabular-nums}.summary{background:#f5f8fc;border-left:4px solid #1f4e9a;padding:.6em 1em}
.caution{background:#fff6e5;border-left:4px solid #b54708;padding:.5em 1em;margin:.8em 0}
.caution b{color:#b54708}.caution ul{margin:.3em 0}
.ok{color:#1a7f37}.bad{color:#b42318}.muted{color:#666}code,pre{background:#f3f3f3;padding:1px 4px}
pre{padding:.6em;overflow-x:auto;white-space:pre-wrap}svg text{font-family:inherit}svg{max-width:100%;height:auto}
.scroll{max-height:32em;overflow:auto;border:1px solid #ddd;margin:.5em 0}.scroll table{margin:0}
.scroll thead th{position:sticky;top:0}.scroll-x{overflow-x:auto}
table.adjacency td{font-size:.95em}table.adjacency tbody tr{cursor:pointer}table.adjacency tr.sel th,
table.adjacency tr.sel td{background:#fff6e5}.f{color:#666;font-size:.85em}
#graph-search{font:inherit;padding:2px 6px;width:16em}
.dists{display:flex;flex-wrap:wrap;gap:.5em}figure.dist{margin:0;border:1px solid #e3e3e3;padding:4px 6px}
figure.dist figcaption{font-size:.8em}details{margin:.5em 0}summary{cursor:pointer;color:#1f4e9a}
"""

_PATH_WORDS = {"directed": "directed path", "possible": "possibly directed only", "none": "no directed path"}


class _Raw(str):
    """A table cell that is already HTML."""


def _num(x: Any, digits: int = 3) -> str:
    if x is None:
        return "–"
    if isinstance(x, bool):
        return "yes" if x else "no"
    if isinstance(x, (int, float)):
        if isinstance(x, float) and (math.isnan(x) or math.isinf(x)):
            return "–"
        return f"{x:.{digits}g}" if isinstance(x, float) else str(x)
    return esc(x)


def _table(headers: Sequence[str], rows: Sequence[Sequence[Any]], *, cls: str = "", digits: int = 3) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = []
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, _Raw):
                cells.append(f"<td>{v}</td>")
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                cells.append(f'<td class="num">{_num(v, digits)}</td>')
            elif isinstance(v, bool) or v is None:
                cells.append(f"<td>{_num(v)}</td>")
            else:
                cells.append(f"<td>{esc(v)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f'<table class="{cls}"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


def _list(items: Sequence[Any], cls: str = "") -> str:
    items = [x for x in items if x not in (None, "")]
    if not items:
        return ""
    return f'<ul class="{cls}">' + "".join(f"<li>{esc(x)}</li>" for x in items) + "</ul>"


def _scroll(html: str, n_rows: int) -> str:
    """Long tables scroll inside a box instead of stretching the page."""
    return f'<div class="scroll">{html}</div>' if n_rows > LARGE_GRAPH_NODES else html


# ---------------------------------------------------------------------- effects
def _pair(e: Mapping[str, Any]) -> str:
    return f"{words(e.get('treatment'))} → {words(e.get('outcome'))}"


def _caution_fact(e: Mapping[str, Any]) -> str:
    """The recorded ``causal_path`` in one clause (HTML)."""
    t, y = esc(e.get("treatment")), esc(e.get("outcome"))
    if e.get("causal_path") == "none":
        return f"the learned graph has no directed path from {t} to {y}"
    return (f"the learned graph has only a possibly directed path from {t} to {y} (through undirected or "
            "circle-marked edges)")


def _caution_headline(e: Mapping[str, Any]) -> str:
    t, y = esc(e.get("treatment")), esc(e.get("outcome"))
    fact = _caution_fact(e)
    if e.get("causal_path") == "none":
        return (f"{fact[:1].upper()}{fact[1:]}: under that graph {t} does not affect {y}, and the number below is "
                "not a causal effect.")
    return f"{fact[:1].upper()}{fact[1:]}: it does not settle whether {t} affects {y} at all."


def _cautioned(e: Mapping[str, Any]) -> bool:
    """An estimated effect whose treatment has no (or only a possibly) directed path to the outcome."""
    return e.get("status") == "estimated" and e.get("causal_path") in ("none", "possible")


def _cautions(effects: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [e for e in effects if _cautioned(e)]


def _effects_html(effects: Sequence[dict[str, Any]]) -> str:
    if not effects:
        return "<p class=muted>No treatment and outcome were given, so no effect was estimated.</p>"
    out = []
    for k, e in enumerate(effects):
        if _cautioned(e):
            out.append(f'<div class="caution" id="caution-{k}" role="note"><b>Caution: {esc(_pair(e))}.</b> '
                       f"{_caution_headline(e)}{_list(e.get('notes') or [])}</div>")
    with_path = any("causal_path" in e for e in effects)
    rows = []
    for e in effects:
        path = [_PATH_WORDS.get(e.get("causal_path"), words(e.get("causal_path")) if "causal_path" in e else "–")]  # type: ignore[arg-type]  # typeshed: dict.get's key must be str
        if e.get("status") == "estimated":
            level = f" ({1 - float(e.get('alpha', 0.05)):.0%})"
            rows.append([e.get("treatment"), e.get("outcome"), *(path if with_path else []), e.get("target"),
                         e.get("estimate"), e.get("std_error"),
                         f"{_num(e.get('ci_low'))} to {_num(e.get('ci_high'))}{level}", e.get("n"), e.get("method"),
                         e.get("estimand")])
        else:
            rows.append([e.get("treatment"), e.get("outcome"), *(path if with_path else []), None, None, None, "",
                         None, humanize(words(e.get("status"))), e.get("reason")])
    out.append(_table(["treatment", "outcome", *(["causal path in the graph"] if with_path else []), "target",
                       "estimate", "std. error", "confidence interval", "rows", "method", "estimand / reason"],
                      rows, cls="effects"))
    out.append(forest_svg(effects))
    for e in effects:
        details = []
        if e.get("notes") and not _cautioned(e):
            details.append("<p><b>Notes</b></p>" + _list(e["notes"], "notes"))
        if e.get("assumptions"):
            details.append(f"<p><b>Assumptions of the estimator</b> ({esc(e.get('method'))}): the estimate means "
                           "what it says only if these hold.</p>" + _list(e["assumptions"], "assumptions"))
        refs = e.get("refutations") or []
        if refs:
            details.append("<h4>Refutation checks</h4><p class=muted>They probe the estimate under the learned "
                           "graph (a placebo, an added random cause, a subset of rows, ...); passing them does not "
                           "show that the graph, or the causal reading of the estimate, is right.</p>")
            details.append(_table(["check", "passed", "statistic", "p-value", "detail"],
                                  [[humanize(words(r.get("name"))), r.get("passed"), r.get("statistic"),
                                    r.get("p_value"), r.get("detail")] for r in refs], cls="refutations"))
        sens = e.get("sensitivity") or {}
        if sens:
            srows, notes = sensitivity_rows(sens, float(e.get("alpha", 0.05)))
            details.append("<h4>Sensitivity to unmeasured confounding</h4>")
            details.append(_table(["measure", "value", "what it means"],
                                  [[label, value if isinstance(value, (int, float, type(None))) else words(value),
                                    expl] for label, value, expl in srows], cls="sensitivity"))
            if notes:
                details.append("<p class=muted>How these were computed:</p>" + _list(notes, "sensitivity-notes"))
        if details:
            out.append(f"<h3>Effect of {esc(e.get('treatment'))} on {esc(e.get('outcome'))}</h3>" + "".join(details))
    return "".join(out)


# ---------------------------------------------------------------------- other sections
def _graph_html(a: Any) -> str:
    g, conf = a.graph, a.confidence
    p = len(g.nodes)
    freq = ("Edge colour and width: how often the pair was adjacent over the resamples (grey = rarely, dark blue = "
            "always); the number on each edge is that frequency; hover over an edge for the frequency of each "
            "orientation. " if conf is not None else "Single fit: no resampling, so no edge frequencies. ")
    edges_text = "; ".join(str(e) for e in g.edges) or "none"
    if p <= LARGE_GRAPH_NODES:
        return (f"<p>{esc(g.kind.upper())} with {p} variables and {g.n_edges} edges. {freq}Dashed edges are "
                "bidirected (latent confounding); a small circle is an undetermined mark. Sources are on top; a "
                "wide layer is wrapped over several rows.</p>" + graph_svg(g, conf)
                + f"<p>Edges: <code>{esc(edges_text)}</code></p>")
    selected = (getattr(a, "settings", None) or {}).get("treatment")
    return (f"<p>{esc(g.kind.upper())} with {p} variables and {g.n_edges} edges.</p>"
            + explorer_html(g, conf, selected=selected)
            + f"<details><summary>All {g.n_edges} edges in graph notation</summary><p><code>{esc(edges_text)}"
              "</code></p></details>")


def _method_html(a: Any, doc: Mapping[str, Any]) -> str:
    method = doc.get("method") or {}
    params = flatten(method.get("parameters") or {})
    fixed = flatten(method.get("fixed_parameters") or {})
    tuned = set(((a.tuning or {}).get("chosen") or {}).keys())
    out = [f"<p><b>{esc(a.choice.algorithm)}</b> (rule: {esc(words(a.choice.rule).replace('_', ' '))}) with "
           + ("the settings below.</p>" if params else "its default settings.</p>")]
    if params:
        out.append(_table(["setting", "value", "how it was set"],
                          [[name, words(value), "tuned (see Tuning)" if name.rsplit(".", 1)[-1] in tuned
                            else "chosen by the rule" if name in fixed else ""] for name, value in params.items()],
                          cls="parameters"))
    out.append(_list(a.choice.reasons, "reasons"))
    if a.tuning:
        t = a.tuning
        grid = method.get("tune_grid")
        out.append(f"<h3>Tuning</h3><p>{esc(t.get('reason'))} Criterion: {esc(t.get('criterion'))} "
                   f"({'higher' if t.get('higher_is_better') else 'lower'} is better)."
                   + (f" Grid: {esc(grid)}." if grid else "") + "</p>")
        out.append(_table(["setting", "criterion", "mean edges", "chosen"],
                          [[", ".join(f"{k} = {words(v)}" for k, v in flatten(r.get("parameters") or {}).items()),
                            r.get("value"), r.get("n_edges"), r.get("parameters") == t.get("chosen")]
                           for r in t.get("tried") or []], cls="tuning", digits=5))
    return "".join(out)


def _confidence_html(a: Any) -> str:
    c = a.confidence
    if c is None:
        return "<p class=muted>No bootstrap was run (see the steps below).</p>"
    out = [f"<p>{c.n_replicates} resamples ({esc(c.resampling)}, {c.sample_fraction:.0%} of the rows each; "
           f"{c.n_failed} failed). A pair is kept when adjacent in at least {a.choice.threshold:.0%} of them.</p>"]
    kept = {frozenset((e.u, e.v)) for e in a.graph.edges}
    pairs = c.pairs()
    out.append(_scroll(_table(["pair", "adjacency frequency", "edge types (frequency)", "in final graph"],
                              [[" – ".join(p["nodes"]), p["adjacency"],
                                ", ".join(f"{k} {v:.2f}" for k, v in p["edges"].items()),
                                frozenset(p["nodes"]) in kept] for p in pairs], cls="edge-confidence"), len(pairs)))
    p = len(c.nodes)
    if p <= LARGE_GRAPH_NODES:
        out.append("<h3>Adjacency frequency matrix</h3>" + matrix_svg(c))
    else:
        out.append(f'<p class="muted" id="no-matrix">The {p} × {p} adjacency-frequency matrix is not drawn for more '
                   f"than {LARGE_GRAPH_NODES} variables (it would have {p * p} cells); the table above lists every "
                   "pair that was adjacent in at least one resample.</p>")
    return "".join(out)


def _missing_html(analysis: Any) -> str:
    """How missing values were handled and the rows each stage used (``settings["missing"]``)."""
    miss = (getattr(analysis, "settings", None) or {}).get("missing")
    if not miss:
        return "<p class=muted>Not recorded.</p>"
    rows = miss.get("rows") or {}
    if miss.get("strategy") == "none":
        return f"<p>No missing values: every stage used all {esc(miss.get('n_rows'))} rows.</p>"
    out = [f"<p>{esc(miss.get('reason', ''))}</p>"]
    table = [["profile", rows.get("profile")], ["discovery", rows.get("discovery")],
             ["tuning", rows.get("tuning")], ["resampling", rows.get("bootstrap")]]
    table += [[f"effect of {words(e.get('treatment'))} on {words(e.get('outcome'))}", e.get("rows") or "not estimated"]
              for e in rows.get("effects", [])]
    out.append(_table(["stage", "rows used"], table, cls="rows-used"))
    return "".join(out)


def _profile_html(pr: Any) -> str:
    if pr is None:
        return "<p class=muted>The data were not profiled (see the steps below).</p>"
    s = [f"<p>{pr.n_samples} rows, {pr.n_variables} variables; regime: {esc(pr.regime.size_class)} "
         f"(n/p = {pr.regime.n_over_p:.3g}).</p>"]
    s.append(_table(["flag", "value", "statistic", "threshold", "rule"],
                    [[humanize(f.name), "not assessed" if f.value is None else f.value, f.statistic, f.threshold,
                      f.rule] for f in pr.flags.values()], cls="profile"))
    s.append(_scroll(_table(["variable", "kind", "missing", "R² linear", "R² flexible", "nonlinear", "skew",
                             "excess kurtosis", "non-Gaussian", "changing"],
                            [[v.name, v.kind, v.missing_fraction, getattr(v, "r2_linear", None),
                              getattr(v, "r2_flexible", None), v.nonlinear, v.residual_skewness,
                              v.residual_excess_kurtosis, v.non_gaussian, v.changing] for v in pr.variables],
                            cls="variables"), len(pr.variables)))
    dists = getattr(pr, "distributions", None) or {}
    if dists:
        figs = '<div class="dists" id="distributions">' + "".join(histogram_svg(str(v), d) for v, d in dists.items()
                                                                   if isinstance(d, Mapping)) + "</div>"
        intro = ("<p>Observed values of each variable (missing values left out): a continuous variable in "
                 "equal-width bins from its smallest to its largest value, a categorical one as a bar per level "
                 "(at most the 20 most frequent, the rest in a grey bar). Hover for the counts.</p>")
        if len(dists) > LARGE_GRAPH_NODES:
            s.append(f"<h3>Distributions</h3>{intro}<details><summary>Show the distribution of each of the "
                     f"{len(dists)} variables</summary>{figs}</details>")
        else:
            s.append(f"<h3>Distributions</h3>{intro}{figs}")
    if pr.notes:
        s.append(_list(pr.notes))
    return "".join(s)


def render_html(analysis: Any, *, command: Sequence[str] | str | None = None, created: str | None = None,
                title: str = "causalscope analysis") -> str:
    """The report as one HTML string (inline CSS and SVG; a small inline script only for large graphs).

    Examples
    --------
    >>> from causalscope.datasets import simulate
    >>> from causalscope.pipeline import analyze
    >>> res = analyze(simulate(4, 300, noise="uniform", random_state=0).data, n_bootstrap=3)
    >>> page = render_html(res, created="2026-01-01T00:00:00+00:00")
    >>> page.startswith("<!DOCTYPE html>"), "<svg" in page, "https://" in page, "<script" in page
    (True, True, False, False)
    """
    if getattr(analysis, "kind", None) == "timeseries":
        return _render_series_html(analysis, command=command, created=created, title=title)
    doc = analysis_document(analysis, command=command, created=created)
    a = analysis
    s: list[str] = [
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head><body>',
        f"<h1>{esc(title)}</h1>",
        f'<p class="summary" id="summary">{esc(a.summary())}</p>',
    ]
    for e in _cautions(a.effects):
        then = ("so the number reported for them is not a causal effect under that graph" if e.get("causal_path")
                == "none" else "so that graph does not settle whether the number reported for them is causal")
        s.append(f'<p class="caution" role="note"><b>Caution:</b> {_caution_fact(e)}, {then}. '
                 '<a href="#effects-section">Read the caution in Effects</a> before the numbers.</p>')
    s.append("<h2 id=graph-section>Learned graph</h2>" + _graph_html(a))
    s.append("<h2>Method choice</h2>" + _method_html(a, doc))
    s.append("<h2>Edge confidence</h2>" + _confidence_html(a))
    s.append("<h2 id=effects-section>Effects</h2>" + _effects_html(a.effects))
    s.append("<h2>Scores against reference graphs</h2>")
    if a.scores:
        s.append("<p>The learned graph is scored as it is: undirected edges are not oriented toward the reference. "
                 "Arrowhead scores count only arrowheads the learned graph commits to.</p>")
        s.append(_table(["reference graph", "adjacency precision", "adjacency recall", "adjacency F1",
                         "arrowhead precision", "arrowhead recall", "arrowhead F1", "SHD", "reference edges",
                         "learned edges"],
                        [[x.get("reference"), x.get("adjacency_precision"), x.get("adjacency_recall"),
                          x.get("adjacency_f1"), x.get("arrowhead_precision"), x.get("arrowhead_recall"),
                          x.get("arrowhead_f1"), x.get("shd"), x.get("reference_edges"), x.get("learned_edges")]
                         for x in a.scores], cls="scores"))
    else:
        s.append("<p class=muted>No reference graph is known for these data.</p>")
    s.append("<h2 id=missing-section>Missing values and rows used</h2>" + _missing_html(a))
    s.append("<h2>Data profile</h2>" + _profile_html(a.profile))
    s += _closing_html(a, doc)
    return "\n".join(x for x in s if x)


def _closing_html(a: Any, doc: Mapping[str, Any]) -> list[str]:
    """The last sections of every report: steps, limitations, how to reproduce, versions, seed and time."""
    return [
        "<h2>Steps</h2>" + _table(["step", "status", "detail"], [[st.name, st.status, st.detail] for st in a.steps],
                                  cls="steps"),
        "<h2>Limitations and assumptions</h2>" + _list(list(a.limitations)),
        "<h2>How to reproduce</h2>",
        f"<pre>{esc(doc['command'] or '(called from Python: causalscope.pipeline.analyze)')}</pre>",
        _table(["package", "version"], [[k, v] for k, v in doc["versions"].items()]),
        f"<p class=muted>Seed {esc(a.settings.get('seed', 'not recorded'))}; created {esc(doc['created'])}.</p>"
        "</body></html>",
    ]


def _render_series_html(a: Any, *, command: Sequence[str] | str | None, created: str | None, title: str) -> str:
    """The report of a :class:`~causalscope.pipeline.timeseries.TimeSeriesAnalysis`: the time window of the lagged
    graph, its summary graph, the links with their confidence, the series, the tests behind the choice."""
    from ..graphs.timeseries import link_text
    from ._svg_ts import series_svg, window_svg

    doc = analysis_document(a, command=command, created=created)
    g = a.graph
    conf = a.link_confidence if a.n_bootstrap else None
    s: list[str] = [
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{esc(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_CSS}</style></head><body>',
        f"<h1>{esc(title)}</h1>",
        f'<p class="summary" id="summary">{esc(a.summary())}</p>',
        "<h2 id=graph-section>Lagged graph</h2>",
        "<p>One row per variable, one column per time slice; each link is drawn into the present (<i>t</i>) "
        "from the slice of its cause. Colour and width: the fraction of block-bootstrap resamples that found the "
        "link; the number: its strength (test statistic or coefficient). Hover for details.</p>",
        window_svg(g, conf),
        "<h3>Summary graph</h3><p>An edge X → Y when some lag of X causes Y (self-links left out); X ↔ Y "
        "(dashed, arrowheads at both ends) when the links go both ways across lags or a contemporaneous pair is "
        "confounded; other contemporaneous links keep their marks. The links table says which.</p>",
        graph_svg(g.summary_graph(), None, svg_id="summary-graph"),
    ]
    rows = []
    for (src, lag, tgt), mark in sorted(g.links.items(), key=lambda kv: (kv[0][2], kv[0][1], kv[0][0])):
        text = link_text((src, lag, tgt), mark)
        rows.append([text, g.strength.get((src, lag, tgt)), g.p_value.get((src, lag, tgt)),
                     None if conf is None else conf.get(text, 0.0)])
    s.append("<h2>Links</h2>" + _scroll(_table(["link", "strength", "p-value", "resample frequency"], rows,
                                               cls="links"), len(rows)))
    s.append("<h2>Method choice</h2>" + _list(list(a.choice.reasons)))
    s.append("<h2>Series</h2>" + "".join(series_svg(v, a.series.values[:, j], a.series.time)
                                         for j, v in enumerate(a.series.variables)))
    if a.profile is not None:
        s.append("<h2>Time-series profile</h2>" + _list(a.profile.facts()))
        s.append(_table(["variable", "ADF p", "KPSS p", "stationarity", "Ljung-Box p", "linearity p",
                         "normality p"],
                        [[v.name, v.adf_p, v.kpss_p, v.stationarity, v.ljung_box_p, v.linearity_p, v.normality_p]
                         for v in a.profile.variables], cls="profile"))
    if a.scores:
        s.append("<h2>Scores against reference graphs</h2>" + _table(
            ["reference graph", "link precision", "link recall", "link F1"],
            [[x.get("reference"), x.get("link_precision"), x.get("link_recall"), x.get("link_f1")] for x in a.scores],
            cls="scores"))
    s += _closing_html(a, doc)
    return "\n".join(x for x in s if x)


class ReportPaths(tuple):
    """What :func:`write_report` wrote: unpacks as ``(html, analysis_json)`` as before; ``.graph`` is graph.json.

    Attributes ``html``, ``analysis`` and ``graph`` name the three files.
    """

    html: Path
    analysis: Path
    graph: Path

    def __new__(cls, html: Path, analysis: Path, graph: Path) -> ReportPaths:
        self = super().__new__(cls, (html, analysis))
        self.html, self.analysis, self.graph = html, analysis, graph
        return self

    def __getnewargs__(self) -> tuple[Path, Path, Path]:  # pickling
        return (self.html, self.analysis, self.graph)


def graph_path(out_dir: str | Path) -> Path:
    """Where :func:`write_report` writes the final graph: ``out_dir/graph.json``."""
    return Path(out_dir) / "graph.json"


def write_report(analysis: Any, out_dir: str | Path, *, command: Sequence[str] | str | None = None,
                 created: str | None = None) -> ReportPaths:
    """Write ``report.html``, ``analysis.json`` and ``graph.json`` into ``out_dir`` (created if needed).

    ``graph.json`` is the final graph in graph JSON (``nodes``, ``edges``, ``type``), the same value as
    ``analysis.json``'s ``graph``, ready for ``causalscope identify`` or ``graph compare``.

    Returns
    -------
    ReportPaths
        Unpacks as ``(html_path, json_path)``; its ``graph`` attribute is the path of ``graph.json``.
    """
    import datetime as _dt
    import json as _json

    from .json import write_analysis_json

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    stamp = created or _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    html_path = out / "report.html"
    html_path.write_text(render_html(analysis, command=command, created=stamp), encoding="utf-8")
    json_path = write_analysis_json(analysis, out / "analysis.json", command=command, created=stamp)
    gpath = graph_path(out)
    from ..exceptions import GraphError
    from ..graphs import write_graph

    try:
        write_graph(analysis.graph, gpath)
    except GraphError as exc:  # a node name an edge string cannot hold: write the analysis.json value as it is
        logger.warning("graph.json: %s; writing the graph as recorded in analysis.json", exc)
        body = {**analysis.graph.to_dict(), "type": analysis.graph.kind}
        gpath.write_text(_json.dumps(body, indent=2) + "\n", encoding="utf-8")
    return ReportPaths(html_path, json_path, gpath)
