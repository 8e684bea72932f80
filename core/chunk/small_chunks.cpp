// ChunkOptions::min_size: chunks below the minimum join a neighbour. Greedy packing leaves them
// wherever a small piece meets a piece too large to share a chunk with it: a heading above a
// long section, a PDF page's running header, the tail of a paragraph cut by sentences. Joining
// is a pass over the finished chunk list, the same for every strategy: two neighbours become
// the one span from the first start to the last end, so offsets stay exact without looking at
// the text again, and the cost is one look at each small chunk (plus, for token units, one
// count of each span it could become). Nothing passes the size: where a join would, and the
// unit is characters or bytes, the boundary between the two is moved instead (balanced()), so
// the small piece takes the end of its neighbour's text, as little of it as reaches the
// minimum, cut where a paragraph, line, sentence or word ends.
#include <optional>
#include <utility>
#include <vector>

#include "chunk/engine.h"

namespace strata::chunk::detail {
namespace {

enum class Side { before, after };

class Joiner {
 public:
  Joiner(std::string_view text, const ChunkOptions& options)
      : text_(text),
        options_(options),
        unit_(options.strategy == Strategy::token ? Unit::tokens : options.unit),
        tokenizer_(unit_ == Unit::tokens ? &tokenizer::Tokenizer::get(options.encoding) : nullptr) {}

  void run(std::vector<Chunk>& chunks);

 private:
  std::size_t measure(const Chunk& c) const {
    switch (unit_) {
      case Unit::bytes:
        return c.end - c.start;
      case Unit::chars:
        return c.char_end - c.char_start;
      case Unit::tokens:
        return c.tokens != npos ? c.tokens : tokenizer_->count(text_.substr(c.start, c.end - c.start));
    }
    return c.end - c.start;
  }

  // `a` followed by `b` as one chunk; nullopt when it would measure more than the size.
  std::optional<Chunk> joined(const Chunk& a, const Chunk& b) const {
    if (a.oversized || b.oversized) return std::nullopt;  // a lone grapheme stays alone
    Chunk j;
    j.start = a.start;
    j.end = b.end;
    j.char_start = a.char_start;
    j.char_end = b.char_end;
    j.line_start = a.line_start;
    j.line_end = b.line_end;
    // Like any chunk, the heading path of its last block; but a heading that joins the text
    // above it (no room below) leaves that text under its own heading.
    j.headings = b.heading_only && !a.heading_only ? a.headings : b.headings;
    j.heading_only = a.heading_only && b.heading_only;
    j.tokens = npos;
    if (unit_ == Unit::tokens) j.tokens = tokenizer_->count(text_.substr(j.start, j.end - j.start));
    if (measure(j) > options_.size) return std::nullopt;
    return j;
  }

  // `a` followed by `b` as two chunks again, the boundary between them moved so that each
  // measures at least min_size and at most the size; nullopt when no boundary does, or when the
  // unit is tokens (chunks there fill to the size: nothing to give) or with --overlap.
  std::optional<std::pair<Chunk, Chunk>> balanced(const Chunk& a, const Chunk& b) const;

  // The small chunk `c` joined to, or balanced with, its neighbour on `side` (null: none there);
  // false when that does not fit.
  bool join_on(Side side, Chunk& c, Chunk* before, Chunk* after) const;
  bool balance_on(Side side, Chunk& c, Chunk* before, Chunk* after, std::vector<Chunk>& out) const;

  // Line feeds between two neighbours (none when they overlap): the fewer, the closer.
  std::size_t line_feeds_between(const Chunk& a, const Chunk& b) const {
    std::size_t n = 0;
    for (std::size_t i = a.end; i < b.start; ++i) if (text_[i] == '\n') ++n;
    return n;
  }

  bool heading_like(const Chunk& c) const;
  Side preferred(const Chunk& c, const Chunk& before, const Chunk& after) const;

