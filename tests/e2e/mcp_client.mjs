// The official MCP TypeScript SDK's client against `strata mcp` over stdio (tests/e2e/mcp.sh):
// every tool, resources and errors on STORE; then, on SERVED_STORE (embedded through the test
// server whose port is in PORT_FILE, told here to hold the query's embedding for 10 minutes),
// client.ping() and a keyword search answered at once while a hybrid search hangs, and that
// search cancelled through an AbortSignal (the SDK sends notifications/cancelled); and on
// PAGES_STORE (tests/e2e/mcp_html_lines.py's DocBook-shaped page) a search hit's lines read back.
// Usage: node mcp_client.mjs SDK_DIR STRATA STORE PROJECT_DIR SERVED_STORE PORT_FILE PAGES_STORE
// Prints one line per check, "ok NAME" or "FAIL NAME: why", and exits 1 if any failed.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

import { check, failed, text } from './mcp_checks.mjs';

const [sdkDir, strata, store, projectDir, servedStore, portFile, pagesStore] = process.argv.slice(2);
const require = createRequire(path.join(sdkDir, 'package.json'));
const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
const { StdioClientTransport } = require('@modelcontextprotocol/sdk/client/stdio.js');
const { LATEST_PROTOCOL_VERSION } = require('@modelcontextprotocol/sdk/types.js');


const transport = new StdioClientTransport({
  command: strata, args: ['mcp', '--store', store], cwd: projectDir, stderr: 'pipe',
  env: { ...process.env, NO_COLOR: '1' },
});
const client = new Client({ name: 'strata-e2e', version: '1.0.0' });
await client.connect(transport);

// initialize: the newest revision, negotiated by the SDK
check('initialize: server name', client.getServerVersion()?.name === 'strata', JSON.stringify(client.getServerVersion()));
check('initialize: tools and resources capabilities', !!client.getServerCapabilities()?.tools && !!client.getServerCapabilities()?.resources,
      JSON.stringify(client.getServerCapabilities()));
check('initialize: instructions', (client.getInstructions() ?? '').includes('search'), client.getInstructions());
check(`initialize: protocol ${LATEST_PROTOCOL_VERSION}`, transport.protocolVersion === undefined || transport.protocolVersion === LATEST_PROTOCOL_VERSION,
      transport.protocolVersion);
await client.ping();
check('ping', true);

// tools/list: every tool with a schema the SDK accepts, all read-only
const { tools } = await client.listTools();
const names = tools.map((t) => t.name).sort();
check('tools/list: the six tools', JSON.stringify(names) ===
      JSON.stringify(['list_collections', 'list_documents', 'migrate_check', 'migrate_status', 'read_document', 'search']), names.join(','));
for (const t of tools) {
  check(`tools/list: ${t.name} has an object schema and a description`, t.inputSchema?.type === 'object' && t.description.length > 40);
  check(`tools/list: ${t.name} is read-only`, t.annotations?.readOnlyHint === true);
  // The SDK checks every callTool's structuredContent against it (the calls below).
  check(`tools/list: ${t.name} declares an outputSchema`, t.outputSchema?.type === 'object');
}

// search
let r = await client.callTool({ name: 'search', arguments: { query: 'rollback migration', k: 3 } });
check('search: not an error', !r.isError, text(r));
const hits = r.structuredContent?.hits ?? [];
check('search: hits with citations', hits.length > 0 && /^guide\.md:L\d+(-L\d+)?$/.test(hits[0].citation), JSON.stringify(hits[0]));
check('search: text names the citation', text(r).includes(hits[0]?.citation ?? '???'), text(r));
check('search: at most k', hits.length <= 3, hits.length);
r = await client.callTool({ name: 'search', arguments: { query: 'retention', collection: 'notes', where: ['source^=policy'] } });
check('search: collection and where', !r.isError && (r.structuredContent?.hits ?? []).every((h) => h.source.startsWith('policy')) &&
      (r.structuredContent?.hits ?? []).length > 0, text(r));
r = await client.callTool({ name: 'search', arguments: { query: 'zzzyzzx' } });
check('search: no results says so', !r.isError && r.structuredContent.hits.length === 0 && text(r).startsWith('No results'), text(r));

// read_document
const cite = hits[0];
r = await client.callTool({ name: 'read_document', arguments: { source: 'guide.md', start_line: cite.lines[0], end_line: cite.lines[1] } });
check('read_document: the cited lines', !r.isError && r.structuredContent.first_line === cite.lines[0] &&
      r.structuredContent.last_line === cite.lines[1], JSON.stringify(r.structuredContent));
