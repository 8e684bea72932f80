#include "http/access_log.h"

#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

namespace strata::http {

namespace {

std::string utc_time(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms % 1000));
  return buffer;
}

}  // namespace

std::string access_log_line(const AccessRecord& r) {
  // In the order a reader scans a log: when, what, how it went.
  nlohmann::ordered_json j = nlohmann::ordered_json::object();
  j["time"] = utc_time(r.time);
  j["method"] = r.method;
  j["route"] = r.route.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.route);
  j["status"] = r.status;
  j["duration_ms"] = std::round(r.duration_ms * 1000.0) / 1000.0;
  j["bytes_out"] = r.bytes_out;
  j["key"] = r.key;
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace strata::http
