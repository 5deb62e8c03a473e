"""``causalscope analyze``: the whole causal analysis of a table, written as a report.

Reads DATA (CSV or Parquet) or a shipped example (``--example sachs``), runs
:func:`causalscope.pipeline.analyze` and writes ``DIR/report.html`` (one
self-contained file), ``DIR/analysis.json`` and ``DIR/graph.json`` (the final
graph alone, for ``graph compare``, ``identify`` and ``effect --graph``). Bad input (a missing or
unreadable file, an unknown column, a constant or entirely missing column, a
single row) ends with a one-line ``error: ...`` and exit code 1. Missing values
are kept (see :mod:`causalscope.pipeline.missing`): the report and
``analysis.json`` say which rows each stage used. When stderr is a terminal (and
``--quiet`` is not given) rich progress bars show the stages and, nested in
them, every tuning refit and resample.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from ._io import RichProgress, output_path, progress_wanted

__all__ = ["analyze"]


def _reference_graphs(example: Any) -> dict[str, Any]:
    from ..datasets import sachs_ground_truth

    names = tuple(example.reference.get("ground_truth", ())) if isinstance(example.reference, dict) else ()
    if example.name.startswith("sachs"):
        return {n: sachs_ground_truth(n) for n in names}
    return {}


def analyze(
    data: Path | None = typer.Argument(None, help="Data file (.csv, .csv.gz or .parquet)."),
    example: str | None = typer.Option(None, "--example", help="A shipped example instead of DATA (e.g. sachs)."),
    treatment: str | None = typer.Option(None, "--treatment", help="Treatment column (with --outcome)."),
    outcome: str | None = typer.Option(None, "--outcome", help="Outcome column (with --treatment)."),
    domain_column: str | None = typer.Option(None, "--domain-column", help="Column labelling domains."),
    time_column: str | None = typer.Option(None, "--time-column", help="Column holding the time index (autocorrelated "
                                           "series: the time-series copilot)."),
    tau_max: int | None = typer.Option(None, "--tau-max", min=1, help="Largest lag of the time-series copilot "
                                       "(default: the AIC lag order plus one)."),
    knowledge: Path | None = typer.Option(None, "--knowledge", help="Knowledge file (YAML or Tetrad text)."),
    latent: bool = typer.Option(False, "--latent", help="Suspect unobserved common causes (FCI). Without it, edges that FCI "
                                "separates are only reported as a caution."),
    reference: Path | None = typer.Option(None, "--reference", help="A reference graph JSON to score against."),
    seed: int = typer.Option(0, "--seed", min=0, help="Random seed; same seed, same analysis.json."),
    n_jobs: int = typer.Option(1, "--n-jobs", help="Parallel worker processes."),
    budget: float | None = typer.Option(None, "--budget", min=0.001, help="Time budget in seconds (tuning, resampling and effects)."),
    n_bootstrap: int | None = typer.Option(None, "--n-bootstrap", min=1, help="Override the bootstrap size."),
    deterministic: str = typer.Option("drop", "--deterministic", help="Columns that are exact functions of others: "
                                      "drop the redundant one (default), error, or keep them."),
    out: Path = typer.Option(..., "--out", help="Output folder for report.html, analysis.json and graph.json "
                             "(created if missing; its parent must exist)."),
) -> None:
    """Run the whole causal analysis of DATA (or --example NAME) and write DIR/report.html and DIR/analysis.json."""
    from ..data import read_data
    from ..discovery import Knowledge
    from ..exceptions import DataError
    from ..pipeline import analyze as run_analysis
    from ..report import write_report

    output_path(out, "--out", folder=True)
    frame: Any = None
    if (data is None) == (example is None):
        raise typer.BadParameter("give exactly one of DATA or --example NAME", param_hint="'DATA'")
    refs: dict[str, Any] = {}
    if example is not None:
        from ..datasets import load_example

        ex = load_example(example)
        frame = ex.data
        domain_column = domain_column or ex.domain_column
        refs = _reference_graphs(ex)
    elif data is not None:
        if not data.exists():
            raise DataError(f"data file {str(data)!r} does not exist")
        # a time column is read as time stamps (ISO dates included), not as a categorical variable
        ds = read_data(data, missing="keep", time_column=time_column) if time_column else read_data(data, missing="keep")
        frame = ds.to_frame()
    if reference is not None:
        # a time-series reference is kept whole (its lagged links), so the time-series copilot can score it
        import json as _json

        from ..graphs import read_graph

        try:
            is_series = _json.loads(reference.read_text(encoding="utf-8")).get("type") == "timeseries"
        except (ValueError, AttributeError, OSError):
            is_series = False
        refs[reference.name] = read_graph(reference, kind="timeseries") if is_series else read_graph(reference)
    know = Knowledge.from_file(knowledge) if knowledge is not None else None
    bar = RichProgress() if progress_wanted() else None
    try:
        result = run_analysis(
            frame, treatment=treatment, outcome=outcome, domain_column=domain_column, time_column=time_column,
            knowledge=know, assume_latent=latent, reference=refs or None, random_state=seed, n_jobs=n_jobs,
            budget=budget, n_bootstrap=n_bootstrap, deterministic=deterministic, progress=bar, tau_max=tau_max,  # type: ignore[arg-type]  # analyze() validates it
        )
    finally:
        if bar is not None:
            bar.stop()
    # the canonical command (every option spelled out): the record does not depend on how it was typed
    command = ["causalscope", "analyze"] + ([str(data)] if data else ["--example", str(example)])
    for flag, value in (("--treatment", treatment), ("--outcome", outcome), ("--domain-column", domain_column),
                        ("--time-column", time_column), ("--tau-max", tau_max), ("--knowledge", knowledge), ("--seed", seed),
                        ("--n-jobs", n_jobs), ("--budget", budget), ("--n-bootstrap", n_bootstrap)):
        if value is not None:
            command += [flag, str(value)]
    if deterministic != "drop":
        command += ["--deterministic", deterministic]
    if latent:
        command.append("--latent")
    command += ["--out", str(out)]
    paths = write_report(result, out, command=command)
    typer.echo(result.summary())
    typer.echo(f"report: {paths.html}")
    typer.echo(f"analysis: {paths.analysis}")
    typer.echo(f"graph: {paths.graph}")
