#pragma once
// What an approximate index (ann_index.h) was built from: one state of the store's vectors (the
// VectorFingerprint changes with every embed and removal, on both backends), one collection and
// model, and its row count. The cache (ann_cache.h) keeps an index per key; a saved index
// (ann_file.h) is loaded only for its own key.
#include <cstddef>
#include <cstdint>

#include "store/embedding_store.h"
#include "store/search_store.h"

namespace strata::search {

struct AnnKey {
  store::VectorFingerprint fingerprint;
  std::int64_t collection_id = 0;
  store::EmbeddingModel model;
  std::size_t rows = 0;
  bool operator==(const AnnKey& o) const {
    return fingerprint == o.fingerprint && collection_id == o.collection_id && model == o.model && rows == o.rows;
  }
};

}  // namespace strata::search
