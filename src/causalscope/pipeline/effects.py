"""The effects stage of :func:`~causalscope.pipeline.analyze`: identify once, then estimate, on the learned graph.

:func:`effects` identifies the effect of ``treatment`` on ``outcome``
(:func:`~causalscope.identification.identify`) once, and estimates it
(:func:`~causalscope.estimation.estimate_effect`) on the rows complete in the
columns the estimator reads, with refutations and sensitivity (under a budget,
only what fits). :func:`causal_path` says whether the graph lets the treatment
cause the outcome at all.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from ..exceptions import CausalScopeError, NotIdentifiableError
from ..graphs import MixedGraph
from .missing import complete_rows
from .stages import StageResult, Step, one_line, refuters

__all__ = ["Effects", "effects", "estimate_one", "causal_path", "path_notes", "effect_columns"]


def effect_columns(ident: Any, graph: MixedGraph, frame: pd.DataFrame, treatment: str, outcome: str) -> list[str]:
    """The columns the estimator reads: treatment, outcome and the adjustment set or mediators; else every variable."""
    if ident.method in ("adjustment", "backdoor") and ident.adjustment_set is not None:
        extra = sorted(ident.adjustment_set)
    elif ident.method == "frontdoor" and ident.mediators is not None:
        extra = sorted(ident.mediators)
    else:
        extra = [v for v in graph.nodes if v in frame.columns and v not in (treatment, outcome)]
    return [treatment, outcome, *[c for c in extra if c in frame.columns]]


def causal_path(graph: MixedGraph, treatment: str, outcome: str) -> str:
    """Whether the graph lets ``treatment`` cause ``outcome``: ``"directed"``, ``"possible"`` or ``"none"``.

    ``"directed"``: a directed path ``treatment --> ... --> outcome``. ``"possible"``: no
    directed path, but a possibly directed one (every edge on it has no arrowhead at the
    end nearer the treatment: ``-->``, ``---``, ``o->`` or ``o-o``), so some member of the
    class has a directed path. ``"none"``: in no member of the class is the outcome a
    descendant of the treatment, so the causal effect is zero under the graph.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> g = parse_graph("A --> B; B --- C; D --> A", kind="cpdag")
    >>> causal_path(g, "A", "B"), causal_path(g, "A", "C"), causal_path(g, "B", "D")
    ('directed', 'possible', 'none')
    """
    from ..graphs.base import Endpoint

    if outcome in graph.descendants(treatment):
        return "directed"
    seen, stack = {treatment}, [treatment]
    while stack:
        v = stack.pop()
        for w in graph.adjacent(v):
            if w in seen:
                continue
            if any((e.mark_u if e.u == v else e.mark_v) is not Endpoint.ARROW for e in graph.edges_between(v, w)):
                if w == outcome:
                    return "possible"
                seen.add(w)
                stack.append(w)
    return "none"


def path_notes(path: str, graph: MixedGraph, treatment: str, outcome: str) -> list[str]:
    """The effect's plain-language notes on what the learned graph says about the causal path."""
    if path == "none":
        return [f"The learned {graph.kind.upper()} has no directed path from {treatment} to {outcome}: under it "
                f"{treatment} has no effect on {outcome} (the causal effect is zero). The estimate is the association "
                "that remains after the adjustment shown; an interval that covers 0 agrees with the graph, one that "
                "does not points to a causal path the discovery missed (or to confounding)."]
    if path == "possible":
        return [f"The learned {graph.kind.upper()} has no directed path from {treatment} to {outcome}, only paths "
                "through edges it left unoriented: whether there is an effect depends on how they point."]
    return []


def _not_identified(base: dict[str, Any], exc: Exception, graph: MixedGraph) -> dict[str, Any]:
    return {**base, "status": "not_identified", "reason": " ".join(str(exc).split()), "graph_type": graph.kind}


