"""Tail probabilities of the normal and F distributions, and log-space helpers, without SciPy.

The CI tests turn a statistic into a p-value through a distribution's upper
tail. Importing :mod:`scipy.special` for that costs about 0.1 s at start-up (it
pulls SciPy's array-API layer, which imports ``numpy.f2py``), more than a small
PC fit takes. This module computes what the command-line path needs from the
standard library and numpy:

* :func:`normal_two_sided_p`: ``2 * Phi(-|z|)``, as ``erfc(|z| / sqrt(2))`` from
  :func:`math.erfc` (the C library's ``erfc``, within about 2 ulp of the exact
  value of its argument: tested against :mod:`mpmath`);
* :func:`f_upper_tail`: the F distribution's survival function, the regularized
  incomplete beta function ``I_w(d2 / 2, d1 / 2)`` with ``w = d2 / (d2 + d1 F)``,
  by the continued fraction of the incomplete beta function evaluated with the
  modified Lentz algorithm, and its prefactor ``w^a (1 - w)^b / B(a, b)`` in
  the form of DiDonato & Morris (1992), which keeps the relative error of the
  prefactor near the rounding error of its exponent rather than of ``log B(a, b)``;
* :func:`log_gamma` (vectorised :func:`math.lgamma`) and :func:`logsumexp`
  (the max-shift formula).

References
----------
M. Abramowitz & I. A. Stegun (1964). *Handbook of Mathematical Functions*, 26.2.29
(normal tail as erfc), 26.5.8 (continued fraction of the incomplete beta function),
26.6.2 (F tail as an incomplete beta function), 6.1.41 (Stirling series).

W. J. Lentz (1976). Generating Bessel functions in Mie scattering calculations
using continued fractions. *Applied Optics* 15(3), 668-671; modified by
I. J. Thompson & A. R. Barnett (1986), *J. Comput. Phys.* 64, 490-509.

A. R. DiDonato & A. H. Morris (1992). Algorithm 708: significant digit computation
of the incomplete beta function ratios. *ACM TOMS* 18(3), 360-373.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = ["f_upper_tail", "log_gamma", "logsumexp", "normal_two_sided_p", "t_two_sided_p"]

_SQRT1_2 = 0.70710678118654752440  # 1 / sqrt(2), the constant scipy's ndtr multiplies by
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_TINY = 1e-300
_EPS = np.finfo(float).eps
_MAX_ITER = 20000
#: Stirling series coefficients B_2k / (2k (2k - 1)), k = 1..8 (Abramowitz & Stegun 6.1.41)
_STIRLING = (1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400)


def _map(fn: Callable[[float], float], values: np.ndarray) -> np.ndarray:
    """``fn`` of every element (a float function of the standard library), same shape, float64."""
    flat = values.ravel().tolist()
    return np.fromiter(map(fn, flat), dtype=np.float64, count=len(flat)).reshape(values.shape)


def normal_two_sided_p(z: np.ndarray | float) -> np.ndarray:
    """Two-sided p-values of standard normal statistics: ``2 * Phi(-|z|) = erfc(|z| / sqrt(2))``.

    Parameters
    ----------
    z:
        Statistics (any shape). NaN gives NaN; ``+-inf`` gives 0.

    Returns
    -------
    numpy.ndarray
        The p-values, same shape as ``z`` (a 0-d array for a scalar), in ``[0, 1]``.

    Notes
    -----
    Abramowitz & Stegun 26.2.29. The standard library's ``erfc`` is within about
    2 ulp of the exact ``erfc`` of its argument over the whole range (tested
    with :mod:`mpmath`); ``2 * scipy.special.ndtr(-|z|)`` agrees with it to
    within ``3 (1 + z**2)`` ulp (SciPy's ``ndtr`` loses accuracy in the far tail).
    The cost is about 0.1 microsecond per value.

    Examples
    --------
    >>> float(normal_two_sided_p(1.959963984540054).round(12))
    0.05
    """
    x = np.abs(np.asarray(z, dtype=float)) * _SQRT1_2
    return _map(math.erfc, x)


def _lgamma(v: float) -> float:
    """:func:`math.lgamma`, with ``inf`` at the poles (0, -1, -2, ...) as SciPy's ``gammaln``."""
    try:
        return math.lgamma(v)
    except ValueError:
        return math.inf


def log_gamma(x: np.ndarray | float) -> np.ndarray:
    """``log |Gamma(x)|`` elementwise, from :func:`math.lgamma` (``inf`` at the poles).

    Scores call it on large arrays with few distinct values (functions of a
    family size), so a large array is evaluated once per distinct value: through
    a table when every value is an integer or a half-integer in a short range,
    else through :func:`numpy.unique`.

    Examples
    --------
    >>> log_gamma(np.array([1.0, 5.0, 0.5])).round(12).tolist()  # 0, log 24, log sqrt(pi)
    [0.0, 3.178053830348, 0.572364942925]
    """
    arr = np.asarray(x, dtype=float)
    if arr.size <= 64:
        return _map(_lgamma, arr)
    twice = 2.0 * arr
    k = np.rint(twice)
    if np.array_equal(k, twice):  # integers and half-integers (no NaN, no inf: those differ)
        lo, hi = float(k.min()), float(k.max())
        if hi - lo <= arr.size:
            table = _map(_lgamma, np.arange(lo, hi + 1.0) / 2.0)
            return table[(k - lo).astype(np.intp)]
    uniq, inverse = np.unique(arr, return_inverse=True)
    return _map(_lgamma, uniq)[inverse].reshape(arr.shape)


def logsumexp(a: np.ndarray, axis: int | None = None) -> np.ndarray | float:
    """``log(sum(exp(a)))`` along ``axis`` by the max-shift formula, without overflow.

    ``log(sum(exp(a - m))) + m`` with ``m`` the maximum along ``axis``, a
    non-finite maximum replaced by 0 (so an all ``-inf`` slice gives ``-inf``).
    The operations are those of :func:`scipy.special.logsumexp` without weights,
    so the results are the same bit for bit (tested).

    Examples
    --------
    >>> float(logsumexp(np.log(np.array([1.0, 2.0, 3.0]))))
    1.791759469228055
    """
    arr = np.asarray(a, dtype=float)
    m = np.amax(arr, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        out = np.log(np.sum(np.exp(arr - m), axis=axis, keepdims=True))
    out = out + m
    if axis is None:
        return float(out.reshape(()))
    return np.squeeze(out, axis=axis)


def _stirling_remainder(z: np.ndarray) -> np.ndarray:
    """``delta(z) = lgamma(z) - ((z - 1/2) log z - z + log(2 pi) / 2)`` for ``z > 0``."""
    out = np.empty_like(z)
    big = z >= 10.0
    if big.any():
        zb = z[big]
        r = 1.0 / (zb * zb)
        acc = np.zeros_like(zb)
        for c in reversed(_STIRLING):
            acc = acc * r + c
        out[big] = acc / zb
    small = ~big
    if small.any():
        zs = z[small]
        out[small] = log_gamma(zs) - ((zs - 0.5) * np.log(zs) - zs + _HALF_LOG_2PI)
    return out


def _log1p_minus(u: np.ndarray) -> np.ndarray:
    """``log(1 + u) - u`` for ``|u| <= 1/2`` by its Taylor series (no cancellation)."""
    acc = np.zeros_like(u)
    for k in range(60, 1, -1):  # 0.5**60 / 60 < 1e-19
        acc = acc * u + (1.0 if k % 2 == 0 else -1.0) / k
    return -acc * u * u


def _continued_fraction(a: np.ndarray, b: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """The continued fraction of ``I_x(a, b)`` (A&S 26.5.8) by the modified Lentz algorithm.

    ``I_x(a, b) = x^a (1-x)^b / (a B(a, b)) * CF``; converges fast for ``x < (a + 1) / (a + b + 2)``.
    ``y`` is ``1 - x`` computed without cancellation. Each element stops when its
    last factor is within ``2 eps`` of 1.
    """
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = np.ones_like(x)
    # the first denominator 1 - (a + b) x / (a + 1) is small near the switch point: write it
    # as ((1 - b) + (a + b) y) / (a + 1) where that cancels less (b < a + 2)
    d = np.where(b < a + 2.0, ((1.0 - b) + qab * y) / qap, 1.0 - qab * x / qap)
    d = 1.0 / np.where(np.abs(d) < _TINY, _TINY, d)
    h = d.copy()
    active = np.ones(x.shape, dtype=bool)
    for m in range(1, _MAX_ITER):
        idx = np.flatnonzero(active)
        if idx.size == 0:
            break
        ai, bi, xi, ci, di, hi = a[idx], b[idx], x[idx], c[idx], d[idx], h[idx]
        m2 = 2.0 * m
        for num in (m * (bi - m) * xi / ((qam[idx] + m2) * (ai + m2)),
                    -(ai + m) * (qab[idx] + m) * xi / ((ai + m2) * (qap[idx] + m2))):
            di = 1.0 + num * di
            di = 1.0 / np.where(np.abs(di) < _TINY, _TINY, di)
            ci = 1.0 + num / ci
            ci = np.where(np.abs(ci) < _TINY, _TINY, ci)
            step = di * ci
            hi = hi * step
        c[idx], d[idx], h[idx] = ci, di, hi
        active[idx] = np.abs(step - 1.0) > 2.0 * _EPS
    return h


def f_upper_tail(stat: np.ndarray | float, dfn: float, dfd: float) -> np.ndarray:
    """Survival function of the F distribution, ``P(F(dfn, dfd) > stat)``.

    Parameters
    ----------
    stat:
        F statistics (any shape), ``>= 0``; ``inf`` gives 0, NaN gives NaN.
    dfn, dfd:
        Numerator and denominator degrees of freedom, ``> 0``.

    Returns
    -------
    numpy.ndarray
        The tail probabilities, same shape as ``stat``.

    Notes
    -----
    ``P(F > f) = I_w(dfd / 2, dfn / 2)`` with ``w = dfd / (dfd + dfn f)``
    (Abramowitz & Stegun 26.6.2), by the continued fraction 26.5.8 with the
    modified Lentz algorithm (Lentz 1976; Thompson & Barnett 1986), on the side
    of the mean where it converges (``I_w(a, b) = 1 - I_{1-w}(b, a)`` otherwise).
    The prefactor ``w^a (1-w)^b / B(a, b)`` is computed as in DiDonato & Morris
    (1992): ``sqrt(ab / (2 pi (a+b)))`` times ``exp(a phi(u) + b phi(v))`` times the
    Stirling remainders, with ``u = w / w0 - 1``, ``v = (1-w) / (1-w0) - 1``,
    ``w0 = a / (a + b)`` and ``phi(t) = log(1 + t) - t`` (``a u + b v = 0``), so no
    large logarithms of gamma functions cancel. Against the exact value (mpmath,
    40 digits) the relative error is below 1e-13 for ``dfd <= 1000`` and about
    4e-12 at ``dfd = 1e5``; :func:`scipy.special.fdtrc`'s own error is 20 to 1000
    times larger (3e-12 at ``dfd = 198``, 4e-9 at ``dfd = 1e5``), which bounds
    the agreement between the two.

    Examples
    --------
    >>> float(f_upper_tail(4.0, 1.0, 1e6).round(4))  # nearly the square of a normal: P(|Z| > 2)
    0.0455
    """
    f = np.asarray(stat, dtype=float)
    shape = f.shape
    f = f.ravel()
    out = np.full(f.shape, np.nan)
    a_s, b_s = 0.5 * float(dfd), 0.5 * float(dfn)
    out[f == 0.0] = 1.0
    out[f == np.inf] = 0.0
    idx = np.flatnonzero((f > 0.0) & (f < np.inf))
    if idx.size:
        fi = f[idx]
        # every quantity below scaled by sc = 1 / F where F > 1, so that no product overflows
        big = fi > 1.0
        sc = np.where(big, 1.0 / np.where(big, fi, 1.0), 1.0)
        fs = np.where(big, 1.0, fi)  # F * sc
        denom = dfd * sc + dfn * fs  # (dfd + dfn F) * sc
        w = dfd * sc / denom  # x of I_x(a, b)
        y = dfn * fs / denom  # 1 - x, without cancellation
        a = np.full(fi.shape, a_s)
        b = np.full(fi.shape, b_s)
        u = dfn * (sc - fs) / denom  # w / w0 - 1
        v = dfd * (fs - sc) / denom  # y / y0 - 1
        near = (np.abs(u) <= 0.5) & (np.abs(v) <= 0.5)
        expo = np.empty(fi.shape)
        expo[near] = a_s * _log1p_minus(u[near]) + b_s * _log1p_minus(v[near])
        far = ~near
        if far.any():
            # log(w / w0) and log(y / y0): log1p of u or v where small, else of the ratio
            # itself (both computed without cancellation)
            uf, vf, df = u[far], v[far], denom[far]
            with np.errstate(divide="ignore", invalid="ignore"):
                lx = np.where(np.abs(uf) <= 0.5, np.log1p(uf), np.log((dfd + dfn) * sc[far] / df))
                ly = np.where(np.abs(vf) <= 0.5, np.log1p(vf), np.log(fs[far] * (dfd + dfn) / df))
            expo[far] = a_s * lx + b_s * ly
        ab = a_s + b_s
        corr = _stirling_remainder(np.array([ab, a_s, b_s]))
        log_front = 0.5 * math.log(a_s * b_s / (2.0 * math.pi * ab)) + corr[0] - corr[1] - corr[2]
        with np.errstate(under="ignore"):
            front = np.exp(expo + log_front)  # w^a y^b / B(a, b)
        direct = w < (a_s + 1.0) / (ab + 2.0)
        res = np.empty(fi.shape)
        if direct.any():
            res[direct] = front[direct] / a_s * _continued_fraction(a[direct], b[direct], w[direct], y[direct])
        swap = ~direct
        if swap.any():
            res[swap] = 1.0 - front[swap] / b_s * _continued_fraction(b[swap], a[swap], y[swap], w[swap])
        out[idx] = np.clip(res, 0.0, 1.0)
    return out.reshape(shape)


def t_two_sided_p(t: np.ndarray | float, dof: float) -> np.ndarray:
    """Two-sided p-values of Student's t statistics, ``P(|T_dof| > |t|) = P(F(1, dof) > t^2)``.

    The same tail as ``2 * scipy.special.stdtr(dof, -|t|)``, through
    :func:`f_upper_tail` (a t statistic squared is F with 1 and ``dof`` degrees
    of freedom), so a caller does not import SciPy. NaN gives NaN; ``+-inf`` gives 0.

    Examples
    --------
    >>> float(t_two_sided_p(2.0, 1e6).round(4))  # nearly normal: P(|Z| > 2)
    0.0455
    """
    x = np.asarray(t, dtype=float)
    return f_upper_tail(x * x, 1.0, float(dof))

