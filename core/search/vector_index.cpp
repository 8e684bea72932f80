#include "search/vector_index.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <future>
#include <limits>
#include <queue>
#include <string>

#include "common/error.h"
#include "common/thread_pool.h"
#include "search/vector_kernels.h"

// Why the int8 pre-pass returns exactly the exact top k.
//
// Per row x (the stored float32 row) the index keeps a scale s and int8 codes c with
// x = s·c + ε, and per query y (the normalised float32 query) the search builds t and int16
// codes p with y = t·p + δ. For the real-number dot product D = x·y,
//     x·y = s·t·(c·p) + ε·y + s·c·δ,
// so with A = s·t·(c·p) (exact: an int32 sum times two scales, in double) and Cauchy-Schwarz,
//     |D − A| ≤ ‖ε‖·‖y‖ + ‖s·c‖·‖δ‖.
// The score exact search reports is F = the float32 dot product of the same two vectors, and
// any float summation order satisfies |F − D| ≤ γ_d·Σ|x_i·y_i| ≤ γ_d·‖x‖·‖y‖, with
// γ_d = d·u / (1 − d·u), u = 2^-24 (Higham, Accuracy and Stability, §3.1). So with
//     B = (‖ε‖ + γ_d·‖x‖)·‖y‖ + ‖s·c‖·‖δ‖,      L = A − B ≤ F ≤ U = A + B.
// (‖ε‖ + γ_d·‖x‖ and ‖s·c‖ are stored per row, rounded up to float; B gets a 1e-6 relative
// margin, which covers the double rounding of A and B by many orders of magnitude.)
//
// Let θ be the k-th largest L among the allowed rows. At least k rows have F ≥ L ≥ θ, so the
// k-th best exact score τ is ≥ θ. A row with U < θ has F < τ: it is strictly below the k-th
// best, so it is not in the exact top k, not even through a tie. Every row of the exact top k
// has U ≥ F ≥ τ ≥ θ, so it is rescored, with the same float kernel as exact search; ranking the
// rescored rows by (F desc, row asc) therefore gives the exact top k, scores bit for bit.
// Candidates are first kept against the running k-th largest L (which only rises) and pruned
// against the final θ before rescoring.

namespace strata::search {
namespace {

using detail::best_kernels;

// int8 codes hold at most ±127 and the query ±127: the int32 sum is exact up to this many dims.
constexpr std::size_t kMaxInt8Dims = 130000;
constexpr std::size_t kBlockRows = 256;  // scores per kernel call: a small buffer that stays in L1
// The int8 pass over a large index is cut into slices of rows scanned by threads at once (one per
// hardware thread, at most kMaxSlices), each slice at least this many codes: below, a thread's
// start costs more than it saves. 1,318,324 rows of 384 dimensions on 2 cores: 58 ms of a vector
// search's 104 ms were this pass on one thread.
constexpr std::size_t kMinSliceCodes = std::size_t{1} << 22;
constexpr std::size_t kMaxSlices = 4;

float round_up_to_float(double v) {
  float f = static_cast<float>(v);
  if (static_cast<double>(f) < v) f = std::nextafter(f, std::numeric_limits<float>::infinity());
  return f;
}

double norm_of(const float* v, std::size_t n) {
  double sum = 0.0;
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<double>(v[i]) * static_cast<double>(v[i]);
  return std::sqrt(sum);
}

// Calls f(begin, end) for each maximal run of allowed rows, in ascending order.
template <typename F>
void for_each_run(std::size_t rows, const RowSet* filter, F&& f) {
  if (filter == nullptr) {
    if (rows > 0) f(std::size_t{0}, rows);
    return;
  }
  const std::span<const std::uint64_t> words = filter->words();
  // The first row >= r whose bit equals `want` (rows when there is none).
  auto next_with = [&](std::size_t r, bool want) {
    while (r < rows) {
      std::uint64_t w = words[r >> 6];
      if (!want) w = ~w;
      w &= ~std::uint64_t{0} << (r & 63);
      if (w != 0) return std::min(rows, (r & ~std::size_t{63}) + static_cast<std::size_t>(std::countr_zero(w)));
      r = (r & ~std::size_t{63}) + 64;
    }
    return rows;
  };
  std::size_t r = 0;
  while (r < rows) {
    const std::size_t begin = next_with(r, true);
    if (begin >= rows) break;
    const std::size_t end = next_with(begin, false);
    f(begin, end);
    r = end;
  }
}

// Higher score first, then the lower row. A NaN score (only possible from a damaged mapped
// snapshot: the constructor rejects non-finite values) ranks last, so the order stays a strict
// weak order that std::sort and the heaps can rely on.
bool better(const VectorHit& a, const VectorHit& b) {
  const bool a_nan = std::isnan(a.score), b_nan = std::isnan(b.score);
  if (a_nan || b_nan) return a_nan != b_nan ? b_nan : a.row < b.row;
  return a.score != b.score ? a.score > b.score : a.row < b.row;
}

// Keeps the k best hits seen; rows must be offered in ascending order for `offer_ascending`.
class TopK {
 public:
  explicit TopK(std::size_t k) : k_(k) { heap_.reserve(k); }
  // A hit equal in score to the current worst loses (its row is higher).
  void offer_ascending(std::size_t row, float score) {
    if (heap_.size() < k_) {
      heap_.push_back({row, score});
      std::push_heap(heap_.begin(), heap_.end(), better);
    } else if (k_ > 0 && score > heap_.front().score) {
      std::pop_heap(heap_.begin(), heap_.end(), better);
      heap_.back() = {row, score};
      std::push_heap(heap_.begin(), heap_.end(), better);
    }
  }
  std::vector<VectorHit> take() {
    std::sort(heap_.begin(), heap_.end(), better);
    return std::move(heap_);
  }

