#pragma once
// robots.txt as RFC 9309 reads it: the group for strata's product token (else the '*' group),
// Allow and Disallow rules matched by the longest pattern ('*' and a final '$' as wildcards,
// Allow winning a tie), the Sitemap lines of the whole file, and the Crawl-delay extension.
#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace strata::web {

// The product token strata looks for in User-agent lines (and sends in its own User-Agent).
inline constexpr std::string_view k_robots_agent = "strata";

// RFC 9309 section 2.5: a crawler must read at least 500 KiB; what follows is ignored.
inline constexpr std::size_t k_robots_max_bytes = std::size_t{500} << 10;

struct RobotsRule {
  bool allow = false;
  std::string pattern;  // percent-escapes normalised, as paths are
};

class Robots {
 public:
  // Everything allowed: no robots.txt (a 4xx answer), or one without a group for strata or '*'.
  static Robots allow_all();
  // Nothing allowed: robots.txt could not be read (a 5xx answer, 429, no answer at all).
  static Robots disallow_all();
  // The rules of `body` for `agent` (first k_robots_max_bytes, cut at a line end).
  static Robots parse(std::string_view body, std::string_view agent = k_robots_agent);
  // By the answer to GET /robots.txt (after the fetcher's redirects): 2xx parsed; 4xx other
  // than 429 allow all; 429, 5xx and anything else disallow all (RFC 9309 section 2.3.1.3-4;
  // 429 as Google reads it: the server asks to be left alone).
  static Robots from_status(long status, std::string_view body, std::string_view agent = k_robots_agent);

  // Whether `path_and_query` ("/a/b?x", as Url::path_and_query gives it) may be fetched.
  // /robots.txt itself always may (section 2.2.2).
  bool allowed(std::string_view path_and_query) const;

  // Crawl-delay of the chosen group (not part of RFC 9309; widely honoured), if any.
  std::optional<std::chrono::milliseconds> crawl_delay() const { return crawl_delay_; }
  // Sitemap lines anywhere in the file, as written (absolute URLs, by the sitemaps protocol).
  const std::vector<std::string>& sitemaps() const { return sitemaps_; }
  const std::vector<RobotsRule>& rules() const { return rules_; }

 private:
  std::vector<RobotsRule> rules_;
  std::optional<std::chrono::milliseconds> crawl_delay_;
  std::vector<std::string> sitemaps_;
  bool disallow_all_ = false;
};

// Whether a robots.txt `pattern` matches `path` from its start: '*' any run of bytes, '$' at the
// pattern's end the end of the path.
bool robots_pattern_match(std::string_view pattern, std::string_view path);

}  // namespace strata::web
