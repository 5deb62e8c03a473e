"""Automatic choice of a node's mechanism, by cross-validation.

:meth:`causalscope.scm.SCM.fit` calls :func:`choose_mechanism` for every node
without a given mechanism. The rule:

* a **root** gets :class:`~causalscope.scm.EmpiricalRoot` (bootstrap of its values);
* a **continuous** node: the ``cv``-fold cross-validated mean squared error of
  least squares (``L_lin``) is compared with that of a flexible regressor
  (``L_flex``, default ``HistGradientBoostingRegressor(max_iter=50)``);
  :class:`~causalscope.scm.AdditiveNoise` with the flexible regressor is chosen
  only if ``(L_lin - L_flex) / L_lin >= margin``, otherwise
  :class:`~causalscope.scm.LinearGaussian`;
* a **categorical** node: the same comparison of cross-validated log-loss between
  standardised multinomial logistic regression and a flexible classifier
  (default ``HistGradientBoostingClassifier(max_iter=50)``), giving a
  :class:`~causalscope.scm.Classifier` with the winner.

Folds are shuffled with the given seed (stratified for categorical nodes, and at
most as many as the rarest category has rows). The evidence is returned as a
:class:`MechanismChoice`. The rule follows the model-selection idea of DoWhy's
``gcm`` auto-assignment (Blöbaum et al. 2024), with a margin that favours the
simpler, linear model.

References
----------
Blöbaum, P., Götz, P., Budhathoki, K., Mastakouri, A. A. and Janzing, D. (2024).
DoWhy-GCM: an extension of DoWhy for causal inference in graphical causal
models. *JMLR* 25(147).
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

from .mechanisms import AdditiveNoise, Classifier, EmpiricalRoot, LinearGaussian

__all__ = ["MechanismChoice", "choose_mechanism", "thread_limit"]


def thread_limit(n_threads: int | None) -> Any:
    """Context manager limiting OpenMP threads (gradient boosting) to ``n_threads``; None: no limit.

    Oversubscribed cores slow OpenMP learners down by orders of magnitude on small
    data, so the SCM defaults to one thread.
    """
    if n_threads is None:
        return contextlib.nullcontext()
    if isinstance(n_threads, bool) or not isinstance(n_threads, (int, np.integer)) or n_threads < 1:
        from ..exceptions import InvalidParameterError

        raise InvalidParameterError(f"n_threads must be a positive integer or None; got {n_threads!r}")
    import sklearn.ensemble  # noqa: F401  (load the OpenMP runtime first: limits apply to loaded libraries)
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=int(n_threads), user_api="openmp")


@dataclass(frozen=True)
class MechanismChoice:
    """Why a node got its mechanism.

    Attributes
    ----------
    node:
        The node.
    kind:
        ``"root"``, ``"continuous"`` or ``"categorical"``.
    mechanism:
        The chosen mechanism (its repr).
    reason:
        ``"given"``, ``"root"``, ``"linear"``, ``"nonlinear"``, or
        ``"linear (too few rows for cross-validation)"``.
    scores:
        Cross-validated losses (mean squared error, or log-loss) of the
        candidates, ``{"linear": ..., "flexible": ...}``; empty when no comparison ran.
    relative_improvement:
        ``(L_lin - L_flex) / L_lin`` (None when no comparison ran).
    margin:
        The threshold it was compared with.
    """

    node: str
    kind: str
    mechanism: str
    reason: str
    scores: Mapping[str, float] = field(default_factory=dict)
    relative_improvement: float | None = None
    margin: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-friendly dict."""
        return {
            "node": self.node,
            "kind": self.kind,
            "mechanism": self.mechanism,
            "reason": self.reason,
            "scores": dict(self.scores),
            "relative_improvement": self.relative_improvement,
            "margin": self.margin,
        }


def _flexible_regressor() -> Any:
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(max_iter=50)


def _flexible_classifier() -> Any:
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(max_iter=50)


def _linear_classifier() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


