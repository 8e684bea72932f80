// pq/binary_array.h: arrays in PostgreSQL's binary wire format, byte for byte as array_send
// writes them (the server's array_recv refuses anything else).
#include "pq/binary_array.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace strata::pq {
namespace {

std::string bytes(std::initializer_list<int> b) {
  std::string out;
  for (const int c : b) out.push_back(static_cast<char>(c));
  return out;
}

TEST(PqBinaryArray, Int8ArrayIsOneDimensionBigEndianElements) {
  const std::vector<std::int64_t> items{1, -2};
  EXPECT_EQ(binary_int8_array(items),
            bytes({0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 20,  // 1 dimension, no NULLs, int8
                   0, 0, 0, 2, 0, 0, 0, 1,               // 2 elements from index 1
                   0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1,   // 1
                   0, 0, 0, 8, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe}));  // -2
}

TEST(PqBinaryArray, ByteaArrayKeepsEveryByteAndEmptyElements) {
  const std::string raw("\0\xff\\x", 4);
  const std::vector<std::string_view> items{raw, ""};
  EXPECT_EQ(binary_bytea_array(items), bytes({0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 17, 0, 0, 0, 2, 0, 0, 0, 1,  //
                                              0, 0, 0, 4, 0, 0xff, '\\', 'x',                            //
                                              0, 0, 0, 0}));
}

TEST(PqBinaryArray, AnEmptyArrayHasNoDimensions) {
  EXPECT_EQ(binary_int8_array({}), bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20}));
  EXPECT_EQ(binary_bytea_array({}), bytes({0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 17}));
}

}  // namespace
}  // namespace strata::pq
