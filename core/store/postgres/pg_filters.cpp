#include "store/postgres/pg_filters.h"

#include <cstdint>
#include <cstdio>

#include "common/utf8.h"

namespace strata::store::pg {
namespace {

bool filter_is_document_field(const std::string& key) {
  return key == "source" || key == "title" || key == "loader" || key == "path";
}

// PostgreSQL text holds neither NUL nor invalid UTF-8, and libpq would cut a parameter at a NUL:
// such a value can equal no stored text (SQLite compares the bytes, and finds none either).
bool filter_fits_in_text(std::string_view s) {
  return s.find('\0') == std::string_view::npos && !find_invalid_utf8(s).has_value();
}

// A code point as an ARE character-entry escape: literal wherever it stands, inside a bracket
// expression too.
void filter_append_escaped(std::string& out, char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "\\U%08X", static_cast<unsigned>(cp));
  out += buf;
}

// `text` compared with the bound value $N as the filter says; `regex` is the glob's translation
// (glob only), bound instead of the value.
std::string filter_compare(const std::string& text, const std::string& v, FilterMatch match) {
  switch (match) {
    case FilterMatch::equals: return text + " = " + v;
    // SQLite's substr(text, 1, length(v)) = v: a prefix in characters, which on valid UTF-8 is
    // a prefix in bytes.
    case FilterMatch::prefix: return "starts_with(" + text + ", " + v + ")";
    case FilterMatch::glob: return text + " ~ " + v;
  }
  return text + " = " + v;
}

// The text SQLite's json_each gives a JSON number whose literal is `literal` (a json value's
// text): CAST(atom AS TEXT). An integer literal within 64 bits is itself (without a minus on
// zero); any other number is a double, which SQLite prints as printf's %!.15g: 15 significant
// digits, trailing zeros dropped but one kept after the point, exponent form below 1e-4 and from
// 1e15 on with at least two exponent digits ("1000.0", "1.0e+20", "1.234e-05"), Inf beyond the
// doubles, 0.0 below them. to_char's EEEE gives printf's %e of the double, rounded as SQLite rounds.
std::string filter_sqlite_number_text(const std::string& literal) {
  return "(CASE WHEN " + literal + " ~ '^-?[0-9]+$' AND " + literal +
         "::numeric BETWEEN -9223372036854775808 AND 9223372036854775807 THEN " + literal +
         "::numeric::text ELSE (SELECT CASE "
         "WHEN x.n = 0 OR abs(x.n) < 2.5e-324 THEN '0.0' "
         "WHEN abs(x.n) >= 1.7976931348623159e308 THEN CASE WHEN x.n < 0 THEN '-Inf' ELSE 'Inf' END "
         "ELSE (SELECT y.sign || CASE "
         "WHEN y.e < -4 OR y.e >= 15 THEN substr(y.d, 1, 1) || '.' || coalesce(nullif(rtrim(substr(y.d, 2), '0'), ''), '0') "
         "|| 'e' || CASE WHEN y.e < 0 THEN '-' ELSE '+' END || CASE WHEN abs(y.e) < 10 THEN '0' ELSE '' END || abs(y.e)::text "
         "WHEN y.e >= 0 THEN substr(y.d, 1, y.e + 1) || '.' || coalesce(nullif(rtrim(substr(y.d, y.e + 2), '0'), ''), '0') "
         "ELSE '0.' || repeat('0', -y.e - 1) || rtrim(y.d, '0') END "
         "FROM (SELECT CASE WHEN z.s LIKE '-%' THEN '-' ELSE '' END AS sign, "
         "translate(split_part(ltrim(z.s, ' -+'), 'e', 1), '.', '') AS d, split_part(z.s, 'e', 2)::int AS e "
         "FROM (SELECT to_char(x.n::float8, '9.99999999999999EEEE') AS s) z) y) "
         "END FROM (SELECT " + literal + "::numeric AS n) x) END)";
}

// A json value `x` (json, not jsonb: a number keeps the literal it was written with, as SQLite
// sees it) matching $v as SQLite's value_matches does: a string equal to it, a number whose text
// is it, or true/false/null named by it; for a prefix or glob, the text of a string or number.
std::string filter_value_matches(const std::string& x, const std::string& v, FilterMatch match) {
  const std::string type = "json_typeof(" + x + ")";
  const std::string string_text = "(" + x + " #>> '{}')";
  const std::string number_text = filter_sqlite_number_text(x + "::text");
  if (match != FilterMatch::equals) {
    return "(CASE " + type + " WHEN 'string' THEN " + filter_compare(string_text, v, match) + " WHEN 'number' THEN " +
           filter_compare(number_text, v, match) + " ELSE false END)";
  }
  return "(CASE " + type + " WHEN 'string' THEN " + string_text + " = " + v + " WHEN 'number' THEN " + number_text +
         " = " + v + " WHEN 'boolean' THEN " + x + "::text = " + v + " WHEN 'null' THEN " + v + " = 'null' ELSE false END)";
}

}  // namespace

