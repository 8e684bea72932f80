#pragma once
// Shared by the chunk tests: an independent check of every guarantee chunk_text makes, and
// small helpers. The reference computations here are deliberately naive (no fast paths).
#include <gtest/gtest.h>
#include <utf8proc.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "chunk/chunker.h"
#include "tokenizer/tokenizer.h"

namespace strata::chunk::testing {

inline std::string_view text_of(std::string_view input, const Chunk& c) {
  return input.substr(c.start, c.end - c.start);
}

inline std::vector<std::string> texts(std::string_view input, const std::vector<Chunk>& chunks) {
  std::vector<std::string> out;
  for (const auto& c : chunks) out.emplace_back(text_of(input, c));
  return out;
}

inline ChunkOptions options(Strategy s, std::size_t size, std::size_t overlap = 0,
                            Unit unit = Unit::chars) {
  ChunkOptions o;
  o.strategy = s;
  o.size = size;
  o.overlap = overlap;
  o.unit = unit;
  return o;
}

// Code-point starts, decoded one by one.
inline std::vector<std::pair<std::size_t, utf8proc_int32_t>> code_points(std::string_view s) {
  std::vector<std::pair<std::size_t, utf8proc_int32_t>> out;
  std::size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = 0;
    const auto n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                    static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) throw std::runtime_error("invalid UTF-8 in a test input");
    out.emplace_back(i, cp);
    i += static_cast<std::size_t>(n);
  }
  return out;
}

// Every extended grapheme cluster start, plus the end: utf8proc on every pair, no shortcuts.
inline std::set<std::size_t> grapheme_boundaries(std::string_view s) {
  std::set<std::size_t> out{0, s.size()};
  const auto cps = code_points(s);
  utf8proc_int32_t state = 0;
  for (std::size_t k = 1; k < cps.size(); ++k) {
    if (utf8proc_grapheme_break_stateful(cps[k - 1].second, cps[k].second, &state)) {
      out.insert(cps[k].first);
    }
  }
  return out;
}

inline std::size_t naive_code_points(std::string_view s) { return code_points(s).size(); }

inline std::size_t measure(std::string_view s, const ChunkOptions& o) {
  const Unit u = o.strategy == Strategy::token ? Unit::tokens : o.unit;
  switch (u) {
    case Unit::bytes:
      return s.size();
    case Unit::chars:
      return naive_code_points(s);
    case Unit::tokens:
      return tokenizer::Tokenizer::get(o.encoding).count(s);
  }
  return s.size();
}

inline bool all_space(std::string_view s) {
  for (char c : s) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r' && c != '\f' && c != '\v') return false;
  }
  return true;
}

