"""Tests of causalscope.data: Dataset validation, kind inference, missing policies and readers.

No reference library is needed here: expected values are written out by hand
(codes, labels, counts) or checked by round trips through pandas' own writers.
"""

from __future__ import annotations

import gzip
import json
import logging
import pickle

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from causalscope.data import (
    MAX_INFERRED_LEVELS,
    ColumnKind,
    Dataset,
    read_csv,
    read_data,
    read_parquet,
)
from causalscope.exceptions import DataError, InvalidParameterError

K = ColumnKind


@pytest.fixture
def mixed() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    n = 40
    return pd.DataFrame(
        {
            "x": rng.normal(size=n),
            "level": rng.integers(1, 5, size=n) * 1,  # 4 integer levels
            "color": rng.choice(["red", "green", "blue"], size=n),
            "flag": rng.integers(0, 2, size=n).astype(bool),
            "site": np.repeat(["north", "south"], n // 2),
            "t": np.tile(np.arange(n // 2), 2),
        }
    )


# ----------------------------------------------------------------------------- kinds


def test_kind_inference_rules(mixed: pd.DataFrame) -> None:
    frame = mixed.assign(
        half=np.tile([0.5, 1.5], 20),  # two distinct floats -> binary
        count=np.arange(40) % 30,  # integer-valued but 30 levels -> continuous
        sex=np.tile(["f", "m"], 20),
    )
    ds = Dataset.from_frame(frame)
    assert ds.kinds == {
        "x": K.CONTINUOUS,
        "level": K.DISCRETE,
        "color": K.DISCRETE,
        "flag": K.BINARY,
        "site": K.BINARY,
        "t": K.CONTINUOUS,  # 20 integer levels > 10
        "half": K.BINARY,
        "count": K.CONTINUOUS,
        "sex": K.BINARY,
    }
    assert ds.categories["half"] == (0.5, 1.5)
    assert ds.categories["flag"] == (False, True)
    assert ds.categories["level"] == (1, 2, 3, 4)
    assert "x" not in ds.categories


def test_integer_levels_threshold_and_sample_size_rule() -> None:
    ten = pd.DataFrame({"a": np.arange(100) % MAX_INFERRED_LEVELS, "b": np.linspace(0, 1, 100)})
    eleven = pd.DataFrame({"a": np.arange(110) % (MAX_INFERRED_LEVELS + 1), "b": np.linspace(0, 1, 110)})
    assert Dataset.from_frame(ten).kinds["a"] is K.DISCRETE
    assert Dataset.from_frame(eleven).kinds["a"] is K.CONTINUOUS
    # 4 levels in 6 rows: fewer than two rows per level on average -> continuous.
    few = pd.DataFrame({"a": [1, 2, 3, 4, 1, 2], "b": np.arange(6.0) / 7})
    assert Dataset.from_frame(few).kinds["a"] is K.CONTINUOUS
    # max_categories also caps inference.
    assert Dataset.from_frame(ten, max_categories=5).kinds["a"] is K.CONTINUOUS


def test_ordered_categorical_is_ordinal_with_its_order() -> None:
    sizes = pd.Categorical(["small", "large", "medium", "small"], categories=["small", "medium", "large"], ordered=True)
    ds = Dataset.from_frame(pd.DataFrame({"size": sizes, "y": [0.1, 0.2, 0.4, 0.3]}))
    assert ds.kinds["size"] is K.ORDINAL
    assert ds.categories["size"] == ("small", "medium", "large")
    np.testing.assert_array_equal(ds.column("size"), [0, 2, 1, 0])
    # An unordered categorical is coded by sorted labels, unused categories dropped.
    colors = pd.Categorical(["z", "a", "m", "a"], categories=["z", "m", "a", "unused"])
    ds2 = Dataset.from_frame(pd.DataFrame({"c": colors, "y": [0.1, 0.2, 0.4, 0.3]}))
    assert ds2.kinds["c"] is K.DISCRETE
    assert ds2.categories["c"] == ("a", "m", "z")


def test_object_column_of_numbers_is_numeric() -> None:
    frame = pd.DataFrame({"a": pd.Series([1.5, 2.25, None, 4.0, 0.1], dtype=object), "b": [1.0, 2, 3, 4, 6]})
    ds = Dataset.from_frame(frame, missing="keep")
    assert ds.kinds["a"] is K.CONTINUOUS
    np.testing.assert_array_equal(ds.missing_mask[:, 0], [False, False, True, False, False])


def test_kinds_override_and_case_insensitive() -> None:
    frame = pd.DataFrame({"g": [3, 1, 2, 3, 1, 2], "y": [0.5, 0.1, 0.2, 0.3, 0.9, 0.8]})
    ds = Dataset.from_frame(frame, kinds={"g": "Ordinal", "y": K.CONTINUOUS})
    assert ds.kinds == {"g": K.ORDINAL, "y": K.CONTINUOUS}
    np.testing.assert_array_equal(ds.column("g"), [2, 0, 1, 2, 0, 1])
    ds2 = Dataset.from_frame(frame.assign(g=[0.5, 1.5, 2.5] * 2), kinds={"g": "discrete"})
    assert ds2.kinds["g"] is K.DISCRETE and ds2.categories["g"] == (0.5, 1.5, 2.5)
    ds3 = Dataset.from_frame(pd.DataFrame({"g": [0, 1, 2, 1, 0, 2] * 3, "y": np.arange(18.0)}), kinds={"g": "continuous"})
    assert ds3.kinds["g"] is K.CONTINUOUS and "g" not in ds3.categories


def test_invalid_kind_string_lists_valid_kinds() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.5]})
    with pytest.raises(InvalidParameterError, match=r"'categorical'.*'continuous', 'discrete', 'binary', 'ordinal'"):
        Dataset.from_frame(frame, kinds={"a": "categorical"})


