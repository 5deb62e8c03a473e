"""Inline SVG drawings of the HTML report: the graph, the adjacency-frequency matrix, the forest plot, histograms.

The graph layout: nodes are placed in layers by the longest directed path
reaching them (sources on top; undirected and bidirected edges do not
constrain), then each layer is ordered by the mean horizontal position of its
neighbours already placed (one barycentre sweep, Sugiyama et al. 1981); nodes
with no placed neighbour follow a breadth-first order over all edges, so that
neighbours joined by undirected edges sit together. A layer wider than the page
allows is wrapped into several rows: its nodes, in that order, are dealt to the
rows in turn, so each row spans the layer's horizontal range and keeps the
order. An edge whose straight line would cross another node is drawn as a
curve. Every SVG has a ``viewBox`` and scales down to the page width.
"""

from __future__ import annotations

import heapq
import html as _html
import math
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["layered_layout", "graph_svg", "matrix_svg", "forest_svg", "histogram_svg", "adjacency_lookup",
           "colour", "escape", "short_label", "MAX_SVG_WIDTH", "MAX_LABEL"]

#: Widest graph drawing, in SVG user units (pixels at full size); wider layers are wrapped into rows.
MAX_SVG_WIDTH = 1000
#: Longest node label drawn in full; longer names are cut (the full name is in the tooltip).
MAX_LABEL = 14


def escape(x: Any) -> str:
    """HTML-escape ``x`` (``None`` as the empty string)."""
    return _html.escape("" if x is None else str(x))


