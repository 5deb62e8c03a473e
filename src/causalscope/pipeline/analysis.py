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

Every step is recorded as a :class:`Step` (``done``, ``skipped`` or ``failed``,
with the reason), so an analysis that hits its budget or a failing component says
what it skipped instead of raising. ``settings["missing"]`` records how missing
values were handled and the rows each stage used. Everything is seeded from ``random_state``:
without a ``budget`` the same call gives the same :class:`Analysis`. With a
budget the number of bootstrap replicates depends on the measured speed of one
fit, so runs on different machines may differ.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd

from ..data import Dataset
from ..data.deterministic import (
    DETERMINISTIC_POLICIES,
    DeterministicPolicy,
    find_deterministic,
    resolve_deterministic,
)
from ..data.profile import DataProfile, profile_data
from ..data.sample_size import MIN_ROWS, check_sample_size
from ..exceptions import CausalScopeError, DataError, InvalidParameterError, NotIdentifiableError
from ..graphs import MixedGraph
from ..utils import LabelledProgress, Progress, RandomState, as_progress, get_logger
from .choose import MethodChoice, choose_method
from .missing import complete_rows, plan_missing
from .sufficiency import CHECKED_ALGORITHMS, SufficiencyCheck, check_sufficiency

__all__ = ["Analysis", "Step", "analyze", "causal_path"]