// Asserts every documented guarantee of `chunks` = chunk_text(input, o). `exact_tiling`: the
// strategy leaves no gaps at all (fixed, token).
inline void check_guarantees(std::string_view input, const ChunkOptions& o,
                             const std::vector<Chunk>& chunks, bool exact_tiling) {
  const auto bounds = grapheme_boundaries(input);
  // Code points and line feeds before each byte, counted one by one.
  std::vector<std::size_t> cps_before(input.size() + 1, 0), lines_before(input.size() + 1, 0);
  {
    std::size_t n = 0;
    std::size_t next_cp = 0;
    const auto cps = code_points(input);
    for (std::size_t i = 0; i <= input.size(); ++i) {
      if (next_cp < cps.size() && cps[next_cp].first == i) {
        cps_before[i] = n++;
        ++next_cp;
      } else {
        cps_before[i] = i == input.size() ? n : static_cast<std::size_t>(-1);
      }
      lines_before[i] = i == 0 ? 0 : lines_before[i - 1] + (input[i - 1] == '\n' ? 1 : 0);
    }
  }
  const auto size_of = [&](std::size_t a, std::size_t b) {
    if (o.unit == Unit::chars && o.strategy != Strategy::token) return cps_before[b] - cps_before[a];
    return measure(input.substr(a, b - a), o);
  };
  const auto where = [&](std::size_t k) {
    std::ostringstream s;
    s << "chunk " << k << " of " << chunks.size() << " strategy " << name_of(o.strategy)
      << " unit " << name_of(o.unit) << " size " << o.size << " overlap " << o.overlap;
    return s.str();
  };
  std::size_t prev_end = 0;
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    const Chunk& c = chunks[k];
    SCOPED_TRACE(where(k));
    ASSERT_EQ(c.index, k);
    ASSERT_LT(c.start, c.end);
    ASSERT_LE(c.end, input.size());
    const std::string_view t = text_of(input, c);
    // Grapheme boundaries at both ends (so never inside a code point either).
    ASSERT_TRUE(bounds.count(c.start)) << "start " << c.start << " inside a grapheme";
    ASSERT_TRUE(bounds.count(c.end)) << "end " << c.end << " inside a grapheme";
    // Offsets in code points and lines.
    EXPECT_EQ(c.char_start, cps_before[c.start]);
    EXPECT_EQ(c.char_end, cps_before[c.end]);
    EXPECT_EQ(c.line_start, 1 + lines_before[c.start]);
    EXPECT_EQ(c.line_end, 1 + lines_before[c.end - 1]);
    // Size: only a single grapheme may exceed it, and then it says so.
    const std::size_t m = size_of(c.start, c.end);
    if (c.oversized) {
      EXPECT_GT(m, o.size);
      const auto next = bounds.upper_bound(c.start);
      EXPECT_EQ(*next, c.end) << "an oversized chunk must be a single grapheme";
    } else {
      // The size is a maximum: joins and moved boundaries (min_size) keep to it too.
      EXPECT_LE(m, o.size) << "chunk text: [" << t << "]";
    }
    if (o.count_tokens) {
      EXPECT_EQ(c.tokens, tokenizer::Tokenizer::get(o.encoding).count(t));
    }
    // Order, overlap and nothing lost.
    if (k > 0) {
      const Chunk& p = chunks[k - 1];
      ASSERT_GT(c.start, p.start);
      ASSERT_GT(c.end, p.end);
      if (o.overlap == 0) {
        ASSERT_GE(c.start, p.end) << "overlap without --overlap";
      }
      if (c.start < p.end) {
        EXPECT_LE(size_of(c.start, p.end), o.overlap);
      }
    }
    const std::size_t gap_from = k == 0 ? 0 : std::min(prev_end, c.start);
    const std::string_view gap = input.substr(gap_from, c.start - gap_from);
    if (exact_tiling) {
      EXPECT_TRUE(gap.empty()) << "gap [" << gap << "]";
    } else {
      EXPECT_TRUE(all_space(gap)) << "lost text [" << gap << "]";
    }
    prev_end = std::max(prev_end, c.end);
  }
  const std::string_view tail = input.substr(std::min(prev_end, input.size()));
  if (exact_tiling) {
    EXPECT_TRUE(tail.empty());
  } else {
    EXPECT_TRUE(all_space(tail)) << "lost tail [" << tail << "]";
  }
  if (chunks.empty()) {
    EXPECT_TRUE(all_space(input));
  }
}

// ChunkOptions::min_size: in a result of more than one chunk, a chunk below the minimum is one
// that could join neither neighbour (the join would measure more than the size, or a neighbour
// is an oversized grapheme). Measured in chars or bytes, where a longer span never measures less.
inline void check_no_small_chunks(std::string_view input, const ChunkOptions& o, const std::vector<Chunk>& chunks) {
  if (o.min_size == 0 || chunks.size() < 2 || o.unit == Unit::tokens || o.strategy == Strategy::token) return;
  const auto joinable = [&](const Chunk& a, const Chunk& b) {
    return !a.oversized && !b.oversized && measure(input.substr(a.start, b.end - a.start), o) <= o.size;
  };
  for (std::size_t k = 0; k < chunks.size(); ++k) {
    const Chunk& c = chunks[k];
    if (measure(text_of(input, c), o) >= o.min_size) continue;
    SCOPED_TRACE("small chunk " + std::to_string(k) + " [" + std::string(text_of(input, c)) + "]");
    if (k > 0) {
      EXPECT_FALSE(joinable(chunks[k - 1], c));
    }
    if (k + 1 < chunks.size()) {
      EXPECT_FALSE(joinable(c, chunks[k + 1]));
    }
  }
}

// Real text for property tests: the first 120 abstracts of the NPL collection
// (tests/data/npl/docs-120.jsonl, SOURCE.md there) and the repository's own Markdown.
inline std::filesystem::path repo_root() { return STRATA_SOURCE_DIR; }

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The "text" fields of the first `max_docs` lines of the NPL sample, joined by blank lines.
inline std::string npl_text(std::size_t max_docs) {
  std::ifstream in(repo_root() / "tests/data/npl/docs-120.jsonl");
  std::string line, out;
  std::size_t n = 0;
  while (n < max_docs && std::getline(in, line)) {
    const auto k = line.find("\"text\": \"");
    if (k == std::string::npos) continue;
    const auto e = line.rfind('"');
    if (e <= k + 9) continue;
    out += line.substr(k + 9, e - k - 9);
    out += (n % 3 == 2) ? "\n\n" : ". ";
    ++n;
  }
  return out;
}

}  // namespace strata::chunk::testing
