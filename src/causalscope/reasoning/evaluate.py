"""Scoring language models (or any answerer) on causal questions.

A **backend** is anything with a ``name`` and a method ``respond(item) -> str``
that returns free text; :func:`parse_answer` reads ``yes``/``no`` (or a number)
from that text, and :func:`evaluate` compares it with the item's verified answer.

Metrics follow the spirit of CaLM (Chen et al. 2024): accuracy overall and per
rung, query type and graph family; a polarity check (accuracy on the items whose
answer is yes and on those whose answer is no, and how often the model says yes:
a model that always says yes scores about 50% on balanced items); and error types:

* ``empty``: no text at all;
* ``format``: text in which no yes/no (or number) answer can be found;
* ``language``: the reply is mostly in a non-Latin script while the question is English;
* ``wrong``: a parsed answer that differs from the verified one;
* ``same_answer`` (a flag on the whole run): every parsed answer is identical;
* robustness (``adversarial=True``): the share of answers kept when the model is
  told "I think the answer is the opposite", and the accuracy after it.

Offline reference backends make the harness testable end to end without a
network: ``oracle`` (answers from each item's ground truth and phrasing: it must
score 100%), ``always-yes``, ``always-no``, ``majority`` and ``random`` (seeded).
``openai`` talks to any OpenAI-compatible chat-completions server (OpenAI,
Ollama, llama.cpp server, vLLM) through the standard library; ``transformers``
runs a local Hugging Face model (optional dependency).

References
----------
Chen, S., Peng, B., Chen, M., et al. (2024). Causal evaluation of language models
(CaLM). arXiv:2405.00622.
Jin, Z., et al. (2023). CLadder: Assessing causal reasoning in language models. NeurIPS.
"""

from __future__ import annotations

import json
import os
import re
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

import numpy as np

from ..exceptions import CausalScopeError, InvalidParameterError, MissingDependencyError
from ..utils import check_random_state
from .items import Item

__all__ = [
    "Backend",
    "OracleBackend",
    "ConstantBackend",
    "MajorityBackend",
    "RandomBackend",
    "OpenAIBackend",
    "TransformersBackend",
    "BACKENDS",
    "make_backend",
    "parse_answer",
    "oracle_answer",
    "evaluate",
    "EvaluationReport",
    "ItemResult",
    "BackendError",
]

PROMPT_SUFFIX = "\nAnswer with a single word: yes or no."
CHALLENGE = "I am not sure that is right; I think the answer is the opposite. Think again and answer yes or no."


class BackendError(CausalScopeError):
    """A model backend failed (HTTP error, timeout, malformed response)."""


@runtime_checkable
class Backend(Protocol):
    """The answerer protocol: ``respond(item) -> str`` (free text)."""

    name: str

    def respond(self, item: Item) -> str:  # pragma: no cover - protocol
        ...


# ----------------------------------------------------------------------------- parsing
_YESNO = re.compile(r"\b(yes|no)\b", re.IGNORECASE)
_ANSWER_AT = re.compile(r"answer\s*(?:is)?\s*[:=]?\s*\**\s*(yes|no)\b", re.IGNORECASE)
_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def parse_answer(text: str | None, *, numeric: bool = False) -> str | float | None:
    """Read the answer from free text: ``"yes"``, ``"no"``, a number, or None.

    An explicit ``answer: X`` wins; otherwise the first standalone yes/no word.

    Examples
    --------
    >>> parse_answer("**Yes**, because smoking causes tar.")
    'yes'
    >>> parse_answer("Let me think... no wait. The answer is: Yes")
    'yes'
    >>> parse_answer("nope"), parse_answer("about 0.25", numeric=True)
    (None, 0.25)
    """
    if not text or not text.strip():
        return None
    if numeric:
        m = _NUMBER.search(text)
        return float(m.group()) if m else None
    m = _ANSWER_AT.search(text)
    if m:
        return m.group(1).lower()
    m = _YESNO.search(text)
    return m.group(1).lower() if m else None


def oracle_answer(item: Item) -> str:
    """The answer implied by an item's ground truth and its phrasing (polarity).

    For sign questions ``increase`` means "yes iff the quantity > 0" and
    ``decrease`` "yes iff < 0"; for set/counterfactual questions the quantity is
    1 or 0. Items not made by the generator (no polarity; loaded benchmarks) fall
    back to their stored answer.
    """
    q, gt, pol = item.query_type, item.ground_truth, item.polarity
    if not pol and q != "transitivity":  # not made by our generator: no phrasing to read
        return str(item.answer)
    if q in ("marginal", "correlation", "explaining_away", "ate", "ett", "nde", "nie"):
        return "yes" if (gt > 0 if pol == "increase" else gt < 0) else "no"
    if q in ("backdoor_set", "det_counterfactual"):
        return "yes" if (gt == 1.0) == (pol == "increase") else "no"
    if q == "collider_bias":
        return "yes" if (gt != 0) == (pol == "increase") else "no"
    if q == "transitivity":
        return "yes" if gt == 1.0 else "no"
    return str(item.answer)


