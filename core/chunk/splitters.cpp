// The splitter levels: separator strings, blank lines, sentences, words. Each piece they give
// is trimmed (never starts with a line break, never ends with whitespace) and every cut lies on
// a grapheme boundary; a would-be cut that does not is skipped, so the piece just goes on.
#include <cstring>

#include "chunk/engine.h"

namespace strata::chunk::detail {
namespace {

bool all_space(std::string_view s) {
  for (char c : s) {
    if (!is_space(c)) return false;
  }
  return !s.empty();
}

}  // namespace

Splitter::Splitter(const Boundaries& bounds, const Level& level, std::size_t a, std::size_t b)
    : bounds_(bounds), text_(bounds.text()), level_(level), pos_(a), end_(b), search_(a) {
  const Span t = trim_span(bounds, a, b);
  pos_ = search_ = t.start;
  end_ = t.end;
  if (level.kind == LevelKind::literal) {
    separator_blank_ = all_space(level.separator);
    separator_newline_ = level.separator.find('\n') != std::string_view::npos;
    while (separator_lead_ < level.separator.size() && is_space(level.separator[separator_lead_])) {
      ++separator_lead_;
    }
  }
}

bool Splitter::next(Span& piece) {
  switch (level_.kind) {
    case LevelKind::literal:
      return next_literal(piece);
    case LevelKind::blank_line:
      return next_blank_line(piece);
    case LevelKind::sentence:
      return next_sentence(piece);
    case LevelKind::words:
      return next_words(piece);
    case LevelKind::graphemes:
      break;
  }
  return false;
}

std::size_t Splitter::gap_backward(std::size_t to) const {
  std::size_t g = to;
  while (g > pos_ && is_space(text_[g - 1])) --g;
  return g;
}

std::size_t Splitter::gap_forward(std::size_t from, bool separator_has_newline) const {
  std::size_t r = from;
  std::size_t after_newline = npos;
  while (r < end_ && is_space(text_[r])) {
    if (text_[r] == '\n') after_newline = r + 1;
    ++r;
  }
  if (after_newline != npos) return after_newline;  // keep the next line's indentation
  return separator_has_newline ? from : r;
}

// A separator gap [g0, g1) was found: emit the piece before it, or step over a gap at the very
// start of what is left. False when the search must go on (no piece, or a cut that would fall
// inside a grapheme).
bool Splitter::cut_at(std::size_t g0, std::size_t g1, Span& piece) {
  if (g0 <= pos_) {
    if (bounds_.is_boundary(g1) && g1 > pos_) pos_ = g1;
    return false;
  }
  if (!bounds_.is_boundary(g0) || !bounds_.is_boundary(g1)) return false;
  piece = {pos_, g0};
  pos_ = g1;
  return true;
}

bool Splitter::next_literal(Span& piece) {
  const std::string_view sep = level_.separator;
  while (pos_ < end_) {
    const std::size_t o =
        search_ < end_ ? text_.substr(0, end_).find(sep, search_) : std::string_view::npos;
    if (o == std::string_view::npos) {
      piece = {pos_, end_};
      pos_ = end_;
      return true;
    }
    std::size_t g0, g1;
    if (separator_blank_) {
      g0 = gap_backward(o);
      g1 = gap_forward(o + sep.size(), separator_newline_);
      search_ = std::max(g1, o + 1);
    } else {
      // The separator starts the next piece; only its leading whitespace is a gap.
      g0 = gap_backward(o);
      g1 = o + separator_lead_;
      search_ = o + sep.size();
    }
    if (cut_at(g0, g1, piece)) return true;
  }
  return false;
}

bool Splitter::next_blank_line(Span& piece) {
  while (pos_ < end_) {
    const void* hit =
        search_ < end_ ? std::memchr(text_.data() + search_, '\n', end_ - search_) : nullptr;
    if (hit == nullptr) {
      piece = {pos_, end_};
      pos_ = end_;
      return true;
    }
    const auto nl = static_cast<std::size_t>(static_cast<const char*>(hit) - text_.data());
    const std::size_t g0 = gap_backward(nl);
    std::size_t r = nl;
    std::size_t newlines = 0, after_newline = nl + 1;
    while (r < end_ && is_space(text_[r])) {
      if (text_[r] == '\n') {
        ++newlines;
        after_newline = r + 1;
      }
      ++r;
    }
    search_ = r;
    if (newlines < 2) continue;
    const std::size_t g1 = after_newline;
    if (cut_at(g0, g1, piece)) return true;
  }
  return false;
}

bool Splitter::next_words(Span& piece) {
  while (pos_ < end_) {
    std::size_t r = search_;
    while (r < end_ && !is_space(text_[r])) ++r;
    if (r >= end_) {
      piece = {pos_, end_};
      pos_ = end_;
      return true;
    }
    const std::size_t g0 = r;
    std::size_t g1 = r;
    while (g1 < end_ && is_space(text_[g1])) ++g1;
    search_ = g1;
    if (cut_at(g0, g1, piece)) return true;
  }
  return false;
}

bool Splitter::next_sentence(Span& piece) {
  while (pos_ < end_) {
    std::size_t next = end_;
    const std::size_t e = sentence_end(bounds_, pos_, end_, next);
    if (e <= pos_) {
      pos_ = next > pos_ ? next : end_;
      continue;
    }
    piece = {pos_, e};
    pos_ = next;
    return true;
  }
  return false;
}

}  // namespace strata::chunk::detail
