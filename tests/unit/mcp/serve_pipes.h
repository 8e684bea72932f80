#pragma once
// serve() (mcp/server.h) over pipes, for tests that play the client: send lines, read replies,
// every read with a deadline.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>

#include "mcp/server.h"

namespace strata::testing {

using Clock = std::chrono::steady_clock;

inline double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

// serve() over pipes: the client side of a session, every read with a deadline.
class Pipes {
 public:
  Pipes() {
    EXPECT_EQ(::pipe(to_server_), 0);
    EXPECT_EQ(::pipe(from_server_), 0);
    ::fcntl(from_server_[0], F_SETFL, O_NONBLOCK);
  }
  ~Pipes() {
    for (int fd : {to_server_[0], to_server_[1], from_server_[0], from_server_[1]}) {
      if (fd >= 0) ::close(fd);
    }
  }
  void send(const nlohmann::json& message) {
    const std::string line = message.dump() + "\n";
    EXPECT_EQ(::write(to_server_[1], line.data(), line.size()), static_cast<ssize_t>(line.size()));
  }
  void close_input() {
    ::close(to_server_[1]);
    to_server_[1] = -1;
  }
  // The next reply line, or null after `timeout`.
  nlohmann::json reply(std::chrono::milliseconds timeout) {
    const auto until = Clock::now() + timeout;
    while (buffer_.find('\n') == std::string::npos && Clock::now() < until) {
      char chunk[4096];
      const ssize_t n = ::read(from_server_[0], chunk, sizeof chunk);
      if (n > 0) {
        buffer_.append(chunk, static_cast<std::size_t>(n));
      } else {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
    }
    const std::size_t nl = buffer_.find('\n');
    if (nl == std::string::npos) return nullptr;
    nlohmann::json r = nlohmann::json::parse(buffer_.substr(0, nl));
    buffer_.erase(0, nl + 1);
    return r;
  }
  int server_in() const { return to_server_[0]; }
  int server_out() const { return from_server_[1]; }

 private:
  int to_server_[2] = {-1, -1};
  int from_server_[2] = {-1, -1};
  std::string buffer_;
};

// serve() on a thread of its own over `pipes`, until end of input.
class Serving {
 public:
  Serving(mcp::Server& server, Pipes& pipes)
      : thread_([&server, &pipes, this] {
          mcp::serve(server, pipes.server_in(), pipes.server_out(), 1 << 20);
          ended_ = true;
        }) {}
  ~Serving() {
    if (thread_.joinable()) thread_.join();
  }
  Serving(const Serving&) = delete;
  Serving& operator=(const Serving&) = delete;
  // Whether serve() returned within `limit`.
  bool ended_within(std::chrono::milliseconds limit) {
    const auto until = Clock::now() + limit;
    while (!ended_ && Clock::now() < until) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    return ended_;
  }
  void join() { thread_.join(); }

 private:
  std::atomic<bool> ended_{false};
  std::thread thread_;
};

inline nlohmann::json request(int id, const std::string& method, nlohmann::json params = nlohmann::json::object()) {
  return {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}};
}

}  // namespace strata::testing
