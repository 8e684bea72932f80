#pragma once
// The tools of the MCP servers the user configured, offered to the model by `ask --tools` and
// `strata chat` after strata's own.
//
// A tool is named SERVER__TOOL (the providers allow [A-Za-z0-9_-], at most 64 characters; other
// characters become '_'), so two servers' tools cannot collide with each other or with strata's.
// Its description says which server it comes from. Its output (already sanitised and capped by
// the client) reaches the model fenced, introduced as data; it is never executed.
#include <vector>

#include "ask/agent_tool.h"
#include "mcp/client.h"

namespace strata::mcp {

// Whether a call asks first comes from the server's `confirm` in `configured` (the user's file;
// config::McpConfirm): "always" (the default) for every tool, "writes" for the tools the server
// does not mark read-only, "never" for none. REQUIRES: `clients` outlives the tools.
std::vector<ask::AgentTool> remote_agent_tools(const ClientSet& clients, const config::McpServers& configured);

}  // namespace strata::mcp
