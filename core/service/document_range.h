#pragma once
// The text of part of a stored document, for the read_document tool, ask's read tool and
// resources/read, rebuilt from the document's chunks (their byte offsets and line numbers).
//
// One line model for every tool: a line number is the one search cites, a line of the source
// file (what a user opens). For most documents the loaded text's lines are the file's (text,
// Markdown, code) or the only ones there are (PDF, office: the extracted text), and a range
// returns exactly those lines. A document whose text is not its file's (HTML: the chunks cite
// the .html file's lines, the text is what was extracted from them) cannot be cut at a line of
// the file inside a chunk: a range returns the whole chunks whose cited lines meet it, and says
// which lines they cover (`file_lines`), so reading a search hit's lines returns that hit's
// passage.
#include <cstddef>
#include <cstdint>
#include <string>

#include "store/store.h"

namespace strata::service {

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
  // The lines are the source file's and `text` is the whole chunks cited in the range (HTML).
  bool file_lines = false;
  // Where a truncated read goes on: next_line as start_line, or, when the next chunk starts on a
  // line already returned (several chunks cite one line of the file), next_chunk as first_chunk
  // (then >= 0).
  std::int64_t next_line = 0;
  std::int64_t next_chunk = -1;
};

// How a truncated read goes on, as read_document's arguments say it ("first_chunk 7",
// "start_line 42"); "" when `part` was not cut or holds nothing. Every tool that tells a caller
// to read on says this, never last_line + 1: in an HTML page several chunks cite one line of the
// file, and the line after the last one returned skips the rest of them.
std::string read_on_with(const DocumentPart& part);

// Lines `range` of the document, at most `max_bytes` bytes: cut after the last whole line (with
// file_lines, the last whole chunk) that fits; a single longer line or chunk is cut at a UTF-8
// boundary. REQUIRES max_bytes > 0.
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

}  // namespace strata::service