logger = get_logger(__name__)

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
        """A few sentences in plain words."""
        g = self.graph
        n_dir = sum(1 for e in g.edges if e.is_directed)
        text = [
            f"{len(self.variables)} variables were analysed with {self.choice.algorithm.upper()} "
            f"({self.choice.rule.replace('_', ' ')} rule).",
            f"The final graph has {g.n_edges} edges, {n_dir} of them oriented." if g.kind != "pag" else _pag_counts(g),
        ]
        det = self.settings.get("deterministic")
        if det:
            eqs = "; ".join(r["equation"] for r in det["relations"])
            if det["policy"] == "keep":
                text.append(f"Caution: some columns are exact functions of others ({eqs}) and were kept as asked; "
                            "conditional independence tests remove true edges next to them.")
            else:
                text.append(f"Left out before discovery as exact functions of other columns: "
                            f"{', '.join(det['redundant'])} ({eqs}).")
        chk = self.settings.get("sufficiency_check")
        if chk and chk.get("contradicted"):
            text.append(f"Caution: {len(chk['contradicted'])} edge(s) of the graph join variables that conditional "
                        "independence tests separate (see the limitations): "
                        + ("the deterministic columns above, " if det and det["policy"] == "keep" else "")
                        + "a hidden common cause nearby, or a dependence the tests miss.")
        if self.confidence is not None:
            kept = [self.confidence.adjacency(e.u, e.v) for e in g.edges]
            if kept:
                text.append(f"Over {self.confidence.n_replicates} resamples of the rows the kept edges were found "
                            f"{min(kept):.0%} to {max(kept):.0%} of the time.")
        miss = self.settings.get("missing") or {}
        if miss.get("strategy") in ("testwise", "listwise"):
            text.append(f"{miss['n_rows'] - miss['n_complete']} of {miss['n_rows']} rows had missing values; "
                        + ("discovery used every row with test-wise deletion." if miss["strategy"] == "testwise"
                           else f"discovery used the {miss['n_complete']} complete rows."))
        for eff in self.effects:
            if eff.get("status") == "estimated":
                interval = (f"{1 - eff.get('alpha', 0.05):.0%} interval {eff['ci_low']:.4g} to "
                            f"{eff['ci_high']:.4g}")
                if eff.get("method") == "null_effect":
                    text.append(f"The learned graph has no directed path from {eff['treatment']} to {eff['outcome']}, "
                                "so under it the effect is zero; no adjustment set lets the data check this, so it "
                                "was not estimated.")
                elif eff.get("causal_path") == "none":
                    text.append(f"The learned graph has no directed path from {eff['treatment']} to "
                                f"{eff['outcome']}, so under it the effect is zero; the estimate {eff['estimate']:.4g} "
                                f"({interval}) is the association left after adjustment.")
                else:
                    text.append(f"Effect of {eff['treatment']} on {eff['outcome']}: {eff['estimate']:.4g} ({interval})"
                                + (", though the learned graph orients no path between them" if
                                   eff.get("causal_path") == "possible" else "") + ".")
                refs = eff.get("refutations") or []
                failed = [r.get("name") for r in refs if r.get("passed") is False]
                if refs:
                    text.append(f"It passed {len(refs) - len(failed)} of {len(refs)} refutation checks"
                                + (f" (failed: {', '.join(map(str, failed))})." if failed else "."))
            else:
                text.append(f"Effect of {eff['treatment']} on {eff['outcome']}: {eff['status'].replace('_', ' ')} "
                            f"({eff.get('reason', '')}).")
        for s in self.scores:
            text.append(f"Against {s['reference']}: adjacency F1 {s['adjacency_f1']:.2f}, arrowhead F1 "
                        f"{s['arrowhead_f1']:.2f}, SHD {s['shd']}.")
        skipped = [s for s in self.steps if s.status == "failed" or (s.status == "skipped" and "budget" in s.detail)]
        if skipped:
            text.append("Not done: " + "; ".join(f"{s.name} ({s.status}: {s.detail})" for s in skipped) + ".")
        return " ".join(text)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (the ``analysis.json`` body without ``command``/``versions``/``created``)."""
        method = {**self.choice.to_dict(), "parameters": _jsonable(self.parameters),
                  "fixed_parameters": _jsonable(self.choice.parameters),
                  "n_bootstrap_rule": self.settings.get("n_bootstrap_rule", self.choice.n_bootstrap)}
        return {
            "summary": self.summary(),
            "graph": {**self.graph.to_dict(), "type": self.graph.kind},
            "edge_confidence": self.edge_confidence,
            "edge_pairs": [] if self.confidence is None else self.confidence.pairs(),
            "n_bootstrap": 0 if self.confidence is None else self.confidence.n_replicates,
            "method": method,
            "tuning": self.tuning,
            "profile": None if self.profile is None else _jsonable(self.profile.to_dict()),
            "effects": [_jsonable(e) for e in self.effects],
            "scores": [_jsonable(s) for s in self.scores],
            "steps": [s.to_dict() for s in self.steps],
            "limitations": list(self.limitations),
            "settings": _jsonable(self.settings),
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        v = float(value)
        return None if math.isnan(v) or math.isinf(v) else v
    if isinstance(value, np.bool_):
        return bool(value)
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if callable(getattr(value, "to_dict", None)):  # e.g. Knowledge: a sorted, hash-order-free form
        return _jsonable(value.to_dict())
    return str(value)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"


def _check_column(frame: pd.DataFrame, name: str | None, what: str) -> None:
    if name is not None and name not in frame.columns:
        raise DataError(f"{what} column {name!r} is not in the data; the columns are {list(map(str, frame.columns))}")


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
) -> Analysis:
    """Run the whole causal analysis of a table (see the module docstring for the steps).

    Parameters
    ----------
    data:
        A pandas DataFrame or a :class:`~causalscope.data.Dataset`.
    treatment, outcome:
        Columns whose causal effect is identified and estimated (both or neither).
    domain_column, time_column:
        Column labelling domains (environments) / the time index; not analysed as variables.
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
    steps: list[Step] = []
    limitations: list[str] = []
    report = as_progress(progress)
    if (treatment is None) != (outcome is None):
        raise InvalidParameterError(
            f"treatment and outcome go together; got treatment={treatment!r}, outcome={outcome!r}"
        )
    if deterministic not in DETERMINISTIC_POLICIES:
        raise InvalidParameterError(f"deterministic must be one of {list(DETERMINISTIC_POLICIES)}; got {deterministic!r}")
    if budget is not None and not (isinstance(budget, (int, float)) and budget > 0):
        raise InvalidParameterError(f"budget must be a positive number of seconds; got {budget!r}")
    if isinstance(random_state, np.random.Generator):
        seed = int(random_state.integers(2**31 - 1))
    elif random_state is None:
        seed = 0
    else:
        seed = int(random_state)

    # 1. validate
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
    checked = Dataset.from_frame(frame, domain_column=domain_column, time_column=time_column, missing="keep")
    variables = tuple(c for c in frame.columns if c not in (domain_column, time_column))
    # deterministic columns (exact functions of others) break faithfulness: found and handled before anything else
    det = find_deterministic(frame, columns=list(variables), kinds={v: checked.kinds[v] for v in variables},
                             protect=[c for c in (treatment, outcome) if c is not None])
    det_notes: list[str] = []
    if det.found:
        frame, det_notes = resolve_deterministic(frame, det, deterministic)  # type: ignore[assignment]
        variables = tuple(c for c in variables if c in frame.columns)
    if len(variables) < 2:
        raise DataError(f"at least two variables are needed for a causal analysis; got {list(variables)}")
    roles = [c for c in (domain_column, time_column) if c is not None]
    n_unlabelled = 0
    if roles:
        labelled = complete_rows(frame, roles)
        n_unlabelled = int((~labelled).sum())
        frame = frame.loc[labelled].reset_index(drop=True)
    if len(frame) < MIN_ROWS:
        if n_unlabelled:
            raise DataError(f"only {len(frame)} rows with a domain/time label; at least {MIN_ROWS} are needed")
        check_sample_size(len(frame), len(variables), family="ci")  # raises: the rule of causalscope.data.sample_size
    n_rows = len(frame)
    n_complete = int(complete_rows(frame, variables).sum())
    detail = f"{n_rows} rows, {len(variables)} variables, {n_complete} rows complete"
    if n_unlabelled:
        detail += f"; {n_unlabelled} rows without a domain/time label were dropped"
        limitations.append(f"{n_unlabelled} rows had no domain/time label and were left out.")
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

    report.start(6, "analysis")
    # 2. profile (every row: the profile handles missing values itself)
    profile: DataProfile | None = None
    profile_rows = f"all {n_rows} rows" + ("" if n_complete == n_rows else
                                           " (missing predictors mean-imputed; each variable's statistics on the rows "
                                           "where it is observed)")
    report.start(None, f"profile ({len(variables)} variables)")  # a nested bar: the stage's name while it runs
    try:
        profile = profile_data(frame, domain_column=domain_column, time_column=time_column, random_state=seed)
        steps.append(Step("profile", "done", f"{len(profile.flags)} flags, on {profile_rows}"))
    except CausalScopeError as exc:
        if n_complete == n_rows or n_complete < 10:
            steps.append(Step("profile", "failed", _one_line(exc)))
            raise DataError(f"the data could not be profiled: {exc}") from exc
        profile_rows = f"the {n_complete} complete rows (profiling all rows failed: {_one_line(exc)})"
        try:
            profile = profile_data(frame.loc[complete_rows(frame, variables)].reset_index(drop=True),
                                   domain_column=domain_column, time_column=time_column, random_state=seed)
        except CausalScopeError as exc2:
            steps.append(Step("profile", "failed", _one_line(exc2)))
            raise DataError(f"the data could not be profiled: {exc2}") from exc2
        steps.append(Step("profile", "done", f"{len(profile.flags)} flags, on {profile_rows}"))
    finally:
        report.close()
    report.advance()

    # 3. choose, then the missing-value rule (pipeline.missing)
    rule_choice = choose_method(profile, domain_column=domain_column, time_column=time_column,
                                assume_latent=assume_latent, budget=budget)
    plan = plan_missing(rule_choice, frame[list(variables)], dict(profile.kinds), budget=budget)
    choice = plan.choice
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
    disc_cols = list(variables) + ([surrogate] if surrogate else [])
    disc = frame[disc_cols]
    if plan.strategy == "listwise":
        disc = disc.loc[complete_rows(frame, variables)].reset_index(drop=True)
    small = check_sample_size(len(disc), len(variables), family="ci" if "ci_test" in choice.parameters else "score",
                              max_cond_size=choice.parameters.get("max_cond_size"),
                              what="complete rows" if plan.strategy == "listwise" else "rows")
    limitations.extend(small)
    fixed = dict(choice.parameters)
    if knowledge is not None:
        fixed["knowledge"] = knowledge
    discovery_rows = (f"all {n_rows} rows, test-wise deletion" if plan.strategy == "testwise"
                      else f"the {len(disc)} complete rows" if plan.strategy == "listwise"
                      else f"all {n_rows} rows")
    report.advance()

    # 4. one fit with default settings, timed
    from ..discovery import make_algorithm

    params = dict(fixed)
    single: MixedGraph | None = None
    t_fit = 0.0
    try:
        ts = time.perf_counter()
        first = {**_seeded(choice.algorithm, params, seed),
                 "progress": LabelledProgress(report, f"one fit of {choice.algorithm} with default settings")}
        single = make_algorithm(choice.algorithm, **first).fit(disc).graph_
        t_fit = time.perf_counter() - ts
        if budget is not None and t_fit < 0.25 * budget:
            # the first fit may include one-off costs (imports, JIT compilation): time a second one
            ts = time.perf_counter()
            make_algorithm(choice.algorithm, **_seeded(choice.algorithm, params, seed)).fit(disc)
            t_fit = min(t_fit, time.perf_counter() - ts)
        steps.append(Step("fit", "done", f"one fit with default settings on {discovery_rows}: {single.n_edges} edges"))
    except CausalScopeError as exc:
        steps.append(Step("fit", "failed", _one_line(exc)))
        raise

    # the effect's share of the budget: a timed estimate of the effect now, adjusting for every other variable
    reserve = 0.0
    if budget is not None and treatment is not None and outcome is not None:
        t_est = _time_effect_proxy(frame[list(variables)], treatment, outcome, seed)
        reserve = min(EFFECT_BUDGET_SHARE * max(budget - (time.perf_counter() - t0), 0.0),
                      (2 + len(_refuters())) * t_est)
        steps.append(Step("effect budget", "done", f"one estimate took about {t_est:.2g} s; {reserve:.2g} s of the "
                                                   "budget are kept for the effect, its refutations and sensitivity"))
    report.advance()

    def remaining() -> float:
        return math.inf if budget is None else budget - (time.perf_counter() - t0)

    def for_discovery() -> float:
        return remaining() - reserve

    # 5. tune
    tuning: dict[str, Any] | None = None
    tuning_rows = "not tuned"
    if choice.tune_grid is None:
        steps.append(Step("tune", "skipped", "the chosen method has no tuned hyperparameter (see the reasons)"))
    else:
        n_grid = int(np.prod([len(v) for v in choice.tune_grid.values()]))
        n_fits = n_grid * (5 if choice.tune_method == "heldout_likelihood" else 20)
        if n_fits * t_fit > TUNING_BUDGET_SHARE * for_discovery():
            steps.append(Step("tune", "skipped", f"budget: {n_fits} refits of about {t_fit:.2g} s would exceed "
                                                 f"{TUNING_BUDGET_SHARE:.0%} of the {max(for_discovery(), 0):.3g} s "
                                                 "left for discovery"))
        else:
            from .tuning import tune

            try:
                res = tune(disc, choice.algorithm, choice.tune_grid, method=choice.tune_method,
                           random_state=seed, n_jobs=n_jobs, progress=report, **fixed)
                tuning = res.to_dict()
                tuning_rows = res.rows if plan.strategy != "listwise" else f"{discovery_rows} (listwise)"
                params = _apply_setting(params, res.chosen, choice.algorithm)
                chosen = ", ".join(f"{k} = {v}" for k, v in res.chosen.items())
                steps.append(Step("tune", "done", f"chose {chosen} by {res.method.replace('_', ' ')}; rows: {res.rows}"))
            except CausalScopeError as exc:
                steps.append(Step("tune", "failed", f"{_one_line(exc)}; default settings kept"))
    report.advance()

    # 6. bootstrap
    from .stability import bootstrap_edges

    confidence = None
    nb = choice.n_bootstrap if n_bootstrap is None else int(n_bootstrap)
    how_many = "the rule's default" if n_bootstrap is None else "as requested"
    if n_bootstrap is not None:
        steps.append(Step("bootstrap size", "done", f"{nb} resamples as requested (the rule's default is "
                                                    f"{choice.n_bootstrap})"))
    if budget is not None and t_fit > 0:
        affordable = int(BOOTSTRAP_BUDGET_SHARE * max(for_discovery(), 0.0) / t_fit) * max(1, n_jobs or 1)
        if affordable < nb:
            steps.append(Step("bootstrap size", "done", f"budget: {nb} replicates reduced to {max(affordable, 0)}"))
            nb = affordable
            how_many = "reduced to fit the budget"
    graph = single
    if nb < MIN_BOOTSTRAP and n_bootstrap is None:
        steps.append(Step("bootstrap", "skipped", f"budget: fewer than {MIN_BOOTSTRAP} replicates fit; the single fit "
                                                  "is reported without edge confidence"))
        limitations.append("No bootstrap was run: the graph carries no measure of its uncertainty.")
    else:
        try:
            confidence = bootstrap_edges(disc, choice.algorithm, n_bootstrap=nb, random_state=seed,
                                         resampling=choice.resampling, sample_fraction=choice.sample_fraction,
                                         n_jobs=n_jobs, on_error="skip", progress=report,
                                         **_seeded(choice.algorithm, params, None))
            graph = confidence.consensus_graph(choice.threshold)
            steps.append(Step("bootstrap", "done", f"{confidence.n_replicates} replicates "
                                                   f"({confidence.n_failed} failed) of {discovery_rows}; consensus "
                                                   f"at {choice.threshold}"))
        except CausalScopeError as exc:
            steps.append(Step("bootstrap", "failed", f"{_one_line(exc)}; the single fit is reported"))
    if choice.algorithm in ("exact", "exact_posterior") and graph.kind == "dag":
        from ..graphs import dag_to_cpdag

        graph = dag_to_cpdag(graph)
        limitations.append("Exact search returns one DAG of the score-optimal class; the BIC cannot tell Markov "
                           "equivalent DAGs apart, so the final graph is that DAG's CPDAG and the orientation "
                           "frequencies of the bootstrap within a class carry no evidence.")
    if surrogate and surrogate in graph.nodes:
        limitations.append(f"The domain/time column {surrogate!r} appears in the graph as the surrogate of the "
                           "changing mechanisms; its edges mark variables whose mechanism changes.")
    # 6b. the hidden-confounder check (pipeline.sufficiency): a diagnostic, reported, not acted on
    check = None
    if not assume_latent and confidence is not None and choice.algorithm in CHECKED_ALGORITHMS:
        check = _check_sufficiency(disc, confidence, choice, seed, knowledge, n_jobs, steps,
                                   for_discovery if budget is not None else None, report)
    if check is not None:
        limitations.append(check.sentence())
    n_used = 0 if confidence is None else confidence.n_replicates
    choice = _with_resample_count(choice, nb, n_used, how_many if confidence is not None else "skipped")
    report.advance()

    # 7. effects
    effects: list[dict[str, Any]] = []
    if treatment is not None and outcome is not None:
        effects.append(_effect(frame[list(variables)], graph, treatment, outcome, seed, steps,
                               remaining if budget is not None else None))
    report.advance()
    report.close()

    # 8. scores
    scores: list[dict[str, Any]] = []
    if reference:
        from ..graphs.metrics import compare_graphs

        for label, ref in reference.items():
            learned = graph
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
                steps.append(Step(f"score vs {label}", "failed", _one_line(exc)))
        if scores:
            steps.append(Step("score", "done", f"against {', '.join(s['reference'] for s in scores)}; the learned "
                                               "graph is scored as is (undirected edges stay undirected)"))

    limitations.extend(_limitations(choice, profile, graph))
    rows = {
        "total": n_rows, "complete": n_complete, "without_label_dropped": n_unlabelled,
        "strategy": plan.strategy, "profile": profile_rows, "discovery": discovery_rows,
        "tuning": tuning_rows,
        "bootstrap": (f"resamples of {choice.sample_fraction:.0%} of {discovery_rows}" if confidence is not None
                      else "no bootstrap"),
        "effects": [{"treatment": e["treatment"], "outcome": e["outcome"], "rows": e.get("rows_used")}
                    for e in effects],
    }
    settings = {
        "seed": seed, "n_jobs": n_jobs, "budget": budget, "treatment": treatment, "outcome": outcome,
        "domain_column": domain_column, "time_column": time_column, "assume_latent": assume_latent,
        "knowledge": None if knowledge is None else (knowledge.to_dict() if hasattr(knowledge, "to_dict")
                                                     else str(knowledge)),
        "rows_used": len(disc),
        "rows_dropped": n_rows - len(disc) + n_unlabelled, "n_bootstrap": n_used,
        "n_bootstrap_rule": rule_choice.n_bootstrap,
        "missing": {**plan.to_dict(), "rows": rows},
        "sufficiency_check": None if check is None else check.to_dict(),
        "deterministic": {"policy": deterministic, **det.to_dict()} if det.found else None,
    }
    return Analysis(
        graph=graph, variables=variables, profile=profile, choice=choice, parameters=params, tuning=tuning,
        confidence=confidence, effects=tuple(effects), scores=tuple(scores), steps=tuple(steps),
        limitations=tuple(limitations), settings=settings,
    )


