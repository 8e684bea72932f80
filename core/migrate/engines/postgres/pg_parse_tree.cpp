#include "migrate/engines/postgres/pg_parse_tree.h"

#include <pg_query.h>

#include "migrate/engines/postgres/postgres_splitter.h"
#include "migrate/model/placeholders.h"

namespace strata::migrate {
namespace {

using nlohmann::json;

// libpg_query keeps a memory context per thread; it is freed when the thread ends, so a server
// thread that lints leaves nothing behind.
struct ParserThreadMemory {
  ~ParserThreadMemory() { pg_query_exit(); }
};

struct ParseResult {
  PgQueryParseResult result;
  explicit ParseResult(const std::string& text) : result(pg_query_parse(text.c_str())) {}
  ~ParseResult() { pg_query_free_parse_result(result); }
  ParseResult(const ParseResult&) = delete;
  ParseResult& operator=(const ParseResult&) = delete;
};

// Each `${NAME}` (placeholders.h) made `p_NAME_`: the same length, so offsets stay, and an
// identifier the parser reads where a name stands.
std::string without_placeholders(std::string_view sql) {
  std::string text(sql);
  for (const Placeholder& p : find_placeholders(sql)) {
    text[p.offset] = 'p';
    text[p.offset + 1] = '_';
    text[p.offset + 2 + p.name.size()] = '_';
  }
  return text;
}

// The statements of one successful parse, `base` bytes into the section.
bool read_tree(const std::string& text, std::size_t base, ParsedSection& out) {
  thread_local ParserThreadMemory memory;
  const ParseResult parsed(text);
  if (parsed.result.error != nullptr) return false;
  const json tree = json::parse(parsed.result.parse_tree, nullptr, false);
  if (tree.is_discarded()) return false;
  for (const json& s : tree.value("stmts", json::array())) {
    ParsedStatement st;
    const std::size_t location = s.value("stmt_location", std::size_t{0});
    st.length = s.value("stmt_len", text.size() - location);
    // stmt_location counts from the end of the previous statement: comments and blanks before
    // this one's first word are skipped here, so its line is that of its first word.
    std::size_t start = location;
    const SplitResult words = split_postgres(std::string_view(text).substr(location, st.length));
    if (!words.statements.empty()) start += words.statements.front().offset;
    st.length -= start - location;
    st.offset = base + start;
    st.tree = s.value("stmt", json());
    out.statements.push_back(std::move(st));
  }
  return true;
}

}  // namespace

ParsedSection parse_postgres(std::string_view sql) {
  const std::string text = without_placeholders(sql);
  ParsedSection out;
  if (read_tree(text, 0, out)) return out;
  out.statements.clear();
  for (const SqlStatement& st : split_postgres(text).statements) {
    if (read_tree(text.substr(st.offset, st.length), st.offset, out)) continue;
    const ParseResult failed(text.substr(st.offset, st.length));
    if (!out.first_error) {
      out.first_error = st.offset;
      out.error = failed.result.error != nullptr ? failed.result.error->message : "not read";
    }
    ++out.unparsed;
    out.statements.push_back(ParsedStatement{st.offset, st.length, json(), false});
  }
  return out;
}

std::string_view node_type(const json& node) {
  if (!node.is_object() || node.size() != 1) return {};
  return node.begin().key();
}

const json& node_fields(const json& node) {
  static const json empty = json::object();
  if (!node.is_object() || node.size() != 1) return empty;
  return node.begin().value();
}

const json& member(const json& fields, const char* key) {
  static const json empty = json::object();
  if (!fields.is_object()) return empty;
  const auto it = fields.find(key);
  return it != fields.end() ? *it : empty;
}

}  // namespace strata::migrate