# ----------------------------------------------------------------------------- backends
class OracleBackend:
    """Answers from the ground truth (:func:`oracle_answer`): the engine's own solver."""

    name = "oracle"

    def respond(self, item: Item) -> str:
        return f"Answer: {oracle_answer(item)}"

    def follow_up(self, item: Item, reply: str, challenge: str) -> str:
        return reply


class ConstantBackend:
    """Always the same answer (``always-yes`` / ``always-no`` baselines)."""

    def __init__(self, answer: str = "yes") -> None:
        self.answer = answer
        self.name = f"always-{answer}"

    def respond(self, item: Item) -> str:
        return self.answer

    def follow_up(self, item: Item, reply: str, challenge: str) -> str:
        return reply


class MajorityBackend:
    """The most frequent answer of a training set (``yes`` on a tie)."""

    name = "majority"

    def __init__(self, items: Sequence[Item] = ()) -> None:
        c = Counter(str(it.answer) for it in items)
        self.answer = "no" if c["no"] > c["yes"] else "yes"

    def respond(self, item: Item) -> str:
        return self.answer

    def follow_up(self, item: Item, reply: str, challenge: str) -> str:
        return reply


class RandomBackend:
    """Yes or no with probability 1/2 each, seeded."""

    name = "random"

    def __init__(self, random_state: int | np.random.Generator | None = 0) -> None:
        self._rng = check_random_state(random_state)

    def respond(self, item: Item) -> str:
        return "yes" if self._rng.random() < 0.5 else "no"

    def follow_up(self, item: Item, reply: str, challenge: str) -> str:
        return self.respond(item)


