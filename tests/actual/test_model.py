"""Finite structural models: evaluation by hand, YAML validation errors naming variable and line."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from causalscope.actual import (
    CausalModel,
    CyclicModelError,
    ModelError,
    list_examples,
    load_example,
    load_model,
    parse_assignment,
)
from causalscope.exceptions import GraphError, InvalidParameterError
from causalscope.graphs import DAG


def _rock() -> CausalModel:
    return load_example("rock_throwing")


def test_evaluation_and_interventions_match_hand_computation() -> None:
    m = _rock()
    ctx = {"ST_U": 1, "BT_U": 1}
    assert m.evaluate(ctx) == {"ST": 1, "BT": 1, "SH": 1, "BH": 0, "BS": 1}
    assert m.evaluate(ctx, {"ST": 0}) == {"ST": 0, "BT": 1, "SH": 0, "BH": 1, "BS": 1}
    assert m.evaluate(ctx, {"ST": 0, "BH": 0})["BS"] == 0
    assert m.evaluate("ST_U=0, BT_U=0")["BS"] == 0


def test_batch_evaluation_equals_single_evaluations() -> None:
    m = _rock()
    ctx = {"ST_U": 1, "BT_U": 0}
    rng = np.random.default_rng(1)
    values = rng.integers(0, 2, (40, 5))
    mask = rng.random((40, 5)) < 0.4
    batch = m.evaluate_batch(ctx, values, mask)
    for i in range(40):
        iv = {v: int(values[i, j]) for j, v in enumerate(m.endogenous) if mask[i, j]}
        assert list(m.evaluate(ctx, iv).values()) == batch[i].tolist()


def test_graph_is_the_dag_of_the_equations() -> None:
    m = _rock()
    g = m.graph()
    assert isinstance(g, DAG)
    assert set(g.edges) == set(DAG(edges=["ST --> SH", "SH --> BH", "BT --> BH", "SH --> BS", "BH --> BS"]).edges)
    assert "ST_U" in m.graph(include_exogenous=True).nodes


def test_callable_equations_vectorised_and_scalar_only() -> None:
    def scalar_only(A: int, B: int) -> int:
        if A and B:  # fails on arrays: the model falls back to one call per row
            return 1
        return 0

    m = CausalModel(
        {"U": [0, 1], "V": [0, 1]},
        {"A": "U", "B": "V", "C": {"equation": scalar_only, "parents": ["A", "B"]},
         "D": {"equation": lambda A, C: np.maximum(A, C), "parents": ["A", "C"]}},
    )
    assert m.evaluate({"U": 1, "V": 1}) == {"A": 1, "B": 1, "C": 1, "D": 1}
    batch = m.evaluate_batch({"U": 1, "V": 0}, np.array([[0, 1, 0, 0], [1, 0, 0, 0]]),
                             np.array([[False, True, False, False], [False, False, False, False]]))
    assert batch.tolist() == [[1, 1, 1, 1], [1, 0, 0, 1]]
    with pytest.raises(ModelError, match="needs 'parents'"):
        CausalModel({"U": [0, 1]}, {"A": {"equation": lambda U: U}})


def test_intervene_replaces_equations_by_constants() -> None:
    m = _rock().intervene({"ST": 0})
    assert m.evaluate({"ST_U": 1, "BT_U": 1})["ST"] == 0
    assert m.parents("ST") == ()


def test_context_and_intervention_validation() -> None:
    m = _rock()
    with pytest.raises(InvalidParameterError, match="does not set the exogenous variable"):
        m.evaluate({"ST_U": 1})
    with pytest.raises(InvalidParameterError, match="outside its domain"):
        m.evaluate({"ST_U": 2, "BT_U": 1})
    with pytest.raises(InvalidParameterError, match="not an exogenous variable"):
        m.evaluate({"ST_U": 1, "BT_U": 1, "ST": 1})
    with pytest.raises(InvalidParameterError, match="not an endogenous variable"):
        m.evaluate({"ST_U": 1, "BT_U": 1}, {"XX": 1})
    with pytest.raises(InvalidParameterError, match="NAME=VALUE"):
        parse_assignment("ST_U 1")
    with pytest.raises(InvalidParameterError, match="must be an integer"):
        parse_assignment("ST_U=yes")
    assert parse_assignment("A=true; B=0") == {"A": 1, "B": 0}


def _write(tmp_path: Path, text: str) -> Path:
    p = tmp_path / "model.yaml"
    p.write_text(text, encoding="utf-8")
    return p


GOOD = """\
exogenous:
  U: [0, 1]