def test_kinds_unknown_column_names_it() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.5], "b": [1.0, 0.0, 2.0]})
    with pytest.raises(DataError, match=r"unknown column 'zz'.*'a', 'b'"):
        Dataset.from_frame(frame, kinds={"zz": "binary"})


def test_kinds_on_role_column_is_rejected() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.5, 4.0], "env": [0, 0, 1, 1]})
    with pytest.raises(DataError, match=r"'env', which is the domain column"):
        Dataset.from_frame(frame, domain_column="env", kinds={"env": "binary"})


def test_continuous_on_non_numeric_column_raises() -> None:
    frame = pd.DataFrame({"c": ["a", "b", "c"], "y": [1.0, 2.0, 3.5]})
    with pytest.raises(DataError, match=r"column 'c' is non-numeric.*cannot be CONTINUOUS"):
        Dataset.from_frame(frame, kinds={"c": "continuous"})


def test_binary_on_three_levels_raises() -> None:
    frame = pd.DataFrame({"c": ["a", "b", "c"], "y": [1.0, 2.0, 3.5]})
    with pytest.raises(DataError, match=r"column 'c' has 3 distinct values; a BINARY column needs exactly 2"):
        Dataset.from_frame(frame, kinds={"c": "binary"})
    with pytest.raises(DataError, match=r"column 'y' has 3 distinct values"):
        Dataset.from_frame(frame, kinds={"y": "binary"})


def test_invalid_options() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.5]})
    with pytest.raises(InvalidParameterError, match=r"missing must be one of 'error', 'drop_rows', 'keep'; got 'drop'"):
        Dataset.from_frame(frame, missing="drop")  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"max_categories must be an integer >= 2; got 1"):
        Dataset.from_frame(frame, max_categories=1)
    with pytest.raises(InvalidParameterError, match=r"kinds must be a mapping"):
        Dataset.from_frame(frame, kinds=["a"])  # type: ignore[arg-type]
    with pytest.raises(InvalidParameterError, match=r"unknown option\(s\) 'domain'"):
        read_data(frame, domain="a")


# ----------------------------------------------------------------------------- errors


def test_empty_tables() -> None:
    with pytest.raises(DataError, match=r"no rows \(columns: 'a', 'b'\)"):
        Dataset.from_frame(pd.DataFrame({"a": [], "b": []}))
    with pytest.raises(DataError, match="no columns"):
        Dataset.from_frame(pd.DataFrame(index=range(3)))
    with pytest.raises(DataError, match=r"no analysis columns besides the role column\(s\) 'env'"):
        Dataset.from_frame(pd.DataFrame({"env": [1, 2, 1]}), domain_column="env")


