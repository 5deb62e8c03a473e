"""The whole causal analysis as one call: :func:`analyze` -> :class:`Analysis`.

The copilot runs, in order:

1. **validate** the table (:class:`~causalscope.data.Dataset` rules: no constant
   or entirely missing column, at least ten rows: the rule of
   :mod:`causalscope.data.sample_size`, which also warns when the sample is small
   for the method); incomplete rows are kept; columns that are exact functions of
   others are found (:mod:`causalscope.data.deterministic`) and, by default,
   dropped (never the treatment or outcome), with a step and a limitation;
2. **profile** it (:func:`~causalscope.data.profile.profile_data`, which handles
   missing values itself);
3. **choose** a discovery method by the documented rules of
   :func:`~causalscope.pipeline.choose.choose_method`, then apply the
   missing-value rules of :mod:`causalscope.pipeline.missing`: CI-test based
   methods use every row with test-wise deletion; a method that needs complete
   rows runs on them when there are enough, else PC with test-wise deletion is
   used instead (the reasons say so);
4. **fit once** with the method's default settings (this also measures how long
   one fit takes, which scales the rest to the ``budget``); with a budget and an
   effect to estimate, one timed estimate sets aside the effect's share
   (at most :data:`EFFECT_BUDGET_SHARE` of what is left);
5. **tune** its hyperparameter on a small grid (:func:`~causalscope.pipeline.tune`);
6. **bootstrap** it (:func:`~causalscope.pipeline.bootstrap_edges`) and keep the
   consensus graph at the documented threshold; for GES, exact search and
   DirectLiNGAM (which assume no hidden common cause) the hidden-confounder
   check (:mod:`~causalscope.pipeline.sufficiency`) runs FCI on the same
   resamples and reports the edges FCI separates (``settings["sufficiency_check"]``,
   a step and a limitation); the graph is not changed;
7. **identify and estimate** the effect of ``treatment`` on ``outcome`` on the
   learned graph (:func:`~causalscope.identification.identify`,
   :func:`~causalscope.estimation.estimate_effect`) on the rows complete in the
   columns the estimator reads, with refutations and sensitivity (skipped, and
   said so, when the budget has run out); an effect the class leaves
   unidentified is reported as such;
8. **score** the graph against reference graphs, when known (e.g. the three
   published Sachs consensus graphs), as learned: no undirected edge is oriented
   toward the truth.

Each stage is a function of :mod:`causalscope.pipeline.stages` (the effects stage:
:mod:`causalscope.pipeline.effects`) that returns a frozen result with its steps and
limitations; :func:`analyze` runs them in order and assembles the :class:`Analysis`.
One validated :class:`~causalscope.data.Dataset` is built and handed to every fit, the
tuning, the resamples (:meth:`~causalscope.data.Dataset.take`) and the check (CD-NOD and
listwise deletion excepted: see :mod:`causalscope.pipeline.stages`); the effect is
identified once.

Every step is recorded as a :class:`Step` (``done``, ``skipped`` or ``failed``,
with the reason), so an analysis that hits its budget or a failing component says
what it skipped instead of raising. ``settings["missing"]`` records how missing
values were handled and the rows each stage used. Everything is seeded from ``random_state``:
without a ``budget`` the same call gives the same :class:`Analysis`. With a
budget the number of bootstrap replicates depends on the measured speed of one
fit, so runs on different machines may differ.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..data import Dataset
from ..data.deterministic import DETERMINISTIC_POLICIES, DeterministicPolicy
from ..data.profile import DataProfile
from ..exceptions import InvalidParameterError
from ..graphs import MixedGraph
from ..utils import Progress, RandomState, as_progress, get_logger, to_jsonable
from . import stages
from .choose import MethodChoice
from .effects import causal_path, effects
from .stages import (
    BOOTSTRAP_BUDGET_SHARE,
    EFFECT_BUDGET_SHARE,
    MIN_BOOTSTRAP,
    TUNING_BUDGET_SHARE,
    Step,
    sufficiency_stage,
)
from .sufficiency import SufficiencyCheck
from .summary import analysis_summary

if TYPE_CHECKING:
    from .timeseries import TimeSeriesAnalysis

__all__ = ["Analysis", "Step", "analyze", "causal_path", "TUNING_BUDGET_SHARE", "BOOTSTRAP_BUDGET_SHARE",
           "MIN_BOOTSTRAP", "EFFECT_BUDGET_SHARE"]

logger = get_logger(__name__)


@dataclass(frozen=True, eq=False)
class Analysis:
    """The result of :func:`analyze`: everything the report and ``analysis.json`` show.

    Attributes
    ----------
    graph:
        The final graph (bootstrap consensus, or the single fit when the bootstrap was skipped).
    variables:
        The analysed variables (domain/time columns excluded).
    profile:
        The data profile (``None`` only if profiling failed).
    choice:
        The method choice with its reasons.
    parameters:
        The hyperparameters the final method ran with (after tuning).
    tuning:
        ``TuningResult.to_dict()`` or ``None``.
    confidence:
        The :class:`~causalscope.pipeline.EdgeConfidence` or ``None``.
    effects:
        One dict per requested effect (EFFECT.json shape plus ``status``; or
        ``status``/``reason`` when not identified or failed).
    scores:
        One dict per reference graph: ``reference``, ``shd``, adjacency and arrowhead precision/recall/F1.
    steps:
        What ran, what was skipped or failed, and why.
    limitations:
        Plain-language assumptions and caveats.
    settings:
        Seed, budget, knowledge, n_jobs, rows used...
    """

    graph: MixedGraph
    variables: tuple[str, ...]
    profile: DataProfile | None
    choice: MethodChoice
    parameters: dict[str, Any]
    tuning: dict[str, Any] | None
    confidence: Any
    effects: tuple[dict[str, Any], ...]
    scores: tuple[dict[str, Any], ...]
    steps: tuple[Step, ...]
    limitations: tuple[str, ...]
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def edge_confidence(self) -> list[dict[str, Any]]:
        """The ``edge_confidence`` list: every edge type seen, with its bootstrap frequency."""
        return [] if self.confidence is None else self.confidence.edge_list()

    def summary(self) -> str:
        """A few sentences in plain words (:func:`~causalscope.pipeline.summary.analysis_summary`)."""
        return analysis_summary(self)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (the ``analysis.json`` body without ``command``/``versions``/``created``)."""
        method = {**self.choice.to_dict(), "parameters": to_jsonable(self.parameters),
                  "fixed_parameters": to_jsonable(self.choice.parameters),
                  "n_bootstrap_rule": self.settings.get("n_bootstrap_rule", self.choice.n_bootstrap)}
        return {
            "summary": self.summary(),
            "graph": {**self.graph.to_dict(), "type": self.graph.kind},
            "edge_confidence": self.edge_confidence,
            "edge_pairs": [] if self.confidence is None else self.confidence.pairs(),
            "n_bootstrap": 0 if self.confidence is None else self.confidence.n_replicates,
            "method": method,
            "tuning": self.tuning,
            "profile": None if self.profile is None else to_jsonable(self.profile.to_dict()),
            "effects": [to_jsonable(e) for e in self.effects],
            "scores": [to_jsonable(s) for s in self.scores],
            "steps": [s.to_dict() for s in self.steps],
            "limitations": list(self.limitations),
            "settings": to_jsonable(self.settings),
        }


