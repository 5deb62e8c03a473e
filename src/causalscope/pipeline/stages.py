"""The stages of :func:`~causalscope.pipeline.analyze`, one function each.

Every stage takes what it needs (the table, earlier stages' results, the seed) and
returns a frozen result that carries the :class:`Step` records and the
limitations it produced, in the order they occurred; nothing is appended to a
list shared between stages. :func:`~causalscope.pipeline.analyze` runs them in
order -- :func:`validate`, :func:`profile`, :func:`choose`, :func:`fit`,
:func:`tune_stage`, :func:`resample`, :func:`check`, :func:`effects`
(:mod:`causalscope.pipeline.effects`) and :func:`score` -- and assembles the
:class:`~causalscope.pipeline.Analysis` from their results.

The data path: :func:`validate` builds the one validated
:class:`~causalscope.data.Dataset` of the analysis (kinds inferred once; the
profile reports the same kinds), and the discovery, tuning, resampling and the
hidden-confounder check all receive it (resamples are
:meth:`~causalscope.data.Dataset.take` of it, never re-validated). Two cases keep
their own table: CD-NOD, whose discovery table holds the domain column as its
surrogate variable, gets the DataFrame; and under listwise deletion the complete
rows are validated once more, so that their kinds and codes are those of the rows
the method sees, as before.

To add a stage: write a function that returns a frozen subclass of
:class:`StageResult` (its ``steps`` and ``limitations`` are keyword fields),
call it from ``analyze`` in its place and add its result to the tuple whose steps
and limitations ``analyze`` concatenates, in that order.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, cast

import numpy as np
import pandas as pd

from ..data import Dataset
from ..data.deterministic import DeterministicPolicy, DeterministicReport, find_deterministic, resolve_deterministic
from ..data.profile import DataProfile, profile_data
from ..data.sample_size import MIN_ROWS, check_sample_size
from ..exceptions import CausalScopeError, DataError, InvalidParameterError
from ..graphs import MixedGraph
from ..utils import LabelledProgress, Progress
from .choose import MethodChoice, choose_method
from .missing import MissingPlan, complete_rows, plan_missing
from .sufficiency import CHECKED_ALGORITHMS, SufficiencyCheck, check_sufficiency

__all__ = [
    "Step", "StageResult", "Validated", "Profiled", "Chosen", "Fitted", "Tuned", "Resampled", "Checked", "Scored",
    "validate", "profile", "choose", "fit", "tune_stage", "resample", "check", "score",
    "one_line", "apply_setting", "seeded", "with_resample_count", "final_limitations",
    "TUNING_BUDGET_SHARE", "BOOTSTRAP_BUDGET_SHARE", "MIN_BOOTSTRAP", "EFFECT_BUDGET_SHARE",
]

#: Fraction of the remaining budget the tuning refits may use.
TUNING_BUDGET_SHARE = 0.4
#: Fraction of the remaining budget the bootstrap may use.
BOOTSTRAP_BUDGET_SHARE = 0.8
#: Fewest bootstrap replicates worth running; below it the single fit is reported.
MIN_BOOTSTRAP = 5
#: Largest fraction of the budget (left after the first fit) kept for effect estimation.
EFFECT_BUDGET_SHARE = 0.3


@dataclass(frozen=True)
class Step:
    """One step of the analysis: ``status`` is ``"done"``, ``"skipped"`` or ``"failed"``."""

    name: str
    status: str
    detail: str

    def to_dict(self) -> dict[str, str]:
        """JSON-ready dictionary."""
        return {"name": self.name, "status": self.status, "detail": self.detail}


@dataclass(frozen=True, kw_only=True)
class StageResult:
    """What every stage's result carries: the steps it recorded and the limitations it found, in order."""

    steps: tuple[Step, ...] = ()
    limitations: tuple[str, ...] = ()


def one_line(exc: BaseException) -> str:
    """``"ErrorType: message"`` on one line (a step's or an effect's reason)."""
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