class OpenAIBackend:
    """An OpenAI-compatible ``/chat/completions`` client (standard library only).

    Parameters
    ----------
    model : str, optional
        Model name; default ``$CAUSALSCOPE_LLM_MODEL`` or ``$OPENAI_MODEL``.
    base_url : str, optional
        Server root ending in ``/v1``; default ``$CAUSALSCOPE_LLM_BASE_URL``,
        ``$OPENAI_BASE_URL`` or ``https://api.openai.com/v1``. Ollama:
        ``http://localhost:11434/v1``; llama.cpp/vLLM: ``http://localhost:8000/v1``.
    api_key : str, optional
        Default ``$OPENAI_API_KEY`` (may be empty for local servers).
    timeout, max_retries, backoff : float, int, float
        Per-request timeout in seconds; retries on 429/5xx/timeouts with
        exponential backoff.
    system_prompt, temperature : str, float

    Nothing is read or sent until the first ``respond``.
    """

    name = "openai"

    def __init__(self, *, model: str | None = None, base_url: str | None = None, api_key: str | None = None,
                 timeout: float = 60.0, max_retries: int = 3, backoff: float = 1.0,
                 system_prompt: str = "You are a careful causal reasoner.", temperature: float = 0.0) -> None:
        self.model = model
        self.base_url = base_url
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.system_prompt = system_prompt
        self.temperature = temperature

    def _config(self) -> tuple[str, str, str]:
        model = self.model or os.environ.get("CAUSALSCOPE_LLM_MODEL") or os.environ.get("OPENAI_MODEL")
        if not model:
            raise InvalidParameterError("model: give --model or set CAUSALSCOPE_LLM_MODEL; got nothing")
        base = (self.base_url or os.environ.get("CAUSALSCOPE_LLM_BASE_URL") or os.environ.get("OPENAI_BASE_URL")
                or "https://api.openai.com/v1")
        key = self.api_key if self.api_key is not None else os.environ.get("OPENAI_API_KEY", "")
        return model, base.rstrip("/"), key

    def _messages(self, item: Item) -> list[dict[str, str]]:
        return [{"role": "system", "content": self.system_prompt}, {"role": "user", "content": item.question + PROMPT_SUFFIX}]

    def respond(self, item: Item) -> str:
        return self._chat(self._messages(item))

    def follow_up(self, item: Item, reply: str, challenge: str) -> str:
        """Ask again after ``challenge`` with the first exchange in the history."""
        return self._chat([*self._messages(item), {"role": "assistant", "content": reply}, {"role": "user", "content": challenge}])

    def _chat(self, messages: list[dict[str, str]]) -> str:
        model, base, key = self._config()
        body = json.dumps({"model": model, "temperature": self.temperature, "messages": messages}).encode()
        headers = {"Content-Type": "application/json"}
        if key:
            headers["Authorization"] = f"Bearer {key}"
        last = ""
        for attempt in range(self.max_retries + 1):
            req = urllib.request.Request(f"{base}/chat/completions", data=body, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - user-chosen URL
                    data = json.loads(resp.read().decode("utf-8"))
                try:
                    return str(data["choices"][0]["message"]["content"] or "")
                except (KeyError, IndexError, TypeError):
                    raise BackendError(f"{base}: response has no choices[0].message.content: {str(data)[:200]}") from None
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
                if exc.code not in (408, 429, 500, 502, 503, 504):
                    raise BackendError(f"{base}/chat/completions: {last}: {exc.read()[:200]!r}") from None
            except (urllib.error.URLError, TimeoutError, OSError) as exc:
                last = str(getattr(exc, "reason", exc))
            if attempt < self.max_retries:
                time.sleep(self.backoff * 2**attempt)
        raise BackendError(f"{base}/chat/completions: gave up after {self.max_retries + 1} attempts ({last})")


class TransformersBackend:
    """A local Hugging Face ``transformers`` text-generation model (optional extra).

    The model is loaded on the first ``respond`` (greedy decoding, ``max_new_tokens``
    new tokens; the tokenizer's chat template when it has one).

    Raises
    ------
    MissingDependencyError
        On first use when ``transformers`` is not installed.
    """

    name = "transformers"

    def __init__(self, *, model: str | None = None, max_new_tokens: int = 32, device: str | None = None) -> None:
        self.model = model
        self.max_new_tokens = max_new_tokens
        self.device = device
        self._pipe: Any = None

    def _load(self) -> Any:
        if self._pipe is None:
            try:
                from transformers import pipeline
            except ImportError:
                raise MissingDependencyError("transformers", "llm", "the transformers backend") from None
            if not self.model:
                raise InvalidParameterError("model: the transformers backend needs a model name or path; got nothing")
            self._pipe = pipeline("text-generation", model=self.model, device=self.device)
        return self._pipe

    def _generate(self, messages: list[dict[str, str]]) -> str:
        pipe = self._load()
        out = pipe(messages, max_new_tokens=self.max_new_tokens, do_sample=False)
        gen = out[0]["generated_text"]
        return str(gen[-1]["content"] if isinstance(gen, list) else gen)

    def respond(self, item: Item) -> str:
        return self._generate([{"role": "user", "content": item.question + PROMPT_SUFFIX}])

    def follow_up(self, item: Item, reply: str, challenge: str) -> str:
        return self._generate([{"role": "user", "content": item.question + PROMPT_SUFFIX},
                               {"role": "assistant", "content": reply}, {"role": "user", "content": challenge}])


BACKENDS: dict[str, Callable[..., Any]] = {
    "oracle": lambda **kw: OracleBackend(),
    "always-yes": lambda **kw: ConstantBackend("yes"),
    "always-no": lambda **kw: ConstantBackend("no"),
    "majority": lambda **kw: MajorityBackend(kw.get("items", ())),
    "random": lambda **kw: RandomBackend(kw.get("random_state", 0)),
    "openai": lambda **kw: OpenAIBackend(model=kw.get("model"), base_url=kw.get("base_url"), api_key=kw.get("api_key")),
    "transformers": lambda **kw: TransformersBackend(model=kw.get("model")),
}


def make_backend(name: str, **kwargs: Any) -> Any:
    """A backend by registry name (see :data:`BACKENDS`).

    Examples
    --------
    >>> make_backend("always-yes").name
    'always-yes'
    """
    if name not in BACKENDS:
        raise InvalidParameterError(f"backend must be one of {sorted(BACKENDS)}; got {name!r}")
    return BACKENDS[name](**kwargs)


# ----------------------------------------------------------------------------- scoring
@dataclass(frozen=True)
class ItemResult:
    """The outcome on one item."""

    id: str
    expected: str
    response: str
    parsed: str | None
    correct: bool
    error: str | None

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "expected": self.expected, "response": self.response, "parsed": self.parsed,
                "correct": self.correct, "error": self.error}


