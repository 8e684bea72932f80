// PostgreSQL: every change is an ALTER (PostgreSQL changes tables in place and inside a
// transaction). Tables and their constraints are read as postgres_driver.cpp writes them: one
// column per part ("name type [DEFAULT e | GENERATED ALWAYS AS (e) STORED] [GENERATED ... AS
// IDENTITY] [NOT NULL]") and named constraints ("CONSTRAINT name definition").
#include <algorithm>
#include <map>
#include <set>

#include "common/text.h"
#include "migrate/engines/postgres/postgres_engine.h"
#include "migrate/schema/ddl_writer.h"

namespace strata::migrate {

// PostgreSQL's SQL for comparing schemas and writing DDL.
const SqlDialect k_postgres_dialect = {'"', false, "false", "now()", "CURRENT_DATE", false, true};
// Named, not anonymous: each dialect's helpers keep their short names in a unity build.
namespace postgres_ddl {

const SqlDialect& k_dialect = k_postgres_dialect;

// A name as the driver reads it: "t", or "schema.t" outside the migration schema.
std::string q(const std::string& name) { return ddl::quote_table_name(name, k_dialect); }

struct Column {
  std::string type;
  std::string default_expr;
  std::string generated;  // the expression of GENERATED ALWAYS AS (...) STORED
  std::string identity;   // "ALWAYS", "BY DEFAULT" or ""
  std::string identity_options;  // "(START WITH 100 CYCLE)": those of its sequence that are not the default
  bool not_null = false;
};

bool strip_suffix(std::string& s, std::string_view suffix) {
  if (!s.ends_with(suffix)) return false;
  s.erase(s.size() - suffix.size());
  return true;
}

Column parse_column(const TablePart& p) {
  Column c;
  std::string d = p.definition();
  c.not_null = strip_suffix(d, " NOT NULL");
  for (const std::string identity : {"ALWAYS", "BY DEFAULT"}) {
    const std::string clause = " GENERATED " + identity + " AS IDENTITY";
    const std::size_t at = d.rfind(clause);
    if (at == std::string::npos || (at + clause.size() < d.size() && d.compare(at + clause.size(), 2, " (") != 0)) continue;
    c.identity = identity;
    c.identity_options = d.substr(std::min(d.size(), at + clause.size() + 1));
    d.erase(at);
  }
  if (const std::size_t g = d.find(" GENERATED ALWAYS AS ("); g != std::string::npos) {
    c.generated = d.substr(g + 21);
    strip_suffix(c.generated, " STORED");
    d.erase(g);
  } else if (const std::size_t at = d.find(" DEFAULT "); at != std::string::npos) {
    c.default_expr = d.substr(at + 9);
    d.erase(at);
  }
  c.type = d;
  return c;
}

using ddl::is_foreign_key;

// The definition of a named constraint: "CONSTRAINT name PRIMARY KEY (id)" -> "PRIMARY KEY (id)".
std::string constraint_body(const TablePart& p) {
  std::string_view t = p.text;
  t.remove_prefix(std::min(t.size(), std::string_view("CONSTRAINT ").size()));
  const std::size_t end = t.front() == '"' ? t.find('"', 1) + 1 : t.find(' ');
  return std::string(trim(t.substr(end)));
}

// A change of type that can lose data: anything but the usual widenings.
bool narrows(const std::string& from, const std::string& to) {
  static const std::set<std::pair<std::string, std::string>> widen = {
      {"smallint", "integer"}, {"smallint", "bigint"}, {"integer", "bigint"}, {"integer", "numeric"}, {"bigint", "numeric"},
      {"real", "double precision"}, {"character varying", "text"}, {"character", "text"}, {"smallint", "numeric"},
      {"date", "timestamp without time zone"}, {"timestamp without time zone", "timestamp with time zone"}};
  // A collation is not a narrowing: "text COLLATE \"C\"" is text.
  const auto base = [](const std::string& t) { return t.substr(0, std::min(t.find('('), t.find(" COLLATE "))); };
  const auto length = [](const std::string& t) {
    const std::size_t open = t.find('(');
    return open == std::string::npos ? -1L : std::strtol(t.c_str() + open + 1, nullptr, 10);
  };
  if (base(from) == base(to)) return length(to) >= 0 && (length(from) < 0 || length(to) < length(from));
  return widen.count({base(from), base(to)}) == 0 && base(to) != "text";
}

// ALTER COLUMN's clauses that give an identity's sequence the options `to` has ("(START WITH 5
// CYCLE)"), those it leaves out at their defaults for the column's type and direction.
std::string set_identity_options(const Column& to) {
  std::map<std::string, std::string> given;
  std::vector<std::string> words;
  std::string word;
  for (const char ch : to.identity_options + " ") {
    if (ch == ' ' || ch == '(' || ch == ')') {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word.push_back(ch);
    }
  }
  for (std::size_t i = 0; i < words.size(); ++i) {
    if (words[i] == "CYCLE") given["CYCLE"] = "";
    if ((words[i] == "START" || words[i] == "INCREMENT") && i + 2 < words.size()) given[words[i]] = words[i + 2];
    if ((words[i] == "MINVALUE" || words[i] == "MAXVALUE" || words[i] == "CACHE") && i + 1 < words.size()) given[words[i]] = words[i + 1];
  }
  const auto value = [&](const std::string& key) { return given.count(key) != 0 ? given[key] : std::string{}; };
  const bool down = value("INCREMENT").starts_with("-");
  const std::string min = !value("MINVALUE").empty() ? "SET MINVALUE " + value("MINVALUE") : down ? "SET NO MINVALUE" : "SET MINVALUE 1";
  const std::string max = !value("MAXVALUE").empty() ? "SET MAXVALUE " + value("MAXVALUE") : down ? "SET MAXVALUE -1" : "SET NO MAXVALUE";
  std::string start = value("START");
  if (start.empty()) start = down ? (value("MAXVALUE").empty() ? "-1" : value("MAXVALUE")) : (value("MINVALUE").empty() ? "1" : value("MINVALUE"));
  const std::string increment = value("INCREMENT").empty() ? "1" : value("INCREMENT");
  const std::string cache = value("CACHE").empty() ? "1" : value("CACHE");
  return "SET INCREMENT BY " + increment + " " + min + " " + max + " SET START WITH " + start + " SET CACHE " + cache +
         (given.count("CYCLE") != 0 ? " SET CYCLE" : " SET NO CYCLE");
}

void backfill_then_not_null(Script& s, const std::string& table, const std::string& column, const std::string& type) {
  const std::string update = "UPDATE " + q(table) + " SET " + q(column) + " = ";
  const std::string where = " WHERE " + q(column) + " IS NULL";
  ddl::add_backfill(s, update + "NULL" + where, update + ddl::proof_value(type, k_dialect) + where, ddl::backfill_comment(table, column));
  ddl::add(s, "ALTER TABLE " + q(table) + " ALTER COLUMN " + q(column) + " SET NOT NULL");
}

// Sequences of serial columns (owned by a column) on tables that exist on both sides: made just
// before the default that reads them, and dropped just after the default that read them, so that
// a serial column can become an identity column (whose sequence takes the same name) and back.
struct OwnedSequences {
  std::map<std::string, const SchemaObject*> to_create;  // name -> CREATE SEQUENCE of the desired schema
  std::set<std::string> to_drop;                         // names the desired schema no longer has
  std::set<std::string> done;
  std::map<std::string, const SchemaObject*> desired;    // every sequence of the desired schema
};

// The sequence a default reads: nextval('name'::regclass) -> name.
std::string sequence_of(const std::string& default_expr) {
  const std::size_t at = default_expr.find("nextval('");
  if (at == std::string::npos) return {};
  const std::size_t end = default_expr.find('\'', at + 9);
  std::string name = default_expr.substr(at + 9, end - at - 9);
  std::erase(name, '"');
  return name;
}

// A new sequence behind a column that holds values already continues after them.
void continue_after_rows(Script& s, const std::string& table, const std::string& column) {
  ddl::add(s, "SELECT setval(pg_get_serial_sequence('" + q(table) + "', '" + q(column) + "'), (SELECT coalesce(max(" + q(column) +
                  "), 0) + 1 FROM " + q(table) + "), false)",
           "the new sequence continues after the values the rows hold");
}

void create_sequence_for(Script& s, const Column& c, OwnedSequences& seq) {
  const std::string name = sequence_of(c.default_expr);
  const auto it = seq.to_create.find(name);
  if (name.empty() || it == seq.to_create.end() || !seq.done.insert(name).second) return;
  ddl::add(s, it->second->text);
}

void drop_sequence_of(Script& s, const Column& c, OwnedSequences& seq) {
  const std::string name = sequence_of(c.default_expr);
  if (name.empty() || seq.to_drop.count(name) == 0 || !seq.done.insert(name).second) return;
  ddl::add(s, "DROP SEQUENCE IF EXISTS " + q(name));
}

void add_column(Script& s, const std::string& table, const TablePart& p, OwnedSequences& seq) {
  const Column c = parse_column(p);
  create_sequence_for(s, c, seq);
  if (c.not_null && c.default_expr.empty() && c.identity.empty() && c.generated.empty()) {
    std::string text = ddl::part_text(p, k_dialect);
    strip_suffix(text, " NOT NULL");
    ddl::add(s, "ALTER TABLE " + q(table) + " ADD COLUMN " + text);
    backfill_then_not_null(s, table, p.name, c.type);
    return;
  }
  ddl::add(s, "ALTER TABLE " + q(table) + " ADD COLUMN " + ddl::part_text(p, k_dialect));
}

void finish_not_null(Script& s, const std::string& table, const std::string& column, const Column& a, const Column& b) {
  const bool was = a.not_null || !a.identity.empty();
  const bool will = b.not_null || !b.identity.empty();
  if (!was && will && b.identity.empty()) backfill_then_not_null(s, table, column, b.type);
  if (was && !will) ddl::add(s, "ALTER TABLE " + q(table) + " ALTER COLUMN " + q(column) + " DROP NOT NULL");
}

void alter_column(Script& s, const std::string& table, const TablePart& from, const TablePart& to, OwnedSequences& seq) {
  const Column a = parse_column(from);
  const Column b = parse_column(to);
  const std::string alter = "ALTER TABLE " + q(table) + " ALTER COLUMN " + q(to.name);
  if (a.generated != b.generated) {
    ddl::add(s, "ALTER TABLE " + q(table) + " DROP COLUMN " + q(to.name), "a generated column's expression changes: dropped and added");
    add_column(s, table, to, seq);
    return;
  }
  // An identity goes first: its sequence goes with it, and a serial's may take its name.
  if (!a.identity.empty() && b.identity.empty()) {
    ddl::add(s, alter + " DROP IDENTITY");
    const std::string name = sequence_of(b.default_expr);
    const auto it = seq.desired.find(name);
    if (!name.empty() && it != seq.desired.end() && seq.done.insert(name).second) {
      ddl::add(s, it->second->text);
      ddl::add(s, "ALTER SEQUENCE " + q(name) + " OWNED BY " + q(table) + "." + q(to.name));
      ddl::add(s, alter + " SET DEFAULT " + b.default_expr);
      continue_after_rows(s, table, to.name);
      return finish_not_null(s, table, to.name, a, b);
    }
  }
  create_sequence_for(s, b, seq);
  if (a.type != b.type) {
    if (!a.default_expr.empty()) ddl::add(s, alter + " DROP DEFAULT");
    const std::string statement = alter + " TYPE " + b.type + " USING " + q(to.name) + "::" + b.type;
    if (narrows(a.type, b.type)) {
      ddl::add_destructive(s, statement, "narrowing " + table + "." + to.name + " from " + a.type + " to " + b.type);
    } else {
      ddl::add(s, statement);
    }
    if (!b.default_expr.empty()) ddl::add(s, alter + " SET DEFAULT " + b.default_expr);
  } else if (a.default_expr != b.default_expr) {
    ddl::add(s, b.default_expr.empty() ? alter + " DROP DEFAULT" : alter + " SET DEFAULT " + b.default_expr);
  }
  if (a.default_expr != b.default_expr) drop_sequence_of(s, a, seq);
  // A serial becoming an identity: its sequence goes, and the identity's takes the name.
  if (a.identity.empty() && !b.identity.empty() && !sequence_of(a.default_expr).empty() &&
      seq.done.insert(sequence_of(a.default_expr)).second) {
    ddl::add(s, "DROP SEQUENCE IF EXISTS " + q(sequence_of(a.default_expr)));
  }
  if (a.identity != b.identity && !b.identity.empty()) {
    if (a.identity.empty()) {
      ddl::add(s, alter + " ADD GENERATED " + b.identity + " AS IDENTITY" + (b.identity_options.empty() ? "" : " " + b.identity_options));
      if (!sequence_of(a.default_expr).empty()) continue_after_rows(s, table, to.name);
    } else {
      ddl::add(s, alter + " SET GENERATED " + b.identity);
    }
  }
  if (!a.identity.empty() && !b.identity.empty() && a.identity_options != b.identity_options) {
    ddl::add(s, alter + " " + set_identity_options(b));
  }
  finish_not_null(s, table, to.name, a, b);
}

std::vector<std::string> enum_labels(const std::string& text) {
  // CREATE TYPE t AS ENUM ('a', 'b')
  std::vector<std::string> out;
  const std::size_t open = text.find('(');
  for (std::size_t i = open; i != std::string::npos && i < text.size(); ++i) {
    if (text[i] != '\'') continue;
    std::string label = "'";
    for (++i; i < text.size(); ++i) {
      label.push_back(text[i]);
      if (text[i] == '\'') {
        if (i + 1 < text.size() && text[i + 1] == '\'') {
          label.push_back('\'');
          ++i;
          continue;
        }
        break;
      }
    }
    out.push_back(label);
  }
  return out;
}

// Columns of `schema` whose type is the enum `type`, or an array of it: "table" -> column parts.
std::vector<std::pair<std::string, const TablePart*>> columns_of_type(const std::vector<TableShape>& shapes, const std::string& type) {
  std::vector<std::pair<std::string, const TablePart*>> out;
  for (const TableShape& t : shapes) {
    for (const TablePart* p : t.columns()) {
      const Column c = parse_column(*p);
      if (c.type == type || c.type == q(type) || c.type == type + "[]" || c.type == q(type) + "[]") out.emplace_back(t.name, p);
    }
  }
  return out;
}

// CHECK constraints dropped around an enum's rebuild: (table in the current schema, constraint).
using ChecksOnEnums = std::set<std::pair<std::string, std::string>>;

// The CHECKs that read the enum `type` (through one of its columns, or by naming it): moving a
// column to the new type re-checks them, and their constants still have the old type
// ("operator does not exist: t <> t__strata_old"), so they are dropped first and added again
// once the columns moved (Writer::add_constraints).
void drop_checks_on_enum(Script& s, const std::vector<TableShape>& from_tables, const std::string& type,
                         const std::vector<std::pair<std::string, const TablePart*>>& columns, ChecksOnEnums& dropped) {
  for (const TableShape& t : from_tables) {
    for (const TablePart& p : t.parts) {
      if (p.column || p.name.empty() || !constraint_body(p).starts_with("CHECK")) continue;
      const bool reads = mentions(p.text, type) || std::any_of(columns.begin(), columns.end(), [&](const auto& c) {
                           return c.first == t.name && mentions(p.text, c.second->name);
                         });
      if (!reads || !dropped.emplace(t.name, p.name).second) continue;
      ddl::add(s, "ALTER TABLE " + q(t.name) + " DROP CONSTRAINT " + q(p.name), "it reads " + type + ", made again below");
    }
  }
}

// An enum that changed: new labels added where they go, one label renamed, or else the type made
// again (renamed away, created, the columns moved to it, the old one dropped).
void change_enum(Script& s, const SchemaObject& from, const SchemaObject& to, const std::vector<TableShape>& from_tables,
                 ChecksOnEnums& dropped_checks) {
  const auto a = enum_labels(from.text);
  const auto b = enum_labels(to.text);
  std::vector<std::string> kept;
  for (const auto& l : b) {
    if (std::find(a.begin(), a.end(), l) != a.end()) kept.push_back(l);
  }
  if (kept == a) {
    for (std::size_t i = 0; i < b.size(); ++i) {
      if (std::find(a.begin(), a.end(), b[i]) != a.end()) continue;
      std::string where;
      if (i + 1 < b.size()) where = " BEFORE " + b[i + 1];
      else if (i > 0) where = " AFTER " + b[i - 1];
      ddl::add(s, "ALTER TYPE " + q(to.name) + " ADD VALUE " + b[i] + where);
      s.added_enum_values.push_back(b[i]);
    }
    return;
  }
  if (a.size() == b.size()) {
    std::vector<std::size_t> differ;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (a[i] != b[i]) differ.push_back(i);
    }
    if (differ.size() == 1 && std::find(a.begin(), a.end(), b[differ[0]]) == a.end()) {
      ddl::add(s, "ALTER TYPE " + q(to.name) + " RENAME VALUE " + a[differ[0]] + " TO " + b[differ[0]]);
      return;
    }
  }
  const std::string old_name = to.name + "__strata_old";
  const auto columns = columns_of_type(from_tables, from.name);
  drop_checks_on_enum(s, from_tables, from.name, columns, dropped_checks);
  ddl::add(s, "ALTER TYPE " + q(to.name) + " RENAME TO " + q(old_name), "values removed or reordered: the type is made again");
  ddl::add(s, to.text);
  for (const auto& [table, p] : columns) {
    const Column c = parse_column(*p);
    const std::string alter = "ALTER TABLE " + q(table) + " ALTER COLUMN " + q(p->name);
    // An array of the enum moves through text[] as a scalar moves through text.
    const std::string array = c.type.ends_with("[]") ? "[]" : "";
    if (!c.default_expr.empty()) ddl::add(s, alter + " DROP DEFAULT");
    ddl::add_destructive(s, alter + " TYPE " + q(to.name) + array + " USING " + q(p->name) + "::text" + array + "::" +
                                q(to.name) + array,
                         "values of " + table + "." + p->name + " that " + to.name + " no longer has");
    if (!c.default_expr.empty()) ddl::add(s, alter + " SET DEFAULT " + c.default_expr);
  }
  ddl::add(s, "DROP TYPE " + q(old_name));
}

std::string drop_of(const SchemaObject& o) {
  const std::string upper = to_upper(o.text.substr(0, 40));
  if (o.kind == ObjectKind::view) return (upper.find("MATERIALIZED") != std::string::npos ? "DROP MATERIALIZED VIEW " : "DROP VIEW ") + q(o.name);
  if (o.kind == ObjectKind::trigger) return "DROP TRIGGER " + q(o.name.substr(o.name.find('.') == std::string::npos ? 0 : o.name.find('.') + 1)) + " ON " + q(o.table);
  if (o.kind == ObjectKind::function) {
    const std::size_t paren = o.name.find('(');
    return std::string(upper.find("PROCEDURE") != std::string::npos ? "DROP PROCEDURE " : "DROP FUNCTION ") +
           q(o.name.substr(0, paren)) + o.name.substr(paren);
  }
  if (o.kind == ObjectKind::index) return "DROP INDEX " + q(o.name);
  if (o.kind == ObjectKind::type && o.text.starts_with("CREATE DOMAIN")) return "DROP DOMAIN " + q(o.name);
  return "DROP " + to_upper(to_string(o.kind)) + " " + q(o.name);
}

bool is_new(const SchemaChanges& c, const SchemaObject& o) {
  return std::find(c.created.begin(), c.created.end(), &o) != c.created.end();
}

std::string concurrently(const std::string& create_index) {
  const std::size_t at = create_index.find("INDEX ");
  return create_index.substr(0, at + 6) + "CONCURRENTLY " + create_index.substr(at + 6);
}

// write_postgres_ddl's stages, in the order their statements run, over what they share: the
// changes, both schemas and the script being written.
class Writer {
 public:
  Writer(const SchemaChanges& c, const Schema& from, const Schema& to, const DdlOptions& options)
      : c_(c), from_(from), to_(to), options_(options) {
    for (const SchemaObject& o : from.objects) {
      if (o.kind != ObjectKind::table) continue;
      if (auto shape = table_shape(o.text, k_dialect)) {
        shape->name = o.name;
        from_tables_.push_back(std::move(*shape));
      }
    }
    for (const SchemaObject& o : to.objects) {
      if (o.kind == ObjectKind::table && !is_new(c, o)) existing_tables_.insert(o.name);
      if (o.kind == ObjectKind::sequence) owned_.desired[o.name] = &o;
    }
  }

