#pragma once
// JSON-RPC 2.0 as the Model Context Protocol's stdio transport carries it: one message per line
// (UTF-8 JSON without a raw newline), requests with an id, notifications without one, and the
// responses this side writes. Batches (a JSON array) were dropped by the protocol in 2025-06-18
// and are answered as invalid requests.
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace strata::mcp {

// JSON-RPC's error codes, and the protocol's own for a resource that is not there.
enum class RpcCode : int {
  parse_error = -32700,
  invalid_request = -32600,
  method_not_found = -32601,
  invalid_params = -32602,
  internal_error = -32603,
  resource_not_found = -32002,
};

// Thrown by a method's handler; the session answers it as an error response and goes on.
class RpcError : public std::runtime_error {
 public:
  RpcError(RpcCode code, std::string message) : std::runtime_error(std::move(message)), code_(code) {}
  RpcCode code() const noexcept { return code_; }

 private:
  RpcCode code_;
};

struct RpcRequest {
  nlohmann::json id;  // a string or an integer; null for a notification
  bool notification = false;
  std::string method;
  nlohmann::json params;  // an object (empty when the message had none)
};

// What one line holds: a request or notification to handle, a response from the other side
// (which a server that sends no requests ignores), or the error response to write back (id
// null when the line's id could not be read).
struct ParsedLine {
  std::optional<RpcRequest> request;
  bool response = false;
  std::optional<nlohmann::json> error;
};

ParsedLine parse_line(std::string_view line);

nlohmann::json rpc_result(const nlohmann::json& id, nlohmann::json result);
nlohmann::json rpc_error(const nlohmann::json& id, RpcCode code, const std::string& message);

// The message as one line: JSON with every non-ASCII character escaped, so the line holds no
// byte a reader could split on, and invalid UTF-8 from a document is replaced, never thrown.
std::string to_line(const nlohmann::json& message);

}  // namespace strata::mcp
