"""Shipped examples: shapes, reference numbers, graphs and packaging.

References used: published figures (Sachs et al. 2005 row counts; the NSW
experimental ATE of $1,794.34 from LaLonde 1986 / Dehejia & Wahba 1999, recomputed
here from the data); the shared provenance copies of the files; and pgmpy's
``BIFReader`` (pgmpy 1.x) reading the same packaged BIF files.
"""

from __future__ import annotations

import gzip
import re
from importlib.resources import files
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from causalscope.datasets import (
    SACHS_COLUMNS,
    SACHS_CONDITIONS,
    DagittyExample,
    Example,
    NetworkStructure,
    example_names,
    list_dagitty,
    list_networks,
    load_dagitty,
    load_example,
    load_lalonde,
    load_network,
    load_sachs,
    parse_dagitty,
    sachs_column_name,
    sachs_ground_truth,
    sachs_tiers,
)
from causalscope.exceptions import DataError, GraphError, InvalidParameterError
from causalscope.graphs import ADMG, DAG, MixedGraph, parse_edge

DATA = files("causalscope.datasets").joinpath("data")
SHARED = Path("/work/shared/data")

PACKAGED_FILES = [
    "sachs/PROVENANCE.md",
    "sachs/sachs_cd3cd28_observational_853.csv",
    "sachs/sachs_2005_continuous_with_condition.csv.gz",
    "sachs/groundtruth_bnlearn_17arcs.csv",
    "sachs/groundtruth_cdt_18edges.csv",
    "sachs/groundtruth_cmu_tetrad_20edges.csv",
    "sachs/groundtruth_cmu_tetrad_20edges.txt",
    "sachs/tiers_knowledge_cmu.txt",
    "lalonde/PROVENANCE.md",
    "lalonde/causaldata_nsw_mixtape.csv",
    "lalonde/causaldata_cps_mixtape.csv.gz",
    "bnlearn/PROVENANCE.md",
    *(f"bnlearn/{n}.bif.gz" for n in ("asia", "cancer", "child", "earthquake", "sachs", "survey")),
    "dagitty/PROVENANCE.md",
    *(f"dagitty/{n}.txt" for n in list_dagitty()),
]


# --------------------------------------------------------------------------- packaging
@pytest.mark.parametrize("rel", PACKAGED_FILES)
def test_packaged_file_is_a_package_resource(rel: str) -> None:
    res = DATA.joinpath(*rel.split("/"))
    assert res.is_file(), rel
    assert len(res.read_bytes()) > 0


def test_package_data_stays_small() -> None:
    root = Path(str(DATA))
    total = sum(p.stat().st_size for p in root.rglob("*") if p.is_file())
    assert total < 1_000_000, f"packaged data is {total} bytes"


def test_every_dagitty_file_is_listed() -> None:
    stems = {p.name[: -len(".txt")] for p in DATA.joinpath("dagitty").iterdir() if p.name.endswith(".txt")}
    assert stems == set(list_dagitty())


@pytest.mark.skipif(not SHARED.is_dir(), reason="shared provenance copies not available")
@pytest.mark.parametrize(
    ("packaged", "shared"),
    [
        ("sachs/sachs_2005_continuous_with_condition.csv.gz", "sachs/sachs_2005_continuous_with_condition.csv"),
        ("lalonde/causaldata_cps_mixtape.csv.gz", "lalonde/causaldata_cps_mixtape.csv"),
        ("sachs/sachs_cd3cd28_observational_853.csv", "sachs/sachs_cd3cd28_observational_853.csv"),
        ("bnlearn/child.bif.gz", "bnlearn/child.bif.gz"),
    ],
)
def test_packaged_content_equals_the_shared_source(packaged: str, shared: str) -> None:
    raw = DATA.joinpath(*packaged.split("/")).read_bytes()
    src = (SHARED / shared).read_bytes()
    if packaged.endswith(".gz") and not shared.endswith(".gz"):
        raw = gzip.decompress(raw)
    assert raw == src


