"""``causalscope identify``: the formula for a causal effect, or why there is none.

``causalscope identify GRAPH.json --treatment X --outcome Y [--given Z] [--latex]``
reads a graph (graph JSON; ``<->`` edges mark latent confounding; a CPDAG or PAG
is treated as a learned equivalence class) and prints one line
``P(Y | do(X)) = <estimand>`` followed by ``method: ...``. When the effect is not
identifiable the command exits with code 3 and ``not identifiable: REASON``.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

__all__ = ["identify"]


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def identify(
    graph: Path = typer.Argument(..., help="The causal graph (graph JSON, or a .txt file in edge notation)."),
    treatment: list[str] = typer.Option(..., "--treatment", "-t", help="Treatment node(s); repeat or comma-separate."),
    outcome: list[str] = typer.Option(..., "--outcome", "-y", help="Outcome node(s); repeat or comma-separate."),
    given: list[str] = typer.Option(None, "--given", "-z", help="Conditioning node(s) for a conditional effect."),
    latex: bool = typer.Option(False, "--latex", help="Print the estimand as LaTeX."),
    method: str = typer.Option("auto", "--method", help="auto, adjustment, backdoor, frontdoor or id."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """Identify P(outcome | do(treatment)) from a causal graph and print the estimand."""
    from ..graphs import read_graph
    from ..identification import identify as _identify

    g = read_graph(graph)
    result = _identify(g, _split(treatment), _split(outcome), _split(given) or None, method=method)  # type: ignore[arg-type]
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return
    typer.echo(result.to_latex() if latex else str(result))
    detail = result.method
    if result.adjustment_set is not None:
        detail += f" (set: {{{', '.join(sorted(result.adjustment_set))}}})"
    if result.mediators is not None:
        detail += f" (mediators: {{{', '.join(sorted(result.mediators))}}})"
    typer.echo(f"method: {detail}")
