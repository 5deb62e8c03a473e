"""PCMCI: lagged causal discovery for multivariate time series (Runge et al. 2019).

PCMCI finds the lagged causal links ``X_i[t-tau] --> X_j[t]`` of a stationary
time series in two stages, both made of conditional independence tests on the
lagged design (:mod:`causalscope.discovery.lagged`):

1. **Condition selection (PC1)**, :func:`~causalscope.discovery.lagged.select_lagged_parents`:
   for every variable a small superset ``P(X_j[t])`` of its lagged parents,
   found by iteratively testing each candidate given the strongest others at
   level ``pc_alpha`` (a regularisation parameter, not a test level; a grid is
   searched by the CI test's model-selection criterion when ``pc_alpha`` is
   ``None`` or a list).
2. **Momentary conditional independence (MCI)**, :func:`momentary_tests`: every
   link ``X_i[t-tau] --> X_j[t]`` (``tau_min <= tau <= tau_max``) is tested given
   the selected parents of ``X_j[t]`` and the time-shifted selected parents of
   ``X_i[t-tau]``:

   ``X_i[t-tau] _||_ X_j[t] | P(X_j[t]), P(X_i[t-tau])``

   which removes the effects of autocorrelation and common drivers; the
   MCI p-values (optionally Benjamini-Hochberg corrected) at level ``alpha``
   decide the graph, the MCI statistics are the link strengths (ParCorr: partial
   correlations in ``[-1, 1]``).

Links at lag 0 (``tau_min=0``) are tested too and reported as undirected
``"o-o"`` links: PCMCI does not orient contemporaneous links (PCMCI+ does).

Every stage is a few batches to the CI test's index fast path (one per
conditioning-set size), on the common sample ``t = 2 * tau_max, ..., T - 1``; the
PC1 targets and the MCI batch run through :mod:`causalscope.parallel` with the
same answer for any ``n_jobs``. With ParCorr the statistics and p-values are those
of tigramite's ``PCMCI.run_pcmci`` with ``ParCorr()`` on the same data.

References
----------
Runge, J., Nowack, P., Kretschmer, M., Flaxman, S. & Sejdinovic, D. (2019).
Detecting and quantifying causal associations in large nonlinear time series
datasets. *Science Advances* 5(11), eaau4996. Benjamini, Y. & Hochberg, Y. (1995).
Controlling the false discovery rate. *J. R. Stat. Soc. B* 57(1), 289-300.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from ..contract import Component, parameter_names
from ..exceptions import DataError, InvalidParameterError
from ..parallel import NJobs, open_executor
from .base import check_alpha, register_algorithm
from .lagged import (
    LaggedDesign,
    LaggedParents,
    batched_statistics,
    check_int,
    check_pc_alpha,
    design_columns,
    lagged_design,
    link_mask,
    select_lagged_parents,
)

if TYPE_CHECKING:
    from ..graphs.timeseries import TimeSeriesGraph

__all__ = ["PCMCI", "pcmci", "momentary_tests", "fdr_bh", "MCIResult", "LaggedProblem", "prepare_lagged_problem"]

FDRMethod = Literal["fdr_bh"]

@dataclass(frozen=True)
class MCIResult:
    """The MCI stage's matrices: ``(p, p, tau_max + 1)``, ``[i, j, tau]`` for ``X_i[t-tau] --> X_j[t]``.

    Attributes
    ----------
    val_matrix:
        The MCI statistic (0 where not tested; 1 for a required link, not tested).
    p_matrix:
        The MCI p-value (1 where not tested; 0 for a required link).
    tested:
        Where a test was made.
    n_tests:
        The number of CI tests computed.
    contemporaneous:
        ``(p, p)``: the lag-0 p-value of each direction before the pair was
        symmetrised (``[i, j]``: ``X_i[t]`` tested against ``X_j[t]`` with the
        conditions of ``X_j``); :func:`graph_marks` reads it.
    """

    val_matrix: np.ndarray
    p_matrix: np.ndarray
    tested: np.ndarray
    n_tests: int
    contemporaneous: np.ndarray


def _mci_chunk(context: tuple[Any, ...], targets: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The MCI tests of the links into ``targets``: condition sets as boolean masks, one batch per size."""
    ci_test, cols, p, y_mask, x_mask, to_test = context
    ii, jj, tt = np.nonzero(to_test[:, targets, :])
    jj = targets[jj]
    if ii.size == 0:
        return np.zeros((0, 3), dtype=np.intp), np.zeros(0), np.zeros(0)
    z = y_mask[jj] | x_mask[ii, tt]  # parents of Y[t] and the parents of X[t-tau], shifted by tau
    z[np.arange(ii.size), tt * p + ii] = False  # X itself is never a condition
    sizes = z.sum(axis=1)
    links = np.column_stack([ii, jj, tt])
    stat = np.empty(ii.size)
    pval = np.empty(ii.size)
    for k in np.unique(sizes):
        rows = np.flatnonzero(sizes == k)
        zs = cols[np.nonzero(z[rows])[1].reshape(rows.size, int(k))]
        stat[rows], pval[rows] = batched_statistics(ci_test, cols[tt[rows] * p + ii[rows]], cols[jj[rows]], zs)
    return links, stat, pval


