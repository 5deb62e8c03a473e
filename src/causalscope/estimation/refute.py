"""Refutation tests: re-estimate under manipulations whose answer is known.

Each test re-runs the same estimator on a changed copy of the data and reads the
result as a z-statistic (Sharma & Kiciman 2020 describe the family; the readings
here are our own):

* ``placebo_treatment``: the treatment is replaced by a random permutation of
  itself. The true effect of the placebo is zero; the test passes when the
  placebo estimate is not significantly different from zero
  (``|estimate / se| < z_{1 - alpha/2}``).
* ``dummy_outcome``: the outcome is replaced by a random permutation of itself
  (independent of everything, same distribution, so discrete outcomes stay
  discrete); passes like the placebo.
* ``random_common_cause``: an independent standard-normal column is added to the
  adjustment set; the estimate should not move. Passes when the change is within
  ``tolerance`` standard errors of the original estimate (default 1).
* ``data_subset``: the estimate on a random ``fraction`` of the rows is compared
  with the full-sample estimate; since ``Var(sub - full) ~ se_sub^2 - se_full^2``
  for nested samples, passes when ``|sub - full| / sqrt(se_sub^2 - se_full^2)``
  is below ``z_{1 - alpha/2}``.
* ``negative_control_outcome``: the effect on a column known not to be affected
  by the treatment; passes when it is not significant.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy import stats

from ..exceptions import InvalidParameterError
from ..utils import RandomState, check_random_state, spawn_seeds
from ._common import as_frame, is_binary, names, z_value
from .base import BaseEffectEstimator
from .result import EffectEstimate, RefutationResult

__all__ = ["refute", "REFUTERS"]

REFUTERS = ("placebo_treatment", "random_common_cause", "data_subset", "dummy_outcome")


def _p(z: float) -> float:
    return float(2 * stats.norm.sf(abs(z))) if np.isfinite(z) else 0.0


def _zero_test(name: str, new: EffectEstimate, original: EffectEstimate, alpha: float, what: str) -> RefutationResult:
    z = new.estimate / new.std_error if new.std_error > 0 else np.inf * np.sign(new.estimate or 1)
    passed = bool(abs(z) < z_value(alpha))
    reading = "no spurious effect" if passed else "a spurious effect was found: the estimator or design is suspect"
    return RefutationResult(name, passed, float(z), _p(z), new.estimate, original.estimate,
                            f"{what}; estimate {new.estimate:.4g} (SE {new.std_error:.3g}): {reading}")


def _subset_rows(t: np.ndarray, fraction: float, rng: np.random.Generator) -> np.ndarray:
    """Sorted row indices of a random ``fraction`` of the rows.

    For a binary treatment a draw that leaves an arm with fewer than two rows (possible
    on small samples) is replaced by a draw of the same fraction within each arm, so the
    subset can still be estimated on.
    """
    n = len(t)
    m = max(2, int(round(fraction * n)))
    rows = np.sort(rng.choice(n, m, replace=False))
    try:
        tt = np.asarray(t, dtype=float)
    except (TypeError, ValueError):
        return rows
    if not is_binary(tt):
        return rows
    sub = tt[rows]
    if min(int(np.sum(sub == 1)), int(np.sum(sub == 0))) >= 2:
        return rows
    parts = []
    for v in (0.0, 1.0):
        arm = np.flatnonzero(tt == v)
        k = min(arm.size, max(2, int(round(fraction * arm.size))))
        parts.append(rng.choice(arm, k, replace=False))
    return np.sort(np.concatenate(parts))


def refute(
    estimator: BaseEffectEstimator,
    data: Any,
    original: EffectEstimate,
    *,
    refuters: Sequence[str] = REFUTERS,
    negative_control: str | Sequence[str] | None = None,
    subset_fraction: float = 0.8,
    tolerance: float = 1.0,
    alpha: float = 0.05,
    random_state: RandomState = None,
) -> tuple[RefutationResult, ...]:
    """Run refutation tests of ``original`` (an estimate made by ``estimator``).

    Parameters
    ----------
    estimator:
        The effect estimator that produced ``original`` (re-run on changed data).
    data:
        The data it was fitted on (DataFrame or Dataset).
    original:
        The estimate to test.
    refuters:
        Which tests (see the module docstring); any of :data:`REFUTERS`.
    negative_control:
        Column(s) known to be unaffected by the treatment: adds one
        ``negative_control_outcome`` test per column.
    subset_fraction:
        Share of rows kept by ``data_subset``.
    tolerance:
        ``random_common_cause`` passes when the estimate moves by less than this
        many original standard errors.
    alpha:
        Significance level of the tests.
    random_state:
        Seed; each test draws from its own spawned seed.

    Returns
    -------
    tuple of RefutationResult

    References
    ----------
    .. [1] Sharma, A. & Kiciman, E. (2020). DoWhy: An end-to-end library for causal inference.
       arXiv:2011.04216.
    .. [2] Lipsitch, M., Tchetgen Tchetgen, E. & Cohen, T. (2010). Negative controls: a tool for
       detecting confounding and bias in observational studies. Epidemiology 21(3), 383-388.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from causalscope.estimation import LinearRegressionEstimator
    >>> rng = np.random.default_rng(0)
    >>> z = rng.normal(size=1000); t = z + rng.normal(size=1000)
    >>> df = pd.DataFrame({"z": z, "t": t, "y": t + z + rng.normal(size=1000)})
    >>> est = LinearRegressionEstimator().fit(df, treatment="t", outcome="y", adjustment_set=["z"])
    >>> res = refute(est, df, est.effect_, random_state=0)
    >>> [(r.name, r.passed) for r in res]  # doctest: +NORMALIZE_WHITESPACE
    [('placebo_treatment', True), ('random_common_cause', True), ('data_subset', True), ('dummy_outcome', True)]
    """
    frame = as_frame(data)
    unknown = [r for r in refuters if r not in REFUTERS]
    if unknown:
        raise InvalidParameterError(f"unknown refuters {unknown}; choose from {list(REFUTERS)}")
    if not 0 < subset_fraction < 1:
        raise InvalidParameterError(f"subset_fraction must be in (0, 1); got {subset_fraction!r}")
    t, y, adj = original.treatment, original.outcome, list(original.adjustment)
    seeds = spawn_seeds(random_state, len(REFUTERS) + 1)
    est_seed = int(seeds[-1])
    out: list[RefutationResult] = []
    for name in refuters:
        rng = check_random_state(seeds[REFUTERS.index(name)])
        if name == "placebo_treatment":
            f = frame.copy()
            f[t] = rng.permutation(f[t].to_numpy())
            new = estimator.estimate_frame(f, t, y, adj, est_seed)
            out.append(_zero_test(name, new, original, alpha, "treatment replaced by a random permutation"))
        elif name == "dummy_outcome":
            f = frame.copy()
            f[y] = rng.permutation(f[y].to_numpy())
            new = estimator.estimate_frame(f, t, y, adj, est_seed)
            out.append(_zero_test(name, new, original, alpha, "outcome replaced by a random permutation of itself"))
        elif name == "random_common_cause":
            f = frame.copy()
            col = "__random_common_cause__"
            f[col] = rng.normal(size=len(f))
            new = estimator.estimate_frame(f, t, y, [*adj, col], est_seed)
            diff = new.estimate - original.estimate
            z = diff / original.std_error if original.std_error > 0 else np.inf
            passed = bool(abs(z) < tolerance)
            out.append(RefutationResult(name, passed, float(z), _p(z), new.estimate, original.estimate,
                                        f"random normal covariate added to the adjustment set; change {diff:.4g} "
                                        f"= {z:.2f} standard errors ({'stable' if passed else 'unstable'})"))
        elif name == "data_subset":
            f = frame.iloc[_subset_rows(frame[t].to_numpy(), subset_fraction, rng)].reset_index(drop=True)
            new = estimator.estimate_frame(f, t, y, adj, est_seed)
            diff = new.estimate - original.estimate
            v = new.std_error**2 - original.std_error**2
            sd = np.sqrt(v) if v > 0 else np.sqrt(new.std_error**2 * (1 - subset_fraction))
            z = diff / sd if sd > 0 else np.inf
            passed = bool(abs(z) < z_value(alpha))
            out.append(RefutationResult(name, passed, float(z), _p(z), new.estimate, original.estimate,
                                        f"re-estimated on a random {subset_fraction:.0%} of the rows; "
                                        f"change {diff:.4g} ({'consistent' if passed else 'inconsistent'})"))
    for nc in names(negative_control):
        if nc not in frame.columns:
            raise InvalidParameterError(f"negative_control column {nc!r} is not in the data")
        new = estimator.estimate_frame(frame, t, nc, [a for a in adj if a != nc], est_seed)
        out.append(_zero_test("negative_control_outcome", new, original, alpha,
                              f"effect on negative-control outcome {nc!r}"))
    return tuple(out)
