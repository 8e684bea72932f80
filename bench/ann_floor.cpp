// The floor of bench/ann.sh: hnswlib 0.6.2 called directly (no store, no rescoring) on the vectors
// bench/ann_bench.cpp dumped (the collection's normalised rows), with the graph strata builds (M,
// construction breadth), for several search breadths (ef): build time and RSS growth, then per
// breadth p50/p99 of one query at a time and recall@k against the exact scan's top k.
//
//   usage: ann_floor DUMP_DIR [M=32] [EF_CONSTRUCTION=200] [THREADS=0: the machine's cores] [ROWS]
// ROWS: only the first ROWS vectors (a smaller collection cut from the same corpus), its exact
// top k found here by a plain scan of them (float dot products) instead of read from exact.txt.
// DISTINCT=1 (env): one node per distinct vector, as strata's index does (search/ann_index.h):
// a found node gives every row holding its vector, and the best k of those rows are the answer.
// Recall counts ties, as ann_bench does: a row found whose score reaches the exact k-th score is
// a hit (the bench corpus at a million rows repeats its texts, and the exact list is one choice
// among equal rows).
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t0) { return std::chrono::duration<double, std::milli>(Clock::now() - t0).count(); }

double percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  const auto rank = static_cast<std::size_t>(std::ceil(p / 100.0 * static_cast<double>(v.size())));
  return v.empty() ? 0 : v[std::min(v.size() - 1, rank == 0 ? 0 : rank - 1)];
}

double rss_mb() {
  std::ifstream statm("/proc/self/statm");
  double pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * 4096.0 / (1 << 20);
}

std::vector<float> read_f32(const std::string& path) {
  std::ifstream in(path, std::ios::binary | std::ios::ate);
  std::vector<float> v(static_cast<std::size_t>(in.tellg()) / sizeof(float));
  in.seekg(0);
  in.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(v.size() * sizeof(float)));
  return v;
}

std::size_t meta_value(const std::string& meta, const std::string& key) {
  const std::size_t at = meta.find("\"" + key + "\":");
  return at == std::string::npos ? 0 : std::strtoul(meta.c_str() + at + key.size() + 3, nullptr, 10);
}

