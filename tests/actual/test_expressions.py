"""The safe expression language: values checked by hand, unsafe input rejected with positions."""

from __future__ import annotations

import numpy as np
import pytest

from causalscope.actual import ExpressionError, parse_expression
from causalscope.exceptions import DataError


@pytest.mark.parametrize(
    ("text", "env", "expected"),
    [
        ("L or MD", {"L": 0, "MD": 0}, 0),
        ("L or MD", {"L": 0, "MD": 1}, 1),
        ("L and MD", {"L": 1, "MD": 1}, 1),
        ("not L", {"L": 2}, 0),
        ("FF=1", {"FF": 1}, 1),
        ("FF = 1 and not L=0", {"FF": 1, "L": 0}, 0),
        ("A != B", {"A": 1, "B": 2}, 1),
        ("0 <= A < 2", {"A": 2}, 0),
        ("1 if A + B >= 2 else 0", {"A": 1, "B": 1}, 1),
        ("max(A, B, 0) - min(A, B)", {"A": 2, "B": 0}, 2),
        ("-A * 2 + 5", {"A": 1}, 3),
        ("True and A", {"A": 1}, 1),
    ],
)
def test_scalar_values_match_hand_computation(text: str, env: dict[str, int], expected: int) -> None:
    assert parse_expression(text).evaluate(env) == expected


def test_vectorised_evaluation_equals_rowwise() -> None:
    rng = np.random.default_rng(0)
    a, b, c = (rng.integers(0, 3, 50) for _ in range(3))
    for text in ("A or B and not C", "1 if A > B else C", "max(A, B) - C * 2", "A == B == C"):
        e = parse_expression(text)
        vec = e.evaluate({"A": a, "B": b, "C": c})
        rows = [e.evaluate({"A": int(a[i]), "B": int(b[i]), "C": int(c[i])}) for i in range(50)]
        assert np.array_equal(vec, rows), text


def test_variables_in_order_of_appearance() -> None:
    assert parse_expression("B and A or B").variables == ("B", "A")


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("__import__('os')", 1),
        ("A and B.x", 7),
        ("A / 2", 1),
        ("(lambda: 1)()", 1),
        ("A[0]", 1),
        ("A and 'x'", 7),
        ("X = 1 and 1.5", 11),
        ("A and (B", None),
        ("", None),
    ],
)
def test_unsafe_or_invalid_input_is_rejected(text: str, position: int | None) -> None:
    with pytest.raises(ExpressionError) as info:
        parse_expression(text)
    assert isinstance(info.value, DataError)
    if position is not None:
        assert info.value.position == position, str(info.value)
        assert f"position {position}" in str(info.value)


def test_syntax_error_position_maps_back_through_single_equals() -> None:
    # 'A=1 and )' is rewritten to 'A==1 and )'; the position refers to the original text.
    with pytest.raises(ExpressionError) as info:
        parse_expression("A=1 and )")
    assert info.value.position == 9
