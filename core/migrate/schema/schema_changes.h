#pragma once
// What differs between two schemas, object by object and, for a table in both, column by column
// and constraint by constraint: what `migrate diff` writes its migration from (ddl_writer.h).
// Engine-neutral: every driver reads a table as one CREATE TABLE text whose parts (columns and
// table constraints) are compared as text (schema.h).
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/engines/driver.h"
#include "migrate/schema/schema.h"

namespace strata::migrate {

// What comparing schemas and writing DDL need to know of an engine's SQL. Each engine defines its
// own with its DDL writer (engines/ENGINE/ddl_ENGINE.cpp) and its row (engines/engines.h) points
// at it.
struct SqlDialect {
  char quote = '"';  // an identifier's quote
  // Every name is quoted, and keys are written inline (MySQL's SHOW CREATE TABLE: `id` int,
  // KEY `k` (...), UNIQUE KEY ...): how table_shape tells a column from a key.
  bool quotes_every_name = false;
  // The values the backfill proof gives a NOT NULL column (ddl::proof_value): of a boolean, a
  // timestamp and a date type...
  std::string_view proof_bool = "0";
  std::string_view proof_timestamp = "'1970-01-01 00:00:00'";
  std::string_view proof_date = "'1970-01-01'";
  // ...or '' for any type that is neither a number nor a boolean (SQLite's columns take any value).
  bool typeless = false;
  // A table named "s.t" is table t of schema s (PostgreSQL's reader names the objects outside the
  // migration schema so): quoted as two names.
  bool qualified_names = false;
};

// One column or table constraint of a CREATE TABLE.
struct TablePart {
  std::string name;  // the column's or the named constraint's name, unquoted; "" for an unnamed constraint
  std::string text;  // as the schema reads it, whitespace folded
  std::string comparable;  // `text` as compared (comparable_sql)
  bool column = false;
  // What identifies the part across two schemas: "column email", "constraint users_pkey",
  // "key idx_a" (MySQL), or the text of an unnamed constraint.
  std::string key;
  // A column's text after its name ("integer NOT NULL DEFAULT 0"); a constraint's whole text.
  std::string definition() const;
};

struct TableShape {
  std::string name;
  std::string header;  // "CREATE TABLE t", quotes removed
  std::string tail;    // after the closing parenthesis: WITHOUT ROWID, ENGINE=InnoDB ...
  std::vector<TablePart> parts;
  const TablePart* find(const std::string& key) const;
  // The header's words before the name, in capitals: "CREATE TABLE", "CREATE UNLOGGED TABLE".
  std::string keywords() const;
  std::vector<const TablePart*> columns() const;
};

// nullopt when `sql` is not a CREATE TABLE with balanced parentheses.
std::optional<TableShape> table_shape(const std::string& sql, const SqlDialect& dialect);

// `name` as a word of `text` (ASCII case folded; quotes around it do not matter): whether an
// index, view or trigger mentions a table or column.
bool mentions(std::string_view text, std::string_view name);

// Renames the user chose (--rename), and whether every other candidate is a drop and an add.
struct Renames {
  std::map<std::string, std::string> tables;   // old name -> new name
  std::map<std::string, std::string> columns;  // "table.old" (the table's new name) -> new column name
  bool none = false;                           // --no-rename
  std::set<std::string> declined;              // candidates (RenameCandidate::argument()) answered "no"
  Renames inverted() const;
};

// A column or table that disappears while a similar one appears: maybe a rename.
struct RenameCandidate {
  std::string table;  // for a column: the table (its name in the desired schema); "" for a table
  std::string from;
  std::string to;
  // The --rename argument that chooses it: "users.name=full_name" or "old=new".
  std::string argument() const;
  std::string describe() const;  // "column users.name -> users.full_name"
};

// A table in both schemas (perhaps under another name) whose definition differs.
struct TableChange {
  std::string name;      // in the desired schema
  std::string old_name;  // in the current schema (differs when renamed)
  const SchemaObject* from = nullptr;
  const SchemaObject* to = nullptr;
  TableShape from_shape, to_shape;
  std::vector<std::pair<std::string, std::string>> renamed_columns;  // old -> new
  std::vector<const TablePart*> added_columns;    // in to_shape
  std::vector<const TablePart*> dropped_columns;  // in from_shape
  std::vector<std::pair<const TablePart*, const TablePart*>> changed_columns;  // from, to (same or renamed name)
  std::vector<const TablePart*> added_constraints;    // in to_shape
  std::vector<const TablePart*> dropped_constraints;  // in from_shape
  bool tail_changed = false;
  bool keywords_changed = false;  // CREATE TABLE became CREATE UNLOGGED TABLE, or back
  // Whether anything differs beyond a rename of the table.
  bool changed() const;
};

struct SchemaChanges {
  std::vector<const SchemaObject*> created;  // in the desired schema only (tables too)
  std::vector<const SchemaObject*> dropped;  // in the current schema only
  std::vector<std::pair<const SchemaObject*, const SchemaObject*>> changed;  // not tables: from, to
  std::vector<TableChange> tables;  // tables in both (after renames) that differ or were renamed
  std::vector<RenameCandidate> undecided;  // candidates neither --rename nor --no-rename decided
  bool empty() const { return created.empty() && dropped.empty() && changed.empty() && tables.empty(); }
};

// The changes that turn `from` into `to`. REQUIRES: both outlive the result (it points into them).
// A --rename naming something that is not dropped on one side and added on the other is
// Error(usage).
SchemaChanges compare_schemas(const Schema& from, const Schema& to, const SqlDialect& dialect, const Renames& renames);

}  // namespace strata::migrate