# --------------------------------------------------------------------------- Sachs
def test_sachs_observational_shape_and_columns() -> None:
    ex = load_sachs()
    assert isinstance(ex, Example)
    assert ex.data.shape == (853, 11)
    assert tuple(ex.data.columns) == SACHS_COLUMNS
    assert all(pd.api.types.is_float_dtype(t) for t in ex.data.dtypes)
    assert not ex.data.isna().any().any()
    assert ex.domain_column is None and ex.treatment is None
    assert "Sachs" in ex.provenance and "Science" in ex.provenance


def test_sachs_interventional_shape_conditions_and_targets() -> None:
    ex = load_sachs(kind="interventional")
    assert ex.data.shape == (7466, 12)
    assert list(ex.data.columns) == ["condition", *SACHS_COLUMNS]
    assert ex.domain_column == "condition"
    counts = ex.data["condition"].value_counts()
    expected = dict(zip(SACHS_CONDITIONS, (853, 902, 911, 723, 810, 799, 848, 913, 707)))
    assert counts.to_dict() == expected
    # Conditions are stacked in file order.
    firsts = ex.data["condition"].drop_duplicates().tolist()
    assert firsts == list(SACHS_CONDITIONS)
    targets = ex.reference["targets"]
    assert set(targets) == set(SACHS_CONDITIONS)
    assert targets["cd3_cd28"] == () and targets["cd3_cd28+icam2"] == ()
    assert targets["cd3_cd28+aktinhib"] == ("akt",)
    assert targets["cd3_cd28+u0126"] == ("mek",)
    assert targets["pma"] == ("pkc",) and targets["b2camp"] == ("pka",)
    assert all(set(t) <= set(SACHS_COLUMNS) for t in targets.values())


def test_sachs_observational_rows_are_the_first_condition() -> None:
    obs = load_sachs().data
    inter = load_sachs(kind="interventional").data
    first = inter[inter["condition"] == "cd3_cd28"].drop(columns="condition").reset_index(drop=True)
    np.testing.assert_array_equal(first.to_numpy(), obs.to_numpy())


def test_loaders_return_independent_copies() -> None:
    a = load_sachs()
    a.data.iloc[0, 0] = -1.0
    assert load_sachs().data.iloc[0, 0] != -1.0


@pytest.mark.parametrize(("which", "n_edges"), [("bnlearn17", 17), ("cdt18", 18), ("tetrad20", 20)])
def test_sachs_ground_truth_edge_counts_and_nodes(which: str, n_edges: int) -> None:
    g = sachs_ground_truth(which)
    assert g.n_edges == n_edges
    assert g.nodes == SACHS_COLUMNS
    assert set(g.nodes) <= set(load_sachs().data.columns)
    assert all(e.is_directed for e in g.edges)


def test_sachs_ground_truth_types_and_the_cdt_cycle() -> None:
    assert isinstance(sachs_ground_truth("bnlearn17"), DAG)
    assert isinstance(sachs_ground_truth("tetrad20"), DAG)
    cdt = sachs_ground_truth("cdt18")
    assert type(cdt) is MixedGraph
    cycle = cdt.directed_cycle()
    assert cycle is not None and set(cycle) == {"plc", "pip2", "pip3"}


def test_sachs_ground_truths_differ() -> None:
    b, c, t = (set(map(str, sachs_ground_truth(w).edges)) for w in ("bnlearn17", "cdt18", "tetrad20"))
    assert "pip3 --> akt" in t and "pip3 --> akt" not in b
    # CMU's 20 edges: bnlearn's 17 with plc --> pip3 reversed, plus pip2 --> pkc, plc --> pkc, pip3 --> akt.
    assert b - t == {"plc --> pip3"}
    assert t - b == {"pip2 --> pkc", "plc --> pkc", "pip3 --> akt", "pip3 --> plc"}
    # cdt's 18 lack erk --> akt, pkc --> pka and reverse the PIP3/PIP2 arc into a cycle.
    assert b - c == {"pkc --> pka", "erk --> akt", "plc --> pip3", "pip3 --> pip2"}
    assert c - b == {"pip2 --> pip3", "pip3 --> akt", "pip3 --> plc", "plc --> pkc", "pip2 --> pkc"}


