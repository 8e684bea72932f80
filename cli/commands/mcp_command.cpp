#include "mcp_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "common/public.h"
#include "embed_output.h"
#include "flag_values.h"
#include "mcp/public.h"
#include "option_bundles.h"
#include "migrate_command.h"
#include "search/public.h"
#include "store/public.h"
#include "store_options.h"
#include "strata/build_info.h"

namespace strata::cli {
namespace {

// A message larger than any tool call a client sends (a query, a few paths): a longer line is
// answered with an error and dropped rather than held in memory.
constexpr std::size_t k_max_message_bytes = std::size_t{4} << 20;

struct McpOptions {
  StoreOptions store;
  bool no_migrate = false;
  bool exact = false;  // --exact: no approximate vector index
};

int run_mcp(const McpOptions& o) {
  // Refused before the client's first message, so the agent sees a server that did not start
  // rather than a session where every call fails.
  store::validate_collection_name(o.store.collection);
  mcp::ServerOptions s;
  s.store_path = store_path(o.store);
  s.open = store_open_options();
  // A store on a server answers each call in time, as the migration tools' databases do.
  s.open.call_timeout = mcp::k_database_timeout;
  s.collection = o.store.collection;
  s.version = std::string(strata::k_version);
  // The search tool's embedding server and reranker come from the settings, as `strata search`
  // takes them without flags.
  apply_embed_server(std::nullopt, std::nullopt, s.search.embed);
  s.search.embed.base_url_flag = "OPENAI_BASE_URL=";  // in the client's configuration of this server
  s.search.vector_weight = chosen_vector_weight(std::nullopt);
  s.search.title_cap = chosen_title_cap(std::nullopt);
  s.search.rerank = chosen_rerank(false, "", "", "");
  s.search.ann = chosen_ann(o.exact);
  if (!o.no_migrate) {
    s.migrate.status = project_status_json;  // plain functions: nothing of this frame is kept
    s.migrate.check = project_check_json;
  }
  // A client that closes its end while a reply is written ends the server with EPIPE, not with
  // a signal: the loop then returns as at end of input.
  std::signal(SIGPIPE, SIG_IGN);
  if (::isatty(STDIN_FILENO) == 1) {
    std::cerr << "strata mcp: serving the Model Context Protocol on stdin/stdout (store " << store::store_display(s.store_path)
              << "); an MCP client starts this, see strata-mcp(1). Ctrl-D ends it.\n";
  }
  mcp::Server server(std::move(s));
  mcp::serve(server, STDIN_FILENO, STDOUT_FILENO, k_max_message_bytes);
  if (mcp::migration_reports_running() > 0) {
    // A migration tool's call given up at its deadline, or cancelled, may still wait on its
    // database (until the driver's timeouts end it): end now rather than run the program's
    // static destructors (the configuration's, libpq's) under that thread. Every reply is
    // written already (serve writes with write(2)); the kernel closes the connection.
    std::cerr.flush();
    std::_Exit(0);
  }
  return 0;
}

}  // namespace

Run setup_mcp(CLI::App& cmd) {
  auto o = std::make_shared<McpOptions>();
  add_store_option(cmd, o->store);
  add_collection_option(cmd, o->store);
  cmd.add_flag("--no-migrate", o->no_migrate,
               "Leave out the migration tools (" + mcp::tool_names(mcp::ToolGroup::migration) + ")");
  cmd.add_flag("--exact", o->exact,
               "Search by vector with a scan of every vector, never an approximate index (large collections get one, "
               "[search] ann_min_chunks)");
  add_color_option(cmd);
  cmd.footer(
      "Tools: " + mcp::tool_names() + " (all read only);\n"
      "resources: strata://COLLECTION/SOURCE for each stored document. An MCP client starts it:\n"
      "Examples:\n"
      "  strata mcp\n"
      "  strata mcp --store ~/notes/.strata/store.db --collection notes\n"
      "  {\"mcpServers\": {\"strata\": {\"command\": \"strata\", \"args\": [\"mcp\"]}}}\n"
      "Exit: 0 when the client closes stdin, 2 usage (a bad setting)");
  return [o](const RunContext&) { return run_mcp(*o); };
}

}  // namespace strata::cli
