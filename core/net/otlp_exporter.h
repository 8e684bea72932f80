#pragma once
// Spans sent to an OpenTelemetry collector over OTLP/HTTP with JSON bodies (POST
// ENDPOINT/v1/traces): the sink (common/trace.h) `strata serve --otlp-endpoint` sets.
//
// A span's end never waits on the collector: record() puts it in a bounded queue (past
// max_queue it is dropped and counted) and one thread of the exporter's own sends them in
// batches (max_batch spans, or whatever came within `interval`), each POST bounded by `timeout`.
// A collector that is slow or down costs dropped spans, never a request's time; a batch it
// refuses is not sent again. The destructor sends what is queued, bounded by `timeout`.
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/trace.h"

namespace strata::net {

class HttpClient;

struct OtlpOptions {
  std::string endpoint;  // http(s)://host:port, the collector's OTLP/HTTP base; /v1/traces is added
  std::string service_name = "strata";
  std::string service_version{};
  std::size_t max_queue = 4096;
  std::size_t max_batch = 512;
  std::chrono::milliseconds interval{1000};
  std::chrono::milliseconds timeout{5000};
};

// The OTLP/HTTP JSON body (ExportTraceServiceRequest) of `spans`: ids in hex, times in Unix
// nanoseconds as decimal strings, as the OTLP JSON mapping writes them.
std::string otlp_json(const std::vector<trace::SpanData>& spans, const OtlpOptions& options);

class OtlpExporter final : public trace::Sink {
 public:
  // Throws Error(usage) for an endpoint that is not an http(s) URL.
  explicit OtlpExporter(OtlpOptions options);
  ~OtlpExporter() override;
  OtlpExporter(const OtlpExporter&) = delete;
  OtlpExporter& operator=(const OtlpExporter&) = delete;

  void record(trace::SpanData span) override;

  struct Counts {
    std::uint64_t sent = 0;     // spans a collector took (2xx)
    std::uint64_t dropped = 0;  // spans lost: the queue full, or their batch not taken
  };
  Counts counts() const;

 private:
  void run();
  void send(HttpClient& client, std::vector<trace::SpanData> batch);

  OtlpOptions options_;
  std::string url_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<trace::SpanData> queue_;
  Counts counts_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace strata::net
