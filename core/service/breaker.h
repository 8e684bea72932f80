#pragma once
// What a door remembers of the servers its calls wait on (the embedding server of a
// collection, the migrations' database): after a call failed on one, the calls of the next
// `cooldown` do not wait on it again but fail at once saying why (a search falls back to keyword
// search with a note; a migration tool is a tool error). Without it, five searches sent together
// to a hung embedding server queued behind each other on one lane, each waiting the whole request
// timeout (15 s): the fourth and fifth passed the 60 s a client such as the TypeScript SDK waits.
// The first call after the cool-down tries the server again; a success forgets the failure.
//
// Thread-safe: shared by the server's lanes.
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace strata::service {

inline constexpr std::chrono::milliseconds k_breaker_cooldown{30'000};

class Breakers {
 public:
  using Clock = std::chrono::steady_clock;
  explicit Breakers(std::chrono::milliseconds cooldown = k_breaker_cooldown) : cooldown_(cooldown) {}

  // Why a call must not wait on `server` now ("<what> failed N s ago: <why>; not tried again
  // until M s after that failure"), or nullopt: try it.
  std::optional<std::string> refused(const std::string& server, const std::string& what) const;
  void failed(const std::string& server, std::string why);
  void succeeded(const std::string& server);

 private:
  struct Failure {
    Clock::time_point at;
    std::string why;
  };
  std::chrono::milliseconds cooldown_;
  mutable std::mutex mutex_;
  std::map<std::string, Failure> failures_;
};

}  // namespace strata::service
