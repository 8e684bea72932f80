#include "migrate/schema/schema.h"

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <map>
#include <set>

#include "common/error.h"
#include "common/text.h"

namespace strata::migrate {
namespace {

int sqlite_rank(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::table: return 0;
    case ObjectKind::index: return 1;
    case ObjectKind::view: return 2;
    default: return 3;
  }
}

std::string column_text(sqlite3_stmt* stmt, int col) {
  const auto* text = sqlite3_column_text(stmt, col);
  return text == nullptr ? std::string{} : reinterpret_cast<const char*>(text);
}

// Tables that exist only to back a virtual table (FTS5's _data, _idx, ...).
std::set<std::string> shadow_tables(sqlite3* db) {
  std::set<std::string> shadows;
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_list WHERE schema = 'main' AND type = 'shadow'",
                         -1, &stmt, nullptr) != SQLITE_OK) {
    return shadows;
  }
  while (sqlite3_step(stmt) == SQLITE_ROW) shadows.insert(column_text(stmt, 0));
  sqlite3_finalize(stmt);
  return shadows;
}

// `sql` with each comment (-- to the end of the line, /* */) turned into one space, outside quotes
// ('strings', "names", `names`). SQLite keeps a CREATE TABLE's comments in the text it
// stores; they are not columns. MySQL's conditional comments (/*! */, /*M! */) are kept: the
// server runs what they hold (SHOW CREATE TABLE writes an invisible column's /*!80023 INVISIBLE */).
std::string without_comments(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  char quote = 0;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      out.push_back(c);
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      i = std::min(sql.find('\n', i), sql.size()) - 1;  // the line break stays
      out.push_back(' ');
      continue;
    }
    if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*' && !sql.substr(i + 2).starts_with("!") &&
        !sql.substr(i + 2).starts_with("M!")) {
      const std::size_t end = sql.find("*/", i + 2);
      i = end == std::string_view::npos ? sql.size() : end + 1;
      out.push_back(' ');
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') quote = c;
    out.push_back(c);
  }
  return out;
}

}  // namespace

const char* to_string(ObjectKind kind) {
  switch (kind) {
    case ObjectKind::comment: return "comment";
    case ObjectKind::event: return "event";
    case ObjectKind::extension: return "extension";
    case ObjectKind::function: return "function";
    case ObjectKind::index: return "index";
    case ObjectKind::procedure: return "procedure";
    case ObjectKind::schema: return "schema";
    case ObjectKind::sequence: return "sequence";
    case ObjectKind::table: return "table";
    case ObjectKind::trigger: return "trigger";
    case ObjectKind::type: return "type";
    case ObjectKind::view: return "view";
  }
  return "object";  // not reached: every kind is listed
}

std::optional<ObjectKind> parse_object_kind(std::string_view name) {
  for (const ObjectKind kind : k_object_kinds) {
    if (name == to_string(kind)) return kind;
  }
  return std::nullopt;
}

std::string object_label(const ObjectKey& key) { return std::string(to_string(key.first)) + " " + key.second; }
std::string object_label(const SchemaObject& o) { return object_label(key_of(o)); }

std::string fold_whitespace(std::string_view sql, std::string_view quotes) {
  std::string out;
  bool space = false;
  char quote = 0;
  for (const char c : sql) {
    if (quote != 0) {
      out.push_back(c);
      if (c == quote) quote = 0;
      continue;
    }
    if (quotes.find(c) != std::string_view::npos) quote = c;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

Schema read_schema(sqlite3* db, const std::string& exclude_table) {
  const std::set<std::string> shadows = shadow_tables(db);
  Schema schema;
  sqlite3_stmt* stmt = nullptr;
  const char* query =
      "SELECT type, name, tbl_name, sql FROM sqlite_schema "
      "WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'";
  if (sqlite3_prepare_v2(db, query, -1, &stmt, nullptr) != SQLITE_OK) {
    throw Error(ExitCode::unavailable, std::string("cannot read schema: ") + sqlite3_errmsg(db));
  }
  int rc = SQLITE_ROW;
  while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
    // sqlite_schema's types are table, index, view and trigger, each an ObjectKind of that name.
    const std::string type = column_text(stmt, 0);
    const std::optional<ObjectKind> kind = parse_object_kind(type);
    if (!kind) {
      sqlite3_finalize(stmt);
      throw Error(ExitCode::unavailable, "cannot read schema: unknown object type '" + type + "' in sqlite_schema");
    }
    SchemaObject o{*kind, column_text(stmt, 1), column_text(stmt, 2), {}, column_text(stmt, 3), {}, {}};
    if (o.table == exclude_table || shadows.count(o.name) != 0) continue;
    // A table's comments are not compared (folded onto one line, a -- comment would swallow what
    // follows it).
    o.sql = fold_whitespace(o.kind == ObjectKind::table ? without_comments(o.text) : o.text, "'\"`");
    schema.objects.push_back(std::move(o));
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) {
    throw Error(ExitCode::unavailable, std::string("cannot read schema: ") + sqlite3_errmsg(db));
  }
  std::sort(schema.objects.begin(), schema.objects.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(sqlite_rank(a.kind), a.name) < std::make_tuple(sqlite_rank(b.kind), b.name);
  });
  return schema;
}

