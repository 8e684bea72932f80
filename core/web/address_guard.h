#pragma once
// Which addresses a fetch may connect to. A page is data, not instructions: a link or a redirect
// must not make strata reach the machine it runs on, the network it sits in, or a cloud's
// metadata service (169.254.169.254). The check runs on the address the name resolved to and
// again on the address the socket is about to connect to, so a name that resolves to one
// address when checked and another when connected (DNS rebinding) is refused as well.
#include <optional>
#include <string>
#include <string_view>

struct sockaddr;

namespace strata::web {

enum class AddressClass {
  public_address,
  loopback,      // 127/8, ::1
  private_net,   // 10/8, 172.16/12, 192.168/16, fc00::/7
  shared,        // 100.64/10 (carrier-grade NAT)
  link_local,    // 169.254/16, fe80::/10
  multicast,     // 224/4, ff00::/8
  unspecified,   // 0/8, ::
  reserved,      // 240/4 and broadcast
};

// "loopback", "private", ... for messages.
const char* name_of(AddressClass kind);

// The class of an IPv4 address given in host byte order.
AddressClass classify_ipv4(unsigned long address);
// The class of a 16-byte IPv6 address; IPv4-mapped (::ffff:a.b.c.d), IPv4-compatible
// (::a.b.c.d) and NAT64 (64:ff9b::a.b.c.d) forms are classed by the IPv4 address they carry.
AddressClass classify_ipv6(const unsigned char (&bytes)[16]);
// The class of a textual address ("10.0.0.1", "::ffff:127.0.0.1", "[fe80::1]"), or nullopt
// when `text` is not an IP address.
std::optional<AddressClass> classify_address(std::string_view text);
// The class of a socket address (AF_INET or AF_INET6); nullopt for any other family.
std::optional<AddressClass> classify_sockaddr(const sockaddr* address);
// The numeric form of a socket address ("10.0.0.1", "fe80::1"), for messages.
std::string numeric_address(const sockaddr* address);

}  // namespace strata::web
