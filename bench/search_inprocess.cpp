// The in-process figure beside a server's (bench/serve_search.sh): search::Searcher::search, one
// thread, a long-running process's warm Searcher (with `ann` set, as `strata serve` and `strata
// mcp` set it: the keyword list from the in-memory copy of the index once it is built), on the
// same queries the server is sent. One warm-up pass over the queries (it starts the copy's
// build, which is waited for), then ROUNDS passes timed query by query.
//
//   usage: search_inprocess STORE QUERIES_FILE COLLECTION K [ROUNDS=3]
//
// QUERIES_FILE: one query per line. Prints one JSON line: p50, p90 and p99 of the whole search
// and the p50 of its keyword list alone (SearchTimings::keyword_ms).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <string>
#include <vector>

#include "common/clock.h"
#include "search/searcher.h"
#include "store/sqlite/keyword_memory.h"
#include "store/store.h"

namespace {

namespace search = strata::search;
namespace store = strata::store;

// Nearest-rank percentile of sorted `v`.
double percentile(const std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 5) {
    std::fprintf(stderr, "usage: search_inprocess STORE QUERIES_FILE COLLECTION K [ROUNDS]\n");
    return 2;
  }
  std::vector<std::string> queries;
  std::ifstream in(argv[2]);
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) queries.push_back(line);
  }
  const int rounds = argc > 5 ? std::atoi(argv[5]) : 3;
  try {
    store::Store st = store::Store::open_existing(argv[1]);
    search::Searcher searcher(st);
    search::SearchRequest req;
    req.collection = argv[3];
    req.k = std::strtoul(argv[4], nullptr, 10);
    req.ann = search::AnnSettings{};
    std::vector<double> total, keyword;
    for (int round = 0; round <= rounds; ++round) {
      if (round == 1) store::sqlite_store::wait_for_keyword_memory();
      for (const std::string& q : queries) {
        req.query = q;
        const auto t0 = std::chrono::steady_clock::now();
        const search::SearchResult r = searcher.search(req);
        const double ms = strata::ms_since(t0);
        if (round == 0) continue;  // the warm-up pass
        total.push_back(ms);
        keyword.push_back(r.timings.keyword_ms);
      }
    }
    std::sort(total.begin(), total.end());
    std::sort(keyword.begin(), keyword.end());
    std::printf("{\"searches\":%zu,\"p50_ms\":%.3f,\"p90_ms\":%.3f,\"p99_ms\":%.3f,\"keyword_p50_ms\":%.3f}\n", total.size(),
                percentile(total, 50), percentile(total, 90), percentile(total, 99), percentile(keyword, 50));
  } catch (const std::exception& e) {
    std::fprintf(stderr, "search_inprocess: %s\n", e.what());
    return 1;
  }
  return 0;
}
