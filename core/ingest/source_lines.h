#pragma once
// Where a loaded text comes from in its source file, line by line, for loaders whose text is not
// the file itself (HTML): chunks then cite the file's own lines.
#include <cstddef>
#include <vector>

namespace strata::ingest {

// Text from byte `text_offset` of the loaded text, up to the next entry's offset, was written
// from source line `line` (1-based, as an editor counts them: LF, CRLF or a lone CR ends one).
struct SourceLine {
  std::size_t text_offset = 0;
  std::size_t line = 1;
};

struct LineSpan {
  std::size_t first = 0;
  std::size_t last = 0;
};

// The source lines that text[start, end) comes from: the least and greatest line of the entries
// whose runs overlap the range (an empty range: the run holding `start`). Lines are not assumed to
// grow with the offset: a parser may move content (text misplaced in a table goes before it).
// REQUIRES: `lines` is not empty, its offsets increase and the first is 0.
LineSpan source_line_span(const std::vector<SourceLine>& lines, std::size_t start, std::size_t end);

}  // namespace strata::ingest
