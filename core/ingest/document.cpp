#include "ingest/document.h"

#include <algorithm>

namespace strata::ingest {

std::size_t page_of(const std::vector<std::size_t>& page_starts, std::size_t offset) {
  if (page_starts.empty()) return 0;
  // The last page starting at or before `offset`; with equal starts (empty pages) the later one,
  // since an empty page holds no byte.
  const auto after = std::upper_bound(page_starts.begin(), page_starts.end(), offset);
  const auto index = static_cast<std::size_t>(after - page_starts.begin());
  return index == 0 ? 1 : index;
}

}  // namespace strata::ingest
