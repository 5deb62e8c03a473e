"""Rendering an :class:`~causalscope.pipeline.Analysis`: a self-contained HTML report, ``analysis.json`` and
``graph.json``.

Nothing here computes a result: the renderers read the analysis value and write
files. The HTML report is one file with inline CSS and inline SVG and no
external resource, so it opens offline in any browser. Only for a graph of more
than :data:`~causalscope.report.html.LARGE_GRAPH_NODES` variables does it carry
a small inline script: the searchable adjacency table and the drawing of one
variable's neighbourhood, drawn in the browser from one embedded JSON copy of
the graph (a whole drawing would be unreadable, and a picture per variable
would make the file grow with p times the drawing).
"""

from __future__ import annotations

from ..utils import lazy_exports

# Public names, imported from their submodule on first use (PEP 562): importing the package is cheap.
__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "..pipeline.summary": ["analysis_summary"],
        ".json": ["analysis_document", "versions", "write_analysis_json"],
        ".html": ["LARGE_GRAPH_NODES", "ReportPaths", "graph_path", "render_html", "write_report"],
    },
)
