// `strata migrate`'s subcommands that apply, roll back or record migrations: up, down, redo,
// stamp, accept (rows of the table in migrate_command.cpp).
#include "migrate_subcommands.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <iostream>
#include <optional>
#include <string>

#include "common/public.h"
#include "json_text.h"
#include "migrate/public.h"
#include "number_flags.h"

namespace strata::cli::migrate_subcommands {
namespace {

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

void dry_run_options(CLI::App& sub, DryRunFlags& f) {
  sub.add_flag("--dry-run", f.dry_run, "Print the exact SQL that would run; change nothing");
  sub.add_flag("--show-values", f.show_values, "With --dry-run, print ${NAME} placeholders with their values");
}

}  // namespace

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

void stamp_options(CLI::App& sub, StampFlags& f) {
  sub.add_option("VERSION", f.version, "Newest version to record")->required()->transform(k_version_check);
}

void accept_options(CLI::App& sub, AcceptFlags& f) {
  sub.add_option("VERSION", f.version, "The version to accept")->transform(k_version_check);
  sub.add_flag("--all", f.all, "Accept every changed file")->excludes("VERSION");
}

}  // namespace strata::cli::migrate_subcommands
