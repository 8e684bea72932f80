#include "migrate/check/baseline.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

#include "common/error.h"
#include "common/json_limits.h"
#include "common/sha256.h"
#include "common/text.h"
#include "common/setting.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using nlohmann::ordered_json;

// The format this strata reads and writes; a newer one is refused rather than half understood.
constexpr int k_format = 1;

std::string base_name(const std::string& path) { return fs::path(path).filename().string(); }

[[noreturn]] void malformed(const std::string& path, const std::string& what) {
  throw Error(ExitCode::invalid_input, path + ": " + what,
              "rewrite it with `strata migrate check " + command_mention(Setting::write_baseline) + "`, or pass " +
                  mention(Setting::no_baseline));
}

std::string string_field(const json& entry, const char* key, const std::string& where, const std::string& path,
                         bool required = true) {
  const auto it = entry.find(key);
  if (it == entry.end()) {
    if (!required) return {};
    malformed(path, where + "." + key + ": missing");
  }
  if (!it->is_string()) malformed(path, where + "." + key + ": expected a string");
  return it->get<std::string>();
}

std::optional<Version> parse_version(const std::string& text) {
  Version v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc{} || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

// What identifies a baselined finding (see baseline.h): not the line, not the message.
using Key = std::tuple<std::string, std::string, std::string, std::string>;  // code, version, file, checksum

}  // namespace

std::string default_baseline_path(const std::string& dir) {
  return (fs::path(dir) / k_baseline_file_name).string();
}

Baseline parse_baseline(std::string_view text, const std::string& path) {
  // The file comes with the repository: measured before it is parsed (see json_limits.h). A
  // baseline nests three levels; its size grows with the findings.
  if (const auto beyond = json_beyond_limits(text, {.max_depth = 32, .max_bytes = std::size_t{64} << 20})) {
    malformed(path, "not a strata baseline file (JSON " + *beyond + ")");
  }
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::parse_error& e) {
    // e.byte is 1-based, past the offending character.
    const std::size_t at = e.byte > 0 ? std::min<std::size_t>(e.byte - 1, text.size()) : 0;
    const TextPosition pos = position_of(text, at);
    throw Error(ExitCode::invalid_input,
                path + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) +
                    ": not a strata baseline file (invalid JSON)",
                "rewrite it with `strata migrate check " + command_mention(Setting::write_baseline) + "`, or pass " +
                  mention(Setting::no_baseline));
  }
  if (!doc.is_object()) malformed(path, "expected a JSON object with \"format\" and \"findings\"");
  const auto format = doc.find("format");
  if (format == doc.end() || !format->is_number_integer()) malformed(path, "format: missing or not a whole number");
  if (format->get<long long>() != k_format) {
    malformed(path, "format: " + format->dump() + " is not the baseline format this strata reads (" +
                        std::to_string(k_format) + ")");
  }
  const auto findings = doc.find("findings");
  if (findings == doc.end() || !findings->is_array()) malformed(path, "findings: missing or not an array");
  Baseline b;
  b.path = path;
  for (std::size_t i = 0; i < findings->size(); ++i) {
    const json& e = (*findings)[i];
    const std::string where = "findings[" + std::to_string(i) + "]";
    if (!e.is_object()) malformed(path, where + ": expected an object");
    BaselineEntry entry;
    entry.code = string_field(e, "code", where, path);
    entry.version = string_field(e, "version", where, path);
    entry.file = string_field(e, "file", where, path);
    entry.checksum = string_field(e, "checksum", where, path);
    entry.message = string_field(e, "message", where, path, false);
    if (entry.code.empty()) malformed(path, where + ".code: empty");
    // A .sql file that is not a migration (not-a-migration) has no version.
    if (!(entry.code == "not-a-migration" && entry.version.empty()) && !parse_version(entry.version)) {
      malformed(path, where + ".version: not a migration version");
    }
    if (entry.file.empty()) malformed(path, where + ".file: empty");
    if (!is_sha256_hex(entry.checksum)) malformed(path, where + ".checksum: not a SHA-256 (64 hex digits)");
    if (const auto line = e.find("line"); line != e.end()) {
      if (!line->is_number_unsigned()) malformed(path, where + ".line: expected a whole number");
      entry.line = line->get<std::size_t>();
    }
    b.entries.push_back(std::move(entry));
  }
  return b;
}

