#!/usr/bin/env python3
"""Store checks shared by the fault trials (trial_*.sh): what a store must satisfy after any
fault, and its content as canonical text, free of row ids and times, so that a run that was
interrupted and resumed can be compared line for line with one that was not. The canonical dump
is this file's canon(), and only this one: trials with a store check of their own import it
(PYTHONPATH=tests/e2e, `from trial_tool import canon`).

    trial_tool.py check DB [DIMS]   prints "ok" or one problem per line
    trial_tool.py canon DB          prints the canonical content
    trial_tool.py gen DIR FILES SEED  deterministic markdown files (about 2-6 KB each)

`check` opens the store read-write, as the next strata run would, so a WAL left by a killed
process is recovered first. With DIMS, every stored vector must be the test server's vector of
its chunk's text (tests/servers/openai_server.py derives it from the text's sha256).
"""
import hashlib
import os
import random
import sqlite3
import struct
import sys


def server_vector(text, dims):
    digest = hashlib.sha256(text.encode()).digest()
    return [round((digest[i % 32] - 127.5) / 128.0, 6) for i in range(dims)]


def embed_input(title, text):
    # What strata embeds for a chunk (core/embed/chunk_input.h): the document's title (its first
    # 300 characters) and a blank line before the text; the text alone when there is no title.
    if not title:
        return text
    title = title[:300]
    return title + "\n\n" + text if text else title


def check(db, dims=None):
    problems = []
    c = sqlite3.connect(db)
    one = lambda sql: c.execute(sql).fetchone()[0]
    ic = c.execute("PRAGMA integrity_check").fetchall()
    if ic != [("ok",)]:
        problems.append("integrity_check: %s" % ic[:3])
    if c.execute("PRAGMA foreign_key_check").fetchall():
        problems.append("foreign_key_check reports rows")
    if one("SELECT count(*) FROM strata_store_migrations WHERE state <> 'applied'"):
        problems.append("a store migration is recorded as partial")
    # FTS5's own check of the index against its content table: the keyword index is in step.
    try:
        c.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES('integrity-check', 1)")
    except sqlite3.DatabaseError as e:
        problems.append("FTS integrity-check: %s" % e)
    checks = {
        "FTS rows <> chunks": "SELECT (SELECT count(*) FROM chunks_fts_docsize) - (SELECT count(*) FROM chunks)",
        "orphan chunks": "SELECT count(*) FROM chunks WHERE document_id NOT IN (SELECT id FROM documents)",
        "chunk_count <> chunk rows": "SELECT count(*) FROM documents d WHERE d.chunk_count <>"
                                     " (SELECT count(*) FROM chunks c WHERE c.document_id = d.id)",
        "vectors without a chunk": "SELECT count(*) FROM embeddings WHERE chunk_id NOT IN (SELECT id FROM chunks)",
        # A batch's vectors and cache rows are one transaction: a vector without its cache row
        # means a batch was half written.
        "vectors without a cache row": "SELECT count(*) FROM embeddings e JOIN chunks c ON c.id = e.chunk_id"
                                       " JOIN documents d ON d.id = c.document_id JOIN collections k ON k.id = d.collection_id"
                                       " WHERE k.embedding_provider <> 'local' AND NOT EXISTS (SELECT 1 FROM embedding_cache x"
                                       # the provider alone (OpenAI's own API) or followed by the server
                                       " WHERE (x.provider = k.embedding_provider OR x.provider LIKE k.embedding_provider || ' %')"
                                       " AND x.model = k.embedding_model AND x.dimensions = k.embedding_dimensions"
                                       " AND x.vector = e.vector)",
        "vectors of a collection with no model": "SELECT count(*) FROM embeddings e JOIN chunks c ON c.id = e.chunk_id"
                                                 " JOIN documents d ON d.id = c.document_id JOIN collections k"
                                                 " ON k.id = d.collection_id WHERE k.embedding_model IS NULL",
    }
    for what, sql in checks.items():
        n = one(sql)
        if n:
            problems.append("%s: %d" % (what, n))
    if dims:
        for title, text, blob in c.execute("SELECT d.title, c.text, e.vector FROM embeddings e"
                                           " JOIN chunks c ON c.id = e.chunk_id JOIN documents d ON d.id = c.document_id"):
            if len(blob) != 4 * dims:
                problems.append("a vector has %d bytes, expected %d" % (len(blob), 4 * dims))
                break
            got = struct.unpack("<%df" % dims, blob)
            if any(abs(g - w) > 1e-6 for g, w in zip(got, server_vector(embed_input(title, text), dims))):
                problems.append("the vector of %r is not the server's" % text[:40])
                break
    c.rollback()
    print("\n".join(problems) if problems else "ok")


