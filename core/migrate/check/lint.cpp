#include "migrate/check/lint.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

#include "common/text.h"
#include "migrate/engines/engines.h"
#include "migrate/run/run_plan.h"
#include "migrate/schema/ddl_writer.h"

namespace strata::migrate {
namespace {

// What the run plan refuses (run_plan.h) is lint's error too, so check, up and --dry-run agree.
void add_plan_problems(const Section& s, DriverKind dialect, bool up, std::vector<LintFinding>& out) {
  SectionPlan plan = plan_section(s, dialect, up);
  for (PlanProblem& p : plan.problems) out.push_back({std::move(p.code), true, p.line, std::move(p.message), s.file});
  for (PlanProblem& p : plan.warnings) out.push_back({std::move(p.code), false, p.line, std::move(p.message), s.file});
}

// A placeholder `migrate diff` wrote (ddl_writer.h k_backfill_marker) that nobody filled in:
// the rows that exist would get NULL where the column is about to be NOT NULL.
void add_unfilled_backfills(const Section& s, std::vector<LintFinding>& out) {
  std::size_t line = s.first_line;
  std::size_t start = 0;
  while (start < s.sql.size()) {
    std::size_t end = s.sql.find('\n', start);
    if (end == std::string::npos) end = s.sql.size();
    if (std::string_view(s.sql).substr(start, end - start).find(k_backfill_marker) != std::string_view::npos) {
      out.push_back({"unfilled-backfill", true, line,
                     "a backfill placeholder written by `migrate diff` is not filled in: give the existing rows a value, "
                     "then delete the line",
                     s.file});
    }
    start = end + 1;
    ++line;
  }
}

// A `-- strata:ignore CODE[,CODE...] REASON` comment: the codes it silences, on the lines from
// its own to the first line below it that is not blank or a comment (the statement it stands
// above).
struct Ignore {
  std::set<std::string> codes;
  std::size_t first_line = 0;
  std::size_t last_line = 0;
};

constexpr std::string_view k_ignore_marker = "strata:ignore";

std::vector<Ignore> read_ignores(const Section& s, std::vector<LintFinding>& out) {
  std::vector<Ignore> ignores;
  const std::vector<std::string> lines = split(s.sql, '\n');
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const std::string_view text = lines[i];
    const std::size_t dashes = text.find("--");
    if (dashes == std::string_view::npos) continue;
    std::string_view rest = trim(text.substr(dashes + 2));
    if (!rest.starts_with(k_ignore_marker)) continue;
    rest = rest.substr(k_ignore_marker.size());
    if (rest.empty() || (rest.front() != ' ' && rest.front() != '\t')) continue;
    rest = trim(rest);
    // The codes: words of letters, digits and '-', separated by commas; the reason follows.
    Ignore ig;
    std::size_t at = 0;
    while (at < rest.size()) {
      std::size_t end = at;
      while (end < rest.size() && (std::isalnum(static_cast<unsigned char>(rest[end])) != 0 || rest[end] == '-')) ++end;
      if (end == at) break;
      ig.codes.emplace(rest.substr(at, end - at));
      at = end;
      while (at < rest.size() && rest[at] == ' ') ++at;
      if (at >= rest.size() || rest[at] != ',') break;
      ++at;
      while (at < rest.size() && rest[at] == ' ') ++at;
    }
    const std::size_t line = s.first_line + i;
    if (ig.codes.empty() || trim(rest.substr(at)).empty()) {
      out.push_back({"ignore-without-reason", false, line,
                     "a strata:ignore comment silences nothing without a code and a reason: "
                     "-- strata:ignore CODE why it is safe here",
                     s.file});
      continue;
    }
    ig.first_line = line;
    ig.last_line = line;
    for (std::size_t j = i + 1; j < lines.size(); ++j) {
      const std::string_view next = trim(lines[j]);
      ig.last_line = s.first_line + j;
      if (!next.empty() && !next.starts_with("--")) break;
    }
    ignores.push_back(std::move(ig));
  }
  return ignores;
}

bool ignored(const LintFinding& f, const std::vector<Ignore>& ignores) {
  if (f.error) return false;  // what `up` refuses is not the project's to silence
  return std::any_of(ignores.begin(), ignores.end(), [&](const Ignore& ig) {
    return f.line >= ig.first_line && f.line <= ig.last_line && ig.codes.count(f.code) != 0;
  });
}

}  // namespace

std::vector<LintFinding> lint_migration(const Migration& m, DriverKind dialect, const LintContext& context) {
  std::vector<LintFinding> out;
  const auto lint_one = [&](const Section& s, bool up) {
    if (!s.present) return;
    std::vector<LintFinding> found;
    add_plan_problems(s, dialect, up, found);
    add_unfilled_backfills(s, found);
    LintContext c = context;
    c.up = up;
    engine(dialect).lint_section(s, c, found);
    const std::vector<Ignore> ignores = read_ignores(s, found);
    for (LintFinding& f : found) {
      if (ignored(f, ignores)) continue;
      if (f.file.empty()) f.file = s.file;
      out.push_back(std::move(f));
    }
  };
  lint_one(m.up, true);
  lint_one(m.down, false);
  return out;
}

Finding to_finding(const LintFinding& f, std::string version, std::string file) {
  const Severity severity = f.error ? Severity::error : f.info ? Severity::info : Severity::warning;
  return Finding{f.code,           severity, f.info ? ExitCode::ok : ExitCode::invalid_input, std::move(version),
                 f.file.empty() ? std::move(file) : f.file, f.line, f.message};
}

}  // namespace strata::migrate
