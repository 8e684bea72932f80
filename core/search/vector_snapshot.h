#pragma once
// A collection's vector matrix, as vector search needs it in memory. Today it is read from the
// store every time (store::load_vectors); this is the seam where a persisted, mmap-able copy
// beside the store would be read instead, valid while its VectorFingerprint matches the store's.
#include <cstdint>

#include "store/embedding_store.h"
#include "store/search_store.h"
#include "store/store.h"

namespace strata::search {

// The vectors of collection `collection_id`, recorded under `model`, in chunk id order, with the
// fingerprint of the store state they were read from. REQUIRES: model.dimensions > 0.
// Throws what store::load_vectors throws.
store::CollectionVectors load_collection_matrix(store::Store& store, std::int64_t collection_id,
                                                const store::EmbeddingModel& model);

}  // namespace strata::search
