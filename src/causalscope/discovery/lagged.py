"""Lagged designs and PCMCI's condition selection (the PC1 stage).

A lagged causal discovery method asks questions such as ``X[t-2] _||_ Y[t] | Z``
where ``Z`` holds other lagged variables. Under stationarity the time index ``t``
runs over the rows of the series, so every lagged variable ``X_i[t - lag]`` is a
column of one array, the **lagged design** (:class:`LaggedDesign`): column
``lag * p + i`` holds ``X_i[t - lag]`` for ``t = max_lag, ..., T - 1``, named
``lagged_name(X_i, lag)`` (``"X[t-2]"``). All columns share these ``T - max_lag``
rows, which is what makes the tests of one stage comparable and lets one CI test
(built once on the design) answer all of them in batches. PCMCI uses
``max_lag = 2 * tau_max``: the MCI test of ``X[t-tau]`` conditions on the parents
of ``X[t-tau]``, which reach back to ``t - 2 * tau_max``. This is the common sample
tigramite documents (``cut_off='2xtau_max'``: the first ``2 * tau_max`` rows are
cut for every test), so the p-values agree with it.

:func:`select_lagged_parents` is the PC1 condition selection of Runge et al. (2019,
Algorithm S1): for each target ``X_j[t]`` start from every allowed lagged
candidate ``X_i[t-tau]`` (``tau_min <= tau <= tau_max``, ``tau >= 1``); at level
``d = 0, 1, 2, ...`` test each candidate given the ``d`` strongest *other*
candidates (the first ``max_combinations`` subsets of size ``d`` in the order of
strength), remove the candidates found independent (p-value ``> pc_alpha``) at
the end of the level, and re-sort the survivors by the minimum absolute test
statistic seen so far. The search stops when no subset of the next size exists
or ``d`` passes ``max_conds_dim``. Every level of every target is one batch to the
CI test's index fast path; targets are independent, so they run in parallel
chunks through :mod:`causalscope.parallel` with identical results for any
``n_jobs``. With a grid of ``pc_alpha`` values (``None``: the grid
:data:`PC_ALPHA_GRID`), PC1 runs once per value and target and keeps, per target,
the value whose parents minimise the CI test's ``model_selection_criterion``
(ParCorr: Akaike's criterion of the linear regression on the parents; a test
without one is scored by :func:`discrete_aic` if it is discrete, by ParCorr's
criterion otherwise).

References
----------
Runge, J., Nowack, P., Kretschmer, M., Flaxman, S. & Sejdinovic, D. (2019).
Detecting and quantifying causal associations in large nonlinear time series
datasets. *Science Advances* 5(11), eaau4996 (Supplementary Algorithm S1).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations, islice
from typing import TYPE_CHECKING, Any

import numpy as np

from ..exceptions import InvalidParameterError
from ..parallel import NJobs, open_executor

if TYPE_CHECKING:
    import pandas as pd

    from ..data.timeseries import TimeSeriesData

__all__ = [
    "PC_ALPHA_GRID",
    "LaggedDesign",
    "LaggedParents",
    "lagged_design",
    "design_columns",
    "batched_statistics",
    "discrete_aic",
    "select_lagged_parents",
]

#: The ``pc_alpha`` grid searched when ``pc_alpha=None`` (tigramite's PCMCI grid).
PC_ALPHA_GRID: tuple[float, ...] = (0.05, 0.1, 0.2, 0.3, 0.4, 0.5)

#: Upper bound on the entries of the gathered correlation sub-matrices of one batch call.
_BATCH_ENTRIES = 1 << 22


@dataclass(frozen=True, eq=False)
class LaggedDesign:
    """The lagged variables of a time series on one common sample (see the module docstring).

    Parameters
    ----------
    variables:
        The ``p`` series names.
    max_lag:
        The largest lag held; the design has ``p * (max_lag + 1)`` columns.
    values:
        ``(T - max_lag, p * (max_lag + 1))`` float array; column ``lag * p + i`` is
        ``X_i[t - lag]`` for ``t = max_lag, ..., T - 1``.
    """

    variables: tuple[str, ...]
    max_lag: int
    values: np.ndarray

    @property
    def n_variables(self) -> int:
        """The number ``p`` of series."""
        return len(self.variables)

    @property
    def n_rows(self) -> int:
        """The number of rows of the common sample, ``T - max_lag``."""
        return int(self.values.shape[0])

    @property
    def names(self) -> tuple[str, ...]:
        """The column names ``lagged_name(variable, lag)``, in column order."""
        from ..graphs.timeseries import lagged_name

        return tuple(lagged_name(v, lag) for lag in range(self.max_lag + 1) for v in self.variables)

    def column(self, variable: int, lag: int) -> int:
        """The column index of ``X_variable[t - lag]``: ``lag * p + variable``."""
        return int(lag) * self.n_variables + int(variable)

    def frame(self) -> pd.DataFrame:
        """The design as a :class:`pandas.DataFrame` with the lagged names as columns."""
        import pandas as pd

        return pd.DataFrame(self.values, columns=list(self.names), copy=False)


def lagged_design(data: TimeSeriesData, max_lag: int) -> LaggedDesign:
    """Build the lagged design of ``data`` with lags ``0..max_lag`` (rows ``t >= max_lag``).

    Parameters
    ----------
    data:
        A :class:`~causalscope.data.timeseries.TimeSeriesData` (from
        :func:`~causalscope.data.timeseries.as_time_series`).
    max_lag:
        The largest lag (PCMCI: ``2 * tau_max``).

    Returns
    -------
    LaggedDesign

    Raises
    ------
    InvalidParameterError
        If ``max_lag`` is negative or leaves fewer than two rows.

    Examples
    --------
    >>> import numpy as np
    >>> from causalscope.data.timeseries import as_time_series
    >>> ts = as_time_series(np.arange(20.0).reshape(10, 2) ** 2)
    >>> d = lagged_design(ts, 2)
    >>> d.values.shape, d.names[:3], bool(d.values[0, d.column(1, 2)] == ts.values[0, 1])
    ((8, 6), ('X0[t]', 'X1[t]', 'X0[t-1]'), True)
    """
    values = np.asarray(data.values, dtype=np.float64)
    t, p = values.shape
    if isinstance(max_lag, bool) or not isinstance(max_lag, (int, np.integer)) or max_lag < 0:
        raise InvalidParameterError(f"max_lag must be an integer >= 0; got {max_lag!r}")
    if t - max_lag < 2:
        raise InvalidParameterError(
            f"max_lag={max_lag} leaves {t - max_lag} rows of {t}; at least 2 are needed"
        )
    rows = t - max_lag
    out = np.empty((rows, p * (max_lag + 1)))
    for lag in range(max_lag + 1):
        out[:, lag * p:(lag + 1) * p] = values[max_lag - lag:t - lag]
    return LaggedDesign(tuple(data.variables), int(max_lag), out)


def design_columns(ci_test: Any, design: LaggedDesign) -> np.ndarray:
    """The CI test's column index of every design column (identity when built on the design).

    A test built on :meth:`LaggedDesign.frame` has the design's names in order; any
    other test object (a :class:`~causalscope.independence.DSeparationOracle` on
    ``TimeSeriesGraph.unroll(...)``) is mapped through its ``index_of``.

    Raises
    ------
    DataError
        If the test lacks a lagged variable of the design (from ``index_of``).
    """
    names = design.names
    if tuple(getattr(ci_test, "variables", ())) == names:
        return np.arange(len(names), dtype=np.intp)
    return np.array([ci_test.index_of(n) for n in names], dtype=np.intp)


@dataclass(frozen=True)
class LaggedParents:
    """The result of PC1 condition selection (:func:`select_lagged_parents`).

    Attributes
    ----------
    variables:
        The series names.
    tau_max:
        The largest lag searched.
    parents:
        For each target ``j`` (a series index), its selected parents as
        ``(i, lag)`` pairs, strongest first (by the minimum absolute statistic).
    val_min:
        ``(p, p, tau_max + 1)`` array: ``val_min[i, j, lag]`` the minimum absolute
        test statistic of ``X_i[t-lag] --> X_j[t]`` over the tests made (NaN where
        never tested), for the ``pc_alpha`` chosen for ``j``.
    pval_max:
        The same shape: the maximum p-value over those tests.
    pc_alpha:
        The ``pc_alpha`` used (chosen) for each target.
    n_tests:
        The number of CI tests computed (all grid values together).
    val_signed:
        The same shape: the signed statistic of the test that gave ``val_min``
        (PCMCI+ reports it for the links PC1 removed).
    """

    variables: tuple[str, ...]
    tau_max: int
    parents: tuple[tuple[tuple[int, int], ...], ...]
    val_min: np.ndarray
    pval_max: np.ndarray
    pc_alpha: tuple[float, ...]
    n_tests: int
    val_signed: np.ndarray | None = None

    def named(self) -> dict[str, list[tuple[str, int]]]:
        """The parents by name: ``{target: [(source, lag), ...]}``, strongest first."""
        return {
            self.variables[j]: [(self.variables[i], lag) for i, lag in pa]
            for j, pa in enumerate(self.parents)
        }


def check_pc_alpha(pc_alpha: object) -> tuple[float, ...]:
    """``pc_alpha`` as a tuple of levels: a float, a sequence of floats, or None (the grid).

    Raises
    ------
    InvalidParameterError
        Naming ``pc_alpha`` when a level is not in ``(0, 1]`` or the sequence is empty.
    """
    if pc_alpha is None:
        return PC_ALPHA_GRID
    items = list(pc_alpha) if isinstance(pc_alpha, (list, tuple, np.ndarray)) else [pc_alpha]
    if not items:
        raise InvalidParameterError("pc_alpha must be a float in (0, 1], a non-empty list of them, or None")
    out = []
    for a in items:
        if isinstance(a, bool) or not isinstance(a, (int, float, np.floating, np.integer)) or not 0.0 < float(a) <= 1.0:
            raise InvalidParameterError(
                f"pc_alpha must be a float in (0, 1], a non-empty list of them, or None; got {pc_alpha!r}"
            )
        out.append(float(a))
    return tuple(out)


def check_int(value: object, name: str, minimum: int) -> int:
    """``value`` as an int if it is an integer ``>= minimum``; else InvalidParameterError naming ``name``."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum}; got {value!r}")
    return int(value)


