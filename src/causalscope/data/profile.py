"""Data profile: the facts about a table that decide which causal method fits it.

Before a causal discovery method is chosen, the data are questioned. Are the
relations linear? Are the noises Gaussian (LiNGAM needs them non-Gaussian)? Are
the variables discrete, continuous or both? Do mechanisms change across
domains or over time? Is there serial dependence? Are there enough rows for the
conditional-independence tests to have power? :func:`profile_data` answers
each question with a test and returns a :class:`DataProfile`, a frozen value in
which every finding carries the statistic it rests on, so the decision the
copilot takes from it can be explained and checked.

The questions and how they are answered (details in ``docs/profile.md``):

* **nonlinearity**: each continuous variable is regressed on all others by a
  linear model and by a nested flexible one (the same linear terms plus cubic
  regression-spline terms for its most relevant predictors); the two are
  compared out of sample by K-fold cross-validation, with a one-sided paired
  test on the held-out squared errors, Holm-corrected over variables, and a
  minimum R2 gain. The same comparison is run for the most strongly dependent
  pairs of variables;
* **non-Gaussianity**: the residuals of the linear regression of each
  continuous variable on all others get D'Agostino's K2 test (Holm-corrected)
  and a minimum skewness / excess kurtosis;
* **heterogeneity**: with a domain column (or, for a time index, consecutive
  time blocks) a variable *changes* when both its marginal distribution and its
  residual given all other variables shift in location (Kruskal-Wallis) or scale
  (Brown-Forsythe); requiring both keeps parents and descendants of a changed
  mechanism from being flagged;
* **time structure**: autocorrelation at lags ``1..k`` and Ljung-Box tests;
* **missingness**: per-column fractions, distinct patterns, and a logistic
  regression of each column's missingness on the other variables (evidence
  against missing completely at random);
* **regime**: the ratio n/p and how large a conditioning set the data support.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, InvalidParameterError
from ..utils import Progress, RandomState, as_progress, check_random_state, get_logger
from . import _profile_stats as st
from .dataset import Dataset
from .kinds import ColumnKind

__all__ = ["Flag", "VariableProfile", "PairProfile", "MissingnessProfile", "Regime", "DataProfile", "profile_data"]

logger = get_logger(__name__)

#: Minimum out-of-sample R2 gain of the flexible model for "nonlinear".
NONLINEAR_MIN_GAIN = 0.01
#: Residuals are "non-Gaussian" only if |skewness| or |excess kurtosis| reaches these.
MIN_SKEWNESS, MIN_EXCESS_KURTOSIS = 0.1, 0.2
#: Fraction of variables above which the data are called nonlinear / non-Gaussian.
NONLINEAR_FRACTION, NON_GAUSSIAN_FRACTION = 0.2, 0.5
#: n/p below which the data count as high-dimensional.
HIGH_DIMENSIONAL_RATIO = 10.0
#: Number of consecutive blocks a time index is cut into to look for change.
N_TIME_BLOCKS = 5
#: Cochran's rule: expected count per cell for a trustworthy discrete CI test.
MIN_CELL_COUNT = 5.0
#: Rows per estimated parameter for a continuous (partial-correlation) CI test.
MIN_ROWS_PER_PARAMETER = 10.0
#: Equal-width bins of a continuous variable's histogram in :attr:`DataProfile.distributions`.
N_HISTOGRAM_BINS = 20
#: Most frequent levels of a categorical variable kept in :attr:`DataProfile.distributions`.
MAX_DISTRIBUTION_LEVELS = 20


def _num(x: float | None) -> float | None:
    if x is None:
        return None
    x = float(x)
    return None if math.isnan(x) else x


# ============================================================================ values


@dataclass(frozen=True)
class Flag:
    """A yes/no fact for the method chooser, with the evidence behind it.

    Attributes
    ----------
    name : str
        ``"linear"``, ``"gaussian"``, ``"discrete"``, ``"mixed"``,
        ``"heterogeneous"``, ``"time_series"`` or ``"high_dimensional"``.
    value : bool or None
        The finding; None when the data do not allow it to be assessed.
    statistic : float or None
        The number the decision rests on.
    threshold : float or None
        The threshold the rule compares it with.
    rule : str
        The rule, in words, and why it is not assessed when ``value`` is None.
    """

    name: str
    value: bool | None
    statistic: float | None
    threshold: float | None
    rule: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {"name": self.name, "value": self.value, "statistic": _num(self.statistic),
                "threshold": _num(self.threshold), "rule": self.rule}


@dataclass(frozen=True)
class VariableProfile:
    """Per-variable evidence. Fields are None where a test does not apply.

    ``r2_linear`` / ``r2_flexible`` are out-of-sample R2 of the variable on all
    others; ``nonlinearity_p`` the Holm-adjusted one-sided p-value that the
    flexible model predicts better; ``normality_statistic`` D'Agostino's K2 on
    linear residuals with Holm-adjusted ``normality_p``; ``change_p`` the
    Holm-adjusted p-value of a change across domains / time blocks
    (``max`` of the marginal and the residual test); ``autocorrelation`` the
    lag ``1..k`` autocorrelations and ``ljung_box_p`` their Holm-adjusted
    Ljung-Box p-value.
    """

    name: str
    kind: str
    n_levels: int
    missing_fraction: float
    r2_linear: float | None = None
    r2_flexible: float | None = None
    nonlinearity_statistic: float | None = None
    nonlinearity_p: float | None = None
    nonlinear: bool | None = None
    residual_skewness: float | None = None
    residual_excess_kurtosis: float | None = None
    normality_statistic: float | None = None
    normality_p: float | None = None
    non_gaussian: bool | None = None
    change_statistic: float | None = None
    change_p: float | None = None
    changing: bool | None = None
    autocorrelation: tuple[float, ...] | None = None
    ljung_box_statistic: float | None = None
    ljung_box_p: float | None = None
    autocorrelated: bool | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        out: dict[str, Any] = {}
        for key, value in self.__dict__.items():
            if isinstance(value, float):
                value = _num(value)
            elif isinstance(value, tuple):
                value = [_num(v) for v in value]
            out[key] = value
        return out


@dataclass(frozen=True)
class PairProfile:
    """Out-of-sample evidence that ``y`` depends nonlinearly on ``x`` (one direction of a pair)."""

    x: str
    y: str
    correlation: float
    r2_linear: float
    r2_flexible: float
    statistic: float
    p_value: float
    nonlinear: bool

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {k: (_num(v) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


@dataclass(frozen=True)
class MissingnessProfile:
    """Missing values: how many, in which patterns, and whether other variables predict them.

    ``tests`` maps each partly missing column to the Rao score statistic,
    degrees of freedom and Holm-adjusted p-value of a logistic regression of its
    missingness indicator on the other variables (mean-imputed); a small p-value
    is evidence against missing completely at random (MCAR). ``predicted`` lists
    the columns where it is significant.
    """

    fractions: dict[str, float]
    n_patterns: int
    complete_row_fraction: float
    method: str
    tests: dict[str, dict[str, float]]
    predicted: tuple[str, ...]

    @property
    def any_missing(self) -> bool:
        """True if any value is missing."""
        return any(f > 0 for f in self.fractions.values())

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "fractions": dict(self.fractions), "n_patterns": self.n_patterns,
            "complete_row_fraction": self.complete_row_fraction, "method": self.method,
            "tests": {c: {k: _num(v) for k, v in t.items()} for c, t in self.tests.items()},
            "predicted": list(self.predicted),
        }


@dataclass(frozen=True)
class Regime:
    """Sample size against dimension, and how large a conditioning set the data support.

    ``ci_support`` lists, for conditioning-set sizes ``k = 0..``, the rows per
    parameter of a partial-correlation test (``n / (k + 3)``) for continuous
    data, or the expected count per cell of a G-test (``n / (c^(k+2))`` with
    ``c`` the median number of levels) for discrete data;
    ``max_conditioning_size`` is the largest ``k`` meeting the rule.
    """

    n_samples: int
    n_variables: int
    n_over_p: float
    size_class: str
    max_conditioning_size: int
    ci_support: tuple[tuple[int, float], ...]
    rule: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "n_samples": self.n_samples, "n_variables": self.n_variables, "n_over_p": self.n_over_p,
            "size_class": self.size_class, "max_conditioning_size": self.max_conditioning_size,
            "ci_support": [{"k": k, "value": v} for k, v in self.ci_support], "rule": self.rule,
        }


@dataclass(frozen=True)
class DataProfile:
    """Everything :func:`profile_data` found, as a value.

    Attributes
    ----------
    n_samples, n_variables : int
    kinds : dict
        Column kind (its string value) per variable.
    variables : tuple of VariableProfile
    pairs : tuple of PairProfile
        Nonlinearity checks for the most dependent pairs (both directions).
    missingness : MissingnessProfile
    regime : Regime
    fraction_nonlinear, fraction_non_gaussian : float or None
        Among the continuous variables tested.
    domain : dict or None
        ``{"column", "n_domains", "source" ("domain" or "time blocks"), "changing"}``.
    time : dict or None
        ``{"column", "max_lag", "autocorrelated"}``.
    flags : dict of Flag
        The summary facts the method chooser reads.
    settings : dict
        The settings used (seed, folds, subsample size, alpha...), for reproduction.
    notes : tuple of str
        What was skipped or approximated, and why.
    distributions : dict
        Per variable, the distribution of its observed values, for plots: a
        continuous column has ``{"kind", "bin_edges", "counts"}`` (``N_HISTOGRAM_BINS``
        equal-width bins from the smallest to the largest value, the last one closed);
        a categorical one ``{"kind", "levels", "counts", "n_levels", "other"}``: one
        count per level in code order, or, beyond ``MAX_DISTRIBUTION_LEVELS``
        levels, the most frequent ones (in code order) with ``other`` counting the
        rest. Bin edges are rounded to 6 significant digits.
    """

    n_samples: int
    n_variables: int
    kinds: dict[str, str]
    variables: tuple[VariableProfile, ...]
    pairs: tuple[PairProfile, ...]
    missingness: MissingnessProfile
    regime: Regime
    fraction_nonlinear: float | None
    fraction_non_gaussian: float | None
    domain: dict[str, Any] | None
    time: dict[str, Any] | None
    flags: dict[str, Flag]
    settings: dict[str, Any] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    distributions: dict[str, dict[str, Any]] = field(default_factory=dict)

    def variable(self, name: str) -> VariableProfile:
        """The profile of variable ``name``.

        Raises
        ------
        DataError
            If ``name`` is not a profiled variable.
        """
        for v in self.variables:
            if v.name == name:
                return v
        raise DataError(f"unknown variable {name!r}; the profiled variables are {[v.name for v in self.variables]}")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (NaN becomes None)."""
        return {
            "n_samples": self.n_samples, "n_variables": self.n_variables, "kinds": dict(self.kinds),
            "flags": {k: f.to_dict() for k, f in self.flags.items()},
            "fraction_nonlinear": _num(self.fraction_nonlinear),
            "fraction_non_gaussian": _num(self.fraction_non_gaussian),
            "regime": self.regime.to_dict(), "missingness": self.missingness.to_dict(),
            "domain": None if self.domain is None else {**self.domain, "changing": list(self.domain["changing"])},
            "time": None if self.time is None else {**self.time, "autocorrelated": list(self.time["autocorrelated"])},
            "variables": [v.to_dict() for v in self.variables],
            "pairs": [p.to_dict() for p in self.pairs],
            "settings": dict(self.settings), "notes": list(self.notes),
            "distributions": {v: {k: list(x) if isinstance(x, (list, tuple)) else x for k, x in d.items()}
                              for v, d in self.distributions.items()},
        }

    def to_markdown(self, *, max_variables: int = 40) -> str:
        """A concise Markdown summary: the flags with their evidence, then one row per variable."""

        def f(x: float | None, digits: int = 3) -> str:
            return "–" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}g}"

        def b(x: bool | None) -> str:
            return "–" if x is None else ("yes" if x else "no")

        lines = [
            f"**Data profile**: {self.n_samples} rows, {self.n_variables} variables "
            f"({self.regime.size_class} sample, n/p = {self.regime.n_over_p:.3g}).",
            "",
            "| flag | value | statistic | threshold | rule |",
            "|---|---|---|---|---|",
        ]
        for flag in self.flags.values():
            lines.append(f"| {flag.name} | {b(flag.value)} | {f(flag.statistic)} | {f(flag.threshold)} | {flag.rule} |")
        lines += [
            "",
            "| variable | kind | missing | R² linear | R² flexible | nonlinear | skew | ex. kurt | non-Gaussian | change p | changing |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
        ]
        for v in self.variables[:max_variables]:
            lines.append(
                f"| {v.name} | {v.kind} | {v.missing_fraction:.3g} | {f(v.r2_linear)} | {f(v.r2_flexible)} | "
                f"{b(v.nonlinear)} | {f(v.residual_skewness, 2)} | {f(v.residual_excess_kurtosis, 2)} | "
                f"{b(v.non_gaussian)} | {f(v.change_p)} | {b(v.changing)} |"
            )
        if len(self.variables) > max_variables:
            lines.append(f"| … {len(self.variables) - max_variables} more | | | | | | | | | | |")
        facts = [
            f"Conditional-independence tests are supported up to conditioning sets of size "
            f"{self.regime.max_conditioning_size} ({self.regime.rule})."
        ]
        miss = self.missingness
        if miss.any_missing:
            facts.append(
                f"Missing values: {1 - miss.complete_row_fraction:.1%} of rows incomplete, {miss.n_patterns} patterns; "
                f"missingness predicted by the other variables for: {', '.join(miss.predicted) or 'none'}."
            )
        if self.domain is not None:
            facts.append(
                f"Changing across {self.domain['source']} of {self.domain['column']!r} "
                f"({self.domain['n_domains']} groups): {', '.join(self.domain['changing']) or 'none'}."
            )
        if self.time is not None:
            facts.append(f"Autocorrelated (lags 1..{self.time['max_lag']}): "
                         f"{', '.join(self.time['autocorrelated']) or 'none'}.")
        nonlinear_pairs = [f"{q.x} -> {q.y}" for q in self.pairs if q.nonlinear]
        if self.pairs:
            facts.append(f"Nonlinear pairs (of {len(self.pairs)} checked): {', '.join(nonlinear_pairs) or 'none'}.")
        lines += ["", *[f"- {fact}" for fact in [*facts, *self.notes]]]
        return "\n".join(lines)


