#include "web/address_guard.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace strata::web {

const char* name_of(AddressClass kind) {
  switch (kind) {
    case AddressClass::public_address: return "public";
    case AddressClass::loopback: return "loopback";
    case AddressClass::private_net: return "private";
    case AddressClass::shared: return "shared (carrier-grade NAT)";
    case AddressClass::link_local: return "link-local";
    case AddressClass::multicast: return "multicast";
    case AddressClass::unspecified: return "unspecified";
    case AddressClass::reserved: return "reserved";
  }
  return "reserved";
}

AddressClass classify_ipv4(unsigned long a) {
  const auto in = [a](unsigned long net, int bits) { return bits == 0 || (a >> (32 - bits)) == (net >> (32 - bits)); };
  if (in(0x00000000, 8)) return AddressClass::unspecified;
  if (in(0x7F000000, 8)) return AddressClass::loopback;
  if (in(0x0A000000, 8) || in(0xAC100000, 12) || in(0xC0A80000, 16)) return AddressClass::private_net;
  if (in(0x64400000, 10)) return AddressClass::shared;
  if (in(0xA9FE0000, 16)) return AddressClass::link_local;
  if (in(0xE0000000, 4)) return AddressClass::multicast;
  if (in(0xF0000000, 4)) return AddressClass::reserved;  // 240/4, 255.255.255.255 included
  return AddressClass::public_address;
}

AddressClass classify_ipv6(const unsigned char (&b)[16]) {
  const auto zeros = [&b](int from, int to) {
    for (int i = from; i < to; ++i) {
      if (b[i] != 0) return false;
    }
    return true;
  };
  const auto v4_at_end = [&b] {
    return (static_cast<unsigned long>(b[12]) << 24) | (static_cast<unsigned long>(b[13]) << 16) |
           (static_cast<unsigned long>(b[14]) << 8) | static_cast<unsigned long>(b[15]);
  };
  if (zeros(0, 16)) return AddressClass::unspecified;
  if (zeros(0, 15) && b[15] == 1) return AddressClass::loopback;
  // ::ffff:a.b.c.d (mapped), ::a.b.c.d (compatible, deprecated), 64:ff9b::a.b.c.d (NAT64): the
  // connection reaches the IPv4 address they carry.
  if (zeros(0, 10) && b[10] == 0xFF && b[11] == 0xFF) return classify_ipv4(v4_at_end());
  if (zeros(0, 12)) return classify_ipv4(v4_at_end());
  if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xFF && b[3] == 0x9B && zeros(4, 12)) return classify_ipv4(v4_at_end());
  if ((b[0] & 0xFE) == 0xFC) return AddressClass::private_net;                  // fc00::/7
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0x80) return AddressClass::link_local;  // fe80::/10
  if (b[0] == 0xFE && (b[1] & 0xC0) == 0xC0) return AddressClass::private_net; // fec0::/10, site-local
  if (b[0] == 0xFF) return AddressClass::multicast;
  return AddressClass::public_address;
}

std::optional<AddressClass> classify_address(std::string_view text) {
  if (text.size() >= 2 && text.front() == '[' && text.back() == ']') text = text.substr(1, text.size() - 2);
  if (text.empty() || text.size() > 64) return std::nullopt;
  const std::string s(text);
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) return classify_ipv4(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    unsigned char bytes[16];
    std::memcpy(bytes, &v6, 16);
    return classify_ipv6(bytes);
  }
  return std::nullopt;
}

std::optional<AddressClass> classify_sockaddr(const sockaddr* address) {
  if (address == nullptr) return std::nullopt;
  if (address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    return classify_ipv4(ntohl(v4.sin_addr.s_addr));
  }
  if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    unsigned char bytes[16];
    std::memcpy(bytes, &v6.sin6_addr, 16);
    return classify_ipv6(bytes);
  }
  return std::nullopt;
}

std::string numeric_address(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address == nullptr) return {};
  if (address->sa_family == AF_INET) {
    sockaddr_in v4{};
    std::memcpy(&v4, address, sizeof v4);
    inet_ntop(AF_INET, &v4.sin_addr, text, sizeof text);
  } else if (address->sa_family == AF_INET6) {
    sockaddr_in6 v6{};
    std::memcpy(&v6, address, sizeof v6);
    inet_ntop(AF_INET6, &v6.sin6_addr, text, sizeof text);
  }
  return text;
}

}  // namespace strata::web
