#include "net/url_secrets.h"

#include <algorithm>
#include <vector>

#include "common/text.h"

namespace strata::net {

namespace {

// libpq reads a postgres:// URL's userinfo up to the first '/' after the scheme: a '?' or '#'
// before the '@' is part of the password (postgres://u:pa?ss@host/db), where an http:// URL's
// authority ends at either.
bool libpq_url(std::string_view url) {
  const std::string scheme = to_lower(url.substr(0, url.find("://")));
  return scheme == "postgres" || scheme == "postgresql";
}

}  // namespace

std::optional<std::pair<std::size_t, std::size_t>> url_password_span(std::string_view url) {
  const std::size_t start = url.find("://");
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t auth = start + 3;
  // The authority ends at the first '/', '?' or '#' (for libpq at the first '/'); its last '@'
  // ends the userinfo.
  const std::size_t auth_end = std::min(url.size(), url.find_first_of(libpq_url(url) ? "/" : "/?#", auth));
  const std::size_t at = url.substr(0, auth_end).rfind('@');
  if (at == std::string_view::npos || at < auth) return std::nullopt;
  const std::size_t colon = url.find(':', auth);
  if (colon == std::string_view::npos || colon > at) return std::nullopt;
  return std::make_pair(colon + 1, at);
}

bool secret_parameter(std::string_view name) {
  const std::string decoded = to_lower(percent_decode(name));
  for (const char* word : {"password", "passwd", "pwd"}) {
    if (decoded.find(word) != std::string::npos) return true;
  }
  return decoded == "pass";
}

namespace {

// Each secret parameter's value span [begin, end) in the query of `url`, in order. The query
// starts at the first '?' after the userinfo; a value ends at the next '&' only: libpq splits
// its query on '&' alone, so a '#' is part of a value there.
template <typename F>
void for_each_query_secret(std::string_view url, F&& f) {
  const auto span = url_password_span(url);
  const std::size_t q = url.find('?', span ? span->second : 0);
  if (q == std::string_view::npos) return;
  for (std::size_t begin = q + 1; begin <= url.size();) {
    const std::size_t end = std::min(url.size(), url.find('&', begin));
    const std::string_view param = url.substr(begin, end - begin);
    if (const std::size_t eq = param.find('='); eq != std::string_view::npos && secret_parameter(param.substr(0, eq))) {
      f(begin + eq + 1, end);
    }
    begin = end + 1;
  }
}

}  // namespace

bool url_has_password(std::string_view url) {
  if (const auto span = url_password_span(url); span && span->second > span->first) return true;
  bool found = false;
  for_each_query_secret(url, [&](std::size_t begin, std::size_t end) { found = found || end > begin; });
  return found;
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  if (const auto span = url_password_span(out)) out.replace(span->first, span->second - span->first, "***");
  // Spans found on the text after the userinfo's replacement, from the last backwards so that
  // each replacement leaves the earlier spans where they were.
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for_each_query_secret(out, [&](std::size_t begin, std::size_t end) { spans.emplace_back(begin, end); });
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) out.replace(it->first, it->second - it->first, "***");
  return out;
}

std::string scrub(std::string text, const std::string& secret) {
  if (secret.empty()) return text;
  for (std::size_t pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos + 3)) {
    text.replace(pos, secret.size(), "***");
  }
  return text;
}

}  // namespace strata::net