 private:
  std::size_t k_;
  std::vector<VectorHit> heap_;  // a heap whose front is the worst hit kept
};

}  // namespace

RowSet::RowSet(std::size_t rows) : rows_(rows), words_((rows + 63) / 64, 0) {}

RowSet RowSet::all(std::size_t rows) {
  RowSet set(rows);
  std::fill(set.words_.begin(), set.words_.end(), ~std::uint64_t{0});
  if (rows % 64 != 0) set.words_.back() = (std::uint64_t{1} << (rows % 64)) - 1;
  return set;
}

std::size_t RowSet::count() const {
  std::size_t n = 0;
  for (std::uint64_t w : words_) n += static_cast<std::size_t>(std::popcount(w));
  return n;
}

float dot(std::span<const float> a, std::span<const float> b) {
  return best_kernels().dot_f32(a.data(), b.data(), std::min(a.size(), b.size()));
}

void l2_normalise(std::span<float> v) {
  const double norm = norm_of(v.data(), v.size());
  if (norm == 0.0) return;
  for (float& x : v) x = static_cast<float>(static_cast<double>(x) / norm);
}

VectorIndex::VectorIndex(std::vector<float> matrix, std::size_t dims, Prepass prepass)
    : dims_(dims), prepass_(prepass), owned_matrix_(std::move(matrix)) {
  if (dims_ == 0) throw Error(ExitCode::invalid_input, "vectors must have at least one dimension");
  if (owned_matrix_.size() % dims_ != 0) {
    throw Error(ExitCode::invalid_input, "the vector matrix holds " + std::to_string(owned_matrix_.size()) +
                                             " values, not a multiple of " + std::to_string(dims_) +
                                             " dimensions");
  }
  rows_ = owned_matrix_.size() / dims_;
  for (std::size_t r = 0; r < rows_; ++r) {
    const std::span<float> v(owned_matrix_.data() + r * dims_, dims_);
    for (float x : v) {
      if (!std::isfinite(x)) {
        throw Error(ExitCode::invalid_input, "vector " + std::to_string(r) + " has a value that is not a finite number");
      }
    }
    l2_normalise(v);
  }
  matrix_ = owned_matrix_;
  if (dims_ > kMaxInt8Dims) prepass_ = Prepass::none;
  if (prepass_ != Prepass::int8) return;

  const double unit = std::ldexp(1.0, -24);
  const double gamma = static_cast<double>(dims_) * unit / (1.0 - static_cast<double>(dims_) * unit);
  owned_codes_.resize(owned_matrix_.size());
  owned_scale_.resize(rows_);
  owned_residual_bound_.resize(rows_);
  owned_code_norm_.resize(rows_);
  for (std::size_t r = 0; r < rows_; ++r) {
    const float* x = owned_matrix_.data() + r * dims_;
    std::int8_t* c = owned_codes_.data() + r * dims_;
    float max_abs = 0.0f;
    for (std::size_t i = 0; i < dims_; ++i) max_abs = std::max(max_abs, std::fabs(x[i]));
    const float s = max_abs / 127.0f;
    double residual = 0.0, code = 0.0;
    for (std::size_t i = 0; i < dims_; ++i) {
      long q = s > 0.0f ? std::lround(static_cast<double>(x[i]) / static_cast<double>(s)) : 0;
      q = std::clamp(q, -127L, 127L);
      c[i] = static_cast<std::int8_t>(q);
      // s·q is exact in double (24 + 8 bits), so the residual is the true one up to one rounding.
      const double e = static_cast<double>(x[i]) - static_cast<double>(s) * static_cast<double>(q);
      residual += e * e;
      code += static_cast<double>(q) * static_cast<double>(q);
    }
    owned_scale_[r] = s;
    owned_residual_bound_[r] = round_up_to_float(std::sqrt(residual) + gamma * norm_of(x, dims_));
    owned_code_norm_[r] = round_up_to_float(static_cast<double>(s) * std::sqrt(code));
  }
  codes_ = owned_codes_;
  scale_ = owned_scale_;
  residual_bound_ = owned_residual_bound_;
  code_norm_ = owned_code_norm_;
}

VectorIndex VectorIndex::adopt(std::shared_ptr<const void> storage, const VectorIndexParts& parts) {
  auto bad = [](const std::string& what) {
    throw Error(ExitCode::invalid_input, "the vector index's arrays do not fit together: " + what);
  };
  if (parts.dims == 0) bad("0 dimensions");
  if (parts.rows > std::numeric_limits<std::size_t>::max() / parts.dims) bad("too many rows");
  const std::size_t values = parts.rows * parts.dims;
  if (parts.matrix.size() != values) bad("the matrix has the wrong size");
  if (parts.prepass == Prepass::int8) {
    if (parts.dims > kMaxInt8Dims) bad("too many dimensions for the int8 pre-pass");
    if (parts.codes.size() != values) bad("the int8 codes have the wrong size");
    if (parts.scale.size() != parts.rows || parts.residual_bound.size() != parts.rows ||
        parts.code_norm.size() != parts.rows) {
      bad("the per-row int8 bounds have the wrong size");
    }
  } else if (!parts.codes.empty() || !parts.scale.empty() || !parts.residual_bound.empty() ||
             !parts.code_norm.empty()) {
    bad("int8 arrays without the int8 pre-pass");
  }
  VectorIndex index;
  index.rows_ = parts.rows;
  index.dims_ = parts.dims;
  index.prepass_ = parts.prepass;
  index.matrix_ = parts.matrix;
  index.codes_ = parts.codes;
  index.scale_ = parts.scale;
  index.residual_bound_ = parts.residual_bound;
  index.code_norm_ = parts.code_norm;
  index.storage_ = std::move(storage);
  return index;
}

VectorIndexParts VectorIndex::parts() const {
  return VectorIndexParts{rows_, dims_, prepass_, matrix_, codes_, scale_, residual_bound_, code_norm_};
}

std::vector<float> VectorIndex::normalised_query(std::span<const float> query) const {
  if (query.size() != dims_) {
    throw Error(ExitCode::invalid_input, "the query vector has " + std::to_string(query.size()) +
                                             " dimensions but the collection's vectors have " +
                                             std::to_string(dims_));
  }
  std::vector<float> y(query.begin(), query.end());
  for (float v : y) {
    if (!std::isfinite(v)) throw Error(ExitCode::invalid_input, "the query vector has a value that is not a finite number");
  }
  l2_normalise(y);
  return y;
}

void VectorIndex::check_filter(const RowSet* filter) const {
  if (filter != nullptr && filter->rows() != rows_) {
    throw Error(ExitCode::invalid_input, "the row filter covers " + std::to_string(filter->rows()) +
                                             " rows but the index has " + std::to_string(rows_));
  }
}

std::vector<VectorHit> VectorIndex::search_exact(std::span<const float> query, std::size_t k,
                                                 const RowSet* filter) const {
  check_filter(filter);
  const std::vector<float> y = normalised_query(query);
  const auto& kernels = best_kernels();
  TopK top(k);
  float scores[kBlockRows];
  for_each_run(rows_, filter, [&](std::size_t begin, std::size_t end) {
    for (std::size_t r = begin; r < end; r += kBlockRows) {
      const std::size_t n = std::min(kBlockRows, end - r);
      kernels.scores_f32(matrix_.data() + r * dims_, n, dims_, y.data(), scores);
      for (std::size_t i = 0; i < n; ++i) top.offer_ascending(r + i, scores[i]);
    }
  });
  return top.take();
}

std::vector<VectorHit> VectorIndex::search(std::span<const float> query, std::size_t k,
                                           const RowSet* filter, VectorSearchStats* stats) const {
  check_filter(filter);
  if (stats != nullptr) *stats = VectorSearchStats{filter ? filter->count() : rows_, 0};
  if (prepass_ == Prepass::int8 && k > 0) return search_int8(normalised_query(query), k, filter, stats);
  return search_exact(query, k, filter);
}

std::vector<VectorHit> VectorIndex::search_int8(std::span<const float> y, std::size_t k,
                                                const RowSet* filter, VectorSearchStats* stats) const {
  float max_abs = 0.0f;
  for (float v : y) max_abs = std::max(max_abs, std::fabs(v));
  if (max_abs == 0.0f) return search_exact(y, k, filter);  // every score is 0: rank by row

  // Query codes (int16 lanes for pmaddwd, values within ±127) and ‖δ‖, ‖y‖.
  const double t = static_cast<double>(max_abs) / 127.0;
  std::vector<std::int16_t> p(dims_);
  double residual = 0.0;
  for (std::size_t i = 0; i < dims_; ++i) {
    const long q = std::clamp(std::lround(static_cast<double>(y[i]) / t), -127L, 127L);
    p[i] = static_cast<std::int16_t>(q);
    const double e = static_cast<double>(y[i]) - t * static_cast<double>(q);
    residual += e * e;
  }
  const double query_residual = std::sqrt(residual);
  const double query_norm = norm_of(y.data(), y.size());
  constexpr double kMargin = 1.0 + 1e-6;

  // Pass 1: bounds for every allowed row of a slice [lo, hi); the slice's k largest lower bounds
  // in a min-heap, and the rows whose upper bound reaches its running k-th largest lower bound.
  // The k largest lower bounds of all rows are among the slices' (each slice keeps its own k
  // largest), and a slice's running threshold never exceeds the final one, so the slices'
  // candidates, in slice order, are a superset of the rows to rescore, in ascending order.
  struct Candidate {
    std::size_t row;
    double upper;
  };
  struct Slice {
    std::vector<Candidate> candidates;
    std::vector<double> lowers;
  };
  const auto& kernels = best_kernels();
  const auto scan = [&](std::size_t lo, std::size_t hi) {
    Slice out;
    std::priority_queue<double, std::vector<double>, std::greater<>> lowers;
    double threshold = -std::numeric_limits<double>::infinity();
    std::int32_t dots[kBlockRows];
    for_each_run(rows_, filter, [&](std::size_t run_begin, std::size_t run_end) {
      const std::size_t begin = std::max(run_begin, lo), end = std::min(run_end, hi);
      for (std::size_t r = begin; r < end; r += kBlockRows) {
        const std::size_t n = std::min(kBlockRows, end - r);
        kernels.scores_i8(codes_.data() + r * dims_, n, dims_, p.data(), dots);
        for (std::size_t i = 0; i < n; ++i) {
          const std::size_t row = r + i;
          const double estimate = static_cast<double>(scale_[row]) * t * static_cast<double>(dots[i]);
          const double bound = (static_cast<double>(residual_bound_[row]) * query_norm +
                                static_cast<double>(code_norm_[row]) * query_residual) * kMargin;
          const double upper = estimate + bound;
          if (upper < threshold) continue;
          out.candidates.push_back({row, upper});
          const double lower = estimate - bound;
          if (lowers.size() < k) {
            lowers.push(lower);
            if (lowers.size() == k) threshold = lowers.top();
          } else if (lower > lowers.top()) {
            lowers.pop();
            lowers.push(lower);
            threshold = lowers.top();
          }
        }
      }
    });
    for (; !lowers.empty(); lowers.pop()) out.lowers.push_back(lowers.top());
    return out;
  };
  const std::size_t slices = std::min<std::size_t>(
      {ThreadPool::hardware_threads(), kMaxSlices, std::max<std::size_t>(1, rows_ * dims_ / kMinSliceCodes)});
  std::vector<std::size_t> edges;
  for (std::size_t i = 0; i <= slices; ++i) edges.push_back(rows_ * i / slices);
  std::vector<std::future<Slice>> others;
  // async | deferred: libstdc++ starts a thread, and where none can be had runs the slice on
  // get() instead, in this thread.
  for (std::size_t i = 1; i < slices; ++i) {
    others.push_back(std::async(std::launch::async | std::launch::deferred, scan, edges[i], edges[i + 1]));
  }
  std::vector<Slice> parts;
  parts.push_back(scan(edges[0], edges[1]));
  for (std::future<Slice>& f : others) parts.push_back(f.get());
  std::vector<double> lowers;
  for (const Slice& part : parts) lowers.insert(lowers.end(), part.lowers.begin(), part.lowers.end());
  double threshold = -std::numeric_limits<double>::infinity();
  if (lowers.size() >= k) {
    std::nth_element(lowers.begin(), lowers.begin() + static_cast<std::ptrdiff_t>(k - 1), lowers.end(), std::greater<>());
    threshold = lowers[k - 1];
  }

  // Pass 2: exact float scores for the rows whose upper bound reaches the final threshold.
  TopK top(k);
  std::size_t rescored = 0;
  for (const Slice& part : parts) {
    for (const Candidate& c : part.candidates) {
      if (c.upper < threshold) continue;
      ++rescored;
      top.offer_ascending(c.row, kernels.dot_f32(matrix_.data() + c.row * dims_, y.data(), dims_));
    }
  }
  if (stats != nullptr) {
    stats->rescored = rescored;
    stats->slices = slices;
  }
  return top.take();
}

}  // namespace strata::search
