#include "migrate/check/lint.h"

#include <string_view>

#include "common/text.h"
#include "migrate/engines/engines.h"
#include "migrate/run/run_plan.h"
#include "migrate/schema/ddl_writer.h"

namespace strata::migrate {
namespace {

// What the run plan refuses (run_plan.h) is lint's error too, so check, up and --dry-run agree.
void add_plan_problems(const Section& s, DriverKind dialect, bool up, std::vector<LintFinding>& out) {
  for (PlanProblem& p : plan_section(s, dialect, up).problems) {
    out.push_back({std::move(p.code), true, p.line, std::move(p.message), s.file});
  }
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

}  // namespace

std::vector<LintFinding> lint_migration(const Migration& m, DriverKind dialect) {
  std::vector<LintFinding> out;
  const auto lint_one = [&](const Section& s, bool up) {
    if (!s.present) return;
    const std::size_t first = out.size();
    add_plan_problems(s, dialect, up, out);
    add_unfilled_backfills(s, out);
    engine(dialect).lint_section(s, up, out);
    for (std::size_t i = first; i < out.size(); ++i) {
      if (out[i].file.empty()) out[i].file = s.file;
    }
  };
  lint_one(m.up, true);
  lint_one(m.down, false);
  return out;
}

}  // namespace strata::migrate