  Script write() {
    rename_owned_sequences();
    create_what_tables_need();
    drop_what_reads_changed_tables();
    drop_constraints_and_indexes();
    find_remade_columns();
    rename_tables();
    drop_tables();
    create_and_change_tables();
    drop_what_tables_needed();
    add_constraints();
    own_sequences();
    create_readers();
    write_comments();
    return std::move(s_);
  }

 private:
  // Sequences owned by a column of a table on both sides: renamed with their table or column, or
  // made and dropped beside the column's default (OwnedSequences).
  void rename_owned_sequences() {
    std::map<std::string, std::string> old_table_of;  // new name -> old name
    for (const TableChange& t : c_.tables) old_table_of[t.name] = t.old_name;
    for (const SchemaObject* n : c_.created) {
      if (n->kind != ObjectKind::sequence || n->table.empty() || existing_tables_.count(n->table) == 0) continue;
      const std::string old_table = old_table_of.count(n->table) ? old_table_of[n->table] : n->table;
      const std::string options_of_n = n->text.substr(n->text.find(" AS "));
      for (const SchemaObject* o : c_.dropped) {
        if (o->kind != ObjectKind::sequence || o->table != old_table || renamed_sequences_.count(o) != 0) continue;
        if (o->text.substr(o->text.find(" AS ")) != options_of_n) continue;
        ddl::add(s_, "ALTER SEQUENCE " + q(o->name) + " RENAME TO " + q(n->name));
        renamed_sequences_.insert(o);
        renamed_sequences_.insert(n);
        break;
      }
      if (renamed_sequences_.count(n) == 0) owned_.to_create[n->name] = n;
    }
    for (const SchemaObject* o : c_.dropped) {
      if (o->kind == ObjectKind::sequence && !o->table.empty() && renamed_sequences_.count(o) == 0) owned_.to_drop.insert(o->name);
    }
  }