namespace {

// `"email" TEXT` as `email TEXT`, so that a name quoted on one side only is no difference. A
// name that needs its quotes keeps them: one holding a blank, or a quote of any kind (`"a""b"`,
// `"it's"`: unquoted, the doubled quote would be read as the name's end, and a lone ' or ` as
// the start of a string for whatever reads the part next); leading_name reads them.
std::string unquote_leading_name(std::string part) {
  if (part.empty()) return part;
  const char open = part.front();
  const char close = open == '[' ? ']' : open;
  if (open != '"' && open != '`' && open != '[') return part;
  const std::size_t end = part.find(close, 1);
  if (end == std::string::npos) return part;
  const std::string name = part.substr(1, end - 1);
  if (name.find_first_of(" '\"`[]") != std::string::npos) return part;
  if (end + 1 < part.size() && part[end + 1] == close) return part;  // a doubled quote: the name goes on
  return name + part.substr(end + 1);
}

// What a part is about: "column email", "constraint users_pkey", or the part itself.
std::string part_key(const std::string& part) {
  std::string first = part.substr(0, part.find(' '));
  std::string upper;
  for (char c : first) upper.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
  if (upper == "CONSTRAINT") {
    const std::size_t a = part.find(' ');
    const std::size_t b = part.find(' ', a + 1);
    return "constraint " + part.substr(a + 1, b == std::string::npos ? std::string::npos : b - a - 1);
  }
  // MySQL writes a table's indexes inside it: KEY `name` (...), UNIQUE KEY, FULLTEXT KEY, SPATIAL
  // KEY; named so, not as a column called KEY.
  const std::vector<std::string> words = split(part, ' ');
  const auto upper_word = [&](std::size_t i) { return i < words.size() ? to_upper(words[i]) : std::string{}; };
  std::size_t key_word = std::string::npos;
  if (upper == "KEY" || upper == "INDEX") {
    key_word = 0;
  } else if ((upper == "UNIQUE" || upper == "FULLTEXT" || upper == "SPATIAL") &&
             (upper_word(1) == "KEY" || upper_word(1) == "INDEX")) {
    key_word = 1;
  }
  if (key_word != std::string::npos && key_word + 1 < words.size() && words[key_word + 1].front() != '(') {
    std::string name = words[key_word + 1];
    if (name.size() >= 2 && (name.front() == '`' || name.front() == '"')) name = name.substr(1, name.size() - 2);
    return "index " + name;
  }
  if (upper == "PRIMARY" || upper == "UNIQUE" || upper == "CHECK" || upper == "FOREIGN" ||
      upper == "EXCLUDE") {
    return part;
  }
  if (first.size() >= 2 && (first.front() == '"' || first.front() == '`' || first.front() == '[')) {
    first = first.substr(1, first.size() - 2);
  }
  return "column " + first;
}

// Why two definitions of the same table differ, briefly; empty when they do not (beyond order).
std::string table_difference(const TableText& want, const TableText& have, const std::string& expected_side,
                             const std::string& actual_side) {
  std::map<std::string, std::string> w;
  std::map<std::string, std::string> h;
  for (const auto& p : want.parts) w[part_key(p)] = p;
  for (const auto& p : have.parts) h[part_key(p)] = p;
  std::vector<std::string> lines;
  if (want.header != have.header || want.tail != have.tail) {
    lines.push_back("`" + want.header + " (...)" + (want.tail.empty() ? "" : " " + want.tail) + "` in " +
                    expected_side + ", `" + have.header + " (...)" + (have.tail.empty() ? "" : " " + have.tail) +
                    "` in " + actual_side);
  }
  for (const auto& [key, part] : w) {
    const auto it = h.find(key);
    if (it == h.end()) {
      lines.push_back(key + " `" + part + "` only in " + expected_side);
    } else if (it->second != part) {
      lines.push_back(key + ": `" + part + "` in " + expected_side + ", `" + it->second + "` in " + actual_side);
    }
  }
  for (const auto& [key, part] : h) {
    if (w.count(key) == 0) lines.push_back(key + " `" + part + "` only in " + actual_side);
  }
  std::string out;
  for (const auto& l : lines) out += (out.empty() ? "" : "; ") + l;
  return out;
}

}  // namespace

