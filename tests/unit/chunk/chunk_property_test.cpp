// Property tests: every guarantee of chunk_text (chunker.h), for every strategy and unit, on
// random inputs built from troublesome pieces and on real text, over many sizes and overlaps.
#include <iostream>
#include <random>

#include "chunk_check.h"

namespace strata::chunk::testing {
namespace {

const std::vector<std::string>& fragments() {
  static const std::vector<std::string> f = {
      "word", "the", "strata", "chunking", "a", "I", " ", " ", " ", "  ", "\t", "\n", "\n", "\n\n",
      "\n\n\n", "\r\n", "\r\n\r\n", " \n", "\n  ", ".", ". ", "! ", "? ", "?! ", "...", "… ",
      "e.g. ", "i.e. ", "Dr. ", "Mr. ", "etc. ", "3.14", "U.S. ", "\"Quoted.\" ", "(see below.) ",
      "é", "e\xCC\x81",                                       // e + combining acute
      "a\xCC\x80\xCC\x81\xCC\x82\xCC\x83",                    // a + four combining marks
      " \xCC\x81",                                            // a space carrying a mark
      "日本語", "。", "Привет", "ß", "Ω",                      // multi-byte
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7",  // family ZWJ
      "\xF0\x9F\x87\xAB\xF0\x9F\x87\xB7",                     // flag FR
      "\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD",                     // thumbs up + skin tone
      "\xD8\x80" "1",                                         // Arabic number sign (Prepend) + 1
      "# Title\n", "## Sub ##\n", "```\ncode  block\n\n  indented\n```\n", "~~~\nx\n~~~\n",
      "- item\n", "1. first\n", "| a | b |\n|---|---|\n| 1 | 2 |\n", "Setext\n===\n",
      "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",     // a long run without separators
      "<|endoftext|>", "  indented line\n", "can't", "1234567"};
  return f;
}

std::string random_text(std::mt19937& rng, std::size_t pieces) {
  const auto& f = fragments();
  std::uniform_int_distribution<std::size_t> pick(0, f.size() - 1);
  std::string s;
  for (std::size_t i = 0; i < pieces; ++i) s += f[pick(rng)];
  return s;
}

const Strategy kAll[] = {Strategy::fixed,    Strategy::recursive, Strategy::paragraph,
                         Strategy::sentence, Strategy::markdown,  Strategy::token};

bool tiles_exactly(Strategy s) { return s == Strategy::fixed || s == Strategy::token; }

void check_all(std::string_view input, const ChunkOptions& o) {
  const auto chunks = chunk_text(input, o);
  check_guarantees(input, o, chunks, tiles_exactly(o.strategy));
  check_no_small_chunks(input, o, chunks);
  const auto again = chunk_text(input, o);  // deterministic
  ASSERT_EQ(again.size(), chunks.size());
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    ASSERT_EQ(again[i].start, chunks[i].start);
    ASSERT_EQ(again[i].end, chunks[i].end);
  }
}

TEST(ChunkProperty, RandomInputsCharsAndBytes) {
  std::mt19937 rng(20240601);
  for (int round = 0; round < 60; ++round) {
    const std::string input = random_text(rng, 5 + static_cast<std::size_t>(round) * 3);
    for (Strategy s : kAll) {
      if (s == Strategy::token) continue;
      for (Unit u : {Unit::chars, Unit::bytes}) {
        std::uniform_int_distribution<std::size_t> size_d(1, 80);
        const std::size_t size = size_d(rng);
        std::uniform_int_distribution<std::size_t> ov_d(0, size - 1);
        const std::size_t overlap = round % 2 == 0 ? 0 : ov_d(rng);
        ChunkOptions o = options(s, size, overlap, u);
        o.count_tokens = round % 5 == 0;
        std::uniform_int_distribution<std::size_t> min_d(0, size - 1);
        if (round % 3 == 1) o.min_size = min_d(rng);
        SCOPED_TRACE(input);
        check_all(input, o);
        if (HasFatalFailure()) return;
      }
    }
  }
}

TEST(ChunkProperty, RandomInputsTokens) {
  std::mt19937 rng(7);
  for (int round = 0; round < 25; ++round) {
    const std::string input = random_text(rng, 10 + static_cast<std::size_t>(round) * 4);
    for (Strategy s : kAll) {
      std::uniform_int_distribution<std::size_t> size_d(1, 40);
      const std::size_t size = size_d(rng);
      std::uniform_int_distribution<std::size_t> ov_d(0, size - 1);
      ChunkOptions o = options(s, size, round % 2 == 0 ? 0 : ov_d(rng), Unit::tokens);
      o.encoding = round % 3 == 0 ? tokenizer::Encoding::o200k_base
                                  : tokenizer::Encoding::cl100k_base;
      if (round % 4 == 1) o.min_size = size / 3;
      SCOPED_TRACE(input);
      check_all(input, o);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(ChunkProperty, LongRunsWithoutSeparators) {
  std::string run;
  for (int i = 0; i < 300; ++i) run += i % 7 == 0 ? "e\xCC\x81" : (i % 11 == 0 ? "日" : "x");
  for (Strategy s : kAll) {
    for (std::size_t size : {1u, 2u, 3u, 7u, 50u}) {
      for (std::size_t overlap : {0u, 1u}) {
        if (overlap >= size) continue;
        for (Unit u : {Unit::chars, Unit::bytes}) {
          ChunkOptions o = options(s, size, overlap, u);
          o.count_tokens = false;
          check_all(run, o);
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

TEST(ChunkProperty, RealText) {
  const std::string npl = npl_text(120);
  ASSERT_FALSE(npl.empty()) << "tests/data/npl/docs-120.jsonl is missing or unreadable";
  const std::string readme = slurp(repo_root() / "README.md");
  const std::string arch = slurp(repo_root() / "ARCHITECTURE.md");
  const std::vector<std::string> inputs = {npl, readme, arch};
  for (const std::string& input : inputs) {
    if (input.empty()) continue;
    for (Strategy s : kAll) {
      for (auto [size, overlap] : {std::pair<std::size_t, std::size_t>{300, 0}, {200, 50},
                                   {1000, 200}, {64, 63}}) {
        for (Unit u : {Unit::chars, Unit::bytes, Unit::tokens}) {
          if (u == Unit::tokens && (size > 300 || s == Strategy::fixed)) continue;
          ChunkOptions o = options(s, u == Unit::tokens ? size / 4 : size,
                                   u == Unit::tokens ? overlap / 4 : overlap, u);
          o.count_tokens = u == Unit::tokens;
          check_all(input, o);
          if (HasFatalFailure()) return;
          o.min_size = o.size / 5;
          check_all(input, o);
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

}  // namespace
}  // namespace strata::chunk::testing
