"""Graph conversions: graph JSON, files, networkx, DOT, causal-learn and pgmpy.

References used:

* round trips (``from_X(to_X(g)) == g`` with the same type) on random graphs of every
  type, built with fixed seeds: DAGs, CPDAGs (``dag_to_cpdag``), ADMGs with bows,
  MAGs (``dag_to_mag`` with latent and selection nodes) and PAGs (``dag_to_pag``,
  and PAGs with random marks so that every edge kind appears);
* causal-learn's own graph classes (``GeneralGraph``, ``Edge``, ``Endpoint``): the
  causal-learn graph we build has the endpoint matrix causal-learn documents
  (``graph[j, i] = 1, graph[i, j] = -1`` for ``i --> j``) and prints the same edges;
* pgmpy's ``DAG`` (a networkx DiGraph) and networkx itself;
* hand-written JSON and DOT texts for every error case.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from causalscope.exceptions import GraphError, InvalidParameterError, MissingDependencyError
from causalscope.graphs import ADMG, CPDAG, DAG, MAG, PAG, Edge, Endpoint, MixedGraph, parse_graph
from causalscope.graphs.ancestral import dag_to_mag, dag_to_pag
from causalscope.graphs.convert import (
    from_causallearn,
    from_dot,
    from_networkx,
    from_pgmpy,
    graph_from_json,
    graph_to_json,
    read_graph,
    to_causallearn,
    to_dot,
    to_networkx,
    to_pgmpy,
    write_graph,
)
from causalscope.graphs.equivalence import dag_to_cpdag

KINDS = ["dag", "cpdag", "admg", "mag", "pag", "pag-marks", "mixed"]
# names that need quoting in DOT or are otherwise awkward (none contains an edge mark)
AWKWARD = ["my var", 'say "hi"', "back\\slash", "node", "1", "x-y", "é", "two\nlines", "c#d", "tail\\", "2x"]


def random_dag(rng: np.random.Generator, names: list[str], prob: float) -> DAG:
    p = len(names)
    order = rng.permutation(p)
    edges = [
        (names[order[i]], names[order[j]])
        for i in range(p)
        for j in range(i + 1, p)
        if rng.random() < prob
    ]
    return DAG(names, edges)


def random_graph(kind: str, seed: int, names: list[str] | None = None) -> MixedGraph:
    """A random graph of the given kind; deterministic in ``seed``."""
    rng = np.random.default_rng(seed)
    p = int(rng.integers(4, 9))
    if names is None:
        names = [f"V{i}" for i in range(p)]
    else:
        picked = [names[k] for k in rng.permutation(len(names))[:p]]  # different names per seed
        names = picked + [f"V{i}" for i in range(len(picked), p)]
    dag = random_dag(rng, names, 0.45)
    if kind == "dag":
        return dag
    if kind == "cpdag":
        return dag_to_cpdag(dag)
    if kind == "admg":
        extra = []
        for i in range(p):
            for j in range(i + 1, p):
                if rng.random() < 0.3:  # bidirected, also on pairs with a directed edge (bows)
                    extra.append(Edge.bidirected(names[i], names[j]))
        g = ADMG(names, [*dag.edges, *extra])
        return g
    big = random_dag(rng, [*names, "L1", "L2", "S1"], 0.45)
    if kind == "mag":
        return dag_to_mag(big, latent=["L1", "L2"], selection=["S1"])
    if kind == "pag":
        return dag_to_pag(big, latent=["L1", "L2"])
    if kind == "pag-marks":
        symbols = ["-->", "---", "<->", "o->", "o-o", "--o", "<-o", "o--"]
        order = list(rng.permutation(p))
        edges = [
            (names[order[i]], symbols[int(rng.integers(len(symbols)))], names[order[j]])
            for i in range(p)
            for j in range(i + 1, p)
            if rng.random() < 0.5
        ]
        return PAG(names, edges)
    if kind == "mixed":  # a directed cycle plus circles: only a MixedGraph holds it
        return MixedGraph(names, [(names[0], names[1]), (names[1], names[2]), (names[2], names[0]), (names[2], "o-o", names[3])])
    raise AssertionError(kind)


def all_kinds_present() -> None:
    symbols = {e.symbol for s in range(6) for e in random_graph("pag-marks", s).edges}
    assert symbols == {"-->", "---", "<->", "o->", "o-o", "--o"}


def test_random_graphs_cover_every_edge_kind_and_bows() -> None:
    all_kinds_present()
    assert any(
        len(g.edges_between(*tuple(pair))) == 2
        for g in (random_graph("admg", s) for s in range(5))
        for pair in g.skeleton()
    )
    assert any(g.undirected_neighbors(n) for g in (random_graph("mag", s) for s in range(10)) for n in g.nodes)


def same(a: MixedGraph, b: MixedGraph) -> None:
    assert type(a) is type(b)
    assert a == b
    assert a.nodes == b.nodes


# ---------------------------------------------------------------------- JSON
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(4))
def test_json_round_trip(kind: str, seed: int) -> None:
    g = random_graph(kind, seed, names=["my var", "é", "a;b", "c#d", 'say "hi"'])
    text = graph_to_json(g)
    same(graph_from_json(text), g)
    same(graph_from_json(json.loads(text)), g)
    same(graph_from_json(text.encode("utf-8")), g)
    assert json.loads(graph_to_json(g, indent=2)) == g.to_dict()


def test_json_contract_shape() -> None:
    g = CPDAG(["A", "B", "C", "D"], ["A --> B", "B --- C"])
    assert json.loads(graph_to_json(g)) == {"type": "cpdag", "nodes": ["A", "B", "C", "D"], "edges": ["A --> B", "B --- C"]}
    assert "\n" in graph_to_json(g, indent=2)
    assert "é" in graph_to_json(DAG(["é"], []))  # UTF-8, not \u escapes


def test_json_reader_rules() -> None:
    # the CLI contract example: no "type" => the most specific type that fits
    g = graph_from_json('{"nodes": ["A", "B", "C"], "edges": ["A --> B", "B --- C", "A <-> C"]}')
    # the edge kinds fit a MAG, but a MAG forbids the arrowhead into B next to B --- C => PAG
    assert type(g) is PAG
    assert type(graph_from_json({"edges": ["A --> B", "C --- D", "B <-> E"]})) is MAG
    # ... and a bow in a graph with a cycle: no type accepts it, the most specific error is raised
    with pytest.raises(GraphError, match="ADMG must not contain a directed cycle"):
        graph_from_json({"edges": ["A --> B", "A <-> B", "B --> C", "C --> A"]})
    # unknown keys are ignored
    g = graph_from_json({"nodes": ["A", "B"], "edges": ["A --> B"], "created": "today", "meta": {"x": 1}})
    same(g, DAG(["A", "B"], ["A --> B"]))
    # missing "nodes": the edges' nodes in order of appearance
    assert graph_from_json({"edges": ["B --> A", "C --> A"]}).nodes == ("B", "A", "C")
    # missing "edges": isolated nodes
    same(graph_from_json({"nodes": ["A", "B"]}), DAG(["A", "B"], []))
    # "type" is honoured; kind= overrides it
    assert type(graph_from_json({"type": "pag", "edges": ["A --> B"]})) is PAG
    assert type(graph_from_json({"type": "pag", "edges": ["A --> B"]}, kind="cpdag")) is CPDAG
    assert type(graph_from_json({"edges": ["A --> B"]}, kind=ADMG)) is ADMG
    # inferred: a directed cycle is a MixedGraph, circles make a PAG, reversed spellings are read
    cycle = graph_from_json({"edges": ["A --> B", "C <-- B", "A <-- C"]})
    assert type(cycle) is MixedGraph and cycle.directed_cycle() == ["A", "B", "C", "A"]
    assert type(graph_from_json({"edges": ["A <-o B"]})) is PAG
    assert graph_from_json({"type": "DAG", "edges": ["A --> B"]}).kind == "dag"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", r"invalid graph JSON: Expecting property name enclosed in double quotes at line 1, column 2"),
        ("", r"invalid graph JSON: Expecting value at line 1, column 1"),
        (b"\xff\xfe", r"not UTF-8"),
        ("[1, 2]", r"expected an object like .*; got list"),
        ('"A --> B"', r"expected an object .*; got str"),
        ({"type": "dag"}, r"expected the key \"nodes\" or \"edges\" \(or both\); the keys are 'type'"),
        ({}, r"the keys are none"),
        ({"nodes": "ABC"}, r'"nodes" must be a list of node names; got str'),
        ({"nodes": ["A", 3]}, r'"nodes"\[1\] must be a string; got 3 \(int\)'),
        ({"nodes": ["A", None]}, r'"nodes"\[1\] must be a string; got None'),
        ({"nodes": ["A", "A"]}, r"duplicate node 'A'"),
        ({"nodes": ["A", ""]}, r"non-empty"),
        ({"edges": "A --> B"}, r'"edges" must be a list of strings like "A --> B"; got str'),
        ({"edges": {"A": "B"}}, r'"edges" must be a list .*; got dict'),
        ({"edges": [["A", "B"]]}, r'"edges"\[0\] must be a string like "A --> B"; got \[\'A\', \'B\'\] \(list\)'),
        ({"edges": ["A --> B", 7]}, r'"edges"\[1\] must be a string'),
        ({"edges": ["A -> B"]}, r'"edges"\[0\]: cannot read an edge from \'A -> B\''),
        ({"edges": ["A --> B --> C"]}, r'"edges"\[0\]: cannot read an edge'),
        ({"nodes": ["A", "B"], "edges": ["A --> Z"]}, r"edge 'A --> Z' names node 'Z', which \"nodes\" does not list"),
        ({"type": "graphy", "edges": ["A --> B"]}, r"unknown graph type 'graphy'"),
        ({"type": 3, "edges": ["A --> B"]}, r'"type" must be a string such as "dag"; got 3'),
        ({"type": "dag", "edges": ["A <-> B"]}, r"edge A <-> B has kind '<->', which a DAG does not allow"),
        ({"type": "dag", "edges": ["A --> B", "B --> C", "C --> A"]}, r"cycle"),
        ({"edges": ["A --> A"]}, r"self-loop"),
        ({"edges": ["A --> B", "A --- B"]}, r"joins the same nodes"),
    ],
)
def test_json_errors(data: object, message: str) -> None:
    with pytest.raises(GraphError, match=message):
        graph_from_json(data)  # type: ignore[arg-type]


def test_json_reader_python_inputs(tmp_path: Path) -> None:
    assert graph_from_json({"nodes": ("A", "B"), "edges": ("A --> B",)}) == DAG(edges=["A --> B"])
    with pytest.raises(InvalidParameterError, match="Use read_graph"):
        graph_from_json(tmp_path / "g.json")  # type: ignore[arg-type]


def test_json_kind_errors() -> None:
    with pytest.raises(GraphError, match="unknown graph type 'tree'"):
        graph_from_json({"edges": ["A --> B"]}, kind="tree")
    with pytest.raises(InvalidParameterError, match="kind must be None, a graph type name"):
        graph_from_json({"edges": ["A --> B"]}, kind=3)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["A-->B", "x <-> y", "p o-o", " lead", "trail ", "two\nlines"])
def test_json_writer_refuses_names_it_cannot_write(name: str) -> None:
    g = DAG([name, "other"], [(name, "other")])
    with pytest.raises(GraphError, match="cannot be written as the string"):
        graph_to_json(g)
    # isolated nodes are fine: they are not inside edge strings
    assert graph_from_json(graph_to_json(DAG([name], []))) == DAG([name], [])


def test_json_writer_rejects_non_graphs() -> None:
    with pytest.raises(InvalidParameterError, match="graph must be a causalscope graph"):
        graph_to_json({"nodes": []})  # type: ignore[arg-type]


# ---------------------------------------------------------------------- files
@pytest.mark.parametrize("suffix", [".json", ".txt", ".dot", ".gv", ".graph"])
@pytest.mark.parametrize("kind", KINDS)
def test_file_round_trip(tmp_path: Path, suffix: str, kind: str) -> None:
    g = random_graph(kind, 11, names=["my var", "é"])
    path = tmp_path / "sub" / f"g{suffix}"
    write_graph(g, path)
    assert path.read_text(encoding="utf-8").endswith("\n")
    if suffix != ".txt":
        same(read_graph(path), g)
    # the text notation keeps no type: give it back, or let it be inferred
    assert read_graph(path, kind=g.kind) == g
    assert read_graph(str(path), kind=type(g)) == g


def test_text_file_type_rule_matches_json(tmp_path: Path) -> None:
    path = tmp_path / "g.txt"
    path.write_text("A --> B\nB --- C  # a comment\nA <-> C\n")
    assert type(read_graph(path)) is PAG
    assert read_graph(path) == graph_from_json({"edges": ["A --> B", "B --- C", "A <-> C"]})
    with pytest.raises(GraphError, match=r"g\.txt: edge A --> B puts an arrowhead into 'B'"):
        read_graph(path, kind="mag")
    path.write_text("A --> B; B --> A")
    with pytest.raises(GraphError, match=r"g\.txt: edge .* joins the same nodes"):
        read_graph(path)


def test_write_graph_formats(tmp_path: Path) -> None:
    g = CPDAG(["A", "B", "C"], ["A --> B"])
    write_graph(g, tmp_path / "g.txt")
    assert (tmp_path / "g.txt").read_text() == "A --> B\nC\n"
    write_graph(g, tmp_path / "g.JSON")
    assert json.loads((tmp_path / "g.JSON").read_text())["type"] == "cpdag"
    write_graph(g, tmp_path / "g.dot")
    assert (tmp_path / "g.dot").read_text().startswith("digraph G {")


def test_read_graph_errors_name_the_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(GraphError, match=r"graph file '.*missing\.json' does not exist"):
        read_graph(missing)
    with pytest.raises(GraphError, match="is not a file"):
        read_graph(tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(GraphError, match=r"bad\.json: invalid graph JSON: Expecting property name"):
        read_graph(bad)
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({"nodes": ["A"], "edges": ["A --> B"]}))
    with pytest.raises(GraphError, match=r"wrong\.json: invalid graph JSON: edge 'A --> B' names node 'B'"):
        read_graph(wrong)
    binary = tmp_path / "binary.json"
    binary.write_bytes(b"\xff\xfe\x00")
    with pytest.raises(GraphError, match=r"binary\.json: the file is not UTF-8 text"):
        read_graph(binary)
    txt = tmp_path / "g.txt"
    txt.write_text("A --> B --> C")
    with pytest.raises(GraphError, match=r"g\.txt: cannot read an edge"):
        read_graph(txt)
    dot = tmp_path / "g.dot"
    dot.write_text("digraph { a -> b")
    with pytest.raises(GraphError, match=r"g\.dot: DOT, at the end: the text ends before the closing"):
        read_graph(dot)


# ---------------------------------------------------------------------- networkx
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(4))
def test_networkx_round_trip(kind: str, seed: int) -> None:
    g = random_graph(kind, seed, names=AWKWARD)
    nxg = to_networkx(g)
    assert type(nxg) is nx.DiGraph
    assert list(nxg.nodes) == list(g.nodes)
    assert nxg.number_of_edges() == g.n_edges
    assert nxg.graph["kind"] == g.kind
    same(from_networkx(nxg), g)
    del nxg.graph["kind"]
    assert from_networkx(nxg, kind=g.kind) == g


@pytest.mark.parametrize("seed", range(4))
def test_networkx_dag_is_the_plain_digraph(seed: int) -> None:
    g = random_graph("dag", seed)
    nxg = to_networkx(g)
    assert set(nxg.edges) == {(e.source, e.target) for e in g.edges}
    assert nx.is_directed_acyclic_graph(nxg)
    for u, v in nxg.edges:  # reference: networkx's own descendants
        assert nx.descendants(nxg, u) == g.descendants(u)
    plain = nx.DiGraph(list(nxg.edges))
    plain.add_nodes_from(g.nodes)
    assert from_networkx(plain) == g


def test_networkx_encoding_by_hand() -> None:
    g = ADMG(edges=["A --> B", "A <-> B", "C --> A", "C <-> B"])
    nxg = to_networkx(g)
    assert dict(nxg.edges.items()) == {
        ("A", "B"): {"mark_u": "tail", "mark_v": "arrow"},
        ("B", "A"): {"mark_u": "arrow", "mark_v": "arrow"},  # the bow's bidirected edge, stored against A -> B
        ("C", "A"): {"mark_u": "tail", "mark_v": "arrow"},
        ("C", "B"): {"mark_u": "arrow", "mark_v": "arrow"},
    }
    pag = to_networkx(PAG(edges=["B <-o A", "C --o D"]))
    assert dict(pag.edges.items()) == {
        ("A", "B"): {"mark_u": "circle", "mark_v": "arrow"},
        ("C", "D"): {"mark_u": "tail", "mark_v": "circle"},
    }


def test_from_networkx_other_inputs() -> None:
    # a MultiDiGraph with our attributes, a bow included
    multi = nx.MultiDiGraph()
    multi.add_edge("A", "B", mark_u="tail", mark_v="arrow")
    multi.add_edge("A", "B", mark_u=Endpoint.ARROW, mark_v="ARROW")
    same(from_networkx(multi), ADMG(edges=["A --> B", "A <-> B"]))
    # an undirected graph: every edge undirected
    same(from_networkx(nx.Graph([("A", "B"), ("B", "C")])), CPDAG(edges=["A --- B", "B --- C"]))
    # a plain 2-cycle is two edges between the same nodes
    with pytest.raises(GraphError, match="joins the same nodes"):
        from_networkx(nx.DiGraph([("A", "B"), ("B", "A")]))
    # a plain cycle becomes a MixedGraph when no type is asked for
    assert type(from_networkx(nx.DiGraph([("A", "B"), ("B", "C"), ("C", "A")]))) is MixedGraph


def test_from_networkx_errors() -> None:
    with pytest.raises(GraphError, match=r"node names must be strings; got 0 \(int\).*relabel_nodes"):
        from_networkx(nx.path_graph(3, create_using=nx.DiGraph))
    g = nx.DiGraph()
    g.add_edge("A", "B", mark_u="tail")
    with pytest.raises(GraphError, match=r"networkx edge \('A', 'B'\): has only one of the attributes"):
        from_networkx(g)
    g = nx.DiGraph()
    g.add_edge("A", "B", mark_u="tail", mark_v="star")
    with pytest.raises(GraphError, match=r"a mark must be 'tail', 'arrow' or 'circle'; got 'star'"):
        from_networkx(g)
    g = nx.Graph()
    g.add_edge("A", "B", mark_u="tail", mark_v="arrow")
    with pytest.raises(GraphError, match="mark attributes need a networkx DiGraph"):
        from_networkx(g)
    g = nx.DiGraph([("A", "B")], kind="tree")
    with pytest.raises(GraphError, match="unknown graph type 'tree'"):
        from_networkx(g)
    g = nx.DiGraph([("A", "B")], kind=5)
    with pytest.raises(GraphError, match="'kind' must be a type name; got 5"):
        from_networkx(g)
    with pytest.raises(GraphError, match="which a DAG does not allow"):
        from_networkx(to_networkx(PAG(edges=["A o-> B"])), kind="dag")
    with pytest.raises(InvalidParameterError, match="g must be a networkx graph; got dict"):
        from_networkx({"A": "B"})  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="graph must be a causalscope graph"):
        to_networkx(nx.DiGraph())  # type: ignore[arg-type]


# ---------------------------------------------------------------------- DOT
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(4))
def test_dot_round_trip(kind: str, seed: int) -> None:
    g = random_graph(kind, seed, names=AWKWARD)
    same(from_dot(to_dot(g)), g)
    text = to_dot(g, name="my graph").replace('comment="causalscope:', 'comment="other:')
    assert from_dot(text, kind=g.kind) == g


def test_dot_output_by_hand() -> None:
    g = ADMG(["my var", "node", "B"], ["my var --> B", "my var <-> B", "node <-> B"])
    assert to_dot(g, name="ADMG 1") == "\n".join(
        [
            'digraph "ADMG 1" {',
            '  comment="causalscope:admg";',
            '  "my var";',
            '  "node";',
            "  B;",
            '  "my var" -> B;',
            '  "my var" -> B [dir=both, arrowtail=normal, arrowhead=normal];',
            '  "node" -> B [dir=both, arrowtail=normal, arrowhead=normal];',
            "}",
        ]
    )
    text = to_dot(PAG(['a "q"', "b\\c"], ['a "q" --o b\\c']))
    assert '"a \\"q\\"" -> "b\\\\c" [dir=both, arrowtail=none, arrowhead=odot];' in text
    assert "  x -> y [dir=both, arrowtail=none, arrowhead=none];" in to_dot(CPDAG(edges=["x --- y"]))
    with pytest.raises(InvalidParameterError, match="name must be a non-empty string"):
        to_dot(g, name="")


def test_dot_reader_plain_digraphs() -> None:
    text = """
    /* a hand-written graph */
    strict digraph "my graph" {
        rankdir=LR;                     // a graph attribute
        node [shape=box];
        a -> b -> c [color=red];        # not a comment here, but a chain ... see below
        "quoted name" -> 1.5;
        d
        e [label="E"]
    }
    """
    # '#' starts a comment only at the beginning of a line; rewrite that line
    text = text.replace("# not a comment here, but a chain ... see below", "")
    g = from_dot(text)
    same(g, DAG(["a", "b", "c", "quoted name", "1.5", "d", "e"], ["a --> b", "b --> c", "quoted name --> 1.5"]))
    assert from_dot("#comment line\ndigraph{a->b}") == DAG(edges=["a --> b"])
    # an undirected DOT graph: every edge undirected
    same(from_dot("graph { a -- b; b -- c }"), CPDAG(edges=["a --- b", "b --- c"]))
    # edge defaults and dir values
    g = from_dot("digraph { edge [dir=both]; a -> b; c -> d [arrowtail=none]; e -> f [dir=back]; g -> h [dir=none] }")
    same(g, MAG(["a", "b", "c", "d", "e", "f", "g", "h"], ["a <-> b", "c --> d", "f --> e", "g --- h"]))
    # arrow shapes that mean an arrow; a quoted keyword is a name; line continuation
    g = from_dot('digraph { a -> b [arrowhead=vee]; "node" -> "long \\\nname" [dir=both, arrowtail=odot] }')
    same(g, PAG(["a", "b", "node", "long name"], ["a --> b", "node o-> long name"]))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a -> b", r"DOT line 1: expected 'digraph' or 'graph' at the start"),
        ("digraph { a -> b", r"DOT, at the end: the text ends before the closing"),
        ("digraph a -> b }", r"expected '\{'; found '->'"),
        ("digraph { a -> b } extra", r"unexpected text after the closing"),
        ("digraph { subgraph s { a } }", r"subgraphs are not supported"),
        ("digraph { { a b } -> c }", r"subgraphs are not supported"),
        ("digraph { a:n -> b }", r"node ports \(name:port\) are not supported"),
        ("digraph { a -> b:s }", r"node ports"),
        ("digraph { a [label=<<b>x</b>>] }", r"HTML strings"),
        ("digraph { a -- b }", r"a digraph uses '->' for edges; found '--'"),
        ("graph { a -> b }", r"a graph uses '--' for edges; found '->'"),
        ("digraph { a -> b [arrowhead=diamond] }", r"DOT edge 'a' -> 'b': arrow shape 'diamond' has no mark"),
        ("digraph { a -> b [dir=sideways] }", r"dir must be forward, back, both or none; got 'sideways'"),
        ("digraph { a -> b [color] }", r"expected '='; found '\]'"),
        ("digraph { a -> }", r"expected a node name after the edge operator; found '\}'"),
        ("digraph { node }", r"expected '\[' after 'node'"),
        ("digraph { graph; a }", r"expected '\[' after 'graph'"),
        ("digraph { a -> b; b -> a }", r"joins the same nodes"),
        ("digraph { a -> b } ", None),
        ('digraph { comment="causalscope:tree"; a -> b }', r"unknown graph type 'tree'"),
        ('digraph { comment="causalscope:dag"; a -> b; b -> c; c -> a }', r"cycle"),
        ("digraph { a -> b @ }", r"DOT line 1: unexpected character '@'"),
        ("digraph {\n a -> b\n c -> d [dir=up] }", r"dir must be forward"),
        ("digraph {\n\n a -> }", r"DOT line 3: expected a node name"),
    ],
)
def test_dot_errors(text: str, message: str | None) -> None:
    if message is None:
        assert from_dot(text) == DAG(edges=["a --> b"])
        return
    with pytest.raises(GraphError, match=message):
        from_dot(text)


def test_dot_reader_rejects_non_text() -> None:
    with pytest.raises(InvalidParameterError, match="text must be a str"):
        from_dot(b"digraph {}")  # type: ignore[arg-type]


# ---------------------------------------------------------------------- causal-learn
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("seed", range(4))
def test_causallearn_round_trip(kind: str, seed: int) -> None:
    g = random_graph(kind, seed, names=AWKWARD)
    cl = to_causallearn(g)
    assert cl.get_node_names() == list(g.nodes)
    same(from_causallearn(cl, kind=g.kind), g)
    inferred = from_causallearn(cl)
    assert inferred.nodes == g.nodes and set(inferred.edges) == set(g.edges)


def test_causallearn_encoding_matches_its_documentation() -> None:
    from causallearn.graph.Endpoint import Endpoint as CLEndpoint

    g = PAG(["A", "B", "C", "D", "E"], ["A --> B", "B <-> C", "C o-> D", "D o-o E", "A --o E", "B --- D"])
    cl = to_causallearn(g)
    i = {n: k for k, n in enumerate(g.nodes)}
    m = cl.graph
    # causal-learn: graph[j, i] = 1 and graph[i, j] = -1 for i --> j (the mark at the row node)
    assert (m[i["B"], i["A"]], m[i["A"], i["B"]]) == (1, -1)
    assert (m[i["B"], i["C"]], m[i["C"], i["B"]]) == (1, 1)
    assert (m[i["D"], i["C"]], m[i["C"], i["D"]]) == (1, 2)
    assert (m[i["D"], i["E"]], m[i["E"], i["D"]]) == (2, 2)
    assert (m[i["E"], i["A"]], m[i["A"], i["E"]]) == (2, -1)
    assert (m[i["B"], i["D"]], m[i["D"], i["B"]]) == (-1, -1)
    assert sorted(str(e) for e in cl.get_graph_edges()) == sorted(str(e) for e in g.edges)
    assert cl.is_pag()
    node_a = cl.get_node("A")
    assert cl.get_endpoint(node_a, cl.get_node("B")) == CLEndpoint.ARROW
    assert to_causallearn(dag_to_cpdag(DAG(edges=["A --> B"]))).is_pattern()


def test_causallearn_bow_encoding() -> None:
    from causallearn.graph.Endpoint import Endpoint as CLEndpoint

    g = ADMG(edges=["A --> B", "A <-> B"])
    cl = to_causallearn(g)
    assert (cl.graph[0, 1], cl.graph[1, 0]) == (CLEndpoint.TAIL_AND_ARROW.value, CLEndpoint.ARROW_AND_ARROW.value)
    same(from_causallearn(cl), g)


def test_from_causallearn_of_graphs_built_by_causallearn() -> None:
    from causallearn.graph.Edge import Edge as CLEdge
    from causallearn.graph.Endpoint import Endpoint as CLEndpoint
    from causallearn.graph.GeneralGraph import GeneralGraph
    from causallearn.graph.GraphNode import GraphNode

    nodes = [GraphNode(n) for n in ("X", "Y", "Z")]
    cl = GeneralGraph(nodes)
    cl.add_directed_edge(nodes[0], nodes[1])
    cl.add_edge(CLEdge(nodes[2], nodes[1], CLEndpoint.CIRCLE, CLEndpoint.ARROW))
    same(from_causallearn(cl), PAG(["X", "Y", "Z"], ["X --> Y", "Z o-> Y"]))
    star = GeneralGraph([GraphNode("P"), GraphNode("Q")])
    star.graph[0, 1] = CLEndpoint.STAR.value
    star.graph[1, 0] = CLEndpoint.ARROW.value
    with pytest.raises(GraphError, match="has the mark STAR"):
        from_causallearn(star)


def test_from_causallearn_unsupported_mark() -> None:
    from causallearn.graph.Endpoint import Endpoint as CLEndpoint

    class FakeNode:
        def __init__(self, name: str) -> None:
            self.name = name

        def get_name(self) -> str:
            return self.name

    class FakeEdge:
        def get_node1(self) -> FakeNode:
            return FakeNode("A")

        def get_node2(self) -> FakeNode:
            return FakeNode("B")

        def get_endpoint1(self) -> CLEndpoint:
            return CLEndpoint.STAR

        def get_endpoint2(self) -> CLEndpoint:
            return CLEndpoint.ARROW

        def __str__(self) -> str:
            return "A *-> B"

    class FakeGraph:
        def get_node_names(self) -> list[str]:
            return ["A", "B"]

        def get_graph_edges(self) -> list[FakeEdge]:
            return [FakeEdge()]

    with pytest.raises(GraphError, match=r"causal-learn edge A \*-> B has the mark STAR; only TAIL, ARROW and CIRCLE"):
        from_causallearn(FakeGraph())
    with pytest.raises(InvalidParameterError, match="must be a causal-learn graph"):
        from_causallearn(DAG(edges=["A --> B"]))


def test_missing_causallearn_raises_missing_dependency(monkeypatch: pytest.MonkeyPatch) -> None:
    for mod in ("causallearn", "causallearn.graph", "causallearn.graph.Edge", "causallearn.graph.Endpoint",
                "causallearn.graph.GeneralGraph", "causallearn.graph.GraphNode"):
        monkeypatch.setitem(sys.modules, mod, None)
    with pytest.raises(MissingDependencyError, match=r"to_causallearn needs the optional package 'causal-learn'.*causalscope\[test\]") as info:
        to_causallearn(DAG(edges=["A --> B"]))
    assert info.value.package == "causal-learn" and info.value.extra == "test"


# ---------------------------------------------------------------------- pgmpy
@pytest.mark.parametrize("seed", range(5))
def test_pgmpy_round_trip(seed: int) -> None:
    from pgmpy.base import DAG as PgmpyDAG

    g = random_graph("dag", seed, names=AWKWARD)
    pg = to_pgmpy(g)
    assert isinstance(pg, PgmpyDAG)
    assert list(pg.nodes()) == list(g.nodes)
    assert set(pg.edges()) == {(e.source, e.target) for e in g.edges}
    same(from_pgmpy(pg), g)


def test_from_pgmpy_models_built_by_pgmpy() -> None:
    from pgmpy.base import DAG as PgmpyDAG

    pg = PgmpyDAG([("smoke", "cancer"), ("cancer", "xray")], latents={"smoke"})
    pg.add_node("alone")
    same(from_pgmpy(pg), DAG(["smoke", "cancer", "xray", "alone"], ["smoke --> cancer", "cancer --> xray"]))


def test_pgmpy_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(InvalidParameterError, match="dag must be a DAG; got CPDAG"):
        to_pgmpy(CPDAG(edges=["A --- B"]))  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match="pgmpy_dag must be a pgmpy DAG"):
        from_pgmpy(nx.Graph())
    with pytest.raises(GraphError, match=r"from_pgmpy: node names must be strings; got 0"):
        from_pgmpy(nx.DiGraph([(0, 1)]))
    with pytest.raises(GraphError, match="cycle"):
        from_pgmpy(nx.DiGraph([("a", "b"), ("b", "c"), ("c", "a")]))
    monkeypatch.setitem(sys.modules, "pgmpy", None)
    monkeypatch.setitem(sys.modules, "pgmpy.base", None)
    with pytest.raises(MissingDependencyError, match="to_pgmpy needs the optional package 'pgmpy'"):
        to_pgmpy(DAG(edges=["A --> B"]))


def test_parse_graph_and_json_agree() -> None:
    text = "A --> B; B <-> C; C o-> D; D --- E; F"
    assert graph_from_json({"edges": ["A --> B", "B <-> C", "C o-> D", "D --- E"], "nodes": list("ABCDEF")}) == parse_graph(text)