  // The objects of `kind` to create, but sequences renamed or made beside their column.
  std::vector<const SchemaObject*> created_of(ObjectKind kind) const {
    std::vector<const SchemaObject*> out;
    for (const SchemaObject* o : c_.created) {
      if (o->kind != kind || renamed_sequences_.count(o) != 0) continue;
      if (owned_.to_create.count(o->name) != 0) continue;
      out.push_back(o);
    }
    return out;
  }

  // The objects of `kind` to drop, but sequences a column owns (dropped with its default).
  std::vector<const SchemaObject*> dropped_of(ObjectKind kind) const {
    std::vector<const SchemaObject*> out;
    for (const SchemaObject* o : c_.dropped) {
      if (o->kind == kind && !(o->kind == ObjectKind::sequence && !o->table.empty())) out.push_back(o);
    }
    return out;
  }

  // What must exist before tables: schemas, extensions, types, sequences, functions.
  void create_what_tables_need() {
    for (const ObjectKind kind : {ObjectKind::schema, ObjectKind::extension, ObjectKind::type, ObjectKind::sequence}) {
      for (const SchemaObject* o : created_of(kind)) ddl::add(s_, o->text);
    }
    for (const auto& [a, b] : c_.changed) {
      // A domain that changed is not written (the proof says it differs): its columns hold it.
      if (b->kind == ObjectKind::type && !b->text.starts_with("CREATE DOMAIN")) change_enum(s_, *a, *b, from_tables_, checks_on_enums_);
      if (b->kind == ObjectKind::sequence) {
        std::string options_text = b->text.substr(b->text.find(" AS "));
        if (options_text.find(" CYCLE") == std::string::npos) options_text += " NO CYCLE";
        ddl::add(s_, "ALTER SEQUENCE " + q(b->name) + options_text);
      }
      if (b->kind == ObjectKind::extension) {
        ddl::add(s_, "ALTER EXTENSION " + q(b->name) + " SET SCHEMA " + b->text.substr(b->text.rfind(' ') + 1));
      }
    }
    for (const SchemaObject* o : created_of(ObjectKind::function)) ddl::add(s_, o->text);
    for (const auto& [a, b] : c_.changed) {
      if (b->kind == ObjectKind::function) ddl::add(s_, b->text);
    }
  }

