"""Missing values in the copilot: which rows each stage of the analysis uses.

Dropping every incomplete row (listwise deletion) wastes data fast: with 10%
of the cells missing completely at random, a row of ``p`` variables is complete
with probability ``0.9 ** p`` -- 12% of the rows at ``p = 20``, 0.5% at
``p = 50``. The copilot therefore keeps the incomplete rows wherever a method
can use them:

* **CI-test based discovery** (PC, FCI, CD-NOD) runs on every row with
  *test-wise deletion* (``missing="testwise"``): each conditional independence
  test ``X _||_ Y | Z`` uses the rows complete in ``X``, ``Y`` and ``Z``
  (Tu, Zhang et al. 2019 call this test-wise deletion; it is consistent when the
  values are missing completely at random, MCAR).
* **Score-based and functional methods** (GES, exact search, the exact
  posterior, DirectLiNGAM) need complete rows. They run on the complete rows
  when there are enough of them; otherwise the copilot switches to PC with
  test-wise deletion and the CI test that fits the column kinds (Fisher-z,
  G-test, or the mixed test), and says so in the method reasons. *Enough* is the
  documented rule :func:`enough_complete_rows`: at least
  :data:`MIN_COMPLETE_FRACTION` (50%) of the rows **and** at least
  :data:`MIN_ROWS_PER_VARIABLE` (10) complete rows per variable.
* **Tuning** refits the same way; the held-out likelihood is computed
  available-case (see :mod:`causalscope.pipeline.tuning`); discrete or mixed data
  with missing values are tuned by StARS, which needs no likelihood.
* **Resampling** draws from the same rows the discovery used (all rows under
  test-wise deletion).
* **Effects** are estimated on the rows complete in the columns the estimator
  reads (treatment, outcome, adjustment set or mediators; every variable for the
  other estimands).

:class:`MissingPlan` records the decision; the analysis reports the rows each
stage used.

References
----------
Rubin, D. B. (1976). Inference and missing data. *Biometrika* 63(3), 581-592.
Tu, R., Zhang, C., Ackermann, P., Mohan, K., Kjellström, H. & Zhang, K. (2019).
Causal discovery in the presence of missing data. AISTATS.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from .choose import MethodChoice, alpha_grid_for, ci_test_for, tune_method_for

__all__ = [
    "MissingPlan",
    "plan_missing",
    "enough_complete_rows",
    "MIN_COMPLETE_FRACTION",
    "MIN_ROWS_PER_VARIABLE",
    "TESTWISE_ALGORITHMS",
    "COMPLETE_ROW_ALGORITHMS",
]

#: Score-based / functional methods need at least this fraction of the rows complete ...
MIN_COMPLETE_FRACTION = 0.5
#: ... and at least this many complete rows per variable; otherwise PC with test-wise deletion.
MIN_ROWS_PER_VARIABLE = 10
#: Algorithms whose CI tests accept ``missing="testwise"``.
TESTWISE_ALGORITHMS = frozenset({"pc", "fci", "cdnod"})
#: Algorithms that need complete rows.
COMPLETE_ROW_ALGORITHMS = frozenset({"ges", "exact", "exact_posterior", "lingam"})


def enough_complete_rows(n_complete: int, n_rows: int, p: int) -> bool:
    """The documented rule: ``n_complete >= 0.5 * n_rows`` and ``n_complete >= 10 * p``.

    Examples
    --------
    >>> enough_complete_rows(600, 1000, 20), enough_complete_rows(115, 1000, 20), enough_complete_rows(150, 200, 20)
    (True, False, False)
    """
    return n_complete >= MIN_COMPLETE_FRACTION * n_rows and n_complete >= MIN_ROWS_PER_VARIABLE * p


@dataclass(frozen=True)
class MissingPlan:
    """How the analysis handles missing values.

    Attributes
    ----------
    strategy:
        ``"none"`` (no missing value), ``"testwise"`` (every row, test-wise
        deletion) or ``"listwise"`` (complete rows only, for a method that needs them).
    choice:
        The method choice after the missing-value rule (the input choice, possibly
        switched to PC, and with ``missing="testwise"`` in its parameters).
    switched_from:
        The algorithm the rules chose before the switch, or ``None``.
    n_rows, n_complete:
        Rows of the table and complete rows (over the analysed variables).
    discovery_rows:
        Rows handed to discovery, tuning and resampling.
    reason:
        One sentence for the method reasons, or ``""`` without missing values.
    """

    strategy: str
    choice: MethodChoice
    switched_from: str | None
    n_rows: int
    n_complete: int
    discovery_rows: int
    reason: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary."""
        return {"strategy": self.strategy, "switched_from": self.switched_from, "n_rows": self.n_rows,
                "n_complete": self.n_complete, "discovery_rows": self.discovery_rows, "reason": self.reason}


