"""File helpers shared by the commands."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..exceptions import DataError

__all__ = ["write_table"]


def write_table(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` as CSV or Parquet, chosen by the file extension."""
    suffix = "".join(path.suffixes[-2:]).lower() if path.suffix == ".gz" else path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix in (".csv", ".csv.gz"):
        frame.to_csv(path, index=False)
    elif suffix in (".parquet", ".pq"):
        frame.to_parquet(path, index=False)
    else:
        raise DataError(f"cannot write data to {path}: the extension must be .csv, .csv.gz or .parquet; got {suffix!r}")
