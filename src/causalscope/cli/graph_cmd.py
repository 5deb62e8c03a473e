"""``causalscope graph ...``: commands on graph files (graph JSON)."""

from __future__ import annotations

import json
from pathlib import Path

import typer

__all__ = ["graph_app"]

graph_app = typer.Typer(help="Work with graph files (graph JSON).", no_args_is_help=True)


@graph_app.command("compare")
def compare(
    truth: Path = typer.Argument(..., help="The true graph (graph JSON, or an analysis.json)."),
    learned: Path = typer.Argument(..., help="The graph to score (graph JSON, or an analysis.json)."),
    as_json: bool = typer.Option(False, "--json", help="Print the scores as JSON instead of a table."),
    as_cpdag: bool = typer.Option(False, "--as-cpdag", help="Compare Markov equivalence classes: a DAG on either "
                                  "side is replaced by its CPDAG first."),
) -> None:
    """Compare a learned graph with the truth: SHD and adjacency/arrowhead precision, recall and F1.

    Either file may be an ``analysis.json`` of ``causalscope analyze`` (its ``graph`` is read). A learned
    CPDAG compared with a true DAG counts every undirected edge as an arrowhead error where the DAG has an
    arrowhead; ``--as-cpdag`` compares the DAG's CPDAG instead, so only what the data can decide is scored.
    """
    from ..graphs import DAG, dag_to_cpdag
    from ..graphs.convert import read_graph
    from ..graphs.metrics import compare_graphs

    graphs = [read_graph(truth), read_graph(learned)]
    if as_cpdag:
        graphs = [dag_to_cpdag(g) if isinstance(g, DAG) else g for g in graphs]
    result = compare_graphs(*graphs)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
    else:
        typer.echo(result.summary())
