#include "ingest_vectors.h"

#include <CLI/CLI.hpp>

#include "common/public.h"
#include "config/public.h"
#include "setting_flags.h"
#include "settings.h"
#include "store/public.h"
#include "store_options.h"

namespace strata::cli {
namespace {

namespace em = strata::embed;
using nlohmann::json;

std::string outcome_name(em::VectorsOutcome o) {
  switch (o) {
    case em::VectorsOutcome::keyword_only: return "keyword_only";
    case em::VectorsOutcome::up_to_date: return "up_to_date";
    case em::VectorsOutcome::embedded: return "embedded";
    case em::VectorsOutcome::waiting: return "waiting";
    case em::VectorsOutcome::failed: return "failed";
  }
  return "keyword_only";
}

json step_json(const em::IngestVectorsResult& r) {
  json j = {{"outcome", outcome_name(r.outcome)},
            {"provider", r.model ? json(r.model->provider) : json(nullptr)},
            {"model", r.model ? json(r.model->model) : json(nullptr)},
            {"dimensions", r.model && r.model->dimensions > 0 ? json(r.model->dimensions) : json(nullptr)},
            {"waiting", r.waiting},
            {"error", r.error.empty() ? json(nullptr) : json(r.error)}};
  j.update(stats_json(r.run ? r.run->report.stats : em::EmbedStats{}));
  j["failures"] = failures_json(r.run ? r.run->report.failures : std::vector<em::FailedInput>{}, true);
  return j;
}

std::string embed_command(const std::string& collection) { return "strata embed --collection " + collection; }

// The one line the step ends with; returns whether it failed.
bool print_step(const em::IngestVectorsResult& r, const VectorsPlan& plan, const OutputOptions& out) {
  const std::string& c = plan.request.collection;
  const auto waiting = static_cast<std::size_t>(r.waiting);
  switch (r.outcome) {
    case em::VectorsOutcome::keyword_only:
      if (!plan.project_setting.empty() && plan.request.policy == em::IngestEmbedPolicy::embed) {
        print_note(plan.project_setting + ": ingest.embed does not choose a model for collection '" + c +
                       "', which has none: " + embed_command(c) + " does, and ingest keeps its vectors up to date from then on",
                   out);
      }
      return false;
    case em::VectorsOutcome::up_to_date: return false;
    case em::VectorsOutcome::waiting:
      print_note(plural(waiting, "chunk", "chunks") + " of collection '" + c + "' " + (waiting == 1 ? "waits" : "wait") +
                     " for a vector from " + model_text(*r.model) + ": " + embed_command(c) +
                     (plan.request.policy == em::IngestEmbedPolicy::skip ? "" : ", or ingest with --embed"),
                 out);
      return false;
    case em::VectorsOutcome::embedded: break;
    case em::VectorsOutcome::failed:
      print_error("vectors: " + r.error + "; " + plural(waiting, "chunk", "chunks") + " of collection '" + c + "' " +
                      (waiting == 1 ? "waits" : "wait") + " for " + embed_command(c) + " (the documents are ingested)",
                  "", out.color);
      return true;
  }
  const em::EmbedReport& report = r.run->report;
  print_failures(report.failures, out.color);
  print_note(embed_summary(report.stats, "chunk", "chunks") + " · collection '" + c + "', " + model_text(r.run->model), out);
  if (report.failures.empty()) return false;
  print_error("vectors: " + plural(report.failures.size(), "chunk was", "chunks were") +
                  " not embedded (listed above); the documents are ingested and " + embed_command(c) +
                  " retries them",
              "", out.color);
  return true;
}

}  // namespace

void add_ingest_embed_options(CLI::App& cmd, IngestEmbedFlags& flags) {
  CLI::Option* embed = cmd.add_flag(
      "--embed", flags.embed,
      "Embed the new chunks at once, also with a server model (default: ingest.embed; the built-in model's always are)");
  CLI::Option* no_embed = cmd.add_flag("--no-embed", flags.no_embed, "Leave the new chunks without vectors, for strata embed");
  embed->excludes(no_embed);
  add_embedding_endpoint_options(cmd, flags.endpoint);
}

VectorsPlan plan_vectors(const std::string& collection, const IngestEmbedFlags& flags) {
  VectorsPlan plan;
  em::IngestVectorsRequest& r = plan.request;
  r.collection = collection;
  if (flags.no_embed) {
    r.policy = em::IngestEmbedPolicy::skip;
  } else if (flags.embed) {
    r.policy = em::IngestEmbedPolicy::embed;
    r.choose_model = true;
  } else {
    const config::Setting& s = configuration().get("ingest.embed");
    if (s.value == "true") {
      r.policy = em::IngestEmbedPolicy::embed;
      r.choose_model = !chosen_by_project(s);
      if (!r.choose_model) plan.project_setting = s.where;
    }
  }
  // A model for a collection without one, as `strata embed` would choose it.
  r.settings.provider = configured_in_file("embed.provider");
  r.settings.model = configured_in_file("embed.model");
  r.settings.query_prefix = configured_in_file("embed.query_prefix");
  r.settings.document_prefix = configured_in_file("embed.document_prefix");
  apply_endpoint(flags.endpoint, r.settings);
  return plan;
}

VectorsStep run_vectors_step(const std::string& store_path, const VectorsPlan& plan, const OutputOptions& out) {
  // Notes and progress on stderr, never with --json (its summary carries the counts).
  const OutputOptions notes{out.color, out.quiet || out.json, out.json};
  em::IngestVectorsResult r;
  try {
    const std::unique_ptr<service::Session> session = open_session_at(store_path);
    store::Store& st = session->store();
    EmbedReporter reporter(notes, "'" + plan.request.collection + "'");
    r = em::vectors_after_ingest(st, plan.request, reporter);
    reporter.done();
  } catch (const Error& e) {
    // The ingest has just written this store; whatever keeps it from opening now, the
    // documents are committed, so it is this step that failed.
    r.outcome = em::VectorsOutcome::failed;
    r.error = with_flags(e.what());  // a setting core names, as its flag (setting_flags.h)
  }
  VectorsStep step;
  step.json = step_json(r);
  step.failed = print_step(r, plan, notes);
  return step;
}

}  // namespace strata::cli
