"""Causal mechanisms: how one node of a structural causal model is generated from its parents.

A structural causal model assigns each node ``X_j`` a mechanism, a rule that
produces ``X_j`` from the values of its parents ``pa_j`` and from noise that is
independent across nodes. Mechanisms come as a small ladder of protocols; each
rung adds what one more kind of causal question needs:

:class:`StochasticMechanism`
    ``fit(parents, child)`` and ``sample(parents, rng)``. Enough for sampling
    and for interventions (``do``, soft interventions).
:class:`FunctionalMechanism`
    The child is a deterministic function of the parents and an explicit noise
    variable: ``sample_noise(n, rng)``, ``generate(parents, noise)`` and the
    noise-free ``predict(parents)``. (Generation belongs here, one rung lower
    than in some designs, because a functional mechanism *is* a function of
    parents and noise.)
:class:`InvertibleMechanism`
    Adds ``abduct(parents, child) -> noise``: the noise is recovered exactly from
    an observed unit, which is what unit-level counterfactuals need
    (abduction - action - prediction, Pearl 2009, ch. 7).
:class:`NoisePosteriorMechanism`
    Instead of inverting, samples the noise from its posterior given an observed
    unit, ``sample_posterior_noise(parents, child, rng)``. Categorical
    mechanisms use the Gumbel-max model (Oberst and Sontag 2019), see
    :mod:`causalscope.scm.gumbel`.

All arrays are numpy: ``parents`` is ``(n, k)`` (``k = 0`` for a root), the
child ``(n,)``. Categorical nodes hold integer codes ``0 .. K-1`` stored as
floats; the :class:`~causalscope.scm.SCM` translates them to and from labels.

Implementations: :class:`LinearGaussian`, :class:`AdditiveNoise` (any
scikit-learn regressor), :class:`PostNonlinear`, :class:`Classifier` (any
scikit-learn classifier, Gumbel-max noise), :class:`CategoricalFunction` and
:class:`CategoricalRoot` (probabilities given), :class:`EmpiricalRoot`,
:class:`GaussianRoot` and :class:`Constant` (what ``do`` puts in place).

References
----------
Pearl, J. (2009). *Causality*, 2nd ed., ch. 7. Cambridge University Press.

Peters, J., Janzing, D. and Schölkopf, B. (2017). *Elements of Causal
Inference*, ch. 6-7. MIT Press.

Zhang, K. and Hyvärinen, A. (2009). On the identifiability of the
post-nonlinear causal model. *UAI*.

Breiman, L. and Friedman, J. H. (1985). Estimating optimal transformations for
multiple regression and correlation. *JASA* 80(391), 580-598.

Oberst, M. and Sontag, D. (2019). Counterfactual off-policy evaluation with
Gumbel-max structural causal models. *ICML*.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar, Literal, Protocol, runtime_checkable

import numpy as np

from ..exceptions import CausalScopeError, DataError, InvalidParameterError
from ..utils import RandomState, check_random_state
from .gumbel import gumbel_max, sample_gumbel_posterior

__all__ = [
    "StochasticMechanism",
    "FunctionalMechanism",
    "InvertibleMechanism",
    "NoisePosteriorMechanism",
    "MechanismNotFittedError",
    "NonInvertibleMechanismError",
    "LinearGaussian",
    "AdditiveNoise",
    "PostNonlinear",
    "Classifier",
    "CategoricalFunction",
    "CategoricalRoot",
    "EmpiricalRoot",
    "GaussianRoot",
    "Constant",
    "is_mechanism",
]

Output = Literal["continuous", "categorical", "any"]


# ----------------------------------------------------------------------------- errors
class MechanismNotFittedError(CausalScopeError, ValueError):
    """A mechanism (or model) was used before it was fitted or specified."""


class NonInvertibleMechanismError(CausalScopeError, TypeError):
    """A counterfactual needs the noise of a node whose mechanism cannot give it.

    Attributes
    ----------
    node:
        The node that blocks the computation.
    """

    def __init__(self, message: str, node: str | None = None) -> None:
        super().__init__(message)
        self.node = node


# ----------------------------------------------------------------------------- protocols
@runtime_checkable
class StochasticMechanism(Protocol):
    """Draws a node given its parents; can be fitted to data."""

    output: ClassVar[Output]

    def fit(self, parents: np.ndarray, child: np.ndarray, *, random_state: RandomState = None) -> Any: ...

    def sample(self, parents: np.ndarray, rng: np.random.Generator) -> np.ndarray: ...


@runtime_checkable
class FunctionalMechanism(StochasticMechanism, Protocol):
    """``child = generate(parents, noise)`` with an explicit noise model."""

    def predict(self, parents: np.ndarray) -> np.ndarray: ...

    def sample_noise(self, n: int, rng: np.random.Generator) -> np.ndarray: ...

    def generate(self, parents: np.ndarray, noise: np.ndarray) -> np.ndarray: ...


@runtime_checkable
class InvertibleMechanism(FunctionalMechanism, Protocol):
    """A functional mechanism whose noise is recovered exactly from a unit."""

    def abduct(self, parents: np.ndarray, child: np.ndarray) -> np.ndarray: ...


@runtime_checkable
class NoisePosteriorMechanism(FunctionalMechanism, Protocol):
    """A functional mechanism whose noise posterior given a unit can be sampled."""

    def sample_posterior_noise(
        self, parents: np.ndarray, child: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray: ...


def is_mechanism(obj: object) -> bool:
    """Whether ``obj`` follows the :class:`StochasticMechanism` protocol.

    Examples
    --------
    >>> is_mechanism(LinearGaussian()), is_mechanism("linear")
    (True, False)
    """
    return (
        not isinstance(obj, type)
        and callable(getattr(obj, "fit", None))
        and callable(getattr(obj, "sample", None))
        and getattr(obj, "output", None) in ("continuous", "categorical", "any")
    )


# ----------------------------------------------------------------------------- helpers
def _as_parents(parents: np.ndarray) -> np.ndarray:
    x = np.asarray(parents, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    if x.ndim != 2:
        raise DataError(f"parents must be a 2-D array (n, k); got shape {x.shape}")
    return x


def _as_child(child: np.ndarray, n: int) -> np.ndarray:
    y = np.asarray(child, dtype=np.float64).reshape(-1)
    if y.shape[0] != n:
        raise DataError(f"child has {y.shape[0]} values but parents have {n} rows")
    return y


def _clone(estimator: Any) -> Any:
    from sklearn.base import clone

    return clone(estimator)


def _seed_estimator(estimator: Any, random_state: RandomState) -> Any:
    """Set ``random_state`` on an estimator (or pipeline steps) that has one."""
    if random_state is None:
        return estimator
    seed = int(check_random_state(random_state).integers(2**31 - 1))
    params = estimator.get_params(deep=True) if hasattr(estimator, "get_params") else {}
    keys = {k: seed for k in params if k == "random_state" or k.endswith("__random_state")}
    if keys:
        estimator.set_params(**keys)
    return estimator


class _Base:
    """Shared plumbing: fitted check and a readable repr."""

    output: ClassVar[Output] = "continuous"
    _fitted_attr: ClassVar[str] = "noise_"

    @property
    def is_fitted(self) -> bool:
        """Whether the mechanism can generate values (fitted or fully specified)."""
        return hasattr(self, self._fitted_attr)

    def _check_fitted(self) -> None:
        if not self.is_fitted:
            raise MechanismNotFittedError(
                f"{type(self).__name__} is not fitted; call fit(parents, child) or give its parameters"
            )

    def sample(self, parents: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draw one child value per row of ``parents``."""
        x = _as_parents(parents)
        return self.generate(x, self.sample_noise(x.shape[0], rng))  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


