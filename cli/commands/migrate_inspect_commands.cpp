// `strata migrate`'s subcommands that read and report: status, check, lint, diff, dump (rows of
// the table in migrate_command.cpp), and the status and check reports of strata mcp's migration
// tools.
#include "migrate_subcommands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "common/public.h"
#include "json_text.h"
#include "migrate/public.h"
#include "service/public.h"
#include "migrate_command.h"
#include "migrate_diff_command.h"
#include "migrate_lint_command.h"

namespace strata::cli::migrate_subcommands {
namespace {

Tone state_tone(mg::EntryState s) {
  switch (s) {
    case mg::EntryState::applied: return Tone::good;
    case mg::EntryState::pending:
    case mg::EntryState::outdated: return Tone::warn;
    default: return Tone::bad;
  }
}

// `status --json`'s object: the service's report (service/migrate_reports.h).
json status_json(const MigrateOptions& o, const mg::Status& st) {
  const auto endpoint = database_endpoint(o);
  return service::status_json(st, endpoint ? endpoint->display : std::string{}, o.dirs);
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
  c.server_version = o.server_version;
  c.placeholders = placeholders(o, c.database ? &*c.database : nullptr);
  c.project_root = project_root();
  c.tool_variables = tool_variables(o);
  return c;
}

}  // namespace

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
  c.tool_variables = tool_variables(o);
  c.table = o.table;
  c.placeholders = placeholders(o, c.database ? &*c.database : nullptr);
  c.out = o.out;
  return run_diff(c);
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
    const bool dirty = (st.source == mg::HistorySource::golang_migrate || st.source == mg::HistorySource::flyway ||
                        st.source == mg::HistorySource::prisma) &&
                       e.state == mg::EntryState::partial;
    table.add({e.version_text, e.name, dirty ? "partial (dirty)" : mg::to_string(e.state),
               e.applied_at.empty() ? "-" : e.applied_at},
              {Tone::plain, Tone::plain, state_tone(e.state), Tone::dim});
  }
  if (!table.empty()) table.print(std::cout, color);
  if (st.source == mg::HistorySource::golang_migrate || st.source == mg::HistorySource::flyway ||
      st.source == mg::HistorySource::prisma) {
    for (const mg::StatusEntry& e : st.entries) {
      if (e.state == mg::EntryState::partial) {
        const std::string label = e.name.empty() ? e.version_text : e.version_text + "_" + e.name;
        print_warning(std::string(st.source == mg::HistorySource::flyway   ? "Flyway recorded version " + e.version_text + " as failed"
                                  : st.source == mg::HistorySource::prisma ? "Prisma recorded migration " + label + " as failed"
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

int run_check(const MigrateOptions& o, const CheckFlags& flags) {
  mg::CheckOptions c = check_options(o, flags);
  baseline_options(o, flags, c);
  if ((c.drift) && !c.database) {
    throw Error(ExitCode::usage, "--drift needs a database", "pass --database or set DATABASE_URL");
  }
  const mg::CheckReport r = cli::with_flags(mg::check_directories(o.dirs, c));
  const int code = to_int(r.exit_code);
  if (o.out.json) {
    std::cout << json_text(service::check_json(r)) << '\n';
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

void diff_options(CLI::App& sub, DiffFlags& f) {
  sub.add_option("NAME", f.name, "snake_case description, e.g. add_status_to_orders_table")->required();
  sub.add_option("--to", f.to, "The desired schema: SQL files, folders of them, or a database URL")->required();
  sub.add_option("--rename", f.renames, "OLD=NEW (a table) or TABLE.OLD=NEW (a column): a rename, not a drop and an add");
  sub.add_flag("--no-rename", f.no_rename, "Take every possible rename as a drop and an add");
  sub.add_flag("--concurrently", f.concurrently,
               "PostgreSQL: create indexes on existing tables CONCURRENTLY, in a second transaction:false migration");
  sub.add_flag("--dry-run", f.dry_run, "Print the migration; write nothing");
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
  c.server_version = o.server_version;
  c.out = o.out;
  return run_lint(c);
}

}  // namespace strata::cli::migrate_subcommands

namespace strata::cli {

json project_status_json(std::chrono::milliseconds call_timeout) {
  const MigrateOptions o = migrate_subcommands::project_options(call_timeout);
  migrate::Migrator m = migrate_subcommands::make_migrator(o);
  return migrate_subcommands::status_json(o, m.status());
}

json project_check_json(std::chrono::milliseconds call_timeout) {
  const MigrateOptions o = migrate_subcommands::project_options(call_timeout);
  migrate::CheckOptions c = migrate_subcommands::check_options(o, CheckFlags{});
  c.baseline = migrate::default_baseline_path(o.dirs.front());
  c.baseline_optional = true;
  return service::check_json(with_flags(migrate::check_directories(o.dirs, c)));
}

}  // namespace strata::cli
