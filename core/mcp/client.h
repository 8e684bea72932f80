#pragma once
// strata as a Model Context Protocol client: starts the servers named in the user's config file
// ([mcp.servers.NAME], config.h) and calls their tools. One Client is one server process spoken to
// over its standard input and output (newline-delimited JSON-RPC 2.0, MCP's stdio transport).
//
// The child process:
// - argv exactly as configured, no shell; the program is looked up on PATH as execvp would;
// - a minimal environment: PATH, HOME, LANG, LC_ALL, LC_CTYPE, TMPDIR, USER and TERM (those set),
//   then the configured `env` (which wins). Never strata's whole environment: it holds API keys;
// - its standard error goes to a pipe of which the client keeps the last 4 KiB, to quote (the
//   last line, sanitised and cut) when the server fails; it never reaches the terminal;
// - its own process group, killed with PR_SET_PDEATHSIG should strata die: create Clients on a
//   thread that outlives them (the main thread);
// - on destruction: stdin closed, up to ClientOptions::shutdown_grace to exit, then SIGTERM to
//   the group, then SIGKILL; always reaped.
//
// A message nested deeper than k_message_limits (json_rpc.h: 128 levels) ends the connection, as
// any other failure does; it is never parsed into a value that a copy or dump could recurse
// through. A line that is not JSON at all is skipped.
//
// A server's own requests (sampling/createMessage, roots/list, elicitation/create, tasks/...),
// in every revision, are answered -32601 and never acted on; only ping is answered. strata's
// initialize declares no capability. A 2026-07-28 result that asks for input instead
// (resultType "input_required") is a tool error, never answered or retried.
//
// Every failure is strata::Error(ExitCode::unavailable) whose message starts "mcp server 'NAME': ",
// with anything the server wrote in it sanitised (no control or escape characters) and cut to
// 200 bytes. After a failure that leaves the conversation unusable (time-out, crash, flood, a
// write that failed) the server is killed and every later call throws "... is gone: <why>".
//
// A Client is not thread-safe: one call at a time.
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"

