// ChunkOptions::min_size: chunks below the minimum join a neighbour. Greedy packing leaves them
// wherever a small piece meets a piece too large to share a chunk with it: a heading above a
// long section, a PDF page's running header, the tail of a paragraph cut by sentences. Joining
// is a pass over the finished chunk list, the same for every strategy: two neighbours become
// the one span from the first start to the last end, so offsets stay exact without looking at
// the text again, and the cost is one look at each small chunk (plus, for token units, one
// count of each span it could become). A join never passes join_limit() (chunk/chunker.h): the
// size in tokens, a little more in characters or bytes.
#include <optional>

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

  // `a` followed by `b` as one chunk; nullopt when it would measure more than join_limit().
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
    if (measure(j) > join_limit(options_)) return std::nullopt;
    return j;
  }

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

Side Joiner::preferred(const Chunk& c, const Chunk& before, const Chunk& after) const {
  if (heading_like(c)) return Side::after;
  const std::size_t gap_before = line_feeds_between(before, c), gap_after = line_feeds_between(c, after);
  if (gap_before != gap_after) return gap_before < gap_after ? Side::before : Side::after;
  return measure(before) < measure(after) ? Side::before : Side::after;
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
    bool done = false;
    for (const Side side : {first, first == Side::after ? Side::before : Side::after}) {
      if (side == Side::after && after != nullptr) {
        if (std::optional<Chunk> j = joined(c, *after)) {
          *after = std::move(*j);  // looked at next, so a join that is still small goes on
          done = true;
          break;
        }
      } else if (side == Side::before && before != nullptr) {
        if (std::optional<Chunk> j = joined(*before, c)) {
          *before = std::move(*j);
          done = true;
          break;
        }
      }
    }
    if (!done) out.push_back(std::move(c));
  }
  chunks = std::move(out);
}

}  // namespace

void join_small_chunks(std::string_view text, const ChunkOptions& options, std::vector<Chunk>& chunks) {
  Joiner(text, options).run(chunks);
}

}  // namespace strata::chunk::detail
