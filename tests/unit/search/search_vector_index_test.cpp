#include "search/vector_index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <thread>
#include <vector>

#include "common/error.h"
#include "search/vector_kernels.h"
#include "test_util.h"

namespace strata::search {
namespace {

using strata::testing::error_of;

// splitmix64: fast enough to fill 100,000 × 384 values in a Debug build.
class VecRng {
 public:
  explicit VecRng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  float uniform() {  // [-1, 1)
    return static_cast<float>(static_cast<double>(next() >> 40) / 8388608.0 - 1.0);
  }
  // Roughly normal (sum of four uniforms): random directions in high dimension.
  float normal() { return uniform() + uniform() + uniform() + uniform(); }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

std::vector<float> random_matrix(VecRng& rng, std::size_t rows, std::size_t dims) {
  std::vector<float> m(rows * dims);
  for (float& x : m) x = rng.normal();
  return m;
}

// Rows around a few centres: many near-equal scores, the hard case for the pre-pass bound.
std::vector<float> clustered_matrix(VecRng& rng, std::size_t rows, std::size_t dims, std::size_t centres,
                                    float spread) {
  const std::vector<float> c = random_matrix(rng, centres, dims);
  std::vector<float> m(rows * dims);
  for (std::size_t r = 0; r < rows; ++r) {
    const std::size_t k = rng.below(centres);
    for (std::size_t i = 0; i < dims; ++i) m[r * dims + i] = c[k * dims + i] + spread * rng.normal();
  }
  return m;
}

std::vector<float> random_vector(VecRng& rng, std::size_t dims) {
  std::vector<float> v(dims);
  for (float& x : v) x = rng.normal();
  return v;
}

// The reference: score every allowed row with dot() and sort the whole list.
std::vector<VectorHit> brute_force(const VectorIndex& index, std::span<const float> query,
                                   std::size_t k, const RowSet* filter) {
  std::vector<float> y(query.begin(), query.end());
  l2_normalise(y);
  std::vector<VectorHit> all;
  for (std::size_t r = 0; r < index.rows(); ++r) {
    if (filter && !filter->contains(r)) continue;
    all.push_back({r, dot(index.row(r), y)});
  }
  std::sort(all.begin(), all.end(), [](const VectorHit& a, const VectorHit& b) {
    return a.score != b.score ? a.score > b.score : a.row < b.row;
  });
  if (all.size() > k) all.resize(k);
  return all;
}

void expect_same(const std::vector<VectorHit>& got, const std::vector<VectorHit>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].row, want[i].row) << "at " << i;
    EXPECT_EQ(got[i].score, want[i].score) << "at " << i;  // bit for bit
  }
}

RowSet random_filter(VecRng& rng, std::size_t rows, std::size_t one_in) {
  RowSet set(rows);
  for (std::size_t r = 0; r < rows; ++r) {
    if (rng.below(one_in) == 0) set.insert(r);
  }
  return set;
}

TEST(SearchRowSet, InsertEraseCount) {
  RowSet set(130);
  EXPECT_EQ(set.count(), 0u);
  set.insert(0);
  set.insert(64);
  set.insert(129);
  EXPECT_TRUE(set.contains(64));
  EXPECT_FALSE(set.contains(65));
  EXPECT_FALSE(set.contains(130));
  EXPECT_FALSE(set.contains(100000));
  EXPECT_EQ(set.count(), 3u);
  set.erase(64);
  EXPECT_EQ(set.count(), 2u);
  EXPECT_EQ(RowSet::all(130).count(), 130u);
  EXPECT_EQ(RowSet::all(128).count(), 128u);
  EXPECT_EQ(RowSet::all(0).count(), 0u);
}

TEST(SearchVectorIndex, RejectsBadMatrices) {
  EXPECT_EQ(error_of([] { VectorIndex({1, 2}, 0); }).code(), ExitCode::invalid_input);
  EXPECT_EQ(error_of([] { VectorIndex({1, 2, 3}, 2); }).code(), ExitCode::invalid_input);
  const Error nan = error_of([] { VectorIndex({1, 0, 0, std::nanf("")}, 2); });
  EXPECT_NE(std::string(nan.what()).find("vector 1"), std::string::npos) << nan.what();
  EXPECT_EQ(error_of([] { VectorIndex({1, std::numeric_limits<float>::infinity()}, 2); }).code(),
            ExitCode::invalid_input);
}

TEST(SearchVectorIndex, RejectsBadQueries) {
  const VectorIndex index({1, 0, 0, 1}, 2);
  const std::vector<float> short_query = {1};
  EXPECT_NE(std::string(error_of([&] { index.search(short_query, 1); }).what()).find("1 dimensions"),
            std::string::npos);
  const std::vector<float> nan_query = {1, std::nanf("")};
  EXPECT_EQ(error_of([&] { index.search(nan_query, 1); }).code(), ExitCode::invalid_input);
}

