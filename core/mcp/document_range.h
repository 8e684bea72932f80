#pragma once
// The text of part of a stored document, for the read_document tool and resources/read: lines
// rebuilt from the document's chunks (their byte offsets and line numbers), so what is returned
// is the loaded text the citations point into, whatever file it came from.
#include <cstddef>
#include <cstdint>
#include <string>

#include "store/store.h"

namespace strata::mcp {

struct LineRange {
  std::int64_t first = 1;  // 1-based, inclusive
  std::int64_t last = 0;   // 0: to the end
};

struct DocumentPart {
  std::string text;              // whole lines, each ending in '\n' (the last one maybe not)
  std::int64_t first_line = 0;   // the lines `text` holds; 0 when it is empty
  std::int64_t last_line = 0;
  std::int64_t document_lines = 0;  // lines in the whole document
  bool truncated = false;           // `max_bytes` stopped it before the range's end
};

// Lines `range` of the document, at most `max_bytes` bytes: cut after the last whole line that
// fits (a single longer line is cut at a UTF-8 boundary). REQUIRES max_bytes > 0.
DocumentPart read_lines(store::Store& store, std::int64_t document_id, LineRange range, std::size_t max_bytes);

// Chunks `first`..`last` (0-based ordinals, inclusive; last < 0: to the end), at most `max_bytes`.
struct ChunkPart {
  std::string text;
  std::int64_t first_chunk = 0, last_chunk = -1;  // what `text` holds
  std::int64_t first_line = 0, last_line = 0;
  std::int64_t document_chunks = 0;
  bool truncated = false;
};
ChunkPart read_chunks(store::Store& store, std::int64_t document_id, std::int64_t first, std::int64_t last,
                      std::size_t max_bytes);

}  // namespace strata::mcp
