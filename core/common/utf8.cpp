#include "common/utf8.h"

#include <cstdint>
#include <cstring>

namespace strata {

std::optional<std::size_t> find_invalid_utf8(std::string_view text) {
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    // Documents are mostly ASCII: test eight bytes at a time for any high bit.
    while (i + 8 <= n) {
      std::uint64_t word;
      std::memcpy(&word, text.data() + i, sizeof word);
      if ((word & 0x8080808080808080ULL) != 0) break;
      i += 8;
    }
    if (i >= n) break;
    const Utf8Step step = utf8_decode(text.substr(i));
    if (step.status != Utf8Status::ok) return i;
    i += step.length;
  }
  return std::nullopt;
}

std::string_view utf8_prefix(std::string_view text, std::size_t code_points) {
  std::size_t seen = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (is_utf8_continuation(static_cast<unsigned char>(text[i]))) continue;
    if (seen++ == code_points) return text.substr(0, i);
  }
  return text;
}

void append_utf8(std::string& out, char32_t cp) {
  const auto byte = [&out](char32_t b) { out.push_back(static_cast<char>(b)); };
  if (cp < 0x80) {
    byte(cp);
  } else if (cp < 0x800) {
    byte(0xC0 | (cp >> 6));
    byte(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    byte(0xE0 | (cp >> 12));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  } else {
    byte(0xF0 | (cp >> 18));
    byte(0x80 | ((cp >> 12) & 0x3F));
    byte(0x80 | ((cp >> 6) & 0x3F));
    byte(0x80 | (cp & 0x3F));
  }
}

namespace {

// How many bytes from `bad` (an offset find_invalid_utf8 returned) one U+FFFD stands for.
std::size_t replaced_length(std::string_view text, std::size_t bad, Utf8Repair how) {
  switch (how) {
    case Utf8Repair::per_subpart:
      return utf8_decode(text.substr(bad)).length;
    case Utf8Repair::per_sequence: {
      std::size_t end = bad + 1;
      while (end < text.size() && is_utf8_continuation(static_cast<unsigned char>(text[end]))) ++end;
      return end - bad;
    }
    case Utf8Repair::per_byte:
      break;
  }
  return 1;
}

}  // namespace

std::string replace_invalid_utf8(std::string_view text, Utf8Repair how) {
  std::optional<std::size_t> bad = find_invalid_utf8(text);
  if (!bad) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  while (bad) {
    out.append(text.substr(0, *bad));
    out += k_utf8_replacement;
    text.remove_prefix(*bad + replaced_length(text, *bad, how));
    bad = find_invalid_utf8(text);
  }
  out.append(text);
  return out;
}

}  // namespace strata
