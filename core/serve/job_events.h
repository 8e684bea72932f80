#pragma once
// GET /api/v1/jobs/{id}/events: a job's changes as server-sent events, each `event: job` with the
// job (jobs.h: job_json) and `id:` its revision, from after Last-Event-ID until the job ends. The
// row is the events' one source (store/jobs.h), so a client may resume on any replica: it gets
// the job as it is now when it changed since the id it names. A heartbeat comment keeps idle
// proxies from cutting a long job's stream.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "http/message.h"
#include "store/jobs.h"

namespace strata::serve {

struct JobEventTimes {
  std::chrono::milliseconds poll{std::chrono::milliseconds(250)};
  std::chrono::milliseconds heartbeat{std::chrono::seconds(15)};
};

// The stream of the job `read` reads (nullopt: gone; it throws: the store failed, an `error`
// event ends the stream) after revision `after`.
http::Response job_events_response(std::function<std::optional<store::Job>()> read, std::uint64_t after,
                                   JobEventTimes times = {});

}  // namespace strata::serve
