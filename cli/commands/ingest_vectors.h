#pragma once
// `strata ingest`'s last step: vectors for the chunks it wrote (core/embed/ingest_vectors.h),
// with its flags and the one line (or JSON object) it ends with.
#include <nlohmann/json.hpp>
#include <string>

#include "embed/public.h"
#include "embed_output.h"
#include "output.h"

namespace CLI {
class App;
}

namespace strata::cli {

struct IngestEmbedFlags {
  bool embed = false;     // --embed
  bool no_embed = false;  // --no-embed
  EndpointFlags endpoint;
};

// Registers --embed, --no-embed and the endpoint flags (--base-url, --api-key-env,
// --max-retries, --timeout).
void add_ingest_embed_options(CLI::App& cmd, IngestEmbedFlags& flags);

// What the step is to do, from the flags and the configuration: --no-embed, else --embed,
// else `ingest.embed`.
struct VectorsPlan {
  embed::IngestVectorsRequest request;
  // A project file's `ingest.embed = true` ("/p/strata.toml:4"): it does not choose a model
  // for a collection without one (a cloned repository's file could otherwise send its new
  // collection's text to a server), and the step says so when that is what happened.
  std::string project_setting;
};

// Throws Error(usage) for a bad flag: called before the ingest, so that nothing is written.
VectorsPlan plan_vectors(const std::string& collection, const IngestEmbedFlags& flags);

struct VectorsStep {
  nlohmann::json json;  // for the --json summary's "vectors"
  bool failed = false;  // chunks that were to be embedded were not: the run exits 8
};

// Runs the step on the store at `store_path` (after the ingest committed) and prints what it
// did: progress on a terminal, then at most one line on stderr (a note, unless out.quiet or
// out.json; for a failure an error line naming the chunks left for `strata embed`, always).
VectorsStep run_vectors_step(const std::string& store_path, const VectorsPlan& plan, const OutputOptions& out);

}  // namespace strata::cli