# ============================================================================ input


def _as_dataset(data: Any, domain_column: str | None, time_column: str | None) -> tuple[Dataset, np.ndarray | None, str | None, np.ndarray | None, str | None]:
    """Return the dataset, domain codes and name, time order values and name."""
    for name, value in (("domain_column", domain_column), ("time_column", time_column)):
        if value is not None and not isinstance(value, str):
            raise InvalidParameterError(f"{name} must be a column name (str) or None; got {value!r}")
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise DataError(f"an array must be 2-dimensional (samples x variables); got shape {data.shape}")
        data = pd.DataFrame(data, columns=[f"X{i}" for i in range(data.shape[1])])
    if isinstance(data, pd.DataFrame):
        ds = Dataset.from_frame(data, domain_column=domain_column, time_column=time_column, missing="keep")
    elif isinstance(data, Dataset):
        ds = data
        promote = [c for c in (domain_column, time_column) if c is not None and c in ds.variables]
        for role, col in (("domain_column", domain_column), ("time_column", time_column)):
            own = ds.domain_column if role == "domain_column" else ds.time_column
            if col is not None and col != own and col not in ds.variables:
                raise DataError(
                    f"{role}={col!r} is not a column of the dataset; the variables are {list(ds.variables)}"
                    + (f" and its {role.split('_')[0]} column is {own!r}" if own is not None else "")
                )
        if promote:
            frame = ds.to_frame(decode=False, include_roles=False)
            domain = ds.domain if domain_column is None or domain_column == ds.domain_column else None
            time = ds.time if time_column is None or time_column == ds.time_column else None
            keep = [v for v in ds.variables if v not in promote]
            if not keep:
                raise DataError(f"no analysis variables left besides {promote}")
            dom_vals = frame[domain_column].to_numpy() if domain_column in promote else None
            time_vals = frame[time_column].to_numpy() if time_column in promote else None
            ds = ds.subset(keep)
            d_codes = np.unique(dom_vals, return_inverse=True)[1] if dom_vals is not None else domain
            t_vals = time_vals if time_vals is not None else time
            return ds, d_codes, domain_column or ds.domain_column, t_vals, time_column or ds.time_column
    else:
        raise DataError(f"data must be a Dataset, a pandas DataFrame or a 2-D numpy array; got {type(data).__name__}")
    return ds, ds.domain, ds.domain_column, ds.time, ds.time_column


