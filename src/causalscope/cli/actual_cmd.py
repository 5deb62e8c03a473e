"""``causalscope actual``: the actual causes of an outcome in a structural model.

``causalscope actual MODEL --context "UL=1,UMD=1" --outcome "FF=1"`` prints one
line per minimal actual cause with its witness, e.g.
``L=1 & MD=1  [witness: W={}, x'={L=0, MD=0}]``. ``MODEL`` is a YAML model file
(format in ``docs/actual.md``) or the name of a shipped example
(``forest_fire_disjunctive``, ``rock_throwing``, ...); ``--context`` and
``--outcome`` default to the ones the file declares. ``--definition`` picks the
modified Halpern–Pearl definition (default), the updated one (2005) or but-for
causation; ``--max-size``
bounds the size of the conjunctions searched; ``--responsibility`` adds each
cause's conjuncts' degrees of responsibility; ``--json`` prints the result as JSON.
An invalid model file exits 1 with ``error: ...`` naming the variable and line.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:  # pragma: no cover
    from ..actual import CausalModel

__all__ = ["actual", "load_actual_model"]


def load_actual_model(model: str) -> CausalModel:
    """Read ``model``: a YAML file if the path exists, else the shipped example of that name."""
    from ..actual import list_examples, load_example, load_model
    from ..exceptions import DataError

    path = Path(model)
    if path.exists():
        return load_model(path)
    if model in list_examples():
        return load_example(model)
    raise DataError(f"model {model!r} is neither an existing model file nor a shipped example ({', '.join(list_examples())})")


def actual(
    model: str = typer.Argument(..., help="YAML model file or a shipped example name (rock_throwing, ...)."),
    context: str = typer.Option(None, "--context", help='Exogenous values, e.g. "UL=1,UMD=1" (default: the file\'s).'),
    outcome: str = typer.Option(None, "--outcome", help='Outcome formula, e.g. "FF=1" (default: the file\'s).'),
    definition: str = typer.Option(
        "modified", "--definition", help="modified (Halpern 2015), updated (Halpern-Pearl 2005; small models) or but-for."
    ),
    max_size: int = typer.Option(None, "--max-size", min=1, help="Largest conjunction searched (default: no limit)."),
    show_responsibility: bool = typer.Option(False, "--responsibility", help="Also print degrees of responsibility."),
    as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
) -> None:
    """List the minimal actual causes of an outcome, with their witnesses."""
    from ..actual import actual_causes, responsibility
    from ..exceptions import InvalidParameterError

    if definition not in ("modified", "updated", "but-for"):
        raise InvalidParameterError(f"--definition must be modified, updated or but-for; got {definition!r}")
    m = load_actual_model(model)
    if outcome is None:
        if m.outcome is None:
            raise InvalidParameterError("--outcome is required (the model file sets no default outcome)")
        outcome = m.outcome
    result = actual_causes(m, context, outcome, definition=definition, max_size=max_size)  # type: ignore[arg-type]
    resp: dict[str, object] = {}
    if show_responsibility:
        for c in result.causes:
            for k, v in c.cause.items():
                if k not in resp:
                    resp[k] = responsibility(m, result.context, {k: v}, outcome, definition=definition)  # type: ignore[arg-type]
    if as_json:
        payload = result.to_dict()
        if show_responsibility:
            payload["responsibility"] = {k: r.to_dict() for k, r in resp.items()}  # type: ignore[attr-defined]
        typer.echo(json.dumps(payload, indent=2))
        return
    if not result.causes:
        limit = f" up to size {max_size}" if max_size is not None else ""
        typer.echo(f"no actual cause of {result.outcome} found{limit}")
    for line in result.lines():
        typer.echo(line)
    for k, r in resp.items():
        typer.echo(f"responsibility {k}={r.cause[k]}: {r.degree}")  # type: ignore[attr-defined]