def test_empty_and_header_only_csv(tmp_path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    with pytest.raises(DataError, match=r"data file is empty: .*empty\.csv"):
        read_data(empty)
    header = tmp_path / "header.csv"
    header.write_text("a,b\n")
    with pytest.raises(DataError, match=r"header\.csv' has no rows \(columns: 'a', 'b'\)"):
        read_data(header)


def test_too_many_labels_names_count_and_limit() -> None:
    frame = pd.DataFrame({"id": [f"u{i}" for i in range(30)], "y": np.arange(30.0)})
    with pytest.raises(DataError) as info:
        Dataset.from_frame(frame)
    msg = str(info.value)
    assert "'id'" in msg and "30 distinct values" in msg and "max_categories=20" in msg
    assert "drop it" in msg and "raise max_categories" in msg
    assert Dataset.from_frame(frame, max_categories=30).kinds["id"] is K.DISCRETE


def test_forced_discrete_with_too_many_levels_raises() -> None:
    frame = pd.DataFrame({"y": np.arange(30.0) / 7, "z": np.arange(30.0)})
    with pytest.raises(DataError, match=r"column 'y' is discrete \(numeric\) with 30 distinct values.*max_categories=20"):
        Dataset.from_frame(frame, kinds={"y": "discrete"})


def test_constant_columns_name_the_value() -> None:
    with pytest.raises(DataError, match=r"column 'c' is constant: every value is 7"):
        Dataset.from_frame(pd.DataFrame({"c": [7, 7, 7], "y": [1.0, 2.0, 3.0]}))
    with pytest.raises(DataError, match=r"column 's' is constant: every value is 'on'"):
        Dataset.from_frame(pd.DataFrame({"s": ["on", "on", "on"], "y": [1.0, 2.0, 3.0]}))
    with pytest.raises(DataError, match=r"column 'f' is constant: every value is 2.5"):
        Dataset.from_frame(pd.DataFrame({"f": [2.5, 2.5, 2.5], "y": [1.0, 2.0, 3.0]}))


def test_constant_after_dropping_rows_is_detected() -> None:
    frame = pd.DataFrame({"c": [1.0, 1.0, 2.0, 1.0], "y": [1.0, 2.0, np.nan, 3.0]})
    with pytest.raises(DataError, match=r"column 'c' is constant: every value is 1"):
        Dataset.from_frame(frame, missing="drop_rows")


def test_duplicate_names_in_frame() -> None:
    frame = pd.DataFrame([[1.0, 2.0, 3.0], [2.0, 3.0, 1.0]], columns=["a", "b", "a"])
    with pytest.raises(DataError, match=r"duplicate column names: 'a'"):
        Dataset.from_frame(frame)
    # Non-string names are converted with str, which can also collide.
    frame2 = pd.DataFrame([[1.0, 2.0], [2.0, 3.0]], columns=[1, "1"])
    with pytest.raises(DataError, match=r"duplicate column names: '1'"):
        Dataset.from_frame(frame2)


def test_duplicate_names_in_csv_header(tmp_path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("a,b,a,c,c\n1,2,3,4,5\n2,3,4,5,7\n")
    with pytest.raises(DataError) as info:
        read_data(path)
    msg = str(info.value)
    assert "'a' at positions 0, 2" in msg and "'c' at positions 3, 4" in msg and "dup.csv" in msg


def test_duplicate_names_in_parquet(tmp_path) -> None:
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    table = pa.Table.from_arrays([pa.array([1.0, 2.0]), pa.array([3.0, 4.0])], names=["a", "a"])
    path = tmp_path / "dup.parquet"
    pq.write_table(table, path)
    with pytest.raises(DataError, match=r"duplicate column names in .*dup\.parquet.*'a' at positions 0, 1"):
        read_data(path)


def test_unknown_named_columns_list_available(mixed: pd.DataFrame) -> None:
    with pytest.raises(DataError, match=r"domain_column='env' is not a column; the columns are 'x', 'level'"):
        Dataset.from_frame(mixed, domain_column="env")
    with pytest.raises(DataError, match=r"time_column='time' is not a column; the columns are 'x'"):
        Dataset.from_frame(mixed, time_column="time")
    ds = Dataset.from_frame(mixed, domain_column="site", time_column="t")
    with pytest.raises(DataError, match=r"unknown variable 'nope'; the variables are 'x', 'level', 'color', 'flag'"):
        ds.subset(["x", "nope"])
    with pytest.raises(DataError, match=r"unknown variable 'site' \(it is the domain column: use .domain\)"):
        ds.column("site")
    with pytest.raises(DataError, match=r"unknown variable 't' \(it is the time column"):
        ds.index_of("t")


def test_same_domain_and_time_column_rejected(mixed: pd.DataFrame) -> None:
    with pytest.raises(InvalidParameterError, match="must differ; both are 't'"):
        Dataset.from_frame(mixed, domain_column="t", time_column="t")


def test_infinite_values_name_column_and_rows() -> None:
    y = np.arange(12.0)
    y[[2, 5, 6, 7, 8, 9, 11]] = np.inf
    y[5] = -np.inf
    frame = pd.DataFrame({"a": np.arange(12.0) ** 2, "y": y})
    with pytest.raises(DataError, match=r"column 'y' has 7 infinite value\(s\) at rows 2, 5, 6, 7, 8, \.\.\. \(7 in all\)"):
        Dataset.from_frame(frame)


def test_infinite_rows_are_positions_in_the_source_after_dropping() -> None:
    frame = pd.DataFrame({"a": [np.nan, 1.0, 2.0, 3.0], "y": [0.0, 1.0, 2.0, np.inf]})
    with pytest.raises(DataError, match=r"column 'y' has 1 infinite value\(s\) at row 3;"):
        Dataset.from_frame(frame, missing="drop_rows")


def test_missing_file_is_a_data_error(tmp_path) -> None:
    path = tmp_path / "nowhere.csv"
    with pytest.raises(DataError, match=r"data file not found: .*nowhere\.csv") as info:
        read_data(path)
    assert not isinstance(info.value, FileNotFoundError)
    with pytest.raises(DataError, match="not found"):
        Dataset.from_csv(str(path))
    with pytest.raises(DataError, match="not found"):
        Dataset.from_parquet(tmp_path / "nowhere.parquet")
    with pytest.raises(DataError, match="not a file"):
        read_data(tmp_path)


def test_unparsable_csv_gives_the_reason(tmp_path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(DataError, match=r"cannot parse .*bad\.csv.*Expected 2 fields in line 3, saw 3"):
        read_data(path)
    binary = tmp_path / "latin.csv"
    binary.write_bytes(b"a,b\n\xff\xfe,1\n2,3\n")
    with pytest.raises(DataError, match=r"cannot read '.*latin\.csv' as UTF-8 text"):
        read_data(binary)


def test_not_a_parquet_file(tmp_path) -> None:
    pytest.importorskip("pyarrow")
    path = tmp_path / "fake.parquet"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(DataError, match=r"cannot read '.*fake\.parquet' as Parquet: .*magic bytes"):
        read_data(path)


def test_unknown_extension_names_it(tmp_path) -> None:
    path = tmp_path / "data.xlsx"
    path.write_text("whatever")
    with pytest.raises(DataError, match=r"\(\.xlsx\); supported: '\.csv', '\.csv\.gz', '\.tsv'"):
        read_data(path)
    bare = tmp_path / "data"
    bare.write_text("a\n1\n")
    with pytest.raises(DataError, match=r"no extension"):
        read_data(bare)


def test_entirely_missing_column_raises_under_every_policy() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "gone": [np.nan] * 3, "b": [None, None, None]})
    for policy in ("error", "drop_rows", "keep"):
        with pytest.raises(DataError, match=r"entirely missing: 'gone', 'b'"):
            Dataset.from_frame(frame, missing=policy)


def test_fewer_than_two_rows() -> None:
    frame = pd.DataFrame({"a": [1.0, np.nan, 3.0], "b": [np.nan, 2.0, 5.0]})
    with pytest.raises(DataError, match=r"only 1 row\(s\) left .*missing='drop_rows', 2 of 3 dropped"):
        Dataset.from_frame(frame, missing="drop_rows")
    with pytest.raises(DataError, match=r"only 1 row\(s\) left"):
        Dataset.from_frame(pd.DataFrame({"a": [1.0], "b": [2.0]}))


def test_datetime_analysis_column_is_rejected() -> None:
    frame = pd.DataFrame({"when": pd.date_range("2024-01-01", periods=3), "y": [1.0, 2.0, 3.0]})
    with pytest.raises(DataError, match=r"column 'when' holds dates .*time_column='when'"):
        Dataset.from_frame(frame)


def test_bad_source_type() -> None:
    with pytest.raises(DataError, match="cannot read data from an object of type list"):
        read_data([[1, 2], [3, 4]])  # type: ignore[arg-type]
    with pytest.raises(DataError, match=r"must be 2-dimensional.*\(3,\)"):
        read_data(np.arange(3.0))


# ----------------------------------------------------------------------------- missing


def _with_gaps() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "a": [1.0, np.nan, 3.0, 4.0, np.nan, 6.0],
            "b": [0.5, 0.25, np.nan, 1.0, 2.0, 3.0],
            "c": ["u", "v", "w", None, "u", "v"],
            "d": [1.0, 2.0, 3.0, 4.0, 5.0, 7.5],
        }
    )


