#include "common/display_width.h"

#include <utf8proc.h>

namespace strata {
namespace {

// The next character of `text` from `at`: its byte length and its columns.
struct Glyph {
  std::size_t bytes = 1;
  std::size_t columns = 1;
};

Glyph next_glyph(std::string_view text, std::size_t at) {
  utf8proc_int32_t cp = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(text.data() + at);
  const utf8proc_ssize_t n = utf8proc_iterate(p, static_cast<utf8proc_ssize_t>(text.size() - at), &cp);
  if (n <= 0) return Glyph{};  // an invalid byte: one column, like the replacement character shown
  const int w = utf8proc_charwidth(cp);
  return Glyph{static_cast<std::size_t>(n), static_cast<std::size_t>(w < 0 ? 0 : w)};
}

}  // namespace

std::size_t display_width(std::string_view text) {
  std::size_t columns = 0;
  for (std::size_t at = 0; at < text.size();) {
    const Glyph g = next_glyph(text, at);
    columns += g.columns;
    at += g.bytes;
  }
  return columns;
}

std::string fit_to_width(std::string_view text, std::size_t columns) {
  if (display_width(text) <= columns) return std::string(text);
  if (columns == 0) return "";
  std::size_t used = 0, at = 0;
  while (at < text.size()) {
    const Glyph g = next_glyph(text, at);
    if (used + g.columns > columns - 1) break;
    used += g.columns;
    at += g.bytes;
  }
  return std::string(text.substr(0, at)) + "\xE2\x80\xA6";  // …
}

}  // namespace strata
