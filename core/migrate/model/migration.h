#pragma once
// What a migration is, once read from disk (or from the binary, for the store's own schema).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/text.h"

namespace strata::migrate {

// Versions order numerically: "001" and "1" are the same version (and so a duplicate).
using Version = std::int64_t;

struct Section {
  bool present = false;
  std::string sql;             // the section's text, line endings normalised
  std::size_t first_line = 1;  // 1-based line of `sql`'s first byte in its file
  std::string file;            // file that holds the section (differs for golang-migrate pairs)
  // Marker options. Default: inside a transaction, foreign keys as the connection has them (ON).
  bool transaction = true;
  bool foreign_keys_off = false;
  bool envsub = false;  // envsub:on: ${NAME} expanded from the environment (placeholders.h)
  // What a dry run or a trace shows in place of `sql` (the text before its placeholders were
  // expanded, keeping the environment's values out); none: `sql` itself.
  std::optional<std::string> shown = std::nullopt;
};

struct Migration {
  Version version = 0;
  std::string version_text;  // as spelt in the file name
  std::string name;
  std::string file;          // path shown to users (the .up.sql one for a pair)
  bool pair = false;         // a golang-migrate .up.sql/.down.sql pair, not a dbmate file
  // A repeatable migration (Flyway's R__name.sql): no version (version_text "R_", so label() is
  // R__name), no down; applied after the versioned ones whenever its checksum changes.
  bool repeatable = false;
  Section up;
  Section down;
  // The file(s) as hashed: BOM stripped, CRLF->LF.
  std::string normalised;
  // SHA-256 of `normalised`.
  std::string checksum;
  // Where the file (for a pair: the first of its halves that does) first holds bytes that are not
  // UTF-8, sent to the server as they are; check reports it as info. None: all UTF-8.
  struct Place {
    std::string file;
    TextPosition at;
  };
  std::optional<Place> not_utf8;
  // For a migration of another tool's layout (tool_layout.h): the checksum that tool records
  // (Prisma's, drizzle-orm's hash) and Drizzle's journal `when` (its created_at).
  std::string tool_checksum;
  std::int64_t tool_created_at = 0;
  // A Sqitch change: its id as Sqitch computes it (sqitch_plan.h), and its verify script, which
  // check's replay runs after the change's up (its own BEGIN and ROLLBACK left out).
  std::string tool_id;
  Section verify;

  // SHA-256 of `normalised` with all whitespace removed, so a mismatch can say when only
  // whitespace changed. Computed on demand: loading a directory needs only `checksum`.
  std::string whitespace_checksum() const;

  // <version>_<name>, or the bare version for a dbmate file named only by it (20240101000000.sql).
  std::string label() const { return name.empty() ? version_text : version_text + "_" + name; }
};

// Something wrong with the migration directory, found while loading it. Loading goes on past
// problems so that `check` can report all of them at once.
struct Problem {
  std::string code;  // bad-name | duplicate-version | parse-error | link-outside-project | psql-script
  std::string file;
  std::size_t line = 0;  // 0 when the problem is with the file as a whole
  std::string message;
  std::optional<Version> version;

  // "file:line: message", the one-line form used in errors.
  std::string describe() const;
};

// Whose layout a set was read in: strata's own (dbmate's, golang-migrate's, goose's, Flyway's
// files), or another tool's folders read where it keeps them (tool_layout.h).
enum class MigrationLayout { strata, prisma, drizzle, sqitch };

struct MigrationSet {
  std::vector<Migration> migrations;  // in the order they run: by version (Drizzle: its journal's order); versions unique
  std::vector<Migration> repeatables;  // R__name.sql, sorted by name, names unique
  std::vector<Problem> problems;
  // `.sql` files whose names start neither with a digit nor with R__ (a schema.sql kept beside the
  // migrations): neither dbmate nor golang-migrate runs them, so they are skipped, and `check`
  // names each one.
  std::vector<std::string> ignored;
  MigrationLayout layout = MigrationLayout::strata;
  // The engine the tool's project says it is for (Prisma's migration_lock.toml provider, Drizzle's
  // journal dialect); empty: not said.
  std::string provider;
  // Sqitch's %project: the registry's rows are the project's.
  std::string tool_project;
  // Sqitch's registry (sqitch.conf's `registry`, else "sqitch"): the schema (PostgreSQL), the
  // database (MySQL) or the file's stem beside the database (SQLite) that holds its rows.
  std::string tool_registry;

  const Migration* find(Version version) const;
  // Whether a pending migration older than the newest applied one is run rather than refused:
  // drizzle-orm runs every journal entry whose `when` is later than the newest applied, whatever
  // its number, and counts the rest applied (a back-dated entry, as real projects write one to
  // keep a migration off their running databases); so for Drizzle's layout the order is the tool's.
  bool applies_out_of_order() const { return layout == MigrationLayout::drizzle; }
  // Prisma Migrate and Drizzle Kit write no down migrations at all (a rollback is a new forward
  // migration), so a file without one is how the tool works, not something to warn about.
  bool forward_only() const { return layout == MigrationLayout::prisma || layout == MigrationLayout::drizzle; }
  // Throws Error(invalid_input) describing the first problem, if there is one.
  void require_valid() const;
};

}  // namespace strata::migrate
