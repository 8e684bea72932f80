#pragma once
// One JSON line per request, for the server's log (the program writes it on stderr): when, the
// method, the route pattern (never the raw path or query: a query may hold what a user asked),
// the status, how long it took, the bytes written, and the API key's name (Context::key_name; "" without a key).
#include <chrono>
#include <cstdint>
#include <string>

namespace strata::http {

struct AccessRecord {
  std::chrono::system_clock::time_point time;
  std::string method;
  std::string route;  // the pattern; "" when no route matched
  int status = 0;
  double duration_ms = 0;
  std::uint64_t bytes_out = 0;
  std::string key;  // the API key's name
};

// {"time":"2026-11-26T23:01:02.345Z","method":"GET","route":"/healthz","status":200,
//  "duration_ms":0.12,"bytes_out":15,"key":""} (route null when none matched). No newline.
std::string access_log_line(const AccessRecord& record);

}  // namespace strata::http
