"""Checking the copilot's no-hidden-confounder assumption against the data: a diagnostic.

GES, exact search and DirectLiNGAM assume *causal sufficiency*: every common
cause of two measured variables is measured. When it fails, the best DAG over
the measured variables often has to connect two variables that the data show to
be conditionally independent. The classic case is ``C -> A <-> B <- D`` with
the ``<->`` an unmeasured common cause of ``A`` and ``B``: ``C`` is independent
of ``B`` and ``D`` of ``A``, yet ``A`` and ``B`` are dependent however one
conditions. No DAG over ``{A, B, C, D}`` has exactly these independences (a DAG
must join ``A`` and ``B`` and then make ``C`` dependent on ``B`` or ``D`` on
``A``), so a score-based search adds an edge between a pair that CI tests
separate. FCI (Spirtes et al. 2000; Zhang 2008) does not assume sufficiency and
keeps that pair apart.

:func:`check_sufficiency` compares the two on the same resamples. A pair is
**contradicted** when the chosen method's consensus keeps it adjacent (adjacency
frequency at least the consensus threshold) while FCI with Fisher-z separates
it in more than ``1 - MAX_FCI_ADJACENCY`` of the resamples (FCI adjacency
frequency below :data:`MAX_FCI_ADJACENCY`).

**The copilot reports contradicted pairs; it does not act on them.** A
contradicted pair has two explanations the data cannot tell apart: a hidden
common cause nearby, or a dependence the CI tests miss because paths nearly
cancel (near-unfaithfulness), in which case the edge is real and FCI is the one
that is wrong. An automatic switch to FCI at two or more contradicted pairs was
built and measured on ``benchmarks/bench_copilot.py`` data (n = 1000, the
copilot's own resample counts, FCI with the Tetrad Possible-D-SEP search, alpha
0.05); the numbers are in docs/copilot.md. Decided on seeds 0-4 it looked
specific: it fired on 3 of 15 data sets with two hidden common causes and on
none of 43 without. On seeds 5-9, kept out of that decision, it fired on 6 of
28 data sets *without* hidden variables (and 1 of 10 with): in one linear
non-Gaussian set the three contradicted pairs were true edges that DirectLiNGAM
had right, and every one of the six switches made the graph worse (SHD up by 4
to 15). Where it fired on data with hidden variables (4 sets), the arrowhead F1
rose in three and fell in one, and the SHD fell in two and rose in two.
Hidden confounding whose independence model
some DAG also has (a hidden parent of two variables that are already adjacent,
for example) leaves no trace in conditional independences at all, so a silent
check is no evidence of sufficiency. The number of ``<->`` edges in FCI's PAG is
no better a signal: it was as large without hidden variables (up to 7 stable
``<->`` at p = 20) as with them.

References
----------
Spirtes, P., Glymour, C. & Scheines, R. (2000). *Causation, Prediction, and Search*, 2nd ed. MIT Press.
Zhang, J. (2008). On the completeness of orientation rules for causal discovery in the presence of latent
confounders and selection bias. *Artificial Intelligence* 172(16-17).
Ogarrio, J. M., Spirtes, P. & Ramsey, J. (2016). A hybrid causal search algorithm for latent variable models
(GFCI). *PGM*, which also compares a score-based skeleton with FCI's separations.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ..exceptions import InvalidParameterError
from ..utils import LabelledProgress, RandomState, as_progress

if TYPE_CHECKING:
    from .stability import Resampling

__all__ = [
    "SufficiencyCheck",
    "check_sufficiency",
    "CHECKED_ALGORITHMS",
    "MAX_FCI_ADJACENCY",
    "CHECK_ALPHA",
]

#: Methods whose answer assumes causal sufficiency and does not come from CI tests (the check applies to them).
CHECKED_ALGORITHMS = frozenset({"ges", "exact", "lingam"})
#: A pair counts as separated by FCI when its FCI adjacency frequency is below this.
MAX_FCI_ADJACENCY = 0.1
#: FCI's significance level in the check.
CHECK_ALPHA = 0.05


@dataclass(frozen=True)
class SufficiencyCheck:
    """The outcome of :func:`check_sufficiency`.

    Attributes
    ----------
    algorithm:
        The method whose consensus was checked.
    contradicted:
        One dictionary per contradicted pair: ``pair`` (two names), ``adjacency``
        (the checked method's frequency) and ``fci_adjacency``.
    n_resamples:
        Resamples FCI was run on (the same rows as the checked method's).
    alpha, ci_test, possible_dsep:
        FCI's settings.
    """

    algorithm: str
    contradicted: tuple[dict[str, Any], ...]
    n_resamples: int
    alpha: float
    ci_test: str
    possible_dsep: str

    def sentence(self) -> str:
        """One plain sentence for the report's limitations."""
        k = len(self.contradicted)
        head = (f"Hidden-confounder check: FCI (alpha {self.alpha:g}, {self.ci_test}) on the same "
                f"{self.n_resamples} resamples separates {k} pair{'s' if k != 1 else ''} that {self.algorithm} keeps "
                "adjacent")
        if not k:
            return (head + ". This check sees only hidden common causes that change the conditional independences; "
                           "it cannot show there are none.")
        pairs = ", ".join(f"{c['pair'][0]} - {c['pair'][1]} ({c['adjacency']:.0%} vs {c['fci_adjacency']:.0%})"
                          for c in self.contradicted)
        return (head + f": {pairs} (adjacency in {self.algorithm} vs in FCI). Each is either the trace of an "
                       "unmeasured common cause nearby or a real dependence the CI tests miss; the graph keeps "
                       f"{'them' if k > 1 else 'it'}, so treat {'these edges' if k > 1 else 'this edge'} with caution "
                       "and rerun with --latent (FCI) if hidden common causes are plausible.")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dictionary (``settings["sufficiency_check"]`` of ``analysis.json``)."""
        return {
            "algorithm": self.algorithm, "method": "fci", "ci_test": self.ci_test, "alpha": self.alpha,
            "possible_dsep": self.possible_dsep, "n_resamples": self.n_resamples,
            "max_fci_adjacency": MAX_FCI_ADJACENCY,
            "contradicted": [dict(c) for c in self.contradicted], "sentence": self.sentence(),
        }


def check_sufficiency(data: Any, confidence: Any, *, threshold: float, random_state: RandomState,
                      resampling: Resampling, sample_fraction: float, ci_test: str = "fisherz",
                      alpha: float = CHECK_ALPHA, knowledge: Any = None, n_jobs: int | None = 1,
                      progress: Any = None) -> SufficiencyCheck:
    """Compare a sufficiency-assuming method's bootstrap with FCI's on the same resamples.

    Parameters
    ----------
    data:
        The rows the checked method was resampled from (a DataFrame or Dataset).
    confidence:
        The checked method's :class:`~causalscope.pipeline.EdgeConfidence`.
    threshold:
        The consensus threshold on adjacency frequency.
    random_state, resampling, sample_fraction:
        Exactly those of the checked bootstrap, so that FCI sees the same rows
        in every replicate (:func:`~causalscope.pipeline.bootstrap_edges` draws
        a replicate's rows from the seed alone).
    ci_test, alpha, knowledge, n_jobs, progress:
        FCI's CI test and level, background knowledge, workers and progress.

    Returns
    -------
    SufficiencyCheck

    Examples
    --------
    Two copies of ``C -> A <-> B <- D``, each ``<->`` a hidden common cause ``H`` of ``A`` and ``B``
    (GES must join one of ``A - D`` or ``B - C`` in each copy, which FCI separates):

    >>> import numpy as np, pandas as pd
    >>> from causalscope.pipeline import bootstrap_edges
    >>> rng = np.random.default_rng(0)
    >>> cols = {}
    >>> for k in "12":
    ...     c, d, h = rng.normal(size=(3, 2000))
    ...     cols |= {"A" + k: c + h + 0.5 * rng.normal(size=2000), "B" + k: d + h + 0.5 * rng.normal(size=2000),
    ...              "C" + k: c, "D" + k: d}
    >>> frame = pd.DataFrame(cols)
    >>> ges = bootstrap_edges(frame, "ges", n_bootstrap=10, resampling="subsample", random_state=0)
    >>> chk = check_sufficiency(frame, ges, threshold=0.5, random_state=0, resampling="subsample",
    ...                         sample_fraction=0.5)
    >>> len(chk.contradicted), [c["fci_adjacency"] for c in chk.contradicted]
    (2, [0.0, 0.0])
    """
    from .stability import bootstrap_edges

    if not 0 < threshold <= 1:
        raise InvalidParameterError(f"threshold must be in (0, 1]; got {threshold!r}")
    nodes = tuple(confidence.nodes)
    b = confidence.n_replicates + confidence.n_failed
    if b < 1:
        raise InvalidParameterError("the checked bootstrap has no replicate")
    pdsep = "tetrad"
    params: dict[str, Any] = {"ci_test": ci_test, "alpha": alpha, "possible_dsep": pdsep}
    if knowledge is not None:
        params["knowledge"] = knowledge
    fci = bootstrap_edges(data, "fci", n_bootstrap=b, resampling=resampling, sample_fraction=sample_fraction,
                          random_state=random_state, n_jobs=n_jobs, on_error="skip",
                          progress=LabelledProgress(as_progress(progress), "hidden-confounder check (FCI)"), **params)
    mine = confidence.adjacency_matrix().to_numpy()
    theirs = fci.adjacency_matrix().loc[list(nodes), list(nodes)].to_numpy()
    rows, cols = np.nonzero(np.triu((mine >= threshold) & (theirs < MAX_FCI_ADJACENCY), k=1))
    contradicted = [{"pair": [nodes[i], nodes[j]], "adjacency": round(float(mine[i, j]), 10),
                     "fci_adjacency": round(float(theirs[i, j]), 10)} for i, j in zip(rows, cols, strict=True)]
    return SufficiencyCheck(algorithm=confidence.algorithm, contradicted=tuple(contradicted),
                            n_resamples=fci.n_replicates, alpha=alpha, ci_test=ci_test, possible_dsep=pdsep)
