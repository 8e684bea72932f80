#include "serve/gate.h"

#include <memory>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "openai/api_error.h"
#include "service/profile.h"
#include "service/session.h"
#include "store/no_store.h"

namespace strata::serve {

namespace {

// How often a server without keys asks its store whether one was made.
constexpr std::chrono::milliseconds k_keys_recheck{1'000};
// Names whose last use UseRecorder remembers before it forgets them all (a fresh start costs
// one write per key at most).
constexpr std::size_t k_noted = 4'096;
// How long UseRecorder skips a key it noted: record_use writes at most once a minute anyway.
constexpr std::chrono::seconds k_note_interval{60};

struct OpenAiKind {
  const char* type;
  const char* code;  // nullptr: none
};

OpenAiKind openai_kind(int status) {
  switch (status) {
    case 401: return {"invalid_request_error", "invalid_api_key"};
    case 403: return {"permission_error", "insufficient_permissions"};
    case 429: return {"rate_limit_error", "rate_limit_exceeded"};
    case 503: return {"server_error", "unavailable"};
    default: return {status >= 500 ? "server_error" : "invalid_request_error", nullptr};
  }
}

std::int64_t millis_since_epoch(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

// What a stream's Caller::live_check holds: the token (to authenticate again) and the last answer.
struct LiveCheck {
  std::function<store::Store&(std::size_t)> store;
  std::function<auth::TimePoint()> now;
  auth::RateLimiter::Clock steady;
  std::size_t worker = 0;
  std::string token;
  std::chrono::steady_clock::time_point checked;
  bool live = true;

  bool operator()() {
    if (!live) return false;
    const auto at = steady();
    if (at - checked < Gate::k_stream_recheck) return live;
    checked = at;
    try {
      live = static_cast<bool>(auth::authenticate(store(worker), token, now()));
    } catch (const Error&) {
      // A store that cannot answer for a moment does not end a stream: the next check asks again.
    }
    return live;
  }
};

}  // namespace

http::Response error_response(ErrorStyle style, int status, std::string_view message) {
  if (style == ErrorStyle::fastapi) return http::Response::json(status, http::detail_json(message));
  const OpenAiKind kind = openai_kind(status);
  openai::ApiError e{.status = status, .type = kind.type, .message = std::string(message), .param = std::nullopt,
                     .code = kind.code == nullptr ? std::nullopt : std::optional<std::string>(kind.code)};
  return http::Response::json(status, openai::to_json(e).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

http::Response collection_refused(ErrorStyle style, auth::Scope scope, std::string_view collection) {
  return error_response(style, 403, auth::reach_refusal(scope, collection));
}

KeysAtStart keys_at_start(const std::string& store_path, const store::OpenOptions& open) {
  try {
    // Read-only: nothing is made or upgraded here.
    service::Session session(store_path, open, service::Session::Access::read_only, service::profile(service::Door::http));
    return auth::has_live_key(session.store()) ? KeysAtStart::live : KeysAtStart::none;
  } catch (const store::NoStore&) {
    return KeysAtStart::no_store;
  } catch (const Error&) {
    // A store that is there but cannot be asked (its server down, an upgrade pending) may hold
    // keys.
    return KeysAtStart::unknown;
  }
}

// --- UseRecorder ---------------------------------------------------------------------------------

UseRecorder::UseRecorder(Write write) : write_(std::move(write)), thread_([this] { run(); }) {}

UseRecorder::~UseRecorder() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
}

void UseRecorder::note(const auth::Key& key, auth::TimePoint now) {
  {
    const std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= k_queue) return;
    const auto seen = noted_.find(key.name);
    if (seen != noted_.end() && now - seen->second < k_note_interval) return;
    if (noted_.size() >= k_noted) noted_.clear();
    noted_[key.name] = now;
    queue_.emplace_back(key, now);
  }
  wake_.notify_one();
}

void UseRecorder::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (stopping_) return;
    const auto [key, at] = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    try {
      write_(key, at);
    } catch (...) {
      // Only the time of use is lost.
    }
    lock.lock();
  }
}

// --- Gate ----------------------------------------------------------------------------------------

Gate::Gate(Options options)
    : options_(std::move(options)),
      limiter_(options_.steady),
      token_limiter_(options_.steady),
      apply_(options_.keys_required || options_.keys_at_start == KeysAtStart::live || options_.sign_on != nullptr),
      known_(options_.keys_at_start != KeysAtStart::unknown) {
  if (options_.record_use) recorder_.emplace(options_.record_use);
}

bool Gate::keys_apply(std::size_t worker) {
  if (apply_.load()) return true;
  const auto due = [&](std::int64_t now) {
    const std::int64_t last = checked_at_ms_.load();
    return last == std::numeric_limits<std::int64_t>::min() || now - last >= k_keys_recheck.count();
  };
  // Between asks, the last answer (a store never heard from: keyed).
  if (!due(millis_since_epoch(options_.steady()))) return !known_.load();
  // One request asks the store; the others that find it due wait for its answer rather than go
  // on as the last one said (a key made a moment ago applies to every request after the check).
  const std::lock_guard lock(check_mutex_);
  if (apply_.load()) return true;
  const std::int64_t now = millis_since_epoch(options_.steady());
  if (!due(now)) return !known_.load();
  checked_at_ms_.store(now);
  try {
    if (auth::has_live_key(options_.store(worker), options_.now())) apply_.store(true);
    known_.store(true);
  } catch (const Error&) {
    // A store that cannot answer keeps the last answer; one never heard from counts as keyed
    // (its operation then says 503). No store at start was an answer: none.
  }
  return apply_.load() || !known_.load();
}

auth::RateDecision Gate::take_requests(const std::string& key, std::int64_t per_minute, std::int64_t n) {
  if (options_.shared_rates) {
    if (std::optional<auth::RateDecision> d = options_.shared_rates("requests:" + key, per_minute, n, store::RateUse::take)) return *d;
  }
  return limiter_.take(key, per_minute, n);
}

auth::RateDecision Gate::check_tokens(const std::string& key, std::int64_t per_minute) {
  if (options_.shared_rates) {
    if (std::optional<auth::RateDecision> d = options_.shared_rates("tokens:" + key, per_minute, 1, store::RateUse::check)) return *d;
  }
  return token_limiter_.check(key, per_minute);
}

auth::RateDecision Gate::spend_tokens(const std::string& key, std::int64_t per_minute, std::int64_t used) {
  if (options_.shared_rates) {
    if (std::optional<auth::RateDecision> d = options_.shared_rates("tokens:" + key, per_minute, used, store::RateUse::spend)) {
      return *d;
    }
  }
  return token_limiter_.spend(key, per_minute, used);
}

Gate::Admission Gate::admit(const http::Request& request, http::Context& context, const Guard& guard) {
  Admission a;
  const auto refuse = [&](int status, std::string_view message) {
    http::Response r = error_response(guard.errors, status, message);
    if (status == 401) r.set_header("WWW-Authenticate", "Bearer");
    a.refused = std::move(r);
    return std::move(a);
  };
  // The origin rules come first, on every route; the routes that need no key run on the I/O
  // threads, so they read whether keys apply as last known, never asking the store.
  const bool keyed = guard.key == KeyUse::none ? apply_.load() : keys_apply(context.worker);
  if (std::optional<OriginRefusal> no = refuse_by_origin(options_.origins, request, keyed)) return refuse(no->status, no->message);
  if (guard.key == KeyUse::none || !keyed) return a;
  // A WebSocket may bring its key in its first message (a browser's cannot set a header).
  if (guard.key == KeyUse::header_or_message && request.header("authorization") == nullptr) return a;

  std::string_view token;
  auth::Refusal why = auth::Refusal::none;
  if (const std::string* header = request.header("authorization")) {
    const std::optional<std::string_view> bearer = auth::bearer_token(*header);
    if (bearer) {
      token = *bearer;
    } else {
      why = auth::Refusal::bad;  // another scheme, or "Bearer" alone
    }
  }
  if (token.empty()) return refuse(401, auth::refusal_message(why));
  TokenAdmission t = admit_token(token, context.worker, guard);
  a.headers = std::move(t.headers);
  context.key_name = std::move(t.key_name);  // a key past its rate or scope is named in the log too
  if (t.refused) {
    Admission no = refuse(t.refused->first, t.refused->second);
    if (!t.challenge.empty()) no.refused->set_header("WWW-Authenticate", t.challenge);
    return no;
  }
  a.caller = std::move(t.caller);
  return a;
}

Gate::TokenAdmission Gate::authenticate(std::string_view token, std::size_t worker, const Guard& guard) {
  if (token.empty()) {
    TokenAdmission none;
    none.refused = std::pair{401, std::string(auth::refusal_message(auth::Refusal::none))};
    return none;
  }
  return admit_token(token, worker, guard);
}

Gate::TokenAdmission Gate::admit_token(std::string_view token, std::size_t worker, const Guard& guard) {
  TokenAdmission a;
  const auto refuse = [&](int status, std::string_view message) {
    a.refused = std::pair{status, std::string(message)};
    return std::move(a);
  };
  // A token with a JWT's form is the identity provider's (sign_on.h); strata's keys have no dots.
  if (options_.sign_on && auth::looks_like_jwt(token)) {
    SignOn::Admitted s = options_.sign_on->admit(token, options_.now());
    if (!s.caller) {
      if (s.status == 401) a.challenge = "Bearer error=\"invalid_token\"";
      return refuse(s.status, s.message);
    }
    TokenAdmission admitted = admit_caller(std::move(*s.caller), guard);
    // The log names a signed-in caller by its subject and issuer, as its asks are recorded: a
    // subject is one person only within its issuer.
    if (admitted.caller.principal) admitted.key_name = admitted.caller.principal->id;
    return admitted;
  }
  auth::Authenticated found;
  try {
    found = auth::authenticate(options_.store(worker), token, options_.now());
  } catch (const Error&) {
    return refuse(503, "the store cannot be opened to check the API key; try again later");
  }
  if (!found) return refuse(401, auth::refusal_message(found.refusal));
  if (recorder_) recorder_->note(*found.key, options_.now());
  Caller c;
  c.principal = auth::principal_of(*found.key, token);
  auto live = std::make_shared<LiveCheck>(
      LiveCheck{options_.store, options_.now, options_.steady, worker, std::string(token), options_.steady(), true});
  c.live_check = [live] { return (*live)(); };
  c.key = std::move(found.key);
  return admit_caller(std::move(c), guard);
}

Gate::TokenAdmission Gate::admit_caller(Caller caller, const Guard& guard) {
  TokenAdmission a;
  const auto refuse = [&](int status, std::string_view message) {
    a.refused = std::pair{status, std::string(message)};
    return std::move(a);
  };
  a.caller = std::move(caller);
  const auth::Key& key = *a.caller.key;
  a.key_name = key.name;
  if (key.rate_per_minute) {
    const auth::RateDecision d = take_requests(key.name, *key.rate_per_minute, 1);
    a.headers = {{"x-ratelimit-limit-requests", std::to_string(d.limit)},
                 {"x-ratelimit-remaining-requests", std::to_string(d.remaining)},
                 {"x-ratelimit-reset-requests", auth::reset_text(d.reset_seconds)}};
    if (!d.allowed) {
      a.headers.emplace_back("Retry-After", std::to_string(d.retry_after_seconds));
      return refuse(429, "this API key's rate limit (" + std::to_string(d.limit) +
                             " requests per minute) is reached; try again in " + std::to_string(d.retry_after_seconds) + " s");
    }
  }
  if (!auth::allows(key, guard.scope, "")) {
    return refuse(403, "this API key's scope is " + std::string(store::to_string(key.scope)) + "; this route needs " +
                           store::to_string(guard.scope));
  }
  if (key.rate_per_minute) {
    a.caller.take_operations = [this, name = key.name, limit = *key.rate_per_minute](std::int64_t n) {
      return take_requests(name, limit, n);
    };
  }
  if (key.tokens_per_minute) {
    a.caller.check_tokens = [this, name = key.name, limit = *key.tokens_per_minute] { return check_tokens(name, limit); };
    a.caller.spend_tokens = [this, name = key.name, limit = *key.tokens_per_minute](std::int64_t used) {
      return spend_tokens(name, limit, used);
    };
  }
  return a;
}

http::Handler Gate::guard(Guard guard, Inner inner) {
  return [this, guard, inner = std::move(inner)](const http::Request& request, http::Context& context) {
    Admission a = admit(request, context, guard);
    http::Response r = a.refused ? std::move(*a.refused) : inner(request, context, a.caller);
    for (const auto& [name, value] : a.headers) r.set_header(name, value);
    return r;
  };
}

}  // namespace strata::serve
