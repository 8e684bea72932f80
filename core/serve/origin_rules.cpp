#include "serve/origin_rules.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "common/error.h"
#include "common/setting.h"
#include "common/text.h"

namespace strata::serve {

namespace {

// A header's value as a message quotes it: visible ASCII only, at most 80 bytes.
std::string shown_value(std::string_view value) {
  std::string out;
  for (const char c : value.substr(0, 80)) out += (c > ' ' && c < 0x7f) ? c : '?';
  if (value.size() > 80) out += "...";
  return "'" + out + "'";
}

bool port_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c) != 0; });
}

// A Host value split into its host (lower case; an IPv6 literal with its brackets) and port
// ("" when none); nullopt when it is no host[:port] at all.
struct HostPort {
  std::string host;
  std::string port;
  bool ip_literal = false;
};

std::optional<HostPort> split_host(std::string_view value) {
  value = trim(value);
  HostPort hp;
  if (value.starts_with('[')) {
    const std::size_t close = value.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    const std::string inside(value.substr(1, close - 1));
    in6_addr v6{};
    if (inet_pton(AF_INET6, inside.c_str(), &v6) != 1) return std::nullopt;
    hp.host = to_lower(value.substr(0, close + 1));
    hp.ip_literal = true;
    value.remove_prefix(close + 1);
    if (value.empty()) return hp;
    if (!value.starts_with(':') || !port_digits(value.substr(1))) return std::nullopt;
    hp.port = std::string(value.substr(1));
    return hp;
  }
  const std::size_t colon = value.rfind(':');
  if (colon != std::string_view::npos) {
    if (!port_digits(value.substr(colon + 1))) return std::nullopt;
    hp.port = std::string(value.substr(colon + 1));
    value = value.substr(0, colon);
  }
  std::string host = to_lower(value);
  if (host.ends_with('.')) host.pop_back();
  if (host.empty() || host.size() > 253) return std::nullopt;
  for (const char c : host) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '.' || c == '-' || c == '_')) return std::nullopt;
  }
  in_addr v4{};
  hp.ip_literal = inet_pton(AF_INET, host.c_str(), &v4) == 1;
  hp.host = std::move(host);
  return hp;
}

// "scheme://host[:port]" with the scheme's default port dropped, lower case.
std::string normal_origin(std::string_view scheme, const HostPort& hp) {
  const bool default_port = hp.port.empty() || (scheme == "http" && hp.port == "80") || (scheme == "https" && hp.port == "443");
  return std::string(scheme) + "://" + hp.host + (default_port ? std::string() : ":" + hp.port);
}

// An Origin header's value in normal form; "" for "null" or anything that is not http(s).
std::string normal_origin(std::string_view origin) {
  std::string o = to_lower(trim(origin));
  while (o.ends_with('/')) o.pop_back();
  for (const std::string_view scheme : {"http", "https"}) {
    const std::string prefix = std::string(scheme) + "://";
    if (!o.starts_with(prefix)) continue;
    const std::optional<HostPort> hp = split_host(std::string_view(o).substr(prefix.size()));
    return hp ? normal_origin(scheme, *hp) : std::string();
  }
  return {};
}

bool host_matches(std::string_view pattern, std::string_view host) {
  const std::string p = to_lower(trim(pattern));
  if (p == "*") return true;
  std::string_view suffix = p;
  if (suffix.starts_with("*.")) suffix.remove_prefix(1);
  if (suffix.starts_with('.')) return host == suffix.substr(1) || host.ends_with(suffix);
  return host == p;
}

// RFC 6455 4.1: a GET with Upgrade: websocket (the Connection header's token is the server's
// to check when it accepts; here any request that asks is held to the rules).
bool is_websocket_upgrade(const http::Request& request) {
  const std::string* upgrade = request.header("upgrade");
  return upgrade != nullptr && to_lower(trim(*upgrade)) == "websocket";
}

bool changes_state(http::Method m) {
  return m == http::Method::post || m == http::Method::put || m == http::Method::patch || m == http::Method::del;
}

// Whether a Content-Type is JSON: application/json or a +json type, parameters aside.
bool is_json_type(std::string_view value) {
  const std::string type = to_lower(trim(value.substr(0, value.find(';'))));
  return type == "application/json" || (type.starts_with("application/") && type.ends_with("+json"));
}

}  // namespace

