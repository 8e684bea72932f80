#pragma once
// The MCP server's tools, as a table (name, description, input schema, handler), as ninja's
// tool table drives its tools. The descriptions and schemas are what the model reads to choose
// a tool and fill its arguments, so they say precisely what each does and returns.
//
// Every tool only reads. A handler returns the tool result (content for the model and the same
// as structuredContent, which conforms to the tool's outputSchema); an argument that is missing
// or of the wrong type, or a store problem, is a strata::Error that the session turns into a
// result with isError set, so the model can correct itself and the session goes on.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "mcp/server.h"
#include "service/session.h"
#include "store/store.h"

namespace strata::mcp {

// Every outbound call a tool makes ends well before the client gives up on it (the TypeScript
// SDK's default request timeout is 60 s), whatever the configuration says: a search is bounded
// by the agent's profile (service/profile.h: the query's embedding within a deadline, each
// request within a timeout, the reranker one short attempt; a query that cannot be embedded in
// time is a keyword search that says so). The migration tools' database calls have their bounds
// too (server.h, k_database_timeout and k_database_deadline).

// What the tools share for a session: the options, and the caller's session with the store
// (service/session.h: the store and its searcher once opened, the caller's reach, the door's
// profile and breakers, the running call's cancel flag). Not thread-safe (one store connection,
// one searcher): a server running calls on several threads gives each thread its own session.
class ToolSession {
 public:
  // Its own session with the store (read-only, the agent's profile), for strata mcp over stdio;
  // `breakers`: what the server remembers of failed outside servers, shared by its sessions
  // (service/breaker.h); nullptr: nothing is remembered, every call tries.
  explicit ToolSession(const ServerOptions& options, service::Breakers* breakers = nullptr);
  // The tools over a session a door already holds (strata serve's worker: one store handle and
  // one searcher per worker, whichever route runs on it, with the door's breakers and the reach
  // of the caller whose call it runs). `shared` outlives this.
  ToolSession(const ServerOptions& options, service::Session& shared);
  const ServerOptions& options() const { return options_; }
  service::Breakers* breakers() const { return session_->breakers(); }
  const std::atomic<bool>* cancel() const { return session_->cancel(); }
  void set_cancel(const std::atomic<bool>* cancel) { session_->set_cancel(cancel); }
  // The session's store, opened on first use, and again after its server's connection was lost
  // (Store::connected). Throws Error(unavailable) when there is none.
  store::Store& store() { return session_->store(); }
  // The caller's session: its reach (a collection the caller may not read is a tool error, left
  // out of the lists, and a resource not there) and its operations.
  service::Session& session() { return *session_; }
  bool may_read(std::string_view collection) const { return session_->may(auth::Scope::read, collection); }

 private:
  const ServerOptions& options_;
  std::unique_ptr<service::Session> own_;  // set unless the session is a door's
  service::Session* session_;
};

struct Tool {
  std::string_view name;
  std::string_view title;
  std::string_view description;
  nlohmann::json (*input_schema)();
  nlohmann::json (*output_schema)();  // what structuredContent holds (JSON Schema 2020-12)
  nlohmann::json (*call)(ToolSession& session, const nlohmann::json& arguments);
};

std::span<const Tool> tools();
const Tool* find_tool(std::string_view name);

// The tool's entry for tools/list: name, title, description, inputSchema, outputSchema and
// annotations (readOnlyHint: every tool here only reads).
nlohmann::json tool_listing(const Tool& tool);

// A migration tool's error hint as an agent can act on it: a hint naming settings (the CLI's
// `pass --database ...`, `pass --dir`), which no MCP client can give this server, says where
// the setting is set instead (strata.toml's [migrate] keys, the server's environment); a hint
// naming none is returned as it is. Settings are found by what core mentions
// (common/setting.h), and by a flag's spelling only in text the CLI's migrate functions wrote;
// a command line the user runs (command_mention) stays whole.
std::string agent_hint(std::string_view hint);
// `text` (a tool error's message or hint) with each setting it mentions written as the setting's
// name, which is also the name of a tool's argument ("mode", "collection"), and stray marker
// bytes dropped: what every tool error passes through (server.cpp's failure_text).
std::string for_agent(std::string_view text);

// A tool result holding `text` for the model and `structured` as structuredContent.
nlohmann::json tool_result(std::string text, nlohmann::json structured);
// A tool result with isError set, for the model to read.
nlohmann::json tool_error(const std::string& message);

}  // namespace strata::mcp
