#include "migrate/schema.h"

#include <sqlite3.h>

#include <algorithm>
#include <map>
#include <set>

#include "common/error.h"

namespace strata::migrate {
namespace {

int type_rank(const std::string& type) {
  if (type == "table") return 0;
  if (type == "index") return 1;
  if (type == "view") return 2;
  return 3;
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

}  // namespace

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
    SchemaObject o{column_text(stmt, 0), column_text(stmt, 1), column_text(stmt, 2), {}, column_text(stmt, 3)};
    if (o.table == exclude_table || shadows.count(o.name) != 0) continue;
    o.sql = fold_whitespace(o.text, "'\"`");
    schema.objects.push_back(std::move(o));
  }
  sqlite3_finalize(stmt);
  if (rc != SQLITE_DONE) {
    throw Error(ExitCode::unavailable, std::string("cannot read schema: ") + sqlite3_errmsg(db));
  }
  std::sort(schema.objects.begin(), schema.objects.end(), [](const auto& a, const auto& b) {
    return std::make_tuple(type_rank(a.type), a.name) < std::make_tuple(type_rank(b.type), b.name);
  });
  return schema;
}

std::vector<std::string> diff_schemas(const Schema& expected, const Schema& actual) {
  std::map<std::string, const SchemaObject*> want;
  std::map<std::string, const SchemaObject*> have;
  for (const auto& o : expected.objects) want[o.type + " " + o.name] = &o;
  for (const auto& o : actual.objects) have[o.type + " " + o.name] = &o;
  std::vector<std::string> out;
  for (const auto& [key, o] : want) {
    const auto it = have.find(key);
    if (it == have.end()) {
      out.push_back(key + " is missing");
    } else if (it->second->sql != o->sql) {
      out.push_back(key + " differs: expected `" + o->sql + "`, found `" + it->second->sql + "`");
    }
  }
  for (const auto& [key, o] : have) {
    if (want.count(key) == 0) out.push_back(key + " is not created by the migrations");
  }
  return out;
}

std::string dump_schema(const Schema& schema) {
  std::string out;
  for (const SchemaObject& o : schema.objects) {
    out += o.text;
    out += ";\n";
  }
  return out;
}

}  // namespace strata::migrate
