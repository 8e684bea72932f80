#include "serve/listen.h"

#include <arpa/inet.h>

#include <charconv>
#include <cstring>

#include "common/error.h"

namespace strata::serve {

std::string ListenAddress::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

ListenAddress parse_listen(const std::string& text) {
  const std::string form = "give HOST:PORT, e.g. 127.0.0.1:8765 or [::1]:8765 (port 0: any free port)";
  ListenAddress a;
  std::string port;
  if (!text.empty() && text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
      usage("listen address '" + text + "' is not [IPv6]:PORT", form);
    }
    a.host = text.substr(1, close - 1);
    port = text.substr(close + 2);
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0) usage("listen address '" + text + "' is not HOST:PORT", form);
    a.host = text.substr(0, colon);
    port = text.substr(colon + 1);
    if (a.host.find(':') != std::string::npos) usage("listen address '" + text + "': write an IPv6 address in brackets", form);
  }
  if (a.host == "localhost") a.host = "127.0.0.1";
  unsigned value = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    usage("listen address '" + text + "': the port must be a number from 0 to 65535", form);
  }
  a.port = static_cast<std::uint16_t>(value);
  unsigned char buffer[sizeof(in6_addr)];
  if (inet_pton(AF_INET, a.host.c_str(), buffer) != 1 && inet_pton(AF_INET6, a.host.c_str(), buffer) != 1) {
    usage("listen address '" + text + "': '" + a.host + "' is not an IP address", form);
  }
  return a;
}

bool is_loopback(const std::string& host) {
  in_addr v4{};
  if (inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  in6_addr v6{};
  if (inet_pton(AF_INET6, host.c_str(), &v6) != 1) return false;
  static const unsigned char k_loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
  if (std::memcmp(v6.s6_addr, k_loopback, 16) == 0) return true;
  // ::ffff:127.x.y.z, IPv4's loopback written as IPv6.
  static const unsigned char k_mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return std::memcmp(v6.s6_addr, k_mapped, 12) == 0 && v6.s6_addr[12] == 127;
}

void require_loopback(const ListenAddress& a, bool store_has_keys) {
  if (store_has_keys || is_loopback(a.host)) return;
  usage("refusing to listen on " + a.authority() +
            ": the store holds no API key, and without keys strata serve answers on a loopback address only (127.0.0.1 "
            "or ::1), since anyone who can reach the address could read and change the store",
        "make a key first (strata keys create NAME), then every request needs one; or listen on 127.0.0.1 (a reverse "
        "proxy can publish it)");
}

}  // namespace strata::serve
