"""Codes and labels of the categorical nodes of an :class:`~causalscope.scm.SCM`.

Inside a model a categorical node holds float codes ``0..k-1``; code ``i`` is the
label ``labels[i]``. :func:`encode_labels` and :func:`decode_labels` convert
between the two (vectorised), for the model, its soft interventions and its
counterfactuals.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from ..exceptions import DataError

__all__ = ["decode_labels", "encode_labels"]


def decode_labels(codes: np.ndarray, labels: tuple[Any, ...]) -> np.ndarray:
    """Float codes -> labels, as bool, int or float arrays when every label is one (else objects)."""
    lab = np.asarray(labels, dtype=object)
    out = lab[np.rint(codes).astype(np.int64)]
    if all(isinstance(v, bool) for v in labels):
        return out.astype(bool)
    if all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in labels):
        return out.astype(np.int64)
    if all(isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in labels):
        return out.astype(np.float64)
    return out


def encode_labels(values: Any, labels: tuple[Any, ...], what: str) -> np.ndarray:
    """Labels -> float codes (vectorised hash lookup); DataError naming ``what`` for unknown labels."""
    arr = pd.Index(np.asarray(values, dtype=object).reshape(-1), dtype=object)
    codes = pd.Index(list(labels), dtype=object).get_indexer(arr)
    if (codes < 0).any():
        bad = sorted({str(v) for v in arr[codes < 0]})[:5]
        raise DataError(f"{what}: unknown categories {bad}; expected one of {list(labels)}")
    return codes.astype(np.float64)