def test_missing_error_lists_columns_counts_and_options() -> None:
    with pytest.raises(DataError) as info:
        Dataset.from_frame(_with_gaps())
    msg = str(info.value)
    assert "'a' (2 of 6 rows)" in msg and "'b' (1 of 6 rows)" in msg and "'c' (1 of 6 rows)" in msg
    assert "'d'" not in msg
    assert "missing='drop_rows'" in msg and "missing='keep'" in msg and "drop the 4 incomplete" in msg


def test_missing_drop_rows_records_and_logs(caplog) -> None:
    with caplog.at_level(logging.INFO, logger="causalscope"):
        ds = Dataset.from_frame(_with_gaps(), missing="drop_rows")
    assert ds.n_samples == 2 and ds.n_dropped_rows == 4
    np.testing.assert_array_equal(ds.row_positions, [0, 5])
    assert not ds.has_missing and ds.missing_policy == "drop_rows"
    # Two values are left in 'd', so it is inferred BINARY on the rows that remain.
    np.testing.assert_array_equal(ds.column("d"), [0, 1])
    assert ds.categories["d"] == (1.0, 7.5) and ds.kinds["d"] is K.BINARY
    assert any("dropped 4 of 6 rows" in r.getMessage() for r in caplog.records)
    assert ds.to_dict()["missing"]["n_dropped_rows"] == 4


