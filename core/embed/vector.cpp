#include "embed/vector.h"

#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

namespace strata::embed {
namespace {

static_assert(sizeof(float) == 4 && std::numeric_limits<float>::is_iec559, "float must be IEEE-754 binary32");

std::uint32_t to_little(std::uint32_t x) {
  if constexpr (std::endian::native == std::endian::little) return x;
  return ((x & 0xFFu) << 24) | ((x & 0xFF00u) << 8) | ((x >> 8) & 0xFF00u) | (x >> 24);
}

}  // namespace

std::string to_blob(std::span<const float> v) {
  std::string out(v.size() * 4, '\0');
  if constexpr (std::endian::native == std::endian::little) {
    if (!v.empty()) std::memcpy(out.data(), v.data(), out.size());
  } else {
    for (std::size_t i = 0; i < v.size(); ++i) {
      const std::uint32_t bits = to_little(std::bit_cast<std::uint32_t>(v[i]));
      std::memcpy(out.data() + 4 * i, &bits, 4);
    }
  }
  return out;
}

Vector from_blob(std::string_view blob) {
  Vector v(blob.size() / 4);
  if constexpr (std::endian::native == std::endian::little) {
    if (!v.empty()) std::memcpy(v.data(), blob.data(), v.size() * 4);
  } else {
    for (std::size_t i = 0; i < v.size(); ++i) {
      std::uint32_t bits;
      std::memcpy(&bits, blob.data() + 4 * i, 4);
      v[i] = std::bit_cast<float>(to_little(bits));
    }
  }
  return v;
}

void normalise(std::span<float> v) {
  double sum = 0;
  for (const float x : v) sum += static_cast<double>(x) * static_cast<double>(x);
  if (sum <= 0) return;
  const auto scale = static_cast<float>(1.0 / std::sqrt(sum));
  for (float& x : v) x *= scale;
}

}  // namespace strata::embed
