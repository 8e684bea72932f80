#include "search/ann_index.h"

// hnswlib's own SIMD code (USE_SSE) prefetches past the end of a node's link list, reading the
// int after the last one (0.6.2, hnswalg.h's searchBaseLayer): out of bounds, which ASan reports.
// Without it hnswlib runs plain loops, and the distance comes from strata's own kernels below.
#define NO_MANUAL_VECTORIZATION
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <queue>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "common/error.h"
#include "search/vector_kernels.h"

namespace strata::search {

// hnswlib's inner-product distance (1 - a·b) on strata's vector kernels (AVX2 where the CPU has
// it), the same dot product the exact scan computes.
class AnnKernelSpace final : public hnswlib::SpaceInterface<float> {
 public:
  explicit AnnKernelSpace(std::size_t dims) : param_{dims, detail::best_kernels().dot_f32} {}
  std::size_t get_data_size() override { return param_.dims * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return &distance; }
  void* get_dist_func_param() override { return &param_; }

 private:
  struct Param {
    std::size_t dims;
    float (*dot)(const float* a, const float* b, std::size_t n);
  };
  static float distance(const void* a, const void* b, const void* param) {
    const auto& p = *static_cast<const Param*>(param);
    return 1.0f - p.dot(static_cast<const float*>(a), static_cast<const float*>(b), p.dims);
  }
  Param param_;
};

// hnswlib's space and graph; the space outlives the graph, which keeps a pointer to it.
struct AnnIndex::Graph {
  explicit Graph(std::size_t dims) : space(dims) {}
  AnnKernelSpace space;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> hnsw;
};

AnnIndex::~AnnIndex() = default;

std::size_t AnnIndex::estimated_bytes(std::size_t rows, std::size_t nodes, std::size_t dims, std::size_t links) {
  // Per node: the vector and its label and level-0 links (2 × links ids and a count) in one
  // block, a level, two mutexes, the label map's node, and the upper levels' links (a node
  // reaches level l with probability links^-l: about 1 / (links - 1) of a level's links), and
  // its first row's place. Per row: its place in its node's list.
  const std::size_t level0 = dims * sizeof(float) + sizeof(std::size_t) + (2 * links + 1) * sizeof(std::uint32_t);
  const std::size_t upper = (links + 1) * sizeof(std::uint32_t) / std::max<std::size_t>(links - 1, 1);
  const std::size_t bookkeeping = sizeof(int) + sizeof(std::mutex) + 64 + sizeof(std::uint32_t);
  return nodes * (level0 + upper + bookkeeping) + rows * sizeof(std::uint32_t);
}

std::size_t AnnIndex::estimated_bytes(std::size_t rows, std::size_t dims, std::size_t links) {
  return estimated_bytes(rows, rows, dims, links);
}

namespace {

// The rows of `vectors` grouped by identical vectors (byte for byte), in order of each group's
// first row: `start` (groups + 1 offsets) into `rows` (every row once, ascending in a group).
void group_equal_rows(const VectorIndex& vectors, std::vector<std::uint32_t>& start, std::vector<std::uint32_t>& rows) {
  const std::size_t n = vectors.rows(), bytes = vectors.dims() * sizeof(float);
  const auto view = [&](std::size_t r) {
    return std::string_view(reinterpret_cast<const char*>(vectors.row(r).data()), bytes);
  };
  std::vector<std::uint32_t> group_of(n);
  std::vector<std::uint32_t> first_row;  // a group's first row: what its vector is compared with
  std::unordered_multimap<std::size_t, std::uint32_t> by_hash;
  by_hash.reserve(n);
  const std::hash<std::string_view> hash;
  for (std::size_t r = 0; r < n; ++r) {
    const std::string_view v = view(r);
    const std::size_t h = hash(v);
    std::uint32_t group = static_cast<std::uint32_t>(first_row.size());
    const auto [lo, hi] = by_hash.equal_range(h);
    for (auto it = lo; it != hi; ++it) {
      if (view(first_row[it->second]) == v) {
        group = it->second;
        break;
      }
    }
    if (group == first_row.size()) {
      first_row.push_back(static_cast<std::uint32_t>(r));
      by_hash.emplace(h, group);
    }
    group_of[r] = group;
  }
  start.assign(first_row.size() + 1, 0);
  for (const std::uint32_t g : group_of) ++start[g + 1];
  for (std::size_t g = 1; g < start.size(); ++g) start[g] += start[g - 1];
  rows.assign(n, 0);
  std::vector<std::uint32_t> next(start.begin(), start.end() - 1);
  for (std::size_t r = 0; r < n; ++r) rows[next[group_of[r]]++] = static_cast<std::uint32_t>(r);
}

}  // namespace

std::unique_ptr<AnnIndex> AnnIndex::build(const VectorIndex& vectors, const AnnSettings& settings,
                                          const std::atomic<bool>* stop) {
  if (vectors.rows() > std::numeric_limits<std::uint32_t>::max()) {
    throw Error(ExitCode::unavailable, "building the approximate vector index: more rows than it can hold");
  }
  std::unique_ptr<AnnIndex> out(new AnnIndex());
  out->rows_ = vectors.rows();
  out->dims_ = vectors.dims();
  group_equal_rows(vectors, out->node_start_, out->node_rows_);
  const std::size_t nodes = out->nodes();
  out->bytes_ = estimated_bytes(out->rows_, nodes, out->dims_, settings.links);
  out->graph_ = std::make_unique<Graph>(out->dims_);
  try {
    out->graph_->hnsw = std::make_unique<hnswlib::HierarchicalNSW<float>>(
        &out->graph_->space, std::max<std::size_t>(nodes, 1), settings.links, settings.build_breadth, 100);
  } catch (const std::exception& e) {  // hnswlib throws runtime_error for memory it cannot have
    throw Error(ExitCode::unavailable, std::string("building the approximate vector index: ") + e.what());
  }
  hnswlib::HierarchicalNSW<float>& hnsw = *out->graph_->hnsw;
  const auto stopped = [stop] { return stop != nullptr && stop->load(std::memory_order_relaxed); };
  // One thread adds the nodes: hnswlib 0.6.2's addPoint draws each node's level from one
  // generator it does not guard (getRandomLevel), so nodes added on several threads race on it
  // (ThreadSanitizer, AnnCacheTest). The build runs in the background; the scan answers meanwhile.
  for (std::size_t n = 0; n < nodes && !stopped(); ++n) {
    hnsw.addPoint(vectors.row(out->node_rows_[out->node_start_[n]]).data(), n);
  }
  if (stopped()) return nullptr;
  return out;
}

std::vector<std::size_t> AnnIndex::candidates(std::span<const float> unit_query, std::size_t count) const {
  std::vector<std::size_t> out;
  if (nodes() == 0 || count == 0) return out;
  // The graph's own breadth stays hnswlib's 10 (setEf is not safe beside a search): searchKnn
  // widens it to `count`, so the breadth is the count asked for, chosen per search.
  std::priority_queue<std::pair<float, hnswlib::labeltype>> found =
      graph_->hnsw->searchKnn(unit_query.data(), std::min(count, nodes()));
  out.reserve(found.size());
  for (; !found.empty(); found.pop()) out.push_back(static_cast<std::size_t>(found.top().second));
  return out;
}

}  // namespace strata::search
