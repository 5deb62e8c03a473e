"""Reading data files into a validated :class:`~causalscope.data.Dataset`.

:func:`read_data` is the one entry point the command line and the pipeline use:
it accepts a file path, a pandas DataFrame, a 2-D numpy array or an existing
Dataset and dispatches on the type, and for files on the extension:

==========================  ==========================================
extension                   format
==========================  ==========================================
``.csv``, ``.csv.gz``       comma-separated values (gzip-compressed)
``.tsv``, ``.tsv.gz``       tab-separated values (gzip-compressed)
``.parquet``, ``.pq``       Apache Parquet (needs ``pyarrow``)
==========================  ==========================================

Every failure to read (a missing file, an empty file, a malformed CSV, a Parquet
file that is not one) is reported as a :class:`~causalscope.exceptions.DataError`
that names the path, never as a bare parser traceback. Duplicate column names
are detected from the file's own header, before pandas renames them (``a``,
``a.1``).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError, MissingDependencyError
from .dataset import Dataset, _build, _check_options, _format_columns

__all__ = ["read_data", "read_csv", "read_parquet", "SUPPORTED_EXTENSIONS"]

#: File extensions :func:`read_data` understands, mapped to the format.
SUPPORTED_EXTENSIONS: dict[str, str] = {
    ".csv": "csv",
    ".csv.gz": "csv",
    ".tsv": "tsv",
    ".tsv.gz": "tsv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def _existing_file(path: str | os.PathLike[str]) -> Path:
    p = Path(os.fspath(path))
    if not p.exists():
        raise DataError(f"data file not found: {str(p)!r}")
    if not p.is_file():
        raise DataError(f"data path is not a file: {str(p)!r}")
    return p


def _extension(p: Path) -> str | None:
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


def read_csv(path: str | os.PathLike[str], *, sep: str | None = None, **options: Any) -> Dataset:
    """Read a delimited text file into a :class:`Dataset`.

    Parameters
    ----------
    path:
        The file. ``.gz`` files are decompressed.
    sep:
        Field separator; by default a tab for ``.tsv``/``.tsv.gz`` files and a comma
        otherwise.
    **options:
        ``kinds``, ``domain_column``, ``time_column``, ``missing``,
        ``max_categories``, as for :meth:`Dataset.from_frame`. Empty fields and the
        usual markers (``NA``, ``NaN``, ``null``, ...) are missing values.

    Returns
    -------
    Dataset
        With :attr:`Dataset.source` set to the path.

    Raises
    ------
    DataError
        If the file does not exist, is empty, cannot be parsed (the parser's
        reason is given), has duplicate column names, or fails validation.

    Examples
    --------
    >>> import pandas as pd, tempfile, os
    >>> folder = tempfile.mkdtemp()
    >>> path = os.path.join(folder, "d.csv")
    >>> pd.DataFrame({"a": [1.0, 2.5, 3.5], "b": ["x", "y", "x"]}).to_csv(path, index=False)
    >>> read_csv(path).kinds["b"].value
    'binary'
    """
    opts = _check_options(options)
    p = _existing_file(path)
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
    return _build(frame, source=str(p), **opts)


def read_parquet(path: str | os.PathLike[str], **options: Any) -> Dataset:
    """Read an Apache Parquet file into a :class:`Dataset` (needs ``pyarrow``).

    Parameters
    ----------
    path:
        The file.
    **options:
        As for :meth:`Dataset.from_frame`.

    Raises
    ------
    MissingDependencyError
        If ``pyarrow`` is not installed.
    DataError
        If the file does not exist, is not a Parquet file, has duplicate column
        names, or fails validation.
    """
    opts = _check_options(options)
    p = _existing_file(path)
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
    return _build(frame, source=str(p), **opts)


def read_data(
    source: str | os.PathLike[str] | pd.DataFrame | np.ndarray | Dataset,
    **options: Any,
) -> Dataset:
    """Build a :class:`Dataset` from a file path, DataFrame, array or Dataset.

    Parameters
    ----------
    source:
        A path (the format follows the extension, see
        :data:`SUPPORTED_EXTENSIONS`), a pandas DataFrame, a 2-D numpy array
        (columns ``X0``, ``X1``, ...) or a Dataset (returned as is when no options
        are given, otherwise rebuilt from its decoded table with the options).
    **options:
        ``kinds``, ``domain_column``, ``time_column``, ``missing``,
        ``max_categories`` as for :meth:`Dataset.from_frame`; for delimited files
        also ``sep``.

    Returns
    -------
    Dataset

    Raises
    ------
    DataError
        If the file is missing, its extension is not supported (the message names
        it and lists the supported ones), or reading/validation fails.

    Examples
    --------
    >>> import pandas as pd
    >>> ds = read_data(pd.DataFrame({"x": [0.1, 0.5, 0.9], "y": [1.0, 3.0, 2.0]}))
    >>> read_data(ds) is ds
    True
    """
    if isinstance(source, Dataset):
        if not options:
            return source
        opts = _check_options(options)
        rebuilt = _build(source.to_frame(), source=source.source, **opts)
        return rebuilt
    if isinstance(source, pd.DataFrame):
        return _build(source, source="DataFrame", **_check_options(options))
    if isinstance(source, np.ndarray):
        return Dataset.from_array(source, **options)
    if isinstance(source, (str, os.PathLike)):
        sep = options.pop("sep", None)
        p = _existing_file(source)
        ext = _extension(p)
        if ext is None:
            found = "".join(p.suffixes) or "no extension"
            raise DataError(
                f"cannot tell the format of {str(p)!r} from its extension ({found}); supported: "
                f"{_format_columns(SUPPORTED_EXTENSIONS)}"
            )
        if SUPPORTED_EXTENSIONS[ext] == "parquet":
            if sep is not None:
                raise DataError(f"sep= applies to delimited text files, not to Parquet file {str(p)!r}")
            return read_parquet(p, **options)
        return read_csv(p, sep=sep, **options)
    raise DataError(
        "cannot read data from an object of type "
        f"{type(source).__name__}; pass a file path, a pandas DataFrame, a numpy array or a Dataset"
    )
