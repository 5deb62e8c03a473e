"""The Sachs et al. (2005) protein-signalling data, its consensus graphs and tier knowledge.

Flow-cytometry measurements of 11 signalling proteins: 853 observational rows (the
cd3cd28 condition) or all 7,466 rows over nine experimental conditions with a
``condition`` column; :func:`sachs_ground_truth` gives the three published
consensus graphs (they disagree), :func:`sachs_tiers` the CMU tier knowledge.
"""

from __future__ import annotations

import re
from typing import Literal

from ..exceptions import DataError, InvalidParameterError
from ..graphs import DAG, MixedGraph
from .packaged import Example, read_packaged_csv, resource, unknown_name

__all__ = ["SACHS_COLUMNS", "SACHS_CONDITIONS", "load_sachs", "sachs_column_name", "sachs_ground_truth", "sachs_tiers"]


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
        data = read_packaged_csv("sachs", "sachs_cd3cd28_observational_853.csv")
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
        data = read_packaged_csv("sachs", "sachs_2005_continuous_with_condition.csv.gz")
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
        raise unknown_name("Sachs ground-truth graph", which, tuple(_SACHS_GRAPH_FILES))
    table = read_packaged_csv("sachs", _SACHS_GRAPH_FILES[which])
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
    text = resource("sachs", "tiers_knowledge_cmu.txt").read_text(encoding="utf-8")
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
