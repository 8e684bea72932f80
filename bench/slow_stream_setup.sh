# Sourced by the benchmarks of answers streamed from a slow model (serve_streams.sh,
# serve_websocket.sh): slow_stream_setup makes a two-page collection `docs` in $T/store.db and
# starts tests/servers/slow_stream_server.py with PIECES deltas EVERY_MS apart, its pid added to
# PIDS and its base URL in UP. Needs ROOT, STRATA, T, PIECES, EVERY_MS and the array PIDS.
slow_stream_setup() {
  mkdir -p "$T/docs"
  printf '# Rollback\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest migration.\n' >"$T/docs/rollback.md"
  printf '# Search\n\nKeyword search ranks chunks with BM25.\n' >"$T/docs/search.md"
  "$STRATA" ingest "$T/docs" --store "$T/store.db" --collection docs -q
  python3 "$ROOT/tests/servers/slow_stream_server.py" --port-file "$T/up.port" --pieces "$PIECES" --every-ms "$EVERY_MS" &
  PIDS+=($!)
  for _ in $(seq 100); do [ -s "$T/up.port" ] && break; sleep 0.05; done
  UP=http://127.0.0.1:$(cat "$T/up.port")
}
