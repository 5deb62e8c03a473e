"""The files packaged under ``causalscope/datasets/data/`` and the :class:`Example` value.

Every loader of :mod:`causalscope.datasets` reads its data with these helpers, so it
works offline and from an installed wheel; each folder of ``data/`` carries a
``PROVENANCE.md`` with the source, license and citation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from ..exceptions import InvalidParameterError
from ..utils import to_jsonable

if TYPE_CHECKING:  # pragma: no cover
    from ..data import Dataset

__all__ = ["Example", "read_packaged_csv", "resource", "resource_path", "unknown_name"]


_PACKAGE = "causalscope.datasets"


def resource(*parts: str) -> Traversable:
    """The packaged file ``data/<parts...>`` of :mod:`causalscope.datasets`."""
    return files(_PACKAGE).joinpath("data", *parts)


def resource_path(*parts: str) -> Path:
    """:func:`resource` as a filesystem path."""
    res = resource(*parts)
    return res if isinstance(res, Path) else Path(str(res))


@lru_cache(maxsize=None)
def _read_csv_cached(*parts: str) -> pd.DataFrame:
    res = resource(*parts)
    compression = "gzip" if parts[-1].endswith(".gz") else None
    with res.open("rb") as fh:
        return pd.read_csv(fh, compression=compression)


def read_packaged_csv(*parts: str) -> pd.DataFrame:
    """A packaged CSV file (gzip by the ``.gz`` name) as a DataFrame: a cached read, returned as a copy."""
    return _read_csv_cached(*parts).copy()


def unknown_name(kind: str, name: object, valid: tuple[str, ...]) -> InvalidParameterError:
    """The error for a name that is not one of ``valid`` (the valid names listed)."""
    return InvalidParameterError(f"unknown {kind} {name!r}; expected one of: {', '.join(valid)}")



@dataclass(frozen=True, eq=False)
class Example:
    """A real data set with its provenance and known reference answers.

    Attributes
    ----------
    name:
        The example's name (as accepted by :func:`load_example`).
    data:
        The table, one row per unit, columns named as documented by the loader.
    description:
        One paragraph on what the data are.
    provenance:
        Source, license and citation of the packaged file(s).
    domain_column:
        Name of the column that labels the experimental condition / environment of
        each row (a domain for multi-environment methods), or ``None``.
    treatment, outcome:
        Treatment and outcome column names where the example has a causal-effect
        question (LaLonde: ``treat`` and ``re78``), otherwise ``None``.
    reference:
        Reference answers known from outside the data (for example
        ``{"ate": 1794.34}``, or the names of the published ground-truth graphs).

    Notes
    -----
    Equality is identity (a data frame has no single truth value); compare ``data``
    with ``DataFrame.equals`` when needed.
    """

    name: str
    data: pd.DataFrame
    description: str
    provenance: str
    domain_column: str | None = None
    treatment: str | None = None
    outcome: str | None = None
    reference: dict[str, Any] = field(default_factory=dict)

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, columns)`` of :attr:`data`."""
        return (int(self.data.shape[0]), int(self.data.shape[1]))

    def to_dataset(self) -> Dataset:
        """Build a validated :class:`causalscope.data.Dataset` from :attr:`data`.

        Calls ``Dataset.from_frame(self.data, domain_column=self.domain_column)``,
        so column kinds are inferred by the data layer.

        Returns
        -------
        causalscope.data.Dataset
        """
        from ..data import Dataset

        return Dataset.from_frame(self.data, domain_column=self.domain_column)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (metadata and shape, not the rows themselves)."""
        return {
            "name": self.name,
            "n_rows": self.shape[0],
            "columns": [str(c) for c in self.data.columns],
            "description": self.description,
            "provenance": self.provenance,
            "domain_column": self.domain_column,
            "treatment": self.treatment,
            "outcome": self.outcome,
            "reference": to_jsonable(self.reference),
        }
