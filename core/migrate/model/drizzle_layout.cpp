// Drizzle Kit's layout: the `out` folder's NNNN_name.sql files in meta/_journal.json's order,
// statements split at `--> statement-breakpoint` (tool_layout.h).
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "common/error.h"
#include "common/json_limits.h"
#include "common/project_root.h"
#include "common/sha256.h"
#include "common/text.h"
#include "common/utf8.h"
#include "migrate/model/tool_layout.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;
using Journal = nlohmann::ordered_json;

constexpr std::string_view k_breakpoint = "--> statement-breakpoint";

std::string read_drizzle_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::invalid_input, path.string() + ": cannot read file");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// A journal nests three levels ({"entries": [{...}]}): measured before it is parsed, as every JSON
// file a repository brings is (common/json_limits.h). A journal nested a million levels deep
// ended `check`, `status` and strata mcp's migration tools with SIGSEGV.
constexpr JsonLimits k_journal_limits{.max_depth = 32, .max_bytes = std::size_t{64} << 20};

Journal read_journal(const fs::path& path) {
  const std::string text = read_drizzle_file(path);
  if (const std::optional<std::string> beyond = json_beyond_limits(text, k_journal_limits)) {
    throw Error(ExitCode::invalid_input, path.string() + ": not a Drizzle journal (JSON " + *beyond + ")");
  }
  try {
    Journal j = Journal::parse(text);
    if (!j.is_object() || !j.contains("entries") || !j["entries"].is_array()) {
      throw Error(ExitCode::invalid_input, path.string() + ": not a Drizzle journal (no \"entries\" array)");
    }
    return j;
  } catch (const nlohmann::json::exception& e) {
    throw Error(ExitCode::invalid_input, path.string() + ": not a Drizzle journal: " + e.what());
  }
}

// The file's text with a `;` closing each breakpoint piece that lacks one, so the engine's
// splitter ends each statement where drizzle-orm's migrator does, and each marker blanked to
// spaces: drizzle-orm splits at the marker and never sends it, and MySQL reads `-->` as the
// operators `--` and `>` (its comment needs a space after `--`), so a marker left in the text
// reached the server as the next statement's first words (ERROR 1064). Lines and columns keep
// their places.
std::string closed_at_breakpoints(std::string_view text) {
  std::string out;
  std::size_t from = 0;
  while (true) {
    const std::size_t at = text.find(k_breakpoint, from);
    std::string_view piece = text.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from);
    if (at == std::string_view::npos) {
      out += piece;
      return out;
    }
    std::size_t end = piece.size();
    while (end > 0 && (piece[end - 1] == ' ' || piece[end - 1] == '\t' || piece[end - 1] == '\n' || piece[end - 1] == '\r')) --end;
    out += piece.substr(0, end);
    if (end > 0 && piece[end - 1] != ';') out += ';';
    out += piece.substr(end);
    out.append(k_breakpoint.size(), ' ');
    from = at + k_breakpoint.size();
  }
}

}  // namespace

std::vector<std::string> drizzle_statements(std::string_view text) {
  std::vector<std::string> out;
  std::size_t from = 0;
  while (from <= text.size()) {
    const std::size_t at = text.find(k_breakpoint, from);
    const std::string_view piece = text.substr(from, at == std::string_view::npos ? std::string_view::npos : at - from);
    if (!trim(piece).empty()) out.emplace_back(piece);
    if (at == std::string_view::npos) break;
    from = at + k_breakpoint.size();
  }
  return out;
}

