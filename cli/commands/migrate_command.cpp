#include "migrate_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "common/public.h"
#include "config/public.h"
#include "input.h"
#include "json_text.h"
#include "migrate/public.h"
#include "migrate_diff_command.h"
#include "migrate_lint_command.h"
#include "net/public.h"
#include "number_flags.h"
#include "option_bundles.h"
#include "settings.h"

namespace strata::cli {
namespace {

using nlohmann::json;
namespace mg = strata::migrate;

ColorMode color_mode(const MigrateOptions& o) { return o.out.color; }

std::chrono::milliseconds lock_timeout(const MigrateOptions& o) {
  return std::chrono::milliseconds(static_cast<long long>(o.lock_timeout_s * 1000));
}

// The database from --database, $DATABASE_URL, .env or the PG* variables, with --schema and
// --wait applied; nullopt when none is given.
std::optional<mg::Endpoint> database_endpoint(const MigrateOptions& o) {
  const net::Getenv getenv = process_getenv();
  const auto chosen = mg::choose_database_url(mg::ChosenDatabase{o.database, o.database_chosen_by}, getenv);
  if (!chosen) {
    if (!o.schema.empty()) throw Error(ExitCode::usage, "--schema needs a PostgreSQL database");
    return std::nullopt;
  }
  mg::Endpoint e = mg::endpoint_from_url(chosen->url, chosen->chosen_by, configuration().get("trust.endpoints").value, getenv);
  const mg::Engine& engine = mg::engine(e.kind);
  if (engine.storage == mg::Storage::file && e.path != ":memory:" && chosen->chosen_by == "./.env" &&
      !configuration().trust.trusted()) {
    // ./.env is the project's file: the SQLite database it names stays inside the project.
    config::require_inside_project(std::filesystem::absolute(e.path), configuration().trust.root,
                                   "./.env's DATABASE_URL: the database",
                                   "pass --database (or set $DATABASE_URL) to choose a database yourself, or trust the "
                                   "project: strata trust");
  }
  if (!e.password_withheld_for.empty() && engine.environment_has_password != nullptr &&
      engine.environment_has_password(getenv)) {
    print_warning(e.password_withheld_for + " chose the database " + e.display + "; the password in " +
                      std::string(engine.password_sources) +
                      " is not sent to it: trust it first with "
                      "STRATA_TRUSTED_ENDPOINTS=" + mg::server_origin(chosen->url) + " (or [trust] endpoints in your own config file)",
                  color_mode(o));
  }
  if (!o.schema.empty()) {
    if (!engine.schemas) {
      throw Error(ExitCode::usage, "--schema applies to PostgreSQL databases only", "SQLite has one schema");
    }
    e.schema = o.schema;
  }
  if (o.wait) e.wait = std::chrono::milliseconds(static_cast<long long>(o.wait_timeout_s * 1000));
  e.call_timeout = o.call_timeout;
  return e;
}

// The database every subcommand but `new` needs; a usage error naming how to give one.
mg::Endpoint required_endpoint(const MigrateOptions& o) {
  auto endpoint = database_endpoint(o);
  if (!endpoint) {
    throw Error(ExitCode::usage, "no database given",
                "pass --database sqlite:path/to/db.sqlite3, postgres://user@host/db or mysql://user@host/db, or set DATABASE_URL "
                "(also read from .env)");
  }
  return std::move(*endpoint);
}

// ${NAME} placeholders: from this process's environment, in every section with --envsub (or
// migrate.envsub), else in those marked envsub:on; never toward a server a file chose untrusted.
mg::Placeholders placeholders(const MigrateOptions& o, const mg::Endpoint* endpoint) {
  mg::Placeholders p;
  p.everywhere = o.envsub;
  // A migration's own envsub:on marker is the project's request: granted in a trusted project.
  p.section_markers = configuration().trust.trusted();
  p.getenv = process_getenv();
  if (endpoint != nullptr) p.server_chosen_by = endpoint->untrusted_choice;
  return p;
}

// Where the project starts (config/project_root.h): migration files that are links out of it
// are not read, and check flags ATTACH and VACUUM INTO of files out of it.
std::filesystem::path project_root() { return configuration().trust.root; }

mg::Target make_target(const MigrateOptions& o, mg::Endpoint endpoint, const DryRunFlags& dry = {}) {
  mg::Target t{std::move(endpoint), o.table, lock_timeout(o)};
  if (o.ddl_lock_timeout_s) t.ddl_lock_timeout = std::chrono::milliseconds(static_cast<long long>(*o.ddl_lock_timeout_s * 1000));
  t.project_root = project_root();
  t.placeholders = placeholders(o, &t.database);
  t.show_values = dry.show_values;
  return t;
}

mg::Migrator make_migrator(const MigrateOptions& o, const DryRunFlags& dry = {}) {
  return mg::Migrator(make_target(o, required_endpoint(o), dry), o.dirs);
}

std::string format_ms(double ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, ms < 10 ? "%.2f ms" : "%.0f ms", ms);
  return buf;
}

json steps_json(const mg::RunResult& r, mg::Direction direction) {
  json steps = json::array();
  for (const mg::Step& s : r.steps) {
    if (s.direction != direction) continue;
    steps.push_back({{"version", s.version_text},
                     {"name", s.name},
                     {"duration_ms", s.duration_ms}});
  }
  return steps;
}

// Prints a run: the SQL of a dry run on stdout, notes on stderr, --json on stdout.
int report_run(const MigrateOptions& o, const mg::RunResult& r, const char* nothing) {
  for (const std::string& note : r.notes) print_note(note, o.out);
  if (o.out.json) {
    // {"dry_run", "applied": [...], "reverted": [...], "sql" (dry run only)}
    json j = {{"dry_run", r.dry_run},
              {"applied", steps_json(r, mg::Direction::up)},
              {"reverted", steps_json(r, mg::Direction::down)}};
    if (r.dry_run) j["sql"] = r.sql;
    std::cout << json_text(j) << '\n';
    return 0;
  }
  if (r.dry_run) {
    std::cout << safe_on_stdout(r.sql);
    print_note("dry run: nothing was changed (" + std::to_string(r.steps.size()) + " migration(s) planned)", o.out);
  } else if (r.steps.empty()) {
    print_note(nothing, o.out);
  }
  return 0;
}

mg::StepDone step_printer(const MigrateOptions& o) {
  if (o.out.quiet || o.out.json) return {};
  const bool color = color_enabled(color_mode(o), STDERR_FILENO);
  return [color](const mg::Step& s) {
    const bool up = s.direction == mg::Direction::up;
    // One write per line: stderr is unbuffered and a long `up` prints a thousand of these.
    const std::string line = paint(up ? "applied" : "reverted", up ? Tone::good : Tone::warn, color) + ' ' +
                             safe(s.label()) + ' ' + paint("(" + format_ms(s.duration_ms) + ")", Tone::dim, color) + '\n';
    std::cerr << line;
  };
}

int run_new(const MigrateOptions& o, const NewFlags& f) {
  const mg::NewMigration created =
      mg::create_migration(o.dirs.front(), f.name, std::chrono::system_clock::now());
  if (created.advice) print_warning(*created.advice, color_mode(o));
  std::cout << safe(created.path) << '\n';
  return 0;
}

int run_up(const MigrateOptions& o, const UpFlags& f) {
  mg::UpOptions u;
  u.to = f.to;
  u.steps = f.steps;
  u.atomic = f.atomic;
  u.dry_run = f.dry.dry_run;
  u.allow_out_of_order = f.allow_out_of_order;
  u.resume = f.resume;
  // A dry run changes nothing, the database included: it reports what up would do to it.
  if (f.create && !f.dry.dry_run && mg::create_database(required_endpoint(o))) {
    print_note("created " + required_endpoint(o).display, o.out);
  }
  mg::Migrator m = make_migrator(o, f.dry);
  return report_run(o, m.up(u, step_printer(o)), "nothing to apply: the database is up to date");
}

int run_down(const MigrateOptions& o, const DownFlags& f) {
  mg::DownOptions d;
  d.to = f.to;
  d.steps = f.steps;
  d.all = f.all;
  d.dry_run = f.dry.dry_run;
  mg::Migrator m = make_migrator(o, f.dry);
  return report_run(o, m.down(d, step_printer(o)), "nothing to roll back");
}

int run_redo(const MigrateOptions& o, const RedoFlags& f) {
  mg::Migrator m = make_migrator(o, f.dry);
  mg::RedoOptions r;
  r.steps = f.steps.value_or(1);
  r.dry_run = f.dry.dry_run;
  return report_run(o, m.redo(r, step_printer(o)), "nothing to redo");
}

Tone state_tone(mg::EntryState s) {
  switch (s) {
    case mg::EntryState::applied: return Tone::good;
    case mg::EntryState::pending:
    case mg::EntryState::outdated: return Tone::warn;
    default: return Tone::bad;
  }
}

// What create or drop did: {"database", `key`: done} with --json, else `note`.
int print_admin_result(const MigrateOptions& o, const mg::Endpoint& endpoint, const char* key, bool done,
                       const std::string& note) {
  if (o.out.json) {
    std::cout << json_text(json{{"database", endpoint.display}, {key, done}}) << '\n';
  } else {
    print_note(note, o.out);
  }
  return 0;
}

// `create`: the database, unless it exists.
int run_create(const MigrateOptions& o) {
  const mg::Endpoint endpoint = required_endpoint(o);
  const bool created = mg::create_database(endpoint);
  return print_admin_result(o, endpoint, "created", created,
                            created ? "created " + endpoint.display : endpoint.display + " already exists");
}

// Asks on the terminal whether to drop; false unless the answer is y or yes.
bool confirmed_on_terminal(const std::string& display) {
  std::cerr << "strata: drop the database " << safe(display) << " and all its data? [y/N] " << std::flush;
  std::string answer;
  if (!std::getline(std::cin, answer)) return false;
  answer = to_lower(trim(answer));
  return answer == "y" || answer == "yes";
}

// `drop`: the database and all its data. On a terminal it asks unless --yes; elsewhere --yes is
// required, so that no script drops a database by accident.
int run_drop(const MigrateOptions& o, const DropFlags& f) {
  const mg::Endpoint endpoint = required_endpoint(o);
  if (!f.yes) {
    if (::isatty(STDIN_FILENO) != 1 || ::isatty(STDERR_FILENO) != 1) {
      throw Error(ExitCode::usage, "drop needs --yes when it cannot ask (not at a terminal)",
                  "strata migrate drop --yes drops " + endpoint.display + " and all its data");
    }
    if (!confirmed_on_terminal(endpoint.display)) throw Error(ExitCode::usage, "not dropped: not confirmed");
  }
  const bool dropped = mg::drop_database(endpoint);
  return print_admin_result(o, endpoint, "dropped", dropped,
                            dropped ? "dropped " + endpoint.display : endpoint.display + " does not exist");
}

// The schema file `load` applies: a usage error naming it when it cannot be read. A file
// larger than any schema (256 MiB) is refused rather than read into memory.
std::string read_schema_file(const std::string& path) {
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (ec) throw Error(ExitCode::usage, path + ": cannot read: " + ec.message(), "write one with strata migrate dump -o " + path);
  if (size > (std::uintmax_t{256} << 20)) throw Error(ExitCode::invalid_input, path + ": larger than 256 MiB, not a schema");
  std::ifstream in(path, std::ios::binary);
  std::string sql(static_cast<std::size_t>(size), '\0');
  if (!in.read(sql.data(), static_cast<std::streamsize>(size))) throw Error(ExitCode::usage, path + ": cannot read");
  return sql;
}

// `diff`: the next migration from the desired schema (migrate_diff_command.h).
int run_diff_of(const MigrateOptions& o, const DiffFlags& f) {
  DiffCommand c;
  c.name = f.name;
  c.to = f.to;
  c.renames = f.renames;
  c.no_rename = f.no_rename;
  c.concurrently = f.concurrently;
  c.dry_run = f.dry_run;
  c.database = database_endpoint(o);
  c.dirs = o.dirs;
  c.project_root = project_root();
  c.table = o.table;
  c.placeholders = placeholders(o, c.database ? &*c.database : nullptr);
  c.out = o.out;
  return run_diff(c);
}

// `load`: a schema.sql written by dump, into an empty database, its listed versions recorded.
int run_load(const MigrateOptions& o, const LoadFlags& f) {
  const std::string sql = read_schema_file(f.file);
  // Resolved once: resolving again would read .env again and repeat its warnings.
  const mg::Endpoint endpoint = required_endpoint(o);
  mg::Migrator m(make_target(o, endpoint), o.dirs);
  const mg::RunResult r = m.load(f.file, sql);
  if (o.out.json) {
    json versions = json::array();
    for (const mg::Step& s : r.steps) versions.push_back(s.version_text);
    std::cout << json_text(json{{"database", endpoint.display}, {"file", f.file}, {"recorded", versions}})
              << '\n';
  } else {
    print_note("loaded " + f.file + " into " + endpoint.display + "; " +
                   std::to_string(r.steps.size()) + (r.steps.size() == 1 ? " migration" : " migrations") +
                   " recorded as applied",
               o.out);
  }
  return 0;
}

// `wait`: until the database answers, for --wait-timeout seconds (default 60).
int run_wait(const MigrateOptions& o) {
  const mg::Endpoint endpoint = required_endpoint(o);
  const auto timeout = std::chrono::milliseconds(static_cast<long long>(o.wait_timeout_s * 1000));
  const mg::WaitResult r = mg::wait_for_database(endpoint, timeout);
  if (o.out.json) {
    std::cout << json_text(json{{"database", endpoint.display}, {"ready", true}, {"waited_ms", r.waited_ms}}) << '\n';
  } else {
    print_note(endpoint.display + " accepts connections (after " + format_ms(r.waited_ms) + ")", o.out);
  }
  return 0;
}

// `status --json`'s object.
json status_json(const MigrateOptions& o, const mg::Status& st) {
  json entries = json::array();
  for (const mg::StatusEntry& e : st.entries) {
    entries.push_back({{"version", e.version_text},
                       {"name", e.name},
                       {"state", mg::to_string(e.state)},
                       {"applied_at", e.applied_at.empty() ? json(nullptr) : json(e.applied_at)},
                       {"file", e.file.empty() ? json(nullptr) : json(e.file)}});
  }
  const auto endpoint = database_endpoint(o);
  return json{{"database", endpoint ? endpoint->display : std::string{}},
              {"dir", o.dirs.front()},
              {"dirs", o.dirs},
              {"applied", st.applied},
              {"pending", st.pending},
              {"partial", st.partial},
              {"migrations", entries}};
}

int run_status(const MigrateOptions& o) {
  mg::Migrator m = make_migrator(o);
  const mg::Status st = m.status();
  for (const mg::Problem& p : st.problems) print_warning(p.describe(), color_mode(o));
  if (o.out.json) {
    std::cout << json_text(status_json(o, st)) << '\n';
    return 0;
  }
  const bool color = color_enabled(color_mode(o), STDOUT_FILENO);
  Table table({"VERSION", "NAME", "STATE", "APPLIED_AT"});
  for (const mg::StatusEntry& e : st.entries) {
    const bool dirty = (st.source == mg::HistorySource::golang_migrate || st.source == mg::HistorySource::flyway) &&
                       e.state == mg::EntryState::partial;
    table.add({e.version_text, e.name, dirty ? "partial (dirty)" : mg::to_string(e.state),
               e.applied_at.empty() ? "-" : e.applied_at},
              {Tone::plain, Tone::plain, state_tone(e.state), Tone::dim});
  }
  if (!table.empty()) table.print(std::cout, color);
  if (st.source == mg::HistorySource::golang_migrate || st.source == mg::HistorySource::flyway) {
    for (const mg::StatusEntry& e : st.entries) {
      if (e.state == mg::EntryState::partial) {
        print_warning(std::string(st.source == mg::HistorySource::flyway ? "Flyway recorded version " + e.version_text + " as failed"
                                                                        : "golang-migrate left version " + e.version_text + " dirty") +
                          " (partial): up and down refuse until it is resolved; `strata migrate check` says how",
                      color_mode(o));
      }
    }
  }
  print_note(std::to_string(st.applied) + " applied, " +
                 (st.partial > 0 ? std::to_string(st.partial) + " partial, " : std::string{}) +
                 std::to_string(st.pending) + " pending" +
                 (st.database_exists ? "" : " (database does not exist yet)"),
             o.out);
  return 0;
}

int run_stamp(const MigrateOptions& o, const StampFlags& f) {
  mg::Migrator m = make_migrator(o);
  const mg::RunResult r = m.stamp(f.version);
  if (o.out.json) {
    std::cout << json_text(json{{"stamped", steps_json(r, mg::Direction::up)}}) << '\n';
  } else {
    for (const mg::Step& s : r.steps) print_note("stamped " + s.label() + " (recorded as applied, not run)", o.out);
    if (r.steps.empty()) print_note("nothing to stamp", o.out);
  }
  return 0;
}

int run_accept(const MigrateOptions& o, const AcceptFlags& f) {
  if (!f.version && !f.all) {
    throw Error(ExitCode::usage, "accept needs a VERSION or --all");
  }
  mg::Migrator m = make_migrator(o);
  const auto accepted = m.accept(f.all ? std::nullopt : std::optional<mg::Version>(f.version));
  if (o.out.json) {
    std::cout << json_text(json{{"accepted", accepted}}) << '\n';
  } else {
    for (const std::string& file : accepted) print_note("accepted the current checksum of " + file, o.out);
    if (accepted.empty()) print_note("no applied file has changed", o.out);
  }
  return 0;
}

int run_dump(const MigrateOptions& o, const DumpFlags& f) {
  mg::Migrator m = make_migrator(o);
  const mg::SchemaDump dump = m.dump();
  for (const std::string& note : dump.notes) print_warning(note, color_mode(o));
  const std::string& schema = dump.sql;
  if (f.output_file.empty() || f.output_file == "-") {
    std::cout << safe_on_stdout(schema);
    return 0;
  }
  // A device or a pipe (-o /dev/null, -o /dev/stdout) is written to, never replaced.
  std::error_code ec;
  const auto status = std::filesystem::status(f.output_file, ec);
  if (!ec && std::filesystem::exists(status) && !std::filesystem::is_regular_file(status)) {
    if (std::filesystem::is_directory(status)) throw Error(ExitCode::usage, f.output_file + ": is a directory");
    std::ofstream out(f.output_file, std::ios::binary);
    out << schema;
    if (!out) throw Error(ExitCode::unavailable, f.output_file + ": cannot write");
    return 0;
  }
  // Beside the target, created exclusively and renamed: a failure never leaves half a
  // schema.sql, and a `schema.sql.tmp` link a repository planted is never written through.
  write_file_atomically(f.output_file, schema);
  print_note("wrote " + f.output_file, o.out);
  return 0;
}

// The baseline options of `check`: --write-baseline [FILE] writes FILE, else --baseline, else the
// default file; --baseline FILE must exist, the default file need not.
void baseline_options(const MigrateOptions& o, const CheckFlags& f, mg::CheckOptions& c) {
  const std::string file = f.baseline.empty() ? mg::default_baseline_path(o.dirs.front()) : f.baseline;
  if (f.write_baseline) {
    c.write_baseline = f.write_baseline->empty() ? file : *f.write_baseline;
    return;
  }
  if (f.no_baseline) return;
  c.baseline = file;
  c.baseline_optional = f.baseline.empty();
}

// `check --json`'s object.
json check_json(const mg::CheckReport& r) {
  json findings = json::array();
  for (const mg::Finding& f : r.findings) {
    findings.push_back({{"code", f.code},
                        {"severity", mg::to_string(f.severity)},
                        {"version", f.version.empty() ? json(nullptr) : json(f.version)},
                        {"file", f.file.empty() ? json(nullptr) : json(f.file)},
                        {"line", f.line == 0 ? json(nullptr) : json(f.line)},
                        {"message", f.message},
                        {"detail", f.detail.empty() ? json(nullptr) : json(f.detail)},
                        {"fix", f.fix.empty() ? json(nullptr) : json(f.fix)},
                        {"baselined", f.baselined}});
  }
  return json{{"ok", r.ok()},
              {"exit_code", to_int(r.exit_code)},
              {"applied", r.applied},
              {"pending", r.pending},
              {"baseline", r.baseline_file.empty() ? json(nullptr) : json(r.baseline_file)},
              {"baselined", r.baselined},
              {"findings", findings}};
}

// What `check` is asked, from the options (the baseline file aside).
mg::CheckOptions check_options(const MigrateOptions& o, const CheckFlags& f) {
  mg::CheckOptions c;
  c.database = database_endpoint(o);
  c.table = o.table;
  c.busy_timeout = lock_timeout(o);
  c.drift = f.drift;
  c.roundtrip = f.roundtrip;
  c.strict = f.strict;
  c.ddl_lock_timeout = o.ddl_lock_timeout_s.has_value();
  c.placeholders = placeholders(o, c.database ? &*c.database : nullptr);
  c.project_root = project_root();
  return c;
}

int run_check(const MigrateOptions& o, const CheckFlags& flags) {
  mg::CheckOptions c = check_options(o, flags);
  baseline_options(o, flags, c);
  if ((c.drift) && !c.database) {
    throw Error(ExitCode::usage, "--drift needs a database", "pass --database or set DATABASE_URL");
  }
  const mg::CheckReport r = mg::check_directories(o.dirs, c);
  const int code = to_int(r.exit_code);
  if (o.out.json) {
    std::cout << json_text(check_json(r)) << '\n';
    return code;
  }
  if (!c.write_baseline.empty()) {
    print_note("wrote " + c.write_baseline + ": " + std::to_string(r.baselined) + " finding(s) baselined", o.out);
  }
  const bool color = color_enabled(color_mode(o), STDOUT_FILENO);
  Table table({"CODE", "SEVERITY", "VERSION", "FILE", "MESSAGE"});
  std::size_t errors = 0, warnings = 0;
  std::string details;
  for (const mg::Finding& f : r.findings) {
    // Acknowledged findings are counted in the summary and listed by --json only: the table
    // shows what needs attention.
    if (f.baselined) continue;
    errors += f.severity == mg::Severity::error;
    warnings += f.severity == mg::Severity::warning;
    // -q: the errors only, and nothing at all when there are none.
    if (o.out.quiet && f.severity != mg::Severity::error) continue;
    std::string file = f.file.empty() ? "-" : f.file;
    if (f.line > 0) file += ":" + std::to_string(f.line);
    table.add({f.code, mg::to_string(f.severity), f.version.empty() ? "-" : f.version, file, f.message},
              {Tone::plain, severity_tone(f.severity), Tone::plain, Tone::plain, Tone::plain});
    if (!f.fix.empty()) {
      std::string fix = f.fix;
      for (std::size_t at = fix.find('\n'); at != std::string::npos; at = fix.find('\n', at + 3)) fix.insert(at + 1, "  ");
      details += "\nto resolve " + f.code + (f.version.empty() ? "" : " " + f.version) + ":\n  " + fix + "\n";
    }
    if (flags.verbose && !f.detail.empty()) {
      const std::size_t nl = f.detail.find('\n');
      details += "\n" + f.code + (f.version.empty() ? "" : " " + f.version) + ": " + f.message + "\n";
      const std::string want = f.detail.substr(0, nl);
      const std::string have = nl == std::string::npos ? std::string{} : f.detail.substr(nl + 1);
      details += "  expected: " + (want.empty() ? std::string("(absent)") : want) + "\n";
      details += "  found:    " + (have.empty() ? std::string("(absent)") : have) + "\n";
    }
  }
  if (!table.empty()) table.print(std::cout, color);
  std::cout << safe(details);
  std::string summary = "check: " + std::to_string(errors) + " error(s), " + std::to_string(warnings) +
                        " warning(s), " + std::to_string(r.pending.size()) + " pending";
  if (r.database_checked) summary += ", " + std::to_string(r.applied) + " applied";
  if (!r.baseline_file.empty()) summary += ", " + std::to_string(r.baselined) + " baselined";
  print_note(summary + " (exit " + std::to_string(code) + ")", o.out);
  return code;
}

// CLI11's own checks print the limits of a double (hundreds of digits); this says what is wanted
// in a few words. The version becomes the number strata keys it by (mg::version_argument): leading
// zeros dropped, as a file's version reads (000010 is 10; CLI11 would read the digits after a
// leading 0 as octal), and a Flyway version (V1.1) its number. Used with ->transform, which keeps
// the change.
const CLI::Validator k_version_check(
    [](std::string& v) {
      const std::optional<mg::Version> version = mg::version_argument(v);
      if (!version) return "'" + v + "' is not a migration version (1 to 18 digits, or Flyway's V1.1)";
      v = std::to_string(*version);
      return std::string{};
    },
    "VERSION");

constexpr double k_max_wait_seconds = 86400.0 * 365;

void add_shared_options(CLI::App* app, MigrateOptions& o) {
  // -u/--url as dbmate's.
  app->add_option("-d,-u,--database,--url", o.database,
                  "Database: sqlite:path, sqlite:///abs/path, a path, postgres://user:pass@host:port/db or mysql://... "
                  "(default: $DATABASE_URL, then .env, then the PG* variables)");
  app->add_option("--schema", o.schema,
                  "PostgreSQL: schema for the migrations and the history table (default: first of the search_path)");
  app->add_flag("--wait", o.wait, "PostgreSQL, MySQL: wait for the server to accept connections (see --wait-timeout)");
  check_seconds(app->add_option("--wait-timeout", o.wait_timeout_s, "Seconds --wait waits for the server (default: 60)"),
                k_max_wait_seconds, Zero::allowed);
  // Repeatable, as dbmate's --migrations-dir. No envname: STRATA_MIGRATIONS_DIR comes through
  // the configuration (apply_configuration), like strata.toml's migrate.dir.
  app->add_option("--dir", o.dirs,
                  "Migrations directory; repeat it to read several as one set, ordered by version "
                  "(default: $STRATA_MIGRATIONS_DIR, then ./migrations)");
  app->add_option("--table", o.table, "History table (default: strata_migrations)");
  app->add_flag("--envsub", o.envsub,
                "Expand ${NAME} from the environment in every migration, not only in sections marked envsub:on "
                "(default: migrate.envsub)");
  check_seconds(app->add_option("--lock-timeout", o.lock_timeout_s,
                                "Seconds to wait for another strata's migration lock or a busy database (default: 60)"),
                k_max_wait_seconds, Zero::allowed);
  // Not --lock-timeout, which is strata's own migration lock: this is the server's table locks.
  check_seconds(app->add_option("--ddl-lock-timeout", o.ddl_lock_timeout_s,
                                "PostgreSQL, MySQL: seconds each migration statement waits for a table's lock before "
                                "it fails (default: migrate.ddl_lock_timeout, else the server's: for ever)"),
                k_max_wait_seconds);
  add_output_options(*app, o.out, {"Machine-readable output on stdout", "Print only errors"});
}

// Whether `option` was given to `migrate` or to the chosen subcommand.
bool given(CLI::App* migrate, const char* option) {
  if (migrate->count(option) > 0) return true;
  for (const CLI::App* sub : migrate->get_subcommands()) {
    if (sub->count(option) > 0) return true;
  }
  return false;
}

// Every --dir, given to `migrate` or to its subcommand (both bind the same vector, and whichever
// parses last would replace the other's), in command-line order.
std::vector<std::string> given_dirs(CLI::App* migrate) {
  std::vector<std::string> dirs;
  const auto take = [&dirs](const CLI::App* app) {
    for (const std::string& d : app->get_option("--dir")->results()) dirs.push_back(d);
  };
  take(migrate);
  for (const CLI::App* sub : migrate->get_subcommands()) take(sub);
  return dirs;
}

// --dir, --table and --database not given on the command line come from the configuration
// ($DATABASE_URL, strata.toml, the user file); ./.env and the PG* variables come after them
// (migrate::choose_database_url).
// The settings' values of the options no flag gave (`given` names the flags that were); the
// directories when `o.dirs` is empty.
void apply_settings(MigrateOptions& o, const std::function<bool(const char*)>& given_flag) {
  const config::Configuration& c = configuration();
  const config::Setting& dir = c.get("migrate.dir");
  if (o.dirs.empty() && !set_by_user(dir)) {
    o.dirs = {mg::default_migrations_dir()};
    mg::refuse_default_dir_outside(o.dirs.front(), project_root());
  } else if (o.dirs.empty()) {
    o.dirs = {dir.value};
  }
  if (!given_flag("--table")) o.table = c.get("migrate.table").value;
  if (!given_flag("--envsub")) o.envsub = c.get("migrate.envsub").value == "true";
  const config::Setting& ddl = c.get("migrate.ddl_lock_timeout");
  if (!given_flag("--ddl-lock-timeout") && !ddl.value.empty()) o.ddl_lock_timeout_s = std::stod(ddl.value);
  const config::Setting& db = c.get("migrate.database");
  if (!given_flag("--database") && set_by_user(db)) {
    o.database = db.value;
    if (chosen_by_project(db)) o.database_chosen_by = db.where;
  }
}

void apply_configuration(CLI::App* migrate, MigrateOptions& o) {
  o.dirs = given_dirs(migrate);
  apply_settings(o, [migrate](const char* flag) { return given(migrate, flag); });
}

// The options a project's settings give, no flag given (strata mcp's migration tools).
MigrateOptions project_options(std::chrono::milliseconds call_timeout) {
  MigrateOptions o;
  o.call_timeout = call_timeout;
  o.dirs.clear();
  apply_settings(o, [](const char*) { return false; });
  // SQLite's busy timeout (a file another process holds locked) has the same bound.
  if (call_timeout.count() > 0) o.lock_timeout_s = std::min(o.lock_timeout_s, std::chrono::duration<double>(call_timeout).count());
  o.out.json = true;
  o.out.color = ColorMode::never;
  return o;
}

// ---------------------------------------------------------------------------------------------
// The subcommands: each one's options (registered on it after the shared ones) and a row of the
// table. A new subcommand is its flags struct (migrate_command.h), its options, its run and a row.

void dry_run_options(CLI::App& sub, DryRunFlags& f) {
  sub.add_flag("--dry-run", f.dry_run, "Print the exact SQL that would run; change nothing");
  sub.add_flag("--show-values", f.show_values, "With --dry-run, print ${NAME} placeholders with their values");
}

void new_options(CLI::App& sub, NewFlags& f) {
  sub.add_option("NAME", f.name, "snake_case description, e.g. add_status_to_orders_table")->required();
}

void up_options(CLI::App& sub, UpFlags& f) {
  auto* to = sub.add_option("--to", f.to, "Apply up to and including this version")->transform(k_version_check);
  auto* steps = check_whole_number(sub.add_option("--steps", f.steps, "Apply at most N migrations"), 1);
  to->excludes(steps);
  sub.add_flag("--atomic", f.atomic, "Apply the whole batch in one transaction (all or nothing)");
  dry_run_options(sub, f.dry);
  sub.add_flag("--allow-out-of-order", f.allow_out_of_order, "Apply pending migrations older than the newest applied one");
  sub.add_flag("--resume", f.resume, "Continue a half-done transaction:false migration");
  sub.add_flag("--create", f.create, "Create the database first, unless it exists (as dbmate's up does)");
}

void down_options(CLI::App& sub, DownFlags& f) {
  auto* to = sub.add_option("--to", f.to, "Roll back every migration newer than this version")->transform(k_version_check);
  auto* steps = check_whole_number(sub.add_option("--steps", f.steps, "Roll back N migrations (default: 1)"), 1);
  auto* all = sub.add_flag("--all", f.all, "Roll back every applied migration");
  to->excludes(steps)->excludes(all);
  steps->excludes(all);
  dry_run_options(sub, f.dry);
}

void redo_options(CLI::App& sub, RedoFlags& f) {
  check_whole_number(sub.add_option("--steps", f.steps, "How many (default: 1)"), 1);
  dry_run_options(sub, f.dry);
}

void drop_options(CLI::App& sub, DropFlags& f) {
  sub.add_flag("-y,--yes", f.yes, "Drop without asking (required when not at a terminal)");
}

void load_options(CLI::App& sub, LoadFlags& f) {
  sub.add_option("FILE", f.file, "The schema file (default: schema.sql)");
}

void diff_options(CLI::App& sub, DiffFlags& f) {
  sub.add_option("NAME", f.name, "snake_case description, e.g. add_status_to_orders_table")->required();
  sub.add_option("--to", f.to, "The desired schema: SQL files, folders of them, or a database URL")->required();
  sub.add_option("--rename", f.renames, "OLD=NEW (a table) or TABLE.OLD=NEW (a column): a rename, not a drop and an add");
  sub.add_flag("--no-rename", f.no_rename, "Take every possible rename as a drop and an add");
  sub.add_flag("--concurrently", f.concurrently,
               "PostgreSQL: create indexes on existing tables CONCURRENTLY, in a second transaction:false migration");
  sub.add_flag("--dry-run", f.dry_run, "Print the migration; write nothing");
}

void stamp_options(CLI::App& sub, StampFlags& f) {
  sub.add_option("VERSION", f.version, "Newest version to record")->required()->transform(k_version_check);
}

void dump_options(CLI::App& sub, DumpFlags& f) {
  sub.add_option("-o,--output", f.output_file, "Write to FILE instead of stdout");
}

void check_flag_options(CLI::App& sub, CheckFlags& f) {
  sub.add_flag("--drift", f.drift, "Compare the live schema with a replay of the applied migrations");
  sub.add_flag("--roundtrip", f.roundtrip, "Check that each down undoes its up (in memory, or a scratch PostgreSQL schema)");
  sub.add_flag("--strict", f.strict, "Count warnings as errors");
  sub.add_flag("-v,--verbose", f.verbose, "Show the full definitions behind drift and roundtrip findings");
  auto* baseline = sub.add_option("--baseline", f.baseline,
                                  "Baseline file of acknowledged findings (default: DIR/.strata-baseline.json, when present)");
  sub.add_flag("--no-baseline", f.no_baseline, "Ignore the baseline file: every finding counts")->excludes(baseline);
  // A function rather than a bound std::optional: given without FILE, the option's value is
  // empty, which a bound optional would read as not given.
  sub.add_option_function<std::string>(
         "--write-baseline", [&f](const std::string& file) { f.write_baseline = file; },
         "Write the current warnings to FILE (default: the baseline file) and acknowledge them")
      ->expected(0, 1)
      ->type_name("[FILE]");
}

void lint_options(CLI::App& sub, LintFlags& f) {
  sub.add_option("FILE", f.files, "SQL files to lint, in the order they run; - reads standard input")->required();
  std::vector<std::string> engines;
  for (const mg::Engine& e : mg::engines()) engines.emplace_back(e.name);
  sub.add_option("--engine", f.engine, "The SQL's engine (default: the database URL's)")
      ->check(CLI::IsMember(engines));
  sub.add_option("--format", f.format, "table, json (as --json), github (Actions annotations) or sarif (default: table)")
      ->check(CLI::IsMember({"table", "json", "github", "sarif"}));
  sub.add_flag("--strict", f.strict, "Count warnings as errors");
}

int run_lint_of(const MigrateOptions& o, const LintFlags& f) {
  LintCommand c;
  c.files = f.files;
  if (!f.engine.empty()) {
    for (const mg::Engine& e : mg::engines()) {
      if (e.name == f.engine) c.engine = e.kind;
    }
  } else if (const auto endpoint = database_endpoint(o)) {
    c.engine = endpoint->kind;
  } else {
    throw Error(ExitCode::usage, "lint needs the SQL's engine",
                "pass --engine postgres, mysql or sqlite (or a database URL: its engine is used, nothing is connected)");
  }
  c.format = o.out.json || f.format == "json" ? LintFormat::json
             : f.format == "github"           ? LintFormat::github
             : f.format == "sarif"            ? LintFormat::sarif
                                              : LintFormat::table;
  c.strict = f.strict;
  c.ddl_lock_timeout = o.ddl_lock_timeout_s.has_value();
  c.out = o.out;
  return run_lint(c);
}

void import_options(CLI::App& sub, ImportFlags& f) {
  sub.add_option("UPGRADE_SQL", f.upgrade, "The SQL alembic upgrade base:head prints in offline mode; - reads standard input")
      ->required();
  sub.add_option("--down", f.downgrade, "The SQL alembic downgrade head:base prints in offline mode: each file's down section");
}

// `import`: an Alembic project's history as migration files in the (first) migrations directory.
int run_import(const MigrateOptions& o, const ImportFlags& f) {
  std::vector<mg::AlembicRevision> revisions =
      mg::read_alembic_upgrade(read_text_input(f.upgrade, "Alembic's SQL"), input_label(f.upgrade));
  if (!f.downgrade.empty()) {
    mg::add_alembic_downgrade(revisions, read_text_input(f.downgrade, "Alembic's SQL"), input_label(f.downgrade));
  }
  const std::vector<std::string> written = mg::write_alembic_revisions(o.dirs.front(), revisions);
  if (o.out.json) {
    json files = json::array();
    for (std::size_t i = 0; i < written.size(); ++i) {
      files.push_back({{"file", written[i]}, {"revision", revisions[i].revision}, {"down", revisions[i].down.has_value()}});
    }
    std::cout << json_text(json{{"directory", o.dirs.front()}, {"files", files}}) << '\n';
  } else {
    for (const std::string& path : written) std::cout << safe(path) << '\n';
  }
  const auto without_down = std::count_if(revisions.begin(), revisions.end(), [](const auto& r) { return !r.down; });
  print_note("imported " + std::to_string(written.size()) + " Alembic revision(s) into " + o.dirs.front() +
                 (without_down > 0 ? "; " + std::to_string(without_down) + " without a down (pass --down)" : std::string{}),
             o.out);
  return 0;
}

void accept_options(CLI::App& sub, AcceptFlags& f) {
  sub.add_option("VERSION", f.version, "The version to accept")->transform(k_version_check);
  sub.add_flag("--all", f.all, "Accept every changed file")->excludes("VERSION");
}

// What a subcommand does once its command line is parsed.
using Action = std::function<int()>;

struct Subcommand {
  const char* name;
  const char* help;    // one line, for `strata migrate --help`
  const char* footer;  // examples, and the exit codes where they say more than strata(1)
  // Registers the subcommand's own options on `sub` and returns its action, which runs with
  // `shared`: migrate's options, complete when the run starts (apply_configuration).
  Action (*setup)(CLI::App& sub, const MigrateOptions& shared);
  const char* alias = nullptr;  // another name, as a peer tool calls it (dbmate's `rollback`)
};

// A row's setup: the subcommand's typed flags, registered by `options` and kept by the action,
// which passes them to `run`.
template <class Flags, void (*options)(CLI::App&, Flags&), int (*run)(const MigrateOptions&, const Flags&)>
Action with_flags(CLI::App& sub, const MigrateOptions& shared) {
  auto flags = std::make_shared<Flags>();
  options(sub, *flags);
  return [&shared, flags] { return run(shared, *flags); };
}

// A row's setup for a subcommand with no options of its own.
template <int (*run)(const MigrateOptions&)>
Action shared_only(CLI::App&, const MigrateOptions& shared) {
  return [&shared] { return run(shared); };
}

// In `strata migrate --help`'s order.
constexpr std::array k_subcommands = {
    Subcommand{"new", "Create <timestamp>_<name>.sql with up and down sections",
               "Examples:\n  strata migrate new add_status_to_orders_table\n"
               "  strata migrate --dir db/migrations new create_users_table",
               with_flags<NewFlags, new_options, run_new>},
    Subcommand{"up", "Apply pending migrations, oldest first",
               "Examples:\n  strata migrate up\n  strata migrate up --dry-run\n  strata migrate up --steps 1 --atomic",
               with_flags<UpFlags, up_options, run_up>},
    Subcommand{"down", "Roll back applied migrations, newest first (default: one)",
               "Examples:\n  strata migrate down\n  strata migrate down --steps 3 --dry-run\n"
               "  strata migrate down --to 20260101120000\n"
               "Also: strata migrate rollback (dbmate's name)",
               with_flags<DownFlags, down_options, run_down>, "rollback"},
    Subcommand{"redo", "Roll back the newest N migrations (default: 1) and apply them again",
               "Examples:\n  strata migrate redo\n  strata migrate redo --steps 2 --dry-run",
               with_flags<RedoFlags, redo_options, run_redo>},
    Subcommand{"create", "Create the database, unless it exists",
               "Examples:\n  strata migrate -d sqlite:app.db create\n  strata migrate create --json\n"
               "Exit: 0 created or already there, 2 usage (a URL naming no database), 7 unavailable",
               shared_only<run_create>},
    Subcommand{"drop", "Drop the database and all its data (asks first at a terminal)",
               "Examples:\n  strata migrate -d sqlite:scratch.db drop --yes\n"
               "  strata migrate -d sqlite:scratch.db drop -y --json\n"
               "Exit: 0 dropped or not there, 2 usage (no --yes off a terminal, not confirmed), 7 unavailable",
               with_flags<DropFlags, drop_options, run_drop>},
    Subcommand{"load", "Apply a schema.sql written by dump to an empty database, recording its versions",
               "Examples:\n  strata migrate -d sqlite:fresh.db load schema.sql\n"
               "  strata migrate -d sqlite:fresh2.db load --json\n"
               "Exit: 0 loaded, 2 usage (no such file), 3 a listed version has no file, 6 a statement failed, "
               "7 not empty or unavailable",
               with_flags<LoadFlags, load_options, run_load>},
    Subcommand{"diff", "Write the next migration (up and down) from the schema you want",
               "Examples:\n  strata migrate diff add_status_to_orders_table --to schema.sql\n"
               "  strata migrate diff drop_legacy_tables --to schema.sql --no-rename --dry-run\n"
               "  strata migrate -d postgres://app@localhost/app diff catch_up --to postgres://app@localhost/app_by_hand\n"
               "Exit: 0 written or no difference, 2 usage (a possible rename undecided off a terminal), 3 the desired "
               "schema does not load, 5 the draft does not give the desired schema, 6 a migration does not replay, "
               "7 unavailable",
               with_flags<DiffFlags, diff_options, run_diff_of>},
    Subcommand{"wait", "Wait until the database accepts connections (--wait-timeout, default 60 s)",
               "Examples:\n  strata migrate -d postgres://app@db/app wait && strata migrate up\n"
               "  strata migrate wait --wait-timeout 120\n"
               "Exit: 0 ready, 2 usage, 7 not ready in time (the server's last answer is the message)",
               shared_only<run_wait>},
    Subcommand{"status", "Show applied, pending, missing and modified migrations",
               "Examples:\n  strata migrate status\n  strata migrate status --json", shared_only<run_status>},
    Subcommand{"stamp", "Record migrations up to VERSION as applied without running them (baseline)",
               "Examples:\n  strata migrate stamp 20260101120000\n"
               "  strata migrate -d sqlite:app.db stamp 20260101120000 --json",
               with_flags<StampFlags, stamp_options, run_stamp>},
    Subcommand{"dump", "Write the live schema as a deterministic schema.sql",
               "Examples:\n  strata migrate dump -o schema.sql\n  strata migrate -d sqlite:app.db dump | diff - schema.sql",
               with_flags<DumpFlags, dump_options, run_dump>},
    Subcommand{"check", "Check migration files and the database for CI (read-only)",
               "Examples:\n  strata migrate check\n  strata migrate check --roundtrip --drift --json\n"
               "  strata migrate check --write-baseline   # once, on an existing project; commit the file\n"
               "Exit: 0 clean, 1 pending, 3 directory, 4 history, 5 drift/roundtrip, 6 failed, 7 unavailable",
               with_flags<CheckFlags, check_flag_options, run_check>},
    Subcommand{"lint", "Lint SQL files any tool wrote with check's rules (no database needed)",
               "Examples:\n  strata migrate lint --engine postgres migrations/*.sql\n"
               "  strata migrate lint --engine postgres --format github migrations/*.sql   # in GitHub Actions\n"
               "Exit: 0 clean, 2 usage, 3 an error found (with --strict, a warning too)",
               with_flags<LintFlags, lint_options, run_lint_of>},
    Subcommand{"import", "Write an Alembic project's history as migration files (from Alembic's offline SQL)",
               "Examples:\n  strata migrate --dir db/from_alembic import up.sql --down down.sql\n"
               "  strata migrate --dir db/from_alembic import up.sql   # no downs\n"
               "  strata migrate -d postgres://app@localhost/app status   # alembic_version is adopted\n"
               "Exit: 0 written, 2 usage (the directory already holds migrations), 3 no such file, or not Alembic's output",
               with_flags<ImportFlags, import_options, run_import>},
    Subcommand{"accept", "Accept the current checksum of applied migrations whose file changed",
               "Examples:\n  strata migrate accept 20260101120000\n  strata migrate accept --all --json",
               with_flags<AcceptFlags, accept_options, run_accept>},
};

}  // namespace