def _optional_int(value: object, name: str, minimum: int) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise InvalidParameterError(f"{name} must be an integer >= {minimum} or None; got {value!r}")
    return int(value)


def batched_statistics(ci_test: Any, xs: np.ndarray, ys: np.ndarray, zs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Statistics and p-values of one batch (one ``|Z| = k``) from ``ci_test.statistics``.

    The batch is sent in slices of at most ``2**22 / (k + 2)**2`` queries, which
    bounds the memory of the ``(k+2) x (k+2)`` sub-matrices a partial-correlation
    test gathers.
    """
    m, k = zs.shape
    step = max(1, _BATCH_ENTRIES // ((k + 2) ** 2))
    if m <= step:
        stat, pval = ci_test.statistics(xs, ys, zs)
        return np.asarray(stat, dtype=float), np.asarray(pval, dtype=float)
    parts = [ci_test.statistics(xs[a:a + step], ys[a:a + step], zs[a:a + step]) for a in range(0, m, step)]
    return np.concatenate([s for s, _ in parts]), np.concatenate([p for _, p in parts])


@dataclass
class _Run:
    """The state of PC1 for one target and one ``pc_alpha``."""

    target: int
    alpha: float
    candidates: list[int]  # design columns, in the current order of strength
    val_min: dict[int, float]
    pval_max: dict[int, float]
    fixed: frozenset[int]  # required candidates: never tested, never removed
    val_signed: dict[int, float] = field(default_factory=dict)


def _pc1_chunk(context: tuple[Any, np.ndarray, int | None, int], runs: list[_Run]) -> tuple[list[_Run], int]:
    """PC1 for a chunk of independent runs, level by level, one batch per level."""
    ci_test, cols, max_conds_dim, max_combinations = context
    n_tests = 0
    active = [r for r in runs if r.candidates]
    d = 0
    while active and (max_conds_dim is None or d <= max_conds_dim):
        active = [r for r in active if len(r.candidates) - 1 >= d]
        if not active:
            break
        owner: list[tuple[int, int]] = []  # (run position, candidate) of each query
        xs: list[int] = []
        ys: list[int] = []
        zs: list[tuple[int, ...]] = []
        for pos, run in enumerate(active):
            # the first q subsets of size d (lexicographic) use only the first d + q - 1 others
            head = d + max_combinations
            for cand in run.candidates:
                if cand in run.fixed:
                    continue
                if d == 0:
                    owner.append((pos, cand))
                    xs.append(cand)
                    ys.append(run.target)
                    zs.append(())
                    continue
                others = [c for c in run.candidates[:head] if c != cand][: head - 1]
                for subset in islice(combinations(others, d), max_combinations):
                    owner.append((pos, cand))
                    xs.append(cand)
                    ys.append(run.target)
                    zs.append(subset)
        z_arr = np.array(zs, dtype=np.intp).reshape(len(zs), d)
        stat, pval = batched_statistics(ci_test, cols[np.array(xs, dtype=np.intp)], cols[np.array(ys, dtype=np.intp)], cols[z_arr])
        n_tests += len(xs)
        removed: list[set[int]] = [set() for _ in active]
        for q, (pos, cand) in enumerate(owner):
            run = active[pos]
            if cand in removed[pos]:
                continue  # an earlier subset already separated it: later ones were not tested
            a = abs(float(stat[q]))
            if a < run.val_min.get(cand, np.inf):
                run.val_min[cand] = a
                run.val_signed[cand] = float(stat[q])
            if float(pval[q]) > run.pval_max.get(cand, -np.inf):
                run.pval_max[cand] = float(pval[q])
            if pval[q] > run.alpha:
                removed[pos].add(cand)
        for pos, run in enumerate(active):
            kept = [c for c in run.candidates if c not in removed[pos]]
            strength = run.val_min
            kept.sort(key=lambda c: -strength[c])  # noqa: B023 - used at once; stable: ties keep their order
            run.candidates = kept
        d += 1
    return runs, n_tests


def select_lagged_parents(
    design: LaggedDesign,
    ci_test: Any,
    *,
    tau_max: int,
    tau_min: int = 1,
    pc_alpha: float | Sequence[float] | None = 0.2,
    max_conds_dim: int | None = None,
    max_combinations: int = 1,
    allowed: np.ndarray | None = None,
    required: np.ndarray | None = None,
    targets: Sequence[int] | None = None,
    n_jobs: NJobs = 1,
) -> LaggedParents:
    """PC1 condition selection of PCMCI: a superset of the lagged parents of each series.

    Parameters
    ----------
    design:
        The :class:`LaggedDesign` (``max_lag >= tau_max``; PCMCI uses ``2 * tau_max``
        so that its MCI stage shares the sample).
    ci_test:
        A CI test over the design's columns with ``statistics(xs, ys, zs)`` (every
        :class:`~causalscope.independence.BaseCITest`): built on
        :meth:`LaggedDesign.frame`, or any test that knows the design's lagged names
        through ``index_of`` (a d-separation oracle on the unrolled graph).
    tau_max:
        The largest lag of a candidate parent.
    tau_min:
        The smallest lag of a candidate parent (values below 1 are raised to 1: a
        condition set is lagged).
    pc_alpha:
        The significance level of the removals, a list of levels, or ``None`` (the
        grid :data:`PC_ALPHA_GRID`); with more than one level, each target keeps
        the level whose parents minimise ``ci_test.model_selection_criterion``
        (a test without one: :func:`discrete_aic` for ``"gsq"``/``"chisq"``,
        else ParCorr's Gaussian AIC on the design).
    max_conds_dim:
        The largest condition-set size tested (``None``: unrestricted).
    max_combinations:
        How many condition subsets of each size are tested per candidate, in
        the order of strength (default 1, the paper's PC1).
    allowed:
        Optional boolean array ``(p, p, tau_max + 1)``: ``allowed[i, j, lag]``
        whether ``X_i[t-lag] --> X_j[t]`` is a candidate (the link assumptions).
    required:
        Optional boolean array of the same shape: required links are candidates
        that are never tested nor removed; their ``val_min`` is 1 and ``pval_max``
        0 (tigramite's convention), so they rank first among ParCorr's
        partial correlations.
    targets:
        The series indices to select parents for (default: all); others get none.
    n_jobs:
        Workers for the targets (anything :func:`causalscope.parallel.get_executor`
        accepts); the answer does not depend on it.

    Returns
    -------
    LaggedParents

    Raises
    ------
    InvalidParameterError
        For a bad ``tau_max``/``tau_min``/``pc_alpha``/``max_conds_dim``/
        ``max_combinations``/``allowed``, or a design shorter than ``tau_max``.

    References
    ----------
    Runge et al. (2019), *Science Advances* 5, eaau4996, Algorithm S1 (PC1).

    Examples
    --------
    >>> import numpy as np
    >>> from causalscope.data.timeseries import as_time_series
    >>> from causalscope.independence import ParCorr
    >>> rng = np.random.default_rng(0); x = rng.normal(size=(500, 2))
    >>> for t in range(1, 500): x[t, 1] += 0.8 * x[t - 1, 0]
    >>> design = lagged_design(as_time_series(x), 4)
    >>> sel = select_lagged_parents(design, ParCorr(design.frame()), tau_max=2, pc_alpha=0.01)
    >>> sel.named()["X1"][0]
    ('X0', 1)
    """
    p = design.n_variables
    tau_max_i = check_int(tau_max, "tau_max", 1)
    tau_min_i = check_int(tau_min, "tau_min", 0)
    if tau_max_i > design.max_lag:
        raise InvalidParameterError(
            f"tau_max={tau_max} exceeds the design's max_lag={design.max_lag}"
        )
    if tau_min_i > tau_max_i:
        raise InvalidParameterError(f"tau_min={tau_min} must not exceed tau_max={tau_max}")
    alphas = check_pc_alpha(pc_alpha)
    dim = _optional_int(max_conds_dim, "max_conds_dim", 0)
    combos = check_int(max_combinations, "max_combinations", 1)
    allowed_arr: np.ndarray = np.ones((p, p, tau_max_i + 1), dtype=bool)
    if allowed is not None:
        allowed_arr = np.asarray(allowed, dtype=bool)
        if allowed_arr.shape != (p, p, tau_max_i + 1):
            raise InvalidParameterError(
                f"allowed must have the shape (p, p, tau_max + 1) = {(p, p, tau_max_i + 1)}; "
                f"got {allowed_arr.shape}"
            )
    required_arr = np.zeros_like(allowed_arr) if required is None else np.asarray(required, dtype=bool)
    if required_arr.shape != allowed_arr.shape:
        raise InvalidParameterError(
            f"required must have the shape (p, p, tau_max + 1) = {allowed_arr.shape}; got {required_arr.shape}"
        )
    allowed_arr = allowed_arr | required_arr
    chosen_targets = list(range(p)) if targets is None else [int(j) for j in targets]
    cols = design_columns(ci_test, design)
    lags = range(max(1, tau_min_i), tau_max_i + 1)
    runs: list[_Run] = []
    for j in chosen_targets:
        cands = [lag * p + i for i in range(p) for lag in lags if allowed_arr[i, j, lag]]
        fixed = frozenset(lag * p + i for i in range(p) for lag in lags if required_arr[i, j, lag])
        for a in alphas:
            runs.append(_Run(j, a, list(cands), dict.fromkeys(fixed, 1.0), dict.fromkeys(fixed, 0.0), fixed))
    context = (ci_test, cols, dim, combos)
    _warm(ci_test)
    with open_executor(n_jobs) as ex:
        n_groups = ex.n_workers  # one chunk per worker: each level of a chunk is one batch
        chunk_size = max(1, -(-len(runs) // n_groups))
        groups = [runs[a:a + chunk_size] for a in range(0, len(runs), chunk_size)]
        results = ex.map(_pc1_chunk, groups, context=context, chunk_size=1) if groups else []
    done = [r for chunk, _ in results for r in chunk]
    n_tests = sum(n for _, n in results)
    by_target: dict[int, list[_Run]] = {}
    for r in done:
        by_target.setdefault(r.target, []).append(r)
    parents: list[tuple[tuple[int, int], ...]] = [() for _ in range(p)]
    val_min = np.full((p, p, tau_max_i + 1), np.nan)
    pval_max = np.full((p, p, tau_max_i + 1), np.nan)
    val_signed = np.full((p, p, tau_max_i + 1), np.nan)
    used_alpha = [alphas[0]] * p
    score = _criterion(ci_test, design, cols) if len(alphas) > 1 else None
    for j, options in by_target.items():
        best = options[0]
        if score is not None:
            best = options[int(np.argmin([score(j, r.candidates) for r in options]))]
        used_alpha[j] = best.alpha
        parents[j] = tuple((c % p, c // p) for c in best.candidates)
        for c, v in best.val_min.items():
            val_min[c % p, j, c // p] = v
        for c, v in best.pval_max.items():
            pval_max[c % p, j, c // p] = v
        for c, v in {**best.val_min, **best.val_signed}.items():
            val_signed[c % p, j, c // p] = v
    return LaggedParents(
        tuple(design.variables), tau_max_i, tuple(parents), val_min, pval_max, tuple(used_alpha), n_tests, val_signed
    )


def _warm(ci_test: Any) -> None:
    """Compute what a test precomputes (a correlation matrix) before it is shipped to workers."""
    if len(getattr(ci_test, "variables", ())) >= 2 and getattr(ci_test, "n_samples", 0) > 0:
        ci_test.statistics(np.array([0]), np.array([1]), np.zeros((1, 0), dtype=np.intp))


def _criterion(ci_test: Any, design: LaggedDesign, cols: np.ndarray) -> Callable[[int, Sequence[int]], float]:
    """The score choosing ``pc_alpha``: the test's own criterion, else a discrete or Gaussian AIC."""
    if hasattr(ci_test, "model_selection_criterion"):
        scorer, where = ci_test, cols
    elif getattr(ci_test, "method", "") in ("gsq", "chisq"):
        return lambda target, cands: discrete_aic(design.values[:, target], design.values[:, list(cands)])
    else:
        from ..independence import ParCorr

        scorer, where = ParCorr(design.frame()), np.arange(design.values.shape[1], dtype=np.intp)

    def score(target: int, cands: Sequence[int]) -> float:
        parents = where[np.asarray(list(cands), dtype=np.intp)].reshape(1, len(cands))
        return float(scorer.model_selection_criterion(where[[target]], parents)[0])

    return score


def discrete_aic(target: np.ndarray, parents: np.ndarray) -> float:
    """Akaike's criterion of a discrete target given discrete parents (a conditional multinomial).

    ``-2 * sum n(x, y) log(n(x, y) / n(x)) + 2 * (levels(y) - 1) * configurations(x)``
    over the parent configurations ``x`` seen: the score PCMCI uses to choose
    ``pc_alpha`` for a discrete test (G-test, chi-square), which has no criterion
    of its own. Lower is better.

    Examples
    --------
    >>> y = np.array([0, 0, 1, 1]); x = np.array([[0], [0], [1], [1]])
    >>> discrete_aic(y, x), round(discrete_aic(y, x[:, :0]), 3)
    (4.0, 7.545)
    """
    y = np.asarray(target).reshape(-1)
    x = np.asarray(parents).reshape(y.size, -1)
    n_levels = np.unique(y).size
    _, config = np.unique(x, axis=0, return_inverse=True) if x.shape[1] else (None, np.zeros(y.size, dtype=np.intp))
    config = np.asarray(config).reshape(-1)
    pairs, joint_counts = np.unique(np.column_stack([config, y]), axis=0, return_counts=True)
    joint_cfg = pairs[:, 0].astype(np.intp)
    cfg_counts = np.bincount(config)
    loglik = float(np.sum(joint_counts * np.log(joint_counts / cfg_counts[joint_cfg])))
    return -2.0 * loglik + 2.0 * (n_levels - 1) * int(np.count_nonzero(cfg_counts))


def link_mask(
    variables: Sequence[str],
    tau_max: int,
    link_assumptions: Mapping[tuple[str, int, str], str] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """Boolean ``(p, p, tau_max + 1)`` arrays ``(allowed, required)`` from link assumptions.

    ``link_assumptions`` maps ``(source, lag, target)`` to ``"-->"`` (the link is
    required: it is kept in every stage and in the final graph), ``"-?>"`` (it
    may exist: the default for every link not listed) or ``""`` (forbidden).

    Raises
    ------
    DataError
        If a key names an unknown variable.
    InvalidParameterError
        For a lag outside ``0..tau_max``, a self-link at lag 0, or another mark.
    """
    from ..exceptions import DataError

    p = len(variables)
    allowed = np.ones((p, p, tau_max + 1), dtype=bool)
    required = np.zeros((p, p, tau_max + 1), dtype=bool)
    if not link_assumptions:
        return allowed, required
    if not isinstance(link_assumptions, Mapping):
        raise InvalidParameterError(
            "link_assumptions must be a mapping {(source, lag, target): '-->' | '-?>' | ''}; "
            f"got {type(link_assumptions).__name__}"
        )
    index = {v: k for k, v in enumerate(variables)}
    for key, mark in link_assumptions.items():
        if not (isinstance(key, tuple) and len(key) == 3):
            raise InvalidParameterError(
                f"link_assumptions keys must be (source, lag, target); got {key!r}"
            )
        src, lag, tgt = key
        for name in (src, tgt):
            if name not in index:
                raise DataError(
                    f"link_assumptions names unknown variable {name!r} in {key!r}; "
                    f"the variables are {list(variables)}"
                )
        if isinstance(lag, bool) or not isinstance(lag, (int, np.integer)) or not 0 <= lag <= tau_max:
            raise InvalidParameterError(
                f"link_assumptions: the lag of {key!r} must be an integer in 0..tau_max={tau_max}"
            )
        if lag == 0 and src == tgt:
            raise InvalidParameterError(f"link_assumptions: {key!r} is a self-link at lag 0")
        if mark not in ("-->", "-?>", "", None):
            raise InvalidParameterError(
                f"link_assumptions[{key!r}] must be '-->' (required), '-?>' (allowed) or '' "
                f"(forbidden); got {mark!r}"
            )
        i, j = index[src], index[tgt]
        allowed[i, j, lag] = bool(mark)
        required[i, j, lag] = mark == "-->"
    return allowed, required