def momentary_tests(
    design: LaggedDesign,
    ci_test: Any,
    parents: Sequence[Sequence[tuple[int, int]]],
    *,
    tau_max: int,
    tau_min: int = 0,
    max_conds_py: int | None = None,
    max_conds_px: int | None = None,
    allowed: np.ndarray | None = None,
    required: np.ndarray | None = None,
    n_jobs: NJobs = 1,
) -> MCIResult:
    """The MCI tests of PCMCI for every allowed link (see the module docstring).

    Parameters
    ----------
    design:
        The lagged design with ``max_lag >= 2 * tau_max``.
    ci_test:
        A CI test over the design's columns with ``statistics(xs, ys, zs)``.
    parents:
        For each variable its condition set ``[(i, lag), ...]``, strongest first
        (:attr:`LaggedParents.parents`).
    tau_max, tau_min:
        The lags tested.
    max_conds_py, max_conds_px:
        How many of the (strongest) parents of ``Y = X_j[t]`` and of
        ``X = X_i[t-tau]`` condition each test (``None``: all).
    allowed, required:
        Optional boolean ``(p, p, tau_max + 1)`` link assumptions: a link not
        allowed is not tested (statistic 0, p-value 1); a required one is not
        tested either and gets statistic 1 and p-value 0 (tigramite's convention).
    n_jobs:
        Workers (the targets are split among them); the answer does not depend on it.

    Returns
    -------
    MCIResult

    Raises
    ------
    InvalidParameterError
        If the design is shorter than ``2 * tau_max`` lags.
    """
    p = design.n_variables
    if design.max_lag < 2 * tau_max:
        raise InvalidParameterError(
            f"the MCI stage needs a design with max_lag >= 2 * tau_max = {2 * tau_max}; "
            f"got {design.max_lag}"
        )
    shape = (p, p, tau_max + 1)
    allowed_arr = np.ones(shape, dtype=bool) if allowed is None else np.asarray(allowed, dtype=bool)
    required_arr = np.zeros(shape, dtype=bool) if required is None else np.asarray(required, dtype=bool)
    cols = design_columns(ci_test, design)
    n_cols = p * (design.max_lag + 1)
    y_mask = np.zeros((p, n_cols), dtype=bool)
    x_mask = np.zeros((p, tau_max + 1, n_cols), dtype=bool)
    for j, pa in enumerate(parents):
        pa = list(pa)
        y_pa = pa[:max_conds_py] if max_conds_py is not None else pa
        x_pa = pa[:max_conds_px] if max_conds_px is not None else pa
        y_mask[j, [lag * p + i for i, lag in y_pa]] = True
        for tau in range(tau_min, tau_max + 1):
            x_mask[j, tau, [(lag + tau) * p + i for i, lag in x_pa]] = True
    to_test = allowed_arr & ~required_arr
    to_test[:, :, :tau_min] = False
    to_test[np.arange(p), np.arange(p), 0] = False
    context = (ci_test, cols, p, y_mask, x_mask, to_test)
    links_per_target = max(1, int(to_test.sum()) // max(p, 1))
    per_chunk = max(1, (1 << 25) // max(1, links_per_target * n_cols))  # masks of at most ~32 MB
    with open_executor(n_jobs) as ex:
        per_chunk = min(per_chunk, -(-p // ex.n_workers))
        chunks = [np.arange(a, min(p, a + per_chunk)) for a in range(0, p, per_chunk)]
        results = ex.map(_mci_chunk, chunks, context=context, chunk_size=1)
    val = np.zeros(shape)
    pv = np.ones(shape)
    tested = np.zeros(shape, dtype=bool)
    n_tests = 0
    for links, stat, pval in results:
        idx = (links[:, 0], links[:, 1], links[:, 2])
        val[idx], pv[idx], tested[idx] = stat, pval, True
        n_tests += len(links)
    val[required_arr] = 1.0
    pv[required_arr] = 0.0
    directed = pv[:, :, 0].copy()
    _symmetrise_contemporaneous(val, pv, tested)
    return MCIResult(val, pv, tested, n_tests, directed)


def _symmetrise_contemporaneous(val: np.ndarray, pv: np.ndarray, tested: np.ndarray) -> None:
    """A lag-0 pair is tested both ways (the condition sets differ under ``max_conds_p*``); keep the larger p-value.

    Both entries ``[i, j, 0]`` and ``[j, i, 0]`` get the p-value and statistic of
    the less significant of the two tests, as tigramite reports them.
    """
    p0, v0 = pv[:, :, 0], val[:, :, 0]
    use_t = p0.T > p0
    new_p = np.where(use_t, p0.T, p0)
    new_v = np.where(use_t, v0.T, v0)
    pv[:, :, 0], val[:, :, 0] = new_p, new_v
    tested[:, :, 0] |= tested[:, :, 0].T


def fdr_bh(p_matrix: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values of the entries of ``p_matrix`` under ``mask``.

    ``q_(r) = min_{s >= r} p_(s) * m / s`` over the ``m`` masked p-values sorted
    increasingly, capped at 1 (Benjamini & Hochberg 1995); the other entries are
    returned unchanged. PCMCI corrects the lagged links it tested (as tigramite's
    ``get_corrected_pvalues`` with ``exclude_contemporaneous=True``).

    Examples
    --------
    >>> fdr_bh(np.array([0.01, 0.04, 0.03, 0.5]), np.ones(4, dtype=bool)).round(3)
    array([0.04 , 0.053, 0.053, 0.5  ])
    """
    out = np.array(p_matrix, dtype=float, copy=True)
    values = out[mask]
    m = values.size
    if m == 0:
        return out
    order = np.argsort(values, kind="stable")
    scaled = values[order] * m / np.arange(1, m + 1)
    q = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(q, 1.0)
    out[mask] = adjusted
    return out


def knowledge_links(knowledge: Any, variables: Sequence[str], tau_max: int) -> dict[tuple[str, int, str], str]:
    """Link assumptions from background knowledge (:class:`~causalscope.discovery.Knowledge`).

    An edge between lagged names (``"X[t-2] --> Y[t]"``) is that link (the lag is
    the difference of the two lags); an edge between plain names
    (``"X --> Y"``) forbids ``X[t-tau] --> Y[t]`` at every lag (required plain
    edges are ambiguous and raise); tiers forbid every link from a later tier to
    an earlier one (and within a tier with ``forbid_within_tiers``).

    Raises
    ------
    DataError
        If the knowledge names an unknown variable.
    InvalidParameterError
        For a required edge without lags, a link whose lag is negative or above
        ``tau_max``, or an edge mixing a lagged and a plain name.
    """
    from ..graphs.timeseries import parse_lagged_name

    names = [str(v) for v in variables]
    known = set(names)

    def parse(text: str) -> tuple[str, int | None]:
        if text in known:
            return text, None
        try:
            base, lag = parse_lagged_name(text)
        except Exception:  # noqa: BLE001 - any parse failure is an unknown name here
            base, lag = text, None
        if base not in known:
            raise DataError(f"knowledge names unknown variable {text!r}; the variables are {names}")
        return base, lag

    out: dict[tuple[str, int, str], str] = {}
    for edges, mark in ((knowledge.forbidden, ""), (knowledge.required, "-->")):
        for u, v in sorted(edges):
            (a, la), (b, lb) = parse(u), parse(v)
            if (la is None) != (lb is None):
                raise InvalidParameterError(
                    f"knowledge edge {u} --> {v} mixes a lagged and a plain name; write both "
                    "lagged ('X[t-1] --> Y[t]') or both plain ('X --> Y')"
                )
            if la is None or lb is None:
                if mark:
                    raise InvalidParameterError(
                        f"required knowledge edge {u} --> {v} has no lag; write it as a lagged "
                        f"link, e.g. '{u}[t-1] --> {v}[t]'"
                    )
                for lag in range(0, tau_max + 1):
                    if not (lag == 0 and a == b):
                        out[(a, lag, b)] = ""
                continue
            lag = la - lb
            if not 0 <= lag <= tau_max:
                raise InvalidParameterError(
                    f"knowledge edge {u} --> {v} has lag {lag}; expected 0..tau_max={tau_max}"
                )
            out[(a, lag, b)] = mark
    if knowledge.tiers:
        plain = type(knowledge)(tiers=knowledge.tiers, forbid_within_tiers=knowledge.forbid_within_tiers)
        for t in plain.mentioned():
            if t not in known:
                raise DataError(f"knowledge names unknown variable {t!r}; the variables are {names}")
        f = plain.forbidden_matrix(names)
        for i, j in zip(*np.nonzero(f)):
            for lag in range(0, tau_max + 1):
                if not (lag == 0 and i == j):
                    out.setdefault((names[i], lag, names[j]), "")
    return out


@dataclass(frozen=True, eq=False)
class LaggedProblem:
    """What a lagged method (PCMCI, PCMCI+) needs before its stages (:func:`prepare_lagged_problem`)."""

    variables: tuple[str, ...]
    design: LaggedDesign
    ci_test: Any
    allowed: np.ndarray
    required: np.ndarray


def prepare_lagged_problem(
    data: Any,
    *,
    method: str,
    tau_max: int,
    time_column: str | None,
    knowledge: Any,
    link_assumptions: Mapping[tuple[str, int, str], str] | None,
    ci_test: Any,
    contemporaneous: bool = False,
    random_state: Any = None,
) -> LaggedProblem:
    """The time series, its lagged design (lags ``0..2 * tau_max``), link masks and CI test.

    Checks the rows: at least ``2 * tau_max + p * tau_max + 3`` (plus ``p`` with
    ``contemporaneous``, the regression on the lag-0 values too); merges ``knowledge``
    (:func:`knowledge_links`) and ``link_assumptions`` (which wins); builds ``ci_test``
    by name on the design's frame (handing it ``random_state`` when it takes one, as RCoT)
    or takes a test object with ``statistics``. ``data`` may be a
    :class:`~causalscope.data.timeseries.TimeSeriesData` already validated (the CLI, the
    copilot).

    Raises
    ------
    DataError
        Bad data, too few rows, a link naming an unknown variable.
    InvalidParameterError
        ``link_assumptions`` not a mapping, ``ci_test`` neither a name nor a test.
    """
    from ..data.timeseries import TimeSeriesData, as_time_series
    from ..independence import CI_TESTS, make_ci_test
    from .knowledge import as_knowledge

    if isinstance(data, TimeSeriesData):
        ts = data
    else:
        ts = as_time_series(data, time_column=time_column, tau_max=tau_max)
    variables = tuple(ts.variables)
    p, n = len(variables), ts.n_samples
    need = 2 * tau_max + p * (tau_max + int(contemporaneous)) + 3
    if n < need:
        what = "p * (tau_max + 1) lagged and contemporaneous" if contemporaneous else "p * tau_max lagged"
        raise DataError(
            f"{method} with tau_max={tau_max} and {p} variables needs at least {need} rows "
            f"(2 * tau_max rows are cut for the common sample, which must hold the "
            f"regression on all {what} values); got {n}"
        )
    links: dict[tuple[str, int, str], str] = {}
    know = as_knowledge(knowledge)
    if know is not None:
        links.update(knowledge_links(know, variables, tau_max))
    if link_assumptions:
        if not isinstance(link_assumptions, Mapping):
            raise InvalidParameterError(
                "link_assumptions must be a mapping {(source, lag, target): '-->' | '-?>' | ''}; "
                f"got {type(link_assumptions).__name__}"
            )
        links.update(link_assumptions)
    allowed, required = link_mask(variables, tau_max, links)
    design = lagged_design(ts, 2 * tau_max)
    if isinstance(ci_test, str):
        options = {}
        if random_state is not None and ci_test in CI_TESTS and (
            "random_state" in parameter_names(CI_TESTS[ci_test])
        ):
            options["random_state"] = random_state
        test = make_ci_test(ci_test, design.frame(), **options)
    elif hasattr(ci_test, "statistics"):
        test = ci_test
    else:
        raise InvalidParameterError(
            "ci_test must be a CI test name or a CI test object with statistics(xs, ys, zs); "
            f"got {type(ci_test).__name__}"
        )
    return LaggedProblem(variables, design, test, allowed, required)


@register_algorithm("pcmci")
class PCMCI(Component):
    """PCMCI causal discovery for time series (Runge et al. 2019), batched and parallel.

    Parameters
    ----------
    ci_test:
        The CI test: a registry name (``"parcorr"`` default, ``"fisherz"``,
        ``"rcot"``, ``"gsq"`` for discrete series, ...) built on the lagged
        design, or a ready test over the lagged names ``"X[t-k]"`` (a
        :class:`~causalscope.independence.DSeparationOracle` on
        ``TimeSeriesGraph.unroll(2 * tau_max)``; ``data`` then only gives the
        variables and the length).
    tau_max:
        The largest lag (default 1).
    tau_min:
        The smallest lag tested in the MCI stage (default 0: contemporaneous
        pairs are tested too and reported as ``"o-o"``).
    pc_alpha:
        The condition-selection level: a float in ``(0, 1]`` (default 0.2), a
        list of them or ``None`` (the grid ``(0.05, 0.1, 0.2, 0.3, 0.4, 0.5)``),
        chosen per variable by the CI test's ``model_selection_criterion``.
    alpha:
        The MCI significance level deciding the graph (default 0.05).
    max_conds_dim:
        The largest condition set of PC1 (``None``: unrestricted).
    max_combinations:
        Condition subsets per size and candidate in PC1 (default 1).
    max_conds_py, max_conds_px:
        How many of the selected parents of ``Y`` and of ``X`` condition an MCI
        test (``None``: all).
    link_assumptions:
        ``{(source, lag, target): mark}`` with mark ``"-->"`` (required: kept,
        not tested, p-value 0), ``"-?>"`` (may exist; every link not listed) or
        ``""`` (forbidden: not tested, p-value 1).
    knowledge:
        Background knowledge (:class:`~causalscope.discovery.Knowledge`, a dict
        or a file): lagged edges ``"X[t-1] --> Y[t]"`` required or forbidden,
        plain forbidden edges ``"X --> Y"`` (every lag) and tiers; merged with
        ``link_assumptions`` (which wins on a conflict).
    fdr_method:
        ``None`` (default) or ``"fdr_bh"``: Benjamini-Hochberg adjusted MCI
        p-values of the lagged links tested decide the graph (``p_matrix_``
        holds them).
    time_column:
        The time-stamp column of a frame (not a variable; checked increasing).
    random_state:
        Seed handed to a CI test built by name that takes one (RCoT's random
        features); ``None`` keeps the test's default. PCMCI itself draws nothing.
    n_jobs:
        Workers for both stages (anything :func:`causalscope.parallel.get_executor`
        accepts); the answer does not depend on it.

    Attributes
    ----------
    graph_:
        The :class:`~causalscope.graphs.timeseries.TimeSeriesGraph`: lagged
        links ``"-->"``, contemporaneous ``"o-o"``, strength = MCI statistic,
        p-value = (adjusted) MCI p-value.
    val_matrix_, p_matrix_:
        ``(p, p, tau_max + 1)`` arrays, ``[i, j, tau]`` for ``X_i[t-tau] --> X_j[t]``
        (also as ``values_`` and ``p_values_``, the names every time-series
        algorithm uses).
    parents_:
        The PC1 condition sets ``{target: [(source, lag), ...]}``, strongest first.
    selection_:
        The :class:`~causalscope.discovery.lagged.LaggedParents` of PC1.
    variables_:
        The variable names.
    n_tests_:
        CI tests computed (both stages).

    References
    ----------
    Runge, J., Nowack, P., Kretschmer, M., Flaxman, S. & Sejdinovic, D. (2019).
    Detecting and quantifying causal associations in large nonlinear time series
    datasets. *Science Advances* 5(11), eaau4996.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1); x = rng.normal(size=(400, 3))
    >>> for t in range(1, 400):
    ...     x[t, 1] += 0.6 * x[t - 1, 0]; x[t, 2] += 0.5 * x[t - 1, 1]
    >>> est = PCMCI(tau_max=2, tau_min=1, pc_alpha=0.05, alpha=0.01).fit(pd.DataFrame(x, columns=list("ABC")))
    >>> est.graph_.lagged_edges()
    ['A[t-1] --> B[t]', 'B[t-1] --> C[t]']
    """

    time_series: ClassVar[bool] = True

    def __init__(
        self,
        *,
        ci_test: Any = "parcorr",
        tau_max: int = 1,
        tau_min: int = 0,
        pc_alpha: float | Sequence[float] | None = 0.2,
        alpha: float = 0.05,
        max_conds_dim: int | None = None,
        max_combinations: int = 1,
        max_conds_py: int | None = None,
        max_conds_px: int | None = None,
        link_assumptions: Mapping[tuple[str, int, str], str] | None = None,
        knowledge: Any = None,
        fdr_method: FDRMethod | None = None,
        time_column: str | None = None,
        random_state: int | None = None,
        n_jobs: NJobs = 1,
    ) -> None:
        self.ci_test = ci_test
        self.tau_max = tau_max
        self.tau_min = tau_min
        self.pc_alpha = pc_alpha
        self.alpha = alpha
        self.max_conds_dim = max_conds_dim
        self.max_combinations = max_combinations
        self.max_conds_py = max_conds_py
        self.max_conds_px = max_conds_px
        self.link_assumptions = link_assumptions
        self.knowledge = knowledge
        self.fdr_method = fdr_method
        self.time_column = time_column
        self.random_state = random_state
        self.n_jobs = n_jobs

    def _check(self) -> tuple[int, int, float]:
        tau_max = check_int(self.tau_max, "tau_max", 1)
        tau_min = check_int(self.tau_min, "tau_min", 0)
        if tau_min > tau_max:
            raise InvalidParameterError(f"tau_min={self.tau_min} must not exceed tau_max={self.tau_max}")
        check_pc_alpha(self.pc_alpha)
        for name in ("max_conds_py", "max_conds_px"):
            value = getattr(self, name)
            if value is not None:
                check_int(value, name, 0)
        if self.fdr_method not in (None, "none", "fdr_bh"):
            raise InvalidParameterError(f"fdr_method must be None or 'fdr_bh'; got {self.fdr_method!r}")
        return tau_max, tau_min, check_alpha(self.alpha)

    def fit(self, data: Any) -> PCMCI:
        """Run PCMCI on ``data`` (rows in time order).

        Parameters
        ----------
        data:
            A DataFrame, array or :class:`~causalscope.data.Dataset` (validated by
            :func:`~causalscope.data.timeseries.as_time_series`), or a
            :class:`~causalscope.data.timeseries.TimeSeriesData` it returned.

        Returns
        -------
        PCMCI
            ``self``, fitted.

        Raises
        ------
        DataError
            Bad data (unsorted time column, NaN, non-numeric or constant column),
            fewer rows than ``2 * tau_max + p * tau_max + 3`` (the MCI sample must
            hold the full lagged regression), link assumptions or knowledge naming
            an unknown variable.
        InvalidParameterError
            Bad hyperparameters.
        """
        from ..graphs.timeseries import TimeSeriesGraph

        tau_max, tau_min, alpha = self._check()
        problem = prepare_lagged_problem(
            data, method="PCMCI", tau_max=tau_max, time_column=self.time_column, knowledge=self.knowledge,
            link_assumptions=self.link_assumptions, ci_test=self.ci_test, random_state=self.random_state,
        )
        variables, design, test = problem.variables, problem.design, problem.ci_test
        allowed, required = problem.allowed, problem.required
        selection = select_lagged_parents(
            design, test, tau_max=tau_max, tau_min=max(1, tau_min), pc_alpha=self.pc_alpha,
            max_conds_dim=self.max_conds_dim, max_combinations=self.max_combinations,
            allowed=allowed, required=required, n_jobs=self.n_jobs,
        )
        mci = momentary_tests(
            design, test, selection.parents, tau_max=tau_max, tau_min=tau_min,
            max_conds_py=self.max_conds_py, max_conds_px=self.max_conds_px,
            allowed=allowed, required=required, n_jobs=self.n_jobs,
        )
        p_matrix = mci.p_matrix
        if self.fdr_method == "fdr_bh":
            lagged = np.zeros_like(mci.tested)
            lagged[:, :, max(1, tau_min):] = True
            p_matrix = fdr_bh(p_matrix, lagged & (mci.tested | required))
        self.variables_ = list(variables)
        self.selection_: LaggedParents = selection
        self.parents_ = selection.named()
        self.val_matrix_ = mci.val_matrix
        self.p_matrix_ = p_matrix
        self.values_, self.p_values_ = self.val_matrix_, self.p_matrix_  # the time-series interface's names
        self.n_tests_ = selection.n_tests + mci.n_tests
        self.graph_: TimeSeriesGraph = TimeSeriesGraph.from_arrays(
            variables, graph_marks(p_matrix, mci.contemporaneous, alpha, required, tau_min),
            mci.val_matrix, p_matrix,
        )
        return self


def graph_marks(
    p_matrix: np.ndarray, contemporaneous: np.ndarray, alpha: float, required: np.ndarray, tau_min: int = 0
) -> np.ndarray:
    """The ``(p, p, tau_max + 1)`` string graph of PCMCI (tigramite's ``graph`` convention).

    ``"-->"`` where a lagged link has ``p <= alpha`` or is required. At lag 0 the
    two directed tests of a pair decide (``contemporaneous``, before
    symmetrising): both significant give ``"o-o"`` at both entries; only
    ``X_i[t]`` given the conditions of ``X_j`` gives ``"-->"`` at ``[i, j, 0]``
    and ``"<--"`` at ``[j, i, 0]`` (as tigramite marks it).
    """
    sig = (p_matrix <= alpha) | required
    sig[:, :, :tau_min] = False
    graph = np.full(p_matrix.shape, "", dtype="<U3")
    graph[:, :, 1:][sig[:, :, 1:]] = "-->"
    if tau_min == 0:
        s0 = (contemporaneous <= alpha) | required[:, :, 0]
        np.fill_diagonal(s0, False)
        g0 = np.full(s0.shape, "", dtype="<U3")
        g0[s0 & s0.T] = "o-o"
        g0[s0 & ~s0.T] = "-->"
        g0[~s0 & s0.T] = "<--"
        graph[:, :, 0] = g0
    return graph


def pcmci(data: Any, **kwargs: Any) -> TimeSeriesGraph:
    """Run :class:`PCMCI` on ``data`` and return its time-series graph (keywords as the class).

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(2); x = rng.normal(size=(300, 2))
    >>> for t in range(1, 300): x[t, 1] += 0.7 * x[t - 1, 0]
    >>> pcmci(x, tau_max=1, tau_min=1, alpha=0.01).lagged_edges()
    ['X0[t-1] --> X1[t]']
    """
    return PCMCI(**kwargs).fit(data).graph_
