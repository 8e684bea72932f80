#include "search/ann_codes.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <functional>
#include <future>
#include <limits>
#include <queue>
#include <random>
#include <thread>
#include <utility>

#include "common/thread_pool.h"
#include "search/derived_file.h"
#include "search/vector_kernels.h"

namespace strata::search {
namespace {

using detail::best_kernels;

constexpr std::size_t kRotationRounds = 4;  // rounds of random signs and Hadamard transforms
constexpr std::size_t kQueryBits = 4;      // the query's values as 4-bit steps (RaBitQ's choice)
// Blocks estimated at once: small buffers that stay in L1. The codes are kept in whole chunks
// (the last padded with empty nodes) so that the loops over a chunk have a fixed count, which
// the compiler vectorises at -O2.
constexpr std::size_t kCodeChunkBlocks = 32;
constexpr std::size_t kCodeChunkNodes = kCodeChunkBlocks * 8;
constexpr std::uint64_t kRotationSeed = 0x5354524154413131ULL;  // fixed: the same codes every build
// A query's scan is cut into slices scanned by threads at once (one per hardware thread, at most
// kMaxCodeSlices), each at least this many nodes: below, a thread's start costs more than it saves.
constexpr std::size_t kMinCodeSliceNodes = 200'000;
constexpr std::size_t kMaxCodeSlices = 4;

// Dims rounded up to whole 64-bit words: the code's bits. (Not to a power of two: 384 dims would
// take 512 bits, and a query reads every code, at the memory's pace.)
std::size_t padded_dims(std::size_t dims) { return std::max<std::size_t>(64, (dims + 63) / 64 * 64); }

// The normalised Walsh-Hadamard transform of v (n values, a power of two): orthogonal.
void hadamard(float* v, std::size_t n) {
  for (std::size_t h = 1; h < n; h *= 2) {
    for (std::size_t i = 0; i < n; i += 2 * h) {
      for (std::size_t j = i; j < i + h; ++j) {
        const float a = v[j], b = v[j + h];
        v[j] = a + b;
        v[j + h] = a - b;
      }
    }
  }
  const float scale = 1.0f / std::sqrt(static_cast<float>(n));
  for (std::size_t i = 0; i < n; ++i) v[i] *= scale;
}

// The best `count` of (estimate, node) pairs offered, equal estimates keeping the lower node.
class Best {
 public:
  explicit Best(std::size_t count) : count_(count) {}
  void offer(float estimate, std::size_t node) {
    if (heap_.size() < count_) {
      heap_.push({estimate, node});
    } else if (better({estimate, node}, heap_.top())) {
      heap_.pop();
      heap_.push({estimate, node});
    }
  }
  // The estimate a node must beat to be taken (lowest when not yet full).
  float floor() const { return heap_.size() < count_ ? -std::numeric_limits<float>::infinity() : heap_.top().first; }
  std::vector<std::pair<float, std::size_t>> take() {
    std::vector<std::pair<float, std::size_t>> out;
    for (; !heap_.empty(); heap_.pop()) out.push_back(heap_.top());
    return out;
  }
  static bool better(const std::pair<float, std::size_t>& a, const std::pair<float, std::size_t>& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  }

