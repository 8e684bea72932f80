// The approximate vector index (core/search/ann_*.h) in-process, one query at a time, on a
// collection's stored vectors, side by side with the exact scan:
//   exact        VectorIndex::search (the int8 pre-pass scan every search runs today); its top k
//                is the reference for recall
//   strata-ann   the process's AnnCache build (build time, bytes, RSS growth), then ann_search
//                (graph candidates rescored exactly): p50/p99 and recall@k
//   searcher     a long-running process's whole vector search (search::Searcher, mode vector, the
//                query embedded, the chunks read): with the index, and with `exact`
// hnswlib called directly on the same vectors is bench/ann_floor.cpp, on what DUMP_DIR holds (hnswlib
// 0.6.2's header defines functions that are not inline: one object file of a program may include it).
//
//   usage: ann_bench STORE QUERIES_FILE [COLLECTION=default] [K=10] [THREADS=0] [DUMP_DIR]
// THREADS 0: the default (the machine's cores). env BREADTHS: the fixed search breadths measured
// after the default (by size) one, "100 200 400 800 1600" unless set.
// QUERIES_FILE: one query per line, embedded with the collection's local model. JSON lines out.
// With DUMP_DIR: vectors.f32 (normalised rows), queries.f32, exact.txt (rows + 1), meta.json, for
// bench/ann_floor.cpp and sqlite-vec (bench/ann.sh).
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "embed/local_embedder.h"
#include "search/ann_cache.h"
#include "search/ann_index.h"
#include "search/ann_search.h"
#include "search/searcher.h"
#include "search/vector_index.h"
#include "search/vector_snapshot.h"
#include "store/collections.h"
#include "store/search_store.h"
#include "store/store.h"

namespace {

using Clock = std::chrono::steady_clock;
using strata::ms_since;
namespace search = strata::search;
namespace store = strata::store;

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096.0 / (1 << 20);
}

void print_series(const char* what, const std::vector<double>& ms, double recall, const std::string& extra = "") {
  std::printf("{\"bench\":\"ann\",\"what\":\"%s\",\"queries\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"recall\":%.4f%s}\n", what,
              ms.size(), percentile(ms, 50), percentile(ms, 99), recall, extra.c_str());
  std::fflush(stdout);
}

// The process's peak resident set so far (VmHWM): the store's vectors, the index and the build.
double peak_rss_mb() {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind("VmHWM:", 0) == 0) return std::strtod(line.c_str() + 6, nullptr) / 1024.0;
  }
  return 0;
}

// recall@k against the exact scan, counting ties: a hit the scan left out counts when its score
// (rescored exactly, as the index's hits are) equals the scan's k-th score. The bench corpus at a
// million rows repeats its texts, so many rows share a vector, and which of two equal rows each
// side keeps says nothing about the index.
double recall_of(const std::vector<std::vector<std::pair<std::size_t, float>>>& got,
                 const std::vector<std::set<std::size_t>>& exact, const std::vector<float>& kth, std::size_t k) {
  std::size_t found = 0, total = 0;
  for (std::size_t i = 0; i < got.size(); ++i) {
    std::size_t here = 0;
    for (const auto& [row, score] : got[i]) here += exact[i].count(row) != 0 || score >= kth[i] - 1e-6F ? 1 : 0;
    found += std::min(here, std::min(k, exact[i].size()));
    total += std::min(k, exact[i].size());
  }
  return total == 0 ? 1.0 : static_cast<double>(found) / static_cast<double>(total);
}

