"""Deterministic relations between columns, found before causal discovery.

A column is *deterministic* when it is an exact function of other columns: a
total (``x3 = x1 + x2``), a unit conversion (``weight_lb = 2.20462 * weight_kg``),
an exact duplicate, a recoded copy (``smoker`` as ``"yes"/"no"`` and
``smoker_yes_no`` as ``1/0``), a coarsening (``age_group`` from ``age``), or a
full set of dummy columns (``d1 + d2 + d3 = 1``).

Why they break discovery
------------------------
Constraint-based discovery (PC, FCI, CD-NOD) reads edges off conditional
independences and assumes *faithfulness*: every independence in the data is one
that the causal graph implies (Spirtes, Glymour & Scheines 2000). A deterministic
column breaks this. If ``x2 = 2*x1`` then, for every ``y``, ``y`` is independent
of ``x2`` given ``x1`` and of ``x1`` given ``x2`` (given one of them the other is a
constant), so PC removes both ``x1 - y`` and ``x2 - y`` even when ``x1`` causes
``y``: only ``x1 --- x2`` survives. With ``x3 = x1 + x2`` the set ``{x1, x3}``
determines ``x2``, and a true edge ``x2 - y`` disappears as soon as that set is
tested. Deterministic nodes make independences hold that d-separation in the
true graph does not imply (Geiger, Verma & Pearl 1990); Lemeire et al. (2012)
characterise violations of adjacency faithfulness of this kind ("equivalent
edges", where different variables carry the same information about a third) and
the false edge removals they cause. The missing edges then look like the work of
a hidden common cause, which is the wrong explanation. Regressions and Gaussian
scores meet a singular design.

What :func:`find_deterministic` finds
-------------------------------------
**Exact linear dependence** among the numeric columns (continuous columns,
categorical columns with numeric labels, and two-level columns as ``0/1``;
unordered discrete columns with three or more levels are left to the functional
check, since their codes are arbitrary). One covariance matrix of the rows
complete in all these columns is computed (one vectorised pass over blocks of
rows, around a provisional mean from a subsample and then corrected exactly, so
that nothing cancels), turned into a correlation matrix, and the columns are
taken in table order: each is regressed on the columns kept so far (an incremental Cholesky
factor, i.e. Gram-Schmidt on the standardised columns) and is *dependent* when

    1 - R^2 < tol        (default ``tol = 1e-8``)

and kept otherwise. A dependent column is reported with a minimal set of
determinants (the smallest subset of the kept columns, taken by decreasing
standardised coefficient, that still gives ``1 - R^2 < tol``), its
coefficients and intercept, and ``R^2``. Because the earlier columns are kept,
the report always names the *latest* member of a relation as dependent. When
values are missing and fewer than half the rows (or fewer than 10 rows per
column) are complete in all these columns, pairs of columns are first checked on
the rows complete in each pair, so that a duplicate is found even then, and the
check across columns leaves out the columns with the most missing values until
10 rows per column are complete.

**Exact functional dependence** between two columns with few distinct values
(categorical columns, string columns, and numeric columns with at most
:data:`MAX_FUNCTIONAL_LEVELS` distinct values): ``A`` determines ``B`` when every
value of ``A`` comes with exactly one value of ``B``, ``B`` has two or more
values, and ``A`` has at most half as many distinct values as rows (otherwise
"each value of ``A`` comes with one value of ``B``" holds for any ``B`` and is
no evidence). Both directions are checked on the rows complete in the pair; a
relation in both directions is a one-to-one recoding (a duplicate). Pairs are
screened on a subsample (a counterexample there is a counterexample in the
whole table) and confirmed on all rows with a contingency table.

The threshold
-------------
``1 - R^2`` is the fraction of a column's variance that the others do not
explain linearly, so ``1 - R^2 < 1e-8`` means the unexplained part has a
standard deviation below ``1e-4`` of the column's own: the column agrees with a
linear combination of others to about four significant digits on every row.
This is far from any realistic correlation between separately measured
quantities: ``r = 0.99`` gives ``1 - R^2 = 0.02``, ``r = 0.999`` gives ``0.002``
and even ``r = 0.99999`` gives ``2e-5``, three orders of magnitude above the
threshold; sampling error does not close that gap (the estimate is within a
relative ``O(1/sqrt(n))`` of its population value). An exact relation computed
in double precision leaves ``1 - R^2`` near ``1e-15`` (float32 storage: about
``1e-14``), seven orders below the threshold, so rounding never hides one. A copy
stored with few digits (a conversion rounded to one decimal) is not exact and is
not flagged; raise ``tol`` (``1e-5``: agreement to about 2.5 digits) if such
columns are expected. Series dominated by a shared trend (two cumulative counts)
can come close to the threshold without being functions of each other: difference
or detrend them first, or lower ``tol``.

Policies
--------
:func:`resolve_deterministic` applies a :data:`DeterministicPolicy`:

``"drop"`` (the default, :data:`DEFAULT_DETERMINISTIC_POLICY`)
    remove, for each relation, the redundant column: the latest member of a
    linear relation or of a one-to-one recoding (the earliest column in table
    order is kept), the coarser column of a one-way functional relation
    (``age_group``, not ``age``). Columns named in ``protect`` (treatment,
    outcome) are never dropped; another member of the relation goes instead, and
    a relation among protected columns only is an error. Each dropped column
    comes with a message that names the relation.
``"error"``
    raise :class:`~causalscope.exceptions.DataError` naming every relation and
    its columns.
``"keep"``
    change nothing and return the descriptions (the caller warns).

Why ``"drop"`` is the default: a deterministic column carries no information
beyond its determinants (given them it is a constant), so removing it loses
nothing the data can tell, while keeping it silently produces a wrong graph; the
relation and the choice are reported, the choice is reproducible (table order),
and it can be overruled with ``protect`` or ``policy``. Stopping with
``"error"`` would halt an analysis on tables that routinely hold totals, unit
conversions and recodes, where the fix is mechanical. Read the result with the
dropped column in mind: its causes and effects appear as edges of the columns
that determine it.

Limitations
-----------
Only linear relations among numeric columns and functional relations between
*pairs* of low-cardinality columns are found. Nonlinear functions of continuous
columns (``bmi = weight / height**2``), thresholds of a continuous column with
(almost) no repeated values (``x > 0``) and functions of several categorical
columns jointly (``d = a XOR b``) are not.

References
----------
Geiger, D., Verma, T. & Pearl, J. (1990). Identifying independence in Bayesian
networks. *Networks* 20(5), 507-534.

Lemeire, J., Meganck, S., Cartella, F. & Liu, T. (2012). Conservative
independence-based causal structure learning in absence of adjacency
faithfulness. *International Journal of Approximate Reasoning* 53(9), 1305-1325.

Spirtes, P., Glymour, C. & Scheines, R. (2000). *Causation, Prediction, and
Search*, 2nd ed. MIT Press.

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> x1, x2 = rng.normal(size=200), rng.normal(size=200)
>>> frame = pd.DataFrame({"x1": x1, "x2": x2, "x3": x1 + x2,
...                       "smoker": rng.choice(["yes", "no"], size=200)})
>>> frame["smoker_01"] = (frame["smoker"] == "yes").astype(int)
>>> report = find_deterministic(frame)
>>> for relation in report.relations:
...     print(relation.equation)
x3 = 1*x1 + 1*x2
smoker_01 = f(smoker), one-to-one
>>> clean, messages = resolve_deterministic(frame, report, "drop")
>>> list(clean.columns)
['x1', 'x2', 'smoker']
>>> clean, messages = resolve_deterministic(frame, report, "drop", protect=["x3"])
>>> list(clean.columns)
['x1', 'x3', 'smoker']
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from pandas.api import types as ptypes

from ..exceptions import DataError, InvalidParameterError
from ..utils import get_logger
from ._encode import format_columns, object_numeric
from .dataset import Dataset
from .kinds import ColumnKind

__all__ = [
    "DEFAULT_DETERMINISTIC_POLICY",
    "DETERMINISTIC_TOL",
    "DETERMINISTIC_POLICIES",
    "MAX_FUNCTIONAL_LEVELS",
    "DeterministicPolicy",
    "DeterministicRelation",
    "DeterministicReport",
    "find_deterministic",
    "resolve_deterministic",
]

logger = get_logger(__name__)

DeterministicPolicy = Literal["drop", "error", "keep"]

#: The valid values of :data:`DeterministicPolicy`.
DETERMINISTIC_POLICIES: tuple[str, ...] = get_args(DeterministicPolicy)

#: The policy the copilot and ``discover`` should apply (see the module docstring).
DEFAULT_DETERMINISTIC_POLICY: DeterministicPolicy = "drop"

#: Default threshold on ``1 - R^2`` below which a column is linearly determined.
DETERMINISTIC_TOL = 1e-8

#: Columns with more distinct values than this take no part in the functional check.
MAX_FUNCTIONAL_LEVELS = 1000

_MIN_RESIDUAL_DOF = 5  # rows - predictors - 1 needed before a linear relation is believed
_MIN_FUNCTIONAL_ROWS = 10  # complete rows a pair needs for a functional relation
_ROWS_PER_COLUMN = 10  # complete rows per column the check across columns keeps, with missing values
_SAMPLE_ROWS = 4096  # rows of the subsample that screens pairs for the functional check
_SCREEN_ROWS = 256  # rows of its first, all-pairs-at-once stage
_CHUNK_ELEMENTS = 1 << 22  # values per block when passing over the rows

RelationKind = Literal["linear", "functional"]


# --------------------------------------------------------------------------- results


@dataclass(frozen=True)
class DeterministicRelation:
    """One column that is an exact function of others.

    Attributes
    ----------
    kind : {"linear", "functional"}
        ``"linear"``: ``dependent = intercept + sum(coefficients * determinants)``;
        ``"functional"``: each value of the (single) determinant comes with exactly
        one value of ``dependent``.
    dependent : str
        The column that is a function of the others.
    determinants : tuple of str
        A minimal set of columns it is a function of, in table order.
    coefficients : tuple of float
        Linear coefficients of the determinants (empty for ``"functional"``); for
        two-level columns without numeric labels, on their ``0/1`` codes.
    intercept : float
        Linear intercept (``0.0`` when negligible, and for ``"functional"``).
    r2 : float
        ``R^2`` of the dependent column on its determinants (``1.0`` for
        ``"functional"``).
    one_to_one : bool
        The relation also holds the other way round: a functional relation in both
        directions (a recoded duplicate) or a linear relation with one determinant
        (a rescaled copy).
    n_rows : int
        Rows the relation was established on (complete in the columns checked).
    redundant : str or None
        The column the ``"drop"`` policy removes for this relation; None when every
        member is protected (``"drop"`` then raises).
    """

    kind: RelationKind
    dependent: str
    determinants: tuple[str, ...]
    coefficients: tuple[float, ...] = ()
    intercept: float = 0.0
    r2: float = 1.0
    one_to_one: bool = False
    n_rows: int = 0
    redundant: str | None = None

    @property
    def columns(self) -> tuple[str, ...]:
        """The dependent column followed by its determinants."""
        return (self.dependent, *self.determinants)

    @property
    def equation(self) -> str:
        """The relation as one short line, e.g. ``"x3 = 1*x1 + 1*x2"``."""
        if self.kind == "functional":
            text = f"{self.dependent} = f({', '.join(self.determinants)})"
            return text + (", one-to-one" if self.one_to_one else "")
        terms = [(c < 0, f"{_number(abs(c))}*{name}") for name, c in zip(self.determinants, self.coefficients)]
        if self.intercept != 0.0:
            terms.append((self.intercept < 0, _number(abs(self.intercept))))
        text = ("-" if terms[0][0] else "") + terms[0][1]
        for negative, term in terms[1:]:
            text += (" - " if negative else " + ") + term
        return f"{self.dependent} = {text}"

    def describe(self) -> str:
        """The relation and its evidence in one sentence."""
        if self.kind == "linear":
            gap = 1.0 - self.r2
            fit = "1 - R^2 < 1e-15" if gap < 1e-15 else f"1 - R^2 = {gap:.1e}"
            return f"{self.equation} ({fit} on {self.n_rows} rows)"
        det = self.determinants[0]
        if self.one_to_one:
            return (f"{self.dependent!r} is a one-to-one recoding of {det!r} (each value of one comes with exactly "
                    f"one value of the other, on {self.n_rows} rows)")
        return (f"{self.dependent!r} is a function of {det!r} (each value of {det!r} comes with exactly one value "
                f"of {self.dependent!r}, on {self.n_rows} rows; not conversely)")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of the fields and the equation."""
        return {
            "kind": self.kind,
            "dependent": self.dependent,
            "determinants": list(self.determinants),
            "coefficients": [float(c) for c in self.coefficients],
            "intercept": float(self.intercept),
            "r2": float(self.r2),
            "one_to_one": self.one_to_one,
            "n_rows": int(self.n_rows),
            "redundant": self.redundant,
            "equation": self.equation,
        }


