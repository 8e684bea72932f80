#pragma once
// An embedding vector and its storage form: little-endian IEEE-754 float32, packed, no header
// (so a blob of 4·d bytes is a d-dimensional vector, readable from any language with one call,
// e.g. numpy.frombuffer(blob, "<f4")).
#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace strata::embed {

using Vector = std::vector<float>;

// The blob of `v`.
std::string to_blob(std::span<const float> v);

// The vector of `blob`. REQUIRES: blob.size() is a multiple of 4 (the store's CHECK enforces it).
Vector from_blob(std::string_view blob);

// Scales `v` to unit length; a zero vector stays zero.
void normalise(std::span<float> v);

}  // namespace strata::embed
