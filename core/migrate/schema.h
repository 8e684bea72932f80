#pragma once
// A database's schema in a normalised, deterministic form: for comparing (drift, roundtrip)
// and for `dump`.
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;

namespace strata::migrate {

struct SchemaObject {
  std::string type;      // table, index, view, trigger
  std::string name;
  std::string table;     // the table an index or trigger belongs to
  std::string sql;       // CREATE statement, whitespace runs folded to one space (compared)
  std::string text;      // CREATE statement as SQLite stores it (dumped)

  bool operator==(const SchemaObject& o) const {
    return type == o.type && name == o.name && table == o.table && sql == o.sql;
  }
};

struct Schema {
  std::vector<SchemaObject> objects;  // sorted by type, then name
  bool operator==(const Schema&) const = default;
};

// `sql` with every run of whitespace outside quotes folded to one space and leading whitespace
// dropped; `quotes` are the characters that open a quoted run (each closes its own), which differ
// by dialect (SQLite also quotes with backticks). Both drivers compare schemas in this form.
std::string fold_whitespace(std::string_view sql, std::string_view quotes);

// Reads the schema of `db`, leaving out SQLite's internal objects, the shadow tables of
// virtual tables (their CREATE VIRTUAL TABLE recreates them), and everything belonging to
// `exclude_table` (the history table).
Schema read_schema(sqlite3* db, const std::string& exclude_table);

// Human-readable differences from `expected` to `actual`, one line each ("table users: ...").
std::vector<std::string> diff_schemas(const Schema& expected, const Schema& actual);

// A schema.sql: tables, then indexes, views and triggers, each ending in ';'. Deterministic:
// the same schema always gives the same bytes.
std::string dump_schema(const Schema& schema);

}  // namespace strata::migrate
