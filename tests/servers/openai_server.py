#!/usr/bin/env python3
"""A real HTTP server speaking OpenAI's API on 127.0.0.1, for strata's tests and benchmarks.

Python standard library only (ThreadingHTTPServer, HTTP/1.1 keep-alive). It serves
POST /v1/embeddings with deterministic vectors (derived from the sha256 of each input, so a test
can predict them), records every request, and can be told to misbehave.

Start (the port is chosen by the kernel and written to --port-file once the server listens):

    python3 openai_server.py serve --port-file PORT [--dimensions 8] [--latency-ms 0]
                                   [--log requests.jsonl] [--require-key KEY]

Control it over HTTP (or with the `ctl` sub-command, which reads the port file):

    python3 openai_server.py ctl PORT_FILE POST /_control/config '{"latency_ms": 50}'
    python3 openai_server.py ctl PORT_FILE POST /_control/script '{"responses": [{"status": 429,
        "headers": {"Retry-After": "0"}}, {"fault": "reset"}]}'
    python3 openai_server.py ctl PORT_FILE GET /_control/log
    python3 openai_server.py ctl PORT_FILE POST /_control/reset

Control endpoints:
  POST /_control/config   merge settings (they last until reset):
        dimensions         size of the vectors (default 8); a request's "dimensions" wins
        latency_ms         wait before every answer (the benchmark's fixed latency)
        bad_marker         an input containing this string makes the request answer 400 (so the
                           client must bisect to find it)
        max_inputs         more inputs than this in one request: 400 (llama.cpp-style)
        require_key        answer 401 (OpenAI's message, key half-masked) unless the request has
                           "Authorization: Bearer <require_key>"
        echo_key           401 messages repeat the whole key sent (to test redaction)
        models             a list: other models get 404 model_not_found
        always             a behaviour (as in a script) applied to every request
  POST /_control/script   {"responses": [B, ...]}: one behaviour per upcoming embeddings
                           request, in order, then normal answers again. A behaviour is either
                           {"status": N, "headers": {...}, "body": {...} or "text"} or
                           {"fault": F} with F one of: reset (close with a TCP reset), malformed
                           (cut JSON), empty (200 with no body), wrong_count, wrong_dims, nan,
                           inf (1e39: JSON, but beyond float32), shuffle (valid, items in reverse order with their index),
                           bad_index (an index repeated), no_index (valid, no index fields),
                           slow (add "ms" milliseconds; answer normally), drip (a valid answer
                           written one byte every "ms" milliseconds, 1000 by default), garbage
                           (200 with "mb" megabytes of random bytes, 50 by default), bad_utf8
                           (valid JSON except for invalid UTF-8 bytes inside the model string)
  GET  /_control/log      {"requests": [...]}: method, path, model, n, inputs, dimensions,
                           authorization (the raw header), status, fault
  POST /_control/reset    forget settings, script and log
  GET  /_control/health   200

Rerank (`search --rerank`): POST /v1/rerank (also /rerank), the schema of llama.cpp's server,
Jina and Cohere: {"model", "query", "documents": [...], "top_n"} -> {"results": [{"index",
"relevance_score"}], best first}. A document's score is the number of distinct query words
(lower-cased letters and digits) it holds, less 0.001 per 100 bytes of it, so a test can predict
the order. POST /_control/rerank_script {"responses": [R, ...]}: one behaviour per upcoming rerank
request, R = {"status": N} (an error), {"latency_ms": N} (answer late), {"body": ...} (send
this instead), or {"data": true} (Voyage's shape: "data" instead of "results").

Chat (`strata ask`): POST /v1/chat/completions (OpenAI-compatible; also /chat/completions) and
POST /v1/messages (Anthropic), streamed (server-sent events, chunked transfer encoding, one TCP
write per piece) or whole, with their own script queue so that embeddings requests made in the
same test do not consume it:

  POST /_control/chat_script {"responses": [C, ...]}: one behaviour per upcoming chat request.
  Config keys: answer (the default answer text), require_key (also checked against Anthropic's
  x-api-key), max_prompt_chars (a longer prompt, system and messages together, is refused with
  the provider's context-too-long 400), chat_always (a behaviour for every chat request).

A chat behaviour C is {"status": N, "headers": {...}, "body": ...} or {"fault": "reset"} as
above, or a streamed answer shaped by any of:
  answer          the text (default: config answer, else "Strata reads your documents [1].")
  pieces          the answer's deltas, as given (default: the answer cut after each space)
  raw             send this exact SSE text instead of building one (UTF-8 encoded)
  split_bytes     write the stream in pieces of this many bytes (splitting events, lines and
                  UTF-8 sequences), 5 ms apart so the client reads them separately
  eol             line ending: "\n" (default), "\r\n" or "\r"
  no_space        `data:{...}` with no space after the colon
  keepalive       a `: keep-alive` comment before every event
  multiline       each event's JSON spread over several `data:` lines
  usage_chunk     send the usage-only chunk with "choices": [] (default: when asked for, as
                  OpenAI does with stream_options.include_usage)
  done            end with `data: [DONE]` (default true; Anthropic: message_stop)
  error_after     after this many deltas, an error object inside the 200 stream
  error_type      its type (default "server_error"; Anthropic "overloaded_error")
  cut_after       after this many deltas, reset the connection (the answer is cut)
  end_after       after this many deltas, end the HTTP response cleanly without finishing
  delay_ms        wait this long before each delta (slow, token-by-token streaming)
  cut_bytes       reset the connection after this many bytes of the stream (mid-event, mid-token,
                  even mid-UTF-8 sequence)
  drip_ms         write the stream one byte at a time, this many milliseconds apart
  garbage_mb      instead of events, this many megabytes of random bytes (no line ends)
  bad_utf8_after  after this many deltas, a delta whose text holds invalid UTF-8 bytes
  context_too_long  answer the provider's 400 for a prompt over the model's window
  not_streamed    answer with one JSON body even though the request asked for a stream
  tool_calls      the model asks for tools: a list of {"name", "arguments", "id"} ("arguments" an
                  object, or a string sent as it is, e.g. malformed JSON, or "deep": N for
                  {"query": [[…]]} nested N levels, written by the server; "id" defaults to
                  call_N / toolu_N). The text, if any, is "answer" (default none); the response
                  ends with finish_reason "tool_calls" (Anthropic: stop_reason "tool_use"), and
                  streamed arguments arrive in two pieces (input_json_delta for Anthropic)
  answer_mb       an answer of this many megabytes ("word " repeated; streamed in deltas of 4 KiB)
                  that ends as a complete answer would (finish_reason "stop", [DONE]), whatever
                  the request's max_tokens: a server that ignores it
  forever         a stream that never ends (for at most 60 s, or until the client goes): "empty"
                  (OpenAI: deltas with empty content; Anthropic: ping events) or "text" (deltas of
                  "word "), one every "every_ms" milliseconds (default 100; 0 for text: as fast
                  as the client reads)

The log entries of chat requests carry: kind ("chat" or "messages"), model, stream, system,
messages, max_tokens, temperature, tools, tool_choice, authorization, x_api_key, status, fault.
"""

