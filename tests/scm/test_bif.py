"""BIF reading and writing with CPTs.

Checked against
* pgmpy's BIF reader (every CPT number) on every shipped bnlearn network, whose
  structure ``causalscope.datasets.load_network`` returns from this same reader
  (its variables, states and parents are checked against pgmpy in tests/datasets);
* exact round trips: read -> write -> read gives an equal network (numbers written
  with repr precision), plain and gzip;
* the ``table`` layout for nodes with parents as pgmpy reads it;
* error messages that carry the line number of the problem.
"""

from __future__ import annotations

import gzip
import warnings
from pathlib import Path

import numpy as np
import pytest

from causalscope.datasets import list_networks, load_bayesnet, load_network
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.scm import BIFError, DiscreteBN, parse_bif, read_bif, to_bif_string, write_bif

SHARED = Path("/work/shared/data/bnlearn")


@pytest.mark.parametrize("name", list_networks())
def test_shipped_networks_load_and_round_trip(name: str, tmp_path: Path) -> None:
    structure = load_network(name)
    bn = read_bif(structure.path)
    assert bn.graph == structure.graph
    assert dict(bn.states) == structure.states
    assert bn.variables == structure.graph.nodes  # declaration order kept
    text = to_bif_string(bn)
    again = parse_bif(text)
    assert again == bn
    for v in bn.variables:  # bit-exact numbers, same parent order
        assert again.parents(v) == bn.parents(v)
        assert np.array_equal(again.cpts[v].table, bn.cpts[v].table)
    out = tmp_path / f"{name}.bif.gz"
    write_bif(bn, out)
    assert out.read_bytes()[:2] == b"\x1f\x8b" and read_bif(out) == bn
    plain = tmp_path / f"{name}.bif"
    bn.to_bif(plain)
    assert DiscreteBN.read_bif(plain) == bn and plain.read_text() == text


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", list_networks())
def test_cpts_equal_pgmpy_reader(name: str) -> None:
    """Every CPT number equals the one pgmpy's BIFReader reads from the same file."""
    pytest.importorskip("pgmpy")
    from pgmpy.readwrite import BIFReader

    bn = load_bayesnet(name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = BIFReader(string=gzip.decompress(load_network(name).path.read_bytes()).decode()).get_model()
    for v in bn.variables:
        cpd = model.get_cpds(v)
        ours = bn.cpts[v]
        assert list(cpd.state_names[v]) == list(bn.states[v])
        evidence = list(cpd.variables[1:])
        ours = ours.reorder(evidence)
        # pgmpy: values[child, pa_1, ..., pa_k]; ours: table[pa_1, ..., pa_k, child]
        ref = np.moveaxis(cpd.get_values().reshape((len(bn.states[v]),) + ours.shape[:-1]), 0, -1)
        for axis, u in enumerate(evidence):
            assert list(cpd.state_names[u]) == list(bn.states[u]), (v, u, axis)
        np.testing.assert_array_equal(ours.table, ref)


def test_shared_copies_are_the_shipped_files() -> None:
    if not SHARED.exists():
        pytest.skip("no shared data folder on this machine")
    for name in list_networks():
        assert read_bif(SHARED / f"{name}.bif.gz") == load_bayesnet(name)


def test_table_layout_with_parents_matches_pgmpy() -> None:
    """``table`` with parents: child state slowest, last parent fastest (checked with
    pgmpy on the same text in tests/scm: C(c0 | a0, b1) = 0.2)."""
    text = """
    network t { }
    variable A { type discrete [ 2 ] { a0, a1 }; }
    variable B { type discrete [ 3 ] { b0, b1, b2 }; }
    variable C { type discrete [ 2 ] { c0, c1 }; }
    probability ( A ) { table 0.5, 0.5; }
    probability ( B ) { table 0.2, 0.3, 0.5; }
    probability ( C | A, B ) { table 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.9, 0.8, 0.7, 0.6, 0.5, 0.4; }
    """
    bn = parse_bif(text)
    assert bn.cpts["C"].row(A="a0", B="b1") == {"c0": 0.2, "c1": 0.8}
    assert bn.cpts["C"].row(A="a1", B="b0") == {"c0": 0.4, "c1": 0.6}
    pgmpy = pytest.importorskip("pgmpy.readwrite")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cpd = pgmpy.BIFReader(string=text).get_model().get_cpds("C")
    np.testing.assert_array_equal(np.moveaxis(cpd.get_values().reshape(2, 2, 3), 0, -1), bn.cpts["C"].table)


def test_lenient_syntax_comments_properties_default_quotes() -> None:
    text = """// a comment
    network "my net" { property author = me ; }
    /* a block
       comment */
    variable "X 1" { type discrete[2] {lo hi}; property position = (1, 2) ; }
    variable Y { type discrete [ 3 ] { a, b, c }; }
    probability ( Y | "X 1" ) {
      (hi) 0.1 0.2 0.7;
      default 0.3, 0.3, 0.4;
    }
    probability ( "X 1" ) { table 0.25 0.75; }
    """
    bn = parse_bif(text)
    assert bn.name == "my net" and bn.variables == ("X 1", "Y")
    assert bn.cpts["Y"].row(**{"X 1": "lo"}) == {"a": 0.3, "b": 0.3, "c": 0.4}
    assert bn.cpts["Y"].row(**{"X 1": "hi"}) == {"a": 0.1, "b": 0.2, "c": 0.7}
    assert parse_bif(to_bif_string(bn)) == bn  # quoted names written back quoted


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("variable A {\n type discrete [ 2 ] { y, n }\n}", 3, "expected ';' after the state list of 'A', found '}'"),
        ("variable A {\n type discrete [ 3 ] { y, n };\n}", 2, "declares 3 states but lists 2"),
        ("variable A { type discrete [ 2 ] { y, n }; }\nprobability ( A ) {\n table 0.5, 0.4;\n}", 2,
         "CPT of 'A': each row must sum to 1"),
        ("variable A { type discrete [ 2 ] { y, n }; }\nprobability ( A ) {\n table 0.5, x;\n}", 3,
         "expected a number in the table of 'A', found 'x'"),
        ("variable A { type discrete [ 2 ] { y, n }; }\n\nprobability ( A | B ) { table 0.5, 0.5; }", 3,
         "names 'B', which no earlier variable block declares"),
        ("variable A { type discrete [ 2 ] { y, n }; }\nvariable B { type discrete [ 2 ] { y, n }; }\n"
         "probability ( A ) { table 0.5, 0.5; }\nprobability ( B | A ) {\n (y) 0.5, 0.5;\n (maybe) 0.5, 0.5;\n}", 6,
         "unknown state 'maybe' of parent 'A' in the CPT of 'B'; valid states: y, n"),
        ("variable A { type discrete [ 2 ] { y, n }; }\nvariable B { type discrete [ 2 ] { y, n }; }\n"
         "probability ( A ) { table 0.5, 0.5; }\nprobability ( B | A ) {\n (y) 0.5, 0.5;\n}", 4,
         "gives no row for A=n"),
        ("variable A { type discrete [ 2 ] { y, n }; }\nvariable B { type discrete [ 2 ] { y, n }; }\n"
         "probability ( A ) { table 0.5, 0.5; }", 2, "variable 'B' has no probability block"),
        ("variable A { type discrete [ 2 ] { y, n }; }\nprobability ( A ) { table 0.5, 0.5; }\n"
         "probability ( A ) { table 0.5, 0.5; }", 3, "second probability block (first on line 2)"),
        ("variable A { type discrete [ 2 ] { y, n }; }\nprobability ( A ) { table 0.5, 0.5;", 2,
         "found the end of the file"),
        ("\n\nnetwork x { }\nvariables A { }", 4, "expected 'network', 'variable' or 'probability', found 'variables'"),
        ("variable A { type continuous; }", 1, "only 'type discrete' is supported"),
    ],
)
def test_errors_carry_line_numbers(text: str, line: int, message: str) -> None:
    with pytest.raises(BIFError) as info:
        parse_bif(text, source="net.bif")
    assert info.value.line == line
    assert str(info.value).startswith(f"net.bif:{line}: ")
    assert message in str(info.value)
    assert isinstance(info.value, DataError)


