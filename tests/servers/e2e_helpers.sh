# shellcheck shell=bash
# Helpers for end-to-end tests and benchmarks that talk to the OpenAI-compatible test server
# (openai_server.py, next to this file): start and control it, read its request log, seed a
# store with collections of chunks, check stored vectors. Sourced after tests/e2e/lib.sh and
# e2e_init (it uses E2E_TMP, E2E_NAME, STRATA and e2e_bg). Kept out of tests/e2e/ so that CTest
# does not take it for a test.

SERVER_PY=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/openai_server.py

# start_server [ARGS...]: starts the server; sets PORT, URL (…/v1), SERVER_PID.
start_server() {
    rm -f "$E2E_TMP/.port"
    python3 "$SERVER_PY" serve --port-file "$E2E_TMP/.port" "$@" 2>"$E2E_TMP/.server.err" &
    SERVER_PID=$!
    e2e_bg "$SERVER_PID"
    disown "$SERVER_PID" 2>/dev/null  # no "Killed" notice from bash when the cleanup kills it
    local _
    for _ in $(seq 1 200); do
        [ -s "$E2E_TMP/.port" ] && break
        sleep 0.05
    done
    if [ ! -s "$E2E_TMP/.port" ]; then
        echo "$E2E_NAME: the test server did not start: $(cat "$E2E_TMP/.server.err")" >&2
        exit 2
    fi
    PORT=$(cat "$E2E_TMP/.port")
    URL="http://127.0.0.1:$PORT/v1"
}

# ctl_out METHOD PATH [JSON]: a control request to the server; prints the answer's body and fails
# unless the status is 2xx. Plain bash over /dev/tcp: a Python client took ~0.4 s to start, and the
# suites send thousands of these.
ctl_out() {
    local method=$1 path=$2 body=${3-} status line fd
    [ -n "$body" ] || { [ "$method" = POST ] && body='{}'; }
    exec {fd}<>"/dev/tcp/127.0.0.1/$(cat "$E2E_TMP/.port")" || return 1
    # Content-Length counts bytes, not characters.
    printf '%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s' \
        "$method" "$path" "$(LC_ALL=C; printf %s "${#body}")" "$body" >&"$fd"
    IFS=' ' read -r _ status _ <&"$fd"
    while IFS= read -r line <&"$fd" && [ "${line%$'\r'}" != "" ]; do :; done
    cat <&"$fd"
    exec {fd}<&-
    case "$status" in 2??) return 0 ;; *) echo "ctl $method $path: HTTP ${status:-no answer}" >&2; return 1 ;; esac
}
# ctl METHOD PATH [JSON]: the same, output discarded.
ctl() { ctl_out "$@" >/dev/null; }
server_reset() { ctl POST /_control/reset; }
server_config() { ctl POST /_control/config "$1"; }
server_script() { ctl POST /_control/script "{\"responses\": $1}"; }

# server_log PY_EXPR: evaluates PY_EXPR with `reqs` = the embeddings requests received since
# the last reset (each: n, inputs, status, fault, authorization, dimensions, model).
server_log() {
    ctl_out GET /_control/log | python3 -c '
import json, sys
reqs = [r for r in json.load(sys.stdin)["requests"] if r["path"].endswith("/embeddings")]
r = eval(sys.argv[1])
print(json.dumps(r) if isinstance(r, (list, dict)) else r)' "$1"
}
requests_made() { server_log 'len(reqs)'; }
inputs_sent() { server_log 'sum(len(r["inputs"] or []) for r in reqs)'; }

# new_store DB: creates an empty store (the missing collection makes embed exit 3 after
# opening, i.e. migrating, the store).
new_store() {
    local err
    err=$("$STRATA" embed --store "$1" --collection __create__ -q 2>&1 >/dev/null)
    [ -s "$1" ] || { echo "$E2E_NAME: could not create store $1: $err" >&2; exit 2; }
}

