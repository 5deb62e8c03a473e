"""The copilot on a time series: :func:`analyze_series` -> :class:`TimeSeriesAnalysis`.

:func:`~causalscope.pipeline.analyze` comes here when it is given a time column
and the data profile finds the variables autocorrelated (Ljung-Box, Holm): rows
of such a table are not independent draws, and the i.i.d. methods would treat
each lag of a cause as noise. Without autocorrelation the i.i.d. analysis runs
as before (its rules may still treat the time index as a domain for CD-NOD).

The stages, each recorded as a :class:`~causalscope.pipeline.stages.Step`:

1. **validate**: :func:`~causalscope.data.timeseries.as_time_series` (rows in the
   order of the time column, which must be strictly increasing; gaps and irregular
   spacing are reported, never fixed silently).
2. **profile**: :func:`~causalscope.data.stationarity.profile_timeseries`
   (ADF and KPSS per variable, the VAR lag order by AIC/BIC/HQIC, linearity, Gaussianity
   of the VAR residuals, contemporaneous dependence of the residuals).
3. **choose** by these rules, in order (:func:`choose_series_method`):

   - ``tau_max``: the caller's, else the VAR lag order chosen by AIC plus one
     lag of margin (at least 1, at most :data:`MAX_TAU`, and no more than the
     series allows): BIC and AIC both chose 1 for some series with links at lag
     2 in the accuracy benchmark, and a link longer than ``tau_max`` cannot be
     found, while a larger ``tau_max`` costs PCMCI+ little;
   - variables with at most :data:`DISCRETE_LEVELS` integer values ->
     **PCMCI** with the G-test (``gsq``);
   - otherwise -> **PCMCI+** with ParCorr at tigramite's default level
     (``pc_alpha = 0.01``): lagged and contemporaneous links. On simulated
     linear, nonlinear and non-Gaussian series it had the best link F1 of the
     four methods at p = 10 and 20 (``benchmarks/accuracy_timeseries.py``;
     the table is in ``docs/timeseries.md``). Two other rules were tried on that
     benchmark and did worse: VARLiNGAM for non-Gaussian residuals, and PCMCI+
     with ``pc_alpha`` chosen from a grid by its information criterion (and an
     MCI level of 0.05). PCMCI+ with RCoT for nonlinear series was not measured
     (slow); ParCorr did well on the benchmark's nonlinear series. So the
     profile's nonlinearity and non-Gaussianity findings are reported as
     reasons and limitations, not switches; the lag is the part tuned by evidence.

4. **fit** the chosen method on the whole series.
5. **resample**: a moving-block bootstrap of the series (blocks of
   :func:`block_length` rows, at least ten times ``tau_max + 1`` so few rows
   straddle a junction), the method refitted on each; the frequency of each
   lagged link over the resamples is its confidence. Row resampling is never
   used: it breaks the time order the lags are read from.
6. **score** against a reference time-series graph when one is given.

Effects (``treatment``/``outcome``) are not estimated on a time series yet: the
step says so and the limitations repeat it.
"""

from __future__ import annotations

import math
import time as _time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..contract import parameter_names
from ..data.timeseries import TimeSeriesData, as_time_series
from ..discovery import make_algorithm
from ..exceptions import CausalScopeError
from ..graphs.timeseries import TimeSeriesGraph
from ..parallel import open_executor, task_seeds
from ..utils import Progress, to_jsonable
from .stages import MIN_BOOTSTRAP, Step, one_line

__all__ = ["TimeSeriesAnalysis", "SeriesChoice", "analyze_series", "choose_series_method", "block_length",
           "MAX_TAU"]

#: Largest lag the copilot chooses by itself (a caller's ``tau_max`` may be larger).
MAX_TAU = 5
#: Most distinct integer values of a variable the copilot treats as discrete (PCMCI with the G-test).
DISCRETE_LEVELS = 5
#: PCMCI+'s level for continuous series (tigramite's ``run_pcmciplus`` default), recorded in ``method.parameters``.
PCMCIPLUS_PC_ALPHA = 0.01
#: PCMCI's condition-selection level with the G-test (a fixed level: the grid needs a model-selection score).
DISCRETE_PC_ALPHA = 0.05


