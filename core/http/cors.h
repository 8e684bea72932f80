#pragma once
// Cross-origin requests (CORS), for the origins the operator lists and no other: a browser page
// served from a listed origin may call the server and read its answers; a page from anywhere
// else gets no CORS header at all, so the browser keeps its answers from it. None by default.
//
// The decisions are pure functions of the request's headers, the route's methods and the list,
// so that they are tested without a socket; the server (server.cpp) applies them:
//  - a request with a listed Origin: its response carries Access-Control-Allow-Origin (that
//    origin, echoed, even when the list is "*"), Vary: Origin and Access-Control-Expose-Headers
//    (the rate-limit headers, which a page needs to back off);
//  - a preflight (OPTIONS with Origin and Access-Control-Request-Method) at a known path: 204
//    with the path's methods, the request headers strata reads (Authorization, Content-Type and
//    MCP's) and Max-Age, when the origin is listed; 403 when it is not (the browser then sends
//    nothing, and the access log shows who tried);
//  - no credentials ever: Access-Control-Allow-Credentials is never sent, so a browser never
//    attaches cookies; a page sends its API key in Authorization itself. That is also why "*"
//    may be listed (alone): any page may then call the server with a key it holds, and a
//    server with keys still refuses a page that has none.
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace strata::http {

class CorsPolicy {
 public:
  CorsPolicy() = default;
  // Throws Error(usage) naming the origin for one that is not scheme://host[:port] (http or
  // https, no path, no query, no userinfo, no trailing slash) or "*" beside others.
  explicit CorsPolicy(const std::vector<std::string>& origins);

  bool enabled() const { return any_ || !origins_.empty(); }
  bool allows(std::string_view origin) const;

  // Whether `request` is a CORS preflight (OPTIONS with Origin and Access-Control-Request-Method).
  static bool is_preflight(const Request& request);
  // The answer to a preflight at a path whose methods are `allow` ("GET, HEAD, POST").
  Response preflight(const Request& request, std::string_view allow) const;
  // Adds the headers a response to `request` carries (none when CORS is off or the request has
  // no Origin; Vary: Origin alone for an origin not listed, so that a cache keeps them apart).
  void decorate(const Request& request, Response& response) const;
  // The same for a request whose Origin header (empty: none) is all the server kept.
  void decorate(std::string_view origin, Response& response) const;

 private:
  std::vector<std::string> origins_;  // lower case
  bool any_ = false;
};

// What the preflight allows a page to send, and lets a page read.
inline constexpr std::string_view k_cors_allow_headers = "Authorization, Content-Type, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID";
inline constexpr std::string_view k_cors_expose_headers =
    "Retry-After, x-ratelimit-limit-requests, x-ratelimit-remaining-requests, x-ratelimit-reset-requests, "
    "x-ratelimit-limit-tokens, x-ratelimit-remaining-tokens, x-ratelimit-reset-tokens, Mcp-Session-Id, X-Strata-Answer";
inline constexpr int k_cors_max_age_seconds = 600;

}  // namespace strata::http
