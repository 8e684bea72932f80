// Sqitch's layout: sqitch.plan's changes in order, deploy/<change>.sql as up, revert/<change>.sql as
// down, a reworked change's older scripts as <change>@<tag>.sql, the directories where sqitch.conf
// puts them (tool_layout.h, sqitch_plan.h).
#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "common/error.h"
#include "common/project_root.h"
#include "common/sha1.h"
#include "common/sha256.h"
#include "common/text.h"
#include "common/utf8.h"
#include "migrate/model/psql_script.h"
#include "migrate/model/sqitch_plan.h"
#include "migrate/model/tool_layout.h"

namespace strata::migrate {
namespace {

namespace fs = std::filesystem;

std::string read_sqitch_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ExitCode::invalid_input, path.string() + ": cannot read file");
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// sqitch.conf, a git-config file, as data: "section.subsection.key" -> value (the last one wins).
std::map<std::string, std::string> read_sqitch_conf(const fs::path& path) {
  std::map<std::string, std::string> conf;
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return conf;
  std::string section;
  for (const std::string& raw : split(read_sqitch_file(path), '\n')) {
    std::string_view line = trim(raw);
    if (line.empty() || line.starts_with("#") || line.starts_with(";")) continue;
    if (line.starts_with("[")) {
      const std::size_t close = line.find(']');
      if (close == std::string_view::npos) continue;
      std::string_view head = trim(line.substr(1, close - 1));
      const std::size_t quote = head.find('"');
      if (quote == std::string_view::npos) {
        section = to_lower(std::string(head));
      } else {
        std::string_view sub = head.substr(quote + 1);
        if (!sub.empty() && sub.back() == '"') sub.remove_suffix(1);
        section = to_lower(std::string(trim(head.substr(0, quote)))) + "." + std::string(sub);
      }
      continue;
    }
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) continue;
    std::string value;
    bool quoted = false;
    for (const char c : trim(line.substr(eq + 1))) {
      if (c == '"') {
        quoted = !quoted;
        continue;
      }
      if (!quoted && (c == '#' || c == ';')) break;
      value += c;
    }
    conf[section + "." + to_lower(std::string(trim(line.substr(0, eq))))] = std::string(trim(value));
  }
  return conf;
}

// Where the project's files are, as Sqitch finds them from sqitch.conf: engine.<engine>.<key>,
// then (Sqitch before 0.9999) core.<engine>.<key>, then core.<key>; relative to the project.
struct SqitchPlaces {
  std::string engine;
  fs::path plan, deploy, revert, verify;
  // A reworked change's older scripts (<change>@<tag>.sql): reworked_dir/deploy and so on, where
  // reworked_dir is the top directory unless sqitch.conf names one (Sqitch 1.1).
  fs::path reworked_deploy, reworked_revert, reworked_verify;
  std::string registry = "sqitch";
  std::string extension = "sql";
  std::map<std::string, std::string> conf;
};

SqitchPlaces sqitch_places(const fs::path& project) {
  SqitchPlaces p;
  p.conf = read_sqitch_conf(project / "sqitch.conf");
  p.engine = p.conf.count("core.engine") ? p.conf["core.engine"] : "";
  auto value = [&](const std::string& key) -> std::optional<std::string> {
    for (const std::string& k : {"engine." + p.engine + "." + key, "core." + p.engine + "." + key, "core." + key}) {
      if (const auto it = p.conf.find(k); it != p.conf.end() && !it->second.empty()) return it->second;
    }
    return std::nullopt;
  };
  const fs::path top = project / value("top_dir").value_or(".");
  auto place = [&](const char* key, const char* name) {
    return (value(key) ? project / *value(key) : top / name).lexically_normal();
  };
  p.plan = place("plan_file", "sqitch.plan");
  p.deploy = place("deploy_dir", "deploy");
  p.revert = place("revert_dir", "revert");
  p.verify = place("verify_dir", "verify");
  const fs::path reworked = value("reworked_dir") ? project / *value("reworked_dir") : top;
  auto reworked_place = [&](const std::string& key, const char* name) {
    return (value(key) ? project / *value(key) : reworked / name).lexically_normal();
  };
  p.reworked_deploy = reworked_place("reworked_deploy_dir", "deploy");
  p.reworked_revert = reworked_place("reworked_revert_dir", "revert");
  p.reworked_verify = reworked_place("reworked_verify_dir", "verify");
  if (const auto ext = value("extension")) p.extension = *ext;
  if (const auto registry = value("registry")) p.registry = *registry;
  return p;
}

