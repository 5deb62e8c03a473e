"""``causalscope effect``: estimate a causal effect, refute it and assess its sensitivity.

``causalscope effect DATA --treatment T --outcome Y [--graph GRAPH.json | --adjust A,B |
--assume-no-confounding] [--method NAME] [--target ate|att|ato] [--trim LO[,HI]] [--trim-mode clip|drop]
[--seed S] [--out EFFECT.json]``
reads the data (CSV or Parquet), identifies the effect from the graph (or uses the
given adjustment set), estimates it with :func:`causalscope.estimation.estimate_effect`,
prints a table (estimate, interval, assumptions, refutations, sensitivity) and writes
``EFFECT.json`` with the keys of ``CLI.md`` and ``assumptions``. A graph in which the
effect is not identifiable exits with code 3.

Without ``--graph`` and ``--adjust`` nothing is adjusted for: the estimate is the
unadjusted contrast, which assumes that nothing causes both the treatment and the
outcome. The command then prints one ``warning: no confounder is adjusted for ...``
line on stderr, unless ``--assume-no-confounding`` states that assumption.

For a binary treatment the overlap diagnostic (propensity ranges by arm, extreme
shares, effective sample sizes) is printed and written under ``overlap``; the
population the estimate is about under ``population`` (after ``--trim`` with
``--trim-mode drop``: the overlap region and how many units remain); each of the
estimate's ``warnings`` (poor overlap, a small effective sample size) is printed on
stderr as ``warning: ...``.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import typer

__all__ = ["effect"]


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


def _trim(value: str | None) -> tuple[float, float] | float | None:
    """``--trim LO[,HI]``: one number c (meaning [c, 1 - c]) or two."""
    if value is None:
        return None
    parts = [p.strip() for p in value.split(",")]
    try:
        nums = [float(p) for p in parts]
    except ValueError:
        nums = []
    if len(nums) not in (1, 2):
        raise typer.BadParameter(f"must be LO or LO,HI (propensity bounds, e.g. 0.05,0.95); got {value!r}",
                                 param_hint="--trim")
    return nums[0] if len(nums) == 1 else (nums[0], nums[1])


def _fmt(x: object) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:.4g}"
    return str(x)


def effect(
    data: Path = typer.Argument(..., help="Data file (CSV or Parquet)."),
    treatment: str = typer.Option(..., "--treatment", "-t", help="Treatment column."),
    outcome: str = typer.Option(..., "--outcome", "-y", help="Outcome column."),
    graph: Path = typer.Option(None, "--graph", "-g", help="Causal graph (graph JSON) to identify the effect from."),
    adjust: list[str] = typer.Option(None, "--adjust", "-a", help="Adjustment set (comma-separated or repeated)."),
    assume_no_confounding: bool = typer.Option(
        False, "--assume-no-confounding",
        help="State that nothing causes both treatment and outcome (a randomised treatment): estimate the "
             "unadjusted contrast without a warning. Not with --graph or --adjust."),
    method: str = typer.Option("auto", "--method", "-m", help="auto, aipw, ipw, linear, gcomp, dml (interactive, "
                               "ATE), dml-plr (partially linear theta), matching, difference, frontdoor, 2sls, "
                               "wald, plugin."),
    target: str = typer.Option("ate", "--target", help="ate, att or ato (overlap-weighted; ipw, aipw, dml)."),
    trim: str = typer.Option(
        None, "--trim", help="Propensity bounds LO[,HI] (one number c: [c, 1-c]) for ipw, aipw, dml; see --trim-mode."),
    trim_mode: str = typer.Option(
        None, "--trim-mode", help="clip (bound the weights; default) or drop (estimate on the units with LO <= e <= "
                                  "HI, the population is described)."),
    instruments: list[str] = typer.Option(None, "--instrument", help="Instrument column(s) for 2sls/wald."),
    negative_control: list[str] = typer.Option(None, "--negative-control", help="Negative-control outcome column(s)."),
    no_refute: bool = typer.Option(False, "--no-refute", help="Skip the refutation tests."),
    alpha: float = typer.Option(0.05, "--alpha", help="1 - confidence level."),
    seed: int = typer.Option(0, "--seed", help="Random seed (folds, bootstrap, refutations)."),
    n_jobs: int = typer.Option(1, "--n-jobs", help="Parallel workers for the bootstrap."),
    out: Path = typer.Option(None, "--out", "-o", help="Write EFFECT.json here."),
) -> None:
    """Estimate the effect of TREATMENT on OUTCOME; write EFFECT.json and print a table."""
    from ..data import read_data
    from ..estimation import METHODS, estimate_effect
    from ..exceptions import AssumptionWarning
    from ._io import output_path

    output_path(out, "--out")
    if method not in METHODS:
        raise typer.BadParameter(f"must be one of {', '.join(METHODS)}; got {method!r}", param_hint="--method")
    if target not in ("ate", "att", "ato"):
        raise typer.BadParameter(f"must be 'ate', 'att' or 'ato'; got {target!r}", param_hint="--target")
    if trim_mode is not None and trim_mode not in ("clip", "drop"):
        raise typer.BadParameter(f"must be 'clip' or 'drop'; got {trim_mode!r}", param_hint="--trim-mode")
    trim_value = _trim(trim)
    if trim_mode is not None and trim_value is None:
        raise typer.BadParameter("needs --trim LO[,HI] (the bounds to clip to or drop outside)",
                                 param_hint="--trim-mode")
    adj = _split(adjust)
    if graph is not None and adj:
        raise typer.BadParameter("give either --graph or --adjust, not both", param_hint="--adjust")
    if assume_no_confounding and (graph is not None or adj):
        raise typer.BadParameter(
            "states that nothing needs adjusting; it does not combine with --graph or --adjust",
            param_hint="--assume-no-confounding")
    g = None
    if graph is not None:
        from ..graphs import read_graph

        g = read_graph(graph)
    dataset = read_data(data)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AssumptionWarning)
        result = estimate_effect(
            dataset, g, treatment=treatment, outcome=outcome, adjustment_set=adj if graph is None else None,
            assume_no_confounding=assume_no_confounding, method=method, target=target,  # type: ignore[arg-type]
            instruments=_split(instruments) or None, negative_control=_split(negative_control) or None,
            alpha=alpha, random_state=seed, n_jobs=n_jobs, refute=not no_refute, trim=trim_value,
            trim_mode=trim_mode,  # type: ignore[arg-type]
        )
    for w in caught:
        if issubclass(w.category, AssumptionWarning):
            text = " ".join(str(w.message).split())
            if text.startswith("no confounder is adjusted for"):  # said in the command's terms
                text = (f"no confounder is adjusted for: the estimate is the unadjusted contrast of {outcome} "
                        f"between values of {treatment}, valid only if nothing causes both; give --graph or "
                        "--adjust, or state the assumption with --assume-no-confounding")
            typer.echo(f"warning: {text}", err=True)
        else:  # not ours: shown as Python shows it
            warnings.showwarning(w.message, w.category, w.filename, w.lineno, w.file, w.line)
    for text in result.warnings:
        typer.echo(f"warning: {text}", err=True)
    d = result.to_dict()
    lvl = round(100 * (1 - alpha))
    rows = [
        ("effect", f"{target.upper()} of {treatment} on {outcome}"),
        ("method", result.method),
        ("estimand", result.estimand),
        ("estimate", _fmt(result.estimate)),
        ("std. error", _fmt(result.std_error)),
        (f"{lvl}% CI", f"[{_fmt(result.ci_low)}, {_fmt(result.ci_high)}]"),
        ("n", str(result.n)),
    ]
    if result.population is not None:
        rows.append(("population", result.population))
    ov = d.get("overlap")
    if ov:
        rows.append(("propensity range", f"treated [{_fmt(ov['propensity_range_treated'][0])}, "
                                         f"{_fmt(ov['propensity_range_treated'][1])}], controls "
                                         f"[{_fmt(ov['propensity_range_control'][0])}, "
                                         f"{_fmt(ov['propensity_range_control'][1])}]"))
        rows.append(("propensity extremes", "; ".join(
            [f"{100 * v:.1f}% below {k}" for k, v in ov["share_below"].items()]
            + [f"{100 * v:.1f}% above {k}" for k, v in ov["share_above"].items()])))
        rows.append((f"effective n ({ov['target'].upper()})", f"treated {ov['ess_treated']:.1f} of {ov['n_treated']:,}, "
                                                             f"controls {ov['ess_control']:.1f} of {ov['n_control']:,}"))
        worst = max(ov["balance"], key=lambda b: abs(b["smd_before"] or 0.0), default=None)
        if worst is not None:
            rows.append(("largest imbalance", f"{worst['covariate']}: standardised difference "
                                              f"{_fmt(worst['smd_before'])} before, {_fmt(worst['smd_after'])} after "
                                              "weighting"))
    rows += [("assumption" if len(result.assumptions) == 1 else f"assumption {i}", a)
             for i, a in enumerate(result.assumptions, 1)]
    for r in result.refutations:
        rows.append((f"refute: {r.name}", f"{'pass' if r.passed else 'FAIL'} (z = {_fmt(r.statistic)}, "
                                          f"new estimate {_fmt(r.new_estimate)})"))
    s = result.sensitivity
    if s is not None:
        if s.e_value is not None:
            rows.append(("E-value", f"{_fmt(s.e_value)} (CI limit: {_fmt(s.e_value_ci)})"))
        if s.robustness_value is not None:
            rows.append(("robustness value", f"{_fmt(s.robustness_value)} (alpha: {_fmt(s.robustness_value_alpha)}); "
                                             f"partial R2 {_fmt(s.partial_r2)}"))
    width = max(len(k) for k, _ in rows)
    for k, v in rows:
        typer.echo(f"{k:<{width}}  {v}")
    if out is not None:
        out.write_text(json.dumps(d, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