std::optional<std::string> glob_regex(std::string_view pattern) {
  // SQLite reads the pattern as a C string: a NUL ends it.
  pattern = pattern.substr(0, pattern.find('\0'));
  std::string out = "^";
  std::size_t i = 0;
  // PostgreSQL text is valid UTF-8; a pattern that is not is taken to match nothing (SQLite reads
  // its bad bytes as some characters, which no one types on purpose).
  if (find_invalid_utf8(pattern)) return std::nullopt;
  // The next code point of the pattern, 0 at its end.
  const auto next = [&]() -> char32_t {
    if (i >= pattern.size()) return 0;
    const Utf8Step s = utf8_decode(pattern.substr(i));
    i += s.length;
    return s.code_point;
  };
  for (char32_t c = next(); c != 0; c = next()) {
    if (c == '*') {
      out += ".*";
    } else if (c == '?') {
      out += ".";
    } else if (c == '[') {
      // SQLite's patternCompare, step for step: ^ inverts; a ] right after [ or [^ is a member;
      // x-y is a range when x was a member and y is neither ] nor the end; a range whose y is
      // below x holds nothing more. No closing ]: no string matches.
      std::string set;
      char32_t c2 = next();
      const bool invert = c2 == '^';
      if (invert) c2 = next();
      char32_t prior = 0;
      if (c2 == ']') {
        filter_append_escaped(set, ']');  // and prior stays 0, as SQLite's prior_c
        c2 = next();
      }
      while (c2 != 0 && c2 != ']') {
        const bool range = c2 == '-' && prior > 0 && i < pattern.size() && pattern[i] != ']';
        if (range) {
          const char32_t hi = next();
          if (hi >= prior) {
            filter_append_escaped(set, prior);
            set += '-';
            filter_append_escaped(set, hi);
          }
          prior = 0;
        } else {
          filter_append_escaped(set, c2);
          prior = c2;
        }
        c2 = next();
      }
      if (c2 == 0) return std::nullopt;
      out += invert ? "[^" : "[";
      out += set;
      out += ']';
    } else {
      filter_append_escaped(out, c);
    }
  }
  out += '$';
  return out;
}

std::string filter_conditions(const std::vector<DocumentFilter>& filters, std::vector<pq::Param>& params) {
  std::string sql;
  const auto bind = [&](const std::string& value) {
    params.emplace_back(value);
    return "$" + std::to_string(params.size());
  };
  for (const DocumentFilter& f : filters) {
    std::string value = f.value;
    if (f.match == FilterMatch::glob) {
      const std::optional<std::string> regex = glob_regex(f.value);
      if (!regex) {
        sql += " AND false";
        continue;
      }
      value = *regex;
    } else if (!filter_fits_in_text(value)) {
      sql += " AND false";
      continue;
    }
    if (filter_is_document_field(f.key)) {
      sql += " AND " + filter_compare("d." + f.key, bind(value), f.match);
      continue;
    }
    if (!filter_fits_in_text(f.key)) {
      sql += " AND false";
      continue;
    }
    const std::string v = bind(value);
    const std::string k = bind(f.key);
    // A top-level key whose value is $v as a string, as a number or boolean's JSON text, or an
    // array with such an element (tags); as SQLite's json_each, every member named $k counts.
    // The store's metadata is always a JSON object (written by strata, json::dump); the CASE
    // keeps json_each from ever seeing anything else.
    sql += " AND CASE WHEN json_typeof(d.metadata::json) = 'object' THEN EXISTS (SELECT 1 FROM json_each(d.metadata::json) m "
           "WHERE m.key = " + k + " AND (" + filter_value_matches("m.value", v, f.match) +
           " OR (json_typeof(m.value) = 'array' AND EXISTS (SELECT 1 FROM json_array_elements(m.value) a WHERE " +
           filter_value_matches("a.value", v, f.match) + ")))) ELSE false END";
  }
  return sql;
}

}  // namespace strata::store::pg
