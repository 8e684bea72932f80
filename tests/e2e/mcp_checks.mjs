// What the MCP client scripts (mcp_client.mjs, mcp_client_2026.mjs) share: one line per check,
// "ok NAME" or "FAIL NAME: why" (tests/e2e/mcp.sh counts them), and a tool result's text.
let failures = 0;

export function check(name, cond, why) {
  if (cond) console.log(`ok ${name}`);
  else { failures++; console.log(`FAIL ${name}: ${why ?? ''}`); }
}

export function failed() { return failures; }

export function text(result) { return (result.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n'); }