def _pag_counts(g: MixedGraph) -> str:
    """The summary's sentence on a PAG's edges by kind."""
    from ..graphs.base import Endpoint

    kinds = {"directed": 0, "bidirected": 0, "partial": 0, "open": 0}
    for e in g.edges:
        kind = ("directed" if e.is_directed else "bidirected" if e.is_bidirected
                else "partial" if Endpoint.ARROW in (e.mark_u, e.mark_v) else "open")
        kinds[kind] += 1
    return (f"The final graph is a PAG with {g.n_edges} edges: {kinds['directed']} directed (-->), "
            f"{kinds['bidirected']} bidirected (<->: an unmeasured common cause), {kinds['partial']} with one "
            f"arrowhead (o->) and {kinds['open']} with no arrowhead decided.")


def _check_sufficiency(disc: pd.DataFrame, confidence: Any, choice: MethodChoice, seed: int, knowledge: Any,
                       n_jobs: int | None, steps: list[Step], for_discovery: Callable[[], float] | None,
                       report: Any) -> SufficiencyCheck | None:
    """Run :func:`~causalscope.pipeline.sufficiency.check_sufficiency` on the bootstrap's resamples (with a budget,
    one timed FCI fit decides whether it fits); record a step. ``None`` when skipped or failed."""
    from ..discovery import make_algorithm

    try:
        if for_discovery is not None:  # under a budget: time one FCI fit first
            ts = time.perf_counter()
            make_algorithm("fci", ci_test="fisherz", possible_dsep="tetrad").fit(disc)
            need = (time.perf_counter() - ts) * (confidence.n_replicates + confidence.n_failed)
            if need > max(for_discovery(), 0.0):
                steps.append(Step("hidden-confounder check", "skipped", f"budget: FCI on every resample would take "
                                                                        f"about {need:.2g} s"))
                return None
        check = check_sufficiency(disc, confidence, threshold=choice.threshold, random_state=seed,
                                  resampling=choice.resampling, sample_fraction=choice.sample_fraction,
                                  knowledge=knowledge, n_jobs=n_jobs, progress=report)
    except CausalScopeError as exc:
        steps.append(Step("hidden-confounder check", "failed", _one_line(exc)))
        return None
    steps.append(Step("hidden-confounder check", "done", f"{len(check.contradicted)} edge(s) of {choice.algorithm} "
                                                         f"separated by FCI on the same {check.n_resamples} resamples "
                                                         "(reported, not acted on)"))
    return check


