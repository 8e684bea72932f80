#pragma once
// Passwords inside URLs (`scheme://user:PASSWORD@host/...`, `?password=...`): found, so that a
// file may be refused for holding one, and masked wherever a URL is shown or stored (messages,
// the store's llm_calls.endpoint, `logs`, `strata config`).
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace strata::net {

// The userinfo password's span [begin, end) in `url` (after "user:" and before "@"), if any.
std::optional<std::pair<std::size_t, std::size_t>> url_password_span(std::string_view url);

// True when `url` holds a password: in its userinfo or as a `password=` query parameter.
bool url_has_password(std::string_view url);

// `url` with every password (userinfo, `?password=`/`&password=`) replaced by "***".
std::string redact_url(std::string_view url);

}  // namespace strata::net
