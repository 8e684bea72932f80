// Target: one chunking strategy (FUZZ_CHUNK_STRATEGY, set per target by CMake). The first bytes
// pick the unit, size and overlap; the rest, with invalid UTF-8 dropped (chunk_text REQUIRES
// UTF-8), is chunked. Every guarantee of chunker.h is checked independently of the chunker,
// as tests/unit/chunk_check.h does: exact byte offsets (and code-point and line offsets), no
// chunk above the size unless it is one `oversized` grapheme, both ends of every chunk on an
// extended grapheme cluster boundary (utf8proc, pair by pair), increasing chunks whose overlap
// stays within `overlap`, only whitespace between chunks (none at all for fixed and token),
// token counts, and determinism.
#include <utf8proc.h>

#include <algorithm>
#include <set>
#include <utility>
#include <vector>

#include "chunk/chunker.h"
#include "fuzz_util.h"
#include "tokenizer/tokenizer.h"

namespace {

using namespace strata;
using namespace strata::chunk;

std::vector<std::pair<std::size_t, utf8proc_int32_t>> code_points(std::string_view s) {
  std::vector<std::pair<std::size_t, utf8proc_int32_t>> out;
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                    static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    FUZZ_CHECK(n > 0, "invalid UTF-8 left in the input");
    out.emplace_back(i, cp);
    i += static_cast<std::size_t>(n);
  }
  return out;
}

bool all_space(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
  });
}

void check(std::string_view input, const ChunkOptions& o, const std::vector<Chunk>& chunks) {
  const bool exact_tiling = o.strategy == Strategy::fixed || o.strategy == Strategy::token;
  const auto cps = code_points(input);
  std::set<std::size_t> bounds{0, input.size()};
  utf8proc_int32_t state = 0;
  for (std::size_t k = 1; k < cps.size(); ++k) {
    if (utf8proc_grapheme_break_stateful(cps[k - 1].second, cps[k].second, &state)) {
      bounds.insert(cps[k].first);
    }
  }
  constexpr std::size_t kNone = static_cast<std::size_t>(-1);
  std::vector<std::size_t> cps_before(input.size() + 1, kNone), lines_before(input.size() + 1, 0);
  for (std::size_t k = 0; k < cps.size(); ++k) cps_before[cps[k].first] = k;
  cps_before[input.size()] = cps.size();
  for (std::size_t i = 1; i <= input.size(); ++i) {
    lines_before[i] = lines_before[i - 1] + (input[i - 1] == '\n' ? 1 : 0);
  }
  const auto& tok = tokenizer::Tokenizer::get(o.encoding);
  const Unit unit = o.strategy == Strategy::token ? Unit::tokens : o.unit;
  const auto size_of = [&](std::size_t a, std::size_t b) -> std::size_t {
    switch (unit) {
      case Unit::bytes: return b - a;
      case Unit::chars: return cps_before[b] - cps_before[a];
      case Unit::tokens: return tok.count(input.substr(a, b - a));
    }
    return b - a;
  };
  std::size_t prev_end = 0;
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    const Chunk& c = chunks[k];
    const std::string where = "chunk " + std::to_string(k) + " [" + std::to_string(c.start) + "," +
                              std::to_string(c.end) + ")";
    FUZZ_CHECK(c.index == k, where);
    FUZZ_CHECK(c.start < c.end && c.end <= input.size(), where + ": bad range");
    FUZZ_CHECK(bounds.count(c.start) && bounds.count(c.end), where + ": inside a grapheme");
    FUZZ_CHECK(c.char_start == cps_before[c.start] && c.char_end == cps_before[c.end], where + ": char offsets");
    FUZZ_CHECK(c.line_start == 1 + lines_before[c.start] && c.line_end == 1 + lines_before[c.end - 1],
               where + ": line numbers");
    const std::size_t m = size_of(c.start, c.end);
    if (c.oversized) {
      FUZZ_CHECK(m > o.size, where + ": oversized but fits");
      FUZZ_CHECK(*bounds.upper_bound(c.start) == c.end, where + ": oversized but not one grapheme");
    } else {
      FUZZ_CHECK(m <= o.size, where + ": above the hard maximum (" + std::to_string(m) + ")");
    }
    if (o.count_tokens) {
      FUZZ_CHECK(c.tokens == tok.count(input.substr(c.start, c.end - c.start)), where + ": token count");
    }
    if (k > 0) {
      const Chunk& p = chunks[k - 1];
      FUZZ_CHECK(c.start > p.start && c.end > p.end, where + ": not after the previous chunk");
      if (o.overlap == 0) FUZZ_CHECK(c.start >= p.end, where + ": overlap without --overlap");
      if (c.start < p.end) FUZZ_CHECK(size_of(c.start, p.end) <= o.overlap, where + ": overlap too large");
    }
    const std::size_t gap_from = k == 0 ? 0 : std::min(prev_end, c.start);
    const std::string_view gap = input.substr(gap_from, c.start - gap_from);
    FUZZ_CHECK(exact_tiling ? gap.empty() : all_space(gap), where + ": text lost before it");
    prev_end = std::max(prev_end, c.end);
  }
  const std::string_view tail = input.substr(std::min(prev_end, input.size()));
  FUZZ_CHECK(exact_tiling ? tail.empty() : all_space(tail), "text lost at the end");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::Input in(data, size);
  ChunkOptions o;
  o.strategy = Strategy::FUZZ_CHUNK_STRATEGY;
  const std::uint8_t flags = in.byte();
  o.unit = (flags & 1) ? Unit::bytes : Unit::chars;
  if (flags & 2) o.unit = Unit::tokens;
  o.encoding = (flags & 4) ? tokenizer::Encoding::o200k_base : tokenizer::Encoding::cl100k_base;
  o.count_tokens = (flags & 8) != 0;
  const bool compat = o.strategy == Strategy::recursive && (flags & 16) != 0;
  o.size = in.in_range(1, 600);
  o.overlap = (flags & 32) ? in.in_range(0, o.size - 1) : 0;
  if (o.strategy == Strategy::recursive && (flags & 64)) {
    // Custom separators, taken from the input: up to three, each 1-3 bytes.
    const std::size_t n = in.in_range(1, 3);
    for (std::size_t i = 0; i < n; ++i) {
      std::string sep = fuzz::valid_utf8(in.take(in.in_range(1, 3)));
      if (!sep.empty()) o.separators.push_back(sep);
    }
  }
  const std::string text = fuzz::valid_utf8(in.rest());
  if (compat) {
    // LangChain's texts are trimmed pieces, not a tiling: only the ranges are checked.
    o.compat_langchain = true;
    for (const auto& c : chunk_text(text, o)) {
      FUZZ_CHECK(c.start <= c.end && c.end <= text.size(), "compat chunk out of range");
    }
    return 0;
  }
  const auto chunks = chunk_text(text, o);
  check(text, o, chunks);
  const auto again = chunk_text(text, o);
  FUZZ_CHECK(again.size() == chunks.size(), "not deterministic");
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    FUZZ_CHECK(again[i].start == chunks[i].start && again[i].end == chunks[i].end, "not deterministic");
  }
  return 0;
}
