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
// In a postgres:// URL the userinfo may hold '?' and '#' (libpq reads it up to the first '/').
std::optional<std::pair<std::size_t, std::size_t>> url_password_span(std::string_view url);

// Whether a query parameter named `name` (as written in the URL) holds a secret: its name
// percent-decoded and in any case holds "password", "passwd" or "pwd", or is "pass". libpq
// decodes names, so ?pass%77ord= is its password= (and ?sslpassword= another secret).
bool secret_parameter(std::string_view name);

// True when `url` holds a password: in its userinfo or as a secret query parameter
// (secret_parameter) with a value.
bool url_has_password(std::string_view url);

// `url` with every password (userinfo, secret query parameters: each value up to the next '&')
// replaced by "***".
std::string redact_url(std::string_view url);

// Replaces every occurrence of `secret` (when not empty) in `text` with *** (a password a
// server's message or a libpq error may repeat; the database clients share it).
std::string scrub(std::string text, const std::string& secret);

}  // namespace strata::net