# --------------------------------------------------------------------------- validate
@dataclass(frozen=True)
class Validated(StageResult):
    """The validated table: ``frame`` (analysis and role columns) and its one :class:`Dataset`."""

    frame: pd.DataFrame
    dataset: Dataset
    variables: tuple[str, ...]
    n_rows: int
    n_complete: int
    n_unlabelled: int
    deterministic: DeterministicReport


def _check_column(frame: pd.DataFrame, name: str | None, what: str) -> None:
    if name is not None and name not in frame.columns:
        raise DataError(f"{what} column {name!r} is not in the data; the columns are {list(map(str, frame.columns))}")


def validate(data: pd.DataFrame | Dataset, *, treatment: str | None, outcome: str | None,
             domain_column: str | None, time_column: str | None,
             deterministic: DeterministicPolicy) -> Validated:
    """Check the table and the named columns, build its :class:`Dataset`, handle deterministic columns.

    Raises
    ------
    DataError
        For a table the analysis cannot use.
    InvalidParameterError
        For a treatment equal to the outcome or to a role column, or ``data`` of another type.
    """
    frame = data.to_frame() if isinstance(data, Dataset) else data
    if not isinstance(frame, pd.DataFrame):
        raise InvalidParameterError(f"data must be a pandas DataFrame or a Dataset; got {type(data).__name__}")
    frame = frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    for name, what in ((treatment, "treatment"), (outcome, "outcome"), (domain_column, "domain"),
                       (time_column, "time")):
        _check_column(frame, name, what)
    if treatment is not None and treatment == outcome:
        raise InvalidParameterError(f"treatment and outcome must differ; both are {treatment!r}")
    for name, what in ((treatment, "treatment"), (outcome, "outcome")):
        if name is not None and name in (domain_column, time_column):
            raise InvalidParameterError(f"{what} column {name!r} is also the domain/time column")
    dataset = Dataset.from_frame(frame, domain_column=domain_column, time_column=time_column, missing="keep")
    variables = tuple(c for c in frame.columns if c not in (domain_column, time_column))
    # deterministic columns (exact functions of others) break faithfulness: found and handled before anything else
    det = find_deterministic(frame, columns=list(variables), kinds={v: dataset.kinds[v] for v in variables},
                             protect=[c for c in (treatment, outcome) if c is not None])
    det_notes: list[str] = []
    if det.found:
        resolved, det_notes = resolve_deterministic(frame, det, deterministic)
        frame = cast(pd.DataFrame, resolved)  # a DataFrame in, a DataFrame out
        variables = tuple(c for c in variables if c in frame.columns)
        if variables != dataset.variables:
            dataset = dataset.subset(variables)
    if len(variables) < 2:
        raise DataError(f"at least two variables are needed for a causal analysis; got {list(variables)}")
    # every row has its domain/time label: Dataset.from_frame(missing="keep") above raises a DataError
    # naming the role column otherwise, so no row is left to drop here (n_unlabelled stays 0); the rows
    # are renumbered with role columns, as they always were
    if domain_column is not None or time_column is not None:
        frame = frame.reset_index(drop=True)
    if len(frame) < MIN_ROWS:
        check_sample_size(len(frame), len(variables), family="ci")  # raises: the rule of causalscope.data.sample_size
    n_rows = len(frame)
    n_complete = int(complete_rows(frame, variables).sum())
    steps: list[Step] = []
    limitations: list[str] = []
    detail = f"{n_rows} rows, {len(variables)} variables, {n_complete} rows complete"
    steps.append(Step("validate", "done", detail))
    if det.found:
        steps.append(Step("deterministic columns", "done", "; ".join(det_notes)))
        if deterministic == "keep":
            limitations.append("Some columns are exact functions of others (" + "; ".join(r.equation for r in
                               det.relations) + "). They were kept as asked: conditional independence tests then "
                               "remove true edges next to them (a violation of faithfulness, not the trace of a hidden "
                               "common cause), and scores meet a singular design.")
        else:
            limitations.append("Columns that were exact functions of others were left out before discovery: "
                               + "; ".join(det_notes) + ".")
    return Validated(frame=frame, dataset=dataset, variables=variables, n_rows=n_rows, n_complete=n_complete,
                     n_unlabelled=0, deterministic=det, steps=tuple(steps),
                     limitations=tuple(limitations))


