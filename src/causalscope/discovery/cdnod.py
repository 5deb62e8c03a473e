"""CD-NOD: causal discovery from heterogeneous or nonstationary data.

When data come from several domains (labs, sites, experimental conditions) or
drift over time, some causal mechanisms ``P(V_i | pa(V_i))`` change while the
others stay fixed. CD-NOD (Huang, Zhang, Zhang, Ramsey, Sanchez-Romero, Glymour
& Schölkopf 2020) turns this heterogeneity into information:

1. **Surrogate variable.** The domain (or time) index ``C`` is added to the
   variables ``V`` as one more node. Its changes are caused by nothing in ``V``,
   so ``C`` may cause other variables but nothing causes ``C`` (background
   knowledge; section 3.1 of the paper).
2. **Skeleton** over ``V`` and ``C`` by the PC adjacency search
   (:func:`~.skeleton.learn_skeleton`). A variable still adjacent to ``C`` has a
   mechanism that changes with the domain: these are the **changing modules**
   (Theorem 1 of the paper; reported in :attr:`CDNOD.changing_modules_`).
3. **Orientation by the surrogate** (section 4.1, "generalisation of
   invariance"): every edge ``C --- V`` is oriented ``C --> V``; unshielded
   colliders are oriented from the separating sets, including the triples
   through ``C`` (``C --> V_i --- V_j`` with ``C`` and ``V_j`` non-adjacent
   becomes ``V_i <-- V_j`` when ``V_i`` is not in ``sepset(C, V_j)``, and
   ``V_i --> V_j`` otherwise, by Meek's rule 1); then Meek's rules.
4. **Independent change** (section 4.2): an edge still undirected between two
   changing modules ``V_i --- V_j`` is oriented in the direction whose modules
   change *independently*: if ``V_i --> V_j``, the way ``P(V_i)`` changes across
   domains carries no information about the way ``P(V_j | V_i)`` changes, while in
   the wrong direction the changes of ``P(V_j)`` and ``P(V_i | V_j)`` are coupled.
   The dependence is the paper's normalised HSIC of kernel embeddings of the
   modules over the domains (``independent_change="kernel"``) or the RV
   coefficient of per-domain linear-Gaussian parameters (``"parametric"``, the
   default; see :func:`independent_change_dependence`); the direction with the
   smaller dependence wins (unless the two differ by no more than a margin),
   and Meek's rules run again.

How ``C`` enters the CI tests
-----------------------------
For a categorical domain index, ``C`` is one-hot coded: with Gaussian data (the
default ``ci_test="auto"`` on continuous variables) a query ``V_i _||_ V_j | Z``
without ``C`` is the Fisher-z test (exactly as in PC), a query with ``C`` in
``Z`` conditions on the domain indicators (partial correlation of the
within-domain centred data, Fisher-z with ``|Z| - 1 + (m - 1)`` conditioning
variables), and ``C _||_ V | Z`` is the partial F-test of the ``m - 1`` domain
indicators in the regression of ``V`` on ``Z`` (the Gaussian likelihood-ratio
test, exact in finite samples). causal-learn instead appends the domain index as
one numeric column to the Fisher-z test, which tests only a *linear trend*
across arbitrarily numbered domains; ``domain_encoding="numeric"`` does the same
(and is the natural choice for a time index). Any other registered test
(``ci_test="kci"``, ``"mixed"``, ...) receives ``C`` as one more column (discrete
for a categorical index).

References
----------
B. Huang, K. Zhang, J. Zhang, J. Ramsey, R. Sanchez-Romero, C. Glymour and
B. Schölkopf (2020). Causal discovery from heterogeneous/nonstationary data.
*Journal of Machine Learning Research* 21(89), 1-53.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, cast

import numpy as np
import pandas as pd

from ..contract import Component
from ..data import Dataset
from ..exceptions import DataError, InvalidParameterError
from ..graphs import CPDAG
from ..graphs.equivalence import apply_meek_rules
from ..graphs.marks import ARROW, TAIL
from ..graphs.reach import directed_edges, has_directed_cycle, reaches
from ..independence import MissingPolicy
from ..independence.domain import DomainGaussianTest
from ..independence.hsic import IndependentChangeMethod, independent_change_dependence
from ..utils import get_logger
from .base import check_alpha, register_algorithm, resolve_ci_test
from .knowledge import Knowledge, as_knowledge

if TYPE_CHECKING:
    from .pc import ColliderRule, ConflictRule

__all__ = ["CDNOD", "cdnod", "independent_change_dependence", "DomainEncoding", "IndependentChangeMethod"]

_log = get_logger(__name__)

DomainEncoding = Literal["auto", "categorical", "numeric"]
#: Most distinct values a numeric domain column may have to count as categorical under "auto".
_MAX_CATEGORIES = 20
#: Segments a numeric (time) index is cut into for the independent-change measure.
_ICP_SEGMENTS = 10


# ---------------------------------------------------------------------- input handling
def _check_choice(value: object, name: str, options: tuple[str, ...]) -> str:
    if value not in options:
        raise InvalidParameterError(f"{name} must be one of {list(options)}; got {value!r}")
    return str(value)


def _split_domain(data: Any, domain_column: str | None) -> tuple[Dataset, np.ndarray, str, bool]:
    """Split ``data`` into the analysis variables and the domain labels.

    Returns the dataset of ``V``, the raw domain labels, the column name and
    whether the labels were numeric.
    """
    if isinstance(data, pd.DataFrame):
        if domain_column is None:
            raise InvalidParameterError(
                "domain_column must name the domain or time column of the data frame; got None"
            )
        if domain_column not in data.columns:
            raise DataError(
                f"domain_column {domain_column!r} is not a column of the data; columns are {list(map(str, data.columns))}"
            )
        labels = data[domain_column].to_numpy()
        rest = Dataset.from_frame(data.drop(columns=[domain_column]), missing="keep")
        return rest, labels, str(domain_column), pd.api.types.is_numeric_dtype(data[domain_column].dtype)
    if isinstance(data, Dataset):
        role = data.domain_column
        if domain_column is None or domain_column == role:
            if role is None or data.domain is None:
                raise InvalidParameterError(
                    "domain_column is None and the Dataset has no domain column; name the column "
                    f"that holds the domain or time index (variables: {list(data.variables)})"
                )
            labels_t = data.domain_labels or ()
            codes = np.asarray(data.domain)
            raw = np.empty(len(labels_t), dtype=object)
            raw[:] = list(labels_t)
            labels = raw[codes]
            numeric = all(isinstance(v, (int, float, np.integer, np.floating)) for v in labels_t)
            return data, labels, str(role), numeric
        if domain_column not in data.variables:
            raise DataError(
                f"domain_column {domain_column!r} is not a column of the data; variables are {list(data.variables)}"
            )
        frame = data.to_frame(decode=True, include_roles=False)
        labels = frame[domain_column].to_numpy()
        rest = data.subset([v for v in data.variables if v != domain_column])
        return rest, labels, str(domain_column), pd.api.types.is_numeric_dtype(frame[domain_column].dtype)
    raise InvalidParameterError(
        f"data must be a pandas DataFrame or a causalscope Dataset with a domain column; got {type(data).__name__}"
    )


def _domain_codes(labels: np.ndarray, column: str) -> tuple[np.ndarray, tuple[Any, ...]]:
    ser = pd.Series(labels)
    if ser.isna().any():
        raise DataError(f"domain column {column!r} has {int(ser.isna().sum())} missing values; CD-NOD needs a label on every row")
    codes, uniques = pd.factorize(ser, sort=True)
    if len(uniques) < 2:
        raise DataError(
            f"domain column {column!r} has only one value ({uniques[0]!r}); CD-NOD needs at least two "
            "domains or time points"
        )
    return codes.astype(np.int64), tuple(uniques.tolist())


# ---------------------------------------------------------------------- orientation helpers
def _creates_cycle(marks: np.ndarray, u: int, v: int) -> bool:
    """Whether adding ``u --> v`` closes a directed cycle (``v`` reaches ``u``)."""
    return u == v or reaches(directed_edges(marks), v, u)


def _is_undirected(marks: np.ndarray, u: int, v: int) -> bool:
    return bool(marks[u, v] == TAIL and marks[v, u] == TAIL)


def _context_knowledge(user: Knowledge | None, v_names: tuple[str, ...], c_name: str) -> Knowledge:
    """The user's knowledge plus "nothing causes C" (every ``V --> C`` forbidden)."""
    extra = frozenset((v, c_name) for v in v_names)
    if user is None:
        return Knowledge(forbidden=extra)
    return Knowledge(
        required=user.required,
        forbidden=user.forbidden | extra,
        tiers=user.tiers,
        forbid_within_tiers=user.forbid_within_tiers,
    )


