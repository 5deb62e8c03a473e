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
from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError
from ._encode import format_columns
from .dataset import Dataset, check_options
from .files import SUPPORTED_EXTENSIONS, existing_file, file_extension

__all__ = ["read_data", "read_csv", "read_parquet", "SUPPORTED_EXTENSIONS"]

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
    return Dataset.from_csv(path, sep=sep, **options)


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
    return Dataset.from_parquet(path, **options)


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
        return Dataset.from_frame(source.to_frame(), source=source.source, **check_options(options))
    if isinstance(source, pd.DataFrame):
        return Dataset.from_frame(source, **check_options(options))
    if isinstance(source, np.ndarray):
        return Dataset.from_array(source, **options)
    if isinstance(source, (str, os.PathLike)):
        sep = options.pop("sep", None)
        p = existing_file(source)
        ext = file_extension(p)
        if ext is None:
            found = "".join(p.suffixes) or "no extension"
            raise DataError(
                f"cannot tell the format of {str(p)!r} from its extension ({found}); supported: "
                f"{format_columns(SUPPORTED_EXTENSIONS)}"
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
