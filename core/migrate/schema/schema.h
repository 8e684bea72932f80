#pragma once
// A database's schema in a normalised, deterministic form: for comparing (drift, roundtrip)
// and for `dump`.
#include <optional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "migrate/model/foreign_history.h"

struct sqlite3;

namespace strata::migrate {

// What a schema object is: every kind a driver's read_schema produces. SQLite: table, index,
// view, trigger. PostgreSQL also: sequence, function (procedures too), type (an enum), schema,
// extension, comment (COMMENT ON a table, view or column); a materialized view is a view.
// MySQL: table, view, function, procedure, trigger, event (its indexes are part of the table).
// Declared in the alphabetical order of their names: a map keyed by (kind, name) then iterates
// as the labels "kind name" sort, which the order of diffs and written DDL follows.
enum class ObjectKind { comment, event, extension, function, index, procedure, schema, sequence, table, trigger, type, view };

// Every kind, in declaration order.
inline constexpr ObjectKind k_object_kinds[] = {
    ObjectKind::comment, ObjectKind::event,    ObjectKind::extension, ObjectKind::function,
    ObjectKind::index,   ObjectKind::procedure, ObjectKind::schema,   ObjectKind::sequence,
    ObjectKind::table,   ObjectKind::trigger,  ObjectKind::type,      ObjectKind::view,
};

// The kind's name as dumps, messages and JSON spell it: "table", "index", ...
const char* to_string(ObjectKind kind);
// The kind `name` spells (as to_string does; SQLite's sqlite_schema.type and MySQL's ROUTINE_TYPE
// in lowercase are these names); nullopt for any other.
std::optional<ObjectKind> parse_object_kind(std::string_view name);

struct SchemaObject {
  ObjectKind kind = ObjectKind::table;
  std::string name;
  std::string table;     // the table an index or trigger belongs to
  std::string sql;       // CREATE statement, whitespace runs folded to one space (compared)
  std::string text;      // CREATE statement as SQLite stores it (dumped)
  // How `dump` writes the object when that differs from `text` (PostgreSQL, as pg_dump does: a
  // table without the constraints in `dump_after`); empty: `text`.
  std::string dump_text;
  // Statements `dump` writes after every object, pass 0 before pass 1 (PostgreSQL: a UNIQUE key
  // that CREATE TABLE would fold into the primary key, sequence ownership; then foreign keys and
  // NOT VALID checks, which may form a cycle or need a key first). Neither this nor `dump_text`
  // is compared: `sql` holds the whole definition.
  std::vector<std::pair<int, std::string>> dump_after;

  bool operator==(const SchemaObject& o) const {
    return kind == o.kind && name == o.name && table == o.table && sql == o.sql;
  }
};

// An object's identity within a schema: two schemas' objects are the same one when these match.
using ObjectKey = std::pair<ObjectKind, std::string>;
inline ObjectKey key_of(const SchemaObject& o) { return {o.kind, o.name}; }
// An object as messages name it: "table users".
std::string object_label(const SchemaObject& o);
std::string object_label(const ObjectKey& key);

struct Schema {
  std::vector<SchemaObject> objects;  // sorted by kind (in an order of the engine's), then name
  // MySQL: table -> the next AUTO_INCREMENT value SHOW CREATE TABLE gives (AUTO_INCREMENT=N, left
  // out of the table's text). Never compared: rows move it; `diff` raises it to a desired start.
  std::map<std::string, std::string> counter_starts;
  bool operator==(const Schema& o) const { return objects == o.objects; }
};

// The tables whose desired AUTO_INCREMENT start (`to`'s) is above the current one (`from`'s, 1
// when it has none): table -> the start.
std::map<std::string, unsigned long long> raised_counter_starts(const Schema& from, const Schema& to);

// `sql` with every run of whitespace outside quotes folded to one space and leading whitespace
// dropped; `quotes` are the characters that open a quoted run (each closes its own), which differ
// by dialect (SQLite also quotes with backticks). Both drivers compare schemas in this form.
std::string fold_whitespace(std::string_view sql, std::string_view quotes);

// A table's CREATE statement cut into its header ("CREATE TABLE t", quotes around the name
// removed), its parts (each column and table constraint, whitespace folded, quotes around a
// leading name removed), at the commas between the outer parentheses, and what follows them.
struct TableText {
  std::string header;
  std::string tail;  // after the closing parenthesis (SQLite: WITHOUT ROWID, STRICT)
  std::vector<std::string> parts;
};
// nullopt when the parentheses do not balance.
std::optional<TableText> split_table(const std::string& sql);

// `sql` as two schemas are compared: double quotes, backticks and brackets around a lowercase
// identifier removed (SQLite quotes the names it rewrites on RENAME; "u" and u are one table).
std::string comparable_sql(std::string_view sql);

// Reads the schema of `db`, leaving out SQLite's internal objects, the shadow tables of
// virtual tables (their CREATE VIRTUAL TABLE recreates them), and everything belonging to
// `exclude_table` (the history table).
Schema read_schema(sqlite3* db, const std::string& exclude_table);

// One difference between two schemas, about one object.
struct SchemaDiff {
  enum class Kind {
    only_expected,  // the migrations create it; the other side lacks it
    only_actual,    // the other side has it; the migrations do not create it
    differs,        // both have it, defined differently
    column_order,   // both have it, with the same columns and constraints in another order
  };
  Kind kind = Kind::differs;
  std::string object;  // "table users"
  std::string what;    // a few lines at most: the column, its type, the constraint that differs
  std::string detail;  // for -v: the expected definition, '\n', the actual one (empty: absent)
  ObjectKind object_kind = ObjectKind::table;  // what `object` names
};

// The differences from `expected` to `actual`. A table whose columns and constraints are the
// same but in another order (a column dropped in up and added back in down ends up last) is a
// column_order difference, never `differs`: it is not something a migration can or should fix.
std::vector<SchemaDiff> diff_schemas(const Schema& expected, const Schema& actual);

// `d` as one line ("table users: column email: `email text` here, `email integer` there"), the
// sides named by `expected_side` / `actual_side` ("the migrations", "the live database").
std::string describe(const SchemaDiff& d, const std::string& expected_side, const std::string& actual_side);

// Leaves out a dbmate or golang-migrate history table (`schema_migrations` with dbmate's
// `(version)` or golang-migrate's `(version, dirty)` columns), goose's `goose_db_version`,
// Flyway's `flyway_schema_history`, Alembic's `alembic_version`, Prisma's and Drizzle's, and
// what belongs to them: before and after strata imports them, they are history, not the user's
// schema.
// `tables`: the names golang-migrate's (?x-migrations-table=) and Flyway's histories have.
void drop_foreign_history(Schema& schema, const ForeignHistoryTables& tables = {});

// A schema.sql: tables, then indexes, views and triggers, each ending in ';', then each object's
// dump_after statements, pass by pass. Deterministic: the same schema always gives the same bytes.
std::string dump_schema(const Schema& schema);

}  // namespace strata::migrate
