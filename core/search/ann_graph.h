#pragma once
// hnswlib's graph as AnnIndex holds it (ann_index.cpp builds it, ann_file.cpp saves and loads
// it). Internal to core/search: no header outside this folder includes hnswlib.

// hnswlib's own SIMD code (USE_SSE) prefetches past the end of a node's link list, reading the
// int after the last one (0.6.2, hnswalg.h's searchBaseLayer): out of bounds, which ASan reports.
// Without it hnswlib runs plain loops, and the distance comes from strata's own kernels below.
#define NO_MANUAL_VECTORIZATION
#include <hnswlib/hnswlib.h>

#include <cstddef>
#include <memory>

#include "search/ann_index.h"
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

// hnswlib 0.6.2's graph with the one insert it lacks for a parallel build: a node added at a
// level drawn beforehand. Its addPoint draws every level from one generator it does not guard
// (getRandomLevel, even when given a level) and reads the entry point after letting go of the
// lock that guards it, so nodes added on several threads race twice (ThreadSanitizer). Every
// member it uses is public in hnswlib; the insert is hnswlib's own, less those two reads.
class AnnGraph final : public hnswlib::HierarchicalNSW<float> {
 public:
  using hnswlib::HierarchicalNSW<float>::HierarchicalNSW;
  // An empty graph for loadIndex. hnswlib's constructor for it sets nothing, and its destructor
  // frees the level-0 block, the link lists and the visited-list pool: a loadIndex that fails
  // before making them must leave null pointers and no nodes behind, not garbage.
  explicit AnnGraph(hnswlib::SpaceInterface<float>* space) : hnswlib::HierarchicalNSW<float>(space) {
    max_elements_ = 0;
    cur_element_count = 0;
    num_deleted_ = 0;
    data_level0_memory_ = nullptr;
    linkLists_ = nullptr;
    visited_list_pool_ = nullptr;
    maxlevel_ = -1;
    enterpoint_node_ = static_cast<hnswlib::tableint>(-1);
  }

  ~AnnGraph() override;
  AnnGraph(const AnnGraph&) = delete;
  AnnGraph& operator=(const AnnGraph&) = delete;

  // Adds the vector `data` as node `label` at level `level` (>= 0). Safe beside other calls on
  // other threads once the first node is in.
  void add_at_level(const void* data, hnswlib::labeltype label, int level);
};

// hnswlib's space and graph; the space outlives the graph, which keeps a pointer to it.
struct AnnIndex::Graph {
  explicit Graph(std::size_t dims) : space(dims) {}
  AnnKernelSpace space;
  std::unique_ptr<AnnGraph> hnsw;
};

}  // namespace strata::search
