"""Decomposable local scores for score-based discovery (BIC, BDeu, BGe)."""

from __future__ import annotations

__all__: list[str] = []