std::string project_status_json(std::chrono::milliseconds call_timeout) {
  const MigrateOptions o = project_options(call_timeout);
  mg::Migrator m = make_migrator(o);
  return json_text(status_json(o, m.status()));
}

std::string project_check_json(std::chrono::milliseconds call_timeout) {
  const MigrateOptions o = project_options(call_timeout);
  mg::CheckOptions c = check_options(o, CheckFlags{});
  c.baseline = mg::default_baseline_path(o.dirs.front());
  c.baseline_optional = true;
  return json_text(check_json(mg::check_directories(o.dirs, c)));
}

Run setup_migrate(CLI::App& cmd) {
  // Kept by the returned run, which the subcommands' callbacks, bound to them by reference,
  // never outlive.
  auto options = std::make_shared<MigrateOptions>();
  auto chosen = std::make_shared<std::function<int()>>();
  MigrateOptions& o = *options;
  std::function<int()>& action = *chosen;
  CLI::App* migrate = &cmd;
  migrate->require_subcommand(1);
  add_shared_options(migrate, o);
  migrate->footer(
      "Examples:\n"
      "  strata migrate new create_users_table\n"
      "  strata migrate -d sqlite:app.db up\n"
      "  strata migrate -d sqlite:app.db check --json\n"
      "  strata migrate -d postgres://app@localhost/app --schema app --wait up\n"
      "  strata migrate --dir db/init --dir db/migrations up   # two directories, one set");

  for (const Subcommand& row : k_subcommands) {
    CLI::App* sub = migrate->add_subcommand(row.name, row.help);
    add_shared_options(sub, o);
    sub->footer(row.footer);
    if (row.alias != nullptr) sub->alias(row.alias);
    Action run = row.setup(*sub, o);
    sub->callback([&action, run] { action = run; });
  }
  // The configuration is applied (or its error raised) when the run starts, inside run()'s
  // error handling, after the subcommand's callback has chosen what to run.
  return [options, chosen, migrate](const RunContext& context) {
    options->out.color = context.color;
    apply_configuration(migrate, *options);
    return (*chosen)();
  };
}

}  // namespace strata::cli
