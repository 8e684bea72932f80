#pragma once
// Small text helpers shared across core. UTF-8 (find_invalid_utf8, utf8_prefix, the decoder) is
// common/utf8.h's, included here for the many callers that use both.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/utf8.h"

namespace strata {

// Byte offset of the first control character (C0 other than tab, or DEL), or nullopt. An HTTP
// header value must have none: a CR or LF in an API key would end the header line and start
// another header of the key's choosing.
std::optional<std::size_t> find_control_character(std::string_view text);

// `text` with each control character (C0, tab and newline included, and DEL) written as an
// escape: \n, \t, \r, else \xHH. For names a repository chose (a file name, a history row)
// written where a line break would start a line of their choosing: a SQL comment in a dump, a
// one-line error.
std::string escape_control_characters(std::string_view text);

// 1-based line and column (in bytes) of byte `offset` in `text`.
struct TextPosition {
  std::size_t line = 1;
  std::size_t column = 1;
};
TextPosition position_of(std::string_view text, std::size_t offset);

// Strips a leading UTF-8 byte order mark and turns CRLF (and lone CR) into LF, so that the same
// migration saved by another editor or checked out on Windows hashes the same.
std::string normalise_line_endings(std::string_view text);

// Removes every ASCII whitespace byte; two texts that differ only in whitespace map to the same.
std::string strip_whitespace(std::string_view text);

std::string_view trim(std::string_view text);
std::string to_lower(std::string_view text);
std::string to_upper(std::string_view text);  // ASCII letters only, as to_lower

// `text` with each %XX (two hex digits) replaced by its byte, as URLs spell them; a '%' not
// followed by two hex digits stays as it is.
std::string percent_decode(std::string_view text);
// The value of one hex digit (0-9, a-f, A-F), or -1.
int hex_digit(char c);
// 0-9 only, whatever the locale (std::isdigit also takes an int that must be an unsigned char).
inline bool is_ascii_digit(char c) { return c >= '0' && c <= '9'; }
std::vector<std::string> split(std::string_view text, char sep);

// SQL string literal with single quotes doubled; identifiers quoted with double quotes.
std::string sql_quote(std::string_view text);
std::string sql_identifier(std::string_view name);

// FNV-1a of `text`: the same in every process and build (lock names, keys derived from names).
std::uint64_t stable_hash(std::string_view text);

}  // namespace strata
