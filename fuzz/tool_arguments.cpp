// Target: a model's tool-call arguments on their way to a tool (ask --tools): read as every tool
// gets them (ask::parse_tool_arguments: depth and size measured first), then given to the
// argument readers every door shares (service::search_request, read_request, ask_request), sent on
// inside an MCP tools/call request (what mcp::Client writes), and replayed to the model in the
// next request body of both providers (the Anthropic body parses them again). Checks: arguments
// beyond the limits are refused unread; only Error(usage) escapes the readers; the request line
// and both bodies are JSON again. Seeds include arguments nested 200,000 levels deep.
#include <nlohmann/json.hpp>
#include <string>

#include "ask/tool_loop.h"
#include "common/error.h"
#include "fuzz_util.h"
#include "llm/chat_stream.h"
#include "mcp/json_rpc.h"
#include "service/ask.h"
#include "service/documents.h"
#include "service/search.h"

using namespace strata;
using nlohmann::json;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string arguments(fuzz::as_text(data, size));
  ParsedJson parsed = ask::parse_tool_arguments(arguments);
  if (parsed.ok() && parsed.value.is_object()) {
    const json& a = parsed.value;
    try {
      (void)service::search_request(a, search::SearchRequest{}, "default");
    } catch (const Error& e) {
      FUZZ_CHECK(e.code() == ExitCode::usage, std::string("search_request: ") + e.what());
    }
    try {
      (void)service::ask_request(a, ask::AskRequest{}, "default");
    } catch (const Error& e) {
      FUZZ_CHECK(e.code() == ExitCode::usage, std::string("ask_request: ") + e.what());
    }
    try {
      (void)service::read_request(a, "default", 4096);
    } catch (const Error& e) {
      FUZZ_CHECK(e.code() == ExitCode::usage, std::string("read_request: ") + e.what());
    }
    const std::string line = mcp::to_line(json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "tools/call"},
                                               {"params", {{"name", "t"}, {"arguments", a}}}});
    FUZZ_CHECK(parse_json_within(line, {.max_depth = k_json_max_depth + 3, .max_bytes = SIZE_MAX}).ok(),
               "the tools/call line is not JSON within the depth limit");
  } else if (!parsed.ok()) {
    FUZZ_CHECK(parsed.value.is_discarded(), "refused arguments with a value");
  }
  // The call replayed to the model, as the next request of the loop does, whatever it was.
  llm::ChatRequest replay;
  replay.model = "m";
  llm::ChatMessage& said = replay.messages.emplace_back(llm::ChatMessage::Role::assistant, "");
  said.tool_calls = {{"c1", "search", arguments}};
  replay.messages.emplace_back(llm::ChatMessage::Role::tool, "r").tool_call_id = "c1";
  for (const llm::Provider p : {llm::Provider::openai, llm::Provider::anthropic}) {
    const std::string body = llm::chat_request_body(p, replay);
    FUZZ_CHECK(parse_json_within(body, {.max_depth = k_json_max_depth + 8, .max_bytes = SIZE_MAX}).ok(),
               "a request body that is not JSON");
  }
  return 0;
}
