// The official MCP clients' Streamable HTTP transports against `strata serve`'s /mcp
// (tests/e2e/serve_mcp.sh): the TypeScript SDK 1.x (`sdk`: initialize, a session, tools,
// search, resources, the session ended with DELETE) or the 2026 client package pinned to
// revision 2026-07-28 (`2026`: server/discover, no session, the revision in every request).
// Usage: node serve_mcp_client.mjs sdk|2026 CLIENT_DIR URL
// Prints one line per check, "ok NAME" or "FAIL NAME: why", and exits 1 if any failed.
import { createRequire } from 'node:module';
import path from 'node:path';

import { check, failed, text } from './mcp_checks.mjs';

const [mode, clientDir, url] = process.argv.slice(2);
const require = createRequire(path.join(clientDir, 'package.json'));

let client, transport;
if (mode === 'sdk') {
  const { Client } = require('@modelcontextprotocol/sdk/client/index.js');
  const { StreamableHTTPClientTransport } = require('@modelcontextprotocol/sdk/client/streamableHttp.js');
  client = new Client({ name: 'strata-e2e-http', version: '1.0.0' });
  transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  check('initialize: a session id issued', /^[0-9a-f]{32}$/.test(transport.sessionId ?? ''), transport.sessionId);
  check('initialize: server name', client.getServerVersion()?.name === 'strata', JSON.stringify(client.getServerVersion()));
  await client.ping();
  check('ping', true);
} else {
  const { Client, StreamableHTTPClientTransport } = require('@modelcontextprotocol/client');
  client = new Client({ name: 'strata-e2e-http-2026', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  check('connect: revision 2026-07-28', client.getNegotiatedProtocolVersion() === '2026-07-28', client.getNegotiatedProtocolVersion());
  check('connect: the modern era (server/discover, no initialize)', client.getProtocolEra() === 'modern', client.getProtocolEra());
  check('connect: no session id', transport.sessionId === undefined, transport.sessionId);
}

const { tools } = await client.listTools();
check('tools/list: the six tools', JSON.stringify(tools.map((t) => t.name).sort()) ===
      JSON.stringify(['list_collections', 'list_documents', 'migrate_check', 'migrate_status', 'read_document', 'search']),
      tools.map((t) => t.name).join(','));

// The client checks structuredContent against the outputSchema it listed.
let r = await client.callTool({ name: 'search', arguments: { query: 'roll back the last migration', k: 2 } });
const hits = r.structuredContent?.hits ?? [];
check('search: a hit in guide.md with its citation', !r.isError && hits[0]?.source === 'guide.md' &&
      /^guide\.md:L\d+(-L\d+)?$/.test(hits[0].citation) && text(r).includes(hits[0].citation), text(r));
r = await client.callTool({ name: 'list_collections', arguments: {} });
check('list_collections: both collections', JSON.stringify((r.structuredContent?.collections ?? []).map((c) => c.name).sort()) ===
      JSON.stringify(['default', 'notes']), text(r));
r = await client.callTool({ name: 'search', arguments: { query: 'retention', collection: 'notes', k: 1 } });
check('search: another collection', !r.isError && r.structuredContent?.hits?.[0]?.source === 'policy retention.md', text(r));

const res = await client.listResources();
check('resources/list: five documents', res.resources.length === 5 && res.resources.some((x) => x.uri === 'strata://default/faq.md'),
      res.resources.map((x) => x.uri).join(' '));
const read = await client.readResource({ uri: 'strata://default/faq.md' });
check('resources/read', read.contents[0]?.text.includes('store.db') && read.contents[0].mimeType === 'text/plain',
      JSON.stringify(read.contents[0]));
try {
  await client.readResource({ uri: 'strata://default/absent.md' });
  check('resources/read: unknown', false, 'no error');
} catch (e) {
  const want = mode === 'sdk' ? -32002 : -32602;  // 2026-07-28 retired -32002
  check(`resources/read: unknown is ${want}`, e.code === want && e.message.includes('absent.md'), `${e.code} ${e.message}`);
}

if (mode === 'sdk') {
  const id = transport.sessionId;
  await transport.terminateSession();
  check('DELETE ends the session', transport.sessionId === undefined);
  const after = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': id },
    body: JSON.stringify({ jsonrpc: '2.0', id: 99, method: 'ping' }),
  });
  check('the ended session is 404', after.status === 404, after.status);
}
await client.close();
process.exit(failed() ? 1 : 0);