_SCORE_PARAMETERS = frozenset({"penalty_discount", "ess", "alpha_mu", "alpha_w"})


def _apply_setting(params: dict[str, Any], setting: Mapping[str, Any], algorithm: str) -> dict[str, Any]:
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


def _seeded(algorithm: str, params: dict[str, Any], seed: int | None) -> dict[str, Any]:
    """Add ``random_state`` for algorithms that take one (only for direct fits; the bootstrap seeds itself)."""
    from ..discovery import DISCOVERY_ALGORITHMS

    out = dict(params)
    if seed is not None and "random_state" in DISCOVERY_ALGORITHMS[algorithm].param_names():
        out["random_state"] = seed
    return out


def _refuters() -> tuple[str, ...]:
    from ..estimation.refute import REFUTERS

    return tuple(REFUTERS)


def _time_effect_proxy(frame: pd.DataFrame, treatment: str, outcome: str, seed: int) -> float:
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


def _effect_columns(ident: Any, graph: MixedGraph, frame: pd.DataFrame, treatment: str, outcome: str) -> list[str]:
    """The columns the estimator reads: treatment, outcome and the adjustment set or mediators; else every variable."""
    if ident.method in ("adjustment", "backdoor") and ident.adjustment_set is not None:
        extra = sorted(ident.adjustment_set)
    elif ident.method == "frontdoor" and ident.mediators is not None:
        extra = sorted(ident.mediators)
    else:
        extra = [v for v in graph.nodes if v in frame.columns and v not in (treatment, outcome)]
    return [treatment, outcome, *[c for c in extra if c in frame.columns]]


