"""The National Supported Work experiment (LaLonde 1986; Dehejia & Wahba 1999).

The randomized 445-row sample (experimental ATE on 1978 earnings = $1,794.34) or
the 185 treated with 15,992 CPS survey controls, the classic observational benchmark.
"""

from __future__ import annotations

from typing import Literal

import pandas as pd

from ..exceptions import DataError, InvalidParameterError
from .packaged import Example, read_packaged_csv

__all__ = ["load_lalonde"]


_LALONDE_COLUMNS = ("treat", "age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75", "re78")
_LALONDE_PROVENANCE = (
    "LaLonde, R. J. (1986). Evaluating the econometric evaluations of training programs with "
    "experimental data. American Economic Review 76(4), 604-620. Dehejia, R. H. & Wahba, S. (1999). "
    "Causal effects in nonexperimental studies: reevaluating the evaluation of training programs. "
    "JASA 94(448), 1053-1062. Files: datasets nsw_mixtape and cps_mixtape of the PyPI package "
    "causaldata 0.1.5 (MIT; from Cunningham, Causal Inference: The Mixtape, 2021). "
    "See causalscope/datasets/data/lalonde/PROVENANCE.md."
)
#: Experimental benchmark: difference in mean 1978 earnings, treated minus control.
_LALONDE_ATE = 1794.34


def _lalonde_frame(part: str) -> pd.DataFrame:
    fname = "causaldata_nsw_mixtape.csv" if part == "nsw" else "causaldata_cps_mixtape.csv.gz"
    frame = read_packaged_csv("lalonde", fname)
    if list(frame.columns) != ["data_id", *_LALONDE_COLUMNS]:
        raise DataError(f"LaLonde file {fname!r} has unexpected columns {list(frame.columns)}")
    return frame.drop(columns="data_id")


def load_lalonde(*, controls: Literal["experimental", "cps"] = "experimental") -> Example:
    """Load the NSW job-training data (LaLonde 1986; Dehejia & Wahba 1999).

    Parameters
    ----------
    controls:
        ``"experimental"``: the Dehejia-Wahba subsample of the randomized National
        Supported Work experiment, 445 rows (185 treated, 260 randomized controls).
        ``"cps"``: the same 185 treated men followed by 15,992 non-experimental
        controls from the Current Population Survey (CPS-1), 16,177 rows.

    Returns
    -------
    Example
        Columns ``treat`` (1 = job training), ``age``, ``educ`` (years),
        ``black``, ``hisp``, ``marr``, ``nodegree`` (0/1), ``re74``, ``re75``,
        ``re78`` (real earnings in 1974, 1975, 1978, USD). ``treatment="treat"``,
        ``outcome="re78"``. ``reference["ate"]`` (experimental) or
        ``reference["experimental_ate"]`` (cps) is the benchmark effect $1,794.34.

    Raises
    ------
    InvalidParameterError
        If ``controls`` is not one of the two values.

    Notes
    -----
    The source files carry a constant ``data_id`` label column (``"Dehejia-Wahba
    Sample"`` / ``"CPS1"``); it is dropped. Both files have the same columns. The
    ``"cps"`` table is the NSW rows with ``treat == 1`` stacked on all CPS rows
    (all ``treat == 0``), in that order. In the experiment, the difference in mean
    ``re78`` (6349.14 - 4554.80 = 1794.34, standard error about 671) estimates the
    average treatment effect. With CPS controls the naive difference in means is
    about -8,498: the classic test of whether adjustment for the covariates
    recovers the experimental answer.

    References
    ----------
    .. [1] LaLonde, R. J. (1986). Evaluating the econometric evaluations of training
       programs with experimental data. American Economic Review 76(4), 604-620.
    .. [2] Dehejia, R. H. & Wahba, S. (1999). Causal effects in nonexperimental
       studies: reevaluating the evaluation of training programs. Journal of the
       American Statistical Association 94(448), 1053-1062.

    Examples
    --------
    >>> ex = load_lalonde()
    >>> ex.data.shape, int(ex.data["treat"].sum())
    ((445, 10), 185)
    >>> d = ex.data.groupby("treat")["re78"].mean()
    >>> round(float(d[1] - d[0]), 2) == ex.reference["ate"]
    True
    """
    if controls == "experimental":
        data = _lalonde_frame("nsw")
        return Example(
            name="lalonde",
            data=data,
            description=(
                "National Supported Work experiment, Dehejia-Wahba subsample: 445 men randomized to job "
                "training (treat=1, 185) or not (treat=0, 260); outcome re78 = 1978 earnings."
            ),
            provenance=_LALONDE_PROVENANCE,
            treatment="treat",
            outcome="re78",
            reference={
                "ate": _LALONDE_ATE,
                "ate_se": 671.00,
                "treated_mean_re78": 6349.14,
                "control_mean_re78": 4554.80,
                "n_treated": 185,
                "n_control": 260,
            },
        )
    if controls == "cps":
        nsw = _lalonde_frame("nsw")
        data = pd.concat([nsw[nsw["treat"] == 1], _lalonde_frame("cps")], ignore_index=True)
        return Example(
            name="lalonde-cps",
            data=data,
            description=(
                "NSW treated men (185) with 15,992 non-experimental CPS-1 controls: the observational "
                "benchmark; adjusting for the covariates should move the estimate from the naive "
                "difference in means towards the experimental $1,794."
            ),
            provenance=_LALONDE_PROVENANCE,
            treatment="treat",
            outcome="re78",
            reference={
                "experimental_ate": _LALONDE_ATE,
                "naive_difference": -8497.52,
                "n_treated": 185,
                "n_control": 15992,
            },
        )
    raise InvalidParameterError(f"controls must be 'experimental' or 'cps'; got {controls!r}")
