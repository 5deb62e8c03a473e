"""The textbook causal models shipped with causalscope, with their expected verdicts.

Each example is a YAML model file (see :mod:`causalscope.actual.model`) under
``causalscope/actual/examples/`` with a default context and outcome, its source,
and an ``expected`` section listing the actual causes that the literature
(Halpern 2016, *Actual Causality*; Halpern 2015; Chockler and Halpern 2004) gives
under each definition. The test suite checks every one of them.

=========================== ====================================================
name                        what it shows
=========================== ====================================================
``forest_fire_conjunctive`` both conjuncts are (but-for) causes
``forest_fire_disjunctive`` overdetermination: only the conjunction is a cause
``rock_throwing``           late preemption: Suzy's throw is a cause, Billy's not
``double_prevention``       preventing a preventer is a cause
``bogus_prevention``        an antidote against no poison is not a cause
``voting``                  5-0 majority: causes are 3-vote conjunctions
=========================== ====================================================
"""

from __future__ import annotations

from importlib.resources import files
from typing import Any

from ..exceptions import InvalidParameterError
from .model import CausalModel

__all__ = ["list_examples", "load_example", "example_expected"]

_PACKAGE = "causalscope.actual"


def list_examples() -> list[str]:
    """Names of the shipped example models.

    Examples
    --------
    >>> "rock_throwing" in list_examples()
    True
    """
    folder = files(_PACKAGE).joinpath("examples")
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _text(name: str) -> str:
    names = list_examples()
    if name not in names:
        raise InvalidParameterError(f"unknown example {name!r}; available: {', '.join(names)}")
    return files(_PACKAGE).joinpath("examples", f"{name}.yaml").read_text(encoding="utf-8")


def load_example(name: str) -> CausalModel:
    """Load a shipped example model (with its default context and outcome).

    Examples
    --------
    >>> m = load_example("forest_fire_disjunctive")
    >>> m.outcome, m.context
    ('FF=1', {'UL': 1, 'UMD': 1})
    """
    return CausalModel.from_yaml(_text(name))


def example_expected(name: str) -> dict[str, list[dict[str, int]]]:
    """The causes the literature gives for an example, per definition, as ``{var: value}`` mappings.

    Examples
    --------
    >>> example_expected("forest_fire_disjunctive")["modified"]
    [{'L': 1, 'MD': 1}]
    """
    import yaml

    spec: dict[str, Any] = yaml.safe_load(_text(name))
    out: dict[str, list[dict[str, int]]] = {}
    for definition, causes in (spec.get("expected") or {}).items():
        rows = []
        for text in causes:
            row = {}
            for part in str(text).split("&"):
                k, _, v = part.partition("=")
                row[k.strip()] = int(v)
            rows.append(row)
        out[str(definition)] = rows
    return out
