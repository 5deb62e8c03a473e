"""``causalscope discover``: learn a causal graph from data with a registered algorithm.

The command is generic over :data:`causalscope.discovery.DISCOVERY_ALGORITHMS`:
it passes to the chosen algorithm only the options given on the command line,
each under the constructor argument of the same meaning (``--ci-test`` ->
``ci_test``, ``--score`` -> ``score``, ``--alpha`` -> ``alpha``,
``--max-cond-size`` -> ``max_cond_size``, ``--knowledge`` -> ``knowledge``,
``--domain-column`` -> ``domain_column``, ``--seed`` -> ``random_state``,
``--n-jobs`` -> ``n_jobs``, ``--possible-dsep`` -> ``possible_dsep``, ``--tau-max`` ->
``tau_max``, ``--tau-min`` -> ``tau_min``, ``--pc-alpha`` -> ``pc_alpha``). An
option the algorithm does not accept is a usage error (exit 2) naming the
option and the algorithm, except ``--seed``, which deterministic algorithms ignore (every command takes ``--seed``). When stderr
is a terminal and ``--quiet`` is not given, algorithms that take ``progress``
show a rich progress bar on stderr.

A time-series algorithm (``time_series = True``: ``pcmci``, ``pcmciplus``,
``varlingam``, ``granger``) reads the rows in time order: ``--time-column C``
names the column holding the time index, which must be strictly increasing
(:func:`causalscope.data.timeseries.as_time_series`: nothing is reordered; gaps
and irregular spacing are reported as ``warning:`` lines), and the result is a
time-series graph (``--out`` writes the time-series graph JSON of ``CLI.md``;
without ``--out`` the lagged links are printed one per line, ``X[t-1] --> Y[t]``).
For PCMCI/PCMCI+ ``--alpha`` is the level of the final (MCI) tests and
``--pc-alpha`` that of the condition-selection stage (default 0.05, as tigramite).

Before fitting, the minimum-sample rule of :mod:`causalscope.data.sample_size`
applies (the copilot's): fewer than 10 rows is an error; fewer than 10 rows per
variable of the method's largest CI test (``--max-cond-size`` + 2 variables) or
regression (all ``p`` variables, for score-based methods and LiNGAM) prints a
``warning: ...`` line on stderr. Columns that are exact functions of others
(:mod:`causalscope.data.deterministic`) are handled by ``--deterministic``:
``drop`` (default) removes the redundant column with a ``warning: dropped column
...`` line, ``error`` stops (exit 1) naming the relation, ``keep`` fits on them
with a warning.

``--algorithm icp`` (invariant causal prediction) needs ``--target`` and
``--domain-column``; ``--out`` writes ICP.json (``target``, ``accepted_sets``,
``causes``, ``confidence_intervals``, ``p_values``), and without it the causes
and a per-variable table of p-values and intervals are printed.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import typer

from ..contract import parameter_names
from ._io import RichProgress, output_path, progress_wanted

__all__ = ["discover"]

_OPTION_TO_PARAM = {
    "--ci-test": "ci_test",
    "--score": "score",
    "--alpha": "alpha",
    "--max-cond-size": "max_cond_size",
    "--knowledge": "knowledge",
    "--domain-column": "domain_column",
    "--seed": "random_state",
    "--n-jobs": "n_jobs",
    "--possible-dsep": "possible_dsep",
    "--tau-max": "tau_max",
    "--tau-min": "tau_min",
    "--pc-alpha": "pc_alpha",
    "--target": "target",
}


#: ``--pc-alpha`` when not given (CLI.md; tigramite's ``run_pcmci`` default). The API's own default may differ.
CLI_PC_ALPHA = 0.05


def _load_algorithms() -> dict[str, type]:
    """The registry, after importing every module of :mod:`causalscope.discovery` (they register on import)."""
    import importlib
    import pkgutil

    from .. import discovery

    for info in pkgutil.iter_modules(discovery.__path__):
        if info.name.startswith("_"):
            continue
        try:
            importlib.import_module(f"{discovery.__name__}.{info.name}")
        except ImportError:  # an optional dependency is missing: that algorithm is not offered
            continue
    return discovery.DISCOVERY_ALGORITHMS


def _find_algorithm(name: str) -> type | None:
    """The class registered as ``name``: from the module of the same name when it registers it, else any module.

    The fast path imports only ``causalscope.discovery.<name>``, or the module named by the
    name's last word (``exact_posterior`` lives in ``posterior.py``), so ``pc`` does not
    load the score-based or kernel modules; a name registered elsewhere, or unknown, falls
    back to importing every discovery module (:func:`_load_algorithms`).
    """
    import importlib
    import importlib.util

    from ..discovery.base import DISCOVERY_ALGORITHMS

    if name.isidentifier() and not name.startswith("_"):
        for stem in dict.fromkeys((name, name.rsplit("_", 1)[-1])):
            module = f"{__package__.rsplit('.', 1)[0]}.discovery.{stem}"
            try:
                if importlib.util.find_spec(module) is not None:
                    importlib.import_module(module)
            except ImportError:  # an optional dependency is missing: reported with the full registry below
                pass
            if name in DISCOVERY_ALGORITHMS:
                return DISCOVERY_ALGORITHMS[name]
    return _load_algorithms().get(name)


def discover(
    data: Path = typer.Argument(..., help="Data file (.csv, .csv.gz or .parquet)."),
    algorithm: str = typer.Option(..., "--algorithm", "-a", help="Registered algorithm: pc, fci, cdnod, ges, ..."),
    ci_test: str | None = typer.Option(None, "--ci-test", help="CI test name (fisherz, gsq, chisq, kci, rcot, mixed, auto)."),
    score: str | None = typer.Option(None, "--score", help="Score name for score-based algorithms."),
    alpha: float | None = typer.Option(None, "--alpha", help="Significance level in (0, 1)."),
    max_cond_size: int | None = typer.Option(None, "--max-cond-size", min=0, help="Largest conditioning set."),
    knowledge: Path | None = typer.Option(None, "--knowledge", help="Knowledge file (YAML or Tetrad text)."),
    domain_column: str | None = typer.Option(None, "--domain-column", help="Domain / time index column (cdnod)."),
    seed: int | None = typer.Option(None, "--seed", min=0, help="Random seed (ignored by deterministic algorithms)."),
    n_jobs: int | None = typer.Option(None, "--n-jobs", help="Parallel jobs, where the algorithm supports them."),
    possible_dsep: str | None = typer.Option(
        None, "--possible-dsep", help="FCI's Possible-D-SEP stage: full, tetrad (as causal-learn) or none."
    ),
    deterministic: str = typer.Option("drop", "--deterministic", help="Columns that are exact functions of others: "
                                      "drop the redundant one (default), error, or keep them (a warning)."),
    time_column: str | None = typer.Option(None, "--time-column", help="Time index column (time-series algorithms: "
                                           "rows in its order, strictly increasing)."),
    tau_max: int | None = typer.Option(None, "--tau-max", min=0, help="Largest lag (time-series algorithms)."),
    tau_min: int | None = typer.Option(None, "--tau-min", min=0, help="Smallest lag (PCMCI)."),
    pc_alpha: float | None = typer.Option(None, "--pc-alpha", help="Significance level of PCMCI's condition selection "
                                          "(default 0.05)."),
    target: str | None = typer.Option(None, "--target", help="Response variable whose causes are sought (icp)."),
    out: Path | None = typer.Option(None, "--out", help="Write the graph here (graph JSON; .txt or .dot by extension)."),
) -> None:
    """Learn a causal graph from DATA; print its edges one per line, or write graph JSON to --out."""
    from ..data import DETERMINISTIC_POLICIES, find_deterministic, read_data, resolve_deterministic
    from ..data.sample_size import check_sample_size
    from ..discovery import Knowledge
    from ..graphs import write_graph

    output_path(out, "--out")
    if deterministic not in DETERMINISTIC_POLICIES:
        raise typer.BadParameter(f"must be one of {', '.join(DETERMINISTIC_POLICIES)}; got {deterministic!r}",
                                 param_hint="'--deterministic'")
    found = _find_algorithm(algorithm)
    if found is None:
        raise typer.BadParameter(
            f"unknown algorithm {algorithm!r}; expected one of {sorted(_load_algorithms())}",
            param_hint="'--algorithm'",
        )
    cls = found
    accepted = set(parameter_names(cls))
    given: dict[str, Any] = {
        "--ci-test": ci_test,
        "--score": score,
        "--alpha": alpha,
        "--max-cond-size": max_cond_size,
        "--knowledge": knowledge,
        "--domain-column": domain_column,
        "--seed": seed,
        "--n-jobs": n_jobs,
        "--possible-dsep": possible_dsep,
        "--tau-max": tau_max,
        "--tau-min": tau_min,
        "--pc-alpha": pc_alpha,
        "--target": target,
    }
    kwargs: dict[str, Any] = {}
    for option, value in given.items():
        if value is None:
            continue
        param = _OPTION_TO_PARAM[option]
        if param not in accepted:
            if option == "--seed":
                continue  # deterministic algorithm: nothing to seed
            raise typer.BadParameter(
                f"algorithm {algorithm!r} does not take {option} "
                f"(its options: {', '.join(sorted(accepted))})",
                param_hint=f"'{option}'",
            )
        kwargs[param] = value
    if knowledge is not None:
        kwargs["knowledge"] = Knowledge.from_file(knowledge)
    if getattr(cls, "time_series", False):
        _discover_series(cls, kwargs, data, time_column=time_column, out=out, accepted=accepted,
                         deterministic=deterministic)
        return
    if time_column is not None:
        raise typer.BadParameter(f"algorithm {algorithm!r} is not a time-series algorithm; --time-column is for "
                                 "pcmci, pcmciplus, varlingam and granger", param_hint="'--time-column'")
    dataset = read_data(data, domain_column=domain_column) if domain_column else read_data(data)
    # deterministic columns break faithfulness: found and handled before the fit (causalscope.data.deterministic)
    dataset, notes = resolve_deterministic(dataset, find_deterministic(dataset), deterministic)  # type: ignore[arg-type]
    for note in notes:
        typer.echo(f"warning: {note}", err=True)
    # the copilot's minimum-sample rule (causalscope.data.sample_size): an error below 10 rows, a warning when
    # the sample is small for the method's largest test or regression
    family: Literal["ci", "score"] = "ci" if "ci_test" in accepted else "score"
    for warning in check_sample_size(dataset.n_samples, dataset.n_variables, family=family,
                                     max_cond_size=max_cond_size):
        typer.echo(f"warning: {warning}", err=True)
    estimator = _fit(cls, kwargs, dataset, accepted)
    if getattr(cls, "invariance", False):  # invariant causal prediction (icp, hidden_icp): ICP.json (CLI.md)
        _write_icp(estimator, out)
        return
    graph = estimator.graph_
    if out is not None:
        write_graph(graph, out)
        typer.echo(f"wrote {type(graph).__name__} with {graph.n_edges} edges to {out}")
    else:
        for edge in graph.to_dict()["edges"]:
            typer.echo(edge)


def _fit(cls: type, kwargs: dict[str, Any], data: Any, accepted: set[str]) -> Any:
    """``cls(**kwargs).fit(data)``, with a progress bar on a terminal when the algorithm takes one."""
    bar = RichProgress() if "progress" in accepted and progress_wanted() else None
    if bar is not None:
        kwargs["progress"] = bar
    estimator = cls(**kwargs)
    try:
        estimator.fit(data)
    finally:
        if bar is not None:
            bar.stop()
    return estimator


def _write_icp(estimator: Any, out: Path | None) -> None:
    """Write ICP.json (``CLI.md``) to ``out``, or print the causes and the per-variable table."""
    result = estimator.to_dict()
    if out is not None:
        out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
        typer.echo(f"wrote ICP result for {result['target']} ({len(result['causes'])} causes) to {out}")
        return
    if result["model_rejected"]:
        typer.echo(f"no set of predictors is invariant: the model is rejected at alpha={result['alpha']}")
    causes = ", ".join(result["causes"]) or "none"
    typer.echo(f"causes of {result['target']}: {causes}")
    typer.echo(f"{'variable':<20} {'p-value':>10} {'ci_low':>10} {'ci_high':>10}")
    for name, p_value in result["p_values"].items():
        low, high = result["confidence_intervals"][name]
        typer.echo(f"{name:<20} {p_value:>10.4g} {_number(low):>10} {_number(high):>10}")


def _number(value: float | None) -> str:
    return "nan" if value is None else f"{value:.4g}"


def _discover_series(cls: type, kwargs: dict[str, Any], data: Path, *, time_column: str | None, out: Path | None,
                     accepted: set[str], deterministic: str) -> None:
    """Fit a time-series algorithm on DATA in the order of ``time_column`` (or of the rows) and write its graph.

    The Dataset is handed over as read (integer-coded columns keep their codes, time stamps are decoded);
    deterministic columns are handled by ``--deterministic`` as for the other algorithms.
    """
    from ..data import find_deterministic, read_data, resolve_deterministic
    from ..data.timeseries import as_time_series

    dataset = read_data(data, time_column=time_column) if time_column else read_data(data)
    dataset, notes = resolve_deterministic(dataset, find_deterministic(dataset), deterministic)  # type: ignore[arg-type]
    for note in notes:
        typer.echo(f"warning: {note}", err=True)
    if "pc_alpha" in accepted:
        kwargs.setdefault("pc_alpha", CLI_PC_ALPHA)  # CLI.md: --pc-alpha defaults to 0.05, as tigramite's run_pcmci
    series = as_time_series(dataset, time_column=time_column, tau_max=int(kwargs.get("tau_max") or 0))
    if not series.regular:
        typer.echo(f"warning: the time column {time_column!r} is not regularly spaced "
                   f"({len(series.gaps)} gap(s)); lags are counted in rows", err=True)
    graph = _fit(cls, kwargs, series, accepted).graph_
    if out is not None:
        from ..graphs import write_graph

        write_graph(graph, out)
        typer.echo(f"wrote {type(graph).__name__} with {len(graph.links)} links to {out}")
    else:
        for edge in graph.lagged_edges():
            typer.echo(edge)
