#include "ingest/text_decoding.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>

#include "common/text.h"
#include "common/utf8.h"

namespace strata::ingest {
namespace {

constexpr char32_t kReplacement = 0xFFFD;

constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
constexpr std::string_view kUtf16LeBom = "\xFF\xFE";
constexpr std::string_view kUtf16BeBom = "\xFE\xFF";

// WHATWG windows-1252 for 0x80-0x9F. The five holes keep their own value (C1 controls), as the
// WHATWG index does, so that decoding never loses a byte.
constexpr std::array<char16_t, 32> kWindows1252High = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,  // 80-87
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,  // 88-8F
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,  // 90-97
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,  // 98-9F
};

char16_t utf16_unit(std::string_view bytes, std::size_t i, ByteOrder order) {
  const auto first = static_cast<unsigned char>(bytes[i]);
  const auto second = static_cast<unsigned char>(bytes[i + 1]);
  const unsigned unit = order == ByteOrder::little_endian ? (second << 8U) | first
                                                          : (first << 8U) | second;
  return static_cast<char16_t>(unit);
}

bool is_high_surrogate(char16_t u) { return u >= 0xD800 && u <= 0xDBFF; }
bool is_low_surrogate(char16_t u) { return u >= 0xDC00 && u <= 0xDFFF; }

}  // namespace

std::string utf16_to_utf8(std::string_view bytes, ByteOrder order) {
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 2);  // ASCII halves, CJK grows by half
  std::size_t i = 0;
  while (i + 2 <= bytes.size()) {
    const char16_t unit = utf16_unit(bytes, i, order);
    i += 2;
    if (is_high_surrogate(unit) && i + 2 <= bytes.size() &&
        is_low_surrogate(utf16_unit(bytes, i, order))) {
      const char16_t low = utf16_unit(bytes, i, order);
      i += 2;
      append_utf8(out, 0x10000 + ((static_cast<char32_t>(unit) - 0xD800) << 10U) +
                           (static_cast<char32_t>(low) - 0xDC00));
    } else if (is_high_surrogate(unit) || is_low_surrogate(unit)) {
      append_utf8(out, kReplacement);
    } else {
      append_utf8(out, unit);
    }
  }
  if (i < bytes.size()) append_utf8(out, kReplacement);  // half a code unit at the end
  return out;
}

namespace {

// The UTF-8 bytes of each high byte (0x80-0xFF), computed once: the loop then only copies.
struct Utf8Encoding {
  std::array<char, 3> bytes{};
  std::size_t size = 0;
};

std::array<Utf8Encoding, 128> make_windows1252_utf8_table() {
  std::array<Utf8Encoding, 128> table{};
  for (std::size_t b = 0x80; b <= 0xFF; ++b) {
    std::string utf8;
    append_utf8(utf8, b < 0xA0 ? kWindows1252High[b - 0x80] : static_cast<char32_t>(b));
    Utf8Encoding& e = table[b - 0x80];
    e.size = utf8.size();
    std::copy(utf8.begin(), utf8.end(), e.bytes.begin());
  }
  return table;
}

}  // namespace

std::string windows1252_to_utf8(std::string_view bytes) {
  static const std::array<Utf8Encoding, 128> table = make_windows1252_utf8_table();
  const auto encoding_of = [](char c) -> const Utf8Encoding& {
    return table[static_cast<unsigned char>(c) - 0x80U];
  };
  // Two passes, sizing then writing in place: several times faster than appending per byte.
  std::size_t size = 0;
  for (const char c : bytes) size += static_cast<unsigned char>(c) < 0x80 ? 1 : encoding_of(c).size;
  std::string out(size, '\0');
  char* o = out.data();
  for (const char c : bytes) {
    if (static_cast<unsigned char>(c) < 0x80) {
      *o++ = c;
    } else {
      const Utf8Encoding& e = encoding_of(c);
      o = std::copy_n(e.bytes.data(), e.size, o);
    }
  }
  return out;
}

DecodedText decode_text(std::string_view bytes) {
  if (bytes.starts_with(kUtf16LeBom)) {
    return {utf16_to_utf8(bytes.substr(2), ByteOrder::little_endian), "utf-16le", 0};
  }
  if (bytes.starts_with(kUtf16BeBom)) {
    return {utf16_to_utf8(bytes.substr(2), ByteOrder::big_endian), "utf-16be", 0};
  }
  if (bytes.starts_with(kUtf8Bom)) bytes.remove_prefix(kUtf8Bom.size());
  // The hot path: one validation pass, then the one copy into the result.
  const std::optional<std::size_t> first_bad = find_invalid_utf8(bytes);
  if (!first_bad) return {std::string(bytes), "utf-8", 0};
  // UTF-8 with a few stray bytes (a Latin-1 "é" pasted into a UTF-8 file) keeps its characters:
  // only the bytes that are not UTF-8 are read as Windows-1252. A file with more such bytes than
  // UTF-8 characters is a Windows-1252 file.
  std::size_t characters = 0, stray = 0;
  std::string_view rest = bytes;
  for (std::optional<std::size_t> bad = first_bad; bad; bad = find_invalid_utf8(rest)) {
    characters += static_cast<std::size_t>(std::count_if(rest.begin(), rest.begin() + static_cast<std::ptrdiff_t>(*bad),
                                                         [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0xC0; }));
    ++stray;
    rest.remove_prefix(*bad + 1);
  }
  characters += static_cast<std::size_t>(
      std::count_if(rest.begin(), rest.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0xC0; }));
  if (characters == 0 || stray > characters) return {windows1252_to_utf8(bytes), "windows-1252", 0};
  std::string out;
  out.reserve(bytes.size() + stray * 2);
  rest = bytes;
  for (std::optional<std::size_t> bad = first_bad; bad; bad = find_invalid_utf8(rest)) {
    out.append(rest.substr(0, *bad));
    out += windows1252_to_utf8(rest.substr(*bad, 1));
    rest.remove_prefix(*bad + 1);
  }
  out.append(rest);
  return {std::move(out), "utf-8", stray};
}

}  // namespace strata::ingest
