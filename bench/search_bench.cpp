// Search latency in-process, one thread: search::Searcher (what `strata search` and `strata ask`
// run) over a store, for keyword, vector and hybrid mode, interleaved query by query so that a
// change in machine load hits every mode alike; then the vector index alone (exact top-k with
// the int8 pre-pass, and the plain float32 scan it must match) on the same queries; and the
// keyword list alone (hybrid's depth, 50) against the query it replaced (every match joined
// to its chunk and document, scored in full), with a check that both give the same rows and
// scores.
//
//   usage: search_bench STORE QUERIES_FILE [COLLECTION=default] [K=10] [DUMP_DIR]
//
// QUERIES_FILE: one query per line. Prints one JSON line per measure. With DUMP_DIR it writes,
// for a side-by-side run of another tool on the same data (bench/search_speed.sh runs
// sqlite-vec on them):
//   vectors.f32  the collection's stored vectors, rows × dims float32, row-major, in chunk id
//                order (row r = rowid r + 1), as stored (not normalised)
//   queries.f32  the queries' vectors, embedded with the local embedder, queries × dims
//   exact.txt    per query, the rowids (row + 1) of the exact float32 top K, best first
//   meta.json    {"rows", "dims", "queries", "k"}
// Only for collections embedded with the `local` provider (the queries are embedded here).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <exception>
#include <fstream>
#include <numeric>
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/SQLiteCpp.h>

#include "common/clock.h"
#include "common/error.h"
#include "embed/local_embedder.h"
#include "search/fts_query.h"
#include "search/searcher.h"
#include "search/vector_index.h"
#include "search/vector_snapshot.h"
#include "store/fts_bm25.h"
#include "store/collections.h"
#include "store/search_store.h"
#include "store/store.h"
#include "store/sqlite/sqlite_backend.h"

