#pragma once
// HTTP dates (RFC 9110 §5.6.7: IMF-fixdate, and the obsolete RFC 850 and asctime forms that
// servers still send), e.g. in Retry-After.
#include <chrono>
#include <optional>
#include <string_view>

namespace strata::net {

// The instant `text` names, or nullopt when it is not an HTTP date.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text);

}  // namespace strata::net
