"""Real example data shipped with causalscope, with provenance and reference answers.

Causal methods are judged on data whose answer is known from outside the data:
a randomized experiment, a biological consensus network, a published Bayesian
network. This module loads such data from files packaged under
``causalscope/datasets/data/`` (each folder carries a ``PROVENANCE.md`` with the
source, license and citation), so every loader works offline and from an installed
wheel.

What is here
------------
``load_sachs``
    Sachs et al. (2005) flow-cytometry measurements of 11 signalling proteins:
    853 observational rows (the cd3cd28 condition) or all 7,466 rows over nine
    experimental conditions with a ``condition`` column; ``sachs_ground_truth``
    gives the three published consensus graphs (they disagree), ``sachs_tiers``
    the CMU tier knowledge.
``load_lalonde``
    The National Supported Work experiment (LaLonde 1986; Dehejia & Wahba 1999):
    the randomized 445-row sample (experimental ATE on 1978 earnings = $1,794.34)
    or the 185 treated with 15,992 CPS survey controls, the classic observational
    benchmark.
``load_network``
    Structure (DAG and state names) of six bnlearn-repository Bayesian networks.
``load_dagitty``
    Small textbook and published DAGs in dagitty syntax, with exposure, outcome and
    latent tags.

Every tabular example is an :class:`Example`; :meth:`Example.to_dataset` turns it
into a validated :class:`causalscope.data.Dataset`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pandas as pd

from ..exceptions import DataError, InvalidParameterError
from ..graphs import ADMG, DAG, MixedGraph
from ..utils import to_jsonable

if TYPE_CHECKING:  # pragma: no cover
    from ..data import Dataset
    from ..scm import DiscreteBN

__all__ = [
    "Example",
    "NetworkStructure",
    "DagittyExample",
    "SACHS_COLUMNS",
    "SACHS_CONDITIONS",
    "load_sachs",
    "sachs_ground_truth",
    "sachs_tiers",
    "sachs_column_name",
    "load_lalonde",
    "load_network",
    "list_networks",
    "load_dagitty",
    "list_dagitty",
    "parse_dagitty",
    "example_names",
    "load_example",
]

_PACKAGE = "causalscope.datasets"


def _resource(*parts: str) -> Traversable:
    return files(_PACKAGE).joinpath("data", *parts)


def _resource_path(*parts: str) -> Path:
    res = _resource(*parts)
    return res if isinstance(res, Path) else Path(str(res))


@lru_cache(maxsize=None)
def _read_csv_cached(*parts: str) -> pd.DataFrame:
    res = _resource(*parts)
    compression = "gzip" if parts[-1].endswith(".gz") else None
    with res.open("rb") as fh:
        return pd.read_csv(fh, compression=compression)


def _read_csv(*parts: str) -> pd.DataFrame:
    # Cached read, returned as a copy so callers cannot alter the cache.
    return _read_csv_cached(*parts).copy()


def _unknown(kind: str, name: object, valid: tuple[str, ...]) -> InvalidParameterError:
    return InvalidParameterError(f"unknown {kind} {name!r}; expected one of: {', '.join(valid)}")


# --------------------------------------------------------------------------- Example
@dataclass(frozen=True, eq=False)
class Example:
    """A real data set with its provenance and known reference answers.

    Attributes
    ----------
    name:
        The example's name (as accepted by :func:`load_example`).
    data:
        The table, one row per unit, columns named as documented by the loader.
    description:
        One paragraph on what the data are.
    provenance:
        Source, license and citation of the packaged file(s).
    domain_column:
        Name of the column that labels the experimental condition / environment of
        each row (a domain for multi-environment methods), or ``None``.
    treatment, outcome:
        Treatment and outcome column names where the example has a causal-effect
        question (LaLonde: ``treat`` and ``re78``), otherwise ``None``.
    reference:
        Reference answers known from outside the data (for example
        ``{"ate": 1794.34}``, or the names of the published ground-truth graphs).

    Notes
    -----
    Equality is identity (a data frame has no single truth value); compare ``data``
    with ``DataFrame.equals`` when needed.
    """

    name: str
    data: pd.DataFrame
    description: str
    provenance: str
    domain_column: str | None = None
    treatment: str | None = None
    outcome: str | None = None
    reference: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)`` of :attr:`data`."""
        return (int(self.data.shape[0]), int(self.data.shape[1]))

    def to_dataset(self) -> Dataset:
        """Build a validated :class:`causalscope.data.Dataset` from :attr:`data`.

        Calls ``Dataset.from_frame(self.data, domain_column=self.domain_column)``,
        so column kinds are inferred by the data layer.

        Returns
        -------
        causalscope.data.Dataset
        """
        from ..data import Dataset

        return Dataset.from_frame(self.data, domain_column=self.domain_column)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (metadata and shape, not the rows themselves)."""
        return {
            "name": self.name,
            "n_rows": self.shape[0],
            "columns": [str(c) for c in self.data.columns],
            "description": self.description,
            "provenance": self.provenance,
            "domain_column": self.domain_column,
            "treatment": self.treatment,
            "outcome": self.outcome,
            "reference": to_jsonable(self.reference),
        }


# --------------------------------------------------------------------------- Sachs
#: The 11 protein columns of the Sachs data, in file order.
SACHS_COLUMNS: tuple[str, ...] = ("raf", "mek", "plc", "pip2", "pip3", "erk", "akt", "pka", "pkc", "p38", "jnk")

#: The nine experimental conditions of the 7,466-row data, in file (row) order.
SACHS_CONDITIONS: tuple[str, ...] = (
    "cd3_cd28",
    "cd3_cd28+icam2",
    "cd3_cd28+aktinhib",
    "cd3_cd28+g0076",
    "cd3_cd28+psitect",
    "cd3_cd28+u0126",
    "cd3_cd28+ly",
    "pma",
    "b2camp",
)

# condition -> (reagent, action, target as reported by Sachs et al., measured targets)
_SACHS_INTERVENTIONS: dict[str, tuple[str, str, str | None, tuple[str, ...]]] = {
    "cd3_cd28": ("anti-CD3/CD28", "general stimulation", None, ()),
    "cd3_cd28+icam2": ("anti-CD3/CD28 + ICAM-2", "general stimulation", None, ()),
    "cd3_cd28+aktinhib": ("Akt inhibitor", "inhibition", "Akt", ("akt",)),
    "cd3_cd28+g0076": ("G06976", "inhibition", "PKC", ("pkc",)),
    "cd3_cd28+psitect": ("psitectorigenin", "inhibition", "PIP2", ("pip2",)),
    "cd3_cd28+u0126": ("U0126", "inhibition", "MEK", ("mek",)),
    "cd3_cd28+ly": ("LY294002", "inhibition", "PI3K (not measured; produces PIP3)", ("pip3",)),
    "pma": ("PMA", "activation", "PKC", ("pkc",)),
    "b2camp": ("beta2cAMP", "activation", "PKA", ("pka",)),
}

# Spellings of the Sachs proteins in other sources -> the data's column names.
_SACHS_ALIASES: dict[str, str] = {
    **{c: c for c in SACHS_COLUMNS},
    "praf": "raf",
    "pmek": "mek",
    "plcg": "plc",
    "plcgamma": "plc",
    "plc-gamma": "plc",
    "p44/42": "erk",
    "p44.42": "erk",
    "erk1/2": "erk",
    "pakts473": "akt",
    "akt473": "akt",
    "pjnk": "jnk",
    "p38mapk": "p38",
}

_SACHS_GRAPH_FILES: dict[str, str] = {
    "bnlearn17": "groundtruth_bnlearn_17arcs.csv",
    "cdt18": "groundtruth_cdt_18edges.csv",
    "tetrad20": "groundtruth_cmu_tetrad_20edges.csv",
}

_SACHS_PROVENANCE = (
    "Sachs, K., Perez, O., Pe'er, D., Lauffenburger, D. A. & Nolan, G. P. (2005). Causal "
    "protein-signaling networks derived from multiparameter single-cell data. Science 308(5721), "
    "523-529. Files from cmu-phil/example-causal-datasets, folder real/sachs (CC0 1.0). "
    "See causalscope/datasets/data/sachs/PROVENANCE.md."
)


def sachs_column_name(name: str) -> str:
    """Map a spelling of a Sachs protein to the data's column name.

    Accepts the data's names and the spellings used elsewhere (``Plcg``, ``p44/42``,
    ``pakts473``, ``praf``, ...), case-insensitively.

    Parameters
    ----------
    name:
        A protein name.

    Returns
    -------
    str
        One of :data:`SACHS_COLUMNS`.

    Raises
    ------
    InvalidParameterError
        If the name is not a known spelling of a Sachs protein.

    Examples
    --------
    >>> sachs_column_name("Plcg"), sachs_column_name("p44/42"), sachs_column_name("pakts473")
    ('plc', 'erk', 'akt')
    """
    key = str(name).strip().lower()
    if key not in _SACHS_ALIASES:
        raise InvalidParameterError(
            f"unknown Sachs protein name {name!r}; expected one of {', '.join(SACHS_COLUMNS)} "
            f"or a known alias ({', '.join(sorted(set(_SACHS_ALIASES) - set(SACHS_COLUMNS)))})"
        )
    return _SACHS_ALIASES[key]


def load_sachs(*, kind: Literal["observational", "interventional"] = "observational") -> Example:
    """Load the Sachs et al. (2005) protein-signalling flow-cytometry data.

    Parameters
    ----------
    kind:
        ``"observational"``: the 853 rows of the cd3cd28 condition (general
        stimulation only), 11 continuous columns :data:`SACHS_COLUMNS`.
        ``"interventional"``: all 7,466 rows of the nine conditions
        :data:`SACHS_CONDITIONS`, with a first column ``condition`` (the domain
        column) followed by the 11 proteins. The first 853 rows are the
        observational ones.

    Returns
    -------
    Example
        ``reference["ground_truth"]`` names the published graphs (see
        :func:`sachs_ground_truth`). For ``"interventional"``,
        ``reference["targets"]`` maps each condition to the measured proteins it
        intervenes on (empty for the two general-stimulation conditions) and
        ``reference["interventions"]`` gives reagent, action and the target as
        reported by Sachs et al.

    Raises
    ------
    InvalidParameterError
        If ``kind`` is not one of the two values.

    Notes
    -----
    Values are raw abundances (heavily right-skewed; a log transform is common).
    The inhibitors act on a protein's *activity*, not on its measured abundance, so
    the measured value of a "target" need not shift. LY294002 inhibits PI3K, which
    is not measured; its product PIP3 (``pip3``) is listed as the measured target,
    as is common in the literature. PMA and beta2cAMP were applied without the
    anti-CD3/CD28 stimulation.

    References
    ----------
    .. [1] Sachs, K., Perez, O., Pe'er, D., Lauffenburger, D. A. & Nolan, G. P.
       (2005). Causal protein-signaling networks derived from multiparameter
       single-cell data. Science 308(5721), 523-529.

    Examples
    --------
    >>> ex = load_sachs()
    >>> ex.data.shape
    (853, 11)
    >>> inter = load_sachs(kind="interventional")
    >>> inter.domain_column, inter.reference["targets"]["cd3_cd28+u0126"]
    ('condition', ('mek',))
    """
    if kind == "observational":
        data = _read_csv("sachs", "sachs_cd3cd28_observational_853.csv")
        return Example(
            name="sachs",
            data=data,
            description=(
                "Sachs et al. (2005): flow-cytometry abundances of 11 phosphorylated proteins and "
                "phospholipids in single human T cells under general anti-CD3/CD28 stimulation "
                "(853 cells, no targeted intervention)."
            ),
            provenance=_SACHS_PROVENANCE,
            reference={"ground_truth": tuple(_SACHS_GRAPH_FILES)},
        )
    if kind == "interventional":
        data = _read_csv("sachs", "sachs_2005_continuous_with_condition.csv.gz")
        return Example(
            name="sachs-interventional",
            data=data,
            description=(
                "Sachs et al. (2005): flow-cytometry abundances of 11 signalling proteins in 7,466 single "
                "T cells over nine experimental conditions (two general stimulations, five inhibitors, "
                "two activators); the 'condition' column labels each row's condition."
            ),
            provenance=_SACHS_PROVENANCE,
            domain_column="condition",
            reference={
                "ground_truth": tuple(_SACHS_GRAPH_FILES),
                "targets": {c: v[3] for c, v in _SACHS_INTERVENTIONS.items()},
                "interventions": {
                    c: {"reagent": v[0], "action": v[1], "reported_target": v[2]}
                    for c, v in _SACHS_INTERVENTIONS.items()
                },
            },
        )
    raise InvalidParameterError(f"kind must be 'observational' or 'interventional'; got {kind!r}")


def sachs_ground_truth(which: Literal["bnlearn17", "cdt18", "tetrad20"] = "bnlearn17") -> MixedGraph:
    """One of the three published Sachs consensus graphs, over the data's column names.

    Parameters
    ----------
    which:
        ``"bnlearn17"``: the 17-arc consensus network of the bnlearn repository
        (Sachs et al.'s expected network as used by bnlearn and most papers).
        ``"cdt18"``: the 18 edges of the Causal Discovery Toolbox's Sachs data.
        ``"tetrad20"``: CMU/Tetrad's 20-edge graph.

    Returns
    -------
    MixedGraph
        A :class:`~causalscope.graphs.DAG` for ``bnlearn17`` and ``tetrad20``.
        ``cdt18`` contains the directed cycle ``plc --> pip2 --> pip3 --> plc``
        (a feedback loop of the biology), so it is returned as a
        :class:`~causalscope.graphs.MixedGraph` whose edges are all directed.
        Nodes are :data:`SACHS_COLUMNS` in data order.

    Raises
    ------
    InvalidParameterError
        If ``which`` is not one of the three names.

    Notes
    -----
    The graphs disagree (for example on ``pip3 --> akt`` and on the PLC/PIP
    triangle): always say which one a score uses. Node names in the source files
    are mapped to the data's names with :func:`sachs_column_name` (``Plcg`` ->
    ``plc``, ``p44/42`` -> ``erk``, ``pakts473`` -> ``akt``).

    Examples
    --------
    >>> [sachs_ground_truth(w).n_edges for w in ("bnlearn17", "cdt18", "tetrad20")]
    [17, 18, 20]
    >>> sorted(sachs_ground_truth("bnlearn17").parents("akt"))
    ['erk', 'pka']
    """
    if which not in _SACHS_GRAPH_FILES:
        raise _unknown("Sachs ground-truth graph", which, tuple(_SACHS_GRAPH_FILES))
    table = _read_csv("sachs", _SACHS_GRAPH_FILES[which])
    if list(table.columns) != ["cause", "effect"]:
        raise DataError(
            f"Sachs graph file {_SACHS_GRAPH_FILES[which]!r} must have columns cause,effect; "
            f"found {list(table.columns)}"
        )
    edges = [(sachs_column_name(c), sachs_column_name(e)) for c, e in table.itertuples(index=False)]
    graph = MixedGraph(nodes=SACHS_COLUMNS, edges=edges)
    if graph.directed_cycle() is None:
        return DAG(nodes=SACHS_COLUMNS, edges=edges)
    return graph


def sachs_tiers() -> list[list[str]]:
    """The CMU tier ordering for the Sachs data (Tetrad knowledge file).

    Returns
    -------
    list of list of str
        Tiers in order; a variable in a later tier cannot cause one in an earlier
        tier. Tier 1 holds the nine condition indicators (``cd3_cd28``, ``icam2``,
        ``aktinhib``, ``g0076``, ``psitect``, ``u0126``, ``ly``, ``pma``,
        ``b2camp``), tier 2 the 11 proteins. The indicator names are those of the
        indicator columns of CMU's jittered multi-context file, not values of the
        ``condition`` column of :func:`load_sachs`: one indicator per condition,
        named by its reagent.

    Examples
    --------
    >>> tiers = sachs_tiers()
    >>> len(tiers), tiers[1][:3]
    (2, ['raf', 'mek', 'plc'])
    """
    text = _resource("sachs", "tiers_knowledge_cmu.txt").read_text(encoding="utf-8")
    tiers: dict[int, list[str]] = {}
    section = None
    for raw in text.splitlines():
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        low = line.lower()
        if low.startswith("/knowledge"):
            continue
        if low in {"addtemporal", "forbiddirect", "requiredirect"}:
            section = low
            continue
        if section == "addtemporal":
            head, *names = line.split()
            m = re.fullmatch(r"(\d+)\*?", head)
            if m is None:
                raise DataError(f"tiers file: expected 'TIER NAME ...', got {raw!r}")
            tiers.setdefault(int(m.group(1)), []).extend(
                sachs_column_name(n) if n.lower() in _SACHS_ALIASES else n for n in names
            )
    return [tiers[k] for k in sorted(tiers)]


# --------------------------------------------------------------------------- LaLonde
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
    frame = _read_csv("lalonde", fname)
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


# --------------------------------------------------------------------------- bnlearn networks
_NETWORK_CITATIONS: dict[str, str] = {
    "asia": "Lauritzen, S. L. & Spiegelhalter, D. J. (1988). Local computations with probabilities on "
    "graphical structures and their application to expert systems. JRSS B 50(2), 157-224.",
    "cancer": "Korb, K. B. & Nicholson, A. E. (2010). Bayesian Artificial Intelligence, 2nd ed. CRC Press.",
    "child": "Spiegelhalter, D. J. & Cowell, R. G. (1992). Learning in probabilistic expert systems. "
    "Bayesian Statistics 4, 447-466.",
    "earthquake": "Korb, K. B. & Nicholson, A. E. (2010). Bayesian Artificial Intelligence, 2nd ed. CRC Press.",
    "sachs": "Sachs, K. et al. (2005). Causal protein-signaling networks derived from multiparameter "
    "single-cell data. Science 308(5721), 523-529 (3-level discretized network).",
    "survey": "Scutari, M. & Denis, J.-B. (2014). Bayesian Networks with Examples in R. Chapman & Hall.",
}


@dataclass(frozen=True)
class NetworkStructure:
    """The structure of a packaged discrete Bayesian network.

    Attributes
    ----------
    name:
        Network name (see :func:`list_networks`).
    graph:
        The network's DAG over its variables (in file declaration order).
    states:
        State names of each variable, in file order.
    path:
        Path of the packaged ``.bif.gz`` file, for readers of the full network
        (conditional probability tables) to open the same file.
    provenance:
        Source, license and citation.
    """

    name: str
    graph: DAG
    states: dict[str, tuple[str, ...]]
    path: Path
    provenance: str

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (graph in graph-JSON form)."""
        return {
            "name": self.name,
            "graph": self.graph.to_dict(),
            "states": {v: list(s) for v, s in self.states.items()},
            "path": str(self.path),
            "provenance": self.provenance,
        }