def test_missing_keep_exposes_mask_and_nan() -> None:
    ds = Dataset.from_frame(_with_gaps(), missing="keep")
    assert ds.n_samples == 6 and ds.n_dropped_rows == 0
    expected = _with_gaps().isna().to_numpy()
    np.testing.assert_array_equal(ds.missing_mask, expected)
    np.testing.assert_array_equal(np.isnan(ds.values), expected)
    np.testing.assert_array_equal(ds.column("c"), [0, 1, 2, np.nan, 0, 1])
    assert ds.missing_counts() == {"a": 2, "b": 1, "c": 1, "d": 0}
    assert ds.to_dict()["missing"]["counts"] == {"a": 2, "b": 1, "c": 1}
    assert ds.to_frame()["c"].isna().tolist() == [False, False, False, True, False, False]


def test_missing_in_role_column() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "env": ["x", None, "y", "y", "x"]})
    with pytest.raises(DataError, match=r"role column 'env' has missing values at row 1"):
        Dataset.from_frame(frame, domain_column="env", missing="keep")
    with pytest.raises(DataError, match=r"'env' \(1 of 5 rows\)"):
        Dataset.from_frame(frame, domain_column="env")
    ds = Dataset.from_frame(frame, domain_column="env", missing="drop_rows")
    np.testing.assert_array_equal(ds.domain, [0, 1, 1, 0])
    assert ds.n_dropped_rows == 1


