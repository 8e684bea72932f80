// Clients for bench/serve_websocket.sh: N chats at once against `strata serve`, over its
// WebSocket (/api/v1/chat/ws, with the `ws` npm package) or as server-sent events (POST
// /v1/chat/completions with stream, the route bench/serve_streams.sh measures; POST /api/v1/ask's
// resumable answers are bounded to 32 at once and 4 a caller, core/serve/answer_streams.h), the
// same question shape either way, each a question of its own (its side's name and number) so
// that none is a cached answer.
//
//   node serve_websocket_client.mjs ws  CLIENTS_DIR BASE N RAMP_S EXPECT
//   node serve_websocket_client.mjs sse CLIENTS_DIR BASE N RAMP_S EXPECT
//
// The N connections are opened over RAMP_S seconds and all stay open until their answer ends.
//   ws:  open, wait for {"type":"ready"}, send {"type":"ask","question":...,"id":i}, read sources,
//        chunk..., then done (or error), then close 1000.
//   sse: POST /v1/chat/completions {"model":"strata/docs","stream":true,"messages":[question]} on
//        a connection of its own, read the deltas to data: [DONE] and the end of the body.
// A 503 refusal (--max-streams reached) is asked again after its Retry-After, as in
// serve_streams_client.py. CLIENTS_DIR: the folder where `ws` is installed (npm_install_pinned).
// Prints one JSON object: {"completed", "correct", "refused_503", "errors", "timeouts",
// "closes" (unexpected close codes and counts), "first_errors" (up to 5), "seconds",
// "ready_p50_ms"/"ready_p99_ms" (ws: open to ready), "first_chunk_p50_ms"/"first_chunk_p99_ms"
// (question sent to its first piece), "answer_p50_s"/"answer_max_s" (question sent to done)}.
// correct = the pieces joined are EXPECT (after trimming) and the answer ended with done ([DONE]).
import { createRequire } from 'node:module';
import http from 'node:http';
import path from 'node:path';

const [mode, clients, base, nArg, rampArg, expect] = process.argv.slice(2);
if (!['ws', 'sse'].includes(mode) || !expect) {
  console.error('usage: node serve_websocket_client.mjs ws|sse CLIENTS_DIR BASE N RAMP_S EXPECT');
  process.exit(2);
}
const N = Number(nArg);
const RAMP = Number(rampArg);
const TIMEOUT_MS = 300000; // one chat's bound, start to end
const u = new URL(base);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const question = (i) => `How is a migration rolled back? (${mode} ${i})`;

const result = { completed: 0, correct: 0, refused_503: 0, errors: 0, timeouts: 0, closes: {}, first_errors: [] };
const readyMs = [];
const firstChunkMs = [];
const answerS = [];
const noteError = (i, why) => {
  result.errors++;
  if (result.first_errors.length < 5) result.first_errors.push(`#${i}: ${why}`);
};

