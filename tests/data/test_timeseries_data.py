"""Tests of causalscope.data.timeseries: as_time_series, TimeSeriesData, spacing and gaps.

No reference library: the expected values (stamps, gap positions, missing counts,
minimum lengths) are written out by hand from the inputs built here.
"""

from __future__ import annotations

import json
import pickle

import numpy as np
import pandas as pd
import pytest

from causalscope.data import Dataset, TimeGap, TimeSeriesData, as_time_series, min_time_series_length
from causalscope.exceptions import DataError, InvalidParameterError
from causalscope.utils import to_jsonable


def _frame(n: int = 20, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({"t": np.arange(n), "x": rng.normal(size=n), "y": rng.normal(size=n)})


def test_frame_with_time_column_keeps_values_and_order() -> None:
    """Values equal the input columns (same order), the time column is set apart."""
    frame = _frame()
    ts = as_time_series(frame, time_column="t", tau_max=2)
    assert isinstance(ts, TimeSeriesData)
    assert ts.variables == ("x", "y")
    assert ts.n_samples == 20 and ts.n_variables == 2
    assert ts.values.dtype == np.float64 and ts.values.flags.c_contiguous
    np.testing.assert_array_equal(ts.values, frame[["x", "y"]].to_numpy())
    np.testing.assert_array_equal(ts.time, np.arange(20))
    assert ts.time_column == "t" and ts.regular and ts.gaps == () and ts.step == 1
    np.testing.assert_array_equal(ts.column("y"), frame["y"].to_numpy())


def test_result_is_a_read_only_copy() -> None:
    """The input is not modified and later changes to it do not reach the result."""
    arr = np.random.default_rng(1).normal(size=(15, 3))
    before = arr.copy()
    ts = as_time_series(arr, tau_max=1)
    assert ts.variables == ("X0", "X1", "X2") and ts.time is None and ts.regular
    arr[0, 0] = 99.0
    assert ts.values[0, 0] == before[0, 0]
    with pytest.raises(ValueError):
        ts.values[0, 0] = 1.0
    with pytest.raises(AttributeError):
        ts.variables = ("a",)  # type: ignore[misc]


def test_one_dimensional_array_is_one_column() -> None:
    """A 1-D array is the series X0."""
    ts = as_time_series(np.sin(np.arange(10.0)))
    assert ts.values.shape == (10, 1) and ts.variables == ("X0",)


def test_variables_select_and_order() -> None:
    """``variables`` keeps the named columns in the order given; unknown or repeated names raise."""
    frame = _frame()
    ts = as_time_series(frame, time_column="t", variables=["y", "x"])
    np.testing.assert_array_equal(ts.values, frame[["y", "x"]].to_numpy())
    with pytest.raises(DataError, match=r"unknown column\(s\) 'z'"):
        as_time_series(frame, time_column="t", variables=["x", "z"])
    with pytest.raises(InvalidParameterError, match="more than once: 'x'"):
        as_time_series(frame, variables=["x", "x"])


def test_dataset_time_role_is_the_time_column() -> None:
    """A Dataset's time role becomes the series' time stamps; its values are used as they are."""
    frame = _frame()
    ds = Dataset.from_frame(frame, time_column="t")
    ts = as_time_series(ds, tau_max=1)
    assert ts.time_column == "t" and ts.variables == ("x", "y")
    np.testing.assert_array_equal(ts.values, ds.values)
    np.testing.assert_array_equal(ts.time, ds.time)
    # a Dataset without a time role, with time_column naming one of its variables
    ts2 = as_time_series(Dataset.from_frame(frame), time_column="t")
    assert ts2.variables == ("x", "y") and ts2.time_column == "t" and ts2.regular


def test_dataset_with_domains_needs_one_sequence() -> None:
    """Two domains each with times 0..4 are two sequences: the error says to make one series per domain."""
    frame = pd.DataFrame({"t": [0, 1, 2, 3, 4] * 2, "g": ["a"] * 5 + ["b"] * 5, "x": np.arange(10.0) ** 2})
    ds = Dataset.from_frame(frame, time_column="t", domain_column="g")
    with pytest.raises(DataError, match=r"rows 4, 5 go back in time .* domain column 'g'.*one series per domain"):
        as_time_series(ds)


def test_unsorted_time_column_raises_naming_rows() -> None:
    """A decrease names the column and the first pair of rows; nothing is reordered."""
    frame = _frame(10)
    frame.loc[[4, 5], "t"] = [5, 4]
    with pytest.raises(DataError, match=r"time column 't' is not sorted: rows 4, 5 go back in time \(5 then 4"):
        as_time_series(frame, time_column="t")


def test_duplicated_stamps_raise_naming_rows() -> None:
    """A repeated stamp names the column, the rows and the value."""
    frame = _frame(10)
    frame.loc[7, "t"] = 6
    with pytest.raises(DataError, match=r"time column 't' has duplicated time stamps: rows 6, 7 both hold 6"):
        as_time_series(frame, time_column="t")


def test_gaps_and_irregular_spacing_are_reported_not_fixed() -> None:
    """Stamps 0..4, 7..9, 10.5: the step is 1, two gaps (2 missing, then 0.5 of a step); all rows kept."""
    t = np.array([0, 1, 2, 3, 4, 7, 8, 9, 10.5, 11.5, 12.5, 13.5])
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"time": t, "a": rng.normal(size=t.size)})
    ts = as_time_series(frame, time_column="time")
    assert ts.n_samples == t.size
    assert not ts.regular and ts.step == 1.0
    assert ts.gaps == (TimeGap(row=4, start=4.0, end=7.0, missing=2.0), TimeGap(row=7, start=9.0, end=10.5, missing=0.5))
    # a smaller difference than the step is irregular without being a gap
    ts2 = as_time_series(pd.DataFrame({"time": [0, 2, 4, 5, 7, 9], "a": rng.normal(size=6)}), time_column="time")
    assert not ts2.regular and ts2.gaps == () and ts2.step == 2