def _segments(t: np.ndarray) -> np.ndarray:
    """Cut a numeric (time) index into up to 10 segments of near-equal size by rank."""
    ranks = np.argsort(np.argsort(t, kind="stable"), kind="stable")
    return (ranks * _ICP_SEGMENTS // len(t)).astype(np.int64)


# ---------------------------------------------------------------------- the estimator
@register_algorithm("cdnod")
class CDNOD(Component):
    """CD-NOD: a CPDAG and the changing mechanisms from multi-domain or nonstationary data.

    Parameters
    ----------
    domain_column:
        The column holding the domain (condition, site, regime) or time index. If
        ``None``, the :class:`~causalscope.data.Dataset`'s domain column is used.
    ci_test:
        ``"auto"``: with continuous variables and a categorical domain, the
        Gaussian tests described in the module documentation; otherwise the
        registry's choice (:func:`~causalscope.discovery.resolve_ci_test`) for the
        data with ``C`` appended. A registered test name receives ``C`` as one more
        column (``"fisherz"`` with ``domain_encoding="categorical"`` also uses the
        Gaussian domain tests).
    alpha:
        Significance level in ``(0, 1)``.
    max_cond_size:
        Largest conditioning set in the skeleton search (``None``: no limit).
    stable:
        Order-independent skeleton (Colombo & Maathuis 2014).
    collider_rule, conflict:
        How unshielded colliders are decided and conflicts resolved, exactly as in
        :class:`~causalscope.discovery.PC` (triples through ``C`` included).
    knowledge:
        Background knowledge over the variables (it must not name the domain column).
    domain_encoding:
        ``"categorical"``: ``C`` is a label (one indicator per domain);
        ``"numeric"``: ``C``'s values form one numeric column (a time index; also
        causal-learn's treatment of a domain index); ``"auto"``: categorical unless
        the column is numeric with more than 20 distinct values.
    orient_by_independent_change:
        Orient the edges left undirected between two changing modules by the
        independent-change principle (needs at least 3 domains; a numeric index is
        cut into 10 segments by rank for this step).
    independent_change:
        The dependence measure of that step (:func:`independent_change_dependence`):
        ``"kernel"``, the paper's normalised HSIC of kernel embeddings of the
        modules (nonparametric), or ``"parametric"``, the RV coefficient of
        per-domain linear-Gaussian parameters (better when the modules are
        linear-Gaussian with a fixed slope, misled by nonlinear mechanisms; see
        docs/cdnod.md).
    independent_change_margin:
        An edge is oriented only when the two directions' dependences differ by
        more than this (``>= 0``); otherwise it stays undirected ("undecided").
    missing:
        ``"error"`` or ``"testwise"``, passed to the CI test.
    n_jobs, progress:
        As for :class:`~causalscope.discovery.PC`.

    Attributes
    ----------
    graph_ : CPDAG
        The learned graph over the variables (``C`` removed).
    graph_with_context_ : CPDAG
        The graph including the node ``C`` (named after the domain column).
    changing_modules_ : tuple of str
        Variables adjacent to ``C``: their mechanisms change across domains.
    changing_module_pvalues_ : dict
        For each changing module, the largest p-value among the CI tests of ``C``
        against it (all at most ``alpha``; smaller means stronger evidence of change).
    independent_change_ : dict
        ``{(a, b): (dependence if a --> b, dependence if b --> a)}`` for each edge
        the independent-change step examined (oriented or left undecided).
    oriented_by_independent_change_ : tuple
        The edges ``(cause, effect)`` that step oriented.
    pc_ : PC
        The fitted PC run over the variables and ``C`` (steps 1-3).
    skeleton_, sepsets_, pvalues_, n_tests_ :
        As for PC (over the variables and ``C``).
    variables_, domain_column_, domain_labels_, domain_encoding_ :
        The variables, the domain column, its sorted labels and the encoding used.

    Raises
    ------
    InvalidParameterError
        In :meth:`fit`: bad options, or no domain column given nor found.
    DataError
        In :meth:`fit`: an unknown domain column, a domain column with one value or
        missing labels, knowledge naming the domain column.

    Notes
    -----
    Steps 1-3 of the module documentation are PC run on ``V`` plus ``C`` with the
    knowledge "no variable causes ``C``": PC orients ``C --> V`` from the
    knowledge before the colliders, then orients the colliders (the triples
    ``C --> V_i <-- V_j`` included) and applies Meek's rules, which orient
    ``V_i --> V_j`` from ``C --> V_i --- V_j`` when ``V_i`` separated ``C`` and
    ``V_j``.

    References
    ----------
    B. Huang, K. Zhang, J. Zhang, J. Ramsey, R. Sanchez-Romero, C. Glymour and
    B. Schölkopf (2020). Causal discovery from heterogeneous/nonstationary data.
    *Journal of Machine Learning Research* 21(89), 1-53.

    Examples
    --------
    ``X --> Y``, and only ``X``'s mechanism changes between two domains: PC
    cannot orient the edge, CD-NOD can (``C --> X --- Y`` is an unshielded
    non-collider, so ``X --> Y``).

    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> d = np.repeat([0, 1], 500)
    >>> x = rng.normal(size=1000) + 2.0 * d
    >>> y = x + rng.normal(size=1000)
    >>> frame = pd.DataFrame({"X": x, "Y": y, "domain": d})
    >>> est = CDNOD(domain_column="domain").fit(frame)
    >>> print(est.graph_)
    X --> Y
    >>> est.changing_modules_
    ('X',)
    >>> print(est.graph_with_context_)
    X --> Y; domain --> X
    """

    name = "cdnod"

    def __init__(
        self,
        *,
        domain_column: str | None = None,
        ci_test: Any = "auto",
        alpha: float = 0.05,
        max_cond_size: int | None = None,
        stable: bool = True,
        collider_rule: ColliderRule = "sepset",
        conflict: ConflictRule = "existing",
        knowledge: Any = None,
        domain_encoding: DomainEncoding = "auto",
        orient_by_independent_change: bool = True,
        independent_change: IndependentChangeMethod = "parametric",
        independent_change_margin: float = 0.0,
        missing: MissingPolicy = "error",
        n_jobs: int = 1,
        progress: Any = None,
    ) -> None:
        self.domain_column = domain_column
        self.ci_test = ci_test
        self.alpha = alpha
        self.max_cond_size = max_cond_size
        self.stable = stable
        self.collider_rule = collider_rule
        self.conflict = conflict
        self.knowledge = knowledge
        self.domain_encoding = domain_encoding
        self.orient_by_independent_change = orient_by_independent_change
        self.independent_change = independent_change
        self.independent_change_margin = independent_change_margin
        self.missing = missing
        self.n_jobs = n_jobs
        self.progress = progress

    # -- helpers -----------------------------------------------------------------
    def _build_test(
        self, ds: Dataset, codes: np.ndarray, raw: np.ndarray, c_name: str, encoding: str
    ) -> Any:
        """The CI test over the variables plus ``C`` (the last column)."""
        frame = ds.to_frame(decode=False, include_roles=False)
        cont = all(str(getattr(k, "value", k)).lower() == "continuous" for k in ds.kinds.values())
        if encoding == "categorical" and self.ci_test in ("auto", "fisherz") and cont and not ds.has_missing:
            frame[c_name] = codes.astype(float)
            return DomainGaussianTest(frame, codes)
        if not isinstance(self.ci_test, str):
            raise InvalidParameterError(
                f"ci_test must be 'auto' or a registered test name for CD-NOD; got {type(self.ci_test).__name__}"
            )
        kinds: dict[str, Any] = {v: str(getattr(k, "value", k)).lower() for v, k in ds.kinds.items()}
        if encoding == "categorical":
            frame[c_name] = codes
            kinds[c_name] = "discrete"
        else:
            frame[c_name] = raw.astype(float)
            kinds[c_name] = "continuous"
        aug = Dataset.from_frame(frame, kinds=kinds, missing="keep" if ds.has_missing else "error")
        test, _ = resolve_ci_test(self.ci_test, aug, missing=self.missing)
        return test

    def fit(self, data: Any) -> CDNOD:
        """Learn the graph and the changing modules from ``data`` (a DataFrame or Dataset).

        Returns
        -------
        CDNOD
            ``self``, with the fitted attributes set.
        """
        from .pc import PC

        check_alpha(self.alpha)
        encoding = _check_choice(self.domain_encoding, "domain_encoding", ("auto", "categorical", "numeric"))
        if not isinstance(self.orient_by_independent_change, (bool, np.bool_)):
            raise InvalidParameterError(
                f"orient_by_independent_change must be True or False; got {self.orient_by_independent_change!r}"
            )
        icp_method = cast(
            IndependentChangeMethod,
            _check_choice(self.independent_change, "independent_change", ("kernel", "parametric")),
        )
        margin = self.independent_change_margin
        if (
            isinstance(margin, (bool, np.bool_))
            or not isinstance(margin, (int, float, np.integer, np.floating))
            or not margin >= 0
        ):
            raise InvalidParameterError(f"independent_change_margin must be a number >= 0; got {margin!r}")
        ds, raw, c_name, numeric = _split_domain(data, self.domain_column)
        codes, labels = _domain_codes(raw, c_name)
        if encoding == "auto":
            encoding = "numeric" if numeric and len(labels) > _MAX_CATEGORIES else "categorical"
        if encoding == "numeric" and not numeric:
            raise DataError(
                f"domain_encoding='numeric' needs a numeric domain column; {c_name!r} holds labels such as {labels[0]!r}"
            )
        if len(ds.variables) < 1:
            raise DataError("CD-NOD needs at least one variable besides the domain column")
        v_names = tuple(ds.variables)
        user = as_knowledge(self.knowledge)
        if user is not None:
            if c_name in user.mentioned():
                raise DataError(
                    f"knowledge must not name the domain column {c_name!r}; CD-NOD adds "
                    "'nothing causes it' itself"
                )
            user.validate(v_names)
        knowledge = _context_knowledge(user, v_names, c_name)
        test = self._build_test(ds, codes, raw, c_name, encoding)

        pc = PC(
            ci_test=test, alpha=self.alpha, max_cond_size=self.max_cond_size, stable=self.stable,
            collider_rule=self.collider_rule, conflict=self.conflict, knowledge=knowledge,
            missing=self.missing, n_jobs=self.n_jobs, progress=self.progress,
        ).fit()
        names = tuple(pc.variables_)
        c = names.index(c_name)
        skel = pc.skeleton_
        marks = pc.graph_.mark_matrix().astype(np.int8)
        changing = [int(v) for v in np.flatnonzero(skel.adjacency[c])]

        icp: dict[tuple[str, str], tuple[float, float]] = {}
        icp_oriented: list[tuple[str, str]] = []
        if self.orient_by_independent_change and len(changing) >= 2:
            seg = codes if encoding == "categorical" else _segments(raw.astype(float))
            if len(np.unique(seg)) >= 3:
                marks = _orient_by_independent_change(
                    marks, changing, ds, names, seg, icp, icp_oriented, icp_method, float(margin)
                )

        keep = [i for i in range(len(names)) if i != c]
        self.pc_ = pc
        self.variables_ = v_names
        self.domain_column_ = c_name
        self.domain_labels_ = labels
        self.domain_encoding_ = encoding
        self.skeleton_ = skel
        self.graph_with_context_ = CPDAG.from_mark_matrix(names, marks)
        self.graph_ = CPDAG.from_mark_matrix([names[i] for i in keep], marks[np.ix_(keep, keep)])
        self.changing_modules_ = tuple(names[v] for v in changing)
        self.changing_module_pvalues_ = {
            names[v]: float(skel.pvalues.get((min(c, v), max(c, v)), float("nan"))) for v in changing
        }
        self.independent_change_ = icp
        self.oriented_by_independent_change_ = tuple(icp_oriented)
        self.sepsets_ = dict(pc.sepsets_)
        self.pvalues_ = dict(pc.pvalues_)
        self.n_tests_ = int(pc.n_tests_)
        return self


def _orient_by_independent_change(
    marks: np.ndarray,
    changing: list[int],
    ds: Dataset,
    names: tuple[str, ...],
    seg: np.ndarray,
    icp: dict[tuple[str, str], tuple[float, float]],
    oriented: list[tuple[str, str]],
    method: IndependentChangeMethod,
    margin: float,
) -> np.ndarray:
    """Step 4: orient undirected edges between changing modules, most decisive first.

    An edge is a candidate when its two dependences differ by more than ``margin``.
    Each orientation is followed by Meek's rules; an orientation that would close
    a directed cycle, or an edge already oriented by an earlier step, is skipped.
    """
    cands = []
    for i, a in enumerate(changing):
        for b in changing[i + 1 :]:
            if not _is_undirected(marks, a, b):
                continue
            xa, xb = ds.column(names[a]).astype(float), ds.column(names[b]).astype(float)
            ok = ~(np.isnan(xa) | np.isnan(xb))
            d_ab = independent_change_dependence(xa[ok], xb[ok], seg[ok], method=method)
            d_ba = independent_change_dependence(xb[ok], xa[ok], seg[ok], method=method)
            icp[(names[a], names[b])] = (d_ab, d_ba)
            if abs(d_ab - d_ba) > margin:
                cands.append((abs(d_ab - d_ba), (a, b) if d_ab < d_ba else (b, a)))
    for _, (u, v) in sorted(cands, key=lambda t: -t[0]):
        if _is_undirected(marks, u, v) and not _creates_cycle(marks, u, v):
            trial = marks.copy()
            trial[u, v] = ARROW
            trial[v, u] = TAIL
            trial = apply_meek_rules(trial)
            if has_directed_cycle(trial):
                # Meek's rules propagated the orientation into a cycle (the partially
                # directed graph has no consistent extension with it): skip it
                _log.debug("CD-NOD independent change: %s --> %s skipped (cycle)", names[u], names[v])
                continue
            marks = trial
            oriented.append((names[u], names[v]))
            _log.debug("CD-NOD independent change: %s --> %s", names[u], names[v])
    return marks


def cdnod(data: Any, domain_column: str | None = None, **kwargs: Any) -> CPDAG:
    """Run :class:`CDNOD` and return its graph over the variables.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> d = np.repeat([0, 1], 500)
    >>> x = rng.normal(size=1000) + 2.0 * d
    >>> frame = pd.DataFrame({"X": x, "Y": x + rng.normal(size=1000), "domain": d})
    >>> print(cdnod(frame, domain_column="domain"))
    X --> Y
    """
    return CDNOD(domain_column=domain_column, **kwargs).fit(data).graph_
