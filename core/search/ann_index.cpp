#include "search/ann_index.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <limits>
#include <mutex>
#include <queue>
#include <random>
#include <string_view>
#include <thread>
#include <unordered_map>

#include "common/error.h"
#include "search/ann_codes.h"
#include "search/ann_graph.h"

#if defined(__SANITIZE_THREAD__)
#include <sanitizer/tsan_interface.h>
#endif

namespace strata::search {

AnnGraph::~AnnGraph() {
#if defined(__SANITIZE_THREAD__)
  // std::mutex's destructor does not tell ThreadSanitizer the mutex is gone, and the next graph's
  // mutexes are made at the same addresses: without this, the lock orders of a freed graph's
  // locks are checked against another graph's (reported with no stack to match a suppression).
  for (std::mutex& m : link_list_locks_) __tsan_mutex_destroy(&m, 0);
  for (std::mutex& m : link_list_update_locks_) __tsan_mutex_destroy(&m, 0);
  __tsan_mutex_destroy(&global, 0);
  __tsan_mutex_destroy(&cur_element_count_guard_, 0);
#endif
}

void AnnGraph::add_at_level(const void* data, hnswlib::labeltype label, int level) {
  using hnswlib::tableint;
  tableint cur_c = 0;
  {
    std::unique_lock<std::mutex> lock(cur_element_count_guard_);
    if (cur_element_count >= max_elements_) throw std::runtime_error("more nodes than the graph was made for");
    cur_c = static_cast<tableint>(cur_element_count++);
    label_lookup_[label] = cur_c;
  }
  std::unique_lock<std::mutex> lock_el_update(link_list_update_locks_[cur_c & (max_update_element_locks - 1)]);
  std::unique_lock<std::mutex> lock_el(link_list_locks_[cur_c]);
  const int curlevel = level;
  element_levels_[cur_c] = curlevel;
  // The entry point and the top level read under the lock that guards them (hnswlib reads the
  // entry point after letting go of it).
  std::unique_lock<std::mutex> templock(global);
  const int maxlevelcopy = maxlevel_;
  tableint currObj = enterpoint_node_;
  if (curlevel <= maxlevelcopy) templock.unlock();

  std::memset(data_level0_memory_ + cur_c * size_data_per_element_ + offsetLevel0_, 0, size_data_per_element_);
  std::memcpy(getExternalLabeLp(cur_c), &label, sizeof(hnswlib::labeltype));
  std::memcpy(getDataByInternalId(cur_c), data, data_size_);
  if (curlevel > 0) {
    const std::size_t bytes = size_links_per_element_ * static_cast<std::size_t>(curlevel) + 1;
    linkLists_[cur_c] = static_cast<char*>(std::malloc(bytes));
    if (linkLists_[cur_c] == nullptr) throw std::runtime_error("not enough memory for a node's links");
    std::memset(linkLists_[cur_c], 0, bytes);
  }
  if (static_cast<int>(currObj) != -1) {
    if (curlevel < maxlevelcopy) {
      float curdist = fstdistfunc_(data, getDataByInternalId(currObj), dist_func_param_);
      for (int l = maxlevelcopy; l > curlevel; l--) {
        bool changed = true;
        while (changed) {
          changed = false;
          std::unique_lock<std::mutex> lock(link_list_locks_[currObj]);
          unsigned int* list = get_linklist(currObj, l);
          const int size = getListCount(list);
          const tableint* ids = reinterpret_cast<const tableint*>(list + 1);
          for (int i = 0; i < size; i++) {
            const tableint cand = ids[i];
            if (cand > max_elements_) throw std::runtime_error("a link past the graph's nodes");
            const float d = fstdistfunc_(data, getDataByInternalId(cand), dist_func_param_);
            if (d < curdist) {
              curdist = d;
              currObj = cand;
              changed = true;
            }
          }
        }
      }
    }
    for (int l = std::min(curlevel, maxlevelcopy); l >= 0; l--) {
      auto top_candidates = searchBaseLayer(currObj, data, l);
      currObj = mutuallyConnectNewElement(data, cur_c, top_candidates, l, false);
    }
  }
  // A new top level, or the first node (maxlevel_ -1): templock is still held.
  if (curlevel > maxlevelcopy) {
    enterpoint_node_ = cur_c;
    maxlevel_ = curlevel;
  }
}

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
// The codes and the grouping of rows into nodes (a place per row and an offset per node).
std::size_t codes_bytes(std::size_t rows, std::size_t nodes, std::size_t dims) {
  return AnnCodes::estimated_bytes(nodes, dims) + (rows + nodes + 1) * sizeof(std::uint32_t);
}
}  // namespace

