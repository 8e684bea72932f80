"""Times `strata search` on one store (bench/store_postgres.sh).

Usage:
  store_postgres_driver.py records CORPUS OUT ROWS SIZE   JSONL records from the corpus for ~ROWS chunks
  store_postgres_driver.py distinct CORPUS OUT ROWS SIZE DIR...
      the same, each text once: the corpus, then the text files under each DIR (.gz ones
      decompressed; binary files left out), for a collection of distinct chunks (bench/ann.sh
      DISTINCT_TEXT)
  store_postgres_driver.py queries CORPUS OUT Q [fresh]   Q real headings of the corpus's Markdown files
      (fresh: Q others, halfway between those, none the same)
  store_postgres_driver.py search STRATA STORE QUERIES MODE [CLIENTS]
      one `strata search --mode MODE -k 10` process per query, CLIENTS (default 1) at a time, each
      client taking every CLIENTS-th query; prints {"ms": [...], "errors": N, "first": ms}
  store_postgres_driver.py serve STRATA STORE QUERIES PASSES [FRESH]
      one `strata serve --ready-when-indexed` on the store, waited for until /readyz answers 200
      (as a balancer waits: its approximate vector index built or loaded); then the queries as
      POST /api/v1/search (keyword, k 10) one after another on one kept-alive connection, PASSES
      times over (the first pass reads what a long-running process keeps: on PostgreSQL the
      terms' posting blocks, on SQLite its copy of the keyword index once built), then one pass
      over the queries of FRESH (none of them asked before); prints
      {"ready_s": s, "passes": [[ms, ...], ...], "fresh": [ms, ...], "errors": N}
"""
import http.client
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import time


def corpus_files(corpus):
    for folder, _, names in sorted(os.walk(corpus)):
        for name in sorted(names):
            if name.endswith((".md", ".txt", ".rst")):
                yield os.path.join(folder, name)


def bodies(text):
    # A text's records: its paragraphs, 12 at a time, leaving out pieces under 200 characters.
    paras = [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]
    for start in range(0, len(paras), 12):
        body = "\n\n".join(paras[start:start + 12])
        if len(body) >= 200:
            yield body


def write_records(out, target, texts, unique=False):
    # JSONL records of the bodies of `texts` ((path, text) pairs), until `target` characters are
    # written; with `unique`, no body twice. Returns the records written.
    written = 0
    n = 0
    seen = set()
    with open(out, "w") as f:
        for path, text in texts:
            for body in bodies(text):
                if unique:
                    if hash(body) in seen:
                        continue
                    seen.add(hash(body))
                n += 1
                f.write(json.dumps({"id": "r%d" % n, "title": os.path.basename(path), "text": body}) + "\n")
                written += len(body)
                if written >= target:
                    return n
    return n


def records(corpus, out, rows, size):
    # Paragraphs of the corpus, packed into records of ~10 chunks; passes over the corpus repeat
    # until the text makes ~rows chunks of `size` characters (each pass under its own ids, so no
    # two records are the same document; their texts repeat, so at 1M rows about 12 chunks hold
    # each text: `distinct` below makes a collection without repeats).
    def passes():
        while True:
            for path in corpus_files(corpus):
                yield path, open(path, encoding="utf-8", errors="replace").read()
    return write_records(out, rows * size, passes())


def text_files(folder):
    for root, _, names in sorted(os.walk(folder)):
        for name in sorted(names):
            yield os.path.join(root, name)


def read_text(path):
    # A file's text, or None for one that is not text (a NUL in its first 4 KB, or not UTF-8).
    import gzip
    try:
        raw = gzip.open(path).read(8 << 20) if path.endswith(".gz") else open(path, "rb").read(8 << 20)
    except (OSError, EOFError):
        return None
    if b"\0" in raw[:4096]:
        return None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def distinct(corpus, out, rows, size, folders):
    # As records(), but no text twice: the corpus once, then each folder's text files, until the
    # text makes ~rows chunks (or the text runs out).
    paths = list(corpus_files(corpus)) + [p for folder in folders for p in text_files(folder)]
    texts = ((path, text) for path in paths for text in [read_text(path)] if text is not None)
    return write_records(out, rows * size, texts, unique=True)