def estimate_one(frame: pd.DataFrame, graph: MixedGraph, treatment: str, outcome: str, seed: int,
                 remaining: Callable[[], float] | None = None) -> tuple[dict[str, Any], tuple[Step, ...]]:
    """Identify and estimate one effect on the rows complete in the columns the estimator reads.

    With a budget (``remaining`` gives the seconds left) the estimate is timed first; the refutations
    (one re-estimate each) and the sensitivity analysis run only if they fit, else a skipped step says so.
    Returns the effect's dict and the steps, in order.
    """
    from ..identification import identify

    steps: list[Step] = []
    path = causal_path(graph, treatment, outcome)
    base: dict[str, Any] = {"treatment": treatment, "outcome": outcome, "causal_path": path,
                            "notes": path_notes(path, graph, treatment, outcome)}
    try:
        ident = identify(graph, treatment, outcome)
    except NotIdentifiableError as exc:
        steps.append(Step("identify", "done", f"not identified on the learned {graph.kind}: {exc}"))
        return _not_identified(base, exc, graph), tuple(steps)
    except CausalScopeError as exc:
        steps.append(Step("identify", "failed", one_line(exc)))
        return {**base, "status": "failed", "reason": one_line(exc)}, tuple(steps)
    steps.append(Step("identify", "done", str(ident)))
    if ident.method == "null_effect":
        base["notes"] = [f"The learned {graph.kind.upper()} has no directed path from {treatment} to {outcome}: under "
                         f"it {treatment} has no effect on {outcome}, so the effect is zero by the graph. No "
                         "adjustment set exists that would let the data check this, so nothing was estimated."]
    from ..estimation import estimate_effect

    cols = effect_columns(ident, graph, frame, treatment, outcome)
    ok = complete_rows(frame, cols)
    n_ok = int(ok.sum())
    rows_used = (f"all {len(frame)} rows" if n_ok == len(frame) else
                 f"the {n_ok} of {len(frame)} rows complete in {', '.join(cols)}")
    base["rows_used"] = rows_used
    data = frame if n_ok == len(frame) else frame.loc[ok].reset_index(drop=True)
    if n_ok < 10:
        reason = f"only {n_ok} rows are complete in the columns the estimator needs ({', '.join(cols)}); 10 needed"
        steps.append(Step("estimate", "failed", reason))
        return {**base, "status": "failed", "reason": reason, "identification": str(ident)}, tuple(steps)

    def run(refute: bool, sensitivity: bool) -> Any:
        return estimate_effect(data, graph, treatment=treatment, outcome=outcome, random_state=seed, n_jobs=1,
                               refute=refute, sensitivity=sensitivity, identification=ident)

    try:
        if remaining is None:
            est = run(True, True)
        else:
            ts = time.perf_counter()
            est = run(False, False)
            t_est = time.perf_counter() - ts
            n_ref = len(refuters())
            left = remaining()
            if left >= (1 + n_ref) * t_est:
                est = run(True, True)
            else:
                skipped = f"the {n_ref} refutations ({n_ref} re-estimates of about {t_est:.2g} s each)"
                if left >= t_est:
                    est = run(False, True)
                else:
                    skipped += " and the sensitivity analysis"
                steps.append(Step("refute", "skipped", f"budget: {skipped} would not fit in the "
                                                       f"{max(left, 0.0):.2g} s left"))
    except NotIdentifiableError as exc:
        steps.append(Step("estimate", "done", f"not identified: {exc}"))
        return _not_identified(base, exc, graph), tuple(steps)
    except CausalScopeError as exc:
        steps.append(Step("estimate", "failed", one_line(exc)))
        return {**base, "status": "failed", "reason": one_line(exc), "identification": str(ident)}, tuple(steps)
    steps.append(Step("estimate", "done", f"{est.method}: {est.estimate:.4g} on {rows_used}"))
    return {**est.to_dict(), **base, "status": "estimated", "identification": str(ident), "alpha": 0.05}, tuple(steps)


@dataclass(frozen=True)
class Effects(StageResult):
    """One dict per requested effect (EFFECT.json shape plus ``status``), with the steps."""

    effects: tuple[dict[str, Any], ...]


def effects(frame: pd.DataFrame, graph: MixedGraph, *, treatment: str | None, outcome: str | None, seed: int,
            remaining: Callable[[], float] | None) -> Effects:
    """Identify and estimate the effect of ``treatment`` on ``outcome`` on ``graph`` (none when not asked)."""
    if treatment is None or outcome is None:
        return Effects(())
    effect, steps = estimate_one(frame, graph, treatment, outcome, seed, remaining)
    return Effects((effect,), steps=steps)
