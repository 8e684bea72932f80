// Flyway's history table from a project's own configuration files (flyway_config.h).
#include "migrate/model/flyway_config.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string_view>

#include "common/error.h"
#include "common/project_root.h"
#include "common/setting.h"
#include "common/text.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;

constexpr std::uintmax_t k_max_config_bytes = std::uintmax_t{1} << 20;

enum class Format { properties, yaml, toml };

struct Found {
  std::string value;
  std::size_t line = 0;
};

// A value as written: quotes taken off, a YAML or TOML comment after it dropped.
std::string unquoted(std::string_view v, Format f) {
  v = trim(v);
  if (!v.empty() && (v.front() == '"' || v.front() == '\'')) {
    const std::size_t close = v.find(v.front(), 1);
    return std::string(v.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  if (f != Format::properties) {
    if (const std::size_t hash = v.find(" #"); hash != std::string_view::npos) v = trim(v.substr(0, hash));
  }
  return std::string(v);
}

// Spring's ${NAME:default} gives its default; a bare placeholder gives nothing usable.
std::optional<std::string> resolved(std::string value) {
  if (!value.starts_with("${")) return value.empty() ? std::nullopt : std::optional<std::string>(value);
  const std::size_t colon = value.find(':');
  const std::size_t close = value.rfind('}');
  if (colon == std::string::npos || close == std::string::npos || close != value.size() - 1 || colon > close) {
    return std::nullopt;
  }
  std::string fallback = value.substr(colon + 1, close - colon - 1);
  return fallback.empty() ? std::nullopt : std::optional<std::string>(fallback);
}

bool is_table_key(std::string_view key) { return key == "flyway.table" || key == "spring.flyway.table"; }

// key=value, key: value or key value (java.util.Properties), # and ! comments.
std::optional<Found> from_properties(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    const std::string_view l = trim(line);
    if (l.empty() || l.front() == '#' || l.front() == '!') continue;
    const std::size_t sep = l.find_first_of("=: \t");
    if (sep == std::string_view::npos || !is_table_key(trim(l.substr(0, sep)))) continue;
    std::string_view rest = trim(l.substr(sep));
    if (!rest.empty() && (rest.front() == '=' || rest.front() == ':')) rest = rest.substr(1);
    if (auto v = resolved(unquoted(rest, Format::properties))) return Found{*v, n};
  }
  return std::nullopt;
}

// Nested keys by indentation (spring:\n  flyway:\n    table: x), dotted keys too; `---`
// separates documents.
std::optional<Found> from_yaml(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::vector<std::pair<std::size_t, std::string>> path;  // (indent, key)
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    const std::string_view l = trim(line);
    if (l.empty() || l.front() == '#') continue;
    if (l == "---") {
      path.clear();
      continue;
    }
    const std::size_t indent = line.find_first_not_of(' ');
    const std::size_t colon = l.find(':');
    if (colon == std::string_view::npos || l.front() == '-') continue;
    while (!path.empty() && path.back().first >= indent) path.pop_back();
    std::string key;
    for (const auto& [i, k] : path) key += k + ".";
    key += unquoted(l.substr(0, colon), Format::yaml);
    const std::string_view value = trim(l.substr(colon + 1));
    if (value.empty() || value.front() == '#') {
      path.emplace_back(indent, unquoted(l.substr(0, colon), Format::yaml));
      continue;
    }
    if (is_table_key(key)) {
      if (auto v = resolved(unquoted(value, Format::yaml))) return Found{*v, n};
    }
  }
  return std::nullopt;
}

// `table = "x"` under [flyway], or `flyway.table = "x"` at the top.
std::optional<Found> from_toml(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  std::string section;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    const std::string_view l = trim(line);
    if (l.empty() || l.front() == '#') continue;
    if (l.front() == '[') {
      section = std::string(trim(l.substr(1, l.find(']') == std::string_view::npos ? std::string_view::npos : l.find(']') - 1)));
      continue;
    }
    const std::size_t eq = l.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string key = (section.empty() ? "" : section + ".") + std::string(trim(l.substr(0, eq)));
    if (is_table_key(key)) {
      if (auto v = resolved(unquoted(l.substr(eq + 1), Format::toml))) return Found{*v, n};
    }
  }
  return std::nullopt;
}

