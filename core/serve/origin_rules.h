#pragma once
// Which requests a browser page may make of `strata serve`, decided by the gate (gate.h) before
// any key is looked at, on every route:
//
//  - Host: a page on another site reaches a server on loopback by DNS rebinding (a name of its
//    own that now resolves to 127.0.0.1) and sends that name as Host. A request's Host must name
//    this server: an IP literal (a page at an IP address is that address's own origin, never a
//    rebound name), `localhost` or a name under `.localhost` (a browser resolves those itself, to
//    loopback), the host of the server's public URL, or a name the operator allows (exact,
//    `.example.com` or `*.example.com` for the names under it, `*` for any). Else 400.
//  - A request that changes state (POST, PUT, PATCH, DELETE) from a page of another origin needs
//    no preflight when its body is a form or `text/plain`, and its answer need not be read for it
//    to write: such a body is refused (415: a body must be JSON), and an Origin that is not the
//    server's own (the scheme with the request's Host) nor a listed CORS origin is refused (403),
//    as is `Sec-Fetch-Site: cross-site` without a listed Origin. `*` among the CORS origins lets
//    any page in only once keys apply: then the key, not the page's place on the network, is the
//    authority, and a page of another site has none.
//
//  - A WebSocket upgrade (a GET no browser preflights, whose answer the page reads) is held to
//    the same Origin rules as a request that changes state.
//
// A request without Host (HTTP/1.0; core/http refuses an HTTP/1.1 one) or without Origin comes
// from no browser page and is let through to the key check.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"

namespace strata::serve {

struct OriginRules {
  std::vector<std::string> allowed_hosts;  // --allowed-host: a name, ".name"/"*.name", or "*"
  std::vector<std::string> cors_origins;   // --cors-origin: scheme://host[:port], or "*"
  std::string public_origin;               // --public-url's scheme://host[:port], lower case; "" for none
};

// "scheme://host[:port]" of an absolute http(s) URL, lower case, a default port dropped; throws
// Error(usage) naming `setting` for anything else (a path is allowed and dropped).
std::string origin_of_url(std::string_view url, std::string_view what);

// Throws Error(usage) for an --allowed-host value that is not a host name or pattern.
void validate_allowed_host(std::string_view value);

// A refusal: the status and the client's message ("" hint when none).
struct OriginRefusal {
  int status = 400;
  std::string message;
};

// Whether the Host header `host` ("name[:port]", "[v6]:port") names this server.
bool host_allowed(const OriginRules& rules, std::string_view host);

// The refusal of `request` under the rules, or nullopt to go on. `keys_apply`: whether every
// request needs a key now (gate.h).
std::optional<OriginRefusal> refuse_by_origin(const OriginRules& rules, const http::Request& request, bool keys_apply);

}  // namespace strata::serve
