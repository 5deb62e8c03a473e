"""Reading data files into pandas tables: the format from the extension, errors that name the path.

This is the file side of :mod:`causalscope.data.readers`: :func:`read_csv_frame`
and :func:`read_parquet_frame` give the raw table and the path it came from;
:class:`~causalscope.data.Dataset` validates it. Every failure to read (a missing
file, an empty file, a malformed CSV, a Parquet file that is not one) is a
:class:`~causalscope.exceptions.DataError` that names the path, never a bare
parser traceback. Duplicate column names are detected from the file's own
header, before pandas renames them (``a``, ``a.1``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, MissingDependencyError

__all__ = ["SUPPORTED_EXTENSIONS", "existing_file", "file_extension", "read_csv_frame", "read_parquet_frame"]

#: File extensions :func:`read_data` understands, mapped to the format.
SUPPORTED_EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".tsv": "tsv",
    ".tsv.gz": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def existing_file(path: str | os.PathLike[str]) -> Path:
    """``path`` as a :class:`~pathlib.Path`; :class:`DataError` if it is missing or not a file."""
    p = Path(os.fspath(path))
    if not p.exists():
        raise DataError(f"data file not found: {str(p)!r}")
    if not p.is_file():
        raise DataError(f"data path is not a file: {str(p)!r}")
    return p


def file_extension(p: Path) -> str | None:
    """The supported extension ``p`` ends with (longest first, case-insensitive), or ``None``."""
    name = p.name.lower()
    for ext in sorted(SUPPORTED_EXTENSIONS, key=len, reverse=True):
        if name.endswith(ext):
            return ext
    return None


def _check_duplicate_header(names: Sequence[Any], path: Path) -> None:
    seen: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        key = "" if n is None or (isinstance(n, float) and np.isnan(n)) else str(n)
        seen.setdefault(key, []).append(i)
    dups = {n: pos for n, pos in seen.items() if len(pos) > 1}
    if dups:
        detail = "; ".join(
            f"{n!r} at positions {', '.join(str(i) for i in pos)}" for n, pos in dups.items()
        )
        raise DataError(
            f"duplicate column names in {str(path)!r}: {detail} (positions count from 0); "
            "every column needs a unique name"
        )


def _utf8_error(p: Path, exc: UnicodeDecodeError) -> str:
    """Where the first invalid UTF-8 byte of the file is: its value, byte offset (from 0) and line.

    The parser decodes in chunks, so the offset in its error counts from the start of a
    chunk, not of the file; the file is scanned again (in blocks, decompressed for
    ``.gz``) to find the true position.
    """
    import codecs
    import gzip

    gz = p.name.lower().endswith(".gz")
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = lines = 0  # bytes fed so far; newlines before them
    try:
        with gzip.open(p, "rb") if gz else open(p, "rb") as fh:
            while True:
                block = fh.read(1 << 20)
                pending = decoder.getstate()[0]  # the start of a multi-byte character left from the last block
                try:
                    decoder.decode(block, final=not block)
                except UnicodeDecodeError as bad:
                    data = pending + block
                    at = offset - len(pending) + bad.start
                    line = lines - pending.count(b"\n") + data.count(b"\n", 0, bad.start) + 1
                    value = " ".join(f"0x{b:02x}" for b in data[bad.start:bad.end])
                    of = " of the decompressed text" if gz else ""
                    return f"{bad.reason} {value} at byte offset {at}{of} (line {line})"
                if not block:
                    break
                offset += len(block)
                lines += block.count(b"\n")
    except OSError:
        pass
    return f"{exc.reason}"


def read_csv_frame(path: str | os.PathLike[str], sep: str | None = None) -> tuple[pd.DataFrame, Path]:
    """Read a delimited text file (``.gz`` decompressed) into a DataFrame; also give its path.

    ``sep`` defaults to a tab for ``.tsv``/``.tsv.gz`` files and a comma otherwise.

    Raises
    ------
    DataError
        If the file does not exist, is empty, cannot be parsed (the parser's reason
        is given) or has duplicate column names.
    """
    p = existing_file(path)
    if sep is None:
        sep = "\t" if p.name.lower().endswith((".tsv", ".tsv.gz")) else ","
    try:
        header = pd.read_csv(p, sep=sep, header=None, nrows=1, dtype=str, keep_default_na=False)
        _check_duplicate_header(list(header.iloc[0]) if len(header) else [], p)
        frame = pd.read_csv(p, sep=sep, low_memory=False)
    except pd.errors.EmptyDataError:
        raise DataError(f"data file is empty: {str(p)!r}") from None
    except pd.errors.ParserError as exc:
        reason = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise DataError(f"cannot parse {str(p)!r} as delimited text (sep={sep!r}): {reason}") from None
    except UnicodeDecodeError as exc:
        raise DataError(f"cannot read {str(p)!r} as UTF-8 text: {_utf8_error(p, exc)}") from None
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read {str(p)!r}: {exc}") from None
    return frame, p


def read_parquet_frame(path: str | os.PathLike[str]) -> tuple[pd.DataFrame, Path]:
    """Read an Apache Parquet file into a DataFrame (needs ``pyarrow``); also give its path.

    Raises
    ------
    MissingDependencyError
        If ``pyarrow`` is not installed.
    DataError
        If the file does not exist, is not a Parquet file or has duplicate column names.
    """
    p = existing_file(path)
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:  # pragma: no cover - pyarrow is installed in the test environment
        raise MissingDependencyError("pyarrow", "parquet", "Reading Parquet files") from None
    try:
        schema = pq.read_schema(p)
        names = [n for n in schema.names if not (n.startswith("__index_level_") and n.endswith("__"))]
        _check_duplicate_header(names, p)
        frame = pd.read_parquet(p)
    except (OSError, ValueError, pa.ArrowException) as exc:
        if isinstance(exc, DataError):
            raise
        raise DataError(f"cannot read {str(p)!r} as Parquet: {exc}") from None
    return frame, p