// A Sqitch script brings its own BEGIN; ... COMMIT; (ROLLBACK; in a verify script), as psql and
// sqlite3 run it as written. strata runs the script in a transaction of its own instead, so both
// are blanked (lines keep their numbers); a script without them ran statement by statement, and
// does here too.
bool strip_sqitch_transaction(std::string& sql) {
  auto first_word_at = [&](std::size_t from) {
    std::size_t i = from;
    while (i < sql.size()) {
      if (std::isspace(static_cast<unsigned char>(sql[i]))) {
        ++i;
      } else if (sql.compare(i, 2, "--") == 0) {
        const std::size_t eol = sql.find('\n', i);
        i = eol == std::string::npos ? sql.size() : eol + 1;
      } else {
        break;
      }
    }
    return i;
  };
  const std::size_t begin = first_word_at(0);
  const std::size_t begin_end = sql.find(';', begin);
  if (begin_end == std::string::npos) return false;
  const std::string first = to_lower(std::string(trim(std::string_view(sql).substr(begin, begin_end - begin))));
  if (first != "begin" && first != "begin transaction" && first != "begin work" && first != "start transaction") return false;
  // The last statement: the last ';' with only blanks and -- comments after it.
  std::size_t last_semi = sql.rfind(';');
  if (last_semi == std::string::npos || last_semi <= begin_end || first_word_at(last_semi + 1) != sql.size()) return false;
  std::size_t commit = sql.rfind(';', last_semi - 1);
  commit = first_word_at(commit == std::string::npos ? 0 : commit + 1);
  const std::string last = to_lower(std::string(trim(std::string_view(sql).substr(commit, last_semi - commit))));
  // A verify script ends in ROLLBACK.
  if (last != "commit" && last != "commit transaction" && last != "commit work" && last != "end" && last != "rollback") {
    return false;
  }
  auto blank_out = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i <= to; ++i) {
      if (sql[i] != '\n') sql[i] = ' ';
    }
  };
  blank_out(commit, last_semi);
  blank_out(begin, begin_end);
  return true;
}

// The psql variables Sqitch sets for a script of `command` (deploy, revert, verify): sqitch.conf's
// core.variables, deploy.variables, then the command's own (revert.variables, verify.variables),
// the engine's and the default target's, each overriding the one before; then psql's
// the user's --set over all of those (App::Sqitch::Command::deploy's _collect_vars); then psql's
// ON_ERROR_STOP and registry, which Sqitch sets after them (App::Sqitch::Engine::pg).
std::map<std::string, std::string> sqitch_variables(const SqitchPlaces& places, const std::string& command,
                                                    const ToolVariables& given) {
  std::vector<std::string> sections = {"core.variables", "deploy.variables"};
  if (command != "deploy") sections.push_back(command + ".variables");
  const std::string engine = places.engine.empty() ? std::string("pg") : places.engine;
  sections.push_back("engine." + engine + ".variables");
  for (const std::string& key : {"engine." + engine + ".target", "core." + engine + ".target", std::string("core.target")}) {
    if (const auto it = places.conf.find(key); it != places.conf.end() && !it->second.empty()) {
      sections.push_back("target." + it->second + ".variables");
      break;
    }
  }
  std::map<std::string, std::string> vars;
  for (const std::string& section : sections) {
    const std::string prefix = section + ".";
    for (auto it = places.conf.lower_bound(prefix); it != places.conf.end() && it->first.starts_with(prefix); ++it) {
      vars[it->first.substr(prefix.size())] = it->second;
    }
  }
  for (const auto& [name, value] : given) vars[name] = value;
  vars["ON_ERROR_STOP"] = "1";
  vars["registry"] = places.registry;
  return vars;
}

// Sqitch runs a PostgreSQL project's scripts through psql, from the directory it was started in
// (the project's top, where sqitch.conf is): its meta-commands and variables are psql's
// (psql_script.h). A script psql cannot run as strata would is a problem of the set.
struct ScriptReader {
  const SqitchPlaces& places;
  const ToolVariables& given;
  fs::path project;
  std::vector<Problem>& problems;
  Version version;

