#include "tokenizer/char_class.h"

#include <utf8proc.h>

namespace strata::tokenizer::detail {

namespace {

constexpr std::uint8_t k_lu = k_letter | k_upper;
constexpr std::uint8_t k_ll = k_letter | k_lower;

// \s beyond ASCII as tiktoken's Rust regex engine reads it: the Unicode White_Space property
// (NEL U+0085, the Zs characters, the two line terminators). Not U+FEFF, which JavaScript's \s
// adds: js-tiktoken differs from tiktoken there (o200k "\ufeff\ufeffhello" is 135153 24912 in
// tiktoken, 5574 5574 24912 in js-tiktoken). Listed rather than taken from the category so it
// cannot drift with the Unicode version.
bool is_white_space(std::uint32_t cp) {
  return cp == 0x85 || cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
         cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

}  // namespace

CodePoint classify_non_ascii(const unsigned char* p) {
  std::uint32_t cp;
  std::uint8_t len;
  if (p[0] < 0xE0) {
    cp = ((p[0] & 0x1Fu) << 6) | (p[1] & 0x3Fu);
    len = 2;
  } else if (p[0] < 0xF0) {
    cp = ((p[0] & 0x0Fu) << 12) | ((p[1] & 0x3Fu) << 6) | (p[2] & 0x3Fu);
    len = 3;
  } else {
    cp = ((p[0] & 0x07u) << 18) | ((p[1] & 0x3Fu) << 12) | ((p[2] & 0x3Fu) << 6) | (p[3] & 0x3Fu);
    len = 4;
  }
  std::uint8_t cls = 0;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LT: cls = k_lu; break;
    case UTF8PROC_CATEGORY_LL: cls = k_ll; break;
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: cls = k_letter | k_upper | k_lower; break;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: cls = k_upper | k_lower; break;  // marks are not \p{L}
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: cls = k_number; break;
    default: cls = is_white_space(cp) ? k_space : 0; break;
  }
  return {cls, len};
}

}  // namespace strata::tokenizer::detail
