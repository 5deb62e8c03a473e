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
            + " (recode it, or use method='linear' or 'dml' for a continuous treatment)"
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


def check_overlap(e: np.ndarray, t: np.ndarray, target: str, name: str) -> None:
    """Raise when there is no overlap.

    No overlap: the propensity scores separate treated from controls, or more than
    5% of the units have a propensity within 1e-5 of 0 or 1 (for the ATT: of 1,
    where no control is comparable).
    """
    e1, e0 = e[t == 1], e[t == 0]
    separated = e0.max() < e1.min() or e1.max() < e0.min()
    eps = 1e-5
    extreme = (e > 1 - eps) if target == "att" else (e < eps) | (e > 1 - eps)
    degenerate = separated or float(np.mean(extreme)) > 0.05
    if degenerate:
        raise DataError(
            f"no overlap: the propensity scores of treatment {name!r} separate treated from control units "
            f"(treated propensities in [{e1.min():.3g}, {e1.max():.3g}], controls in [{e0.min():.3g}, {e0.max():.3g}]); "
            "the effect is not estimable from these data without extrapolation: restrict the population to "
            "the region of common support, drop covariates that determine the treatment, or set trim="
        )


def check_target(target: str, allowed: Sequence[str]) -> str:
    if target not in allowed:
        raise InvalidParameterError(f"target must be one of {list(allowed)}; got {target!r}")
    return target