std::optional<TableText> split_table(const std::string& text) {
  const std::string sql = without_comments(text);
  const std::size_t open = sql.find('(');
  if (open == std::string::npos) return std::nullopt;
  TableText t;
  // SQLite keeps a renamed table's name quoted (ALTER TABLE x RENAME TO "t"): the quotes around
  // the name are not a difference.
  for (const char c : fold_whitespace(std::string_view(sql).substr(0, open), "'\"`")) {
    if (c != '"' && c != '`' && c != '[' && c != ']') t.header.push_back(c);
  }
  int depth = 0;
  char quote = 0;
  std::string part;
  for (std::size_t i = open + 1; i < sql.size(); ++i) {
    const char c = sql[i];
    if (quote != 0) {
      part.push_back(c);
      if (c == quote) quote = 0;
      continue;
    }
    if (c == '\'' || c == '"' || c == '`') quote = c;
    if (c == '(') ++depth;
    if (c == ')' && depth-- == 0) {
      t.parts.push_back(unquote_leading_name(fold_whitespace(part, "'\"`")));
      t.tail = fold_whitespace(sql.substr(i + 1), "'\"`");
      return t;
    }
    if (c == ',' && depth == 0) {
      t.parts.push_back(unquote_leading_name(fold_whitespace(part, "'\"`")));
      part.clear();
      continue;
    }
    part.push_back(c);
  }
  return std::nullopt;  // unbalanced: compare the whole text
}

std::string comparable_sql(std::string_view sql) {
  std::string out;
  out.reserve(sql.size());
  for (std::size_t i = 0; i < sql.size(); ++i) {
    const char c = sql[i];
    if (c == '\'') {  // a string literal is copied as it is
      const std::size_t end = sql.find('\'', i + 1);
      const std::size_t stop = end == std::string_view::npos ? sql.size() : end + 1;
      out.append(sql.substr(i, stop - i));
      i = stop - 1;
      continue;
    }
    if (c == '"' || c == '`' || c == '[') {
      const char close = c == '[' ? ']' : c;
      const std::size_t end = sql.find(close, i + 1);
      if (end != std::string_view::npos) {
        const std::string_view inner = sql.substr(i + 1, end - i - 1);
        const bool plain = !inner.empty() && !std::isdigit(static_cast<unsigned char>(inner[0])) &&
                           std::all_of(inner.begin(), inner.end(), [](char x) {
                             return (x >= 'a' && x <= 'z') || (x >= '0' && x <= '9') || x == '_';
                           });
        if (plain) {
          out.append(inner);
          i = end;
          continue;
        }
      }
    }
    out.push_back(c);
  }
  return out;
}

std::vector<SchemaDiff> diff_schemas(const Schema& expected, const Schema& actual) {
  std::map<ObjectKey, const SchemaObject*> want;
  std::map<ObjectKey, const SchemaObject*> have;
  for (const auto& o : expected.objects) want[key_of(o)] = &o;
  for (const auto& o : actual.objects) have[key_of(o)] = &o;
  std::vector<SchemaDiff> out;
  for (const auto& [key, o] : want) {
    const auto it = have.find(key);
    if (it == have.end()) {
      out.push_back(SchemaDiff{SchemaDiff::Kind::only_expected, object_label(key), {}, o->sql + "\n", key.first});
      continue;
    }
    if (comparable_sql(it->second->sql) == comparable_sql(o->sql)) continue;
    SchemaDiff d{SchemaDiff::Kind::differs, object_label(key), {}, {}, key.first};
    d.detail = o->sql + "\n" + it->second->sql;
    if (o->kind == ObjectKind::table) {
      const auto a = split_table(o->sql);
      const auto b = split_table(it->second->sql);
      // Only blanks next to the parentheses (where a comment was), or quotes around a leading
      // name, differ: the same table.
      if (a && b && a->parts == b->parts && a->header == b->header && a->tail == b->tail) continue;
      if (a && b) {
        auto sa = a->parts;
        auto sb = b->parts;
        std::sort(sa.begin(), sa.end());
        std::sort(sb.begin(), sb.end());
        if (sa == sb && a->header == b->header && a->tail == b->tail) d.kind = SchemaDiff::Kind::column_order;
      }
    }
    out.push_back(std::move(d));
  }
  for (const auto& [key, o] : have) {
    if (want.count(key) == 0) out.push_back(SchemaDiff{SchemaDiff::Kind::only_actual, object_label(key), {}, "\n" + o->sql, key.first});
  }
  return out;
}