def _cv_loss(estimator: Any, x: np.ndarray, y: np.ndarray, folds: Any, categorical: bool,
             n_classes: int) -> float:
    """Mean out-of-fold loss: mean squared error, or log-loss (nats per row)."""
    from sklearn.base import clone

    total = 0.0
    for train, test in folds:
        est = clone(estimator).fit(x[train], y[train])
        if categorical:
            proba = np.zeros((test.size, n_classes))
            proba[:, np.asarray(est.classes_, dtype=np.int64)] = est.predict_proba(x[test])
            p = np.clip(proba[np.arange(test.size), y[test].astype(np.int64)], 1e-15, None)
            total += float(-np.log(p).sum())
        else:
            r = y[test] - est.predict(x[test])
            total += float(r @ r)
    return total / y.size


def choose_mechanism(
    node: str,
    parents: np.ndarray,
    child: np.ndarray,
    kind: Literal["continuous", "categorical"],
    *,
    margin: float = 0.05,
    cv: int = 5,
    regressor: Any = None,
    classifier: Any = None,
    random_state: int | None = None,
    n_threads: int | None = 1,
) -> tuple[Any, MechanismChoice]:
    """Choose an (unfitted) mechanism for ``node`` by the rule of the module notes.

    Parameters
    ----------
    node:
        The node's name (recorded in the choice).
    parents, child:
        Arrays ``(n, k)`` and ``(n,)``; categorical children as codes ``0..K-1``.
    kind:
        ``"continuous"`` or ``"categorical"``.
    margin, cv, regressor, classifier, n_threads:
        As :class:`~causalscope.scm.SCM`.
    random_state:
        Integer seed for the folds and the flexible learner.

    Returns
    -------
    (mechanism, MechanismChoice)

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeRegressor
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-2, 2, size=(400, 1))
    >>> y = np.abs(x[:, 0]) * 3 + 0.1 * rng.normal(size=400)
    >>> m, choice = choose_mechanism("Y", x, y, "continuous", regressor=DecisionTreeRegressor(max_depth=4),
    ...                              random_state=0)
    >>> choice.reason, type(m).__name__
    ('nonlinear', 'AdditiveNoise')
    """
    from sklearn.base import clone
    from sklearn.model_selection import KFold, StratifiedKFold

    x = np.asarray(parents, dtype=np.float64)
    y = np.asarray(child, dtype=np.float64)
    if x.shape[1] == 0:
        root = EmpiricalRoot()
        return root, MechanismChoice(node, "root", repr(root), "root")
    categorical = kind == "categorical"
    if categorical:
        counts = np.bincount(y.astype(np.int64))
        k_folds = min(int(cv), int(counts[counts > 0].min()))
    else:
        k_folds = min(int(cv), y.size // 2)
    linear: Any = Classifier(_linear_classifier()) if categorical else LinearGaussian()
    if k_folds < 2:
        return linear, MechanismChoice(node, kind, repr(linear), "linear (too few rows for cross-validation)",
                                       margin=float(margin))
    splitter = (StratifiedKFold if categorical else KFold)(n_splits=k_folds, shuffle=True, random_state=random_state)
    yy = y.astype(np.int64) if categorical else y
    folds = list(splitter.split(x, yy))
    n_classes = int(y.max()) + 1 if categorical else 0
    if categorical:
        lin_est: Any = _linear_classifier()
        flex_est = classifier if classifier is not None else _flexible_classifier()
    else:
        from sklearn.linear_model import LinearRegression

        lin_est = LinearRegression()
        flex_est = regressor if regressor is not None else _flexible_regressor()
    flex_est = clone(flex_est)
    if "random_state" in flex_est.get_params():
        flex_est.set_params(random_state=random_state)
    with thread_limit(n_threads):
        l_lin = _cv_loss(lin_est, x, yy, folds, categorical, n_classes)
        l_flex = _cv_loss(flex_est, x, yy, folds, categorical, n_classes)
    rel = (l_lin - l_flex) / l_lin if l_lin > 0 else 0.0
    scores = {"linear": l_lin, "flexible": l_flex}
    if rel >= float(margin):
        chosen: Any = Classifier(flex_est) if categorical else AdditiveNoise(flex_est)
        reason = "nonlinear"
    else:
        chosen, reason = linear, "linear"
    return chosen, MechanismChoice(node, kind, repr(chosen), reason, scores, float(rel), float(margin))
