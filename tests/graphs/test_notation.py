"""The text notation: ``parse_graph(format_graph(g), kind=g.kind) == g`` and parse errors.

References used: round trips on random graphs of every type built with fixed seeds
(DAG, CPDAG via ``dag_to_cpdag``, ADMG with bows, MAG via ``dag_to_mag``, PAG via
``dag_to_pag`` and with random marks, a cyclic MixedGraph), and hand-written texts.
"""

from __future__ import annotations

import numpy as np
import pytest

from causalscope.exceptions import GraphError
from causalscope.graphs import (
    ADMG,
    CPDAG,
    DAG,
    MAG,
    PAG,
    Edge,
    Endpoint,
    MixedGraph,
    format_graph,
    infer_graph_type,
    parse_edge,
    parse_graph,
)
from causalscope.graphs.ancestral import dag_to_mag, dag_to_pag
from causalscope.graphs.equivalence import dag_to_cpdag

KINDS = ["dag", "cpdag", "admg", "mag", "pag", "pag-marks", "mixed"]
NAMES = ["my var", "x", "Y 2", "é é", "a-b", "long name with spaces", "o", "v>w", "(1)", "tab\there"]


def random_graph(kind: str, seed: int) -> MixedGraph:
    rng = np.random.default_rng(seed)
    p = int(rng.integers(4, 9))
    names = [NAMES[k] for k in rng.permutation(len(NAMES))[:p]]

    def dag_over(nodes: list[str]) -> DAG:
        order = rng.permutation(len(nodes))
        return DAG(
            nodes,
            [
                (nodes[order[i]], nodes[order[j]])
                for i in range(len(nodes))
                for j in range(i + 1, len(nodes))
                if rng.random() < 0.45
            ],
        )

    dag = dag_over(names)
    if kind == "dag":
        return dag
    if kind == "cpdag":
        return dag_to_cpdag(dag)
    if kind == "admg":
        bows = [Edge.bidirected(names[i], names[j]) for i in range(p) for j in range(i + 1, p) if rng.random() < 0.3]
        return ADMG(names, [*dag.edges, *bows])
    big = dag_over([*names, "L1", "L2", "S1"])
    if kind == "mag":
        return dag_to_mag(big, latent=["L1", "L2"], selection=["S1"])
    if kind == "pag":
        return dag_to_pag(big, latent=["L1", "L2"])
    if kind == "pag-marks":
        symbols = ["-->", "---", "<->", "o->", "o-o", "--o", "<-o", "o--"]  # no "<--": keep acyclic
        order = rng.permutation(p)
        return PAG(
            names,
            [
                (names[order[i]], symbols[int(rng.integers(len(symbols)))], names[order[j]])
                for i in range(p)
                for j in range(i + 1, p)
                if rng.random() < 0.5
            ],
        )
    if kind == "mixed":
        return MixedGraph(names, [(names[0], names[1]), (names[1], names[2]), (names[2], names[0]), (names[3], "o-o", names[1])])
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(8))
def test_round_trip(kind: str, seed: int) -> None:
    g = random_graph(kind, seed)
    text = format_graph(g)
    back = parse_graph(text, kind=g.kind)
    assert back == g and type(back) is type(g)
    assert parse_graph(format_graph(g, separator="\n"), kind=g.kind) == g
    assert parse_graph(text, kind=type(g)) == g
    # without kind, the inferred type reads the same edges; a cyclic graph with circles
    # falls back to MixedGraph (the guessed type, then PAG, then MixedGraph)
    if kind == "mixed":
        assert parse_graph(text) == g
    else:
        inferred = parse_graph(text)
        assert set(inferred.edges) == set(g.edges) and set(inferred.nodes) == set(g.nodes)


def test_random_graphs_cover_every_edge_kind() -> None:
    symbols = {e.symbol for s in range(8) for e in random_graph("pag-marks", s).edges}
    assert symbols == {"-->", "---", "<->", "o->", "o-o", "--o"}
    assert any(len(random_graph("admg", s).edges_between(*pair)) == 2
               for s in range(8) for pair in map(tuple, random_graph("admg", s).skeleton()))


def test_names_with_spaces_and_isolated_nodes() -> None:
    g = CPDAG(["first node", "second node", "lonely one", "third"], ["first node --> second node", "second node --- third"])
    text = format_graph(g)
    assert text == "first node --> second node; second node --- third; lonely one"
    assert parse_graph(text, kind="cpdag") == g
    assert parse_graph("  spaced   name  -->   other  ").nodes == ("spaced   name", "other")


