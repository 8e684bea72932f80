#pragma once
// Which servers may receive a secret from the user's environment (an API key, $PGPASSWORD).
//
// A project's strata.toml and .env arrive with a cloned repository. If such a file could choose
// both the server and the secret sent to it, running `strata ask` in the checkout would send the
// user's keys to whoever wrote the file. So a server a project file chose receives a secret only
// when it is one the key is made for (the official APIs) or one the user listed as trusted, in
// their own config file or the environment (`trust.endpoints`, $STRATA_TRUSTED_ENDPOINTS).
// Servers are compared by origin: scheme, host and port.
#include <span>
#include <string>
#include <string_view>

namespace strata::net {

// What a scheme net does not know by itself (a database engine's: migrate/engines/engine_url.h
// passes its table) means in an origin.
struct SchemeDefault {
  std::string_view scheme;   // as written before "://", lower case
  std::string_view spelled;  // in the origin: an engine's aliases are one server (postgresql is postgres)
  unsigned port;             // what a URL without a port means
};

// "scheme://host:port", lower-case, the scheme's default port written out (http 80, https 443,
// and those `schemes` give), userinfo, path and query left out. "" when `url` is not
// scheme://host....
std::string url_origin(std::string_view url, std::span<const SchemeDefault> schemes = {});

// True when `url`'s origin is that of one of the URLs in `list` (separated by spaces or commas).
// A URL that has no origin is never listed.
bool listed_origin(std::string_view url, std::string_view list, std::span<const SchemeDefault> schemes = {});

// https://api.openai.com and https://api.anthropic.com: the servers their keys are made for.
bool official_endpoint(std::string_view url);

// The server an API base URL names, as the store records it and as two base URLs are compared:
// url_origin and the path, trailing '/' removed ("http://localhost:11434/v1"). Userinfo (a
// password), query and fragment are left out. "" when `url` has no origin.
std::string server_of(std::string_view url);

// True for a host on this machine: localhost, 127.0.0.0/8 or [::1], with or without a port.
bool loopback_host(std::string_view host);
// True when `url`'s host is loopback_host: what is sent there does not leave the machine.
bool loopback_url(std::string_view url);

}  // namespace strata::net