  // Drop what reads the tables about to change: triggers and views that change or go, and views
  // on columns whose type changes or that go (PostgreSQL refuses to change what a view reads).
  void drop_what_reads_changed_tables() {
    std::vector<std::string> touched;
    for (const TableChange& t : c_.tables) {
      if (!t.dropped_columns.empty() || !t.changed_columns.empty()) touched.push_back(t.old_name);
    }
    for (const SchemaObject* o : c_.dropped) {
      if (o->kind == ObjectKind::table || o->kind == ObjectKind::view) touched.push_back(o->name);
    }
    for (const auto& [a, b] : c_.changed) {
      if (a->kind == ObjectKind::view) touched.push_back(a->name);  // the views on it are dropped and made again too
    }
    for (const SchemaObject* o : ddl::dependents(from_, touched)) {
      if (o->kind == ObjectKind::view) dropped_first_[key_of(*o)] = o;
    }
    for (const auto& [a, b] : c_.changed) {
      if (a->kind == ObjectKind::view || a->kind == ObjectKind::trigger || a->kind == ObjectKind::index) dropped_first_[key_of(*a)] = a;
    }
    for (const SchemaObject* o : c_.dropped) {
      if (o->kind == ObjectKind::view || o->kind == ObjectKind::trigger || o->kind == ObjectKind::index) dropped_first_[key_of(*o)] = o;
    }
    std::vector<const SchemaObject*> views;
    for (const auto& [key, o] : dropped_first_) {
      if (o->kind == ObjectKind::trigger) ddl::add(s_, drop_of(*o));
      if (o->kind == ObjectKind::view) views.push_back(o);
    }
    views = ddl::in_dependency_order(views);
    std::reverse(views.begin(), views.end());
    for (const SchemaObject* v : views) ddl::add(s_, drop_of(*v));
  }