def short_label(name: str, limit: int = MAX_LABEL) -> str:
    """``name`` cut to ``limit`` characters with an ellipsis."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


def colour(freq: float) -> str:
    """Grey (low confidence) to dark blue (always found).

    Examples
    --------
    >>> colour(0.0), colour(1.0)
    ('#bebebe', '#1f4e9a')
    """
    t = min(max((freq - 0.3) / 0.7, 0.0), 1.0)
    a, b = (190, 190, 190), (31, 78, 154)
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(a, b, strict=True))


def adjacency_lookup(confidence: Any) -> Callable[[str, str], float | None]:
    """``f(u, v)``: the adjacency frequency of a pair over the resamples (``None`` without one, or for a node
    the resamples did not have). One matrix for all look-ups."""
    if confidence is None:
        return lambda u, v: None
    nodes = list(confidence.nodes)
    index = {v: i for i, v in enumerate(nodes)}
    adj = confidence.adjacency_matrix().to_numpy() if nodes else None

    def look(u: str, v: str) -> float | None:
        i, j = index.get(u), index.get(v)
        return None if i is None or j is None or adj is None else float(adj[i, j])

    return look


# ---------------------------------------------------------------------- layout
def layered_layout(nodes: Sequence[str], edges: Sequence[tuple[str, str, bool]], *,
                   max_width: int | None = None) -> dict[str, tuple[int, int]]:
    """``(row, position)`` of each node: layers by directed paths, one barycentre sweep, wide layers wrapped.

    ``edges`` are ``(u, v, directed)``; directed means ``u --> v``. Steps:

    1. *layers*: the longest directed path reaching a node (a directed cycle, not
       expected in a learned graph, is broken by taking, when no source is left,
       the first remaining node in node order and ignoring the edges that close
       the cycle); a source with children then moves down to just above its
       highest child, and nodes with no edge at all go to a last layer of their
       own (when some node has an edge);
    2. *order*: each layer by the mean position of its neighbours already placed
       (Sugiyama et al. 1981), the others by a breadth-first order over all edges,
       so that nodes joined by undirected edges sit side by side;
    3. *wrapping* (only with ``max_width``): a layer of more than ``max_width``
       nodes becomes ``ceil(size / max_width)`` consecutive rows; nodes with more
       directed parents than children fill the upper rows and nodes with more
       children the lower ones (edges stay short), each row keeping the order.

    Without ``max_width`` the rows are the layers.

    Examples
    --------
    >>> layered_layout(["A", "B", "C"], [("A", "B", True), ("B", "C", True)])
    {'A': (0, 0), 'B': (1, 0), 'C': (2, 0)}
    >>> pos = layered_layout([f"X{i}" for i in range(10)], [], max_width=4)
    >>> sorted({r for r, _ in pos.values()}), max(c for _, c in pos.values())
    ([0, 1, 2], 3)
    """
    order = {v: i for i, v in enumerate(nodes)}
    children: dict[str, list[str]] = {v: [] for v in nodes}
    n_parents = {v: 0 for v in nodes}
    neighbours: dict[str, list[str]] = {v: [] for v in nodes}
    for u, v, directed in edges:
        if u == v:
            continue
        neighbours[u].append(v)
        neighbours[v].append(u)
        if directed:
            children[u].append(v)
            n_parents[v] += 1
    indeg = dict(n_parents)
    layer = {v: 0 for v in nodes}
    done: set[str] = set()
    ready = [order[v] for v in nodes if indeg[v] == 0]
    heapq.heapify(ready)
    while len(done) < len(nodes):
        if not ready:  # a directed cycle: start from the first remaining node
            heapq.heappush(ready, min(order[v] for v in nodes if v not in done))
        v = nodes[heapq.heappop(ready)]
        if v in done:
            continue
        done.add(v)
        for w in children[v]:
            if w in done:  # closes a cycle: ignored
                continue
            layer[w] = max(layer[w], layer[v] + 1)
            indeg[w] -= 1
            if indeg[w] == 0:
                heapq.heappush(ready, order[w])
    for v in nodes:  # a source sits just above its highest child
        if n_parents[v] == 0 and children[v]:
            layer[v] = max(0, min(layer[w] for w in children[v]) - 1)
    connected = [v for v in nodes if neighbours[v]]
    if connected and len(connected) < len(nodes):
        bottom = max(layer[v] for v in connected) + 1
        for v in nodes:
            if not neighbours[v]:
                layer[v] = bottom
    # breadth-first rank over all edges: the tie-break that keeps undirected neighbours together
    rank: dict[str, int] = {}
    for start in nodes:
        if start in rank:
            continue
        rank[start] = len(rank)
        queue = deque([start])
        while queue:
            u = queue.popleft()
            for w in sorted(neighbours[u], key=order.__getitem__):
                if w not in rank:
                    rank[w] = len(rank)
                    queue.append(w)
    by_layer: dict[int, list[str]] = {}
    for v in nodes:
        by_layer.setdefault(layer[v], []).append(v)
    pos: dict[str, tuple[int, int]] = {}
    x: dict[str, float] = {}  # centred horizontal position of the placed nodes
    row = 0
    for k in sorted(by_layer):
        def bary(v: str) -> tuple[float, int]:
            placed = [x[u] for u in neighbours[v] if u in x]
            return (sum(placed) / len(placed) if placed else math.inf, rank[v])

        members = sorted(by_layer[k], key=bary)
        if max_width and len(members) > max_width:
            n_rows = math.ceil(len(members) / max_width)
            size = math.ceil(len(members) / n_rows)
            at = {v: i for i, v in enumerate(members)}
            vertical = sorted(members, key=lambda v: len(children[v]) - n_parents[v])  # stable: keeps the order
            rows = [sorted(vertical[i : i + size], key=at.__getitem__) for i in range(0, len(members), size)]
        else:
            rows = [members]
        for r, part in enumerate(rows):
            for c, v in enumerate(part):
                pos[v] = (row + r, c)
                x[v] = c - (len(part) - 1) / 2
        row += len(rows)
    return pos


def _segment_distance(p: tuple[float, float], a: tuple[float, float], b: tuple[float, float]) -> float:
    (px, py), (ax, ay), (bx, by) = p, a, b
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / ((dx * dx + dy * dy) or 1.0)))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def graph_svg(graph: Any, confidence: Any, *, svg_id: str = "graph") -> str:
    """The whole graph, layered and wrapped to at most :data:`MAX_SVG_WIDTH` wide; edges coloured by frequency."""
    nodes = list(graph.nodes)
    if not nodes:
        return '<p class="muted">The graph has no variables.</p>'
    freq_of = adjacency_lookup(confidence)
    pairs = {frozenset(p["nodes"]): p for p in confidence.pairs()} if confidence is not None else {}
    edges = [(e.u, e.v, e.is_directed) for e in graph.edges]
    r = max(22, 4 + 4 * min(max(len(v) for v in nodes), MAX_LABEL))
    dx, dy = max(2.6 * r + 30, 110), 110
    per_row = max(3, int((MAX_SVG_WIDTH - 24) // dx))
    pos = layered_layout(nodes, edges, max_width=per_row)
    n_rows = max(p[0] for p in pos.values()) + 1
    sizes = [0] * n_rows
    for row, _ in pos.values():
        sizes[row] += 1
    width = max(max(sizes) * dx + 24, 300)
    height = n_rows * dy + 20
    xy: dict[str, tuple[float, float]] = {}
    for v, (row, i) in pos.items():
        off = (width - 12 - sizes[row] * dx) / 2
        xy[v] = (off + (i + 0.5) * dx + (12 if row % 2 else 0), 20 + (row + 0.5) * dy)
    parts = [f'<svg id="{svg_id}" role="img" aria-label="learned causal graph" width="{width:.0f}" '
             f'height="{height:.0f}" viewBox="0 0 {width:.0f} {height:.0f}"><defs>']
    colours: dict[tuple[str, str], tuple[float | None, str]] = {}
    for e in graph.edges:
        f = freq_of(e.u, e.v)
        colours[(e.u, e.v)] = (f, colour(1.0 if f is None else f))
    mid = {c: k for k, c in enumerate(sorted({c for _, c in colours.values()}))}
    for c, k in mid.items():
        parts.append(f'<marker id="arr{k}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
                     f'orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{c}"/></marker>')
    parts.append("</defs>")
    for e in graph.edges:
        p1, p2 = xy[e.u], xy[e.v]
        (x1, y1), (x2, y2) = p1, p2
        d = math.hypot(x2 - x1, y2 - y1) or 1.0
        ux, uy = (x2 - x1) / d, (y2 - y1) / d
        blockers = [xy[w] for w in nodes if w not in (e.u, e.v) and _segment_distance(xy[w], p1, p2) < r + 4]
        if blockers:  # bend away from the nearest node in the way
            bx, by = min(blockers, key=lambda q: _segment_distance(q, p1, p2))
            side = -1.0 if (x2 - x1) * (by - y1) - (y2 - y1) * (bx - x1) > 0 else 1.0
            bend = max(0.22 * d, 1.8 * r)
            cx, cy = (x1 + x2) / 2 - uy * bend * side, (y1 + y2) / 2 + ux * bend * side
            s1, s2 = math.hypot(cx - x1, cy - y1) or 1.0, math.hypot(cx - x2, cy - y2) or 1.0
            (ax, ay), (bx2, by2) = ((cx - x1) / s1, (cy - y1) / s1), ((cx - x2) / s2, (cy - y2) / s2)
        else:
            cx, cy = (x1 + x2) / 2, (y1 + y2) / 2
            (ax, ay), (bx2, by2) = (ux, uy), (-ux, -uy)
        sx, sy, tx, ty = x1 + ax * r, y1 + ay * r, x2 + bx2 * r, y2 + by2 * r
        path = (f"M{sx:.1f},{sy:.1f} Q{cx:.1f},{cy:.1f} {tx:.1f},{ty:.1f}" if blockers
                else f"M{sx:.1f},{sy:.1f} L{tx:.1f},{ty:.1f}")
        f, col = colours[(e.u, e.v)]
        k = mid[col]
        mu, mv = e.mark_u.value, e.mark_v.value
        start = f' marker-start="url(#arr{k})"' if mu == "arrow" else ""
        end = f' marker-end="url(#arr{k})"' if mv == "arrow" else ""
        if f is None:
            title = f"{e} (single fit)" if confidence is None else f"{e} (not in the resamples)"
        else:
            title = f"{e}: adjacent in {f:.0%} of the resamples"
            pair = pairs.get(frozenset((e.u, e.v)))
            if pair:
                title += "; " + ", ".join(f"{t} {q:.0%}" for t, q in pair["edges"].items())
        dash = ' stroke-dasharray="6,4"' if mu == "arrow" and mv == "arrow" else ""
        width_ = 1 + 2.5 * (1.0 if f is None else f)
        parts.append(f'<g class="edge"><title>{escape(title)}</title><path d="{path}" fill="none" stroke="{col}" '
                     f'stroke-width="{width_:.2f}"{dash}{start}{end}/>')
        for mark, (mx, my), (vx, vy) in ((mu, (sx, sy), (ax, ay)), (mv, (tx, ty), (bx2, by2))):
            if mark == "circle":
                parts.append(f'<circle cx="{mx + vx * 5:.1f}" cy="{my + vy * 5:.1f}" r="4.5" fill="white" '
                             f'stroke="{col}" stroke-width="1.5"/>')
        if f is not None:
            lx, ly = 0.25 * sx + 0.5 * cx + 0.25 * tx, 0.25 * sy + 0.5 * cy + 0.25 * ty
            parts.append(f'<text x="{lx + 4:.1f}" y="{ly - 4:.1f}" font-size="11" fill="#333">{f:.2f}</text>')
        parts.append("</g>")
    for v in nodes:
        x, y = xy[v]
        parts.append(f'<g class="node"><title>{escape(v)}</title><circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" '
                     f'fill="#eef2f8" stroke="#1f4e9a" stroke-width="1.5"/><text x="{x:.1f}" y="{y + 4:.1f}" '
                     f'text-anchor="middle" font-size="13">{escape(short_label(v))}</text></g>')
    parts.append("</svg>")
    return "".join(parts)


def matrix_svg(confidence: Any) -> str:
    """The p x p adjacency-frequency matrix (one cell per pair; only for small p: it grows as p²)."""
    nodes = list(confidence.nodes)
    if not nodes:
        return ""
    adj = confidence.adjacency_matrix().to_numpy()
    cell, pad = 26, 8 + 7 * min(max(len(v) for v in nodes), MAX_LABEL)
    size = pad + cell * len(nodes) + 4
    parts = [f'<svg id="confidence-matrix" width="{size}" height="{size}" '
             f'viewBox="0 0 {size} {size}" role="img" aria-label="adjacency frequency matrix">']
    for i, v in enumerate(nodes):
        parts.append(f'<text x="{pad - 4}" y="{pad + i * cell + cell * 0.65:.1f}" text-anchor="end" font-size="11">'
                     f'{escape(short_label(v))}</text>')
        parts.append(f'<text x="{pad + i * cell + cell / 2:.1f}" y="{pad - 4}" text-anchor="start" font-size="11" '
                     f'transform="rotate(-45 {pad + i * cell + cell / 2:.1f} {pad - 4})">{escape(short_label(v))}</text>')
        for j in range(len(nodes)):
            f = float(adj[i, j])
            fill = "#ffffff" if i == j else colour(f) if f > 0 else "#f7f7f7"
            parts.append(f'<rect x="{pad + j * cell}" y="{pad + i * cell}" width="{cell - 1}" height="{cell - 1}" '
                         f'fill="{fill}"><title>{escape(v)} – {escape(nodes[j])}: {f:.2f}</title></rect>')
    parts.append("</svg>")
    return "".join(parts)


def forest_svg(effects: Sequence[dict[str, Any]]) -> str:
    """Estimates with their intervals; an effect without a directed path in the graph is a hollow orange point."""
    est = [e for e in effects if e.get("status") == "estimated" and e.get("ci_low") is not None
           and e.get("ci_high") is not None and e.get("estimate") is not None]
    if not est:
        return ""
    lo = min(min(e["ci_low"], e["estimate"], 0.0) for e in est)
    hi = max(max(e["ci_high"], e["estimate"], 0.0) for e in est)
    span = (hi - lo) or 1.0
    cautioned = any(e.get("causal_path") in ("none", "possible") for e in est)
    w, left, row = 640, 170, 30
    h = row * len(est) + 40 + (18 if cautioned else 0)
    base = h - 25 - (18 if cautioned else 0)

    def sx(x: float) -> float:
        return left + (x - lo) / span * (w - left - 20)

    parts = [f'<svg id="forest" width="{w}" height="{h}" viewBox="0 0 {w} {h}" '
             'role="img" aria-label="effect forest plot">',
             f'<line x1="{sx(0):.1f}" y1="5" x2="{sx(0):.1f}" y2="{base}" stroke="#999" stroke-dasharray="3,3"/>']
    for k, e in enumerate(est):
        y = 20 + k * row
        warn = e.get("causal_path") in ("none", "possible")
        dot = 'fill="white" stroke="#b54708" stroke-width="2"' if warn else 'fill="#1f4e9a"'
        parts.append(f'<text x="5" y="{y + 4}" font-size="12">{escape(short_label(str(e["treatment"]), 12))} → '
                     f'{escape(short_label(str(e["outcome"]), 12))}{" *" if warn else ""}</text>'
                     f'<line x1="{sx(e["ci_low"]):.1f}" y1="{y}" x2="{sx(e["ci_high"]):.1f}" y2="{y}" '
                     f'stroke="{"#b54708" if warn else "#1f4e9a"}" stroke-width="2"/>'
                     f'<circle cx="{sx(e["estimate"]):.1f}" cy="{y}" r="5" {dot}/>')
    parts.append(f'<text x="{sx(lo):.1f}" y="{base + 17}" font-size="11">{lo:.3g}</text>'
                 f'<text x="{sx(hi):.1f}" y="{base + 17}" font-size="11" text-anchor="end">{hi:.3g}</text>'
                 f'<text x="{sx(0):.1f}" y="{base + 17}" font-size="11" text-anchor="middle">0</text>')
    if cautioned:
        parts.append(f'<text x="5" y="{h - 6}" font-size="11" fill="#b54708">* hollow point: the learned graph has no '
                     "directed path (or only a possible one) from the treatment to the outcome</text>")
    parts.append("</svg>")
    return "".join(parts)


def histogram_svg(name: str, dist: Mapping[str, Any]) -> str:
    """A small histogram (``bin_edges``/``counts``) or bar chart (``levels``/``counts``) of one variable."""
    W, H, pad = 180, 54, 14
    counts = [int(c) for c in dist.get("counts") or []]
    other = int(dist.get("other") or 0)
    if not counts or max(counts + [other]) <= 0:
        return (f'<figure class="dist"><p class="muted">no observed value</p><figcaption>{escape(name)}</figcaption>'
                "</figure>")
    top = max(counts + [other])
    kind = dist.get("kind", "")
    parts = [f'<figure class="dist"><svg class="hist" width="{W}" height="{H + pad}" viewBox="0 0 {W} {H + pad}" '
             f'role="img" aria-label="distribution of {escape(name)}">']
    if "bin_edges" in dist:
        edges = list(dist["bin_edges"])
        bw = W / len(counts)
        d = f"M0 {H}" + "".join(f"V{H - c / top * (H - 2):.1f}h{bw:.4g}" for c in counts) + f"V{H}z"
        n = sum(counts)
        parts.append(f"<title>{escape(name)}: {n} observed values from {edges[0]:.4g} to {edges[-1]:.4g} in "
                     f"{len(counts)} equal-width bins; the tallest holds {top}</title>"
                     f'<path d="{d}" fill="#9db3d9" stroke="#1f4e9a" stroke-width="0.8"/>'
                     f'<text x="0" y="{H + pad - 2}" font-size="10">{edges[0]:.3g}</text>'
                     f'<text x="{W}" y="{H + pad - 2}" font-size="10" text-anchor="end">{edges[-1]:.3g}</text>')
    else:
        levels = [str(x) for x in dist.get("levels") or []]
        bars = list(zip(levels, counts, strict=False)) + ([(f"other {int(dist.get('n_levels', 0)) - len(levels)} "
                                                            "levels", other)] if other else [])
        bw = W / len(bars)
        parts.append(f"<title>{escape(name)}: {len(levels)} levels shown"
                     + (f" of {int(dist['n_levels'])}" if dist.get("n_levels") else "") + "</title>")
        for k, (label, c) in enumerate(bars):
            h = c / top * (H - 2)
            fill = "#c8c8c8" if other and k == len(bars) - 1 else "#9db3d9"
            parts.append(f'<rect x="{k * bw + 1:.1f}" y="{H - h:.1f}" width="{max(bw - 2, 1):.1f}" height="{h:.1f}" '
                         f'fill="{fill}" stroke="#1f4e9a" stroke-width="0.6"><title>{escape(label)}: {c}</title></rect>')
            if len(bars) <= 8:
                parts.append(f'<text x="{(k + 0.5) * bw:.1f}" y="{H + pad - 2}" font-size="10" text-anchor="middle">'
                             f'{escape(short_label(label, max(2, int(bw // 6))))}</text>')
    parts.append(f'</svg><figcaption>{escape(short_label(name, 24))} <span class="muted">{escape(kind)}</span></figcaption>'
                 "</figure>")
    return "".join(parts)