std::string origin_of_url(std::string_view url, std::string_view what) {
  const std::string u = to_lower(trim(url));
  for (const std::string_view scheme : {"http", "https"}) {
    const std::string prefix = std::string(scheme) + "://";
    if (!u.starts_with(prefix)) continue;
    std::string_view rest = std::string_view(u).substr(prefix.size());
    rest = rest.substr(0, rest.find_first_of("/?#"));
    if (rest.find('@') == std::string_view::npos) {
      if (const std::optional<HostPort> hp = split_host(rest)) return normal_origin(scheme, *hp);
    }
    break;
  }
  usage(std::string(what) + " wants an http:// or https:// URL of this server as its clients reach it, not " + shown_value(url),
        "e.g. https://strata.example.com");
}

void validate_allowed_host(std::string_view value) {
  std::string_view v = trim(value);
  if (v == "*") return;
  if (v.starts_with("*.")) v.remove_prefix(2);
  if (v.starts_with('.')) v.remove_prefix(1);
  const std::optional<HostPort> hp = split_host(v);
  if (!hp || !hp->port.empty() || v.find(':') != std::string_view::npos) {
    usage(mention(Setting::allowed_host) + " wants a host name (no scheme, no port), '.example.com' for the names under "
                                            "it, or '*', not " + shown_value(value));
  }
}

bool host_allowed(const OriginRules& rules, std::string_view host) {
  const std::optional<HostPort> hp = split_host(host);
  if (!hp) return false;
  if (hp->ip_literal || hp->host == "localhost" || hp->host.ends_with(".localhost")) return true;
  if (!rules.public_origin.empty()) {
    const std::size_t start = rules.public_origin.find("://") + 3;
    const std::optional<HostPort> own = split_host(std::string_view(rules.public_origin).substr(start));
    if (own && own->host == hp->host) return true;
  }
  return std::any_of(rules.allowed_hosts.begin(), rules.allowed_hosts.end(),
                     [&](const std::string& pattern) { return host_matches(pattern, hp->host); });
}

std::optional<OriginRefusal> refuse_by_origin(const OriginRules& rules, const http::Request& request, bool keys_apply) {
  const std::string* host = request.header("host");
  if (host != nullptr && !host_allowed(rules, *host)) {
    return OriginRefusal{400, "the Host " + shown_value(*host) + " is not a name of this server; its operator can allow it (" +
                                  as_typed(mention(Setting::allowed_host)) + ", " + as_typed(mention(Setting::public_url)) + ")"};
  }
  // A WebSocket is opened by a GET that no browser preflights and whose answer the page reads
  // (cross-site WebSocket hijacking): its Origin is held to a state-changing request's rules.
  const bool websocket = is_websocket_upgrade(request);
  if (!changes_state(request.method) && !websocket) return std::nullopt;

  const bool has_body = !websocket && (!request.body.empty() || request.method != http::Method::del);
  const std::string* type = request.header("content-type");
  if (has_body && (type == nullptr || !is_json_type(*type))) {
    return OriginRefusal{415, "the request body must be JSON: send it with Content-Type: application/json" +
                                  (type == nullptr ? std::string() : " (not " + shown_value(*type) + ")")};
  }

  const bool any_origin = keys_apply && std::find(rules.cors_origins.begin(), rules.cors_origins.end(), "*") != rules.cors_origins.end();
  bool listed = false;
  const std::string* origin = request.header("origin");
  if (origin != nullptr) {
    const std::string o = normal_origin(*origin);
    bool own = !o.empty() && o == rules.public_origin;
    if (!o.empty() && host != nullptr) {
      if (const std::optional<HostPort> hp = split_host(*host)) own = own || o == normal_origin("http", *hp) || o == normal_origin("https", *hp);
    }
    listed = !o.empty() && std::any_of(rules.cors_origins.begin(), rules.cors_origins.end(),
                                       [&](const std::string& c) { return c != "*" && normal_origin(c) == o; });
    if (!own && !listed && !any_origin) {
      return OriginRefusal{403, "a request from the page at " + shown_value(*origin) +
                                    " is refused: it is not this server's own origin nor one its operator allows (" +
                                    as_typed(mention(Setting::cors_origin)) + ")"};
    }
  }
  const std::string* site = request.header("sec-fetch-site");
  if (site != nullptr && to_lower(trim(*site)) == "cross-site" && !listed && !any_origin) {
    return OriginRefusal{403, "a request from a page of another site is refused (Sec-Fetch-Site: cross-site); its operator can "
                              "allow that page's origin (" + as_typed(mention(Setting::cors_origin)) + ")"};
  }
  return std::nullopt;
}

}  // namespace strata::serve
