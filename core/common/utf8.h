#pragma once
// UTF-8 in one place: the one decoder (a character at a time, well-formed as Unicode's Table 3-7
// and the WHATWG decoder define it), validation and repair of whole texts built on it, the
// encoder, and the character-boundary rule.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace strata {

inline constexpr std::string_view k_utf8_replacement = "\xEF\xBF\xBD";  // U+FFFD

// Whether byte `c` continues a character (10xxxxxx) rather than starting one.
constexpr bool is_utf8_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// The start of the character that byte offset `n` falls in: `n` itself when a character starts
// there, else the nearest character start before it (0 at the latest, even when the text opens
// with stray continuation bytes). `n` at or past the end gives `text.size()`. A cut at the result
// never splits a character of valid text.
constexpr std::size_t utf8_boundary_before(std::string_view text, std::size_t n) {
  if (n >= text.size()) return text.size();
  while (n > 0 && is_utf8_continuation(static_cast<unsigned char>(text[n]))) --n;
  return n;
}

enum class Utf8Status {
  ok,          // a well-formed sequence of `length` bytes encoding `code_point`
  invalid,     // `length` (>= 1) bytes form one maximal ill-formed subpart (one U+FFFD's worth)
  incomplete,  // all the bytes given (`length`) are a proper prefix of a well-formed sequence:
               // cut by the end of the text, or by the end of a piece of a stream
};

struct Utf8Step {
  Utf8Status status = Utf8Status::invalid;
  std::size_t length = 1;
  char32_t code_point = 0;  // set when status is ok
};

// Decodes the character at the start of `text`. REQUIRES: !text.empty(). Rejects what Unicode
// calls ill-formed: overlongs (C0, C1, E0 80-9F, F0 80-8F), surrogates (ED A0-BF), code points
// above U+10FFFF (F4 90-BF, F5-FF), stray continuation bytes. It reads no further than the
// sequence's own length, so it is safe on a pointer known to hold one character.
// Inline: the chunker, the built-in embedder and find_invalid_utf8 call it per character.
constexpr Utf8Step utf8_decode(std::string_view text) {
  const auto c = static_cast<unsigned char>(text[0]);
  if (c < 0x80) return {Utf8Status::ok, 1, c};
  // Table 3-7: the lead byte fixes the length and the range of the second byte.
  std::size_t length = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  char32_t cp = 0;
  if (c >= 0xC2 && c <= 0xDF) {
    length = 2;
    cp = c & 0x1Fu;
  } else if (c >= 0xE0 && c <= 0xEF) {
    length = 3;
    cp = c & 0x0Fu;
    if (c == 0xE0) lo = 0xA0;  // no overlongs
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    length = 4;
    cp = c & 0x07u;
    if (c == 0xF0) lo = 0x90;  // no overlongs
    if (c == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
  } else {
    return {Utf8Status::invalid, 1, 0};
  }
  for (std::size_t k = 1; k < length; ++k) {
    if (k >= text.size()) return {Utf8Status::incomplete, text.size(), 0};
    const auto b = static_cast<unsigned char>(text[k]);
    const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
    if (b < min || b > max) return {Utf8Status::invalid, k, 0};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return {Utf8Status::ok, length, cp};
}

// Byte offset of the first invalid UTF-8 sequence, or nullopt when `text` is valid UTF-8
// (overlongs, surrogates and code points above U+10FFFF are invalid; so is a sequence cut by the
// end of the text).
std::optional<std::size_t> find_invalid_utf8(std::string_view text);

// The first `code_points` characters of UTF-8 `text` (all of it when it has fewer), cut on a
// character boundary; counts as SQLite's substr() does on valid UTF-8.
std::string_view utf8_prefix(std::string_view text, std::size_t code_points);

// Appends `code_point` as UTF-8. REQUIRES: <= U+10FFFF and not a surrogate.
void append_utf8(std::string& out, char32_t code_point);

// How replace_invalid_utf8 counts what it replaces. Each is some caller's contract (the text it
// stored or showed before), so they stay distinct rather than converge.
enum class Utf8Repair {
  // One U+FFFD per maximal ill-formed subpart (Unicode 3.9, the WHATWG decoder, what browsers
  // show); a sequence cut by the end is one. For streams and server text (llm/).
  per_subpart,
  // One U+FFFD per invalid byte together with the continuation bytes that follow it: a broken
  // character, however long, is one mark. For loaders' text (PDF, HTML, office, converters).
  per_sequence,
  // One U+FFFD per byte that does not start a well-formed character (its continuation bytes
  // are then each one too). For search queries.
  per_byte,
};

// `text` with its invalid UTF-8 replaced by U+FFFD as `how` says; valid text is returned
// unchanged.
std::string replace_invalid_utf8(std::string_view text, Utf8Repair how);

}  // namespace strata