check('read_document: holds the hit', r.structuredContent?.text.includes(cite.text.split('\n')[0]), r.structuredContent?.text);
r = await client.callTool({ name: 'read_document', arguments: { source: 'guide.md', start_line: 1, end_line: 3 } });
check('read_document: lines 1-3', r.structuredContent?.text.split('\n').filter((l, i, a) => i < a.length - 1 || l).length === 3 &&
      r.structuredContent.text.startsWith('# Migrations guide'), JSON.stringify(r.structuredContent?.text));
r = await client.callTool({ name: 'read_document', arguments: { source: 'guide.md', max_bytes: 60 } });
check('read_document: max_bytes cuts at a line and says where to go on', r.structuredContent?.truncated === true &&
      r.structuredContent.text.length <= 60 && text(r).includes('go on with start_line'), text(r));
r = await client.callTool({ name: 'read_document', arguments: { source: 'guide.md', first_chunk: 0, last_chunk: 0 } });
check('read_document: a chunk', !r.isError && r.structuredContent.first_chunk === 0 && r.structuredContent.last_chunk === 0, text(r));
r = await client.callTool({ name: 'read_document', arguments: { source: 'nope.md' } });
check('read_document: unknown source is a tool error', r.isError === true && text(r).includes('nope.md'), text(r));

// list_collections, list_documents
r = await client.callTool({ name: 'list_collections', arguments: {} });
const colls = (r.structuredContent?.collections ?? []).map((c) => c.name).sort();
check('list_collections', JSON.stringify(colls) === '["default","notes"]', JSON.stringify(r.structuredContent));
r = await client.callTool({ name: 'list_documents', arguments: { collection: 'notes', limit: 2 } });
check('list_documents: a page', r.structuredContent?.documents.length === 2 && r.structuredContent.total === 3 &&
      r.structuredContent.next_offset === 2, JSON.stringify(r.structuredContent));
r = await client.callTool({ name: 'list_documents', arguments: { collection: 'notes', offset: 2 } });
check('list_documents: the next page', r.structuredContent?.documents.length === 1 && r.structuredContent.next_offset === null,
      JSON.stringify(r.structuredContent));
r = await client.callTool({ name: 'list_documents', arguments: { collection: 'notes', filter: 'POLICY' } });
check('list_documents: filter', r.structuredContent?.total === 1, JSON.stringify(r.structuredContent));

// migrate_status, migrate_check: the project in the server's folder
r = await client.callTool({ name: 'migrate_status', arguments: {} });
check('migrate_status', !r.isError && r.structuredContent?.applied === 1 && r.structuredContent.pending === 1, text(r));
r = await client.callTool({ name: 'migrate_check', arguments: {} });
check('migrate_check', !r.isError && typeof r.structuredContent?.exit_code === 'number' &&
      r.structuredContent.findings.some((f) => f.code === 'not-null-without-default' || f.severity), text(r));

// errors: an unknown tool is a protocol error, a bad argument a tool error; the session goes on
try {
  await client.callTool({ name: 'drop_everything', arguments: {} });
  check('unknown tool: refused', false, 'no error');
} catch (e) {
  check('unknown tool: JSON-RPC error -32602', e.code === -32602 && /drop_everything/.test(e.message), `${e.code} ${e.message}`);
}
r = await client.callTool({ name: 'search', arguments: { query: 42 } });
check('bad argument type: tool error naming it', r.isError === true && text(r).includes("'query'"), text(r));
r = await client.callTool({ name: 'search', arguments: { query: 'x', k: 0 } });
check('bad argument range: tool error', r.isError === true && text(r).includes("'k'"), text(r));
r = await client.callTool({ name: 'search', arguments: { query: 'x', colection: 'notes' } });
check('misspelt argument: tool error', r.isError === true && text(r).includes('colection'), text(r));
r = await client.callTool({ name: 'search', arguments: { query: 'x', collection: 'missing' } });
check('unknown collection: tool error', r.isError === true && text(r).includes('missing'), text(r));

// resources
const res = await client.listResources();
const uris = res.resources.map((x) => x.uri);
check('resources/list: every document', uris.length === 5 && uris.includes('strata://notes/policy%20retention.md'), uris.join(' '));
const tpl = await client.listResourceTemplates();
check('resources/templates/list', tpl.resourceTemplates[0]?.uriTemplate === 'strata://{collection}/{+source}');
const read = await client.readResource({ uri: 'strata://notes/policy%20retention.md' });
check('resources/read', read.contents[0]?.text.includes('retention') && read.contents[0].mimeType === 'text/plain',
      JSON.stringify(read.contents[0]));
try {
  await client.readResource({ uri: 'strata://notes/absent.md' });
  check('resources/read: unknown', false, 'no error');
} catch (e) {
  check('resources/read: unknown is -32002', e.code === -32002, `${e.code} ${e.message}`);
}

await client.close();
check('close', true);