  // Constraints that go or change: foreign keys first (they depend on the others' keys); then
  // the indexes that go or change.
  void drop_constraints_and_indexes() {
    for (int pass = 0; pass < 2; ++pass) {
      for (const TableChange& t : c_.tables) {
        for (const TablePart* p : t.dropped_constraints) {
          if (checks_on_enums_.count({t.old_name, p->name}) != 0) continue;  // dropped before its enum was made again
          if (is_foreign_key(*p) == (pass == 0)) {
            ddl::add(s_, "ALTER TABLE " + q(t.old_name) + " DROP CONSTRAINT " + q(p->name));
          }
        }
      }
    }
    for (const auto& [key, o] : dropped_first_) {
      if (o->kind != ObjectKind::index) continue;
      const bool on_table = existing_tables_.count(o->table) != 0;
      if (options_.concurrent_drops && on_table) {
        s_.concurrent += concurrently(drop_of(*o)).replace(0, 4, "DROP") + ";\n";
      } else {
        ddl::add(s_, drop_of(*o));
      }
    }
  }

  // Columns dropped and added again (a generated column's expression changed): the constraints
  // and indexes that name them went with them, and are made again below.
  void find_remade_columns() {
    for (const TableChange& t : c_.tables) {
      for (const auto& [a, b] : t.changed_columns) {
        if (parse_column(*a).generated != parse_column(*b).generated) remade_columns_[t.name].push_back(b->name);
      }
    }
  }