std::string describe(const SchemaDiff& d, const std::string& expected_side, const std::string& actual_side) {
  switch (d.kind) {
    case SchemaDiff::Kind::only_expected:
      return d.object + " is in " + expected_side + " but not in " + actual_side;
    case SchemaDiff::Kind::only_actual:
      return d.object + " is in " + actual_side + " but not in " + expected_side;
    case SchemaDiff::Kind::column_order:
      return d.object + ": same columns and constraints in another order";
    case SchemaDiff::Kind::differs:
      break;
  }
  const std::size_t nl = d.detail.find('\n');
  const std::string a = d.detail.substr(0, nl);
  const std::string b = nl == std::string::npos ? std::string{} : d.detail.substr(nl + 1);
  if (d.object_kind == ObjectKind::table) {
    const auto ta = split_table(a);
    const auto tb = split_table(b);
    if (ta && tb) {
      const std::string why = table_difference(*ta, *tb, expected_side, actual_side);
      if (!why.empty()) return d.object + ": " + why;
    }
  }
  // Short definitions (an index, a sequence) say how they differ by being shown; long ones (a
  // view, a function) are shown in full with -v.
  if (!a.empty() && !b.empty() && a.size() + b.size() <= 400) {
    return d.object + ": `" + a + "` in " + expected_side + ", `" + b + "` in " + actual_side;
  }
  return d.object + " is defined differently in " + expected_side + " and " + actual_side + " (check -v shows both)";
}

void drop_foreign_history(Schema& schema, const ForeignHistoryTables& tables) {
  // goose's table (id, version_id, is_applied, tstamp), Flyway's and Alembic's, and what belongs
  // to them (goose's sequence, Flyway's index).
  std::erase_if(schema.objects, [&](const SchemaObject& o) {
    for (const char* t : {"goose_db_version", "alembic_version", "_prisma_migrations", "__drizzle_migrations"}) {
      if (o.table == t || o.name == t) return true;
    }
    if (o.table == tables.flyway || o.name == tables.flyway) return true;
    // Sqitch's registry on PostgreSQL: the schema sqitch and all in it.
    if ((o.kind == ObjectKind::schema && o.name == "sqitch") || o.name.starts_with("sqitch.") || o.table.starts_with("sqitch.")) {
      return true;
    }
    return o.name == "goose_db_version_id_seq" || o.name == "__drizzle_migrations_id_seq" ||
           o.name.starts_with("drizzle.__drizzle_migrations") || o.table == "drizzle.__drizzle_migrations";
  });
  // drizzle-orm's own schema on PostgreSQL (CREATE SCHEMA IF NOT EXISTS "drizzle"), when its
  // history is all it holds: a project's own objects in a schema of that name stay.
  const bool drizzle_holds_more = std::any_of(schema.objects.begin(), schema.objects.end(), [](const SchemaObject& o) {
    return o.name.starts_with("drizzle.") || o.table.starts_with("drizzle.");
  });
  if (!drizzle_holds_more) {
    std::erase_if(schema.objects, [](const SchemaObject& o) { return o.kind == ObjectKind::schema && o.name == "drizzle"; });
  }
  bool found = false;
  for (const SchemaObject& o : schema.objects) {
    if (o.kind != ObjectKind::table || o.name != tables.migrate) continue;
    const auto t = split_table(o.sql);
    if (!t) return;
    std::set<std::string> columns;
    for (const auto& p : t->parts) {
      const std::string key = part_key(p);
      if (key.rfind("column ", 0) == 0) {
        columns.insert(to_lower(key.substr(7)));
      }
    }
    found = columns == std::set<std::string>{"version"} || columns == std::set<std::string>{"version", "dirty"};
  }
  if (!found) return;
  std::erase_if(schema.objects, [&](const SchemaObject& o) {
    return o.table == tables.migrate || (o.kind == ObjectKind::table && o.name == tables.migrate);
  });
}

std::string dump_schema(const Schema& schema) {
  std::string out;
  int passes = 0;
  for (const SchemaObject& o : schema.objects) {
    out += o.dump_text.empty() ? o.text : o.dump_text;
    out += ";\n";
    for (const auto& [pass, sql] : o.dump_after) passes = std::max(passes, pass + 1);
  }
  for (int pass = 0; pass < passes; ++pass) {
    for (const SchemaObject& o : schema.objects) {
      for (const auto& [p, sql] : o.dump_after) {
        if (p == pass) out += sql + ";\n";
      }
    }
  }
  return out;
}

std::map<std::string, unsigned long long> raised_counter_starts(const Schema& from, const Schema& to) {
  const auto number = [](const std::string& text) {
    unsigned long long n = 0;
    for (const char c : text) {
      if (c < '0' || c > '9' || n > 1'000'000'000'000'000ULL) return 0ULL;
      n = n * 10 + static_cast<unsigned long long>(c - '0');
    }
    return n;
  };
  std::map<std::string, unsigned long long> out;
  for (const auto& [table, start] : to.counter_starts) {
    const auto have = from.counter_starts.find(table);
    const unsigned long long want = number(start);
    if (want > (have == from.counter_starts.end() ? 1ULL : number(have->second))) out[table] = want;
  }
  return out;
}

}  // namespace strata::migrate
