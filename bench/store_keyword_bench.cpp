// Keyword search latency in-process, one thread, on a SQLite store or a PostgreSQL store: each
// query's match expression (search/fts_query.h) through the store's keyword_search (SQLite:
// FTS5 and strata_bm25_scoped; PostgreSQL: store/postgres/pg_bm25.h), at the depth `strata
// search` asks for (100), after one untimed pass over all queries (a warm cache, as a server's).
//
//   usage: store_keyword_bench STORE COLLECTION QUERIES_FILE [LIMIT=100] [ROUNDS=3] [TITLE_CAP=0]
//
// STORE: a SQLite file, or a postgres:// URL of a database whose schema `strata` holds a store
// (opened directly, without the migration engine, so a store bulk-loaded for a benchmark works).
// QUERIES_FILE: one query per line. Prints one JSON line: queries, p50/p95/mean ms, rows.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <functional>
#include <memory>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "pq/connection.h"
#include "search/fts_query.h"
#include "store/collections.h"
#include "store/postgres/pg_bm25.h"
#include "store/search_store.h"
#include "store/store.h"

namespace {

namespace store = strata::store;
namespace pq = strata::pq;
using Clock = std::chrono::steady_clock;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size() - 1) + 0.5));
  return v[i];
}

}  // namespace

int main(int argc, char** argv) try {
  if (argc < 4) {
    std::fprintf(stderr, "usage: store_keyword_bench STORE COLLECTION QUERIES_FILE [LIMIT=100] [ROUNDS=3] [TITLE_CAP=0]\n");
    return 2;
  }
  const std::string where = argv[1], collection = argv[2];
  const std::size_t limit = argc > 4 ? std::stoul(argv[4]) : 100;
  const int rounds = argc > 5 ? std::stoi(argv[5]) : 3;
  const store::KeywordRanking ranking{argc > 6 ? std::stoi(argv[6]) : 0};  // --title-cap
  std::vector<std::string> matches;
  {
    std::ifstream in(argv[3]);
    for (std::string line; std::getline(in, line);) {
      std::string m = strata::search::fts_match_expression(line);
      if (!m.empty()) matches.push_back(std::move(m));
    }
  }
  std::function<std::size_t(const std::string&)> run;
  std::optional<store::Store> sqlite;
  std::unique_ptr<pq::Connection> pg;
  if (store::is_store_url(where)) {
    pq::ConnectOptions o;
    o.conninfo = where;
    o.display = "bench";
    o.schema = "strata";
    pg = pq::Connection::open(o);
    const std::int64_t id = pg->exec("SELECT id FROM collections WHERE name = $1", {collection}).int64(0, 0);
    run = [&, id](const std::string& m) { return store::pg::bm25_search(*pg, id, m, {}, limit, ranking).size(); };
  } else {
    sqlite.emplace(store::Store::open(where));
    const std::int64_t id = store::find_collection(*sqlite, collection)->id;
    run = [&, id](const std::string& m) { return store::keyword_search(*sqlite, id, m, {}, limit, false, ranking).size(); };
  }
  for (const std::string& m : matches) run(m);  // warm
  std::vector<double> ms;
  std::size_t rows = 0;
  for (int r = 0; r < rounds; ++r) {
    for (const std::string& m : matches) {
      const auto t0 = Clock::now();
      rows += run(m);
      ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
      if (std::getenv("BENCH_VERBOSE") != nullptr) std::fprintf(stderr, "%8.1f ms  %s\n", ms.back(), m.c_str());
    }
  }
  double sum = 0;
  for (const double x : ms) sum += x;
  std::printf("{\"store\": \"%s\", \"queries\": %zu, \"rounds\": %d, \"limit\": %zu, \"p50_ms\": %.2f, \"p95_ms\": %.2f, "
              "\"mean_ms\": %.2f, \"max_ms\": %.2f, \"rows\": %zu, \"title_cap\": %d}\n",
              pg ? "postgres" : "sqlite", matches.size(), rounds, limit, percentile(ms, 0.5), percentile(ms, 0.95),
              sum / static_cast<double>(ms.size()), percentile(ms, 1.0), rows, ranking.title_cap);
  return 0;
} catch (const std::exception& e) {
  std::fprintf(stderr, "store_keyword_bench: %s\n", e.what());
  return 1;
}
