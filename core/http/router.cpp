#include "http/router.h"

#include <stdexcept>

namespace strata::http {

namespace {

std::vector<std::string_view> split(std::string_view path) {
  std::vector<std::string_view> out;
  if (!path.empty() && path.front() == '/') path.remove_prefix(1);
  while (true) {
    const std::size_t slash = path.find('/');
    out.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

bool is_param(std::string_view segment) { return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}'; }
bool is_rest(std::string_view segment) { return is_param(segment) && segment.size() > 5 && segment.ends_with("...}"); }
std::string param_name(std::string_view segment) {
  segment = segment.substr(1, segment.size() - 2);
  if (segment.ends_with("...")) segment.remove_suffix(3);
  return std::string(segment);
}

// Whether `segments` (decoded) fit `pattern`'s, filling `params`.
bool fits(const std::vector<std::string_view>& pattern, const std::vector<std::string>& segments,
          std::map<std::string, std::string>& params) {
  params.clear();
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (is_rest(pattern[i])) {
      if (i >= segments.size()) return false;
      std::string rest;
      for (std::size_t j = i; j < segments.size(); ++j) rest += (j == i ? "" : "/") + segments[j];
      if (rest.empty()) return false;
      params[param_name(pattern[i])] = rest;
      return true;
    }
    if (i >= segments.size()) return false;
    if (is_param(pattern[i])) {
      if (segments[i].empty()) return false;
      params[param_name(pattern[i])] = segments[i];
    } else if (pattern[i] != segments[i]) {
      return false;
    }
  }
  return pattern.size() == segments.size();
}

}  // namespace

std::vector<std::string> pattern_params(std::string_view pattern) {
  std::vector<std::string> out;
  for (const std::string_view s : split(pattern)) {
    if (is_param(s)) out.push_back(param_name(s));
  }
  return out;
}

void Router::add(Route route) {
  const std::vector<std::string_view> segments = split(route.pattern);
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (is_param(segments[i]) && param_name(segments[i]).empty()) throw std::invalid_argument("empty parameter name in " + route.pattern);
    if (is_rest(segments[i]) && i + 1 != segments.size()) throw std::invalid_argument("{name...} must be last in " + route.pattern);
  }
  for (const Route& r : routes_) {
    if (r.method == route.method && r.pattern == route.pattern) throw std::invalid_argument("route added twice: " + route.pattern);
  }
  routes_.push_back(std::move(route));
}

Match Router::match(Method method, std::string_view path) const {
  Match m;
  std::vector<std::string> decoded;
  for (const std::string_view raw : split(path)) {
    std::string segment;
    if (!percent_decode(raw, segment, false)) {
      m.kind = Match::Kind::bad_path;
      m.problem = "the path has a malformed percent escape";
      return m;
    }
    if (segment == "." || segment == ".." || segment.find('\0') != std::string::npos) {
      m.kind = Match::Kind::bad_path;
      m.problem = "the path may not hold . or .. segments or NUL bytes";
      return m;
    }
    decoded.push_back(std::move(segment));
  }
  // A parameter that decoded to a path holding a dot segment ("a%2F..%2Fb") is refused too.
  for (const std::string& segment : decoded) {
    for (const std::string_view part : split(segment)) {
      if (part == "." || part == "..") {
        m.kind = Match::Kind::bad_path;
        m.problem = "the path may not hold . or .. segments or NUL bytes";
        return m;
      }
    }
  }
  std::map<std::string, std::string> params;
  const Route* get = nullptr;  // the path's GET route, which answers a HEAD
  std::map<std::string, std::string> get_params;
  const auto allow = [&m](Method each) {
    const std::string name(method_name(each));
    if (m.allow.find(name) == std::string::npos) m.allow += (m.allow.empty() ? "" : ", ") + name;
  };
  for (const Route& r : routes_) {
    if (!fits(split(r.pattern), decoded, params)) continue;
    if (r.method == method) {
      m.kind = Match::Kind::found;
      m.route = &r;
      m.params = params;
      m.allow.clear();
      m.pattern.clear();
      return m;
    }
    if (r.method == Method::get && get == nullptr) {
      get = &r;
      get_params = params;
    }
    m.kind = Match::Kind::wrong_method;
    if (m.pattern.empty()) m.pattern = r.pattern;
    allow(r.method);
    if (r.method == Method::get) allow(Method::head);
  }
  if (method == Method::head && get != nullptr) {
    m.kind = Match::Kind::found;
    m.route = get;
    m.params = std::move(get_params);
    m.allow.clear();
    m.pattern.clear();
  }
  return m;
}

Response Router::error(int status, std::string_view message, std::string_view path) const {
  return Response::json(status, error_shape_ ? error_shape_(status, message, path) : detail_json(message));
}

}  // namespace strata::http
