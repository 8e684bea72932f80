#pragma once
// Resumable answers: POST /api/v1/ask answers as server-sent events, each with an `id:`, and
// GET /api/v1/ask/{answer}/events picks the answer up again after a lost connection (a phone on
// a train, a proxy's idle timeout), from the event after the client's Last-Event-ID.
//
// The answer is written by a thread of its own into the answer's log (AnswerLog); the POST's
// stream and any later GET's stream follow the log. So an answer whose client left goes on (its
// events kept for a resume) instead of being cancelled as /v1/chat/completions' is; the POST's
// stream still waits for it to end before it gives its slot back, so the server's bound on
// streams holds, and a server shutting down (ChunkWriter::stopping) cancels it.
//
// Events (each "id: N\nevent: NAME\ndata: JSON\n\n", N from 1):
//  - sources  {"sources": [...]}: the passages packed, as `strata ask --json` lists them;
//  - token    {"content": "..."}: the next piece of the answer;
//  - done     the whole `strata ask --json` object (service::to_json);
//  - error    {"detail": "...", "status": N}: the answer failed (after the 200 was sent).
// A comment line (": keep-alive") every AnswerStreamBounds::heartbeat while nothing happens keeps
// idle proxies from cutting a slow answer.
//
// Bounds: at most `running` answers written at once (503 past it) and `per_caller` of one caller
// (429); at most `kept` answers kept, each for `keep_for` after it ends (then, or when a newer one
// needs its place, 404); an answer keeps its last `max_bytes` of events (a resume from before
// them is 410). An answer is its caller's: another key asking for it gets 404, as for an unknown
// id (ids are 128 random bits).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "ask/ask.h"
#include "http/message.h"
#include "serve/arguments.h"
#include "serve/caller.h"
#include "service/session.h"

namespace strata::serve {

struct AnswerStreamBounds {
  std::size_t running = 32;    // answers being written at once on the server
  std::size_t per_caller = 4;  // of them, one caller's (a key; "" without keys)
  std::size_t kept = 128;      // answers kept, running or ended
  std::chrono::milliseconds keep_for{std::chrono::minutes(5)};  // after an answer ends
  std::size_t max_bytes = std::size_t{1} << 20;                 // an answer's events kept, in bytes
  std::chrono::milliseconds heartbeat{std::chrono::seconds(15)};
};

struct AnswerEvent {
  std::uint64_t id = 0;
  std::string name;
  std::string data;  // one line of JSON
};

// "id: N\nevent: NAME\ndata: DATA\n\n".
std::string sse_frame(const AnswerEvent& event);

// One answer's events, written by its thread and read by its followers. Thread-safe.
class AnswerLog {
 public:
  AnswerLog(std::string owner, std::size_t max_bytes) : owner_(std::move(owner)), max_bytes_(max_bytes) {}

  const std::string& owner() const { return owner_; }
  // Called with each event as it is appended, on the appending thread, outside the log's lock
  // (a WebSocket's chat sends it on at once). Set before the first append.
  void set_listener(std::function<void(const AnswerEvent&)> listener) { listener_ = std::move(listener); }
  // The next event; the oldest are let go past max_bytes.
  void append(std::string name, std::string data);
  // No more events: followers end once they have them all.
  void finish(std::chrono::steady_clock::time_point at);
  bool finished() const;
  // Whether it finishes within `wait`.
  bool wait_finished(std::chrono::milliseconds wait) const;
  std::optional<std::chrono::steady_clock::time_point> finished_at() const;

  struct Read {
    std::vector<AnswerEvent> events;
    bool ended = false;  // finished, and `events` holds the last
    bool lost = false;   // events after `after` were let go (max_bytes): a resume cannot go on
  };
  // The events after `after`, waiting up to `wait` when there are none yet.
  Read read_after(std::uint64_t after, std::chrono::milliseconds wait) const;

