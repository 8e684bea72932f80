#include "embed/openai_provider.h"

#include <chrono>

#include "common/setting.h"
#include "embed/openai_wire.h"
#include "net/retry_policy.h"
#include "net/endpoint_trust.h"
#include "net/url_secrets.h"

namespace strata::embed {
namespace {

Attempt failed(AttemptStatus status, int http_status, std::string message, std::string hint = {}) {
  Attempt a;
  a.status = status;
  a.http_status = http_status;
  a.message = std::move(message);
  a.hint = std::move(hint);
  return a;
}

bool is_spend_limit(const ServerError& e) {
  for (const std::string* s : {&e.code, &e.type}) {
    if (*s == "insufficient_quota" || *s == "billing_hard_limit_reached" || *s == "billing_not_active") return true;
  }
  return false;
}

std::string describe(long status, const ServerError& e) {
  std::string m = "HTTP " + std::to_string(status);
  if (!e.message.empty()) m += ": " + e.message;
  return m;
}

}  // namespace

std::size_t response_cap(std::size_t inputs, std::size_t dims) {
  const std::size_t values = dims > 0 ? dims : k_unknown_dimensions_cap;
  return inputs * (values * k_bytes_per_value + 256) + (std::size_t{1} << 20);
}

OpenAiProvider::OpenAiProvider(OpenAiConfig config)
    : config_(std::move(config)), dimensions_(config_.expected_dimensions) {
  url_ = config_.base_url;
  while (!url_.empty() && url_.back() == '/') url_.pop_back();
  url_ += "/embeddings";
}

Attempt OpenAiProvider::embed(std::span<const std::string_view> inputs, const std::atomic<bool>* cancel) {
  if (inputs.empty()) return Attempt{};
  net::Request request;
  request.url = url_;
  request.headers.push_back({"Content-Type", "application/json"});
  if (!config_.api_key.empty()) request.headers.push_back({"Authorization", "Bearer " + config_.api_key});
  request.body = embeddings_request_body(config_.model, inputs, config_.request_dimensions);
  request.total_timeout = config_.timeout;
  request.cancel = cancel;
  request.max_response_bytes = response_cap(inputs.size(), dimensions());

  net::Response response;
  {
    auto client = clients_.acquire();
    response = client->perform(request);
  }
  if (response.failure != net::FailureKind::none) return classify_failure(response);
  if (response.status >= 200 && response.status < 300) return accept_body(response, inputs.size());
  return classify_status(response);
}

std::string OpenAiProvider::cache_scope() const {
  // The server as the store records it: the userinfo (a password) is never part of a key.
  return net::official_endpoint(config_.base_url) ? std::string() : net::server_of(config_.base_url);
}

Attempt OpenAiProvider::classify_failure(const net::Response& response) const {
  const std::string what = std::string(net::name_of(response.failure)) + ": " + safe_line(response.failure_message, config_.api_key);
  switch (response.failure) {
    case net::FailureKind::refused: {
      Attempt a = failed(AttemptStatus::retryable, 0, net::refused_message(config_.base_url),
                         std::string(net::kRefusedHint) + " (" + mention(Setting::base_url) + ")");
      a.failure = response.failure;
      return a;
    }
    case net::FailureKind::too_large:
      return failed(AttemptStatus::fatal, 0, what, "the server's answer is implausibly large; is " + mention(Setting::base_url) + " right?");
    case net::FailureKind::aborted:
      return failed(AttemptStatus::fatal, 0, what);
    case net::FailureKind::certificate:
      return failed(AttemptStatus::fatal, 0, what,
                    "the server's certificate is not trusted; a server of your own needs its CA in the system's store");
    default:
      return failed(net::worth_retrying(response.failure) ? AttemptStatus::retryable : AttemptStatus::fatal, 0, what);
  }
}

Attempt OpenAiProvider::classify_status(const net::Response& response) const {
  const auto status = static_cast<int>(response.status);
  const ServerError e = parse_error_body(response.body, config_.api_key);
  const std::string message = describe(response.status, e);
  const std::string key_hint = !config_.recorded_server_hint.empty()
                                   ? "no key was sent: the collection's recorded server was used; " +
                                         config_.recorded_server_hint + " to send $" + config_.api_key_source
                               : config_.key_withheld
                                   ? "no key was sent: a project's strata.toml chose this server; trust it "
                                     "(STRATA_TRUSTED_ENDPOINTS) or give " + mention(Setting::base_url) + " to send $" + config_.api_key_source
                                   : "check the API key in $" + config_.api_key_source;

  if (is_spend_limit(e)) {
    return failed(AttemptStatus::fatal, status, message,
                  "the account's quota or spending limit is reached; retrying cannot help until it is raised");
  }
  if (const std::string to = response.redirect_note(); !to.empty()) {
    return failed(AttemptStatus::fatal, status, message + ": it " + safe_line(net::redact_url(to), config_.api_key),
                  "check " + mention(Setting::base_url) + "; strata does not follow redirects");
  }
  switch (status) {
    case 400:
    case 413:
    case 422:
      return failed(AttemptStatus::bad_input, status, message);
    case 401:
      return failed(AttemptStatus::fatal, status, message, key_hint);
    case 403:
      return failed(AttemptStatus::fatal, status, message, key_hint + ": it may not have access to this model");
    case 404:
      return failed(AttemptStatus::fatal, status, message,
                    "check " + mention(Setting::base_url) + " (most servers want it to end in /v1) and " + mention(Setting::model) + " (" +
                        config_.model + ")");
    case 408:
    case 409:
    case 429:
      break;
    default:
      if (status < 500 || status > 599) return failed(AttemptStatus::fatal, status, message);
  }
  Attempt a = failed(AttemptStatus::retryable, status, message);
  a.retry_after = net::retry_after_of(response, std::chrono::system_clock::now());
  return a;
}

Attempt OpenAiProvider::accept_body(const net::Response& response, std::size_t inputs) {
  const std::size_t expected = dimensions_.load(std::memory_order_acquire);
  ParsedEmbeddings parsed = parse_embeddings_response(response.body, inputs, expected);
  const auto status = static_cast<int>(response.status);
  if (parsed.problem == ResponseProblem::dimensions) {
    return failed(AttemptStatus::fatal, status, "the server sent vectors of the wrong size: " + parsed.message,
                  "the model gives vectors of another size than " + std::to_string(expected) +
                      " (from " + mention(Setting::dimensions) + ", the model's known size, or the collection's record); check " +
                      mention(Setting::model) + " and " + mention(Setting::dimensions));
  }
  if (parsed.problem != ResponseProblem::none) {
    return failed(AttemptStatus::retryable, status, "invalid response: " + safe_line(parsed.message, config_.api_key));
  }
  // The first response of an unknown model fixes the size for the whole run; a later response
  // of another size means the server changed under us.
  std::size_t want = 0;
  const std::size_t got = parsed.vectors.front().size();
  if (!dimensions_.compare_exchange_strong(want, got) && want != got) {
    return failed(AttemptStatus::fatal, status,
                  "the server sent " + std::to_string(got) + "-dimensional vectors after " + std::to_string(want) +
                      "-dimensional ones",
                  "check that " + mention(Setting::base_url) + " points at one server running one model");
  }
  Attempt a;
  a.http_status = status;
  a.vectors = std::move(parsed.vectors);
  return a;
}

}  // namespace strata::embed
