#include "migrate/model/sqitch_plan.h"

#include <algorithm>
#include <map>
#include <optional>

#include "common/sha1.h"
#include "common/text.h"

namespace strata::migrate {
namespace {

bool plan_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view plan_strip(std::string_view s) {
  while (!s.empty() && plan_blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && plan_blank(s.back())) s.remove_suffix(1);
  return s;
}

// Sqitch's names: no blanks and none of @ : # \ (its name_regex, less strictly).
bool plan_name_ok(std::string_view s) {
  return !s.empty() && s.find_first_of(" \t@:#\\[]") == std::string_view::npos;
}

std::string plan_unescape_note(std::string_view note) {
  std::string out;
  for (std::size_t i = 0; i < note.size(); ++i) {
    if (note[i] == '\\' && i + 1 < note.size() && (note[i + 1] == 'n' || note[i + 1] == 'r' || note[i + 1] == '\\')) {
      out += note[i + 1] == 'n' ? '\n' : note[i + 1] == 'r' ? '\r' : '\\';
      ++i;
    } else {
      out += note[i];
    }
  }
  return out;
}

bool plan_timestamp_ok(std::string_view s) {
  // 2013-12-31T18:06:04Z
  if (s.size() != 20) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    const bool ok = i == 4 || i == 7 ? c == '-' : i == 10 ? c == 'T' : i == 13 || i == 16 ? c == ':' : i == 19 ? c == 'Z'
                                                                                                      : c >= '0' && c <= '9';
    if (!ok) return false;
  }
  return true;
}

std::optional<SqitchDependency> plan_dependency(std::string_view s) {
  SqitchDependency d;
  if (s.starts_with("!")) {
    d.conflicts = true;
    s.remove_prefix(1);
  }
  if (const std::size_t colon = s.find(':'); colon != std::string_view::npos) {
    d.project = std::string(s.substr(0, colon));
    if (!plan_name_ok(d.project)) return std::nullopt;
    s.remove_prefix(colon + 1);
  }
  const std::size_t at = s.find('@');
  d.change = std::string(s.substr(0, at));
  if (at != std::string_view::npos) d.tag = std::string(s.substr(at + 1));
  if (at != std::string_view::npos && !plan_name_ok(d.tag)) return std::nullopt;
  if (!d.change.empty() && !plan_name_ok(d.change)) return std::nullopt;
  if (d.change.empty() && d.tag.empty()) return std::nullopt;
  return d;
}

// One change or tag line, its note already cut off.
struct PlanEntry {
  bool tag = false;
  std::string name;
  std::vector<SqitchDependency> deps;
  std::string timestamp, planner_name, planner_email;
};

// name [deps] timestamp planner <email>; the error, if the line is not that.
std::optional<std::string> plan_entry(std::string_view line, PlanEntry& e) {
  line = plan_strip(line);
  if (line.starts_with("@")) {
    e.tag = true;
    line.remove_prefix(1);
  } else if (line.starts_with("+") || line.starts_with("-")) {
    // Sqitch's old deploy/revert operators: a plan written before 1.0.
    return std::string("a change with a + or - operator (a plan from before Sqitch 1.0): strata reads plans of "
                       "%syntax-version 1.0.0 and later");
  }
  std::size_t n = 0;
  while (n < line.size() && !plan_blank(line[n]) && line[n] != '[') ++n;
  e.name = std::string(line.substr(0, n));
  if (!plan_name_ok(e.name)) return "invalid name '" + escape_control_characters(e.name) + "'";
  line = plan_strip(line.substr(n));
  if (!e.tag && line.starts_with("[")) {
    const std::size_t close = line.find(']');
    if (close == std::string_view::npos) return std::string("a '[' without its ']'");
    std::string_view deps = line.substr(1, close - 1);
    while (!(deps = plan_strip(deps)).empty()) {
      std::size_t m = 0;
      while (m < deps.size() && !plan_blank(deps[m])) ++m;
      const std::string_view word = deps.substr(0, m);
      auto d = plan_dependency(word);
      if (!d) return "\"" + escape_control_characters(word) + "\" is not a valid dependency specification";
      e.deps.push_back(std::move(*d));
      deps.remove_prefix(m);
    }
    line = plan_strip(line.substr(close + 1));
  }
  std::size_t t = 0;
  while (t < line.size() && !plan_blank(line[t])) ++t;
  if (!plan_timestamp_ok(line.substr(0, t))) return std::string("missing timestamp");
  e.timestamp = std::string(line.substr(0, t));
  line = plan_strip(line.substr(t));
  const std::size_t lt = line.rfind('<');
  if (lt == std::string_view::npos || !line.ends_with(">") || lt == 0) return std::string("missing planner name and email");
  e.planner_name = std::string(plan_strip(line.substr(0, lt)));
  e.planner_email = std::string(line.substr(lt + 1, line.size() - lt - 2));
  if (e.planner_name.empty()) return std::string("missing planner name and email");
  return std::nullopt;
}

void plan_problem(SqitchPlan& plan, const std::string& file, std::size_t line, std::string message) {
  plan.problems.push_back(Problem{"parse-error", file, line, std::move(message), std::nullopt});
}

// The plan's order is the order strata deploys in: each [dep] must name what comes before.
void plan_check_dependencies(SqitchPlan& plan, const std::string& file) {
  std::map<std::string, std::size_t> seen;      // change name -> last index so far
  std::map<std::string, std::size_t> tag_after;  // tag -> index of the change it follows
  for (std::size_t i = 0; i < plan.changes.size(); ++i) {
    const SqitchChange& c = plan.changes[i];
    const std::string who = "change " + c.name + " (line " + std::to_string(c.line) + ")";
    for (const auto* list : {&c.requires_, &c.conflicts}) {
      for (const SqitchDependency& d : *list) {
        if (!d.project.empty() && d.project != plan.project) {
          plan_problem(plan, file, c.line,
                      who + (d.conflicts ? " conflicts with " : " requires ") + d.project + ":" + d.as_string() +
                          ", a change of another Sqitch project (" + d.project +
                          "): strata deploys one plan and cannot see another project's changes; deploy that project "
                          "first and take the dependency out of the plan, or keep deploying with sqitch");
          continue;
        }
        const auto change = d.change.empty() ? seen.end() : seen.find(d.change);
        const auto tag = d.tag.empty() ? tag_after.end() : tag_after.find(d.tag);
        if (d.conflicts) {
          // strata deploys every change before this one: a conflict with one of them always holds.
          if (change != seen.end() && d.tag.empty()) {
            plan_problem(plan, file, c.line,
                        who + " conflicts with " + d.change + ", which the plan deploys before it (line " +
                            std::to_string(plan.changes[change->second].line) + "): Sqitch would refuse to deploy it");
          }
          continue;
        }
        if (!d.change.empty() && change == seen.end()) {
          plan_problem(plan, file, c.line,
                      who + " requires " + d.as_string() + ", and no change before it in the plan is named " + d.change +
                          ": move it after " + d.change + " in the plan, or fix the dependency");
        } else if (!d.tag.empty() && tag == tag_after.end()) {
          plan_problem(plan, file, c.line,
                      who + " requires " + d.as_string() + ", and the plan has no tag @" + d.tag + " before it");
        } else if (change != seen.end() && tag != tag_after.end() &&
                   std::none_of(plan.changes.begin(), plan.changes.begin() + static_cast<std::ptrdiff_t>(tag->second + 1),
                                [&](const SqitchChange& o) { return o.name == d.change; })) {
          plan_problem(plan, file, c.line, who + " requires " + d.as_string() + ", and " + d.change +
                                              " is not in the plan before @" + d.tag);
        }
      }
    }
    seen[c.name] = i;
    for (const std::string& t : c.tags) tag_after[t] = i;
  }
}

}  // namespace

