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
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "embed/settings.h"
#include "search/ann_settings.h"
#include "search/hit.h"
#include "search/reranker.h"
#include "search/rrf.h"
#include "store/collections.h"
#include "store/embedding_store.h"
#include "store/search_store.h"
#include "store/store.h"

namespace strata::search {

enum class Mode { keyword, vector, hybrid };

// Hybrid search fuses the keyword list (weight 1) and the vector list (weight w) by weighted
// reciprocal rank fusion, k = 60: a chunk scores 1 / (60 + keyword rank) + w / (60 + vector
// rank). This is w for the built-in models, which are lexical (hashed character n-grams, a
// weaker BM25 on their own): their list can only reorder near-ties and bring in chunks BM25
// ranked just below, and a larger weight pulls BM25's ranking down. Chosen on the five
// collections of ../shared/eval together (bench/search_eval.sh; BENCHMARKS.md "search quality"), with
// keyword nDCG@10 npl / med / cisi / cacm / lisa .444 / .679 / .396 / .501 / .463: w = 0.03
// gives .446 / .686 / .397 / .508 / .470, above keyword on each; 0.02 is keyword within noise,
// 0.05 falls below it on cacm (.499) and 0.1 further (.485). Leaving each collection out in
// turn picks 0.03 from the other four.
inline constexpr double k_hybrid_vector_weight = 0.03;

// Hybrid's fusion of the keyword list (weight 1) and the vector list (weight w), best first, at
// most `limit`; each hit's `lists` are its positions in the two lists. When the vector list
// weighs less (w < 1, as for the built-in models), keyword's best chunk scores as if the vector
// list ranked it first too, 1 / 61 + w / 61, above any other chunk (the others score by their
// positions, as in plain fusion): the weaker list reorders what follows but cannot unseat
// keyword's best, so hybrid's first hit is keyword's. Without it hybrid fell below keyword on
// SciFact (nDCG@10 .6577 against .6638: five claims whose keyword first went second, behind a
// chunk the vector list put first); with it hybrid was at or above keyword on all nine sets of
// BENCHMARKS.md "search quality" (since keyword leaves pronouns out, on eight: CISI's hybrid is
// 0.0016 below its keyword). With w >= 1 (a semantic model): plain weighted RRF.
std::vector<FusedHit> fuse_hybrid(const std::vector<RankedHit>& keyword, const std::vector<RankedHit>& vector,
                                  double vector_weight, std::size_t limit);

// Hybrid's vector weight for a collection whose model is semantic (any server model: an
// embedding model trained on meaning, which finds what the words alone miss): 1, plain RRF,
// the two lists weighed equally as hybrid search engines do by default. The 0.1 above is for
// the built-in models, which are lexical (hashed character n-grams: a weaker BM25); given to a
// semantic model it would drown the better list. Not measured here: no semantic model runs
// offline, so this follows common practice rather than a figure.
inline constexpr double k_semantic_vector_weight = 1.0;

// The weight hybrid search gives the vector list when the request names none: by the kind of
// the collection's model (embed/model_registry.h, model_kind): lexical k_hybrid_vector_weight,
// semantic k_semantic_vector_weight.
double default_vector_weight(const store::EmbeddingModel& model);
std::string_view to_string(Mode mode);
std::optional<Mode> parse_mode(std::string_view text);  // "keyword" | "vector" | "hybrid"

// `key=value`, `key^=prefix` or `key~glob` (store::FilterMatch).
struct MetadataFilter {
  std::string key, value;
  store::FilterMatch match = store::FilterMatch::equals;
};
// "key=value", "key^=prefix" or "key~glob"; nullopt when it is none of these or the key is empty.
std::optional<MetadataFilter> parse_metadata_filter(std::string_view spec);

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
  // Hybrid only: the vector list's weight in the fusion (the keyword list's is 1); nullopt:
  // default_vector_weight of the collection's model. REQUIRES 0 <= vector_weight <= 1 (else
  // Error(usage)).
  std::optional<double> vector_weight;
  // The keyword ranking's title cap in terms (store::KeywordRanking, store/fts_bm25.h
  // capped_column_weight): a title longer than this weighs less. 0: none. REQUIRES >= 0 (else
  // Error(usage)).
  int title_cap = 0;
  // Base URL / key variable for a collection embedded by an OpenAI-compatible server. The
  // provider and model default to the collection's recorded ones, the server as
  // embed::choose_server says.
  embed::EmbedSettings embed;
  // When the query cannot be embedded (choose_server refuses, the server fails), search by
  // keyword and say why in SearchResult::query_not_embedded, instead of Error. Default: Error.
  bool keyword_when_query_fails = false;
  // Longest time the query's embedding may take, its attempts and the waits between them
  // included: a retry is made only when its wait and a whole attempt (embed.timeout) still fit.
  // An embedding that runs out of it fails as a server that keeps failing does (and falls back
  // under keyword_when_query_fails). Default: none (embed.max_retries and embed.timeout alone).
  std::optional<std::chrono::milliseconds> embed_deadline;
  // When set, the query is not sent to the embedding server: embedding it fails at once with
  // this message (under keyword_when_query_fails, a keyword search that says so). `strata mcp`
  // sets it while the server failed a moment ago (mcp/breaker.h). Default: none.
  std::optional<std::string> skip_embedding;
  // When set and true (another thread stops the search), the query's embedding and the
  // reranker's request are abandoned within about a second, no retry is made, and search()
  // throws Error(unavailable) "the search was cancelled" (never a keyword fallback). Default: none.
  const std::atomic<bool>* cancel = nullptr;
  // Re-score the best max(k, rerank->candidates) of the mode's order with a reranker server
  // (reranker.h) and return its best k. A reranker that fails leaves the mode's order
  // (SearchResult::rerank_failure says why).
  std::optional<RerankSettings> rerank;
  // Instead of a query: the chunks most like a document (its source as stored) or a chunk (its
  // id, all digits, as `strata search --json` gives it), by vector: the document's chunk vectors
  // averaged (every part of it counts, not its first screen alone), or the chunk's own. The
  // document's chunks, or the chunk, are left out. REQUIRES: the query empty, the mode vector or
  // unset, no rerank (else Error(usage)). A collection without vectors: Error(usage); a target
  // not in the collection, or without a vector: Error(invalid_input).
  std::optional<std::string> similar;
  // A long-running process's approximate index (ann_cache.h): for a collection of at least
  // ann->min_rows vectors, a vector list without --where filters comes from its candidates,
  // rescored exactly, once the index is built in the background (the scan answers until then).
  // nullopt (one-process commands): always the scan.
  std::optional<AnnSettings> ann;
  // Scan every vector even where `ann` would use the index (Setting::exact).
  bool exact = false;
};

