#include "migrate/model/placeholders.h"

#include <algorithm>
#include <cstdint>
#include <unordered_set>

#include "common/error.h"
#include "common/setting.h"
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
                "values from your environment go only to a server you named: give " + mention(Setting::database) +
                    " yourself, or trust the server with STRATA_TRUSTED_ENDPOINTS");
  }
  if (!p.everywhere && !p.section_markers) {
    throw Error(ExitCode::usage,
                section.file + ":" + line_of(section, found.front().offset) + ": ${" + found.front().name +
                    "}: the section asks (envsub:on) to expand your environment, and this project is not trusted",
                "pass " + mention(Setting::envsub) + " to expand it, or trust the project: strata trust");
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

namespace {

char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

std::uint32_t gram(std::string_view text, std::size_t at) {
  std::uint32_t g = 0;
  for (std::size_t i = at; i < at + 4; ++i) g = (g << 8) | static_cast<unsigned char>(fold(text[i]));
  return g;
}

bool continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

}  // namespace

std::string hide_values(std::string_view text, const std::vector<std::string>& values) {
  std::unordered_set<std::uint32_t> grams;
  for (const std::string& v : values) {
    for (std::size_t i = 0; v.size() >= 4 && i + 4 <= v.size(); ++i) grams.insert(gram(v, i));
  }
  if (grams.empty() || text.size() < 4) return std::string(text);
  std::vector<bool> hidden(text.size(), false);
  for (std::size_t i = 0; i + 4 <= text.size(); ++i) {
    if (grams.count(gram(text, i)) != 0) std::fill(hidden.begin() + static_cast<std::ptrdiff_t>(i), hidden.begin() + static_cast<std::ptrdiff_t>(i + 4), true);
  }
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (!hidden[i]) {
      out += text[i++];
      continue;
    }
    // The run, widened to whole characters: back to the lead byte, on past continuation bytes.
    while (!out.empty() && continuation(text[i]) && continuation(out.back())) out.pop_back();
    if (!out.empty() && continuation(text[i]) && (static_cast<unsigned char>(out.back()) & 0x80) != 0) out.pop_back();
    while (i < text.size() && (hidden[i] || continuation(text[i]))) ++i;
    out += "***";
  }
  return out;
}

Error hide_values(const Error& e, const std::string& file, const std::vector<std::string>& values) {
  const std::string_view message = e.what();
  std::size_t kept = 0;
  if (!file.empty() && message.starts_with(file + ":")) {
    // "file:line:col: " or "file:line: ": the digits and colons after the name, then a space.
    std::size_t i = file.size();
    while (i < message.size() && (message[i] == ':' || (message[i] >= '0' && message[i] <= '9'))) ++i;
    if (i < message.size() && message[i] == ' ') kept = i + 1;
  }
  return Error(e.code(), std::string(message.substr(0, kept)) + hide_values(message.substr(kept), values),
               hide_values(e.hint(), values));
}

}  // namespace strata::migrate