  Section operator()(const fs::path& path, const std::string& command, std::string& normalised) const {
    Section s;
    s.present = true;
    s.file = path.string();
    normalised = normalise_line_endings(read_sqitch_file(path));
    s.sql = normalised;
    if (places.engine.empty() || places.engine == "pg") {
      PsqlExpansion e = expand_psql(normalised, path, PsqlRun{project, project, sqitch_variables(places, command, given)});
      if (e.problem) {
        e.problem->version = version;
        problems.push_back(std::move(*e.problem));
      }
      s.sql = std::move(e.sql);
    }
    s.transaction = strip_sqitch_transaction(s.sql);
    return s;
  }
};

// The file name of change `c`'s scripts in `dir`: name.ext, or for a reworked older line
// name@tag.ext with the first of its rework tags that has a deploy script (Sqitch's rule).
std::string sqitch_script_name(const SqitchChange& c, const fs::path& deploy_dir, const std::string& ext) {
  if (c.rework_tags.empty()) return c.name + "." + ext;
  std::error_code ec;
  for (const std::string& tag : c.rework_tags) {
    if (fs::exists(deploy_dir / (c.name + "@" + tag + "." + ext), ec)) return c.name + "@" + tag + "." + ext;
  }
  return c.name + "@" + c.rework_tags.front() + "." + ext;
}

std::string sqitch_planner_value(const char* env, const std::map<std::string, std::string>& conf, const std::string& key,
                          const std::string& fallback) {
  if (const char* v = std::getenv(env); v != nullptr && *v != '\0') return v;
  if (const auto it = conf.find(key); it != conf.end() && !it->second.empty()) return it->second;
  return fallback;
}

void write_sqitch_file(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw Error(ExitCode::invalid_input, path.string() + ": cannot write file");
}

}  // namespace

std::optional<std::string> find_sqitch(const std::string& dir) {
  std::error_code ec;
  const fs::path d(dir);
  if (fs::is_regular_file(d / "sqitch.plan", ec)) return dir;
  if (fs::is_regular_file(d / "sqitch.conf", ec) && fs::is_regular_file(sqitch_places(d).plan, ec)) return dir;
  return std::nullopt;
}

MigrationSet load_sqitch(const std::string& dir, const ToolVariables& variables) {
  const SqitchPlaces places = sqitch_places(dir);
  const SqitchPlan plan = parse_sqitch_plan(read_sqitch_file(places.plan), places.plan.string());
  MigrationSet set;
  set.layout = MigrationLayout::sqitch;
  set.provider = places.engine;
  set.tool_project = plan.project;
  set.tool_registry = places.registry;
  set.problems = plan.problems;
  std::set<std::string> listed;
  for (std::size_t i = 0; i < plan.changes.size(); ++i) {
    const SqitchChange& c = plan.changes[i];
    const bool reworked = !c.rework_tags.empty();
    const fs::path& deploy_dir = reworked ? places.reworked_deploy : places.deploy;
    const std::string file = sqitch_script_name(c, deploy_dir, places.extension);
    const fs::path deploy = deploy_dir / file;
    if (deploy_dir == places.deploy) listed.insert(file);
    Migration m;
    m.version = static_cast<Version>(i + 1);
    m.version_text = std::to_string(i + 1);
    m.name = c.rework_tags.empty() ? c.name : file.substr(0, file.size() - places.extension.size() - 1);
    m.file = deploy.string();
    m.tool_id = c.id;
    std::error_code ec;
    if (!fs::is_regular_file(deploy, ec)) {
      set.problems.push_back(Problem{"parse-error", deploy.string(), 0,
                                     "change " + c.name + " (" + places.plan.filename().string() + " line " +
                                         std::to_string(c.line) + ") has no deploy script",
                                     m.version});
      continue;
    }
    if (!really_inside(deploy, dir)) {
      set.problems.push_back(Problem{"link-outside-project", deploy.string(), 0,
                                     "a symbolic link out of the Sqitch project: not read", m.version});
      continue;
    }
    const ScriptReader read_script{places, variables, dir, set.problems, m.version};
    m.up = read_script(deploy, "deploy", m.normalised);
    // Sqitch's script_hash: SHA-1 of the deploy script's bytes.
    m.tool_checksum = sha1_hex(read_sqitch_file(deploy));
    m.checksum = sha256_hex(m.normalised);
    if (const auto bad = find_invalid_utf8(m.normalised)) m.not_utf8 = Migration::Place{deploy.string(), position_of(m.normalised, *bad)};
    const fs::path revert = (reworked ? places.reworked_revert : places.revert) / file;
    if (fs::is_regular_file(revert, ec) && really_inside(revert, dir)) {
      std::string text;
      m.down = read_script(revert, "revert", text);
    }
    if (const fs::path verify = (reworked ? places.reworked_verify : places.verify) / file; fs::is_regular_file(verify, ec) && really_inside(verify, dir)) {
      std::string text;
      m.verify = read_script(verify, "verify", text);
    }
    set.migrations.push_back(std::move(m));
  }
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(places.deploy, ec)) {
    if (!entry.is_regular_file(ec) || entry.path().extension() != "." + places.extension) continue;
    const std::string rel = entry.path().lexically_relative(places.deploy).string();
    if (listed.count(rel) == 0) set.ignored.push_back(entry.path().string());
  }
  std::sort(set.ignored.begin(), set.ignored.end());
  return set;
}

