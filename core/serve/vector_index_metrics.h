#pragma once
// The approximate vector indexes of the process (search/ann_cache.h) as Prometheus text, appended
// to GET /metrics: the memory they hold is bounded ([search] ann_max_memory_mb) and shown here.
#include <string>

namespace strata::serve {

// strata_vector_index_bytes, strata_vector_indexes_ready, strata_vector_indexes_loaded and
// strata_vector_index_builds, gauges;
// strata_keyword_index_bytes and strata_keyword_indexes_ready for the keyword indexes' copies.
std::string vector_index_metrics();

}  // namespace strata::serve
