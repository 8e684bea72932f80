// recursive with compat_langchain: the chunk texts of LangChain.js RecursiveCharacterTextSplitter
// (@langchain/textsplitters 1.0.2) with its defaults: keepSeparator = true (each separator stays
// at the head of the piece that follows it), lengths in UTF-16 code units (JS string length),
// _mergeSplits for packing and overlap, and every merged chunk trimmed with String.trim(). The
// offsets stay exact: the trimmed chunk is a sub-range of the merged pieces, found by stepping
// over whitespace at its two ends. One known difference: where LangChain falls back to single
// characters (the "" separator) it splits UTF-16 code units, which can cut a surrogate pair in
// two; here the unit is a whole code point, since a chunk must be a byte range of valid UTF-8.
// This mode keeps LangChain's behaviour, so a chunk may exceed the size (it is marked oversized)
// and cuts need not fall on grapheme boundaries.
#include <string>

#include "chunk/engine.h"

namespace strata::chunk::detail {
namespace {

// ECMAScript WhiteSpace and LineTerminator: what String.prototype.trim removes.
bool js_space(std::int32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000 || c == 0xFEFF;
}

class LangChain {
 public:
  LangChain(std::string_view text, const ChunkOptions& o, std::vector<Chunk>& out)
      : t_(text), size_(o.size), overlap_(o.overlap), out_(out) {}

  void split(std::size_t a, std::size_t b, std::span<const std::string> seps);

 private:
  // JS string length of [a, b): one per code point, two for those above U+FFFF.
  std::size_t length(std::size_t a, std::size_t b) const {
    std::size_t n = 0;
    for (std::size_t i = a; i < b; ++i) {
      const auto c = static_cast<unsigned char>(t_[i]);
      n += (c & 0xC0) != 0x80 ? 1 : 0;
      n += c >= 0xF0 ? 1 : 0;
    }
    return n;
  }
  void merge(const std::vector<Span>& splits);
  void push(std::size_t a, std::size_t b, bool trim);

  std::string_view t_;
  std::size_t size_, overlap_;
  std::vector<Chunk>& out_;
};

void LangChain::push(std::size_t a, std::size_t b, bool trim) {
  if (trim) {
    std::size_t len = 0;
    while (a < b && js_space(decode_at(t_, a, len))) a += len;
    while (b > a) {
      const std::size_t p = std::max(a, utf8_boundary_before(t_, b - 1));
      if (!js_space(decode_at(t_, p, len))) break;
      b = p;
    }
    if (a == b) return;  // joinDocs: an empty text is no chunk
  }
  Chunk c;
  c.start = a;
  c.end = b;
  c.oversized = length(a, b) > size_;
  c.tokens = npos;
  out_.push_back(std::move(c));
}

void LangChain::merge(const std::vector<Span>& splits) {
  std::size_t first = 0, count = 0;  // currentDoc = splits[first, first + count)
  std::size_t total = 0;
  for (std::size_t i = 0; i < splits.size(); ++i) {
    const std::size_t len = length(splits[i].start, splits[i].end);
    if (total + len > size_ && count > 0) {
      push(splits[first].start, splits[first + count - 1].end, true);
      while (count > 0 && (total > overlap_ || (total + len > size_ && total > 0))) {
        total -= length(splits[first].start, splits[first].end);
        ++first;
        --count;
      }
    }
    if (count == 0) first = i;
    ++count;
    total += len;
  }
  if (count > 0) push(splits[first].start, splits[first + count - 1].end, true);
}

void LangChain::split(std::size_t a, std::size_t b, std::span<const std::string> seps) {
  const std::string_view text = t_.substr(a, b - a);
  const std::string* separator = seps.empty() ? nullptr : &seps.back();
  std::span<const std::string> rest;
  bool recurse = false;
  for (std::size_t i = 0; i < seps.size(); ++i) {
    if (seps[i].empty()) {
      separator = &seps[i];
      break;
    }
    if (text.find(seps[i]) != std::string_view::npos) {
      separator = &seps[i];
      rest = seps.subspan(i + 1);
      recurse = true;
      break;
    }
  }
  std::vector<Span> splits;
  if (separator == nullptr || separator->empty()) {
    std::size_t len = 0;
    for (std::size_t p = a; p < b; p += len) {
      decode_at(t_, p, len);
      splits.push_back({p, p + len});
    }
  } else {
    // text.split(/(?=sep)/): cut before every occurrence (overlapping ones too) but the first
    // character; no empty pieces.
    std::size_t p = a;
    for (std::size_t q = text.find(*separator, 1); q != std::string_view::npos;
         q = text.find(*separator, q + 1)) {
      if (a + q > p) {
        splits.push_back({p, a + q});
        p = a + q;
      }
    }
    if (b > p) splits.push_back({p, b});
  }
  std::vector<Span> good;
  for (const Span& s : splits) {
    if (length(s.start, s.end) < size_) {
      good.push_back(s);
      continue;
    }
    if (!good.empty()) {
      merge(good);
      good.clear();
    }
    if (!recurse) {
      push(s.start, s.end, false);
    } else {
      split(s.start, s.end, rest);
    }
  }
  if (!good.empty()) merge(good);
}

}  // namespace

std::vector<Chunk> run_langchain(std::string_view text, const ChunkOptions& options) {
  std::vector<Chunk> out;
  static const std::vector<std::string> defaults = {"\n\n", "\n", " ", ""};
  const std::vector<std::string>& seps = options.separators.empty() ? defaults : options.separators;
  LangChain(text, options, out).split(0, text.size(), seps);
  return out;
}

}  // namespace strata::chunk::detail
