#pragma once
// `strata embed --collection C`: every chunk of C without a vector gets one, from the cache
// when its text was embedded before under the same model, else from the provider.
//
// A collection records its provider, model and dimensions with its first vector. A later run
// with another model is refused (Error usage), since vectors of two models cannot be compared,
// unless `switch_model` is set: then the collection's vectors are dropped and the new model
// recorded in one transaction, and every chunk is embedded again (the cache makes switching
// back free).
#include <cstdint>
#include <string>

#include "embed/pipeline.h"
#include "embed/settings.h"
#include "store/embedding_store.h"
#include "store/store.h"

namespace strata::embed {

struct CollectionEmbedResult {
  std::string collection;
  store::EmbeddingModel model;   // what the collection's vectors are now (dimensions 0: none learnt)
  std::int64_t dropped = 0;      // vectors dropped by switch_model
  std::int64_t chunks = 0;       // in the collection
  std::int64_t already = 0;      // had a vector before this run
  EmbedReport report;
};

// Throws Error(invalid_input) for a collection that does not exist (naming the ones that do),
// Error(usage) for a model conflict or bad settings, Error(unavailable) for store failures. A
// provider's failure does not throw: it is report.fatal, with everything before it stored.
CollectionEmbedResult embed_collection(store::Store& store, const std::string& collection, const EmbedSettings& settings,
                                       EmbedObserver& observer);

}  // namespace strata::embed
