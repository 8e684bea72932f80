// Target: the .gitignore glob matcher (ingest/glob.h), which reads patterns from untrusted
// checkouts. The input is a pattern and a path split at the first newline. Checks: it ends
// (libFuzzer's -timeout catches a pattern that stalls it, as "*a*a*a*a*a*b" once did); for a
// pattern of only literals, '?' and single '*' (no brackets, escapes or "**"), it agrees with
// an independent O(pattern x path) matcher; PathPattern agrees with glob_match on what it
// documents (a base-name pattern matches the path's last segment).
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "ingest/glob.h"

using namespace strata;

namespace {

// Dynamic programming over (pattern, path) prefixes: '*' any run without '/', '?' one byte
// that is not '/', anything else itself.
bool reference_match(std::string_view pattern, std::string_view path) {
  std::vector<char> row(path.size() + 1, 0), next(path.size() + 1, 0);
  row[0] = 1;
  for (const char pc : pattern) {
    std::fill(next.begin(), next.end(), 0);
    for (std::size_t t = 0; t <= path.size(); ++t) {
      if (pc == '*') {
        next[t] = row[t] || (t > 0 && next[t - 1] && path[t - 1] != '/');
      } else if (t > 0 && row[t - 1]) {
        next[t] = pc == '?' ? path[t - 1] != '/' : path[t - 1] == pc;
      }
    }
    row.swap(next);
  }
  return row[path.size()] != 0;
}

bool simple(std::string_view pattern) {
  return pattern.find_first_of("[\\") == std::string_view::npos && pattern.find("**") == std::string_view::npos;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in = fuzz::as_text(data, size);
  const std::size_t nl = in.find('\n');
  const std::string_view pattern = in.substr(0, nl);
  const std::string_view path = nl == std::string_view::npos ? std::string_view{} : in.substr(nl + 1);
  const bool matched = ingest::glob_match(pattern, path);
  FUZZ_CHECK(matched == ingest::glob_match(pattern, path), "not deterministic");
  if (simple(pattern)) {
    FUZZ_CHECK(matched == reference_match(pattern, path),
               "disagrees with the reference: '" + std::string(pattern) + "' vs '" + std::string(path) + "'");
  }
  if (!pattern.empty() && pattern.find('/') == std::string_view::npos) {
    const ingest::PathPattern p(pattern);
    const std::size_t slash = path.rfind('/');
    const std::string_view base = slash == std::string_view::npos ? path : path.substr(slash + 1);
    FUZZ_CHECK(p.matches(path, false) == ingest::glob_match(pattern, base), "a base-name pattern is not matched on the base name");
  }
  return 0;
}
