#pragma once
// The server's counters in Prometheus' text format (version 0.0.4): requests by route pattern,
// method and status, a latency histogram per route, connections, requests, streams and WebSockets open. Labels are
// route patterns, never raw paths or queries: what a client sends cannot grow the series.
// Thread-safe.
#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

namespace strata::http {

// The histogram's upper bounds, in seconds (+Inf follows).
inline constexpr std::array<double, 13> k_latency_buckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                              0.1,    0.25,  0.5,    1.0,   2.5,  10.0};

// The route label of a request no route matched.
inline constexpr const char* k_unmatched_route = "unmatched";

class Metrics {
 public:
  void request(const std::string& route, const std::string& method, int status, double seconds);
  void connection_opened() { ++connections_; }
  void connection_closed() { --connections_; }
  void request_started() { ++in_flight_; }
  void request_ended() { --in_flight_; }
  void stream_opened() { ++streams_; }
  void stream_closed() { --streams_; }
  void websocket_opened() {
    ++websockets_;
    ++websockets_total_;
  }
  void websocket_closed() { --websockets_; }
  std::int64_t connections_open() const { return connections_.load(); }
  std::int64_t streams_open() const { return streams_.load(); }
  std::int64_t websockets_open() const { return websockets_.load(); }
  std::int64_t requests_in_flight() const { return in_flight_.load(); }
  // Everything, as a scrape reads it.
  std::string text() const;

 private:
  struct Latency {
    std::array<std::uint64_t, k_latency_buckets.size()> buckets{};  // not cumulative
    std::uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::tuple<std::string, std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Latency> latency_;
  std::atomic<std::int64_t> connections_{0};
  std::atomic<std::int64_t> streams_{0};
  std::atomic<std::int64_t> websockets_{0};
  std::atomic<std::uint64_t> websockets_total_{0};
  std::atomic<std::int64_t> in_flight_{0};
};

// A label value escaped as the format asks (backslash, double quote, newline).
std::string prometheus_label(const std::string& value);

}  // namespace strata::http
