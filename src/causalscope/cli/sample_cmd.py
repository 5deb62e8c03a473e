"""``causalscope sample``: forward-sample a discrete causal Bayesian network.

``causalscope sample MODEL --samples N --seed S --out DATA`` writes ``N`` rows
(state names as text) to ``DATA`` (``.csv``, ``.csv.gz`` or ``.parquet``).
``--do X=x`` (repeatable) samples the intervened network instead.
"""

from __future__ import annotations

from pathlib import Path

import typer

from ._io import output_path, write_table
from .query_cmd import load_model

__all__ = ["sample"]


def _parse_do(items: list[str]) -> dict[str, str]:
    from ..exceptions import InvalidParameterError

    out: dict[str, str] = {}
    for item in items:
        name, sep, state = item.partition("=")
        if not sep or not name.strip() or not state.strip():
            raise InvalidParameterError(f"--do expects VARIABLE=STATE; got {item!r}")
        out[name.strip()] = state.strip()
    return out


def sample(
    model: str = typer.Argument(..., help="BIF file (.bif / .bif.gz) or a shipped network name (asia, child, ...)."),
    samples: int = typer.Option(..., "--samples", min=0, help="Number of rows to sample."),
    seed: int = typer.Option(0, "--seed", min=0, help="Random seed (same seed, same output)."),
    out: Path = typer.Option(..., "--out", help="Data file to write (.csv, .csv.gz or .parquet)."),
    do: list[str] = typer.Option([], "--do", help="Intervention VARIABLE=STATE (repeatable)."),
) -> None:
    """Draw rows from the network by forward sampling and write them."""
    output_path(out, "--out")
    bn = load_model(model)
    interventions = _parse_do(do)
    if interventions:
        bn = bn.do(interventions)
    frame = bn.sample(samples, random_state=seed)
    write_table(frame.astype(str) if str(out).lower().endswith((".csv", ".csv.gz")) else frame, out)
    typer.echo(f"wrote {frame.shape[0]} rows x {frame.shape[1]} columns to {out}")
