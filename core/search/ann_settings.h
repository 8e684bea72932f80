#pragma once
// When and how a long-running process (`strata mcp`, `strata serve`) answers vector search from
// an approximate index (ann_index.h) instead of scanning every vector. A one-process `strata
// search` never builds one: it would cost more than the scan it replaces.
#include <cstddef>

namespace strata::search {

struct AnnSettings {
  // Collections with at least this many vectors get an index (config: search.ann_min_chunks).
  // Below it the exact scan takes a few milliseconds (about 7 ms per 100,000 384-d vectors on
  // one core, BENCHMARKS.md "approximate vector index"), as fast as the index would be once the
  // candidates are fetched and rescored.
  std::size_t min_rows = 100'000;
  // The most memory all of the process's indexes may take together, in bytes (config:
  // search.ann_max_memory_mb). An index that would not fit is not built: the scan answers.
  std::size_t max_bytes = std::size_t{4096} << 20;
  // The graph: links per node (HNSW's M) and the breadth of the search while it is built.
  std::size_t links = 16;
  std::size_t build_breadth = 100;
  // The breadth of a query's search (HNSW's ef) and the candidates rescored exactly: at least
  // this many, and at least the rows asked for. The aim is recall@10 >= 0.98 against the scan:
  // 96 and 40 gave 0.907 on 274,431 chunks of the bench corpus with the built-in model's vectors
  // (bench/ann.sh; BENCHMARKS.md), whose many near-ties make a graph search harder than a
  // semantic model's; these wider values are not measured yet (bench/ann.sh measures them).
  std::size_t search_breadth = 400;
  std::size_t candidates = 100;
  // Threads that build an index (a background build; the scan answers meanwhile).
  std::size_t build_threads = 1;
};

}  // namespace strata::search