def _seed_of(random_state: RandomState) -> int:
    """The one integer seed of the analysis (a Generator is reduced to one draw; ``None`` is 0)."""
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**31 - 1))
    if random_state is None:
        return 0
    return int(random_state)


def _check_arguments(treatment: str | None, outcome: str | None, deterministic: Any, budget: Any) -> None:
    if (treatment is None) != (outcome is None):
        raise InvalidParameterError(
            f"treatment and outcome go together; got treatment={treatment!r}, outcome={outcome!r}"
        )
    if deterministic not in DETERMINISTIC_POLICIES:
        raise InvalidParameterError(f"deterministic must be one of {list(DETERMINISTIC_POLICIES)}; got {deterministic!r}")
    if budget is not None and not (isinstance(budget, (int, float)) and budget > 0):
        raise InvalidParameterError(f"budget must be a positive number of seconds; got {budget!r}")


def analyze(
    data: pd.DataFrame | Dataset,
    *,
    treatment: str | None = None,
    outcome: str | None = None,
    domain_column: str | None = None,
    time_column: str | None = None,
    knowledge: Any = None,
    assume_latent: bool = False,
    reference: Mapping[str, MixedGraph] | None = None,
    random_state: RandomState = 0,
    n_jobs: int | None = 1,
    budget: float | None = None,
    n_bootstrap: int | None = None,
    deterministic: DeterministicPolicy = "drop",
    progress: Progress | Callable[[int, int | None, str], None] | None = None,
    tau_max: int | None = None,
) -> Analysis | TimeSeriesAnalysis:
    """Run the whole causal analysis of a table (see the module docstring for the steps).

    Parameters
    ----------
    data:
        A pandas DataFrame or a :class:`~causalscope.data.Dataset`.
    treatment, outcome:
        Columns whose causal effect is identified and estimated (both or neither).
    domain_column, time_column:
        Column labelling domains (environments) / the time index; not analysed as variables.
        With a time column and autocorrelated variables (the profile's Ljung-Box
        flag) the time-series copilot runs instead
        (:func:`~causalscope.pipeline.timeseries.analyze_series`) and a
        :class:`~causalscope.pipeline.timeseries.TimeSeriesAnalysis` is returned.
    knowledge:
        Background knowledge (:class:`~causalscope.discovery.Knowledge`), honoured by every fit.
    assume_latent:
        Suspect unobserved common causes: FCI is chosen.
    reference:
        Reference graphs ``{label: graph}`` to score the learned graph against.
    random_state:
        Seed (an ``int``; a Generator is reduced to one seed); the same seed gives the same analysis.
    n_jobs:
        Worker processes for tuning and bootstrap.
    budget:
        Time budget in seconds for the whole analysis, effect estimation included
        (``None``: no limit).
    n_bootstrap:
        Override the chosen number of bootstrap replicates.
    deterministic:
        What to do with columns that are exact functions of others
        (:mod:`causalscope.data.deterministic`): ``"drop"`` the redundant column of
        each relation (never the treatment or outcome; a step and a limitation say
        which), ``"error"`` (a :class:`~causalscope.exceptions.DataError` naming the
        relations) or ``"keep"`` them (a limitation explains what that does to the graph).
    tau_max:
        Largest lag of the time-series copilot (default: the AIC lag order plus one); not used when the i.i.d. analysis runs (a step says so).
    progress:
        ``None``, a :class:`~causalscope.utils.Progress` or a callback
        ``(done, total, description)``: one step per stage, and inside the tuning
        and bootstrap stages one step per refit/resample (a nested
        ``start``/``close`` pair; a callback sees the innermost task).

    Returns
    -------
    Analysis

    Raises
    ------
    DataError
        For a table the analysis cannot use (a constant or entirely missing
        column, fewer than ten rows, an unknown treatment/outcome/domain/time column).
    InvalidParameterError
        For only one of ``treatment``/``outcome``, or a non-positive ``budget``.

    References
    ----------
    Wang, X. et al. (2025). Causal-Copilot: an autonomous causal analysis agent. arXiv:2504.13263.

    Examples
    --------
    >>> from causalscope.datasets import simulate
    >>> sim = simulate(4, 300, mechanism="linear", noise="uniform", random_state=0)
    >>> res = analyze(sim.data, n_bootstrap=3, random_state=0)
    >>> res.choice.algorithm, res.confidence.n_replicates
    ('lingam', 3)
    """
    t0 = time.perf_counter()
    report = as_progress(progress)
    _check_arguments(treatment, outcome, deterministic, budget)
    seed = _seed_of(random_state)
    remaining = stages.remaining_time(t0, budget)

    valid = stages.validate(data, treatment=treatment, outcome=outcome, domain_column=domain_column,
                            time_column=time_column, deterministic=deterministic)
    report.start(6, "analysis")
    report.start(None, f"profile ({len(valid.variables)} variables)")  # a nested bar: the stage's name while it runs
    try:
        profiled = stages.profile(valid, domain_column=domain_column, time_column=time_column, seed=seed)
    finally:
        report.close()
    report.advance()
    if time_column is not None and _autocorrelated(profiled.profile):
        report.close()
        from .timeseries import analyze_series

        # the validated Dataset: its codes for integer-coded columns, its decoded time stamps
        return analyze_series(valid.dataset, time_column=time_column, variables=valid.variables, tau_max=tau_max,
                              reference=reference, treatment=treatment, outcome=outcome, knowledge=knowledge,
                              assume_latent=assume_latent, domain_column=domain_column, random_state=seed,
                              n_jobs=n_jobs, budget=budget, n_bootstrap=n_bootstrap, progress=report,
                              steps_before=valid.steps + profiled.steps,
                              settings={"treatment": treatment, "outcome": outcome, "domain_column": domain_column,
                                        "assume_latent": assume_latent, "deterministic": deterministic,
                                        "knowledge": None if knowledge is None else (
                                            knowledge.to_dict() if hasattr(knowledge, "to_dict") else str(knowledge))})
    if tau_max is not None:
        profiled = replace(profiled, steps=profiled.steps + (Step(
            "tau_max", "skipped", f"tau_max={tau_max} is not used: the variables are not autocorrelated, so the "
            "i.i.d. analysis runs"),))
    chosen = stages.choose(valid, profiled.profile, domain_column=domain_column, time_column=time_column,
                           assume_latent=assume_latent, budget=budget, knowledge=knowledge)
    report.advance()
    fitted = stages.fit(chosen, seed=seed, budget=budget, report=report)
    if budget is not None and treatment is not None and outcome is not None:
        fitted = stages.reserve_for_effect(fitted, valid, treatment=treatment, outcome=outcome, seed=seed,
                                           budget=budget, elapsed=lambda: time.perf_counter() - t0)
    report.advance()

    def for_discovery() -> float:
        return remaining() - fitted.reserve

    tuned = stages.tune_stage(chosen, fitted, seed=seed, n_jobs=n_jobs, for_discovery=for_discovery, report=report)
    report.advance()
    resampled = stages.resample(chosen, fitted, tuned, seed=seed, n_jobs=n_jobs, n_bootstrap=n_bootstrap,
                                budget=budget, for_discovery=for_discovery, report=report)
    checked = stages.check(chosen, resampled, assume_latent=assume_latent, seed=seed, knowledge=knowledge,
                           n_jobs=n_jobs, for_discovery=for_discovery if budget is not None else None, report=report)
    report.advance()
    graph = resampled.graph
    estimated = effects(valid.frame[list(valid.variables)], graph, treatment=treatment, outcome=outcome, seed=seed,
                        remaining=remaining if budget is not None else None)
    report.advance()
    report.close()
    scored = stages.score(graph, reference)

    done = (valid, profiled, chosen, fitted, tuned, resampled, checked, estimated, scored)
    steps = tuple(s for stage in done for s in stage.steps)
    limitations = tuple(x for stage in done for x in stage.limitations)
    limitations += tuple(stages.final_limitations(checked.choice, profiled.profile, graph))
    settings = _settings(valid, profiled, chosen, tuned, resampled, checked, estimated.effects, seed=seed,
                         n_jobs=n_jobs, budget=budget, treatment=treatment, outcome=outcome,
                         domain_column=domain_column, time_column=time_column, assume_latent=assume_latent,
                         knowledge=knowledge, deterministic=deterministic)
    return Analysis(
        graph=graph, variables=valid.variables, profile=profiled.profile, choice=checked.choice,
        parameters=tuned.params, tuning=tuned.tuning, confidence=resampled.confidence, effects=estimated.effects,
        scores=scored.scores, steps=steps, limitations=limitations, settings=settings,
    )