  bool names_remade(const std::string& table, const std::string& text) const {
    const auto it = remade_columns_.find(table);
    return it != remade_columns_.end() && std::any_of(it->second.begin(), it->second.end(), [&](const std::string& column) {
             return mentions(text, column);
           });
  }

  // Tables: renamed, created (foreign keys later), changed, dropped.
  void rename_tables() {
    for (const TableChange& t : c_.tables) {
      if (t.old_name != t.name) ddl::add(s_, "ALTER TABLE " + q(t.old_name) + " RENAME TO " + q(t.name));
      for (const auto& [a, b] : t.renamed_columns) {
        ddl::add(s_, "ALTER TABLE " + q(t.name) + " RENAME COLUMN " + q(a) + " TO " + q(b));
      }
    }
  }

  // Tables that go, before those that come (a new table may take an old one's key names).
  void drop_tables() {
    const std::vector<const SchemaObject*> gone = ddl::drop_order(dropped_of(ObjectKind::table));
    // Tables whose foreign keys form a cycle have no order to drop them in: one DROP TABLE takes
    // them all (PostgreSQL drops a set whose references stay inside it).
    bool cycle = false;
    for (std::size_t i = 0; i < gone.size(); ++i) {
      for (std::size_t j = i + 1; j < gone.size(); ++j) cycle = cycle || mentions(gone[j]->sql, gone[i]->name);
    }
    if (!cycle) {
      for (const SchemaObject* o : gone) ddl::add_destructive(s_, "DROP TABLE " + q(o->name), "DROP TABLE " + o->name);
      return;
    }
    std::string names;
    std::string labels;
    for (const SchemaObject* o : gone) {
      names += (names.empty() ? "" : ", ") + q(o->name);
      labels += (labels.empty() ? "" : ", ") + o->name;
    }
    ddl::add_destructive(s_, "DROP TABLE " + names, "DROP TABLE " + labels);
  }