// The k rows of the first `rows` with the highest dot product per query (rows are unit length).
// Row by row, every query against each row: the queries stay in cache while the rows stream.
std::vector<std::set<std::size_t>> scan_top(const std::vector<float>& vectors, const std::vector<float>& queries,
                                            std::size_t rows, std::size_t dims, std::size_t k) {
  const std::size_t nq = queries.size() / dims;
  using Best = std::vector<std::pair<float, std::size_t>>;  // a min-heap of the k best so far
  std::vector<Best> best(nq);
  const auto worse = [](const auto& a, const auto& b) { return a.first > b.first; };
  for (std::size_t r = 0; r < rows; ++r) {
    const float* v = vectors.data() + r * dims;
    for (std::size_t q = 0; q < nq; ++q) {
      const float* y = queries.data() + q * dims;
      float s = 0;
      for (std::size_t d = 0; d < dims; ++d) s += v[d] * y[d];
      Best& b = best[q];
      if (b.size() < k) {
        b.emplace_back(s, r);
        std::push_heap(b.begin(), b.end(), worse);
      } else if (s > b.front().first) {
        std::pop_heap(b.begin(), b.end(), worse);
        b.back() = {s, r};
        std::push_heap(b.begin(), b.end(), worse);
      }
    }
  }
  std::vector<std::set<std::size_t>> out;
  for (const Best& b : best) {
    std::set<std::size_t> top;
    for (const auto& [s, r] : b) top.insert(r);
    out.push_back(std::move(top));
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: ann_floor DUMP_DIR [M] [EF_CONSTRUCTION] [THREADS]\n");
    return 2;
  }
  const std::string dir = argv[1];
  const std::size_t m = argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 32;
  const std::size_t efc = argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 200;
  const std::size_t threads = argc > 4 && std::strtoul(argv[4], nullptr, 10) > 0 ? std::strtoul(argv[4], nullptr, 10)
                                                                               : std::max(1u, std::thread::hardware_concurrency());
  std::stringstream meta_text;
  meta_text << std::ifstream(dir + "/meta.json").rdbuf();
  const std::string meta = meta_text.str();
  const std::size_t all_rows = meta_value(meta, "rows"), dims = meta_value(meta, "dims"), k = meta_value(meta, "k");
  const std::vector<float> vectors = read_f32(dir + "/vectors.f32");
  const std::vector<float> queries = read_f32(dir + "/queries.f32");
  const std::size_t prefix = argc > 5 ? std::strtoul(argv[5], nullptr, 10) : 0;
  const std::size_t rows = prefix > 0 ? std::min(prefix, all_rows) : all_rows;
  std::vector<std::set<std::size_t>> exact;
  if (prefix > 0) {
    exact = scan_top(vectors, queries, rows, dims, k);
  } else {
    std::ifstream in(dir + "/exact.txt");
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::set<std::size_t> s;
      for (std::size_t id; words >> id;) s.insert(id - 1);
      exact.push_back(std::move(s));
    }
  }
  const auto dot = [&](const float* a, const float* b) {
    float v = 0;
    for (std::size_t d = 0; d < dims; ++d) v += a[d] * b[d];
    return v;
  };
  // Nodes: every row, or (DISTINCT=1) the first row of each distinct vector with its copies.
  const bool distinct = std::getenv("DISTINCT") != nullptr && std::string(std::getenv("DISTINCT")) == "1";
  std::vector<std::vector<std::size_t>> node_rows;
  {
    std::unordered_map<std::string, std::size_t> seen;
    for (std::size_t r = 0; r < rows; ++r) {
      if (!distinct) {
        node_rows.push_back({r});
        continue;
      }
      std::string key(reinterpret_cast<const char*>(vectors.data() + r * dims), dims * sizeof(float));
      const auto [it, fresh] = seen.emplace(std::move(key), node_rows.size());
      if (fresh) node_rows.push_back({r});
      else node_rows[it->second].push_back(r);
    }
  }
  hnswlib::InnerProductSpace space(dims);
  const double rss0 = rss_mb();
  auto t0 = Clock::now();
  hnswlib::HierarchicalNSW<float> hnsw(&space, node_rows.size(), m, efc, 100);
  std::atomic<std::size_t> next{0};
  const auto work = [&] {
    for (std::size_t n = next.fetch_add(1); n < node_rows.size(); n = next.fetch_add(1)) {
      hnsw.addPoint(vectors.data() + node_rows[n][0] * dims, n);
    }
  };
  std::vector<std::thread> helpers;
  for (std::size_t t = 1; t < threads; ++t) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  std::printf("{\"bench\":\"ann\",\"what\":\"hnswlib-build\",\"rows\":%zu,\"nodes\":%zu,\"M\":%zu,\"ef_construction\":%zu,\"threads\":%zu,"
              "\"build_s\":%.1f,\"rss_growth_mb\":%.1f}\n",
              rows, node_rows.size(), m, efc, threads, ms_since(t0) / 1000.0, rss_mb() - rss0);
  std::fflush(stdout);
  const std::size_t nq = std::min(queries.size() / dims, exact.size());
  std::vector<std::vector<float>> unit(nq);
  std::vector<float> kth(nq, 0);
  for (std::size_t i = 0; i < nq; ++i) {
    unit[i].assign(queries.begin() + static_cast<std::ptrdiff_t>(i * dims), queries.begin() + static_cast<std::ptrdiff_t>((i + 1) * dims));
    double norm = 0;
    for (const float v : unit[i]) norm += static_cast<double>(v) * v;
    if (norm > 0) {
      for (float& v : unit[i]) v = static_cast<float>(v / std::sqrt(norm));
    }
    kth[i] = exact[i].empty() ? 0 : 1e30f;
    for (const std::size_t r : exact[i]) kth[i] = std::min(kth[i], dot(unit[i].data(), vectors.data() + r * dims));
  }
  for (const std::size_t ef : {16, 32, 64, 96, 128, 200, 300, 400, 600, 800, 1200, 1600}) {
    hnsw.setEf(ef);
    std::vector<double> ms;
    std::size_t found = 0, total = 0;
    for (std::size_t i = 0; i < nq; ++i) {
      std::vector<float> y(queries.begin() + static_cast<std::ptrdiff_t>(i * dims),
                           queries.begin() + static_cast<std::ptrdiff_t>((i + 1) * dims));
      t0 = Clock::now();
      double norm = 0;
      for (const float v : y) norm += static_cast<double>(v) * v;
      if (norm > 0) {
        for (float& v : y) v = static_cast<float>(v / std::sqrt(norm));
      }
      auto top = hnsw.searchKnn(y.data(), std::min(k, node_rows.size()));
      std::vector<std::size_t> got;  // the rows of the nodes found (one each without DISTINCT)
      for (; !top.empty(); top.pop()) {
        for (const std::size_t r : node_rows[static_cast<std::size_t>(top.top().second)]) got.push_back(r);
      }
      ms.push_back(ms_since(t0));
      std::vector<float> scores;
      for (const std::size_t r : got) scores.push_back(dot(unit[i].data(), vectors.data() + r * dims));
      std::sort(scores.begin(), scores.end(), std::greater<float>());
      if (scores.size() > k) scores.resize(k);
      for (const float sc : scores) found += sc >= kth[i] - 1e-6f ? 1 : 0;
      total += exact[i].size();
    }
    std::printf("{\"bench\":\"ann\",\"what\":\"hnswlib%s\",\"ef\":%zu,\"queries\":%zu,\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"recall\":%.4f}\n",
                distinct ? "-distinct" : "", ef, ms.size(), percentile(ms, 50), percentile(ms, 99),
                total ? static_cast<double>(found) / static_cast<double>(total) : 1.0);
    std::fflush(stdout);
  }
  return 0;
}
