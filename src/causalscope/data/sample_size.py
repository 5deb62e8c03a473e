"""How many rows a causal discovery needs: one rule for ``discover`` and ``analyze``.

Two numbers, applied the same way by the command line's ``discover`` and by the
copilot (``analyze``):

* **At least** :data:`MIN_ROWS` **(10) rows**, else :class:`~causalscope.exceptions.DataError`.
  Below that no test or score says anything: with 2 rows every Fisher-z test has
  negative degrees of freedom and PC returns the empty graph, while GES on 5 rows
  and 20 columns fits a regression with more parameters than rows in every step
  and returns a dense graph. Both answers look like results; they are not.
* **A warning when the sample is small for the largest model the method fits**:
  fewer than :data:`ROWS_PER_VARIABLE` (10) rows per variable of its largest
  test or regression. A CI-test method (PC, FCI, CD-NOD) tests two variables given
  at most ``max_cond_size`` others (all ``p - 2`` others when unbounded), so it
  needs ``10 * (k + 2)`` rows; a score-based method or DirectLiNGAM regresses a
  variable on up to ``p - 1`` others, so it needs ``10 * p`` rows. Ten rows per
  parameter is the common rule of thumb for regressions (Peduzzi et al. 1996;
  Harrell 2015, sec. 4.4); below it tests lose power quickly (edges are missed) and
  scores over-fit (spurious edges).

References
----------
Peduzzi, P., Concato, J., Kemper, E., Holford, T. R., & Feinstein, A. R. (1996). A
simulation study of the number of events per variable in logistic regression
analysis. *Journal of Clinical Epidemiology*, 49(12), 1373-1379.

Harrell, F. E. (2015). *Regression Modeling Strategies* (2nd ed.). Springer.

Examples
--------
>>> check_sample_size(1000, 5, family="ci")
()
>>> print(check_sample_size(50, 8, family="score")[0])  # doctest: +NORMALIZE_WHITESPACE
50 rows for 8 variables: a score-based search or LiNGAM regresses a variable on up to 7 others and needs
about 80 rows (10 per variable) to do it reliably; expect spurious or missing edges.
"""

from __future__ import annotations

from typing import Literal

from ..exceptions import DataError, InvalidParameterError

__all__ = ["MIN_ROWS", "ROWS_PER_VARIABLE", "MethodFamily", "check_sample_size"]

#: Fewest rows any discovery (and the copilot) accepts.
MIN_ROWS = 10
#: Rows per variable of the largest test or regression below which a warning is given.
ROWS_PER_VARIABLE = 10

MethodFamily = Literal["ci", "score"]


def check_sample_size(
    n_rows: int,
    n_variables: int,
    *,
    family: MethodFamily,
    max_cond_size: int | None = None,
    what: str = "rows",
) -> tuple[str, ...]:
    """Apply the sample-size rule (module docstring); return the warnings, raise when too few.

    Parameters
    ----------
    n_rows:
        Rows the method will use.
    n_variables:
        Variables it analyses (``p``).
    family:
        ``"ci"`` for methods built on CI tests (PC, FCI, CD-NOD), ``"score"`` for
        score-based search and regression-based methods (GES, exact search, DirectLiNGAM).
    max_cond_size:
        The largest conditioning set a CI-test method may use (``None``: unbounded).
    what:
        How the rows are named in the messages (e.g. ``"complete rows"``).

    Returns
    -------
    tuple of str
        Zero or one warning sentence.

    Raises
    ------
    DataError
        Fewer than :data:`MIN_ROWS` rows.
    InvalidParameterError
        An unknown ``family``.
    """
    if family not in ("ci", "score"):
        raise InvalidParameterError(f"family must be 'ci' or 'score'; got {family!r}")
    if n_rows < MIN_ROWS:
        raise DataError(f"only {n_rows} {what}; at least {MIN_ROWS} are needed for causal discovery "
                        f"(no test or score is informative below that)")
    p = int(n_variables)
    if family == "ci":
        k = max(p - 2, 0) if max_cond_size is None else min(int(max_cond_size), max(p - 2, 0))
        need = ROWS_PER_VARIABLE * (k + 2)
        if n_rows < need:
            return (f"{n_rows} {what} for {p} variables: a CI test of two variables given up to {k} others needs "
                    f"about {need} rows ({ROWS_PER_VARIABLE} per variable in the test); expect missing edges"
                    + (" (a smaller max_cond_size tests smaller sets)." if k else "."),)
        return ()
    need = ROWS_PER_VARIABLE * p
    if n_rows < need:
        return (f"{n_rows} {what} for {p} variables: a score-based search or LiNGAM regresses a variable on up to "
                f"{p - 1} others and needs about {need} rows ({ROWS_PER_VARIABLE} per variable) to do it reliably; "
                "expect spurious or missing edges.",)
    return ()