  void create_and_change_tables() {
    ddl::create_tables(s_, created_of(ObjectKind::table), k_dialect, created_shapes_, foreign_keys_);
    for (const TableChange& t : c_.tables) {
      // A partitioned table's key cannot be altered: the table is made again (its rows live in
      // its partitions, which DROP TABLE takes with it; each is a table of the desired schema's).
      const auto partitioned = [](const TableShape& shape) { return shape.tail.find("PARTITION BY") != std::string::npos; };
      if (t.tail_changed && t.to != nullptr && (partitioned(t.from_shape) || partitioned(t.to_shape))) {
        ddl::add_destructive(s_, "DROP TABLE " + q(t.old_name), "DROP TABLE " + t.old_name + " (its partition key changes)");
        ddl::add(s_, t.to->text);
        continue;
      }
      if (t.keywords_changed) {
        const bool unlogged = t.to_shape.keywords().find("UNLOGGED") != std::string::npos;
        ddl::add(s_, "ALTER TABLE " + q(t.name) + (unlogged ? " SET UNLOGGED" : " SET LOGGED"));
      }
      for (const TablePart* p : t.added_columns) add_column(s_, t.name, *p, owned_);
      for (const auto& [a, b] : t.changed_columns) alter_column(s_, t.name, *a, *b, owned_);
      for (const TablePart* p : t.dropped_columns) {
        ddl::add_destructive(s_, "ALTER TABLE " + q(t.name) + " DROP COLUMN " + q(p->name), "DROP COLUMN " + t.name + "." + p->name);
      }
    }
    for (const auto& [name, o] : owned_.to_create) {
      if (owned_.done.insert(name).second) ddl::add(s_, o->text);
    }
  }

  // What the tables no longer need: functions, sequences, types, extensions, schemas that go.
  void drop_what_tables_needed() {
    for (const ObjectKind kind : {ObjectKind::function, ObjectKind::sequence, ObjectKind::type, ObjectKind::extension, ObjectKind::schema}) {
      for (const SchemaObject* o : dropped_of(kind)) {
        if (kind == ObjectKind::type || kind == ObjectKind::function) {
          ddl::add(s_, drop_of(*o));
        } else {
          ddl::add_destructive(s_, drop_of(*o), "DROP " + to_upper(to_string(kind)) + " " + o->name);
        }
      }
    }
  }

  // Constraints that come or change: keys and checks, then foreign keys.
  void add_constraints() {
    for (int pass = 0; pass < 2; ++pass) {
      for (const TableChange& t : c_.tables) {
        for (const TablePart* p : t.added_constraints) {
          if (is_foreign_key(*p) == (pass == 1)) {
            ddl::add(s_, "ALTER TABLE " + q(t.name) + " ADD CONSTRAINT " + q(p->name) + " " + constraint_body(*p));
          }
        }
        for (const TablePart& p : t.to_shape.parts) {
          const bool added = std::find(t.added_constraints.begin(), t.added_constraints.end(), &p) != t.added_constraints.end();
          if (p.column || added || p.name.empty() || is_foreign_key(p) != (pass == 1) || !names_remade(t.name, p.text)) continue;
          ddl::add(s_, "ALTER TABLE " + q(t.name) + " ADD CONSTRAINT " + q(p.name) + " " + constraint_body(p),
                   "its column was made again");
        }
      }
    }
    add_checks_on_enums();
    for (const auto& [table, p] : foreign_keys_) {
      ddl::add(s_, "ALTER TABLE " + q(table) + " ADD CONSTRAINT " + q(p->name) + " " + constraint_body(*p));
    }
  }

  // The CHECKs dropped around an enum's rebuild, as the desired schema has them (one it adds or
  // no longer has is not written here).
  void add_checks_on_enums() {
    for (const auto& [old_table, name] : checks_on_enums_) {
      std::string table = old_table;
      const TableChange* change = nullptr;
      for (const TableChange& t : c_.tables) {
        if (t.old_name == old_table) change = &t;
      }
      if (change != nullptr) table = change->name;
      const SchemaObject* to = nullptr;
      for (const SchemaObject& o : to_.objects) {
        if (o.kind == ObjectKind::table && o.name == table && !is_new(c_, o)) to = &o;
      }
      const auto shape = to != nullptr ? table_shape(to->text, k_dialect) : std::nullopt;
      for (const TablePart& p : shape ? shape->parts : std::vector<TablePart>{}) {
        if (p.column || p.name != name) continue;
        const bool added = change != nullptr && std::any_of(change->added_constraints.begin(), change->added_constraints.end(),
                                                            [&](const TablePart* a) { return a->name == name; });
        if (!added) ddl::add(s_, "ALTER TABLE " + q(table) + " ADD CONSTRAINT " + q(p.name) + " " + constraint_body(p));
      }
    }
  }

