#pragma once
// What an engine's lint rules report, and their shape: each engine's row (engines.h) points at
// its own rules (engines/ENGINE/ENGINE_lint.cpp); check/lint.h runs them with the rules every
// engine shares.
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "migrate/model/migration.h"

namespace strata::migrate {

struct LintFinding {
  // All: unfilled-backfill (a `migrate diff` placeholder still in the file). SQLite: pragma-in-transaction | unbalanced-transaction | destructive. PostgreSQL:
  // not-in-transaction | unbalanced-transaction | foreign-keys-option |
  // index-without-concurrently | volatile-default | not-null-without-default | rename |
  // destructive | parse-error. MySQL: not-in-transaction | unbalanced-transaction | parse-error |
  // foreign-keys-option | alter-without-algorithm | not-null-without-default | rename | destructive.
  std::string code;
  bool error = false;
  std::size_t line = 0;
  std::string message;
  std::string file;  // the section's file: the .down.sql of a golang-migrate pair for its down
};

// The engine's warnings and errors about one section (`up`: the up section, else the down).
using LintSection = void (*)(const Section& s, bool up, std::vector<LintFinding>& out);

// The engine's checks of what a migration reaches outside the project (files it would change);
// `project_root` empty: every absolute path is outside.
using LintFiles = std::vector<LintFinding> (*)(const Migration& m, const std::filesystem::path& project_root);

}  // namespace strata::migrate