@dataclass(frozen=True)
class DeterministicReport:
    """The deterministic relations found in a table (the result of :func:`find_deterministic`).

    Attributes
    ----------
    relations : tuple of DeterministicRelation
        Every relation found, ordered by the table position of the dependent column.
    columns : tuple of str
        The columns checked, in table order.
    n_rows : int
        Rows of the table.
    n_rows_linear : int
        Rows complete in every column of the linear check (the rows its
        covariance matrix is computed from).
    tol : float
        The threshold on ``1 - R^2`` used.
    protect : tuple of str
        Columns the ``"drop"`` policy must keep, as given.
    kinds : dict
        Column kinds used (``{column: kind value}``) where known: all columns of a
        Dataset; for a DataFrame those given in ``kinds=`` and the inferred
        categorical ones.
    notes : tuple of str
        What was not checked, and on which rows, in words.
    """

    relations: tuple[DeterministicRelation, ...]
    columns: tuple[str, ...]
    n_rows: int
    n_rows_linear: int
    tol: float
    protect: tuple[str, ...] = ()
    kinds: Mapping[str, str] = field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @property
    def found(self) -> bool:
        """True when there is at least one relation."""
        return bool(self.relations)

    @property
    def redundant(self) -> tuple[str, ...]:
        """The columns the ``"drop"`` policy removes, in table order."""
        names = {r.redundant for r in self.relations if r.redundant is not None}
        return tuple(c for c in self.columns if c in names)

    @property
    def conflicts(self) -> tuple[DeterministicRelation, ...]:
        """Relations among protected columns only (``"drop"`` cannot resolve them)."""
        return tuple(r for r in self.relations if r.redundant is None)

    def messages(self) -> list[str]:
        """One line per relation, for a warning or a log."""
        return [f"deterministic relation: {r.describe()}" for r in self.relations]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        return {
            "relations": [r.to_dict() for r in self.relations],
            "columns": list(self.columns),
            "n_rows": int(self.n_rows),
            "n_rows_linear": int(self.n_rows_linear),
            "tol": float(self.tol),
            "protect": list(self.protect),
            "kinds": dict(self.kinds),
            "notes": list(self.notes),
            "redundant": list(self.redundant),
        }


