// Clients nobody here wrote against strata serve's chat over WebSocket (/api/v1/chat/ws): the
// `ws` npm client and Chromium's own WebSocket driven by Playwright. Prints "ok NAME",
// "FAIL NAME: why" and "note TEXT" lines (tests/e2e/lib.sh's report_checks).
//
// Usage: node serve_websocket.mjs CLIENTS_DIR BASE STRATA PART [KEY]
//   PART keyless: several questions and a follow-up, bad JSON, an unknown type, ping, cancel, a
//                 reset, an Origin not allowed, a client that reads nothing;
//   PART keyed:   the key in the header, in a first message, a bad one, none in time, a first
//                 message that is not auth, a key revoked mid-answer (KEY: a read key's secret;
//                 REVOKE_NAME in the environment: a second key's name, REVOKE_KEY its secret);
//   PART browser: Chromium's WebSocket from the server's page, with the key in a first message,
//                 and from a page of no origin (refused);
//   PART idle:    the server's pings (a server with --idle-timeout 1): answered, unanswered (KEY:
//                 a read key's secret).
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const [clients, base, strata, part, key] = process.argv.slice(2);
const require = createRequire(path.join(clients, 'package.json'));
const wsUrl = base.replace(/^http/, 'ws') + '/api/v1/chat/ws';
let failed = 0;
const ok = (name) => console.log(`ok ${name}`);
const fail = (name, why) => { failed++; console.log(`FAIL ${name}: ${why}`); };
const note = (text) => console.log(`note ${text}`);
const check = (name, cond, why) => (cond ? ok(name) : fail(name, why));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// A connection whose messages (parsed) and close are recorded; `until(pred, ms)` waits for them.
function connect(options = {}, url = wsUrl) {
  const WebSocket = require('ws');
  const ws = new WebSocket(url, options);
  const c = { ws, messages: [], closed: null, error: null, status: null };
  const waiters = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  ws.on('message', (data) => { try { c.messages.push(JSON.parse(data.toString())); } catch { c.messages.push({ raw: data.toString() }); } wake(); });
  ws.on('close', (code, reason) => { c.closed = { code, reason: reason.toString() }; wake(); });
  ws.on('error', (e) => { c.error = e.message; wake(); });
  ws.on('unexpected-response', (req, res) => { c.status = res.statusCode; c.closed = { code: -1, reason: '' }; ws.terminate(); wake(); });
  c.send = (m) => ws.send(typeof m === 'string' ? m : JSON.stringify(m));
  c.until = async (pred, ms = 15000) => {
    const end = Date.now() + ms;
    while (!pred(c)) {
      const left = end - Date.now();
      if (left <= 0) return false;
      await new Promise((r) => { waiters.push(r); setTimeout(r, Math.min(left, 200)); });
    }
    return true;
  };
  c.of = (type, id) => c.messages.filter((m) => m.type === type && (id === undefined || m.id === id));
  c.done = (id) => c.of('done', id).length > 0 || c.of('error', id).length > 0;
  return c;
}

// A follow-up's answer: its question rewritten by the model from the history, or searched for
// with the earlier question's words (ask's with_earlier_questions).
const followUp = (done, word) => !!done && (done.rewritten === true || (done.retrieval_query || '').includes(word));
const text = (c, id) => c.of('chunk', id).map((m) => m.content).join('');

