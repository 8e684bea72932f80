#include "web/robots.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "common/text.h"
#include "web/url.h"

namespace strata::web {
namespace {

// The product token of a User-agent line's value: its leading [A-Za-z_-] run, as RFC 9309
// section 2.2.1 defines it ("strata/1.0" -> "strata"; "*" stays "*").
std::string robots_product_token(std::string_view value) {
  if (!value.empty() && value[0] == '*') return "*";
  std::size_t n = 0;
  while (n < value.size() && ((value[n] >= 'a' && value[n] <= 'z') || (value[n] >= 'A' && value[n] <= 'Z') ||
                              value[n] == '_' || value[n] == '-')) {
    ++n;
  }
  return to_lower(value.substr(0, n));
}

// A path or pattern in the one spelling both are compared in: escapes in upper case, unreserved
// characters decoded, non-ASCII escaped (as web::normalise does a URL's path). '*' and '$' are
// left alone, being neither.
std::string robots_normalise_path(std::string_view path) {
  Url url;
  url.path = std::string(path);
  url = normalise(std::move(url));
  return url.path;
}

struct RobotsGroup {
  std::vector<std::string> agents;
  std::vector<RobotsRule> rules;
  std::optional<std::chrono::milliseconds> crawl_delay;
};

std::optional<std::chrono::milliseconds> robots_parse_delay(std::string_view value) {
  const std::string text(value);
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(seconds) || seconds < 0) return std::nullopt;
  // Past a day it is a typo or a refusal; either way the crawl's own bound decides.
  return std::chrono::milliseconds(static_cast<long long>(std::min(seconds, 86400.0) * 1000));
}

}  // namespace

Robots Robots::allow_all() { return Robots{}; }

Robots Robots::disallow_all() {
  Robots robots;
  robots.disallow_all_ = true;
  return robots;
}

Robots Robots::parse(std::string_view body, std::string_view agent) {
  if (body.size() > k_robots_max_bytes) {
    body = body.substr(0, k_robots_max_bytes);
    if (const auto nl = body.rfind('\n'); nl != std::string_view::npos) body = body.substr(0, nl);
  }
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  Robots robots;
  std::vector<RobotsGroup> groups;
  bool in_agents = false;  // the last line was a User-agent line: another one joins its group
  for (std::string_view line : split(body, '\n')) {
    if (const auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string key = to_lower(trim(line.substr(0, colon)));
    const std::string_view value = trim(line.substr(colon + 1));
    if (key == "user-agent") {
      if (!in_agents) groups.emplace_back();
      groups.back().agents.push_back(robots_product_token(value));
      in_agents = true;
      continue;
    }
    if (key == "sitemap") {
      if (!value.empty()) robots.sitemaps_.emplace_back(value);
      continue;  // not a group member: it does not end a run of User-agent lines either
    }
    in_agents = false;
    if (groups.empty()) continue;  // rules before any User-agent line belong to no one
    if (key == "allow" || key == "disallow") {
      if (value.empty()) continue;  // "Disallow:" with nothing: no rule
      groups.back().rules.push_back({key == "allow", robots_normalise_path(value)});
    } else if (key == "crawl-delay") {
      if (auto delay = robots_parse_delay(value)) groups.back().crawl_delay = delay;
    }
  }
  const std::string own = to_lower(agent);
  // Section 2.2.1: the groups naming the crawler, combined; else those of '*', combined.
  for (const std::string& wanted : {own, std::string("*")}) {
    bool found = false;
    for (const auto& group : groups) {
      bool names = false;
      for (const auto& a : group.agents) names = names || a == wanted;
      if (!names) continue;
      found = true;
      robots.rules_.insert(robots.rules_.end(), group.rules.begin(), group.rules.end());
      if (group.crawl_delay) robots.crawl_delay_ = group.crawl_delay;
    }
    if (found) break;
  }
  return robots;
}

Robots Robots::from_status(long status, std::string_view body, std::string_view agent) {
  if (status >= 200 && status < 300) return parse(body, agent);
  if (status >= 400 && status < 500 && status != 429) return allow_all();
  return disallow_all();
}

bool robots_pattern_match(std::string_view pattern, std::string_view path) {
  // The set of path positions the pattern so far can end at.
  std::vector<char> at(path.size() + 1, 0);
  at[0] = 1;
  for (std::size_t pi = 0; pi < pattern.size(); ++pi) {
    const char c = pattern[pi];
    if (c == '$' && pi + 1 == pattern.size()) return at[path.size()] != 0;
    std::vector<char> next(path.size() + 1, 0);
    if (c == '*') {
      bool reach = false;
      for (std::size_t i = 0; i <= path.size(); ++i) {
        reach = reach || at[i];
        next[i] = reach ? 1 : 0;
      }
    } else {
      bool any = false;
      for (std::size_t i = 0; i < path.size(); ++i) {
        if (at[i] && path[i] == c) {
          next[i + 1] = 1;
          any = true;
        }
      }
      if (!any) return false;
    }
    at = std::move(next);
  }
  for (char reached : at) {
    if (reached) return true;  // a prefix match: the rest of the path is anything
  }
  return false;
}

bool Robots::allowed(std::string_view path_and_query) const {
  if (path_and_query == "/robots.txt") return true;
  if (disallow_all_) return false;
  const std::string path = robots_normalise_path(path_and_query);
  std::size_t best = 0;
  bool best_allow = true;
  bool matched = false;
  for (const auto& rule : rules_) {
    if (!robots_pattern_match(rule.pattern, path)) continue;
    const std::size_t length = rule.pattern.size();
    if (!matched || length > best || (length == best && rule.allow && !best_allow)) {
      best = length;
      best_allow = rule.allow;
      matched = true;
    }
  }
  return !matched || best_allow;
}

}  // namespace strata::web