def list_networks() -> tuple[str, ...]:
    """Names of the packaged bnlearn-repository networks.

    Examples
    --------
    >>> list_networks()
    ('asia', 'cancer', 'child', 'earthquake', 'sachs', 'survey')
    """
    return tuple(sorted(_NETWORK_CITATIONS))


def _network_path(name: str) -> Path:
    return _resource_path("bnlearn", f"{name}.bif.gz")


def _read_network(name: str) -> DiscreteBN:
    """Read a packaged network, CPTs included, with the BIF reader of :mod:`causalscope.scm.bif`."""
    if name not in _NETWORK_CITATIONS:
        raise _unknown("network", name, list_networks())
    from ..scm.bif import read_bif  # imported here: ``import causalscope.datasets`` stays light

    return read_bif(_network_path(name))


def load_network(name: str) -> NetworkStructure:
    """Load the structure (DAG and state names) of a packaged Bayesian network.

    Parameters
    ----------
    name:
        One of :func:`list_networks`: ``asia`` (8 nodes, 8 arcs), ``cancer`` (5/4),
        ``child`` (20/25), ``earthquake`` (5/4), ``sachs`` (11/17, three levels
        per protein, node names as in bnlearn: ``Raf``, ``Plcg``, ``PKA``, ...),
        ``survey`` (6/6).

    Returns
    -------
    NetworkStructure
        Name, DAG, state names, file path and provenance. The file is read with
        :func:`causalscope.scm.read_bif`, so its conditional probability tables are
        checked, but only the structure is returned; :func:`load_bayesnet` gives
        the full network.

    Raises
    ------
    InvalidParameterError
        If ``name`` is not a packaged network.

    References
    ----------
    .. [1] Scutari, M. (2010). Learning Bayesian networks with the bnlearn R
       package. Journal of Statistical Software 35(3), 1-22. Network repository:
       https://www.bnlearn.com/bnrepository/

    Examples
    --------
    >>> asia = load_network("asia")
    >>> asia.graph.n_nodes, asia.graph.n_edges, asia.states["smoke"]
    (8, 8, ('yes', 'no'))
    >>> sorted(asia.graph.parents("dysp"))
    ['bronc', 'either']
    """
    bn = _read_network(name)
    provenance = (
        f"{_NETWORK_CITATIONS[name]} From the bnlearn Bayesian network repository (M. Scutari), as "
        "distributed in the pgmpy 1.1.2 wheel (MIT). See causalscope/datasets/data/bnlearn/PROVENANCE.md."
    )
    return NetworkStructure(
        name=name,
        graph=bn.graph,
        states=dict(bn.states),
        path=_network_path(name),
        provenance=provenance,
    )