 private:
  struct Worse {
    bool operator()(const std::pair<float, std::size_t>& a, const std::pair<float, std::size_t>& b) const {
      return better(a, b);  // the worst on top
    }
  };
  std::size_t count_;
  std::priority_queue<std::pair<float, std::size_t>, std::vector<std::pair<float, std::size_t>>, Worse> heap_;
};

}  // namespace

// A query as the codes are compared with it: its rotation in kQueryBits-bit steps, lo + step * q_i.
struct AnnCodes::Query {
  std::vector<std::uint64_t> planes;  // kQueryBits × words_: bit j of each step
  float lo = 0, step = 0, sum = 0;    // sum: of the stepped values
};

std::size_t AnnCodes::estimated_bytes(std::size_t nodes, std::size_t dims) {
  return static_cast<std::size_t>(file_bytes(nodes, dims));
}

void AnnCodes::rotate(const float* in, const float* minus, float* out) const {
  for (std::size_t i = 0; i < dims_; ++i) out[i] = minus != nullptr ? in[i] - minus[i] : in[i];
  std::fill(out + dims_, out + padded_, 0.0f);
  // A round: random signs, then the Hadamard transform of the largest power of two that fits,
  // at the front and again at the back when that is not all of it (the two overlap: together
  // they mix every value; Kac's walk as the RaBitQ library rotates such sizes). Each step is
  // orthogonal, so the whole is.
  const std::size_t h = std::bit_floor(padded_);
  for (std::size_t round = 0; round < kRotationRounds; ++round) {
    const float* s = signs_.data() + round * padded_;
    for (std::size_t i = 0; i < padded_; ++i) out[i] *= s[i];
    hadamard(out, h);
    if (h != padded_) hadamard(out + (padded_ - h), h);
  }
}

namespace {
std::size_t whole_nodes(std::size_t nodes) { return (nodes + kCodeChunkNodes - 1) / kCodeChunkNodes * kCodeChunkNodes; }

// The rotation's signs: a fixed generator, so every build (and the file's reader) has the same.
std::vector<float> rotation_signs(std::size_t padded) {
  std::mt19937_64 generator(kRotationSeed);
  std::vector<float> signs(kRotationRounds * padded);
  for (float& s : signs) s = (generator() & 1) != 0 ? 1.0f : -1.0f;
  return signs;
}
}  // namespace

std::uint64_t AnnCodes::file_bytes(std::size_t nodes, std::size_t dims) {
  const std::uint64_t padded = padded_dims(dims), whole = whole_nodes(nodes);
  return (kRotationRounds * padded + dims) * sizeof(float) + whole * (padded / 8 + 2 * sizeof(float));
}

bool AnnCodes::write_to(int fd) const {
  return write_whole(fd, signs_.data(), signs_.size() * sizeof(float)) &&
         write_whole(fd, mean_.data(), mean_.size() * sizeof(float)) &&
         write_whole(fd, blocks_.data(), blocks_.size() * sizeof(std::uint64_t)) &&
         write_whole(fd, factor_.data(), factor_.size() * sizeof(float)) &&
         write_whole(fd, factor_ones_.data(), factor_ones_.size() * sizeof(float));
}

std::unique_ptr<AnnCodes> AnnCodes::read_from(int fd, std::size_t nodes, std::size_t dims) {
  std::unique_ptr<AnnCodes> out(new AnnCodes());
  AnnCodes& c = *out;
  c.dims_ = dims;
  c.padded_ = padded_dims(dims);
  c.words_ = c.padded_ / 64;
  c.nodes_ = nodes;
  const std::size_t whole = whole_nodes(nodes);
  c.signs_.resize(kRotationRounds * c.padded_);
  c.mean_.resize(dims);
  c.blocks_.resize(whole / 8 * c.words_ * 8);
  c.factor_.resize(whole);
  c.factor_ones_.resize(whole);
  off_t at = 0;
  const auto read = [&](auto& v) {
    const std::size_t n = v.size() * sizeof(v[0]);
    if (!read_whole(fd, v.data(), n, at)) return false;
    at += static_cast<off_t>(n);
    return true;
  };
  if (!read(c.signs_) || !read(c.mean_) || !read(c.blocks_) || !read(c.factor_) || !read(c.factor_ones_)) return nullptr;
  if (c.signs_ != rotation_signs(c.padded_)) return nullptr;
  const auto finite = [](float v) { return std::isfinite(v); };
  if (!std::all_of(c.mean_.begin(), c.mean_.end(), finite)) return nullptr;
  for (std::size_t n = 0; n < whole; ++n) {
    if (!finite(c.factor_[n]) || !finite(c.factor_ones_[n]) || c.factor_[n] < 0.0f || c.factor_ones_[n] < 0.0f) return nullptr;
    if (n >= nodes && (c.factor_[n] != 0.0f || c.factor_ones_[n] != 0.0f)) return nullptr;
  }
  for (std::size_t b = nodes / 8; b < whole / 8; ++b) {  // the padding nodes' bits
    for (std::size_t w = 0; w < c.words_; ++w) {
      for (std::size_t r = 0; r < 8; ++r) {
        if (b * 8 + r >= nodes && c.blocks_[(b * c.words_ + w) * 8 + r] != 0) return nullptr;
      }
    }
  }
  return out;
}

void AnnCodes::encode(const float* vector, std::vector<float>& scratch, std::vector<std::uint64_t>& bits, float& factor,
                      float& factor_ones) const {
  rotate(vector, mean_.data(), scratch.data());
  std::fill(bits.begin(), bits.end(), 0);
  double norm2 = 0.0, abs_sum = 0.0;
  std::size_t ones = 0;
  for (std::size_t i = 0; i < padded_; ++i) {
    norm2 += static_cast<double>(scratch[i]) * scratch[i];
    abs_sum += std::fabs(scratch[i]);
    if (scratch[i] > 0.0f) {
      bits[i / 64] |= std::uint64_t{1} << (i % 64);
      ++ones;
    }
  }
  const double f = abs_sum > 0.0 ? norm2 / abs_sum : 0.0;
  factor = static_cast<float>(f);
  factor_ones = static_cast<float>(f * static_cast<double>(ones));
}

bool AnnCodes::codes_of(const VectorIndex& vectors, std::span<const std::uint32_t> first_rows, std::size_t every) const {
  if (first_rows.size() != nodes_ || vectors.dims() != dims_) return false;
  std::vector<float> r(padded_);
  std::vector<std::uint64_t> bits(words_);
  for (std::size_t node = 0; node < nodes_; node += std::max<std::size_t>(every, 1)) {
    float factor = 0.0f, factor_ones = 0.0f;
    encode(vectors.row(first_rows[node]).data(), r, bits, factor, factor_ones);
    if (factor != factor_[node] || factor_ones != factor_ones_[node]) return false;
    for (std::size_t w = 0; w < words_; ++w) {
      if (bits[w] != blocks_[((node / 8) * words_ + w) * 8 + node % 8]) return false;
    }
  }
  return true;
}

std::unique_ptr<AnnCodes> AnnCodes::build(const VectorIndex& vectors, std::span<const std::uint32_t> first_rows,
                                          std::size_t threads, const std::atomic<bool>* stop) {
  std::unique_ptr<AnnCodes> out(new AnnCodes());
  AnnCodes& c = *out;
  c.dims_ = vectors.dims();
  c.padded_ = padded_dims(c.dims_);
  c.words_ = c.padded_ / 64;
  c.nodes_ = first_rows.size();
  c.signs_ = rotation_signs(c.padded_);
  // The mean of the nodes' vectors: the codes hold each vector less it, so that a collection
  // whose vectors share a direction (the built-in model's all lean one way) still splits evenly
  // between a bit's two values.
  {
    std::vector<double> sum(c.dims_, 0.0);
    for (const std::uint32_t r : first_rows) {
      const std::span<const float> v = vectors.row(r);
      for (std::size_t i = 0; i < c.dims_; ++i) sum[i] += v[i];
    }
    c.mean_.resize(c.dims_);
    for (std::size_t i = 0; i < c.dims_; ++i) {
      c.mean_[i] = c.nodes_ > 0 ? static_cast<float>(sum[i] / static_cast<double>(c.nodes_)) : 0.0f;
    }
  }
  const std::size_t blocks = whole_nodes(c.nodes_) / 8;
  c.blocks_.assign(blocks * c.words_ * 8, 0);
  c.factor_.assign(blocks * 8, 0.0f);
  c.factor_ones_.assign(blocks * 8, 0.0f);
  const auto stopped = [stop] { return stop != nullptr && stop->load(std::memory_order_relaxed); };
  const auto encode = [&](std::size_t first_block, std::size_t last_block) {
    // Below the process's other threads: queries answered by the scan meanwhile come first.
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::gettid()), 10);
    std::vector<float> r(c.padded_);
    std::vector<std::uint64_t> bits(c.words_);
    for (std::size_t b = first_block; b < last_block && !stopped(); ++b) {
      for (std::size_t k = 0; k < 8 && b * 8 + k < c.nodes_; ++k) {
        const std::size_t node = b * 8 + k;
        c.encode(vectors.row(first_rows[node]).data(), r, bits, c.factor_[node], c.factor_ones_[node]);
        for (std::size_t w = 0; w < c.words_; ++w) c.blocks_[(b * c.words_ + w) * 8 + k] = bits[w];
      }
    }
  };
  const std::size_t slices = std::max<std::size_t>(1, std::min(threads, blocks / 1024 + 1));
  {
    std::vector<std::jthread> pool;
    for (std::size_t t = 0; t < slices; ++t) pool.emplace_back(encode, blocks * t / slices, blocks * (t + 1) / slices);
  }
  if (stopped()) return nullptr;
  return out;
}