namespace {

using Clock = std::chrono::steady_clock;
using strata::ms_since;
namespace search = strata::search;
namespace store = strata::store;


double thread_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Nearest-rank percentile of sorted `v`.
double percentile(const std::vector<double>& v, double p) {
  if (v.empty()) return 0;
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

struct Series {
  std::vector<double> ms;
  double cpu_s = 0;
  void print(const char* what, const char* extra) {
    std::vector<double> s = ms;
    std::sort(s.begin(), s.end());
    const double total = std::accumulate(s.begin(), s.end(), 0.0);
    std::printf("{\"bench\":\"search-inproc\",\"what\":\"%s\",\"queries\":%zu,\"p50_ms\":%.3f,\"p95_ms\":%.3f,"
                "\"mean_ms\":%.3f,\"max_ms\":%.3f,\"qps\":%.1f,\"cpu_qps\":%.1f%s}\n",
                what, s.size(), percentile(s, 50), percentile(s, 95), total / static_cast<double>(s.size()), s.back(),
                1000.0 * static_cast<double>(s.size()) / total, static_cast<double>(s.size()) / cpu_s, extra);
  }
};

template <typename T>
void write_raw(const std::string& path, const std::vector<T>& v) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(T)));
  if (!out) throw std::runtime_error("cannot write " + path);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: search_bench STORE QUERIES_FILE [COLLECTION] [K] [DUMP_DIR]\n");
    return 2;
  }
  const std::string store_path = argv[1];
  const std::string collection = argc > 3 ? argv[3] : "default";
  const std::size_t k = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 10;
  const std::string dump = argc > 5 ? argv[5] : "";
  std::vector<std::string> queries;
  {
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) queries.push_back(line);
    }
  }
  if (queries.empty()) {
    std::fprintf(stderr, "search_bench: no queries in %s\n", argv[2]);
    return 2;
  }
  try {
    // --- Searcher, in-process -------------------------------------------------------------------
    auto t0 = Clock::now();
    store::Store st = store::Store::open_existing(store_path);
    search::Searcher searcher(st);
    const double open_ms = ms_since(t0);
    const search::Mode modes[] = {search::Mode::keyword, search::Mode::vector, search::Mode::hybrid};
    search::SearchRequest req;
    req.collection = collection;
    req.k = k;
    // The first query of each mode, apart: the vector modes load the collection's vectors then.
    double first_ms[3] = {0, 0, 0}, first_load_ms[3] = {0, 0, 0};
    for (int m = 0; m < 3; ++m) {
      req.mode = modes[m];
      req.query = queries[0];
      t0 = Clock::now();
      const search::SearchResult r = searcher.search(req);
      first_ms[m] = ms_since(t0);
      first_load_ms[m] = r.timings.load_ms;
    }
    Series series[3];
    double hits[3] = {0, 0, 0}, embed_ms = 0, keyword_ms = 0, vector_ms = 0;  // parts, hybrid mode
    for (const std::string& q : queries) {
      req.query = q;
      for (int m = 0; m < 3; ++m) {
        req.mode = modes[m];
        const double c0 = thread_cpu_s();
        t0 = Clock::now();
        const search::SearchResult r = searcher.search(req);
        series[m].ms.push_back(ms_since(t0));
        series[m].cpu_s += thread_cpu_s() - c0;
        hits[m] += static_cast<double>(r.hits.size());
        if (modes[m] == search::Mode::hybrid) {
          embed_ms += r.timings.embed_ms;
          keyword_ms += r.timings.keyword_ms;
          vector_ms += r.timings.vector_ms;
        }
      }
    }
    const double nq = static_cast<double>(queries.size());
    for (int m = 0; m < 3; ++m) {
      char extra[400];
      if (modes[m] == search::Mode::hybrid) {
        std::snprintf(extra, sizeof extra,
                      ",\"k\":%zu,\"mean_hits\":%.1f,\"first_query_ms\":%.1f,\"load_ms\":%.1f,\"open_ms\":%.1f,"
                      "\"parts_mean_ms\":{\"embed\":%.3f,\"keyword\":%.3f,\"vector\":%.3f}",
                      k, hits[m] / nq, first_ms[m], first_load_ms[m], open_ms, embed_ms / nq, keyword_ms / nq,
                      vector_ms / nq);
      } else {
        std::snprintf(extra, sizeof extra, ",\"k\":%zu,\"mean_hits\":%.1f,\"first_query_ms\":%.1f,\"load_ms\":%.1f", k,
                      hits[m] / nq, first_ms[m], first_load_ms[m]);
      }
      const std::string what = "searcher-" + std::string(search::to_string(modes[m]));
      series[m].print(what.c_str(), extra);
    }

    // --- The keyword list alone, against the joined query it replaced ------------------------
    {
      const std::optional<store::CollectionInfo> kc = store::find_collection(st, collection);
      const std::size_t depth = std::max<std::size_t>(50, 4 * k);
      SQLite::Statement joined(store::database(st),
                               std::string("SELECT f.rowid, ") + store::k_fts_bm25_scoped_function +
                                   "(chunks_fts, ?4, ?5, 0, 3, 0, 0, 1, 0, 1, 3, 1) AS score FROM chunks_fts f JOIN chunks c ON c.id = f.rowid "
                                   "JOIN documents d ON d.id = c.document_id WHERE chunks_fts MATCH '{text title cjk} : (' || ?1 || ')' AND "
                                   "d.collection_id = ?2 ORDER BY score, f.rowid LIMIT ?3");
      Series now_s, joined_s;
      std::size_t same = 0, asked = 0;
      for (const std::string& q : queries) {
        const std::string match = search::fts_match_expression(q);
        if (match.empty()) continue;
        ++asked;
        double c0 = thread_cpu_s();
        t0 = Clock::now();
        const std::vector<store::KeywordRow> got = store::keyword_search(st, kc->id, match, {}, depth);
        now_s.ms.push_back(ms_since(t0));
        now_s.cpu_s += thread_cpu_s() - c0;
        c0 = thread_cpu_s();
        t0 = Clock::now();
        joined.reset();
        joined.bind(1, match);
        joined.bind(2, kc->id);
        joined.bind(3, static_cast<std::int64_t>(depth));
        joined.bind(4, store::k_keyword_bm25.k1);
        joined.bind(5, store::k_keyword_bm25.b);
        std::vector<store::KeywordRow> want;
        while (joined.executeStep()) want.push_back({joined.getColumn(0).getInt64(), joined.getColumn(1).getDouble()});
        joined_s.ms.push_back(ms_since(t0));
        joined_s.cpu_s += thread_cpu_s() - c0;
        bool eq = got.size() == want.size();
        for (std::size_t i = 0; eq && i < got.size(); ++i) eq = got[i].chunk_id == want[i].chunk_id && got[i].bm25 == want[i].bm25;
        same += eq;
      }
      char extra[200];
      std::snprintf(extra, sizeof extra, ",\"depth\":%zu,\"identical_to_joined\":%zu,\"whole_store\":%s", depth, same,
                    store::collection_is_whole_store(st, kc->id) ? "true" : "false");
      now_s.print("keyword-list", extra);
      std::snprintf(extra, sizeof extra, ",\"depth\":%zu", depth);
      joined_s.print("keyword-list-joined-reference", extra);
      if (same != asked) {
        std::fprintf(stderr, "search_bench: the keyword list differs from the joined query's on %zu of %zu queries\n",
                     asked - same, asked);
        return 1;
      }
    }

    // --- The vector index alone ------------------------------------------------------------------
    const std::optional<store::CollectionInfo> c = store::find_collection(st, collection);
    if (!c || !c->embedding_model || c->embedding_model->dimensions <= 0) {
      std::fprintf(stderr, "search_bench: collection '%s' has no vectors\n", collection.c_str());
      return 1;
    }
    if (c->embedding_model->provider != "local") {
      std::fprintf(stderr, "search_bench: collection '%s' was embedded with %s, not local: index figures skipped\n",
                   collection.c_str(), c->embedding_model->provider.c_str());
      return 0;
    }
    const auto dims = static_cast<std::size_t>(c->embedding_model->dimensions);
    t0 = Clock::now();
    store::CollectionVectors m = search::load_collection_matrix(st, c->id, *c->embedding_model);
    const double read_ms = ms_since(t0);
    const std::size_t rows = m.chunk_ids.size();
    std::vector<float> raw;
    if (!dump.empty()) raw = m.matrix;
    t0 = Clock::now();
    const search::VectorIndex index(std::move(m.matrix), dims, search::Prepass::int8);
    const double build_ms = ms_since(t0);

    const strata::embed::LocalEmbedder embedder(dims);
    std::vector<float> qv(queries.size() * dims);
    for (std::size_t i = 0; i < queries.size(); ++i) {
      embedder.embed_into(queries[i], std::span<float>(qv.data() + i * dims, dims));
    }
    const auto query = [&](std::size_t i) { return std::span<const float>(qv.data() + i * dims, dims); };

    Series exact, int8;
    std::vector<std::vector<search::VectorHit>> exact_top(queries.size());
    std::size_t identical = 0, rescored = 0;
    for (std::size_t i = 0; i < queries.size(); ++i) {
      double c0 = thread_cpu_s();
      t0 = Clock::now();
      exact_top[i] = index.search_exact(query(i), k);
      exact.ms.push_back(ms_since(t0));
      exact.cpu_s += thread_cpu_s() - c0;
      search::VectorSearchStats stats;
      c0 = thread_cpu_s();
      t0 = Clock::now();
      const std::vector<search::VectorHit> got = index.search(query(i), k, nullptr, &stats);
      int8.ms.push_back(ms_since(t0));
      int8.cpu_s += thread_cpu_s() - c0;
      rescored += stats.rescored;
      bool same = got.size() == exact_top[i].size();
      for (std::size_t j = 0; same && j < got.size(); ++j) {
        same = got[j].row == exact_top[i][j].row && got[j].score == exact_top[i][j].score;
      }
      identical += same;
    }
    char extra[300];
    std::snprintf(extra, sizeof extra, ",\"rows\":%zu,\"dims\":%zu,\"k\":%zu,\"read_ms\":%.1f,\"build_ms\":%.1f", rows,
                  dims, k, read_ms, build_ms);
    exact.print("index-exact-float32", extra);
    std::snprintf(extra, sizeof extra,
                  ",\"rows\":%zu,\"dims\":%zu,\"k\":%zu,\"identical_to_exact\":%zu,\"mean_rescored\":%.1f", rows, dims, k,
                  identical, static_cast<double>(rescored) / nq);
    int8.print("index-int8-prepass", extra);

    if (!dump.empty()) {
      write_raw(dump + "/vectors.f32", raw);
      write_raw(dump + "/queries.f32", qv);
      std::ofstream ex(dump + "/exact.txt");
      for (const auto& top : exact_top) {
        for (std::size_t j = 0; j < top.size(); ++j) ex << (j ? " " : "") << top[j].row + 1;
        ex << '\n';
      }
      std::ofstream meta(dump + "/meta.json");
      meta << "{\"rows\":" << rows << ",\"dims\":" << dims << ",\"queries\":" << queries.size() << ",\"k\":" << k
           << "}\n";
      if (!ex || !meta) throw std::runtime_error("cannot write to " + dump);
    }
  } catch (const strata::Error& e) {
    std::fprintf(stderr, "search_bench: %s\n", e.what());
    return strata::to_int(e.code());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "search_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