# --------------------------------------------------------------------------- profile
@dataclass(frozen=True)
class Profiled(StageResult):
    """The data profile and the rows it was computed on."""

    profile: DataProfile
    rows: str


def profile(valid: Validated, *, domain_column: str | None, time_column: str | None, seed: int) -> Profiled:
    """Profile the validated table (every row: the profile handles missing values itself).

    Raises
    ------
    DataError
        If the data cannot be profiled (on every row, nor on the complete rows when some are incomplete).
    """
    n_rows, n_complete = valid.n_rows, valid.n_complete
    rows = f"all {n_rows} rows" + ("" if n_complete == n_rows else
                                   " (missing predictors mean-imputed; each variable's statistics on the rows "
                                   "where it is observed)")
    try:
        prof = profile_data(valid.dataset, domain_column=domain_column, time_column=time_column, random_state=seed)
    except CausalScopeError as exc:
        if n_complete == n_rows or n_complete < 10:
            raise DataError(f"the data could not be profiled: {exc}") from exc
        rows = f"the {n_complete} complete rows (profiling all rows failed: {one_line(exc)})"
        frame = valid.frame
        try:
            prof = profile_data(frame.loc[complete_rows(frame, valid.variables)].reset_index(drop=True),
                                domain_column=domain_column, time_column=time_column, random_state=seed)
        except CausalScopeError as exc2:
            raise DataError(f"the data could not be profiled: {exc2}") from exc2
    return Profiled(profile=prof, rows=rows, steps=(Step("profile", "done", f"{len(prof.flags)} flags, on {rows}"),))


# --------------------------------------------------------------------------- choose
@dataclass(frozen=True)
class Chosen(StageResult):
    """The method, the missing-value plan and the discovery table.

    ``data`` is what every discovery fit receives (the validated :class:`Dataset`, or
    see the module docstring); ``disc`` is the same rows as a DataFrame.
    """

    rule_choice: MethodChoice
    choice: MethodChoice
    plan: MissingPlan
    surrogate: str | None
    disc: pd.DataFrame
    data: Dataset | pd.DataFrame
    fixed: dict[str, Any]
    discovery_rows: str


def choose(valid: Validated, prof: DataProfile, *, domain_column: str | None, time_column: str | None,
           assume_latent: bool, budget: float | None, knowledge: Any) -> Chosen:
    """Choose the method (:func:`~causalscope.pipeline.choose.choose_method`), then apply the missing-value rules."""
    frame, variables = valid.frame, valid.variables
    rule_choice = choose_method(prof, domain_column=domain_column, time_column=time_column,
                                assume_latent=assume_latent, budget=budget)
    plan = plan_missing(rule_choice, frame[list(variables)], dict(prof.kinds), budget=budget)
    choice = plan.choice
    steps: list[Step] = []
    limitations: list[str] = []
    if plan.switched_from:
        steps.append(Step("choose", "done", f"{plan.switched_from} ({rule_choice.rule}) switched to {choice.algorithm} "
                                            f"with test-wise deletion: only {plan.n_complete} of {plan.n_rows} rows "
                                            "are complete"))
    else:
        steps.append(Step("choose", "done", f"{choice.algorithm} ({choice.rule})"))
    if plan.strategy != "none":
        steps.append(Step("missing values", "done", plan.reason))
        limitations.append(
            ("Incomplete rows were used with test-wise deletion (each CI test on the rows complete in its variables)"
             if plan.strategy == "testwise" else
             f"{plan.n_rows - plan.n_complete} of {plan.n_rows} incomplete rows were left out of the discovery "
             "(listwise deletion)")
            + "; this is unbiased when values are missing completely at random (MCAR). If missingness depends on "
              "the variables (see the profile's missingness tests), edges can be missed or spurious.")
    surrogate = choice.parameters.get("domain_column") if choice.algorithm == "cdnod" else None
    disc = frame[list(variables) + ([surrogate] if surrogate else [])]
    data: Dataset | pd.DataFrame = valid.dataset
    if surrogate:
        data = disc  # CD-NOD reads its surrogate (the domain column) from the table
    elif plan.strategy == "listwise":
        disc = disc.loc[complete_rows(frame, variables)].reset_index(drop=True)
        data = Dataset.from_frame(disc, missing="keep")  # kinds and codes of the complete rows
    small = check_sample_size(len(disc), len(variables), family="ci" if "ci_test" in choice.parameters else "score",
                              max_cond_size=choice.parameters.get("max_cond_size"),
                              what="complete rows" if plan.strategy == "listwise" else "rows")
    limitations.extend(small)
    fixed = dict(choice.parameters)
    if knowledge is not None:
        fixed["knowledge"] = knowledge
    n_rows = valid.n_rows
    discovery_rows = (f"all {n_rows} rows, test-wise deletion" if plan.strategy == "testwise"
                      else f"the {len(disc)} complete rows" if plan.strategy == "listwise"
                      else f"all {n_rows} rows")
    return Chosen(rule_choice=rule_choice, choice=choice, plan=plan, surrogate=surrogate, disc=disc, data=data,
                  fixed=fixed, discovery_rows=discovery_rows, steps=tuple(steps), limitations=tuple(limitations))