// The bounds a door puts on a search for a caller that cannot wait as long as a person at a
// terminal (an agent, an HTTP client): a row of service/profile.h's table per door, applied to
// every search the door runs, its own and an answer's retrieval alike. The default: none.
struct SearchBounds {
  bool keyword_when_query_fails = false;  // SearchRequest::keyword_when_query_fails
  std::optional<std::chrono::milliseconds> embed_deadline;          // SearchRequest::embed_deadline
  std::optional<std::chrono::milliseconds> embed_request_timeout;   // each request's, at most
  std::optional<std::chrono::milliseconds> rerank_timeout;          // the reranker's one attempt
};
// `r` within `bounds`: each bound set there lowers the request's own, never raises it.
void apply_bounds(SearchRequest& r, const SearchBounds& bounds);

struct SearchTimings {
  double embed_ms = 0, keyword_ms = 0, vector_ms = 0, load_ms = 0, rerank_ms = 0, total_ms = 0;
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
  double vector_weight = 0;  // hybrid: the weight the vector list had (the request's, or the default)
  int title_cap = 0;         // the keyword list's title cap (the request's; 0: none)
  // No hits, and no document of the collection passes the --where filters: the filters, not
  // the query, found nothing.
  bool no_document_passes_filters = false;
  bool reranked = false;       // the hits are in the reranker's order
  // Why the query was not embedded, when keyword_when_query_fails made this a keyword search
  // (mode is then keyword); "" otherwise. It mentions settings (common/setting.h): each door
  // that shows it renders it (strata mcp's search: for_agent).
  std::string query_not_embedded;
  std::string rerank_failure;  // why the reranker was asked and the order is the mode's
  // The vector list came from the approximate index (rescored exactly), not the scan.
  bool approximate = false;
};

// The collection named `name`, as search and ask look it up. Throws Error(unavailable) "no
// collection named 'NAME' in STORE", with the store's collections in the hint.
store::CollectionInfo require_collection(store::Store& store, const std::string& name);

// Throws Error: unavailable (no such collection, store problems, an embedding server that
// fails), usage (empty query, vector mode on a collection without vectors, a bad --where),
// invalid_input (stored vectors that do not match the recorded model).
//
// Reusable for many queries: a collection's vectors are loaded once per Searcher (and checked
// against the store before each query, so a Searcher never answers from stale vectors).
// REQUIRES: `store` outlives the Searcher. Not thread-safe.
// The words of `text` (as keyword search cuts and stems them; stop words, numbers and words of
// fewer than 3 characters left out, CJK text too) that no chunk of `collection` holds and, for a
// word of 4 characters or more, that is inside no term of the index ("back" is inside
// "rollback"), and, for one of 6 letters or more, that the collection never writes as two words
// ("website" as "web site"): a question about "django" asked of the PostgreSQL manual names one.
// Throws as search() does for an unknown collection or store.
std::vector<std::string> words_not_in_collection(store::Store& store, const std::string& collection, std::string_view text);

class Searcher {
 public:
  explicit Searcher(store::Store& store);
  ~Searcher();
  Searcher(Searcher&&) noexcept;
  Searcher& operator=(Searcher&&) noexcept;

  SearchResult search(const SearchRequest& request);

  // Starts the build of the collection's approximate index (ann_cache.h) as its first vector
  // search would, loading its vectors; returns whether the collection gets one (it has vectors,
  // at least settings.min_rows of them). A server that is ready only once its indexes are
  // (strata serve --ready-when-indexed) asks this of each collection at start.
  bool warm_index(const std::string& collection, const AnnSettings& settings);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace strata::search
