#include "pq/binary_array.h"

#include <algorithm>

#include "common/error.h"

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

namespace {

[[noreturn]] void bad_binary_array(std::string_view what, const char* why) {
  throw Error(ExitCode::unavailable, std::string(what) + ": the server's binary array is not readable (" + why + ")");
}

std::uint64_t binary_array_word(std::string_view b, std::size_t at, std::size_t n, std::string_view what) {
  if (b.size() < at + n) bad_binary_array(what, "cut short");
  return big_endian(b.data() + at, n);
}

}  // namespace

void append_int_array(std::string_view binary, std::vector<std::int64_t>& out, std::string_view what) {
  const auto ndim = static_cast<std::int32_t>(binary_array_word(binary, 0, 4, what));
  if (ndim == 0) return;
  if (ndim != 1) bad_binary_array(what, "not one dimension");
  // flags (has NULLs) at 4, element type at 8: the widths below say all that is needed.
  const auto count = static_cast<std::int32_t>(binary_array_word(binary, 12, 4, what));
  if (count < 0) bad_binary_array(what, "a negative length");
  std::size_t at = 20;  // after the lower bound
  // Every element takes at least its 4-byte length: a count the bytes cannot hold is refused
  // before anything is reserved for it.
  if (static_cast<std::size_t>(count) > (binary.size() - std::min(binary.size(), at)) / 4) {
    bad_binary_array(what, "cut short");
  }
  // Callers append block after block of one term: growing to exactly the next block's size each
  // time copied the whole vector per block (a term of 1,000,000 postings: 0.5 s of page faults).
  // Room grows geometrically instead.
  const std::size_t needed = out.size() + static_cast<std::size_t>(count);
  if (needed > out.capacity()) out.reserve(std::max(needed, 2 * out.capacity()));
  for (std::int32_t i = 0; i < count; ++i) {
    const auto len = static_cast<std::int32_t>(binary_array_word(binary, at, 4, what));
    at += 4;
    const std::uint64_t v = binary_array_word(binary, at, len == 8 || len == 4 || len == 2 ? static_cast<std::size_t>(len) : 0, what);
    if (len == 8) {
      out.push_back(static_cast<std::int64_t>(v));
    } else if (len == 4) {
      out.push_back(static_cast<std::int32_t>(static_cast<std::uint32_t>(v)));
    } else if (len == 2) {
      out.push_back(static_cast<std::int16_t>(static_cast<std::uint16_t>(v)));
    } else {
      bad_binary_array(what, len < 0 ? "a NULL element" : "an element neither 2, 4 nor 8 bytes");
    }
    at += static_cast<std::size_t>(len);
  }
  if (at != binary.size()) bad_binary_array(what, "bytes after the last element");
}

}  // namespace strata::pq
