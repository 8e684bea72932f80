#pragma once
// `--lossy`: invalid UTF-8 made chunkable. Every maximal ill-formed subpart (the Unicode
// "substitution of maximal subparts" practice, as Python's errors="replace" and the WHATWG
// decoder do) becomes one U+FFFD; an offset map takes positions in the repaired text back to
// the original bytes, so chunk offsets still index the input the user gave.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace strata::chunk {

class LossyText {
 public:
  // Repairs `input`. Memory: the repaired text (input size plus 2 bytes per replaced byte at
  // most) and one 24-byte record per run of equally long replacements.
  explicit LossyText(std::string_view input);

  // The repaired text: valid UTF-8.
  const std::string& text() const { return text_; }

  // The original byte offset of `offset` in text(). REQUIRES: `offset` is not inside a
  // replacement character (any code point boundary of text() qualifies); offsets 0 and
  // text().size() map to 0 and the input's size.
  std::size_t to_original(std::size_t offset) const;

  // How many U+FFFD were inserted.
  std::size_t replacements() const { return replacements_; }

 private:
  // `count` consecutive replacements, each of `length` original bytes, the first at `repaired`
  // in text() and at `original` in the input.
  struct Run {
    std::uint64_t repaired;
    std::uint64_t original;
    std::uint32_t count;
    std::uint32_t length;
  };
  std::string text_;
  std::vector<Run> runs_;
  std::size_t replacements_ = 0;
};

}  // namespace strata::chunk
