#include "net/url_secrets.h"

#include <algorithm>
#include <vector>

namespace strata::net {

std::optional<std::pair<std::size_t, std::size_t>> url_password_span(std::string_view url) {
  const std::size_t start = url.find("://");
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t auth = start + 3;
  // The authority ends at the first '/', '?' or '#'; its last '@' ends the userinfo.
  const std::size_t auth_end = std::min(url.size(), url.find_first_of("/?#", auth));
  const std::size_t at = url.substr(0, auth_end).rfind('@');
  if (at == std::string_view::npos || at < auth) return std::nullopt;
  const std::size_t colon = url.find(':', auth);
  if (colon == std::string_view::npos || colon > at) return std::nullopt;
  return std::make_pair(colon + 1, at);
}

namespace {

// Each `password=` parameter's value span [begin, end) in the query, in order.
template <typename F>
void for_each_query_password(std::string_view url, F&& f) {
  const std::size_t q = url.find('?');
  if (q == std::string_view::npos) return;
  for (std::size_t pos = url.find("password=", q); pos != std::string_view::npos; pos = url.find("password=", pos + 1)) {
    if (url[pos - 1] != '?' && url[pos - 1] != '&') continue;
    const std::size_t value = pos + 9;
    const std::size_t end = std::min(url.size(), url.find_first_of("&#", value));
    f(value, end);
  }
}

}  // namespace

bool url_has_password(std::string_view url) {
  if (const auto span = url_password_span(url); span && span->second > span->first) return true;
  bool found = false;
  for_each_query_password(url, [&](std::size_t begin, std::size_t end) { found = found || end > begin; });
  return found;
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  if (const auto span = url_password_span(out)) out.replace(span->first, span->second - span->first, "***");
  // Spans found on the text after the userinfo's replacement, from the last backwards so that
  // each replacement leaves the earlier spans where they were.
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  for_each_query_password(out, [&](std::size_t begin, std::size_t end) { spans.emplace_back(begin, end); });
  for (auto it = spans.rbegin(); it != spans.rend(); ++it) out.replace(it->first, it->second - it->first, "***");
  return out;
}

}  // namespace strata::net
