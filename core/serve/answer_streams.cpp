#include "serve/answer_streams.h"

#include <algorithm>
#include <atomic>
#include <exception>
#include <thread>
#include <utility>

#include "common/error.h"
#include "common/trace.h"
#include "serve/gate.h"
#include "serve/random_id.h"
#include "serve/store_turn.h"
#include "service/ask.h"
#include "service/call_scope.h"

namespace strata::serve {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

constexpr int k_answer_retry_after_seconds = 5;

http::Response refusal(int status, const std::string& message) {
  return busy_response(status, message, k_answer_retry_after_seconds);
}

std::string answers(std::size_t n) { return std::to_string(n) + (n == 1 ? " answer" : " answers"); }

// 128 random bits as 32 hex digits: an id no one guesses.
std::string new_answer_id() { return random_hex(32); }

// The events of an answer as ask::ask reports them.
class LogObserver final : public ask::AskObserver {
 public:
  explicit LogObserver(AnswerLog& log) : log_(log) {}
  void sources(const llm::ContextPack& pack) override {
    json sources{{"sources", service::sources_json(pack)}};
    render_for_client(sources);
    log_.append("sources", json_text(sources));
  }
  void text(std::string_view delta) override {
    if (!delta.empty()) log_.append("token", json_text(json{{"content", delta}}));
  }

 private:
  AnswerLog& log_;
};

// {"detail", "status"} of a failure, worded as the route's errors are.
std::string error_data(const http::Response& problem) {
  const json body = json::parse(problem.body, nullptr, false);
  json detail = body.is_object() && body.contains("detail") ? body["detail"] : json("the answer failed");
  return json_text(json{{"detail", std::move(detail)}, {"status", problem.status}});
}


enum class FollowEnd { ended, left, revoked, lost };

// follow() with the reason it stopped; `allowed` (may be empty) is asked every
// Gate::k_stream_recheck whether the caller's key still holds.
FollowEnd follow_log(const AnswerLog& log, std::uint64_t after, http::ChunkWriter& writer, std::chrono::milliseconds heartbeat,
                     const std::function<bool()>& allowed) {
  Clock::time_point beat = Clock::now();
  Clock::time_point checked = beat;
  const std::chrono::milliseconds wait = std::min<std::chrono::milliseconds>(heartbeat, std::chrono::milliseconds(500));
  for (;;) {
    const AnswerLog::Read read = log.read_after(after, wait);
    if (read.lost) {
      writer.write(sse_frame({after + 1, "error",
                              json_text(json{{"detail", "the answer's events from " + std::to_string(after + 1) +
                                                            " are no longer kept: ask again"},
                                             {"status", 410}})}));
      return FollowEnd::lost;
    }
    for (const AnswerEvent& e : read.events) {
      if (!writer.write(sse_frame(e))) return FollowEnd::left;
      after = e.id;
      beat = Clock::now();
    }
    if (read.ended) return FollowEnd::ended;
    const Clock::time_point now = Clock::now();
    if (writer.cancelled()) return FollowEnd::left;
    if (now - beat >= heartbeat) {
      beat = now;
      if (!writer.write(": keep-alive\n\n")) return FollowEnd::left;
    }
    if (allowed && now - checked >= Gate::k_stream_recheck) {
      checked = now;
      if (!allowed()) {
        writer.write(sse_frame({after + 1, "error",
                                json_text(json{{"detail", "the API key was revoked or has expired"}, {"status", 401}})}));
        return FollowEnd::revoked;
      }
    }
  }
}

// Whether `caller`'s key still holds, asked of the worker's store in its turn; a store that cannot
// say lets the stream go on (it is asked again at the next check).
std::function<bool()> key_check(const Caller& caller, std::mutex* store_turn) {
  if (!caller.live_check) return {};
  return [caller, store_turn] {
    StoreTurn turn(store_turn);
    turn.hold();
    try {
      return still_live(caller);
    } catch (const std::exception&) {
      return true;
    }
  };
}

http::Response event_stream() {
  http::Response r;
  r.status = 200;
  r.set_header("Content-Type", "text/event-stream; charset=utf-8");
  r.set_header("Cache-Control", "no-cache");
  r.set_header("X-Accel-Buffering", "no");  // a proxy in front passes each event on at once
  return r;
}

}  // namespace

