#include "migrate/check/sql_lint.h"

#include "common/text.h"
#include "common/utf8.h"
#include "migrate/check/lint.h"
#include "migrate/engines/engines.h"
#include "migrate/model/migration_parser.h"

namespace strata::migrate {
namespace {

// The text as a migration: dbmate's sections when marked, else one section run as written.
std::optional<Migration> read_text(const SqlText& t, std::vector<Problem>& problems) {
  const std::string text = normalise_line_endings(t.content);
  const bool marked = text.starts_with("-- migrate:") || text.find("\n-- migrate:") != std::string::npos;
  if (marked) {
    const FileName name{0, "", std::filesystem::path(t.path).filename().string(), FileKind::single};
    return parse_single_file(name, t.path, t.content, problems);
  }
  if (const auto bad = find_invalid_utf8(t.content)) {
    const TextPosition pos = position_of(t.content, *bad);
    problems.push_back(Problem{"parse-error", t.path, pos.line,
                               "invalid UTF-8 at line " + std::to_string(pos.line) + ", column " + std::to_string(pos.column),
                               std::nullopt});
    return std::nullopt;
  }
  Migration m;
  m.file = t.path;
  // transaction: false: the file's statements run as they are written (its own BEGIN included).
  m.up = Section{true, text, 1, t.path, false, false};
  return m;
}

void add(CheckReport& r, Finding f, bool strict) {
  if (counts(f, strict) && to_int(f.exit_class) > to_int(r.exit_code)) r.exit_code = f.exit_class;
  r.findings.push_back(std::move(f));
}

}  // namespace

CheckReport lint_sql(const std::vector<SqlText>& texts, const SqlLintOptions& o) {
  CheckReport r;
  LintMemory memory;
  // A setting that names no server is refused before any file is read.
  if (const auto check = engine(o.dialect).check_lint_server) check(o.server_version);
  const LintContext context{
      .up = true, .lock_timeout_configured = o.ddl_lock_timeout, .memory = &memory, .server_version = o.server_version};
  const LintFiles lint_files = engine(o.dialect).lint_files;
  for (const SqlText& t : texts) {
    std::vector<Problem> problems;
    const std::optional<Migration> m = read_text(t, problems);
    for (const Problem& p : problems) {
      add(r, Finding{p.code, Severity::error, ExitCode::invalid_input, "", p.file, p.line, p.message}, o.strict);
    }
    if (!m) continue;
    std::vector<LintFinding> found = lint_migration(*m, o.dialect, context);
    if (lint_files != nullptr) {
      const std::filesystem::path root =
          o.project_root.empty() ? std::filesystem::absolute(t.path == "-" ? "." : t.path).parent_path() : o.project_root;
      for (LintFinding& f : lint_files(*m, root)) found.push_back(std::move(f));
    }
    for (const LintFinding& f : found) add(r, to_finding(f, "", t.path), o.strict);
  }
  return r;
}

}  // namespace strata::migrate
