"""``causalscope simulate``: sample data from a random causal model."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from ._io import output_path, write_table

__all__ = ["simulate"]


def simulate(
    nodes: int = typer.Option(..., "--nodes", min=1, help="Number of variables in the random DAG."),
    samples: int = typer.Option(..., "--samples", min=1, help="Number of rows to sample."),
    seed: int = typer.Option(0, "--seed", min=0, help="Random seed (same seed, same output)."),
    out: Path = typer.Option(..., "--out", help="Data file to write (.csv or .parquet)."),
    graph_out: Path | None = typer.Option(None, "--graph-out", help="Where to write the true graph (graph JSON)."),
    degree: float = typer.Option(2.0, "--degree", min=0.0, help="Expected degree of the random DAG."),
    graph_method: str = typer.Option("erdos_renyi", "--graph-method", help="erdos_renyi or scale_free."),
    mechanism: str = typer.Option("linear", "--mechanism", help="linear, mlp, polynomial, sigmoid or mixed."),
    noise: str = typer.Option("gaussian", "--noise", help="gaussian, uniform, exponential, laplace or gumbel."),
    discrete: float = typer.Option(0.0, "--discrete", min=0.0, max=1.0, help="Fraction of discrete variables."),
    latent: int = typer.Option(0, "--latent", min=0, help="Number of hidden confounders (removed from the data)."),
    domains: int = typer.Option(1, "--domains", min=1, help="Number of domains with shifted mechanisms."),
    missing: float = typer.Option(0.0, "--missing", min=0.0, max=1.0, help="Fraction of missing values (MCAR)."),
) -> None:
    """Sample data from a random causal model and write the data and the true graph."""
    from ..datasets.simulate import simulate as run_simulation

    output_path(out, "--out")
    output_path(graph_out, "--graph-out")
    sim = run_simulation(
        nodes,
        samples,
        expected_degree=degree,
        graph_method=graph_method,  # type: ignore[arg-type]  # simulate() validates the three names
        mechanism=mechanism,  # type: ignore[arg-type]
        noise=noise,  # type: ignore[arg-type]
        discrete=discrete,
        latent=latent,
        n_domains=domains,
        missing=missing,
        random_state=seed,
    )
    write_table(sim.data, out)
    truth = sim.graph.subgraph(sim.observed) if not sim.latent else (sim.pag or sim.admg)
    if graph_out is not None:
        payload = truth.to_dict()  # type: ignore[union-attr]  # sim.pag is set whenever sim.latent is
        if sim.latent:
            payload["dag_with_latents"] = sim.graph.to_dict()
            payload["latent"] = list(sim.latent)
        if sim.admg is not None:
            payload["admg"] = sim.admg.to_dict()
        graph_out.write_text(json.dumps(payload, indent=2) + "\n")
    typer.echo(
        f"wrote {sim.data.shape[0]} rows x {sim.data.shape[1]} columns to {out}"
        + (f"; true {truth.kind.upper()} ({truth.n_edges} edges) to {graph_out}" if graph_out else "")  # type: ignore[union-attr]  # as above
    )
