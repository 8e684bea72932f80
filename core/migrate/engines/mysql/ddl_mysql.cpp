// MySQL and MariaDB: ALTER TABLE in place, tables read as SHOW CREATE TABLE writes them: a
// column per part ("`name` type ... "), keys ("PRIMARY KEY (...)", "UNIQUE KEY `u` (...)",
// "KEY `k` (...)"), named constraints ("CONSTRAINT `fk` FOREIGN KEY ...", "CONSTRAINT `c` CHECK
// (...)") and the table options after the parenthesis (ENGINE, DEFAULT CHARSET, COLLATE).
// A new column goes where the desired schema has it (FIRST / AFTER), so the order matches.
#include <algorithm>
#include <map>
#include <set>

#include "common/text.h"
#include "migrate/engines/mysql/mysql_engine.h"
#include "migrate/schema/ddl_writer.h"

namespace strata::migrate {

// MySQL's SQL for comparing schemas and writing DDL: SHOW CREATE TABLE quotes every name in
// backticks and writes keys inline.
const SqlDialect k_mysql_dialect = {'`', true, "0", "'1970-01-01 00:00:00'", "'1970-01-01'", false, false};
// Named, not anonymous: each dialect's helpers keep their short names in a unity build.
namespace mysql_ddl {

const SqlDialect& k_dialect = k_mysql_dialect;

std::string q(const std::string& name) { return ddl::quote_name(name, k_dialect); }

using ddl::is_foreign_key;

bool not_null(const TablePart& p) { return p.text.find(" NOT NULL") != std::string::npos; }

bool needs_backfill(const TablePart& p) {
  const std::string u = to_upper(p.text);
  return not_null(p) && u.find(" DEFAULT ") == std::string::npos && u.find("AUTO_INCREMENT") == std::string::npos &&
         u.find(" GENERATED ALWAYS ") == std::string::npos && u.find(" AS (") == std::string::npos;
}

std::string type_of(const TablePart& p) {
  const std::string d = p.definition();
  return d.substr(0, d.find(' '));
}

// A change of type that can lose data: anything but a longer string or a wider integer.
bool narrows(const std::string& from, const std::string& to) {
  static const std::vector<std::string> ints = {"tinyint", "smallint", "mediumint", "int", "bigint"};
  static const std::vector<std::string> texts = {"tinytext", "text", "mediumtext", "longtext"};
  const auto base = [](const std::string& t) { return t.substr(0, t.find('(')); };
  const auto length = [](const std::string& t) {
    const std::size_t open = t.find('(');
    return open == std::string::npos ? -1L : std::strtol(t.c_str() + open + 1, nullptr, 10);
  };
  const auto rank = [](const std::vector<std::string>& order, const std::string& t) {
    return std::find(order.begin(), order.end(), t) - order.begin();
  };
  const std::string a = base(from);
  const std::string b = base(to);
  if (a == b) return length(to) < length(from);
  if (rank(ints, a) < 5 && rank(ints, b) < 5) return rank(ints, b) < rank(ints, a);
  if (rank(texts, b) < 4) return a != "varchar" && a != "char" && rank(texts, a) > rank(texts, b);
  return !(a == "varchar" && (b == "text" || b == "mediumtext" || b == "longtext"));
}

// Where a column goes: FIRST, or AFTER the column before it in the desired table.
std::string position(const TableShape& to, const TablePart& p) {
  const auto columns = to.columns();
  const auto it = std::find(columns.begin(), columns.end(), &p);
  if (it == columns.begin()) return " FIRST";
  return " AFTER " + q((*(it - 1))->name);
}

std::string without_not_null(std::string text) {
  const std::size_t at = text.find(" NOT NULL");
  if (at != std::string::npos) text.erase(at, 9);
  return text;
}

void backfill(Script& s, const std::string& table, const TablePart& p) {
  const std::string update = "UPDATE " + q(table) + " SET " + q(p.name) + " = ";
  const std::string where = " WHERE " + q(p.name) + " IS NULL";
  ddl::add_backfill(s, update + "NULL" + where, update + ddl::proof_value(type_of(p), k_dialect) + where,
                    ddl::backfill_comment(table, p.name));
  ddl::add(s, "ALTER TABLE " + q(table) + " MODIFY COLUMN " + ddl::part_text(p, k_dialect));
  s.backfill = true;
}

std::string drop_part(const TablePart& p) {
  if (p.text.starts_with("PRIMARY KEY")) return "DROP PRIMARY KEY";
  if (is_foreign_key(p)) return "DROP FOREIGN KEY " + q(p.name);
  if (p.key.starts_with("key ")) return "DROP INDEX " + q(p.name);
  return "DROP CONSTRAINT " + q(p.name);
}

std::string drop_of(const SchemaObject& o) {
  if (o.kind == ObjectKind::view) return "DROP VIEW " + q(o.name);
  return "DROP " + to_upper(to_string(o.kind)) + " " + q(o.name);
}

// A routine's or trigger's CREATE as a migration can hold it: read_schema keeps it in
// DELIMITER lines (its body may hold semicolons); ddl::add ends it with ";\n".
std::string create_of(const SchemaObject& o) { return o.text; }

bool is_new(const SchemaChanges& c, const SchemaObject& o) {
  return std::find(c.created.begin(), c.created.end(), &o) != c.created.end();
}

// "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci" -> the value of `key`.
std::string table_option(const std::string& tail, const std::string& key) {
  const std::size_t at = tail.find(key + "=");
  if (at == std::string::npos) return {};
  const std::size_t start = at + key.size() + 1;
  return tail.substr(start, tail.find(' ', start) - start);
}

std::string old_name_of(const SchemaChanges& c, const std::string& table) {
  for (const TableChange& t : c.tables) {
    if (t.name == table) return t.old_name;
  }
  return table;
}

// Foreign keys of the desired schema, unchanged, whose columns (either side) change type: they
// are dropped before the change and added again after it.
ddl::ForeignKeys keys_on_changed_columns(const SchemaChanges& c) {
  std::map<std::string, std::set<std::string>> changed;  // table (new name) -> columns (new names)
  for (const TableChange& t : c.tables) {
    for (const auto& [a, b] : t.changed_columns) changed[t.name].insert(to_lower(b->name));
  }
  ddl::ForeignKeys out;
  if (changed.empty()) return out;
  const auto uses_changed = [&](const std::string& table, std::string_view columns) {
    const auto it = changed.find(table);
    if (it == changed.end()) return false;
    return std::any_of(it->second.begin(), it->second.end(), [&](const std::string& col) { return mentions(columns, col); });
  };
  for (const TableChange& t : c.tables) {
    for (const TablePart& p : t.to_shape.parts) {
      if (!is_foreign_key(p)) continue;
      if (std::find(t.added_constraints.begin(), t.added_constraints.end(), &p) != t.added_constraints.end()) continue;
      const std::size_t refs = p.text.find(" REFERENCES ");
      const std::string local = p.text.substr(0, refs);
      const std::string target = p.text.substr(refs + 12);
      const std::string ref_table = target.substr(0, target.find(' '));
      std::string ref_name = ref_table;
      std::erase(ref_name, '`');
      if (uses_changed(t.name, local) || uses_changed(ref_name, target.substr(ref_table.size()))) out.emplace_back(t.name, &p);
    }
  }
  return out;
}

// One ALTER TABLE for everything a table's change needs (MySQL applies it at once, so a key can
// move off an AUTO_INCREMENT column in the same statement that changes the column), after a
// character set conversion; the backfills of new NOT NULL columns follow it.
void alter_table(Script& s, const TableChange& t) {
  const std::string table = q(t.name);
  const std::string charset = table_option(t.to_shape.tail, "CHARSET");
  const std::string collate = table_option(t.to_shape.tail, "COLLATE");
  if (t.tail_changed && !charset.empty() &&
      (charset != table_option(t.from_shape.tail, "CHARSET") || collate != table_option(t.from_shape.tail, "COLLATE"))) {
    ddl::add(s, "ALTER TABLE " + table + " CONVERT TO CHARACTER SET " + charset + (collate.empty() ? "" : " COLLATE " + collate),
             "the columns' text converted to the table's new character set");
  }
  std::vector<std::string> clauses;
  std::vector<std::string> destructive;
  std::vector<const TablePart*> backfills;
  if (t.tail_changed && !t.to_shape.tail.empty()) clauses.push_back(t.to_shape.tail);
  for (const TablePart* p : t.dropped_constraints) {
    if (!is_foreign_key(*p)) clauses.push_back(drop_part(*p));
  }
  for (const TablePart* p : t.added_columns) {
    const std::string text = ddl::part_text(*p, k_dialect);
    clauses.push_back("ADD COLUMN " + (needs_backfill(*p) ? without_not_null(text) : text) + position(t.to_shape, *p));
    if (needs_backfill(*p)) backfills.push_back(p);
  }
  for (const auto& [a, b] : t.changed_columns) {
    const std::string text = ddl::part_text(*b, k_dialect);
    if (!not_null(*a) && needs_backfill(*b)) {
      clauses.push_back("MODIFY COLUMN " + without_not_null(text));
      backfills.push_back(b);
      continue;
    }
    clauses.push_back("MODIFY COLUMN " + text);
    if (narrows(type_of(*a), type_of(*b))) {
      destructive.push_back("narrowing " + t.name + "." + b->name + " from " + type_of(*a) + " to " + type_of(*b));
    }
  }
  for (const TablePart* p : t.dropped_columns) {
    clauses.push_back("DROP COLUMN " + q(p->name));
    destructive.push_back("DROP COLUMN " + t.name + "." + p->name);
  }
  for (const TablePart* p : t.added_constraints) {
    if (!is_foreign_key(*p)) clauses.push_back("ADD " + p->text);
  }
  if (!clauses.empty()) {
    for (const std::string& d : destructive) {
      s.sql += "-- destructive: " + d + "\n";
      s.destructive.push_back(d);
    }
    ddl::add(s, "ALTER TABLE " + table + "\n  " + ddl::join(clauses, ",\n  "));
  }
  for (const TablePart* p : backfills) backfill(s, t.name, *p);
}

}  // namespace mysql_ddl

Script write_mysql_ddl(const SchemaChanges& c, const Schema& from, const Schema& to, const DdlOptions&) {
  using namespace mysql_ddl;
  Script s;
  std::vector<std::string> touched;
  for (const TableChange& t : c.tables) {
    if (!t.dropped_columns.empty() || !t.changed_columns.empty() || !t.renamed_columns.empty() || t.old_name != t.name) {
      touched.push_back(t.old_name);
    }
  }
  for (const SchemaObject* o : c.dropped) {
    if (o->kind == ObjectKind::table || o->kind == ObjectKind::view) touched.push_back(o->name);
  }
  for (const auto& [a, b] : c.changed) {
    if (a->kind == ObjectKind::view) touched.push_back(a->name);  // the views on it are dropped and made again too
  }
  std::map<ObjectKey, const SchemaObject*> dropped_first;
  for (const SchemaObject* o : ddl::dependents(from, touched)) {
    if (o->kind == ObjectKind::view) dropped_first[key_of(*o)] = o;
  }
  for (const auto& [a, b] : c.changed) dropped_first[key_of(*a)] = a;
  for (const SchemaObject* o : c.dropped) {
    if (o->kind != ObjectKind::table) dropped_first[key_of(*o)] = o;
  }
  std::vector<const SchemaObject*> views;
  for (const auto& [key, o] : dropped_first) {
    if (o->kind == ObjectKind::view) {
      views.push_back(o);
    } else {
      ddl::add(s, drop_of(*o));
    }
  }
  views = ddl::in_dependency_order(views);
  std::reverse(views.begin(), views.end());
  for (const SchemaObject* v : views) ddl::add(s, drop_of(*v));

  // Foreign keys that go or change, and those on a column whose type changes (MySQL refuses to
  // change a column a foreign key uses: dropped here, added again at the end).
  for (const TableChange& t : c.tables) {
    for (const TablePart* p : t.dropped_constraints) {
      if (is_foreign_key(*p)) ddl::add(s, "ALTER TABLE " + q(t.old_name) + " " + drop_part(*p));
    }
  }
  const ddl::ForeignKeys readd = keys_on_changed_columns(c);
  for (const auto& [table, key] : readd) {
    ddl::add(s, "ALTER TABLE " + q(old_name_of(c, table)) + " DROP FOREIGN KEY " + q(key->name));
  }

  for (const TableChange& t : c.tables) {
    if (t.old_name != t.name) ddl::add(s, "RENAME TABLE " + q(t.old_name) + " TO " + q(t.name));
    for (const auto& [a, b] : t.renamed_columns) {
      ddl::add(s, "ALTER TABLE " + q(t.name) + " RENAME COLUMN " + q(a) + " TO " + q(b));
    }
  }
  // Tables that go, before those that come (a new table may take an old one's key names).
  std::vector<const SchemaObject*> gone;
  for (const SchemaObject* o : c.dropped) {
    if (o->kind == ObjectKind::table) gone.push_back(o);
  }
  for (const SchemaObject* o : ddl::drop_order(gone)) ddl::add_destructive(s, "DROP TABLE " + q(o->name), "DROP TABLE " + o->name);
  std::vector<const SchemaObject*> new_tables;
  for (const SchemaObject* o : c.created) {
    if (o->kind == ObjectKind::table) new_tables.push_back(o);
  }
  std::vector<TableShape> created;
  ddl::ForeignKeys foreign_keys;
  ddl::create_tables(s, new_tables, k_dialect, created, foreign_keys);
  for (const TableChange& t : c.tables) alter_table(s, t);

  for (const TableChange& t : c.tables) {
    for (const TablePart* p : t.added_constraints) {
      if (is_foreign_key(*p)) ddl::add(s, "ALTER TABLE " + q(t.name) + " ADD " + p->text);
    }
  }
  for (const auto& [table, key] : readd) ddl::add(s, "ALTER TABLE " + q(table) + " ADD " + key->text);
  for (const auto& [table, p] : foreign_keys) ddl::add(s, "ALTER TABLE " + q(table) + " ADD " + ddl::part_text(*p, k_dialect));

  // Routines, views and triggers as the desired schema has them.
  const auto again = [&](const SchemaObject& o) { return is_new(c, o) || dropped_first.count(key_of(o)) != 0; };
  for (const SchemaObject& o : to.objects) {
    if ((o.kind == ObjectKind::procedure || o.kind == ObjectKind::function) && again(o)) ddl::add(s, create_of(o));
  }
  std::vector<const SchemaObject*> new_views;
  for (const SchemaObject& o : to.objects) {
    if (o.kind == ObjectKind::view && again(o)) new_views.push_back(&o);
  }
  for (const SchemaObject* v : ddl::in_dependency_order(new_views)) ddl::add(s, v->text);
  for (const SchemaObject& o : to.objects) {
    if ((o.kind == ObjectKind::trigger || o.kind == ObjectKind::event) && again(o)) ddl::add(s, create_of(o));
  }
  // A desired AUTO_INCREMENT start above the table's counter; never lowered (the server keeps a
  // counter above the rows it holds, and rows move it).
  for (const auto& [table, start] : raised_counter_starts(from, to)) {
    ddl::add(s, "ALTER TABLE " + q(table) + " AUTO_INCREMENT = " + std::to_string(start));
  }
  return s;
}

}  // namespace strata::migrate
