#pragma once
// strata's own tools for `ask --tools`: `search` and `read_document`, with the names,
// descriptions and input schemas of the MCP server's tools (mcp/tools.h), so a model meets
// the same tools in both places.
//
// What they return becomes citable: each passage a call brings is added to the answer's sources
// with the next free number (a passage already among them keeps its number), and is shown to
// the model as the prompt shows sources, "[n] location" and the text fenced as data. Each
// passage is sent once in an answer: one the model already has (a source of the prompt, or
// brought by an earlier call) is named by its number, "[n] location: already given above",
// not sent again. The answer's citations are then checked against every source, the tools'
// included.
#include <vector>

#include "ask/agent_tool.h"
#include "ask/ask.h"
#include "llm/context_pack.h"
#include "store/store.h"

namespace strata::mcp {

// The tools, reading `store` with `request`'s retrieval settings (collection, embedding server,
// vector weight) and numbering passages into `pack`. REQUIRES: store, request and pack outlive
// the tools.
std::vector<ask::AgentTool> own_agent_tools(store::Store& store, const ask::AskRequest& request, llm::ContextPack& pack);

}  // namespace strata::mcp
