#include "migrate/engines/postgres/pg_parse_tree.h"

#include <pg_query.h>

#include <limits>
#include <optional>

#include "common/json_limits.h"
#include "common/large_stack.h"
#include "migrate/engines/postgres/postgres_splitter.h"
#include "migrate/model/placeholders.h"

namespace strata::migrate {
namespace {

using nlohmann::json;
using EachStatement = std::function<void(const ParsedStatement&)>;

// Statements parsed together: one call of the parser per batch rather than per statement, and
// the trees of one batch in memory at a time.
constexpr std::size_t k_batch_bytes = std::size_t{64} << 10;
// libpg_query needs about 130 bytes of stack per level of the tree it writes; a statement of
// k_max_parsed_statement bytes of `1+1+...` is 131,072 levels (17 MiB), and what its grammar
// nests by itself (parentheses, NOT, subqueries: at most 10,000 levels of its parser's stack)
// takes 2 MiB more. Reserved, not used, unless a statement goes that deep.
constexpr std::size_t k_parser_stack = std::size_t{64} << 20;

// libpg_query keeps a memory context per thread and frees it itself when the thread ends (a
// pthread key's destructor; calling pg_query_exit as well frees it twice). Every parse runs on a
// thread that ends with its section, so nothing is left behind.
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

struct TreeRead {
  enum class Outcome { ok, unparsed, beyond_limits } outcome = Outcome::ok;
  std::string why;  // unless ok
};

// The statements of `text`, `base` bytes into the section, handed to `each` once the whole text
// parsed within the limits; nothing is handed on otherwise.
TreeRead read_tree(std::string_view text, std::size_t base, const EachStatement& each) {
  json tree;
  {
    const ParseResult parsed{std::string(text)};
    if (parsed.result.error != nullptr) return {TreeRead::Outcome::unparsed, parsed.result.error->message};
    const std::string_view written = parsed.result.parse_tree;
    // Measured before nlohmann reads it: a tree deeper than this is not built at all.
    const JsonLimits limits{.max_depth = k_max_tree_depth, .max_bytes = std::numeric_limits<std::size_t>::max()};
    if (std::optional<std::string> deep = json_beyond_limits(written, limits)) {
      return {TreeRead::Outcome::beyond_limits, "its parse tree is " + *deep};
    }
    tree = json::parse(written, nullptr, false);
  }  // libpg_query's JSON text freed before the trees are used
  if (tree.is_discarded()) return {TreeRead::Outcome::unparsed, "not read"};
  const auto stmts = tree.find("stmts");
  if (stmts == tree.end() || !stmts->is_array()) return {};
  for (json& s : *stmts) {
    ParsedStatement st;
    const std::size_t location = s.value("stmt_location", std::size_t{0});
    st.length = s.value("stmt_len", text.size() - location);
    // stmt_location counts from the end of the previous statement: comments and blanks before
    // this one's first word are skipped here, so its line is that of its first word.
    std::size_t start = location;
    const SplitResult words = split_postgres(text.substr(location, st.length));
    if (!words.statements.empty()) start += words.statements.front().offset;
    st.length -= start - location;
    st.offset = base + start;
    if (const auto node = s.find("stmt"); node != s.end()) st.tree = std::move(*node);  // moved, never copied
    each(st);
  }
  return {};
}

void note(UnreadStatements& u, std::size_t offset, std::string why) {
  if (u.count++ == 0) {
    u.first = offset;
    u.why = std::move(why);
  }
}

void note(ParseOutcome& out, std::size_t offset, TreeRead r) {
  note(r.outcome == TreeRead::Outcome::beyond_limits ? out.beyond_limits : out.unparsed, offset, std::move(r.why));
}

ParseOutcome parse_statements(std::string_view sql, const EachStatement& each) {
  ParseOutcome out;
  const std::string text = without_placeholders(sql);
  const std::string_view all = text;
  const std::vector<SqlStatement> statements = split_postgres(text).statements;
  const auto end_of = [&](std::size_t k) { return statements[k].offset + statements[k].length; };
  for (std::size_t i = 0; i < statements.size();) {
    const std::size_t start = statements[i].offset;
    std::size_t j = i + 1;  // the batch is [i, j)
    while (j < statements.size() && end_of(j) - start <= k_batch_bytes) ++j;
    if (end_of(j - 1) - start > k_max_parsed_statement) {  // one statement, longer than a batch
      note(out.beyond_limits, start,
           "it is longer than " + std::to_string(k_max_parsed_statement >> 10) + " KiB");
      i = j;
      continue;
    }
    TreeRead r = read_tree(all.substr(start, end_of(j - 1) - start), start, each);
    if (r.outcome != TreeRead::Outcome::ok && j - i == 1) note(out, start, std::move(r));
    if (r.outcome != TreeRead::Outcome::ok && j - i > 1) {
      for (std::size_t k = i; k < j; ++k) {
        TreeRead alone = read_tree(all.substr(statements[k].offset, statements[k].length), statements[k].offset, each);
        if (alone.outcome != TreeRead::Outcome::ok) note(out, statements[k].offset, std::move(alone));
      }
    }
    i = j;
  }
  return out;
}

}  // namespace

ParseOutcome parse_postgres(std::string_view sql, const EachStatement& each) {
  ParseOutcome out;
  run_with_stack(k_parser_stack, [&] { out = parse_statements(sql, each); });
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