# seed DB COLLECTION DOCS PER_DOC [PREFIX]: a collection of DOCS documents (source
# PREFIX/docD.md) with PER_DOC chunks each, text "PREFIX doc D chunk K: ...".
seed() {
    python3 - "$@" <<'EOF'
import sqlite3, sys
db, coll, docs, per = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
prefix = sys.argv[5] if len(sys.argv) > 5 else coll
c = sqlite3.connect(db)
c.execute("PRAGMA foreign_keys = ON")
cid = c.execute("INSERT INTO collections (name) VALUES (?)", (coll,)).lastrowid
for d in range(docs):
    did = c.execute("INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader) "
                    "VALUES (?, ?, 'h', 1, 'text')", (cid, "%s/doc%d.md" % (prefix, d))).lastrowid
    for k in range(per):
        text = "%s doc %d chunk %d: notes about topic %d and migrations" % (prefix, d, k, d * per + k)
        c.execute("INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) "
                  "VALUES (?, ?, ?, 0, 1, 1, 1)", (did, k, text))
c.commit()
EOF
}

# set_chunk_text DB CHUNK_ID TEXT
set_chunk_text() {
    python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute("UPDATE chunks SET text = ? WHERE id = ?", (sys.argv[3], int(sys.argv[2]))); c.commit()' "$@"
}

# vectors_ok DB DIMS: every stored vector has DIMS float32 values and is the server's vector
# of its chunk's input: title and text (the server derives it from the input's sha256). Prints "ok" or a problem.
vectors_ok() {
    python3 - "$@" <<'EOF'
import hashlib, sqlite3, struct, sys
db, dims = sys.argv[1], int(sys.argv[2])
c = sqlite3.connect(db)
rows = c.execute("SELECT d.title, c.text, e.vector FROM embeddings e JOIN chunks c ON c.id = e.chunk_id"
                 " JOIN documents d ON d.id = c.document_id").fetchall()
for title, text, blob in rows:
    # strata embeds the document's title (first 300 characters), a blank line, then the text
    # (core/embed/chunk_input.h); the text alone when there is no title.
    if title:
        text = title[:300] + ("\n\n" + text if text else "")
    if len(blob) != 4 * dims:
        print("a vector has %d bytes, expected %d" % (len(blob), 4 * dims)); sys.exit()
    got = struct.unpack("<%df" % dims, blob)
    digest = hashlib.sha256(text.encode()).digest()
    want = [round((digest[i % 32] - 127.5) / 128.0, 6) for i in range(dims)]
    if any(abs(g - w) > 1e-6 for g, w in zip(got, want)):
        print("the vector of %r is not the server's" % text); sys.exit()
print("ok")
EOF
}

# chat_script JSON_LIST: one behaviour per upcoming chat request (openai_server.py's docstring).
chat_script() { ctl POST /_control/chat_script "{\"responses\": $1}"; }
# chat_log PY_EXPR: evaluates PY_EXPR with `reqs` = the chat requests since the last reset.
chat_log() {
    ctl_out GET /_control/log | python3 -c '
import json, sys
reqs = [r for r in json.load(sys.stdin)["requests"] if r.get("kind")]
r = eval(sys.argv[1])
print(json.dumps(r) if isinstance(r, (list, dict)) else r)' "$1"
}
chat_requests() { chat_log 'len(reqs)'; }

# migration_docs DIR: two short documents about migrations (rolling back, redo; checksums), the
# corpus that ask.sh and chat.sh question.
migration_docs() {
    mkdir -p "$1"
    cat >"$1/rollback.md" <<'EOF'
# Rolling back

Rolling back a migration runs its down section. Use strata migrate down to roll back the last
migration that was applied.

The redo command rolls back the last migration and applies it again in one step.
EOF
    cat >"$1/checksums.md" <<'EOF'
# Checksums

Every applied migration is recorded with a checksum of its file. When a file changes after it was
applied, strata check reports a checksum mismatch.
EOF
}
