"""Question items: one causal question with its verified answer.

An :class:`Item` is a value that serialises to one line of ``ITEMS.jsonl`` (the
CLI contract in ``docs/cli.md``): the natural-language question and its answer,
the rung of Pearl's ladder (1 association, 2 intervention, 3 counterfactual), the
query type, the graph, the formal query, the exact ground-truth number, the
estimand, the numbers given in the question, the step-by-step reasoning and the
full model (CPTs) the answer was computed from, so anyone can re-derive it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..exceptions import DataError

__all__ = ["Item", "read_items", "write_items", "items_to_jsonl"]

_REQUIRED = ("id", "question", "answer", "rung", "query_type", "graph", "formal_query", "ground_truth")


@dataclass(frozen=True)
class Item:
    """One question with a verified answer (``"yes"``/``"no"`` or a number).

    Examples
    --------
    >>> it = Item("q1", "Does rain cause wet grass?", "yes", 2, "ate", {"nodes": ["R", "W"], "edges": ["R --> W"]},
    ...           "P(W=1 | do(R=1)) - P(W=1 | do(R=0)) > 0", 0.4)
    >>> Item.from_dict(it.to_dict()) == it
    True
    """

    id: str
    question: str
    answer: str | float
    rung: int
    query_type: str
    graph: Mapping[str, Any]
    formal_query: str
    ground_truth: float
    estimand: str | None = None
    given: Mapping[str, float] = field(default_factory=dict)
    reasoning: tuple[str, ...] = ()
    family: str = ""
    story: str = ""
    story_kind: str = ""
    polarity: str = ""
    model: Mapping[str, Any] | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (one ``ITEMS.jsonl`` line)."""
        return {
            "id": self.id,
            "question": self.question,
            "answer": self.answer,
            "rung": self.rung,
            "query_type": self.query_type,
            "graph": dict(self.graph),
            "formal_query": self.formal_query,
            "ground_truth": self.ground_truth,
            "estimand": self.estimand,
            "given": dict(self.given),
            "reasoning": list(self.reasoning),
            "family": self.family,
            "story": self.story,
            "story_kind": self.story_kind,
            "polarity": self.polarity,
            "model": self.model,
            "meta": dict(self.meta),
        }

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Item:
        """Rebuild an item; only the ``ITEMS.jsonl`` contract keys are required.

        Raises
        ------
        DataError
            If a required key is missing.
        """
        missing = [k for k in _REQUIRED if k not in d]
        if missing:
            raise DataError(f"item {d.get('id', '?')!r}: missing keys {missing}; an item needs {list(_REQUIRED)}")
        return cls(
            id=str(d["id"]),
            question=str(d["question"]),
            answer=d["answer"],
            rung=int(d["rung"]),
            query_type=str(d["query_type"]),
            graph=d["graph"],
            formal_query=str(d["formal_query"]),
            ground_truth=float(d["ground_truth"]),
            estimand=d.get("estimand"),
            given=dict(d.get("given") or {}),
            reasoning=tuple(d.get("reasoning") or ()),
            family=str(d.get("family", "")),
            story=str(d.get("story", "")),
            story_kind=str(d.get("story_kind", "")),
            polarity=str(d.get("polarity", "")),
            model=d.get("model"),
            meta=dict(d.get("meta") or {}),
        )


def items_to_jsonl(items: Iterable[Item]) -> str:
    """The JSONL text of ``items`` (keys in a fixed order, so output is byte-stable)."""
    return "".join(json.dumps(it.to_dict(), ensure_ascii=False) + "\n" for it in items)


def write_items(items: Iterable[Item], path: str | Path) -> None:
    """Write items as JSONL."""
    Path(path).write_text(items_to_jsonl(items), encoding="utf-8")


def read_items(path: str | Path) -> list[Item]:
    """Read items from a JSONL file.

    Raises
    ------
    DataError
        If a line is not JSON or lacks a required key (the message gives the line).
    """
    out: list[Item] = []
    for no, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
        except json.JSONDecodeError as exc:
            raise DataError(f"{path}: line {no} is not JSON ({exc.msg})") from None
        if not isinstance(d, dict):
            raise DataError(f"{path}: line {no} must be a JSON object; got {type(d).__name__}")
        try:
            out.append(Item.from_dict(d))
        except DataError as exc:
            raise DataError(f"{path}: line {no}: {exc}") from None
    return out
