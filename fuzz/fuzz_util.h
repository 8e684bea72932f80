#pragma once
// Shared by the fuzz targets: an assertion that survives NDEBUG (abort() is what libFuzzer and
// the replay runner both report as a failure), a reader that takes the target's parameters from
// the front of the input, and UTF-8 helpers for APIs that REQUIRE valid UTF-8.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "common/text.h"

#define FUZZ_CHECK(cond, what)                                                          \
  do {                                                                                  \
    if (!(cond)) {                                                                      \
      std::fprintf(stderr, "fuzz check failed at %s:%d: %s (%s)\n", __FILE__, __LINE__, \
                   #cond, std::string(what).c_str());                                   \
      std::abort();                                                                     \
    }                                                                                   \
  } while (0)

namespace strata::fuzz {

// Parameters first, payload after: the fuzzer mutates both.
class Input {
 public:
  Input(const std::uint8_t* data, std::size_t size)
      : rest_(reinterpret_cast<const char*>(data), size) {}
  // One byte (0 when the input is used up).
  std::uint8_t byte() {
    if (rest_.empty()) return 0;
    const auto b = static_cast<std::uint8_t>(rest_[0]);
    rest_.remove_prefix(1);
    return b;
  }
  // A value in [lo, hi] from one or two bytes.
  std::size_t in_range(std::size_t lo, std::size_t hi) {
    std::size_t v = byte();
    if (hi - lo > 255) v = (v << 8) | byte();
    return lo + v % (hi - lo + 1);
  }
  // The next `n` bytes (fewer when the input ends).
  std::string_view take(std::size_t n) {
    const std::string_view out = rest_.substr(0, n);
    rest_.remove_prefix(out.size());
    return out;
  }
  std::string_view rest() const { return rest_; }

 private:
  std::string_view rest_;
};

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// `bytes` with every invalid UTF-8 sequence dropped, for APIs that REQUIRE valid UTF-8.
inline std::string valid_utf8(std::string_view bytes) {
  std::string out;
  while (!bytes.empty()) {
    const auto bad = find_invalid_utf8(bytes);
    if (!bad) {
      out.append(bytes);
      break;
    }
    out.append(bytes.substr(0, *bad));
    bytes.remove_prefix(*bad + 1);
  }
  return out;
}

inline bool is_valid_utf8(std::string_view s) { return !find_invalid_utf8(s).has_value(); }

// Calls `check` with each line of `text` (split at '\n'; the last need not end with one), as a
// line-delimited transport such as MCP's stdio reads them.
template <class Check>
void for_each_line(std::string_view text, Check&& check) {
  while (!text.empty()) {
    const std::size_t nl = text.find('\n');
    check(text.substr(0, nl));
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

}  // namespace strata::fuzz
