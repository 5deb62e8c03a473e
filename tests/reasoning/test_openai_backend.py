"""The OpenAI-compatible backend against a local chat-completions server started by the
test (loopback only, no network): request shape, auth header, response parsing,
retries on 429/5xx, no retry on 4xx, timeouts, malformed responses."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from causalscope.exceptions import InvalidParameterError
from causalscope.reasoning import BackendError, OpenAIBackend, evaluate, generate_questions, oracle_answer


class _Server:
    def __init__(self, script):
        self.script = list(script)  # each: (status, body | None, delay)
        self.requests = []
        outer = self

        class H(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server API
                n = int(self.headers["Content-Length"])
                body = json.loads(self.rfile.read(n))
                outer.requests.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
                status, payload = outer.script.pop(0) if outer.script else (200, None)
                if callable(payload):
                    payload = payload(body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def _reply(text):
    return {"id": "c1", "object": "chat.completion", "model": "m",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}]}


@pytest.fixture(scope="module")
def items():
    return generate_questions(["confounding"], per_family=6, random_state=0)


def test_request_shape_and_scoring(items):
    by_question = {it.question: oracle_answer(it) for it in items}

    def answer(body):
        q = body["messages"][-1]["content"].rsplit("\n", 1)[0]
        return _reply(f"The answer is: {by_question[q].capitalize()}.")

    with _Server([(200, answer)] * len(items)) as srv:
        be = OpenAIBackend(model="tiny", base_url=srv.url, api_key="sk-test")
        rep = evaluate(items, be)
    assert rep.accuracy == 1.0
    r = srv.requests[0]
    assert r["path"] == "/v1/chat/completions" and r["auth"] == "Bearer sk-test"
    assert r["body"]["model"] == "tiny" and r["body"]["messages"][0]["role"] == "system"
    assert r["body"]["messages"][1]["role"] == "user" and "yes or no" in r["body"]["messages"][1]["content"]


def test_retries_then_succeeds(items):
    with _Server([(429, {"error": {"message": "rate"}}), (503, {"error": {}}), (200, _reply("no"))]) as srv:
        be = OpenAIBackend(model="m", base_url=srv.url, api_key="", backoff=0.0, max_retries=3)
        assert be.respond(items[0]) == "no"
    assert len(srv.requests) == 3 and srv.requests[0]["auth"] is None


def test_gives_up_and_does_not_retry_client_errors(items):
    with _Server([(500, {})] * 3) as srv:
        be = OpenAIBackend(model="m", base_url=srv.url, backoff=0.0, max_retries=2)
        with pytest.raises(BackendError, match="gave up after 3 attempts"):
            be.respond(items[0])
    with _Server([(401, {"error": {"message": "bad key"}})]) as srv:
        with pytest.raises(BackendError, match="HTTP 401"):
            OpenAIBackend(model="m", base_url=srv.url, backoff=0.0).respond(items[0])
        assert len(srv.requests) == 1


def test_malformed_response_and_timeout(items):
    with _Server([(200, {"choices": []})]) as srv:
        with pytest.raises(BackendError, match="choices"):
            OpenAIBackend(model="m", base_url=srv.url).respond(items[0])
    # a server that accepts but never answers: the timeout fires, retries exhaust
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(5)
    try:
        be = OpenAIBackend(model="m", base_url=f"http://127.0.0.1:{s.getsockname()[1]}/v1", timeout=0.2,
                           max_retries=1, backoff=0.0)
        with pytest.raises(BackendError, match="gave up"):
            be.respond(items[0])
    finally:
        s.close()


def test_model_required(monkeypatch, items):
    monkeypatch.delenv("CAUSALSCOPE_LLM_MODEL", raising=False)
    monkeypatch.delenv("OPENAI_MODEL", raising=False)
    with pytest.raises(InvalidParameterError, match="model"):
        OpenAIBackend(base_url="http://127.0.0.1:9/v1").respond(items[0])


def test_follow_up_sends_history(items):
    with _Server([(200, _reply("yes")), (200, _reply("Answer: no"))]) as srv:
        be = OpenAIBackend(model="m", base_url=srv.url)
        rep = evaluate(items[:1], be, adversarial=True)
    msgs = srv.requests[1]["body"]["messages"]
    assert [m["role"] for m in msgs] == ["system", "user", "assistant", "user"]
    assert msgs[2]["content"] == "yes" and "opposite" in msgs[3]["content"]
    assert rep.robustness["kept"] == 0.0
