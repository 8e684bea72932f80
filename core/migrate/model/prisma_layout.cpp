// Prisma Migrate's layout: prisma/migrations/<timestamp>_<name>/migration.sql, forward only, with
// migration_lock.toml naming the provider (tool_layout.h).
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/error.h"
#include "common/project_root.h"
#include "common/sha256.h"
#include "common/text.h"
#include "common/utf8.h"
#include "migrate/model/tool_layout.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;

std::string read_prisma_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::invalid_input, path.string() + ": cannot read file");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// `provider = "postgresql"` in migration_lock.toml; empty when the file or the key is missing.
std::string lock_provider(const fs::path& dir) {
  std::error_code ec;
  const fs::path lock = dir / "migration_lock.toml";
  if (!fs::is_regular_file(lock, ec)) return {};
  for (const std::string& line : split(read_prisma_file(lock), '\n')) {
    const std::string_view t = trim(line);
    if (!t.starts_with("provider")) continue;
    const std::size_t open = t.find('"');
    const std::size_t close = open == std::string_view::npos ? open : t.find('"', open + 1);
    if (close != std::string_view::npos) return std::string(t.substr(open + 1, close - open - 1));
  }
  return {};
}

std::size_t leading_digits(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && s[n] >= '0' && s[n] <= '9') ++n;
  return n;
}

// Version from `<digits>_<name>` (or bare digits): nullopt for another form or too many digits.
std::optional<Version> folder_version(std::string_view folder) {
  const std::size_t n = leading_digits(folder);
  if (n == 0 || n > 18 || (n < folder.size() && folder[n] != '_')) return std::nullopt;
  return std::stoll(std::string(folder.substr(0, n)));
}

std::string hex_unpadded(std::string_view padded_hex) {
  // Prisma before 2.20 printed each byte with {:x}: a byte below 0x10 lost its leading zero.
  std::string out;
  for (std::size_t i = 0; i + 1 < padded_hex.size(); i += 2) {
    if (padded_hex[i] != '0') out += padded_hex[i];
    out += padded_hex[i + 1];
  }
  return out;
}

}  // namespace

MigrationSet load_prisma(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    throw Error(ExitCode::invalid_input, dir + ": migrations directory does not exist");
  }
  MigrationSet set;
  set.layout = MigrationLayout::prisma;
  set.provider = lock_provider(dir);
  std::vector<std::string> folders;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!entry.is_directory(ec)) {
      if (name != "migration_lock.toml" && entry.path().extension() == ".sql") set.ignored.push_back(entry.path().string());
      continue;
    }
    if (name.find_first_of("\n\r") != std::string::npos) {
      throw Error(ExitCode::invalid_input, dir + "/" + escape_control_characters(name) + ": a folder name with a line break, not a migration name");
    }
    folders.push_back(name);
  }
  // Prisma applies the folders in the order of their names.
  std::sort(folders.begin(), folders.end());
  bool numbered = true;
  std::optional<Version> last;
  for (const std::string& f : folders) {
    const auto v = folder_version(f);
    if (!v || (last && *v <= *last)) numbered = false;
    if (v) last = v;
  }
  Version position = 0;
  for (const std::string& folder : folders) {
    const fs::path file = fs::path(dir) / folder / "migration.sql";
    const std::string path = file.string();
    if (!fs::exists(file, ec)) {
      // Prisma refuses a folder without its script ("the migration.sql file is missing").
      set.problems.push_back(Problem{"parse-error", path, 0, "the migration folder has no migration.sql", std::nullopt});
      continue;
    }
    if (!really_inside(file, dir)) {
      set.problems.push_back(Problem{"link-outside-project", path, 0,
                                     "a symbolic link out of the migrations folder: not read (a migration file must be in the project)",
                                     std::nullopt});
      continue;
    }
    ++position;
    const std::string bytes = read_prisma_file(file);
    Migration m;
    if (numbered) {
      m.version = *folder_version(folder);
      const std::size_t n = leading_digits(folder);
      m.version_text = folder.substr(0, n);
      m.name = n < folder.size() ? folder.substr(n + 1) : std::string{};
    } else {
      // Names Prisma orders but strata's versions could not (no leading number, or numbers out
      // of name order): the place in the order is the version, the folder the label.
      m.version = position;
      m.version_text = folder;
    }
    m.file = path;
    m.up.present = true;
    m.up.file = path;
    m.up.sql = normalise_line_endings(bytes);
    m.normalised = m.up.sql;
    m.checksum = sha256_hex(m.normalised);
    m.tool_checksum = sha256_hex(bytes);
    if (const auto bad = find_invalid_utf8(m.normalised)) m.not_utf8 = Migration::Place{path, position_of(m.normalised, *bad)};
    set.migrations.push_back(std::move(m));
  }
  return set;
}

bool prisma_checksum_matches(const Migration& m, std::string_view recorded) {
  std::string crlf;
  for (const char c : m.normalised) {
    if (c == '\n') crlf += '\r';
    crlf += c;
  }
  for (const std::string& sum : {m.tool_checksum, sha256_hex(m.normalised), sha256_hex(crlf)}) {
    if (recorded == sum || recorded == hex_unpadded(sum)) return true;
  }
  return false;
}

std::optional<std::string> find_prisma(const std::string& dir) {
  std::error_code ec;
  const fs::path d(dir);
  if (fs::is_regular_file(d / "migration_lock.toml", ec)) return dir;
  if (fs::is_regular_file(d / "prisma/migrations/migration_lock.toml", ec)) return (d / "prisma/migrations").string();
  // A folder named migrations inside a folder named prisma, its subfolders holding migration.sql.
  if (d.filename() == "migrations" && d.parent_path().filename() == "prisma" && fs::is_directory(d, ec)) {
    for (const auto& entry : fs::directory_iterator(d, ec)) {
      if (fs::is_regular_file(entry.path() / "migration.sql", ec)) return dir;
    }
  }
  return std::nullopt;
}

std::string write_new_prisma(const std::string& dir, const std::string& name, std::chrono::system_clock::time_point now,
                             const std::string& sql) {
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char version[32];
  std::snprintf(version, sizeof version, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  const fs::path folder = fs::path(dir) / (std::string(version) + "_" + name);
  std::error_code ec;
  if (fs::exists(folder, ec)) {
    throw Error(ExitCode::invalid_input, folder.string() + ": a migration of that name already exists",
                "wait a second and try again");
  }
  fs::create_directories(folder, ec);
  if (ec) throw Error(ExitCode::invalid_input, folder.string() + ": cannot create directory: " + ec.message());
  const fs::path file = folder / "migration.sql";
  std::ofstream out(file, std::ios::binary);
  // What `prisma migrate dev --create-only` writes for a migration with nothing generated.
  out << (sql.empty() ? std::string("-- This is an empty migration.\n") : sql);
  out.close();
  if (!out) throw Error(ExitCode::invalid_input, file.string() + ": cannot write file");
  return file.string();
}

}  // namespace strata::migrate