import argparse
import hashlib
import io
import json
import re
import os
import socket
import struct
import sys
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

DEFAULTS = {"dimensions": 8, "latency_ms": 0}


class State:
    """Settings, the script and the request log, shared by the handler threads."""

    def __init__(self, config, log_path):
        self.lock = threading.Lock()
        self.initial = dict(config)
        self.config = dict(config)
        self.script = []
        self.chat_script = []
        self.rerank_script = []
        self.requests = []
        self.log_path = log_path

    def reset(self):
        with self.lock:
            self.config = dict(self.initial)
            self.script = []
            self.chat_script = []
            self.rerank_script = []
            self.requests = []

    def next_chat_behaviour(self):
        with self.lock:
            if self.chat_script:
                return self.chat_script.pop(0)
            return self.config.get("chat_always")

    def next_behaviour(self):
        with self.lock:
            if self.script:
                return self.script.pop(0)
            return self.config.get("always")

    def record(self, entry):
        """Logs a request before it is answered: a client that has its answer must find the
        request in the log. The entry's status and fault are filled in after the answer."""
        with self.lock:
            self.requests.append(entry)

    def finish(self, entry, **outcome):
        with self.lock:
            entry.update(outcome)
            if self.log_path:
                with open(self.log_path, "a", encoding="utf-8") as f:
                    f.write(json.dumps(entry) + "\n")


# Vector values as JSON text, one per byte value: building a response is string joins, so the
# server stays far below the benchmark's 50 ms per request even with 4 requests at once.
VALUE_TEXT = [repr(round((b - 127.5) / 128.0, 6)) for b in range(256)]


