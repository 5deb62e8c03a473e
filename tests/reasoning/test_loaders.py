"""Benchmark loaders on hand-written fixtures in each published format (CLadder JSON,
CaLM JSONL, BBH causal_judgement JSON, SuperGLUE COPA JSONL); malformed files raise
DataError naming the file and record; loaded items score end to end."""

from __future__ import annotations

import json

import pytest

from causalscope.exceptions import DataError
from causalscope.reasoning import (
    evaluate,
    load_bbh_causal_judgement,
    load_benchmark,
    load_calm,
    load_cladder,
    load_copa,
    make_backend,
)

CLADDER = [
    {"question_id": 1, "desc_id": "alarm-chain", "given_info": "The overall probability of alarm set is 30%.",
     "question": "Is ringing more likely than silent overall?", "answer": "no",
     "meta": {"rung": 1, "query_type": "marginal", "graph_id": "chain", "formal_form": "P(Y)", "story_id": "alarm"},
     "reasoning": {"step0": "Let X = alarm; Y = ringing."}},
    {"question_id": 2, "given_info": "...", "question": "Will X increase Y?", "answer": "yes",
     "meta": {"rung": 2, "query_type": "ate", "graph_id": "confounding"}},
]
CALM = [
    {"given_info": "For those with A low, P(B high) is 0.3.", "Background": {"data_info": "A has a direct effect on B."},
     "Instruction": "Consider the ATE of A on B.", "Question": "If A is high, will B be more likely?", "gt_answer": "Yes"},
    {"input": "Event: rain. Does it cause floods?", "gt_answer": "否"},
    {"Question": "What is the ATE?", "gt_answer": "0.1234"},
]
BBH = {"canary": "x", "examples": [{"input": "How would a typical person answer...? Options: - Yes - No", "target": "Yes"},
                                   {"input": "Did the pen cause the problem?", "target": "No"}]}
COPA = [{"premise": "My body cast a shadow over the grass.", "choice1": "The sun was rising.",
         "choice2": "The grass was cut.", "question": "cause", "label": 0, "idx": 0},
        {"premise": "The woman tolerated her friend's difficult behavior.", "choice1": "The woman knew her friend was going through a hard time.",
         "choice2": "The woman felt that her friend took advantage of her kindness.", "question": "cause", "label": 0, "idx": 1}]


def _jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def test_cladder(tmp_path):
    p = tmp_path / "cladder.json"
    p.write_text(json.dumps(CLADDER))
    items = load_cladder(p)
    assert [it.answer for it in items] == ["no", "yes"] and [it.rung for it in items] == [1, 2]
    assert items[0].question.startswith("The overall probability") and items[0].family == "chain"
    assert load_cladder(_jsonl(tmp_path / "c.jsonl", CLADDER)) == items
    assert evaluate(items, make_backend("oracle")).accuracy == 1.0


def test_calm(tmp_path):
    items = load_calm(_jsonl(tmp_path / "ATE-B_ATE-natural_EN.json", CALM))
    assert [it.answer for it in items] == ["yes", "no", 0.1234]
    assert "A has a direct effect on B." in items[0].question and items[0].query_type == "ATE-B_ATE-natural_EN"
    rep = evaluate(items, make_backend("oracle"))
    assert rep.accuracy == 1.0


def test_bbh_and_copa(tmp_path):
    p = tmp_path / "causal_judgement.json"
    p.write_text(json.dumps(BBH))
    items = load_bbh_causal_judgement(p)
    assert [it.answer for it in items] == ["yes", "no"]
    copa = load_copa(_jsonl(tmp_path / "val.jsonl", COPA))
    assert [it.answer for it in copa] == [1.0, 1.0] and "1) The sun was rising." in copa[0].question
    assert evaluate(copa, make_backend("oracle")).accuracy == 1.0
    assert load_benchmark(p, "bbh") == items


@pytest.mark.parametrize(
    ("loader", "content", "match"),
    [
        (load_cladder, json.dumps([{"question_id": 1, "question": "q"}]), r"record 0: missing keys \['answer'\]"),
        (load_cladder, json.dumps([{"question_id": 1, "question": "q", "answer": "maybe"}]), "yes or no"),
        (load_cladder, json.dumps({"a": 1}), "list of JSON objects"),
        (load_cladder, "[]", "no records"),
        (load_calm, '{"gt_answer": "yes"}\n', "no question text"),
        (load_calm, '{"Question": "q"}\n{not json\n', "line 2 is not JSON"),
        (load_bbh_causal_judgement, json.dumps([{"input": "x"}]), "'examples'"),
        (load_bbh_causal_judgement, json.dumps({"examples": [{"input": "x"}]}), "example 0: missing keys"),
        (load_copa, json.dumps({**COPA[0], "label": 2}) + "\n", "label 0/1"),
    ],
)
def test_malformed(tmp_path, loader, content, match):
    p = tmp_path / "bad.json"
    p.write_text(content)
    with pytest.raises(DataError, match=match):
        loader(p)


def test_unknown_kind(tmp_path):
    with pytest.raises(DataError, match="kind must be one of"):
        load_benchmark(tmp_path / "x.json", "mmlu")
