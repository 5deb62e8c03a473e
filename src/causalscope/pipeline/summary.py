"""The plain-text summary of an :class:`~causalscope.pipeline.Analysis`: a few sentences in plain words.

:func:`analysis_summary` is what ``Analysis.summary()``, the ``summary`` field of
``analysis.json``, the HTML report and ``causalscope analyze`` print. It only reads
the analysis. It lives in the pipeline layer because ``Analysis.to_dict()`` carries
it and the pipeline may not import the report layer (``tests/test_layers.py``);
:mod:`causalscope.report` re-exports it for the renderers.
"""

from __future__ import annotations

from typing import Any

from ..graphs import MixedGraph

__all__ = ["analysis_summary", "pag_counts"]


def analysis_summary(analysis: Any) -> str:
    """A few sentences in plain words on an :class:`~causalscope.pipeline.Analysis`: method, graph, caveats,
    uncertainty, missing values, the effect, the scores and what was not done."""
    g = analysis.graph
    n_dir = sum(1 for e in g.edges if e.is_directed)
    text = [
        f"{len(analysis.variables)} variables were analysed with {analysis.choice.algorithm.upper()} "
        f"({analysis.choice.rule.replace('_', ' ')} rule).",
        f"The final graph has {g.n_edges} edges, {n_dir} of them oriented." if g.kind != "pag" else pag_counts(g),
    ]
    det = analysis.settings.get("deterministic")
    if det:
        eqs = "; ".join(r["equation"] for r in det["relations"])
        if det["policy"] == "keep":
            text.append(f"Caution: some columns are exact functions of others ({eqs}) and were kept as asked; "
                        "conditional independence tests remove true edges next to them.")
        else:
            text.append(f"Left out before discovery as exact functions of other columns: "
                        f"{', '.join(det['redundant'])} ({eqs}).")
    chk = analysis.settings.get("sufficiency_check")
    if chk and chk.get("contradicted"):
        text.append(f"Caution: {len(chk['contradicted'])} edge(s) of the graph join variables that conditional "
                    "independence tests separate (see the limitations): "
                    + ("the deterministic columns above, " if det and det["policy"] == "keep" else "")
                    + "a hidden common cause nearby, or a dependence the tests miss.")
    if analysis.confidence is not None:
        kept = [analysis.confidence.adjacency(e.u, e.v) for e in g.edges]
        if kept:
            text.append(f"Over {analysis.confidence.n_replicates} resamples of the rows the kept edges were found "
                        f"{min(kept):.0%} to {max(kept):.0%} of the time.")
    miss = analysis.settings.get("missing") or {}
    if miss.get("strategy") in ("testwise", "listwise"):
        text.append(f"{miss['n_rows'] - miss['n_complete']} of {miss['n_rows']} rows had missing values; "
                    + ("discovery used every row with test-wise deletion." if miss["strategy"] == "testwise"
                       else f"discovery used the {miss['n_complete']} complete rows."))
    for eff in analysis.effects:
        if eff.get("status") == "estimated":
            interval = (f"{1 - eff.get('alpha', 0.05):.0%} interval {eff['ci_low']:.4g} to "
                        f"{eff['ci_high']:.4g}")
            if eff.get("method") == "null_effect":
                text.append(f"The learned graph has no directed path from {eff['treatment']} to {eff['outcome']}, "
                            "so under it the effect is zero; no adjustment set lets the data check this, so it "
                            "was not estimated.")
            elif eff.get("causal_path") == "none":
                text.append(f"The learned graph has no directed path from {eff['treatment']} to "
                            f"{eff['outcome']}, so under it the effect is zero; the estimate {eff['estimate']:.4g} "
                            f"({interval}) is the association left after adjustment.")
            else:
                text.append(f"Effect of {eff['treatment']} on {eff['outcome']}: {eff['estimate']:.4g} ({interval})"
                            + (", though the learned graph orients no path between them" if
                               eff.get("causal_path") == "possible" else "") + ".")
            refs = eff.get("refutations") or []
            failed = [r.get("name") for r in refs if r.get("passed") is False]
            if refs:
                text.append(f"It passed {len(refs) - len(failed)} of {len(refs)} refutation checks"
                            + (f" (failed: {', '.join(map(str, failed))})." if failed else "."))
        else:
            text.append(f"Effect of {eff['treatment']} on {eff['outcome']}: {eff['status'].replace('_', ' ')} "
                        f"({eff.get('reason', '')}).")
    for s in analysis.scores:
        text.append(f"Against {s['reference']}: adjacency F1 {s['adjacency_f1']:.2f}, arrowhead F1 "
                    f"{s['arrowhead_f1']:.2f}, SHD {s['shd']}.")
    skipped = [s for s in analysis.steps if s.status == "failed" or (s.status == "skipped" and "budget" in s.detail)]
    if skipped:
        text.append("Not done: " + "; ".join(f"{s.name} ({s.status}: {s.detail})" for s in skipped) + ".")
    return " ".join(text)


def pag_counts(g: MixedGraph) -> str:
    """The summary's sentence on a PAG's edges by kind."""
    from ..graphs.base import Endpoint

    kinds = {"directed": 0, "bidirected": 0, "partial": 0, "open": 0}
    for e in g.edges:
        kind = ("directed" if e.is_directed else "bidirected" if e.is_bidirected
                else "partial" if Endpoint.ARROW in (e.mark_u, e.mark_v) else "open")
        kinds[kind] += 1
    return (f"The final graph is a PAG with {g.n_edges} edges: {kinds['directed']} directed (-->), "
            f"{kinds['bidirected']} bidirected (<->: an unmeasured common cause), {kinds['partial']} with one "
            f"arrowhead (o->) and {kinds['open']} with no arrowhead decided.")