  std::string_view text_;
  const ChunkOptions& options_;
  Unit unit_;
  const tokenizer::Tokenizer* tokenizer_;
  mutable std::optional<Boundaries> bounds_;  // made when a first balance needs it
};

// A heading belongs to what follows it. Markdown knows its headings; in plain text (a PDF's
// section titles, running headers) a heading is guessed: one line that starts with a letter,
// a digit or '#' and does not end like a sentence.
bool Joiner::heading_like(const Chunk& c) const {
  if (c.heading_only) return true;
  if (options_.strategy == Strategy::markdown) return false;
  const std::string_view t = text_.substr(c.start, c.end - c.start);
  if (t.empty() || t.find('\n') != std::string_view::npos) return false;
  const auto first = static_cast<unsigned char>(t.front());
  const bool starts_like_title = first >= 0x80 || first == '#' || (first >= '0' && first <= '9') ||
                                 ((first | 0x20) >= 'a' && (first | 0x20) <= 'z');
  const char last = t.back();
  return starts_like_title && last != '.' && last != ',' && last != ';' && last != '!' && last != '?';
}

namespace {

// How good a place to cut `p` is, where text[p] starts a piece after whitespace: a paragraph's
// end, a line's, a sentence's, a word's; -1 inside a word (fixed windows cut there too).
int cut_rank(std::string_view text, std::size_t lo, std::size_t p) {
  if (p == lo || !is_space(text[p - 1])) return -1;
  std::size_t w = p, feeds = 0;
  while (w > lo && is_space(text[w - 1])) {
    if (text[--w] == '\n') ++feeds;
  }
  if (feeds >= 2) return 3;
  if (feeds == 1) return 2;
  while (w > lo && (text[w - 1] == '"' || text[w - 1] == '\'' || text[w - 1] == ')')) --w;
  if (w > lo && (text[w - 1] == '.' || text[w - 1] == '!' || text[w - 1] == '?')) return 1;
  return 0;
}

}  // namespace

std::optional<std::pair<Chunk, Chunk>> Joiner::balanced(const Chunk& a, const Chunk& b) const {
  // With --overlap a chunk shares text with more than its neighbours: a moved boundary could
  // start one before the chunk ahead of it.
  if (unit_ == Unit::tokens || options_.overlap > 0 || a.oversized || b.oversized) return std::nullopt;
  if (!bounds_) bounds_.emplace(text_);
  const std::size_t lo = a.start, hi = b.end;
  // at[i]: the measure of [lo, lo + i), so that any span inside costs one subtraction.
  std::vector<std::size_t> at(hi - lo + 1, 0);
  for (std::size_t i = lo; i < hi; ++i) {
    const bool counts = unit_ == Unit::bytes || !is_utf8_continuation(static_cast<unsigned char>(text_[i]));
    at[i - lo + 1] = at[i - lo] + (counts ? 1 : 0);
  }
  const auto measure_of = [&](std::size_t x, std::size_t y) { return at[y - lo] - at[x - lo]; };
  std::size_t best = 0, best_end = 0, best_distance = 0;
  int best_rank = -2;
  for (std::size_t p = lo + 1; p < hi; ++p) {
    if (is_space(text_[p]) || !bounds_->is_boundary(p)) continue;
    std::size_t end1 = p;
    while (end1 > lo && is_space(text_[end1 - 1])) --end1;
    if (end1 == lo) continue;
    const std::size_t m1 = measure_of(lo, end1), m2 = measure_of(p, hi);
    if (m1 < options_.min_size || m2 < options_.min_size || m1 > options_.size || m2 > options_.size) continue;
    const int rank = cut_rank(text_, lo, p);
    const std::size_t distance = p < a.end ? a.end - p : (p > b.start ? p - b.start : 0);
    if (rank > best_rank || (rank == best_rank && distance < best_distance)) {
      best = p;
      best_end = end1;
      best_rank = rank;
      best_distance = distance;
    }
  }
  if (best_rank == -2) return std::nullopt;
  // Offsets from `a`'s, counted over the union only.
  const auto make = [&](std::size_t x, std::size_t y) {
    Chunk c;
    c.start = x;
    c.end = y;
    c.char_start = a.char_start + count_code_points(text_, lo, x);
    c.char_end = c.char_start + count_code_points(text_, x, y);
    c.line_start = a.line_start + count_newlines(text_, lo, x);
    c.line_end = c.line_start + count_newlines(text_, x, y - 1);
    c.tokens = npos;
    return c;
  };
  std::pair<Chunk, Chunk> out{make(lo, best_end), make(best, hi)};
  // Each keeps the heading path of its last block, as a join does.
  out.first.headings = best_end <= a.end ? a.headings : b.headings;
  out.first.heading_only = best_end <= a.end && a.heading_only;
  out.second.headings = b.heading_only && !a.heading_only ? a.headings : b.headings;
  out.second.heading_only = best >= b.start && b.heading_only;
  return out;
}

Side Joiner::preferred(const Chunk& c, const Chunk& before, const Chunk& after) const {
  if (heading_like(c)) return Side::after;
  const std::size_t gap_before = line_feeds_between(before, c), gap_after = line_feeds_between(c, after);
  if (gap_before != gap_after) return gap_before < gap_after ? Side::before : Side::after;
  return measure(before) < measure(after) ? Side::before : Side::after;
}

bool Joiner::join_on(Side side, Chunk& c, Chunk* before, Chunk* after) const {
  if (side == Side::after && after != nullptr) {
    if (std::optional<Chunk> j = joined(c, *after)) {
      *after = std::move(*j);  // looked at next, so a join that is still small goes on
      return true;
    }
  } else if (side == Side::before && before != nullptr) {
    if (std::optional<Chunk> j = joined(*before, c)) {
      *before = std::move(*j);
      return true;
    }
  }
  return false;
}

// `out` holds `before` as its last chunk: the small chunk's new self goes after it (out never
// outgrows the list it was reserved for, so `before` stays valid).
bool Joiner::balance_on(Side side, Chunk& c, Chunk* before, Chunk* after, std::vector<Chunk>& out) const {
  if (side == Side::after && after != nullptr) {
    if (auto two = balanced(c, *after)) {
      out.push_back(std::move(two->first));
      *after = std::move(two->second);
      return true;
    }
  } else if (side == Side::before && before != nullptr) {
    if (auto two = balanced(*before, c)) {
      *before = std::move(two->first);
      out.push_back(std::move(two->second));
      return true;
    }
  }
  return false;
}

void Joiner::run(std::vector<Chunk>& chunks) {
  if (chunks.size() < 2) return;
  std::vector<Chunk> out;
  out.reserve(chunks.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    Chunk& c = chunks[i];
    if (measure(c) >= options_.min_size) {
      out.push_back(std::move(c));
      continue;
    }
    Chunk* before = out.empty() ? nullptr : &out.back();
    Chunk* after = i + 1 < chunks.size() ? &chunks[i + 1] : nullptr;
    Side first = after == nullptr ? Side::before : Side::after;
    if (before != nullptr && after != nullptr) first = preferred(c, *before, *after);
    const Side order[] = {first, first == Side::after ? Side::before : Side::after};
    bool done = false;
    for (const Side side : order) done = done || join_on(side, c, before, after);
    // No room for a join: the boundary moves instead, with the same neighbour first.
    for (const Side side : order) done = done || balance_on(side, c, before, after, out);
    if (!done) out.push_back(std::move(c));
  }
  chunks = std::move(out);
}

}  // namespace

void join_small_chunks(std::string_view text, const ChunkOptions& options, std::vector<Chunk>& chunks) {
  Joiner(text, options).run(chunks);
}

}  // namespace strata::chunk::detail
