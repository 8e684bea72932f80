#pragma once
// A crawl over HTTP (POST /api/v1/collections/{collection}/web with a crawl block) as bounded
// work. A crawl may take minutes; a request worker held that long stops every other caller's
// searches, so a crawl never runs on one:
//  - it is answered as a streamed response (http/message.h): the worker hands its thread to the
//    stream (server.h) and is replaced at once, and the crawl itself runs on a thread of its own
//    beside the stream's, which watches it;
//  - at most CrawlBounds::at_once crawls run on the server (503 past it) and per_caller for one
//    caller (a key; without keys, the one loopback caller): 429 past it, both with Retry-After,
//    decided before anything is fetched;
//  - it is cancelled when its caller leaves (the connection closed, or a heartbeat that cannot
//    be written), when its key is revoked, and when the server's time bound passes (the crawl's
//    own time limit is held to it; past it and a grace for storing what was fetched, cancelled);
//    the request in flight is abandoned (the fetcher asks the cancel about once a second).
// The answer: 200, application/json, a newline every CrawlBounds::heartbeat while the crawl runs
// (JSON's whitespace: the body stays one JSON value), then the crawl's result; a failure after
// the status was sent is the result {"detail": ...}.
#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "http/message.h"
#include "ingest/ingest.h"
#include "serve/arguments.h"
#include "serve/caller.h"
#include "service/ingest_url.h"

namespace strata::serve {

struct CrawlBounds {
  std::size_t at_once = 2;     // crawls running on the server at once
  std::size_t per_caller = 1;  // crawls of one caller at once
  std::chrono::milliseconds time_bound{std::chrono::minutes(10)};  // a crawl's time limit at most
  std::chrono::milliseconds grace{std::chrono::minutes(1)};  // past the bound, to store what was fetched
  std::chrono::milliseconds heartbeat{std::chrono::seconds(5)};
};

// Who is crawling: a turn is taken before a crawl is answered and given back when its stream
// ends (or when the response is dropped unsent). Thread-safe.
class CrawlRuns {
 public:
  explicit CrawlRuns(CrawlBounds bounds = {}) : bounds_(bounds) {}
  CrawlRuns(const CrawlRuns&) = delete;
  CrawlRuns& operator=(const CrawlRuns&) = delete;

  class Turn {
   public:
    Turn(CrawlRuns& runs, std::string caller) : runs_(runs), caller_(std::move(caller)) {}
    ~Turn() { runs_.leave(caller_); }
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;

   private:
    CrawlRuns& runs_;
    std::string caller_;
  };

  // A turn for `caller` ("" without keys), or nullptr with `refusal` set: 429 when the caller
  // has per_caller crawls running, 503 when the server has at_once.
  std::shared_ptr<Turn> try_enter(const std::string& caller, http::Response& refusal);
  std::size_t running() const;
  const CrawlBounds& bounds() const { return bounds_; }

 private:
  void leave(const std::string& caller);

  CrawlBounds bounds_;
  mutable std::mutex mutex_;
  std::size_t running_ = 0;
  std::map<std::string, std::size_t> by_caller_;
};

// The server's crawls (one server a process).
CrawlRuns& crawl_runs();

// The answer to a crawl request, as a refusal carries its own response past the route's JSON
// result (arguments.h: the route's handler answers a Refused with its response).
struct CrawlAnswer : Refused {
  using Refused::Refused;
};

// What a streamed crawl needs: the request and the door's ingest base, the caller (whose key is
// re-checked while it runs) and the worker's store turn it re-checks it under.
struct CrawlJob {
  service::IngestUrlRequest request;  // REQUIRES: request.crawl
  ingest::IngestRequest base;
  Caller caller;
  std::mutex* store_turn = nullptr;
  Arguments arguments;  // for a failure's wording (problem_response)
  // Set: what runs instead of the ingest (tests), given the crawl's stop; returns the result.
  std::function<nlohmann::json(const std::function<bool()>& stop)> run{};
};

// A turn for the job's caller and the streamed answer, or the refusal (429, 503) as it is.
http::Response crawl_response(CrawlJob job, CrawlRuns& runs = crawl_runs());

}  // namespace strata::serve
