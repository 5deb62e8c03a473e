"""Values in words for the HTML report: no Python ``repr`` (dict, list, tuple, ``None``, ``True``) reaches the page.

:func:`words` turns any recorded value into plain text; :func:`flatten` spells a
nested mapping as dotted names (``score_params.penalty_discount``); and
:data:`SENSITIVITY_LABELS` names each sensitivity quantity with a one-line
explanation.
"""

from __future__ import annotations

import html as _html
import math
from collections.abc import Mapping
from typing import Any

__all__ = ["esc", "words", "flatten", "humanize", "SENSITIVITY_LABELS", "sensitivity_rows"]


def esc(x: Any) -> str:
    """HTML-escaped :func:`words` of ``x`` (``None`` is the empty string here, for optional text)."""
    return "" if x is None else _html.escape(words(x))


def words(value: Any, *, digits: int = 4) -> str:
    """``value`` as plain text: numbers to ``digits`` significant digits, yes/no, lists joined, dicts flattened.

    Examples
    --------
    >>> words({"ci_test": "fisherz", "score_params": {"penalty_discount": 2.0}, "tiers": [["A"], ["B", "C"]]})
    'ci_test: fisherz; score_params.penalty_discount: 2; tiers: A; B, C'
    >>> words(None), words(True), words(float("nan")), words(()), words(0.000123456)
    ('none', 'yes', '–', 'none', '0.0001235')
    """
    if hasattr(value, "item") and callable(value.item) and type(value).__module__ == "numpy":
        value = value.item()
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return "–"
        return f"{value:.{digits}g}"
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        flat = flatten(value)
        return "; ".join(f"{k}: {words(v, digits=digits)}" for k, v in flat.items()) or "none"
    if isinstance(value, (set, frozenset)):
        value = sorted(value, key=str)
    if isinstance(value, (list, tuple)):
        if any(isinstance(v, (list, tuple)) for v in value):
            return "; ".join(words(v, digits=digits) for v in value) or "none"
        return ", ".join(words(v, digits=digits) for v in value) or "none"
    if callable(getattr(value, "to_dict", None)):
        return words(value.to_dict(), digits=digits)
    return str(value)


def flatten(mapping: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """A nested mapping as one level with dotted names (an empty nested mapping stays as ``none``).

    Examples
    --------
    >>> flatten({"alpha": 0.01, "score_params": {"penalty_discount": 2, "ess": {}}})
    {'alpha': 0.01, 'score_params.penalty_discount': 2, 'score_params.ess': None}
    """
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            inner = flatten(value, prefix=f"{name}.")
            out.update(inner if inner else {name: None})
        else:
            out[name] = value
    return out


def humanize(key: str) -> str:
    """A key as words: ``"rows_used"`` -> ``"Rows used"``."""
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


#: Sensitivity quantities (keys of ``EffectEstimate.sensitivity``): label and one-line explanation.
#: ``{alpha}`` is filled in with the effect's level.
SENSITIVITY_LABELS: dict[str, tuple[str, str]] = {
    "e_value": ("E-value (point estimate)",
                "How strongly, as a risk ratio, an unmeasured confounder would have to be associated with both the "
                "treatment and the outcome (beyond the adjustment set) to explain the estimate away; 1 means that no "
                "confounding at all is needed."),
    "e_value_ci": ("E-value (confidence limit)",
                   "The same for the confidence limit closest to no effect; 1 means the interval already includes "
                   "no effect."),
    "risk_ratio": ("Risk ratio (approximate)",
                   "The estimate on the risk-ratio scale that the E-values are computed from."),
    "partial_r2": ("Partial R² of the treatment with the outcome",
                   "Share of the outcome's variance left after the adjustment set that the treatment explains: a "
                   "confounder explaining all of the outcome's remaining variance must explain at least this share "
                   "of the treatment's to remove the estimate."),
    "robustness_value": ("Robustness value (q = 1)",
                         "Share of the remaining variance of both the treatment and the outcome that a confounder "
                         "would have to explain to bring the estimate to zero (small: fragile)."),
    "robustness_value_alpha": ("Robustness value (q = 1, α = {alpha})",
                               "The share that would make the estimate no longer significant at level α; 0 means "
                               "it is not significant already."),
    "t_statistic": ("t-statistic of the treatment",
                    "In the linear regression of the outcome on the treatment and the adjustment set."),
    "dof": ("Residual degrees of freedom", "Of that regression."),
}


def sensitivity_rows(sens: Mapping[str, Any], alpha: float = 0.05) -> tuple[list[tuple[str, Any, str]], list[str]]:
    """``(label, value, explanation)`` rows of a sensitivity dict in a fixed order, and its notes as a list.

    Examples
    --------
    >>> rows, notes = sensitivity_rows({"e_value": 1.5, "robustness_value_alpha": 0.0, "notes": ["by formula"]})
    >>> [r[0] for r in rows], notes
    (['E-value (point estimate)', 'Robustness value (q = 1, α = 0.05)'], ['by formula'])
    """
    rows = []
    keys = [k for k in SENSITIVITY_LABELS if k in sens] + [k for k in sens if k not in SENSITIVITY_LABELS
                                                            and k != "notes"]
    for key in keys:
        label, explanation = SENSITIVITY_LABELS.get(key, (humanize(key), ""))
        rows.append((label.format(alpha=words(alpha)), sens[key], explanation))
    notes = sens.get("notes") or []
    if isinstance(notes, str):
        notes = [notes]
    return rows, [words(n) for n in notes]
