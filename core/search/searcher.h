#pragma once
// `strata search` (and the retrieval half of `strata ask`): a query over one collection of the
// store, by keyword (FTS5 BM25), by vector (exact cosine over the collection's embeddings) or
// hybrid (reciprocal rank fusion of both).
//
// Metadata filters (--where key=value) are applied BEFORE ranking: inside the SQL for keyword
// search, as a RowSet for vector search. A selective filter therefore still returns k hits
// whenever k chunks pass it. A key names a document field when it is one of `source`, `title`,
// `loader` or `path`; any other key is a top-level key of the document's metadata JSON object
// (`strata ingest --meta key=value`, a JSONL record's "metadata"). A metadata value matches when
// it is the string `value`, a number or boolean written as `value`, or an array holding one of
// those. Several filters are ANDed.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "embed/settings.h"
#include "search/rrf.h"
#include "store/embedding_store.h"
#include "store/store.h"

namespace strata::search {

enum class Mode { keyword, vector, hybrid };

// Hybrid search fuses the keyword list (weight 1) and the vector list (this weight) by weighted
// reciprocal rank fusion, k = 60: a chunk scores 1 / (60 + keyword rank) + w / (60 + vector
// rank). One constant for every query, chosen by measurement on ../shared/eval/npl
// (bench/search_eval.sh; BENCHMARKS.md "search"): with the local embedder, a lexical model
// weaker than BM25 on its own, equal weights pull BM25's ranking down, while a small weight
// lets the vector list reorder near-ties and bring in chunks BM25 ranked just below.
// nDCG@10 with hash-ngram-v2: keyword alone 0.4395; w = 1 (plain RRF) 0.3948, 0.3 0.4372,
// 0.2 0.4447, 0.1 0.4500, 0.05 0.4445. `strata search --vector-weight` overrides it (a semantic
// embedder may deserve 1).
inline constexpr double k_hybrid_vector_weight = 0.1;
std::string_view to_string(Mode mode);
std::optional<Mode> parse_mode(std::string_view text);  // "keyword" | "vector" | "hybrid"

struct MetadataFilter {
  std::string key, value;
};

struct SearchRequest {
  std::string query;
  std::string collection = "default";
  // nullopt: hybrid when the collection has vectors, else keyword.
  std::optional<Mode> mode;
  std::size_t k = 10;
  // ANDed; applied before ranking (see the top of this file).
  std::vector<MetadataFilter> where;
  // Per-list depth for hybrid; 0 = max(50, 4*k). Ignored by keyword and vector modes (depth k).
  std::size_t depth = 0;
  // Hybrid only: the vector list's weight in the fusion (the keyword list's is 1); see
  // k_hybrid_vector_weight. REQUIRES 0 <= vector_weight <= 1 (else Error(usage)).
  double vector_weight = k_hybrid_vector_weight;
  // Base URL / key variable for a collection embedded by an OpenAI-compatible server. The
  // provider and model default to the collection's recorded ones.
  embed::EmbedSettings embed;
};

struct SearchHit {
  std::int64_t chunk_id = 0, document_id = 0;
  std::string source, title;  // documents.source / title ("" when none)
  std::size_t byte_start = 0, byte_end = 0, line_start = 0, line_end = 0;
  std::optional<std::size_t> page_start, page_end;
  std::string text;     // the chunk's full text
  std::string snippet;  // one line, at most ~200 bytes, around the best match, valid UTF-8,
                        // no control characters
  double score = 0;     // the mode's score: BM25 as a positive number, cosine, or RRF
  // Rank and score in each list (for --explain). Keyword and vector modes fill their own list.
  std::optional<ListPosition> keyword, vector;
};

struct SearchTimings {
  double embed_ms = 0, keyword_ms = 0, vector_ms = 0, load_ms = 0, total_ms = 0;
};

struct SearchResult {
  Mode mode = Mode::keyword;
  std::vector<SearchHit> hits;  // best first, at most k
  SearchTimings timings;
  std::optional<store::EmbeddingModel> model;  // the collection's embedding model, if any
  // Chunks of the collection, and of those the ones vector search cannot find (no vector yet:
  // ingested after `strata embed`, or re-chunked). Counted when the vector list ran, and when
  // a collection with a model but no vectors fell back to keyword search; else 0.
  std::int64_t chunks = 0;
  std::int64_t without_vector = 0;
};

// Throws Error: unavailable (no such collection, store problems, an embedding server that
// fails), usage (empty query, vector mode on a collection without vectors, a bad --where),
// invalid_input (stored vectors that do not match the recorded model).
//
// Reusable for many queries: a collection's vectors are loaded once per Searcher (and checked
// against the store before each query, so a Searcher never answers from stale vectors).
// REQUIRES: `store` outlives the Searcher. Not thread-safe.
class Searcher {
 public:
  explicit Searcher(store::Store& store);
  ~Searcher();
  Searcher(Searcher&&) noexcept;
  Searcher& operator=(Searcher&&) noexcept;

  SearchResult search(const SearchRequest& request);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::search
