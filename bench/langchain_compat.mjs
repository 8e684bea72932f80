// Does `strata chunk --strategy recursive --compat langchain` give exactly the chunk texts of
// LangChain.js RecursiveCharacterTextSplitter (@langchain/textsplitters, from $PEERS) for the
// same size and overlap (default separators)? Compares every file of the benchmark corpus
// ($PEERS/corpus/files, 2,228 documents) and corpus.txt as one input, chunk by chunk.
//   usage: node bench/langchain_compat.mjs [FILE_OR_DIR...]   (default: $PEERS/corpus/files and corpus.txt)
//   env:   STRATA (default <repo>/build/strata), PEERS, CORPUS, SIZE (1000), OVERLAP (200),
//          SEPARATORS (a JSON array given to both, e.g. '["\n\n","\n",". "," ",""]'; default: each
//          tool's default, which is that same list without ". "), BATCH (files per strata process, 200)
// Prints one JSON summary line and a markdown table; exit 0 when everything matches, 1 otherwise.
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve, dirname } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PEERS = process.env.PEERS || (process.env.XDG_CACHE_HOME || process.env.HOME + '/.cache') + '/strata-peers';
const CORPUS = process.env.CORPUS || `${PEERS}/corpus/corpus.txt`;
const STRATA = process.env.STRATA || `${ROOT}/build/strata`;
const SIZE = +(process.env.SIZE || 1000);
const OVERLAP = +(process.env.OVERLAP || 200);
const BATCH = +(process.env.BATCH || 200);
const SEPARATORS = process.env.SEPARATORS ? JSON.parse(process.env.SEPARATORS) : null;

const req = createRequire(`${PEERS}/node/package.json`);
const { RecursiveCharacterTextSplitter } = await import(pathToFileURL(req.resolve('@langchain/textsplitters')).href);
const lcVersion = JSON.parse(readFileSync(`${PEERS}/node/node_modules/@langchain/textsplitters/package.json`, 'utf8')).version;
const splitter = new RecursiveCharacterTextSplitter({ chunkSize: SIZE, chunkOverlap: OVERLAP,
                                                      ...(SEPARATORS ? { separators: SEPARATORS } : {}) });

function walk(p, out) {
  if (statSync(p).isDirectory()) for (const e of readdirSync(p).sort()) walk(join(p, e), out);
  else out.push(p);
  return out;
}
const args = process.argv.slice(2);
const groups = args.length
  ? [['given', args.flatMap((a) => walk(resolve(a), []))]]
  : [['files', walk(`${PEERS}/corpus/files`, [])], ['corpus.txt', [CORPUS]]];

const STRATA_ARGS = ['chunk', '--strategy', 'recursive', '--compat', 'langchain',
                     '--size', String(SIZE), '--overlap', String(OVERLAP), '--format', 'jsonl',
                     ...(SEPARATORS ? ['--separators', JSON.stringify(SEPARATORS)] : [])];

// strata's chunk texts for each file: Map path -> [texts] (or {error}).
function strataChunks(files) {
  const result = new Map();
  const run = (batch) => {
    const r = spawnSync(STRATA, [...STRATA_ARGS, ...batch], { maxBuffer: 1 << 30, encoding: 'utf8' });
    return r;
  };
  for (let i = 0; i < files.length; i += BATCH) {
    const batch = files.slice(i, i + BATCH);
    let r = run(batch);
    if (r.status !== 0 && batch.length > 1) {  // find the culprit: one process per file
      for (const f of batch) {
        const one = run([f]);
        if (one.status !== 0) result.set(f, { error: `exit ${one.status}: ${String(one.stderr).trim().slice(0, 300)}` });
        else parseInto(one.stdout, [f], result);
      }
      continue;
    }
    if (r.status !== 0) { result.set(batch[0], { error: `exit ${r.status}: ${String(r.stderr).trim().slice(0, 300)}` }); continue; }
    parseInto(r.stdout, batch, result);
  }
  return result;
}
function parseInto(stdout, batch, result) {
  const known = new Map(batch.map((f) => [f, f]));
  for (const f of batch) { known.set(resolve(f), f); if (!result.has(f)) result.set(f, []); }
  for (const line of stdout.split('\n')) {
    if (!line) continue;
    const o = JSON.parse(line);
    const f = known.get(o.source) ?? known.get(resolve(o.source ?? ''));
    if (f === undefined) throw new Error(`strata chunk: unknown source ${JSON.stringify(o.source)}`);
    result.get(f).push(o.text);
  }
}

