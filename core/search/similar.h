#pragma once
// `strata search --similar DOC_OR_CHUNK` (SearchRequest::similar): the vector a similar search
// looks with, taken from the collection's own vectors (nothing is embedded), and the chunks it
// leaves out.
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "search/vector_index.h"
#include "store/collections.h"
#include "store/store.h"

namespace strata::search {

struct SimilarTarget {
  std::vector<float> vector;           // unit length (zero when every source vector is)
  std::vector<std::int64_t> excluded;  // the target's chunks, ascending: left out of the hits
};

// A chunk's id as a target: 1 to 18 ASCII digits (any other text names a document's source).
bool is_chunk_id_text(std::string_view target);

// A chunk id: its vector. A document's source: the mean of its chunks' vectors (each unit
// length, so every chunk counts alike however long), normalised. `chunk_ids` (ascending) and
// `index` are the collection's loaded vectors: row r is chunk chunk_ids[r]. Throws
// Error(invalid_input) for a document not in collection `c`, or a target with no vector there.
SimilarTarget similar_target(store::Store& store, const store::CollectionInfo& c, const std::string& target,
                             std::span<const std::int64_t> chunk_ids, const VectorIndex& index);

}  // namespace strata::search
