#pragma once
// Internal to core/chunk: the machinery every strategy shares.
//
// A strategy cuts a range of the input into *pieces* (its units: paragraphs, sentences, words,
// markdown blocks, ...) separated by *gaps* of ASCII whitespace, then packs consecutive pieces
// greedily into chunks of at most `size` units. A piece that is alone above the size is cut again
// with the next level of splitters; the last level is fixed windows over grapheme clusters (or
// tokens). Overlap keeps whole pieces from the tail of a chunk at the head of the next.
//
// Every position handled is a byte offset into the input; nothing is ever searched for again.
#include <cstddef>
#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "chunk/boundaries.h"
#include "chunk/chunker.h"

namespace strata::chunk::detail {

inline constexpr std::size_t npos = std::numeric_limits<std::size_t>::max();

// The size of a range in the chosen unit.
class Measure {
 public:
  Measure(std::string_view text, Unit unit, const tokenizer::Tokenizer* tokenizer)
      : text_(text), unit_(unit), tokenizer_(tokenizer) {}
  std::size_t operator()(std::size_t a, std::size_t b) const {
    switch (unit_) {
      case Unit::bytes:
        return b - a;
      case Unit::chars:
        return count_code_points(text_, a, b);
      case Unit::tokens:
        return tokenizer_->count(text_.substr(a, b - a));
    }
    return b - a;
  }
  Unit unit() const { return unit_; }
  const tokenizer::Tokenizer* tokenizer() const { return tokenizer_; }

 private:
  std::string_view text_;
  Unit unit_;
  const tokenizer::Tokenizer* tokenizer_;
};

// The position `k` code points after / before `p`, clamped to [lo, hi].
std::size_t advance_code_points(std::string_view text, std::size_t p, std::size_t k, std::size_t hi);
std::size_t retreat_code_points(std::string_view text, std::size_t p, std::size_t k, std::size_t lo);

struct Span {
  std::size_t start = 0, end = 0;
};

enum class LevelKind {
  literal,     // a separator string (LangChain style: kept at the head of the next piece)
  blank_line,  // a whitespace run holding two or more line feeds
  sentence,    // sentence boundaries (sentence.cpp)
  words,       // runs of ASCII whitespace
  graphemes,   // fixed windows over grapheme clusters (or tokens): always the last resort
};

struct Level {
  LevelKind kind = LevelKind::graphemes;
  std::string_view separator;  // literal only
};

// Trims a range for use as a chunk or piece: drops leading whitespace up to and including the
// last line feed in it (the indentation of the first line is kept) and all trailing whitespace;
// never moves onto a position that is not a grapheme boundary.
Span trim_span(const Boundaries& bounds, std::size_t a, std::size_t b);

// Cuts [a, b) into pieces, one at a time, for one splitter level.
class Splitter {
 public:
  Splitter(const Boundaries& bounds, const Level& level, std::size_t a, std::size_t b);
  bool next(Span& piece);

 private:
  bool cut_at(std::size_t g0, std::size_t g1, Span& piece);
  bool next_literal(Span& piece);
  bool next_blank_line(Span& piece);
  bool next_sentence(Span& piece);
  bool next_words(Span& piece);
  // The end of the gap that starts at an occurrence of a whitespace separator ending at `from`.
  std::size_t gap_forward(std::size_t from, bool separator_has_newline) const;
  std::size_t gap_backward(std::size_t to) const;

  const Boundaries& bounds_;
  std::string_view text_;
  Level level_;
  std::size_t pos_, end_, search_;
  bool separator_blank_ = false, separator_newline_ = false;
  std::size_t separator_lead_ = 0;  // leading whitespace bytes of the separator
};

// Sentence boundaries (sentence.cpp): the end of the sentence that starts at `start` (trailing
// whitespace excluded) and, in `next`, where the next one starts (b when there is none).
std::size_t sentence_end(const Boundaries& bounds, std::size_t start, std::size_t b,
                         std::size_t& next);

struct Piece {
  std::size_t start = 0, end = 0;
  std::size_t solo = 0;     // measure of the piece alone
  std::size_t lead = npos;  // measure from the end of the previous piece to this one's end
  std::uint32_t section = 0;
  bool heading = false;
};

class Engine {
 public:
  Engine(std::string_view text, const ChunkOptions& options, std::vector<Chunk>& out);

  const Boundaries& bounds() const { return bounds_; }
  const Measure& measure() const { return measure_; }
  std::size_t size() const { return size_; }

  // Cuts [a, b) with levels[0], packs the pieces, cuts pieces above the size with levels[1..].
  void split(std::size_t a, std::size_t b, std::span<const Level> levels);
  // Windows of at most `size` over [a, b), overlap in whole graphemes (or tokens).
  void windows(std::size_t a, std::size_t b);
  void token_windows(std::size_t a, std::size_t b);  // token_chunker.cpp

  // The packer: adds a piece that fits alone; emits chunks as the window fills.
  void push(Piece piece);
  // Emits what is packed and starts afresh (no overlap carried over).
  void flush();
  bool packed_only_headings() const;

  // Markdown: heading paths; pieces carry an index into it.
  std::vector<std::vector<std::string>> sections{{}};
  std::uint32_t section = 0;

 private:
  void emit(std::size_t start, std::size_t end, bool oversized, std::size_t tokens,
            std::uint32_t sect, bool heading_only = false);
  void emit_window(std::vector<Piece>& stash);
  void pop_front();
  std::size_t window_count() const { return window_.size() - head_; }
  const Piece& front() const { return window_[head_]; }
  const Piece& back() const { return window_.back(); }

  std::string_view text_;
  Boundaries bounds_;
  Measure measure_;
  std::size_t size_, overlap_;
  std::vector<Chunk>& out_;
  std::vector<Piece> window_;
  std::size_t head_ = 0;
  std::size_t total_ = 0;  // measure of the window (exact for chars/bytes, an estimate for tokens)
};

// The strategies (one file each).
void run_recursive(Engine& engine, const ChunkOptions& options);
void run_paragraph(Engine& engine);
void run_sentence(Engine& engine);
void run_markdown(Engine& engine);
std::vector<Chunk> run_langchain(std::string_view text, const ChunkOptions& options);

// ChunkOptions::min_size (small_chunks.cpp): joins chunks below it to a neighbour, in place.
// REQUIRES: the chunks' offsets are filled in (char and line too); their index is not yet.
// A joined chunk's `tokens` is npos (to count) unless the unit is tokens.
void join_small_chunks(std::string_view text, const ChunkOptions& options, std::vector<Chunk>& chunks);

}  // namespace strata::chunk::detail