const show = (s) => JSON.stringify(s.length > 120 ? s.slice(0, 60) + '…' + s.slice(-60) : s);
const summary = { strata: STRATA, langchain: `@langchain/textsplitters@${lcVersion}`, size: SIZE, overlap: OVERLAP,
                  separators: SEPARATORS, groups: [] };
let allOk = true;
for (const [name, files] of groups) {
  const s = strataChunks(files);
  const g = { name, inputs: files.length, inputs_identical: 0, inputs_error: 0, lc_chunks: 0, strata_chunks: 0,
              chunks_identical: 0, first_differences: [] };
  for (const f of files) {
    const lcArr = await splitter.splitText(readFileSync(f, 'utf8'));
    const st = s.get(f) ?? { error: 'no output' };
    g.lc_chunks += lcArr.length;
    if (st.error) { g.inputs_error++; if (g.first_differences.length < 5) g.first_differences.push({ file: f, error: st.error }); continue; }
    g.strata_chunks += st.length;
    let same = 0;
    for (let i = 0; i < Math.min(lcArr.length, st.length); i++) if (lcArr[i] === st[i]) same++;
    g.chunks_identical += same;
    if (same === lcArr.length && st.length === lcArr.length) { g.inputs_identical++; continue; }
    if (g.first_differences.length < 5) {
      const i = lcArr.findIndex((t, k) => t !== st[k]);
      const k = i < 0 ? Math.min(lcArr.length, st.length) : i;
      g.first_differences.push({ file: f, lc_chunks: lcArr.length, strata_chunks: st.length, index: k,
                                 lc: lcArr[k] === undefined ? null : show(lcArr[k]),
                                 strata: st[k] === undefined ? null : show(st[k]),
                                 lc_len: lcArr[k]?.length, strata_len: st[k]?.length });
    }
  }
  if (g.inputs_identical !== g.inputs) allOk = false;
  summary.groups.push(g);
}
console.error(JSON.stringify(summary, null, 1));
const sepText = SEPARATORS ? ` --separators '${JSON.stringify(SEPARATORS)}'` : '';
console.log(`LangChain compat: \`strata chunk --strategy recursive --compat langchain --size ${SIZE} --overlap ${OVERLAP}${sepText}\` ` +
            `vs @langchain/textsplitters ${lcVersion} RecursiveCharacterTextSplitter({ chunkSize: ${SIZE}, chunkOverlap: ${OVERLAP}` +
            `${SEPARATORS ? `, separators: ${JSON.stringify(SEPARATORS)}` : ''} }), chunk texts compared in order:`);
console.log();
console.log('| input | inputs | inputs identical | LangChain chunks | strata chunks | chunks identical |');
console.log('|---|---:|---:|---:|---:|---:|');
const n = (x) => x.toLocaleString('en-US');
for (const g of summary.groups) {
  const label = g.name === 'files' ? 'every corpus file on its own' : g.name === 'corpus.txt' ? 'corpus.txt as one input' : g.name;
  console.log(`| ${label} | ${n(g.inputs)} | ${n(g.inputs_identical)}${g.inputs_error ? ` (${g.inputs_error} errors)` : ''} | ` +
              `${n(g.lc_chunks)} | ${n(g.strata_chunks)} | ${n(g.chunks_identical)} |`);
}
process.exit(allOk ? 0 : 1);