TEST(SearchVectorIndex, NormalisesRowsAndQueries) {
  const VectorIndex index({3, 4, 0, 0, 0, 2}, 2);  // rows (3,4), (0,0), (0,2)
  EXPECT_FLOAT_EQ(index.row(0)[0], 0.6f);
  EXPECT_FLOAT_EQ(index.row(0)[1], 0.8f);
  EXPECT_EQ(index.row(1)[0], 0.0f);
  const std::vector<float> query = {0, 10};
  const std::vector<VectorHit> hits = index.search(query, 3);
  ASSERT_EQ(hits.size(), 3u);
  EXPECT_EQ(hits[0].row, 2u);
  EXPECT_FLOAT_EQ(hits[0].score, 1.0f);
  EXPECT_EQ(hits[1].row, 0u);
  EXPECT_FLOAT_EQ(hits[1].score, 0.8f);
  EXPECT_EQ(hits[2].row, 1u);  // the zero row scores 0
  EXPECT_EQ(hits[2].score, 0.0f);
}

TEST(SearchVectorIndex, KAndFilterEdgeCases) {
  VecRng rng(1);
  const VectorIndex index(random_matrix(rng, 50, 16), 16);
  const std::vector<float> q = random_vector(rng, 16);
  EXPECT_TRUE(index.search(q, 0).empty());
  EXPECT_EQ(index.search(q, 500).size(), 50u);  // fewer rows than k: all of them, ranked
  expect_same(index.search(q, 500), brute_force(index, q, 500, nullptr));
  RowSet none(50);
  EXPECT_TRUE(index.search(q, 10, &none).empty());
  RowSet two(50);
  two.insert(7);
  two.insert(49);
  const std::vector<VectorHit> hits = index.search(q, 10, &two);
  ASSERT_EQ(hits.size(), 2u);
  expect_same(hits, brute_force(index, q, 10, &two));
  const VectorIndex empty(std::vector<float>{}, 16);
  EXPECT_TRUE(empty.search(q, 10).empty());
}

TEST(SearchVectorIndex, RejectsFilterOfTheWrongSize) {
  VecRng rng(5);
  const VectorIndex index(random_matrix(rng, 100, 8), 8);
  const std::vector<float> q = random_vector(rng, 8);
  const RowSet small(64);
  EXPECT_EQ(error_of([&] { index.search(q, 5, &small); }).code(), ExitCode::invalid_input);
  EXPECT_EQ(error_of([&] { index.search_exact(q, 5, &small); }).code(), ExitCode::invalid_input);
}