Baseline read_baseline(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  if (!in || fs::is_directory(path, ec)) {
    throw Error(ExitCode::invalid_input, path + ": cannot read the baseline file",
                "write one with `strata migrate check " + command_mention(Setting::write_baseline) + "`, or pass " +
                    mention(Setting::no_baseline));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return parse_baseline(text.str(), path);
}

namespace {

// The migration `f` is about, whatever its severity: its version's, when `f` names one of its files.
const Migration* migration_of(const Finding& f, const MigrationSet& files) {
  if (f.version.empty() || f.file.empty()) return nullptr;
  const auto v = parse_version(f.version);
  if (!v) return nullptr;
  const Migration* m = files.find(*v);
  if (m == nullptr) return nullptr;
  const std::string name = base_name(f.file);
  for (const std::string* file : {&m->file, &m->up.file, &m->down.file}) {
    if (!file->empty() && base_name(*file) == name) return m;
  }
  return nullptr;
}

}  // namespace

const Migration* baselinable(const Finding& f, const MigrationSet& files) {
  return f.severity == Severity::warning ? migration_of(f, files) : nullptr;
}

// The identity of a finding in the baseline, with the version it sorts by; nullopt when it cannot
// be baselined. A file that is not a migration is known by its name alone (it is never read).
std::optional<std::pair<Version, Key>> key_of(const Finding& f, const MigrationSet& files) {
  if (f.code == "not-a-migration" && f.severity == Severity::warning && !f.file.empty()) {
    const std::string name = base_name(f.file);
    return std::make_pair(Version{-1}, Key{f.code, "", name, sha256_hex(name)});
  }
  const Migration* m = baselinable(f, files);
  if (m == nullptr) return std::nullopt;
  return std::make_pair(m->version, Key{f.code, f.version, base_name(f.file), m->checksum});
}

std::string render_baseline(const std::vector<Finding>& findings, const MigrationSet& files) {
  struct Row {
    Version version;
    BaselineEntry entry;
  };
  std::vector<Row> rows;
  for (const Finding& f : findings) {
    const auto key = key_of(f, files);
    if (!key) continue;
    const auto& [code, version, file, checksum] = key->second;
    rows.push_back(Row{key->first, BaselineEntry{code, version, file, checksum, f.line, f.message}});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.version, a.entry.file, a.entry.code, a.entry.line, a.entry.message) <
           std::tie(b.version, b.entry.file, b.entry.code, b.entry.line, b.entry.message);
  });
  // One finding per line: a refreshed baseline shows in a diff as the findings that came or went.
  // A file of the project, read beside a terminal: its settings as a command line spells them.
  std::string out =
      "{\n"
      "  \"about\": \"Findings of `strata migrate check` acknowledged for this project: listed, but they never "
      "fail check. A finding in a changed or new migration is not covered. Rewrite with `strata migrate check " +
      as_typed(command_mention(Setting::write_baseline)) + "`; see strata-migrate(1).\",\n"
      "  \"format\": " +
      std::to_string(k_format) + ",\n  \"findings\": [";
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const BaselineEntry& e = rows[i].entry;
    ordered_json j = {{"code", e.code}, {"version", e.version}, {"file", e.file}, {"line", e.line},
                      {"checksum", e.checksum}, {"message", as_typed(e.message)}};
    out += (i == 0 ? "\n    " : ",\n    ") + j.dump();
  }
  out += rows.empty() ? "]\n}\n" : "\n  ]\n}\n";
  return out;
}

std::size_t apply_baseline(const Baseline& baseline, const MigrationSet& files, bool roundtrip_ran,
                           std::vector<Finding>& findings) {
  std::size_t baselined = 0;
  std::set<Key> keys;
  for (const BaselineEntry& e : baseline.entries) keys.insert(Key{e.code, e.version, e.file, e.checksum});
  std::set<Key> used;
  for (Finding& f : findings) {
    const auto found = key_of(f, files);
    if (!found) continue;
    Key key = found->second;
    if (keys.count(key) == 0) continue;
    f.baselined = true;
    ++baselined;
    used.insert(std::move(key));
  }
  // The errors an entry names: never hidden (the file is the repository's, and a pull request
  // can add an entry as easily as the migration), and said so rather than called stale.
  std::map<Key, Finding> errors;  // copies: stale entries are added to `findings` below
  for (const Finding& f : findings) {
    if (f.severity != Severity::error) continue;
    if (const Migration* m = migration_of(f, files)) errors.emplace(Key{f.code, f.version, base_name(f.file), m->checksum}, f);
  }
  std::vector<Finding> refused;
  std::set<Key> reported;
  for (const BaselineEntry& e : baseline.entries) {
    Key key{e.code, e.version, e.file, e.checksum};
    // Without --roundtrip its findings were not looked for, so they are not gone.
    if (used.count(key) > 0 || (e.code == "roundtrip" && !roundtrip_ran)) continue;
    if (!reported.insert(key).second) continue;
    if (const auto error = errors.find(key); error != errors.end()) {
      const Finding& f = error->second;
      refused.push_back(Finding{"baseline-refused", Severity::info, ExitCode::ok, f.version, f.file, f.line,
                                baseline.path + " lists this " + e.code +
                                    " error, but a baseline acknowledges warnings only: the error still counts"});
      continue;
    }
    findings.push_back(Finding{"baseline-stale", Severity::info, ExitCode::ok, e.version, e.file, 0,
                                      "baselined " + e.code +
                                          " finding no longer found (fixed, or the file changed): refresh " +
                                          baseline.path + " with `strata migrate check " +
                                          command_mention(Setting::write_baseline) + "`"});
  }
  for (Finding& f : refused) findings.push_back(std::move(f));
  return baselined;
}

}  // namespace strata::migrate
