"""Simulated data with known effects for the estimation tests."""

from __future__ import annotations

import numpy as np
import pandas as pd


def confounded(n: int, seed: int, *, nonlinear: bool = False, binary: bool = True, effect: float = 2.0) -> pd.DataFrame:
    """Two confounders; logistic (binary) or linear-Gaussian (continuous) treatment.

    The true ATE (= ATT, constant effect) is ``effect``. ``nonlinear`` makes the
    outcome's confounding nonlinear (the propensity stays logistic-linear).
    """
    rng = np.random.default_rng(seed)
    z1, z2 = rng.normal(size=n), rng.normal(size=n)
    lin = 0.8 * z1 - 0.5 * z2
    if binary:
        t = (rng.random(n) < 1 / (1 + np.exp(-lin))).astype(int)
    else:
        t = lin + rng.normal(size=n)
    g = (2 * np.maximum(z1, 0) ** 2 + np.sin(2 * z2) + z1 * z2) if nonlinear else (1.5 * z1 + z2)
    y = effect * t + g + rng.normal(size=n)
    return pd.DataFrame({"z1": z1, "z2": z2, "t": t, "y": y})
