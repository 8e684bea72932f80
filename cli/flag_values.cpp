#include "flag_values.h"

#include <charconv>
#include <cmath>
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

double parse_vector_weight(const std::string& value) {
  double w = -1;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, w, std::chars_format::fixed);
  if (value.empty() || ec != std::errc() || ptr != end || !std::isfinite(w) || w < 0.0 || w > 1.0) {
    usage("--vector-weight takes a number from 0 to 1 (got '" + value + "')",
          "e.g. --vector-weight 0.5; 0 ranks by keyword alone, 1 weighs both lists equally");
  }
  return w;
}

}  // namespace strata::cli
