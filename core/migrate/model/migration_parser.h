#pragma once
// Parsing of migration file names and contents: dbmate's single-file format with
// `-- migrate:up` / `-- migrate:down` markers, golang-migrate's .up.sql/.down.sql pairs, goose's
// annotations, and Flyway's V<version>__<name>.sql with U<version>__<name>.sql as its down.
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
//
// Flyway's `V1__init.sql`, `V1.1__x.sql`, `V1_1__x.sql` are up halves and `U…__…sql` down
// halves, their version read by flyway_version.
std::optional<FileName> parse_file_name(std::string_view file_name);

// Whether a file in a migrations directory is read as a migration: a name starting with a digit,
// Flyway's `R__`, or Flyway's `V`/`U` followed by a digit. Others (a schema.sql) are ignored.
bool is_migration_name(std::string_view file_name);

// Whether `file_name` is Flyway's V…__ or U…__ form (its version may still not fit: see
// flyway_version).
bool is_flyway_name(std::string_view file_name);

// Flyway's version (`1`, `1.1`, `1_1`, `2.0.3`, `20240101120000`) as strata's integer, in
// Flyway's order: parts a.b.c become a*10^4 + b*10^2 + c, so 1 < 1.1 < 1.2 < 1.10 < 2 and `1.0`
// is `1` (as Flyway reads it). Every Flyway version gets the same scale, so a V1.1 added later
// sorts between V1 and V2 already recorded. nullopt when it does not fit: more than three parts,
// a second or third part over 99, a first part over 15 digits, or anything but digits, `.`, `_`.
std::optional<Version> flyway_version(std::string_view text);

// A version as a user types it on the command line: digits (leading zeros dropped), or a Flyway
// version as its file name spells it (`V1.1`, `1.1`, `1_1`, `V2`: a plain `2` is version 2, not
// Flyway's V2). nullopt when it is neither.
std::optional<Version> version_argument(std::string_view text);

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
