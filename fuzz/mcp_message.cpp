// Target: the MCP session's answer to one JSON-RPC line (core/mcp/server.h). Checks: it never
// throws; a reply is one line of ASCII JSON holding "jsonrpc": "2.0" and either a result or an
// error with an integer code; a request with a string or number id gets a reply with that id.
// A line nesting deeper than 128 levels gets -32600 with id null (regressions: 60,000 levels).
// The session's store does not exist, so every tool call ends in a tool error, never a store.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "mcp/json_rpc.h"
#include "mcp/server.h"

using namespace strata;

namespace {

mcp::Server& session() {
  static mcp::Server server([] {
    mcp::ServerOptions o;
    o.store_path = "/nonexistent/strata-fuzz/store.db";
    o.version = "fuzz";
    return o;
  }());
  return server;
}

void check_line(std::string_view line) {
  const std::optional<std::string> reply = session().handle_line(line);
  if (!reply) return;
  FUZZ_CHECK(reply->find('\n') == std::string::npos, "a reply of more than one line");
  for (const char c : *reply) FUZZ_CHECK(static_cast<unsigned char>(c) < 0x80, "a reply with a non-ASCII byte");
  const nlohmann::json j = nlohmann::json::parse(*reply, nullptr, false);
  FUZZ_CHECK(!j.is_discarded() && j.is_object(), "a reply that is not a JSON object: " + *reply);
  FUZZ_CHECK(j.value("jsonrpc", "") == "2.0", "a reply without jsonrpc 2.0: " + *reply);
  FUZZ_CHECK(j.contains("result") != j.contains("error"), "a reply with neither or both of result and error");
  if (j.contains("error")) FUZZ_CHECK(j["error"]["code"].is_number_integer(), "an error without an integer code");
  // The checker reads the line within the same limits (a 60,000-deep id once crashed the
  // server's copy of it, and would crash this comparison too); a line beyond them is refused.
  const ParsedJson parsed = parse_json_within(line, mcp::k_message_limits);
  if (parsed.beyond_limits()) {
    FUZZ_CHECK(j["error"]["code"] == -32600 && j["id"].is_null(), "a line beyond the limits not refused: " + *reply);
    return;
  }
  const nlohmann::json& request = parsed.value;
  if (request.is_object() && request.contains("id") && (request["id"].is_string() || request["id"].is_number_integer()) &&
      request.contains("method") && request.value("jsonrpc", nlohmann::json()) == "2.0") {
    FUZZ_CHECK(j["id"] == request["id"], "a reply to another id: " + *reply);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::for_each_line(fuzz::as_text(data, size), check_line);  // each line a message
  return 0;
}
