#pragma once
// A tool a model may call during `ask --tools` and `strata chat`: strata's own search and
// read_document (core/mcp/ask_own_tools.h), or a tool of an MCP server the user configured.
//
// Contract: `run` gets the call's arguments, a JSON object (the loop answers arguments that are
// not one itself), and returns what the model reads back. A failure the model can act on (a wrong argument, no
// such document) is a ToolOutcome with is_error set; `run` may also throw strata::Error, which
// the loop turns into such an outcome. Nothing a tool returns is ever executed.
#include <cstddef>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "llm/chat_stream.h"

namespace strata::ask {

struct ToolOutcome {
  std::string text;     // for the model: fenced as data where it comes from outside strata
  bool is_error = false;
  std::string summary;  // one line for the terminal ("5 results: [6]-[10]"); "" if none
};

struct AgentTool {
  llm::ToolSpec spec;       // name, description and input schema, as the model reads them
  // True: the user confirms each call at the terminal (ask/tool_confirm.h shows its arguments);
  // with no terminal it is refused unless --yes. strata's own tools (search and read_document
  // over the local store, nothing leaves the machine) never ask; an MCP server's tools ask unless
  // the user's own config says otherwise for that server (config::McpConfirm).
  bool asks_first = false;
  std::string origin;       // "strata", or "mcp:NAME" for a configured MCP server
  std::function<ToolOutcome(const nlohmann::json& arguments)> run;
};

// One call the model made, as shown on stderr and logged in llm_calls.tool_calls.
struct ToolCallRecord {
  std::size_t step = 0;  // the model request that asked for it, from 1
  std::string name;
  std::string origin;    // "" for a tool that does not exist
  std::string arguments; // as the model wrote them
  enum class Status { ok, error, refused };
  Status status = Status::ok;
  std::string summary;   // ToolOutcome::summary, or the error
  double ms = 0;
  std::size_t result_bytes = 0;
};

const char* to_string(ToolCallRecord::Status status);

// The calls as llm_calls.tool_calls stores them and `ask --json` shows them: a JSON array of
// {"step", "tool", "origin", "arguments", "status", "ms", "result_bytes"}.
std::string tool_calls_json(const std::vector<ToolCallRecord>& calls);

}  // namespace strata::ask
