#pragma once
// Parsing of migration file names and contents: dbmate's single-file format with
// `-- migrate:up` / `-- migrate:down` markers, and golang-migrate's .up.sql/.down.sql pairs.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "migrate/model/migration.h"

namespace strata::migrate {

enum class FileKind { single, up_half, down_half };

struct FileName {
  Version version = 0;
  std::string version_text;
  std::string name;
  FileKind kind = FileKind::single;
};

// Parses a migration file name as dbmate and golang-migrate do. A name matching golang-migrate's
// `^([0-9]+)_(.*)\.(down|up)\.(.*)$` is a pair half (`1_init.up.sql`); any other name starting
// with digits is a dbmate file (`^(\d+).*\.sql$`: `20240101000000.sql`, `1-init.sql`,
// `1_add.c.table.sql`). The version is the leading digits, 1 to 18 of them. Returns nullopt for
// a name not ending in `.sql`, not starting with a digit, or with a longer version.
std::optional<FileName> parse_file_name(std::string_view file_name);

// Parses a single-file migration. `path` is used in messages. Problems (missing or duplicated
// markers, unknown marker options, SQL before the first marker, invalid UTF-8, an empty file)
// are appended to `problems`; the return value is nullopt when the migration is unusable.
std::optional<Migration> parse_single_file(const FileName& name, const std::string& path,
                                           std::string_view content,
                                           std::vector<Problem>& problems);

// Parses a repeatable migration, R__`name`.sql: the whole file is its SQL, or, when the file has
// a '-- migrate:up' marker, that section (its options apply). A down section with SQL in it is a
// problem: repeatable migrations are never rolled back.
std::optional<Migration> parse_repeatable(const std::string& name, const std::string& path, std::string_view content,
                                          std::vector<Problem>& problems);

// Builds a migration from a golang-migrate pair; `down_path`/`down_content` may be absent.
std::optional<Migration> parse_pair(const FileName& name, const std::string& up_path,
                                    std::string_view up_content,
                                    const std::optional<std::string>& down_path,
                                    std::string_view down_content, std::vector<Problem>& problems);

// The path of a golang-migrate pair's .down.sql half, whether or not it exists: the up file's
// path with its last `.up.` made `.down.`.
std::string down_file_of(const Migration& pair);

}  // namespace strata::migrate
