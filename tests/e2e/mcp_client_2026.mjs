// The official MCP client package (@modelcontextprotocol/client 2.x) pinned to protocol revision
// 2026-07-28 against `strata mcp` over stdio (tests/e2e/mcp.sh): server/discover instead of
// initialize, the revision in every request's _meta; tools, resources, and a client pinned to a
// revision strata does not offer failing at connect.
// Usage: node mcp_client_2026.mjs CLIENT_DIR STRATA STORE
// Prints one line per check, "ok NAME" or "FAIL NAME: why", and exits 1 if any failed.
import { createRequire } from 'node:module';
import path from 'node:path';

import { check, failed, text } from './mcp_checks.mjs';

const [clientDir, strata, store] = process.argv.slice(2);
const require = createRequire(path.join(clientDir, 'package.json'));
const { Client } = require('@modelcontextprotocol/client');
const { StdioClientTransport } = require('@modelcontextprotocol/client/stdio');

function transport() {
  return new StdioClientTransport({ command: strata, args: ['mcp', '--store', store], stderr: 'pipe', env: { ...process.env, NO_COLOR: '1' } });
}
function pinned(version) {
  return new Client({ name: 'strata-e2e-2026', version: '1.0.0' }, { versionNegotiation: { mode: { pin: version } } });
}

const client = pinned('2026-07-28');
await client.connect(transport());
check('connect: revision 2026-07-28 negotiated', client.getNegotiatedProtocolVersion() === '2026-07-28', client.getNegotiatedProtocolVersion());
check('connect: the modern era (server/discover, no initialize)', client.getProtocolEra() === 'modern', client.getProtocolEra());
const discovered = client.getDiscoverResult();
check('server/discover: lists 2026-07-28 and 2025-11-25',
      (discovered?.supportedVersions ?? []).includes('2026-07-28') && discovered.supportedVersions.includes('2025-11-25'),
      JSON.stringify(discovered?.supportedVersions));
check('server/discover: server name', client.getServerVersion()?.name === 'strata', JSON.stringify(client.getServerVersion()));
check('server/discover: tools and resources', !!client.getServerCapabilities()?.tools && !!client.getServerCapabilities()?.resources,
      JSON.stringify(client.getServerCapabilities()));
// (2026-07-28 has no ping: the client refuses to send one.)
const { tools } = await client.listTools();
check('tools/list: the six tools', JSON.stringify(tools.map((t) => t.name).sort()) ===
      JSON.stringify(['list_collections', 'list_documents', 'migrate_check', 'migrate_status', 'read_document', 'search']),
      tools.map((t) => t.name).join(','));
check('tools/list: every tool declares an outputSchema', tools.every((t) => t.outputSchema?.type === 'object'));

// The client checks structuredContent against the outputSchema it listed.
let r = await client.callTool({ name: 'search', arguments: { query: 'roll back the last migration', k: 2 } });
const hits = r.structuredContent?.hits ?? [];
check('search: a hit in guide.md with its citation', !r.isError && hits[0]?.source === 'guide.md' &&
      /^guide\.md:L\d+(-L\d+)?$/.test(hits[0].citation) && text(r).includes(hits[0].citation), text(r));
r = await client.callTool({ name: 'read_document', arguments: { source: 'guide.md', start_line: hits[0]?.lines[0], end_line: hits[0]?.lines[1] } });
check('read_document: the hit read back by its lines', !r.isError && r.structuredContent?.text.includes(hits[0]?.text.split('\n')[0]) &&
      r.structuredContent.first_line === hits[0].lines[0], JSON.stringify(r.structuredContent));
r = await client.callTool({ name: 'read_document', arguments: { source: 'absent.md' } });
check('read_document: an unknown source is a tool error', r.isError === true && text(r).includes('absent.md'), text(r));

const res = await client.listResources();
check('resources/list', res.resources.map((x) => x.uri).sort().join(' ') === 'strata://default/faq.md strata://default/guide.md',
      res.resources.map((x) => x.uri).join(' '));
const read = await client.readResource({ uri: 'strata://default/faq.md' });
check('resources/read', read.contents[0]?.text.includes('store.db') && read.contents[0].mimeType === 'text/plain', JSON.stringify(read.contents[0]));
try {
  await client.readResource({ uri: 'strata://default/absent.md' });
  check('resources/read: unknown', false, 'no error');
} catch (e) {
  // 2026-07-28 retired -32002: a resource that is not there is an invalid parameter.
  check('resources/read: unknown is -32602 naming it', e.code === -32602 && e.message.includes('absent.md'), `${e.code} ${e.message}`);
}
await client.close();

// A client pinned to a revision strata does not offer fails at connect, loudly.
const future = pinned('2099-01-01');
try {
  await future.connect(transport());
  check('pinned to 2099-01-01: refused', false, `connected at ${future.getNegotiatedProtocolVersion()}`);
  await future.close();
} catch (e) {
  // strata's -32022 names the revision asked for and those it speaks.
  check('pinned to 2099-01-01: -32022 at connect, listing the revisions', e.code === -32022 && e.data?.requested === '2099-01-01' &&
        (e.data?.supported ?? []).includes('2026-07-28'), `${e.name} ${e.code} ${e.message} ${JSON.stringify(e.data)}`);
}
process.exit(failed() ? 1 : 0);
