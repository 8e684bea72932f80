#include "pq/binary_array.h"

namespace strata::pq {
namespace {

// The wire format is big-endian throughout.
void binarr_put_be32(std::string& out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}
void binarr_put_be64(std::string& out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) out.push_back(static_cast<char>((v >> shift) & 0xff));
}

// array_send's header for one dimension of `n` elements of type `oid`, lower bound 1, no NULLs.
void binarr_put_header(std::string& out, std::size_t n, std::uint32_t oid) {
  binarr_put_be32(out, n == 0 ? 0 : 1);  // dimensions: an empty array has none
  binarr_put_be32(out, 0);               // no NULL elements
  binarr_put_be32(out, oid);
  if (n == 0) return;
  binarr_put_be32(out, static_cast<std::uint32_t>(n));
  binarr_put_be32(out, 1);
}

constexpr std::uint32_t k_binarr_int8_oid = 20;
constexpr std::uint32_t k_binarr_bytea_oid = 17;

}  // namespace

std::string binary_int8_array(std::span<const std::int64_t> items) {
  std::string out;
  out.reserve(20 + items.size() * 12);
  binarr_put_header(out, items.size(), k_binarr_int8_oid);
  for (const std::int64_t v : items) {
    binarr_put_be32(out, 8);
    binarr_put_be64(out, static_cast<std::uint64_t>(v));
  }
  return out;
}

std::string binary_bytea_array(std::span<const std::string_view> items) {
  std::size_t size = 20;
  for (const std::string_view b : items) size += 4 + b.size();
  std::string out;
  out.reserve(size);
  binarr_put_header(out, items.size(), k_binarr_bytea_oid);
  for (const std::string_view b : items) {
    binarr_put_be32(out, static_cast<std::uint32_t>(b.size()));
    out.append(b);
  }
  return out;
}

}  // namespace strata::pq