def canon(db):
    """The store's content as text lines, free of row ids and times: the one canonical dump that
    every trial compares (a run that was interrupted or raced against one that was not).

        K  collection  chunk_config  embedding provider, model, dimensions ('', '', 0: none)
        D  collection  source  content_hash  size_bytes  chunk_count  char_count  loader
           encoding  metadata  title  path
        C  collection  source  ordinal  start_byte  end_byte  char_start  char_end  line_start
           line_end  token_count  headings  chunk config  sha256(text)  vector (hex; '-': none)
        X  provider  model  dimensions  text_sha256  vector (hex): the embedding cache

    The first two fields of D and C lines name the document. A store whose embedding tables do
    not exist yet (killed while its own migrations ran) dumps as one without vectors."""
    c = sqlite3.connect(db)
    tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    vectors = {"embeddings", "embedding_cache"} <= tables
    model = ("coalesce(embedding_provider, ''), coalesce(embedding_model, ''), coalesce(embedding_dimensions, 0)"
             if vectors else "'', '', 0")
    out = []
    for row in c.execute("SELECT name, chunk_config, %s FROM collections ORDER BY name" % model):
        out.append("K\t" + "\t".join(map(str, row)))
    for row in c.execute("SELECT k.name, d.source, d.content_hash, d.size_bytes, d.chunk_count, d.char_count,"
                         " d.loader, d.encoding, d.metadata, coalesce(d.title, ''), coalesce(d.path, '')"
                         " FROM documents d JOIN collections k ON k.id = d.collection_id ORDER BY k.name, d.source"):
        out.append("D\t" + "\t".join(map(str, row)))
    vector, join = (("CASE WHEN e.vector IS NULL THEN '-' ELSE hex(e.vector) END",
                     " LEFT JOIN embeddings e ON e.chunk_id = c.id") if vectors else ("'-'", ""))
    for row in c.execute("SELECT k.name, d.source, c.ordinal, c.start_byte, c.end_byte, c.char_start, c.char_end,"
                         " c.line_start, c.line_end, c.token_count, c.headings, coalesce(g.config, 'NULL'), c.text, "
                         + vector + " FROM chunks c JOIN documents d ON d.id = c.document_id"
                         " JOIN collections k ON k.id = d.collection_id LEFT JOIN chunk_configs g ON g.id = c.config_id"
                         + join + " ORDER BY k.name, d.source, c.ordinal"):
        *head, text, vec = row
        out.append("C\t" + "\t".join(map(str, head)) + "\t" + hashlib.sha256(text.encode()).hexdigest() + "\t" + vec)
    if vectors:
        for row in c.execute("SELECT provider, model, dimensions, text_sha256, hex(vector) FROM embedding_cache"
                             " ORDER BY provider, model, dimensions, text_sha256"):
            out.append("X\t" + "\t".join(map(str, row)))
    c.close()
    return out


def gen(dest, files, seed):
    rnd = random.Random(seed)
    words = "alpha beta gamma delta caf\u00e9 \u65e5\u672c quokka zebra ocelot narwhal badger lorem ipsum".split()
    for i in range(files):
        sub = os.path.join(dest, "abcd"[i % 4])
        os.makedirs(sub, exist_ok=True)
        parts = ["# File %d\n" % i]
        for s in range(rnd.randint(3, 8)):
            parts.append("## Part %d\n\n" % s + " ".join(rnd.choice(words) for _ in range(rnd.randint(30, 90))) + "\n")
        with open(os.path.join(sub, "f%04d.md" % i), "w", encoding="utf-8") as f:
            f.write("\n".join(parts))


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "check":
        check(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else None)
    elif cmd == "canon":
        print("\n".join(canon(sys.argv[2])))
    elif cmd == "gen":
        gen(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit("unknown command " + cmd)