def _number(value: float) -> str:
    text = f"{value:.4g}"
    return text[:-2] if text.endswith(".0") else text


# --------------------------------------------------------------------------- the columns


class _Column:
    """One checked column: a numeric vector for the linear check, codes for the functional one."""

    __slots__ = ("name", "pos", "kind", "numeric", "categorical", "codes", "levels", "source", "in_matrix")

    def __init__(self, name: str, pos: int, kind: ColumnKind | None, numeric: np.ndarray | None,
                 categorical: bool, codes: np.ndarray | None = None, source: Any = None,
                 in_matrix: tuple[np.ndarray, int] | None = None) -> None:
        self.name = name
        self.pos = pos
        self.kind = kind
        self.numeric = numeric  # float64 with NaN, or None when not part of the linear check
        self.categorical = categorical  # levels are labels (always in the functional check)
        self.codes = codes  # int64 codes, -1 where missing; computed lazily for numeric columns
        self.levels = -1 if codes is None else (int(codes.max()) + 1 if codes.size else 0)
        self.source = source
        self.in_matrix = in_matrix  # (2-D array, column) when ``numeric`` is that column of it

    @property
    def has_missing(self) -> bool:
        return self.numeric is not None and bool(np.isnan(self.numeric).any())

    def ensure_codes(self) -> np.ndarray:
        if self.codes is None:
            src = self.numeric if self.numeric is not None else self.source
            codes, _ = pd.factorize(src, use_na_sentinel=True)
            self.codes = np.asarray(codes, dtype=np.int64)
            self.levels = int(self.codes.max()) + 1 if self.codes.size else 0
        return self.codes


def _finite(name: str, x: np.ndarray, notes: list[str]) -> np.ndarray:
    if np.isfinite(x).all():
        return x
    inf = np.isinf(x)
    if inf.any():
        notes.append(f"{int(inf.sum())} infinite value(s) of {name!r} were treated as missing")
        x = np.where(inf, np.nan, x)
    return x


def _numeric_labels(labels: tuple[Any, ...]) -> bool:
    return all(isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_)) for v in labels)


def _from_dataset(ds: Dataset, names: list[str]) -> list[_Column]:
    values, kinds, cats = ds.values, ds.kinds, ds.categories
    out = []
    for name in names:
        j = ds.index_of(name)
        v = values[:, j]
        kind = kinds[name]
        if kind is ColumnKind.CONTINUOUS:
            out.append(_Column(name, j, kind, v, categorical=False, in_matrix=(values, j)))
            continue
        codes = np.where(np.isnan(v), -1, v).astype(np.int64)
        labels = cats.get(name, ())
        numeric: np.ndarray | None = None
        if kind is ColumnKind.DISCRETE and len(labels) >= 3:
            numeric = None
        elif _numeric_labels(labels):
            lab = np.asarray(labels, dtype=np.float64)
            numeric = np.where(codes >= 0, lab[np.clip(codes, 0, None)], np.nan)
        elif len(labels) == 2:
            numeric = v
        in_matrix = (values, j) if numeric is v else None
        out.append(_Column(name, j, kind, numeric, categorical=True, codes=codes, in_matrix=in_matrix))
    return out