async function keyless() {
  const c = connect();
  await c.until((x) => x.of('ready').length > 0);
  check('ready on open', c.of('ready').length === 1, JSON.stringify(c.messages));
  // Three questions sent at once: answered in order, each with its id; the third a follow-up.
  c.send({ type: 'ask', question: 'How is a migration rolled back?', id: 'q1' });
  c.send({ type: 'ask', question: 'How does keyword search rank chunks?', id: 'q2' });
  c.send({ type: 'ask', question: 'And what undoes it?', id: 'q3' });
  await c.until((x) => x.done('q1') && x.done('q2') && x.done('q3'), 30000);
  for (const id of ['q1', 'q2', 'q3']) {
    const done = c.of('done', id)[0];
    check(`${id} answered`, done && done.answer && done.answer.length > 0, JSON.stringify(c.messages.filter((m) => m.id === id)).slice(0, 400));
    check(`${id} sources before its chunks`, c.messages.findIndex((m) => m.id === id && m.type === 'sources') <
      c.messages.findIndex((m) => m.id === id && m.type === 'chunk'), 'order');
    check(`${id} chunks make the answer`, done && text(c, id) === done.answer, `${text(c, id)} | ${done && done.answer}`);
  }
  const order = c.messages.filter((m) => m.type === 'done').map((m) => m.id).join(',');
  check('answered in order', order === 'q1,q2,q3', order);
  const q3 = c.of('done', 'q3')[0];
  check('the third question is a follow-up (the connection\'s history sent with it)', followUp(q3, 'keyword'), JSON.stringify(q3 && [q3.rewritten, q3.retrieval_query]));

  c.send('{not json');
  c.send({ type: 'sing' });
  c.send({ no: 'type' });
  c.send({ type: 'ping' });
  await c.until((x) => x.of('pong').length > 0);
  const errors = c.of('error').filter((m) => m.id === undefined);
  check('bad JSON is an error message', errors.some((m) => m.status === 400 && /JSON/.test(m.detail)), JSON.stringify(errors));
  check('an unknown type is an error message', errors.some((m) => m.status === 422 && /unknown message type 'sing'/.test(m.detail)), JSON.stringify(errors));
  check('a message without a type is an error message', errors.some((m) => m.status === 422 && /"type"/.test(m.detail)), JSON.stringify(errors));
  check('ping answered with pong', c.of('pong').length === 1, JSON.stringify(c.messages.slice(-3)));
  // RFC 6455's own ping frame: the server answers it with a pong frame.
  let framePong = false;
  c.ws.on('pong', () => { framePong = true; });
  c.ws.ping('strata');
  await c.until(() => framePong, 5000);
  check('a ping frame is answered with a pong frame', framePong, 'no pong frame');
  check('the connection stays open after bad messages', c.closed === null, JSON.stringify(c.closed));

  c.send({ type: 'ask', question: 'How is a migration rolled back?', collection: 'nope', id: 'bad' });
  c.send({ type: 'ask', id: 'noq' });
  c.send({ type: 'ask', question: 'x', history: [], id: 'hist' });
  await c.until((x) => x.done('bad') && x.done('noq') && x.done('hist'));
  check('an unknown collection is an error for its question', c.of('error', 'bad').some((m) => m.status === 404), JSON.stringify(c.of('error', 'bad')));
  check('a question without its text is 422', c.of('error', 'noq').some((m) => m.status === 422), JSON.stringify(c.of('error', 'noq')));
  check('history is the connection\'s', c.of('error', 'hist').some((m) => m.status === 422 && /history/.test(m.detail)), JSON.stringify(c.of('error', 'hist')));

  // Cancel: the slow answer stops early (the model writes a word every 250 ms).
  c.send({ type: 'reset' });
  await c.until((x) => x.of('reset').length > 0);
  check('reset acknowledged', c.of('reset').length === 1, 'no reset message');
  const t0 = Date.now();
  c.send({ type: 'ask', question: 'Tell me everything about search ranking', id: 'slow' });
  await c.until((x) => x.of('chunk', 'slow').length > 0);
  c.send({ type: 'cancel' });
  await c.until((x) => x.done('slow'));
  const took = Date.now() - t0;
  check('cancel ends the answer early', c.done('slow') && took < 4000, `took ${took} ms: ${JSON.stringify(c.messages.filter((m) => m.id === 'slow').slice(-2))}`);
  c.ws.close(1000, 'bye');
  await c.until((x) => x.closed !== null);
  check('the client closes cleanly', c.closed && c.closed.code === 1000, JSON.stringify(c.closed));

  // An Origin that is neither the server's own nor allowed: refused before the upgrade.
  const evil = connect({ origin: 'http://evil.example' });
  await evil.until((x) => x.closed !== null);
  check('an Origin not allowed is refused (403)', evil.status === 403, `status ${evil.status} ${JSON.stringify(evil.closed)}`);
  const own = connect({ origin: base });
  await own.until((x) => x.of('ready').length > 0);
  check('the server\'s own Origin is let in', own.of('ready').length === 1, `status ${own.status}`);
  own.ws.close();

  // A client that reads nothing while a long answer comes: closed (1008), never buffered without end.
  // The model's answer: 16 MB (CONTROL: the test server's control address).
  await fetch(`${process.env.CONTROL}/_control/config`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ chat_always: { answer_mb: 16 } }) });
  const lazy = connect();
  await lazy.until((x) => x.of('ready').length > 0);
  lazy.ws._socket.pause();
  // Each answer is cut at 256 KiB (and its done repeats it): 100 of them, 50 MB, pass what TCP
  // buffers hold (a few MB on loopback) long before the last; the server gives up past 1 MiB queued.
  // The client reads nothing until the server has let the connection go (its gauge back to 0:
  // the close sent behind what TCP holds, or the connection cut when the close is not answered).
  for (let i = 0; i < 100; i++) lazy.send({ type: 'ask', question: `Write the longest answer you can (${i})`, id: `long${i}` });
  const gaugeOpen = async () => {
    const text = await (await fetch(`${base}/metrics`)).text();
    const m = text.match(/^strata_websocket_connections_open (\d+)$/m);
    return m ? Number(m[1]) : -1;
  };
  const lazyAt = Date.now();
  while (Date.now() - lazyAt < 120000 && (await gaugeOpen()) !== 0) await sleep(500);
  const gaveUp = Date.now() - lazyAt;
  check('the server lets a client that reads nothing go', gaveUp < 120000, `still open after ${gaveUp} ms`);
  lazy.ws._socket.resume();
  await lazy.until((x) => x.closed !== null, 20000);
  // 1008 when the client's kernel still held the close frame; 1006 when the server had to cut
  // the connection (its close unanswered) and TCP dropped what was on the way.
  check('a client that reads nothing is closed (1008, or cut)', lazy.closed && [1008, 1006].includes(lazy.closed.code),
    `${JSON.stringify(lazy.closed)} after ${lazy.messages.length} messages`);
  note(`a client that reads nothing: let go after ${gaveUp} ms, closed ${lazy.closed && lazy.closed.code}`);
  check('its answers were cut', lazy.of('done', 'long99').length === 0, `${lazy.of('done').length} answers were sent whole`);
}

