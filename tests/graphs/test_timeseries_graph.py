"""TimeSeriesGraph: validation, notation, arrays, JSON, files, summary graph and time window.

References: the arrays follow tigramite's documented ``graph`` convention (``graph[i, j, tau]``
the mark of ``X_i[t-tau] -> X_j[t]``, contemporaneous entries mirrored), written out by hand
here; the JSON is the example of CLI.md, checked key for key; the time window is checked
against d-separations derived by hand, with ``causalscope.graphs.d_separated`` as the oracle.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pytest

from causalscope.cli import main
from causalscope.exceptions import GraphError
from causalscope.graphs import (
    DAG,
    MixedGraph,
    TimeSeriesGraph,
    d_separated,
    graph_from_json,
    graph_to_json,
    lagged_name,
    parse_lagged_edge,
    parse_lagged_name,
    read_graph,
    write_graph,
)

CLI_EXAMPLE = {
    "nodes": ["X", "Y"], "edges": ["X --> Y"], "type": "timeseries", "tau_max": 3,
    "lagged_edges": ["X[t-1] --> Y[t]", "Y[t-1] --> Y[t]", "X[t] --- Y[t]"],
    "link_strength": {"X[t-1] --> Y[t]": 0.41}, "link_p_value": {"X[t-1] --> Y[t]": 1e-12},
}


def example() -> TimeSeriesGraph:
    return TimeSeriesGraph(
        ["X", "Y", "Z"], 2,
        {("X", 1, "Y"): "-->", ("Y", 2, "Y"): "-->", ("Z", 0, "X"): "o-o", ("Y", 0, "Z"): "<--",
         ("X", 2, "Z"): "-->"},
        strength={("X", 1, "Y"): 0.5, ("X", 0, "Z"): -0.25}, p_value={("X", 1, "Y"): 0.001},
    )


# ---------------------------------------------------------------------- names and edges
def test_lagged_names_round_trip() -> None:
    """lagged_name and parse_lagged_name are inverse (the CLI.md notation)."""
    for name in ("X", "temp [C]", "a b", "x1"):
        for lag in (0, 1, 12):
            assert parse_lagged_name(lagged_name(name, lag)) == (name, lag)
    assert lagged_name("X", 0) == "X[t]" and lagged_name("X", 3) == "X[t-3]"
    for bad in ("X", "X[t+1]", "X[t-0]", "X[t-01]", "[t-1]", "X[s-1]"):
        with pytest.raises(GraphError, match="lagged node"):
            parse_lagged_name(bad)
    with pytest.raises(GraphError, match="lag of 'X'"):
        lagged_name("X", -1)


def test_parse_lagged_edge() -> None:
    """The effect side is [t]; reversed spellings are turned round; lagged links are directed."""
    assert parse_lagged_edge("X[t-2] --> Y[t]") == (("X", 2, "Y"), "-->")
    assert parse_lagged_edge("Y[t] <-- X[t-1]") == (("X", 1, "Y"), "-->")
    assert parse_lagged_edge("X[t] x-x Y[t]") == (("X", 0, "Y"), "x-x")
    assert parse_lagged_edge("X[t] <-o Y[t]") == (("Y", 0, "X"), "o->")
    with pytest.raises(GraphError, match="effect side"):
        parse_lagged_edge("X[t] --> Y[t-1]")
    with pytest.raises(GraphError, match="directed"):
        parse_lagged_edge("X[t-1] --- Y[t]")
    with pytest.raises(GraphError, match="mark '--o'"):
        parse_lagged_edge("X[t] --o Y[t]")
    with pytest.raises(GraphError):
        parse_lagged_edge("X --> Y")


# ---------------------------------------------------------------------- the value
def test_canonical_storage_and_accessors() -> None:
    """Contemporaneous pairs are stored once: the tail side, or the first variable, is the source."""
    g = example()
    assert dict(g.links) == {
        ("X", 1, "Y"): "-->", ("X", 2, "Z"): "-->", ("Y", 2, "Y"): "-->",
        ("X", 0, "Z"): "o-o", ("Z", 0, "Y"): "-->",
    }
    assert g.lagged_edges() == ["X[t-1] --> Y[t]", "X[t-2] --> Z[t]", "Y[t-2] --> Y[t]",
                                "X[t] o-o Z[t]", "Z[t] --> Y[t]"]
    assert g.parents("Y") == [("Z", 0), ("X", 1), ("Y", 2)]
    assert g.parents("X") == []
    assert dict(g.strength) == {("X", 1, "Y"): 0.5, ("X", 0, "Z"): -0.25}
    assert g.mark("Y", 0, "Z") == "<--" and g.mark("Z", 0, "X") == "o-o" and g.mark("Y", 1, "X") is None
    with pytest.raises(TypeError):
        g.links[("X", 1, "X")] = "-->"  # type: ignore[index]
    with pytest.raises(AttributeError, match="immutable"):
        g.tau_max = 3  # type: ignore[misc]


def test_value_semantics() -> None:
    """Equality, hashing, pickling and repr (eval gives the graph back)."""
    g = example()
    same = TimeSeriesGraph(["X", "Y", "Z"], 2, dict(g.links), strength=dict(g.strength), p_value=dict(g.p_value))
    assert g == same and hash(g) == hash(same)
    assert g != TimeSeriesGraph(["X", "Y", "Z"], 2, dict(g.links))  # the numbers count
    assert g != TimeSeriesGraph(["X", "Y", "Z"], 3, dict(g.links), strength=dict(g.strength),
                                p_value=dict(g.p_value))
    assert pickle.loads(pickle.dumps(g)) == g
    assert eval(repr(g), {"TimeSeriesGraph": TimeSeriesGraph}) == g
    assert len({g, same}) == 1


@pytest.mark.parametrize(
    ("variables", "tau_max", "links", "match"),
    [
        (["X", "X"], 1, {}, "listed twice"),
        (["X[t-1]"], 1, {}, "lagged node name"),
        (["X --> Y"], 1, {}, "cannot be written"),
        (["X"], -1, {}, "tau_max"),
        (["X", "Y"], 1, {("X", 2, "Y"): "-->"}, "between 0 and tau_max = 1"),
        (["X", "Y"], 1, {("X", 1, "W"): "-->"}, "target 'W'"),
        (["X", "Y"], 1, {("X", 1, "Y"): "o->"}, r"X\[t-1\] o-> Y\[t\]: a lagged link is directed"),
        (["X", "Y"], 1, {("X", 0, "X"): "---"}, "with itself"),
        (["X", "Y"], 1, {("X", 0, "Y"): "-?-"}, "unknown contemporaneous mark"),
        (["X", "Y"], 1, {("X", 0, "Y"): "-->", ("Y", 0, "X"): "-->"}, "one link"),
        (["X", "Y"], 1, {("X", 0, "Y"): "---", ("Y", 0, "X"): "o-o"}, "one link"),
        (["X", "Y"], 1, {("X", 1.0, "Y"): "-->"}, "integer"),
        (["X", "Y"], 1, {("X", "Y"): "-->"}, "tuple"),
    ],
)
def test_validation_errors(variables: list[str], tau_max: int, links: dict, match: str) -> None:
    """Every bad argument raises GraphError naming the link, name or value."""
    with pytest.raises(GraphError, match=match):
        TimeSeriesGraph(variables, tau_max, links)


def test_number_validation() -> None:
    """Per-link numbers must be finite, for links of the graph; p-values in [0, 1]."""
    links = {("X", 1, "Y"): "-->"}
    with pytest.raises(GraphError, match="not a link"):
        TimeSeriesGraph(["X", "Y"], 1, links, strength={("Y", 1, "X"): 1.0})
    with pytest.raises(GraphError, match="finite"):
        TimeSeriesGraph(["X", "Y"], 1, links, strength={("X", 1, "Y"): float("nan")})
    with pytest.raises(GraphError, match="between 0 and 1"):
        TimeSeriesGraph(["X", "Y"], 1, links, p_value={("X", 1, "Y"): 1.5})
    # a symmetric pair may be given either way round
    g = TimeSeriesGraph(["X", "Y"], 1, {("Y", 0, "X"): "---"}, strength={("Y", 0, "X"): 2.0})
    assert dict(g.strength) == {("X", 0, "Y"): 2.0}
    # duplicated but consistent symmetric entries are one link
    assert len(TimeSeriesGraph(["X", "Y"], 0, {("X", 0, "Y"): "---", ("Y", 0, "X"): "---"})) == 1


# ---------------------------------------------------------------------- arrays
def test_from_arrays_hand_written() -> None:
    """A tigramite-convention array written by hand gives the expected links and numbers."""
    graph = np.full((3, 3, 3), "", dtype="<U3")
    graph[0, 1, 1] = "-->"  # X[t-1] --> Y[t]
    graph[1, 1, 2] = "-->"  # Y[t-2] --> Y[t]
    graph[2, 1, 0], graph[1, 2, 0] = "-->", "<--"  # Z[t] --> Y[t]
    graph[0, 2, 0] = graph[2, 0, 0] = "x-x"
    val = np.arange(27, dtype=float).reshape(3, 3, 3)
    p = np.full((3, 3, 3), 0.5)
    p[0, 1, 1] = np.nan
    g = TimeSeriesGraph.from_arrays(["X", "Y", "Z"], graph, val, p)
    assert dict(g.links) == {("X", 1, "Y"): "-->", ("Y", 2, "Y"): "-->", ("X", 0, "Z"): "x-x",
                             ("Z", 0, "Y"): "-->"}
    assert g.strength[("X", 1, "Y")] == val[0, 1, 1] and g.strength[("Z", 0, "Y")] == val[2, 1, 0]
    assert ("X", 1, "Y") not in g.p_value and g.p_value[("Y", 2, "Y")] == 0.5


def test_arrays_round_trip() -> None:
    """to_arrays and from_arrays are inverse; mirrored entries; NaN where no number is known."""
    g = example()
    graph, val, p = g.to_arrays()
    assert graph.shape == (3, 3, 3) and graph.dtype == np.dtype("<U3")
    assert graph[2, 1, 0] == "-->" and graph[1, 2, 0] == "<--" and graph[0, 2, 0] == graph[2, 0, 0] == "o-o"
    assert val[0, 2, 0] == val[2, 0, 0] == -0.25 and np.isnan(val[1, 1, 2])
    assert TimeSeriesGraph.from_arrays(g.variables, graph, val, p) == g


@pytest.mark.parametrize(
    ("entries", "match"),
    [
        ({(0, 1, 1): "o->"}, "lagged link is directed"),
        ({(0, 1, 0): "-->"}, "mirror entry"),
        ({(0, 1, 0): "---", (1, 0, 0): "o-o"}, "mirror entry"),
        ({(0, 0, 0): "---"}, "with itself"),
        ({(0, 1, 0): "?", (1, 0, 0): "?"}, "unknown mark"),
    ],
)
def test_from_arrays_errors(entries: dict, match: str) -> None:
    """Malformed arrays raise GraphError naming the entry."""
    graph = np.full((2, 2, 2), "", dtype="<U3")
    for idx, mark in entries.items():
        graph[idx] = mark
    with pytest.raises(GraphError, match=match):
        TimeSeriesGraph.from_arrays(["X", "Y"], graph)
    with pytest.raises(GraphError, match="shape"):
        TimeSeriesGraph.from_arrays(["X", "Y", "Z"], graph)


# ---------------------------------------------------------------------- text and JSON
def test_text_round_trip() -> None:
    """to_text and parse are inverse for the structure (isolated variables kept)."""
    g = TimeSeriesGraph(["X", "Y", "Z", "W"], 3, dict(example().links))
    text = g.to_text()
    assert text.endswith("; W")
    assert TimeSeriesGraph.parse(text, tau_max=3) == g
    assert TimeSeriesGraph.parse(g.to_text("\n") + "\n# comment", tau_max=3) == g
    with pytest.raises(GraphError, match="does not list"):
        TimeSeriesGraph.parse("X[t-1] --> Y[t]", variables=["X"])


def test_cli_example_json() -> None:
    """The CLI.md example reads, and writes back key for key (summary edge X --> Y)."""
    g = TimeSeriesGraph.from_json_dict(CLI_EXAMPLE)
    assert g.tau_max == 3 and g.p_value[("X", 1, "Y")] == 1e-12
    assert g.to_json_dict() == CLI_EXAMPLE
    assert list(g.to_json_dict()) == list(CLI_EXAMPLE)
    assert TimeSeriesGraph.from_json_dict(json.loads(json.dumps(example().to_json_dict()))) == example()


def test_json_defaults_and_errors() -> None:
    """nodes and tau_max default from the links; bad values raise naming the key."""
    g = TimeSeriesGraph.from_json_dict({"lagged_edges": ["X[t-2] --> Y[t]"]})
    assert g.variables == ("X", "Y") and g.tau_max == 2
    for bad, match in [
        ({"type": "dag", "lagged_edges": []}, '"type"'),
        ({"nodes": ["X"]}, '"lagged_edges"'),
        ({"lagged_edges": ["X[t] --> Y[t-1]"]}, r'"lagged_edges"\[0\]'),
        ({"lagged_edges": ["X[t-1] --> Y[t]"], "link_strength": {"Y[t-1] --> X[t]": 1}}, "not a link"),
        ({"lagged_edges": ["X[t-1] --> Y[t]"], "link_p_value": []}, '"link_p_value"'),
    ]:
        with pytest.raises(GraphError, match=match):
            TimeSeriesGraph.from_json_dict(bad)


def test_graph_io_round_trips(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """graph_to_json / read_graph / write_graph keep a time-series graph (JSON and .txt)."""
    g = example()
    assert graph_from_json(graph_to_json(g), kind="timeseries") == g
    write_graph(g, tmp_path / "g.json")
    assert read_graph(tmp_path / "g.json", kind="timeseries") == g
    assert read_graph(tmp_path / "g.json", kind=TimeSeriesGraph) == g
    write_graph(g, tmp_path / "g.txt")
    assert read_graph(tmp_path / "g.txt", kind="timeseries").links == g.links
    # a reader that knows only graph JSON gets the summary graph
    summary = read_graph(tmp_path / "g.json")
    assert isinstance(summary, MixedGraph) and summary == g.summary_graph()
    with pytest.raises(GraphError, match="g.dot"):
        write_graph(g, tmp_path / "g.dot")


def test_graph_compare_cli_reads_timeseries_files(tmp_path, capsys) -> None:  # type: ignore[no-untyped-def]
    """``causalscope graph compare`` on two time-series files compares their summary graphs."""
    write_graph(example(), tmp_path / "a.json")
    write_graph(TimeSeriesGraph(["X", "Y", "Z"], 1, {("X", 1, "Y"): "-->"}), tmp_path / "b.json")
    assert main(["graph", "compare", str(tmp_path / "a.json"), str(tmp_path / "b.json"), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["adjacency"]["tp"] == 1 and out["adjacency"]["fn"] == 2


# ---------------------------------------------------------------------- summary graph
def test_summary_graph_rules() -> None:
    """Directions win over undetermined contemporaneous marks; feedback is <->; x-x shows as o-o."""
    g = TimeSeriesGraph(
        ["A", "B", "C", "D", "E"], 2,
        {("A", 1, "B"): "-->", ("A", 0, "B"): "<->",  # a definite direction plus a confounder
         ("B", 1, "C"): "-->", ("C", 2, "B"): "-->",  # feedback across lags
         ("C", 0, "D"): "x-x", ("D", 0, "E"): "o->", ("E", 1, "E"): "-->"},  # self-links dropped
    )
    s = g.summary_graph()
    assert type(s) is MixedGraph
    assert {str(e) for e in s.edges} == {"A --> B", "B <-> C", "C o-o D", "D o-> E"}
    cyclic = TimeSeriesGraph(["X", "Y", "Z"], 1, {("X", 1, "Y"): "-->", ("Y", 0, "Z"): "-->", ("Z", 1, "X"): "-->"})
    assert cyclic.summary_graph().directed_cycle() is not None


# ---------------------------------------------------------------------- time window
def test_unroll_d_separations() -> None:
    """The window DAG of X[t-1] --> X[t], X[t-1] --> Y[t], X[t] --> Y[t] over 3 slices.

    The d-separations were derived by hand on the 6-node window (oracle: d_separated).
    """
    g = TimeSeriesGraph(["X", "Y"], 1, {("X", 1, "X"): "-->", ("X", 1, "Y"): "-->", ("X", 0, "Y"): "-->"})
    w = g.unroll(2)
    assert isinstance(w, DAG)
    assert w.nodes == ("X[t-2]", "Y[t-2]", "X[t-1]", "Y[t-1]", "X[t]", "Y[t]")
    assert {str(e) for e in w.edges} == {
        "X[t-2] --> X[t-1]", "X[t-1] --> X[t]", "X[t-2] --> Y[t-1]", "X[t-1] --> Y[t]",
        "X[t-2] --> Y[t-2]", "X[t-1] --> Y[t-1]", "X[t] --> Y[t]",
    }
    assert not d_separated(w, "Y[t-1]", "Y[t]")  # Y[t-1] <-- X[t-1] --> Y[t]
    assert d_separated(w, "Y[t-1]", "Y[t]", ["X[t-1]"])
    assert d_separated(w, "X[t-2]", "Y[t]", ["X[t-1]"])  # the collider Y[t-1] stays closed
    assert d_separated(w, "X[t-2]", "Y[t]", ["X[t-1]", "Y[t-1]"])  # opened collider, X[t-1] still blocks
    assert not d_separated(w, "X[t-2]", "Y[t]", ["Y[t-1]"])  # X[t-2] --> X[t-1] --> Y[t]
    assert not d_separated(w, "Y[t-2]", "X[t]")
    assert d_separated(w, "Y[t-2]", "X[t]", ["X[t-1]"])
    assert g.unroll().nodes == ("X[t-1]", "Y[t-1]", "X[t]", "Y[t]")  # default: tau_max slices back
    assert {str(e) for e in TimeSeriesGraph(["X"], 3, {("X", 3, "X"): "-->"}).unroll(2).edges} == set()


def test_unroll_errors() -> None:
    """Undirected contemporaneous links and contemporaneous cycles cannot be unrolled."""
    with pytest.raises(GraphError, match=r"X\[t\] --- Y\[t\] is not directed"):
        TimeSeriesGraph(["X", "Y"], 1, {("X", 0, "Y"): "---"}).unroll(1)
    cyc = TimeSeriesGraph(["X", "Y", "Z"], 0, {("X", 0, "Y"): "-->", ("Y", 0, "Z"): "-->", ("Z", 0, "X"): "-->"})
    with pytest.raises(GraphError, match="cyclic"):
        cyc.unroll(0)
    with pytest.raises(GraphError, match="n_lags"):
        cyc.unroll(-1)


# ---------------------------------------------------------------------- link scores
def test_compare_timeseries_graphs_hand_counted() -> None:
    """Link scores on a hand-made pair; the counts below were made by hand."""
    from causalscope.graphs import compare_timeseries_graphs

    true = TimeSeriesGraph(
        ["X", "Y", "Z"], 2,
        {("X", 1, "Y"): "-->", ("Y", 2, "Z"): "-->", ("Z", 1, "Z"): "-->", ("X", 0, "Z"): "-->", ("Y", 0, "Z"): "-->"},
    )
    est = TimeSeriesGraph(
        ["Z", "Y", "X"], 1,  # other order and a shorter tau_max: Y[t-2] --> Z[t] cannot be found
        {("X", 1, "Y"): "-->", ("Z", 1, "Z"): "-->", ("Y", 1, "X"): "-->",
         ("Z", 0, "X"): "-->", ("Y", 0, "Z"): "o-o", ("X", 0, "Y"): "---"},
    )
    s = compare_timeseries_graphs(true, est)
    assert (s["lagged"]["tp"], s["lagged"]["fp"], s["lagged"]["fn"]) == (2, 1, 1)
    # pairs at lag 0: true {X,Z}, {Y,Z}; estimated {X,Z}, {Y,Z}, {X,Y}
    assert (s["contemporaneous_adjacency"]["tp"], s["contemporaneous_adjacency"]["fp"],
            s["contemporaneous_adjacency"]["fn"]) == (2, 1, 0)
    # oriented: true X->Z, Y->Z; estimated Z->X (reversed): tp 0, fp 1, fn 2
    assert (s["contemporaneous_orientation"]["tp"], s["contemporaneous_orientation"]["fp"],
            s["contemporaneous_orientation"]["fn"]) == (0, 1, 2)
    assert (s["links"]["tp"], s["links"]["fp"], s["links"]["fn"]) == (4, 2, 1)
    assert s["links"]["precision"] == pytest.approx(4 / 6) and s["links"]["recall"] == pytest.approx(4 / 5)
    # summary: true X-Y, Y-Z, X-Z; estimated X-Y (feedback), X-Z, Y-Z: all three pairs
    assert s["summary_adjacency"]["f1"] == 1.0
    assert (s["true_links"], s["estimated_links"]) == (5, 6)
    perfect = compare_timeseries_graphs(true, true)
    assert all(perfect[k]["f1"] == 1.0 for k in ("links", "lagged", "contemporaneous_adjacency",
                                                  "contemporaneous_orientation", "summary_adjacency"))
    with pytest.raises(GraphError, match="same variables"):
        compare_timeseries_graphs(true, TimeSeriesGraph(["X", "Y"], 1))