def causal_path(graph: MixedGraph, treatment: str, outcome: str) -> str:
    """Whether the graph lets ``treatment`` cause ``outcome``: ``"directed"``, ``"possible"`` or ``"none"``.

    ``"directed"``: a directed path ``treatment --> ... --> outcome``. ``"possible"``: no
    directed path, but a possibly directed one (every edge on it has no arrowhead at the
    end nearer the treatment: ``-->``, ``---``, ``o->`` or ``o-o``), so some member of the
    class has a directed path. ``"none"``: in no member of the class is the outcome a
    descendant of the treatment, so the causal effect is zero under the graph.

    Examples
    --------
    >>> from causalscope.graphs import parse_graph
    >>> g = parse_graph("A --> B; B --- C; D --> A", kind="cpdag")
    >>> causal_path(g, "A", "B"), causal_path(g, "A", "C"), causal_path(g, "B", "D")
    ('directed', 'possible', 'none')
    """
    from ..graphs.base import Endpoint

    if outcome in graph.descendants(treatment):
        return "directed"
    seen, stack = {treatment}, [treatment]
    while stack:
        v = stack.pop()
        for w in graph.adjacent(v):
            if w in seen:
                continue
            if any((e.mark_u if e.u == v else e.mark_v) is not Endpoint.ARROW for e in graph.edges_between(v, w)):
                if w == outcome:
                    return "possible"
                seen.add(w)
                stack.append(w)
    return "none"