async function keyed() {
  const bearer = { headers: { Authorization: `Bearer ${key}` } };
  const h = connect(bearer);
  await h.until((x) => x.of('ready').length > 0);
  check('the key in the Authorization header: ready at once', h.of('ready').length === 1, JSON.stringify(h.messages) + (h.status ?? ''));
  h.send({ type: 'ask', question: 'How is a migration rolled back?', id: 1 });
  await h.until((x) => x.done(1));
  check('a keyed connection asks', h.of('done', 1).length === 1, JSON.stringify(h.messages).slice(0, 300));
  h.ws.close();

  const bad = connect({ headers: { Authorization: 'Bearer sk-strata-nope' } });
  await bad.until((x) => x.closed !== null);
  check('a bad key in the header is refused before the upgrade (401)', bad.status === 401, `status ${bad.status}`);

  const m = connect();
  m.ws.on('open', () => m.send({ type: 'auth', token: key }));
  await m.until((x) => x.of('ready').length > 0);
  check('the key in a first message: ready', m.of('ready').length === 1, JSON.stringify(m.messages));
  m.send({ type: 'ask', question: 'How does keyword search rank chunks?', id: 2 });
  await m.until((x) => x.done(2));
  check('asks after a first-message key', m.of('done', 2).length === 1, JSON.stringify(m.messages).slice(0, 300));
  m.ws.close();

  const wrong = connect();
  wrong.ws.on('open', () => wrong.send({ type: 'auth', token: 'sk-strata-' + 'x'.repeat(43) }));
  await wrong.until((x) => x.closed !== null);
  check('a bad key in a first message: error 401, closed 4401',
    wrong.closed && wrong.closed.code === 4401 && wrong.of('error').some((e) => e.status === 401), JSON.stringify(wrong.messages) + JSON.stringify(wrong.closed));

  const early = connect();
  early.ws.on('open', () => early.send({ type: 'ask', question: 'hello' }));
  await early.until((x) => x.closed !== null);
  check('a question before the key: closed 4401', early.closed && early.closed.code === 4401, JSON.stringify(early.closed));

  const silent = connect();
  const t0 = Date.now();
  await silent.until((x) => x.closed !== null, 20000);
  const waited = Date.now() - t0;
  check('no key within 10 s: closed 4408', silent.closed && silent.closed.code === 4408 && waited >= 9000 && waited < 15000,
    `${JSON.stringify(silent.closed)} after ${waited} ms`);

  // A key revoked while its answer is written (a word every 700 ms): an error, then 4401.
  const r = connect({ headers: { Authorization: `Bearer ${process.env.REVOKE_KEY}` } });
  await r.until((x) => x.of('ready').length > 0);
  r.send({ type: 'ask', question: 'Tell me slowly how a migration is rolled back', id: 'r' });
  await r.until((x) => x.of('chunk', 'r').length > 0);
  execFileSync(strata, ['keys', 'revoke', process.env.REVOKE_NAME], { stdio: 'ignore' });
  const t1 = Date.now();
  await r.until((x) => x.closed !== null, 15000);
  check('a key revoked mid-answer: error 401 then closed 4401 within 4 s',
    r.closed && r.closed.code === 4401 && r.of('error').some((e) => e.status === 401) && Date.now() - t1 < 4000,
    `${JSON.stringify(r.closed)} after ${Date.now() - t1} ms; ${JSON.stringify(r.messages.slice(-2))}`);
  check('its answer did not finish', r.of('done', 'r').length === 0, 'done was sent');
}

