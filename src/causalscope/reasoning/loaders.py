"""Loaders for published causal-reasoning benchmarks, as :class:`~.items.Item` lists.

The files are not shipped; download them from their authors and score any backend
on them with :func:`~.evaluate.evaluate`. Formats read:

* **CLadder** (Jin et al. 2023): a JSON list of records with ``question_id``,
  ``given_info``, ``question``, ``answer`` (``yes``/``no``) and ``meta``
  (``rung``, ``query_type``, ``graph_id``, ``formal_form``); a JSONL file of the
  same records is accepted too.
* **CaLM** (Chen et al. 2024): JSONL, one record per line with the task's text
  fields (``given_info``, ``Background.data_info``, ``Instruction``,
  ``Question``, or ``input``/``question``) and the label ``gt_answer``
  (``yes``/``no``, ``是``/``否``, a number or a choice).
* **BIG-Bench Hard causal_judgement** (Suzgun et al. 2023): JSON
  ``{"examples": [{"input": ..., "target": "Yes"|"No"}, ...]}``.
* **COPA** (Roemmele et al. 2011; SuperGLUE JSONL): ``premise``, ``choice1``,
  ``choice2``, ``question`` (``cause``/``effect``), ``label`` (0/1); the item's
  answer is the number of the right choice, 1 or 2.

Malformed files raise :class:`~causalscope.exceptions.DataError` naming the file,
the record and what is missing.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..exceptions import DataError
from .items import Item

__all__ = ["load_cladder", "load_calm", "load_bbh_causal_judgement", "load_copa", "load_benchmark"]

_EMPTY_GRAPH: dict[str, Any] = {"nodes": [], "edges": []}


def _read_json_or_jsonl(path: Path, *, lines: bool = False) -> Any:
    text = path.read_text(encoding="utf-8")
    try:
        if lines:
            raise json.JSONDecodeError("JSONL", text, 0)
        return json.loads(text)
    except json.JSONDecodeError:
        out = []
        for no, line in enumerate(text.splitlines(), 1):
            if line.strip():
                try:
                    out.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise DataError(f"{path}: line {no} is not JSON ({exc.msg})") from None
        return out


def _records(path: str | Path, what: str, *, lines: bool = False) -> list[dict[str, Any]]:
    p = Path(path)
    data = _read_json_or_jsonl(p, lines=lines)
    if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
        raise DataError(f"{p}: a {what} file must hold a list of JSON objects; got {type(data).__name__}")
    if not data:
        raise DataError(f"{p}: no records")
    return data


def _need(rec: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if k not in rec]
    if missing:
        raise DataError(f"{where}: missing keys {missing}; got {sorted(rec)}")


def _yes_no(value: Any, where: str) -> str:
    v = str(value).strip().lower().rstrip(".")
    if v in ("yes", "是", "true"):
        return "yes"
    if v in ("no", "否", "false"):
        return "no"
    raise DataError(f"{where}: answer must be yes or no; got {value!r}")


def load_cladder(path: str | Path) -> list[Item]:
    """Load CLadder questions.

    Examples
    --------
    >>> import json, tempfile
    >>> rec = {"question_id": 7, "given_info": "P(Y=1)=0.6.", "question": "Is Y likely?", "answer": "yes",
    ...        "meta": {"rung": 1, "query_type": "marginal", "graph_id": "chain", "formal_form": "P(Y)"}}
    >>> f = Path(tempfile.mkdtemp()) / "c.json"
    >>> _ = f.write_text(json.dumps([rec]))
    >>> it = load_cladder(f)[0]
    >>> it.id, it.answer, it.rung, it.family, it.question
    ('cladder-7', 'yes', 1, 'chain', 'P(Y=1)=0.6. Is Y likely?')
    """
    out = []
    for i, rec in enumerate(_records(path, "CLadder")):
        where = f"{path}: record {i}"
        _need(rec, ("question_id", "question", "answer"), where)
        meta = rec.get("meta") or {}
        ans = _yes_no(rec["answer"], where)
        text = " ".join(str(x) for x in (rec.get("given_info"), rec["question"]) if x)
        out.append(Item(
            id=f"cladder-{rec['question_id']}", question=text, answer=ans, rung=int(meta.get("rung", 0) or 0),
            query_type=str(meta.get("query_type", "cladder")), graph=dict(_EMPTY_GRAPH, graph_id=meta.get("graph_id")),
            formal_query=str(meta.get("formal_form", "")), ground_truth=1.0 if ans == "yes" else 0.0,
            family=str(meta.get("graph_id", "")), story=str(meta.get("story_id", "")), meta={"source": "cladder"},
        ))
    return out


_CALM_TEXT = ("given_info", "Background", "Instruction", "Question", "question", "input", "premise", "hypothesis")


def load_calm(path: str | Path, *, task: str | None = None) -> list[Item]:
    """Load one CaLM task file (JSONL); ``task`` defaults to the file name.

    Yes/no labels become ``"yes"``/``"no"``; numeric labels numbers; other labels
    (choices) stay strings.
    """
    p = Path(path)
    name = task or p.stem
    out = []
    for i, rec in enumerate(_records(p, "CaLM", lines=True)):
        where = f"{p}: record {i}"
        _need(rec, ("gt_answer",), where)
        parts = []
        for k in _CALM_TEXT:
            v = rec.get(k)
            if isinstance(v, dict):
                v = v.get("data_info") or v.get("real_world_meaning")
            if v:
                parts.append(str(v))
        if not parts:
            raise DataError(f"{where}: no question text (looked for {list(_CALM_TEXT)})")
        gt = rec["gt_answer"]
        try:
            answer: str | float = _yes_no(gt, where)
            truth = 1.0 if answer == "yes" else 0.0
        except DataError:
            try:
                answer = truth = float(gt)
            except (TypeError, ValueError):
                answer, truth = str(gt), float("nan")
        out.append(Item(id=f"calm-{name}-{i}", question="\n".join(parts), answer=answer, rung=0, query_type=name,
                        graph=_EMPTY_GRAPH, formal_query="", ground_truth=truth, family="calm", meta={"source": "calm"}))
    return out


def load_bbh_causal_judgement(path: str | Path) -> list[Item]:
    """Load BIG-Bench Hard ``causal_judgement.json``."""
    p = Path(path)
    data = _read_json_or_jsonl(p)
    if not isinstance(data, dict) or not isinstance(data.get("examples"), list):
        raise DataError(f"{p}: expected a JSON object with a list under 'examples'")
    out = []
    for i, rec in enumerate(data["examples"]):
        where = f"{p}: example {i}"
        if not isinstance(rec, dict):
            raise DataError(f"{where}: must be an object")
        _need(rec, ("input", "target"), where)
        ans = _yes_no(rec["target"], where)
        out.append(Item(id=f"bbh-causal-{i}", question=str(rec["input"]), answer=ans, rung=0,
                        query_type="causal_judgement", graph=_EMPTY_GRAPH, formal_query="",
                        ground_truth=1.0 if ans == "yes" else 0.0, family="bbh", meta={"source": "bbh"}))
    return out


def load_copa(path: str | Path) -> list[Item]:
    """Load COPA (SuperGLUE JSONL); the answer is the right choice, 1 or 2."""
    out = []
    for i, rec in enumerate(_records(path, "COPA", lines=True)):
        where = f"{path}: record {i}"
        _need(rec, ("premise", "choice1", "choice2", "question", "label"), where)
        if rec["question"] not in ("cause", "effect") or rec["label"] not in (0, 1):
            raise DataError(f"{where}: question must be cause/effect and label 0/1; got {rec['question']!r}, {rec['label']!r}")
        q = (f"{rec['premise']} What was the {rec['question']}? 1) {rec['choice1']} 2) {rec['choice2']} "
             "Answer with the number of the more plausible alternative.")
        ans = float(rec["label"] + 1)
        out.append(Item(id=f"copa-{rec.get('idx', i)}", question=q, answer=ans, rung=0, query_type=f"copa_{rec['question']}",
                        graph=_EMPTY_GRAPH, formal_query="", ground_truth=ans, family="copa", meta={"source": "copa"}))
    return out


_LOADERS = {"cladder": load_cladder, "calm": load_calm, "bbh": load_bbh_causal_judgement, "copa": load_copa}


def load_benchmark(path: str | Path, kind: str) -> list[Item]:
    """Load a benchmark file of ``kind`` ``cladder``, ``calm``, ``bbh`` or ``copa``."""
    if kind not in _LOADERS:
        raise DataError(f"kind must be one of {sorted(_LOADERS)}; got {kind!r}")
    return _LOADERS[kind](path)
