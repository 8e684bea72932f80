#pragma once
// A credential read from the environment: checked before it goes into a header, and kept out of
// what a server says back.
#include <cstddef>
#include <string>
#include <string_view>

namespace strata::net {

// Throws Error(usage) naming `variable` when `key` holds a control character: a CR or LF would end
// the Authorization header line and start headers of the value's choosing. Never repeats the key.
void require_header_safe_key(std::string_view variable, std::string_view key);

// How long a piece of a key must be to count as the key: shorter runs are common in prose.
inline constexpr std::size_t kKeyFragment = 8;

// `text` with every echo of `key` replaced by "[redacted]": the whole key, or any run of
// kKeyFragment or more of its characters in order, also when whitespace or line breaks were put
// between them (a server echoing the key without its "sk-" prefix, or wrapped across lines).
// A key shorter than kKeyFragment is matched whole only. Linear in the text.
std::string redact_key_fragments(std::string_view text, std::string_view key);

}  // namespace strata::net