# --------------------------------------------------------------------------- fit
_SCORE_PARAMETERS = frozenset({"penalty_discount", "ess", "alpha_mu", "alpha_w"})


def apply_setting(params: dict[str, Any], setting: Mapping[str, Any], algorithm: str) -> dict[str, Any]:
    """Merge a tuned setting into constructor arguments (score hyperparameters go into ``score_params``)."""
    from ..discovery import DISCOVERY_ALGORITHMS

    accepted = DISCOVERY_ALGORITHMS[algorithm].param_names()
    out = dict(params)
    for key, value in setting.items():
        if key not in accepted and key in _SCORE_PARAMETERS and "score_params" in accepted:
            out["score_params"] = {**dict(out.get("score_params") or {}), key: value}
        else:
            out[key] = value
    return out


def seeded(algorithm: str, params: dict[str, Any], seed: int | None) -> dict[str, Any]:
    """Add ``random_state`` for algorithms that take one (only for direct fits; the bootstrap seeds itself)."""
    from ..discovery import DISCOVERY_ALGORITHMS

    out = dict(params)
    if seed is not None and "random_state" in DISCOVERY_ALGORITHMS[algorithm].param_names():
        out["random_state"] = seed
    return out


def refuters() -> tuple[str, ...]:
    """The names of the refutations an estimate runs."""
    from ..estimation.refute import REFUTERS

    return tuple(REFUTERS)


@dataclass(frozen=True)
class Fitted(StageResult):
    """One fit with the method's default settings, its time, and the effect's share of the budget."""

    graph: MixedGraph
    seconds: float
    reserve: float


def fit(chosen: Chosen, *, seed: int, budget: float | None, report: Progress) -> Fitted:
    """Fit the chosen method once with its default settings, timed (twice under a budget: one-off costs).

    Raises
    ------
    CausalScopeError
        Whatever the fit raises: without one fit there is no analysis.
    """
    from ..discovery import make_algorithm

    choice = chosen.choice
    params = dict(chosen.fixed)
    ts = time.perf_counter()
    first = {**seeded(choice.algorithm, params, seed),
             "progress": LabelledProgress(report, f"one fit of {choice.algorithm} with default settings")}
    single = make_algorithm(choice.algorithm, **first).fit(chosen.data).graph_
    t_fit = time.perf_counter() - ts
    if budget is not None and t_fit < 0.25 * budget:
        # the first fit may include one-off costs (imports, JIT compilation): time a second one
        ts = time.perf_counter()
        make_algorithm(choice.algorithm, **seeded(choice.algorithm, params, seed)).fit(chosen.data)
        t_fit = min(t_fit, time.perf_counter() - ts)
    step = Step("fit", "done", f"one fit with default settings on {chosen.discovery_rows}: {single.n_edges} edges")
    return Fitted(graph=single, seconds=t_fit, reserve=0.0, steps=(step,))