def _path_notes(path: str, graph: MixedGraph, treatment: str, outcome: str) -> list[str]:
    """The effect's plain-language notes on what the learned graph says about the causal path."""
    if path == "none":
        return [f"The learned {graph.kind.upper()} has no directed path from {treatment} to {outcome}: under it "
                f"{treatment} has no effect on {outcome} (the causal effect is zero). The estimate is the association "
                "that remains after the adjustment shown; an interval that covers 0 agrees with the graph, one that "
                "does not points to a causal path the discovery missed (or to confounding)."]
    if path == "possible":
        return [f"The learned {graph.kind.upper()} has no directed path from {treatment} to {outcome}, only paths "
                "through edges it left unoriented: whether there is an effect depends on how they point."]
    return []


def _effect(frame: pd.DataFrame, graph: MixedGraph, treatment: str, outcome: str, seed: int,
            steps: list[Step], remaining: Callable[[], float] | None = None) -> dict[str, Any]:
    """Identify and estimate one effect on the rows complete in the columns the estimator reads.

    With a budget (``remaining`` gives the seconds left) the estimate is timed first; the refutations
    (one re-estimate each) and the sensitivity analysis run only if they fit, else a skipped step says so.
    """
    from ..identification import identify

    path = causal_path(graph, treatment, outcome)
    base: dict[str, Any] = {"treatment": treatment, "outcome": outcome, "causal_path": path,
                            "notes": _path_notes(path, graph, treatment, outcome)}
    try:
        ident = identify(graph, treatment, outcome)
    except NotIdentifiableError as exc:
        steps.append(Step("identify", "done", f"not identified on the learned {graph.kind}: {exc}"))
        return {**base, "status": "not_identified", "reason": " ".join(str(exc).split()),
                "graph_type": graph.kind}
    except CausalScopeError as exc:
        steps.append(Step("identify", "failed", _one_line(exc)))
        return {**base, "status": "failed", "reason": _one_line(exc)}
    steps.append(Step("identify", "done", str(ident)))
    if ident.method == "null_effect":
        base["notes"] = [f"The learned {graph.kind.upper()} has no directed path from {treatment} to {outcome}: under "
                         f"it {treatment} has no effect on {outcome}, so the effect is zero by the graph. No "
                         "adjustment set exists that would let the data check this, so nothing was estimated."]
    from ..estimation import estimate_effect

    cols = _effect_columns(ident, graph, frame, treatment, outcome)
    ok = complete_rows(frame, cols)
    n_ok = int(ok.sum())
    rows_used = (f"all {len(frame)} rows" if n_ok == len(frame) else
                 f"the {n_ok} of {len(frame)} rows complete in {', '.join(cols)}")
    base["rows_used"] = rows_used
    data = frame if n_ok == len(frame) else frame.loc[ok].reset_index(drop=True)
    if n_ok < 10:
        reason = f"only {n_ok} rows are complete in the columns the estimator needs ({', '.join(cols)}); 10 needed"
        steps.append(Step("estimate", "failed", reason))
        return {**base, "status": "failed", "reason": reason, "identification": str(ident)}

    def run(refute: bool, sensitivity: bool) -> Any:
        return estimate_effect(data, graph, treatment=treatment, outcome=outcome, random_state=seed, n_jobs=1,
                               refute=refute, sensitivity=sensitivity)

    try:
        if remaining is None:
            est = run(True, True)
        else:
            ts = time.perf_counter()
            est = run(False, False)
            t_est = time.perf_counter() - ts
            n_ref = len(_refuters())
            left = remaining()
            if left >= (1 + n_ref) * t_est:
                est = run(True, True)
            else:
                skipped = f"the {n_ref} refutations ({n_ref} re-estimates of about {t_est:.2g} s each)"
                if left >= t_est:
                    est = run(False, True)
                else:
                    skipped += " and the sensitivity analysis"
                steps.append(Step("refute", "skipped", f"budget: {skipped} would not fit in the "
                                                       f"{max(left, 0.0):.2g} s left"))
    except NotIdentifiableError as exc:
        steps.append(Step("estimate", "done", f"not identified: {exc}"))
        return {**base, "status": "not_identified", "reason": " ".join(str(exc).split()), "graph_type": graph.kind}
    except CausalScopeError as exc:
        steps.append(Step("estimate", "failed", _one_line(exc)))
        return {**base, "status": "failed", "reason": _one_line(exc), "identification": str(ident)}
    steps.append(Step("estimate", "done", f"{est.method}: {est.estimate:.4g} on {rows_used}"))
    return {**est.to_dict(), **base, "status": "estimated", "identification": str(ident), "alpha": 0.05}


def _with_resample_count(choice: MethodChoice, attempted: int, n_ok: int, how: str) -> MethodChoice:
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


def _limitations(choice: MethodChoice, profile: DataProfile | None, graph: MixedGraph) -> list[str]:
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
    if profile is not None and profile.flags.get("time_series") is not None and profile.flags["time_series"].value:
        out.append("The variables are autocorrelated over time; rows are treated as independent, which overstates "
                   "the evidence.")
    out.append("Resampling frequencies measure the stability of the method on this sample, not the probability that "
               "an edge is causal.")
    return out
