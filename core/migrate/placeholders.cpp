#include "migrate/placeholders.h"

#include "common/error.h"
#include "common/text.h"

namespace strata::migrate {
namespace {

bool name_start(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }

std::string line_of(const Section& s, std::size_t offset) {
  return std::to_string(s.first_line + position_of(s.sql, offset).line - 1);
}

}  // namespace

std::vector<Placeholder> find_placeholders(std::string_view sql) {
  std::vector<Placeholder> out;
  for (std::size_t at = sql.find("${"); at != std::string_view::npos; at = sql.find("${", at + 2)) {
    std::size_t end = at + 2;
    if (end >= sql.size() || !name_start(sql[end])) continue;
    while (end < sql.size() && name_char(sql[end])) ++end;
    if (end >= sql.size() || sql[end] != '}') continue;
    out.push_back(Placeholder{at, std::string(sql.substr(at + 2, end - at - 2))});
  }
  return out;
}

Section expand_placeholders(const Section& section, const Placeholders& p, std::vector<std::string>* values) {
  if (!section.present || !p.apply_to(section)) return section;
  const std::vector<Placeholder> found = find_placeholders(section.sql);
  if (found.empty()) return section;
  if (!p.server_chosen_by.empty()) {
    throw Error(ExitCode::usage,
                section.file + ":" + line_of(section, found.front().offset) + ": ${" + found.front().name +
                    "} is not expanded for a database server that " + p.server_chosen_by + " chose",
                "values from your environment go only to a server you named: give --database yourself, or trust "
                "the server with STRATA_TRUSTED_ENDPOINTS");
  }
  Section out = section;
  out.sql.clear();
  std::size_t from = 0;
  for (const Placeholder& ph : found) {
    const std::optional<std::string> value = p.getenv ? p.getenv(ph.name) : std::nullopt;
    if (!value) {
      throw Error(ExitCode::invalid_input,
                  section.file + ":" + line_of(section, ph.offset) + ": ${" + ph.name + "} is not set",
                  "set " + ph.name + " in the environment, or remove envsub from the section");
    }
    out.sql.append(section.sql, from, ph.offset - from);
    out.sql += *value;
    if (values != nullptr) values->push_back(*value);
    from = ph.offset + ph.name.size() + 3;
  }
  out.sql.append(section.sql, from, std::string::npos);
  return out;
}

std::string hide_values(std::string text, const std::vector<std::string>& values) {
  for (const std::string& v : values) {
    if (v.size() < 4) continue;
    for (std::size_t at = text.find(v); at != std::string::npos; at = text.find(v, at + 3)) text.replace(at, v.size(), "***");
  }
  return text;
}

}  // namespace strata::migrate