  // Sequences of serial columns belong to their column again.
  void own_sequences() {
    std::vector<const SchemaObject*> owned_sequences = created_of(ObjectKind::sequence);
    for (const auto& [name, o] : owned_.to_create) owned_sequences.push_back(o);
    for (const SchemaObject* o : owned_sequences) {
      if (o->table.empty()) continue;
      // The reader spelt the ownership out (the dump's ALTER SEQUENCE ... OWNED BY): its column,
      // which no default need read (CREATE SEQUENCE s OWNED BY t.c beside a plain column).
      const auto owned_by = std::find_if(o->dump_after.begin(), o->dump_after.end(), [](const auto& statement) {
        return statement.second.starts_with("ALTER SEQUENCE ") && statement.second.find(" OWNED BY ") != std::string::npos;
      });
      if (owned_by != o->dump_after.end()) {
        ddl::add(s_, owned_by->second);
        continue;
      }
      for (const SchemaObject& t : to_.objects) {
        if (t.kind != ObjectKind::table || t.name != o->table) continue;
        const auto shape = table_shape(t.text, k_dialect);
        for (const TablePart* p : shape ? shape->columns() : std::vector<const TablePart*>{}) {
          if (parse_column(*p).default_expr.find(o->name.substr(o->name.find('.') + 1)) != std::string::npos) {
            ddl::add(s_, "ALTER SEQUENCE " + q(o->name) + " OWNED BY " + q(t.name) + "." + q(p->name));
          }
        }
      }
    }
  }

  // Indexes, views and triggers as the desired schema has them.
  void create_readers() {
    for (const SchemaObject& o : to_.objects) {
      if (o.kind != ObjectKind::index) continue;
      if (!is_new(c_, o) && dropped_first_.count(key_of(o)) == 0 && !names_remade(o.table, o.sql)) continue;
      if (options_.concurrent_creates && existing_tables_.count(o.table) != 0) {
        s_.concurrent += concurrently(o.text) + ";\n";
      } else {
        ddl::add(s_, o.text);
      }
    }
    std::vector<const SchemaObject*> new_views;
    for (const SchemaObject& o : to_.objects) {
      if (o.kind == ObjectKind::view && (is_new(c_, o) || dropped_first_.count(key_of(o)) != 0)) new_views.push_back(&o);
    }
    for (const SchemaObject* v : ddl::in_dependency_order(new_views)) ddl::add(s_, v->text);
    for (const SchemaObject& o : to_.objects) {
      if (o.kind == ObjectKind::trigger && (is_new(c_, o) || dropped_first_.count(key_of(o)) != 0)) ddl::add(s_, o.text);
    }
  }

  // Comments: new or changed ones as written; one that goes is set to NULL where its table (or
  // view) and column stay (dropping those took their comments with them). A view made again lost
  // its comments: they are written again.
  void write_comments() {
    std::set<std::string> commented;
    for (const SchemaObject& o : to_.objects) {
      if (o.kind != ObjectKind::comment) continue;
      const bool remade = dropped_first_.count({ObjectKind::view, o.table}) != 0;
      const bool changed = std::any_of(c_.changed.begin(), c_.changed.end(), [&](const auto& p) { return p.second == &o; });
      if (is_new(c_, o) || changed || remade) ddl::add(s_, o.text);
      commented.insert(o.name);
    }
    for (const SchemaObject* o : c_.dropped) {
      if (o->kind != ObjectKind::comment || commented.count(o->name) != 0) continue;
      const SchemaObject* owner = nullptr;
      for (const SchemaObject& t : to_.objects) {
        if ((t.kind == ObjectKind::table || t.kind == ObjectKind::view) && t.name == o->table) owner = &t;
      }
      const std::string column = o->name.size() > o->table.size() ? o->name.substr(o->table.size() + 1) : "";
      if (owner == nullptr || (!column.empty() && !mentions(owner->sql, column))) continue;
      ddl::add(s_, o->text.substr(0, o->text.rfind(" IS ")) + " IS NULL");
    }
  }

  const SchemaChanges& c_;
  const Schema& from_;
  const Schema& to_;
  const DdlOptions& options_;
  Script s_;
  std::vector<TableShape> from_tables_;
  std::set<std::string> existing_tables_;  // in both schemas (their new names)
  OwnedSequences owned_;
  std::set<const SchemaObject*> renamed_sequences_;
  std::map<ObjectKey, const SchemaObject*> dropped_first_;  // views, triggers and indexes dropped before the tables change
  std::map<std::string, std::vector<std::string>> remade_columns_;  // table -> columns
  ChecksOnEnums checks_on_enums_;  // dropped before an enum was made again, added again at the end
  std::vector<TableShape> created_shapes_;  // of the tables created: foreign_keys_ points into them
  ddl::ForeignKeys foreign_keys_;  // of the tables created, added after every table exists
};

}  // namespace postgres_ddl

Script write_postgres_ddl(const SchemaChanges& c, const Schema& from, const Schema& to, const DdlOptions& options) {
  return postgres_ddl::Writer(c, from, to, options).write();
}

}  // namespace strata::migrate
