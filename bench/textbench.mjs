// Driver behind bench/chunk.sh and bench/tokens.sh: times the npm peers (through
// ../shared/bench/{chunk,tokens,median3}.mjs) and strata on the same corpus.txt in one run, then
// prints markdown tables with MB/s and the ratios strata/peer. Every JSON record also goes to
// $OUT (jsonl). Run it through the .sh wrappers, which check the corpus, the peers and build the
// core harness; the environment below is what they pass.
//   usage: node textbench.mjs <chunk|tokens>
//   env:   STRATA (binary), CORE_BENCH (compiled bench/chunk_bench.cpp, optional), SHARED
//          (../shared/bench), PEERS, CORPUS, RUNS (3), REPS (10, start-up runs), OUT (jsonl),
//          PEER_TOKENIZERS ("gpt-tokenizer tiktoken"), ENCODINGS ("cl100k_base o200k_base")
import { spawnSync } from 'node:child_process';
import { openSync, closeSync, readFileSync, writeFileSync, appendFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const MODE = process.argv[2];
if (!['chunk', 'tokens'].includes(MODE)) {
  console.error('usage: node textbench.mjs <chunk|tokens>');
  process.exit(2);
}
const env = process.env;
const STRATA = env.STRATA;
const CORE_BENCH = env.CORE_BENCH || '';
const SHARED = env.SHARED;
const CORPUS = env.CORPUS;
const RUNS = +(env.RUNS || 3);
const REPS = +(env.REPS || 10);
const OUT = env.OUT || '';
const BYTES = statSync(CORPUS).size;
// Reference counts of corpus.txt (../shared/bench/README.md): every encoder must give these.
const REFERENCE_TOKENS = { cl100k_base: 7839868, o200k_base: 7866501 };

const TMP = mkdtempSync(join(tmpdir(), 'strata-bench-'));
const EMPTY = join(TMP, 'empty.txt');
writeFileSync(EMPTY, '');
process.on('exit', () => rmSync(TMP, { recursive: true, force: true }));

const records = [];
function record(r) {
  if (r.bytes && r.seconds && !r.mb_per_s) r.mb_per_s = +(r.bytes / 1e6 / r.seconds).toFixed(2);
  records.push(r);
  console.error(JSON.stringify(r));
  if (OUT) appendFileSync(OUT, JSON.stringify({ bench: MODE, ...r }) + '\n');
  return r;
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

// Measurement is interleaved: each of the RUNS rounds runs every task once (peers, strata, core),
// so load from elsewhere on a shared machine hits all tools alike; the median sample is reported.
const tasks = [];
function task(key, sample, meta = {}) {
  const t = { key, sample, meta, samples: [], error: null, result: null };
  tasks.push(t);
  return t;
}
function parseLast(r, what) {
  try { return JSON.parse(String(r.stdout).trim().split('\n').pop()); } catch {
    throw new Error(`${what}: no JSON output (exit ${r.status}): ${String(r.stderr || '').slice(0, 300)}`);
  }
}
// A peer: one process of ../shared/bench/{chunk,tokens}.mjs, which times only the call.
function peer(key, script, args) {
  return task(key, () => {
    const r = spawnSync('node', [join(SHARED, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const o = parseLast(r, `${script} ${args.join(' ')}`);
    if (o.error) throw new Error(o.error);
    return o;
  }, { tool: 'peer' });
}
// strata's core harness (bench/chunk_bench.cpp): times only chunk_text() / count().
function core(key, args) {
  if (!CORE_BENCH) return null;
  return task(key, () => {
    const r = spawnSync(CORE_BENCH, [CORPUS, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`chunk_bench ${args.join(' ')}: exit ${r.status}: ${String(r.stderr).slice(0, 300)}`);
    return parseLast(r, 'chunk_bench');
  }, { tool: 'strata-core', settings: args.join(' ') });
}

// One strata process, wrapped in /usr/bin/time for max RSS and CPU time. stdout goes to /dev/null
// unless capture is set. Wall time is taken around the whole process (start, read, work, output).
function strataOnce(args, capture = false) {
  const tfile = join(TMP, 'time.txt');
  const devnull = openSync('/dev/null', 'w');
  const t0 = process.hrtime.bigint();
  const r = spawnSync('/usr/bin/time', ['-f', '%M %U %S', '-o', tfile, STRATA, ...args],
                      { stdio: ['ignore', capture ? 'pipe' : devnull, 'pipe'], maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  closeSync(devnull);
  if (r.status !== 0) {
    throw new Error(`strata ${args.join(' ')}: exit ${r.status}: ${String(r.stderr).slice(0, 400)}`);
  }
  const [rss, user, sys] = readFileSync(tfile, 'utf8').trim().split('\n').pop().split(/\s+/).map(Number);
  return { seconds, max_rss_kb: rss, cpu_s: +(user + sys).toFixed(3), stdout: r.stdout };
}
const shown = (args) => args.join(' ').replace(CORPUS, 'corpus.txt').replace(EMPTY, 'empty.txt');
// A strata process; reps > 1 runs it reps times per round (for short runs such as start-up).
function strata(key, args, { reps = 1, bytes = BYTES, extra = {} } = {}) {
  return task(key, () => {
    let best = null;
    const all = [];
    for (let i = 0; i < reps; i++) all.push(strataOnce(args));
    all.sort((a, b) => a.seconds - b.seconds);
    best = all[Math.floor(all.length / 2)];
    return { bytes, seconds: best.seconds, cpu_s: best.cpu_s, max_rss_kb: Math.max(...all.map((r) => r.max_rss_kb)), ...extra };
  }, { tool: 'strata', settings: shown(args) });
}
// Start-up: `strata tokens` on an empty file (process start, table load, no work).
function startup(enc = 'cl100k_base') {
  return strata(`startup-${enc}`, ['tokens', '--tokenizer', enc, EMPTY], { reps: REPS, bytes: 0 });
}

function measure() {
  for (let round = 1; round <= RUNS; round++) {
    for (const t of tasks) {
      if (t.error) continue;
      try {
        const o = t.sample();
        console.error(`  round ${round} ${t.key}: ${(+o.seconds).toFixed(4)} s`);
        t.samples.push(o);
      } catch (e) {
        t.error = String(e.message || e).slice(0, 400);
        console.error(`  round ${round} ${t.key}: ERROR ${t.error}`);
      }
    }
  }
  for (const t of tasks) {
    if (t.error) { t.result = record({ key: t.key, ...t.meta, error: t.error }); continue; }
    const sorted = [...t.samples].sort((a, b) => a.seconds - b.seconds);
    const m = sorted[Math.floor(sorted.length / 2)];
    const r = { key: t.key, ...m, ...t.meta, seconds: +(+m.seconds).toFixed(4), runs_s: t.samples.map((x) => +(+x.seconds).toFixed(4)) };
    delete r.mb_per_s;
    if (m.max_rss_kb) r.max_rss_kb = Math.max(...t.samples.map((x) => x.max_rss_kb));
    t.result = record(r);
  }
}
const R = (t) => (t ? t.result : null);

// ---------- formatting ----------
const f = (x, d = 2) => (x === undefined || x === null || Number.isNaN(x) ? '–' : Number(x).toFixed(d));
const int = (x) => (x === undefined || x === null ? '–' : Number(x).toLocaleString('en-US'));
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(2)}×` : '–');
const mbs = (r) => (r && !r.error ? r.mb_per_s : undefined);
const net = (r, s) => (r && !r.error && s && !s.error ? { mb_per_s: BYTES / 1e6 / (r.seconds - s.seconds), seconds: r.seconds - s.seconds } : null);
const rows = (header, list, left = 1) => [
  `| ${header.join(' | ')} |`,
  `|${header.map((h, i) => (i < left ? '---' : '---:')).join('|')}|`,
  ...list.map((l) => `| ${l.join(' | ')} |`),
].join('\n');
const aimText = (ok) => (ok === undefined ? 'not measured' : ok ? '**met**' : '**missed**');

function peerRow(r, label) {
  if (r.error) return [label, r.settings || '', '–', '–', 'error: ' + r.error];
  return [label, r.settings, int(r.chunks ?? r.tokens), f(r.seconds, 3), f(r.mb_per_s)];
}

const lines = [];
const say = (s = '') => lines.push(s);
const LOAD_START = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const machine = () => {
  const cpu = (readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/) || [])[1] || '?';
  const mem = Math.round(+(readFileSync('/proc/meminfo', 'utf8').match(/MemTotal:\s*(\d+)/) || [])[1] / 1048576);
  const nodev = process.version;
  const sv = spawnSync(STRATA, ['--version'], { encoding: 'utf8' }).stdout.trim();
  return `${cpu}, ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} cores, ${mem} GiB; Node ${nodev}; ${sv}; ` +
         `corpus.txt ${int(BYTES)} bytes; median of ${RUNS} interleaved runs; one thread; ` +
         `load average ${LOAD_START} at the start, ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} at the end.`;
};

// ---------- chunk ----------
if (MODE === 'chunk') {
  const upT = startup();
  const lcRecT = peer('langchain-recursive', 'chunk.mjs', ['langchain-recursive']);
  const fastT = peer('chonkie-fast', 'chunk.mjs', ['chonkie-fast']);
  const chRecT = peer('chonkie-recursive', 'chunk.mjs', ['chonkie-recursive']);
  const lcTokT = peer('langchain-token', 'chunk.mjs', ['langchain-token']);

  const REC = ['chunk', '--strategy', 'recursive', '--size', '1000', '--overlap', '200', '--format', 'jsonl', CORPUS];
  const COMPAT = ['chunk', '--strategy', 'recursive', '--compat', 'langchain', '--size', '1000', '--overlap', '200', '--format', 'jsonl', CORPUS];
  const RECNT = ['chunk', '--strategy', 'recursive', '--size', '1000', '--overlap', '200', '--format', 'jsonl', '--no-tokens', CORPUS];
  const TOK = ['chunk', '--strategy', 'token', '--size', '256', '--overlap', '50', '--format', 'jsonl', CORPUS];
  const count = (args) => { try { const o = strataOnce(args, true).stdout; let n = 0; for (const b of o) if (b === 10) n++; return n; } catch { return undefined; } };
  const sRecT = strata('strata-recursive', REC, { extra: { chunks: count(REC) } });
  const sRecNtT = strata('strata-recursive-no-tokens', RECNT, { extra: { chunks: count(RECNT) } });
  const sCompatT = strata('strata-recursive-langchain', COMPAT, { extra: { chunks: count(COMPAT) } });
  const sTokT = strata('strata-token', TOK, { extra: { chunks: count(TOK) } });
  const cRecT = core('core-recursive', ['chunk', 'recursive', '1000', '200']);
  const cRecSplitT = core('core-recursive-split', ['chunk', 'recursive', '1000', '200', 'notokens']);
  const cCompatT = core('core-recursive-langchain', ['chunk', 'recursive', '1000', '200', 'langchain']);
  const cCompatSplitT = core('core-recursive-langchain-split', ['chunk', 'recursive', '1000', '200', 'langchain', 'notokens']);
  const cTokT = core('core-token', ['chunk', 'token', '256', '50']);

  measure();
  const [up, lcRec, fast, chRec, lcTok, sRec, sRecNt, sCompat, sTok, cRec, cRecSplit, cCompat, cCompatSplit, cTok] =
    [upT, lcRecT, fastT, chRecT, lcTokT, sRecT, sRecNtT, sCompatT, sTokT, cRecT, cRecSplitT, cCompatT, cCompatSplitT, cTokT].map(R);

  say(`Machine: ${machine()}`);
  say();
  say('All runs (peers time only the chunking call; strata end-to-end = the whole process: start, read the file, chunk, write JSONL to /dev/null; strata core = `chunk_text()` alone via bench/chunk_bench.cpp):');
  say();
  const all = [
    peerRow(lcRec, 'LangChain.js RecursiveCharacterTextSplitter'),
    peerRow(chRec, 'chonkie-js RecursiveChunker'),
    peerRow(fast, 'chonkie-js FastChunker'),
    peerRow(lcTok, 'LangChain.js TokenTextSplitter'),
  ].map((r, i) => [...r, '–']);
  const srow = (r, label) => (r && !r.error ? [label, '`' + r.settings + '`', int(r.chunks), f(r.seconds, 3), f(r.mb_per_s), r.max_rss_kb ? f(r.max_rss_kb * 1024 / 1e6, 1) : '–']
                                            : [label, r ? r.settings : '', '–', '–', r ? 'error: ' + r.error : 'not run', '–']);
  all.push(srow(up, 'strata start-up (tokens on an empty file)'));
  all.push(srow(sRec, 'strata recursive, end-to-end'));
  all.push(srow(sRecNt, 'strata recursive --no-tokens, end-to-end'));
  all.push(srow(sCompat, 'strata recursive --compat langchain, end-to-end'));
  all.push(srow(sTok, 'strata token, end-to-end'));
  for (const [r, l] of [[cRec, 'strata recursive, core'], [cRecSplit, 'strata recursive, core, splitting only'],
                        [cCompat, 'strata recursive langchain, core'], [cCompatSplit, 'strata recursive langchain, core, splitting only'],
                        [cTok, 'strata token, core']]) {
    if (r) all.push(r.error ? [l, r.settings, '–', '–', 'error: ' + r.error, '–'] : [l, r.settings, int(r.chunks), f(r.seconds, 3), f(r.mb_per_s), '–']);
  }
  say(rows(['tool', 'settings', 'chunks', 'seconds', 'MB/s', 'max RSS MB'], all, 2));
  say();

  const figs = (e2e, c, split) => [
    ['end-to-end', mbs(e2e)],
    ['end-to-end minus start-up', net(e2e, up)?.mb_per_s],
    ['core (`chunk_text`, token counts included)', mbs(c)],
    ['core, splitting only (`count_tokens = false`)', mbs(split)],
  ].filter(([, v]) => v !== undefined);
  say('Ratios (strata MB/s ÷ peer MB/s):');
  say();
  const rr = [];
  for (const [label, v] of figs(sRec, cRec, cRecSplit)) rr.push([`recursive 1000/200, ${label}`, f(v), ratio(v, mbs(lcRec)), ratio(v, mbs(fast)), ratio(v, mbs(chRec)), '–']);
  for (const [label, v] of [['end-to-end', mbs(sRecNt)], ['end-to-end minus start-up', net(sRecNt, up)?.mb_per_s]].filter(([, v]) => v !== undefined))
    rr.push([`recursive 1000/200 --no-tokens, ${label}`, f(v), ratio(v, mbs(lcRec)), ratio(v, mbs(fast)), ratio(v, mbs(chRec)), '–']);
  for (const [label, v] of figs(sCompat, cCompat, cCompatSplit)) rr.push([`recursive --compat langchain, ${label}`, f(v), ratio(v, mbs(lcRec)), ratio(v, mbs(fast)), ratio(v, mbs(chRec)), '–']);
  for (const [label, v] of figs(sTok, cTok)) rr.push([`token 256/50, ${label}`, f(v), '–', '–', '–', ratio(v, mbs(lcTok))]);
  say(rows(['strata', 'MB/s', '÷ LangChain recursive', '÷ chonkie FastChunker', '÷ chonkie RecursiveChunker', '÷ LangChain TokenTextSplitter'], rr));
  say();

  const e2eRec = mbs(sRec), e2eTok = mbs(sTok);
  const ok = (v, p, k) => (v && p ? v / p >= k : undefined);
  say('Aims (judged on the end-to-end figure; core figures in brackets):');
  say();
  say(`- recursive ≥ 4× LangChain.js: ${aimText(ok(e2eRec, mbs(lcRec), 4))} (${ratio(e2eRec, mbs(lcRec))}; core ${ratio(mbs(cRec), mbs(lcRec))}, splitting only ${ratio(mbs(cRecSplit), mbs(lcRec))})`);
  say(`- recursive ≥ 2× chonkie FastChunker: ${aimText(ok(e2eRec, mbs(fast), 2))} (${ratio(e2eRec, mbs(fast))}; core ${ratio(mbs(cRec), mbs(fast))}, splitting only ${ratio(mbs(cRecSplit), mbs(fast))})`);
  say(`- the same two aims with \`--no-tokens\` (no tokens field, as the peers produce none), end-to-end: ${ratio(mbs(sRecNt), mbs(lcRec))} LangChain.js (${aimText(ok(mbs(sRecNt), mbs(lcRec), 4))}), ${ratio(mbs(sRecNt), mbs(fast))} FastChunker (${aimText(ok(mbs(sRecNt), mbs(fast), 2))})`);
  say(`- token chunking ≥ 10× LangChain TokenTextSplitter: ${aimText(ok(e2eTok, mbs(lcTok), 10))} (${ratio(e2eTok, mbs(lcTok))}; core ${ratio(mbs(cTok), mbs(lcTok))})`);
  const mem = [sRec, sCompat, sTok].filter((r) => r && !r.error);
  if (mem.length) {
    const worst = Math.max(...mem.map((r) => r.max_rss_kb * 1024 / BYTES));
    say(`- peak memory < 3× input: ${aimText(worst < 3)} (worst ${worst.toFixed(2)}× of ${f(BYTES / 1e6, 1)} MB)`);
  }
}

// ---------- tokens ----------
if (MODE === 'tokens') {
  const libs = (env.PEER_TOKENIZERS || 'gpt-tokenizer tiktoken').split(/\s+/).filter(Boolean);
  const encs = (env.ENCODINGS || 'cl100k_base o200k_base').split(/\s+/).filter(Boolean);
  const res = {};
  for (const enc of encs) {
    const args = ['tokens', '--tokenizer', enc, CORPUS];
    let tokens;
    try { tokens = +(String(strataOnce(args, true).stdout).match(/\d+/) || [])[0]; } catch { /* reported by the task */ }
    res[enc] = { up: startup(enc), peers: libs.map((lib) => peer(`${lib}-${enc}`, 'tokens.mjs', [lib, enc])),
                 s: strata(`strata-tokens-${enc}`, args, { extra: { tokens } }), c: core(`core-tokens-${enc}`, ['tokens', enc]) };
  }
  measure();
  for (const enc of encs) {
    const x = res[enc];
    res[enc] = { up: R(x.up), peers: x.peers.map(R), s: R(x.s), c: R(x.c) };
  }
  say(`Machine: ${machine()}`);
  say();
  say('All runs (peers time only `encode()`, table load excluded; strata end-to-end = the whole `strata tokens` process; strata core = `Tokenizer::count()` alone via bench/chunk_bench.cpp, table build excluded):');
  say();
  const all = [];
  for (const enc of encs) {
    const { up, peers, s, c } = res[enc];
    const ref = REFERENCE_TOKENS[enc];
    const same = (n) => (n === undefined ? '–' : n === ref ? 'yes' : `**NO** (${int(n)})`);
    for (const p of peers) all.push(p.error ? [p.key, enc, '–', '–', '–', 'error: ' + p.error, '–']
                                            : [p.peer, enc, int(p.tokens), same(p.tokens), f(p.seconds, 3), f(p.mb_per_s), '–']);
    all.push(up.error ? ['strata start-up (empty file)', enc, '–', '–', '–', 'error: ' + up.error, '–']
                      : ['strata start-up (empty file)', enc, '0', '–', f(up.seconds, 4), '–', f(up.max_rss_kb * 1024 / 1e6, 1)]);
    all.push(s.error ? ['strata tokens, end-to-end', enc, '–', '–', '–', 'error: ' + s.error, '–']
                     : ['strata tokens, end-to-end', enc, int(s.tokens), same(s.tokens), f(s.seconds, 3), f(s.mb_per_s), f(s.max_rss_kb * 1024 / 1e6, 1)]);
    if (c) all.push(c.error ? ['strata core', enc, '–', '–', '–', 'error: ' + c.error, '–']
                            : ['strata core `count()`', enc, int(c.tokens), same(c.tokens), f(c.seconds, 3), f(c.mb_per_s), '–']);
  }
  say(rows(['tool', 'encoding', 'tokens', '= reference', 'seconds', 'MB/s', 'max RSS MB'], all, 2));
  say();
  say('Ratios (strata MB/s ÷ peer MB/s):');
  say();
  const rr = [];
  for (const enc of encs) {
    const { up, peers, s, c } = res[enc];
    const figs = [['end-to-end', mbs(s)], ['end-to-end minus start-up', net(s, up)?.mb_per_s], ['core (`count()` only)', mbs(c)]]
      .filter(([, v]) => v !== undefined);
    for (const [label, v] of figs) rr.push([`${enc}, ${label}`, f(v), ...peers.map((p) => ratio(v, mbs(p)))]);
  }
  say(rows(['strata', 'MB/s', ...libs.map((l) => `÷ ${l}`)], rr));
  say();
  say('Aims (end-to-end figure; core in brackets):');
  say();
  for (const enc of encs) {
    const { peers, s, c } = res[enc];
    const g = peers.find((p) => p.key.startsWith('gpt-tokenizer'));
    const counts = [s, c, ...peers].filter((r) => r && !r.error).map((r) => r.tokens);
    const identical = !s.error && counts.every((n) => n === REFERENCE_TOKENS[enc]);
    const met = g && !g.error && !s.error ? mbs(s) / mbs(g) >= 3 && identical : undefined;
    say(`- tokens ${enc} ≥ 3× gpt-tokenizer with identical counts: ${aimText(met)} ` +
        `(${g ? ratio(mbs(s), mbs(g)) : '–'}; core ${g ? ratio(mbs(c), mbs(g)) : '–'}; counts ${identical ? `all ${int(REFERENCE_TOKENS[enc])}` : 'DIFFER'})`);
  }
  const mem = encs.map((e) => res[e].s).filter((r) => r && !r.error);
  if (mem.length) {
    const worst = Math.max(...mem.map((r) => r.max_rss_kb * 1024 / BYTES));
    say(`- peak memory < 3× input: ${aimText(worst < 3)} (worst ${worst.toFixed(2)}× of ${f(BYTES / 1e6, 1)} MB)`);
  }
}

console.log(lines.join('\n'));