AnnCodes::Query AnnCodes::prepare(std::span<const float> unit_query) const {
  std::vector<float> r(padded_);
  rotate(unit_query.data(), nullptr, r.data());
  Query q;
  const auto [lo, hi] = std::minmax_element(r.begin(), r.end());
  constexpr float kTop = (1 << kQueryBits) - 1;
  q.lo = *lo;
  q.step = *hi > *lo ? (*hi - *lo) / kTop : 1.0f;
  q.planes.assign(kQueryBits * words_, 0);
  std::int64_t steps = 0;
  for (std::size_t i = 0; i < padded_; ++i) {
    const auto v = static_cast<std::uint64_t>(std::clamp(std::lround((r[i] - q.lo) / q.step), 0L, static_cast<long>(kTop)));
    steps += static_cast<std::int64_t>(v);
    for (std::size_t j = 0; j < kQueryBits; ++j) {
      if (((v >> j) & 1) != 0) q.planes[j * words_ + i / 64] |= std::uint64_t{1} << (i % 64);
    }
  }
  q.sum = static_cast<float>(padded_) * q.lo + q.step * static_cast<float>(steps);
  return q;
}

void AnnCodes::estimate_chunk(const Query& q, std::size_t chunk, float* out) const {
  // The code's ±1 values s against the stepped query y: <y, s> = 2 Σ_{s_i = 1} y_i - Σ y_i, and
  // Σ_{s_i = 1} y_i = lo * ones + step * Σ_j 2^j popcount(code & plane j), ones being the
  // code's 1 bits. Scaled by the node's factor it estimates <query, vector - mean>, which orders
  // nodes as <query, vector>: factor * (2 step sums - Σ y) + 2 lo (factor * ones), the last
  // product kept per node so that a query counts no code's bits of its own.
  std::int32_t sums[kCodeChunkNodes];
  best_kernels().bit_scores(blocks_.data() + chunk * kCodeChunkBlocks * words_ * 8, kCodeChunkBlocks, words_,
                            q.planes.data(), kQueryBits, sums);
  const float two_step = 2.0f * q.step, two_lo = 2.0f * q.lo;
  const float* f = factor_.data() + chunk * kCodeChunkNodes;
  const float* f_ones = factor_ones_.data() + chunk * kCodeChunkNodes;
  for (std::size_t i = 0; i < kCodeChunkNodes; ++i) {
    out[i] = f[i] * (two_step * static_cast<float>(sums[i]) - q.sum) + two_lo * f_ones[i];
  }
}