// One chat over a WebSocket: resolves to {status, retryAfter} (a refused upgrade) or {status: 101}.
function oneWs(WebSocket, i) {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/chat/ws`, { perMessageDeflate: false });
    const t0 = performance.now();
    let sent = 0;
    let text = '';
    let done = false;
    let settled = false;
    const finish = (v) => { if (!settled) { settled = true; clearTimeout(timer); resolve(v); } };
    const timer = setTimeout(() => { result.timeouts++; noteError(i, 'timed out'); ws.terminate(); finish({ status: 101 }); }, TIMEOUT_MS);
    ws.on('unexpected-response', (req, res) => {
      const retryAfter = Number(res.headers['retry-after'] || 1);
      res.resume();
      ws.terminate();
      finish({ status: res.statusCode, retryAfter });
    });
    ws.on('message', (data) => {
      let m;
      try { m = JSON.parse(data.toString()); } catch { noteError(i, 'a message that is not JSON'); return; }
      if (m.type === 'ready') {
        readyMs.push(performance.now() - t0);
        sent = performance.now();
        ws.send(JSON.stringify({ type: 'ask', question: question(i), id: i }));
      } else if (m.type === 'chunk' && m.id === i) {
        if (text === '') firstChunkMs.push(performance.now() - sent);
        text += m.content || '';
      } else if (m.type === 'done' && m.id === i) {
        done = true;
        answerS.push((performance.now() - sent) / 1000);
        result.completed++;
        if (text.trim() === expect) result.correct++;
        ws.close(1000);
      } else if (m.type === 'error') {
        noteError(i, `error message ${JSON.stringify(m).slice(0, 200)}`);
        ws.close(1000);
      }
    });
    ws.on('error', (e) => { if (!done) noteError(i, `socket error: ${e.message}`); });
    ws.on('close', (code) => {
      if (code !== 1000 && code !== 1005) result.closes[code] = (result.closes[code] || 0) + 1;
      if (!done && code !== 1000) noteError(i, `closed ${code} before done`);
      finish({ status: 101 });
    });
  });
}

// One streamed chat completion (OpenAI's route, as bench/serve_streams.sh's client asks it) on a
// connection of its own: the deltas' content, then data: [DONE].
function oneSse(i) {
  return new Promise((resolve) => {
    const body = JSON.stringify({ model: 'strata/docs', stream: true, messages: [{ role: 'user', content: question(i) }] });
    let settled = false;
    const finish = (v) => { if (!settled) { settled = true; clearTimeout(timer); resolve(v); } };
    const sent = performance.now();
    const req = http.request({
      host: u.hostname, port: u.port, path: '/v1/chat/completions', method: 'POST', agent: false,
      headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), Connection: 'close' },
    }, (res) => {
      if (res.statusCode !== 200) {
        const retryAfter = Number(res.headers['retry-after'] || 1);
        res.resume();
        return finish({ status: res.statusCode, retryAfter });
      }
      res.setEncoding('utf8');
      let buf = '';
      let text = '';
      let done = false;
      res.on('data', (s) => {
        buf += s;
        let at;
        while ((at = buf.indexOf('\n\n')) >= 0) {
          const ev = buf.slice(0, at);
          buf = buf.slice(at + 2);
          for (const line of ev.split('\n')) {
            if (!line.startsWith('data: ')) continue;
            const data = line.slice(6).trim();
            if (data === '[DONE]') {
              done = true;
              answerS.push((performance.now() - sent) / 1000);
              result.completed++;
              if (text.trim() === expect) result.correct++;
              continue;
            }
            let event;
            try { event = JSON.parse(data); } catch { noteError(i, 'an event that is not JSON'); continue; }
            if (event.error) noteError(i, `error event ${data.slice(0, 200)}`);
            for (const choice of event.choices || []) {
              const piece = (choice.delta && choice.delta.content) || '';
              if (piece && text === '') firstChunkMs.push(performance.now() - sent);
              text += piece;
            }
          }
        }
      });
      res.on('end', () => { if (!done) noteError(i, 'the stream ended before [DONE]'); finish({ status: 200 }); });
      res.on('error', (e) => { noteError(i, `response error: ${e.message}`); finish({ status: 200 }); });
    });
    const timer = setTimeout(() => { result.timeouts++; noteError(i, 'timed out'); req.destroy(); finish({ status: 200 }); }, TIMEOUT_MS);
    req.on('error', (e) => { noteError(i, `request error: ${e.message}`); finish({ status: 200 }); });
    req.end(body);
  });
}

const pct = (v, p) => {
  if (!v.length) return null;
  const s = [...v].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 1000) / 1000;
};

async function main() {
  const WebSocket = mode === 'ws' ? createRequire(path.join(clients, 'package.json'))('ws') : null;
  const run = async (i) => {
    await sleep((RAMP * 1000 * i) / N);
    for (let attempt = 0; attempt < 30; attempt++) {
      const r = mode === 'ws' ? await oneWs(WebSocket, i) : await oneSse(i);
      if (r.status === 503) {
        result.refused_503++;
        await sleep(1000 * r.retryAfter);
        continue;
      }
      if (r.status !== 101 && r.status !== 200) noteError(i, `status ${r.status}`);
      return;
    }
    noteError(i, 'still 503 after 30 tries');
  };
  const start = performance.now();
  await Promise.all(Array.from({ length: N }, (_, i) => run(i)));
  result.seconds = Math.round((performance.now() - start) / 10) / 100;
  if (mode === 'ws') {
    result.ready_p50_ms = pct(readyMs, 50);
    result.ready_p99_ms = pct(readyMs, 99);
  }
  result.first_chunk_p50_ms = pct(firstChunkMs, 50);
  result.first_chunk_p99_ms = pct(firstChunkMs, 99);
  result.answer_p50_s = pct(answerS, 50);
  result.answer_max_s = pct(answerS, 100);
  console.log(JSON.stringify(result));
}

main();