# ----------------------------------------------------------------------------- continuous
class _AdditiveBase(_Base):
    """``child = predict(parents) + noise``: invertible, noise = child - predict."""

    def predict(self, parents: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def generate(self, parents: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """``predict(parents) + noise``."""
        return self.predict(parents) + np.asarray(noise, dtype=np.float64)

    def abduct(self, parents: np.ndarray, child: np.ndarray) -> np.ndarray:
        """The noise that produced ``child``: ``child - predict(parents)``."""
        x = _as_parents(parents)
        return _as_child(child, x.shape[0]) - self.predict(x)


class LinearGaussian(_AdditiveBase):
    """Linear mechanism with Gaussian noise: ``Y = b + sum_k w_k X_k + N(0, sigma^2)``.

    Fitted by ordinary least squares (closed form); ``sigma`` is the residual
    standard deviation (divisor ``n - k - 1``). Giving ``coef`` and ``noise_std``
    specifies the mechanism without fitting.

    Parameters
    ----------
    coef:
        Weights of the parents, as a mapping ``{parent name: weight}`` (the
        :class:`~causalscope.scm.SCM` orders it) or a sequence in the order of
        ``SCM.parents_of(node)``. ``None``: to be fitted.
    intercept:
        The constant ``b`` (used only with ``coef``).
    noise_std:
        The noise standard deviation ``sigma >= 0`` (used only with ``coef``).

    Attributes
    ----------
    coef_, intercept_, noise_std_:
        The fitted (or given) parameters.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(2000, 1))
    >>> y = 1.0 + 2.0 * x[:, 0] + rng.normal(scale=0.5, size=2000)
    >>> m = LinearGaussian().fit(x, y)
    >>> np.round(m.coef_, 1).tolist(), round(m.intercept_, 1), round(m.noise_std_, 1)
    ([2.0], 1.0, 0.5)
    >>> LinearGaussian(coef=[2.0], intercept=1.0, noise_std=0.5).abduct(x[:1], y[:1]).shape
    (1,)
    """

    _fitted_attr = "noise_std_"

    def __init__(
        self,
        coef: Mapping[str, float] | Sequence[float] | np.ndarray | None = None,
        *,
        intercept: float = 0.0,
        noise_std: float | None = None,
    ) -> None:
        self.coef = coef
        self.intercept = intercept
        self.noise_std = noise_std
        if coef is not None:
            if noise_std is None:
                raise InvalidParameterError("LinearGaussian with coef also needs noise_std")
            sd = float(noise_std)
            if not (sd >= 0 and math.isfinite(sd)):
                raise InvalidParameterError(f"noise_std must be a finite number >= 0; got {noise_std!r}")
            if not math.isfinite(float(intercept)):
                raise InvalidParameterError(f"intercept must be finite; got {intercept!r}")
            if not isinstance(coef, Mapping):
                self.coef_: np.ndarray = np.asarray(coef, dtype=np.float64).reshape(-1)
                if not np.isfinite(self.coef_).all():
                    raise InvalidParameterError(f"coef must be finite; got {coef!r}")
            self.intercept_ = float(intercept)
            self.noise_std_ = sd

    def _bind_parents(self, names: Sequence[str], node: str) -> None:
        """Order a mapping ``coef`` by the parent names the SCM uses."""
        if self.coef is None:
            return
        if isinstance(self.coef, Mapping):
            given = {str(k) for k in self.coef}
            if given != set(names):
                raise InvalidParameterError(
                    f"LinearGaussian coef for node {node!r} must name exactly its parents "
                    f"{sorted(names)}; got {sorted(given)}"
                )
            self.coef_ = np.array([float(self.coef[p]) for p in names])
        elif len(self.coef_) != len(names):
            raise InvalidParameterError(
                f"LinearGaussian coef for node {node!r} has {len(self.coef_)} weights but the node "
                f"has {len(names)} parents {list(names)}"
            )

    def fit(self, parents: np.ndarray, child: np.ndarray, *, random_state: RandomState = None) -> LinearGaussian:
        """Least-squares fit of the weights, intercept and noise standard deviation."""
        x = _as_parents(parents)
        y = _as_child(child, x.shape[0])
        n, k = x.shape
        if n < k + 2:
            raise DataError(f"LinearGaussian needs at least {k + 2} rows for {k} parents; got {n}")
        design = np.column_stack([np.ones(n), x])
        beta, *_ = np.linalg.lstsq(design, y, rcond=None)
        resid = y - design @ beta
        self.intercept_ = float(beta[0])
        self.coef_ = beta[1:].copy()
        self.noise_std_ = float(np.sqrt(resid @ resid / (n - k - 1)))
        return self

    def predict(self, parents: np.ndarray) -> np.ndarray:
        """``b + X w``."""
        self._check_fitted()
        if not hasattr(self, "coef_"):
            raise MechanismNotFittedError(
                "LinearGaussian coef was given by parent names; it is ordered when the mechanism is "
                "placed in an SCM"
            )
        x = _as_parents(parents)
        if x.shape[1] != len(self.coef_):
            raise DataError(f"LinearGaussian has {len(self.coef_)} weights; got {x.shape[1]} parent columns")
        return self.intercept_ + x @ self.coef_

    def sample_noise(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``N(0, sigma^2)`` draws."""
        self._check_fitted()
        return rng.normal(0.0, self.noise_std_, size=n)

    def __repr__(self) -> str:
        if not self.is_fitted:
            return "LinearGaussian()"
        w = ", ".join(f"{c:.4g}" for c in self.coef_)
        return f"LinearGaussian(coef=[{w}], intercept={self.intercept_:.4g}, noise_std={self.noise_std_:.4g})"


def _default_regressor() -> Any:
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(max_iter=100)


class _NoiseModel:
    """Residual noise: bootstrap of the centred residuals or a Gaussian."""

    @staticmethod
    def fit(resid: np.ndarray) -> tuple[np.ndarray, float]:
        centred = resid - resid.mean()
        return centred, float(centred.std(ddof=1)) if centred.size > 1 else 0.0


class AdditiveNoise(_AdditiveBase):
    """Additive noise mechanism ``Y = f(parents) + N`` with ``f`` any scikit-learn regressor.

    ``f`` is fitted by the regressor; the noise is the residual ``N = Y - f(X)``,
    so the mechanism is invertible (Hoyer et al. 2009; Peters et al. 2014).

    Parameters
    ----------
    regressor:
        A scikit-learn regressor (cloned before fitting); default a
        ``HistGradientBoostingRegressor(max_iter=100)``.
    noise:
        ``"empirical"`` (default): new noise is drawn from the centred training
        residuals (bootstrap), keeping their shape; ``"gaussian"``: from a normal
        with the residual standard deviation.

    Attributes
    ----------
    regressor_:
        The fitted regressor (None for a root, where ``f`` is the mean).
    residuals_:
        The centred training residuals.
    noise_std_:
        Their standard deviation.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> rng = np.random.default_rng(0)
    >>> x = rng.uniform(-2, 2, size=(500, 1))
    >>> y = x[:, 0] ** 2 + 0.1 * rng.normal(size=500)
    >>> m = AdditiveNoise(LinearRegression()).fit(x, y)
    >>> noise = m.abduct(x, y)
    >>> bool(np.allclose(m.generate(x, noise), y))
    True
    """

    _fitted_attr = "residuals_"

    def __init__(self, regressor: Any = None, *, noise: Literal["empirical", "gaussian"] = "empirical") -> None:
        self.regressor = regressor
        self.noise = noise

    def _fit_inner(self, x: np.ndarray, z: np.ndarray, random_state: RandomState) -> None:
        if self.noise not in ("empirical", "gaussian"):
            raise InvalidParameterError(f"noise must be 'empirical' or 'gaussian'; got {self.noise!r}")
        if x.shape[0] < 2:
            raise DataError(f"{type(self).__name__} needs at least 2 rows; got {x.shape[0]}")
        if x.shape[1] == 0:
            self.regressor_ = None
            self.mean_ = float(z.mean())
        else:
            reg = self.regressor if self.regressor is not None else _default_regressor()
            if not (callable(getattr(reg, "fit", None)) and callable(getattr(reg, "predict", None))):
                raise InvalidParameterError(
                    f"regressor must be a scikit-learn style regressor with fit and predict; got {reg!r}"
                )
            self.regressor_ = _seed_estimator(_clone(reg), random_state).fit(x, z)
        self.residuals_, self.noise_std_ = _NoiseModel.fit(z - self._f(x))

    def _f(self, x: np.ndarray) -> np.ndarray:
        if self.regressor_ is None:
            return np.full(x.shape[0], self.mean_)
        return np.asarray(self.regressor_.predict(x), dtype=np.float64).reshape(-1)

    def fit(self, parents: np.ndarray, child: np.ndarray, *, random_state: RandomState = None) -> AdditiveNoise:
        """Fit the regressor of ``child`` on ``parents`` and keep the residuals."""
        x = _as_parents(parents)
        self._fit_inner(x, _as_child(child, x.shape[0]), random_state)
        return self

    def predict(self, parents: np.ndarray) -> np.ndarray:
        """``f(parents)``, the regression function (the noise-free value)."""
        self._check_fitted()
        return self._f(_as_parents(parents))

    def sample_noise(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Draw noise from the residual distribution (bootstrap or Gaussian)."""
        self._check_fitted()
        if self.noise == "gaussian":
            return rng.normal(0.0, self.noise_std_, size=n)
        return self.residuals_[rng.integers(0, self.residuals_.size, size=n)]

    def __repr__(self) -> str:
        return f"AdditiveNoise({self.regressor!r}, noise={self.noise!r})"


_TRANSFORMS: dict[str, tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]] = {
    "identity": (lambda z: z, lambda y: y),
    "exp": (np.exp, np.log),
    "cube": (lambda z: z**3, np.cbrt),
    "sinh": (np.sinh, np.arcsinh),
}


class _MonotoneMap:
    """A strictly increasing piecewise-linear bijection of the real line (picklable).

    ``inverse`` maps ``y`` to ``z`` through the knots ``(ys, zs)``; outside the knots
    both directions continue with the secant slope of the whole range.
    """

    def __init__(self, ys: np.ndarray, zs: np.ndarray) -> None:
        self.ys = ys
        self.zs = zs
        self.slope = (zs[-1] - zs[0]) / (ys[-1] - ys[0])

    def inverse(self, y: np.ndarray) -> np.ndarray:
        y = np.asarray(y, dtype=np.float64)
        z = np.interp(y, self.ys, self.zs)
        z = np.where(y < self.ys[0], self.zs[0] + self.slope * (y - self.ys[0]), z)
        return np.where(y > self.ys[-1], self.zs[-1] + self.slope * (y - self.ys[-1]), z)

    def forward(self, z: np.ndarray) -> np.ndarray:
        z = np.asarray(z, dtype=np.float64)
        y = np.interp(z, self.zs, self.ys)
        y = np.where(z < self.zs[0], self.ys[0] + (z - self.zs[0]) / self.slope, y)
        return np.where(z > self.zs[-1], self.ys[-1] + (z - self.zs[-1]) / self.slope, y)


def _fit_outer(x: np.ndarray, y: np.ndarray, regressor: Any, random_state: RandomState,
               n_iter: int = 20, mix: float = 1e-3) -> _MonotoneMap:
    """Estimate a monotone ``g^{-1}`` by alternating conditional expectations.

    ACE (Breiman and Friedman 1985) with an isotonic outer step: alternately
    regress ``z = theta(y)`` on the parents, and refit ``theta`` as the increasing
    isotonic regression of those predictions on ``y`` (standardised each round).
    A ``mix`` of the standardised identity keeps ``theta`` strictly increasing,
    hence invertible.
    """
    from sklearn.isotonic import IsotonicRegression

    def std(v: np.ndarray) -> np.ndarray:
        sd = v.std()
        return (v - v.mean()) / sd if sd > 0 else v - v.mean()

    y_std = std(y)
    z = y_std
    for _ in range(n_iter):
        pred = _seed_estimator(_clone(regressor), random_state).fit(x, z).predict(x)
        theta = IsotonicRegression(increasing=True, out_of_bounds="clip").fit(y, pred).predict(y)
        new = std((1 - mix) * std(theta) + mix * y_std)
        done = float(np.max(np.abs(new - z))) < 1e-6
        z = new
        if done:
            break
    order = np.argsort(y, kind="stable")
    ys, first = np.unique(y[order], return_index=True)
    zs = z[order][first]
    return _MonotoneMap(ys, zs)


class PostNonlinear(AdditiveNoise):
    """Post-nonlinear mechanism ``Y = g(f(parents) + N)`` with an invertible outer ``g``.

    The outer function ``g`` is strictly increasing, given or fitted:
    ``"exp"`` (``g = exp``, needs ``Y > 0``), ``"cube"`` (``z**3``), ``"sinh"``,
    ``"identity"``, a pair of callables ``(g, g_inverse)``, or ``"fitted"``.
    Fitting regresses ``g^{-1}(Y)`` on the parents, so the mechanism is an
    :class:`AdditiveNoise` on the transformed scale, and invertible:
    ``N = g^{-1}(Y) - f(X)`` (Zhang and Hyvärinen 2009).

    ``"fitted"`` estimates ``g^{-1}`` as a strictly increasing piecewise-linear
    map by alternating conditional expectations with an isotonic step (Breiman
    and Friedman 1985), continued linearly beyond the observed range. It is a
    heuristic: ``g`` is identified only up to an affine map (which does not
    change counterfactuals) and is estimated well only where the data are dense.

    Parameters
    ----------
    regressor:
        Regressor for the inner function ``f`` (as :class:`AdditiveNoise`).
    transform:
        The outer function: a name, ``"fitted"``, or ``(g, g_inverse)``
        (vectorised callables).
    noise:
        As :class:`AdditiveNoise`.

    Attributes
    ----------
    outer_:
        With ``transform="fitted"``: the fitted monotone map (``forward`` is
        ``g``, ``inverse`` is ``g^{-1}``).

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LinearRegression
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(300, 1))
    >>> y = np.exp(0.5 * x[:, 0] + 0.1 * rng.normal(size=300))
    >>> m = PostNonlinear(LinearRegression(), transform="exp").fit(x, y)
    >>> round(float(m.regressor_.coef_[0]), 1)
    0.5
    >>> bool(np.allclose(m.generate(x, m.abduct(x, y)), y))
    True
    """

    def __init__(
        self,
        regressor: Any = None,
        *,
        transform: Literal["identity", "exp", "cube", "sinh", "fitted"]
        | tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]] = "identity",
        noise: Literal["empirical", "gaussian"] = "empirical",
    ) -> None:
        super().__init__(regressor, noise=noise)
        self.transform = transform

    def _pair(self) -> tuple[Callable[[np.ndarray], np.ndarray], Callable[[np.ndarray], np.ndarray]]:
        t = self.transform
        if isinstance(t, str) and t == "fitted":
            if not hasattr(self, "outer_"):
                raise MechanismNotFittedError("PostNonlinear(transform='fitted') is not fitted; call fit first")
            return self.outer_.forward, self.outer_.inverse
        if isinstance(t, str):
            if t not in _TRANSFORMS:
                raise InvalidParameterError(
                    f"transform must be one of {sorted([*_TRANSFORMS, 'fitted'])} or a pair "
                    f"(g, g_inverse); got {t!r}"
                )
            return _TRANSFORMS[t]
        if isinstance(t, tuple) and len(t) == 2 and all(callable(f) for f in t):
            return t
        raise InvalidParameterError(
            f"transform must be one of {sorted([*_TRANSFORMS, 'fitted'])} or a pair (g, g_inverse); got {t!r}"
        )

    def _inverse(self, y: np.ndarray) -> np.ndarray:
        _, inv = self._pair()
        with np.errstate(invalid="ignore", divide="ignore"):
            z = np.asarray(inv(y), dtype=np.float64)
        if not np.isfinite(z).all():
            raise DataError(
                f"PostNonlinear transform {self.transform!r}: the inverse is not finite for some "
                "child values (e.g. log of a value <= 0)"
            )
        return z

    def fit(self, parents: np.ndarray, child: np.ndarray, *, random_state: RandomState = None) -> PostNonlinear:
        """Fit ``f`` on ``g^{-1}(child)``."""
        x = _as_parents(parents)
        y = _as_child(child, x.shape[0])
        if self.transform == "fitted":
            if x.shape[1] == 0:
                raise DataError("PostNonlinear(transform='fitted') needs at least one parent")
            if np.unique(y).size < 3:
                raise DataError("PostNonlinear(transform='fitted') needs at least 3 distinct child values")
            reg = self.regressor if self.regressor is not None else _default_regressor()
            self.outer_ = _fit_outer(x, y, reg, random_state)
        self._pair()
        self._fit_inner(x, self._inverse(y), random_state)
        return self

    def predict(self, parents: np.ndarray) -> np.ndarray:
        """``g(f(parents))``: the value at zero noise."""
        return self._pair()[0](super().predict(parents))

    def generate(self, parents: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """``g(f(parents) + noise)``."""
        self._check_fitted()
        return self._pair()[0](self._f(_as_parents(parents)) + np.asarray(noise, dtype=np.float64))

    def abduct(self, parents: np.ndarray, child: np.ndarray) -> np.ndarray:
        """``g^{-1}(child) - f(parents)``."""
        self._check_fitted()
        x = _as_parents(parents)
        return self._inverse(_as_child(child, x.shape[0])) - self._f(x)

    def __repr__(self) -> str:
        return f"PostNonlinear({self.regressor!r}, transform={self.transform!r}, noise={self.noise!r})"


# ----------------------------------------------------------------------------- categorical
class _GumbelMaxBase(_Base):
    """Categorical mechanism written as a Gumbel-max SCM (see :mod:`causalscope.scm.gumbel`).

    Subclasses give ``predict_proba(parents) -> (n, K)`` and ``n_categories_``.
    """

    output: ClassVar[Output] = "categorical"
    _fitted_attr = "n_categories_"
    n_categories_: int  # set by the subclass's fit (annotation only: unfitted instances lack it)

    def predict_proba(self, parents: np.ndarray) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError

    def predict(self, parents: np.ndarray) -> np.ndarray:
        """The most probable category (the value at zero noise)."""
        return np.argmax(self.predict_proba(parents), axis=1).astype(np.float64)

    def sample_noise(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Standard Gumbel noise, one value per category: shape ``(n, K)``."""
        self._check_fitted()
        return rng.gumbel(size=(n, self.n_categories_))

    def generate(self, parents: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """``argmax_j (log p_j(parents) + noise_j)`` as float codes."""
        return gumbel_max(self.predict_proba(parents), noise).astype(np.float64)

    def sample_posterior_noise(
        self, parents: np.ndarray, child: np.ndarray, rng: np.random.Generator
    ) -> np.ndarray:
        """Gumbel noise drawn from its posterior given the observed categories (top-down)."""
        p = self.predict_proba(parents)
        codes = self._codes(child, p.shape[0])
        impossible = p[np.arange(codes.size), codes] <= 0
        if impossible.any():
            rows = np.flatnonzero(impossible)[:5].tolist()
            raise DataError(
                f"rows {rows}: the observed category has probability 0 under the model, so no noise "
                "value explains it and the counterfactual is undefined"
            )
        return sample_gumbel_posterior(p, codes, rng)

    def _codes(self, child: np.ndarray, n: int) -> np.ndarray:
        y = _as_child(child, n)
        codes = np.rint(y).astype(np.int64)
        bad = (codes != y) | (codes < 0) | (codes >= self.n_categories_)
        if bad.any():
            raise DataError(
                f"categorical values must be codes 0..{self.n_categories_ - 1}; got {y[bad][:5].tolist()}"
            )
        return codes


def _default_classifier() -> Any:
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


class Classifier(_GumbelMaxBase):
    """Categorical mechanism from any scikit-learn classifier, with Gumbel-max noise.

    The child's distribution given the parents is the classifier's
    ``predict_proba``; sampling and counterfactuals use the Gumbel-max
    structural equation (Oberst and Sontag 2019). For a root (no parents) the
    probabilities are the observed frequencies.

    Parameters
    ----------
    classifier:
        A scikit-learn classifier with ``predict_proba`` (cloned before fitting);
        default standardised multinomial logistic regression.

    Attributes
    ----------
    classifier_:
        The fitted classifier (None for a root).
    n_categories_:
        ``K``: the categories are the codes ``0 .. K-1``.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=(500, 1))
    >>> y = (x[:, 0] + 0.5 * rng.normal(size=500) > 0).astype(float)
    >>> m = Classifier().fit(x, y)
    >>> m.n_categories_, m.predict_proba(np.array([[3.0]]))[0].round(2).tolist()
    (2, [0.0, 1.0])
    """

    def __init__(self, classifier: Any = None) -> None:
        self.classifier = classifier

    def fit(self, parents: np.ndarray, child: np.ndarray, *, random_state: RandomState = None) -> Classifier:
        """Fit the classifier (or the frequencies of a root) on integer codes."""
        x = _as_parents(parents)
        y = _as_child(child, x.shape[0])
        codes = np.rint(y).astype(np.int64)
        if (codes != y).any() or (codes < 0).any():
            raise DataError("Classifier needs the child as integer codes 0..K-1")
        k = int(codes.max()) + 1
        if x.shape[1] == 0 or np.unique(codes).size < 2:
            self.classifier_ = None
            self.frequencies_ = np.bincount(codes, minlength=k) / codes.size
        else:
            clf = self.classifier if self.classifier is not None else _default_classifier()
            if not callable(getattr(clf, "predict_proba", None)):
                raise InvalidParameterError(
                    f"classifier must be a scikit-learn style classifier with predict_proba; got {clf!r}"
                )
            self.classifier_ = _seed_estimator(_clone(clf), random_state).fit(x, codes)
            self.classes_ = np.asarray(self.classifier_.classes_, dtype=np.int64)
        self.n_categories_ = k
        return self

    def predict_proba(self, parents: np.ndarray) -> np.ndarray:
        """Probabilities ``(n, K)`` of the categories given the parents."""
        self._check_fitted()
        x = _as_parents(parents)
        if self.classifier_ is None:
            return np.tile(self.frequencies_, (x.shape[0], 1))
        out = np.zeros((x.shape[0], self.n_categories_))
        out[:, self.classes_] = self.classifier_.predict_proba(x)
        return out

    def __repr__(self) -> str:
        return f"Classifier({self.classifier!r})"


class CategoricalFunction(_GumbelMaxBase):
    """Categorical mechanism with given probabilities ``p(parents)``, Gumbel-max noise.

    Parameters
    ----------
    probabilities:
        Vectorised callable: parents array ``(n, k)`` -> probabilities ``(n, K)``
        (rows summing to one). Use a module-level function if the model must be
        pickled.
    n_categories:
        ``K``.

    Examples
    --------
    >>> import numpy as np
    >>> def p(pa):
    ...     return np.where(pa[:, :1] > 0, [[0.1, 0.9]], [[0.8, 0.2]])
    >>> m = CategoricalFunction(p, 2)
    >>> m.predict_proba(np.array([[1.0], [0.0]])).tolist()
    [[0.1, 0.9], [0.8, 0.2]]
    """

    def __init__(self, probabilities: Callable[[np.ndarray], np.ndarray], n_categories: int) -> None:
        if not callable(probabilities):
            raise InvalidParameterError(f"probabilities must be callable; got {probabilities!r}")
        if isinstance(n_categories, bool) or not isinstance(n_categories, (int, np.integer)) or n_categories < 2:
            raise InvalidParameterError(f"n_categories must be an integer >= 2; got {n_categories!r}")
        self.probabilities = probabilities
        self.n_categories = int(n_categories)
        self.n_categories_ = int(n_categories)

    def fit(self, parents: np.ndarray, child: np.ndarray, *, random_state: RandomState = None) -> CategoricalFunction:
        """Nothing to learn: the probabilities are given."""
        return self

    def predict_proba(self, parents: np.ndarray) -> np.ndarray:
        """``probabilities(parents)``, checked."""
        x = _as_parents(parents)
        p = np.asarray(self.probabilities(x), dtype=np.float64)
        if p.shape != (x.shape[0], self.n_categories_):
            raise DataError(
                f"probabilities returned shape {p.shape}; expected {(x.shape[0], self.n_categories_)}"
            )
        if (p < 0).any() or not np.allclose(p.sum(axis=1), 1.0, atol=1e-8):
            raise DataError("probabilities must be non-negative and sum to one in each row")
        return p

    def __repr__(self) -> str:
        return f"CategoricalFunction({getattr(self.probabilities, '__name__', 'f')}, {self.n_categories})"


class CategoricalRoot(_GumbelMaxBase):
    """A categorical root node with given (or fitted) probabilities, Gumbel-max noise.

    Examples
    --------
    >>> import numpy as np
    >>> CategoricalRoot([0.3, 0.7]).predict_proba(np.zeros((2, 0))).tolist()
    [[0.3, 0.7], [0.3, 0.7]]
    """

    def __init__(self, probabilities: Sequence[float] | np.ndarray | None = None) -> None:
        self.probabilities = probabilities
        if probabilities is not None:
            p = np.asarray(probabilities, dtype=np.float64).reshape(-1)
            if p.size < 2 or (p < 0).any() or not math.isclose(float(p.sum()), 1.0, abs_tol=1e-8):
                raise InvalidParameterError(
                    f"probabilities must be >= 2 non-negative numbers summing to one; got {probabilities!r}"
                )
            self.probabilities_ = p
            self.n_categories_ = p.size

    def fit(self, parents: np.ndarray, child: np.ndarray, *, random_state: RandomState = None) -> CategoricalRoot:
        """Observed frequencies of the codes."""
        x = _as_parents(parents)
        y = _as_child(child, x.shape[0])
        codes = np.rint(y).astype(np.int64)
        if (codes != y).any() or (codes < 0).any():
            raise DataError("CategoricalRoot needs integer codes 0..K-1")
        self.probabilities_ = np.bincount(codes) / codes.size
        self.n_categories_ = self.probabilities_.size
        return self

    def predict_proba(self, parents: np.ndarray) -> np.ndarray:
        """The same probabilities for every row."""
        self._check_fitted()
        return np.tile(self.probabilities_, (_as_parents(parents).shape[0], 1))


# ----------------------------------------------------------------------------- roots and constants
class EmpiricalRoot(_Base):
    """A root node drawn from its observed values (bootstrap).

    Stochastic only: it keeps no noise to abduct, which a root never needs
    (a root's counterfactual value is its factual value unless it is
    intervened on). Works for continuous and categorical nodes.

    Examples
    --------
    >>> import numpy as np
    >>> m = EmpiricalRoot().fit(np.zeros((3, 0)), np.array([1.0, 2.0, 3.0]))
    >>> sorted(set(m.sample(np.zeros((50, 0)), np.random.default_rng(0)).tolist()))
    [1.0, 2.0, 3.0]
    """

    output: ClassVar[Output] = "any"
    _fitted_attr = "values_"

    def fit(self, parents: np.ndarray, child: np.ndarray, *, random_state: RandomState = None) -> EmpiricalRoot:
        """Store the observed values."""
        x = _as_parents(parents)
        y = _as_child(child, x.shape[0])
        if y.size == 0:
            raise DataError("EmpiricalRoot needs at least one value")
        self.values_ = y.copy()
        return self

    def sample(self, parents: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Draw with replacement from the stored values."""
        self._check_fitted()
        n = _as_parents(parents).shape[0]
        return self.values_[rng.integers(0, self.values_.size, size=n)]


class GaussianRoot(_AdditiveBase):
    """A root node ``X = mean + N(0, std^2)``; invertible.

    Examples
    --------
    >>> import numpy as np
    >>> m = GaussianRoot(mean=1.0, std=2.0)
    >>> m.abduct(np.zeros((1, 0)), np.array([5.0])).tolist()
    [4.0]
    """

    _fitted_attr = "mean_"

    def __init__(self, mean: float | None = None, std: float | None = None) -> None:
        self.mean = mean
        self.std = std
        if mean is not None or std is not None:
            if mean is None or std is None:
                raise InvalidParameterError("GaussianRoot needs both mean and std, or neither (to fit)")
            if not (math.isfinite(float(mean)) and float(std) >= 0 and math.isfinite(float(std))):
                raise InvalidParameterError(f"GaussianRoot needs a finite mean and std >= 0; got {mean!r}, {std!r}")
            self.mean_ = float(mean)
            self.std_ = float(std)

    def fit(self, parents: np.ndarray, child: np.ndarray, *, random_state: RandomState = None) -> GaussianRoot:
        """Sample mean and standard deviation (``ddof=1``)."""
        x = _as_parents(parents)
        y = _as_child(child, x.shape[0])
        if y.size < 2:
            raise DataError("GaussianRoot needs at least 2 values")
        self.mean_ = float(y.mean())
        self.std_ = float(y.std(ddof=1))
        return self

    def predict(self, parents: np.ndarray) -> np.ndarray:
        """The mean, for every row."""
        self._check_fitted()
        return np.full(_as_parents(parents).shape[0], self.mean_)

    def sample_noise(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """``N(0, std^2)`` draws."""
        self._check_fitted()
        return rng.normal(0.0, self.std_, size=n)

    def __repr__(self) -> str:
        if not self.is_fitted:
            return "GaussianRoot()"
        return f"GaussianRoot(mean={self.mean_:.4g}, std={self.std_:.4g})"


class Constant(_Base):
    """The mechanism of a node under a hard intervention ``do(X = value)``.

    Its noise is empty (a zero per row), so it is trivially invertible.

    Examples
    --------
    >>> import numpy as np
    >>> Constant(2.5).sample(np.zeros((3, 0)), np.random.default_rng(0)).tolist()
    [2.5, 2.5, 2.5]
    """

    output: ClassVar[Output] = "any"
    _fitted_attr = "value"

    def __init__(self, value: float) -> None:
        self.value = float(value)

    def fit(self, parents: np.ndarray, child: np.ndarray, *, random_state: RandomState = None) -> Constant:
        """Nothing to learn."""
        return self

    def predict(self, parents: np.ndarray) -> np.ndarray:
        """The constant, for every row."""
        return np.full(_as_parents(parents).shape[0], self.value)

    def sample_noise(self, n: int, rng: np.random.Generator) -> np.ndarray:
        """Zeros (no randomness)."""
        return np.zeros(n)

    def generate(self, parents: np.ndarray, noise: np.ndarray) -> np.ndarray:
        """The constant, for every row."""
        return self.predict(parents)

    def abduct(self, parents: np.ndarray, child: np.ndarray) -> np.ndarray:
        """Zeros."""
        return np.zeros(_as_parents(parents).shape[0])

    def __repr__(self) -> str:
        return f"Constant({self.value!r})"
