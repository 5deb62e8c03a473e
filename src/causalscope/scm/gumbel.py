"""The Gumbel-max structural causal model for categorical variables.

A categorical variable ``Y`` with probabilities ``p = (p_1, ..., p_K)`` given its
parents can be written as a deterministic function of independent standard
Gumbel noise ``U = (U_1, ..., U_K)``::

    Y = argmax_j (log p_j + U_j)

(the *Gumbel-max trick*: ``Y`` then has exactly the distribution ``p``). Oberst
and Sontag (2019) take this as the structural equation of ``Y``. It has the
*counterfactual stability* property: if, in the counterfactual world, the
probability of the observed category ``i`` grows relative to every other
category (``q_i / q_j >= p_i / p_j``), the counterfactual outcome stays ``i``.

Counterfactuals need the posterior of the noise given the observed category
``i`` (abduction). It is sampled exactly by the *top-down* construction of
Maddison, Tarlow and Minka (2014): the maximum of the perturbed values
``G_j = log p_j + U_j`` is Gumbel with location ``log sum_j p_j`` and sits at
``i``; every other ``G_j`` is a Gumbel with location ``log p_j`` truncated
from above at that maximum. The noise is ``U_j = G_j - log p_j``. Plugging the
same ``U`` into the counterfactual probabilities ``q`` gives a draw of the
counterfactual category.

References
----------
Oberst, M. and Sontag, D. (2019). Counterfactual off-policy evaluation with
Gumbel-max structural causal models. *ICML*, PMLR 97:4881-4890.

Maddison, C. J., Tarlow, D. and Minka, T. (2014). A* sampling. *NeurIPS 27*.
"""

from __future__ import annotations

import numpy as np

__all__ = ["safe_log", "gumbel_max", "truncated_gumbel", "sample_gumbel_posterior"]

_TINY = 1e-300


def safe_log(p: np.ndarray) -> np.ndarray:
    """``log p`` with probabilities clipped at 1e-300, so impossible categories get a
    very negative but finite log probability."""
    return np.log(np.clip(np.asarray(p, dtype=np.float64), _TINY, None))


def gumbel_max(probabilities: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """The Gumbel-max structural equation: ``argmax_j (log p_j + u_j)`` row by row.

    Parameters
    ----------
    probabilities:
        Array ``(n, K)`` of category probabilities (rows sum to one).
    noise:
        Array ``(n, K)`` of Gumbel noise values.

    Returns
    -------
    numpy.ndarray
        ``int64`` array ``(n,)`` of category codes ``0 .. K-1``.

    Examples
    --------
    >>> import numpy as np
    >>> gumbel_max(np.array([[0.5, 0.5]]), np.array([[0.0, 1.0]]))
    array([1])
    """
    return np.argmax(safe_log(probabilities) + noise, axis=-1)


def truncated_gumbel(location: np.ndarray, upper: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Draw Gumbel(``location``) variables truncated to be at most ``upper``.

    Uses ``-log(exp(-upper) + exp(-g))`` with ``g ~ Gumbel(location)``, which has
    exactly the truncated law (Maddison et al. 2014), computed stably with
    ``logaddexp``.

    Examples
    --------
    >>> import numpy as np
    >>> x = truncated_gumbel(np.zeros(1000), np.full(1000, -0.5), np.random.default_rng(0))
    >>> bool((x <= -0.5).all())
    True
    """
    g = location + rng.gumbel(size=np.shape(location))
    return -np.logaddexp(-upper, -g)


def sample_gumbel_posterior(
    probabilities: np.ndarray, observed: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """Sample Gumbel noise from its posterior given the observed argmax (top-down).

    Parameters
    ----------
    probabilities:
        Array ``(n, K)``: the factual category probabilities of each row.
    observed:
        Integer array ``(n,)``: the observed category of each row.
    rng:
        The random generator.

    Returns
    -------
    numpy.ndarray
        Array ``(n, K)`` of noise ``u`` with ``argmax(log p + u) == observed`` in
        every row, distributed as the standard Gumbel prior conditioned on that
        event.

    Examples
    --------
    >>> import numpy as np
    >>> p = np.tile([0.2, 0.3, 0.5], (5, 1))
    >>> u = sample_gumbel_posterior(p, np.array([0, 1, 2, 0, 1]), np.random.default_rng(0))
    >>> gumbel_max(p, u).tolist()
    [0, 1, 2, 0, 1]
    """
    logp = safe_log(probabilities)
    n, k = logp.shape
    rows = np.arange(n)
    obs = np.asarray(observed, dtype=np.int64)
    log_z = np.logaddexp.reduce(logp, axis=1)
    top = log_z + rng.gumbel(size=n)
    perturbed = truncated_gumbel(logp, np.broadcast_to(top[:, None], (n, k)), rng)
    perturbed[rows, obs] = top
    return perturbed - logp