TEST(SearchVectorIndex, ConcurrentSearchesAgree) {
  VecRng rng(6);
  const VectorIndex index(random_matrix(rng, 5000, 64), 64);
  std::vector<std::vector<float>> queries;
  for (int i = 0; i < 8; ++i) queries.push_back(random_vector(rng, 64));
  std::vector<std::vector<VectorHit>> want;
  for (const auto& q : queries) want.push_back(index.search(q, 10));
  std::vector<std::thread> threads;
  std::vector<int> mismatches(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 5; ++round) {
        for (std::size_t i = 0; i < queries.size(); ++i) {
          const std::vector<VectorHit> got = index.search(queries[i], 10);
          for (std::size_t j = 0; j < got.size(); ++j) mismatches[static_cast<std::size_t>(t)] += got[j].row != want[i][j].row;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

TEST(SearchVectorIndex, ZeroQueryRanksByRow) {
  VecRng rng(2);
  const VectorIndex index(random_matrix(rng, 20, 8), 8);
  const std::vector<float> zero(8, 0.0f);
  const std::vector<VectorHit> hits = index.search(zero, 5);
  ASSERT_EQ(hits.size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) EXPECT_EQ(hits[i].row, i);
}

TEST(SearchVectorKernels, VariantsAgreeBitForBitAndMatchDouble) {
  const auto& base = detail::baseline_kernels();
  const auto& best = detail::best_kernels();
  VecRng rng(3);
  for (std::size_t n : {0u, 1u, 7u, 8u, 9u, 31u, 32u, 33u, 100u, 384u, 1536u}) {
    const std::vector<float> a = random_vector(rng, n), b = random_vector(rng, n);
    const float x = base.dot_f32(a.data(), b.data(), n);
    EXPECT_EQ(x, best.dot_f32(a.data(), b.data(), n)) << best.name << " n=" << n;
    double exact = 0;
    for (std::size_t i = 0; i < n; ++i) exact += static_cast<double>(a[i]) * b[i];
    EXPECT_NEAR(x, exact, 1e-5 * static_cast<double>(n + 1)) << n;
    std::vector<std::int8_t> codes(n * 3);
    std::vector<std::int16_t> q(n);
    for (auto& c : codes) c = static_cast<std::int8_t>(static_cast<int>(rng.below(255)) - 127);
    for (auto& c : q) c = static_cast<std::int16_t>(static_cast<int>(rng.below(255)) - 127);
    std::int32_t got_base[3], got_best[3];
    base.scores_i8(codes.data(), 3, n, q.data(), got_base);
    best.scores_i8(codes.data(), 3, n, q.data(), got_best);
    for (std::size_t r = 0; r < 3; ++r) {
      std::int32_t want = 0;
      for (std::size_t i = 0; i < n; ++i) want += std::int32_t{codes[r * n + i]} * q[i];
      EXPECT_EQ(got_base[r], want);
      EXPECT_EQ(got_best[r], want);
    }
  }
  // Extreme codes: ±127 everywhere, the largest pair sums pmaddwd sees.
  std::vector<std::int8_t> codes(384, -127);
  std::vector<std::int16_t> q(384, -127);
  std::int32_t out = 0;
  best.scores_i8(codes.data(), 1, 384, q.data(), &out);
  EXPECT_EQ(out, 384 * 127 * 127);
}

// The bit codes' popcount sums (ann_codes.cpp): every variant (AVX-512's popcount where the CPU
// has it) gives the brute-force sum, for each plane count the callers use and others.
TEST(SearchVectorKernels, BitScoresAreTheCountsOfTheCodesAndThePlanes) {
  const auto& base = detail::baseline_kernels();
  const auto& best = detail::best_kernels();
  VecRng rng(5);
  const auto word = [&rng] { return (std::uint64_t{rng.below(1u << 31)} << 33) ^ (std::uint64_t{rng.below(1u << 31)} << 2) ^ rng.below(4); };
  for (const std::size_t words : {1u, 6u, 8u, 48u}) {
    for (const std::size_t planes : {1u, 4u, 5u, 8u}) {
      constexpr std::size_t blocks = 5;
      std::vector<std::uint64_t> codes(blocks * words * 8), plane(planes * words);
      for (auto& w : codes) w = word();
      for (auto& w : plane) w = word();
      codes[0] = ~std::uint64_t{0};  // a word of all ones, and one of none
      codes[1] = 0;
      std::vector<std::int32_t> sums_base(blocks * 8), sums_best(blocks * 8);
      base.bit_scores(codes.data(), blocks, words, plane.data(), planes, sums_base.data());
      best.bit_scores(codes.data(), blocks, words, plane.data(), planes, sums_best.data());
      for (std::size_t b = 0; b < blocks; ++b) {
        for (std::size_t r = 0; r < 8; ++r) {
          std::int32_t sum = 0;
          for (std::size_t w = 0; w < words; ++w) {
            const std::uint64_t c = codes[(b * words + w) * 8 + r];
            for (std::size_t bit = 0; bit < 64; ++bit) {
              if (((c >> bit) & 1) == 0) continue;
              for (std::size_t j = 0; j < planes; ++j) sum += static_cast<std::int32_t>(((plane[j * words + w] >> bit) & 1) << j);
            }
          }
          const std::size_t i = b * 8 + r;
          EXPECT_EQ(sums_base[i], sum) << words << " words, " << planes << " planes, code " << i;
          EXPECT_EQ(sums_best[i], sum) << best.name << ", " << planes << " planes";
        }
      }
    }
  }
}

// The int8 pre-pass returns exactly the exact top k, and both equal the brute force, across
// seeds, sizes, dimensions, data shapes and filters.
struct Shape {
  const char* name;
  std::size_t rows, dims;
  int kind;  // 0 random, 1 clustered, 2 duplicated rows (exact ties)
};

class SearchVectorExactness : public ::testing::TestWithParam<Shape> {};

TEST_P(SearchVectorExactness, PrepassEqualsExactEqualsBruteForce) {
  const Shape shape = GetParam();
  for (std::uint64_t seed = 1; seed <= 6; ++seed) {
    VecRng rng(seed * 7919 + shape.rows);
    std::vector<float> m;
    if (shape.kind == 0) m = random_matrix(rng, shape.rows, shape.dims);
    if (shape.kind == 1) m = clustered_matrix(rng, shape.rows, shape.dims, 20, 0.05f);
    if (shape.kind == 2) {
      const std::vector<float> base = random_matrix(rng, 97, shape.dims);
      m.resize(shape.rows * shape.dims);
      for (std::size_t r = 0; r < shape.rows; ++r) {
        std::copy_n(base.begin() + static_cast<std::ptrdiff_t>((r % 97) * shape.dims), shape.dims,
                    m.begin() + static_cast<std::ptrdiff_t>(r * shape.dims));
      }
    }
    const VectorIndex quantised(m, shape.dims, Prepass::int8);
    const VectorIndex exact(std::move(m), shape.dims, Prepass::none);
    const RowSet half = random_filter(rng, shape.rows, 2);
    const RowSet sparse = random_filter(rng, shape.rows, 100);
    for (int qi = 0; qi < 4; ++qi) {
      std::vector<float> q = random_vector(rng, shape.dims);
      if (qi == 3) {  // a query equal to a stored row (scaled): its best match is itself
        const std::span<const float> row = exact.row(rng.below(shape.rows));
        for (std::size_t i = 0; i < shape.dims; ++i) q[i] = 3.0f * row[i];
      }
      for (const RowSet* filter : {static_cast<const RowSet*>(nullptr), &half, &sparse}) {
        for (std::size_t k : {1u, 10u, 100u}) {
          SCOPED_TRACE(::testing::Message() << shape.name << " seed " << seed << " query " << qi
                                            << " k " << k << " filter " << (filter ? filter->count() : 0));
          const std::vector<VectorHit> want = brute_force(exact, q, k, filter);
          VectorSearchStats stats;
          const std::vector<VectorHit> got = quantised.search(q, k, filter, &stats);
          expect_same(exact.search(q, k, filter), want);
          expect_same(got, want);
          EXPECT_EQ(stats.scanned, filter ? filter->count() : shape.rows);
          EXPECT_LE(stats.rescored, stats.scanned);
          EXPECT_GE(stats.rescored, std::min(k, stats.scanned));
        }
      }
    }
  }
}

INSTANTIATE_TEST_SUITE_P(
    Search, SearchVectorExactness,
    ::testing::Values(Shape{"random_10k_384", 10000, 384, 0}, Shape{"clustered_10k_384", 10000, 384, 1},
                      Shape{"ties_5k_384", 5000, 384, 2}, Shape{"random_3k_7", 3000, 7, 0},
                      Shape{"clustered_3k_33", 3000, 33, 1}, Shape{"random_2k_1", 2000, 1, 0},
                      Shape{"random_1k_1000", 1000, 1000, 0}),
    [](const ::testing::TestParamInfo<Shape>& p) { return std::string(p.param.name); });

// A large index's int8 pass is cut into slices scanned by threads at once (one per hardware
// thread): still exactly the exact top k, with ties across a slice's edge ranked by row (97
// distinct rows repeated: every hit ties with copies in both halves), with and without filters.
TEST(SearchVectorIndex, SlicedPrepassIsExactAcrossSliceEdges) {
  VecRng rng(45000);
  const std::size_t rows = 45000, dims = 384;  // 17,280,000 codes: four slices' minimum and more
  const std::vector<float> base = random_matrix(rng, 97, dims);
  std::vector<float> m(rows * dims);
  for (std::size_t r = 0; r < rows; ++r) {
    std::copy_n(base.begin() + static_cast<std::ptrdiff_t>((r % 97) * dims), dims,
                m.begin() + static_cast<std::ptrdiff_t>(r * dims));
  }
  const VectorIndex quantised(m, dims, Prepass::int8);
  const VectorIndex exact(std::move(m), dims, Prepass::none);
  const RowSet half = random_filter(rng, rows, 2);
  for (int qi = 0; qi < 3; ++qi) {
    const std::vector<float> q = random_vector(rng, dims);
    for (const RowSet* filter : {static_cast<const RowSet*>(nullptr), &half}) {
      for (std::size_t k : {1u, 10u, 250u}) {
        SCOPED_TRACE(::testing::Message() << "query " << qi << " k " << k << " filter " << (filter != nullptr));
        VectorSearchStats stats;
        expect_same(quantised.search(q, k, filter, &stats), brute_force(exact, q, k, filter));
        EXPECT_EQ(stats.slices, std::min<std::size_t>(4, std::max(1u, std::thread::hardware_concurrency())));
      }
    }
  }
}

TEST(SearchVectorIndex, Top10OfHundredThousandRowsMatchesBruteForce) {
  VecRng rng(100000);
  const std::size_t rows = 100000, dims = 384;
  const VectorIndex index(random_matrix(rng, rows, dims), dims);
  const RowSet filter = random_filter(rng, rows, 3);
  std::size_t rescored = 0;
  for (int qi = 0; qi < 3; ++qi) {
    const std::vector<float> q = random_vector(rng, dims);
    VectorSearchStats stats;
    expect_same(index.search(q, 10, nullptr, &stats), brute_force(index, q, 10, nullptr));
    rescored += stats.rescored;
    expect_same(index.search(q, 10, &filter), brute_force(index, q, 10, &filter));
  }
  // The pre-pass earns its keep: it rescores a small fraction of the rows.
  EXPECT_LT(rescored, 3u * rows / 100) << rescored;
}

}  // namespace
}  // namespace strata::search
