#include "net/otlp_exporter.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "common/error.h"
#include "net/http_client.h"

namespace strata::net {

using nlohmann::json;

namespace {

template <std::size_t N>
std::string hex(const std::array<std::uint8_t, N>& id) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t b : id) {
    out += k_hex[b >> 4];
    out += k_hex[b & 0xF];
  }
  return out;
}

std::string unix_nanos(std::chrono::system_clock::time_point t) {
  return std::to_string(std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count());
}

json any_value(const trace::Value& v) {
  return std::visit(
      [](const auto& x) -> json {
        using T = std::decay_t<decltype(x)>;
        if constexpr (std::is_same_v<T, std::string>) return {{"stringValue", x}};
        if constexpr (std::is_same_v<T, std::int64_t>) return {{"intValue", std::to_string(x)}};
        if constexpr (std::is_same_v<T, double>) return {{"doubleValue", x}};
        if constexpr (std::is_same_v<T, bool>) return {{"boolValue", x}};
      },
      v);
}

json attribute(const std::string& key, const trace::Value& v) { return {{"key", key}, {"value", any_value(v)}}; }

json span_json(const trace::SpanData& s) {
  json j{{"traceId", hex(s.context.trace_id)},
         {"spanId", hex(s.context.span_id)},
         {"name", s.name},
         {"kind", static_cast<int>(s.kind)},
         {"startTimeUnixNano", unix_nanos(s.start)},
         {"endTimeUnixNano", unix_nanos(s.end)}};
  if (s.parent) j["parentSpanId"] = hex(*s.parent);
  json attributes = json::array();
  for (const auto& [key, value] : s.attributes) attributes.push_back(attribute(key, value));
  j["attributes"] = std::move(attributes);
  // STATUS_CODE_ERROR is 2; an unset status (0) is left out.
  if (s.error) j["status"] = {{"code", 2}, {"message", *s.error}};
  return j;
}

}  // namespace

std::string otlp_json(const std::vector<trace::SpanData>& spans, const OtlpOptions& options) {
  json list = json::array();
  for (const trace::SpanData& s : spans) list.push_back(span_json(s));
  json resource{{"attributes", json::array({attribute("service.name", options.service_name)})}};
  if (!options.service_version.empty()) resource["attributes"].push_back(attribute("service.version", options.service_version));
  const json body{{"resourceSpans",
                   json::array({{{"resource", std::move(resource)},
                                 {"scopeSpans", json::array({{{"scope", {{"name", "strata"}, {"version", options.service_version}}},
                                                              {"spans", std::move(list)}}})}}})}};
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

OtlpExporter::OtlpExporter(OtlpOptions options) : options_(std::move(options)) {
  std::string base = options_.endpoint;
  if (!base.starts_with("http://") && !base.starts_with("https://")) {
    usage("the OTLP endpoint '" + base + "' is not an http(s) URL", "the collector's OTLP/HTTP address, e.g. http://localhost:4318");
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  url_ = base.ends_with("/v1/traces") ? base : base + "/v1/traces";
  thread_ = std::thread([this] { run(); });
}

OtlpExporter::~OtlpExporter() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void OtlpExporter::record(trace::SpanData span) {
  {
    const std::lock_guard lock(mutex_);
    if (queue_.size() >= options_.max_queue) {
      ++counts_.dropped;
      return;
    }
    queue_.push_back(std::move(span));
    if (queue_.size() < options_.max_batch) return;
  }
  wake_.notify_one();
}

OtlpExporter::Counts OtlpExporter::counts() const {
  const std::lock_guard lock(mutex_);
  return counts_;
}

void OtlpExporter::run() {
  HttpClient client;  // one connection to the collector, kept between batches
  for (;;) {
    std::vector<trace::SpanData> batch;
    bool last = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, options_.interval, [&] { return stopping_ || queue_.size() >= options_.max_batch; });
      last = stopping_;
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      if (last && !queue_.empty()) {
        // At shutdown one more batch at most: the rest is counted lost, not waited for.
        counts_.dropped += queue_.size();
        queue_.clear();
      }
    }
    if (!batch.empty()) send(client, std::move(batch));
    if (last) return;
  }
}

void OtlpExporter::send(HttpClient& client, std::vector<trace::SpanData> batch) {
  Request r;
  r.url = url_;
  r.headers.push_back({"Content-Type", "application/json"});
  r.body = otlp_json(batch, options_);
  r.connect_timeout = options_.timeout;
  r.total_timeout = options_.timeout;
  r.max_response_bytes = std::size_t{1} << 20;
  const Response response = client.perform(r);
  const std::lock_guard lock(mutex_);
  if (response.ok()) {
    counts_.sent += batch.size();
  } else {
    counts_.dropped += batch.size();
  }
}

}  // namespace strata::net
