#pragma once
// When and how a long-running process (`strata mcp`, `strata serve`) answers vector search from
// an approximate index (ann_index.h) instead of scanning every vector. A one-process `strata
// search` never builds one: it would cost more than the scan it replaces.
#include <cstddef>
#include <optional>
#include <string_view>

namespace strata::search {

// How the index finds its candidates (config: search.ann_kind).
enum class AnnKind {
  rabitq,  // every node's rotated vector as bits, all read per query (ann_codes.h): built in seconds
  hnsw,    // hnswlib's graph, walked per query: slow to build at scale
};

// "rabitq" / "hnsw", and back (nullopt for another name).
const char* ann_kind_name(AnnKind kind);
std::optional<AnnKind> ann_kind_named(std::string_view name);

struct AnnSettings {
  AnnKind kind = AnnKind::rabitq;
  // Collections with at least this many vectors get an index (config: search.ann_min_chunks).
  // Below it the exact scan takes a few milliseconds (about 2 ms per 110,000 384-d vectors on
  // one core, BENCHMARKS.md "approximate vector index"), as fast as the index once its
  // candidates are rescored.
  std::size_t min_rows = 100'000;
  // The most memory all of the process's indexes may take together, in bytes (config:
  // search.ann_max_memory_mb). An index that would not fit is not built: the scan answers.
  std::size_t max_bytes = std::size_t{4096} << 20;
  // The graph (AnnKind::hnsw): links per node (HNSW's M) and the breadth of the search while it is built. At
  // 1,143,833 distinct vectors of the built-in model (bench/ann.sh DISTINCT_TEXT) a graph of 16
  // links built at 100 never reached recall 0.98 (0.952 at breadth 1600, hnswlib's own 0.947);
  // with 32 built at 200 hnswlib reaches it (0.983 at 1200) and strata's index 0.976 at 1200 and
  // 0.980 at 1600, for three times the build time (1,291 s on one thread) and 7% more memory.
  std::size_t links = 32;
  std::size_t build_breadth = 200;
  // Threads that build an index: 0 is one per core (hnswlib adds nodes in parallel; each
  // node's level is drawn beforehand, so the graph's levels do not depend on the count).
  std::size_t build_threads = 0;
  // The breadth of a query's search: the graph's (HNSW's ef), or the best estimates of the
  // codes; every row it finds is rescored exactly. 0 chooses it by the kind and the
  // collection's size (breadth_for); another value fixes it (benchmarks).
  std::size_t search_breadth = 0;
  // Rescored at least this many candidates (and at least the rows asked for).
  std::size_t candidates = 100;

  // The search breadth for an index of `rows` rows: search_breadth when set, else the breadth
  // by kind and size (ann_breadth_by_size, ann_codes_breadth_by_size).
  std::size_t breadth_for(std::size_t rows) const;
};

// The search breadth that aims at recall@10 >= 0.98 against the exact scan as a collection
// grows: a graph search's path lengthens with log(rows), and the built-in model's many near-ties
// need a wider search in a larger collection (at breadth 200 recall fell from 0.967 at 109,817
// chunks of the bench corpus to 0.937 at 250,000). Linear in log(rows) through 400 at 109,817
// and 1250 at 1,318,324, so 1201 at 1,143,833 distinct vectors, where the graph above gave 0.976
// (0.980 at 1600, as slow as the scan; bench/ann.sh, BENCHMARKS.md "approximate vector index"),
// at least k_ann_breadth_small and at most k_ann_breadth_most. `rows` are the index's nodes: its
// distinct vectors.
// (Defined in ann_search.cpp: a new measure changes one file.)
extern const std::size_t k_ann_breadth_small;  // at 109,817 rows
extern const std::size_t k_ann_breadth_large;  // at 1,318,324 rows
extern const std::size_t k_ann_breadth_most;
std::size_t ann_breadth_by_size(std::size_t rows);

// The candidates the codes (AnnKind::rabitq) give for rescoring, by the index's nodes. Their
// estimate's error does not grow with the collection, but the number of nodes within that
// error of the 10th nearest does: linear in the nodes, from k_ann_codes_breadth_least.
extern const std::size_t k_ann_codes_breadth_least;
extern const std::size_t k_ann_codes_nodes_per_candidate;
std::size_t ann_codes_breadth_by_size(std::size_t rows);

}  // namespace strata::search
