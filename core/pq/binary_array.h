#pragma once
// One-dimensional arrays in PostgreSQL's binary wire format (array_send), for parameters sent
// in binary (Connection::exec with binary_params): a batch of vectors goes as one bytea[]
// parameter holding their raw bytes, with no hex encoding on the client nor decoding on the
// server, and its ids as one bigint[].
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace strata::pq {

// A bigint[] (int8, OID 20) holding `items` in order. The statement must cast the parameter to
// bigint[]: the server checks the element type.
std::string binary_int8_array(std::span<const std::int64_t> items);
// A bytea[] (OID 17) holding `items` byte for byte, in order (none NULL). The statement must
// cast the parameter to bytea[].
std::string binary_bytea_array(std::span<const std::string_view> items);

}  // namespace strata::pq
