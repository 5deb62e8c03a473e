"""Identification of causal effects from a graph: backdoor, frontdoor, IV, ID/IDC."""

from __future__ import annotations

__all__: list[str] = []