# ----------------------------------------------------------------------------- roles


def test_roles_are_not_variables(mixed: pd.DataFrame) -> None:
    ds = Dataset.from_frame(mixed, domain_column="site", time_column="t")
    assert ds.variables == ("x", "level", "color", "flag")
    assert ds.values.shape == (40, 4) == ds.shape
    assert ds.domain_column == "site" and ds.domain_labels == ("north", "south") and ds.n_domains == 2
    np.testing.assert_array_equal(ds.domain, np.repeat([0, 1], 20))
    assert ds.time_column == "t" and ds.time.dtype == np.int64
    np.testing.assert_array_equal(ds.time, mixed["t"].to_numpy())
    d = ds.to_dict()
    assert d["domain"] == {"column": "site", "n_domains": 2, "labels": ["north", "south"]}
    assert d["time"] == {"column": "t"}
    assert "site" not in d["kinds"] and "t" not in d["kinds"]


def test_single_domain_is_allowed_and_logged(caplog) -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "env": ["only", "only", "only"]})
    with caplog.at_level(logging.WARNING, logger="causalscope"):
        ds = Dataset.from_frame(frame, domain_column="env")
    assert ds.n_domains == 1
    assert any("single domain" in r.getMessage() and "'env'" in r.getMessage() for r in caplog.records)


def test_time_must_increase_within_domain() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "t": [1, 2, 2, 3]})
    with pytest.raises(DataError, match=r"time column 't' must be strictly increasing; rows 1, 2 break"):
        Dataset.from_frame(frame, time_column="t")
    with_domain = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "t": [1, 2, 1, 2], "g": ["p", "p", "q", "q"]})
    assert Dataset.from_frame(with_domain, time_column="t", domain_column="g").time.tolist() == [1, 2, 1, 2]
    with pytest.raises(DataError, match=r"strictly increasing within a domain"):
        Dataset.from_frame(with_domain.assign(g=["p", "q", "p", "q"]).iloc[[0, 2, 1, 3]], time_column="t", domain_column="g")


def test_time_from_iso_strings_and_bad_strings() -> None:
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "day": ["2024-01-01", "2024-01-02", "2024-01-05"]})
    ds = Dataset.from_frame(frame, time_column="day")
    assert np.issubdtype(ds.time.dtype, np.datetime64)
    with pytest.raises(DataError, match=r"time column 'day' must hold numbers or ISO 8601 dates"):
        Dataset.from_frame(frame.assign(day=["mon", "tue", "wed"]), time_column="day")


# ----------------------------------------------------------------------------- values and coding


def test_categories_coding_is_sorted_and_deterministic() -> None:
    labels = ["pear", "apple", "fig", "apple", "pear", "fig"]
    ds = Dataset.from_frame(pd.DataFrame({"fruit": labels, "y": np.arange(6.0)}))
    assert ds.categories["fruit"] == ("apple", "fig", "pear")
    np.testing.assert_array_equal(ds.column("fruit"), [2, 0, 1, 0, 2, 1])
    shuffled = Dataset.from_frame(pd.DataFrame({"fruit": labels[::-1], "y": np.arange(6.0)}))
    assert shuffled.categories == ds.categories
    assert ds.to_frame()["fruit"].tolist() == labels


def test_numeric_labels_keep_their_values() -> None:
    # A float column of integers with a gap is read as float by pandas: labels come back as ints.
    frame = pd.DataFrame({"g": [2.0, 5.0, np.nan, 9.0, 2.0, 5.0, 9.0, 2.0], "y": np.arange(8.0)})
    ds = Dataset.from_frame(frame, missing="keep")
    assert ds.kinds["g"] is K.DISCRETE and ds.categories["g"] == (2, 5, 9)
    assert all(type(v) is int for v in ds.categories["g"])
    np.testing.assert_array_equal(ds.column("g"), [0, 1, np.nan, 2, 0, 1, 2, 0])


