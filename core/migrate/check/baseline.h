#pragma once
// The check baseline: findings a team has acknowledged, kept in a JSON file in the repository,
// so that `migrate check --strict` fails on new findings only. An existing project's applied
// migrations carry accurate warnings that cannot be fixed without editing an applied file (which
// trips checksum-mismatch); the baseline acknowledges them instead. Written by
// `strata migrate check --write-baseline`, read by every `check` (see strata-migrate(1)).
//
// What can be baselined: warnings about one migration file (lint warnings, missing-down, and
// --roundtrip's "no down section"). Never errors, whatever the file lists (it is the
// repository's: a pull request adds an entry as easily as a migration; `up` refuses or fails on
// them whatever a file says), and never what the history or the live schema show (pending,
// checksum-mismatch, drift): those are about a database, not about the files in the repository.
//
// A baselined finding is identified by its code, its migration's version, the file's base name
// and the migration's checksum (the one history records). Not by line: an unrelated edit would
// move it. A changed file or a new migration therefore has new findings, and the entries of the
// old content become stale (reported as info `baseline-stale`).
#include <string>
#include <string_view>
#include <vector>

#include "migrate/check/finding.h"
#include "migrate/model/migration.h"

namespace strata::migrate {

// The file's name inside the (first) migrations directory. It is not a *.sql file, so the
// directory reader never takes it for a migration.
inline constexpr std::string_view k_baseline_file_name = ".strata-baseline.json";

// `dir`/.strata-baseline.json.
std::string default_baseline_path(const std::string& dir);

struct BaselineEntry {
  std::string code;
  std::string version;   // as spelt in the file name
  std::string file;      // base name of the finding's file
  std::string checksum;  // the migration's (Migration::checksum) when the entry was written
  // For the reader of the file only; matching ignores them.
  std::size_t line = 0;
  std::string message;
};

struct Baseline {
  std::string path;
  std::vector<BaselineEntry> entries;
};

// Parses a baseline file's text. Throws Error(invalid_input) naming `path` and the line and
// column (bad JSON) or the field (e.g. "findings[2].checksum") that is wrong.
Baseline parse_baseline(std::string_view text, const std::string& path);

// Reads and parses `path`; Error(invalid_input) when it cannot be read.
Baseline read_baseline(const std::string& path);

// The migration `f` is about, when `f` can be baselined (see above); null otherwise.
const Migration* baselinable(const Finding& f, const MigrationSet& files);

// The baseline file's text for every baselinable finding of `findings`: one entry per line,
// ordered by version, file, code and line, so that a rewrite diffs well.
std::string render_baseline(const std::vector<Finding>& findings, const MigrationSet& files);

// Marks the findings that `baseline` acknowledges (Finding::baselined) and adds an info finding
// `baseline-stale` for each entry that matches none. An entry that names an error (its code,
// version, file and checksum) never hides it: it adds an info finding `baseline-refused` that
// says so, instead of calling the entry stale. Entries for --roundtrip findings are stale only
// when `roundtrip_ran`. Returns how many findings it marked.
std::size_t apply_baseline(const Baseline& baseline, const MigrationSet& files, bool roundtrip_ran,
                           std::vector<Finding>& findings);

}  // namespace strata::migrate
