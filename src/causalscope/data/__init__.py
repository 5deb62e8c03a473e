"""Data: the validated :class:`Dataset` every algorithm consumes, and its readers.

See ``docs/data.md`` for the user guide.
"""

from __future__ import annotations

from ..utils import lazy_exports

# Public names, imported from their submodule on first use (PEP 562): importing the package is cheap.
__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".dataset": ["Dataset"],
        ".kinds": ["MAX_INFERRED_LEVELS", "MISSING_POLICIES", "ColumnKind", "MissingPolicy"],
        ".readers": ["SUPPORTED_EXTENSIONS", "read_csv", "read_data", "read_parquet"],
        ".profile": [
            "DataProfile", "Flag", "MissingnessProfile", "PairProfile", "Regime", "VariableProfile", "profile_data"
        ],
        ".deterministic": [
            "DEFAULT_DETERMINISTIC_POLICY", "DETERMINISTIC_TOL", "DETERMINISTIC_POLICIES", "MAX_FUNCTIONAL_LEVELS",
            "DeterministicPolicy", "DeterministicRelation", "DeterministicReport", "find_deterministic",
            "resolve_deterministic"
        ],
    },
)