def test_canonical_spelling_and_reversed_marks() -> None:
    g = parse_graph("B <-- A; C <-o B; D o-- C; E <-> D; F o-o E")
    # an arrowhead goes right, a circle facing a tail goes right; symmetric edges keep their order
    assert format_graph(g) == "A --> B; B o-> C; C --o D; E <-> D; F o-o E"
    assert parse_edge("B <-- A") == Edge("A", "B", Endpoint.TAIL, Endpoint.ARROW)
    assert parse_edge("A-->B") == Edge.directed("A", "B")  # spaces are optional


def test_comments_blank_lines_and_separators() -> None:
    text = """
    # a comment line
    A --> B   # trailing comment
    B --> C; C --> D

    E        ; F
    """
    g = parse_graph(text)
    assert g == DAG(["A", "B", "C", "D", "E", "F"], ["A --> B", "B --> C", "C --> D"])
    assert parse_graph("") == DAG([], [])
    assert parse_graph("A; A; A --> B").nodes == ("A", "B")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A --> B", DAG),
        ("A --> B; B --- C", CPDAG),
        ("A --> B; B <-> C", ADMG),
        ("A --> B; A <-> B", ADMG),
        ("A --> B; C --- D; B <-> E", MAG),
        ("A o-> B", PAG),
        ("A --o B", PAG),
        ("A --> B; B --> A; B <-- C", None),  # two edges between A and B: an error
        ("A --> B; B --> C; C --> A", MixedGraph),  # a directed cycle
    ],
)
def test_inferred_type(text: str, expected: type | None) -> None:
    if expected is None:
        with pytest.raises(GraphError, match="joins the same nodes"):
            parse_graph(text)
        return
    assert type(parse_graph(text)) is expected
    edges = [parse_edge(s) for s in text.split(";")]
    if expected is not MixedGraph:
        assert infer_graph_type(edges) is expected


@pytest.mark.parametrize(
    ("text", "kind", "message"),
    [
        ("A --> B --> C", None, r"cannot read an edge from 'A --> B --> C': expected exactly one mark"),
        ("--> B", None, r"cannot read an edge from '--> B'"),
        ("A -->", None, r"cannot read an edge from 'A -->'"),
        ("A --> A", None, r"self-loop"),
        ("A --> B; A --> B", None, r"edge A --> B is given twice"),
        ("A --> B; B --- A", None, r"joins the same nodes"),
        ("A <-> B", "dag", r"edge A <-> B has kind '<->', which a DAG does not allow"),
        ("A o-> B", "cpdag", r"which a CPDAG does not allow"),
        ("A o-o B", "mag", r"which a MAG does not allow"),
        ("A --- B", "admg", r"which a ADMG does not allow"),
        ("A --> B; B --> C; C --> A", "dag", r"cycle; found A --> B --> C --> A"),
        ("A --> B; B --- C", "mag", r"puts an arrowhead into 'B'"),
        ("A --> B", "tree", r"unknown graph type 'tree'"),
    ],
)
def test_parse_errors(text: str, kind: str | None, message: str) -> None:
    with pytest.raises(GraphError, match=message):
        parse_graph(text, kind=kind)


@pytest.mark.parametrize("name", ["A-->B", "x o-o", "semi;colon", "hash#tag", "new\nline", " lead", "trail "])
def test_format_refuses_names_the_notation_cannot_hold(name: str) -> None:
    with pytest.raises(GraphError, match="cannot be written in graph notation"):
        format_graph(DAG([name], []))


@pytest.mark.parametrize("sep", ["\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028"])
def test_names_with_other_line_breaks_round_trip_or_are_refused(sep: str) -> None:
    g = DAG([f"a{sep}b", "c"], [(f"a{sep}b", "c")])
    try:
        text = format_graph(g)
    except GraphError:
        return  # refusing the name is correct too
    assert parse_graph(text, kind="dag") == g


@pytest.mark.parametrize("text", ["A -> B", "A <- B; C"])
def test_short_arrows_are_refused_not_read_as_node_names(text: str) -> None:
    with pytest.raises(GraphError, match="not edge marks; write '-->'"):
        parse_graph(text)


def test_syntax_symbols_are_the_marks_base_defines() -> None:
    from causalscope.graphs.base import SYMBOL_MARKS
    from causalscope.graphs.syntax import EDGE_SYMBOLS

    assert set(EDGE_SYMBOLS) == set(SYMBOL_MARKS)
    assert len(EDGE_SYMBOLS) == len(set(EDGE_SYMBOLS))