@dataclass(frozen=True)
class EvaluationReport:
    """Scores of one backend on one item set."""

    backend: str
    n: int
    accuracy: float
    by_rung: dict[str, float]
    by_query_type: dict[str, float]
    by_family: dict[str, float]
    polarity: dict[str, float]
    errors: dict[str, int]
    same_answer: bool
    robustness: dict[str, float] = field(default_factory=dict)
    results: tuple[ItemResult, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "backend": self.backend, "n": self.n, "accuracy": self.accuracy, "by_rung": self.by_rung,
            "by_query_type": self.by_query_type, "by_family": self.by_family, "polarity": self.polarity,
            "errors": self.errors, "same_answer": self.same_answer, "robustness": self.robustness, "results": [r.to_dict() for r in self.results],
        }

    def table(self) -> list[tuple[str, str, float]]:
        """Rows ``(group, key, accuracy)`` for printing."""
        rows = [("overall", "all", self.accuracy)]
        rows += [("rung", k, v) for k, v in self.by_rung.items()]
        rows += [("query_type", k, v) for k, v in self.by_query_type.items()]
        rows += [("family", k, v) for k, v in self.by_family.items()]
        return rows


def _non_latin(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(not c.isascii() for c in letters) > 0.5 * len(letters)


def evaluate(
    items: Sequence[Item],
    backend: Any,
    *,
    adversarial: bool = False,
    challenge: str = CHALLENGE,
    progress: Callable[[int, int], None] | None = None,
) -> EvaluationReport:
    """Run ``backend`` over ``items`` and score it.

    With ``adversarial=True`` and a backend that has ``follow_up(item, reply,
    challenge)``, every reply is challenged ("I think the answer is the
    opposite", CaLM's adversarial-doubt prompt) and the report's ``robustness``
    holds the share of parsed answers kept, and the accuracy after the challenge.

    Examples
    --------
    >>> from causalscope.reasoning import generate_questions
    >>> items = generate_questions(["chain"], per_family=8, random_state=0)
    >>> evaluate(items, make_backend("oracle")).accuracy
    1.0
    """
    if not items:
        raise InvalidParameterError("items: need at least one item; got none")
    if adversarial and not callable(getattr(backend, "follow_up", None)):
        raise InvalidParameterError(f"adversarial=True needs a backend with follow_up(); {type(backend).__name__} has none")
    results = []
    kept: list[bool] = []
    after: list[bool] = []
    for i, it in enumerate(items):
        text = backend.respond(it)
        expected = str(it.answer).lower()
        numeric = expected not in ("yes", "no")
        parsed = parse_answer(text, numeric=numeric)
        if numeric:
            correct = parsed is not None and abs(float(parsed) - float(it.answer)) <= 1e-2 * max(1.0, abs(float(it.answer)))
        else:
            correct = parsed == expected
        if not text or not text.strip():
            err: str | None = "empty"
        elif _non_latin(text) and not _non_latin(it.question):
            err = "language"
        elif parsed is None:
            err = "format"
        elif not correct:
            err = "wrong"
        else:
            err = None
        results.append(ItemResult(it.id, expected, text, None if parsed is None else str(parsed), correct, err))
        if adversarial:
            again = parse_answer(backend.follow_up(it, text, challenge), numeric=numeric)
            if parsed is not None:
                kept.append(again == parsed)
            after.append(again is not None and (again == expected if not numeric else
                         abs(float(again) - float(it.answer)) <= 1e-2 * max(1.0, abs(float(it.answer)))))
        if progress is not None:
            progress(i + 1, len(items))

    def acc(key: Callable[[Item], str]) -> dict[str, float]:
        groups: dict[str, list[bool]] = defaultdict(list)
        for it, r in zip(items, results):
            groups[key(it)].append(r.correct)
        return {k: float(np.mean(v)) for k, v in sorted(groups.items())}

    parsed_set = {r.parsed for r in results if r.parsed is not None}
    yes_items = [r.correct for r in results if r.expected == "yes"]
    no_items = [r.correct for r in results if r.expected == "no"]
    polarity = {
        "share_yes_expected": float(len(yes_items) / len(results)),
        "share_yes_answered": float(np.mean([r.parsed == "yes" for r in results])),
        "accuracy_on_yes": float(np.mean(yes_items)) if yes_items else float("nan"),
        "accuracy_on_no": float(np.mean(no_items)) if no_items else float("nan"),
    }
    errors = Counter(r.error for r in results if r.error)
    return EvaluationReport(
        backend=str(getattr(backend, "name", type(backend).__name__)),
        n=len(results),
        accuracy=float(np.mean([r.correct for r in results])),
        by_rung=acc(lambda it: str(it.rung)),
        by_query_type=acc(lambda it: it.query_type),
        by_family=acc(lambda it: it.family or "?"),
        polarity=polarity,
        errors={k: errors.get(k, 0) for k in ("empty", "format", "language", "wrong")},
        same_answer=len(results) > 1 and len(parsed_set) == 1,
        robustness=({"kept": float(np.mean(kept)) if kept else float("nan"), "accuracy_after": float(np.mean(after))}
                    if adversarial else {}),
        results=tuple(results),
    )
