#include "http/cors.h"

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "common/text.h"

namespace strata::http {

namespace {

bool host_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '.'; }

// scheme://host[:port] as a browser sends it in Origin: http or https, a DNS name, an IPv4
// address or a bracketed IPv6 one, a port of 1-65535; nothing after.
bool valid_origin(std::string_view o) {
  std::string_view rest;
  if (o.starts_with("https://")) {
    rest = o.substr(8);
  } else if (o.starts_with("http://")) {
    rest = o.substr(7);
  } else {
    return false;
  }
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {
    const std::size_t close = rest.find(']');
    if (close == std::string_view::npos || close == 1) return false;
    const std::string_view inside = rest.substr(1, close - 1);
    if (!std::all_of(inside.begin(), inside.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0 || c == ':' || c == '.'; })) return false;
    host = rest.substr(0, close + 1);
    rest.remove_prefix(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return false;
      port = rest.substr(1);
      if (port.empty()) return false;
    }
  } else {
    const std::size_t colon = rest.find(':');
    host = rest.substr(0, colon);
    if (colon != std::string_view::npos) {
      port = rest.substr(colon + 1);
      if (port.empty()) return false;
    }
    if (host.empty() || !std::all_of(host.begin(), host.end(), host_char) || host.front() == '.' || host.back() == '.') return false;
  }
  if (!port.empty()) {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
    const int n = std::stoi(std::string(port));
    if (n < 1 || n > 65535) return false;
  }
  return true;
}

// Vary: Origin, beside what a handler's Vary names already.
void vary_on_origin(Response& r) {
  const std::string* vary = r.header("Vary");
  if (vary == nullptr || vary->empty()) {
    r.set_header("Vary", "Origin");
  } else if (to_lower(*vary).find("origin") == std::string::npos) {
    r.set_header("Vary", *vary + ", Origin");
  }
}

}  // namespace

CorsPolicy::CorsPolicy(const std::vector<std::string>& origins) {
  for (const std::string& o : origins) {
    if (o == "*") {
      if (origins.size() > 1) usage("the CORS origin '*' allows every origin: give it alone, not beside others");
      any_ = true;
      continue;
    }
    if (!valid_origin(to_lower(o))) {  // a scheme and host are case-insensitive
      throw Error(ExitCode::usage, "'" + o + "' is not a CORS origin",
                  "an origin is scheme://host[:port] as a browser sends it, e.g. https://app.example.com or http://localhost:3000 (no path, no trailing slash)");
    }
    origins_.push_back(to_lower(o));
  }
}

bool CorsPolicy::allows(std::string_view origin) const {
  if (origin.empty() || origin == "null") return false;  // "null": a sandboxed page or a file, never listed
  if (any_) return true;
  const std::string lower = to_lower(origin);
  return std::find(origins_.begin(), origins_.end(), lower) != origins_.end();
}

bool CorsPolicy::is_preflight(const Request& request) {
  return request.method == Method::options && request.header("origin") != nullptr &&
         request.header("access-control-request-method") != nullptr;
}

Response CorsPolicy::preflight(const Request& request, std::string_view allow) const {
  const std::string* origin = request.header("origin");
  if (origin == nullptr || !allows(*origin)) {
    Response r = Response::json(403, detail_json("this origin may not call the server"));
    vary_on_origin(r);
    return r;
  }
  Response r;
  r.status = 204;
  r.set_header("Access-Control-Allow-Origin", *origin);
  r.set_header("Access-Control-Allow-Methods", allow);
  r.set_header("Access-Control-Allow-Headers", k_cors_allow_headers);
  r.set_header("Access-Control-Max-Age", std::to_string(k_cors_max_age_seconds));
  vary_on_origin(r);
  return r;
}

void CorsPolicy::decorate(const Request& request, Response& response) const {
  const std::string* origin = request.header("origin");
  decorate(origin == nullptr ? std::string_view() : std::string_view(*origin), response);
}

void CorsPolicy::decorate(std::string_view origin, Response& response) const {
  if (!enabled() || origin.empty()) return;
  vary_on_origin(response);
  if (!allows(origin) || !valid_header_value(origin)) return;
  response.set_header("Access-Control-Allow-Origin", origin);
  response.set_header("Access-Control-Expose-Headers", k_cors_expose_headers);
}

}  // namespace strata::http
