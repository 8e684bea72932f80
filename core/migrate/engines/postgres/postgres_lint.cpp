// PostgreSQL's lint rules (the row's lint_section, engines.h): what locks or rewrites a table
// already in use (check/lint.h lists them).
#include <algorithm>
#include <array>
#include <set>
#include <span>
#include <string_view>

#include "common/text.h"
#include "migrate/engines/server_reach.h"
#include "migrate/engines/postgres/postgres_engine.h"
#include "migrate/engines/postgres/postgres_splitter.h"

namespace strata::migrate {
// Named, not anonymous: each engine's lint helpers keep their short names in a unity build.
namespace postgres_lint {

// ---- PostgreSQL ---------------------------------------------------------------------------

using Words = std::span<const SqlToken>;

// How PostgreSQL folds a name: unquoted to lower case, quoted as written.
std::string name_key(const SqlToken& w) { return w.quoted ? w.upper() : to_lower(w.text); }

// A possibly schema-qualified name at words[i]; returns the last part and moves i past it.
std::string qualified_name(Words w, std::size_t& i) {
  std::string name;
  while (i < w.size()) {
    name = name_key(w[i]);
    ++i;
    if (i < w.size() && w[i].is(".")) {
      ++i;
    } else {
      break;
    }
  }
  return name;
}

bool is(Words w, std::size_t i, std::string_view word) { return i < w.size() && w[i].is(word); }

bool is_volatile_function(const SqlToken& w) {
  static constexpr std::array<std::string_view, 10> names = {
      "RANDOM", "GEN_RANDOM_UUID", "UUID_GENERATE_V1", "UUID_GENERATE_V1MC", "UUID_GENERATE_V4",
      "CLOCK_TIMESTAMP", "TIMEOFDAY", "NEXTVAL", "TXID_CURRENT", "RANDOM_NORMAL"};
  return std::any_of(names.begin(), names.end(), [&](std::string_view n) { return w.is(n); });
}

}  // namespace postgres_lint

void lint_postgres_section(const Section& s, bool up, std::vector<LintFinding>& out) {
  using namespace postgres_lint;
  const auto line_of = [&](std::size_t offset) { return s.first_line + position_of(s.sql, offset).line - 1; };
  // One pass of the lexer splits the section and keeps every statement's words.
  const SplitResult split = split_postgres(s.sql, Tokens::keep);
  if (split.error_offset) {
    out.push_back({"parse-error", true, line_of(*split.error_offset), split.error, s.file});
    return;
  }
  std::set<std::string> created;  // tables created earlier in this section
  for (const SqlStatement& st : split.statements) {
    const Words w = Words(split.tokens).subspan(st.first_token, st.end_token - st.first_token);
    if (w.empty()) continue;
    // The line is counted only for a finding: most statements have none.
    const auto flag = [&](const char* code, bool error, std::string message) {
      out.push_back({code, error, line_of(st.offset), std::move(message), s.file});
    };
    if (is(w, 0, "CREATE") && (is(w, 1, "TABLE") || (is(w, 2, "TABLE") && (is(w, 1, "UNLOGGED") || is(w, 1, "TEMP") || is(w, 1, "TEMPORARY"))))) {
      std::size_t i = is(w, 1, "TABLE") ? 2 : 3;
      if (is(w, i, "IF")) i += 3;
      created.insert(qualified_name(w, i));
      continue;
    }
    if (is(w, 0, "CREATE") && (is(w, 1, "INDEX") || (is(w, 1, "UNIQUE") && is(w, 2, "INDEX")))) {
      std::size_t i = is(w, 1, "INDEX") ? 2 : 3;
      const bool concurrently = is(w, i, "CONCURRENTLY");
      while (i < w.size() && !is(w, i, "ON")) ++i;
      ++i;
      if (is(w, i, "ONLY")) ++i;
      const std::string table = qualified_name(w, i);
      if (!concurrently && up && created.count(table) == 0) {
        flag("index-without-concurrently", false,
             "CREATE INDEX on existing table " + table +
                 " blocks writes to it while the index builds; use CREATE INDEX CONCURRENTLY, alone in a "
                 "migration (strata runs it outside a transaction)");
      }
      continue;
    }
    if (is(w, 0, "DROP") && is(w, 1, "TABLE") && up) {
      flag("destructive", false, "DROP TABLE destroys data");
      continue;
    }
    if (!(is(w, 0, "ALTER") && is(w, 1, "TABLE"))) continue;
    std::size_t i = 2;
    if (is(w, i, "IF") && is(w, i + 1, "EXISTS")) i += 2;
    if (is(w, i, "ONLY")) ++i;
    const std::string table = qualified_name(w, i);
    const bool is_new = created.count(table) != 0;
    // The actions, separated by top-level commas.
    while (i < w.size()) {
      std::size_t end = i;
      int depth = 0;
      while (end < w.size() && !(depth == 0 && w[end].is(","))) {
        if (w[end].is("(")) ++depth;
        if (w[end].is(")")) --depth;
        ++end;
      }
      std::size_t a = i;
      if (is(w, a, "RENAME") && up && !is_new && !is(w, a + 1, "CONSTRAINT")) {
        flag("rename", false,
             std::string(is(w, a + 1, "TO") ? "renaming table " : "renaming a column of ") + table +
                 " breaks code still using the old name; add the new name, move readers and writers, drop "
                 "the old one later");
      } else if (is(w, a, "DROP") && up && !is(w, a + 1, "CONSTRAINT") && !is(w, a + 1, "DEFAULT")) {
        flag("destructive", false, "DROP COLUMN destroys data");
      } else if (is(w, a, "ADD") && up && !is_new && !is(w, a + 1, "CONSTRAINT") && !is(w, a + 1, "PRIMARY") &&
                 !is(w, a + 1, "UNIQUE") && !is(w, a + 1, "FOREIGN") && !is(w, a + 1, "CHECK")) {
        ++a;
        if (is(w, a, "COLUMN")) ++a;
        if (is(w, a, "IF")) a += 3;
        const std::string column = a < w.size() ? name_key(w[a]) : "";
        bool has_default = false, not_null = false, volatile_default = false, generated = false;
        for (std::size_t k = a + 1; k < end; ++k) {
          const SqlToken& u = w[k];
          if (u.quoted) continue;
          if (k == a + 1 && (u.is("SERIAL") || u.is("BIGSERIAL") || u.is("SMALLSERIAL"))) volatile_default = true;
          if (u.is("DEFAULT")) has_default = true;
          if (u.is("GENERATED")) generated = true;
          if (u.is("NOT") && is(w, k + 1, "NULL")) not_null = true;
          if (has_default && is_volatile_function(u)) volatile_default = true;
        }
        if (volatile_default) {
          flag("volatile-default", false,
               "ADD COLUMN " + column + " with a volatile default rewrites all of " + table +
                   " under an exclusive lock; add it without the default, then backfill in batches");
        } else if (not_null && !has_default && !generated) {
          flag("not-null-without-default", false,
               "ADD COLUMN " + column + " NOT NULL without a default fails once " + table +
                   " has rows; add it nullable, backfill, then SET NOT NULL");
        }
      }
      i = end + 1;
    }
  }
}

namespace {

// What no scratch database contains (server_reach.h): a replay refuses it before it runs.
constexpr std::string_view k_pg_files = "reads or writes the server's own files";
constexpr std::string_view k_pg_programs = "runs a program on the server";
constexpr std::string_view k_pg_other_servers = "connects to another database or server";
constexpr std::string_view k_pg_server = "changes the whole server or its other sessions";
constexpr ReachRule k_postgres_reach[] = {
    {ReachKind::words, "to program", "copy", k_pg_programs},
    {ReachKind::words, "from program", "copy", k_pg_programs},
    {ReachKind::file_arg, "to", "copy", k_pg_files},
    {ReachKind::file_arg, "from", "copy", k_pg_files},
    {ReachKind::file_arg, "load", "", k_pg_programs},
    {ReachKind::words, "alter system", "", k_pg_server},
    {ReachKind::call, "pg_read_file", "", k_pg_files},
    {ReachKind::call, "pg_read_binary_file", "", k_pg_files},
    {ReachKind::call, "pg_stat_file", "", k_pg_files},
    {ReachKind::call, "pg_ls_dir", "", k_pg_files},
    {ReachKind::call, "pg_ls_logdir", "", k_pg_files},
    {ReachKind::call, "pg_ls_waldir", "", k_pg_files},
    {ReachKind::call, "pg_ls_tmpdir", "", k_pg_files},
    {ReachKind::call, "pg_ls_archive_statusdir", "", k_pg_files},
    {ReachKind::call, "lo_import", "", k_pg_files},
    {ReachKind::call, "lo_export", "", k_pg_files},
    {ReachKind::call, "pg_file_write", "", k_pg_files},
    {ReachKind::call, "pg_file_rename", "", k_pg_files},
    {ReachKind::call, "pg_file_unlink", "", k_pg_files},
    {ReachKind::call, "pg_logdir_ls", "", k_pg_files},
    {ReachKind::call, "pg_reload_conf", "", k_pg_server},
    {ReachKind::call, "pg_rotate_logfile", "", k_pg_server},
    {ReachKind::call, "pg_terminate_backend", "", k_pg_server},
    {ReachKind::call, "pg_cancel_backend", "", k_pg_server},
    {ReachKind::call, "pg_promote", "", k_pg_server},
    {ReachKind::call, "pg_switch_wal", "", k_pg_server},
    {ReachKind::word, "dblink", "", k_pg_other_servers},
    {ReachKind::word, "dblink_exec", "", k_pg_other_servers},
    {ReachKind::word, "dblink_connect", "", k_pg_other_servers},
    {ReachKind::word, "postgres_fdw", "", k_pg_other_servers},
    {ReachKind::word, "file_fdw", "", k_pg_files},
    {ReachKind::word, "adminpack", "", k_pg_files},
    {ReachKind::words, "create server", "", k_pg_other_servers},
    {ReachKind::words, "create subscription", "", k_pg_other_servers},
    {ReachKind::words, "foreign data wrapper", "", k_pg_other_servers},
    {ReachKind::words, "import foreign schema", "", k_pg_other_servers},
    {ReachKind::word, "plpython3u", "", k_pg_programs},
    {ReachKind::word, "plpythonu", "", k_pg_programs},
    {ReachKind::word, "plpython2u", "", k_pg_programs},
    {ReachKind::word, "plperlu", "", k_pg_programs},
    {ReachKind::word, "pltclu", "", k_pg_programs},
    {ReachKind::words, "language c", "", k_pg_programs},
    {ReachKind::words, "language internal", "", k_pg_programs},
};

// What a replay refuses besides, in a statement that holds a body (DO, CREATE FUNCTION ...,
// EXECUTE): roles, databases and tablespaces belong to the whole server wherever a body names
// them, and so do replication slots and comments and grants on a database. (Only there: `ALTER
// TABLE t DROP role` drops a column.) REASSIGN OWNED is not among them: real projects run it
// in a DO block guarded by IF EXISTS (neosync), and it moves ownership only from a role that
// already exists. Not lint's: `up` of a top-level
// CREATE ROLE is the user's to run, and check reports it when its replay refuses it.
constexpr std::string_view k_pg_roles = "changes roles, databases or tablespaces of the whole server";
constexpr ReachRule k_postgres_replay_reach[] = {
    {ReachKind::words, "create role", "", k_pg_roles},
    {ReachKind::words, "alter role", "", k_pg_roles},
    {ReachKind::words, "drop role", "", k_pg_roles},
    {ReachKind::words, "create user", "", k_pg_roles},
    {ReachKind::words, "alter user", "", k_pg_roles},
    {ReachKind::words, "drop user", "", k_pg_roles},
    {ReachKind::words, "create group", "", k_pg_roles},
    {ReachKind::words, "alter group", "", k_pg_roles},
    {ReachKind::words, "drop group", "", k_pg_roles},
    {ReachKind::words, "create database", "", k_pg_roles},
    {ReachKind::words, "alter database", "", k_pg_roles},
    {ReachKind::words, "drop database", "", k_pg_roles},
    {ReachKind::words, "create tablespace", "", k_pg_roles},
    {ReachKind::words, "alter tablespace", "", k_pg_roles},
    {ReachKind::words, "drop tablespace", "", k_pg_roles},
    {ReachKind::words, "comment on database", "", k_pg_roles},
    {ReachKind::words, "comment on role", "", k_pg_roles},
    {ReachKind::words, "comment on tablespace", "", k_pg_roles},
    {ReachKind::words, "on database", "grant", k_pg_roles},
    {ReachKind::words, "on database", "revoke", k_pg_roles},
    {ReachKind::words, "on tablespace", "grant", k_pg_roles},
    {ReachKind::words, "on tablespace", "revoke", k_pg_roles},
    {ReachKind::call, "pg_create_physical_replication_slot", "", k_pg_server},
    {ReachKind::call, "pg_create_logical_replication_slot", "", k_pg_server},
    {ReachKind::call, "pg_copy_physical_replication_slot", "", k_pg_server},
    {ReachKind::call, "pg_copy_logical_replication_slot", "", k_pg_server},
    {ReachKind::call, "pg_drop_replication_slot", "", k_pg_server},
    {ReachKind::call, "pg_replication_origin_create", "", k_pg_server},
    {ReachKind::call, "pg_replication_origin_drop", "", k_pg_server},
};

}  // namespace

std::span<const ReachRule> postgres_reach_rules() { return k_postgres_reach; }
std::span<const ReachRule> postgres_replay_reach_rules() { return k_postgres_replay_reach; }

std::vector<LintFinding> lint_postgres_files(const Migration& m, const std::filesystem::path&) {
  std::vector<LintFinding> out;
  for (const Section* s : {&m.up, &m.down}) {
    if (!s->present) continue;
    const SplitResult split = split_postgres(s->sql);
    for (const SqlStatement& st : split.statements) {
      const std::string_view text = std::string_view(s->sql).substr(st.offset, st.length);
      if (const std::optional<Reach> r = find_server_reach(text, k_postgres_reach)) {
        const std::size_t line = s->first_line + position_of(s->sql, st.offset + r->offset).line - 1;
        out.push_back({"server-reach", true, line,
                       "'" + r->what + "' " + r->why + ": `up` would run it with your role on the server "
                       "(check's replays refuse it)",
                       s->file});
      }
    }
  }
  return out;
}

}  // namespace strata::migrate
