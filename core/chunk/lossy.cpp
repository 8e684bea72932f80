#include "chunk/lossy.h"

#include <algorithm>

#include "common/utf8.h"

namespace strata::chunk {

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
    // A well-formed character is kept; else `length` is the maximal ill-formed subpart (a
    // sequence cut by the end of the input is one), replaced by one U+FFFD.
    const Utf8Step step = utf8_decode(input.substr(i));
    if (step.status == Utf8Status::ok) {
      i += step.length;
      continue;
    }
    const std::size_t subpart = step.length;
    text_.append(input.substr(valid_from, i - valid_from));
    const std::uint64_t at = text_.size();
    text_.append(k_utf8_replacement);
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
