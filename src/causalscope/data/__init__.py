"""Data: the validated :class:`Dataset` every algorithm consumes, and its readers.

See ``docs/data.md`` for the user guide.
"""

from .dataset import Dataset
from .kinds import MAX_INFERRED_LEVELS, MISSING_POLICIES, ColumnKind, MissingPolicy
from .readers import SUPPORTED_EXTENSIONS, read_csv, read_data, read_parquet

__all__ = [
    "ColumnKind",
    "Dataset",
    "MissingPolicy",
    "MISSING_POLICIES",
    "MAX_INFERRED_LEVELS",
    "SUPPORTED_EXTENSIONS",
    "read_csv",
    "read_data",
    "read_parquet",
]

from .profile import DataProfile, Flag, MissingnessProfile, PairProfile, Regime, VariableProfile, profile_data

__all__ += ["DataProfile", "Flag", "MissingnessProfile", "PairProfile", "Regime", "VariableProfile", "profile_data"]

from .deterministic import (
    DEFAULT_DETERMINISTIC_POLICY,
    DETERMINISTIC_TOL,
    DETERMINISTIC_POLICIES,
    MAX_FUNCTIONAL_LEVELS,
    DeterministicPolicy,
    DeterministicRelation,
    DeterministicReport,
    find_deterministic,
    resolve_deterministic,
)

__all__ += [
    "DEFAULT_DETERMINISTIC_POLICY",
    "DETERMINISTIC_TOL",
    "DETERMINISTIC_POLICIES",
    "MAX_FUNCTIONAL_LEVELS",
    "DeterministicPolicy",
    "DeterministicRelation",
    "DeterministicReport",
    "find_deterministic",
    "resolve_deterministic",
]
