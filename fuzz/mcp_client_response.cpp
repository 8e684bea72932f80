// Target: what strata as an MCP client makes of a server's lines (core/mcp/client.h), without a
// process: each line read within k_message_limits, as Client reads it, then taken as the answer
// to initialize, to tools/list and to tools/call. Checks: only the documented outcomes (a line
// beyond the limits is refused unread; nothing throws); a problem is one line without control
// characters; a version is one strata speaks; a listed tool has a valid name and a description
// fit for a terminal; a tool result stays within its cap (plus its marker) and has no escape
// character. Seeds include answers nested 200,000 levels deep (fuzz/regressions/).
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/json_limits.h"
#include "fuzz_util.h"
#include "mcp/client.h"
#include "mcp/json_rpc.h"
#include "mcp/server.h"

using namespace strata;
using nlohmann::json;

namespace {

constexpr std::size_t k_cap = 1000;

void no_controls(const std::string& s, const char* what, bool newlines_allowed) {
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (newlines_allowed && (c == '\n' || c == '\t')) continue;
    FUZZ_CHECK(u >= 0x20 && u != 0x7f, std::string(what) + " holds a control character: " + s);
  }
}

void check_line(std::string_view line) {
  ParsedJson parsed = parse_json_within(line, mcp::k_message_limits);
  if (!parsed.ok()) {
    FUZZ_CHECK(parsed.value.is_discarded(), "a refused line with a value");
    FUZZ_CHECK(!parsed.message.empty(), "a refused line without a reason");
    return;
  }
  const json& message = parsed.value;
  if (!message.is_object() || message.contains("method")) return;  // junk and the server's own requests
  if (!message.contains("result") && !message.contains("error")) return;
  if (const auto problem = mcp::response_problem(message, "initialize")) {
    no_controls(*problem, "a problem", false);
  } else {
    const json& result = message["result"];
    if (const auto version = mcp::known_protocol_version(result)) {
      bool known = false;
      for (const std::string_view v : mcp::k_protocol_versions) known = known || v == *version;
      FUZZ_CHECK(known, "a version strata does not speak: " + *version);
    }
    if (const auto tools = result.find("tools"); tools != result.end() && tools->is_array()) {
      for (const json& t : *tools) {
        const auto tool = mcp::remote_tool("fuzz", t);
        if (!tool) continue;
        FUZZ_CHECK(!tool->name.empty() && tool->name.size() <= 128, "a tool name of the wrong size");
        no_controls(tool->name, "a tool name", false);
        FUZZ_CHECK(tool->name.find(' ') == std::string::npos, "a tool name with a space");
        no_controls(tool->description, "a description", true);
        FUZZ_CHECK(tool->input_schema.is_object(), "an input schema that is not an object");
        (void)tool->input_schema.dump();  // what a model request carries: within the depth limit
      }
    }
  }
  const mcp::ToolResult r = mcp::tool_call_result(message, k_cap);
  no_controls(r.text, "a tool result", true);
  if (r.cut) {
    FUZZ_CHECK(r.text.find("\n[output cut: ") <= k_cap, "a result cut past its cap");
  } else {
    FUZZ_CHECK(r.text.size() <= k_cap, "a long result not marked cut");
  }
  if (!r.structured.is_null()) (void)r.structured.dump();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::for_each_line(fuzz::as_text(data, size), check_line);
  return 0;
}
