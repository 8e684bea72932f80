#include "service/breaker.h"

#include <utility>

namespace strata::service {
namespace {

std::string cooldown_text(std::chrono::milliseconds d) {
  const long long ms = d.count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

std::optional<std::string> Breakers::refused(const std::string& server, const std::string& what) const {
  const std::lock_guard lock(mutex_);
  const auto it = failures_.find(server);
  if (it == failures_.end()) return std::nullopt;
  const auto ago = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - it->second.at);
  if (ago >= cooldown_) return std::nullopt;  // tried again: its outcome decides what is remembered
  return "not tried: " + what + " failed " + std::to_string(ago.count() / 1000) + " s ago (" + it->second.why +
         "); it is tried again " + cooldown_text(cooldown_) + " after a failure";
}

void Breakers::failed(const std::string& server, std::string why) {
  const std::lock_guard lock(mutex_);
  failures_[server] = Failure{Clock::now(), std::move(why)};
}

void Breakers::succeeded(const std::string& server) {
  const std::lock_guard lock(mutex_);
  failures_.erase(server);
}

}  // namespace strata::service
