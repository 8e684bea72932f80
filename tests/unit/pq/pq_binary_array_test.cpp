// Reading PostgreSQL's binary array format (pq/binary_array.h): int8 and int4 elements, negative
// values, the empty array, and the malformed values the reader refuses.
#include "pq/binary_array.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.h"

namespace strata {
namespace {

void put_be(std::string& out, std::uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
}

// array_send's bytes for a one-dimensional array of `width`-byte integers (elements' type oid
// 20 for int8, 23 for int4); a negative length stands for a NULL element.
std::string binary_array(const std::vector<std::int64_t>& items, int width, std::int32_t lower = 1) {
  std::string out;
  put_be(out, 1, 4);
  put_be(out, 0, 4);
  put_be(out, width == 8 ? 20 : 23, 4);
  put_be(out, items.size(), 4);
  put_be(out, static_cast<std::uint32_t>(lower), 4);
  for (const std::int64_t v : items) {
    put_be(out, static_cast<std::uint32_t>(width), 4);
    put_be(out, static_cast<std::uint64_t>(v), width);
  }
  return out;
}

TEST(PqBinaryArrayRead, ReadsInt8AndInt4ElementsInOrder) {
  std::vector<std::int64_t> out{7};
  pq::append_int_array(binary_array({1, -2, 5'000'000'000LL, -5'000'000'000LL}, 8), out, "t");
  pq::append_int_array(binary_array({0, -1, 2147483647, -2147483647 - 1}, 4, 0), out, "t");
  EXPECT_EQ(out, (std::vector<std::int64_t>{7, 1, -2, 5'000'000'000LL, -5'000'000'000LL, 0, -1, 2147483647, -2147483647LL - 1}));
}

TEST(PqBinaryArrayRead, EmptyArrayAppendsNothing) {
  std::string empty;
  put_be(empty, 0, 4);
  put_be(empty, 0, 4);
  put_be(empty, 20, 4);
  std::vector<std::int64_t> out;
  pq::append_int_array(empty, out, "t");
  EXPECT_TRUE(out.empty());
}

TEST(PqBinaryArrayRead, RefusesNullsTruncationAndSeveralDimensions) {
  std::vector<std::int64_t> out;
  std::string with_null = binary_array({1}, 8);
  with_null.resize(with_null.size() - 12);
  put_be(with_null, 0xFFFFFFFFu, 4);  // length -1: NULL
  EXPECT_THROW(pq::append_int_array(with_null, out, "t"), Error);
  const std::string whole = binary_array({1, 2}, 4);
  EXPECT_THROW(pq::append_int_array(whole.substr(0, whole.size() - 1), out, "t"), Error);
  EXPECT_THROW(pq::append_int_array(whole + "x", out, "t"), Error);
  std::string two_dims = whole;
  two_dims[3] = 2;
  EXPECT_THROW(pq::append_int_array(two_dims, out, "t"), Error);
  EXPECT_THROW(pq::append_int_array("", out, "t"), Error);
}

// A term's postings come block after block: appending them must not copy the whole vector each
// time (it did, reserving exactly one more block: 0.5 s of page faults on a term of 1,000,000
// postings). Storage is moved a logarithmic number of times.
TEST(PqBinaryArrayRead, AppendingBlockAfterBlockGrowsGeometrically) {
  const std::string block = binary_array(std::vector<std::int64_t>(128, 3), 8);
  std::vector<std::int64_t> out;
  const std::int64_t* storage = nullptr;
  int moves = 0;
  for (int i = 0; i < 4096; ++i) {
    pq::append_int_array(block, out, "t");
    if (out.data() != storage) ++moves;
    storage = out.data();
  }
  EXPECT_EQ(out.size(), 4096u * 128u);
  EXPECT_LE(moves, 16);
}

// A count larger than the bytes can hold is refused before anything is reserved for it (a
// server's 2^31-1 would otherwise ask for 16 GB).
TEST(PqBinaryArrayRead, RefusesACountTheBytesCannotHold) {
  std::string huge = binary_array({1}, 8);
  huge[12] = 0x7F;
  huge[13] = huge[14] = huge[15] = static_cast<char>(0xFF);
  std::vector<std::int64_t> out;
  try {
    pq::append_int_array(huge, out, "chunk_term_blocks.chunk_ids");
    FAIL() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("chunk_term_blocks.chunk_ids"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("cut short"), std::string::npos) << e.what();
  }
  EXPECT_TRUE(out.empty());
  EXPECT_LT(out.capacity(), 1000u);
}

}  // namespace
}  // namespace strata
