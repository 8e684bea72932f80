#include "serve/vector_index_metrics.h"

#include "search/ann_cache.h"
#include "store/search_store.h"

namespace strata::serve {

std::string vector_index_metrics() {
  const search::AnnCache& cache = search::AnnCache::process();
  std::string out;
  const auto gauge = [&out](const char* name, const char* help, std::size_t value) {
    out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " gauge\n" + name + " " + std::to_string(value) + "\n";
  };
  gauge("strata_vector_index_bytes", "Memory held by the approximate vector indexes and reserved by their builds.", cache.bytes());
  gauge("strata_vector_indexes_ready", "Approximate vector indexes ready.", cache.ready());
  gauge("strata_vector_indexes_loaded", "Approximate vector indexes ready that were loaded from a saved index, not built.",
        cache.loaded());
  gauge("strata_vector_index_builds", "Approximate vector index builds under way.", cache.building());
  // What the process keeps of keyword indexes (store/search_store.h).
  const store::KeywordMemory keyword = store::keyword_memory();
  gauge("strata_keyword_index_bytes", "Memory held by the in-memory copies of collections' keyword indexes.",
        keyword.copies_bytes);
  gauge("strata_keyword_indexes_ready", "In-memory copies of keyword indexes ready.", keyword.copies_ready);
  gauge("strata_keyword_postings_terms",
        "Terms (and phrases) whose posting blocks (and matches) are kept in memory from a PostgreSQL store.",
        keyword.kept_terms);
  gauge("strata_keyword_postings_bytes", "Memory held by the posting blocks and phrase matches kept from a PostgreSQL store.",
        keyword.kept_bytes);
  return out;
}

}  // namespace strata::serve