endogenous:
  A: "U"
  B: {domain: [0, 1, 2], equation: "A + U"}
context: {U: 1}
outcome: "B=2"
"""


def test_yaml_round_trip_and_defaults(tmp_path: Path) -> None:
    m = load_model(_write(tmp_path, GOOD))
    assert m.endogenous == ("A", "B")
    assert m.domain("B") == (0, 1, 2)
    assert m.context == {"U": 1} and m.outcome == "B=2"
    assert m.evaluate(m.context) == {"A": 1, "B": 2}


@pytest.mark.parametrize(
    ("text", "error", "line", "words"),
    [
        ("exogenous: {U: [0, 1]}\nendogenous:\n  A: \"U\"\n  B: \"A and Q\"\n", ModelError, 4, ["'B'", "undefined", "'Q'"]),
        ("exogenous: {U: [0, 1]}\nendogenous:\n  A: \"U\"\n  B: {domain: [0, 1], equation: \"A + 1\"}\n", ModelError, 4,
         ["'B'", "gives 2", "outside its domain"]),
        ("exogenous: {U: [0, 1]}\nendogenous:\n  A: \"U and C\"\n  B: \"A\"\n  C: \"B\"\n", CyclicModelError, 3,
         ["cyclic", "A -> B -> C -> A"]),
        ("exogenous: {U: [0, 1]}\nendogenous:\n  A: \"U\"\n  B: \"A or (U\"\n", ModelError, 4, ["'B'", "syntax error", "position"]),
        ("exogenous: {U: [0, 1]}\nendogenous:\n  A: \"U\"\n  B: {domain: [0, x], equation: \"A\"}\n", ModelError, 4,
         ["domain of 'B'", "integers"]),
        ("exogenous: {U: [0, 1]}\nendogenous:\n  A: {equation: \"U\", domian: [0, 1]}\n", ModelError, 3, ["unknown keys", "domian"]),
        ("exogenous: {U: [0, 1]}\nendogenous:\n  A: \"U\"\n  A B: \"A\"\n", ModelError, 4, ["'A B'", "identifier"]),
        ("exogenous: {U: [0, 1]}\nendogenous: [\n", ModelError, 3, ["invalid YAML"]),
    ],
)
def test_bad_model_files_raise_typed_errors_naming_the_line(
    tmp_path: Path, text: str, error: type[Exception], line: int, words: list[str]
) -> None:
    with pytest.raises(error) as info:
        load_model(_write(tmp_path, text))
    msg = str(info.value)
    assert info.value.line == line, msg  # type: ignore[attr-defined]
    assert f"line {line}" in msg and "model.yaml" in msg
    for w in words:
        assert w in msg
    if error is CyclicModelError:
        assert isinstance(info.value, GraphError)


def test_other_model_errors() -> None:
    with pytest.raises(ModelError, match="both exogenous and endogenous"):
        CausalModel({"A": [0, 1]}, {"A": "1"})
    with pytest.raises(ModelError, match="at least one endogenous"):
        CausalModel({"A": [0, 1]}, {})
    with pytest.raises(ModelError, match="no 'endogenous'"):
        CausalModel.from_yaml("exogenous: {U: [0, 1]}\n")
    with pytest.raises(CyclicModelError, match="itself"):
        CausalModel({}, {"A": "not A"})


def test_shipped_examples_load_through_importlib_resources() -> None:
    names = list_examples()
    assert {"forest_fire_conjunctive", "forest_fire_disjunctive", "rock_throwing", "double_prevention",
            "bogus_prevention", "voting"} <= set(names)
    for name in names:
        m = load_example(name)
        assert m.context is not None and m.outcome is not None
        assert m.evaluate(m.context)  # the default context is complete
    with pytest.raises(InvalidParameterError, match="unknown example"):
        load_example("no_such_example")