def queries(corpus, out, q, fresh=False):
    heads = []
    for path in corpus_files(corpus):
        if not path.endswith(".md"):
            continue
        for line in open(path, encoding="utf-8", errors="replace"):
            m = re.match(r"^#{1,4}\s+(.*\S)\s*$", line)
            if m and 2 <= len(m.group(1).split()) <= 8 and re.search(r"[A-Za-z]{3}", m.group(1)):
                heads.append(m.group(1))
    step = max(1, len(heads) // q)
    # fresh: the headings halfway between those of the first set, none of them among it
    chosen = heads[::step][:q]
    if fresh:
        taken = set(chosen)
        chosen = [h for h in heads[step // 2::step] if h not in taken][:q]
    with open(out, "w") as f:
        for h in chosen:
            f.write(h + "\n")


def search(strata, store, queries_file, mode, clients=1):
    qs = [q for q in open(queries_file).read().splitlines() if q.strip()]
    extra = shlex.split(os.environ.get("SEARCH_ARGS", ""))  # e.g. "--title-cap 6"
    times, errors = [], [0]
    lock = threading.Lock()

    def one(q):
        t = time.perf_counter()
        r = subprocess.run([strata, "search", "--store", store, "--mode", mode, "-k", "10", "--json"] + extra + [q],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        ms = (time.perf_counter() - t) * 1000
        with lock:
            if r.returncode != 0:
                errors[0] += 1
                sys.stderr.write("search failed (%d): %s\n" % (r.returncode, r.stderr.decode()[:300]))
            else:
                times.append(ms)

    # The first query of a mode (a vector search builds or maps its snapshot) is reported apart.
    t = time.perf_counter()
    subprocess.run([strata, "search", "--store", store, "--mode", mode, "-k", "10"] + extra + [qs[0]],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = (time.perf_counter() - t) * 1000

    def client(i):
        for q in qs[i::clients]:
            one(q)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    print(json.dumps({"ms": times, "errors": errors[0], "first": first}))


def serve(strata, store, queries_file, passes, fresh_file=None):
    qs = [q for q in open(queries_file).read().splitlines() if q.strip()]
    fresh = [q for q in open(fresh_file).read().splitlines() if q.strip()] if fresh_file else []
    started = time.perf_counter()
    server = subprocess.Popen([strata, "serve", "--store", store, "--listen", "127.0.0.1:0", "--ready-when-indexed"],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        port = None
        for line in server.stdout:
            m = re.search(r"127\.0\.0\.1:(\d+)", line)
            if m:
                port = int(m.group(1))
                break
        if port is None:
            sys.exit("strata serve printed no address")
        # Its later lines are read and dropped, so that a full pipe never stops it.
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        while True:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            probe.request("GET", "/readyz")
            ready = probe.getresponse()
            ready.read()
            probe.close()
            if ready.status == 200:
                break
            if time.perf_counter() - started > 900:
                sys.exit("strata serve was not ready within 900 s")
            time.sleep(0.2)
        ready_s = time.perf_counter() - started
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        out, errors = [], 0
        for batch in [qs] * passes + ([fresh] if fresh else []):
            times = []
            for q in batch:
                body = json.dumps({"query": q, "k": 10, "mode": "keyword"})
                t = time.perf_counter()
                conn.request("POST", "/api/v1/search", body, {"Content-Type": "application/json"})
                r = conn.getresponse()
                data = r.read()
                ms = (time.perf_counter() - t) * 1000
                if r.status != 200:
                    errors += 1
                    sys.stderr.write("search failed (%d): %s\n" % (r.status, data[:300]))
                else:
                    times.append(ms)
            out.append(times)
        print(json.dumps({"ready_s": ready_s, "passes": out[:passes], "fresh": out[passes:][0] if fresh else [],
                          "errors": errors}))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "records":
        print(records(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5])))
    elif cmd == "distinct":
        print(distinct(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6:]))
    elif cmd == "queries":
        queries(sys.argv[2], sys.argv[3], int(sys.argv[4]), len(sys.argv) > 5 and sys.argv[5] == "fresh")
    elif cmd == "search":
        search(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]) if len(sys.argv) > 6 else 1)
    elif cmd == "serve":
        serve(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), sys.argv[6] if len(sys.argv) > 6 else None)
    else:
        sys.exit("usage: see the docstring")
