#pragma once
// The public face of core/mcp: the only header of the area that programs (cli/) include;
// the area's other headers are its own. cli/CMakeLists.txt checks it.
//
// strata as a Model Context Protocol server over stdio: the store's search and documents, and the
// project's migration reports, as read-only tools and resources.
// And strata as an MCP client (client.h): the tools of servers the user configured, offered to
// `ask --tools` with strata's own (ask_remote_tools.h, ask_own_tools.h).
#include "mcp/ask_own_tools.h"  // IWYU pragma: export
#include "mcp/ask_remote_tools.h"  // IWYU pragma: export
#include "mcp/client.h"  // IWYU pragma: export
#include "mcp/server.h"  // IWYU pragma: export
#include "mcp/tool_names.h"  // IWYU pragma: export
