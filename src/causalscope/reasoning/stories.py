"""Stories: the words a causal question is told in.

A story gives every node of one graph family a name: a phrase for the value 1
(``pos``) and one for the value 0 (``neg``), and may fix the sign of some edges
(``+``: the parent makes the child more likely; ``-``: less likely). CLadder
(Jin et al. 2023) tells each graph in commonsensical, anti-commonsensical and
nonsensical words, to tell reasoning from recall; the shipped stories
(``story_data/*.yaml``) come in those three kinds. The YAML format::

    - name: smoking_cancer
      family: confounding
      kind: commonsense            # commonsense | anticommonsense | nonsense
      variables:
        X: {pos: smoking, neg: not smoking}
        ...
      signs: {X->Y: +}             # optional

References
----------
Jin, Z., et al. (2023). CLadder: Assessing causal reasoning in language models. NeurIPS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

import numpy as np

from ..exceptions import InvalidParameterError
from .families import FAMILIES, GraphFamily

__all__ = ["Story", "StoryKind", "load_stories", "parse_stories", "nonsense_story"]

StoryKind = Literal["commonsense", "anticommonsense", "nonsense"]
_KINDS = ("commonsense", "anticommonsense", "nonsense")
_DATA = Path(__file__).with_name("story_data")


@dataclass(frozen=True)
class Story:
    """The verbalisation of one graph family.

    Examples
    --------
    >>> s = [s for s in load_stories() if s.name == "smoking_cancer"][0]
    >>> s.on("X"), s.off("Y"), s.signs[("X", "Y")]
    ('smoking', 'no lung cancer', 1)
    """

    name: str
    family: str
    kind: str
    variables: dict[str, tuple[str, str]]
    signs: dict[tuple[str, str], int] = field(default_factory=dict)

    def on(self, node: str) -> str:
        """The phrase for ``node = 1``."""
        return self.variables[node][0]

    def off(self, node: str) -> str:
        """The phrase for ``node = 0``."""
        return self.variables[node][1]

    def phrase(self, node: str, value: int) -> str:
        """The phrase for ``node = value``."""
        return self.on(node) if value else self.off(node)

    def to_dict(self) -> dict[str, Any]:
        """Plain values for JSON."""
        return {
            "name": self.name,
            "family": self.family,
            "kind": self.kind,
            "variables": {k: {"pos": a, "neg": b} for k, (a, b) in self.variables.items()},
            "signs": {f"{a}->{b}": ("+" if s > 0 else "-") for (a, b), s in self.signs.items()},
        }


def _parse_one(spec: Any, where: str) -> Story:
    if not isinstance(spec, dict):
        raise InvalidParameterError(f"{where}: a story must be a mapping; got {type(spec).__name__}")
    for key in ("name", "family", "kind", "variables"):
        if key not in spec:
            raise InvalidParameterError(f"{where}: a story needs the key {key!r}; got keys {sorted(spec)}")
    fam = spec["family"]
    if fam not in FAMILIES:
        raise InvalidParameterError(f"{where}: family must be one of {sorted(FAMILIES)}; got {fam!r}")
    if spec["kind"] not in _KINDS:
        raise InvalidParameterError(f"{where}: kind must be one of {_KINDS}; got {spec['kind']!r}")
    nodes = FAMILIES[fam].nodes
    var = spec["variables"]
    if not isinstance(var, dict) or set(var) != set(nodes):
        raise InvalidParameterError(f"{where}: variables must name exactly the nodes {list(nodes)}; got {list(var or [])}")
    variables: dict[str, tuple[str, str]] = {}
    for k, v in var.items():
        if not isinstance(v, dict) or "pos" not in v or "neg" not in v:
            raise InvalidParameterError(f"{where}: variable {k!r} needs 'pos' and 'neg' phrases; got {v!r}")
        variables[str(k)] = (str(v["pos"]), str(v["neg"]))
    edges = set(FAMILIES[fam].edges)
    signs: dict[tuple[str, str], int] = {}
    for k, v in (spec.get("signs") or {}).items():
        a, _, b = str(k).partition("->")
        if (a.strip(), b.strip()) not in edges or str(v) not in ("+", "-"):
            raise InvalidParameterError(f"{where}: sign {k}: {v} must be '+' or '-' on an edge of {fam}")
        signs[(a.strip(), b.strip())] = 1 if str(v) == "+" else -1
    return Story(str(spec["name"]), fam, str(spec["kind"]), variables, signs)


def parse_stories(text: str, *, source: str = "<string>") -> list[Story]:
    """Parse stories from YAML text (a list of story mappings).

    Raises
    ------
    InvalidParameterError
        If the YAML is malformed or a story is incomplete (the message names the story).
    """
    import yaml

    try:
        specs = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise InvalidParameterError(f"{source}: not valid YAML: {exc}") from None
    if not isinstance(specs, list):
        raise InvalidParameterError(f"{source}: expected a list of stories; got {type(specs).__name__}")
    return [_parse_one(s, f"{source} story {i}") for i, s in enumerate(specs)]


@lru_cache(maxsize=1)
def _shipped() -> tuple[Story, ...]:
    out: list[Story] = []
    for p in sorted(_DATA.glob("*.yaml")):
        out += parse_stories(p.read_text(encoding="utf-8"), source=p.name)
    return tuple(out)


def load_stories(family: str | None = None, *, kind: str | None = None) -> list[Story]:
    """The shipped stories, optionally for one family and/or one kind.

    Examples
    --------
    >>> len(load_stories()) >= 30, {s.kind for s in load_stories("collider")} == set(_KINDS)
    (True, True)
    """
    return [s for s in _shipped() if (family is None or s.family == family) and (kind is None or s.kind == kind)]


_SYL = ("ba", "ko", "ri", "zu", "fle", "mo", "tra", "vin", "qu", "sel", "dor", "pax", "ny", "glo", "wes")


def nonsense_story(family: GraphFamily, random_state: Any = None) -> Story:
    """A story of made-up words for any family (used for random DAGs).

    Examples
    --------
    >>> from causalscope.reasoning.families import get_family
    >>> nonsense_story(get_family("chain"), 0).variables["X"][0] != ""
    True
    """
    rng = np.random.default_rng(random_state) if not isinstance(random_state, np.random.Generator) else random_state
    used: set[str] = set()
    variables = {}
    for v in family.nodes:
        while True:
            word = "".join(_SYL[i] for i in rng.integers(0, len(_SYL), size=2))
            if word not in used:
                break
        used.add(word)
        variables[v] = (word, f"no {word}")
    return Story(f"nonsense_{family.name}", family.name, "nonsense", variables, {})