template <typename T>
void write_raw(const std::string& path, const T* data, std::size_t n) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(n * sizeof(T)));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: ann_bench STORE QUERIES_FILE [COLLECTION] [K] [THREADS] [DUMP_DIR]\n");
    return 2;
  }
  const std::string collection = argc > 3 ? argv[3] : "default";
  const std::size_t k = argc > 4 ? std::strtoul(argv[4], nullptr, 10) : 10;
  const std::string dump = argc > 6 ? argv[6] : "";
  std::vector<std::string> queries;
  {
    std::ifstream in(argv[2]);
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) queries.push_back(line);
    }
  }
  try {
    store::Store st = store::Store::open_existing(argv[1]);
    const std::optional<store::CollectionInfo> c = store::find_collection(st, collection);
    if (!c || !c->embedding_model || c->embedding_model->provider != "local") {
      std::fprintf(stderr, "ann_bench: collection '%s' has no local vectors\n", collection.c_str());
      return 1;
    }
    const store::EmbeddingModel& model = *c->embedding_model;
    const auto dims = static_cast<std::size_t>(model.dimensions);
    auto t0 = Clock::now();
    search::CollectionIndex ci = search::load_collection_index(st, c->id, model);
    const double load_ms = ms_since(t0);
    const std::shared_ptr<const search::VectorIndex> index = std::move(ci.index);
    const std::size_t rows = index->rows();

    const strata::embed::LocalEmbedder embedder(dims, strata::embed::parse_local_model(model.model).value_or(
                                                          strata::embed::k_local_default_model));
    std::vector<float> qv(queries.size() * dims);
    for (std::size_t i = 0; i < queries.size(); ++i) embedder.embed_into(queries[i], std::span<float>(qv.data() + i * dims, dims));
    const auto query = [&](std::size_t i) { return std::span<const float>(qv.data() + i * dims, dims); };
    std::printf("{\"bench\":\"ann\",\"what\":\"setup\",\"rows\":%zu,\"dims\":%zu,\"queries\":%zu,\"k\":%zu,\"load_ms\":%.1f,"
                "\"from_snapshot\":%s}\n",
                rows, dims, queries.size(), k, load_ms, ci.from_snapshot ? "true" : "false");

    // The exact scan: the reference.
    std::vector<double> ms;
    std::vector<std::set<std::size_t>> exact(queries.size());
    std::vector<std::vector<std::size_t>> exact_rows(queries.size());
    std::vector<float> kth(queries.size(), 0.0F);
    for (std::size_t i = 0; i < queries.size(); ++i) {
      t0 = Clock::now();
      const std::vector<search::VectorHit> hits = index->search(query(i), k);
      ms.push_back(ms_since(t0));
      for (const search::VectorHit& h : hits) {
        exact[i].insert(h.row);
        exact_rows[i].push_back(h.row);
        kth[i] = h.score;  // the last is the k-th
      }
    }
    print_series("exact-scan", ms, 1.0);

    // The dump first, so that the floor and sqlite-vec can run from it however the rest goes.
    if (!dump.empty()) {
      {  // row by row: a copy of every row would count in the peak RSS reported below
        std::ofstream out(dump + "/vectors.f32", std::ios::binary);
        for (std::size_t r = 0; r < rows; ++r) {
          out.write(reinterpret_cast<const char*>(index->row(r).data()), static_cast<std::streamsize>(dims * sizeof(float)));
        }
      }
      write_raw(dump + "/queries.f32", qv.data(), qv.size());
      std::ofstream ex(dump + "/exact.txt");
      for (const auto& e : exact_rows) {
        for (std::size_t j = 0; j < e.size(); ++j) ex << (j ? " " : "") << e[j] + 1;
        ex << "\n";
      }
      std::ofstream(dump + "/meta.json") << "{\"rows\":" << rows << ",\"dims\":" << dims << ",\"queries\":" << queries.size()
                                          << ",\"k\":" << k << "}\n";
    }

    // strata's index, built as a long-running process builds it (and saved beside the store,
    // as it saves it), then loaded by another cache as the next process on this machine would.
    search::AnnSettings settings;
    settings.min_rows = 1;
    if (const char* kind = std::getenv("KIND"); kind != nullptr && *kind != '\0') {
      const std::optional<search::AnnKind> named = search::ann_kind_named(kind);
      if (!named) {
        std::fprintf(stderr, "ann_bench: KIND must be rabitq or hnsw (got %s)\n", kind);
        return 2;
      }
      settings.kind = *named;
    }
    settings.build_threads = argc > 5 ? std::strtoul(argv[5], nullptr, 10) : 0;
    const std::size_t threads =
        settings.build_threads != 0 ? settings.build_threads : std::max(1U, std::thread::hardware_concurrency());
    const search::AnnKey key{ci.fingerprint, c->id, model, rows};
    const std::string saved = search::AnnIndex::saved_file(store::derived_folder(st, ci.fingerprint.store_id).path, c->id);
    if (!saved.empty()) {  // a file left by an earlier run would be loaded, not built
      std::remove(saved.c_str());
    }
    const double rss0 = rss_mb();
    t0 = Clock::now();
    search::AnnCache::process().find_or_build(key, index, settings, saved);
    search::AnnCache::process().wait_idle();
    const double build_s = ms_since(t0) / 1000.0;
    const std::shared_ptr<const search::AnnIndex> ann = search::AnnCache::process().find_or_build(key, index, settings, saved);
    if (!ann) {
      std::fprintf(stderr, "ann_bench: the index was not built (memory bound?)\n");
      return 1;
    }
    std::printf("{\"bench\":\"ann\",\"what\":\"strata-ann-build\",\"rows\":%zu,\"nodes\":%zu,\"threads\":%zu,\"peak_rss_mb\":%.1f,\"build_s\":%.1f,"
                "\"index_mb\":%.1f,\"rss_growth_mb\":%.1f,\"kind\":\"%s\",\"links\":%zu,\"build_breadth\":%zu}\n",
                rows, ann->nodes(), threads, peak_rss_mb(), build_s, static_cast<double>(ann->bytes()) / (1 << 20), rss_mb() - rss0,
                search::ann_kind_name(settings.kind), settings.links, settings.build_breadth);
    {
      search::AnnCache next;
      t0 = Clock::now();
      next.find_or_build(key, index, settings, saved);
      next.wait_idle();
      const double load_s = ms_since(t0) / 1000.0;
      const std::shared_ptr<const search::AnnIndex> again = next.find_or_build(key, index, settings, saved);
      std::printf("{\"bench\":\"ann\",\"what\":\"strata-ann-load\",\"rows\":%zu,\"loaded\":%s,\"load_s\":%.2f}\n", rows,
                  again && again->loaded() ? "true" : "false", load_s);
    }
    ms.clear();
    std::vector<std::vector<std::pair<std::size_t, float>>> got(queries.size());
    for (std::size_t i = 0; i < queries.size(); ++i) {
      t0 = Clock::now();
      const std::vector<search::VectorHit> hits = search::ann_search(*ann, *index, query(i), k, settings);
      ms.push_back(ms_since(t0));
      for (const search::VectorHit& h : hits) got[i].emplace_back(h.row, h.score);
    }
    print_series("strata-ann", ms, recall_of(got, exact, kth, k),
                 ",\"search_breadth\":" + std::to_string(settings.breadth_for(ann->nodes())) + ",\"candidates\":" +
                     std::to_string(settings.candidates) + ",\"by_size\":true");
    // Fixed breadths (BREADTHS, space-separated): the measures the by-size choice is argued from.
    std::istringstream breadths(std::getenv("BREADTHS") != nullptr ? std::getenv("BREADTHS") : "100 200 400 800 1600");
    for (std::size_t b = 0; breadths >> b;) {
      search::AnnSettings fixed = settings;
      fixed.search_breadth = b;
      ms.clear();
      for (std::size_t i = 0; i < queries.size(); ++i) {
        got[i].clear();
        t0 = Clock::now();
        const std::vector<search::VectorHit> hits = search::ann_search(*ann, *index, query(i), k, fixed);
        ms.push_back(ms_since(t0));
        for (const search::VectorHit& h : hits) got[i].emplace_back(h.row, h.score);
      }
      print_series("strata-ann", ms, recall_of(got, exact, kth, k),
                   ",\"search_breadth\":" + std::to_string(b) + ",\"candidates\":" + std::to_string(fixed.candidates));
    }

    // The whole vector search of a long-running process (query embedded, chunks read). The
    // Searcher maps the collection's vectors anew, so its first pass pays a page fault for each
    // row it touches first (a server's own build touches them all); the second pass is the
    // process once warm.
    search::Searcher searcher(st);
    const bool whole = std::getenv("SEARCHER") == nullptr || std::string(std::getenv("SEARCHER")) != "0";
    int pass = 0;
    for (const bool use_exact : {false, false, true}) {
      if (!whole) break;
      ++pass;
      ms.clear();
      std::vector<double> vector_ms;
      std::size_t approximate = 0;
      for (const std::string& q : queries) {
        search::SearchRequest r;
        r.query = q;
        r.collection = collection;
        r.mode = search::Mode::vector;
        r.k = k;
        r.ann = settings;
        r.exact = use_exact;
        t0 = Clock::now();
        const search::SearchResult res = searcher.search(r);
        ms.push_back(ms_since(t0));
        vector_ms.push_back(res.timings.vector_ms);
        approximate += res.approximate ? 1 : 0;
      }
      print_series(use_exact ? "searcher-exact" : pass == 1 ? "searcher-ann" : "searcher-ann-warm", ms, -1,
                   ",\"vector_p50_ms\":" + std::to_string(percentile(vector_ms, 50)) + ",\"vector_p99_ms\":" +
                       std::to_string(percentile(vector_ms, 99)) + ",\"approximate\":" + std::to_string(approximate));
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ann_bench: %s\n", e.what());
    return 1;
  }
  return 0;
}
