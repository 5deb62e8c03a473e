"""``causalscope graph ...``: commands on graph files (graph JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

__all__ = ["graph_app"]

graph_app = typer.Typer(help="Work with graph files (graph JSON).", no_args_is_help=True)


@graph_app.command("compare")
def compare(
    truth: Path = typer.Argument(..., help="The true graph (graph JSON)."),
    learned: Path = typer.Argument(..., help="The graph to score (graph JSON)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON instead of a table."),
) -> None:
    """Compare a learned graph with the truth: SHD and adjacency/arrowhead precision, recall and F1."""
    from ..graphs.convert import read_graph
    from ..graphs.metrics import compare_graphs

    result = compare_graphs(read_graph(truth), read_graph(learned))
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        typer.echo(result.summary())
