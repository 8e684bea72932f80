#!/usr/bin/env python3
"""Clients for bench/serve_streams.sh and bench/serve_first_token.sh (Python standard library only).

  streams BASE N RAMP_S EXPECT   N streamed chat completions at once (opened over RAMP_S seconds,
                                 each a question of its own so that none is a cached answer); a
                                 503 is asked again after its Retry-After, as OpenAI's SDKs do.
                                 Prints {"completed", "correct", "refused_503", "errors", "seconds"}:
                                 correct = the deltas joined are EXPECT and the stream ends [DONE].
  probe BASE SECONDS             GET /healthz on one keep-alive connection every 10 ms for SECONDS;
                                 prints {"n", "p50_ms", "p99_ms", "max_ms", "failed"}.
  first_token URL PATH BODY N    N requests one after another ({i} in BODY: the request's number,
                                 so that no answer is a cached one), each the time from sending it
                                 to its first content delta; prints {"n", "p50_ms", "p90_ms", "min_ms"}.
"""
import asyncio
import http.client
import json
import socket
import sys
import time
from urllib.parse import urlparse


def percentile(values, p):
    v = sorted(values)
    if not v:
        return None
    return round(v[min(len(v) - 1, int(p / 100.0 * len(v)))], 3)


def content_of(event_line):
    data = event_line[len(b"data: "):].strip()
    if data == b"[DONE]":
        return None, True
    try:
        event = json.loads(data)
    except ValueError:
        return "", False
    text = ""
    for choice in event.get("choices", []):
        text += choice.get("delta", {}).get("content") or ""
    return text, False


async def one_stream(host, port, i):
    body = json.dumps({"model": "strata/docs", "stream": True,
                       "messages": [{"role": "user", "content": "How is a migration rolled back? (%d)" % i}]}).encode()
    reader, writer = await asyncio.open_connection(host, port)
    try:
        writer.write(b"POST /v1/chat/completions HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                     b"Content-Length: %d\r\nConnection: close\r\n\r\n" % (host.encode(), len(body)) + body)
        await writer.drain()
        status_line = await reader.readline()
        status = int(status_line.split()[1])
        retry_after = 1
        while True:
            line = await reader.readline()
            if line in (b"\r\n", b""):
                break
            if line.lower().startswith(b"retry-after:"):
                retry_after = int(line.split(b":", 1)[1].strip() or b"1")
        if status != 200:
            return status, retry_after, "", False
        text, done = "", False
        rest = await reader.read()  # chunked: the frames' lines are intact within the body
        for line in rest.split(b"\n"):
            if line.startswith(b"data: "):
                t, d = content_of(line)
                done = done or d
                text += t or ""
        return 200, 0, text, done
    finally:
        writer.close()


async def streams(base, n, ramp, expect):
    u = urlparse(base)
    result = {"completed": 0, "correct": 0, "refused_503": 0, "errors": 0}

    async def run(i):
        await asyncio.sleep(ramp * i / n)
        for _ in range(30):
            try:
                status, retry_after, text, done = await one_stream(u.hostname, u.port, i)
            except (OSError, ValueError, IndexError, asyncio.IncompleteReadError):
                result["errors"] += 1
                return
            if status == 503:
                result["refused_503"] += 1
                await asyncio.sleep(retry_after)
                continue
            if status != 200:
                result["errors"] += 1
                return
            result["completed"] += int(done)
            result["correct"] += int(done and text.strip() == expect)
            return

    start = time.monotonic()
    await asyncio.gather(*(run(i) for i in range(n)))
    result["seconds"] = round(time.monotonic() - start, 2)
    return result


def probe(base, seconds):
    u = urlparse(base)
    lat, failed = [], 0
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        t0 = time.perf_counter()
        try:
            conn.request("GET", "/healthz")
            r = conn.getresponse()
            r.read()
            if r.status != 200:
                failed += 1
            else:
                lat.append((time.perf_counter() - t0) * 1000.0)
        except (OSError, http.client.HTTPException):
            failed += 1
            conn.close()
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=10)
        time.sleep(0.01)
    return {"n": len(lat), "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99),
            "max_ms": round(max(lat), 3) if lat else None, "failed": failed}


def first_token(url, path, body, n):
    u = urlparse(url)
    lat = []
    for _ in range(n):
        s = socket.create_connection((u.hostname, u.port))
        s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        data = body.replace("{i}", str(_ + 1)).encode()
        req = (b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n"
               b"Connection: close\r\n\r\n" % (path.encode(), len(data)) + data)
        t0 = time.perf_counter()
        s.sendall(req)
        got = b""
        while b'"content": "word1' not in got and b'"content":"word1' not in got:
            piece = s.recv(65536)
            if not piece:
                break
            got += piece
        lat.append((time.perf_counter() - t0) * 1000.0)
        while s.recv(65536):
            pass
        s.close()
    return {"n": n, "p50_ms": percentile(lat, 50), "p90_ms": percentile(lat, 90), "min_ms": round(min(lat), 3)}


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "streams":
        out = asyncio.run(streams(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), sys.argv[5]))
    elif mode == "probe":
        out = probe(sys.argv[2], float(sys.argv[3]))
    elif mode == "first_token":
        out = first_token(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        sys.exit(__doc__)
    print(json.dumps(out))
