#pragma once
// Exact vector search for `strata search --mode vector|hybrid`: cosine similarity top-k over every
// vector of a collection, no approximate index. The vectors live in one contiguous row-major
// float32 matrix, L2-normalised on construction, so cosine similarity is a dot product.
//
// An optional int8 pre-pass (one scale per vector) reads a quarter of the memory and rescores in
// float32 only the rows that could still be in the top k. It returns exactly what exact search
// returns, rows and scores bit for bit (the proof is in vector_index.cpp), so it is on by default.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace strata::search {

// The rows a search may return: a bitmap over row numbers, applied BEFORE ranking (so a search
// returns k rows whenever k rows are allowed, however selective the filter).
class RowSet {
 public:
  // A set over rows [0, rows), empty.
  explicit RowSet(std::size_t rows);
  // A set over rows [0, rows) holding all of them.
  static RowSet all(std::size_t rows);

  // REQUIRES: row < rows().
  void insert(std::size_t row) { words_[row >> 6] |= std::uint64_t{1} << (row & 63); }
  void erase(std::size_t row) { words_[row >> 6] &= ~(std::uint64_t{1} << (row & 63)); }
  bool contains(std::size_t row) const {
    return row < rows_ && ((words_[row >> 6] >> (row & 63)) & 1) != 0;
  }
  std::size_t rows() const { return rows_; }
  std::size_t count() const;  // rows in the set
  std::span<const std::uint64_t> words() const { return words_; }  // bit r%64 of word r/64

 private:
  std::size_t rows_;
  std::vector<std::uint64_t> words_;
};

struct VectorHit {
  std::size_t row = 0;
  float score = 0.0f;  // cosine similarity, in [-1, 1] up to rounding
};

enum class Prepass {
  none,  // score every row in float32
  int8,  // int8 scores with an error bound per row; float32 rescoring of the rows that may win
};

// What one search did, for --explain and benchmarks.
struct VectorSearchStats {
  std::size_t scanned = 0;   // rows scored by the first pass (the allowed rows)
  std::size_t rescored = 0;  // rows scored in float32 after the int8 pre-pass (0 without it)
  std::size_t slices = 0;    // slices of rows the int8 pre-pass scanned at once, a thread each
};

// A finished index's arrays, as spans over memory someone else keeps alive (a mapped snapshot
// file): what VectorIndex::adopt takes and what VectorIndex::parts returns.
struct VectorIndexParts {
  std::size_t rows = 0, dims = 0;
  Prepass prepass = Prepass::none;
  std::span<const float> matrix;        // rows × dims, every row already unit length (or zero)
  std::span<const std::int8_t> codes;   // rows × dims with Prepass::int8, else empty
  std::span<const float> scale, residual_bound, code_norm;  // rows each with Prepass::int8, else empty
};

class VectorIndex {
 public:
  // Takes `matrix` (rows × dims, row-major) and normalises each row to unit L2 norm in place
  // (a zero row stays zero and scores 0 against everything). With Prepass::int8 it also builds
  // the int8 codes: one byte per value plus three floats per row (about +26% memory).
  // Throws strata::Error(invalid_input) when dims is 0, matrix.size() is not a multiple of dims,
  // or a value is not finite (naming the row). Default prepass: int8.
  VectorIndex(std::vector<float> matrix, std::size_t dims, Prepass prepass = Prepass::int8);

  // An index over arrays built earlier by the constructor above (see parts()), without copying
  // them: `storage` keeps their memory alive for the index's lifetime. Searches give exactly
  // the results the original index gave. Checks only the shapes (dims > 0, each span's size for
  // rows, dims and prepass; Prepass::int8 needs dims within the int8 limit) and throws
  // strata::Error(invalid_input) when one is wrong; the values are trusted.
  static VectorIndex adopt(std::shared_ptr<const void> storage, const VectorIndexParts& parts);

  // Not copyable (the spans may point into owned vectors); moving keeps them valid.
  VectorIndex(const VectorIndex&) = delete;
  VectorIndex& operator=(const VectorIndex&) = delete;
  VectorIndex(VectorIndex&&) noexcept = default;
  VectorIndex& operator=(VectorIndex&&) noexcept = default;
  ~VectorIndex() = default;

  // The index's arrays (valid while the index lives), e.g. to persist them.
  VectorIndexParts parts() const;

  std::size_t rows() const { return rows_; }
  std::size_t dims() const { return dims_; }
  Prepass prepass() const { return prepass_; }
  // The stored (normalised) row. REQUIRES: row < rows().
  std::span<const float> row(std::size_t r) const { return matrix_.subspan(r * dims_, dims_); }

  // The k rows most similar to `query` (normalised here; it need not be unit length), best
  // first; equal scores in ascending row order. Only rows in `filter` are considered when it is
  // given. Returns fewer than k rows only when fewer are allowed. Uses the int8 pre-pass when
  // the index has one; the result is the same either way.
  // Throws strata::Error(invalid_input) when query.size() != dims(), a value is not finite, or
  // filter->rows() != rows().
  // Thread-safe (const).
  std::vector<VectorHit> search(std::span<const float> query, std::size_t k,
                                const RowSet* filter = nullptr,
                                VectorSearchStats* stats = nullptr) const;

  // Always the float32 scan of every allowed row: the reference the pre-pass must match.
  std::vector<VectorHit> search_exact(std::span<const float> query, std::size_t k,
                                      const RowSet* filter = nullptr) const;

 private:
  std::vector<float> normalised_query(std::span<const float> query) const;
  void check_filter(const RowSet* filter) const;
  std::vector<VectorHit> search_int8(std::span<const float> y, std::size_t k, const RowSet* filter,
                                     VectorSearchStats* stats) const;

  VectorIndex() = default;

  std::size_t rows_ = 0, dims_ = 0;
  Prepass prepass_ = Prepass::none;
  // The arrays searches read: spans over the owned vectors below, or over `storage_`.
  std::span<const float> matrix_;
  // int8 pre-pass, per row r: codes[r*dims..] ≈ row / scale[r]; the bound terms are explained
  // in vector_index.cpp.
  std::span<const std::int8_t> codes_;
  std::span<const float> scale_, residual_bound_, code_norm_;
  // Owned storage (built by the constructor); moving a vector keeps its buffer, so the spans
  // stay valid when the index moves.
  std::vector<float> owned_matrix_;
  std::vector<std::int8_t> owned_codes_;
  std::vector<float> owned_scale_, owned_residual_bound_, owned_code_norm_;
  std::shared_ptr<const void> storage_;  // keeps adopted memory alive
};

// The float32 dot product every score above is computed with (SIMD lanes in a fixed order, so
// the result is the same on every x86-64 CPU, with or without AVX2).
float dot(std::span<const float> a, std::span<const float> b);

// Scales `v` to unit L2 norm; a zero vector is left as it is.
void l2_normalise(std::span<float> v);

}  // namespace strata::search
