// search_store.h: what holds for every backend (the filters' rule, the bound on a model's size),
// then the store's backend (backend.h).
#include "store/search_store.h"

#include "common/error.h"
#include "common/setting.h"
#include "store/backend.h"

namespace strata::store {

void validate_filters(const std::vector<DocumentFilter>& filters) {
  for (const DocumentFilter& f : filters) {
    if (f.key.empty()) {
      throw Error(ExitCode::usage, mention(Setting::where) + ": the key is empty in '=" + f.value + "'",
                  "give KEY=VALUE, e.g. " + mention(Setting::where) + " team=legal");
    }
  }
}

bool any_document_passes(Store& store, std::int64_t collection_id, const std::vector<DocumentFilter>& filters) {
  return store.backend().any_document_passes(store, collection_id, filters);
}

bool collection_is_whole_store(Store& store, std::int64_t collection_id) {
  return store.backend().collection_is_whole_store(store, collection_id);
}

std::vector<std::string> terms_not_in_collection(Store& store, std::int64_t collection_id,
                                                 const std::vector<std::string>& terms) {
  return store.backend().terms_not_in_collection(store, collection_id, terms);
}

std::vector<std::string> words_inside_no_term(Store& store, std::int64_t collection_id,
                                              const std::vector<std::string>& words) {
  return store.backend().words_inside_no_term(store, collection_id, words);
}

std::vector<KeywordRow> keyword_search(Store& store, std::int64_t collection_id, const std::string& match,
                                       const std::vector<DocumentFilter>& filters, std::size_t limit, bool in_memory,
                                       const KeywordRanking& ranking) {
  validate_filters(filters);
  if (ranking.title_cap < 0) {
    throw Error(ExitCode::usage, "the title cap must be 0 (none) or a number of terms (got " +
                                     std::to_string(ranking.title_cap) + ")");
  }
  return store.backend().keyword_search(store, collection_id, match, filters, limit, in_memory, ranking);
}

std::vector<std::int64_t> filtered_chunk_ids(Store& store, std::int64_t collection_id,
                                             const std::vector<DocumentFilter>& filters) {
  validate_filters(filters);
  return store.backend().filtered_chunk_ids(store, collection_id, filters);
}

VectorFingerprint vector_fingerprint(Store& store) { return store.backend().vector_fingerprint(store); }

CollectionVectors load_vectors(Store& store, std::int64_t collection_id, std::size_t dims) {
  // The size is the store's data: room for every row is made before the rows are read.
  if (dims > static_cast<std::size_t>(k_max_vector_dimensions)) {
    throw Error(ExitCode::invalid_input,
                store.path() + ": the collection's embedding model has " + std::to_string(dims) +
                    " dimensions, more than the " + std::to_string(k_max_vector_dimensions) + " strata reads",
                "re-embed the collection: strata embed " + command_mention(Setting::switch_model));
  }
  return store.backend().load_vectors(store, collection_id, dims);
}

std::vector<std::int64_t> chunk_documents(Store& store, const std::vector<std::int64_t>& chunk_ids) {
  return store.backend().chunk_documents(store, chunk_ids);
}

std::vector<ChunkRef> chunk_refs(Store& store, const std::vector<std::int64_t>& chunk_ids) {
  return store.backend().chunk_refs(store, chunk_ids);
}

DerivedFolder derived_folder(Store& store, const std::string& store_id) {
  Backend& b = store.backend();
  return DerivedFolder{b.derived_folder(store_id), b.derived_folder_private()};
}

}  // namespace strata::store
