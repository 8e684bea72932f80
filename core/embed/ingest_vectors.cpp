#include "embed/ingest_vectors.h"

#include "common/error.h"
#include "store/collections.h"

namespace strata::embed {
namespace {

// The built-in models need no network and cost little: they are always kept up to date.
bool built_in(const store::EmbeddingModel& m) { return m.provider == "local"; }

bool wanted(const IngestVectorsRequest& req, const std::optional<store::EmbeddingModel>& model) {
  if (req.policy == IngestEmbedPolicy::skip) return false;
  if (!model) return req.policy == IngestEmbedPolicy::embed && req.choose_model;
  return req.policy == IngestEmbedPolicy::embed || built_in(*model);
}

std::int64_t pending(store::Store& store, std::int64_t collection_id) {
  store::EmbeddingStore es(store);
  return es.count_pending(collection_id);
}

// The settings for embed_collection: the recorded model, whatever the [embed] settings say
// (they choose a model only for a collection without one).
EmbedSettings settings_for(const IngestVectorsRequest& req, const std::optional<store::EmbeddingModel>& model) {
  EmbedSettings s = req.settings;
  s.switch_model = false;
  if (model) {
    s.provider = model->provider;
    s.model = model->model;
    s.dimensions.reset();  // the recorded size
    s.query_prefix.reset();  // the recorded prefixes: a change is a switch, which ingest never makes
    s.document_prefix.reset();
  }
  return s;
}

}  // namespace

IngestVectorsResult vectors_after_ingest(store::Store& store, const IngestVectorsRequest& request,
                                         EmbedObserver& observer) {
  IngestVectorsResult r;
  std::optional<std::int64_t> collection_id;
  try {
    std::optional<store::CollectionInfo> c;
    {
      store::EmbeddingStore es(store);
      c = store::find_collection(store, request.collection);
      if (!c) return r;  // nothing was ever written to it (every input failed)
      collection_id = c->id;
      r.model = c->embedding_model;
      if (!c->embedding_model && !wanted(request, c->embedding_model)) return r;
      r.waiting = es.count_pending(c->id);
    }
    if (r.waiting == 0) {
      r.outcome = c->embedding_model ? VectorsOutcome::up_to_date : VectorsOutcome::keyword_only;
      return r;
    }
    if (!wanted(request, c->embedding_model)) {
      r.outcome = VectorsOutcome::waiting;
      return r;
    }
    r.run = embed_collection(store, request.collection, settings_for(request, c->embedding_model), observer);
    r.model = r.run->model;
    if (r.run->report.fatal) {
      r.outcome = VectorsOutcome::failed;
      r.error = r.run->report.fatal->message;
    } else {
      r.outcome = VectorsOutcome::embedded;
    }
    r.waiting = pending(store, c->id);
  } catch (const Error& e) {
    // A bad setting, a model conflict or a store that fails while embedding: the documents are
    // committed all the same, so this is the step's failure, not the run's.
    r.outcome = VectorsOutcome::failed;
    r.error = e.what();
    if (collection_id) {
      try {
        r.waiting = pending(store, *collection_id);
      } catch (const Error&) {
        // The store failed again: the count stays the last one known.
      }
    }
  }
  return r;
}

}  // namespace strata::embed
