#include "flag_values.h"

#include <charconv>
#include <system_error>
#include <utility>

#include "common/error.h"

namespace strata::cli {

void usage(std::string message, std::string hint) {
  throw Error(ExitCode::usage, std::move(message), std::move(hint));
}

std::uint64_t parse_count(const std::string& flag, const std::string& value, std::uint64_t minimum) {
  std::uint64_t n = 0;
  const char* end = value.data() + value.size();
  // from_chars takes digits only for an unsigned type: no sign, no spaces, no '+'.
  const auto [ptr, ec] = std::from_chars(value.data(), end, n);
  if (value.empty() || ec != std::errc() || ptr != end || n < minimum) {
    usage(flag + " must be a whole number of " + std::to_string(minimum) + " or more (got '" + value + "')");
  }
  return n;
}

}  // namespace strata::cli