def _autocorrelated(prof: DataProfile | None) -> bool:
    """Whether the profile's Ljung-Box flag found autocorrelated variables (the time-series copilot's trigger)."""
    flag = None if prof is None else prof.flags.get("time_series")
    return bool(flag is not None and flag.value)


def _settings(valid: stages.Validated, profiled: stages.Profiled, chosen: stages.Chosen, tuned: stages.Tuned,
              resampled: stages.Resampled, checked: stages.Checked, effect_list: tuple[dict[str, Any], ...], *,
              seed: int, n_jobs: int | None, budget: float | None, treatment: str | None, outcome: str | None,
              domain_column: str | None, time_column: str | None, assume_latent: bool, knowledge: Any,
              deterministic: DeterministicPolicy) -> dict[str, Any]:
    """``Analysis.settings``: the arguments, the rows each stage used and the diagnostics' records."""
    confidence, plan, choice, det = resampled.confidence, chosen.plan, checked.choice, valid.deterministic
    n_rows, n_disc = valid.n_rows, len(chosen.disc)
    rows = {
        "total": n_rows, "complete": valid.n_complete, "without_label_dropped": valid.n_unlabelled,
        "strategy": plan.strategy, "profile": profiled.rows, "discovery": chosen.discovery_rows,
        "tuning": tuned.rows,
        "bootstrap": (f"resamples of {choice.sample_fraction:.0%} of {chosen.discovery_rows}"
                      if confidence is not None else "no bootstrap"),
        "effects": [{"treatment": e["treatment"], "outcome": e["outcome"], "rows": e.get("rows_used")}
                    for e in effect_list],
    }
    return {
        "seed": seed, "n_jobs": n_jobs, "budget": budget, "treatment": treatment, "outcome": outcome,
        "domain_column": domain_column, "time_column": time_column, "assume_latent": assume_latent,
        "knowledge": None if knowledge is None else (knowledge.to_dict() if hasattr(knowledge, "to_dict")
                                                     else str(knowledge)),
        "rows_used": n_disc,
        "rows_dropped": n_rows - n_disc + valid.n_unlabelled,
        "n_bootstrap": 0 if confidence is None else confidence.n_replicates,
        "n_bootstrap_rule": chosen.rule_choice.n_bootstrap,
        "missing": {**plan.to_dict(), "rows": rows},
        "sufficiency_check": None if checked.check is None else checked.check.to_dict(),
        "deterministic": {"policy": deterministic, **det.to_dict()} if det.found else None,
    }


def _check_sufficiency(disc: pd.DataFrame | Dataset, confidence: Any, choice: MethodChoice, seed: int,
                       knowledge: Any, n_jobs: int | None, steps: list[Step],
                       for_discovery: Callable[[], float] | None, report: Any) -> SufficiencyCheck | None:
    """The hidden-confounder check with its step appended to ``steps`` (kept for callers of the former helper;
    :func:`~causalscope.pipeline.stages.sufficiency_stage` returns the step instead)."""
    result, step = sufficiency_stage(disc, confidence, choice, seed, knowledge, n_jobs, for_discovery, report)
    steps.append(step)
    return result
