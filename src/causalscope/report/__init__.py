"""Rendering an :class:`~causalscope.pipeline.Analysis`: a self-contained HTML report and ``analysis.json``.

Nothing here computes a result: the renderers read the analysis value and write
files. The HTML report is one file with inline CSS and inline SVG (no script, no
external resource), so it opens offline in any browser.
"""

from __future__ import annotations

__all__: list[str] = []

from .json import analysis_document, versions, write_analysis_json
from .html import render_html, write_report

__all__ += ["analysis_document", "versions", "write_analysis_json", "render_html", "write_report"]