std::size_t AnnIndex::estimated_bytes(const AnnSettings& settings, std::size_t rows, std::size_t nodes, std::size_t dims) {
  return settings.kind == AnnKind::rabitq ? codes_bytes(rows, nodes, dims) : estimated_bytes(rows, nodes, dims, settings.links);
}

std::size_t AnnIndex::estimated_bytes(const AnnSettings& settings, std::size_t rows, std::size_t dims) {
  return estimated_bytes(settings, rows, rows, dims);
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
  const std::size_t threads = std::max<std::size_t>(
      1, std::min<std::size_t>(settings.build_threads != 0 ? settings.build_threads
                                                           : std::max(1U, std::thread::hardware_concurrency()),
                               nodes / 1000 + 1));
  if (settings.kind == AnnKind::rabitq) {
    out->codes_ = AnnCodes::build(vectors, out->first_rows(), threads, stop);
    if (!out->codes_) return nullptr;
    out->bytes_ = codes_bytes(out->rows_, nodes, out->dims_);
    return out;
  }
  out->bytes_ = estimated_bytes(out->rows_, nodes, out->dims_, settings.links);
  out->graph_ = std::make_unique<Graph>(out->dims_);
  try {
    out->graph_->hnsw = std::make_unique<AnnGraph>(
        &out->graph_->space, std::max<std::size_t>(nodes, 1), settings.links, settings.build_breadth, 100);
  } catch (const std::exception& e) {  // hnswlib throws runtime_error for memory it cannot have
    throw Error(ExitCode::unavailable, std::string("building the approximate vector index: ") + e.what());
  }
  AnnGraph& hnsw = *out->graph_->hnsw;
  const auto stopped = [stop] { return stop != nullptr && stop->load(std::memory_order_relaxed); };
  // Every node's level drawn first, from one seeded generator in node order (hnswlib's rule:
  // floor(-ln(u) / ln(links))), so the levels do not depend on which thread adds which node.
  std::vector<int> levels(nodes);
  {
    std::mt19937_64 generator(100);
    std::uniform_real_distribution<double> uniform(0.0, 1.0);
    for (int& l : levels) {
      const double u = std::max(uniform(generator), 1e-300);  // -ln(0) is no level
      l = std::min(static_cast<int>(-std::log(u) * hnsw.mult_), 64);
    }
  }
  const auto add = [&](std::size_t n) {
    hnsw.add_at_level(vectors.row(out->node_rows_[out->node_start_[n]]).data(), n, levels[n]);
  };
  if (nodes > 0) add(0);  // the entry point, before any thread looks for one
  std::atomic<std::size_t> next{1};
  std::atomic<bool> failed{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  const auto work = [&] {
    // Below the process's other threads: queries answered by the scan meanwhile come first.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
    try {
      while (!failed.load(std::memory_order_relaxed) && !stopped()) {
        const std::size_t n = next.fetch_add(1, std::memory_order_relaxed);
        if (n >= nodes) break;
        add(n);
      }
    } catch (...) {
      const std::lock_guard<std::mutex> lock(error_mutex);
      if (!error) error = std::current_exception();
      failed = true;
    }
  };
  {
    std::vector<std::jthread> pool;
    for (std::size_t t = 0; t < threads; ++t) pool.emplace_back(work);
  }
  if (error) {
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      throw Error(ExitCode::unavailable, std::string("building the approximate vector index: ") + e.what());
    }
  }
  if (stopped()) return nullptr;
  return out;
}

std::vector<std::uint32_t> AnnIndex::first_rows() const {
  std::vector<std::uint32_t> out(nodes());
  for (std::size_t n = 0; n < out.size(); ++n) out[n] = node_rows_[node_start_[n]];
  return out;
}

std::vector<std::size_t> AnnIndex::candidates(std::span<const float> unit_query, std::size_t count) const {
  std::vector<std::size_t> out;
  if (nodes() == 0 || count == 0) return out;
  if (codes_) return codes_->candidates(unit_query, count);
  // The graph's own breadth stays hnswlib's 10 (setEf is not safe beside a search): searchKnn
  // widens it to `count`, so the breadth is the count asked for, chosen per search.
  std::priority_queue<std::pair<float, hnswlib::labeltype>> found =
      graph_->hnsw->searchKnn(unit_query.data(), std::min(count, nodes()));
  out.reserve(found.size());
  for (; !found.empty(); found.pop()) out.push_back(static_cast<std::size_t>(found.top().second));
  return out;
}

}  // namespace strata::search
