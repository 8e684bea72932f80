#include "serve/chat_socket.h"

#include <atomic>
#include <deque>
#include <exception>
#include <memory>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/error.h"
#include "common/json_limits.h"
#include "common/trace.h"
#include "openai/chat.h"
#include "serve/answer_streams.h"
#include "serve/arguments.h"
#include "serve/gate.h"
#include "serve/openai_routes.h"
#include "serve/store_turn.h"
#include "service/ask.h"
#include "service/call_scope.h"

namespace strata::serve {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace {

// What a connection waits for between checks: short while an answer is written (the next
// question starts as soon as it ends), longer while idle.
constexpr std::chrono::milliseconds k_busy_wait{50};
constexpr std::chrono::milliseconds k_idle_wait{250};
// An answer's events are sent as they come; the log keeps little of them.
constexpr std::size_t k_log_bytes = std::size_t{64} << 10;

http::CloseCode close_for(int status) {
  switch (status) {
    case 401: return http::CloseCode::unauthorized;
    case 403: return http::CloseCode::forbidden;
    case 429: return http::CloseCode::too_many;
    case 503: return http::CloseCode::try_again;
    default: return http::CloseCode::internal;
  }
}

// The "detail" of an error response's body (FastAPI's {"detail"}: a text or a list).
json detail_of(const http::Response& r) {
  const json body = json::parse(r.body, nullptr, false);
  if (body.is_object() && body.contains("detail")) return body["detail"];
  return "the request failed";
}

// A turn as the history keeps it: its first k_socket_turn_bytes, cut at a character's start.
std::string clipped(const std::string& text) {
  if (text.size() <= k_socket_turn_bytes) return text;
  std::size_t end = k_socket_turn_bytes;
  while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
  return text.substr(0, end);
}

// One question being answered, on a thread of its own; its events go to the socket as they come.
struct Answering {
  std::shared_ptr<AnswerLog> log;
  std::atomic<bool> cancel{false};
  std::atomic<bool> ended{false};
  std::string question;
  std::string answer;  // the done event's, for the history; read once the thread is joined
  std::thread thread;
};

class Chat {
 public:
  Chat(http::WebSocket& socket, ChatSocket c) : socket_(socket), c_(std::move(c)) {}
  ~Chat() { stop_answer(); }
  Chat(const Chat&) = delete;
  Chat& operator=(const Chat&) = delete;

  void run() {
    const Clock::time_point opened = Clock::now();
    checked_ = opened;
    if (!c_.needs_key) send({{"type", "ready"}});
    for (;;) {
      end_answer_if_done();
      if (!answering_ && !waiting_.empty()) start(pop_question());
      if (!key_holds()) return;
      if (c_.needs_key && Clock::now() - opened >= c_.auth_wait) {
        socket_.close(http::CloseCode::auth_timeout, "no credentials: send {\"type\":\"auth\",\"token\":KEY} first");
        return;
      }
      const bool busy = answering_ != nullptr || !waiting_.empty();
      if (waiting_.size() >= k_questions_waiting) {
        // Enough waits: read no more (the client's sends wait in TCP) until one is answered.
        std::this_thread::sleep_for(k_busy_wait);
        if (socket_.closed()) return;
        continue;
      }
      std::string text;
      switch (socket_.receive(text, busy ? k_busy_wait : k_idle_wait)) {
        case http::WebSocket::Received::closed: return;
        case http::WebSocket::Received::timeout: continue;
        case http::WebSocket::Received::message: break;
      }
      if (!handle(text)) return;
    }
  }

 private:
  void send(const json& message) {
    if (!socket_.send(json_text(message)) && answering_) answering_->cancel = true;
  }

  void send_error(const json& id, int status, json detail) {
    json e{{"type", "error"}, {"status", status}, {"detail", std::move(detail)}};
    if (!id.is_null()) e["id"] = id;
    render_for_client(e);
    send(e);
  }

  // False: the connection is to end (it is closed already).
  bool handle(const std::string& text) {
    const ParsedJson parsed = parse_json_within(text, JsonLimits{.max_depth = 64, .max_bytes = text.size()});
    if (!parsed.ok()) {
      send_error(nullptr, 400, "the message is " + parsed.message);
      return true;
    }
    const json& m = parsed.value;
    if (!m.is_object() || !m.contains("type") || !m["type"].is_string()) {
      send_error(nullptr, 422, "a message is a JSON object with a \"type\": ask, cancel, reset, ping or auth");
      return true;
    }
    const std::string type = m["type"].get<std::string>();
    if (c_.needs_key) return authenticate(type, m);
    if (type == "ask") {
      waiting_.push_back(m);
    } else if (type == "cancel") {
      if (answering_) answering_->cancel = true;
    } else if (type == "reset") {
      history_ = json::array();
      send({{"type", "reset"}});
    } else if (type == "ping") {
      send({{"type", "pong"}});
    } else if (type == "auth") {
      send_error(nullptr, 400, "this connection is authenticated already");
    } else {
      send_error(nullptr, 422, "unknown message type '" + type.substr(0, 40) + "': ask, cancel, reset, ping or auth");
    }
    return true;
  }

  bool authenticate(const std::string& type, const json& m) {
    const auto refuse = [&](int status, const std::string& why) {
      send_error(nullptr, status, why);
      socket_.close(close_for(status), status == 401 ? "unauthorized" : "refused");
      return false;
    };
    if (type != "auth" || !m.contains("token") || !m["token"].is_string()) {
      return refuse(401, "this server needs an API key: send {\"type\":\"auth\",\"token\":KEY} first");
    }
    auto [caller, refusal] = c_.authenticate(m["token"].get<std::string>());
    if (!caller) return refuse(refusal.first, refusal.second);
    c_.caller = std::move(*caller);
    c_.needs_key = false;
    checked_ = Clock::now();
    send({{"type", "ready"}});
    return true;
  }

