#include "number_flags.h"

#include <CLI/CLI.hpp>
#include <charconv>
#include <cmath>
#include <optional>
#include <string_view>
#include <system_error>

#include "common/public.h"

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

namespace {

// "120", "0.5": seconds in fixed notation ("1e3" is not how anyone writes a timeout, and "nan"
// or "inf" never is). Else a duration as Go writes it, as dbmate and golang-migrate users type
// it: "90s", "1m30s", "500ms", "1.5h" (units ns, us, µs, ms, s, m, h; no sign). nullopt else.
std::optional<double> seconds_of(const std::string& value) {
  double s = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, s, std::chars_format::fixed);
  if (!value.empty() && ec == std::errc() && ptr == end) return std::isfinite(s) ? std::optional(s) : std::nullopt;
  struct Unit {
    std::string_view name;
    double seconds;
  };
  // Longer names first, so that "ms" is not read as "m" and then "s".
  static constexpr Unit k_units[] = {{"ns", 1e-9}, {"us", 1e-6}, {"\xc2\xb5s", 1e-6}, {"ms", 1e-3},
                                     {"s", 1},     {"m", 60},    {"h", 3600}};
  double total = 0;
  const char* p = value.data();
  if (p == end) return std::nullopt;
  while (p < end) {
    if (*p == '-' || *p == '+') return std::nullopt;
    double n = 0;
    const auto [after, err] = std::from_chars(p, end, n, std::chars_format::fixed);
    if (err != std::errc() || after == p) return std::nullopt;
    p = after;
    const std::string_view rest(p, static_cast<std::size_t>(end - p));
    const Unit* unit = nullptr;
    for (const Unit& u : k_units) {
      if (rest.starts_with(u.name)) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return std::nullopt;
    p += unit->name.size();
    total += n * unit->seconds;
  }
  return std::isfinite(total) ? std::optional(total) : std::nullopt;
}

}  // namespace

std::chrono::milliseconds parse_seconds(const std::string& flag, const std::string& value, double maximum, Zero zero) {
  const std::optional<double> s = seconds_of(value);
  const bool low = !s || (zero == Zero::allowed ? *s < 0 : *s <= 0);
  if (low || *s > maximum) {
    refuse(flag,
           std::string("a number of seconds ") + (zero == Zero::allowed ? "from 0 to " : "above 0, at most ") +
               number_text(maximum) + ", or a duration such as 90s or 1m30s",
           value);
  }
  return std::chrono::milliseconds(std::llround(*s * 1000));
}

double parse_decimal(const std::string& flag, const std::string& value, double minimum, double maximum) {
  double d = 0;
  const char* end = value.data() + value.size();
  const auto [ptr, ec] = std::from_chars(value.data(), end, d, std::chars_format::fixed);
  if (value.empty() || ec != std::errc() || ptr != end || !std::isfinite(d) || d < minimum || d > maximum) {
    refuse(flag, "a number from " + number_text(minimum) + " to " + number_text(maximum), value);
  }
  return d;
}

namespace {

// The first long name, else the short one, else a positional's name ("ID").
std::string flag_name(const CLI::Option* option) {
  if (!option->get_lnames().empty()) return "--" + option->get_lnames().front();
  if (!option->get_snames().empty()) return "-" + option->get_snames().front();
  return option->get_name();
}

// CLI11 catches only its own ValidationError from a validator and prefixes the option's name:
// strata's Error passes through it unchanged, and run() prints it as every other usage error.
// `parse(flag, value)` throws for a bad value; what it returns is not kept (CLI11 converts).
template <typename Parse>
CLI::Option* check_with(CLI::Option* option, Parse parse) {
  return option->check(CLI::Validator(
      [flag = flag_name(option), parse](std::string& value) {
        parse(flag, value);
        return std::string();
      },
      ""));
}

}  // namespace

CLI::Option* check_whole_number(CLI::Option* option, std::uint64_t minimum, std::uint64_t maximum,
                                std::string_view unit) {
  return check_with(option, [minimum, maximum, unit = std::string(unit)](const std::string& flag, const std::string& v) {
    parse_whole_number(flag, v, minimum, maximum, unit);
  });
}

CLI::Option* check_seconds(CLI::Option* option, double maximum, Zero zero) {
  // A transform, not a check: a duration ("1m30s") reaches CLI11 as its seconds ("90"), which
  // CLI11 converts as it would have converted "90".
  return option->transform(CLI::Validator(
      [flag = flag_name(option), maximum, zero](std::string& value) {
        parse_seconds(flag, value, maximum, zero);
        value = number_text(*seconds_of(value));
        return std::string();
      },
      ""));
}

CLI::Option* check_decimal(CLI::Option* option, double minimum, double maximum) {
  return check_with(option, [minimum, maximum](const std::string& flag, const std::string& v) {
    parse_decimal(flag, v, minimum, maximum);
  });
}

}  // namespace strata::cli
