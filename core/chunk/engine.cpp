#include "chunk/engine.h"

#include <cstring>

namespace strata::chunk::detail {
namespace {

Unit effective_unit(const ChunkOptions& o) {
  return o.strategy == Strategy::token ? Unit::tokens : o.unit;
}

const tokenizer::Tokenizer* tokenizer_for(const ChunkOptions& o) {
  return effective_unit(o) == Unit::tokens ? &tokenizer::Tokenizer::get(o.encoding) : nullptr;
}

}  // namespace

std::size_t advance_code_points(std::string_view text, std::size_t p, std::size_t k,
                                std::size_t hi) {
  const char* s = text.data();
  while (k > 0 && p < hi) {
    if (k >= 8 && p + 8 <= hi) {
      std::uint64_t w;
      std::memcpy(&w, s + p, 8);
      if ((w & 0x8080808080808080ULL) == 0) {
        p += 8;
        k -= 8;
        continue;
      }
    }
    ++p;
    while (p < hi && is_utf8_continuation(static_cast<unsigned char>(s[p]))) ++p;
    --k;
  }
  return p;
}

std::size_t retreat_code_points(std::string_view text, std::size_t p, std::size_t k,
                                 std::size_t lo) {
  while (k > 0 && p > lo) {
    p = std::max(lo, utf8_boundary_before(text, p - 1));
    --k;
  }
  return p;
}

Span trim_span(const Boundaries& bounds, std::size_t a, std::size_t b) {
  const std::string_view t = bounds.text();
  std::size_t s = a;
  std::size_t keep = a;  // after the last line feed of the leading whitespace
  while (s < b && is_space(t[s])) {
    ++s;
    if (t[s - 1] == '\n' && bounds.is_boundary(s)) keep = s;
  }
  if (s == b) return {b, b};  // whitespace only
  std::size_t e = b;
  while (e > keep && is_space(t[e - 1]) && bounds.is_boundary(e - 1)) --e;
  return {keep, e};
}

Engine::Engine(std::string_view text, const ChunkOptions& options, std::vector<Chunk>& out)
    : text_(text),
      bounds_(text),
      measure_(text, effective_unit(options), tokenizer_for(options)),
      size_(options.size),
      overlap_(options.overlap),
      out_(out) {}

void Engine::split(std::size_t a, std::size_t b, std::span<const Level> levels) {
  if (a >= b) return;
  if (levels.empty() || levels[0].kind == LevelKind::graphemes) {
    flush();
    windows(a, b);
    return;
  }
  Splitter splitter(bounds_, levels[0], a, b);
  Span p;
  while (splitter.next(p)) {
    const std::size_t m = measure_(p.start, p.end);
    if (m <= size_) {
      push(Piece{p.start, p.end, m, npos, section, false});
    } else {
      flush();
      split(p.start, p.end, levels.subspan(1));
    }
  }
  flush();
}

void Engine::windows(std::size_t a, std::size_t b) {
  if (measure_.unit() == Unit::tokens) {
    token_windows(a, b);
    return;
  }
  const bool chars = measure_.unit() == Unit::chars;
  std::size_t s = a;
  while (s < b) {
    std::size_t e = chars ? advance_code_points(text_, s, size_, b) : std::min(b, s + size_);
    e = bounds_.floor(e);
    bool oversized = false;
    if (e <= s) {
      e = bounds_.next(s);
      oversized = true;
    }
    emit(s, e, oversized, npos, section);
    if (e >= b) break;
    if (overlap_ == 0) {
      s = e;
      continue;
    }
    const std::size_t q = chars ? retreat_code_points(text_, e, overlap_, s)
                                : (e - s > overlap_ ? e - overlap_ : s);
    std::size_t ns = bounds_.ceil(q);
    if (ns <= s) ns = bounds_.next(s);
    // The next window must reach past e: give up overlap until the next grapheme fits.
    const std::size_t after = bounds_.next(e);
    while (ns < e && measure_(ns, after) > size_) ns = bounds_.next(ns);
    s = ns;
  }
}

void Engine::emit(std::size_t start, std::size_t end, bool oversized, std::size_t tokens,
                  std::uint32_t sect, bool heading_only) {
  Chunk c;
  c.start = start;
  c.end = end;
  c.oversized = oversized;
  c.heading_only = heading_only;
  c.tokens = tokens;  // npos: not counted yet (chunk_text counts it)
  if (sect != 0 && sect < sections.size()) c.headings = sections[sect];
  out_.push_back(std::move(c));
}

bool Engine::packed_only_headings() const {
  for (std::size_t i = head_; i < window_.size(); ++i) {
    if (!window_[i].heading) return false;
  }
  return true;
}

void Engine::pop_front() {
  const Piece& f = window_[head_];
  total_ -= f.solo;
  ++head_;
  if (head_ < window_.size()) {
    // The new front is measured alone now, without the gap before it.
    total_ = total_ - window_[head_].lead + window_[head_].solo;
  } else {
    window_.clear();
    head_ = 0;
    total_ = 0;
  }
  if (head_ >= 64 && head_ * 2 >= window_.size()) {
    window_.erase(window_.begin(), window_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void Engine::emit_window(std::vector<Piece>& stash) {
  std::size_t tokens = npos;
  if (measure_.unit() == Unit::tokens) {
    // Token counts are not additive: check the real count, give back pieces until it fits.
    while (true) {
      const std::size_t n = measure_(front().start, back().end);
      if (n <= size_ || window_count() == 1) {
        tokens = n;
        break;
      }
      stash.insert(stash.begin(), back());
      total_ -= back().lead;
      window_.pop_back();
    }
  }
  emit(front().start, back().end, false, tokens, back().section, packed_only_headings());
}

void Engine::push(Piece piece) {
  if (window_count() == 0) {
    window_.push_back(piece);
    total_ = piece.solo;
    return;
  }
  if (piece.lead == npos) {
    piece.lead = measure_.unit() == Unit::tokens ? measure_(back().end, piece.end)
                                                  : piece.solo + measure_(back().end, piece.start);
  }
  if (total_ + piece.lead <= size_) {
    window_.push_back(piece);
    total_ += piece.lead;
    return;
  }
  std::vector<Piece> stash;
  emit_window(stash);
  const Piece& next = stash.empty() ? piece : stash.front();
  while (window_count() > 0 && (total_ > overlap_ || total_ + next.lead > size_)) pop_front();
  if (measure_.unit() == Unit::tokens) {
    // Estimates are not enough: the overlap kept and the piece that follows it must really fit,
    // or the next chunk could shrink back to the overlap alone.
    while (window_count() > 0 && (measure_(front().start, back().end) > overlap_ ||
                                  measure_(front().start, next.end) > size_)) {
      pop_front();
    }
  }
  for (const Piece& p : stash) push(p);
  push(piece);
}

void Engine::flush() {
  if (window_count() > 0) {
    std::vector<Piece> stash;
    emit_window(stash);
    window_.clear();
    head_ = 0;
    total_ = 0;
    // Pieces given back by the token check start a window of their own.
    for (const Piece& p : stash) push(p);
    if (!stash.empty()) flush();
  }
}

}  // namespace strata::chunk::detail