def test_cycle_and_file_errors(tmp_path: Path) -> None:
    text = (
        "variable A { type discrete [ 2 ] { y, n }; }\nvariable B { type discrete [ 2 ] { y, n }; }\n"
        "probability ( A | B ) { (y) 0.5, 0.5; (n) 0.5, 0.5; }\nprobability ( B | A ) { (y) 0.5, 0.5; (n) 0.5, 0.5; }"
    )
    with pytest.raises(BIFError, match="do not form a DAG"):
        parse_bif(text)
    with pytest.raises(BIFError, match="cannot read the file"):
        read_bif(tmp_path / "missing.bif")
    with pytest.raises(BIFError, match="no variable blocks"):
        parse_bif("network x { }")
    from causalscope.graphs import DAG

    renamed = DiscreteBN(DAG(['Smo"ker']), {'Smo"ker': ["y", "n"]}, {'Smo"ker': [0.5, 0.5]})
    with pytest.raises(DataError, match="cannot write variable"):
        to_bif_string(renamed)


def test_gzip_detected_from_bytes_not_name(tmp_path: Path) -> None:
    raw = load_network("asia").path.read_bytes()
    plain = tmp_path / "asia.bif"
    plain.write_bytes(gzip.decompress(raw))
    odd = tmp_path / "asia.txt"  # gzip data under a name that does not say so
    odd.write_bytes(raw)
    assert read_bif(plain) == read_bif(odd)
    assert read_bif(odd).graph == load_network("asia").graph


def test_load_bayesnet() -> None:
    bn = load_bayesnet("earthquake")
    assert bn.name == "earthquake" and bn.graph == load_network("earthquake").graph
    assert bn.probability("P(Alarm=True | do(Burglary=True), Earthquake=False)") == pytest.approx(0.94, abs=1e-12)
    with pytest.raises(InvalidParameterError, match="unknown network"):
        load_bayesnet("alarm")