def test_tetrad_csv_and_tetrad_text_agree() -> None:
    text = DATA.joinpath("sachs", "groundtruth_cmu_tetrad_20edges.txt").read_text()
    lines = [m.group(1) for m in re.finditer(r"^\d+\.\s+(.*)$", text, re.M)]
    edges = {parse_edge(line) for line in lines}
    assert len(edges) == 20
    assert edges == set(sachs_ground_truth("tetrad20").edges)


def test_bnlearn_sachs_network_equals_bnlearn17_after_renaming() -> None:
    net = load_network("sachs")
    renamed = net.graph.rename({n: sachs_column_name(n) for n in net.graph.nodes})
    assert {str(e) for e in renamed.edges} == {str(e) for e in sachs_ground_truth("bnlearn17").edges}


def test_sachs_column_name_aliases() -> None:
    assert sachs_column_name("Plcg") == "plc"
    assert sachs_column_name("p44/42") == "erk"
    assert sachs_column_name("PAKTS473") == "akt"
    assert sachs_column_name("PKA") == "pka"
    with pytest.raises(InvalidParameterError, match="zap70"):
        sachs_column_name("zap70")


def test_sachs_tiers() -> None:
    tiers = sachs_tiers()
    assert len(tiers) == 2
    assert tiers[0] == ["cd3_cd28", "icam2", "aktinhib", "g0076", "psitect", "u0126", "ly", "pma", "b2camp"]
    assert tiers[1] == list(SACHS_COLUMNS)


# --------------------------------------------------------------------------- LaLonde
LALONDE_COLUMNS = ["treat", "age", "educ", "black", "hisp", "marr", "nodegree", "re74", "re75", "re78"]


def test_lalonde_experimental_shape_and_groups() -> None:
    ex = load_lalonde()
    assert ex.data.shape == (445, 10)
    assert list(ex.data.columns) == LALONDE_COLUMNS
    assert (ex.data["treat"] == 1).sum() == 185
    assert (ex.data["treat"] == 0).sum() == 260
    assert (ex.treatment, ex.outcome) == ("treat", "re78")
    assert not ex.data.isna().any().any()


def test_lalonde_experimental_ate_from_data() -> None:
    # Reference: the published experimental benchmark $1,794.34 (Dehejia & Wahba 1999).
    ex = load_lalonde()
    y, t = ex.data["re78"].to_numpy(), ex.data["treat"].to_numpy()
    treated, control = y[t == 1], y[t == 0]
    ate = treated.mean() - control.mean()
    assert ate == pytest.approx(1794.34, abs=0.01)
    assert ex.reference["ate"] == pytest.approx(ate, abs=0.01)
    assert ex.reference["treated_mean_re78"] == pytest.approx(treated.mean(), abs=0.01)
    assert ex.reference["control_mean_re78"] == pytest.approx(control.mean(), abs=0.01)
    se = np.sqrt(treated.var(ddof=1) / treated.size + control.var(ddof=1) / control.size)
    assert ex.reference["ate_se"] == pytest.approx(se, abs=0.01)


def test_lalonde_cps_construction() -> None:
    ex = load_lalonde(controls="cps")
    assert ex.data.shape == (185 + 15992, 10)
    assert list(ex.data.columns) == LALONDE_COLUMNS
    assert (ex.data["treat"] == 1).sum() == 185
    assert (ex.data["treat"] == 0).sum() == 15992
    # The treated rows are exactly the NSW treated rows, first and in order.
    nsw = load_lalonde().data
    np.testing.assert_array_equal(
        ex.data.iloc[:185].to_numpy(), nsw[nsw["treat"] == 1].to_numpy()
    )
    naive = ex.data.loc[ex.data.treat == 1, "re78"].mean() - ex.data.loc[ex.data.treat == 0, "re78"].mean()
    assert ex.reference["naive_difference"] == pytest.approx(naive, abs=0.01)
    assert ex.reference["experimental_ate"] == 1794.34


