#pragma once
// JSON-RPC 2.0 as the Model Context Protocol's stdio transport carries it: one message per line
// (UTF-8 JSON without a raw newline), requests with an id, notifications without one, and the
// responses this side writes. A batch (a JSON array of messages) is handed to the session, which
// serves it only where the negotiated revision has batches (2025-03-26: the server MUST accept
// them; 2025-06-18 dropped them, and 2026-07-28's stdio carries one message a line).
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "common/json_limits.h"

namespace strata::mcp {

// JSON-RPC's error codes, and the protocol's own: a resource that is not there (2025-11-25 and
// earlier; 2026-07-28 answers -32602 instead) and a protocol version the server does not speak
// (2026-07-28); and this server's own, rate_limited.
enum class RpcCode : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
  resource_not_found = -32002,
  unsupported_protocol_version = -32022,
  // A request of a batch over HTTP that the caller's rate limit no longer covers (a server
  // error of JSON-RPC's implementation-defined range; data.retry_after says when, in seconds).
  rate_limited = -32029,
};

// Thrown by a method's handler; the session answers it as an error response and goes on.
class RpcError : public std::runtime_error {
 public:
  RpcError(RpcCode code, std::string message, nlohmann::json data = nullptr)
      : std::runtime_error(std::move(message)), code_(code), data_(std::move(data)) {}
  RpcCode code() const noexcept { return code_; }
  const nlohmann::json& data() const noexcept { return data_; }  // the error's "data"; null: none

 private:
  RpcCode code_;
  nlohmann::json data_;
};

struct RpcRequest {
  nlohmann::json id;  // a string or an integer; null for a notification
  bool notification = false;
  std::string method;
  nlohmann::json params;  // an object (empty when the message had none)
};

// What one line holds: a request or notification to handle, a response from the other side
// (which a server that sends no requests ignores), a batch (its messages, each to be read with
// parse_message), or the error response to write back (id null when the line's id could not be
// read).
struct ParsedLine {
  std::optional<RpcRequest> request;
  bool response = false;
  std::optional<nlohmann::json> batch;  // a non-empty array
  std::optional<nlohmann::json> error;
};

// A message's limits on either side of the connection: depth k_json_max_depth (128) and the
// transport's line cap (serve's max_line, ClientOptions::max_line_bytes) for size.
inline constexpr JsonLimits k_message_limits{.max_depth = k_json_max_depth, .max_bytes = std::size_t{64} << 20};

// A line deeper than k_message_limits is an invalid request (-32600) saying so; JSON that does
// not parse is a parse error (-32700).
ParsedLine parse_line(std::string_view line);

// One message already parsed (a line's, or an element of a batch): never a batch itself, since a
// batch holds no batches.
ParsedLine parse_message(nlohmann::json message);

nlohmann::json rpc_result(const nlohmann::json& id, nlohmann::json result);
nlohmann::json rpc_error(const nlohmann::json& id, RpcCode code, const std::string& message,
                         const nlohmann::json& data = nullptr);

// The message as one line: JSON with every non-ASCII character escaped, so the line holds no
// byte a reader could split on, and invalid UTF-8 from a document is replaced, never thrown.
std::string to_line(const nlohmann::json& message);

}  // namespace strata::mcp