def feasible_tau(n_samples: int, n_variables: int, tau_max: int) -> int:
    """The largest lag up to ``tau_max`` (at least 1) that leaves the VAR of every lag at least ten residual rows.

    Examples
    --------
    >>> feasible_tau(1000, 10, 5), feasible_tau(15, 3, 5)
    (5, 1)
    """
    tau = max(1, int(tau_max))
    while tau > 1 and n_samples - tau <= (n_variables + 1) * tau + 10:
        tau -= 1
    return tau


def block_length(n_samples: int, tau_max: int) -> int:
    """Rows per block of the moving-block bootstrap: ``max(ceil(T^(1/3)), 10 (tau_max + 1))``, at most ``T // 2``.

    ``T^(1/3)`` is the classical rate for the block length (Künsch 1989; Hall,
    Horowitz & Jing 1995); the floor of ten windows keeps the rows whose lags
    straddle a junction between blocks (at most ``tau_max`` per block) under
    10% of the resample.

    Examples
    --------
    >>> block_length(1000, 2), block_length(100000, 0)
    (30, 47)
    """
    return int(max(2, min(max(math.ceil(n_samples ** (1 / 3)), 10 * (tau_max + 1)), n_samples // 2)))


@dataclass(frozen=True)
class SeriesChoice:
    """The method the copilot chose for a time series, with its settings and the reasons in words."""

    algorithm: str
    parameters: dict[str, Any]
    reasons: tuple[str, ...]
    rule: str
    tau_max: int
    n_bootstrap: int

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (the ``method`` object of ``analysis.json``)."""
        return {"name": self.algorithm, "algorithm": self.algorithm, "rule": self.rule,
                "parameters": to_jsonable(self.parameters), "reasons": list(self.reasons),
                "tau_max": self.tau_max, "n_bootstrap_rule": self.n_bootstrap}


@dataclass(frozen=True, eq=False)
class TimeSeriesAnalysis:
    """The result of the copilot on a time series (what ``analysis.json`` and the report hold).

    Attributes
    ----------
    graph:
        The lagged graph of the full-series fit.
    series:
        The validated series (for the report's plots).
    profile:
        The time-series profile (stationarity, lag order, linearity, noise).
    choice:
        The method, its settings and the reasons.
    link_confidence:
        Frequency of each lagged edge (``"X[t-1] --> Y[t]"``) over the block-bootstrap resamples.
    n_bootstrap:
        Resamples that were fitted (0: none).
    scores, effects, steps, limitations, settings:
        As in :class:`~causalscope.pipeline.Analysis`.
    """

    graph: TimeSeriesGraph
    series: TimeSeriesData
    profile: Any
    choice: SeriesChoice
    link_confidence: dict[str, float]
    n_bootstrap: int
    scores: tuple[dict[str, Any], ...]
    effects: tuple[dict[str, Any], ...]
    steps: tuple[Step, ...]
    limitations: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict)

    kind = "timeseries"

    @property
    def variables(self) -> tuple[str, ...]:
        """The analysed variables."""
        return self.series.variables

    @property
    def edge_confidence(self) -> list[dict[str, Any]]:
        """``[{"edge": "X[t-1] --> Y[t]", "frequency": f}, ...]``, most frequent first (ties by text)."""
        return [{"edge": e, "frequency": f}
                for e, f in sorted(self.link_confidence.items(), key=lambda kv: (-kv[1], kv[0]))]

    def summary(self) -> str:
        """A few sentences in plain words: method, graph, confidence, caveats."""
        g = self.graph
        lagged = sum(1 for (_, lag, _) in g.links if lag > 0)
        text = [f"{len(self.variables)} time series of {self.series.n_samples} steps were analysed with "
                f"{self.choice.algorithm.upper()} up to lag {g.tau_max} ({self.choice.rule.replace('_', ' ')} rule).",
                f"The lagged graph has {lagged} lagged and {len(g.links) - lagged} contemporaneous links."]
        kept = [self.link_confidence.get(text, 0.0) for text in g.lagged_edges()]
        if self.n_bootstrap and kept:
            text.append(f"Over {self.n_bootstrap} block-bootstrap resamples the links were found "
                        f"{min(kept):.0%} to {max(kept):.0%} of the time.")
        for s in self.scores:
            text.append(f"Against {s['reference']}: lagged-link F1 {s['link_f1']:.2f}.")
        if self.effects:
            text.append("Effects were not estimated: effect estimation on time series is not available yet.")
        return " ".join(text)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (the ``analysis.json`` body without ``command``/``versions``/``created``)."""
        return {
            "summary": self.summary(),
            "graph": self.graph.to_json_dict(),
            "edge_confidence": self.edge_confidence,
            "n_bootstrap": self.n_bootstrap,
            "method": self.choice.to_dict(),
            "profile": None if self.profile is None else to_jsonable(self.profile.to_dict()),
            "series": to_jsonable(self.series.to_dict()),
            "effects": [to_jsonable(e) for e in self.effects],
            "scores": [to_jsonable(s) for s in self.scores],
            "steps": [s.to_dict() for s in self.steps],
            "limitations": list(self.limitations),
            "settings": to_jsonable(self.settings),
        }


def _bootstrap_size(p: int) -> int:
    return 30 if p <= 10 else 20 if p <= 30 else 10


def choose_series_method(profile: Any, series: TimeSeriesData, *, tau_max: int | None = None,
                         n_bootstrap: int | None = None) -> SeriesChoice:
    """The copilot's choice for a time series (the rules are in the module docstring).

    ``profile`` is a :class:`~causalscope.data.tsprofile.TimeSeriesProfile`.
    """
    facts = series_facts(profile, series)
    reasons: list[str] = []
    p, n = series.n_variables, series.n_samples
    if tau_max is None:
        chosen = int(facts["lag_order"])
        tau = feasible_tau(n, p, max(1, min(chosen + 1, MAX_TAU)))
        reasons.append(f"tau_max = {tau}: the VAR lag order chosen by AIC is {chosen}, plus one lag of margin"
                       + (" (capped)" if tau != chosen + 1 else "")
                       + "; a link longer than tau_max cannot be found, a larger tau_max costs PCMCI+ little")
    else:
        tau = int(tau_max)
        reasons.append(f"tau_max = {tau}, as given")
    if facts["discrete"] and len(facts["discrete"]) == p:
        name, rule = "pcmci", "discrete"
        params: dict[str, Any] = {"tau_max": tau, "ci_test": "gsq", "pc_alpha": DISCRETE_PC_ALPHA, "alpha": 0.05}
        reasons.append("every variable takes few integer values: PCMCI with the G-test "
                       f"(pc_alpha = {DISCRETE_PC_ALPHA}, MCI level 0.05)")
    else:
        name, rule = "pcmciplus", "continuous"
        params = {"tau_max": tau, "ci_test": "parcorr", "pc_alpha": PCMCIPLUS_PC_ALPHA}
        if facts["discrete"]:
            reasons.append(f"{', '.join(facts['discrete'])} take few integer values, the other variables are "
                           "continuous: ParCorr treats the codes as numbers")
        reasons.append("continuous series: PCMCI+ with ParCorr at its default level (pc_alpha = 0.01, as "
                       "tigramite's run_pcmciplus), lagged and contemporaneous links; it had the best link F1 of "
                       "every method on linear, nonlinear and non-Gaussian simulated series (docs/timeseries.md, "
                       "Accuracy)")
        if facts["nonlinear"]:
            reasons.append("the lagged dependence looks nonlinear (" + facts["nonlinear_reason"] + "): ParCorr "
                           "sees its linear part (see the limitations)")
        if facts["non_gaussian"]:
            reasons.append("the VAR residuals are not Gaussian (" + facts["non_gaussian_reason"] + "): VARLiNGAM "
                           "could orient contemporaneous links PCMCI+ leaves undirected, but its link F1 was lower "
                           "in the accuracy table, so it is not chosen")
    if facts["non_stationary"]:
        reasons.append(f"{', '.join(facts['non_stationary'])} look non-stationary (ADF/KPSS): see the limitations")
    n_boot = _bootstrap_size(p) if n_bootstrap is None else int(n_bootstrap)
    return SeriesChoice(algorithm=name, parameters=params, reasons=tuple(reasons), rule=rule, tau_max=tau,
                        n_bootstrap=n_boot)


def series_facts(profile: Any, series: TimeSeriesData | None = None) -> dict[str, Any]:
    """The facts :func:`choose_series_method` reads from a time-series profile, as one small dictionary.

    A variable counts as discrete when it takes at most :data:`DISCRETE_LEVELS` distinct integer values.
    """
    discrete: list[str] = []
    if series is not None:
        for j, name in enumerate(series.variables):
            col = series.values[:, j]
            if np.all(col == np.round(col)) and len(np.unique(col)) <= DISCRETE_LEVELS:
                discrete.append(name)
    nonlinear, non_gaussian = tuple(profile.nonlinear), tuple(profile.non_gaussian)
    return {
        "lag_order": int(profile.lag_order.selected["aic"]),
        "discrete": discrete,
        "nonlinear": bool(nonlinear),
        "nonlinear_reason": f"{profile.linearity_test} test, Holm p < {profile.alpha:g}: {', '.join(nonlinear)}",
        "non_gaussian": len(non_gaussian) * 2 > len(profile.variables),
        "non_gaussian_reason": f"K2 on the VAR residuals, Holm p < {profile.alpha:g}: {', '.join(non_gaussian)}",
        "non_stationary": list(profile.nonstationary),
        "trend": list(profile.trend_stationary),
    }


def _fit(algorithm: str, params: Mapping[str, Any], series: TimeSeriesData, seed: int | None,
         knowledge: Any = None) -> TimeSeriesGraph:
    cls_params = dict(params)
    if knowledge is not None:
        cls_params["knowledge"] = knowledge
    est = make_algorithm(algorithm, **cls_params)
    if seed is not None and "random_state" in parameter_names(type(est)):
        est.set_params(random_state=seed)
    est.fit(series)
    graph = est.graph_
    if not isinstance(graph, TimeSeriesGraph):  # pragma: no cover - a registry entry broke the contract
        raise CausalScopeError(f"{algorithm} returned a {type(graph).__name__}, not a TimeSeriesGraph")
    return graph


def _refit_resample(context: tuple[str, dict[str, Any], TimeSeriesData, int, Any], _task: int,
                    seed: int) -> list[str] | str:
    """One block-bootstrap refit (an executor task): the links found, or the one-line reason it failed."""
    from ..data.resample import block_bootstrap_draw

    algorithm, params, series, length, knowledge = context
    rows = block_bootstrap_draw(series.n_samples, seed, method="moving", block_length=length)
    resampled = TimeSeriesData(values=np.ascontiguousarray(series.values[rows]), variables=series.variables)
    try:
        graph = _fit(algorithm, params, resampled, seed, knowledge)
    except CausalScopeError as exc:
        return one_line(exc)
    return graph.lagged_edges()


def analyze_series(
    data: Any,
    *,
    time_column: str | None,
    variables: tuple[str, ...] | None = None,
    tau_max: int | None = None,
    reference: Mapping[str, Any] | None = None,
    treatment: str | None = None,
    outcome: str | None = None,
    knowledge: Any = None,
    assume_latent: bool = False,
    domain_column: str | None = None,
    random_state: int = 0,
    n_jobs: int | None = 1,
    budget: float | None = None,
    n_bootstrap: int | None = None,
    progress: Progress | None = None,
    steps_before: tuple[Step, ...] = (),
    settings: Mapping[str, Any] | None = None,
) -> TimeSeriesAnalysis:
    """Run the copilot on a time series (the stages are in the module docstring).

    Parameters
    ----------
    data:
        A DataFrame or :class:`~causalscope.data.Dataset` whose rows are in time order.
    time_column:
        The column of time stamps (strictly increasing), or ``None`` (row order is time order).
    variables:
        The columns analysed (default: every column but the time column).
    tau_max:
        Largest lag (default: the AIC lag order plus one, at most :data:`MAX_TAU`).
    reference:
        Reference time-series graphs ``{label: TimeSeriesGraph}`` to score the learned graph against.
    treatment, outcome:
        Recorded; effects are not estimated on a time series yet (a step says so).
    knowledge:
        Background knowledge (:class:`~causalscope.discovery.Knowledge`): forbidden and
        required links, honoured by the chosen method (as for ``discover --knowledge``).
    assume_latent, domain_column:
        Not available on a time series yet (LPCMCI, multi-environment series): a
        limitation says they were not applied.
    random_state, n_jobs, budget, n_bootstrap, progress:
        As in :func:`~causalscope.pipeline.analyze`.
    """
    from ..data.tsprofile import profile_timeseries

    t0 = _time.perf_counter()
    steps = list(steps_before)
    limitations: list[str] = []
    series = as_time_series(data, time_column=time_column, tau_max=tau_max or 0, variables=variables)
    steps.append(Step("time series", "done", f"{series.n_samples} steps of {series.n_variables} variables in the "
                      + (f"order of {time_column!r}" if time_column else "order of the rows")
                      + ("" if series.regular else f"; {len(series.gaps)} gap(s) in the time index (lags are "
                         "counted in rows)")))
    if not series.regular:
        limitations.append(f"The time index has {len(series.gaps)} gap(s) or irregular steps; lags are counted in "
                           "rows, so a lag across a gap is longer in time than the others.")
    prof = profile_timeseries(series, tau_max=tau_max or feasible_tau(series.n_samples, series.n_variables, MAX_TAU))
    steps.append(Step("profile", "done", "stationarity (ADF, KPSS), VAR lag order by AIC/BIC/HQIC, linearity and "
                                         "residual Gaussianity of each variable"))
    choice = choose_series_method(prof, series, tau_max=tau_max, n_bootstrap=n_bootstrap)
    steps.append(Step("choose", "done", f"{choice.algorithm}: " + "; ".join(choice.reasons)))
    graph = _fit(choice.algorithm, choice.parameters, series, random_state, knowledge)
    steps.append(Step("fit", "done", f"{choice.algorithm} on all {series.n_samples} steps: {len(graph.links)} links"))
    fit_time = _time.perf_counter() - t0
    counts: dict[str, int] = {}
    done = 0
    want = choice.n_bootstrap
    if budget is not None and want:
        affordable = int(max(0.0, 0.8 * (budget - (_time.perf_counter() - t0))) // max(fit_time, 1e-3))
        if affordable < want:
            steps.append(Step("budget", "done", f"{affordable} of {want} resamples fit in the budget"))
            want = affordable
    if want >= MIN_BOOTSTRAP:
        length = block_length(series.n_samples, choice.tau_max)
        seeds = task_seeds(random_state, want)
        context = (choice.algorithm, dict(choice.parameters), series, length, knowledge)
        with open_executor(n_jobs) as ex:
            results = ex.map(_refit_resample, list(range(want)), context=context, seeds=seeds, progress=progress,
                             description="block-bootstrap resamples")
        for k, outcome_ in enumerate(results):
            if isinstance(outcome_, str):
                steps.append(Step(f"resample {k}", "failed", outcome_))
                continue
            for text in outcome_:
                counts[text] = counts.get(text, 0) + 1
            done += 1
        steps.append(Step("resample", "done", f"{done} moving-block bootstrap resamples (blocks of {length} "
                                              f"steps) refitted with {choice.algorithm}"))
    else:
        steps.append(Step("resample", "skipped", f"{want} resamples are fewer than {MIN_BOOTSTRAP}; the single "
                                                 "fit is reported"))
    confidence = {e: c / done for e, c in counts.items()} if done else {}
    scores = tuple(_score(graph, reference))
    for label, ref in (reference or {}).items():
        if not isinstance(ref, TimeSeriesGraph):
            steps.append(Step(f"score vs {label}", "skipped", "the reference is not a time-series graph (graph JSON "
                              'with "type": "timeseries"), so its lagged links cannot be compared'))
    effects: tuple[dict[str, Any], ...] = ()
    if treatment is not None and outcome is not None:
        effects = ({"treatment": treatment, "outcome": outcome, "status": "not_estimated",
                    "reason": "effect estimation on a time series is not available yet"},)
        steps.append(Step("effects", "skipped", "effect estimation on a time series is not available yet"))
    if knowledge is not None:
        steps.append(Step("knowledge", "done", f"forbidden and required links honoured by {choice.algorithm}"))
    if assume_latent:
        limitations.append("Hidden common causes were asked to be allowed (--latent), but the time-series methods "
                           "here assume there are none (LPCMCI is not available yet): the links are learned under "
                           "causal sufficiency.")
    if domain_column is not None:
        limitations.append(f"The domain column {domain_column!r} was not used: the multi-environment analysis of a "
                           "time series is not available yet; the rows of all domains are read as one series.")
    limitations += _limitations(choice, prof)
    return TimeSeriesAnalysis(
        graph=graph, series=series, profile=prof, choice=choice, link_confidence=confidence, n_bootstrap=done,
        scores=scores, effects=effects, steps=tuple(steps), limitations=tuple(limitations),
        settings={**(settings or {}), "seed": random_state, "n_jobs": n_jobs, "budget": budget,
                  "time_column": time_column, "tau_max": choice.tau_max, "n_bootstrap": done},
    )


def _score(graph: TimeSeriesGraph, reference: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not reference:
        return []
    from ..graphs.metrics import compare_timeseries_graphs

    out = []
    for label, ref in reference.items():
        if isinstance(ref, TimeSeriesGraph):
            cmp = compare_timeseries_graphs(ref, graph)
            links = cmp["links"]
            out.append({"reference": label, "link_precision": links["precision"], "link_recall": links["recall"],
                        "link_f1": links["f1"], **cmp})
    return out


def _limitations(choice: SeriesChoice, prof: Any) -> list[str]:
    facts = series_facts(prof)
    out = []
    if facts["non_stationary"]:
        out.append(f"{', '.join(facts['non_stationary'])} look non-stationary (ADF does not reject a unit root, or "
                   "KPSS rejects stationarity). The methods assume a stationary process; difference those series "
                   "(or remove the trend) and rerun if the links matter.")
    if facts["nonlinear"]:
        out.append("Some lagged dependence looks nonlinear; ParCorr tests linear partial correlation, so a "
                   "non-monotone link can be missed. To check, run `causalscope discover DATA --algorithm pcmciplus "
                   "--ci-test rcot` (slower, nonparametric).")
    if facts["trend"]:
        out.append(f"{', '.join(facts['trend'])} follow a deterministic trend (stationary around it, ADF/KPSS with "
                   "a trend). A shared trend makes series look linked; detrend them (subtract a fitted linear trend) "
                   "and rerun if the links between them matter.")
    out.append("Causal sufficiency is assumed: no unobserved series drives two analysed variables.")
    out.append(f"Links longer than tau_max = {choice.tau_max} steps are not looked for; a longer lag would appear "
               "as a spurious shorter one or not at all.")
    out.append("Faithfulness and a stationary causal structure (the same links at every time) are assumed.")
    out.append("Resampling frequencies measure the stability of the method on this series (moving-block bootstrap), "
               "not the probability that a link is causal.")
    return out