 private:
  const std::string owner_;
  const std::size_t max_bytes_;
  std::function<void(const AnswerEvent&)> listener_;
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  std::deque<AnswerEvent> events_;
  std::size_t bytes_ = 0;
  std::uint64_t next_id_ = 1;
  std::optional<std::chrono::steady_clock::time_point> finished_at_;
};

// The server's answers, by id. Thread-safe.
class AnswerStreams {
 public:
  explicit AnswerStreams(AnswerStreamBounds bounds = {}) : bounds_(bounds) {}
  AnswerStreams(const AnswerStreams&) = delete;
  AnswerStreams& operator=(const AnswerStreams&) = delete;

  struct Opened {
    std::string id;
    std::shared_ptr<AnswerLog> log;
    // The answer's place among those being written: given back when the last copy goes (the
    // answer's thread ends, or the response is dropped unsent).
    std::shared_ptr<void> running;
  };
  // A new answer of `owner`, or nullopt with `refusal` set (429, 503, Retry-After).
  std::optional<Opened> open(const std::string& owner, http::Response& refusal);
  // The answer `id` of `owner`: nullptr when unknown, no longer kept, or another's.
  std::shared_ptr<AnswerLog> find(const std::string& id, const std::string& owner);
  std::size_t running() const;
  const AnswerStreamBounds& bounds() const { return bounds_; }

 private:
  void ended(const std::string& caller);
  void forget_old(std::chrono::steady_clock::time_point now);  // REQUIRES: mutex_ held

  AnswerStreamBounds bounds_;
  mutable std::mutex mutex_;
  std::size_t running_ = 0;
  std::map<std::string, std::size_t> by_caller_;
  std::map<std::string, std::shared_ptr<AnswerLog>> logs_;
  std::deque<std::string> order_;  // ids, oldest first
};

// The server's answers (one server a process).
AnswerStreams& answer_streams();

// Writes `log`'s events after `after` to `writer` as they come, a heartbeat while none does,
// until the log ends (true) or the writer fails or is cancelled (false). `lost` events: an error
// event (410), then false. `allowed` (may be empty) is asked every Gate::k_stream_recheck whether
// the caller's key still holds: when not, an error event (401), then false.
bool follow(const AnswerLog& log, std::uint64_t after, http::ChunkWriter& writer, std::chrono::milliseconds heartbeat,
            const std::function<bool()>& allowed = {});

// The answer to an ask request, as a refusal carries its own response past the route's JSON
// result (arguments.h: the route's handler answers a Refused with its response).
struct AskAnswer : Refused {
  using Refused::Refused;
};

// What a streamed answer needs: the request (already on the door's base, checked), the door's
// model, the worker's session and store turn it shares, and the caller (whose key is re-checked
// while the answer streams: a revoked key's answer is cancelled).
struct AskJob {
  ask::AskRequest request;
  ask::ResolvedProvider provider;
  service::Session* session = nullptr;
  std::mutex* store_turn = nullptr;
  Caller caller;
  // Set: called with the answer once it is written (a key's token limit is charged with what the
  // model spent; /metrics counts it), on the answer's thread.
  std::function<void(const ask::AskResult&)> answered{};
  // Set: what runs instead of service::answer (tests): given the observer and the cancel flag.
  std::function<ask::AskResult(ask::AskObserver&, const std::atomic<bool>& cancel)> run{};
};

// Writes `job`'s answer into `log` on the calling thread, the worker's store taken in turns with
// the worker (store_turn.h) and the caller's reach set while it is held; then ends the log (a
// failure is its last event, "error"). `cancel` stops the model's answer.
void write_answer(const AskJob& job, AnswerLog& log, const std::atomic<bool>& cancel);

// 200 text/event-stream with X-Strata-Answer: the answer's id, the answer written on a thread of
// its own; or the refusal (429, 503) as it is.
http::Response ask_response(AskJob job, AnswerStreams& streams = answer_streams());

// GET /api/v1/ask/{answer}/events: the events after `last_event_id` (0: all), then the live
// ones; 404 for an answer unknown, no longer kept or another caller's.
// `store_turn`: the worker's, under which the caller's key is re-checked while the stream goes on.
http::Response ask_events_response(const std::string& id, const Caller& caller, std::uint64_t last_event_id,
                                   std::mutex* store_turn, AnswerStreams& streams = answer_streams());

}  // namespace strata::serve
