#include "llm/utf8.h"

#include "common/text.h"

namespace strata::llm::detail {

Utf8Step utf8_step(const unsigned char* s, std::size_t n) {
  const unsigned char c = s[0];
  if (c < 0x80) return {Utf8Status::ok, 1, c};
  // Unicode Table 3-7: the lead byte fixes the length and the range of the second byte.
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
    if (k >= n) return {Utf8Status::incomplete, n, 0};
    const unsigned char b = s[k];
    const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
    if (b < min || b > max) return {Utf8Status::invalid, k, 0};
    cp = (cp << 6) | (b & 0x3Fu);
  }
  return {Utf8Status::ok, length, cp};
}

void append_utf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string replace_invalid_utf8(std::string_view text) {
  if (!find_invalid_utf8(text)) return std::string(text);
  std::string out;
  out.reserve(text.size() + 8);
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  std::size_t i = 0;
  while (i < text.size()) {
    const Utf8Step step = utf8_step(s + i, text.size() - i);
    if (step.status == Utf8Status::ok) {
      out.append(text.substr(i, step.length));
    } else {
      out += kReplacement;  // invalid, or a sequence cut by the end of the text
    }
    i += step.length;
  }
  return out;
}

}  // namespace strata::llm::detail
