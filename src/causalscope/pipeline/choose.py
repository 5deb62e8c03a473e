"""Choosing a discovery method from the data profile, by documented rules.

The copilot does not ask anyone which algorithm to run: it reads the
:class:`~causalscope.data.profile.DataProfile` (every flag there carries the
statistic it rests on) and applies the rules below, first match wins. Each rule
that fires, and each that was considered and set aside, leaves a sentence in
:attr:`MethodChoice.reasons`, so the report can say *why*.

Rules (``p`` variables, ``n`` rows):

1. **heterogeneous**: a domain column is given and the profile finds variables
   whose distribution changes across domains -> CD-NOD (Huang et al. 2020) with
   the domain column as the surrogate of the changing mechanisms; without a
   domain column, a time column whose consecutive blocks show change is the
   surrogate (nonstationary data, as in Huang et al.).
2. **latent confounding suspected** (the caller says so, ``assume_latent=True``)
   -> FCI (Spirtes et al. 2000; Zhang 2008), which returns a PAG and never
   assumes causal sufficiency. The data alone do not decide this: the copilot's
   hidden-confounder check (:mod:`causalscope.pipeline.sufficiency`) flags
   suspicious edges but does not switch, because on held-out benchmark data it
   fired more often without hidden variables than with them.
3. **discrete** (every column categorical) -> PC with the G-test ``gsq``.
4. **mixed** (categorical and continuous columns) -> PC with the ``mixed`` CI
   test (when registered).
5. **linear, non-Gaussian** residuals and ``p <= 100`` -> DirectLiNGAM (Shimizu
   et al. 2011), which orients every edge from non-Gaussianity.
6. **nonlinear** -> PC with a kernel CI test: KCI (Zhang et al. 2011) for
   ``n < 500``, otherwise the randomized RCoT (Strobl et al. 2019); both cost far
   more than Fisher-z, so for ``p > 30`` (or a tight budget) PC with Fisher-z is
   used instead, and the reason says it is a linear approximation.
7. **linear Gaussian** (or linearity not assessable):
   ``p <= 8`` -> exact search of the BIC-optimal DAG class (Silander & Myllymäki
   2006); ``p <= 50`` -> GES with the Gaussian BIC (Chickering 2002);
   larger -> PC with Fisher-z (polynomial in sparse graphs, the fast choice for
   ``p`` in the hundreds).

Then the hyperparameter (``alpha``, ``penalty_discount``) is tuned from a small
grid (:func:`~causalscope.pipeline.tune`, held-out likelihood for continuous
data, StARS stability for discrete and mixed data; kernel tests and LiNGAM are
not tuned, see the reasons), the method is bootstrapped
(:func:`~causalscope.pipeline.bootstrap_edges`) and the final graph is the
consensus of the replicates at :data:`CONSENSUS_THRESHOLD` (an edge is kept
when the pair is adjacent in at least half of the replicates, with its most
frequent orientation).

The number of resamples (:func:`bootstrap_size`) is 50 for ``p <= 20``,
30 for ``p <= 50``, 20 for ``p <= 100`` and 10 beyond (10 for kernel tests);
with a time budget the copilot lowers it further from the measured time of one
fit (see :mod:`causalscope.pipeline.analysis`).

Resamples are drawn **without replacement**: half of the rows for ``n >= 1000``
(the half-samples of stability selection, Meinshausen & Bühlmann 2010), 80% for
smaller samples to keep power. The ordinary bootstrap (with replacement)
duplicates rows, which makes CI tests and BIC act as if the sample were larger
than it is: spurious edges enter the consensus. On simulated data (p = 20,
n = 1000, 10 resamples, consensus at 0.5) half-samples gave a higher adjacency
F1 than the ordinary bootstrap for GES (0.98 vs 0.87, 0.97 vs 0.85), PC with the
mixed test (0.98 vs 0.87, 0.96 vs 0.90) and DirectLiNGAM (1.00 vs 0.93).

**All-categorical data** keep 80% resamples up to
:data:`DISCRETE_SUBSAMPLE_MIN_N` (5000) rows: a G-test's degrees of freedom
grow with the product of the levels, so halving the rows costs it more power
than it costs Fisher-z, the consensus loses v-structures and the graph is less
oriented. Evidence (``benchmarks/bench_copilot.py`` discrete scenario, n = 1000,
10 resamples): deciding on seeds 0-2 at p = 10, 80% resamples raised the
arrowhead F1 from 0.39 to 0.45 (SHD 5.7 -> 5.0); confirming on seeds 3-4 (not
used to decide) from 0.55 to 0.72 (SHD 4.0 -> 3.0), and on seeds 0-4 at p = 20
it was never worse. With the rule's own 30 resamples at p = 50 (PC, G-test,
alpha = 0.05, seeds 0-4) 80% beat half on every seed: arrowhead F1 0.64 -> 0.71,
SHD 22.4 -> 19.8. For mixed data the same comparison was inconclusive (up
and down by seed), so mixed data keep half-samples. The 5000-row cut-off is a
judgement, not measured: the evidence is at n = 1000 only.

**All-categorical data are tuned by StARS** (Liu, Roeder & Wasserman 2010), as
mixed data are, not by held-out likelihood: the predictive likelihood of
BDeu-smoothed CPTs fitted on 80% of the rows penalises every extra parent's
table, so it picks too sparse a graph for structure recovery. Evidence (discrete
scenario, n = 1000): at p = 50 held-out likelihood chose alpha = 0.01 on seeds
0-3; with the rule's 30 resamples (80%), alpha = 0.01 gave arrowhead F1 0.62 /
SHD 23.8 against 0.71 / 19.8 at 0.05 and 0.72 / 19.2 at 0.1 (seeds 0-4, worse on
every seed). The whole copilot with StARS instead (10 resamples): decided on
seeds 0-2 at p = 50, arrowhead F1 0.56 -> 0.71, SHD 27.3 -> 20.3; on seeds 3-4
(not used to decide) neutral (0.735 -> 0.735, SHD 17.5 -> 18.0); at p = 20 and
p = 10 (seeds 0-4) unchanged on all seeds but one (p = 20 seed 3: SHD 7 -> 8).
StARS picked the largest alpha of the grid (0.1) on every discrete run: its
instability stayed under its beta = 0.05 there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..data.profile import DataProfile
from ..exceptions import InvalidParameterError

if TYPE_CHECKING:
    from .stability import Resampling
    from .tuning import TuningMethod

__all__ = ["MethodChoice", "choose_method", "bootstrap_size", "CONSENSUS_THRESHOLD"]

#: Adjacency frequency at which a pair enters the consensus graph (majority rule).
CONSENSUS_THRESHOLD = 0.5
#: Largest p for exact search, GES, DirectLiNGAM and kernel tests respectively.
EXACT_MAX_P, GES_MAX_P, LINGAM_MAX_P, KERNEL_MAX_P = 8, 50, 100, 30
#: Largest p for FCI's textbook Possible-D-SEP stage; above it the Tetrad restricted search (the textbook
#: stage needs 10^10 or more tests at p = 50 on sparse graphs, docs/fci.md).
FCI_FULL_PDSEP_MAX_P = 20
#: Below this many rows KCI is used instead of its randomized approximation RCoT.
KCI_MAX_N = 500
#: Resample size (fraction of rows, without replacement) from SUBSAMPLE_MIN_N rows on, and below it.
SUBSAMPLE_FRACTION, SMALL_N_FRACTION, SUBSAMPLE_MIN_N = 0.5, 0.8, 1000
#: For all-categorical data half-samples start only at this many rows (G-tests lose power faster, see above).
DISCRETE_SUBSAMPLE_MIN_N = 5000


@dataclass(frozen=True)
class MethodChoice:
    """The discovery method the copilot chose, and why.

    Attributes
    ----------
    algorithm:
        Registry name in :data:`~causalscope.discovery.DISCOVERY_ALGORITHMS`.
    parameters:
        Fixed hyperparameters (``ci_test``, ``score``, ``domain_column``...).
    tune_grid:
        Grid handed to :func:`~causalscope.pipeline.tune`, or ``None`` (not tuned).
    tune_method:
        The tuning criterion (``"heldout_likelihood"``, ``"stability"``) or ``None``.
    n_bootstrap:
        Resamples before any budget adjustment.
    resampling, sample_fraction:
        How rows are resampled (:func:`~causalscope.pipeline.bootstrap_edges`):
        ``"subsample"`` (without replacement) and the fraction of rows per resample.
    threshold:
        Consensus threshold on the adjacency frequency.
    rule:
        Short name of the rule that fired.
    reasons:
        One sentence per decision, citing the profile's evidence.
    """

    algorithm: str
    parameters: dict[str, Any]
    tune_grid: dict[str, list[Any]] | None
    tune_method: TuningMethod | None
    n_bootstrap: int
    threshold: float
    rule: str
    reasons: tuple[str, ...] = field(default_factory=tuple)
    resampling: Resampling = "subsample"
    sample_fraction: float = 0.5

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {
            "name": self.algorithm,
            "parameters": dict(self.parameters),
            "tune_grid": None if self.tune_grid is None else {k: list(v) for k, v in self.tune_grid.items()},
            "tune_method": self.tune_method,
            "n_bootstrap": self.n_bootstrap,
            "resampling": self.resampling,
            "sample_fraction": self.sample_fraction,
            "threshold": self.threshold,
            "rule": self.rule,
            "reasons": list(self.reasons),
        }


def bootstrap_size(p: int, *, kernel: bool = False) -> int:
    """Default number of bootstrap replicates for ``p`` variables (see the module docstring).

    Examples
    --------
    >>> bootstrap_size(11), bootstrap_size(200), bootstrap_size(5, kernel=True)
    (50, 10, 10)
    """
    if kernel or p > 100:
        return 10
    return 50 if p <= 20 else 30 if p <= 50 else 20


def ci_test_for(*, discrete: bool, mixed: bool) -> str:
    """The CI test the rules use for the column kinds: ``gsq`` (all categorical), ``mixed`` or ``fisherz``."""
    return "gsq" if discrete else "mixed" if mixed else "fisherz"


def alpha_grid_for(budget: float | None) -> list[float]:
    """The alpha grid tuned over: two points under a budget of 60 s, else four."""
    return [0.01, 0.05] if budget is not None and budget < 60 else [0.001, 0.01, 0.05, 0.1]


def tune_method_for(*, discrete: bool, mixed: bool) -> TuningMethod:
    """StARS for categorical data (all or some columns; see the module docstring for the evidence on
    discrete data), held-out likelihood for continuous data."""
    return "stability" if mixed or discrete else "heldout_likelihood"


def _fmt(x: float | None) -> str:
    return "not assessed" if x is None else f"{x:.3g}"


def _flag(profile: DataProfile, name: str) -> bool | None:
    f = profile.flags.get(name)
    return None if f is None else f.value


def choose_method(
    profile: DataProfile,
    *,
    domain_column: str | None = None,
    time_column: str | None = None,
    assume_latent: bool = False,
    budget: float | None = None,
) -> MethodChoice:
    """Pick the discovery method, its fixed settings and its tuning grid from a data profile.

    Parameters
    ----------
    profile:
        The result of :func:`~causalscope.data.profile.profile_data` on the
        variables to be analysed (a domain column, if any, profiled as the domain).
    domain_column:
        Name of the domain (environment) column, when the data has one.
    time_column:
        Name of the time-index column; used as CD-NOD's surrogate when there is no
        domain column and the profile finds change over time blocks.
    assume_latent:
        The user suspects unobserved common causes: FCI is used.
    budget:
        Time budget in seconds (``None``: no limit). Under 60 s the kernel tests
        are replaced by Fisher-z and tuning uses a two-point grid.

    Returns
    -------
    MethodChoice

    Raises
    ------
    InvalidParameterError
        If ``budget`` is not positive.

    References
    ----------
    Huang, B. et al. (2020). Causal discovery from heterogeneous/nonstationary data. JMLR 21(89).
    Shimizu, S. et al. (2011). DirectLiNGAM. JMLR 12, 1225-1248.
    Chickering, D. M. (2002). Optimal structure identification with greedy search. JMLR 3.
    Zhang, K. et al. (2011). Kernel-based conditional independence test. UAI.
    Meinshausen, N. & Bühlmann, P. (2010). Stability selection. JRSS B 72(4).
    Liu, H., Roeder, K. & Wasserman, L. (2010). Stability approach to regularization selection (StARS). NeurIPS.

    Examples
    --------
    >>> from causalscope.datasets import simulate
    >>> from causalscope.data.profile import profile_data
    >>> sim = simulate(5, 500, mechanism="linear", noise="uniform", random_state=0)
    >>> choose_method(profile_data(sim.data, random_state=0)).algorithm
    'lingam'
    """
    if budget is not None and not budget > 0:
        raise InvalidParameterError(f"budget must be a positive number of seconds; got {budget!r}")
    p, n = profile.n_variables, profile.n_samples
    tight = budget is not None and budget < 60
    reasons: list[str] = []
    linear, gaussian = _flag(profile, "linear"), _flag(profile, "gaussian")
    discrete, mixed = _flag(profile, "discrete"), _flag(profile, "mixed")
    hetero = _flag(profile, "heterogeneous")
    fl, fg = profile.fraction_nonlinear, profile.fraction_non_gaussian
    ci_cont = "fisherz"
    ci_kind = ci_test_for(discrete=bool(discrete), mixed=bool(mixed))
    alpha_grid = alpha_grid_for(budget)
    tune_method = tune_method_for(discrete=bool(discrete), mixed=bool(mixed))

    def done(algorithm: str, params: dict[str, Any], grid: dict[str, list[Any]] | None, rule: str,
             kernel: bool = False) -> MethodChoice:
        nb = bootstrap_size(p, kernel=kernel)
        frac = SUBSAMPLE_FRACTION if n >= (DISCRETE_SUBSAMPLE_MIN_N if discrete else SUBSAMPLE_MIN_N) \
            else SMALL_N_FRACTION
        why_frac = ""
        if discrete and SUBSAMPLE_MIN_N <= n < DISCRETE_SUBSAMPLE_MIN_N:
            why_frac = (f"; all columns are categorical and n < {DISCRETE_SUBSAMPLE_MIN_N}, so {frac:.0%} rather "
                        "than half: G-tests need the rows")
        reasons.append(
            f"Uncertainty: {nb} resamples of {frac:.0%} of the rows without replacement for p = {p}"
            f"{' with a kernel CI test' if kernel else ''} (with-replacement duplicates would make tests "
            f"overconfident{why_frac}); the final graph keeps a pair adjacent in at least {CONSENSUS_THRESHOLD:.0%} of them, "
            "with its most frequent orientation."
        )
        return MethodChoice(algorithm, params, grid, tune_method if grid else None, nb, CONSENSUS_THRESHOLD,
                            rule, tuple(reasons), "subsample", frac)

    # 1. heterogeneity across domains (or over time, without a domain column)
    if domain_column is None and time_column is not None and hetero:
        domain_column = time_column
    if domain_column is not None:
        if hetero:
            stat = profile.flags["heterogeneous"].statistic
            reasons.append(
                f"Heterogeneous: a fraction {_fmt(stat)} of the variables change their distribution across the "
                f"domains of {domain_column!r} (profile test), so CD-NOD uses the domain as a surrogate of the "
                "changing mechanisms and can orient edges from those changes."
            )
            ci = "fisherz" if not discrete and not mixed else ci_kind
            reasons.append(f"CD-NOD's CI test: {ci} (the data are {'discrete' if discrete else 'mixed' if mixed else 'continuous'}).")
            return done("cdnod", {"domain_column": domain_column, "ci_test": ci}, {"alpha": alpha_grid},
                        "heterogeneous")
        reasons.append(
            f"Domain column {domain_column!r} given but no variable changes across its domains "
            f"(heterogeneous = {hetero}); it is left out of the discovery."
        )
    # 2. latent confounding
    if assume_latent:
        reasons.append(
            "Latent confounding is suspected (requested), so FCI is used: it does not assume causal sufficiency "
            "and returns a PAG whose <-> and o-> marks say what unobserved common causes allow."
        )
        pdsep = "full" if p <= FCI_FULL_PDSEP_MAX_P else "tetrad"
        reasons.append(
            f"FCI's Possible-D-SEP stage: the textbook search (exact, exponential in the set sizes) for p <= "
            f"{FCI_FULL_PDSEP_MAX_P}; here p = {p}, so "
            + ("the textbook search." if pdsep == "full" else
               "the restricted Tetrad/causal-learn search (fast; it may keep an edge the textbook stage removes).")
        )
        return done("fci", {"ci_test": ci_kind, "possible_dsep": pdsep}, {"alpha": alpha_grid}, "latent")
    # 3. discrete
    if discrete:
        reasons.append("Discrete: every column is categorical, so PC with the G-test (gsq) of conditional independence.")
        reasons.append("alpha is tuned by StARS stability over subsamples, not by held-out likelihood: on categorical "
                       "data the held-out likelihood of smoothed CPTs prefers too sparse a graph (see the benchmark in "
                       "docs/copilot.md).")
        return done("pc", {"ci_test": "gsq"}, {"alpha": alpha_grid}, "discrete")
    # 4. mixed
    if mixed:
        from ..independence import CI_TESTS

        stat = profile.flags["mixed"].statistic
        if "mixed" in CI_TESTS:
            reasons.append(f"Mixed: a fraction {_fmt(stat)} of the columns are categorical and the rest continuous, "
                           "so PC with the mixed-type CI test.")
            return done("pc", {"ci_test": "mixed"}, {"alpha": alpha_grid}, "mixed")
        reasons.append("Mixed data but no mixed CI test is registered: PC with Fisher-z on the codes (approximation).")
        return done("pc", {"ci_test": "fisherz"}, {"alpha": alpha_grid}, "mixed")
    # 5. linear non-Gaussian
    if linear and gaussian is False:
        if p <= LINGAM_MAX_P:
            reasons.append(
                f"Linear (fraction of variables with a nonlinear gain {_fmt(fl)}, below the profile's threshold) "
                f"and non-Gaussian (fraction with non-Gaussian residuals {_fmt(fg)}): DirectLiNGAM identifies the "
                "full DAG, not only its equivalence class."
            )
            reasons.append("DirectLiNGAM is not tuned: its adaptive-lasso pruning chooses the parents by BIC itself.")
            return done("lingam", {}, None, "linear_non_gaussian")
        reasons.append(f"Linear non-Gaussian, but p = {p} > {LINGAM_MAX_P}: DirectLiNGAM's O(p^3) search is too slow; "
                       "falling back to the linear-Gaussian rules.")
    # 6. nonlinear
    if linear is False:
        if p <= KERNEL_MAX_P and not tight:
            test = "kci" if n < KCI_MAX_N else "rcot"
            reasons.append(
                f"Nonlinear: a fraction {_fmt(fl)} of the variables gain held-out R2 from spline terms, so PC with a "
                f"kernel CI test: {test} ({'exact KCI for n < ' if test == 'kci' else 'randomized RCoT for n >= '}"
                f"{KCI_MAX_N})."
            )
            reasons.append("alpha is not tuned for kernel tests: a grid would multiply their cost; alpha = 0.05.")
            return done("pc", {"ci_test": test, "alpha": 0.05}, None, "nonlinear", kernel=True)
        why = f"p = {p} > {KERNEL_MAX_P}" if p > KERNEL_MAX_P else f"the budget ({budget:g} s) is tight"
        reasons.append(f"Nonlinear (fraction {_fmt(fl)}), but {why}: kernel CI tests would not finish, so PC with "
                       "Fisher-z, which detects only the linear part of each dependence.")
        return done("pc", {"ci_test": ci_cont}, {"alpha": alpha_grid}, "nonlinear_fast")
    # 7. linear Gaussian (or not assessable)
    what = "Linear and Gaussian" if linear and gaussian else "Linearity/Gaussianity not assessable; assuming linear-Gaussian"
    if p <= EXACT_MAX_P and not tight:
        reasons.append(f"{what} (nonlinear fraction {_fmt(fl)}, non-Gaussian fraction {_fmt(fg)}) and p = {p} <= "
                       f"{EXACT_MAX_P}: exact search finds the BIC-optimal equivalence class, no greedy step.")
        return done("exact", {"score": "bic"}, {"penalty_discount": [0.5, 1.0, 2.0, 4.0]}, "small_p_exact")
    if p <= GES_MAX_P:
        reasons.append(f"{what} and p = {p} <= {GES_MAX_P}: GES with the Gaussian BIC (consistent, and score-based "
                       "search is more stable than PC at this size).")
        return done("ges", {"score": "bic"}, {"penalty_discount": [0.5, 1.0, 2.0, 4.0][: 2 if tight else 4]},
                    "linear_gaussian_ges")
    reasons.append(f"{what} and p = {p} > {GES_MAX_P}: PC with Fisher-z, the fast choice for many variables.")
    return done("pc", {"ci_test": "fisherz"}, {"alpha": alpha_grid}, "linear_gaussian_pc")