def test_values_layout_and_accessors(mixed: pd.DataFrame) -> None:
    ds = Dataset.from_frame(mixed, domain_column="site", time_column="t")
    assert ds.values.dtype == np.float64 and ds.values.flags.c_contiguous
    assert ds.n_samples == len(ds) == 40 and ds.n_variables == 4
    assert ds.index_of("color") == 2 and "color" in ds and "site" not in ds
    np.testing.assert_array_equal(ds.column("x"), mixed["x"].to_numpy())
    np.testing.assert_array_equal(ds.discrete_mask, [False, True, True, True])
    np.testing.assert_array_equal(ds.cardinalities, [0, 4, 3, 2])
    assert ds.is_discrete("flag") and not ds.is_discrete("x")
    assert ds.source == "DataFrame"
    assert "n_samples=40" in repr(ds) and "domain_column='site'" in repr(ds)


def test_subset_keeps_roles_and_order(mixed: pd.DataFrame) -> None:
    ds = Dataset.from_frame(mixed, domain_column="site", time_column="t")
    sub = ds.subset(["color", "x"])
    assert sub.variables == ("color", "x")
    np.testing.assert_array_equal(sub.values, ds.values[:, [2, 0]])
    assert sub.kinds == {"color": K.DISCRETE, "x": K.CONTINUOUS}
    assert sub.categories == {"color": ds.categories["color"]}
    assert sub.domain_column == "site" and sub.time_column == "t"
    np.testing.assert_array_equal(sub.domain, ds.domain)
    assert not sub.values.flags.writeable
    with pytest.raises(DataError, match=r"more than once: 'x'"):
        ds.subset(["x", "x"])
    with pytest.raises(DataError, match="at least one column"):
        ds.subset([])


def test_immutability(mixed: pd.DataFrame) -> None:
    ds = Dataset.from_frame(mixed, domain_column="site", time_column="t")
    for arr in (ds.values, ds.missing_mask, ds.column("x"), ds.domain, ds.time, ds.row_positions):
        assert not arr.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 1
    with pytest.raises(AttributeError, match="immutable"):
        ds.values = np.zeros((2, 2))  # type: ignore[misc]
    with pytest.raises(AttributeError, match="immutable"):
        ds.new_attribute = 1  # type: ignore[attr-defined]
    ds.kinds["x"] = K.DISCRETE
    ds.categories["color"] = ()
    assert ds.kinds["x"] is K.CONTINUOUS and len(ds.categories["color"]) == 3
    assert hash(K.BINARY) is not None
    with pytest.raises(TypeError):
        hash(ds)


def test_input_frame_is_not_modified(mixed: pd.DataFrame) -> None:
    before = mixed.copy()
    Dataset.from_frame(_with_gaps(), missing="drop_rows")
    Dataset.from_frame(mixed, domain_column="site")
    pd.testing.assert_frame_equal(mixed, before)


def test_pickle_and_equality(mixed: pd.DataFrame) -> None:
    ds = Dataset.from_frame(mixed, domain_column="site", time_column="t")
    again = pickle.loads(pickle.dumps(ds))
    assert again == ds and again.kinds == ds.kinds and not again.values.flags.writeable
    assert ds != ds.subset(["x"])
    keep = Dataset.from_frame(_with_gaps(), missing="keep")
    assert pickle.loads(pickle.dumps(keep)) == keep  # NaN-aware equality


def test_to_frame_round_trip(mixed: pd.DataFrame) -> None:
    ds = Dataset.from_frame(mixed, domain_column="site", time_column="t")
    frame = ds.to_frame()
    assert list(frame.columns) == ["x", "level", "color", "flag", "site", "t"]
    assert frame["color"].tolist() == mixed["color"].tolist()
    assert frame["flag"].tolist() == mixed["flag"].tolist()
    assert frame["site"].tolist() == mixed["site"].tolist()
    assert Dataset.from_frame(frame, domain_column="site", time_column="t") == ds
    codes = ds.to_frame(decode=False, include_roles=False)
    np.testing.assert_array_equal(codes.to_numpy(), ds.values)


def test_to_dict_is_json_ready(mixed: pd.DataFrame) -> None:
    ds = Dataset.from_frame(mixed, domain_column="site")
    d = json.loads(json.dumps(ds.to_dict()))
    assert d["n_samples"] == 40 and d["n_variables"] == 5
    assert d["kinds"]["level"] == "discrete" and d["kinds"]["t"] == "continuous"
    assert d["categories"]["flag"] == [False, True]
    assert d["missing"] == {"policy": "error", "n_dropped_rows": 0, "counts": {}, "total": 0}