def _from_frame(frame: pd.DataFrame, names: list[str], labels: dict[str, Any],
                forced: dict[str, ColumnKind], notes: list[str]) -> list[_Column]:
    positions = {n: i for i, n in enumerate(labels)}
    out = []
    for name in names:
        series = frame[labels[name]]
        dtype = series.dtype
        kind = forced.get(name)
        if ptypes.is_datetime64_any_dtype(dtype) or ptypes.is_timedelta64_dtype(dtype):
            notes.append(f"{name!r} holds dates or durations and was not checked")
            continue
        numeric: np.ndarray | None = None
        is_cat = isinstance(dtype, pd.CategoricalDtype)
        if is_cat:
            cat_dtype = dtype.categories.dtype
            if ptypes.is_numeric_dtype(cat_dtype) and not ptypes.is_bool_dtype(cat_dtype):
                numeric = series.astype("float64").to_numpy()
        elif ptypes.is_bool_dtype(dtype) or ptypes.is_numeric_dtype(dtype):
            numeric = series.to_numpy(dtype=np.float64, na_value=np.nan)
        elif dtype == object:  # noqa: E721 (numpy dtype equality, not a type comparison)
            converted = object_numeric(series)
            if converted is not None:
                numeric = converted.to_numpy(dtype=np.float64, na_value=np.nan)
        pos = positions[name]
        if numeric is not None:
            numeric = _finite(name, numeric, notes)
            categorical = kind is not None and kind.is_categorical or ptypes.is_bool_dtype(dtype) or is_cat
            col = _Column(name, pos, kind, numeric, categorical=bool(categorical))
            if ptypes.is_bool_dtype(dtype) and kind is None:
                col.kind = ColumnKind.BINARY
            if kind is ColumnKind.DISCRETE:
                col.ensure_codes()
                if col.levels >= 3:
                    col.numeric = None  # unordered labels that happen to be numbers
            out.append(col)
            continue
        # Non-numeric: labels.
        if kind is ColumnKind.CONTINUOUS:
            raise DataError(f"kinds says column {name!r} is continuous, but it is not numeric ({dtype})")
        col = _Column(name, pos, kind, None, categorical=True, source=series)
        col.ensure_codes()
        if col.levels == 2:
            col.numeric = np.where(col.codes >= 0, col.codes, np.nan).astype(np.float64)  # type: ignore[operator, arg-type]  # ensure_codes() just above sets codes
        if col.kind is None:
            ordered = is_cat and bool(series.cat.ordered)
            col.kind = (ColumnKind.BINARY if col.levels == 2 else ColumnKind.ORDINAL if ordered
                        else ColumnKind.DISCRETE)
        out.append(col)
    return out


