#include "http/metrics.h"

#include <cstdio>

namespace strata::http {

namespace {

std::string number(double v) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.9g", v);
  return buffer;
}

}  // namespace

std::string prometheus_label(const std::string& value) {
  std::string out;
  for (const char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void Metrics::request(const std::string& route, const std::string& method, int status, double seconds) {
  const std::lock_guard lock(mutex_);
  ++requests_[{route, method, status}];
  Latency& l = latency_[route];
  ++l.count;
  l.sum += seconds;
  for (std::size_t i = 0; i < k_latency_buckets.size(); ++i) {
    if (seconds <= k_latency_buckets[i]) {
      ++l.buckets[i];
      break;
    }
  }
}

std::string Metrics::text() const {
  std::string out;
  out += "# HELP strata_http_requests_total Requests answered, by route pattern, method and status.\n";
  out += "# TYPE strata_http_requests_total counter\n";
  const std::lock_guard lock(mutex_);
  for (const auto& [key, count] : requests_) {
    const auto& [route, method, status] = key;
    out += "strata_http_requests_total{route=\"" + prometheus_label(route) + "\",method=\"" + prometheus_label(method) +
           "\",status=\"" + std::to_string(status) + "\"} " + std::to_string(count) + "\n";
  }
  out += "# HELP strata_http_request_duration_seconds Time from a request read to its response written, by route.\n";
  out += "# TYPE strata_http_request_duration_seconds histogram\n";
  for (const auto& [route, l] : latency_) {
    const std::string label = "route=\"" + prometheus_label(route) + "\"";
    std::uint64_t cumulative = 0;
    for (std::size_t i = 0; i < k_latency_buckets.size(); ++i) {
      cumulative += l.buckets[i];
      out += "strata_http_request_duration_seconds_bucket{" + label + ",le=\"" + number(k_latency_buckets[i]) + "\"} " +
             std::to_string(cumulative) + "\n";
    }
    out += "strata_http_request_duration_seconds_bucket{" + label + ",le=\"+Inf\"} " + std::to_string(l.count) + "\n";
    out += "strata_http_request_duration_seconds_sum{" + label + "} " + number(l.sum) + "\n";
    out += "strata_http_request_duration_seconds_count{" + label + "} " + std::to_string(l.count) + "\n";
  }
  out += "# HELP strata_http_connections_open Client connections open.\n";
  out += "# TYPE strata_http_connections_open gauge\n";
  out += "strata_http_connections_open " + std::to_string(connections_.load()) + "\n";
  out += "# HELP strata_http_requests_in_flight Requests read and not yet answered.\n";
  out += "# TYPE strata_http_requests_in_flight gauge\n";
  out += "strata_http_requests_in_flight " + std::to_string(in_flight_.load()) + "\n";
  out += "# HELP strata_http_streams_open Streamed responses being written.\n";
  out += "# TYPE strata_http_streams_open gauge\n";
  out += "strata_http_streams_open " + std::to_string(streams_.load()) + "\n";
  out += "# HELP strata_websocket_connections_open WebSocket connections open.\n";
  out += "# TYPE strata_websocket_connections_open gauge\n";
  out += "strata_websocket_connections_open " + std::to_string(websockets_.load()) + "\n";
  out += "# HELP strata_websocket_connections_total WebSocket connections accepted.\n";
  out += "# TYPE strata_websocket_connections_total counter\n";
  out += "strata_websocket_connections_total " + std::to_string(websockets_total_.load()) + "\n";
  return out;
}

}  // namespace strata::http
