#include "mcp/server.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "common/error.h"
#include "mcp/json_rpc.h"
#include "mcp/resources.h"
#include "mcp/tools.h"

namespace strata::mcp {
namespace {

using nlohmann::json;

constexpr std::string_view k_instructions =
    "strata's knowledge store: search finds passages (cite them as source:Lfirst-Llast), read_document reads more "
    "of a source, list_collections and list_documents show what is stored. migrate_status and migrate_check report "
    "the project's SQL migrations. Every tool only reads.";

std::string negotiated_version(const json& params) {
  const auto it = params.find("protocolVersion");
  if (it != params.end() && it->is_string()) {
    for (std::string_view v : k_protocol_versions) {
      if (*it == v) return std::string(v);
    }
  }
  return std::string(k_protocol_versions[0]);
}

// A tool's failure as the model should read it: the message, and the hint when there is one.
std::string failure_text(const Error& e) { return e.hint().empty() ? e.what() : std::string(e.what()) + " (" + e.hint() + ")"; }

}  // namespace

struct Server::Impl {
  explicit Impl(ServerOptions o) : options(std::move(o)), session(options) {}

  ServerOptions options;
  ToolSession session;

  json initialize(const json& params) {
    return {{"protocolVersion", negotiated_version(params)},
            {"capabilities", {{"tools", {{"listChanged", false}}}, {"resources", {{"listChanged", false}, {"subscribe", false}}}}},
            {"serverInfo", {{"name", "strata"}, {"title", "strata knowledge store"}, {"version", options.version}}},
            {"instructions", k_instructions}};
  }

  json list_tools() {
    json list = json::array();
    for (const Tool& t : tools()) list.push_back(tool_listing(t));
    return {{"tools", std::move(list)}};
  }

  json call_tool(const json& params) {
    const auto name = params.find("name");
    if (name == params.end() || !name->is_string()) throw RpcError(RpcCode::invalid_params, "tools/call needs \"name\", a string");
    const Tool* tool = find_tool(name->get<std::string>());
    if (!tool) throw RpcError(RpcCode::invalid_params, "Unknown tool: " + name->get<std::string>());
    json arguments = params.value("arguments", json::object());
    if (arguments.is_null()) arguments = json::object();
    if (!arguments.is_object()) return tool_error("arguments must be an object");
    try {
      return tool->call(session, arguments);
    } catch (const Error& e) {
      return tool_error(failure_text(e));
    }
  }

  json dispatch(const RpcRequest& r) {
    const std::string& m = r.method;
    if (m == "initialize") return initialize(r.params);
    if (m == "ping") return json::object();
    if (m == "tools/list") return list_tools();
    if (m == "tools/call") return call_tool(r.params);
    if (m == "resources/list") return list_resources(session, r.params);
    if (m == "resources/templates/list") return resource_templates();
    if (m == "resources/read") return read_resource(session, r.params);
    throw RpcError(RpcCode::method_not_found, "Method not found: " + m);
  }
};

Server::Server(ServerOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
Server::~Server() = default;

std::optional<std::string> Server::handle_line(std::string_view line) {
  ParsedLine parsed = parse_line(line);
  if (parsed.error) return to_line(*parsed.error);
  if (!parsed.request) return std::nullopt;  // a response, or a notification with bad params
  const RpcRequest& r = *parsed.request;
  if (r.notification) return std::nullopt;  // initialized, cancelled, progress: nothing to answer
  try {
    return to_line(rpc_result(r.id, impl_->dispatch(r)));
  } catch (const RpcError& e) {
    return to_line(rpc_error(r.id, e.code(), e.what()));
  } catch (const Error& e) {
    return to_line(rpc_error(r.id, RpcCode::internal_error, failure_text(e)));
  } catch (const std::exception& e) {
    return to_line(rpc_error(r.id, RpcCode::internal_error, std::string("internal error: ") + e.what()));
  }
}

namespace {

// Writes all of `text`; false when the other side is gone.
bool write_all(int fd, std::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    text.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

std::size_t serve(Server& server, int in_fd, int out_fd, std::size_t max_line) {
  std::string line;
  bool oversized = false;  // the current line passed max_line: its bytes are dropped up to its end
  std::size_t lines = 0;
  std::vector<char> buffer(64 * 1024);
  const auto finish_line = [&]() -> bool {
    ++lines;
    std::optional<std::string> reply;
    if (oversized) {
      reply = to_line(rpc_error(nullptr, RpcCode::invalid_request,
                                "message larger than " + std::to_string(max_line) + " bytes, not read"));
    } else {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.find_first_not_of(" \t") == std::string::npos) {
        --lines;  // an empty line is no message
        line.clear();
        return true;
      }
      reply = server.handle_line(line);
    }
    line.clear();
    oversized = false;
    return !reply || write_all(out_fd, *reply + "\n");
  };
  for (;;) {
    const ssize_t n = ::read(in_fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    std::string_view chunk(buffer.data(), static_cast<std::size_t>(n));
    while (!chunk.empty()) {
      const std::size_t nl = chunk.find('\n');
      const std::string_view piece = chunk.substr(0, nl);
      if (!oversized) {
        if (line.size() + piece.size() > max_line) {
          oversized = true;
          line.clear();
          line.shrink_to_fit();
        } else {
          line.append(piece);
        }
      }
      if (nl == std::string_view::npos) break;
      if (!finish_line()) return lines;
      chunk.remove_prefix(nl + 1);
    }
  }
  // A last message without its newline is still one.
  if (!line.empty() || oversized) finish_line();
  return lines;
}

}  // namespace strata::mcp
