// SQLite: ALTER TABLE where SQLite's ALTER can make the change (rename, add a column it allows,
// drop a column nothing else uses); otherwise the table is rebuilt as SQLite's documentation
// describes (https://sqlite.org/lang_altertable.html#otheralter): create the new table under
// another name, copy the rows, drop the old one, rename the new one, create its indexes and
// triggers again; with foreign keys off for the section (the migration's foreign_keys:off).
#include <algorithm>
#include <map>
#include <set>

#include "common/text.h"
#include "migrate/engines/sqlite/sqlite_engine.h"
#include "migrate/schema/ddl_writer.h"

namespace strata::migrate {

// SQLite's SQL for comparing schemas and writing DDL: a column takes any value, so the proof's
// backfill is 0 or ''.
const SqlDialect k_sqlite_dialect = {'"', false, "0", "''", "''", true, false};
// Named, not anonymous: each dialect's helpers keep their short names in a unity build.
namespace sqlite_ddl {

const SqlDialect& k_dialect = k_sqlite_dialect;

std::string q(const std::string& name) { return ddl::quote_name(name, k_dialect); }

std::string upper_of(const TablePart& p) { return to_upper(p.text); }

bool is_virtual(const SchemaObject& o) { return to_upper(o.text).starts_with("CREATE VIRTUAL TABLE"); }

bool has_default(const TablePart& p) { return mentions(upper_of(p), "DEFAULT"); }

bool is_not_null(const TablePart& p) { return upper_of(p).find("NOT NULL") != std::string::npos; }

bool is_generated(const TablePart& p) {
  const std::string u = upper_of(p);
  return u.find("GENERATED ALWAYS") != std::string::npos || u.find(" AS (") != std::string::npos;
}

// A new NOT NULL column with no default: existing rows need a value the user chooses.
bool needs_backfill(const TablePart& p) { return is_not_null(p) && !has_default(p) && !is_generated(p); }

// What `ALTER TABLE ADD COLUMN` accepts (https://sqlite.org/lang_altertable.html#altertabaddcol).
bool addable(const TablePart& p) {
  const std::string u = upper_of(p);
  if (mentions(u, "PRIMARY") || mentions(u, "UNIQUE")) return false;
  if (is_not_null(p) && !has_default(p)) return false;
  if (u.find("DEFAULT (") != std::string::npos || u.find("DEFAULT CURRENT_") != std::string::npos) return false;
  if (is_generated(p) && mentions(u, "STORED")) return false;
  if (mentions(u, "REFERENCES") && has_default(p) && u.find("DEFAULT NULL") == std::string::npos) return false;
  return true;
}

// What `ALTER TABLE DROP COLUMN` accepts: a column no key, constraint or other column uses
// (indexes on it are dropped before, views and triggers on the table are dropped and created
// again around the change).
bool droppable(const TableChange& t, const TablePart& p) {
  const std::string u = upper_of(p);
  if (mentions(u, "PRIMARY") || mentions(u, "UNIQUE") || mentions(u, "REFERENCES")) return false;
  for (const TablePart& other : t.from_shape.parts) {
    if (&other != &p && mentions(other.text, p.name)) return false;
  }
  return true;
}

bool can_alter(const TableChange& t) {
  if (t.tail_changed || !t.changed_columns.empty() || !t.added_constraints.empty() || !t.dropped_constraints.empty()) {
    return false;
  }
  if (is_virtual(*t.from) || is_virtual(*t.to)) return false;
  for (const TablePart* p : t.added_columns) {
    if (!addable(*p)) return false;
  }
  for (const TablePart* p : t.dropped_columns) {
    if (!droppable(t, *p)) return false;
  }
  // DROP COLUMN rewrites the rest of the table's text (a generated column's "x" becomes 'x'),
  // and the schema is its text: such a table is rebuilt from the desired text instead.
  if (!t.dropped_columns.empty()) {
    for (const TablePart& p : t.from_shape.parts) {
      if (p.column && is_generated(p)) return false;
    }
  }
  return true;
}

// `to`'s CREATE TABLE text under another name.
std::string create_as(const SchemaObject& to, const std::string& name) {
  return "CREATE TABLE " + q(name) + " " + to.text.substr(to.text.find('('));
}

void rebuild(Script& s, const TableChange& t) {
  const std::string temp = "_strata_new_" + t.name;
  if (is_virtual(*t.to) || is_virtual(*t.from)) {
    ddl::add_destructive(s, "DROP TABLE " + q(t.old_name), "DROP TABLE " + t.old_name + " (a virtual table is created anew)");
    ddl::add(s, t.to->text);
    return;
  }
  ddl::add(s, create_as(*t.to, temp), "rebuild " + t.name + ": SQLite's ALTER TABLE cannot make this change");
  std::vector<std::string> into;
  std::vector<std::string> values;
  std::vector<std::string> proof_values;  // `values` with a value of each backfilled column's type
  bool backfill = false;
  for (const TablePart* p : t.to_shape.columns()) {
    if (is_generated(*p)) continue;
    std::string source;
    for (const auto& [old_name, new_name] : t.renamed_columns) {
      if (new_name == p->name) source = old_name;
    }
    if (source.empty() && t.from_shape.find(p->key) != nullptr) source = p->name;
    if (!source.empty()) {
      into.push_back(q(p->name));
      values.push_back(q(source));
      proof_values.push_back(q(source));
    } else if (needs_backfill(*p)) {
      into.push_back(q(p->name));
      values.push_back("NULL");
      const std::string definition = p->definition();
      proof_values.push_back(ddl::proof_value(definition.substr(0, definition.find(' ')), k_dialect));
      backfill = true;
    }
  }
  // A generated column holds nothing its table's other columns do not (a VIRTUAL one stores
  // nothing at all): leaving it out destroys no data.
  std::vector<const TablePart*> lost;
  for (const TablePart* p : t.dropped_columns) {
    if (!is_generated(*p)) lost.push_back(p);
  }
  for (const TablePart* p : lost) s.destructive.push_back("DROP COLUMN " + t.name + "." + p->name);
  const std::string head = "INSERT INTO " + q(temp) + " (" + ddl::join(into, ", ") + ")\n  SELECT ";
  const std::string copy = head + ddl::join(values, ", ") + " FROM " + q(t.old_name);
  if (backfill) {
    std::string names;
    for (const TablePart* p : t.added_columns) {
      if (needs_backfill(*p)) names += (names.empty() ? "" : ", ") + p->name;
    }
    ddl::add_backfill(s, copy, head + ddl::join(proof_values, ", ") + " FROM " + q(t.old_name), ddl::backfill_comment(t.name, names));
  } else if (into.empty()) {
    s.sql += "-- no column of " + t.old_name + " is kept: its rows are not copied\n";
  } else {
    ddl::add(s, copy);
  }
  if (!lost.empty()) {
    std::string names;
    for (const TablePart* p : lost) names += (names.empty() ? "" : ", ") + p->name;
    s.sql += "-- destructive: the rebuild leaves out " + t.old_name + "." + names + "\n";
  }
  ddl::add(s, "DROP TABLE " + q(t.old_name));
  ddl::add(s, "ALTER TABLE " + q(temp) + " RENAME TO " + q(t.name));
  s.foreign_keys_off = true;
}

void alter(Script& s, const TableChange& t) {
  for (const auto& [old_name, new_name] : t.renamed_columns) {
    ddl::add(s, "ALTER TABLE " + q(t.name) + " RENAME COLUMN " + q(old_name) + " TO " + q(new_name));
  }
  for (const TablePart* p : t.added_columns) ddl::add(s, "ALTER TABLE " + q(t.name) + " ADD COLUMN " + ddl::part_text(*p, k_dialect));
  for (const TablePart* p : t.dropped_columns) {
    ddl::add_destructive(s, "ALTER TABLE " + q(t.name) + " DROP COLUMN " + q(p->name), "DROP COLUMN " + t.name + "." + p->name);
  }
}

}  // namespace sqlite_ddl

Script write_sqlite_ddl(const SchemaChanges& c, const Schema& from, const Schema& to, const DdlOptions&) {
  using namespace sqlite_ddl;
  Script s;
  // Tables whose change makes SQLite read every view and trigger again (a rename, a rebuild) or
  // rewrite their text (a renamed column): what mentions them is dropped first and created again
  // from the desired schema last, so that it reads as the desired schema writes it.
  std::vector<std::string> touched;
  std::set<std::string> rebuilt;
  std::set<std::string> reindexed;  // tables (new names) whose indexes are dropped and created again
  for (const TableChange& t : c.tables) {
    const bool rebuild_it = !can_alter(t);
    if (rebuild_it) rebuilt.insert(t.name);
    if (rebuild_it || t.old_name != t.name || !t.renamed_columns.empty() || !t.dropped_columns.empty()) {
      touched.push_back(t.old_name);
    }
    if (rebuild_it || t.old_name != t.name || !t.renamed_columns.empty()) reindexed.insert(t.name);
  }
  for (const SchemaObject* o : c.dropped) {
    if (o->kind == ObjectKind::table || o->kind == ObjectKind::view) touched.push_back(o->name);
  }
  for (const auto& [a, b] : c.changed) {
    if (a->kind == ObjectKind::view) touched.push_back(a->name);
  }

  // Drop: triggers and views (dependents first), indexes.
  std::map<ObjectKey, const SchemaObject*> dropped_first;  // of `from`
  for (const SchemaObject* o : ddl::dependents(from, touched)) dropped_first[key_of(*o)] = o;
  for (const auto& [a, b] : c.changed) dropped_first[key_of(*a)] = a;
  for (const SchemaObject* o : c.dropped) {
    if (o->kind != ObjectKind::table) dropped_first[key_of(*o)] = o;
  }
  std::vector<const SchemaObject*> views;
  for (const auto& [key, o] : dropped_first) {
    if (o->kind == ObjectKind::trigger) ddl::add(s, "DROP TRIGGER " + q(o->name));
    if (o->kind == ObjectKind::view) views.push_back(o);
  }
  views = ddl::in_dependency_order(views);
  std::reverse(views.begin(), views.end());
  for (const SchemaObject* v : views) ddl::add(s, "DROP VIEW " + q(v->name));
  for (const auto& [key, o] : dropped_first) {
    if (o->kind == ObjectKind::index) ddl::add(s, "DROP INDEX " + q(o->name));
  }
  for (const TableChange& t : c.tables) {
    if (!reindexed.count(t.name) || rebuilt.count(t.name)) continue;
    for (const SchemaObject& o : from.objects) {
      if (o.kind == ObjectKind::index && o.table == t.old_name && !dropped_first.count(key_of(o))) {
        ddl::add(s, "DROP INDEX " + q(o.name));
        dropped_first[key_of(o)] = &o;
      }
    }
  }

  // Tables: renamed, created, changed, dropped.
  for (const TableChange& t : c.tables) {
    if (t.old_name != t.name && !rebuilt.count(t.name)) ddl::add(s, "ALTER TABLE " + q(t.old_name) + " RENAME TO " + q(t.name));
  }
  std::vector<const SchemaObject*> gone;
  for (const SchemaObject* o : c.dropped) {
    if (o->kind == ObjectKind::table) gone.push_back(o);
  }
  for (const SchemaObject* o : ddl::drop_order(gone)) ddl::add_destructive(s, "DROP TABLE " + q(o->name), "DROP TABLE " + o->name);
  for (const SchemaObject* o : c.created) {
    if (o->kind == ObjectKind::table) ddl::add(s, o->text);
  }
  for (const TableChange& t : c.tables) {
    if (rebuilt.count(t.name)) {
      rebuild(s, t);
    } else {
      alter(s, t);
    }
  }

  // Create: indexes, views, triggers, as the desired schema has them.
  std::set<ObjectKey> made;
  const auto create = [&](const SchemaObject& o) {
    if (made.insert(key_of(o)).second) ddl::add(s, o.text);
  };
  const auto on_rebuilt = [&](const SchemaObject& o) { return reindexed.count(o.table) != 0; };
  for (const SchemaObject& o : to.objects) {
    const bool again = dropped_first.count(key_of(o)) != 0;
    const bool is_new = std::find(c.created.begin(), c.created.end(), &o) != c.created.end();
    if (o.kind == ObjectKind::index && (again || is_new || on_rebuilt(o))) create(o);
  }
  std::vector<const SchemaObject*> new_views;
  for (const SchemaObject& o : to.objects) {
    if (o.kind != ObjectKind::view) continue;
    const bool again = dropped_first.count(key_of(o)) != 0;
    const bool is_new = std::find(c.created.begin(), c.created.end(), &o) != c.created.end();
    if (again || is_new) new_views.push_back(&o);
  }
  for (const SchemaObject* v : ddl::in_dependency_order(new_views)) create(*v);
  for (const SchemaObject& o : to.objects) {
    if (o.kind != ObjectKind::trigger) continue;
    const bool again = dropped_first.count(key_of(o)) != 0;
    const bool is_new = std::find(c.created.begin(), c.created.end(), &o) != c.created.end();
    if (again || is_new || rebuilt.count(o.table) != 0) create(o);
  }
  // Anything else new (virtual tables' companions are tables, so only other kinds land here).
  for (const SchemaObject* o : c.created) {
    if (o->kind != ObjectKind::table && o->kind != ObjectKind::index && o->kind != ObjectKind::view && o->kind != ObjectKind::trigger) create(*o);
  }
  return s;
}

}  // namespace strata::migrate