def test_lalonde_source_files_share_columns() -> None:
    with DATA.joinpath("lalonde", "causaldata_nsw_mixtape.csv").open("rb") as fh:
        nsw = pd.read_csv(fh)
    with DATA.joinpath("lalonde", "causaldata_cps_mixtape.csv.gz").open("rb") as fh:
        cps = pd.read_csv(fh, compression="gzip")
    assert list(nsw.columns) == list(cps.columns) == ["data_id", *LALONDE_COLUMNS]


# --------------------------------------------------------------------------- dispatcher / Example
def test_example_names_and_dispatch() -> None:
    assert example_names() == ("sachs", "sachs-interventional", "lalonde", "lalonde-cps")
    shapes = {"sachs": (853, 11), "sachs-interventional": (7466, 12), "lalonde": (445, 10),
              "lalonde-cps": (16177, 10)}
    for name in example_names():
        ex = load_example(name)
        assert ex.name == name
        assert ex.shape == shapes[name]


def test_example_to_dict_is_json_ready() -> None:
    import json

    d = load_example("sachs-interventional").to_dict()
    assert d["n_rows"] == 7466 and d["domain_column"] == "condition"
    assert json.loads(json.dumps(d))["reference"]["targets"]["cd3_cd28+ly"] == ["pip3"]


def test_example_to_dataset_uses_the_domain_column() -> None:
    pytest.importorskip("causalscope.data")
    ds = load_sachs(kind="interventional").to_dataset()
    assert ds.n_samples == 7466
    assert ds.domain_column == "condition"
    assert "condition" not in ds.variables
    ds = load_lalonde().to_dataset()
    assert ds.n_samples == 445 and "treat" in ds.variables


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda: load_example("iris"), "lalonde-cps"),
        (lambda: load_network("alarm"), "asia"),
        (lambda: load_dagitty("nope"), "M-bias"),
        (lambda: sachs_ground_truth("consensus"), "bnlearn17"),  # type: ignore[arg-type]
        (lambda: load_sachs(kind="obs"), "observational"),  # type: ignore[arg-type]
        (lambda: load_lalonde(controls="psid"), "cps"),  # type: ignore[arg-type]
    ],
)
def test_unknown_names_raise_listing_valid_ones(call, needle: str) -> None:
    with pytest.raises(InvalidParameterError, match=re.escape(needle)):
        call()


# --------------------------------------------------------------------------- bnlearn networks
NETWORK_SIZES = {"asia": (8, 8), "cancer": (5, 4), "earthquake": (5, 4), "survey": (6, 6),
                 "sachs": (11, 17), "child": (20, 25)}


def test_list_networks() -> None:
    assert list_networks() == ("asia", "cancer", "child", "earthquake", "sachs", "survey")


@pytest.mark.parametrize("name", sorted(NETWORK_SIZES))
def test_network_sizes_and_packaged_path(name: str) -> None:
    net = load_network(name)
    assert isinstance(net, NetworkStructure) and net.name == name
    assert isinstance(net.graph, DAG)
    assert (net.graph.n_nodes, net.graph.n_edges) == NETWORK_SIZES[name]
    assert set(net.states) == set(net.graph.nodes)
    assert net.path.name == f"{name}.bif.gz" and net.path.is_file()
    assert net.to_dict()["graph"]["type"] == "dag"


@pytest.fixture(scope="module")
def pgmpy_readers():
    bif = pytest.importorskip("pgmpy.readwrite")
    out = {}
    for name in NETWORK_SIZES:
        text = gzip.decompress(load_network(name).path.read_bytes()).decode("utf-8")
        out[name] = bif.BIFReader(string=text)
    return out


@pytest.mark.parametrize("name", sorted(NETWORK_SIZES))
def test_network_matches_pgmpy_bifreader(name: str, pgmpy_readers) -> None:
    # Reference: pgmpy's BIFReader on the same packaged file.
    reader = pgmpy_readers[name]
    net = load_network(name)
    assert list(reader.variable_names) == list(net.graph.nodes)
    assert {tuple(e) for e in reader.variable_edges} == {(e.u, e.v) for e in net.graph.edges}
    assert {v: list(s) for v, s in net.states.items()} == {v: list(s) for v, s in reader.variable_states.items()}
    for v in net.graph.nodes:
        assert set(reader.variable_parents[v]) == set(net.graph.parents(v))


