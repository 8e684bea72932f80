#pragma once
// The SQL that turns one schema into another, in an engine's dialect: one section of the
// migration `migrate diff` writes (its up from the current schema to the desired one, its down
// the other way). Each engine writes its own (engines/ENGINE/ddl_ENGINE.cpp, its row's write_ddl
// in engines/engines.h); what they share is here.
#include <string>
#include <vector>

#include "migrate/engines/driver.h"
#include "migrate/schema/schema_changes.h"

namespace strata::migrate {

struct DdlOptions {
  // PostgreSQL --concurrently: indexes on tables that exist are created CONCURRENTLY, in
  // Script::concurrent (the up of a second, transaction:false migration)...
  bool concurrent_creates = false;
  // ...and, writing that migration's down, dropped CONCURRENTLY there.
  bool concurrent_drops = false;
};

struct Script {
  std::string sql;                        // statements, each ending in ";\n", comments before them
  bool foreign_keys_off = false;          // SQLite: a table is rebuilt (the section needs foreign_keys:off)
  std::vector<std::string> destructive;   // what loses data, one line each ("DROP TABLE users")
  bool backfill = false;                  // holds a `strata:backfill` placeholder
  std::string concurrent;                 // PostgreSQL --concurrently: CREATE INDEX CONCURRENTLY ...
  // The backfill statements as written (NULL where the user writes a value) and as the proof in
  // the scratch database runs them (a value of the column's type): rows the migrations insert
  // would otherwise make the proof fail on NOT NULL.
  std::vector<std::pair<std::string, std::string>> proof_values;
  // PostgreSQL: labels ALTER TYPE ... ADD VALUE adds ('archived'). A statement after it that uses
  // one fails inside the transaction that added it ("unsafe use of new value"): the section then
  // runs without one (migration_diff.cpp), each statement committed as it runs.
  std::vector<std::string> added_enum_values;
  bool empty() const { return sql.empty() && concurrent.empty(); }
};

// The marker of a placeholder the user must fill in; `check` refuses a file that still holds it.
inline constexpr const char* k_backfill_marker = "strata:backfill";

// An engine's DDL writer: the statements that turn `from` into `to`, given what differs
// (compare_schemas(from, to)).
using WriteDdl = Script (*)(const SchemaChanges& changes, const Schema& from, const Schema& to,
                            const DdlOptions& options);

// Shared by the dialects.
namespace ddl {

// `name` quoted in `dialect`: always when it quotes every name (MySQL's `x`); else "x" unless it
// is a plain lowercase word that is not reserved.
std::string quote_name(const std::string& name, const SqlDialect& dialect);
// A table's name quoted: "s.t" as two names where the dialect's names may be qualified.
std::string quote_table_name(const std::string& name, const SqlDialect& dialect);

// A column part with its name quoted as quote_name does (the schema's text lost the quotes); a
// constraint's text as it is.
std::string part_text(const TablePart& part, const SqlDialect& dialect);

// The objects of `schema` of `type` whose text mentions any of `names`, and, repeatedly, the
// views that mention those: what must be dropped and created again around a change of the named
// tables (SQLite checks every view and trigger when a table is renamed; PostgreSQL refuses to
// change a column a view reads).
std::vector<const SchemaObject*> dependents(const Schema& schema, const std::vector<std::string>& names);

// Whether a table part is a foreign key ("CONSTRAINT x FOREIGN KEY (...) REFERENCES ...").
bool is_foreign_key(const TablePart& part);

// Foreign keys of new tables, as (table, part): added once every table exists.
using ForeignKeys = std::vector<std::pair<std::string, const TablePart*>>;

// CREATE TABLE for each of `tables` from its parts, without its foreign keys, which go to
// `foreign_keys`. `shapes` holds the parts those point into: it must outlive them.
void create_tables(Script& s, const std::vector<const SchemaObject*>& tables, const SqlDialect& dialect,
                   std::vector<TableShape>& shapes, ForeignKeys& foreign_keys);

// Tables to drop, each before the tables it references (a table's text mentions them).
std::vector<const SchemaObject*> drop_order(std::vector<const SchemaObject*> tables);

// `objects` (views) ordered so that each comes after the views it mentions.
std::vector<const SchemaObject*> in_dependency_order(std::vector<const SchemaObject*> objects);

std::string join(const std::vector<std::string>& items, const std::string& separator);

// Appends a statement (";\n" added) with an optional comment line before it.
void add(Script& s, const std::string& statement, const std::string& comment = {});
// Appends a destructive statement: marked in the SQL and listed in Script::destructive.
void add_destructive(Script& s, const std::string& statement, const std::string& what);
// The backfill comment that precedes a placeholder UPDATE.
std::string backfill_comment(const std::string& table, const std::string& column);
// Appends a backfill statement holding NULL placeholders, marked, with its proof version
// (`proof`: the same statement with values of the right types).
void add_backfill(Script& s, const std::string& statement, const std::string& proof, const std::string& comment);
// A value of `type` any row can take, for the proof: 0, '', false, a date...; "NULL" when none is
// known (an enum: the proof may then fail on rows the migrations insert).
std::string proof_value(const std::string& type, const SqlDialect& dialect);

}  // namespace ddl
}  // namespace strata::migrate
