#pragma once
// PostgreSQL's binary array format (array_send), read: a binary result's int4[] or int8[] column
// as integers, so that a statement returns a block of postings as a few arrays rather than one
// row per element (keyword search reads thousands of postings a query).
#include <cstdint>
#include <string_view>
#include <vector>

namespace strata::pq {

// The elements of a one-dimensional int2[], int4[] or int8[] value in binary format (big-endian:
// ndim, flags, element type, then per dimension its length and lower bound, then each element's
// length and bytes), appended to `out` in order; an empty array (ndim 0) appends nothing. Throws
// Error(unavailable: the server sent what it should not) naming `what` for anything else: several dimensions, a NULL element, an element
// of another width, or bytes cut short.
void append_int_array(std::string_view binary, std::vector<std::int64_t>& out, std::string_view what);

}  // namespace strata::pq
