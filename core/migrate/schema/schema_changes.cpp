#include "migrate/schema/schema_changes.h"

#include <algorithm>
#include <set>

#include "common/error.h"
#include "common/text.h"
#include "common/setting.h"

namespace strata::migrate {
namespace {

bool word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$'; }

// The first word of `part` and where it ends, quotes removed: a column's or constraint's name.
std::pair<std::string, std::size_t> leading_name(std::string_view part) {
  if (part.empty()) return {"", 0};
  const char open = part.front();
  if (open == '"' || open == '`' || open == '[') {
    const char close = open == '[' ? ']' : open;
    std::string name;
    for (std::size_t i = 1; i < part.size(); ++i) {
      if (part[i] == close) {
        if (i + 1 < part.size() && part[i + 1] == close) {  // doubled quote
          name.push_back(close);
          ++i;
          continue;
        }
        return {name, i + 1};
      }
      name.push_back(part[i]);
    }
    return {name, part.size()};
  }
  std::size_t end = 0;
  while (end < part.size() && part[end] != ' ' && part[end] != '(') ++end;
  return {std::string(part.substr(0, end)), end};
}

// How a part of a CREATE TABLE reads: a column, or a table constraint (named or not).
TablePart classify(const std::string& text, const SqlDialect& dialect) {
  TablePart p;
  p.text = text;
  p.comparable = comparable_sql(text);
  const auto [first, end] = leading_name(text);
  const std::string upper = text.front() == '"' || text.front() == '`' || text.front() == '[' ? std::string{} : to_upper(first);
  if (upper == "CONSTRAINT") {
    p.name = leading_name(trim(std::string_view(text).substr(end))).first;
    p.key = "constraint " + p.name;
    return p;
  }
  // MySQL writes every name in backticks: after a key word, a key's name or columns follow; after
  // a column's name (`key` varchar(255), its backticks gone), a type.
  if (dialect.quotes_every_name && !upper.empty()) {
    const std::string_view rest = trim(std::string_view(text).substr(end));
    const std::string next = to_upper(rest.substr(0, rest.find(' ')));
    const bool keyish = !rest.empty() && (rest.front() == '`' || rest.front() == '(' || next == "KEY" || next == "INDEX");
    if (!keyish) {
      p.column = true;
      p.name = first;
      p.key = "column " + to_lower(first);
      return p;
    }
  }
  if (dialect.quotes_every_name && (upper == "KEY" || upper == "INDEX" || upper == "UNIQUE" || upper == "FULLTEXT" ||
                                    upper == "SPATIAL")) {
    // MySQL: `UNIQUE KEY `u` (...)`, `KEY `k` (...)`: indexes, named.
    std::string_view rest = trim(std::string_view(text).substr(end));
    if (upper != "KEY" && upper != "INDEX") {
      const auto [second, second_end] = leading_name(rest);
      if (to_upper(second) == "KEY" || to_upper(second) == "INDEX") rest = trim(rest.substr(second_end));
    }
    p.name = rest.empty() || rest.front() == '(' ? std::string{} : leading_name(rest).first;
    p.key = p.name.empty() ? text : "key " + p.name;
    return p;
  }
  if (upper == "PRIMARY" || upper == "UNIQUE" || upper == "CHECK" || upper == "FOREIGN" || upper == "EXCLUDE") {
    p.key = text;
    return p;
  }
  p.column = true;
  p.name = first;
  p.key = "column " + to_lower(first);
  return p;
}

// Whether two column definitions (without their names) are alike enough that one replacing the
// other looks like a rename: the same type (the first word), ignoring case.
bool alike_columns(const TablePart& a, const TablePart& b) {
  const std::string da = a.definition();
  const std::string db = b.definition();
  return to_lower(da.substr(0, da.find(' '))) == to_lower(db.substr(0, db.find(' ')));
}

// Columns of two tables as "name type" sets: their overlap decides whether a table that
// disappears and one that appears are the same table renamed.
double table_similarity(const TableShape& a, const TableShape& b) {
  std::set<std::string> x;
  std::set<std::string> y;
  for (const TablePart* p : a.columns()) x.insert(to_lower(p->text));
  for (const TablePart* p : b.columns()) y.insert(to_lower(p->text));
  if (x.empty() || y.empty()) return 0;
  std::size_t common = 0;
  for (const auto& s : x) common += y.count(s);
  return static_cast<double>(common) / static_cast<double>(x.size() + y.size() - common);
}

// Compares two tables known to be the same one (`from` perhaps under another name).
TableChange compare_table(const SchemaObject& from, const SchemaObject& to, const TableShape& a, const TableShape& b,
                          const Renames& renames, std::vector<RenameCandidate>& undecided) {
  TableChange t;
  t.name = to.name;
  t.old_name = from.name;
  t.from = &from;
  t.to = &to;
  t.from_shape = a;
  t.to_shape = b;
  t.tail_changed = comparable_sql(a.tail) != comparable_sql(b.tail);
  t.keywords_changed = a.keywords() != b.keywords();
  std::vector<const TablePart*> gone;
  std::vector<const TablePart*> come;
  for (const TablePart& p : t.from_shape.parts) {
    const TablePart* q = t.to_shape.find(p.key);
    if (q == nullptr) {
      (p.column ? gone : t.dropped_constraints).push_back(&p);
    } else if (q->comparable != p.comparable) {
      if (p.column) {
        t.changed_columns.emplace_back(&p, q);
      } else {
        t.dropped_constraints.push_back(&p);
        t.added_constraints.push_back(q);
      }
    }
  }
  for (const TablePart& q : t.to_shape.parts) {
    if (t.from_shape.find(q.key) == nullptr) (q.column ? come : t.added_constraints).push_back(&q);
  }
  // Renames: those chosen, then candidates (a column gone and a column of the same type come).
  for (auto it = come.begin(); it != come.end();) {
    const TablePart* q = *it;
    const TablePart* chosen = nullptr;
    for (const TablePart* p : gone) {
      const auto r = renames.columns.find(t.name + "." + p->name);
      if (r != renames.columns.end() && r->second == q->name) chosen = p;
    }
    if (chosen == nullptr) {
      ++it;
      continue;
    }
    t.renamed_columns.emplace_back(chosen->name, q->name);
    if (chosen->definition() != q->definition()) t.changed_columns.emplace_back(chosen, q);
    std::erase(gone, chosen);
    it = come.erase(it);
  }
  if (!renames.none) {
    // One new column per candidate: two candidates naming the same new column cannot both be
    // renames, and a hint that offered both could not be taken as printed.
    std::set<const TablePart*> offered;
    for (const TablePart* p : gone) {
      for (const TablePart* q : come) {
        RenameCandidate candidate{t.name, p->name, q->name};
        if (offered.count(q) == 0 && alike_columns(*p, *q) && renames.declined.count(candidate.argument()) == 0) {
          undecided.push_back(std::move(candidate));
          offered.insert(q);
          break;
        }
      }
    }
  }
  t.added_columns = std::move(come);
  t.dropped_columns = std::move(gone);
  return t;
}

}  // namespace

std::string TablePart::definition() const {
  if (!column) return text;
  const std::size_t end = leading_name(text).second;
  return std::string(trim(std::string_view(text).substr(end)));
}

const TablePart* TableShape::find(const std::string& key) const {
  for (const TablePart& p : parts) {
    if (p.key == key) return &p;
  }
  return nullptr;
}

std::vector<const TablePart*> TableShape::columns() const {
  std::vector<const TablePart*> out;
  for (const TablePart& p : parts) {
    if (p.column) out.push_back(&p);
  }
  return out;
}

std::optional<TableShape> table_shape(const std::string& sql, const SqlDialect& dialect) {
  const auto text = split_table(sql);
  if (!text) return std::nullopt;
  TableShape shape;
  shape.header = text->header;
  shape.tail = text->tail;
  for (const std::string& part : text->parts) {
    if (!part.empty()) shape.parts.push_back(classify(part, dialect));
  }
  return shape;
}

bool mentions(std::string_view text, std::string_view name) {
  if (name.empty()) return false;
  const std::string hay = to_lower(text);
  const std::string needle = to_lower(name);
  for (std::size_t at = hay.find(needle); at != std::string::npos; at = hay.find(needle, at + 1)) {
    const bool start_ok = at == 0 || !word_char(hay[at - 1]);
    const std::size_t end = at + needle.size();
    const bool end_ok = end >= hay.size() || !word_char(hay[end]);
    if (start_ok && end_ok) return true;
  }
  return false;
}

Renames Renames::inverted() const {
  Renames r;
  r.none = none;
  for (const auto& [from, to] : tables) r.tables[to] = from;
  for (const auto& [key, to] : columns) {
    // "table.old" (the table's new name) -> new becomes "old table name.new" -> old.
    const std::size_t dot = key.rfind('.');
    const std::string table = key.substr(0, dot);
    std::string old_table = table;
    for (const auto& [f, t] : tables) {
      if (t == table) old_table = f;
    }
    r.columns[old_table + "." + to] = key.substr(dot + 1);
  }
  return r;
}

std::string RenameCandidate::argument() const { return table.empty() ? from + "=" + to : table + "." + from + "=" + to; }

std::string RenameCandidate::describe() const {
  return table.empty() ? "table " + from + " -> " + to : "column " + table + "." + from + " -> " + table + "." + to;
}

bool TableChange::changed() const {
  return !renamed_columns.empty() || !added_columns.empty() || !dropped_columns.empty() || !changed_columns.empty() ||
         !added_constraints.empty() || !dropped_constraints.empty() || tail_changed || keywords_changed;
}

std::string TableShape::keywords() const {
  const std::string upper = to_upper(header);
  const std::size_t at = upper.find("TABLE ");
  return at == std::string::npos ? "CREATE TABLE" : upper.substr(0, at + 5);
}

SchemaChanges compare_schemas(const Schema& from, const Schema& to, const SqlDialect& dialect, const Renames& renames) {
  std::map<ObjectKey, const SchemaObject*> have;
  std::map<ObjectKey, const SchemaObject*> want;
  for (const SchemaObject& o : from.objects) have[key_of(o)] = &o;
  for (const SchemaObject& o : to.objects) want[key_of(o)] = &o;
  SchemaChanges c;
  std::vector<const SchemaObject*> gone_tables;
  std::vector<const SchemaObject*> new_tables;
  const auto shape_of = [&](const SchemaObject& o) {
    auto s = table_shape(o.text, dialect);
    if (!s) throw Error(ExitCode::invalid_input, "cannot read the definition of table " + o.name);
    s->name = o.name;
    return *s;
  };
  const auto pair_tables = [&](const SchemaObject& a, const SchemaObject& b) {
    TableChange t = compare_table(a, b, shape_of(a), shape_of(b), renames, c.undecided);
    if (t.changed() || a.name != b.name) c.tables.push_back(std::move(t));
  };
  for (const auto& [key, o] : want) {
    const auto it = have.find(key);
    if (it == have.end()) {
      (o->kind == ObjectKind::table ? new_tables : c.created).push_back(o);
    } else if (o->kind == ObjectKind::table) {
      if (comparable_sql(it->second->sql) != comparable_sql(o->sql)) pair_tables(*it->second, *o);
    } else if (comparable_sql(it->second->sql) != comparable_sql(o->sql)) {
      c.changed.emplace_back(it->second, o);
    }
  }
  for (const auto& [key, o] : have) {
    if (want.count(key) == 0) (o->kind == ObjectKind::table ? gone_tables : c.dropped).push_back(o);
  }
  // Tables renamed by choice, then the candidates.
  for (const auto& rename : renames.tables) {
    // References, not structured bindings: clang 14 (the fuzz build) cannot capture bindings.
    const std::string& old_name = rename.first;
    const std::string& new_name = rename.second;
    const auto g = std::find_if(gone_tables.begin(), gone_tables.end(), [&](const SchemaObject* o) { return o->name == old_name; });
    const auto n = std::find_if(new_tables.begin(), new_tables.end(), [&](const SchemaObject* o) { return o->name == new_name; });
    if (g == gone_tables.end() || n == new_tables.end()) {
      usage(mention(Setting::rename) + " " + old_name + "=" + new_name + ": no table " + old_name + " disappears while a table " + new_name + " appears",
            "name a table of the current schema and one of the desired schema");
    }
    pair_tables(**g, **n);
    gone_tables.erase(g);
    new_tables.erase(n);
  }
  if (!renames.none && !gone_tables.empty()) {
    std::vector<TableShape> new_shapes;  // read once, compared with every table that goes
    for (const SchemaObject* n : new_tables) new_shapes.push_back(shape_of(*n));
    // Every pair alike enough, most alike first; each table in one candidate at most, so the
    // candidates can all be renames at once (the hint's --rename flags taken as printed).
    struct Pair {
      double similarity;
      std::size_t gone, come;
    };
    std::vector<Pair> pairs;
    for (std::size_t g = 0; g < gone_tables.size(); ++g) {
      const TableShape a = shape_of(*gone_tables[g]);
      for (std::size_t i = 0; i < new_tables.size(); ++i) {
        const RenameCandidate candidate{"", gone_tables[g]->name, new_tables[i]->name};
        const double similarity = table_similarity(a, new_shapes[i]);
        if (renames.declined.count(candidate.argument()) == 0 && similarity >= 0.5) pairs.push_back({similarity, g, i});
      }
    }
    std::stable_sort(pairs.begin(), pairs.end(), [](const Pair& x, const Pair& y) { return x.similarity > y.similarity; });
    std::set<std::size_t> gone_used, come_used;
    std::vector<Pair> chosen;
    for (const Pair& pair : pairs) {
      if (gone_used.count(pair.gone) != 0 || come_used.count(pair.come) != 0) continue;
      gone_used.insert(pair.gone);
      come_used.insert(pair.come);
      chosen.push_back(pair);
    }
    std::sort(chosen.begin(), chosen.end(), [](const Pair& x, const Pair& y) { return x.gone < y.gone; });
    for (const Pair& pair : chosen) c.undecided.push_back(RenameCandidate{"", gone_tables[pair.gone]->name, new_tables[pair.come]->name});
  }
  for (const auto& rename : renames.columns) {
    const std::string& key = rename.first;
    const std::string& new_name = rename.second;
    const std::string table = key.substr(0, key.rfind('.'));
    const std::string old_name = key.substr(key.rfind('.') + 1);
    const bool used = std::any_of(c.tables.begin(), c.tables.end(), [&](const TableChange& t) {
      return t.name == table && std::any_of(t.renamed_columns.begin(), t.renamed_columns.end(),
                                            [&](const auto& r) { return r.first == old_name && r.second == new_name; });
    });
    if (!used) {
      usage(mention(Setting::rename) + " " + key + "=" + new_name + ": no column " + old_name + " disappears from table " + table +
                " while a column " + new_name + " appears",
            "for a column, write TABLE.OLD=NEW with the table's name in the desired schema");
    }
  }
  c.created.insert(c.created.end(), new_tables.begin(), new_tables.end());
  c.dropped.insert(c.dropped.end(), gone_tables.begin(), gone_tables.end());
  return c;
}

}  // namespace strata::migrate