std::vector<std::size_t> AnnCodes::candidates(std::span<const float> unit_query, std::size_t count) const {
  std::vector<std::size_t> out;
  if (nodes_ == 0 || count == 0) return out;
  count = std::min(count, nodes_);
  const Query q = prepare(unit_query);
  const std::size_t chunks = factor_.size() / kCodeChunkNodes;
  const auto scan = [&](std::size_t first, std::size_t last) {
    Best best(count);
    float estimates[kCodeChunkNodes];
    for (std::size_t chunk = first; chunk < last; ++chunk) {
      estimate_chunk(q, chunk, estimates);
      float floor = best.floor();
      // Most chunks hold no estimate above the floor once the best are full: a count of them
      // (a loop the compiler vectorises) passes over such a chunk without a branch per node.
      std::uint32_t above = 0;
      for (std::size_t i = 0; i < kCodeChunkNodes; ++i) above += estimates[i] >= floor ? 1U : 0U;
      if (above == 0) continue;
      for (std::size_t i = 0; i < kCodeChunkNodes; ++i) {
        const std::size_t node = chunk * kCodeChunkNodes + i;
        if (estimates[i] < floor || node >= nodes_) continue;
        best.offer(estimates[i], node);
        floor = best.floor();
      }
    }
    return best.take();
  };
  const std::size_t slices = std::min<std::size_t>(
      {ThreadPool::hardware_threads(), kMaxCodeSlices, std::max<std::size_t>(1, nodes_ / kMinCodeSliceNodes)});
  std::vector<std::future<std::vector<std::pair<float, std::size_t>>>> others;
  // async | deferred: libstdc++ starts a thread, and where none can be had runs the slice on
  // get() instead, in this thread.
  for (std::size_t i = 1; i < slices; ++i) {
    others.push_back(std::async(std::launch::async | std::launch::deferred, scan, chunks * i / slices,
                                chunks * (i + 1) / slices));
  }
  std::vector<std::pair<float, std::size_t>> all = scan(0, chunks / slices);
  for (auto& f : others) {
    std::vector<std::pair<float, std::size_t>> part = f.get();
    all.insert(all.end(), part.begin(), part.end());
  }
  if (all.size() > count) {
    std::nth_element(all.begin(), all.begin() + static_cast<std::ptrdiff_t>(count - 1), all.end(), Best::better);
    all.resize(count);
  }
  out.reserve(all.size());
  for (const auto& [estimate, node] : all) out.push_back(node);
  return out;
}

}  // namespace strata::search
