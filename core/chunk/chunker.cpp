// chunk_text: validation, dispatch to a strategy, then the fields every chunk carries (code-point
// offsets and line numbers in one forward sweep; small chunks joined; index, token count).
#include "chunk/chunker.h"

#include <string>

#include "chunk/engine.h"
#include "chunk/option_rules.h"
#include "common/error.h"

namespace strata::chunk {
namespace {

struct StrategyName {
  Strategy strategy;
  const char* name;
};
constexpr StrategyName kStrategies[] = {{Strategy::fixed, "fixed"},
                                        {Strategy::recursive, "recursive"},
                                        {Strategy::paragraph, "paragraph"},
                                        {Strategy::sentence, "sentence"},
                                        {Strategy::markdown, "markdown"},
                                        {Strategy::token, "token"}};

// Code points and line feeds before a byte position, kept for the previous chunk's end: the
// next chunk's start is counted from there (backwards over an overlap), its end forwards, so
// the whole sweep reads the input about once.
struct Position {
  std::size_t byte = 0, code_points = 0, newlines = 0;
};

Position move(std::string_view text, const Position& from, std::size_t to) {
  Position p = from;
  std::size_t cps = 0, nls = 0;
  if (to >= from.byte) {
    detail::count_code_points_and_newlines(text, from.byte, to, cps, nls);
    p.code_points += cps;
    p.newlines += nls;
  } else {
    detail::count_code_points_and_newlines(text, to, from.byte, cps, nls);
    p.code_points -= cps;
    p.newlines -= nls;
  }
  p.byte = to;
  return p;
}

// Code points and lines of every chunk, in one forward sweep.
void fill_offsets(std::string_view text, std::vector<Chunk>& chunks) {
  Position end;
  for (Chunk& c : chunks) {
    const Position start = move(text, end, c.start);
    end = move(text, start, c.end);
    c.char_start = start.code_points;
    c.char_end = end.code_points;
    c.line_start = start.newlines + 1;
    // The line of the last byte: a chunk that ends with a line feed ends on that line.
    c.line_end = end.newlines + 1 - (c.end > c.start && text[c.end - 1] == '\n' ? 1 : 0);
  }
}

// A grapheme larger than the fill but not the size is not oversized: it may join like any chunk.
void keep_oversized_above_size(const ChunkOptions& options, std::vector<Chunk>& chunks) {
  for (Chunk& c : chunks) {
    if (!c.oversized) continue;
    const std::size_t m = options.unit == Unit::bytes ? c.end - c.start : c.char_end - c.char_start;
    c.oversized = m > options.size;
  }
}

// Indexes and token counts; the counting is most of the time on a long input, so that is what
// the progress callback follows.

void number_and_count(std::string_view text, const ChunkOptions& options, std::vector<Chunk>& chunks) {
  constexpr std::size_t k_progress_step = std::size_t{1} << 16;
  const tokenizer::Tokenizer* tok =
      options.count_tokens ? &tokenizer::Tokenizer::get(options.encoding) : nullptr;
  std::size_t reported = 0;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    Chunk& c = chunks[i];
    c.index = i;
    if (c.tokens == detail::npos) {
      c.tokens = tok != nullptr ? tok->count(text.substr(c.start, c.end - c.start)) : 0;
    }
    if (options.progress && c.end >= reported + k_progress_step) {
      reported = c.end;
      options.progress(reported);
    }
  }
  if (options.progress) options.progress(text.size());
}

}  // namespace

std::optional<Strategy> strategy_from_name(std::string_view name) {
  for (const auto& s : kStrategies) {
    if (name == s.name) return s.strategy;
  }
  return std::nullopt;
}

std::optional<Unit> unit_from_name(std::string_view name) {
  if (name == "chars") return Unit::chars;
  if (name == "bytes") return Unit::bytes;
  if (name == "tokens") return Unit::tokens;
  return std::nullopt;
}

const char* name_of(Strategy s) {
  for (const auto& n : kStrategies) {
    if (n.strategy == s) return n.name;
  }
  return "?";
}

const char* name_of(Unit u) {
  switch (u) {
    case Unit::chars:
      return "chars";
    case Unit::bytes:
      return "bytes";
    case Unit::tokens:
      return "tokens";
  }
  return "?";
}

std::vector<Chunk> chunk_text(std::string_view text, const ChunkOptions& options) {
  if (auto error = check_options(options)) throw std::move(*error);
  std::vector<Chunk> chunks;
  if (text.empty()) return chunks;
  if (options.strategy == Strategy::recursive && options.compat_langchain) {
    chunks = detail::run_langchain(text, options);
  } else {
    // The strategies pack to fill_size(); joins and moved boundaries keep to the size.
    ChunkOptions packing = options;
    packing.size = fill_size(options);
    detail::Engine engine(text, packing, chunks);
    switch (options.strategy) {
      case Strategy::fixed:
        engine.windows(0, text.size());
        break;
      case Strategy::token:
        engine.token_windows(0, text.size());
        break;
      case Strategy::recursive:
        detail::run_recursive(engine, options);
        break;
      case Strategy::paragraph:
        detail::run_paragraph(engine);
        break;
      case Strategy::sentence:
        detail::run_sentence(engine);
        break;
      case Strategy::markdown:
        detail::run_markdown(engine);
        break;
    }
  }
  fill_offsets(text, chunks);
  if (fill_size(options) < options.size) keep_oversized_above_size(options, chunks);
  if (options.min_size > 0) detail::join_small_chunks(text, options, chunks);
  number_and_count(text, options, chunks);
  return chunks;
}

}  // namespace strata::chunk
