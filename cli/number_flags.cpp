#include "number_flags.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <system_error>

#include "common/error.h"

namespace strata::cli {
namespace {

[[noreturn]] void refuse(const std::string& flag, const std::string& wanted, const std::string& value) {
  throw Error(ExitCode::usage, flag + " must be " + wanted + " (got '" + value + "')");
}

// "2", "0.5": the shortest text of a limit, for the message.
std::string number_text(double d) {
  char buf[32];
  const auto r = std::to_chars(buf, buf + sizeof buf, d);
  return std::string(buf, r.ptr);
}

}  // namespace

std::uint64_t parse_whole_number(const std::string& flag, const std::string& value, std::uint64_t minimum,
                                 std::uint64_t maximum, std::string_view unit) {
  std::uint64_t n = 0;
  const char* end = value.data() + value.size();
  // from_chars takes digits only for an unsigned type: no sign, no spaces, no '+'.
  const auto [ptr, ec] = std::from_chars(value.data(), end, n);
  if (value.empty() || ec != std::errc() || ptr != end || n < minimum || n > maximum) {
    const std::string number = unit.empty() ? "a whole number" : "a whole number of " + std::string(unit);
    const std::string low = std::to_string(minimum);
    if (maximum != k_no_maximum) refuse(flag, number + " from " + low + " to " + std::to_string(maximum), value);
    refuse(flag, unit.empty() ? "a whole number of " + low + " or more" : number + ", " + low + " or more", value);
  }
  return n;
}

std::chrono::milliseconds parse_seconds(const std::string& flag, const std::string& value, double maximum, Zero zero) {
  double s = -1;
  const char* end = value.data() + value.size();
  // Fixed notation only: "1e3" is not how anyone writes a timeout, and "nan" or "inf" never is.
  const auto [ptr, ec] = std::from_chars(value.data(), end, s, std::chars_format::fixed);
  const bool low = zero == Zero::allowed ? s < 0 : s <= 0;
  if (value.empty() || ec != std::errc() || ptr != end || !std::isfinite(s) || low || s > maximum) {
    refuse(flag,
           std::string("a number of seconds ") + (zero == Zero::allowed ? "from 0 to " : "above 0, at most ") +
               number_text(maximum),
           value);
  }
  return std::chrono::milliseconds(std::llround(s * 1000));
}

namespace {

std::string flag_name(const CLI::Option* option) {
  const std::vector<std::string>& long_names = option->get_lnames();
  return long_names.empty() ? "-" + option->get_snames().front() : "--" + long_names.front();
}

}  // namespace

// CLI11 catches only its own ValidationError from a validator and prefixes the option's name:
// strata's Error passes through it unchanged, and run() prints it as every other usage error.
CLI::Option* check_whole_number(CLI::Option* option, std::uint64_t minimum, std::uint64_t maximum,
                                std::string_view unit) {
  return option->check(CLI::Validator(
      [flag = flag_name(option), minimum, maximum, unit = std::string(unit)](std::string& value) {
        parse_whole_number(flag, value, minimum, maximum, unit);
        return std::string();
      },
      ""));
}

CLI::Option* check_seconds(CLI::Option* option, double maximum, Zero zero) {
  return option->check(CLI::Validator(
      [flag = flag_name(option), maximum, zero](std::string& value) {
        parse_seconds(flag, value, maximum, zero);
        return std::string();
      },
      ""));
}

}  // namespace strata::cli
