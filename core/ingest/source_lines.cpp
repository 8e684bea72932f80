#include "ingest/source_lines.h"

#include <algorithm>

namespace strata::ingest {

LineSpan source_line_span(const std::vector<SourceLine>& lines, std::size_t start, std::size_t end) {
  // The run holding `start`: the last entry at or before it.
  auto it = std::upper_bound(lines.begin(), lines.end(), start,
                             [](std::size_t offset, const SourceLine& l) { return offset < l.text_offset; });
  if (it != lines.begin()) --it;
  LineSpan span{it->line, it->line};
  // Every further run that begins inside the range. Chunks are visited in order and overlap
  // little, so over a document this is linear in the entries.
  for (++it; it != lines.end() && it->text_offset < end; ++it) {
    span.first = std::min(span.first, it->line);
    span.last = std::max(span.last, it->line);
  }
  return span;
}

}  // namespace strata::ingest
