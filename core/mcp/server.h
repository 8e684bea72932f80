#pragma once
// `strata mcp`: a Model Context Protocol server over one knowledge store. The session answers
// one JSON-RPC line at a time (json_rpc.h): initialize with version negotiation, ping, the
// tools of tools.h, and the store's documents as resources (strata://COLLECTION/SOURCE).
//
// Contract: every line gets at most one line back, whatever it holds; a bad message, an unknown
// method or a tool that fails is answered and the session goes on. The store is opened read-only
// on the first call that needs it and kept open (with the search tool's vector index) for the
// session; a store that is not there yet is a tool error, tried again on the next call.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "search/searcher.h"
#include "store/store.h"

namespace strata::mcp {

// The protocol revisions this server speaks, newest first. A client asking for one of them
// gets it; any other request is answered with the newest, as the protocol prescribes.
inline constexpr std::string_view k_protocol_versions[] = {"2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};

// The read-only migration tools, configured by the program from the project's settings. Each
// returns the report as JSON (the shape of `strata migrate status --json` and `check --json`);
// unset: the tools say the project has no migrations configured.
struct MigrateTools {
  std::function<std::string()> status;
  std::function<std::string()> check;
};

struct ServerOptions {
  std::string store_path;
  store::OpenOptions open;
  std::string collection = "default";  // the tools' collection when a call names none
  // The search tool's defaults (embedding server settings, reranker, vector weight); each call
  // sets its own query, collection, k, mode and filters.
  search::SearchRequest search;
  MigrateTools migrate;
  std::string version;  // serverInfo.version
};

class Server {
 public:
  explicit Server(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The line to write back (no newline), or nullopt for a notification or a response.
  std::optional<std::string> handle_line(std::string_view line);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Serves `server` over the stdio transport: reads lines from `in_fd`, writes replies to `out_fd`,
// until end of input (the client closed the pipe or went away) or until a reply cannot be
// written. A line longer than `max_line` bytes is answered with an error and skipped. Returns
// the number of lines read.
std::size_t serve(Server& server, int in_fd, int out_fd, std::size_t max_line);

}  // namespace strata::mcp
