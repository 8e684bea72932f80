#pragma once
// Sqitch's plan file (sqitch.plan), read as App::Sqitch::Plan reads it: pragmas (%syntax-version,
// %project, %uri), changes with their [dependencies] (`name`, `!conflict`, `change@tag`, `@tag`,
// `project:change`), tags (`@tag`, attached to the change before them), reworked changes (a name
// again after a tag), planners, timestamps and notes. Each change's id is Sqitch's, so the
// `sqitch` registry's rows can be matched to the plan (run/tool_history.cpp).
#include <string>
#include <string_view>
#include <vector>

#include "migrate/model/migration.h"

namespace strata::migrate {

struct SqitchDependency {
  std::string project;  // empty: this plan's project
  std::string change;   // empty for a bare `@tag`
  std::string tag;      // empty unless `@tag` was written
  bool conflicts = false;  // `!name`
  // As Sqitch's Depend->as_string gives it (the info text's line): the project only when another.
  std::string as_string() const;
};

struct SqitchChange {
  std::string name;
  std::vector<SqitchDependency> requires_;
  std::vector<SqitchDependency> conflicts;
  std::string timestamp;  // as written: 2013-12-31T18:06:04Z
  std::string planner_name;
  std::string planner_email;
  std::string note;       // unescaped (\n, \r, \\)
  std::size_t line = 0;
  std::vector<std::string> tags;  // the tags written right after it, without their '@'
  // When a later line reworks this change: the tags whose name may suffix its older scripts
  // (deploy/name@tag.sql), in the order Sqitch tries them; empty when not reworked.
  std::vector<std::string> rework_tags;
  std::string id;         // Sqitch's change id: SHA-1 of "change <length>\0" + info()
};

struct SqitchPlan {
  std::string syntax_version;
  std::string project;
  std::string uri;
  std::vector<SqitchChange> changes;
  // Lines that are not Sqitch's syntax, dependencies strata cannot honour (a change required
  // before the plan has it, another project's change, a conflict with a change the plan
  // deploys before): each a problem, so `check` lists them all.
  std::vector<Problem> problems;
};

// Parses the plan's text; `file` names it in problems.
SqitchPlan parse_sqitch_plan(std::string_view text, const std::string& file);

// App::Sqitch::Plan::Change->info for changes[index] (its id is the SHA-1 over it).
std::string sqitch_change_info(const SqitchPlan& plan, std::size_t index);

}  // namespace strata::migrate
