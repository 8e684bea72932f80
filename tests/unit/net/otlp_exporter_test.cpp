#include "net/otlp_exporter.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/error.h"

namespace strata::net {
namespace {

trace::SpanData span(std::string name) {
  trace::SpanData s;
  s.context = *trace::parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
  s.name = std::move(name);
  s.kind = trace::Kind::client;
  s.start = std::chrono::system_clock::time_point(std::chrono::nanoseconds(1'700'000'000'000'000'001));
  s.end = s.start + std::chrono::milliseconds(5);
  return s;
}

TEST(OtlpJson, SpansAreWrittenAsTheOtlpJsonMappingAsks) {
  trace::SpanData a = span("chat m");
  a.parent = trace::parse_traceparent("00-0af7651916cd43dd8448eb211c80319c-00f067aa0ba902b7-01")->span_id;
  a.attributes = {{"gen_ai.request.model", std::string("m")}, {"tokens", std::int64_t{12}}, {"ratio", 0.5}, {"ok", true}};
  a.error = "the model call failed";
  const trace::SpanData b = span("root");
  const nlohmann::json j = nlohmann::json::parse(otlp_json({a, b}, OtlpOptions{.endpoint = "", .service_name = "strata", .service_version = "1.2"}));
  const nlohmann::json& rs = j["resourceSpans"][0];
  EXPECT_EQ(rs["resource"]["attributes"][0], (nlohmann::json{{"key", "service.name"}, {"value", {{"stringValue", "strata"}}}}));
  const nlohmann::json& spans = rs["scopeSpans"][0]["spans"];
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0]["traceId"], "0af7651916cd43dd8448eb211c80319c");
  EXPECT_EQ(spans[0]["spanId"], "b7ad6b7169203331");
  EXPECT_EQ(spans[0]["parentSpanId"], "00f067aa0ba902b7");
  EXPECT_EQ(spans[0]["kind"], 3);
  EXPECT_EQ(spans[0]["startTimeUnixNano"], "1700000000000000001");
  EXPECT_EQ(spans[0]["endTimeUnixNano"], "1700000000005000001");
  EXPECT_EQ(spans[0]["attributes"][1]["value"]["intValue"], "12");
  EXPECT_EQ(spans[0]["attributes"][2]["value"]["doubleValue"], 0.5);
  EXPECT_EQ(spans[0]["attributes"][3]["value"]["boolValue"], true);
  EXPECT_EQ(spans[0]["status"]["code"], 2);
  EXPECT_FALSE(spans[1].contains("parentSpanId"));
  EXPECT_FALSE(spans[1].contains("status"));
}

TEST(OtlpExporter, ABadEndpointIsRefusedAndAFullQueueDropsWithoutWaiting) {
  EXPECT_THROW(OtlpExporter(OtlpOptions{.endpoint = "collector:4318"}), Error);
  // Nothing listens on port 9 (discard is not run): every batch fails, every span is counted.
  OtlpExporter e(OtlpOptions{.endpoint = "http://127.0.0.1:9", .max_queue = 10, .max_batch = 100,
                             .interval = std::chrono::milliseconds(50), .timeout = std::chrono::milliseconds(500)});
  const auto t0 = std::chrono::steady_clock::now();
  for (int i = 0; i < 25; ++i) e.record(span("s"));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(50));
  EXPECT_GE(e.counts().dropped, 15u);
  EXPECT_EQ(e.counts().sent, 0u);
}

}  // namespace
}  // namespace strata::net