def _kinds_text(kinds: dict[str, str]) -> str:
    discrete = [v for v, k in kinds.items() if k != "continuous"]
    return "continuous" if not discrete else "discrete" if len(discrete) == len(kinds) else "mixed"


def plan_missing(
    choice: MethodChoice,
    frame: pd.DataFrame,
    kinds: dict[str, str],
    *,
    budget: float | None = None,
) -> MissingPlan:
    """Apply the missing-value rules of the module docstring to a method choice.

    Parameters
    ----------
    choice:
        The result of :func:`~causalscope.pipeline.choose_method`.
    frame:
        The analysed variables (not the domain/time columns).
    kinds:
        Column kind per variable (``"continuous"``, ``"discrete"``, ``"binary"``, ``"ordinal"``),
        e.g. ``profile.kinds``.
    budget:
        The analysis budget in seconds; under 60 s the switched PC gets the two-point alpha grid
        (as :func:`~causalscope.pipeline.choose_method` does).

    Returns
    -------
    MissingPlan

    Examples
    --------
    >>> from causalscope.datasets import simulate
    >>> from causalscope.data.profile import profile_data
    >>> from causalscope.pipeline import choose_method
    >>> sim = simulate(20, 500, missing=0.1, random_state=0)
    >>> prof = profile_data(sim.data, random_state=0)
    >>> plan = plan_missing(choose_method(prof), sim.data, prof.kinds)
    >>> plan.strategy, plan.switched_from, plan.choice.algorithm, plan.choice.parameters["missing"]
    ('testwise', 'ges', 'pc', 'testwise')
    """
    n = len(frame)
    p = frame.shape[1]
    n_complete = int((~frame.isna().any(axis=1)).sum())
    if n_complete == n:
        return MissingPlan("none", choice, None, n, n, n, "")
    frac = 1 - n_complete / n if n else 0.0
    cells = float(frame.isna().to_numpy().mean())
    algo = choice.algorithm
    what = (f"Missing values: {cells:.1%} of the cells are missing and {frac:.0%} of the rows are incomplete "
            f"({n_complete} of {n} complete)")
    kind_text = _kinds_text({v: str(kinds.get(v, "continuous")) for v in frame.columns})
    ci = ci_test_for(discrete=kind_text == "discrete", mixed=kind_text == "mixed")
    tune_method = tune_method_for(discrete=kind_text == "discrete", mixed=kind_text == "mixed")
    if algo in TESTWISE_ALGORITHMS:
        new = replace(choice, parameters={**choice.parameters, "missing": "testwise"},
                      tune_method=None if choice.tune_grid is None else tune_method)
        reason = (f"{what}; {algo.upper()} uses every row with test-wise deletion: each CI test uses the rows "
                  "complete in its variables (consistent when values are missing completely at random).")
        return MissingPlan("testwise", _with_reason(new, reason), None, n, n_complete, n, reason)
    if enough_complete_rows(n_complete, n, p):
        reason = (f"{what}; {algo.upper()} needs complete rows and there are enough of them (at least "
                  f"{MIN_COMPLETE_FRACTION:.0%} of the rows and {MIN_ROWS_PER_VARIABLE} per variable), so it runs on "
                  f"the {n_complete} complete rows (listwise deletion).")
        return MissingPlan("listwise", _with_reason(choice, reason), None, n, n_complete, n_complete, reason)
    grid = alpha_grid_for(budget)
    reason = (f"{what}; {algo.upper()} needs complete rows and {n_complete} is fewer than "
              f"{MIN_COMPLETE_FRACTION:.0%} of the rows or {MIN_ROWS_PER_VARIABLE} per variable "
              f"({MIN_ROWS_PER_VARIABLE * p}), so PC with {ci} ({kind_text} data) and test-wise deletion is used "
              f"instead of {algo.upper()}: every row is used, each CI test on the rows complete in its variables.")
    new = replace(choice, algorithm="pc", parameters={"ci_test": ci, "missing": "testwise"},
                  tune_grid={"alpha": grid}, tune_method=tune_method, rule="missing_values_pc")
    return MissingPlan("testwise", _with_reason(new, reason), algo, n, n_complete, n, reason)


def _with_reason(choice: MethodChoice, reason: str) -> MethodChoice:
    """Insert ``reason`` before the resampling sentence (the last reason)."""
    reasons = list(choice.reasons)
    at = len(reasons) - 1 if reasons and reasons[-1].startswith("Uncertainty:") else len(reasons)
    reasons.insert(at, reason)
    return replace(choice, reasons=tuple(reasons))


def complete_rows(frame: pd.DataFrame, columns: list[str] | tuple[str, ...]) -> np.ndarray:
    """Boolean mask of the rows of ``frame`` complete in ``columns``."""
    return ~frame[list(columns)].isna().any(axis=1).to_numpy()
