#pragma once
// Parsing of migration file names and contents: dbmate's single-file format with
// `-- migrate:up` / `-- migrate:down` markers, and golang-migrate's .up.sql/.down.sql pairs.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/migration.h"

namespace strata::migrate {

enum class FileKind { single, up_half, down_half };

struct FileName {
  Version version = 0;
  std::string version_text;
  std::string name;
  FileKind kind = FileKind::single;
};

// Parses `<version>_<name>.sql`, `<version>_<name>.up.sql` or `<version>_<name>.down.sql`.
// The version is 1 to 18 digits. Returns nullopt for any other name.
std::optional<FileName> parse_file_name(std::string_view file_name);

// Parses a single-file migration. `path` is used in messages. Problems (missing or duplicated
// markers, unknown marker options, SQL before the first marker, invalid UTF-8, an empty file)
// are appended to `problems`; the return value is nullopt when the migration is unusable.
std::optional<Migration> parse_single_file(const FileName& name, const std::string& path,
                                           std::string_view content,
                                           std::vector<Problem>& problems);

// Builds a migration from a golang-migrate pair; `down_path`/`down_content` may be absent.
std::optional<Migration> parse_pair(const FileName& name, const std::string& up_path,
                                    std::string_view up_content,
                                    const std::optional<std::string>& down_path,
                                    std::string_view down_content, std::vector<Problem>& problems);

}  // namespace strata::migrate