def _check_int(value: Any, name: str, minimum: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


# ============================================================================ profile


def profile_data(
    data: Dataset | pd.DataFrame | np.ndarray,
    *,
    domain_column: str | None = None,
    time_column: str | None = None,
    random_state: RandomState = 0,
    max_pairs: int = 20,
    max_rows: int = 2000,
    n_folds: int = 5,
    n_screen: int = 10,
    max_lag: int = 10,
    alpha: float = 0.05,
    progress: Progress | Callable[[int, int | None, str], None] | None = None,
) -> DataProfile:
    """Profile a table for causal analysis: kinds, missingness, nonlinearity, non-Gaussianity, change, time.

    Parameters
    ----------
    data:
        A :class:`Dataset`, a pandas DataFrame (read with ``missing="keep"``) or
        a 2-D array.
    domain_column:
        The column labelling domains (environments). For a :class:`Dataset` it
        defaults to the dataset's own domain column and may also name one of its
        variables, which is then used as the domain and not profiled.
    time_column:
        The column holding the time index (same rules as ``domain_column``).
        Enables the autocorrelation checks, and, without a domain column, the
        search for change across consecutive time blocks.
    random_state:
        Seed or generator for the row subsample and the fold assignment; the same
        seed gives the same profile.
    max_pairs:
        Number of most dependent variable pairs checked for nonlinearity one to one.
    max_rows:
        Rows subsampled (without replacement) for the cross-validated
        nonlinearity checks; all rows are used for the other tests.
    n_folds:
        Folds of the cross-validation.
    n_screen:
        Predictors per variable that get spline terms in the flexible model (the
        most relevant by partial correlation or marginal spline R2).
    max_lag:
        Largest lag of the autocorrelation checks.
    alpha:
        Family-wise level of every group of tests (Holm-corrected).
    progress:
        None (silent), a :class:`~causalscope.utils.Progress` or a callback
        ``callback(done, total, description)``.

    Returns
    -------
    DataProfile

    Raises
    ------
    DataError
        If ``domain_column`` / ``time_column`` is not a column, the domain column
        has a single level, or the data cannot be read as a :class:`Dataset`.
    InvalidParameterError
        For out-of-range settings.

    Notes
    -----
    The nonlinearity test follows the model-comparison idea of testing a linear
    model against a nested nonparametric (regression-spline) alternative out of
    sample, rather than Ramsey's RESET test. The flexible model adds, to all the
    linear terms, the nonlinear part of a cubic spline in its ranks (5 equally spaced interior knots) for
    each of the ``n_screen`` most relevant continuous predictors (an additive
    model, Hastie & Tibshirani 1990). A variable is *nonlinear* when the one-sided
    paired t-test on its held-out squared-error differences is significant after
    Holm correction *and* its R2 gain is at least ``NONLINEAR_MIN_GAIN``.
    Categorical predictors enter as indicator columns (already nonparametric);
    categorical targets are not tested. Missing values are mean-imputed in
    predictors; rows where the target is missing are left out.

    References
    ----------
    .. [1] D'Agostino, R. B. & Pearson, E. S. (1973). Tests for departure from
       normality. Biometrika 60(3), 613-622.
    .. [2] Holm, S. (1979). A simple sequentially rejective multiple test
       procedure. Scandinavian Journal of Statistics 6(2), 65-70.
    .. [3] Ljung, G. M. & Box, G. E. P. (1978). On a measure of lack of fit in time
       series models. Biometrika 65(2), 297-303.
    .. [4] Kruskal, W. H. & Wallis, W. A. (1952). Use of ranks in one-criterion
       variance analysis. JASA 47(260), 583-621; Brown, M. B. & Forsythe, A. B.
       (1974). Robust tests for the equality of variances. JASA 69(346), 364-367.
    .. [5] Shimizu, S. et al. (2006). A linear non-Gaussian acyclic model for
       causal discovery. JMLR 7, 2003-2030 (why non-Gaussianity matters).
    .. [6] Rao, C. R. (1948). Large sample tests of statistical hypotheses
       concerning several parameters. Proc. Cambridge Phil. Soc. 44(1), 50-57
       (the score test used for missingness).
    .. [7] Huang, B. et al. (2020). Causal discovery from heterogeneous /
       nonstationary data. JMLR 21(89), 1-53 (why changing mechanisms matter).

    Examples
    --------
    >>> from causalscope.datasets import simulate
    >>> sim = simulate(5, 500, noise="uniform", random_state=1)
    >>> prof = profile_data(sim.data, random_state=0)
    >>> prof.flags["linear"].value, prof.flags["gaussian"].value
    (True, False)
    >>> prof.to_dict()["flags"]["discrete"]["value"]
    False
    """
    max_pairs = _check_int(max_pairs, "max_pairs", 0)
    max_rows = _check_int(max_rows, "max_rows", 50)
    n_folds = _check_int(n_folds, "n_folds", 2)
    n_screen = _check_int(n_screen, "n_screen", 0)
    max_lag = _check_int(max_lag, "max_lag", 1)
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 1:
        raise InvalidParameterError(f"alpha must be a number in (0, 1); got {alpha!r}")
    rng = check_random_state(random_state)
    reporter = as_progress(progress)
    ds, domain, dom_name, time, time_name = _as_dataset(data, domain_column, time_column)
    if domain is not None and np.unique(domain).size < 2:
        raise DataError(
            f"domain column {dom_name!r} has a single level; heterogeneity needs at least two domains "
            "(pass domain_column=None for one domain)"
        )
    reporter.start(6, "profiling data")
    try:
        return _profile(ds, domain, dom_name, time, time_name, rng, reporter, random_state=random_state,
                        max_pairs=max_pairs, max_rows=max_rows, n_folds=n_folds, n_screen=n_screen,
                        max_lag=max_lag, alpha=float(alpha))
    finally:
        reporter.close()


def _profile(ds: Dataset, domain: np.ndarray | None, dom_name: str | None, time: np.ndarray | None,
             time_name: str | None, rng: np.random.Generator, reporter: Progress, *, random_state: RandomState,
             max_pairs: int, max_rows: int, n_folds: int, n_screen: int, max_lag: int, alpha: float) -> DataProfile:
    names = list(ds.variables)
    n, p = ds.shape
    kinds = {v: ds.kinds[v].value for v in names}
    categorical = ds.discrete_mask
    levels = ds.cardinalities
    mask = ds.missing_mask
    x = st.mean_impute(ds.values, mask)
    continuous = [j for j in range(p) if not categorical[j]]
    notes: list[str] = []

    # ---- missingness
    missingness = _missingness(names, x, mask, alpha)
    reporter.advance(1)

    # ---- linear residuals (all rows): non-Gaussianity and conditional change
    z, blocks = st.linear_design(x, categorical, levels)
    single = [j for j in range(p) if blocks[j].size == 1]
    residuals: dict[int, np.ndarray] = {}
    if p >= 2 and n > z.shape[1] + 10:
        residuals = st.linear_residuals(z, blocks, single)
    elif p >= 2:
        notes.append(f"too few rows ({n}) for regressions on {z.shape[1]} columns: residual tests skipped")
    records: dict[str, dict[str, Any]] = {v: {} for v in names}
    k2 = np.full(p, np.nan)
    for j in continuous:
        if j in residuals:
            r = residuals[j][~mask[:, j]]
            stat, pv, skew, kurt = st.normality(r)
            k2[j] = pv
            records[names[j]].update(normality_statistic=stat, residual_skewness=skew, residual_excess_kurtosis=kurt)
    k2_adj = st.holm(k2)
    for j in continuous:
        rec = records[names[j]]
        if "normality_statistic" in rec and not np.isnan(k2_adj[j]):
            big = abs(rec["residual_skewness"]) >= MIN_SKEWNESS or abs(rec["residual_excess_kurtosis"]) >= MIN_EXCESS_KURTOSIS
            rec.update(normality_p=float(k2_adj[j]), non_gaussian=bool(k2_adj[j] < alpha and big))
    reporter.advance(1)

    # ---- nonlinearity (subsample, K-fold)
    pairs: tuple[PairProfile, ...] = ()
    if p >= 2 and continuous:
        pairs = _nonlinearity(x, mask, categorical, levels, names, continuous, records, rng, max_rows=max_rows,
                              n_folds=n_folds, n_screen=n_screen, max_pairs=max_pairs, alpha=alpha, notes=notes)
    reporter.advance(2)

    # ---- time order
    order_segments: list[np.ndarray] | None = None
    time_info = None
    if time is not None:
        order_segments = _time_segments(time, domain)
        time_info = _time_structure(x, mask, names, order_segments, max_lag, alpha, records)
    reporter.advance(1)

    # ---- heterogeneity
    domain_info = None
    if domain is not None or order_segments is not None:
        domain_info = _heterogeneity(x, mask, names, residuals, domain, dom_name, order_segments, time_name, alpha, records)
    reporter.advance(1)

    variables = tuple(
        VariableProfile(name=v, kind=kinds[v], n_levels=int(levels[j]), missing_fraction=float(mask[:, j].mean()),
                        **records[v])
        for j, v in enumerate(names)
    )
    tested_nl = [v.nonlinear for v in variables if v.nonlinear is not None]
    tested_ng = [v.non_gaussian for v in variables if v.non_gaussian is not None]
    frac_nl = float(np.mean(tested_nl)) if tested_nl else None
    frac_ng = float(np.mean(tested_ng)) if tested_ng else None
    regime = _regime(n, p, categorical, levels)
    flags = _flags(variables, frac_nl, frac_ng, regime, domain_info, time_info, alpha)
    settings = {
        "random_state": random_state if isinstance(random_state, (int, np.integer)) else None,
        "max_rows": max_rows, "n_folds": n_folds, "n_screen": n_screen, "max_pairs": max_pairs,
        "max_lag": max_lag, "alpha": alpha, "nonlinear_min_gain": NONLINEAR_MIN_GAIN,
        "min_skewness": MIN_SKEWNESS, "min_excess_kurtosis": MIN_EXCESS_KURTOSIS,
    }
    return DataProfile(
        n_samples=n, n_variables=p, kinds=kinds, variables=variables, pairs=pairs, missingness=missingness,
        regime=regime, fraction_nonlinear=frac_nl, fraction_non_gaussian=frac_ng, domain=domain_info,
        time=time_info, flags=flags, settings=settings, notes=tuple(notes),
        distributions=_distributions(ds, names, categorical, levels, mask),
    )


# ============================================================================ pieces


def _round6(x: float) -> float:
    """``x`` rounded to 6 significant digits (deterministic, short in JSON)."""
    return float(f"{float(x):.6g}")


def _label(value: Any) -> Any:
    if isinstance(value, np.generic):
        value = value.item()
    return value if isinstance(value, (bool, int, float, str)) or value is None else str(value)


def _distributions(ds: Dataset, names: list[str], categorical: np.ndarray, levels: np.ndarray,
                   mask: np.ndarray) -> dict[str, dict[str, Any]]:
    """Histogram counts (continuous) and level counts (categorical) of the observed values of every column.

    One ``bincount`` for all continuous columns together (bin ``j * B + b``) and one for all categorical ones.
    """
    x = ds.values
    kinds, categories = ds.kinds, ds.categories
    out: dict[str, dict[str, Any]] = {}
    obs = ~mask
    cont = np.flatnonzero(~categorical)
    bins = N_HISTOGRAM_BINS
    if cont.size:
        xc = np.where(obs[:, cont], x[:, cont], np.nan)
        seen = obs[:, cont].any(axis=0)
        filled = np.where(seen, xc, 0.0)  # a column with no observed value would be an all-NaN slice
        lo, hi = np.nanmin(filled, axis=0), np.nanmax(filled, axis=0)
        flat = hi <= lo  # a single observed value: one unit-wide range around it
        lo, hi = np.where(flat, lo - 0.5, lo), np.where(flat, hi + 0.5, hi)
        scaled = (np.nan_to_num(xc, nan=0.0) - lo) / (hi - lo) * bins
        b = np.clip(np.floor(scaled), 0, bins - 1).astype(np.int64) + np.arange(cont.size) * bins
        counts = np.bincount(b[obs[:, cont]], minlength=cont.size * bins).reshape(cont.size, bins)
        steps = np.linspace(0.0, 1.0, bins + 1)
        for k, j in enumerate(cont):
            edges = lo[k] + steps * (hi[k] - lo[k]) if seen[k] else np.empty(0)  # type: ignore[index]  # numpy stubs: all/any(axis=...) may be a scalar; an array here
            out[names[j]] = {"kind": kinds[names[j]].value, "bin_edges": [_round6(e) for e in edges],
                             "counts": [int(c) for c in counts[k]] if seen[k] else []}  # type: ignore[index]  # as above
    cat = np.flatnonzero(categorical)
    if cat.size:
        width = max(int(levels[cat].max()), 1)
        codes = np.where(obs[:, cat], np.nan_to_num(x[:, cat], nan=0.0), 0).astype(np.int64)
        codes = codes + np.arange(cat.size) * width
        counts = np.bincount(codes[obs[:, cat]], minlength=cat.size * width).reshape(cat.size, width)
        for k, j in enumerate(cat):
            k_levels = int(levels[j])
            c = counts[k, :k_levels]
            keep: np.ndarray = np.arange(k_levels)
            if k_levels > MAX_DISTRIBUTION_LEVELS:
                keep = np.sort(np.argsort(-c, kind="stable")[:MAX_DISTRIBUTION_LEVELS])
            labels = categories.get(names[j], tuple(range(k_levels)))
            out[names[j]] = {"kind": kinds[names[j]].value, "levels": [_label(labels[i]) for i in keep],
                             "counts": [int(c[i]) for i in keep], "n_levels": k_levels,
                             "other": int(c.sum() - c[keep].sum())}
    return {v: out[v] for v in names}


def _missingness(names: list[str], x: np.ndarray, mask: np.ndarray, alpha: float) -> MissingnessProfile:
    n, p = mask.shape
    fractions = {v: float(mask[:, j].mean()) for j, v in enumerate(names)}
    n_patterns = int(np.unique(mask, axis=0).shape[0]) if mask.any() else 1
    complete = float((~mask.any(axis=1)).mean())
    partial = [j for j in range(p) if 0 < mask[:, j].sum() < n]
    tests: dict[str, dict[str, float]] = {}
    raw = np.full(p, np.nan)
    zs = st.standardize(x)
    for j, (stat, pv) in zip(partial, st.logistic_score_tests(zs, mask, partial)):
        raw[j] = pv
        tests[names[j]] = {"statistic": stat, "df": float(p - 1), "p_value": pv}
    adj = st.holm(raw)
    for j in partial:
        tests[names[j]]["p_value"] = float(adj[j])
    predicted = tuple(names[j] for j in partial if adj[j] < alpha)
    method = ("logistic regression of each column's missingness indicator on the other variables "
              "(mean-imputed, standardized); Rao score test against the intercept-only model, Holm-adjusted")
    return MissingnessProfile(fractions, n_patterns, complete, method, tests, predicted)


def _nonlinearity(x: np.ndarray, mask: np.ndarray, categorical: np.ndarray, levels: np.ndarray, names: list[str],
                  continuous: list[int], records: dict[str, dict[str, Any]], rng: np.random.Generator, *,
                  max_rows: int, n_folds: int, n_screen: int, max_pairs: int, alpha: float,
                  notes: list[str]) -> tuple[PairProfile, ...]:
    n, p = x.shape
    rows = np.sort(rng.choice(n, size=max_rows, replace=False)) if n > max_rows else np.arange(n)
    if n > max_rows:
        notes.append(f"nonlinearity checks use a random subsample of {max_rows} of {n} rows")
    fold_of = rng.permutation(np.arange(rows.size) % n_folds)
    order = np.argsort(fold_of, kind="stable")  # rows grouped by fold: fold f is one contiguous block
    rows, fold_of = rows[order], fold_of[order]
    xs, ms = x[rows], mask[rows]
    m = rows.size
    z, blocks = st.linear_design(xs, categorical, levels)
    splines = {j: st.spline_block(xs[:, j]) for j in continuous}
    # the full design: intercept, every linear block, every spline block
    parts = [np.ones((m, 1)), z]
    lin_idx = [1 + b for b in blocks]
    spl_idx: dict[int, np.ndarray] = {}
    start = 1 + z.shape[1]
    for j in continuous:
        if splines[j] is not None:
            parts.append(splines[j])  # type: ignore[arg-type]  # not None: checked just above
            spl_idx[j] = np.arange(start, start + splines[j].shape[1])  # type: ignore[union-attr]  # as above
            start += splines[j].shape[1]  # type: ignore[union-attr]  # as above
    full = np.hstack(parts)
    bounds = np.searchsorted(fold_of, np.arange(n_folds + 1))
    grams = st.train_grams(full, bounds)

    def compare(target: int, linear: np.ndarray, extra: np.ndarray, missing: np.ndarray) -> st.Comparison | None:
        if linear.size + extra.size + 10 * n_folds > int((~missing).sum()):
            return None
        if not missing.any():
            return st.compare_nested(full, grams, bounds, target, linear, extra)
        keep = ~missing
        cols = np.concatenate([[0], linear, extra, [target]]).astype(np.int64)
        sub = full[keep][:, cols]
        sub_bounds = np.searchsorted(fold_of[keep], np.arange(n_folds + 1))
        return st.compare_nested(sub, st.train_grams(sub, sub_bounds), sub_bounds, cols.size - 1,
                                 np.arange(1, 1 + linear.size), np.arange(1 + linear.size, cols.size - 1))

    # relevance screening: squared partial correlation and in-sample marginal spline R2
    theta = np.linalg.pinv(np.cov(z, rowvar=False) + 1e-8 * np.eye(z.shape[1]))
    d = np.sqrt(np.abs(np.diag(theta))) + 1e-12
    pcor2 = (theta / d[:, None] / d[None, :]) ** 2
    spline_r2 = np.zeros((p, p))  # [predictor, target]
    # [x_v, spline_v] is an orthogonal block of unit-variance columns: R2 = sum of squared correlations
    total = grams.sum(axis=0) / (n_folds - 1)  # each row is in n_folds - 1 training sets
    cross = (total[:, [int(b[0]) + 1 for b in blocks]] / m) ** 2
    for v in spl_idx:
        spline_r2[v] = cross[np.concatenate([lin_idx[v][:1], spl_idx[v]])].sum(axis=0)
    raw_p = np.full(p, np.nan)
    comps: dict[int, st.Comparison] = {}
    for j in continuous:
        if ms[:, j].all():
            continue
        linear = np.concatenate([lin_idx[v] for v in range(p) if v != j])
        score = np.zeros(p)
        for v in spl_idx:
            if v != j:
                score[v] = max(float(pcor2[blocks[v][0], blocks[j][0]]), float(spline_r2[v, j]))
        chosen = [int(v) for v in np.argsort(-score, kind="stable")[:n_screen] if score[v] > 0]
        if not chosen:
            continue
        comp = compare(int(lin_idx[j][0]), linear, np.concatenate([spl_idx[v] for v in chosen]), ms[:, j])
        if comp is not None:
            comps[j] = comp
            raw_p[j] = comp.p_value
    adj = st.holm(raw_p)
    for j, comp in comps.items():
        records[names[j]].update(
            r2_linear=comp.r2_linear, r2_flexible=comp.r2_flexible, nonlinearity_statistic=comp.statistic,
            nonlinearity_p=float(adj[j]),
            nonlinear=bool(adj[j] < alpha and comp.r2_flexible - comp.r2_linear >= NONLINEAR_MIN_GAIN),
        )
    # pairs: strongest dependence (largest marginal spline R2 either way), both directions
    cand = []
    for a_i, a in enumerate(continuous):
        for b in continuous[a_i + 1 :]:
            cand.append((-max(spline_r2[a, b], spline_r2[b, a]), a, b))
    cand.sort()
    tests: list[tuple[int, int, float, st.Comparison]] = []
    for _, a, b in cand[:max_pairs]:
        for xv, yv in ((a, b), (b, a)):
            if xv not in spl_idx:
                continue
            missing = ms[:, xv] | ms[:, yv]
            comp = compare(int(lin_idx[yv][0]), lin_idx[xv], spl_idx[xv], missing)
            if comp is not None:
                corr = float(np.corrcoef(xs[~missing, xv], xs[~missing, yv])[0, 1])
                tests.append((xv, yv, corr, comp))
    adj_pairs = st.holm(np.array([t[3].p_value for t in tests]))
    return tuple(
        PairProfile(
            x=names[xv], y=names[yv], correlation=corr, r2_linear=comp.r2_linear, r2_flexible=comp.r2_flexible,
            statistic=comp.statistic, p_value=float(pa),
            nonlinear=bool(pa < alpha and comp.r2_flexible - comp.r2_linear >= NONLINEAR_MIN_GAIN),
        )
        for (xv, yv, corr, comp), pa in zip(tests, adj_pairs)
    )


def _time_segments(time: np.ndarray, domain: np.ndarray | None) -> list[np.ndarray]:
    """Row indices in time order, one segment per domain (the whole table without domains)."""
    groups = [np.arange(time.shape[0])] if domain is None else [np.flatnonzero(domain == d) for d in np.unique(domain)]
    return [idx[np.argsort(time[idx], kind="stable")] for idx in groups]


def _time_structure(x: np.ndarray, mask: np.ndarray, names: list[str], segments: list[np.ndarray], max_lag: int,
                    alpha: float, records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    n, p = x.shape
    lag = int(min(max_lag, max(1, min(s.size for s in segments) // 5)))
    raw = np.full(p, np.nan)
    stats_: dict[int, tuple[np.ndarray, float]] = {}
    for j in range(p):
        acf = st.autocorrelation(x[:, j], segments, lag)
        q, pv = st.ljung_box(acf, n)
        raw[j] = pv
        stats_[j] = (acf, q)
    adj = st.holm(raw)
    for j in range(p):
        acf, q = stats_[j]
        records[names[j]].update(autocorrelation=tuple(float(a) for a in acf), ljung_box_statistic=q,
                                 ljung_box_p=float(adj[j]), autocorrelated=bool(adj[j] < alpha))
    return {"max_lag": lag, "autocorrelated": tuple(names[j] for j in range(p) if adj[j] < alpha),
            "method": "pooled within-domain autocorrelation, Ljung-Box Q over lags 1..max_lag, Holm-adjusted"}


def _heterogeneity(x: np.ndarray, mask: np.ndarray, names: list[str], residuals: dict[int, np.ndarray], domain: np.ndarray | None,
                   dom_name: str | None, segments: list[np.ndarray] | None, time_name: str | None, alpha: float,
                   records: dict[str, dict[str, Any]]) -> dict[str, Any]:
    n, p = x.shape
    if domain is not None:
        groups = domain
        source = "domain"
        ratio = np.ones(p)
    else:
        groups = np.empty(n, dtype=np.int64)
        order = segments[0] if segments else np.arange(n)
        for b, chunk in enumerate(np.array_split(order, N_TIME_BLOCKS)):
            groups[chunk] = b
        source = "time blocks"
        ratio = np.ones(p)
        for j in range(p):  # AR(1) effective-sample-size correction
            rho = float(np.clip(st.autocorrelation(x[:, j], segments, 1)[0], 0.0, 0.99))  # type: ignore[arg-type]  # no domain: the caller gave segments
            ratio[j] = (1 - rho) / (1 + rho)
    raw = np.full(p, np.nan)
    stat = np.full(p, np.nan)
    for j in range(p):
        obs = ~mask[:, j]  # imputed values would pull every group towards the overall mean
        h_m, _, p_marg = st.group_shift(x[obs, j], groups[obs], ratio[j])
        if j in residuals:
            _, _, p_cond = st.group_shift(residuals[j][obs], groups[obs], ratio[j])
        else:
            p_cond = p_marg
        if not (np.isnan(p_marg) or np.isnan(p_cond)):
            raw[j] = max(p_marg, p_cond)
            stat[j] = h_m
    adj = st.holm(raw)
    for j in range(p):
        if not np.isnan(adj[j]):
            records[names[j]].update(change_statistic=float(stat[j]), change_p=float(adj[j]),
                                     changing=bool(adj[j] < alpha))
    return {
        "column": dom_name if domain is not None else time_name, "source": source,
        "n_domains": int(np.unique(groups).size),
        "changing": tuple(names[j] for j in range(p) if not np.isnan(adj[j]) and adj[j] < alpha),
        "method": ("a variable changes when both its values and its residual on all other variables shift in "
                   "location (Kruskal-Wallis) or scale (Brown-Forsythe) across groups: p = max of the two, each "
                   "Bonferroni over location/scale; Holm-adjusted over variables"),
    }


def _regime(n: int, p: int, categorical: np.ndarray, levels: np.ndarray) -> Regime:
    ratio = n / p
    if ratio < 1:
        size = "n << p"
    elif ratio < HIGH_DIMENSIONAL_RATIO:
        size = "small"
    elif ratio < 100:
        size = "moderate"
    else:
        size = "large"
    support: list[tuple[int, float]] = []
    if categorical.all():
        c = float(np.median(levels))
        rule = (f"discrete: expected count per cell n / c^(k+2) >= {MIN_CELL_COUNT:g} "
                f"(Cochran), c = {c:g} the median number of levels")
        for k in range(0, max(p - 1, 1)):
            v = n / c ** (k + 2)
            support.append((k, v))
            if v < MIN_CELL_COUNT:
                break
        ok = [k for k, v in support if v >= MIN_CELL_COUNT]
    else:
        rule = f"continuous: rows per parameter n / (k + 3) >= {MIN_ROWS_PER_PARAMETER:g} for a partial-correlation test"
        ok = []
        for k in range(0, max(p - 1, 1)):
            v = n / (k + 3)
            support.append((k, v))
            if v >= MIN_ROWS_PER_PARAMETER:
                ok.append(k)
            if v < MIN_ROWS_PER_PARAMETER or len(support) >= 20:
                break
    return Regime(n, p, float(ratio), size, max(ok) if ok else -1, tuple(support), rule)


def _flags(variables: tuple[VariableProfile, ...], frac_nl: float | None, frac_ng: float | None, regime: Regime,
           domain_info: dict[str, Any] | None, time_info: dict[str, Any] | None, alpha: float) -> dict[str, Flag]:
    p = len(variables)
    n_cat = sum(v.kind != ColumnKind.CONTINUOUS.value for v in variables)
    flags = [
        Flag("linear", None if frac_nl is None else frac_nl < NONLINEAR_FRACTION, frac_nl, NONLINEAR_FRACTION,
             "fraction of continuous variables whose held-out R2 improves with spline terms "
             f"(Holm p < {alpha:g}, gain >= {NONLINEAR_MIN_GAIN:g}) is below the threshold"
             + ("" if frac_nl is not None else "; not assessed: no testable continuous variable")),
        Flag("gaussian", None if frac_ng is None else frac_ng < NON_GAUSSIAN_FRACTION, frac_ng, NON_GAUSSIAN_FRACTION,
             "fraction of continuous variables with non-Gaussian linear-regression residuals "
             f"(D'Agostino K2, Holm p < {alpha:g}, abs(skewness) >= {MIN_SKEWNESS:g} or abs(excess kurtosis) >= "
             f"{MIN_EXCESS_KURTOSIS:g}) is below the threshold"
             + ("" if frac_ng is not None else "; not assessed: no testable continuous variable")),
        Flag("discrete", n_cat == p, n_cat / p, 1.0, "fraction of categorical (discrete/binary/ordinal) columns equals 1"),
        Flag("mixed", 0 < n_cat < p, n_cat / p, None, "both categorical and continuous columns are present"),
    ]
    if domain_info is None:
        flags.append(Flag("heterogeneous", None, None, None, "not assessed: no domain column and no time column"))
    else:
        k = len(domain_info["changing"])
        flags.append(Flag("heterogeneous", k > 0, k / p, 0.0,
                          f"fraction of variables whose distribution changes across {domain_info['source']} "
                          f"({domain_info['column']!r}, Holm p < {alpha:g}) is above the threshold"))
    if time_info is None:
        flags.append(Flag("time_series", False, None, None, "no time column given"))
    else:
        k = len(time_info["autocorrelated"])
        flags.append(Flag("time_series", k > 0, k / p, 0.0,
                          f"fraction of variables with Ljung-Box autocorrelation up to lag {time_info['max_lag']} "
                          f"(Holm p < {alpha:g}) is above the threshold"))
    flags.append(Flag("high_dimensional", regime.n_over_p < HIGH_DIMENSIONAL_RATIO, regime.n_over_p,
                      HIGH_DIMENSIONAL_RATIO, "n/p is below the threshold"))
    return {f.name: f for f in flags}