// --- a hung embedding server ------------------------------------------------------------------
const port = readFileSync(portFile, 'utf8').trim();
async function control(method, route, body) {
  const r = await fetch(`http://127.0.0.1:${port}${route}`, {
    method, headers: { 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return r.json();
}
async function embeddingRequests() {
  return (await control('GET', '/_control/log')).requests.filter((q) => q.path.endsWith('/embeddings')).length;
}
const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
function connectTo(storePath) {
  const t = new StdioClientTransport({ command: strata, args: ['mcp', '--store', storePath], stderr: 'pipe', env: { ...process.env, NO_COLOR: '1' } });
  const c = new Client({ name: 'strata-e2e', version: '1.0.0' });
  return c.connect(t).then(() => c);
}

await control('POST', '/_control/reset');
await control('POST', '/_control/script', { responses: [{ fault: 'slow', ms: 600000 }] });
const hung = await connectTo(servedStore);
const abort = new AbortController();
// What is asserted is the order, never the speed (bench/mcp_hang.sh times it): the calls below
// are answered while the hybrid search is still held.
const hungSent = performance.now();
let hybridSettled = false;
const hybrid = hung.callTool({ name: 'search', arguments: { query: 'rollback', mode: 'hybrid' } }, undefined, { signal: abort.signal })
  .then((result) => ({ result }), (error) => ({ error }))
  .finally(() => { hybridSettled = true; });
let waited = 0;
while ((await embeddingRequests()) === 0 && waited < 5000) { await sleep(20); waited += 20; }
check('hang: the hybrid search reached the embedding server, which holds it', waited < 5000);
for (let i = 0; i < 5; i++) {
  const t0 = performance.now();
  await hung.ping();
  const ms = performance.now() - t0;
  check(`hang: client.ping() answered while the search hangs, before it (${ms.toFixed(1)} ms)`, !hybridSettled, `${ms} ms`);
}
let t0 = performance.now();
r = await hung.callTool({ name: 'search', arguments: { query: 'rollback', mode: 'keyword' } });
check(`hang: a keyword search answered meanwhile (${(performance.now() - t0).toFixed(0)} ms)`,
      !r.isError && r.structuredContent?.hits?.[0]?.source === 'guide.md' && !hybridSettled, text(r));
// The SDK's cancel: notifications/cancelled for the call, and its promise rejected. The server
// stops the call: the embedding lane is free at once, so a hybrid search sent next (the test
// server answering again) is served by the embedding server before the hung request's own
// timeout (15 s after it was sent, k_embed_request_timeout) could have freed the lane.
abort.abort('the user gave up');
const cancelled = await hybrid;
check('hang: callTool with an aborted signal rejects', cancelled.error !== undefined, JSON.stringify(cancelled.result ?? {}));
await control('POST', '/_control/reset');
t0 = performance.now();
r = await hung.callTool({ name: 'search', arguments: { query: 'rollback', mode: 'hybrid' } });
const took = performance.now() - t0;
check(`hang: after the cancel, the next hybrid search is served by the embedding server before the hung request's timeout (${(took / 1000).toFixed(1)} s)`,
      !r.isError && r.structuredContent?.mode === 'hybrid' && r.structuredContent.query_not_embedded === undefined &&
        performance.now() - hungSent < 15000,
      JSON.stringify(r.structuredContent ?? r).slice(0, 300));
r = await hung.callTool({ name: 'search', arguments: { query: 'store', mode: 'keyword' } });
check('hang: then a keyword search', !r.isError && r.structuredContent?.hits?.[0]?.source === 'faq.md', text(r));
t0 = performance.now();
await hung.close();
check(`hang: close (${(performance.now() - t0).toFixed(0)} ms)`, true);

// --- an HTML page: a hit's lines read back hold the hit ----------------------------------------
const pages = await connectTo(pagesStore);
for (const query of ['part3word2', 'part7word1']) {
  r = await pages.callTool({ name: 'search', arguments: { query, k: 1, mode: 'keyword' } });
  const hit = r.structuredContent?.hits?.[0];
  check(`html: ${query} found in widgets.html`, hit?.source === 'widgets.html', text(r));
  if (!hit) continue;
  r = await pages.callTool({ name: 'read_document', arguments: { source: hit.source, start_line: hit.lines[0], end_line: hit.lines[1] } });
  check(`html: read_document of ${query}'s lines ${hit.lines[0]}-${hit.lines[1]} holds the hit`,
        !r.isError && r.structuredContent.text.includes(hit.text) && r.structuredContent.first_line <= hit.lines[0] &&
        r.structuredContent.last_line >= hit.lines[1], `hit ${JSON.stringify(hit.text)}\nread ${JSON.stringify(r.structuredContent?.text)}`);
}
await pages.close();
process.exit(failed() ? 1 : 0);