def time_effect_proxy(frame: pd.DataFrame, treatment: str, outcome: str, seed: int) -> float:
    """Seconds one estimate takes, adjusting for every other variable (the largest set the graph can ask for).

    Uses the rows complete in those columns; with too few, the unadjusted estimate. 0 if neither can be estimated.
    """
    from ..estimation import estimate_effect

    others = [c for c in frame.columns if c not in (treatment, outcome)]
    for adjust in (others, []):
        ok = complete_rows(frame, [treatment, outcome, *adjust])
        if int(ok.sum()) < max(20, len(adjust) + 10):
            continue
        ts = time.perf_counter()
        try:
            estimate_effect(frame.loc[ok].reset_index(drop=True), treatment=treatment, outcome=outcome,
                            adjustment_set=adjust, random_state=seed, n_jobs=1, refute=False, sensitivity=False,
                            assume_no_confounding=not adjust)  # a timing proxy: no assumption is reported
        except CausalScopeError:
            continue
        return time.perf_counter() - ts
    return 0.0


def reserve_for_effect(fitted: Fitted, valid: Validated, *, treatment: str, outcome: str, seed: int,
                       budget: float, elapsed: Callable[[], float]) -> Fitted:
    """``fitted`` with the effect's share of the budget set aside: one timed estimate adjusting for everything."""
    t_est = time_effect_proxy(valid.frame[list(valid.variables)], treatment, outcome, seed)
    reserve = min(EFFECT_BUDGET_SHARE * max(budget - elapsed(), 0.0), (2 + len(refuters())) * t_est)
    step = Step("effect budget", "done", f"one estimate took about {t_est:.2g} s; {reserve:.2g} s of the "
                                         "budget are kept for the effect, its refutations and sensitivity")
    return replace(fitted, reserve=reserve, steps=(*fitted.steps, step))


# --------------------------------------------------------------------------- tune
@dataclass(frozen=True)
class Tuned(StageResult):
    """The hyperparameters the rest runs with, and ``TuningResult.to_dict()`` when tuned."""

    params: dict[str, Any]
    tuning: dict[str, Any] | None
    rows: str


def tune_stage(chosen: Chosen, fitted: Fitted, *, seed: int, n_jobs: int | None,
               for_discovery: Callable[[], float], report: Progress) -> Tuned:
    """Tune the method's hyperparameter on its grid (:func:`~causalscope.pipeline.tune`) when it fits the budget."""
    choice = chosen.choice
    params = dict(chosen.fixed)
    if choice.tune_grid is None:
        return Tuned(params, None, "not tuned",
                     steps=(Step("tune", "skipped", "the chosen method has no tuned hyperparameter (see the reasons)"),))
    n_grid = int(np.prod([len(v) for v in choice.tune_grid.values()]))
    n_fits = n_grid * (5 if choice.tune_method == "heldout_likelihood" else 20)
    t_fit = fitted.seconds
    if n_fits * t_fit > TUNING_BUDGET_SHARE * for_discovery():
        return Tuned(params, None, "not tuned",
                     steps=(Step("tune", "skipped", f"budget: {n_fits} refits of about {t_fit:.2g} s would exceed "
                                              f"{TUNING_BUDGET_SHARE:.0%} of the {max(for_discovery(), 0):.3g} s "
                                              "left for discovery"),))
    from .tuning import tune

    try:
        res = tune(chosen.data, choice.algorithm, choice.tune_grid, method=cast(Any, choice.tune_method),
                   random_state=seed, n_jobs=n_jobs, progress=report, **chosen.fixed)
    except CausalScopeError as exc:
        return Tuned(params, None, "not tuned",
                     steps=(Step("tune", "failed", f"{one_line(exc)}; default settings kept"),))
    rows = res.rows if chosen.plan.strategy != "listwise" else f"{chosen.discovery_rows} (listwise)"
    chosen_text = ", ".join(f"{k} = {v}" for k, v in res.chosen.items())
    step = Step("tune", "done", f"chose {chosen_text} by {res.method.replace('_', ' ')}; rows: {res.rows}")
    return Tuned(apply_setting(params, res.chosen, choice.algorithm), res.to_dict(), rows, steps=(step,))


