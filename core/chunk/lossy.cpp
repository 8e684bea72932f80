#include "chunk/lossy.h"

#include <algorithm>

namespace strata::chunk {
namespace {

constexpr std::string_view k_replacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed sequence at s[i], or 0 when it is ill-formed; in that case
// `subpart` is the length of the maximal subpart to replace (Unicode Table 3-7).
std::size_t sequence_at(const unsigned char* s, std::size_t n, std::size_t i, std::size_t& subpart) {
  const unsigned char c = s[i];
  if (c < 0x80) return 1;
  std::size_t len = 0;
  unsigned char lo = 0x80, hi = 0xBF;  // range of the second byte
  if (c >= 0xC2 && c <= 0xDF) {
    len = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    subpart = 1;  // C0, C1, F5..FF, or a stray continuation byte
    return 0;
  }
  std::size_t k = 1;
  if (i + 1 < n && s[i + 1] >= lo && s[i + 1] <= hi) {
    k = 2;
    while (k < len && i + k < n && s[i + k] >= 0x80 && s[i + k] <= 0xBF) ++k;
  }
  if (k == len) return len;
  subpart = k;
  return 0;
}

}  // namespace

LossyText::LossyText(std::string_view input) {
  const auto* s = reinterpret_cast<const unsigned char*>(input.data());
  const std::size_t n = input.size();
  text_.reserve(n + n / 16);
  std::size_t i = 0, valid_from = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    std::size_t subpart = 0;
    const std::size_t len = sequence_at(s, n, i, subpart);
    if (len != 0) {
      i += len;
      continue;
    }
    text_.append(input.substr(valid_from, i - valid_from));
    const std::uint64_t at = text_.size();
    text_.append(k_replacement);
    ++replacements_;
    const auto length = static_cast<std::uint32_t>(subpart);
    if (!runs_.empty()) {
      Run& last = runs_.back();
      if (last.length == length && last.repaired + 3ULL * last.count == at &&
          last.original + std::uint64_t{length} * last.count == i) {
        ++last.count;
        i += subpart;
        valid_from = i;
        continue;
      }
    }
    runs_.push_back(Run{at, i, 1, length});
    i += subpart;
    valid_from = i;
  }
  text_.append(input.substr(valid_from));
}

std::size_t LossyText::to_original(std::size_t offset) const {
  const auto after = std::upper_bound(runs_.begin(), runs_.end(), offset,
                                      [](std::size_t o, const Run& r) { return o < r.repaired; });
  if (after == runs_.begin()) return offset;
  const Run& r = *(after - 1);
  const std::uint64_t end = r.repaired + 3ULL * r.count;
  if (offset >= end) return static_cast<std::size_t>(r.original + std::uint64_t{r.length} * r.count + (offset - end));
  return static_cast<std::size_t>(r.original + (offset - r.repaired) / 3 * r.length);
}

}  // namespace strata::chunk
