"""The environments input: every accepted form reads to the same Environments, and bad input is typed."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from causalscope.data import Dataset, Environments, as_environments
from causalscope.exceptions import DataError, InvalidParameterError


def _frames(n: int = 20, k: int = 3) -> list[pd.DataFrame]:
    rng = np.random.default_rng(0)
    return [pd.DataFrame({"A": rng.normal(size=n) + e, "B": rng.normal(size=n)}) for e in range(k)]


def test_forms_agree() -> None:
    """Oracle: a list of frames, the pooled frame with a label column and a Dataset with that column as
    its domain role hold the same values, labels and names."""
    frames = _frames()
    pooled = pd.concat([f.assign(E=i) for i, f in enumerate(frames)], ignore_index=True)
    from_list = as_environments(frames)
    from_frame = as_environments(pooled, environment_column="E")
    from_dataset = as_environments(Dataset.from_frame(pooled, domain_column="E"))
    from_variable = as_environments(Dataset.from_frame(pooled), environment_column="E")
    for env in (from_frame, from_dataset, from_variable):
        assert isinstance(env, Environments)
        np.testing.assert_array_equal(env.values, from_list.values)
        np.testing.assert_array_equal(env.labels, from_list.labels)
        assert env.variables == ("A", "B") and env.names == ("0", "1", "2")
    assert from_list.n_environments == 3 and from_list.rows_of(2).tolist() == list(range(40, 60))
    assert from_list.rows_of("1").tolist() == list(range(20, 40))
    assert not from_list.values.flags.writeable
    assert as_environments(from_list) is from_list


def test_metadata() -> None:
    """Oracle: targets given per environment (list or mapping) are kept, and make the environment
    interventional unless told otherwise."""
    frames = _frames()
    env = as_environments(frames, targets={"1": ["A"], "2": "B"})
    assert env.targets == (None, ("A",), ("B",)) and env.interventional == (False, True, True)
    env = as_environments(frames, interventional=[False, True, False])
    assert env.interventional == (False, True, False) and env.targets == (None, None, None)
    reordered = as_environments([frames[0], frames[1][["B", "A"]], frames[2]])
    assert reordered.variables == ("A", "B")
    np.testing.assert_array_equal(reordered.values, as_environments(frames).values)


def test_bad_input() -> None:
    """Oracle: each malformed input raises a typed error naming the problem."""
    frames = _frames()
    pooled = pd.concat([f.assign(E=i) for i, f in enumerate(frames)], ignore_index=True)
    with pytest.raises(DataError, match="one environment only"):
        as_environments(frames[:1])
    with pytest.raises(DataError, match="one environment only"):
        as_environments(pooled.assign(E=0), environment_column="E")
    with pytest.raises(DataError, match=r"fewer rows than variables \(2\): 1 \(1 rows\)"):
        as_environments([frames[0], frames[1].iloc[:1]])
    with pytest.raises(DataError, match="looks continuous: it has 60 distinct float values"):
        as_environments(pooled, environment_column="A")
    with pytest.raises(DataError, match=r"environment 1 has different columns.*missing \['B'\], extra \['C'\]"):
        as_environments([frames[0], frames[1].rename(columns={"B": "C"})])
    with pytest.raises(DataError, match=r"unknown variables \['Z'\]"):
        as_environments(frames, targets=[None, ["Z"], None])
    with pytest.raises(DataError, match="unknown environments"):
        as_environments(frames, targets={"9": ["A"]})
    with pytest.raises(DataError, match="is not a column"):
        as_environments(pooled, environment_column="F")
    with pytest.raises(InvalidParameterError, match="environment_column must name"):
        as_environments(pooled)
    with pytest.raises(InvalidParameterError, match="data must be"):
        as_environments(np.zeros((4, 2)))