# --------------------------------------------------------------------------- resample
@dataclass(frozen=True)
class Resampled(StageResult):
    """The bootstrap: its edge confidence (``None`` when skipped or failed) and the final graph."""

    confidence: Any
    graph: MixedGraph
    n_requested: int
    how_many: str


def resample(chosen: Chosen, fitted: Fitted, tuned: Tuned, *, seed: int, n_jobs: int | None,
             n_bootstrap: int | None, budget: float | None, for_discovery: Callable[[], float],
             report: Progress) -> Resampled:
    """Bootstrap the method (:func:`~causalscope.pipeline.bootstrap_edges`) and keep the consensus graph."""
    from .stability import bootstrap_edges

    choice = chosen.choice
    steps: list[Step] = []
    limitations: list[str] = []
    confidence = None
    nb = choice.n_bootstrap if n_bootstrap is None else int(n_bootstrap)
    how_many = "the rule's default" if n_bootstrap is None else "as requested"
    if n_bootstrap is not None:
        steps.append(Step("bootstrap size", "done", f"{nb} resamples as requested (the rule's default is "
                                                    f"{choice.n_bootstrap})"))
    t_fit = fitted.seconds
    if budget is not None and t_fit > 0:
        affordable = int(BOOTSTRAP_BUDGET_SHARE * max(for_discovery(), 0.0) / t_fit) * max(1, n_jobs or 1)
        if affordable < nb:
            steps.append(Step("bootstrap size", "done", f"budget: {nb} replicates reduced to {max(affordable, 0)}"))
            nb = affordable
            how_many = "reduced to fit the budget"
    graph = fitted.graph
    if nb < MIN_BOOTSTRAP and n_bootstrap is None:
        steps.append(Step("bootstrap", "skipped", f"budget: fewer than {MIN_BOOTSTRAP} replicates fit; the single fit "
                                                  "is reported without edge confidence"))
        limitations.append("No bootstrap was run: the graph carries no measure of its uncertainty.")
    else:
        try:
            confidence = bootstrap_edges(chosen.data, choice.algorithm, n_bootstrap=nb, random_state=seed,
                                         resampling=cast(Any, choice.resampling),
                                         sample_fraction=choice.sample_fraction,
                                         n_jobs=n_jobs, on_error="skip", progress=report,
                                         **seeded(choice.algorithm, tuned.params, None))
            graph = confidence.consensus_graph(choice.threshold)
            steps.append(Step("bootstrap", "done", f"{confidence.n_replicates} replicates "
                                                   f"({confidence.n_failed} failed) of {chosen.discovery_rows}; "
                                                   f"consensus at {choice.threshold}"))
        except CausalScopeError as exc:
            steps.append(Step("bootstrap", "failed", f"{one_line(exc)}; the single fit is reported"))
    if choice.algorithm in ("exact", "exact_posterior") and graph.kind == "dag":
        from ..graphs import DAG, dag_to_cpdag

        graph = dag_to_cpdag(cast(DAG, graph))
        limitations.append("Exact search returns one DAG of the score-optimal class; the BIC cannot tell Markov "
                           "equivalent DAGs apart, so the final graph is that DAG's CPDAG and the orientation "
                           "frequencies of the bootstrap within a class carry no evidence.")
    if chosen.surrogate and chosen.surrogate in graph.nodes:
        limitations.append(f"The domain/time column {chosen.surrogate!r} appears in the graph as the surrogate of "
                           "the changing mechanisms; its edges mark variables whose mechanism changes.")
    return Resampled(confidence=confidence, graph=graph, n_requested=nb, how_many=how_many, steps=tuple(steps),
                     limitations=tuple(limitations))