namespace strata::mcp {

struct ClientOptions {
  // Time for the process to start, answer `initialize` and list its tools (every `tools/list`
  // page), all together; the server's configured timeout, when shorter, is the limit instead.
  // Default: 30 s.
  std::chrono::milliseconds start_timeout{std::chrono::seconds(30)};
  // After stdin is closed on destruction, time to exit before SIGTERM (then SIGKILL after a
  // quarter of it). Default: 2 s.
  std::chrono::milliseconds shutdown_grace{std::chrono::seconds(2)};
  // A line (one message) longer than this ends the connection. Default: 4 MiB.
  std::size_t max_line_bytes = std::size_t{4} << 20;
  // Bytes a server may send after a request without answering it (notifications, requests, junk)
  // before the connection is ended as a flood. Default: 16 MiB.
  std::size_t max_unanswered_bytes = std::size_t{16} << 20;
  // A tool result's text is cut at this size (at a UTF-8 boundary) and marked. Default: 64 KiB.
  std::size_t max_result_bytes = std::size_t{64} << 10;
  // tools/list paging limits: beyond either the list is an error. Default: 1000 tools, 20 pages.
  std::size_t max_tools = 1000;
  std::size_t max_pages = 20;
  // clientInfo.version sent in `initialize`. Default: "" (sent as "unknown").
  std::string client_version;
};

// A tool a server offers, as listed at start.
struct RemoteTool {
  std::string server;            // the configured NAME
  std::string name;              // as the server spells it: [A-Za-z0-9_.-]{1,128} (others are dropped)
  std::string description;       // sanitised for a terminal; may be empty
  nlohmann::json input_schema;   // the server's JSON Schema, as sent (an object)
  bool read_only = false;        // annotations.readOnlyHint == true; anything else: false
};

struct ToolResult {
  // The content's text items joined with "\n", non-text items named ("[image: image/png, 1234
  // bytes omitted]"), sanitised for a terminal (newlines and tabs kept) and cut at
  // ClientOptions::max_result_bytes, then marked "[output cut: N bytes in all]". Not fenced: the
  // caller fences it before a model sees it.
  std::string text;
  bool is_error = false;   // isError, or a JSON-RPC error answered to the call (unknown tool, bad arguments)
  bool cut = false;
  nlohmann::json structured;  // structuredContent as sent (null when none); not sanitised
};

class Client {
 public:
  // Starts the server, negotiates the protocol and lists its tools. Offers protocol 2025-11-25
  // and accepts any version the server answers that is in k_protocol_versions (server.h).
  // Throws Error(unavailable): program not found, could not start, no answer within
  // start_timeout or the server's timeout, exited, an unsupported version, an error answer, a
  // bad or endless tool list, a message nested too deep.
  static std::unique_ptr<Client> start(const config::McpServerConfig& server, const ClientOptions& options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  const std::string& name() const;
  const std::string& protocol_version() const;  // the one negotiated
  const std::vector<RemoteTool>& tools() const;
  // False once the server is gone (killed after a failure, or exited).
  bool alive() const;

  // Calls `tool` with `arguments` (a JSON object) and waits up to the server's configured timeout.
  // A tool that fails, and a JSON-RPC error answer (e.g. unknown tool), is a ToolResult with
  // is_error; Error(unavailable) is for the connection: time-out (the server is killed), the
  // server exited or flooded, or it is already gone.
  ToolResult call(const std::string& tool, const nlohmann::json& arguments);

  struct Impl;
  friend void stop_all(const std::vector<std::unique_ptr<Client>>& clients);

 private:
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Every configured server, started one after another. A server that cannot start does not stop
// the others: its error is in `failures` (the caller warns) and it has no client.
struct ClientSet {
  struct Failure {
    std::string server;
    std::string message;  // the Error's message, "mcp server 'NAME': ..."
    std::string hint;
  };
  std::vector<std::unique_ptr<Client>> clients;
  std::vector<Failure> failures;

  ClientSet() = default;
  ClientSet(ClientSet&&) = default;
  ClientSet& operator=(ClientSet&&) = default;
  // Stops every server together (stop_all): one shutdown grace in all, however many servers.
  ~ClientSet();

  // The client of server `name`; nullptr when it is not running.
  Client* find(std::string_view name) const;
};

// Stops the servers of `clients` as ~Client would, but together: every input closed first, one
// ClientOptions::shutdown_grace for all of them to exit, then SIGTERM to those left, a quarter of
// the grace, then SIGKILL; always reaped. One after another, servers that ignore the end of their
// input and SIGTERM held strata 2.5 s each. The clients stay, with alive() false.
void stop_all(const std::vector<std::unique_ptr<Client>>& clients);

ClientSet start_all(const config::McpServers& servers, const ClientOptions& options = {});

// What the client makes of a server's answers, without a process: what Client uses, exposed for
// tests and fuzz/mcp_client_response.cpp. Each takes a message already read within
// k_message_limits (json_rpc.h).

// Why a response to `method` (initialize, tools/list) ends the connection: an error answer
// ("answered initialize with an error: <its message, sanitised and cut>") or a result that is
// not an object; nullopt when its result can be read.
std::optional<std::string> response_problem(const nlohmann::json& response, std::string_view method);
// The version an initialize result names when it is one of k_protocol_versions (server.h).
std::optional<std::string> known_protocol_version(const nlohmann::json& result);
// The tool one tools/list entry describes; nullopt for an entry that is dropped (not an object,
// no name, or a name outside [A-Za-z0-9_.-]{1,128}).
std::optional<RemoteTool> remote_tool(const std::string& server, const nlohmann::json& listed);
// What a result asks of the client instead of being one (2026-07-28's multi round-trip
// requests: resultType "input_required" with inputRequests such as elicitation/create), as
// "resultType input_required: elicitation/create, roots/list", sanitised; nullopt for a result
// that is complete (a resultType of "complete", or none, as earlier revisions write).
std::optional<std::string> input_asked(const nlohmann::json& result);
// A tools/call response (result or error) as ToolResult describes it, cut at `max_result_bytes`.
// A result that asks for input (input_asked) is an error: strata never answers such a request
// nor sends the call again.
ToolResult tool_call_result(const nlohmann::json& response, std::size_t max_result_bytes);

// The environment a server's process gets (see the top of this file), from `getenv` (the
// caller's variables) and the server's `env`, as "NAME=value" strings. Exposed for tests.
std::vector<std::string> child_environment(const config::McpServerConfig& server,
                                           const std::function<std::optional<std::string>(const std::string&)>& getenv);

}  // namespace strata::mcp
