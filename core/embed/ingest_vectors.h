#pragma once
// The vectors of what `strata ingest` wrote, once its documents are committed: a collection
// with an embedding model keeps every chunk searchable by vector.
//
// - A collection recorded with the built-in (local) model gets its chunks without a vector
//   embedded at once: no network, a few milliseconds per hundred chunks.
// - A collection recorded with a server model gets them embedded only when asked
//   (`ingest --embed`, `[ingest] embed = true`); otherwise they wait for `strata embed`, and
//   the result counts them.
// - A collection without a model stays keyword-only, unless asked with `choose_model`: then it
//   is embedded with the model `strata embed` would choose (the [embed] settings, else the
//   built-in one), which it records.
// - Policy::skip (`--no-embed`) embeds nothing and counts what waits.
//
// Embedding goes through embed_collection (the cache, batching, retries, a commit per batch),
// so whatever fails leaves the documents as they were committed and the finished batches
// stored: a later `strata embed` does the rest.
#include <cstdint>
#include <optional>
#include <string>

#include "embed/collection_embed.h"
#include "embed/pipeline.h"
#include "embed/settings.h"
#include "store/embedding_store.h"
#include "store/store.h"

namespace strata::embed {

enum class IngestEmbedPolicy {
  automatic,  // the built-in model's collections only (Default)
  embed,      // server models too
  skip,       // none
};

struct IngestVectorsRequest {
  std::string collection;
  IngestEmbedPolicy policy = IngestEmbedPolicy::automatic;
  // Policy::embed on a collection without a model: embed it with the model the settings
  // choose. Only for a wish the user expressed (a flag, the user's own file), never a project
  // file's, which could otherwise start sending a new collection's text to a server.
  bool choose_model = false;
  // How to reach a server (base URL, key variable, retries, timeout); the provider and model
  // only matter for a collection without a model. A recorded model always wins, so `ingest`
  // never meets the model conflict `strata embed` refuses.
  EmbedSettings settings;
};

enum class VectorsOutcome {
  keyword_only,  // no model recorded, none chosen: nothing to do
  up_to_date,    // every chunk has a vector
  embedded,      // embedding ran (see run; `waiting` counts what it could not do)
  waiting,       // chunks wait for `strata embed` (a server model not asked for, or skip)
  failed,        // embedding stopped: `error` says why; `waiting` counts what is left
};

struct IngestVectorsResult {
  VectorsOutcome outcome = VectorsOutcome::keyword_only;
  std::optional<store::EmbeddingModel> model;  // the collection's, after this step
  std::int64_t waiting = 0;                    // chunks without a vector after this step
  std::optional<CollectionEmbedResult> run;    // when embedding ran
  std::string error;                           // failed: one line, e.g. "HTTP 401: Incorrect API key ..."
};

// REQUIRES: the ingest's documents are committed. Never throws for a provider's failure, a bad
// setting or a model conflict (those are outcome failed, since the documents are in); throws
// Error(unavailable) when the store cannot be read before anything is embedded.
IngestVectorsResult vectors_after_ingest(store::Store& store, const IngestVectorsRequest& request,
                                         EmbedObserver& observer);

}  // namespace strata::embed
