"""Shared helpers: input checking, propensity fitting, cross-fitting folds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import clone
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from ..data import Dataset
from ..exceptions import DataError, InvalidParameterError

__all__: list[str] = []


def as_frame(data: Any) -> pd.DataFrame:
    """A numeric DataFrame from a DataFrame or :class:`Dataset` (categoricals as codes)."""
    if isinstance(data, Dataset):
        return pd.DataFrame(np.asarray(data.values, dtype=float), columns=list(data.variables))
    if isinstance(data, pd.DataFrame):
        frame = data.copy()
        frame.columns = [str(c) for c in frame.columns]
        return frame
    raise InvalidParameterError(f"data must be a pandas DataFrame or a causalscope Dataset; got {type(data).__name__}")


def names(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def columns(frame: pd.DataFrame, cols: Sequence[str], role: str) -> np.ndarray:
    """Float matrix of ``cols``; typed errors for unknown, non-numeric or missing values."""
    for c in cols:
        if c not in frame.columns:
            raise DataError(f"{role} column {c!r} is not in the data; columns are {list(frame.columns)}")
    if not cols:
        return np.empty((len(frame), 0))
    sub = frame[list(cols)]
    try:
        arr = sub.to_numpy(dtype=float)
    except (TypeError, ValueError) as exc:
        raise DataError(
            f"{role} columns {list(cols)} must be numeric (encode categories first, or pass a Dataset); {exc}"
        ) from exc
    bad = np.isnan(arr).any(axis=0)
    if bad.any():
        which = [c for c, b in zip(cols, bad) if b]
        raise DataError(
            f"{role} column(s) {which} have missing values and no missing-value policy was given: drop the rows "
            "(data.dropna()), impute them, or read the data with missing='drop'"
        )
    return arr


def check_binary(t: np.ndarray, name: str, method: str) -> np.ndarray:
    vals = np.unique(t)
    if not np.isin(vals, (0.0, 1.0)).all() or vals.size != 2:
        raise DataError(
            f"treatment {name!r} must be binary 0/1 for method {method!r}; got values {vals[:6].tolist()}"
            + ("..." if vals.size > 6 else "")
            + " (recode it, or use method='linear' or 'dml-plr' for a continuous treatment)"
        )
    return t.astype(float)


def is_binary(v: np.ndarray) -> bool:
    vals = np.unique(v)
    return vals.size == 2 and bool(np.isin(vals, (0.0, 1.0)).all())


def z_value(alpha: float) -> float:
    return float(stats.norm.ppf(1 - alpha / 2))


def normal_ci(est: float, se: float, alpha: float) -> tuple[float, float]:
    z = z_value(alpha)
    return est - z * se, est + z * se


def check_alpha(alpha: float) -> float:
    if not 0 < float(alpha) < 1:
        raise InvalidParameterError(f"alpha must be in (0, 1); got {alpha!r}")
    return float(alpha)


def default_regressor() -> Any:
    """Standardised linear regression (scaling avoids sklearn's ill-conditioned solves on raw scales)."""
    return make_pipeline(StandardScaler(), LinearRegression())


def default_classifier() -> Any:
    """Standardised logistic regression with a very weak penalty."""
    return make_pipeline(StandardScaler(), LogisticRegression(C=1e4, max_iter=5000))


def with_intercept(x: np.ndarray) -> np.ndarray:
    return np.column_stack([np.ones(len(x)), x])


def fit_predict_proba(model: Any, x_train: np.ndarray, t_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """P(T=1 | X) from a fresh clone of ``model`` (a classifier, or a regressor clipped to [0, 1])."""
    m = clone(model)
    if x_train.shape[1] == 0:
        return np.full(len(x_test), float(np.mean(t_train)))
    m.fit(x_train, t_train.astype(int) if hasattr(m, "predict_proba") else t_train)
    if hasattr(m, "predict_proba"):
        classes = list(getattr(m, "classes_", [0, 1]))
        p = m.predict_proba(x_test)[:, classes.index(1)]
    else:
        p = m.predict(x_test)
    return np.clip(np.asarray(p, dtype=float), 0.0, 1.0)


def fit_predict(model: Any, x_train: np.ndarray, y_train: np.ndarray, x_test: np.ndarray) -> np.ndarray:
    """Predictions of a fresh clone of ``model`` (E[Y|X]; a classifier gives P(Y=1|X))."""
    if x_train.shape[1] == 0:
        return np.full(len(x_test), float(np.mean(y_train)))
    m = clone(model)
    if hasattr(m, "predict_proba"):
        m.fit(x_train, y_train.astype(int))
        classes = list(m.classes_)
        return m.predict_proba(x_test)[:, classes.index(1)] if 1 in classes else np.zeros(len(x_test))
    m.fit(x_train, y_train)
    return np.asarray(m.predict(x_test), dtype=float)


def folds(n: int, k: int, rng: np.random.Generator, strata: np.ndarray | None = None) -> np.ndarray:
    """Fold label per row (stratified by ``strata`` when given)."""
    if k < 2:
        raise InvalidParameterError(f"n_folds must be at least 2; got {k}")
    lab = np.empty(n, dtype=int)
    if strata is None:
        lab[rng.permutation(n)] = np.arange(n) % k
        return lab
    for s in np.unique(strata):
        idx = np.flatnonzero(strata == s)
        lab[idx[rng.permutation(idx.size)]] = np.arange(idx.size) % k
    return lab


#: A unit whose propensity is within this of 0 or 1 has no comparable unit in the other arm.
OVERLAP_EPS = 1e-5
#: :func:`check_overlap` refuses when more than this share of the units is that extreme.
OVERLAP_MAX_SHARE = 0.05


def check_overlap(e: np.ndarray, t: np.ndarray, target: str, name: str) -> None:
    """Raise when the propensity scores leave (part of) the target population without comparable units.

    Two triggers, each named with its numbers in the message: the scores
    *separate* the arms (every treated unit above every control, or the other
    way round), or more than :data:`OVERLAP_MAX_SHARE` of the units have a
    propensity within :data:`OVERLAP_EPS` of 0 or 1 (for the ATT: of 1 only,
    where no control is comparable; for the ATO not checked, its weights
    ``e(1-e)`` vanish there). Run it on the units that remain after trimming
    by dropping: the advice it gives (``trim=``, ``trim_mode='drop'``) then works.
    """
    e1, e0 = e[t == 1], e[t == 0]
    ranges = (f"treated propensities in [{e1.min():.3g}, {e1.max():.3g}], controls in "
              f"[{e0.min():.3g}, {e0.max():.3g}]")
    advice = ("estimate on the overlap region instead: with method ipw, aipw or dml set trim=(0.05, 0.95) and "
              "trim_mode='drop' (command line: --trim 0.05,0.95 --trim-mode drop), which drops the units outside "
              "and describes the population that remains; or estimate the overlap-weighted effect (target='ato'); "
              "or drop covariates that determine the treatment")
    if e0.max() < e1.min() or e1.max() < e0.min():
        raise DataError(
            f"no overlap: the propensity scores of treatment {name!r} separate treated from control units "
            f"({ranges}): no unit has a comparable unit in the other arm, so the effect is not estimable from "
            "these data without extrapolation; restrict the population or drop covariates that determine the "
            "treatment (trimming cannot help when the arms do not overlap at all)")
    if target == "ato":
        return
    extreme = (e > 1 - OVERLAP_EPS) if target == "att" else (e < OVERLAP_EPS) | (e > 1 - OVERLAP_EPS)
    share = float(np.mean(extreme))
    if share > OVERLAP_MAX_SHARE:
        where = f"above 1 - {OVERLAP_EPS:g}" if target == "att" else f"within {OVERLAP_EPS:g} of 0 or 1"
        who = "treated units without a comparable control" if target == "att" else (
            "units without a comparable unit in the other arm")
        raise DataError(
            f"no overlap for the {target.upper()}: {int(extreme.sum()):,} of {e.size:,} units ({100 * share:.1f}%, "
            f"more than {100 * OVERLAP_MAX_SHARE:g}%) have a propensity score of treatment {name!r} {where} "
            f"({ranges}); these are {who}, so the {target.upper()} is not estimable without extrapolation; "
            + advice)


def parse_trim(trim: float | Sequence[float] | None) -> tuple[float, float] | None:
    """``None``, ``c`` (meaning ``(c, 1 - c)``) or ``(lo, hi)`` as ``(lo, hi)`` with ``0 <= lo < hi <= 1``."""
    if trim is None:
        return None
    try:
        lo, hi = (float(trim), 1 - float(trim)) if np.ndim(trim) == 0 else (float(trim[0]), float(trim[1]))  # type: ignore[arg-type,index]
        ok = np.ndim(trim) == 0 or len(trim) == 2  # type: ignore[arg-type]
    except (TypeError, ValueError, IndexError):
        ok = False
    if not ok or not 0 <= lo < hi <= 1 or (np.ndim(trim) == 0 and not lo < 0.5):
        raise InvalidParameterError(
            f"trim must be None, a number c in [0, 0.5) (propensities kept in [c, 1 - c]) or a pair (lo, hi) with "
            f"0 <= lo < hi <= 1; got {trim!r}")
    return lo, hi


def check_trim_mode(mode: str) -> str:
    if mode not in ("clip", "drop"):
        raise InvalidParameterError(f"trim_mode must be 'clip' or 'drop'; got {mode!r}")
    return mode


def trim_bounds(bounds: tuple[float, float], target: str) -> tuple[float, float]:
    """The bounds that apply to ``target``: the ATT weights divide by ``1 - e`` only, so its lower bound is 0."""
    return (0.0 if target == "att" else bounds[0]), bounds[1]


def population_text(target: str, n_kept: int, n_all: int, bounds: tuple[float, float] | None, mode: str,
                    n_clipped: int = 0) -> str:
    """The population the estimate is about, as a phrase (ATT: ``n_kept`` and ``n_all`` count the treated).

    For example ``"ATE on the overlap region 0.05 <= e <= 0.95, 1,204 of 2,675 units"``.
    """
    tgt = target.upper()
    if target == "ato":
        region = "" if bounds is None or mode != "drop" or n_kept == n_all else (
            f" with {bounds[0]:g} <= e <= {bounds[1]:g}")
        return f"ATO: the overlap-weighted population (each unit weighted by e(1 - e)), {n_kept:,} of {n_all:,} units{region}"
    who, unit = ("the treated", "treated units") if target == "att" else ("all units", "units")
    if bounds is None or (mode == "drop" and n_kept == n_all) or (mode == "clip" and n_clipped == 0):
        return f"{tgt} on {who} ({n_kept:,} {unit})"
    region = f"e <= {bounds[1]:g}" if target == "att" else f"{bounds[0]:g} <= e <= {bounds[1]:g}"
    if mode == "drop":
        return f"{tgt} on the overlap region {region}, {n_kept:,} of {n_all:,} {unit}"
    return (f"{tgt} on {who} ({n_all:,} {unit}), propensities clipped to {region} for {n_clipped:,} units "
            "(the weights are bounded, the population is unchanged)")


def check_target(target: str, allowed: Sequence[str]) -> str:
    if target not in allowed:
        raise InvalidParameterError(f"target must be one of {list(allowed)}; got {target!r}")
    return target
