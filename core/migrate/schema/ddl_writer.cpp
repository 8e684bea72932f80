#include "migrate/schema/ddl_writer.h"

#include "common/text.h"

#include <algorithm>
#include <set>

namespace strata::migrate {

namespace ddl {

namespace {

// Words PostgreSQL and SQLite reserve that make good column and table names: such a name must be
// quoted to be a name.
bool reserved(const std::string& word) {
  static const std::set<std::string> words = {
      "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "authorization", "between",
      "binary", "both", "case", "cast", "check", "collate", "column", "concurrently", "constraint", "create", "cross",
      "current_catalog", "current_date", "current_role", "current_schema", "current_time", "current_timestamp",
      "current_user", "default", "deferrable", "delete", "desc", "distinct", "do", "drop", "else", "end", "escape",
      "except", "exists", "false", "fetch", "for", "foreign", "freeze", "from", "full", "glob", "grant", "group",
      "having", "ilike", "in", "index", "initially", "inner", "insert", "intersect", "into", "is", "isnull", "join",
      "key", "lateral", "leading", "left", "like", "limit", "localtime", "localtimestamp", "natural", "not", "notnull",
      "null", "offset", "on", "only", "or", "order", "outer", "overlaps", "placing", "primary", "references",
      "returning", "right", "select", "session_user", "similar", "some", "symmetric", "table", "tablesample", "then",
      "to", "trailing", "transaction", "trigger", "true", "union", "unique", "update", "user", "using", "values",
      "variadic", "verbose", "view", "when", "where", "window", "with"};
  return words.count(word) != 0;
}

}  // namespace

std::string part_text(const TablePart& part, const SqlDialect& dialect) {
  return part.column ? quote_name(part.name, dialect) + " " + part.definition() : part.text;
}

std::string quote_table_name(const std::string& name, const SqlDialect& dialect) {
  const std::size_t dot = name.find('.');
  if (!dialect.qualified_names || dot == std::string::npos) return quote_name(name, dialect);
  return quote_name(name.substr(0, dot), dialect) + "." + quote_name(name.substr(dot + 1), dialect);
}

std::string quote_name(const std::string& name, const SqlDialect& dialect) {
  const bool plain = !name.empty() && (std::islower(static_cast<unsigned char>(name[0])) != 0 || name[0] == '_') &&
                     std::all_of(name.begin(), name.end(), [](char c) {
                       return std::islower(static_cast<unsigned char>(c)) != 0 || std::isdigit(static_cast<unsigned char>(c)) != 0 ||
                              c == '_';
                     });
  const char q = dialect.quote;
  if (plain && !dialect.quotes_every_name && !reserved(name)) return name;
  std::string out(1, q);
  for (const char c : name) {
    if (c == q) out.push_back(q);
    out.push_back(c);
  }
  out.push_back(q);
  return out;
}

std::vector<const SchemaObject*> dependents(const Schema& schema, const std::vector<std::string>& names) {
  std::vector<const SchemaObject*> out;
  std::vector<std::string> pending = names;
  std::set<const SchemaObject*> seen;
  while (!pending.empty()) {
    const std::string name = pending.back();
    pending.pop_back();
    for (const SchemaObject& o : schema.objects) {
      if (o.kind != ObjectKind::view && o.kind != ObjectKind::trigger) continue;
      if (seen.count(&o) != 0 || o.name == name) continue;
      // A trigger on the table itself goes with the table (its `table` is the name).
      if (mentions(o.sql, name) || o.table == name) {
        seen.insert(&o);
        out.push_back(&o);
        if (o.kind == ObjectKind::view) pending.push_back(o.name);
      }
    }
  }
  return out;
}

bool is_foreign_key(const TablePart& part) { return part.text.find(" FOREIGN KEY ") != std::string::npos; }

void create_tables(Script& s, const std::vector<const SchemaObject*>& tables, const SqlDialect& dialect,
                   std::vector<TableShape>& shapes, ForeignKeys& foreign_keys) {
  for (const SchemaObject* o : tables) {
    if (auto shape = table_shape(o->text, dialect)) {
      shape->name = o->name;
      shapes.push_back(std::move(*shape));
    }
  }
  // Only now, with `shapes` complete, are pointers into it taken.
  for (const TableShape& t : shapes) {
    std::vector<std::string> parts;
    for (const TablePart& p : t.parts) {
      if (is_foreign_key(p)) {
        foreign_keys.emplace_back(t.name, &p);
      } else {
        parts.push_back("  " + part_text(p, dialect));
      }
    }
    add(s, t.keywords() + " " + quote_table_name(t.name, dialect) + " (\n" + join(parts, ",\n") + "\n)" + (t.tail.empty() ? "" : " " + t.tail));
  }
}

std::vector<const SchemaObject*> drop_order(std::vector<const SchemaObject*> tables) {
  std::vector<const SchemaObject*> ordered;
  while (!tables.empty()) {
    auto ready = std::find_if(tables.begin(), tables.end(), [&](const SchemaObject* t) {
      return std::none_of(tables.begin(), tables.end(), [&](const SchemaObject* o) { return o != t && mentions(o->sql, t->name); });
    });
    if (ready == tables.end()) ready = tables.begin();  // tables that reference each other
    ordered.push_back(*ready);
    tables.erase(ready);
  }
  return ordered;
}

std::vector<const SchemaObject*> in_dependency_order(std::vector<const SchemaObject*> objects) {
  std::vector<const SchemaObject*> ordered;
  while (!objects.empty()) {
    auto ready = std::find_if(objects.begin(), objects.end(), [&](const SchemaObject* v) {
      return std::none_of(objects.begin(), objects.end(), [&](const SchemaObject* o) {
        return o != v && o->kind == ObjectKind::view && mentions(v->sql, o->name);
      });
    });
    if (ready == objects.end()) ready = objects.begin();  // a cycle no database allows
    ordered.push_back(*ready);
    objects.erase(ready);
  }
  return ordered;
}

std::string join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (const std::string& item : items) out += (out.empty() ? "" : separator) + item;
  return out;
}

void add(Script& s, const std::string& statement, const std::string& comment) {
  if (!comment.empty()) s.sql += "-- " + comment + "\n";
  s.sql += statement;
  s.sql += ";\n";
}

void add_destructive(Script& s, const std::string& statement, const std::string& what) {
  add(s, statement, "destructive: " + what);
  s.destructive.push_back(what);
}

void add_backfill(Script& s, const std::string& statement, const std::string& proof, const std::string& comment) {
  add(s, statement, comment);
  s.proof_values.emplace_back(statement + ";\n", proof + ";\n");
  s.backfill = true;
}

std::string proof_value(const std::string& type, const SqlDialect& dialect) {
  const std::string t = to_lower(type);
  const auto has = [&](const char* word) { return t.find(word) != std::string::npos; };
  // An array (PostgreSQL's text[], integer[] ...): the empty one, whatever its element type.
  if (!dialect.typeless && (t.ends_with("]") || t.ends_with(" array"))) return "'{}'";
  if (has("int") || has("serial") || has("numeric") || has("decimal") || has("real") || has("double") || has("float") ||
      has("number")) {
    return "0";
  }
  if (has("bool")) return std::string(dialect.proof_bool);
  if (dialect.typeless) return "''";
  if (has("timestamp") || has("datetime")) return std::string(dialect.proof_timestamp);
  if (has("date")) return std::string(dialect.proof_date);
  if (has("time")) return "'00:00:00'";
  if (has("uuid")) return "'00000000-0000-0000-0000-000000000000'";
  if (has("json")) return "'{}'";
  if (has("char") || has("text") || has("bytea") || has("blob") || has("binary")) return "''";
  return "NULL";
}

std::string backfill_comment(const std::string& table, const std::string& column) {
  return std::string(k_backfill_marker) + ": give the rows of " + table + " a value for " + column +
         " (replace NULL below), then delete this line";
}

}  // namespace ddl
}  // namespace strata::migrate
