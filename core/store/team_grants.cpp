#include "store/team_grants.h"

#include <array>
#include <string_view>

#include "common/error.h"
#include "common/setting.h"
#include "migrate/engines/engine_url.h"
#include "pq/connection.h"
#include "store/store.h"

namespace strata::store {
namespace {

// What writers change: documents, chunks, the keyword index (and the documents an upgrade left
// to index again, which a writer's open finishes), vectors, the writers' locks and the server's
// background jobs (a crawl or an embed a writer's key started).
constexpr std::array<std::string_view, 13> k_written = {
    "collections", "documents",  "chunk_configs",   "chunks",
    "chunk_term_blocks", "keyword_stats", "term_stats", "embeddings",
    "embedding_cache",   "embedding_generation", "index_terms_pending", "write_locks", "jobs"};

// What every user writes for themselves (strata ask, strata chat): each row its writer's alone.
constexpr std::array<std::string_view, 4> k_asked = {"conversations", "messages", "llm_calls", "response_cache"};

std::string joined(const std::vector<std::string>& roles) {
  std::string out;
  for (const std::string& r : roles) out += (out.empty() ? "" : ", ") + pq::quote_identifier(r);
  return out;
}

template <std::size_t N>
std::string tables(const std::string& schema, const std::array<std::string_view, N>& names) {
  std::string out;
  for (const std::string_view n : names) out += (out.empty() ? "" : ", ") + schema + "." + std::string(n);
  return out;
}

}  // namespace

std::string team_grants_sql(const TeamRoles& roles) {
  if (roles.writers.empty() && roles.readers.empty()) {
    throw Error(ExitCode::usage, "no role to grant to", "name them: " + mention(Setting::writer) + " ROLE, " + mention(Setting::reader) + " ROLE (each repeatable)");
  }
  if (!is_store_url(roles.store)) {
    throw Error(ExitCode::usage, "grants are for a store on PostgreSQL, and " + store_display(roles.store) + " is a file",
                "name the team's store: " + mention(Setting::store) + " postgres://USER@HOST/DATABASE");
  }
  std::string schema = migrate::endpoint_from_url(roles.store).schema;
  if (schema.empty()) schema = k_default_store_schema;
  const std::string s = pq::quote_identifier(schema);
  std::vector<std::string> everyone = roles.writers;
  everyone.insert(everyone.end(), roles.readers.begin(), roles.readers.end());
  const std::string all = joined(everyone);
  std::string sql;
  sql += "-- Run as the store's owner (the role that made schema " + s + "), after each strata upgrade too.\n";
  sql += "-- Nobody but the owner creates objects in the store's schema.\n";
  sql += "REVOKE CREATE ON SCHEMA " + s + " FROM PUBLIC;\n";
  sql += "GRANT USAGE ON SCHEMA " + s + " TO " + all + ";\n";
  sql += "-- Everyone reads the documents, chunks, keyword index and vectors.\n";
  sql += "GRANT SELECT ON ALL TABLES IN SCHEMA " + s + " TO " + all + ";\n";
  if (!roles.writers.empty()) {
    const std::string w = joined(roles.writers);
    sql += "-- Writers ingest, embed, remove and copy, and take the writers' locks.\n";
    sql += "GRANT INSERT, UPDATE, DELETE ON " + tables(s, k_written) + " TO " + w + ";\n";
    sql += "GRANT USAGE ON ALL SEQUENCES IN SCHEMA " + s + " TO " + w + ";\n";
  }
  sql += "-- Everyone asks and chats; each sees and uses only their own rows (row-level security).\n";
  sql += "GRANT INSERT, UPDATE, DELETE ON " + tables(s, k_asked) + " TO " + all + ";\n";
  sql += "GRANT USAGE ON SEQUENCE " + s + ".conversations_id_seq, " + s + ".messages_id_seq, " + s +
         ".llm_calls_id_seq TO " + all + ";\n";
  sql += "-- API keys (strata keys) are the owner's alone to make and revoke; a strata serve running as any role\n";
  sql += "-- reads them and records when each was last used.\n";
  sql += "GRANT UPDATE (last_used_at) ON " + s + ".api_keys TO " + all + ";\n";
  sql += "-- A server running as any of them counts its keys' rate and token limits in the store.\n";
  sql += "GRANT INSERT, UPDATE ON " + s + ".rate_buckets TO " + all + ";\n";
  sql += "-- And keeps its MCP sessions there, so that each is found through every server.\n";
  sql += "GRANT INSERT, UPDATE, DELETE ON " + s + ".mcp_sessions TO " + all + ";\n";
  return sql;
}

}  // namespace strata::store