# --------------------------------------------------------------------------- dagitty
_DAGITTY_NAMES: tuple[str, ...] = (
    "Acid_1996",
    "Didelez_2010",
    "Kampen_2014",
    "M-bias",
    "Polzer_2012",
    "Schipf_2010",
    "Sebastiani_2005",
    "Shrier_2008",
    "Thoemmes_2013",
    "confounding",
    "mediator",
    "paths",
)
_DAGITTY_TAGS = ("exposure", "outcome", "latent", "adjusted", "selected")


@dataclass(frozen=True)
class DagittyExample:
    """A causal diagram written in dagitty syntax.

    Attributes
    ----------
    name:
        The example's name (see :func:`list_dagitty`).
    graph:
        The diagram over **all** its nodes, latent ones included: a
        :class:`~causalscope.graphs.DAG`, or an :class:`~causalscope.graphs.ADMG`
        when the file has bidirected (``<->``) edges.
    exposure, outcome, latent, adjusted, selected:
        Nodes carrying the corresponding dagitty tag, in node order.
    positions:
        The layout coordinates (``pos="x,y"``) dagitty stores, where given.
    provenance:
        Source and license.
    """

    name: str
    graph: MixedGraph
    exposure: tuple[str, ...]
    outcome: tuple[str, ...]
    latent: tuple[str, ...] = ()
    adjusted: tuple[str, ...] = ()
    selected: tuple[str, ...] = ()
    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    provenance: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (graph in graph-JSON form)."""
        return {
            "name": self.name,
            "graph": self.graph.to_dict(),
            "exposure": list(self.exposure),
            "outcome": list(self.outcome),
            "latent": list(self.latent),
            "adjusted": list(self.adjusted),
            "selected": list(self.selected),
            "positions": {k: list(v) for k, v in self.positions.items()},
            "provenance": self.provenance,
        }


_DG_TOKEN = re.compile(
    r"""\s+|//[^\n]*|/\*.*?\*/
    |(?P<str>"(?:[^"\\]|\\.)*")
    |(?P<op><->|->|<-|--|@-@|@->|<-@|-@)
    |(?P<punct>[{}\[\]=,;])
    |(?P<name>[A-Za-z0-9_.]+)
    |(?P<bad>.)""",
    re.S | re.X,
)


def _dagitty_tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _DG_TOKEN.finditer(text):
        kind = m.lastgroup
        if kind is None:
            continue
        value = m.group(kind)
        if kind == "bad":
            raise DataError(f"dagitty: unexpected character {value!r} at offset {m.start()}")
        if kind == "str":
            value = value[1:-1].replace('\\"', '"')
            kind = "name"
        out.append((kind, value))
    return out


def parse_dagitty(text: str, *, name: str = "dagitty") -> DagittyExample:
    """Parse a causal diagram written in dagitty syntax.

    Supported: a ``dag { ... }`` block; node statements ``X [exposure,
    pos="1,2"]`` with the tags ``exposure``, ``outcome``, ``latent``,
    ``adjusted``, ``selected`` and the ``pos`` layout; edge statements with
    ``->``, ``<-`` and ``<->``, chains (``A -> B -> C``), groups
    (``A -> {B C}``) and edge attributes (read and ignored); graph attributes
    such as ``bb="..."`` (ignored); quoted node names; ``//`` comments.

    Parameters
    ----------
    text:
        The diagram.
    name:
        Name given to the result.

    Returns
    -------
    DagittyExample
        ``graph`` is a DAG, or an ADMG when there is a ``<->`` edge.

    Raises
    ------
    DataError
        For other graph types (``pdag``, ``mag``, ``pag``), undirected ``--`` or
        other edge kinds, or malformed text.
    GraphError
        If the directed edges form a cycle.

    Examples
    --------
    >>> ex = parse_dagitty('dag { E [exposure] D [outcome] U [latent] '
    ...                    'U -> E U -> D E -> D }')
    >>> str(ex.graph), ex.exposure, ex.outcome, ex.latent
    ('E --> D; U --> E; U --> D', ('E',), ('D',), ('U',))
    >>> parse_dagitty("dag { X -> Y Y <-> Z }").graph.kind
    'admg'
    """
    toks = _dagitty_tokens(text)
    pos = 0

    def peek(k: int = 0) -> tuple[str, str] | None:
        return toks[pos + k] if pos + k < len(toks) else None

    def take() -> tuple[str, str]:
        nonlocal pos
        if pos >= len(toks):
            raise DataError(f"dagitty {name!r}: unexpected end of text")
        tok = toks[pos]
        pos += 1
        return tok

    def expect(value: str) -> None:
        tok = take()
        if tok[1] != value:
            raise DataError(f"dagitty {name!r}: expected {value!r}, found {tok[1]!r}")

    head = take()
    if head != ("name", "dag"):
        raise DataError(
            f"dagitty {name!r}: only 'dag {{ ... }}' diagrams are supported; the text starts with {head[1]!r}"
        )
    if peek() is not None and peek()[0] == "name":  # optional graph name
        take()
    expect("{")

    nodes: dict[str, None] = {}
    tags: dict[str, set[str]] = {}
    positions: dict[str, tuple[float, float]] = {}
    directed: list[tuple[str, str]] = []
    bidirected: list[tuple[str, str]] = []

    def attributes() -> list[tuple[str, str | None]]:
        expect("[")
        out: list[tuple[str, str | None]] = []
        while True:
            tok = take()
            if tok[1] == "]" and tok[0] == "punct":
                return out
            if tok[0] == "punct" and tok[1] == ",":
                continue
            if tok[0] != "name":
                raise DataError(f"dagitty {name!r}: unexpected {tok[1]!r} in an attribute list")
            key, value = tok[1], None
            if peek() == ("punct", "="):
                take()
                value = take()[1]
            out.append((key, value))

    def item() -> list[str]:
        tok = take()
        if tok == ("punct", "{"):
            group: list[str] = []
            while peek() != ("punct", "}"):
                t = take()
                if t[0] == "name":
                    group.append(t[1])
                elif t[1] not in {",", ";"}:
                    raise DataError(f"dagitty {name!r}: unexpected {t[1]!r} in a node group")
            take()
            for n in group:
                nodes.setdefault(n)
            return group
        if tok[0] != "name":
            raise DataError(f"dagitty {name!r}: expected a node name, found {tok[1]!r}")
        nodes.setdefault(tok[1])
        return [tok[1]]

    def set_node_attributes(names: list[str], attrs: list[tuple[str, str | None]]) -> None:
        for n in names:
            for key, value in attrs:
                if key in _DAGITTY_TAGS:
                    tags.setdefault(key, set()).add(n)
                elif key == "pos" and value is not None:
                    try:
                        x, y = (float(v) for v in value.split(","))
                    except ValueError as exc:
                        raise DataError(f"dagitty {name!r}: bad position {value!r} for node {n!r}") from exc
                    positions[n] = (x, y)

    while True:
        tok = peek()
        if tok is None:
            raise DataError(f"dagitty {name!r}: missing closing '}}'")
        if tok == ("punct", "}"):
            take()
            break
        if tok[0] == "punct" and tok[1] in {";", ","}:
            take()
            continue
        if tok[0] == "name" and peek(1) == ("punct", "="):  # graph attribute, e.g. bb="..."
            take(), take(), take()
            continue
        left = item()
        if peek() == ("punct", "["):
            set_node_attributes(left, attributes())
        while peek() is not None and peek()[0] == "op":
            op = take()[1]
            right = item()
            if op not in {"->", "<-", "<->"}:
                raise DataError(
                    f"dagitty {name!r}: edge kind {op!r} is not supported (only ->, <- and <->): "
                    f"{left} {op} {right}"
                )
            for a in left:
                for b in right:
                    if op == "->":
                        directed.append((a, b))
                    elif op == "<-":
                        directed.append((b, a))
                    else:
                        bidirected.append((a, b))
            left = right
            if peek() == ("punct", "["):
                attributes()  # edge attributes (layout): ignored
    if peek() is not None:
        raise DataError(f"dagitty {name!r}: unexpected text after the closing '}}': {peek()[1]!r}")

    order = tuple(nodes)

    def tagged(tag: str) -> tuple[str, ...]:
        return tuple(n for n in order if n in tags.get(tag, set()))

    edges: list[Any] = list(directed) + [(a, "<->", b) for a, b in bidirected]
    graph: MixedGraph = ADMG(nodes=order, edges=edges) if bidirected else DAG(nodes=order, edges=edges)
    return DagittyExample(
        name=name,
        graph=graph,
        exposure=tagged("exposure"),
        outcome=tagged("outcome"),
        latent=tagged("latent"),
        adjusted=tagged("adjusted"),
        selected=tagged("selected"),
        positions=positions,
    )


def list_dagitty() -> tuple[str, ...]:
    """Names of the packaged dagitty example diagrams.

    Examples
    --------
    >>> "M-bias" in list_dagitty()
    True
    """
    return _DAGITTY_NAMES


def load_dagitty(name: str) -> DagittyExample:
    """Load a packaged dagitty example diagram.

    Parameters
    ----------
    name:
        One of :func:`list_dagitty` (case-insensitive): textbook structures
        (``confounding``, ``mediator``, ``M-bias``, ``paths``) and DAGs from
        published studies, named by first author and year (``Acid_1996``,
        ``Shrier_2008``, ``Thoemmes_2013``, ...).

    Returns
    -------
    DagittyExample
        The graph over all nodes (latent ones included) with its exposure,
        outcome and latent tags. ``M-bias`` is written with bidirected edges and
        is therefore an ADMG.

    Raises
    ------
    InvalidParameterError
        If ``name`` is not a packaged example.

    References
    ----------
    .. [1] Textor, J., van der Zander, B., Gilthorpe, M. S., Liskiewicz, M. &
       Ellison, G. T. H. (2016). Robust causal inference using directed acyclic
       graphs: the R package 'dagitty'. International Journal of Epidemiology
       45(6), 1887-1894.

    Examples
    --------
    >>> ex = load_dagitty("confounding")
    >>> ex.exposure, ex.outcome, sorted(ex.graph.parents("D"))
    (('E',), ('D',), ['B', 'E', 'Z'])
    """
    lookup = {n.lower(): n for n in _DAGITTY_NAMES}
    key = lookup.get(str(name).lower())
    if key is None:
        raise _unknown("dagitty example", name, _DAGITTY_NAMES)
    text = _resource("dagitty", f"{key}.txt").read_text(encoding="utf-8")
    parsed = parse_dagitty(text, name=key)
    provenance = (
        "dagitty.net example diagrams (Textor et al. 2016, Int. J. Epidemiol. 45(6):1887-1894), as "
        "distributed in the pgmpy 1.1.2 wheel (MIT). See causalscope/datasets/data/dagitty/PROVENANCE.md."
    )
    return DagittyExample(
        name=parsed.name,
        graph=parsed.graph,
        exposure=parsed.exposure,
        outcome=parsed.outcome,
        latent=parsed.latent,
        adjusted=parsed.adjusted,
        selected=parsed.selected,
        positions=parsed.positions,
        provenance=provenance,
    )


# --------------------------------------------------------------------------- dispatcher
_EXAMPLES: dict[str, Callable[[], Example]] = {
    "sachs": lambda: load_sachs(kind="observational"),
    "sachs-interventional": lambda: load_sachs(kind="interventional"),
    "lalonde": lambda: load_lalonde(controls="experimental"),
    "lalonde-cps": lambda: load_lalonde(controls="cps"),
}


def example_names() -> tuple[str, ...]:
    """Names accepted by :func:`load_example` (and ``causalscope analyze --example``).

    Examples
    --------
    >>> example_names()
    ('sachs', 'sachs-interventional', 'lalonde', 'lalonde-cps')
    """
    return tuple(_EXAMPLES)


def load_example(name: str) -> Example:
    """Load a tabular example by name.

    Parameters
    ----------
    name:
        ``"sachs"`` (853 observational rows), ``"sachs-interventional"`` (7,466
        rows with a ``condition`` domain column), ``"lalonde"`` (the 445-row NSW
        experiment) or ``"lalonde-cps"`` (NSW treated with CPS controls).

    Returns
    -------
    Example

    Raises
    ------
    InvalidParameterError
        If ``name`` is not one of :func:`example_names`.

    Examples
    --------
    >>> load_example("lalonde-cps").data.shape
    (16177, 10)
    """
    if name not in _EXAMPLES:
        raise _unknown("example", name, example_names())
    return _EXAMPLES[name]()


def load_bayesnet(name: str) -> DiscreteBN:
    """Load a packaged bnlearn network as a full discrete causal Bayesian network.

    Unlike :func:`load_network` (structure only), this reads the conditional
    probability tables too, so the result can be sampled, intervened on and
    queried exactly.

    Parameters
    ----------
    name:
        One of :func:`list_networks`.

    Returns
    -------
    causalscope.scm.DiscreteBN
        The network, named ``name``.

    Raises
    ------
    InvalidParameterError
        If ``name`` is not a packaged network.

    References
    ----------
    .. [1] Scutari, M. (2010). Learning Bayesian networks with the bnlearn R
       package. Journal of Statistical Software 35(3), 1-22.

    Examples
    --------
    >>> bn = load_bayesnet("asia")
    >>> round(bn.probability("P(lung=yes | smoke=yes)"), 6)
    0.1
    """
    from ..scm import DiscreteBN

    bn = _read_network(name)
    return DiscreteBN(bn.graph, bn.states, bn.cpts, name=name)


__all__ += ["load_bayesnet"]
