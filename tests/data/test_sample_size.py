"""The minimum-sample rule shared by ``discover`` and ``analyze`` (the numbers of the module docstring)."""

from __future__ import annotations

import pytest

from causalscope.data.sample_size import MIN_ROWS, ROWS_PER_VARIABLE, check_sample_size
from causalscope.exceptions import DataError, InvalidParameterError


def test_fewer_than_min_rows_is_an_error():
    assert MIN_ROWS == 10
    with pytest.raises(DataError, match="only 9 rows; at least 10 are needed"):
        check_sample_size(9, 3, family="ci")
    assert check_sample_size(20, 2, family="ci") == ()


@pytest.mark.parametrize(("n", "p", "family", "k", "warned"), [
    (79, 8, "score", None, True), (80, 8, "score", None, False),
    (79, 8, "ci", None, True), (80, 8, "ci", None, False),      # k = p - 2 = 6: 10 * 8 rows
    (49, 8, "ci", 3, True), (50, 8, "ci", 3, False),            # 10 * (3 + 2)
    (30, 8, "ci", 0, False), (19, 8, "ci", 0, True),            # marginal tests: 20 rows
    (30, 8, "ci", 50, True),                                    # a bound above p - 2 counts as p - 2
])
def test_warning_threshold(n, p, family, k, warned):
    assert ROWS_PER_VARIABLE == 10
    assert bool(check_sample_size(n, p, family=family, max_cond_size=k)) is warned


def test_unknown_family():
    with pytest.raises(InvalidParameterError, match="family"):
        check_sample_size(100, 3, family="bayes")  # type: ignore[arg-type]
