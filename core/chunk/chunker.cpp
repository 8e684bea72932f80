// chunk_text: validation, dispatch to a strategy, then the fields every chunk carries (index,
// code-point offsets, line numbers, token count), filled in one forward sweep.
#include "chunk/chunker.h"

#include <string>

#include "chunk/engine.h"
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

void finish(std::string_view text, const ChunkOptions& options, std::vector<Chunk>& chunks) {
  const tokenizer::Tokenizer* tok =
      options.count_tokens ? &tokenizer::Tokenizer::get(options.encoding) : nullptr;
  Position end;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    Chunk& c = chunks[i];
    const Position start = move(text, end, c.start);
    end = move(text, start, c.end);
    c.index = i;
    c.char_start = start.code_points;
    c.char_end = end.code_points;
    c.line_start = start.newlines + 1;
    // The line of the last byte: a chunk that ends with a line feed ends on that line.
    c.line_end = end.newlines + 1 - (c.end > c.start && text[c.end - 1] == '\n' ? 1 : 0);
    if (c.tokens == detail::npos) {
      c.tokens = tok != nullptr ? tok->count(text.substr(c.start, c.end - c.start)) : 0;
    }
  }
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
  if (options.size == 0) {
    throw Error(ExitCode::usage, "--size must be at least 1");
  }
  if (options.overlap >= options.size) {
    throw Error(ExitCode::usage, "--overlap (" + std::to_string(options.overlap) +
                                     ") must be smaller than --size (" +
                                     std::to_string(options.size) + ")");
  }
  std::vector<Chunk> chunks;
  if (text.empty()) return chunks;
  if (options.strategy == Strategy::recursive && options.compat_langchain) {
    chunks = detail::run_langchain(text, options);
  } else {
    detail::Engine engine(text, options, chunks);
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
  finish(text, options, chunks);
  return chunks;
}

}  // namespace strata::chunk
