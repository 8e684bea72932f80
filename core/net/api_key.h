#pragma once
// Checks a credential read from the environment before it goes into a header.
#include <string_view>

namespace strata::net {

// Throws Error(usage) naming `variable` when `key` holds a control character: a CR or LF would end
// the Authorization header line and start headers of the value's choosing. Never repeats the key.
void require_header_safe_key(std::string_view variable, std::string_view key);

}  // namespace strata::net