void write_answer(const AskJob& job, AnswerLog& log, const std::atomic<bool>& cancel) {
  StoreTurn turn(job.store_turn);
  std::optional<service::CallScope> scope;
  const auto hold = [&] {
    turn.hold();
    if (job.session != nullptr) scope.emplace(*job.session, job.caller);
  };
  const auto release = [&] {
    scope.reset();
    turn.release();
  };
  LogObserver observer(log);
  try {
    ask::AskRequest request = job.request;
    request.cancel = &cancel;
    request.store_loan = {release, hold};
    hold();
    const ask::AskResult result =
        job.run ? job.run(observer, cancel) : service::answer(*job.session, request, job.provider, observer);
    release();
    if (job.answered) job.answered(result);
    // As every JSON result of the door: no text of core's reaches a client unrendered.
    json done = service::to_json(result);
    render_for_client(done);
    log.append("done", json_text(done));
  } catch (const Error& e) {
    release();
    log.append("error", error_data(problem_response(e, Arguments{}, &service::k_ask_request)));
  } catch (const std::exception&) {
    release();
    log.append("error", json_text(json{{"detail", "Internal Server Error"}, {"status", 500}}));
  }
  log.finish(Clock::now());
}

std::string sse_frame(const AnswerEvent& event) {
  return "id: " + std::to_string(event.id) + "\nevent: " + event.name + "\ndata: " + event.data + "\n\n";
}

void AnswerLog::append(std::string name, std::string data) {
  std::optional<AnswerEvent> heard;
  {
    const std::lock_guard lock(mutex_);
    bytes_ += name.size() + data.size();
    events_.push_back({next_id_++, std::move(name), std::move(data)});
    if (listener_) heard = events_.back();
    // The newest event stays whatever its size; the oldest go first.
    while (bytes_ > max_bytes_ && events_.size() > 1) {
      bytes_ -= events_.front().name.size() + events_.front().data.size();
      events_.pop_front();
    }
    changed_.notify_all();
  }
  if (heard) listener_(*heard);
}

void AnswerLog::finish(Clock::time_point at) {
  const std::lock_guard lock(mutex_);
  finished_at_ = at;
  changed_.notify_all();
}

bool AnswerLog::wait_finished(std::chrono::milliseconds wait) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, wait, [&] { return finished_at_.has_value(); });
}

bool AnswerLog::finished() const {
  const std::lock_guard lock(mutex_);
  return finished_at_.has_value();
}

std::optional<Clock::time_point> AnswerLog::finished_at() const {
  const std::lock_guard lock(mutex_);
  return finished_at_;
}

AnswerLog::Read AnswerLog::read_after(std::uint64_t after, std::chrono::milliseconds wait) const {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, wait, [&] { return next_id_ > after + 1 || finished_at_.has_value(); });
  Read read;
  if (!events_.empty() && events_.front().id > after + 1) {
    read.lost = true;
    return read;
  }
  for (const AnswerEvent& e : events_) {
    if (e.id > after) read.events.push_back(e);
  }
  read.ended = finished_at_.has_value();
  return read;
}

std::optional<AnswerStreams::Opened> AnswerStreams::open(const std::string& owner, http::Response& refused) {
  const std::lock_guard lock(mutex_);
  if (running_ >= bounds_.running) {
    refused = refusal(503, "the server is writing " + answers(running_) + ", its bound; ask again shortly");
    return std::nullopt;
  }
  std::size_t& mine = by_caller_[owner];
  if (mine >= bounds_.per_caller) {
    refused = refusal(429, "this caller has " + answers(mine) + " being written, its bound; ask again when one ends");
    return std::nullopt;
  }
  forget_old(Clock::now());
  // Past `kept`, the oldest ended answer gives its place; when every kept answer is still being
  // written (kept > running makes that rare), the oldest of those is forgotten instead: a resume
  // of it is 404, its writing goes on.
  while (logs_.size() >= bounds_.kept && !order_.empty()) {
    auto ended = std::find_if(order_.begin(), order_.end(), [&](const std::string& id) { return logs_.at(id)->finished(); });
    if (ended == order_.end()) ended = order_.begin();
    logs_.erase(*ended);
    order_.erase(ended);
  }
  Opened o;
  o.id = new_answer_id();
  o.log = std::make_shared<AnswerLog>(owner, bounds_.max_bytes);
  logs_.emplace(o.id, o.log);
  order_.push_back(o.id);
  ++running_;
  ++mine;
  o.running = std::shared_ptr<void>(nullptr, [this, owner](void*) { ended(owner); });
  return o;
}

void AnswerStreams::forget_old(Clock::time_point now) {
  while (!order_.empty()) {
    const auto at = logs_.at(order_.front())->finished_at();
    if (!at || now - *at < bounds_.keep_for) break;
    logs_.erase(order_.front());
    order_.pop_front();
  }
  // An ended answer behind one still being written is forgotten when it comes to the front, or
  // here when it is past its time.
  std::erase_if(order_, [&](const std::string& id) {
    const auto at = logs_.at(id)->finished_at();
    if (!at || now - *at < bounds_.keep_for) return false;
    logs_.erase(id);
    return true;
  });
}