std::string write_new_sqitch(const std::string& dir, const std::string& name, std::chrono::system_clock::time_point now,
                             const std::string& sql) {
  const SqitchPlaces places = sqitch_places(dir);
  const std::string before = read_sqitch_file(places.plan);
  const SqitchPlan plan = parse_sqitch_plan(before, places.plan.string());
  if (std::any_of(plan.changes.begin(), plan.changes.end(), [&](const SqitchChange& c) { return c.name == name; })) {
    throw Error(ExitCode::invalid_input, places.plan.string() + ": change " + name + " is already planned",
                "to change it after a tag, rework it: sqitch rework " + name);
  }
  const std::string file = name + "." + places.extension;
  const fs::path deploy = places.deploy / file;
  std::error_code ec;
  if (fs::exists(deploy, ec)) throw Error(ExitCode::invalid_input, deploy.string() + ": already exists");
  const std::string engine = places.engine.empty() ? std::string("pg") : places.engine;
  const std::string who = plan.project + ":" + name;
  // Sqitch's own templates (etc/templates/{deploy,revert,verify}/<engine>.tmpl).
  // `sql` is a strata migration's text (`migrate diff` writes one): its up section is the deploy
  // script's body, its down section the revert script's.
  std::string up = sql;
  std::string down;
  if (const std::size_t at = up.find("-- migrate:down"); at != std::string::npos) {
    down = up.substr(up.find('\n', at) == std::string::npos ? up.size() : up.find('\n', at) + 1);
    up.erase(at);
  }
  if (up.starts_with("-- migrate:up")) up.erase(0, up.find('\n') == std::string::npos ? up.size() : up.find('\n') + 1);
  auto body = [](const std::string& text) {
    const std::string_view t = trim(text);
    return t.empty() ? std::string("-- XXX Add DDLs here.\n") : std::string(t) + "\n";
  };
  write_sqitch_file(deploy, "-- Deploy " + who + " to " + engine + "\n\nBEGIN;\n\n" + body(up) + "\nCOMMIT;\n");
  write_sqitch_file(places.revert / file, "-- Revert " + who + " from " + engine + "\n\nBEGIN;\n\n" + body(down) + "\nCOMMIT;\n");
  write_sqitch_file(places.verify / file,
             "-- Verify " + who + " on " + engine + "\n\nBEGIN;\n\n-- XXX Add verifications here.\n\nROLLBACK;\n");
  const std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const char* user = std::getenv("USER");
  const std::string login = user != nullptr && *user != '\0' ? user : "strata";
  const std::string planner = sqitch_planner_value("SQITCH_FULLNAME", places.conf, "user.name", login) + " <" +
                              sqitch_planner_value("SQITCH_EMAIL", places.conf, "user.email", login + "@localhost") + ">";
  std::ofstream out(places.plan, std::ios::binary | std::ios::app);
  out << (before.empty() || before.ends_with("\n") ? "" : "\n") << name << " " << stamp << " " << planner << "\n";
  out.close();
  if (!out) throw Error(ExitCode::invalid_input, places.plan.string() + ": cannot write file");
  return deploy.string();
}

}  // namespace strata::migrate
