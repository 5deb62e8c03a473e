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

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
    from ..pipeline.summary import analysis_summary
    from .json import analysis_document, versions, write_analysis_json
    from .html import LARGE_GRAPH_NODES, ReportPaths, graph_path, render_html, write_report

__all__, __getattr__, __dir__ = lazy_exports(__name__)

