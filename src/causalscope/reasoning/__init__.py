"""Causal questions with verified answers, and a harness to score models on them.

* :mod:`.families` and :mod:`.stories`: the graphs and the words questions are told in;
* :mod:`.generator`: CLadder-style yes/no questions on the three rungs of the
  ladder of causation, answered by causalscope's own inference engine;
* :mod:`.axioms`: transitivity demonstrations for axiomatic training;
* :mod:`.evaluate`: backends (offline reference solvers and an OpenAI-compatible
  client), answer parsing and CaLM-style metrics.

See ``docs/reasoning.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..utils import lazy_exports

if TYPE_CHECKING:  # the public names, one list: imported from their submodule on first use (PEP 562)
    from .families import FAMILIES, FAMILY_NAMES, GraphFamily, get_family, random_family
    from .stories import Story, load_stories, nonsense_story, parse_stories
    from .items import Item, items_to_jsonl, read_items, write_items
    from .generator import QUERY_TYPES, QuestionGenerator, generate_questions, model_from_dict, model_to_dict
    from .axioms import AxiomItem, transitivity_items
    from .evaluate import (
        BACKENDS,
        Backend,
        BackendError,
        EvaluationReport,
        OpenAIBackend,
        evaluate,
        make_backend,
        oracle_answer,
        parse_answer,
    )
    from .loaders import load_bbh_causal_judgement, load_benchmark, load_calm, load_cladder, load_copa

__all__, __getattr__, __dir__ = lazy_exports(__name__)