def test_dates_spacing_and_json() -> None:
    """Daily dates with two days left out: one gap of 2 missing days; to_dict is JSON-able."""
    days = pd.date_range("2021-03-01", periods=12, freq="D").delete([5, 6])
    frame = pd.DataFrame({"day": days, "v": np.random.default_rng(3).normal(size=10)})
    ts = as_time_series(frame, time_column="day")
    assert not ts.regular and len(ts.gaps) == 1
    gap = ts.gaps[0]
    assert gap.row == 4 and gap.missing == 2.0
    assert gap.start == np.datetime64("2021-03-05") and gap.end == np.datetime64("2021-03-08")
    d = json.loads(json.dumps(to_jsonable(ts.to_dict())))
    assert d["gaps"][0]["start"].startswith("2021-03-05") and d["step"] == "1 days 00:00:00"
    # ISO 8601 text is read as dates (the Dataset's time encoding)
    text = frame.assign(day=frame["day"].dt.strftime("%Y-%m-%d"))
    assert as_time_series(text, time_column="day").gaps[0].missing == 2.0


@pytest.mark.parametrize(
    ("column", "message"),
    [
        (["a", 1.0, 2.0, 3.0, 4.0, 5.0], r"column 'x' is not numeric \(dtype object\) at row 0 \('a'\)"),
        ([0.0, 1.0, np.nan, 3.0, np.nan, 5.0], r"column 'x' has missing \(NaN\) values at rows 2, 4"),
        ([0.0, 1.0, 2.0, np.inf, 4.0, 5.0], r"column 'x' has infinite values at row 3"),
        (pd.Categorical(list("abcabc")), r"column 'x' is not numeric \(dtype category\)"),
        (pd.date_range("2020", periods=6), r"column 'x' holds dates"),
        ([2.0] * 6, r"constant variable\(s\) 'x'"),
    ],
)
def test_bad_values_raise_naming_the_column(column: object, message: str) -> None:
    """Non-numeric, NaN, infinite, categorical, date and constant variables raise DataError."""
    frame = pd.DataFrame({"x": column, "y": np.arange(6.0)})
    with pytest.raises(DataError, match=message):
        as_time_series(frame)


def test_numbers_in_object_and_bool_columns_are_accepted() -> None:
    """An object column of Python numbers and a bool column are numeric."""
    frame = pd.DataFrame({"x": pd.Series([1, 2.5, 3, 4, 5], dtype=object), "b": [True, False, True, True, False]})
    ts = as_time_series(frame)
    np.testing.assert_array_equal(ts.values, [[1, 1], [2.5, 0], [3, 1], [4, 1], [5, 0]])


def test_too_few_rows_for_tau_max_states_the_minimum() -> None:
    """T must satisfy T - tau_max > p * tau_max + 2: p = 2, tau_max = 3 needs 12 rows."""
    assert min_time_series_length(2, 3) == 12
    assert as_time_series(_frame(12), time_column="t", tau_max=3).n_samples == 12
    with pytest.raises(DataError, match=r"has 11 rows; with 2 variable\(s\) and tau_max=3 it needs at least 12"):
        as_time_series(_frame(11), time_column="t", tau_max=3)


@pytest.mark.parametrize("tau_max", [-1, 1.5, True, "2"])
def test_bad_tau_max(tau_max: object) -> None:
    """tau_max must be a non-negative integer."""
    with pytest.raises(InvalidParameterError, match="tau_max must be an integer >= 0"):
        as_time_series(_frame(), tau_max=tau_max)  # type: ignore[arg-type]


def test_unknown_time_column_and_bad_input_type() -> None:
    """An unknown time column names the columns; other input types are refused."""
    with pytest.raises(DataError, match=r"time_column='when' is not a column; the columns are 't', 'x', 'y'"):
        as_time_series(_frame(), time_column="when")
    with pytest.raises(DataError, match="expected a pandas DataFrame"):
        as_time_series({"x": [1, 2, 3]})  # type: ignore[arg-type]
    with pytest.raises(DataError, match="time column 't' has missing values at row 3"):
        as_time_series(_frame().assign(t=lambda f: f["t"].where(f["t"] != 3)), time_column="t")


def test_pickle_and_equality() -> None:
    """A pickled series compares equal to the original; a different one does not."""
    ts = as_time_series(_frame(), time_column="t")
    again = pickle.loads(pickle.dumps(ts))
    assert again == ts
    assert as_time_series(_frame(seed=5), time_column="t") != ts
