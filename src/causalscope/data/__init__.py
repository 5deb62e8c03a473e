"""Data: the validated :class:`Dataset` every algorithm consumes, and its readers.

See ``docs/data.md`` for the user guide.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
    from .dataset import Dataset
    from .environments import MAX_ENVIRONMENTS, Environments, as_environments
    from .kinds import MAX_INFERRED_LEVELS, MISSING_POLICIES, ColumnKind, MissingPolicy
    from .timeseries import TimeGap, TimeSeriesData, as_time_series, ensure_time_series, min_time_series_length
    from .resample import BLOCK_METHODS, BlockMethod, block_bootstrap_draw, block_bootstrap_indices, default_block_length
    from .tsprofile import VAROrderCriteria, SeriesProfile, TimeSeriesProfile, profile_timeseries, select_var_order
    from .stationarity import ADF_REGRESSIONS, KPSS_REGRESSIONS, UnitRootTest, adf_test, kpss_test, mackinnon_p_value
    from .readers import SUPPORTED_EXTENSIONS, read_csv, read_data, read_parquet
    from .profile import DataProfile, Flag, MissingnessProfile, PairProfile, Regime, VariableProfile, profile_data
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

__all__, __getattr__, __dir__ = lazy_exports(__name__)