  json pop_question() {
    json q = std::move(waiting_.front());
    waiting_.pop_front();
    return q;
  }

  // Every Gate::k_stream_recheck, whether the caller's key still holds; when not, the answer is
  // cancelled and the connection closed (4401). A store that cannot say lets it go on.
  bool key_holds() {
    if (!c_.caller.live_check || Clock::now() - checked_ < Gate::k_stream_recheck) return true;
    checked_ = Clock::now();
    bool live = true;
    {
      StoreTurn turn(c_.store_turn);
      turn.hold();
      try {
        live = still_live(c_.caller);
      } catch (const std::exception&) {
      }
    }
    if (live) return true;
    if (answering_) answering_->cancel = true;
    send_error(nullptr, 401, "the API key was revoked or has expired");
    socket_.close(http::CloseCode::unauthorized, "the API key was revoked or has expired");
    return false;
  }

  void start(json m) {
    const json id = m.contains("id") ? m["id"] : json();
    m.erase("type");
    m.erase("id");
    if (m.contains("history")) {
      return send_error(id, 422, "the connection keeps the history: leave 'history' out ({\"type\":\"reset\"} forgets it)");
    }
    Arguments a;
    try {
      http::Request body;
      body.method = http::Method::post;
      body.body = m.dump();
      a = gather(body, Source::body, &service::k_ask_request);
      a.values["history"] = history_;
      if (c_.caller.take_operations) {
        const auth::RateDecision d = c_.caller.take_operations(1);
        if (!d.allowed) {
          return send_error(id, 429, "this API key's rate limit (" + std::to_string(d.limit) +
                                         " requests per minute) is reached; try again in " +
                                         std::to_string(d.retry_after_seconds) + " s");
        }
      }
      ask::AskRequest base = c_.base;
      if (c_.caller.principal) base.principal = *c_.caller.principal;
      ask::AskRequest r = service::ask_request(a.values, std::move(base), c_.collection);
      service::check_ask_request(r, service::k_ask_k_max);
      if (c_.session != nullptr) {
        StoreTurn turn(c_.store_turn);
        turn.hold();
        const service::CallScope scope(*c_.session, c_.caller);
        c_.session->collection(auth::Scope::read, r.collection);
      }
      AskJob job{std::move(r), c_.provider, c_.session, c_.store_turn, c_.caller, {}, c_.run};
      if (spends_tokens(c_.provider)) {
        if (c_.caller.check_tokens) {
          const auth::RateDecision d = c_.caller.check_tokens();
          if (!d.allowed) return send_error(id, 429, detail_of(tokens_refused(d, ErrorStyle::fastapi)));
        }
        job.answered = [caller = c_.caller, metrics = c_.answers](const ask::AskResult& result) {
          if (result.cached) return;
          if (caller.spend_tokens) caller.spend_tokens(openai::total_tokens(result));
          if (metrics != nullptr) metrics->model_tokens(caller.name(), result);
        };
      }
      answer(std::move(job), id, m.value("question", ""));
    } catch (const Refused& r) {
      send_error(id, r.response.status, detail_of(r.response));
    } catch (const Error& e) {
      const http::Response r = problem_response(e, a, &service::k_ask_request);
      send_error(id, r.status, detail_of(r));
    }
  }

  void answer(AskJob job, const json& id, std::string question) {
    auto a = std::make_unique<Answering>();
    a->question = std::move(question);
    a->log = std::make_shared<AnswerLog>(c_.caller.name(), k_log_bytes);
    Answering* at = a.get();
    a->log->set_listener([this, at, id](const AnswerEvent& e) {
      json m = json::parse(e.data, nullptr, false);
      if (!m.is_object()) return;
      if (e.name == "token") {
        m["type"] = "chunk";
      } else if (e.name == "done") {
        at->answer = m.value("answer", "");
        m["type"] = "done";
      } else {
        m["type"] = e.name;  // sources, error
      }
      if (!id.is_null()) m["id"] = id;
      if (!socket_.send(json_text(m))) at->cancel = true;
    });
    a->thread = std::thread([at, job = std::move(job), traced = trace::current()] {
      // Each question a span of its own under the connection's request (common/trace.h).
      const trace::Scope in(traced);
      const trace::Stage asked("ws.ask");
      write_answer(job, *at->log, at->cancel);
      at->ended = true;
    });
    answering_ = std::move(a);
  }

  void end_answer_if_done() {
    if (!answering_ || !answering_->ended) return;
    answering_->thread.join();
    if (!answering_->answer.empty() && !answering_->cancel) {
      history_.push_back({{"role", "user"}, {"content", clipped(answering_->question)}});
      history_.push_back({{"role", "assistant"}, {"content", clipped(answering_->answer)}});
      while (history_.size() > k_socket_history_turns || (history_.size() > 2 && history_.dump().size() > k_socket_history_bytes)) {
        history_.erase(history_.begin(), history_.begin() + 2);
      }
    }
    answering_.reset();
  }

  void stop_answer() {
    if (!answering_) return;
    answering_->cancel = true;
    if (answering_->thread.joinable()) answering_->thread.join();
    answering_.reset();
  }

  http::WebSocket& socket_;
  ChatSocket c_;
  json history_ = json::array();
  std::deque<json> waiting_;
  std::unique_ptr<Answering> answering_;
  Clock::time_point checked_;
};

}  // namespace

void run_chat_socket(http::WebSocket& socket, ChatSocket chat) {
  Chat c(socket, std::move(chat));
  c.run();
}

}  // namespace strata::serve