# --------------------------------------------------------------------------- check
@dataclass(frozen=True)
class Checked(StageResult):
    """The hidden-confounder check (``None`` when not run, skipped or failed) and the resample count's choice."""

    check: SufficiencyCheck | None
    choice: MethodChoice


def sufficiency_stage(data: Any, confidence: Any, choice: MethodChoice, seed: int, knowledge: Any,
                      n_jobs: int | None, for_discovery: Callable[[], float] | None,
                      report: Any) -> tuple[SufficiencyCheck | None, Step]:
    """Run :func:`~causalscope.pipeline.sufficiency.check_sufficiency` on the bootstrap's resamples (with a budget,
    one timed FCI fit decides whether it fits). ``None`` when skipped or failed, and the step that says so."""
    from ..discovery import make_algorithm

    try:
        if for_discovery is not None:  # under a budget: time one FCI fit first
            ts = time.perf_counter()
            make_algorithm("fci", ci_test="fisherz", possible_dsep="tetrad").fit(data)
            need = (time.perf_counter() - ts) * (confidence.n_replicates + confidence.n_failed)
            if need > max(for_discovery(), 0.0):
                return None, Step("hidden-confounder check", "skipped",
                                  f"budget: FCI on every resample would take about {need:.2g} s")
        check = check_sufficiency(data, confidence, threshold=choice.threshold, random_state=seed,
                                  resampling=choice.resampling, sample_fraction=choice.sample_fraction,
                                  knowledge=knowledge, n_jobs=n_jobs, progress=report)
    except CausalScopeError as exc:
        return None, Step("hidden-confounder check", "failed", one_line(exc))
    return check, Step("hidden-confounder check", "done", f"{len(check.contradicted)} edge(s) of {choice.algorithm} "
                                                          f"separated by FCI on the same {check.n_resamples} "
                                                          "resamples (reported, not acted on)")


def with_resample_count(choice: MethodChoice, attempted: int, n_ok: int, how: str) -> MethodChoice:
    """Make the resampling reason and ``n_bootstrap`` state the count actually run (item: --n-bootstrap, budget)."""
    default = choice.n_bootstrap
    if attempted == default and n_ok == attempted:
        return choice
    if how == "skipped":
        count = f"Uncertainty: no resamples were run (see the bootstrap step); the rule's default is {default} resamples"
    else:
        failed = f"{attempted - n_ok} failed" if n_ok < attempted else ""
        if attempted == default:
            count = f"Uncertainty: {attempted} resamples ({failed})"
        else:
            why = "requested" if how == "as requested" else "reduced to fit the budget"
            count = (f"Uncertainty: {attempted} resamples ({why}{', ' + failed if failed else ''}; "
                     f"the rule's default is {default})")
    prefix = f"Uncertainty: {default} resamples"
    reasons = [count + r[len(prefix):] if r.startswith(prefix) else r for r in choice.reasons]
    if reasons == list(choice.reasons):
        reasons.append(count + ".")
    return replace(choice, n_bootstrap=attempted if how != "skipped" else 0, reasons=tuple(reasons))


def check(chosen: Chosen, resampled: Resampled, *, assume_latent: bool, seed: int, knowledge: Any,
          n_jobs: int | None, for_discovery: Callable[[], float] | None, report: Progress) -> Checked:
    """The hidden-confounder check (:mod:`~causalscope.pipeline.sufficiency`) for methods that assume no hidden
    common cause: a diagnostic, reported, not acted on; then the choice states the resamples actually run."""
    choice = chosen.choice
    confidence = resampled.confidence
    result = None
    steps: tuple[Step, ...] = ()
    limitations: tuple[str, ...] = ()
    if not assume_latent and confidence is not None and choice.algorithm in CHECKED_ALGORITHMS:
        result, step = sufficiency_stage(chosen.data, confidence, choice, seed, knowledge, n_jobs, for_discovery,
                                         report)
        steps = (step,)
    if result is not None:
        limitations = (result.sentence(),)
    n_used = 0 if confidence is None else confidence.n_replicates
    final = with_resample_count(choice, resampled.n_requested, n_used,
                                resampled.how_many if confidence is not None else "skipped")
    return Checked(check=result, choice=final, steps=steps, limitations=limitations)


