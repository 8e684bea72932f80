#pragma once
// Where `strata serve` listens, and who may reach it. Without API keys (`strata keys create`) the
// server answers on a loopback address only: anything else would give the store to whoever can
// reach the machine. A non-loopback address is refused before the server starts unless the store
// holds a live key; the server then asks every request for one (gate.h).
#include <cstdint>
#include <string>

namespace strata::serve {

struct ListenAddress {
  std::string host;  // an IP address ("127.0.0.1", "::1"); "localhost" is 127.0.0.1
  std::uint16_t port = 0;
  // "127.0.0.1:8765", "[::1]:8765", as a URL writes it.
  std::string authority() const;
};

inline constexpr const char* k_default_listen = "127.0.0.1:8765";

// "HOST:PORT" or "[IPv6]:PORT" (port 0: the system chooses). Throws Error(usage) naming what is
// wrong.
ListenAddress parse_listen(const std::string& text);
// Whether `host` is a loopback address (127.0.0.0/8, ::1, ::ffff:127.x).
bool is_loopback(const std::string& host);
// Throws Error(usage) for an address that is not loopback when the store holds no live key
// (`store_has_keys` false), saying why and what comes next.
void require_loopback(const ListenAddress& address, bool store_has_keys = false);

}  // namespace strata::serve
