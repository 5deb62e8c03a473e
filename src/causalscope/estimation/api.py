"""One entry point: identify, choose an estimator, estimate, refute, assess sensitivity.

:func:`estimate_effect` takes the data, optionally a causal graph, and the
treatment and outcome. With a graph it identifies the effect through
:func:`causalscope.identification.identify`: an adjustment set leads to the
adjustment estimators, a front-door set to the front-door estimator, and when
neither exists an instrument (:func:`~causalscope.identification.find_instruments`)
to two-stage least squares. Without a graph the adjustment set is given
(``adjustment_set=``, empty for a randomised treatment), or instruments / mediators with
the matching method. An effect identified only by the general ID formula is
estimated on discrete data by plugging frequencies into the estimand
(``method="plugin"`` forces this for any identified effect); on continuous data an
instrument is used when the graph has one. ``method="auto"`` picks by the
treatment's type: AIPW with cross-fitting for a binary treatment, partially linear
DML (``dml-plr``) for a continuous one.

Every estimate records its identifying assumptions (``EffectEstimate.assumptions``):
identified from the given graph, an adjustment set / instruments / mediators given by
the caller and assumed valid, or no confounding. Without a graph and without an
adjustment set nothing is adjusted for; that assumes that nothing causes both the
treatment and the outcome, so an :class:`~causalscope.exceptions.AssumptionWarning`
is issued unless the caller states it (``assume_no_confounding=True``). An estimand
with an empty adjustment set says so (``adjustment set: {} — no variable adjusted for``).
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd

from ..contract import renamed_arguments
from ..exceptions import AssumptionWarning, DataError, InvalidParameterError, NotIdentifiableError
from ..graphs import MixedGraph
from ..utils import RandomState, spawn_seeds
from . import frontdoor, iv, matching, plugin, regression, weighting  # noqa: F401  (they register the estimators)
from ._common import as_frame, columns, is_binary, names, with_intercept
from .base import NO_ADJUSTMENT, BaseEffectEstimator
from .refute import REFUTERS
from .refute import refute as _refute
from .registry import ESTIMATORS, estimator_methods
from .regression import ols
from .result import EffectEstimate
from .sensitivity import ovb_sensitivity

__all__ = ["estimate_effect", "make_estimator", "METHODS", "MIN_ROWS", "MIN_ROWS_PER_ARM"]

Method = Literal[
    "auto", "aipw", "ipw", "linear", "gcomp", "dml", "dml-plr", "matching", "difference", "frontdoor", "2sls", "wald",
    "plugin",
]


def _in_order(names: Sequence[str]) -> tuple[str, ...]:
    """Registered method names in the order of :data:`Method` (names registered later go last)."""
    known = get_args(Method)
    return tuple(sorted(names, key=lambda m: (known.index(m) if m in known else len(known), m)))


#: The registered methods that estimate an adjustment estimand (from :data:`ESTIMATORS`).
ADJUSTMENT_METHODS = _in_order(estimator_methods("adjustment"))
#: ``"auto"`` and every registered method name (from :data:`ESTIMATORS`).
METHODS = ("auto", *_in_order(list(ESTIMATORS)))

#: Fewest rows :func:`estimate_effect` accepts (as the copilot requires before it estimates).
MIN_ROWS = 10
#: Fewest rows in each arm of a binary (0/1) treatment: a mean and a variance per arm.
MIN_ROWS_PER_ARM = 2


@renamed_arguments(n_boot="n_bootstrap")
def make_estimator(
    method: str, *, target: str = "ate", outcome_model: Any = None, propensity_model: Any = None,
    instruments: Sequence[str] = (), n_bootstrap: int = 200, n_folds: int = 5, alpha: float = 0.05,
    n_jobs: int | None = None, random_state: RandomState = None, progress: Any = None, estimand: Any = None,
    variables: Sequence[str] | None = None, trim: Any = None, trim_mode: str | None = None,
) -> BaseEffectEstimator:
    """The estimator object for a method name (a key of :data:`~causalscope.estimation.ESTIMATORS`).

    The registered class is built by its ``from_options``: every option its
    constructor takes is passed (``outcome_model`` is the ``model`` of
    g-computation and the front-door estimator, ``propensity_model`` the
    ``treatment_model`` of DML); a method that estimates one target only refuses
    another ``target``.

    Raises
    ------
    InvalidParameterError
        For an unknown method, or a target the method does not estimate.

    Examples
    --------
    >>> make_estimator("aipw", target="att")
    AIPW(target='att')
    """
    cls = ESTIMATORS.get(method) if isinstance(method, str) else None
    if cls is None:
        raise InvalidParameterError(f"method must be one of {list(METHODS)}; got {method!r}")
    estimator = cls.from_options(
        method, target=target, outcome_model=outcome_model, propensity_model=propensity_model,
        instruments=list(instruments), n_bootstrap=n_bootstrap, n_folds=n_folds, alpha=alpha, n_jobs=n_jobs,
        random_state=random_state, progress=progress, estimand=estimand, variables=variables,
        **{k: v for k, v in (("trim", trim), ("trim_mode", trim_mode)) if v is not None},  # else the class default
    )
    for opt, value in (("trim", trim), ("trim_mode", trim_mode)):
        if value is not None and not hasattr(estimator, opt):
            raise InvalidParameterError(f"{opt} applies to the weighting methods (ipw, aipw, dml); method {method!r} "
                                        f"does not trim propensities; got {opt}={value!r}")
    if not isinstance(estimator, BaseEffectEstimator):  # estimate_effect needs the shared estimate and refutations
        raise InvalidParameterError(f"the estimator registered as {method!r} must derive from BaseEffectEstimator; "
                                    f"got {type(estimator).__name__}")
    return estimator


def _identify(
    graph: MixedGraph, treatment: str, outcome: str, method: str, discrete: bool, identification: Any = None
) -> tuple[str, list[str], list[str], Any]:
    """(kind, adjust/mediators/covariates, instruments, estimand text or object) from the graph."""
    from ..identification import find_instruments, identify

    if method == "plugin":
        ident = identification if identification is not None else identify(graph, treatment, outcome)
        return "plugin", [], [], ident.estimand
    want_iv = method in ("2sls", "wald")
    if not want_iv:
        try:
            ident = (identification if identification is not None and method == "auto" else
                     identify(graph, treatment, outcome, method="frontdoor" if method == "frontdoor" else "auto"))
        except NotIdentifiableError:
            try:
                insts = find_instruments(graph, treatment, outcome)
            except Exception:  # noqa: BLE001 - instruments need a single treatment and outcome in an ADMG
                insts = []
            if not insts:
                raise
        else:
            if ident.method in ("adjustment", "backdoor") and ident.adjustment_set is not None:
                return "adjustment", sorted(ident.adjustment_set), [], str(ident)
            if ident.method == "frontdoor" and ident.mediators is not None:
                return "frontdoor", sorted(ident.mediators), [], str(ident)
            if ident.method == "null_effect":
                return "null", [], [], str(ident)
            if discrete:
                return "plugin", [], [], ident.estimand
            try:
                insts = find_instruments(graph, treatment, outcome)
            except Exception:  # noqa: BLE001 - as above
                insts = []
            if not insts:
                return "plugin", [], [], ident.estimand  # the plug-in explains why the data do not fit
    else:
        insts = find_instruments(graph, treatment, outcome)
        if not insts:
            raise NotIdentifiableError(f"no instrument for {treatment} -> {outcome} in the graph")
    best = min(insts, key=lambda i: (len(i.conditioning), i.instrument))
    return "iv", sorted(best.conditioning), [best.instrument], f"instrument {best}"


@renamed_arguments(adjust="adjustment_set", n_boot="n_bootstrap")
def estimate_effect(
    data: Any,
    graph: MixedGraph | None = None,
    *,
    treatment: str,
    outcome: str,
    adjustment_set: str | Sequence[str] | None = None,
    assume_no_confounding: bool = False,
    method: Method = "auto",
    target: Literal["ate", "att", "ato"] = "ate",
    instruments: str | Sequence[str] | None = None,
    outcome_model: Any = None,
    propensity_model: Any = None,
    negative_control: str | Sequence[str] | None = None,
    n_bootstrap: int = 200,
    n_folds: int = 5,
    alpha: float = 0.05,
    random_state: RandomState = None,
    n_jobs: int | None = None,
    refute: bool = True,
    sensitivity: bool = True,
    progress: Any = None,
    identification: Any = None,
    trim: float | tuple[float, float] | None = None,
    trim_mode: Literal["clip", "drop"] | None = None,
) -> EffectEstimate:
    """Identify, estimate, refute and assess the sensitivity of a causal effect.

    Parameters
    ----------
    data:
        pandas DataFrame or :class:`causalscope.data.Dataset`.
    graph:
        Causal graph (DAG, ADMG, CPDAG or PAG) over (a superset of) the columns;
        when given the adjustment set / mediators / instrument come from it.
    treatment, outcome:
        Column names.
    adjustment_set:
        Adjustment set without a graph (front-door: the mediators; IV: the
        covariates). Not allowed together with ``graph``. ``adjust=`` is its
        deprecated spelling (one release). Without a graph and
        without an adjustment set (``None`` or empty) no confounder is adjusted
        for: the estimate is the unadjusted contrast, and an
        :class:`~causalscope.exceptions.AssumptionWarning` says so unless
        ``assume_no_confounding`` is set.
    assume_no_confounding:
        State that nothing causes both the treatment and the outcome (a randomised
        treatment): the unadjusted contrast is then estimated without a warning, and
        the assumption is recorded as the caller's. Only without a graph, an
        adjustment set, instruments or front-door mediators.
    method:
        ``"auto"`` or one of :data:`METHODS`.
    target:
        ``"ate"``, ``"att"`` (binary treatment) or ``"ato"`` (overlap-weighted; ipw, aipw, dml).
    instruments:
        Instrument column(s) for ``"2sls"`` / ``"wald"`` without a graph.
    outcome_model, propensity_model:
        scikit-learn models for the nuisance functions (cloned).
    negative_control:
        Column(s) known to be unaffected by the treatment (adds a refutation).
    n_bootstrap, n_folds, alpha:
        Bootstrap replicates (``n_boot=`` is the deprecated spelling), cross-fitting
        folds, ``1 -`` interval level.
    random_state, n_jobs:
        Seed; parallel workers for the bootstrap.
    refute, sensitivity:
        Run the refutations / sensitivity analysis.
    progress:
        Progress reporter or callback ``(done, total, description)`` for the bootstrap
        of the main estimate (see :mod:`causalscope.utils`).
    identification:
        The :class:`~causalscope.identification.Identification` of this effect on
        ``graph`` (``identify(graph, treatment, outcome)``), when the caller has it
        already: with ``method="auto"`` it is used instead of identifying again.
    trim, trim_mode:
        Propensity trimming of the weighting methods (ipw, aipw, dml): ``c`` or
        ``(lo, hi)``, clipped or dropped (see :class:`~causalscope.estimation.AIPW`);
        ``None``: the method's default.

    Returns
    -------
    EffectEstimate
        With ``assumptions``: the identifying assumptions as sentences (where the
        adjustment set, mediators or instruments came from, and what is assumed of them).

    Raises
    ------
    NotIdentifiableError
        When the graph does not identify the effect (ID fails) and has no instrument.
    DataError
        Missing values, unknown columns, fewer than :data:`MIN_ROWS` rows, fewer
        than :data:`MIN_ROWS_PER_ARM` rows in an arm of a binary treatment, a
        non-binary treatment for a binary-treatment method, no overlap.
    InvalidParameterError
        Unknown method, incompatible method and target, both graph and adjustment_set,
        ``assume_no_confounding`` with a graph or an adjustment set, method
        ``"difference"`` with a non-empty adjustment set.

    Warns
    -----
    AssumptionWarning
        When no graph and no adjustment set are given to an adjustment method and
        ``assume_no_confounding`` is not set: the estimate assumes no confounding.

    References
    ----------
    .. [1] Chernozhukov, V. et al. (2018). Double/debiased machine learning for treatment and
       structural parameters. The Econometrics Journal 21(1), C1-C68.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from causalscope.graphs import parse_graph
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=2000); t = (rng.random(2000) < 1 / (1 + np.exp(-z))).astype(int)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": 2 * t + 2 * z + rng.normal(size=2000)})
    >>> est = estimate_effect(df, parse_graph("z --> t; z --> y; t --> y"), treatment="t", outcome="y",
    ...                       random_state=0)
    >>> est.method, est.ci_low < 2 < est.ci_high, all(r.passed for r in est.refutations)
    ('aipw', True, True)
    >>> est.assumptions
    ('Identified from the given graph (assumed to be the true causal graph): adjustment set {z}.',)

    Without a graph or an adjustment set nothing is adjusted for, and the caller is warned
    unless the assumption of no confounding is stated:

    >>> naive = estimate_effect(df, treatment="t", outcome="y", assume_no_confounding=True, refute=False)
    >>> naive.estimand
    'E[y | do(t)] = E[y | t] (adjustment set: {} — no variable adjusted for)'
    >>> naive.assumptions[0].startswith("No confounding assumed by the user")
    True
    """
    frame = as_frame(data)
    treatment, outcome = str(treatment), str(outcome)
    if method not in METHODS:
        raise InvalidParameterError(f"method must be one of {list(METHODS)}; got {method!r}")
    if target not in ("ate", "att", "ato"):
        raise InvalidParameterError(f"target must be 'ate', 'att' or 'ato'; got {target!r}")
    if treatment == outcome:
        raise InvalidParameterError(f"treatment and outcome must differ; both are {treatment!r}")
    t_col = columns(frame, [treatment], "treatment")[:, 0]
    columns(frame, [outcome], "outcome")
    _check_rows(len(frame))
    inst = names(instruments)
    if graph is not None:
        if adjustment_set is not None or inst:
            raise InvalidParameterError("give either a graph or an adjustment set / instruments, not both")
        if assume_no_confounding:
            raise InvalidParameterError(
                "assume_no_confounding=True states that nothing needs adjusting; it does not combine with a graph "
                "(the graph decides what to adjust for)")
        observed = [v for v in graph.nodes if v in frame.columns]
        kind, adj, inst, estimand = _identify(graph, treatment, outcome, method, _discrete(frame, observed),
                                              identification)
        if kind == "null":
            return _null_effect(treatment, outcome, target, estimand, len(frame), alpha)
        estimand_obj = None
        if kind == "plugin":
            estimand_obj, estimand = estimand, str(estimand)
            plug_vars = observed
        elif kind == "adjustment" and not adj:
            estimand = f"{estimand} ({NO_ADJUSTMENT})"
        missing = [c for c in [*adj, *inst] if c not in frame.columns]
        if missing:
            raise DataError(f"the identified set needs columns {missing}, which are not in the data")
    else:
        if method == "plugin":
            raise InvalidParameterError("method 'plugin' needs a graph to identify the estimand from")
        adj = names(adjustment_set)
        kind = "iv" if (inst or method in ("2sls", "wald")) else "frontdoor" if method == "frontdoor" else "adjustment"
        estimand = ""
        estimand_obj = None
        if assume_no_confounding and (kind != "adjustment" or adj):
            given = f"the adjustment set {_set(adj)}" if kind == "adjustment" else (
                "instruments" if kind == "iv" else "front-door mediators")
            raise InvalidParameterError(
                f"assume_no_confounding=True states that nothing needs adjusting; it does not combine with {given}")
    binary_t = is_binary(t_col)
    if method == "auto":
        method = {"iv": "2sls", "frontdoor": "frontdoor", "plugin": "plugin"}.get(  # type: ignore[assignment]
            kind, "aipw" if binary_t else "dml-plr")
        if method == "dml-plr" and target != "ate":
            raise InvalidParameterError(
                f"target={target!r} needs a binary treatment; {treatment!r} takes {np.unique(t_col).size} values"
            )
    if kind == "adjustment" and method not in ADJUSTMENT_METHODS:
        raise InvalidParameterError(f"method {method!r} does not fit an adjustment estimand; use one of {list(ADJUSTMENT_METHODS)}")
    if kind == "adjustment" and method == "difference" and adj:
        raise InvalidParameterError(
            f"method 'difference' adjusts for nothing, but the adjustment set is {_set(adj)}: use an adjusting "
            f"method ({', '.join(m for m in ADJUSTMENT_METHODS if m != 'difference')}) or drop the adjustment set")
    if kind == "frontdoor" and method != "frontdoor":
        raise InvalidParameterError(f"the effect is identified by the front-door formula; method {method!r} does not apply")
    if kind == "plugin" and method != "plugin":
        raise InvalidParameterError(
            f"the effect is identified only by the general ID formula; use method 'plugin' (got {method!r})")
    if kind == "iv" and method not in ("2sls", "wald"):
        raise InvalidParameterError(f"the effect is identified by an instrument; use method '2sls' (got {method!r})")
    if binary_t:
        _check_arms(t_col, treatment)
    assumptions = _assumptions(graph is not None, kind, treatment, outcome, adj, inst, assume_no_confounding)
    seeds = spawn_seeds(random_state, 2)
    est_obj = make_estimator(
        method, target=target, outcome_model=outcome_model, propensity_model=propensity_model, instruments=inst,
        n_bootstrap=n_bootstrap, n_folds=n_folds, alpha=alpha, n_jobs=n_jobs, random_state=seeds[0], progress=progress,
        estimand=estimand_obj, variables=plug_vars if kind == "plugin" else None, trim=trim, trim_mode=trim_mode,
    )
    effect = est_obj.estimate_frame(frame, treatment, outcome, adj, seeds[0])
    if hasattr(est_obj, "progress"):
        est_obj.progress = None  # refutation re-runs stay quiet
    if estimand:
        effect = _with_estimand(effect, estimand)
    refs = None
    if refute:
        which = [r for r in REFUTERS if not (kind in ("frontdoor", "plugin") and r == "random_common_cause")]
        refs = _refute(est_obj, frame, effect, refuters=which, negative_control=negative_control, alpha=alpha,
                       random_state=seeds[1])
    sens = _sensitivity(frame, treatment, outcome, adj, effect, kind) if sensitivity else None
    if kind == "adjustment" and not adj and graph is None and not assume_no_confounding:
        warnings.warn(
            f"no confounder is adjusted for: the estimate of the effect of {treatment!r} on {outcome!r} is the "
            f"unadjusted contrast, valid only if nothing causes both {treatment!r} and {outcome!r}; give a graph or "
            "an adjustment set, or state the assumption with assume_no_confounding=True",
            AssumptionWarning, stacklevel=2)
    return replace(effect.with_checks(refs, sens), assumptions=assumptions)


def _null_effect(treatment: str, outcome: str, target: str, estimand: str, n: int, alpha: float) -> EffectEstimate:
    """The effect the graph fixes at zero: no directed path from the treatment to the outcome, no adjustment set.

    As DoWhy does in this case, the estimate is 0 by the graph; nothing is estimated from the data, so there
    are no refutations or sensitivity analysis, and the assumption says so.
    """
    return EffectEstimate(
        treatment=treatment, outcome=outcome, target=target, estimate=0.0, std_error=0.0, ci_low=0.0, ci_high=0.0,
        method="null_effect", estimand=estimand, n=n, alpha=alpha,
        diagnostics={"from_graph": True},
        assumptions=(f"Identified from the given graph (assumed to be the true causal graph): no directed path leads "
                     f"from {treatment} to {outcome}, so the effect is zero by the graph; it is not estimated from "
                     f"the data, and no adjustment set exists that would let the data check it.",),
    )


def _set(cols: Sequence[str]) -> str:
    return "{" + ", ".join(cols) + "}"


def _check_rows(n: int) -> None:
    if n < MIN_ROWS:
        raise DataError(
            f"too few rows to estimate an effect: the data have {n} row{'s' if n != 1 else ''}; "
            f"at least {MIN_ROWS} are needed")


def _check_arms(t: np.ndarray, name: str) -> None:
    n1 = int(np.sum(t == 1))
    n0 = int(t.size - n1)
    if min(n0, n1) < MIN_ROWS_PER_ARM:
        raise DataError(
            f"too few rows in a treatment arm: {name!r} has {n1} treated ({name}=1) and {n0} control ({name}=0) "
            f"rows; each arm needs at least {MIN_ROWS_PER_ARM}")


def _assumptions(
    from_graph: bool, kind: str, treatment: str, outcome: str, adj: list[str], inst: list[str], stated: bool
) -> tuple[str, ...]:
    """The identifying assumptions of the estimate, as plain sentences (see ``EffectEstimate.assumptions``)."""
    if from_graph:
        how = {
            "adjustment": f"adjustment set {_set(adj)}" + (" (no variable needs adjusting)" if not adj else ""),
            "frontdoor": f"front-door formula through the mediators {_set(adj)}",
            "iv": f"instrument {', '.join(inst)}" + (f" given {_set(adj)}" if adj else ""),
            "plugin": "the general ID formula, estimated by plugging in frequencies",
        }[kind]
        return (f"Identified from the given graph (assumed to be the true causal graph): {how}.",)
    if kind == "iv":
        given = f" given {_set(adj)}" if adj else ""
        return (f"Instrument(s) given by the user: {_set(inst)}; assumed valid: they affect {outcome} only through "
                f"{treatment} and share no unobserved cause with {outcome}{given}.",)
    if kind == "frontdoor":
        return (f"Mediators given by the user: {_set(adj)}; assumed to satisfy the front-door criterion: they carry "
                f"every causal path from {treatment} to {outcome}, nothing unobserved confounds {treatment} with "
                f"them, and {treatment} blocks every back-door path from them to {outcome}.",)
    if adj:
        return (f"Adjustment set given by the user: {_set(adj)}; assumed sufficient: it blocks every back-door path "
                f"from {treatment} to {outcome} and holds no descendant of {treatment}.",)
    if stated:
        return (f"No confounding assumed by the user: nothing causes both {treatment} and {outcome}, so the "
                "unadjusted contrast is the causal effect (as in a randomised experiment).",)
    return (f"No confounder is adjusted for (no graph and no adjustment set given): the estimate is the unadjusted "
            f"contrast, valid only if nothing causes both {treatment} and {outcome}.",)


def _discrete(frame: pd.DataFrame, cols: list[str]) -> bool:
    try:
        arr = frame[cols].to_numpy(dtype=float)
    except (TypeError, ValueError):
        return False
    ok = bool(np.all(np.isfinite(arr)) and np.all(arr == np.round(arr)))
    return ok and all(np.unique(arr[:, j]).size <= 20 for j in range(arr.shape[1]))


def _with_estimand(effect: EffectEstimate, text: str) -> EffectEstimate:
    return replace(effect, estimand=text)


def _sensitivity(frame: pd.DataFrame, treatment: str, outcome: str, adj: list[str], effect: EffectEstimate, kind: str):
    y = columns(frame, [outcome], "outcome")[:, 0]
    tstat = dof = None
    if kind == "adjustment":
        t = columns(frame, [treatment], "treatment")[:, 0]
        x = with_intercept(np.column_stack([t, columns(frame, adj, "adjustment")]))
        if len(y) > x.shape[1] + 1:
            beta, cov, _ = ols(x, y, cov_type="nonrobust")
            tstat, dof = float(beta[1] / np.sqrt(cov[1, 1])), int(len(y) - x.shape[1])
    binary_y = is_binary(y)
    baseline = effect.diagnostics.get("mean_y0")
    if baseline is None and binary_y:
        t = frame[treatment].to_numpy(dtype=float)
        baseline = float(y[t == 0].mean()) if np.any(t == 0) else None
    return ovb_sensitivity(
        t_statistic=tstat, dof=dof, estimate=effect.estimate, std_error=effect.std_error,
        outcome_sd=float(np.std(y)), binary_outcome=binary_y, baseline=baseline,
        ci=(effect.ci_low, effect.ci_high), alpha=effect.alpha,
    )