def vector_text(text, dims):
    """The vector of `text` as JSON numbers: its sha256 bytes, repeated, each mapped to [-1, 1)
    (tests recompute it). Built from a 32-value block repeated, so a 384-value vector costs 32
    lookups, not 384."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    block = ",".join([VALUE_TEXT[b] for b in digest])
    reps, rest = divmod(dims, 32)
    parts = [block] * reps
    if rest:
        parts.append(",".join([VALUE_TEXT[b] for b in digest[:rest]]))
    return ",".join(parts)


def embedding_item(index, values, with_index=True):
    head = '{"object":"embedding",' + ('"index":%d,' % index if with_index else "")
    return head + '"embedding":[' + values + "]}"


def embeddings_body(model, items, total_tokens):
    return ('{"object":"list","data":[' + ",".join(items) + '],"model":' + json.dumps(model) +
            ',"usage":{"prompt_tokens":%d,"total_tokens":%d}}' % (total_tokens, total_tokens))


def openai_error(message, type_="invalid_request_error", code=None):
    return {"error": {"message": message, "type": type_, "param": None, "code": code}}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "strata-test-openai/1"
    # TCP_NODELAY, as production servers set it: with Nagle on, the tail of an answer written
    # after its headers can wait for the client's delayed ACK.
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # quiet: tests read the log endpoint instead
        pass

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def state(self):
        return self.server.state

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def send(self, status, body, headers=None, content_type="application/json"):
        if isinstance(body, (dict, list)):
            body = json.dumps(body)
        if isinstance(body, str):
            body = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, str(v))
        self.end_headers()
        self.wfile.write(body)

    def reset_connection(self):
        """Close with RST (SO_LINGER 0): the client sees 'connection reset', not a clean EOF."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.connection.close()
        self.wfile = io.BytesIO()  # what the base class flushes afterwards goes nowhere

    def route(self, method):
        handler = ROUTES.get((method, self.path.split("?")[0]))
        if handler is None:
            self.read_body()
            self.send(404, openai_error("no route for %s %s" % (method, self.path)))
            return
        handler(self)

    def do_GET(self):
        self.route("GET")

    def do_POST(self):
        self.route("POST")

    # -- control ----------------------------------------------------------------------------
    def control_config(self):
        update = json.loads(self.read_body() or b"{}")
        with self.state.lock:
            self.state.config.update(update)
            config = dict(self.state.config)
        self.send(200, config)

    def control_script(self):
        script = json.loads(self.read_body() or b"{}").get("responses", [])
        with self.state.lock:
            self.state.script.extend(script)
        self.send(200, {"queued": len(script)})

    def control_rerank_script(self):
        script = json.loads(self.read_body() or b"{}").get("responses", [])
        with self.state.lock:
            self.state.rerank_script.extend(script)
        self.send(200, {"queued": len(script)})

    def json_or_400(self, raw, entry):
        """The request's JSON, or None after answering 400 (logged) when it is not JSON."""
        try:
            return json.loads(raw)
        except ValueError:
            self.state.record(entry)
            self.send(400, openai_error("We could not parse the JSON body of your request."))
            self.state.finish(entry, status=400, fault=None)
            return None

    def rerank(self):
        raw = self.read_body()
        entry = {"method": "POST", "path": self.path, "kind": "rerank", "time": time.time(),
                 "authorization": self.headers.get("Authorization")}
        req = self.json_or_400(raw, entry)
        if req is None:
            return
        entry.update(model=req.get("model"), query=req.get("query"), documents=req.get("documents"), top_n=req.get("top_n"))
        with self.state.lock:
            b = self.state.rerank_script.pop(0) if self.state.rerank_script else {}
        self.state.record(entry)
        if b.get("latency_ms"):
            time.sleep(b["latency_ms"] / 1000.0)
        if "status" in b:
            self.send(b["status"], b.get("body", openai_error("scripted %d" % b["status"], "server_error")))
            self.state.finish(entry, status=b["status"], fault=None)
            return
        if "body" in b:
            self.send(200, b["body"])
            self.state.finish(entry, status=200, fault=None)
            return
        words = set(re.findall(r"[a-z0-9]+", (req.get("query") or "").lower()))
        docs = req.get("documents") or []
        scored = []
        for i, d in enumerate(docs):
            text = d if isinstance(d, str) else (d or {}).get("text", "")
            have = set(re.findall(r"[a-z0-9]+", text.lower()))
            scored.append({"index": i, "relevance_score": len(words & have) - 0.001 * (len(text.encode()) / 100.0)})
        scored.sort(key=lambda r: -r["relevance_score"])
        if req.get("top_n"):
            scored = scored[: int(req["top_n"])]
        key = "data" if b.get("data") else "results"
        self.send(200, {"model": req.get("model") or "test-reranker", key: scored})
        self.state.finish(entry, status=200, fault=None)

    def control_chat_script(self):
        script = json.loads(self.read_body() or b"{}").get("responses", [])
        with self.state.lock:
            self.state.chat_script.extend(script)
        self.send(200, {"queued": len(script)})

    def control_log(self):
        with self.state.lock:
            requests = list(self.state.requests)
        self.send(200, {"requests": requests})

    def control_reset(self):
        self.read_body()
        self.state.reset()
        self.send(200, {"reset": True})

    def control_health(self):
        self.send(200, {"ok": True})

    # -- /v1/embeddings ---------------------------------------------------------------------
    def embeddings(self):
        raw = self.read_body()
        cfg = dict(self.state.config)
        entry = {"method": "POST", "path": self.path, "authorization": self.headers.get("Authorization"),
                 "time": time.time()}
        try:
            req = json.loads(raw)
        except ValueError:
            entry.update(n=0, inputs=[])
            self.state.record(entry)
            self.send(400, openai_error("We could not parse the JSON body of your request."))
            self.state.finish(entry, status=400, fault=None)
            return
        inputs = req.get("input")
        if isinstance(inputs, str):
            inputs = [inputs]
        model = req.get("model")
        entry.update(model=model, n=len(inputs or []), inputs=inputs, dimensions=req.get("dimensions"),
                     encoding_format=req.get("encoding_format"))
        behaviour = self.state.next_behaviour() or {}
        self.state.record(entry)
        status, fault = self.answer(cfg, req, inputs, model, behaviour)
        self.state.finish(entry, status=status, fault=fault)

    def answer(self, cfg, req, inputs, model, behaviour):
        """Sends the answer; returns (status, fault) for the log (status 0: connection reset)."""
        delay = cfg.get("latency_ms", 0) + (behaviour.get("ms", 0) if behaviour.get("fault") == "slow" else 0)
        if delay:
            time.sleep(delay / 1000.0)
        fault = behaviour.get("fault")
        if fault == "reset":
            self.reset_connection()
            return 0, fault
        if fault == "garbage":
            self.send_garbage(behaviour.get("mb", 50), "application/json")
            return 200, fault
        if "status" in behaviour:
            body = behaviour.get("body", openai_error("scripted %d" % behaviour["status"], "server_error"))
            self.send(behaviour["status"], body, behaviour.get("headers"))
            return behaviour["status"], None
        key = cfg.get("require_key")
        auth = self.headers.get("Authorization") or ""
        if key and auth != "Bearer " + key:
            sent = auth[len("Bearer "):] if auth.startswith("Bearer ") else auth
            shown = sent if cfg.get("echo_key") else (sent[:8] + "*" * 8 + sent[-4:] if len(sent) > 12 else sent)
            self.send(401, openai_error("Incorrect API key provided: %s. You can find your API key at "
                                        "https://platform.openai.com/account/api-keys." % shown, code="invalid_api_key"))
            return 401, None
        if cfg.get("models") and model not in cfg["models"]:
            self.send(404, openai_error("The model `%s` does not exist or you do not have access to it." % model,
                                        code="model_not_found"))
            return 404, None
        if not isinstance(inputs, list) or not inputs or not all(isinstance(s, str) for s in inputs):
            self.send(400, openai_error("'$.input' is invalid. Please check the API reference."))
            return 400, None
        if cfg.get("max_inputs") and len(inputs) > cfg["max_inputs"]:
            self.send(400, openai_error("too many inputs: %d > %d" % (len(inputs), cfg["max_inputs"])))
            return 400, None
        marker = cfg.get("bad_marker")
        if marker and any(marker in s for s in inputs):
            self.send(400, openai_error("This model's maximum context length is 8192 tokens (input contains %s)." % marker))
            return 400, None

        dims = req.get("dimensions") or cfg.get("dimensions", 8)
        items = []
        for i, text in enumerate(inputs):
            values = vector_text(text, dims)
            if fault == "wrong_dims":
                values += ",0.5"
            if fault == "nan" and i == len(inputs) - 1:
                values = "NaN" + values[values.find(","):]
            if fault == "inf" and i == len(inputs) - 1:
                values = "1e39" + values[values.find(","):]  # valid JSON, but infinite as float32
            items.append(embedding_item(i, values, with_index=fault != "no_index"))
        if fault == "wrong_count":
            items = items[:-1] if len(items) > 1 else items + items
        if fault == "shuffle":
            items.reverse()
        if fault == "bad_index" and len(items) > 1:
            items[1] = items[1].replace('"index":1,', '"index":0,', 1)
        body = embeddings_body(model, items, sum(len(s) // 4 + 1 for s in inputs))
        if fault == "malformed":
            body = body[: len(body) // 2]
        if fault == "empty":
            body = ""
        if fault == "bad_utf8":
            body = body.encode("utf-8").replace(b'"model":"', b'"model":"\xff\xfe\xc3(', 1)
        if fault == "drip":
            self.send_drip(body.encode("utf-8"), behaviour.get("ms", 1000))
            return 200, fault
        self.send(200, body)
        return 200, fault

    def send_garbage(self, mb, content_type):
        """200 and `mb` MB of random bytes, announced by Content-Length, written 1 MB at a time."""
        n = int(mb * (1 << 20))
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(n))
        self.end_headers()
        block = os.urandom(1 << 20)
        for i in range(0, n, len(block)):
            self.wfile.write(block[: min(len(block), n - i)])

    def send_drip(self, body, ms):
        """A valid answer, one byte every `ms` milliseconds, until done or the client leaves."""
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.flush()
        for i in range(len(body)):
            time.sleep(ms / 1000.0)
            self.wfile.write(body[i:i + 1])
            self.wfile.flush()

    # -- /v1/chat/completions and /v1/messages ------------------------------------------------
    def chat(self):
        self.chat_request("chat")

    def messages(self):
        self.chat_request("messages")

    def chat_request(self, kind):
        raw = self.read_body()
        cfg = dict(self.state.config)
        entry = {"method": "POST", "path": self.path, "kind": kind, "time": time.time(),
                 "authorization": self.headers.get("Authorization"), "x_api_key": self.headers.get("x-api-key"),
                 "anthropic_version": self.headers.get("anthropic-version"),
                 "traceparent": self.headers.get("traceparent")}
        req = self.json_or_400(raw, entry)
        if req is None:
            return
        entry.update(model=req.get("model"), stream=bool(req.get("stream")), system=req.get("system"),
                     messages=req.get("messages"), max_tokens=req.get("max_tokens"),
                     temperature=req.get("temperature"), stream_options=req.get("stream_options"),
                     tools=req.get("tools"), tool_choice=req.get("tool_choice"))
        behaviour = self.state.next_chat_behaviour() or {}
        self.state.record(entry)
        try:
            status, fault = self.chat_answer(kind, cfg, req, behaviour)
        except (ConnectionError, OSError):
            status, fault = 0, "client_gone"
        self.state.finish(entry, status=status, fault=fault)

    def chat_error(self, kind, status, message, type_, code=None):
        if kind == "messages":
            return {"type": "error", "error": {"type": type_, "message": message}}
        return openai_error(message, type_, code)

    def chat_answer(self, kind, cfg, req, b):
        if cfg.get("latency_ms"):
            time.sleep(cfg["latency_ms"] / 1000.0)
        fault = b.get("fault")
        if fault == "reset":
            self.reset_connection()
            return 0, fault
        if "status" in b:
            body = b.get("body", self.chat_error(kind, b["status"], "scripted %d" % b["status"], "server_error"))
            self.send(b["status"], body, b.get("headers"))
            return b["status"], None
        key = cfg.get("require_key")
        if key:
            if kind == "messages":
                sent = self.headers.get("x-api-key") or ""
                if sent != key:
                    self.send(401, self.chat_error(kind, 401, "invalid x-api-key", "authentication_error"))
                    return 401, None
            else:
                auth = self.headers.get("Authorization") or ""
                if auth != "Bearer " + key:
                    sent = auth[len("Bearer "):] if auth.startswith("Bearer ") else auth
                    shown = sent[:8] + "*" * 8 + sent[-4:] if len(sent) > 12 else sent
                    self.send(401, openai_error("Incorrect API key provided: %s. You can find your API key at "
                                                "https://platform.openai.com/account/api-keys." % shown,
                                                code="invalid_api_key"))
                    return 401, None
        prompt_chars = len(req.get("system") or "") + sum(
            len(m.get("content") or "") if isinstance(m.get("content"), str) else len(json.dumps(m.get("content")))
            for m in (req.get("messages") or []))
        if b.get("context_too_long") or (cfg.get("max_prompt_chars") and prompt_chars > cfg["max_prompt_chars"]):
            if kind == "messages":
                body = self.chat_error(kind, 400, "prompt is too long: %d tokens > 200000 maximum" % (prompt_chars // 4 + 200000),
                                       "invalid_request_error")
            else:
                body = openai_error("This model's maximum context length is 8192 tokens. However, your messages "
                                    "resulted in %d tokens. Please reduce the length of the messages." % (prompt_chars // 4 + 8192),
                                    code="context_length_exceeded")
            self.send(400, body)
            return 400, None

        model = req.get("model") or "test-model"
        if b.get("forever") and req.get("stream"):
            return self.stream_forever(kind, model, b["forever"], b.get("every_ms", 100 if b["forever"] == "empty" else 0))
        calls = tool_calls_of(b, kind)
        default_answer = "" if calls else cfg.get("answer", "Strata reads your documents [1].")
        answer = b.get("answer", default_answer)
        pieces = b.get("pieces")
        if b.get("answer_mb"):
            answer = "word " * int(b["answer_mb"] * (1 << 20) / 5)
            pieces = [answer[i:i + 4096] for i in range(0, len(answer), 4096)]
        if pieces is None:
            pieces = [w for w in answer.replace(" ", " \x00").split("\x00") if w]
        usage = {"in": prompt_chars // 4 + 1, "out": len(pieces)}
        if not req.get("stream") or b.get("not_streamed"):
            text = "".join(pieces)
            if kind == "messages":
                content = [{"type": "text", "text": text}] if text or not calls else []
                content += [{"type": "tool_use", "id": c["id"], "name": c["name"], "input": "\x00input%d" % i}
                            for i, c in enumerate(calls)]
                body = {"id": "msg_test", "type": "message", "role": "assistant", "model": model,
                        "content": content, "stop_reason": "tool_use" if calls else "end_turn",
                        "usage": {"input_tokens": usage["in"], "output_tokens": usage["out"]}}
                # Each input is its arguments' text spliced in as written: Python's json can
                # neither read nor write JSON as deep as a test may send.
                body = json.dumps(body)
                for i, c in enumerate(calls):
                    body = body.replace(json.dumps("\x00input%d" % i), c["arguments"] or "{}", 1)
            else:
                message = {"role": "assistant", "content": text if text or not calls else None}
                if calls:
                    message["tool_calls"] = [{"id": c["id"], "type": "function",
                                              "function": {"name": c["name"], "arguments": c["arguments"]}} for c in calls]
                body = {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()), "model": model,
                        "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls" if calls else "stop"}],
                        "usage": {"prompt_tokens": usage["in"], "completion_tokens": usage["out"],
                                  "total_tokens": usage["in"] + usage["out"]}}
            self.send(200, body)
            return 200, None
        return self.stream_answer(kind, req, b, model, pieces, usage, calls)

    def stream_forever(self, kind, model, how, every_ms):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if kind == "messages":
            empty = 'event: ping\ndata: {"type": "ping"}\n\n'
            text = ('event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, '
                    '"delta": {"type": "text_delta", "text": "word "}}\n\n')
        else:
            def chunk(content):
                return "data: " + json.dumps({"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1,
                                              "model": model, "choices": [{"index": 0, "delta": {"content": content},
                                                                           "finish_reason": None}]}) + "\n\n"
            empty, text = chunk(""), chunk("word ")
        data = (empty if how == "empty" else text * 20).encode()
        end = time.time() + 60
        sent = 0
        try:
            while time.time() < end:
                self.wfile.write(b"%x\r\n" % len(data) + data + b"\r\n")
                self.wfile.flush()
                sent += len(data)
                if every_ms:
                    time.sleep(every_ms / 1000.0)
        except (ConnectionError, OSError):
            return 200, "forever_client_gone_after_%d" % sent
        return 200, "forever_%d" % sent

    def stream_answer(self, kind, req, b, model, pieces, usage, calls=()):
        eol = b.get("eol", "\n")
        sep = "data:" if b.get("no_space") else "data: "

        def event(obj, name=None):
            text = obj if isinstance(obj, str) else json.dumps(obj)
            out = ": keep-alive" + eol + eol if b.get("keepalive") else ""
            if name:
                out += "event: " + name + eol
            if b.get("multiline") and not isinstance(obj, str):
                # JSON is whitespace-insensitive: break after each comma; the client joins the
                # data lines with "\n" and must still read one object.
                parts = text.split(", ")
                for i, part in enumerate(parts):
                    out += sep + part + ("," if i + 1 < len(parts) else "") + eol
            else:
                out += sep + text + eol
            return out + eol

        # The whole stream as a list of (text, is_delta): faults count deltas.
        items = []
        if kind == "messages":
            items.append((event({"type": "message_start", "message": {
                "id": "msg_test", "type": "message", "role": "assistant", "model": model, "content": [],
                "stop_reason": None, "usage": {"input_tokens": usage["in"], "output_tokens": 1}}}, "message_start"), False))
            items.append((event({"type": "content_block_start", "index": 0,
                                 "content_block": {"type": "text", "text": ""}}, "content_block_start"), False))
            items.append((event({"type": "ping"}, "ping"), False))
            for p in pieces:
                items.append((event({"type": "content_block_delta", "index": 0,
                                     "delta": {"type": "text_delta", "text": p}}, "content_block_delta"), True))
            items.append((event({"type": "content_block_stop", "index": 0}, "content_block_stop"), False))
            for i, c in enumerate(calls, start=1):
                items.append((event({"type": "content_block_start", "index": i, "content_block": {
                    "type": "tool_use", "id": c["id"], "name": c["name"], "input": {}}}, "content_block_start"), False))
                for part in halves(c["arguments"]):
                    items.append((event({"type": "content_block_delta", "index": i,
                                         "delta": {"type": "input_json_delta", "partial_json": part}}, "content_block_delta"), False))
                items.append((event({"type": "content_block_stop", "index": i}, "content_block_stop"), False))
            stop = "tool_use" if calls else "end_turn"
            items.append((event({"type": "message_delta", "delta": {"stop_reason": stop, "stop_sequence": None},
                                 "usage": {"output_tokens": usage["out"]}}, "message_delta"), False))
            if b.get("done", True):
                items.append((event({"type": "message_stop"}, "message_stop"), False))
        else:
            def chunk(delta, finish=None):
                return {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1, "model": model,
                        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
            items.append((event(chunk({"role": "assistant", "content": ""})), False))
            for p in pieces:
                items.append((event(chunk({"content": p})), True))
            for i, c in enumerate(calls):
                items.append((event(chunk({"tool_calls": [{"index": i, "id": c["id"], "type": "function",
                                                           "function": {"name": c["name"], "arguments": ""}}]})), False))
                for part in halves(c["arguments"]):
                    items.append((event(chunk({"tool_calls": [{"index": i, "function": {"arguments": part}}]})), False))
            if b.get("done", True):
                items.append((event(chunk({}, "tool_calls" if calls else "stop")), False))
            want_usage = b.get("usage_chunk", bool((req.get("stream_options") or {}).get("include_usage")))
            if want_usage:
                items.append((event({"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 1, "model": model,
                                     "choices": [], "usage": {"prompt_tokens": usage["in"], "completion_tokens": usage["out"],
                                                              "total_tokens": usage["in"] + usage["out"]}}), False))
            if b.get("done", True):
                items.append((event("[DONE]"), False))

        error_after, cut_after, end_after = b.get("error_after"), b.get("cut_after"), b.get("end_after")
        if "raw" in b:
            items = [(b["raw"], False)]
        if b.get("bad_utf8_after") is not None:
            # JSON text is built as str; the invalid bytes are swapped in when written (see write).
            n = b["bad_utf8_after"]
            deltas = [i for i, (_, is_delta) in enumerate(items) if is_delta]
            if n < len(deltas):
                text, _ = items[deltas[n]]
                items[deltas[n]] = (text.replace('"content": "', '"content": "\udcff\udcfe', 1)
                                    .replace('"text": "', '"text": "\udcff\udcfe', 1), True)
        if b.get("garbage_mb"):
            self.send_garbage(b["garbage_mb"], "text/event-stream")
            return 200, "garbage"

        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        split = b.get("split_bytes")
        delay = b.get("delay_ms", 0) / 1000.0
        drip = b.get("drip_ms")
        if drip:
            split = 1
        budget = [b.get("cut_bytes")]

        class Cut(Exception):
            pass

        def write(text):
            # Lone surrogates (bad_utf8_after) become the raw bytes they stand for: invalid UTF-8.
            data = text.encode("utf-8", "surrogateescape")
            step = split or len(data) or 1
            for i in range(0, len(data), step):
                part = data[i:i + step]
                if budget[0] is not None:
                    if budget[0] < len(part):
                        part = part[: budget[0]]
                        if part:
                            self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
                            self.wfile.flush()
                        raise Cut()
                    budget[0] -= len(part)
                self.wfile.write(b"%x\r\n" % len(part) + part + b"\r\n")
                self.wfile.flush()
                if split:
                    time.sleep(drip / 1000.0 if drip else 0.005)

        try:
            return self.write_items(items, b, kind, write, event, delay, cut_after, end_after, error_after)
        except Cut:
            self.reset_connection()
            return 0, "cut_bytes"

    def write_items(self, items, b, kind, write, event, delay, cut_after, end_after, error_after):
        deltas = 0
        for text, is_delta in items:
            if is_delta:
                if cut_after is not None and deltas >= cut_after:
                    self.reset_connection()
                    return 0, "cut"
                if end_after is not None and deltas >= end_after:
                    break
                if error_after is not None and deltas >= error_after:
                    if kind == "messages":
                        write(event({"type": "error", "error": {"type": b.get("error_type", "overloaded_error"),
                                                                "message": "Overloaded"}}, "error"))
                    else:
                        write(event({"error": {"message": "The server had an error while processing your request.",
                                               "type": b.get("error_type", "server_error"), "param": None, "code": None}}))
                    break
                if delay:
                    time.sleep(delay)
                deltas += 1
            write(text)
        self.wfile.write(b"0\r\n\r\n")
        self.wfile.flush()
        fault = "cut" if cut_after is not None else ("error" if error_after is not None else
                                                    ("ended" if end_after is not None else None))
        return 200, fault


def tool_calls_of(b, kind):
    """A behaviour's tool calls with ids and arguments as JSON text."""
    out = []
    for n, c in enumerate(b.get("tool_calls") or [], start=1):
        args = c.get("arguments", {})
        if isinstance(args, dict) and set(args) == {"deep"}:
            args = '{"query": ' + "[" * args["deep"] + "]" * args["deep"] + "}"
        out.append({"id": c.get("id", ("toolu_%d" if kind == "messages" else "call_%d") % n), "name": c["name"],
                    "arguments": args if isinstance(args, str) else json.dumps(args)})
    return out


def halves(text):
    """A call's arguments in two streamed pieces (one when too short to split)."""
    mid = len(text) // 2
    return [p for p in (text[:mid], text[mid:]) if p]


ROUTES = {
    ("POST", "/v1/chat/completions"): Handler.chat,
    ("POST", "/chat/completions"): Handler.chat,
    ("POST", "/v1/messages"): Handler.messages,
    ("POST", "/_control/chat_script"): Handler.control_chat_script,
    ("POST", "/v1/rerank"): Handler.rerank,
    ("POST", "/rerank"): Handler.rerank,
    ("POST", "/_control/rerank_script"): Handler.control_rerank_script,
    ("POST", "/v1/embeddings"): Handler.embeddings,
    ("POST", "/embeddings"): Handler.embeddings,
    ("POST", "/_control/config"): Handler.control_config,
    ("POST", "/_control/script"): Handler.control_script,
    ("GET", "/_control/log"): Handler.control_log,
    ("POST", "/_control/reset"): Handler.control_reset,
    ("GET", "/_control/health"): Handler.control_health,
}


class Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64

    def handle_error(self, request, client_address):
        # A client that gives up mid-answer (a timeout test, a kill -9) is expected here.
        if isinstance(sys.exc_info()[1], (ConnectionError, OSError)):
            return
        super().handle_error(request, client_address)


def serve(args):
    config = dict(DEFAULTS)
    config["dimensions"] = args.dimensions
    config["latency_ms"] = args.latency_ms
    if args.require_key:
        config["require_key"] = args.require_key
    server = Server((args.host, args.port), Handler)
    server.state = State(config, args.log)
    port = server.server_address[1]
    # Written after listen(), atomically: a test that sees the file can connect.
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.replace(tmp, args.port_file)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass


def ctl(args):
    with open(args.port_file) as f:
        port = int(f.read().strip())
    data = args.body.encode("utf-8") if args.body is not None else (b"{}" if args.method == "POST" else None)
    req = urllib.request.Request("http://127.0.0.1:%d%s" % (port, args.path), data=data, method=args.method,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=10) as r:
        sys.stdout.write(r.read().decode("utf-8") + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("--port-file", required=True)
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=0)
    s.add_argument("--dimensions", type=int, default=8)
    s.add_argument("--latency-ms", type=int, default=0)
    s.add_argument("--log", default=None, help="also append every request to this JSONL file")
    s.add_argument("--require-key", default=None)
    c = sub.add_parser("ctl")
    c.add_argument("port_file")
    c.add_argument("method", choices=["GET", "POST"])
    c.add_argument("path")
    c.add_argument("body", nargs="?")
    args = p.parse_args()
    serve(args) if args.command == "serve" else ctl(args)


if __name__ == "__main__":
    main()