MigrationSet load_drizzle(const std::string& dir) {
  const fs::path journal_path = fs::path(dir) / "meta/_journal.json";
  const Journal journal = read_journal(journal_path);
  MigrationSet set;
  set.layout = MigrationLayout::drizzle;
  if (journal.contains("dialect") && journal["dialect"].is_string()) set.provider = journal["dialect"].get<std::string>();
  std::set<std::string> listed;
  std::set<Version> seen;
  for (const auto& entry : journal["entries"]) {
    if (!entry.is_object() || !entry.contains("tag") || !entry["tag"].is_string() || !entry.contains("idx") ||
        !entry["idx"].is_number_integer()) {
      set.problems.push_back(Problem{"parse-error", journal_path.string(), 0,
                                     "a journal entry without a tag or an idx: " + entry.dump(), std::nullopt});
      continue;
    }
    const std::string tag = entry["tag"].get<std::string>();
    const Version idx = entry["idx"].get<Version>();
    const std::string path = (fs::path(dir) / (tag + ".sql")).string();
    if (tag.find_first_of("/\\\n\r") != std::string::npos || tag.starts_with(".")) {
      set.problems.push_back(Problem{"parse-error", journal_path.string(), 0,
                                     "journal tag '" + escape_control_characters(tag) + "' is not a file name", std::nullopt});
      continue;
    }
    if (!seen.insert(idx).second) {
      set.problems.push_back(Problem{"duplicate-version", path, 0, "journal idx " + std::to_string(idx) + " is used twice", idx});
      continue;
    }
    listed.insert(tag + ".sql");
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      // drizzle-orm's migrator: "No file <path> found in <folder> folder".
      set.problems.push_back(Problem{"parse-error", path, 0, "listed in meta/_journal.json, and no such file", idx});
      continue;
    }
    if (!really_inside(path, dir)) {
      set.problems.push_back(Problem{"link-outside-project", path, 0,
                                     "a symbolic link out of the migrations folder: not read", idx});
      continue;
    }
    const std::string bytes = read_drizzle_file(path);
    Migration m;
    m.version = idx;
    const std::size_t us = tag.find('_');
    m.version_text = tag.substr(0, us);
    m.name = us == std::string::npos ? std::string{} : tag.substr(us + 1);
    m.file = path;
    m.up.present = true;
    m.up.file = path;
    m.normalised = normalise_line_endings(bytes);
    m.up.sql = closed_at_breakpoints(m.normalised);
    m.checksum = sha256_hex(m.normalised);
    // drizzle-orm: createHash('sha256').update(<the file as a string>).digest('hex').
    m.tool_checksum = sha256_hex(bytes);
    if (entry.contains("when") && entry["when"].is_number()) m.tool_created_at = entry["when"].get<std::int64_t>();
    if (const auto bad = find_invalid_utf8(m.normalised)) m.not_utf8 = Migration::Place{path, position_of(m.normalised, *bad)};
    set.migrations.push_back(std::move(m));
  }
  // The journal's order is kept: drizzle-orm's migrator runs the entries as the array lists them,
  // whatever their idx (a journal merged by hand can list 0002 before 0001), so strata runs,
  // lists and counts them in that order too (MigrationSet::find looks a version up either way).
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() == ".sql" && listed.count(name) == 0) set.ignored.push_back(entry.path().string());
  }
  return set;
}

std::optional<std::string> find_drizzle(const std::string& dir) {
  std::error_code ec;
  const fs::path d(dir);
  if (fs::is_regular_file(d / "meta/_journal.json", ec)) return dir;
  if (fs::is_regular_file(d / "drizzle/meta/_journal.json", ec)) return (d / "drizzle").string();
  return std::nullopt;
}

std::string write_new_drizzle(const std::string& dir, const std::string& name, std::chrono::system_clock::time_point now,
                              const std::string& sql) {
  const fs::path journal_path = fs::path(dir) / "meta/_journal.json";
  const std::string before = read_drizzle_file(journal_path);
  Journal journal = read_journal(journal_path);
  Version next = 0;
  for (const auto& entry : journal["entries"]) {
    if (entry.contains("idx") && entry["idx"].is_number_integer()) next = std::max(next, entry["idx"].get<Version>() + 1);
  }
  char number[32];
  std::snprintf(number, sizeof number, "%04lld", static_cast<long long>(next));
  const std::string tag = std::string(number) + "_" + name;
  const fs::path file = fs::path(dir) / (tag + ".sql");
  std::error_code ec;
  if (fs::exists(file, ec)) throw Error(ExitCode::invalid_input, file.string() + ": already exists");
  Journal entry = Journal::object();
  entry["idx"] = next;
  entry["version"] = journal.contains("version") ? journal["version"] : Journal("7");
  entry["when"] = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  entry["tag"] = tag;
  entry["breakpoints"] = true;
  journal["entries"].push_back(entry);
  {
    std::ofstream out(file, std::ios::binary);
    // What `drizzle-kit generate --custom` writes.
    out << (sql.empty() ? std::string("-- Custom SQL migration file, put your code below! --\n") : sql);
    out.close();
    if (!out) throw Error(ExitCode::invalid_input, file.string() + ": cannot write file");
  }
  // As drizzle-kit writes it: JSON.stringify(journal, null, 2).
  std::ofstream out(journal_path, std::ios::binary | std::ios::trunc);
  out << journal.dump(2) << (before.ends_with("\n") ? "\n" : "");
  out.close();
  if (!out) throw Error(ExitCode::invalid_input, journal_path.string() + ": cannot write file");
  return file.string();
}

}  // namespace strata::migrate
