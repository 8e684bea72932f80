#include "net/http_date.h"

#include "net/curl_library.h"

#include <string>

namespace strata::net {

std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text) {
  // libcurl's parser already knows every form (and the time zones servers get wrong); it needs
  // no handle.
  const std::string copy(text);
  const time_t t = curl_library().getdate(copy.c_str(), nullptr);
  if (t == -1) return std::nullopt;
  return std::chrono::system_clock::from_time_t(t);
}

}  // namespace strata::net