# --------------------------------------------------------------------------- score
@dataclass(frozen=True)
class Scored(StageResult):
    """One dict per reference graph the learned graph was scored against."""

    scores: tuple[dict[str, Any], ...]


def score(graph: MixedGraph, reference: Mapping[str, MixedGraph] | None) -> Scored:
    """Score ``graph`` against each reference graph as learned (no undirected edge is oriented toward the truth)."""
    scores: list[dict[str, Any]] = []
    steps: list[Step] = []
    if reference:
        from ..graphs.metrics import compare_graphs

        for label, ref in reference.items():
            learned = graph
            if hasattr(ref, "summary_graph") and not hasattr(ref, "nodes"):  # a time-series reference
                ref = ref.summary_graph()
                steps.append(Step(f"score vs {label}", "done", "the reference is a time-series graph; the learned "
                                                               "graph is scored against its summary graph"))
            try:
                extra = [v for v in learned.nodes if v not in set(ref.nodes)]
                if extra and all(v in set(learned.nodes) for v in ref.nodes):
                    # e.g. CD-NOD's domain node: scored over the reference's variables only
                    learned = graph.subgraph([v for v in graph.nodes if v in set(ref.nodes)])
                cmp = compare_graphs(ref, learned).to_dict()
                scores.append({
                    "reference": label, "shd": cmp["shd"],
                    "adjacency_precision": cmp["adjacency"]["precision"], "adjacency_recall": cmp["adjacency"]["recall"],
                    "adjacency_f1": cmp["adjacency"]["f1"],
                    "arrowhead_precision": cmp["arrowhead"]["precision"], "arrowhead_recall": cmp["arrowhead"]["recall"],
                    "arrowhead_f1": cmp["arrowhead"]["f1"],
                    "reference_edges": cmp["true_edges"], "learned_edges": cmp["estimated_edges"],
                })
            except CausalScopeError as exc:
                steps.append(Step(f"score vs {label}", "failed", one_line(exc)))
        if scores:
            steps.append(Step("score", "done", f"against {', '.join(s['reference'] for s in scores)}; the learned "
                                               "graph is scored as is (undirected edges stay undirected)"))
    return Scored(scores=tuple(scores), steps=tuple(steps))


# --------------------------------------------------------------------------- limitations
def final_limitations(choice: MethodChoice, prof: DataProfile | None, graph: MixedGraph) -> list[str]:
    """The assumptions every analysis states last (sufficiency, faithfulness, the graph's kind, time, resampling)."""
    out = []
    if choice.algorithm != "fci":
        out.append("Causal sufficiency is assumed: no unobserved common cause of two analysed variables. If there is "
                   "one, some edges or orientations are wrong; rerun with latent confounding assumed (FCI).")
    out.append("Faithfulness is assumed: independences in the data come from the graph, not from cancelling paths.")
    if choice.algorithm == "lingam":
        out.append("DirectLiNGAM orients every edge from non-Gaussianity; the directions are only as reliable as the "
                   "linear, non-Gaussian, acyclic model.")
    elif graph.kind in ("cpdag", "pag"):
        out.append(f"The graph is a {graph.kind.upper()}: undirected or circle-marked edges were not decided by the "
                   "data, and are not oriented here.")
    if prof is not None and prof.flags.get("time_series") is not None and prof.flags["time_series"].value:
        out.append("The variables are autocorrelated over time; rows are treated as independent, which overstates "
                   "the evidence.")
    out.append("Resampling frequencies measure the stability of the method on this sample, not the probability that "
               "an edge is causal.")
    return out


def remaining_time(t0: float, budget: float | None) -> Callable[[], float]:
    """A function giving the seconds of ``budget`` left since ``t0`` (``inf`` without a budget)."""
    def remaining() -> float:
        return math.inf if budget is None else budget - (time.perf_counter() - t0)

    return remaining
