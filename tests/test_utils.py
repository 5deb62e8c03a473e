"""Random-state handling and the progress interface."""

from __future__ import annotations

import numpy as np
import pytest

import causalscope
from causalscope.exceptions import InvalidParameterError
from causalscope.utils import CallbackProgress, NullProgress, as_progress, check_random_state, spawn_seeds, track


def test_same_seed_same_stream_and_generator_passthrough() -> None:
    assert np.array_equal(check_random_state(3).normal(size=5), check_random_state(3).normal(size=5))
    rng = np.random.default_rng(1)
    assert check_random_state(rng) is rng
    assert spawn_seeds(7, 4) == spawn_seeds(7, 4)
    assert len(set(spawn_seeds(7, 4))) == 4


@pytest.mark.parametrize("bad", [-1, 1.5, "3", True])
def test_bad_random_state_is_a_typed_error(bad: object) -> None:
    with pytest.raises(InvalidParameterError, match="random_state"):
        check_random_state(bad)  # type: ignore[arg-type]


def test_progress_reports_to_a_callback() -> None:
    calls: list[tuple[int, int | None, str]] = []
    assert list(track(range(3), lambda d, t, s: calls.append((d, t, s)), "work")) == [0, 1, 2]
    assert calls == [(0, 3, "work"), (1, 3, "work"), (2, 3, "work"), (3, 3, "work")]
    assert isinstance(as_progress(None), NullProgress)
    assert isinstance(as_progress(lambda d, t, s: None), CallbackProgress)
    with pytest.raises(InvalidParameterError, match="progress"):
        as_progress(42)  # type: ignore[arg-type]


def test_public_names_are_exported() -> None:
    for name in causalscope.__all__:
        assert hasattr(causalscope, name)
    assert causalscope.__version__