std::string SqitchDependency::as_string() const {
  std::string out = change;
  if (!tag.empty()) out += "@" + tag;
  return out;
}

std::string sqitch_change_info(const SqitchPlan& plan, std::size_t index) {
  const SqitchChange& c = plan.changes[index];
  std::string info = "project " + plan.project + "\n";
  if (!plan.uri.empty()) info += "uri " + plan.uri + "\n";
  info += "change " + c.name + "\n";
  if (index > 0) info += "parent " + plan.changes[index - 1].id + "\n";
  info += "planner " + c.planner_name + " <" + c.planner_email + ">\n";
  info += "date " + c.timestamp;
  auto deps = [&](const char* title, const char* mark, const std::vector<SqitchDependency>& list) {
    if (list.empty()) return;
    info += std::string("\n") + title;
    for (const SqitchDependency& d : list) {
      const bool ours = d.project.empty() || d.project == plan.project;
      info += std::string("\n  ") + mark + " " + (ours ? "" : d.project + ":") + d.as_string();
    }
  };
  deps("requires", "+", c.requires_);
  deps("conflicts", "-", c.conflicts);
  if (!c.note.empty()) info += "\n\n" + c.note;
  return info;
}

SqitchPlan parse_sqitch_plan(std::string_view text, const std::string& file) {
  SqitchPlan plan;
  std::map<std::string, std::size_t> named;  // change name -> index of its newest line
  std::size_t line_no = 0;
  std::map<std::string, bool> tags_seen;
  while (!text.empty()) {
    ++line_no;
    const std::size_t eol = text.find('\n');
    std::string_view line = text.substr(0, eol);
    text.remove_prefix(eol == std::string_view::npos ? text.size() : eol + 1);
    if (line.ends_with("\r")) line.remove_suffix(1);
    // The note: from the first '#' on, blanks after it skipped.
    std::string note;
    if (const std::size_t hash = line.find('#'); hash != std::string_view::npos) {
      std::string_view n = line.substr(hash + 1);
      while (!n.empty() && plan_blank(n.front())) n.remove_prefix(1);
      note = plan_unescape_note(n);
      line = line.substr(0, hash);
    }
    line = plan_strip(line);
    if (line.empty()) continue;
    if (line.starts_with("%")) {
      const std::size_t eq = line.find('=');
      if (eq == std::string_view::npos) {
        plan_problem(plan, file, line_no, "a pragma without '='");
        continue;
      }
      const std::string key(plan_strip(line.substr(1, eq - 1)));
      const std::string value(plan_strip(line.substr(eq + 1)));
      if (key == "syntax-version") plan.syntax_version = value;
      if (key == "project") plan.project = value;
      if (key == "uri") plan.uri = value;
      continue;
    }
    PlanEntry e;
    if (const auto error = plan_entry(line, e)) {
      plan_problem(plan, file, line_no, "not a Sqitch plan line: " + *error);
      continue;
    }
    if (e.tag) {
      if (plan.changes.empty()) {
        plan_problem(plan, file, line_no, "tag @" + e.name + " comes before any change (a tag names the change before it)");
        continue;
      }
      if (tags_seen[e.name]) {
        plan_problem(plan, file, line_no, "tag @" + e.name + " is used twice");
        continue;
      }
      tags_seen[e.name] = true;
      plan.changes.back().tags.push_back(e.name);
      continue;
    }
    SqitchChange c;
    c.name = e.name;
    c.timestamp = e.timestamp;
    c.planner_name = e.planner_name;
    c.planner_email = e.planner_email;
    c.note = note;
    c.line = line_no;
    for (SqitchDependency& d : e.deps) (d.conflicts ? c.conflicts : c.requires_).push_back(std::move(d));
    if (const auto dup = named.find(c.name); dup != named.end()) {
      // A rework: the older line's scripts are now name@tag, the tag one of those after it.
      SqitchChange& older = plan.changes[dup->second];
      std::vector<std::string> tags;
      for (std::size_t i = plan.changes.size(); i-- > dup->second + 1;) {
        tags.insert(tags.end(), plan.changes[i].tags.begin(), plan.changes[i].tags.end());
      }
      tags.insert(tags.end(), older.tags.begin(), older.tags.end());
      if (tags.empty()) {
        plan_problem(plan, file, line_no,
                    "change " + c.name + " is planned again (line " + std::to_string(older.line) +
                        " has it) with no tag between: Sqitch reworks a change only after a tag");
        continue;
      }
      older.rework_tags.insert(older.rework_tags.end(), tags.begin(), tags.end());
    }
    named[c.name] = plan.changes.size();
    plan.changes.push_back(std::move(c));
    // Sqitch: SHA-1 of "change <length of info>\0<info>", the info's bytes UTF-8.
    const std::string info = sqitch_change_info(plan, plan.changes.size() - 1);
    plan.changes.back().id = sha1_hex("change " + std::to_string(info.size()) + std::string(1, '\0') + info);
  }
  if (plan.project.empty()) plan_problem(plan, file, 0, "no %project pragma: not a Sqitch plan");
  plan_check_dependencies(plan, file);
  return plan;
}

}  // namespace strata::migrate
