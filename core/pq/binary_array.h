#pragma once
// One-dimensional arrays in PostgreSQL's binary wire format (array_send), both ways: written for
// parameters sent in binary (Connection::exec with binary_params: a batch of vectors goes as one
// bytea[] parameter holding their raw bytes, with no hex encoding on the client nor decoding on
// the server, and its ids as one bigint[]), and read from a binary result's int4[] or int8[]
// column (a statement returns a block of postings as a few arrays rather than one row per
// element: keyword search reads thousands of postings a query).
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::pq {

// A bigint[] (int8, OID 20) holding `items` in order. The statement must cast the parameter to
// bigint[]: the server checks the element type.
std::string binary_int8_array(std::span<const std::int64_t> items);
// A bytea[] (OID 17) holding `items` byte for byte, in order (none NULL). The statement must
// cast the parameter to bytea[].
std::string binary_bytea_array(std::span<const std::string_view> items);

// The elements of a one-dimensional int2[], int4[] or int8[] value in binary format (big-endian:
// ndim, flags, element type, then per dimension its length and lower bound, then each element's
// length and bytes), appended to `out` in order; an empty array (ndim 0) appends nothing. Throws
// Error(unavailable: the server sent what it should not) naming `what` for anything else: several
// dimensions, a NULL element, an element of another width, or bytes cut short.
void append_int_array(std::string_view binary, std::vector<std::int64_t>& out, std::string_view what);

// The `bytes` (at most 8) at `p` as an unsigned big-endian number, as PostgreSQL's binary formats
// (a binary result's integers, arrays, COPY's binary rows) write every integer.
inline std::uint64_t big_endian(const void* p, std::size_t bytes) {
  const auto* b = static_cast<const unsigned char*>(p);
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < bytes; ++i) v = (v << 8) | b[i];
  return v;
}

}  // namespace strata::pq
