#include "migrate/model/alembic_import.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>

#include "common/error.h"
#include "common/text.h"
#include "migrate/model/migration_parser.h"
#include "migrate/model/migration_source.h"
#include "common/setting.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;

// The revision a `-- Running upgrade A -> B` (or `-- Running downgrade B -> A`) line is about: B,
// the one applied or undone. Merge points list several on the other side ("a, b -> c").
std::optional<std::string> running_line(std::string_view line, std::string_view direction) {
  const std::string prefix = "-- Running " + std::string(direction) + " ";
  if (!line.starts_with(prefix)) return std::nullopt;
  const std::string_view rest = line.substr(prefix.size());
  const std::size_t arrow = rest.find("->");
  if (arrow == std::string_view::npos) return std::nullopt;
  const std::string_view id = direction == "upgrade" ? trim(rest.substr(arrow + 2)) : trim(rest.substr(0, arrow));
  if (id.empty()) return std::nullopt;
  return std::string(id.substr(0, id.find(',')));
}

// Alembic's bookkeeping: the statements it writes on alembic_version.
bool on_alembic_version(std::string_view line) {
  for (const std::string_view start : {"CREATE TABLE alembic_version", "DROP TABLE alembic_version",
                                       "INSERT INTO alembic_version", "UPDATE alembic_version",
                                       "DELETE FROM alembic_version"}) {
    if (line.starts_with(start)) return true;
  }
  return false;
}

// Splits `text` at the Running lines of `direction`: (revision, its SQL), in order.
std::vector<std::pair<std::string, std::string>> split_revisions(std::string_view text, std::string_view direction,
                                                                 const std::string& source) {
  std::vector<std::pair<std::string, std::string>> out;
  // Alembic's own command lines (its flags, not strata's).
  const bool up = direction == "upgrade";
  const std::string_view offline = up ? "alembic upgrade --sql" : "alembic downgrade --sql";
  const std::string_view offline_all = up ? "alembic upgrade base:head --sql > up.sql" : "alembic downgrade head:base --sql > down.sql";
  const std::string normalised = normalise_line_endings(text);
  bool skipping = false;  // inside a statement on alembic_version, until its ';'
  std::size_t line_no = 0;
  for (const std::string& raw : split(normalised, '\n')) {
    ++line_no;
    const std::string_view line = raw;
    const std::string_view stripped = trim(line);
    if (skipping) {
      skipping = !stripped.ends_with(";");
      continue;
    }
    if (const auto revision = running_line(stripped, direction)) {
      out.emplace_back(*revision, std::string{});
      continue;
    }
    if (on_alembic_version(stripped)) {
      skipping = !stripped.ends_with(";");
      continue;
    }
    if (stripped == "BEGIN;" || stripped == "COMMIT;" || stripped.starts_with("INFO  [alembic")) continue;
    if (out.empty()) {
      if (stripped.empty() || stripped.starts_with("--")) continue;
      throw Error(ExitCode::invalid_input,
                  source + ":" + std::to_string(line_no) + ": SQL before the first `-- Running " + std::string(direction) +
                      " A -> B` line: not what `" + std::string(offline) + "` writes");
    }
    out.back().second += raw;
    out.back().second += '\n';
  }
  if (out.empty()) {
    throw Error(ExitCode::invalid_input,
                source + ": no `-- Running " + std::string(direction) + " A -> B` line: not the output of `" + std::string(offline) + "`",
                "write it with: " + std::string(offline_all));
  }
  for (auto& [revision, sql] : out) {
    const std::size_t end = sql.find_last_not_of(" \t\n");
    sql.erase(end == std::string::npos ? 0 : end + 1);
    const std::size_t start = sql.find_first_not_of('\n');
    sql.erase(0, start == std::string::npos ? sql.size() : start);
  }
  return out;
}

// A revision with no statements of its own (a merge point) still needs a file: alembic_version
// may name it. SELECT 1 runs on every engine and changes nothing.
std::string section_text(const std::string& sql) {
  return sql.empty() ? "-- no statements of its own (an Alembic merge point or an empty revision)\nSELECT 1;\n" : sql + "\n";
}

}  // namespace

std::vector<AlembicRevision> read_alembic_upgrade(std::string_view text, const std::string& source) {
  std::vector<AlembicRevision> revisions;
  for (auto& [revision, sql] : split_revisions(text, "upgrade", source)) {
    revisions.push_back(AlembicRevision{std::move(revision), std::move(sql), std::nullopt});
  }
  return revisions;
}

void add_alembic_downgrade(std::vector<AlembicRevision>& revisions, std::string_view text, const std::string& source) {
  for (auto& [id, sql] : split_revisions(text, "downgrade", source)) {
    const std::string& revision = id;  // a structured binding cannot be captured (C++17's rule, clang's)
    const auto it = std::find_if(revisions.begin(), revisions.end(),
                                 [&](const AlembicRevision& r) { return r.revision == revision; });
    if (it == revisions.end()) {
      throw Error(ExitCode::invalid_input,
                  source + ": downgrade of revision " + revision + ", which the upgrade output does not have",
                  "write both from the same project: alembic upgrade base:head --sql, alembic downgrade head:base --sql");
    }
    it->down = std::move(sql);
  }
}

std::vector<std::string> write_alembic_revisions(const std::string& dir, const std::vector<AlembicRevision>& revisions) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) {
    for (const fs::directory_entry& e : fs::directory_iterator(dir, ec)) {
      const std::string name = e.path().filename().string();
      if (name.ends_with(".sql") && is_migration_name(name)) {
        throw Error(ExitCode::usage, dir + ": already holds migrations (" + name + "): the imported versions would mix with them",
                    "import into an empty directory: " + mention(Setting::dir) + " DIR");
      }
    }
  }
  for (const AlembicRevision& r : revisions) {
    // The revision id becomes a file name: Alembic's are hex, but a hand-made one may be anything.
    if (r.revision.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") !=
        std::string::npos) {
      throw Error(ExitCode::invalid_input, "revision '" + escape_control_characters(r.revision) +
                                               "': not a name strata writes a file by (letters, digits and _ only)");
    }
  }
  fs::create_directories(dir, ec);
  if (ec) throw Error(ExitCode::invalid_input, dir + ": cannot create directory: " + ec.message());
  const std::size_t width = std::max<std::size_t>(4, std::to_string(revisions.size()).size());
  std::vector<std::string> written;
  std::size_t n = 0;
  for (const AlembicRevision& r : revisions) {
    std::string version = std::to_string(++n);
    version.insert(0, width - version.size(), '0');
    const std::string path = (fs::path(dir) / (version + "_" + r.revision + ".sql")).string();
    std::string text = "-- Alembic revision " + r.revision + ", imported by strata migrate import\n-- migrate:up\n" +
                       section_text(r.up);
    if (r.down) text += "\n-- migrate:down\n" + section_text(*r.down);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
    out.close();
    if (!out) throw Error(ExitCode::invalid_input, path + ": cannot write file");
    written.push_back(path);
  }
  return written;
}

}  // namespace strata::migrate
