#include "search/vector_snapshot.h"

namespace strata::search {

store::CollectionVectors load_collection_matrix(store::Store& store, std::int64_t collection_id,
                                                const store::EmbeddingModel& model) {
  return store::load_vectors(store, collection_id, static_cast<std::size_t>(model.dimensions));
}

}  // namespace strata::search
