"""Inline SVG drawings of a time-series analysis: the time window of the lagged graph and the series themselves.

The *time window* (the picture tigramite users know from its time-series graph
plot) has one row per variable and one column per time slice, ``t-tau_max`` on
the left to ``t`` on the right. Every link ``X[t-k] MARK Y[t]`` of the graph is
drawn once, into the ``t`` column, from the ``X`` row at column ``t-k`` (so the
picture reads "what, and how long ago, drives each variable now"); a
contemporaneous link joins two nodes of the ``t`` column and is bent so that it
does not run through the nodes between them. Colour and width give the link's
resampling frequency (grey to dark blue, as in the graph of an i.i.d. analysis),
the label its strength (the MCI statistic or coefficient). The series plot is one
small line chart per variable, thinned to at most :data:`MAX_POINTS` points by
keeping each bucket's minimum and maximum, so a spike is never lost.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ..graphs.timeseries import link_text
from ._svg import MAX_LABEL, colour, escape, short_label

__all__ = ["window_svg", "series_svg", "MAX_POINTS"]

#: Most points drawn per series (min and max of each bucket are kept).
MAX_POINTS = 400


def _arrow_marker(k: int, fill: str) -> str:
    # fixed size in user units: the arrowheads do not grow with the stroke width of a frequent link
    return (f'<marker id="tsarr{k}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" '
            f'markerWidth="9" markerHeight="9" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" '
            f'fill="{fill}"/></marker>')


def window_svg(graph: Any, confidence: Mapping[str, float] | None = None, *, svg_id: str = "window") -> str:
    """The time window of a :class:`~causalscope.graphs.TimeSeriesGraph` as one SVG string.

    Parameters
    ----------
    graph:
        The time-series graph (``variables``, ``tau_max``, ``links``, ``strength``).
    confidence:
        Resampling frequency per lagged edge text (``"X[t-1] --> Y[t]"``), or ``None``.

    Examples
    --------
    >>> from causalscope.graphs import TimeSeriesGraph
    >>> g = TimeSeriesGraph(["X", "Y"], 2, {("X", 1, "Y"): "-->", ("Y", 1, "Y"): "-->"})
    >>> svg = window_svg(g, {"X[t-1] --> Y[t]": 0.9})
    >>> svg.startswith("<svg"), svg.count('class="link"'), "t-2" in svg
    (True, 2, True)
    """
    variables = list(graph.variables)
    if not variables:
        return '<p class="muted">The graph has no variables.</p>'
    tau_max = int(graph.tau_max)
    label_w = 16 + 7 * min(max(len(v) for v in variables), MAX_LABEL)
    dx, dy, r = 150, 58, 11
    width = label_w + (tau_max + 1) * dx + 30 + 0.35 * dy * max(len(variables) - 1, 1)
    height = 36 + len(variables) * dy
    row = {v: i for i, v in enumerate(variables)}

    def xy(name: str, lag: int) -> tuple[float, float]:
        return label_w + (tau_max - lag + 0.5) * dx, 36 + (row[name] + 0.5) * dy

    edges = graph.lagged_edges()
    freq: dict[str, float | None] = {e: (None if confidence is None else float(confidence.get(e, 0.0))) for e in edges}
    colours = {e: colour(1.0 if f is None else f) for e, f in freq.items()}
    mid = {c: k for k, c in enumerate(sorted(set(colours.values())))}
    parts = [f'<svg id="{svg_id}" role="img" aria-label="time window of the lagged graph" width="{width:.0f}" '
             f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}"><defs>']
    parts += [_arrow_marker(k, c) for c, k in mid.items()]
    parts.append("</defs>")
    for lag in range(tau_max, -1, -1):
        x, _ = xy(variables[0], lag)
        parts.append(f'<text x="{x:.1f}" y="18" text-anchor="middle" font-size="12" fill="#555">'
                     f'{"t" if lag == 0 else f"t-{lag}"}</text>')
    strength = getattr(graph, "strength", {}) or {}
    for (source, lag, target), mark in sorted(graph.links.items(), key=lambda kv: (kv[0][1], kv[0][0], kv[0][2])):
        text = link_text((source, lag, target), mark)
        (x1, y1), (x2, y2) = xy(source, lag), xy(target, 0)
        f, col = freq[text], colours[text]
        k = mid[col]
        d = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / d, (y2 - y1) / d
        curve: tuple[float, float] | None = None
        if lag == 0:  # two nodes of the t column: bend out to the right of the window
            curve = (x1 + 0.35 * abs(y2 - y1) + 20, (y1 + y2) / 2)
        elif source == target and lag > 1:  # along one row: bend up, over the nodes in between
            curve = ((x1 + x2) / 2, y1 - (0.12 * d + 14))
        elif lag > 1:  # across slices: bend off the straight line, which may run through a node in between
            bend = 0.12 * d + 10
            curve = ((x1 + x2) / 2 + uy * bend, (y1 + y2) / 2 - ux * bend)
        if curve is not None:
            cx, cy = curve
            s1, s2 = math.hypot(cx - x1, cy - y1) or 1.0, math.hypot(cx - x2, cy - y2) or 1.0
            sx, sy = x1 + (cx - x1) / s1 * r, y1 + (cy - y1) / s1 * r
            tx, ty = x2 + (cx - x2) / s2 * r, y2 + (cy - y2) / s2 * r
            path = f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {tx:.1f},{ty:.1f}"
            lx, ly = 0.25 * sx + 0.5 * cx + 0.25 * tx, 0.25 * sy + 0.5 * cy + 0.25 * ty
        else:
            sx, sy, tx, ty = x1 + ux * r, y1 + uy * r, x2 - ux * r, y2 - uy * r
            path = f"M{sx:.1f},{sy:.1f} L{tx:.1f},{ty:.1f}"
            lx, ly = 0.7 * sx + 0.3 * tx, 0.7 * sy + 0.3 * ty
        start = f' marker-start="url(#tsarr{k})"' if mark in ("<->",) else ""
        end = f' marker-end="url(#tsarr{k})"' if mark in ("-->", "<->", "o->") else ""
        dash = ' stroke-dasharray="6,4"' if mark in ("<->", "x-x") else ""
        title = text if f is None else f"{text}: found in {f:.0%} of the resamples"
        s = strength.get((source, lag, target))
        if s is not None and np.isfinite(s):
            title += f"; strength {s:.3g}"
        parts.append(f'<g class="link"><title>{escape(title)}</title><path d="{path}" fill="none" stroke="{col}" '
                     f'stroke-width="{1 + 2.5 * (1.0 if f is None else f):.2f}"{dash}{start}{end}/>')
        circles = [(sx, sy)] if mark in ("o->", "o-o") else []
        if mark == "o-o":
            circles.append((tx, ty))
        for cx_, cy_ in circles:  # a circle mark: not decided by the data
            parts.append(f'<circle cx="{cx_:.1f}" cy="{cy_:.1f}" r="4" fill="white" stroke="{col}" '
                         'stroke-width="1.5"/>')
        if s is not None and np.isfinite(s):
            parts.append(f'<text x="{lx + 3:.1f}" y="{ly - 3:.1f}" font-size="10" fill="#333">{s:.2f}</text>')
        parts.append("</g>")
    for v in variables:
        _, y = xy(v, 0)
        parts.append(f'<text x="{label_w - 10}" y="{y + 4:.1f}" text-anchor="end" font-size="13">'
                     f'<title>{escape(v)}</title>{escape(short_label(v))}</text>')
        for lag in range(tau_max, -1, -1):
            x, _ = xy(v, lag)
            name = f"{v}[t]" if lag == 0 else f"{v}[t-{lag}]"
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{"#eef2f8" if lag == 0 else "#f7f7f7"}" '
                         f'stroke="#1f4e9a" stroke-width="{1.5 if lag == 0 else 0.8}"><title>{escape(name)}</title>'
                         "</circle>")
    parts.append("</svg>")
    return "".join(parts)


def _thin(values: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
    """Positions and values of at most ``limit`` points: each bucket's minimum and maximum, in time order."""
    n = len(values)
    idx = np.arange(n)
    if n <= limit:
        return idx, values
    buckets = np.array_split(idx, max(1, limit // 2))
    keep: list[int] = []
    for b in buckets:
        seg = values[b]
        lo, hi = int(b[int(np.nanargmin(seg))]), int(b[int(np.nanargmax(seg))])
        keep += sorted({lo, hi})
    pos = np.asarray(keep)
    return pos, values[pos]


def series_svg(name: str, values: Sequence[float] | np.ndarray, time: Sequence[Any] | np.ndarray | None = None) -> str:
    """One small line chart of a series (at most :data:`MAX_POINTS` points), in a ``<figure>``.

    Examples
    --------
    >>> fig = series_svg("X", [0.0, 1.0, 0.5, 2.0])
    >>> fig.startswith("<figure"), "polyline" in fig
    (True, True)
    """
    y = np.asarray(values, dtype=float)
    W, H, pad = 260, 60, 14
    finite = y[np.isfinite(y)]
    if finite.size == 0:
        return f'<figure class="series"><p class="muted">no value</p><figcaption>{escape(name)}</figcaption></figure>'
    pos, vals = _thin(y, MAX_POINTS)
    lo, hi = float(finite.min()), float(finite.max())
    span = (hi - lo) or 1.0
    n = max(len(y) - 1, 1)
    pts = " ".join(f"{p / n * W:.1f},{H - 2 - (v - lo) / span * (H - 4):.1f}" for p, v in zip(pos, vals, strict=True)
                   if np.isfinite(v))
    first = "" if time is None else str(np.asarray(time)[0])
    last = "" if time is None else str(np.asarray(time)[-1])
    return (f'<figure class="series"><svg width="{W}" height="{H + pad}" viewBox="0 0 {W} {H + pad}" role="img" '
            f'aria-label="series {escape(name)}"><title>{escape(name)}: {len(y)} values from {lo:.4g} to {hi:.4g}</title>'
            f'<polyline points="{pts}" fill="none" stroke="#1f4e9a" stroke-width="1"/>'
            f'<text x="0" y="{H + pad - 2}" font-size="10">{escape(first)}</text>'
            f'<text x="{W}" y="{H + pad - 2}" font-size="10" text-anchor="end">{escape(last)}</text></svg>'
            f"<figcaption>{escape(short_label(name, 24))}</figcaption></figure>")