# ----------------------------------------------------------------------------- readers


@pytest.mark.parametrize("name", ["d.csv", "d.tsv", "d.csv.gz", "d.tsv.gz"])
def test_delimited_round_trip(tmp_path, mixed: pd.DataFrame, name: str) -> None:
    path = tmp_path / name
    mixed.to_csv(path, sep="\t" if ".tsv" in name else ",", index=False)
    if name.endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            assert fh.read(1)  # really compressed
    ds = read_data(path, domain_column="site", time_column="t")
    expected = Dataset.from_frame(mixed, domain_column="site", time_column="t")
    assert ds == expected
    np.testing.assert_allclose(ds.column("x"), mixed["x"].to_numpy(), rtol=1e-15)
    assert ds.source == str(path)


@pytest.mark.parametrize("name", ["d.parquet", "d.pq"])
def test_parquet_round_trip(tmp_path, mixed: pd.DataFrame, name: str) -> None:
    pytest.importorskip("pyarrow")
    frame = _with_gaps()
    path = tmp_path / name
    frame.to_parquet(path)
    ds = read_data(path, missing="keep")
    assert ds == Dataset.from_frame(frame, missing="keep")
    assert ds.source == str(path)
    assert Dataset.from_parquet(path, missing="keep") == ds
    assert read_parquet(path, missing="keep") == ds


def test_csv_with_missing_markers(tmp_path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("a,b,c\n1.5,x,\n2.5,NA,3\n,y,4\n4.5,x,5\n")
    with pytest.raises(DataError, match=r"'a' \(1 of 4 rows\), 'b' \(1 of 4 rows\), 'c' \(1 of 4 rows\)"):
        read_csv(path)
    ds = Dataset.from_csv(path, missing="keep")
    assert ds.missing_counts() == {"a": 1, "b": 1, "c": 1}
    assert ds.kinds["b"] is K.BINARY


def test_read_data_dispatch(tmp_path, mixed: pd.DataFrame) -> None:
    ds = read_data(mixed)
    assert read_data(ds) is ds
    rebuilt = read_data(ds, domain_column="site")
    assert rebuilt.variables == ("x", "level", "color", "flag", "t") and rebuilt.domain_column == "site"
    arr = read_data(np.column_stack([np.arange(6.0), np.arange(6.0) ** 2]))
    assert arr.variables == ("X0", "X1") and arr.source == "array"
    named = Dataset.from_array(np.eye(3) + 0.5, columns=["p", "q", "r"])
    assert named.variables == ("p", "q", "r")
    with pytest.raises(DataError, match="got 2 column names for an array with 3 columns"):
        Dataset.from_array(np.eye(3), columns=["p", "q"])
    semi = tmp_path / "semi.csv"
    semi.write_text("a;b\n1;2.5\n2;3.5\n4;0.5\n")
    assert read_data(semi, sep=";").variables == ("a", "b")


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    labels=st.lists(st.sampled_from(["a", "b", "c", "d", "e"]), min_size=6, max_size=30),
    missing_at=st.sets(st.integers(0, 29), max_size=3),
)
def test_codes_decode_to_labels(labels: list[str], missing_at: set[int]) -> None:
    observed = [lab for i, lab in enumerate(labels) if i not in missing_at]
    if len(set(observed)) < 2 or len(observed) == len(missing_at):
        return
    column = [None if i in missing_at else lab for i, lab in enumerate(labels)]
    frame = pd.DataFrame({"c": column, "y": np.arange(len(labels), dtype=float)})
    ds = Dataset.from_frame(frame, missing="keep")
    cats = ds.categories["c"]
    assert list(cats) == sorted(set(observed))
    codes = ds.column("c")
    ok = ~np.isnan(codes)
    assert set(codes[ok].astype(int)) == set(range(len(cats)))
    assert [cats[int(k)] for k in codes[ok]] == observed
    assert ds.kinds["c"] is (K.BINARY if len(cats) == 2 else K.DISCRETE)
