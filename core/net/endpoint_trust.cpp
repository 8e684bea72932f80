#include "net/endpoint_trust.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>

#include "common/text.h"

namespace strata::net {

std::string url_origin(std::string_view url, std::span<const SchemeDefault> schemes) {
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos || sep == 0) return "";
  std::string scheme = to_lower(url.substr(0, sep));
  std::string default_port = scheme == "http" ? "80" : scheme == "https" ? "443" : "";
  for (const SchemeDefault& s : schemes) {
    if (s.scheme != scheme) continue;
    scheme = s.spelled;
    default_port = std::to_string(s.port);
    break;
  }
  std::string_view authority = url.substr(sep + 3);
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (const std::size_t at = authority.rfind('@'); at != std::string_view::npos) authority = authority.substr(at + 1);
  // An IPv6 literal keeps its brackets; the port is what follows the last ':' outside them.
  const std::size_t close = authority.find(']');
  const std::size_t colon = authority.find(':', close == std::string_view::npos ? 0 : close);
  std::string host = to_lower(authority.substr(0, colon));
  std::string port(colon == std::string_view::npos ? std::string_view{} : authority.substr(colon + 1));
  if (host.empty()) return "";
  if (port.empty()) port = default_port;
  return scheme + "://" + host + (port.empty() ? "" : ":" + port);
}

bool listed_origin(std::string_view url, std::string_view list, std::span<const SchemeDefault> schemes) {
  const std::string origin = url_origin(url, schemes);
  if (origin.empty()) return false;
  std::size_t i = 0;
  while (i < list.size()) {
    const std::size_t end = std::min(list.size(), list.find_first_of(" ,\t\n", i));
    if (end > i && url_origin(list.substr(i, end - i), schemes) == origin) return true;
    i = end + 1;
  }
  return false;
}

bool official_endpoint(std::string_view url) {
  const std::string origin = url_origin(url);
  return origin == "https://api.openai.com:443" || origin == "https://api.anthropic.com:443";
}

std::string server_of(std::string_view url) {
  std::string server = url_origin(url);
  if (server.empty()) return server;
  std::string_view rest = url.substr(url.find("://") + 3);
  rest = rest.substr(0, rest.find_first_of("?#"));
  if (const std::size_t path = rest.find('/'); path != std::string_view::npos) server += rest.substr(path);
  while (server.back() == '/') server.pop_back();
  return server;
}

bool loopback_host(std::string_view host) {
  if (!host.empty() && host.front() == '[') {
    const std::size_t close = host.find(']');
    if (close == std::string_view::npos) return false;
    in6_addr a6{};
    return inet_pton(AF_INET6, std::string(host.substr(1, close - 1)).c_str(), &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
  }
  const std::string name = to_lower(host.substr(0, host.find(':')));
  if (name == "localhost") return true;
  in_addr a4{};
  return inet_pton(AF_INET, name.c_str(), &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

bool loopback_url(std::string_view url) {
  const std::string origin = url_origin(url);
  return !origin.empty() && loopback_host(std::string_view(origin).substr(origin.find("://") + 3));
}

}  // namespace strata::net
