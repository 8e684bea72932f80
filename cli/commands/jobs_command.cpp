#include "jobs_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "common/public.h"
#include "option_bundles.h"
#include "output.h"
#include "serve/public.h"
#include "store/public.h"
#include "store_options.h"

namespace strata::cli {
namespace {

using nlohmann::json;

struct JobsOptions {
  StoreOptions store;
  std::string id;
  std::optional<std::string> owner;
  std::size_t limit = 50;
  OutputOptions out;  // out.color: the run's (RunContext)
};

std::string job_line(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n"; }

// A job's row as `strata jobs --json` shows it: the API's shape, with who started it.
json job_row_json(const store::Job& job) {
  json j = serve::job_json(job);
  j["owner"] = job.owner;
  return j;
}

std::string progress_text(const store::Job& j) {
  return std::to_string(j.done) + (j.total ? "/" + std::to_string(*j.total) : std::string());
}

store::Job named_job(store::Store& st, const std::string& id) {
  std::optional<store::Job> job = store::find_job(st, id);
  if (!job) throw Error(ExitCode::invalid_input, "no job '" + id.substr(0, store::k_max_job_id) + "' in " + st.path(), "strata jobs list shows them");
  return *job;
}

int list_jobs(const JobsOptions& o) {
  const std::unique_ptr<service::Session> session = open_session(o.store);
  const std::vector<store::Job> jobs = store::list_jobs(session->store(), o.owner, o.limit);
  if (o.out.json) {
    std::string out;
    for (const store::Job& j : jobs) out += job_line(job_row_json(j));
    write_out(out);
    return 0;
  }
  if (jobs.empty()) {
    print_note("no jobs: strata serve queues one for each crawl (POST .../web) and embed (POST .../embed)", o.out);
    return 0;
  }
  Table table({"ID", "KIND", "COLLECTION", "OWNER", "STATUS", "PROGRESS", "CREATED", "FINISHED"});
  for (const store::Job& j : jobs) {
    const Tone tone = store::finished(j.status) ? Tone::dim : Tone::plain;
    table.add({j.id, j.kind, j.collection, j.owner.empty() ? "-" : j.owner, store::to_string(j.status), progress_text(j),
               j.created_at, j.finished_at.value_or("-")},
              std::vector<Tone>(8, tone));
  }
  table.print(std::cout, color_enabled(o.out.color, STDOUT_FILENO));
  std::cout << std::flush;
  return 0;
}

int show_job(const JobsOptions& o) {
  const std::unique_ptr<service::Session> session = open_session(o.store);
  const store::Job j = named_job(session->store(), o.id);
  if (o.out.json) {
    write_out(job_line(job_row_json(j)));
    return 0;
  }
  std::string out;
  const auto field = [&](const std::string& name, const std::string& value) { out += name + ": " + value + "\n"; };
  field("id", j.id);
  field("kind", j.kind);
  field("collection", j.collection);
  field("owner", j.owner.empty() ? "-" : j.owner);
  field("status", std::string(store::to_string(j.status)) + (j.cancel_requested && !store::finished(j.status) ? " (cancel asked)" : ""));
  field("progress", progress_text(j));
  field("created", j.created_at);
  field("started", j.started_at.value_or("-"));
  field("finished", j.finished_at.value_or("-"));
  if (j.error) field("error", *j.error);
  if (j.result) field("result", *j.result);
  write_out(safe_on_stdout(out));
  return 0;
}

int cancel_job(const JobsOptions& o) {
  const std::unique_ptr<service::Session> session = open_session(o.store);
  store::Store& st = session->store();
  const store::Job before = named_job(st, o.id);
  const store::Job j = store::cancel_job(st, o.id, serve::job_time(std::chrono::system_clock::now())).value_or(before);
  if (o.out.json) write_out(job_line(job_row_json(j)));
  if (j.status == store::JobStatus::cancelled) {
    print_note("cancelled job " + j.id, o.out);
  } else if (store::finished(j.status)) {
    print_note("job " + j.id + " had already ended (" + store::to_string(j.status) + ")", o.out);
  } else {
    print_note("asked job " + j.id + " to stop: its server stops it within seconds, keeping what it did", o.out);
  }
  return 0;
}

}  // namespace

Run setup_jobs(CLI::App& cmd) {
  auto o = std::make_shared<JobsOptions>();
  cmd.require_subcommand(1, 1);
  add_color_option(cmd);
  cmd.footer(
      "Examples:\n"
      "  strata jobs list\n"
      "  strata jobs show 01a227c34d20991d4ecefa855260cae1\n"
      "  strata jobs cancel 01a227c34d20991d4ecefa855260cae1");

  CLI::App* list = cmd.add_subcommand("list", "List the jobs, newest first: id, kind, collection, owner, status, progress");
  list->add_option("--owner", o->owner, "Only the jobs of this key (\"\" for a server without keys)")->type_name("KEY");
  list->add_option("--limit", o->limit, "Jobs listed at most (default: 50)")->type_name("N")->check(CLI::Range(1, 100000));
  add_store_option(*list, o->store);
  add_output_options(*list, o->out, {"JSON Lines: one object per job (the API's shape, with owner)", "No note on stderr when there is none"});
  list->footer("Examples:\n  strata jobs list\n  strata jobs list --owner app --json | jq -r .status\nExit: 0 listed, 2 usage, 7 no store");

  CLI::App* show = cmd.add_subcommand("show", "Show one job: status, progress, times, result or error");
  show->add_option("ID", o->id, "The job's id")->required();
  add_store_option(*show, o->store);
  add_output_options(*show, o->out, {"One JSON object: the job", "No note on stderr"});
  show->footer(
      "Examples:\n  strata jobs show 01a227c34d20991d4ecefa855260cae1\n"
      "  strata jobs show 01a227c34d20991d4ecefa855260cae1 --json | jq .progress\n"
      "Exit: 0 shown, 2 usage, 3 no such job, 7 no store");

  CLI::App* cancel = cmd.add_subcommand("cancel", "Cancel a job: a queued one at once, a running one by its server within seconds");
  cancel->add_option("ID", o->id, "The job's id")->required();
  add_store_option(*cancel, o->store);
  add_output_options(*cancel, o->out, {"One JSON object: the job", "No note on stderr"});
  cancel->footer(
      "Examples:\n  strata jobs cancel 01a227c34d20991d4ecefa855260cae1\n"
      "  strata jobs cancel 01a227c34d20991d4ecefa855260cae1 --json | jq -r .status\n"
      "Exit: 0 cancelled, asked to stop or already ended, 2 usage, 3 no such job, 7 no store");

  return [o, show, cancel](const RunContext& context) {
    o->out.color = context.color;
    if (show->parsed()) return show_job(*o);
    if (cancel->parsed()) return cancel_job(*o);
    return list_jobs(*o);
  };
}

}  // namespace strata::cli
