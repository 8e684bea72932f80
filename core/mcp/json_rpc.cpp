#include "mcp/json_rpc.h"

#include <utility>

namespace strata::mcp {
namespace {

using nlohmann::json;

// JSON-RPC ids are strings or numbers; MCP forbids null. Fractions are allowed by JSON-RPC but
// discouraged; they are echoed as given.
bool valid_id(const json& id) { return id.is_string() || id.is_number(); }

ParsedLine error_line(const json& id, RpcCode code, const std::string& message) {
  ParsedLine p;
  p.error = rpc_error(id, code, message);
  return p;
}

}  // namespace

ParsedLine parse_line(std::string_view line) {
  ParsedJson parsed = parse_json_within(line, k_message_limits);
  if (parsed.beyond_limits()) {
    // Valid JSON perhaps, but no request of this protocol is that deep: refused unread, so that
    // no copy or walk of it can exhaust the stack.
    return error_line(nullptr, RpcCode::invalid_request, "message " + parsed.message + ", not read");
  }
  if (!parsed.ok()) return error_line(nullptr, RpcCode::parse_error, "parse error: " + parsed.message);
  if (parsed.value.is_array()) {
    if (parsed.value.empty()) return error_line(nullptr, RpcCode::invalid_request, "an empty batch");
    ParsedLine p;
    p.batch = std::move(parsed.value);
    return p;
  }
  return parse_message(std::move(parsed.value));
}

ParsedLine parse_message(json message) {
  if (message.is_array()) return error_line(nullptr, RpcCode::invalid_request, "a batch inside a batch");
  if (!message.is_object()) return error_line(nullptr, RpcCode::invalid_request, "a message must be a JSON object");
  const json id = message.contains("id") ? message["id"] : json(nullptr);
  if (message.value("jsonrpc", json()) != "2.0") {
    return error_line(valid_id(id) ? id : json(nullptr), RpcCode::invalid_request, "\"jsonrpc\" must be \"2.0\"");
  }
  if (!message.contains("method")) {
    if (message.contains("result") || message.contains("error")) {
      ParsedLine p;
      p.response = true;
      return p;
    }
    return error_line(valid_id(id) ? id : json(nullptr), RpcCode::invalid_request, "a request needs a \"method\"");
  }
  if (!message["method"].is_string()) {
    return error_line(valid_id(id) ? id : json(nullptr), RpcCode::invalid_request, "\"method\" must be a string");
  }
  if (message.contains("id") && !valid_id(id)) {
    return error_line(nullptr, RpcCode::invalid_request, "\"id\" must be a string or a number");
  }
  RpcRequest r;
  r.notification = !message.contains("id");
  r.id = id;
  r.method = message["method"].get<std::string>();
  if (message.contains("params")) {
    if (!message["params"].is_object()) {
      if (r.notification) return {};
      return error_line(id, RpcCode::invalid_params, "\"params\" must be an object");
    }
    r.params = std::move(message["params"]);
  } else {
    r.params = json::object();
  }
  ParsedLine p;
  p.request = std::move(r);
  return p;
}

json rpc_result(const json& id, json result) { return json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}}; }

json rpc_error(const json& id, RpcCode code, const std::string& message, const json& data) {
  json error = {{"code", static_cast<int>(code)}, {"message", message}};
  if (!data.is_null()) error["data"] = data;
  return json{{"jsonrpc", "2.0"}, {"id", id}, {"error", std::move(error)}};
}

std::string to_line(const json& message) {
  return message.dump(-1, ' ', true, json::error_handler_t::replace);
}

}  // namespace strata::mcp
