#!/usr/bin/env python3
"""A slow OpenAI-compatible chat model on 127.0.0.1 that holds thousands of streams at once.

Python standard library only (asyncio: one thread, a coroutine per connection, where
openai_server.py's ThreadingHTTPServer takes a thread per stream). For `strata serve`'s stream
tests and benchmarks (tests/e2e/serve_streams.sh, bench/serve_streams.sh,
bench/serve_first_token.sh).

    python3 slow_stream_server.py --port-file PORT [--first-ms 0] [--pieces 10] [--every-ms 100]

POST /v1/chat/completions (and /chat/completions), stream true: the first delta after
--first-ms, then --pieces deltas ("word1 ", "word2 ", ...) --every-ms apart, a last chunk with
finish_reason "stop" and usage, then data: [DONE]; one write per event, TCP_NODELAY. Without
stream: the same answer whole. POST /_control/config {"first_ms", "pieces", "every_ms"} changes
them. GET /_control/stats: {"open": streams open now, "max_open": most open at once,
"completed": streams written to the end, "gone": streams whose client closed the connection
before the end (the server saw it close), "requests": requests in all}. POST /_control/reset
zeroes the counts.
"""
import argparse
import asyncio
import json
import os
import socket
import sys
import time

CONFIG = {"first_ms": 0, "pieces": 10, "every_ms": 100}
STATS = {"open": 0, "max_open": 0, "completed": 0, "gone": 0, "requests": 0}


def chunk(delta, finish=None, usage=None):
    body = {"id": "chatcmpl-slow", "object": "chat.completion.chunk", "created": int(time.time()),
            "model": "slow-model", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if usage is not None:
        body["usage"] = usage
    return ("data: " + json.dumps(body) + "\n\n").encode()


def http_chunk(data):
    return b"%x\r\n" % len(data) + data + b"\r\n"


async def read_request(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    method, path, _ = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    n = int(headers.get("content-length", "0"))
    body = await reader.readexactly(n) if n else b""
    return method, path, headers, body


def whole(status, obj):
    data = json.dumps(obj).encode()
    head = "HTTP/1.1 %d OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n" % (status, len(data))
    return head.encode() + data


async def closed(reader):
    # The client sends nothing more on a stream: a read that ends means it closed its end.
    try:
        while await reader.read(4096):
            pass
    except (ConnectionError, OSError):
        pass


async def stream(reader, writer, cfg):
    STATS["open"] += 1
    STATS["max_open"] = max(STATS["max_open"], STATS["open"])
    gone = asyncio.ensure_future(closed(reader))
    try:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n"
                     b"Connection: close\r\n\r\n")
        await writer.drain()
        events = [chunk({"role": "assistant", "content": ""})]
        for i in range(cfg["pieces"]):
            events.append(chunk({"content": "word%d " % (i + 1)}))
        n = cfg["pieces"]
        events.append(chunk({}, "stop", {"prompt_tokens": 10, "completion_tokens": n, "total_tokens": 10 + n}))
        events.append(b"data: [DONE]\n\n")
        for i, event in enumerate(events):
            wait = cfg["first_ms"] if i == 1 else (cfg["every_ms"] if 1 < i <= n else 0)
            if wait:
                done, _ = await asyncio.wait([gone], timeout=wait / 1000.0)
                if done:
                    STATS["gone"] += 1
                    return
            if gone.done():
                STATS["gone"] += 1
                return
            writer.write(http_chunk(event))
            await writer.drain()
        writer.write(b"0\r\n\r\n")
        await writer.drain()
        STATS["completed"] += 1
    except (ConnectionError, OSError):
        STATS["gone"] += 1
    finally:
        STATS["open"] -= 1
        gone.cancel()


async def handle(reader, writer):
    sock = writer.get_extra_info("socket")
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        while True:
            try:
                method, path, headers, body = await read_request(reader)
            except (asyncio.IncompleteReadError, ConnectionError, OSError, ValueError):
                return
            STATS["requests"] += 1
            if path == "/_control/stats":
                writer.write(whole(200, STATS))
            elif path == "/_control/reset":
                for k in STATS:
                    STATS[k] = 0
                writer.write(whole(200, {}))
            elif path == "/_control/config" and method == "POST":
                CONFIG.update(json.loads(body or b"{}"))
                writer.write(whole(200, CONFIG))
            elif path.endswith("/chat/completions") and method == "POST":
                req = json.loads(body or b"{}")
                cfg = dict(CONFIG)
                if req.get("stream"):
                    await stream(reader, writer, cfg)
                    return
                text = "".join("word%d " % (i + 1) for i in range(cfg["pieces"]))
                writer.write(whole(200, {"id": "chatcmpl-slow", "object": "chat.completion", "created": int(time.time()),
                                         "model": "slow-model", "choices": [{"index": 0, "message": {
                                             "role": "assistant", "content": text}, "finish_reason": "stop"}],
                                         "usage": {"prompt_tokens": 10, "completion_tokens": cfg["pieces"],
                                                   "total_tokens": 10 + cfg["pieces"]}}))
            else:
                writer.write(whole(404, {"error": {"message": "not found", "type": "invalid_request_error"}}))
            await writer.drain()
            if headers.get("connection", "").lower() == "close":
                return
    finally:
        writer.close()


async def main(args):
    server = await asyncio.start_server(handle, args.host, args.port, backlog=4096)
    port = server.sockets[0].getsockname()[1]
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write(str(port))
    os.replace(tmp, args.port_file)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--port-file", required=True)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--first-ms", type=int, default=0)
    p.add_argument("--pieces", type=int, default=10)
    p.add_argument("--every-ms", type=int, default=100)
    a = p.parse_args()
    CONFIG.update({"first_ms": a.first_ms, "pieces": a.pieces, "every_ms": a.every_ms})
    try:
        asyncio.run(main(a))
    except KeyboardInterrupt:
        sys.exit(0)
