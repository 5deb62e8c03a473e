"""One data path through the copilot: one validated Dataset, resamples taken from it, one identification."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pandas as pd
import pytest

import causalscope.identification as identification
from causalscope.data import Dataset
from causalscope.datasets import simulate
from causalscope.exceptions import DataError
from causalscope.pipeline import analyze
from causalscope.utils import to_jsonable


def _count_from_frame(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls = [0]
    original = Dataset.from_frame.__func__  # type: ignore[attr-defined]

    def counting(cls: type[Dataset], *args: object, **kwargs: object) -> Dataset:
        calls[0] += 1
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(Dataset, "from_frame", classmethod(counting))
    return calls


@pytest.mark.parametrize(("noise", "algorithm"), [("uniform", "lingam"), ("gaussian", None)])
def test_analyze_validates_the_table_once(monkeypatch: pytest.MonkeyPatch, noise: Literal["uniform", "gaussian"],
                                          algorithm: str | None) -> None:
    sim = simulate(5, 300, mechanism="linear", noise=noise, random_state=0)
    calls = _count_from_frame(monkeypatch)
    res = analyze(sim.data, n_bootstrap=3, random_state=0)
    assert algorithm is None or res.choice.algorithm == algorithm
    assert calls[0] == 1


def test_effect_is_identified_once(monkeypatch: pytest.MonkeyPatch) -> None:
    sim = simulate(4, 300, mechanism="linear", noise="uniform", random_state=0)
    calls = [0]
    original = identification.identify

    def counting(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(identification, "identify", counting)
    res = analyze(sim.data, treatment="X1", outcome="X2", n_bootstrap=3, random_state=0)
    assert res.effects[0]["status"] in ("estimated", "not_identified")
    assert calls[0] == 1


def test_take_keeps_kinds_and_codes_without_revalidation() -> None:
    frame = pd.DataFrame({"c": ["b", "a", "c", "a"], "x": [1.0, 2.5, 3.0, 0.5], "site": ["u", "u", "v", "v"]})
    ds = Dataset.from_frame(frame, domain_column="site")
    part = ds.take(np.array([1, 1, 3]))  # "c" and "site" constant here: no validation error
    assert part.kinds == ds.kinds and part.categories == ds.categories
    assert part.column("c").tolist() == [0.0, 0.0, 0.0]
    assert part.domain is not None and part.domain.tolist() == [0, 0, 1]
    assert part.row_positions.tolist() == [1, 1, 3]
    assert part.to_frame()["c"].tolist() == ["a", "a", "a"]
    with pytest.raises(DataError):
        ds.take(np.array([4]))
    with pytest.raises(DataError):
        ds.take(np.array([0.5]))


def test_to_jsonable_one_rule() -> None:
    class Opaque:
        pass

    out = to_jsonable({"a": np.float64("nan"), "b": (np.int64(2), np.bool_(False)), "c": float("inf"),
                       "d": Opaque(), 3: {"e": np.float32(0.5)}})
    assert out == {"a": None, "b": [2, False], "c": None, "d": "<Opaque>", "3": {"e": 0.5}}
