#pragma once
// The grants a team's roles need on a store on PostgreSQL (strata-store(5), TEAM): what
// `strata collections grants` prints for the store's owner to run. Three kinds of role:
//   - the owner, who made the store's schema (the first `strata ingest` with that role) and runs
//     its upgrades: the only role that may change the schema, and so the one every user trusts;
//   - writers: ingest, embed, remove and copy into the store; read everything; hold writers'
//     locks (write_locks, which readers cannot take);
//   - readers: search, list, serve MCP, ask and chat; their own questions and answers only.
// CREATE on the schema is revoked from everyone but the owner: a role that could create there
// could place a function or view for strata to refuse, or for another program to run.
#include <string>
#include <vector>

namespace strata::store {

struct TeamRoles {
  std::string store;                 // the store's postgres:// URL (its schema: ?search_path=, default strata)
  std::vector<std::string> writers;  // role names, as the server spells them
  std::vector<std::string> readers;
};

// The statements, one a line, names quoted as identifiers; comments say what each is for.
// Throws Error(usage) when no role is given or the store is not on PostgreSQL.
std::string team_grants_sql(const TeamRoles& roles);

}  // namespace strata::store