std::optional<Format> format_of(const fs::path& file) {
  const std::string name = to_lower(file.filename().string());
  const std::string ext = to_lower(file.extension().string());
  if (name == "flyway.conf" || name == "flyway.properties") return Format::properties;
  if (name == "flyway.toml") return Format::toml;
  const bool named = name.starts_with("application") || name.find("flyway") != std::string::npos;
  if (!named) return std::nullopt;
  if (ext == ".properties") return Format::properties;
  if (ext == ".yml" || ext == ".yaml") return Format::yaml;
  return std::nullopt;
}

struct Candidate {
  fs::path file;
  Format format;
  bool operator<(const Candidate& o) const { return file < o.file; }
};

// The files of `dir` that may name the table, by name; conf/'s flyway.conf and flyway.toml after.
std::vector<Candidate> candidates(const fs::path& dir) {
  std::vector<Candidate> out;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    if (const auto f = format_of(e.path()); f && e.is_regular_file(ec)) out.push_back({e.path(), *f});
  }
  std::sort(out.begin(), out.end());
  for (const char* name : {"conf/flyway.conf", "conf/flyway.toml"}) {
    if (fs::is_regular_file(dir / name, ec)) out.push_back({dir / name, *format_of(dir / name)});
  }
  return out;
}

std::optional<Found> read_setting(const fs::path& file, Format f) {
  std::error_code ec;
  const std::uintmax_t size = fs::file_size(file, ec);
  if (ec || size > k_max_config_bytes) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  switch (f) {
    case Format::properties: return from_properties(text.str());
    case Format::yaml: return from_yaml(text.str());
    case Format::toml: return from_toml(text.str());
  }
  return std::nullopt;
}

bool is_table_name(std::string_view name) {
  if (name.empty() || name.size() > 63 || std::isdigit(static_cast<unsigned char>(name.front()))) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$';
  });
}

std::string shown(const fs::path& file, const fs::path& root) {
  if (!root.empty() && lexically_inside(file, root)) return file.lexically_relative(root).string();
  return file.string();
}

}  // namespace

std::optional<NamedTable> flyway_table_of_project(const std::vector<std::string>& dirs, const fs::path& project_root) {
  const fs::path root = project_root.empty() ? fs::path{} : absolute_normal(project_root);
  for (const std::string& d : dirs) {
    fs::path dir = absolute_normal(d);
    while (true) {
      for (const auto& [file, format] : candidates(dir)) {
        if (!root.empty() && !really_inside(file, root)) continue;
        const std::optional<Found> found = read_setting(file, format);
        if (!found) continue;
        const std::string where = shown(file, root) + ":" + std::to_string(found->line);
        if (!is_table_name(found->value)) {
          throw Error(ExitCode::invalid_input,
                      where + ": Flyway's table '" + escape_control_characters(found->value) +
                          "' is not a table name strata reads (letters, digits, _ and $, at most 63)",
                      "name the table yourself: " + mention(Setting::history_table) + " NAME");
        }
        return NamedTable{found->value, where};
      }
      // Up to the project's top; without one, the migrations directory alone.
      if (root.empty() || dir == root || !lexically_inside(dir, root) || dir == dir.parent_path()) break;
      dir = dir.parent_path();
    }
  }
  return std::nullopt;
}

void name_flyway_history(ForeignHistoryTables& tables, const std::string& given, const std::vector<std::string>& dirs,
                         const fs::path& project_root) {
  if (!given.empty()) {
    if (!is_table_name(given)) {
      throw Error(ExitCode::usage,
                  mention(Setting::history_table) + " '" + escape_control_characters(given) +
                      "' is not a table name (letters, digits, _ and $, at most 63)");
    }
    tables.flyway = given;
    tables.flyway_named_by = setting_name(Setting::history_table);
    return;
  }
  if (const std::optional<NamedTable> named = flyway_table_of_project(dirs, project_root)) {
    tables.flyway = named->name;
    tables.flyway_named_by = named->named_by;
  }
}

}  // namespace strata::migrate