def _blocks(cols: list[_Column], n: int, rows: np.ndarray | None = None) -> Iterator[np.ndarray]:
    """Blocks of rows of the columns' numeric vectors, transposed: float64 arrays ``(p, rows in block)``.

    ``rows`` (indices) restricts them to some rows. Columns of one 2-D array (a
    Dataset's values) are read row-block by row-block; other columns each with one
    contiguous read into a row of the block.
    """
    p = len(cols)
    total = n if rows is None else int(rows.size)
    step = max(256, _CHUNK_ELEMENTS // max(p, 1))
    bases = {id(c.in_matrix[0]) for c in cols if c.in_matrix is not None}
    if len(bases) == 1 and all(c.in_matrix is not None for c in cols):
        matrix = cols[0].in_matrix[0]  # type: ignore[index]
        index = np.array([c.in_matrix[1] for c in cols])  # type: ignore[index]
        for start in range(0, total, step):
            stop = min(total, start + step)
            part = matrix[start:stop] if rows is None else matrix[rows[start:stop]]
            yield part[:, index].T
        return
    vectors = [np.ascontiguousarray(c.numeric) for c in cols]
    for start in range(0, total, step):
        stop = min(total, start + step)
        block = np.empty((p, stop - start), dtype=np.float64)
        if rows is None:
            for j, v in enumerate(vectors):
                block[j] = v[start:stop]
        else:
            take = rows[start:stop]
            for j, v in enumerate(vectors):
                np.take(v, take, out=block[j])
        yield block


# --------------------------------------------------------------------------- functional check


def _functional(cols: list[_Column], n: int, key: Any, protect: set[str],
                notes: list[str]) -> list[DeterministicRelation]:
    eligible: list[_Column] = []
    too_many: list[str] = []
    step = max(1, n // _SAMPLE_ROWS)
    for col in cols:
        if col.codes is None and col.numeric is not None:
            sample = col.numeric[::step]
            sample = sample[~np.isnan(sample)]
            if pd.unique(sample).size > MAX_FUNCTIONAL_LEVELS:
                continue  # a continuous measurement: no repeated values to speak of
        codes = col.ensure_codes()
        n_obs = int(np.count_nonzero(codes >= 0))
        if col.levels < 2:
            continue
        if col.levels > MAX_FUNCTIONAL_LEVELS or 2 * col.levels > n_obs:
            if col.categorical:
                too_many.append(col.name)
            continue
        eligible.append(col)
    if too_many:
        notes.append(f"not in the functional check (more than {MAX_FUNCTIONAL_LEVELS} distinct values, or more "
                     f"than half as many as rows): {format_columns(too_many)}")
    m = len(eligible)
    if m < 2:
        return []

    # Screen: a pair that fails on a subsample fails on the whole table. First all pairs at
    # once on a few hundred rows, then the survivors on the whole subsample.
    sample = np.column_stack([c.codes[::step] for c in eligible])  # type: ignore[index]  # eligible columns have codes
    possible = _screen(sample[:: max(1, sample.shape[0] // _SCREEN_ROWS)])
    if sample.shape[0] > _SCREEN_ROWS:
        for a, b in zip(*np.nonzero(possible)):
            possible[a, b] = _partners(sample[:, a], sample[:, b], eligible[a].levels,
                                       eligible[b].levels)[0].max(initial=0) <= 1

    # Confirm on every row complete in the pair.
    determines = np.zeros((m, m), dtype=bool)
    rows = np.zeros((m, m), dtype=np.int64)
    for a in range(m):
        for b in range(a + 1, m):
            if not (possible[a, b] or possible[b, a]):
                continue
            ab, ba, nv = _pair(eligible[a], eligible[b])
            determines[a, b], determines[b, a] = ab, ba
            rows[a, b] = rows[b, a] = nv

    # One-to-one classes: each column joins the first representative it duplicates.
    order = sorted(range(m), key=lambda i: key(eligible[i].name))
    reps: list[int] = []
    relations: list[DeterministicRelation] = []
    for i in order:
        rep = next((r for r in reps if determines[r, i] and determines[i, r]), None)
        if rep is None:
            reps.append(i)
            continue
        name, rep_name = eligible[i].name, eligible[rep].name
        relations.append(DeterministicRelation(
            "functional", name, (rep_name,), one_to_one=True, n_rows=int(rows[rep, i]),
            redundant=None if name in protect else name))

    # One-way relations among representatives: the determined (coarser) column goes,
    # unless it is protected; then every column that determines it goes.
    dropped: set[int] = set()
    for b in reps:
        if eligible[b].name not in protect:
            continue
        for a in reps:
            if a != b and determines[a, b]:
                a_name = eligible[a].name
                redundant = None if a_name in protect else a_name
                if redundant is not None:
                    dropped.add(a)
                relations.append(DeterministicRelation(
                    "functional", eligible[b].name, (a_name,), n_rows=int(rows[a, b]), redundant=redundant))
    remaining = [r for r in reps if r not in dropped]
    determined = {b for b in remaining if eligible[b].name not in protect
                  and any(a != b and determines[a, b] for a in remaining)}
    for b in remaining:
        if b not in determined:
            continue
        sources = [a for a in remaining if a != b and determines[a, b]]
        a = next((s for s in sources if s not in determined), sources[0])
        relations.append(DeterministicRelation(
            "functional", eligible[b].name, (eligible[a].name,), n_rows=int(rows[a, b]),
            redundant=eligible[b].name))
    return relations


def _screen(sample: np.ndarray) -> np.ndarray:
    """``possible[a, b]``: no two rows of ``sample`` (codes) share a value of ``a`` but not of ``b``."""
    m = sample.shape[1]
    possible = np.zeros((m, m), dtype=bool)
    for a in range(m):
        s = sample[np.argsort(sample[:, a], kind="stable")]
        ca = s[:, a]
        same = (ca[1:] == ca[:-1]) & (ca[1:] >= 0)
        prev, nxt = s[:-1][same], s[1:][same]
        possible[a] = ~((prev != nxt) & (prev >= 0) & (nxt >= 0)).any(axis=0)
        possible[a, a] = False
    return possible


def _partners(ca: np.ndarray, cb: np.ndarray, ka: int, kb: int) -> tuple[np.ndarray, np.ndarray]:
    """Per value of ``a``, how many distinct values of ``b`` it meets (and per value of ``b``, of ``a``).

    Rows where either code is missing (``-1``) are left out.
    """
    if (ca < 0).any() or (cb < 0).any():
        valid = (ca >= 0) & (cb >= 0)
        ca, cb = ca[valid], cb[valid]
    combined = ca * kb + cb
    if ka * kb <= 4 * combined.size + 4096:
        table = np.bincount(combined, minlength=ka * kb).reshape(ka, kb) > 0
        return table.sum(axis=1), table.sum(axis=0)
    pairs = np.unique(combined)
    return np.bincount(pairs // kb, minlength=ka), np.bincount(pairs % kb, minlength=kb)


def _pair(a: _Column, b: _Column) -> tuple[bool, bool, int]:
    """Whether ``a`` determines ``b``, ``b`` determines ``a``, and the rows complete in both."""
    ca, cb = a.ensure_codes(), b.ensure_codes()
    nv = int(np.count_nonzero((ca >= 0) & (cb >= 0)))
    if nv < _MIN_FUNCTIONAL_ROWS:
        return False, False, nv
    per_a, per_b = _partners(ca, cb, a.levels, b.levels)
    la, lb = int(np.count_nonzero(per_a)), int(np.count_nonzero(per_b))
    a_to_b = lb >= 2 and 2 * la <= nv and bool(np.all(per_a <= 1))
    b_to_a = la >= 2 and 2 * lb <= nv and bool(np.all(per_b <= 1))
    return a_to_b, b_to_a, nv


# --------------------------------------------------------------------------- linear check


def _linear(cols: list[_Column], n: int, key: Any, protect: set[str], tol: float,
            notes: list[str]) -> tuple[list[DeterministicRelation], int]:
    cols = [c for c in cols if c.numeric is not None]
    if len(cols) < 2:
        return [], n
    relations: list[DeterministicRelation] = []
    rows, n_used = _complete(cols, n)
    if rows is not None and (2 * n_used < n or n_used < _ROWS_PER_COLUMN * len(cols)):
        # Few rows are complete in all columns: check pairs on their own complete rows first.
        pairs, cols = _linear_pairs(cols, n, key, protect, tol)
        relations += pairs
        notes.append("pairs of numeric columns were checked on the rows complete in each pair")
        cols, left_out = _joint_columns(cols, n)
        if left_out:
            notes.append(f"checked in pairs only (too many missing values for the check across columns): "
                         f"{format_columns(left_out)}")
        if len(cols) < 2:
            return relations, 0
        rows, n_used = _complete(cols, n)
    names = [c.name for c in cols]
    p = len(cols)
    if n_used < _MIN_RESIDUAL_DOF + 2:
        notes.append(f"linear check across columns skipped: only {n_used} rows are complete in all of "
                     f"{format_columns(names)}")
        return relations, n_used
    if rows is not None:
        notes.append(f"linear check on the {n_used} of {n} rows complete in its {p} columns")
    # Cross-products in one pass over blocks of rows, around a provisional mean taken from
    # a subsample (so that they do not cancel); then the exact centring correction.
    every = rows if rows is not None else np.arange(n)
    sample = every[:: max(1, every.size // _SAMPLE_ROWS)]
    shift = np.concatenate(list(_blocks(cols, n, sample)), axis=1).mean(axis=1)
    gram = np.zeros((p, p))
    total = np.zeros(p)
    for block in _blocks(cols, n, rows):
        block = block - shift[:, None]
        total += block.sum(axis=1)
        gram += block @ block.T
    offset = total / n_used
    gram -= n_used * np.outer(offset, offset)
    mean = shift + offset
    sd = np.sqrt(np.diag(gram))
    constant = sd <= 1e-12 * np.maximum(np.abs(mean) * math.sqrt(n_used), 1e-300)
    if constant.any():
        notes.append(f"constant on the {n_used} rows used, not in the linear check: "
                     f"{format_columns([names[j] for j in np.flatnonzero(constant)])}")
    safe = np.where(constant, 1.0, sd)
    corr = gram / np.outer(safe, safe)
    np.fill_diagonal(corr, 1.0)
    sd = safe / math.sqrt(n_used)

    order = sorted(range(p), key=lambda j: key(names[j]))
    chol = np.zeros((p, p))
    # proj[:k, c] = chol[:k, :k]^-1 corr[kept, c] for every column c, one row added per kept
    # column (forward substitution for all columns at once, in numpy: no scipy at start-up)
    proj = np.zeros((p, p))
    kept: list[int] = []
    unchecked: list[str] = []
    for j in order:
        if constant[j]:
            continue
        k = len(kept)
        if k == 0:
            chol[0, 0] = 1.0
            proj[0] = corr[j]
            kept.append(j)
            continue
        if n_used - k - 1 < _MIN_RESIDUAL_DOF:
            unchecked.append(names[j])
            continue
        w = proj[:k, j].copy()
        resid = 1.0 - float(w @ w)
        if resid < tol:
            relations.append(_linear_relation(j, kept, w, chol[:k, :k], corr, names, mean, sd, tol,
                                              n_used, protect))
            continue
        chol[k, :k] = w
        chol[k, k] = math.sqrt(resid)
        proj[k] = (corr[j] - w @ proj[:k]) / chol[k, k]
        kept.append(j)
    if unchecked:
        notes.append(f"not checked for linear dependence (too few complete rows for that many columns): "
                     f"{format_columns(unchecked)}")
    return relations, n_used


def _joint_columns(cols: list[_Column], n: int) -> tuple[list[_Column], list[str]]:
    """The columns, fewest missing values first, that leave enough rows complete in all of them.

    A column joins while at least :data:`_ROWS_PER_COLUMN` rows per chosen column stay complete.
    """
    observed = {c.name: ~np.isnan(c.numeric) for c in cols if c.numeric is not None}
    complete = np.ones(n, dtype=bool)
    chosen: set[str] = set()
    for c in sorted(cols, key=lambda c: -int(observed[c.name].sum())):
        both = complete & observed[c.name]
        if int(both.sum()) >= _ROWS_PER_COLUMN * (len(chosen) + 1):
            complete = both
            chosen.add(c.name)
    return [c for c in cols if c.name in chosen], [c.name for c in cols if c.name not in chosen]


def _complete(cols: list[_Column], n: int) -> tuple[np.ndarray | None, int]:
    """Indices of the rows complete in every column (None: all rows are), and how many."""
    complete: np.ndarray | None = None
    for c in cols:
        if c.numeric is not None and c.has_missing:
            obs = ~np.isnan(c.numeric)
            complete = obs if complete is None else complete & obs
    if complete is None:
        return None, n
    rows = np.flatnonzero(complete)
    return rows, int(rows.size)


def _solve_lower(lower: np.ndarray, b: np.ndarray, *, transpose: bool = False) -> np.ndarray:
    """Solve ``lower @ x = b`` (or ``lower.T @ x = b``) for a square lower-triangular ``lower`` by substitution.

    Plain numpy (a loop over the rows), for the small systems of a relation found;
    rounding differs from LAPACK's in the last bits, which the ``1 - R^2 < tol``
    decisions and the reported coefficients do not feel.
    """
    k = lower.shape[0]
    x = np.zeros(k)
    if transpose:  # back substitution with the upper-triangular lower.T
        for i in range(k - 1, -1, -1):
            x[i] = (b[i] - lower[i + 1:, i] @ x[i + 1:]) / lower[i, i]
    else:
        for i in range(k):
            x[i] = (b[i] - lower[i, :i] @ x[:i]) / lower[i, i]
    return x


def _linear_relation(j: int, kept: list[int], w: np.ndarray, chol: np.ndarray, corr: np.ndarray,
                     names: list[str], mean: np.ndarray, sd: np.ndarray, tol: float, n_used: int,
                     protect: set[str]) -> DeterministicRelation:
    """The relation of column ``j`` on a minimal subset of ``kept``."""
    beta = _solve_lower(chol, w, transpose=True)
    support: list[int] = []
    sub = np.zeros((len(kept), len(kept)))
    wj = np.zeros(len(kept))
    resid = 1.0
    for i in np.argsort(-np.abs(beta), kind="stable"):
        q = kept[int(i)]
        t = len(support)
        row = _solve_lower(sub[:t, :t], corr[support, q])
        diag = math.sqrt(max(1.0 - float(row @ row), 1e-300))
        sub[t, :t], sub[t, t] = row, diag
        wj[t] = (corr[q, j] - float(row @ wj[:t])) / diag
        support.append(q)
        resid = 1.0 - float(wj[: t + 1] @ wj[: t + 1])
        if resid < tol:
            break
    t = len(support)
    std_coef = _solve_lower(sub[:t, :t], wj[:t], transpose=True)
    by_position = sorted(range(t), key=lambda i: support[i])
    dets = tuple(names[support[i]] for i in by_position)
    coefs = tuple(float(std_coef[i] * sd[j] / sd[support[i]]) for i in by_position)
    intercept = float(mean[j] - sum(c * mean[support[i]] for c, i in zip(coefs, by_position)))
    if _negligible(intercept, float(mean[j]), float(sd[j]), [float(mean[support[i]]) for i in by_position],
                   [float(sd[support[i]]) for i in by_position], resid):
        intercept = 0.0
    name = names[j]
    return DeterministicRelation(
        "linear", name, dets, coefficients=coefs, intercept=intercept, r2=1.0 - max(resid, 0.0),
        one_to_one=len(dets) == 1, n_rows=n_used, redundant=None if name in protect else name)


def _negligible(intercept: float, mean: float, sd: float, means: list[float], sds: list[float],
                gap: float) -> bool:
    """Whether an intercept is within the numerical error of its estimate (then it is shown as 0).

    The error is the residual standard deviation (at least the rounding of the values)
    times the leverage of the origin, ``1 + sum(|mean_i| / sd_i)`` over the determinants.
    """
    noise = max(sd * math.sqrt(max(gap, 0.0)), 1e-15 * (abs(mean) + sd))
    leverage = 1.0 + sum(abs(m) / s for m, s in zip(means, sds) if s > 0)
    return abs(intercept) <= 10.0 * noise * leverage


def _linear_pairs(cols: list[_Column], n: int, key: Any, protect: set[str],
                  tol: float) -> tuple[list[DeterministicRelation], list[_Column]]:
    """Pairs of numeric columns that are exact linear functions of each other on their common rows."""
    p = len(cols)
    shift = np.array([float(np.nanmean(v)) if np.isfinite(v).any() else 0.0
                      for v in (c.numeric for c in cols) if v is not None])
    cnt = np.zeros((p, p))
    s1 = np.zeros((p, p))  # s1[i, j]: sum of x_i over the rows where both are observed
    s2 = np.zeros((p, p))  # s2[i, j]: sum of x_i ** 2 over those rows
    cross = np.zeros((p, p))
    for block in _blocks(cols, n):
        obs = ~np.isnan(block)
        x = np.where(obs, block - shift[:, None], 0.0)
        m = obs.astype(np.float64)
        cnt += m @ m.T
        s1 += x @ m.T
        s2 += (x * x) @ m.T
        cross += x @ x.T
    with np.errstate(divide="ignore", invalid="ignore"):
        cov = cross - s1 * s1.T / cnt
        var_i = s2 - s1 * s1 / cnt
        var_j = var_i.T
        one_minus_r2 = 1.0 - cov * cov / (var_i * var_j)
    names = [c.name for c in cols]
    order = sorted(range(p), key=lambda j: key(names[j]))
    kept: list[int] = []
    relations: list[DeterministicRelation] = []
    for j in order:
        match = None
        for k in kept:
            nk = cnt[j, k]
            if nk - 2 < _MIN_RESIDUAL_DOF:
                continue
            # neither column may be constant on the common rows (sd <= 1e-12 * |mean|)
            level_j, level_k = (s1[j, k] / nk + shift[j]) ** 2 * nk, (s1[k, j] / nk + shift[k]) ** 2 * nk
            usable = var_i[j, k] > 1e-24 * max(level_j, 1e-300) and var_j[j, k] > 1e-24 * max(level_k, 1e-300)
            if usable and one_minus_r2[j, k] < tol:
                match = k
                break
        if match is None:
            kept.append(j)
            continue
        k, nk = match, int(cnt[j, match])
        slope = float(cov[j, k] / var_j[j, k])  # regression of j on k over their common rows
        mean_j, mean_k = s1[j, k] / nk + shift[j], s1[k, j] / nk + shift[k]
        intercept = float(mean_j - slope * mean_k)
        if _negligible(intercept, float(mean_j), math.sqrt(max(var_i[j, k], 0.0) / nk), [float(mean_k)],
                       [math.sqrt(max(var_j[j, k], 0.0) / nk)], float(one_minus_r2[j, k])):
            intercept = 0.0
        name = names[j]
        relations.append(DeterministicRelation(
            "linear", name, (names[k],), coefficients=(slope,), intercept=intercept,
            r2=1.0 - max(float(one_minus_r2[j, k]), 0.0), one_to_one=True, n_rows=nk,
            redundant=None if name in protect else name))
    return relations, [cols[j] for j in sorted(kept)]


# --------------------------------------------------------------------------- public API


def _names_of(data: Any) -> tuple[list[str], dict[str, Any]]:
    if isinstance(data, Dataset):
        return list(data.variables), {v: v for v in data.variables}
    if isinstance(data, pd.DataFrame):
        names = [c if isinstance(c, str) else str(c) for c in data.columns]
        dups = sorted({c for c in names if names.count(c) > 1})
        if dups:
            raise DataError(f"duplicate column names: {format_columns(dups)}; every column needs a unique name")
        return names, dict(zip(names, data.columns))
    raise InvalidParameterError(f"data must be a pandas DataFrame or a Dataset; got {type(data).__name__}")


def _as_names(value: Iterable[str] | str | None, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    try:
        return [str(v) for v in value if v is not None]
    except TypeError:
        raise InvalidParameterError(f"{what} must be a column name or a list of them; got {value!r}") from None


def find_deterministic(
    data: pd.DataFrame | Dataset,
    *,
    columns: Iterable[str] | None = None,
    kinds: Mapping[str, ColumnKind | str] | None = None,
    tol: float = DETERMINISTIC_TOL,
    protect: Iterable[str] | str | None = None,
) -> DeterministicReport:
    """Find the columns that are exact (linear or functional) functions of others.

    Parameters
    ----------
    data:
        A pandas DataFrame or a :class:`~causalscope.data.Dataset` (its analysis
        variables; role columns are not checked). Missing values are allowed: each
        check uses the rows complete in the columns it involves, and the report says
        how many.
    columns:
        The columns to check (default: all). Pass the analysis variables of a
        DataFrame that also holds a domain or time column (e.g.
        ``list(profile.kinds)``).
    kinds:
        Column kinds ``{column: kind}`` of a DataFrame (e.g. ``DataProfile.kinds``),
        so they need not be inferred; columns it does not name are judged by their
        values. Not allowed with a Dataset, which carries its kinds.
    tol:
        Threshold on ``1 - R^2`` of the linear check (``0 < tol < 1``); the module
        docstring explains the default ``1e-8``.
    protect:
        Columns the ``"drop"`` policy must keep (treatment, outcome); the report's
        :attr:`DeterministicRelation.redundant` then names another member.

    Returns
    -------
    DeterministicReport

    Raises
    ------
    DataError
        For an unknown column in ``columns``, ``kinds`` or ``protect``, duplicate
        column names, or a column ``kinds`` calls continuous that is not numeric.
    InvalidParameterError
        For ``data`` of another type, an invalid ``tol`` or kind, or ``kinds`` with
        a Dataset.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> kg = rng.normal(70, 12, size=500)
    >>> frame = pd.DataFrame({"kg": kg, "lb": 2.20462 * kg, "height": rng.normal(170, 9, size=500)})
    >>> report = find_deterministic(frame)
    >>> print(report.relations[0].describe())  # doctest: +ELLIPSIS
    lb = 2.205*kg (1 - R^2 ... on 500 rows)
    >>> report.redundant
    ('lb',)
    >>> find_deterministic(frame, protect=["lb"]).redundant
    ('kg',)
    """
    names, labels = _names_of(data)
    if isinstance(tol, bool) or not isinstance(tol, (int, float, np.floating)) or not 0.0 < float(tol) < 1.0:
        raise InvalidParameterError(f"tol must be a number with 0 < tol < 1; got {tol!r}")
    tol = float(tol)
    available = set(names)
    if columns is None:
        chosen = list(names)
    else:
        chosen = _as_names(columns, "columns")
        unknown = [c for c in chosen if c not in available]
        if unknown:
            raise DataError(f"columns names unknown column(s) {format_columns(unknown)}; the columns are "
                            f"{format_columns(names)}")
        wanted = set(chosen)
        chosen = [c for c in names if c in wanted]
    protected = _as_names(protect, "protect")
    unknown = [c for c in protected if c not in available]
    if unknown:
        raise DataError(f"protect names unknown column(s) {format_columns(unknown)}; the columns are "
                        f"{format_columns(names)}")
    if kinds is not None and not isinstance(kinds, Mapping):
        raise InvalidParameterError(f"kinds must be a mapping from column name to kind; got {type(kinds).__name__}")
    notes: list[str] = []
    if isinstance(data, Dataset):
        if kinds:
            raise InvalidParameterError("kinds= is for a DataFrame; a Dataset carries its own column kinds")
        cols = _from_dataset(data, chosen)
        n = data.n_samples
    else:
        forced: dict[str, ColumnKind] = {}
        for k, v in (kinds or {}).items():
            if str(k) not in available:
                raise DataError(f"kinds names unknown column {k!r}; the columns are {format_columns(names)}")
            forced[str(k)] = ColumnKind.parse(v, column=str(k))
        cols = _from_frame(data, chosen, labels, forced, notes)
        n = int(data.shape[0])
    protect_set = set(protected)
    position = {c: i for i, c in enumerate(names)}

    def key(name: str) -> tuple[int, int]:
        return (0 if name in protect_set else 1, position[name])

    relations = _functional(cols, n, key, protect_set, notes) if n else []
    gone = {r.redundant for r in relations if r.redundant is not None}
    gone |= {r.dependent for r in relations if r.redundant is None}
    linear, n_linear = _linear([c for c in cols if c.name not in gone], n, key, protect_set, tol, notes) \
        if n else ([], 0)
    relations += linear
    relations.sort(key=lambda r: (position[r.dependent], r.determinants))
    if relations:
        logger.info("found %d deterministic relation(s): %s", len(relations),
                    "; ".join(r.equation for r in relations))
    return DeterministicReport(
        relations=tuple(relations),
        columns=tuple(chosen),
        n_rows=n,
        n_rows_linear=n_linear,
        tol=tol,
        protect=tuple(dict.fromkeys(protected)),
        kinds={c.name: c.kind.value for c in cols if c.kind is not None},
        notes=tuple(notes),
    )


def resolve_deterministic(
    data: pd.DataFrame | Dataset,
    report: DeterministicReport,
    policy: DeterministicPolicy = DEFAULT_DETERMINISTIC_POLICY,
    *,
    protect: Iterable[str] | str | None = None,
) -> tuple[pd.DataFrame | Dataset, list[str]]:
    """Apply a policy to the deterministic relations of ``report``.

    Parameters
    ----------
    data:
        The DataFrame or Dataset the report was made from.
    report:
        The result of :func:`find_deterministic` on ``data``.
    policy:
        ``"drop"`` (default): remove the redundant column of each relation (see
        the module docstring); ``"error"``: raise if there is any relation;
        ``"keep"``: change nothing.
    protect:
        Columns ``"drop"`` must keep (default: the report's ``protect``). When it
        differs from the report's, the relations are recomputed from ``data`` with
        these columns protected, so that another member of each relation goes.

    Returns
    -------
    data : DataFrame or Dataset
        ``data`` without the dropped columns (a new object; ``data`` itself is not
        modified), or ``data`` unchanged.
    messages : list of str
        One line per dropped column (``"drop"``) or per relation (``"keep"``),
        naming the relation and its columns; empty when nothing was found.

    Raises
    ------
    DataError
        ``"error"`` with any relation (the message names every relation and its
        columns); ``"drop"`` when a relation joins protected columns only; a
        report whose columns are not in ``data``.
    InvalidParameterError
        For an unknown policy or a ``report`` of another type.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(2)
    >>> x = rng.normal(size=100)
    >>> frame = pd.DataFrame({"x": x, "x_copy": x, "y": x + rng.normal(size=100)})
    >>> report = find_deterministic(frame)
    >>> clean, messages = resolve_deterministic(frame, report, "drop")
    >>> list(clean.columns)
    ['x', 'y']
    >>> print(messages[0])  # doctest: +ELLIPSIS
    dropped column 'x_copy': x_copy = 1*x (1 - R^2 ... on 100 rows); given 'x' it is a constant, ...
    >>> resolve_deterministic(frame, report, "error")
    Traceback (most recent call last):
    ...
    causalscope.exceptions.DataError: deterministic relation(s) between columns: x_copy = 1*x ...
    """
    if policy not in DETERMINISTIC_POLICIES:
        raise InvalidParameterError(
            f"policy must be one of {format_columns(DETERMINISTIC_POLICIES)}; got {policy!r}")
    if not isinstance(report, DeterministicReport):
        raise InvalidParameterError(f"report must be a DeterministicReport; got {type(report).__name__}")
    names, labels = _names_of(data)
    missing = [c for c in report.columns if c not in set(names)]
    if missing:
        raise DataError(f"the report names column(s) {format_columns(missing)} that the data do not have; "
                        "was it made from other data?")
    if not report.relations:
        return data, []
    if policy == "keep":
        return data, report.messages()
    if policy == "error":
        listing = "; ".join(r.describe() for r in report.relations)
        involved = sorted({c for r in report.relations for c in r.columns}, key=names.index)
        raise DataError(
            f"deterministic relation(s) between columns: {listing}. Columns involved: "
            f"{format_columns(involved)}. A column that is an exact function of others breaks the "
            "faithfulness that constraint-based discovery relies on; drop the redundant column(s) "
            f"({format_columns(report.redundant)}) or use policy='drop'")
    protected = report.protect if protect is None else tuple(dict.fromkeys(_as_names(protect, "protect")))
    if set(protected) != set(report.protect):
        touched = set(protected) | set(report.protect)
        if any(c in touched for r in report.relations for c in r.columns):
            report = find_deterministic(
                data, columns=report.columns, tol=report.tol, protect=protected,
                kinds=None if isinstance(data, Dataset) else
                {c: k for c, k in report.kinds.items() if c in set(names)})
    if report.conflicts:
        listing = "; ".join(r.describe() for r in report.conflicts)
        raise DataError(
            f"cannot drop a column of these deterministic relation(s): every column involved is protected "
            f"({format_columns(protected)}): {listing}. Protect fewer columns, or remove one of them yourself")
    messages = [_drop_message(r) for r in report.relations if r.redundant is not None]
    messages = list(dict.fromkeys(messages))
    drop = report.redundant
    for message in messages:
        logger.info("%s", message)
    if isinstance(data, Dataset):
        return data.subset([v for v in data.variables if v not in set(drop)]), messages
    return data.drop(columns=[labels[c] for c in drop]), messages


def _drop_message(relation: DeterministicRelation) -> str:
    red = relation.redundant
    others = [c for c in relation.columns if c != red]
    why = (f"given {format_columns(others)} it is a constant, so it adds no information and would break the "
           "faithfulness that PC and FCI rely on")
    if red == relation.dependent:
        return f"dropped column {red!r}: {relation.describe()}; {why}"
    return (f"dropped column {red!r}: {relation.describe()}; {relation.dependent!r} is protected, so {red!r}, which "
            f"determines it, goes instead (its detail beyond {relation.dependent!r} is lost)")
