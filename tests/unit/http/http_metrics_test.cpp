// core/http's metrics in Prometheus' text format: counters by route pattern, method and status,
// a cumulative histogram per route, the gauges; label values escaped.
#include <gtest/gtest.h>

#include <string>

#include "http/access_log.h"
#include "http/metrics.h"

namespace strata::http {
namespace {

bool has_line(const std::string& text, const std::string& line) { return text.find("\n" + line + "\n") != std::string::npos; }

TEST(HttpMetrics, CountsByRouteMethodAndStatusWithACumulativeHistogram) {
  Metrics m;
  m.request("/api/v1/search", "POST", 200, 0.003);
  m.request("/api/v1/search", "POST", 200, 0.2);
  m.request("/api/v1/search", "POST", 422, 0.0001);
  m.request(k_unmatched_route, "GET", 404, 0.0001);
  m.connection_opened();
  m.connection_opened();
  m.connection_closed();
  m.stream_opened();
  const std::string t = m.text();
  EXPECT_TRUE(has_line(t, R"(strata_http_requests_total{route="/api/v1/search",method="POST",status="200"} 2)")) << t;
  EXPECT_TRUE(has_line(t, R"(strata_http_requests_total{route="/api/v1/search",method="POST",status="422"} 1)"));
  EXPECT_TRUE(has_line(t, R"(strata_http_requests_total{route="unmatched",method="GET",status="404"} 1)"));
  EXPECT_TRUE(has_line(t, R"(strata_http_request_duration_seconds_bucket{route="/api/v1/search",le="0.0005"} 1)"));
  EXPECT_TRUE(has_line(t, R"(strata_http_request_duration_seconds_bucket{route="/api/v1/search",le="0.005"} 2)"));
  EXPECT_TRUE(has_line(t, R"(strata_http_request_duration_seconds_bucket{route="/api/v1/search",le="0.25"} 3)"));
  EXPECT_TRUE(has_line(t, R"(strata_http_request_duration_seconds_bucket{route="/api/v1/search",le="+Inf"} 3)"));
  EXPECT_TRUE(has_line(t, R"(strata_http_request_duration_seconds_count{route="/api/v1/search"} 3)"));
  EXPECT_TRUE(has_line(t, "strata_http_connections_open 1"));
  EXPECT_TRUE(has_line(t, "strata_http_streams_open 1"));
  EXPECT_TRUE(has_line(t, "# TYPE strata_http_request_duration_seconds histogram"));
  EXPECT_EQ(t.back(), '\n');
}

TEST(HttpMetrics, LabelValuesAreEscaped) {
  EXPECT_EQ(prometheus_label("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
}

TEST(HttpAccessLog, OneJsonLineWithTheRoutePatternAndAnEmptyKey) {
  AccessRecord r{std::chrono::system_clock::time_point{std::chrono::milliseconds(1'700'000'000'123)}, "GET",
                 "/api/v1/collections/{collection}/documents", 200, 1.5, 42, ""};
  EXPECT_EQ(access_log_line(r),
            R"({"time":"2023-11-14T22:13:20.123Z","method":"GET","route":"/api/v1/collections/{collection}/documents","status":200,"duration_ms":1.5,"bytes_out":42,"key":""})");
  r.route.clear();
  EXPECT_NE(access_log_line(r).find(R"("route":null)"), std::string::npos);
}

}  // namespace
}  // namespace strata::http