def test_child_states_with_unusual_names() -> None:
    net = load_network("child")
    assert net.states["LowerBodyO2"] == ("<5", "5-12", "12+")
    assert net.states["CO2Report"] == ("<7.5", ">=7.5")
    assert net.states["ChestXray"][-1] == "Asy/Patch"


# --------------------------------------------------------------------------- dagitty
DAGITTY_TAGS = {
    "Acid_1996": ("x3", "x15"),
    "Didelez_2010": ("HRT", "TCI"),
    "Kampen_2014": ("SUS", "EGC"),
    "M-bias": ("E", "D"),
    "Polzer_2012": ("ToothLoss", "Mortality"),
    "Schipf_2010": ("TT", "T2DM"),
    "Sebastiani_2005": ("EDN1.3", "EDNI1.7"),
    "Shrier_2008": ("WarmUpExercises", "Injury"),
    "Thoemmes_2013": ("x", "y"),
    "confounding": ("E", "D"),
    "mediator": ("X", "Y"),
    "paths": ("E", "D"),
}


@pytest.mark.parametrize("name", sorted(DAGITTY_TAGS))
def test_dagitty_examples_parse_with_exposure_and_outcome(name: str) -> None:
    ex = load_dagitty(name)
    assert isinstance(ex, DagittyExample) and ex.name == name
    assert (ex.exposure, ex.outcome) == ((DAGITTY_TAGS[name][0],), (DAGITTY_TAGS[name][1],))
    text = DATA.joinpath("dagitty", f"{name}.txt").read_text()
    # Every edge line of the file is in the graph, and nothing else.
    n_edge_lines = len(re.findall(r"^\S+ (?:->|<->) \S+", text, re.M))
    assert ex.graph.n_edges == n_edge_lines
    declared = re.findall(r"^(\S+) \[", text, re.M)
    assert set(declared) <= set(ex.graph.nodes)
    assert "dagitty" in ex.provenance


def test_dagitty_specific_structures() -> None:
    m = load_dagitty("m-bias")  # case-insensitive
    assert isinstance(m.graph, ADMG)
    assert set(m.graph.edges) == {parse_edge(e) for e in ("E --> D", "D <-> Z", "E <-> Z")}
    assert m.graph.spouses("Z") == {"D", "E"}
    th = load_dagitty("Thoemmes_2013")
    assert th.latent == ("e0", "e1", "e3", "e4")
    assert set(th.latent) <= set(th.graph.nodes)
    assert th.adjusted == ("s2",)
    di = load_dagitty("Didelez_2010")
    assert di.adjusted == ("Age", "Smo") and di.selected == ("S",)
    assert di.positions["HRT"] == (-0.536, -0.016)
    conf = load_dagitty("confounding")
    assert isinstance(conf.graph, DAG)
    assert conf.graph.parents("D") == {"B", "E", "Z"}
    assert conf.graph.parents("E") == {"A", "Z"}


def test_parse_dagitty_syntax_variants_and_errors() -> None:
    ex = parse_dagitty('dag { "my x" [exposure]; Y [outcome]; "my x" -> M -> Y; {A B} -> "my x"; Y <- C }')
    assert ex.exposure == ("my x",)
    assert {str(e) for e in ex.graph.edges} == {
        "my x --> M", "M --> Y", "A --> my x", "B --> my x", "C --> Y"
    }
    with pytest.raises(DataError, match="only 'dag"):
        parse_dagitty("pdag { A -- B }")
    with pytest.raises(DataError, match="not supported"):
        parse_dagitty("dag { A -- B }")
    with pytest.raises(DataError, match="closing"):
        parse_dagitty("dag { A -> B ")
    with pytest.raises(GraphError):
        parse_dagitty("dag { A -> B B -> A }")