// The server's own pings (the server runs with --idle-timeout 1): a client that answers them
// stays, one that does not is cut off.
async function idle() {
  const headers = { Authorization: `Bearer ${key}` };
  const alive = connect({ headers });
  const mute = connect({ headers, autoPong: false });
  let pinged = 0;
  alive.ws.on('ping', () => { pinged++; });
  await alive.until((x) => x.of('ready').length > 0);
  await mute.until((x) => x.of('ready').length > 0);
  await sleep(4500);
  check('an idle client is pinged', pinged >= 1, `${pinged} pings`);
  check('a client that answers pings stays open', alive.closed === null, JSON.stringify(alive.closed));
  check('a client that answers none is closed', mute.closed !== null, 'still open');
  alive.ws.close(1000);
  await alive.until((x) => x.closed !== null);
}

async function browser() {
  const { chromium } = require('playwright-core');
  const b = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
  try {
    const page = await b.newPage();
    await page.goto(base + '/');
    const got = await page.evaluate(async ({ url, key }) => {
      const ws = new WebSocket(url);
      const messages = [];
      let closed = null;
      ws.onmessage = (e) => messages.push(JSON.parse(e.data));
      ws.onclose = (e) => { closed = e.code; };
      await new Promise((r) => { ws.onopen = r; ws.onerror = r; });
      ws.send(JSON.stringify({ type: 'auth', token: key }));
      ws.send(JSON.stringify({ type: 'ask', question: 'How is a migration rolled back?', id: 1 }));
      ws.send(JSON.stringify({ type: 'ask', question: 'And in one word?', id: 2 }));
      const end = Date.now() + 20000;
      while (Date.now() < end && messages.filter((m) => m.type === 'done' || m.type === 'error').length < 2) {
        await new Promise((r) => setTimeout(r, 50));
      }
      ws.close(1000);
      await new Promise((r) => setTimeout(r, 300));
      return { messages, closed };
    }, { url: wsUrl, key });
    const done = got.messages.filter((m) => m.type === 'done');
    check('Chromium: ready after the key in a first message', got.messages[0] && got.messages[0].type === 'ready', JSON.stringify(got.messages[0]));
    check('Chromium: two answers over one connection', done.length === 2 && done[0].id === 1 && done[1].id === 2, JSON.stringify(got.messages).slice(0, 400));
    check('Chromium: the second is a follow-up', followUp(done[1], 'migration'), JSON.stringify(done[1] && [done[1].rewritten, done[1].retrieval_query]));
    check('Chromium: chunks streamed', got.messages.some((m) => m.type === 'chunk'), 'no chunk');
    check('Chromium: closed cleanly', got.closed === 1000, String(got.closed));

    // A page of no origin (about:blank: Origin null) is refused before the upgrade.
    const other = await b.newPage();
    await other.goto('about:blank');
    const refused = await other.evaluate(async (url) => {
      const ws = new WebSocket(url);
      return await new Promise((r) => { ws.onopen = () => r('open'); ws.onclose = (e) => r(`closed ${e.code}`); });
    }, wsUrl);
    check('Chromium: a page of another origin cannot open it', refused === 'closed 1006', refused);
  } finally {
    await b.close();
  }
}

try {
  if (part === 'keyless') await keyless();
  else if (part === 'keyed') await keyed();
  else if (part === 'browser') await browser();
  else if (part === 'idle') await idle();
  else fail('usage', `unknown part ${part}`);
} catch (e) {
  fail('no exception', e.stack || String(e));
}
process.exit(failed === 0 ? 0 : 1);
