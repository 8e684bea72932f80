#pragma once
// Chunking: text in, chunks out, no I/O. Every chunk is a byte range of the input, tracked
// while splitting (never searched for afterwards), so input.substr(start, end - start) is the
// chunk's text exactly. `ingest` uses the same function.
#include <algorithm>
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/tokenizer.h"

namespace strata::chunk {

enum class Strategy { fixed, recursive, paragraph, sentence, markdown, token };
enum class Unit { chars, bytes, tokens };  // chars = Unicode code points

std::optional<Strategy> strategy_from_name(std::string_view name);
std::optional<Unit> unit_from_name(std::string_view name);
const char* name_of(Strategy s);
const char* name_of(Unit u);

struct ChunkOptions {
  Strategy strategy = Strategy::recursive;
  std::size_t size = 1200;   // REQUIRES: > 0. The maximum of a chunk, in `unit`: only a single
                             // grapheme larger than it passes it (Chunk::oversized).
  std::size_t overlap = 0;   // REQUIRES: < size. At most this much of a chunk's tail repeats
                             // at the head of the next, in whole units of the strategy.
  Unit unit = Unit::chars;   // the token strategy always counts tokens
  tokenizer::Encoding encoding = tokenizer::Encoding::cl100k_base;
  std::vector<std::string> separators;  // recursive; empty = blank lines ("\n\n", also with
                                        // spaces or CRs between), "\n", " ", then graphemes
  bool compat_langchain = false;        // recursive: LangChain RecursiveCharacterTextSplitter texts
  bool count_tokens = true;  // fill Chunk::tokens; false leaves it 0 (benchmarks of the splitting
                             // alone). With unit tokens the counts come for free and are kept.
  // REQUIRES: < size. Default 0: off. A chunk measuring less than this (a heading alone, a
  // running header, the tail of a long paragraph) joins a neighbour when the two fit in
  // `size` together; when neither has room, in characters or bytes, the boundary with a
  // neighbour moves instead: the small chunk takes the end (or the start) of that neighbour's
  // text, as little as brings it to the minimum, cut where a paragraph, line, sentence or word
  // ends (the same neighbour first). One below it remains only when the whole input is that
  // small, or nothing fits (tokens; --overlap; an oversized grapheme). Which neighbour: a heading
  // (markdown: a chunk of headings only; otherwise a single line that starts like a title and
  // does not end a sentence) the one after it; the last chunk the one before it; any other the
  // neighbour it is closer to (fewer line feeds between), then the smaller one. The joined
  // chunk is the whole span from the first start to the last end, so its offsets stay exact;
  // it never measures more than `size` in `unit` (what lies between the two counts too).
  // Not with compat_langchain (its chunks are LangChain's).
  std::size_t min_size = 0;
  // How full a strategy packs a chunk before it starts the next, in `unit`; 0: fill_size()'s
  // rule. REQUIRES: 0, or above overlap and at most size.
  std::size_t fill = 0;
  // Called from the chunking thread as token counting moves through the input, with the byte
  // offset reached (about every 64 KiB, and at the end). Empty: not called.
  std::function<void(std::size_t bytes_done)> progress;
};

struct Chunk {
  std::size_t index = 0;
  std::size_t start = 0, end = 0;            // bytes, half-open, into the input
  std::size_t char_start = 0, char_end = 0;  // code points, half-open
  std::size_t line_start = 0, line_end = 0;  // 1-based, inclusive
  std::size_t tokens = 0;                    // count under options.encoding
  std::vector<std::string> headings;         // markdown: the heading path (each at most 200 characters, then "…")
  bool oversized = false;  // a single grapheme larger than `size`: the only allowed excess
  bool heading_only = false;  // markdown: the chunk holds headings and nothing else
};

// How full a chunk is packed. In characters or bytes with a minimum, the size less the minimum:
// the room above it is for a small piece (a section's last lines, a heading) to join without
// passing the size. Keeping that piece with its text is worth more to search than a fuller
// chunk: a strict size that packed to the size and then moved boundaries to give the small
// piece its minimum lost keyword nDCG@10 on every shared collection (CISI 0.3922 to 0.3821) and
// docs-qa's MRR@10 (0.728 to 0.706); packing to the size less the minimum gives the chunks
// that had passed the size by up to the minimum, now within it (BENCHMARKS.md "search
// quality"). In tokens the size is the model's window and is filled; so are chunks without a
// minimum, and LangChain's.
constexpr std::size_t fill_size(const ChunkOptions& o) {
  if (o.fill != 0) return o.fill;
  const bool tokens = o.unit == Unit::tokens || o.strategy == Strategy::token;
  if (tokens || o.compat_langchain || o.min_size == 0 || o.min_size >= o.size) return o.size;
  return std::max(o.size - o.min_size, o.overlap + 1);
}

// Splits `text` (REQUIRES: valid UTF-8; see common/text.h find_invalid_utf8) into chunks.
// Guarantees: exact offsets; no chunk above `size` except an `oversized` single grapheme; no
// chunk boundary inside a code point or an extended grapheme cluster; with overlap 0 the chunks
// and the gaps between them tile the input; deterministic. Empty input gives no chunks.
// Throws strata::Error(usage) for size 0, overlap >= size, min_size >= size, or min_size with
// compat_langchain.
std::vector<Chunk> chunk_text(std::string_view text, const ChunkOptions& options);

}  // namespace strata::chunk