std::shared_ptr<AnswerLog> AnswerStreams::find(const std::string& id, const std::string& owner) {
  const std::lock_guard lock(mutex_);
  forget_old(Clock::now());
  const auto it = logs_.find(id);
  if (it == logs_.end() || it->second->owner() != owner) return nullptr;
  return it->second;
}

std::size_t AnswerStreams::running() const {
  const std::lock_guard lock(mutex_);
  return running_;
}

void AnswerStreams::ended(const std::string& caller) {
  const std::lock_guard lock(mutex_);
  --running_;
  if (const auto it = by_caller_.find(caller); it != by_caller_.end() && --it->second == 0) by_caller_.erase(it);
}

AnswerStreams& answer_streams() {
  static AnswerStreams streams;
  return streams;
}

bool follow(const AnswerLog& log, std::uint64_t after, http::ChunkWriter& writer, std::chrono::milliseconds heartbeat,
            const std::function<bool()>& allowed) {
  return follow_log(log, after, writer, heartbeat, allowed) == FollowEnd::ended;
}

namespace {

// A streamed answer's state, shared by the response's copies. Dropped unsent (a HEAD, the
// server's streams full), its answer never starts: its log ends with an error, so that no one
// follows it forever, and its place is given back.
struct AskState {
  AskState(AskJob j, AnswerStreams::Opened o) : job(std::move(j)), opened(std::move(o)) {}
  AskState(const AskState&) = delete;
  AskState& operator=(const AskState&) = delete;
  AskJob job;
  AnswerStreams::Opened opened;
  bool started = false;
  ~AskState() {
    if (started) return;
    opened.log->append("error", json_text(json{{"detail", "the answer was not started"}, {"status", 503}}));
    opened.log->finish(Clock::now());
  }
};

}  // namespace

http::Response ask_response(AskJob job, AnswerStreams& streams) {
  http::Response refused;
  std::optional<AnswerStreams::Opened> opened = streams.open(job.caller.name(), refused);
  if (!opened) return refused;
  http::Response r = event_stream();
  r.set_header("X-Strata-Answer", opened->id);
  auto state = std::make_shared<AskState>(std::move(job), std::move(*opened));
  r.stream = [state, heartbeat = streams.bounds().heartbeat](http::ChunkWriter& writer) {
    if (state->started) return;  // one stream per answer
    state->started = true;
    std::atomic<bool> cancel{false};
    // The answer is written on a thread of its own, joined on every way out of this stream; the
    // answer's place (Opened::running) is given back when that thread ends.
    std::thread writing([asked = &state->job, log = state->opened.log, running = std::move(state->opened.running), &cancel,
                         traced = trace::current()] {
      const trace::Scope in(traced);  // the answer's spans are the request's
      write_answer(*asked, *log, cancel);
    });
    struct Joined {
      std::thread& t;
      std::atomic<bool>& cancel;
      ~Joined() {
        if (std::uncaught_exceptions() > 0) cancel = true;
        t.join();
      }
    } joined{writing, cancel};
    // A client that leaves does not cancel the answer: it may come back for the rest. A revoked
    // key does, and so does the server's shutdown, which waits for this stream.
    const AskJob& asked = state->job;
    const FollowEnd end = follow_log(*state->opened.log, 0, writer, heartbeat, key_check(asked.caller, asked.store_turn));
    if (end == FollowEnd::revoked) cancel = true;
    while (!cancel && !state->opened.log->finished()) {
      if (writer.stopping()) {
        cancel = true;
      } else {
        state->opened.log->wait_finished(std::chrono::milliseconds(100));
      }
    }
  };
  return r;
}

http::Response ask_events_response(const std::string& id, const Caller& caller, std::uint64_t last_event_id,
                                   std::mutex* store_turn, AnswerStreams& streams) {
  std::shared_ptr<AnswerLog> log = streams.find(id, caller.name());
  if (!log) {
    return http::Response::json(404, http::detail_json("no answer " + id + " is kept for this caller (answers are kept " +
                                                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                                          streams.bounds().keep_for)
                                                                          .count()) +
                                                       " s after they end)"));
  }
  if (log->read_after(last_event_id, std::chrono::milliseconds(0)).lost) {
    return http::Response::json(410, http::detail_json("the answer's events after " + std::to_string(last_event_id) +
                                                       " are no longer kept: ask again"));
  }
  http::Response r = event_stream();
  r.set_header("X-Strata-Answer", id);
  r.stream = [log, last_event_id, heartbeat = streams.bounds().heartbeat, allowed = key_check(caller, store_turn)](
                 http::ChunkWriter& writer) { follow(*log, last_event_id, writer, heartbeat, allowed); };
  return r;
}

}  // namespace strata::serve
