#include "search/reranker.h"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/error.h"
#include "common/json_limits.h"
#include "embed/openai_wire.h"
#include "net/retry_policy.h"
#include "net/http_client.h"
#include "net/url_secrets.h"

namespace strata::search {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& message, const std::string& hint = {}) {
  throw Error(ExitCode::unavailable, "the reranker: " + message, hint);
}

bool retryable_status(long status) { return status == 408 || status == 409 || status == 429 || (status >= 500 && status <= 599); }

}  // namespace

std::string rerank_request_body(const RerankSettings& settings, std::string_view query,
                                const std::vector<std::string_view>& documents) {
  json body;
  if (!settings.model.empty()) body["model"] = settings.model;
  body["query"] = std::string(query);
  json docs = json::array();
  for (const std::string_view d : documents) docs.push_back(std::string(d));
  body["documents"] = std::move(docs);
  body["top_n"] = documents.size();
  // Invalid UTF-8 in a document (a chunk cut by another tool) is replaced, not a failure.
  return body.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::vector<double> parse_rerank_response(std::string_view body, std::size_t documents) {
  ParsedJson parsed = parse_json_within(body, {.max_depth = 64, .max_bytes = std::size_t{64} << 20});
  if (parsed.beyond_limits()) fail("the answer is JSON " + parsed.message);
  if (!parsed.ok() || !parsed.value.is_object()) fail("the answer is not a JSON object");
  const json j = std::move(parsed.value);
  const json* results = nullptr;
  if (j.contains("results") && j["results"].is_array()) results = &j["results"];
  if (results == nullptr && j.contains("data") && j["data"].is_array()) results = &j["data"];
  if (results == nullptr) fail("the answer has no \"results\" list");
  std::vector<double> scores(documents, -std::numeric_limits<double>::infinity());
  for (const json& r : *results) {
    if (!r.is_object() || !r.contains("index") || !r["index"].is_number_unsigned()) fail("a result has no index");
    const auto index = r["index"].get<std::size_t>();
    if (index >= documents) fail("a result's index " + std::to_string(index) + " is past the " + std::to_string(documents) + " documents sent");
    const char* field = r.contains("relevance_score") ? "relevance_score" : "score";
    if (!r.contains(field) || !r[field].is_number()) fail("result " + std::to_string(index) + " has no relevance_score");
    const double s = r[field].get<double>();
    if (!std::isfinite(s)) fail("result " + std::to_string(index) + "'s score is not a finite number");
    scores[index] = s;
  }
  return scores;
}

std::vector<double> rerank_scores(const RerankSettings& settings, std::string_view query,
                                  const std::vector<std::string_view>& documents) {
  if (documents.empty()) return {};
  std::string url = settings.base_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  url += "/rerank";
  net::Request request;
  request.url = url;
  request.headers.push_back({"Content-Type", "application/json"});
  if (!settings.api_key.empty()) request.headers.push_back({"Authorization", "Bearer " + settings.api_key});
  request.body = rerank_request_body(settings, query, documents);
  request.total_timeout = settings.timeout;
  request.cancel = settings.cancel;
  net::HttpClient client;
  net::RetryPolicy policy;
  policy.max_retries = settings.max_retries;
  policy.max_delay = std::chrono::milliseconds(5'000);
  for (int attempt = 0;; ++attempt) {
    const net::Response response = client.perform(request);
    std::string what;
    bool retry = false;
    if (response.failure != net::FailureKind::none) {
      what = response.failure == net::FailureKind::refused
                 ? net::refused_message(settings.base_url)
                 : std::string(net::name_of(response.failure)) + ": " + embed::safe_line(response.failure_message, settings.api_key);
      retry = net::worth_retrying(response.failure);
    } else if (response.ok()) {
      return parse_rerank_response(response.body, documents.size());
    } else {
      const embed::ServerError e = embed::parse_error_body(response.body, settings.api_key);
      what = "HTTP " + std::to_string(response.status) + (e.message.empty() ? std::string() : ": " + e.message);
      if (const std::string to = response.redirect_note(); !to.empty()) {
        what += ", it " + embed::safe_line(net::redact_url(to), settings.api_key);
      }
      retry = retryable_status(response.status);
      if (response.status == 401 || response.status == 403) {
        fail(what, settings.api_key_env.empty() ? "the server wants a key: set [rerank] api_key_env"
                                                : "check the API key in $" + settings.api_key_env);
      }
    }
    if (response.failure == net::FailureKind::refused && attempt >= policy.retries_for(response.failure)) fail(what);
    if (!retry || attempt >= settings.max_retries) fail(what + " (" + net::redact_url(url) + ")");
    // A server asking for a long wait is not waited for: a search must answer.
    const std::optional<std::chrono::milliseconds> asked = net::retry_after_of(response, std::chrono::system_clock::now());
    if (asked && *asked > policy.max_delay) fail(what + ", and the server asks to wait " + std::to_string(asked->count() / 1000) + " s");
    const auto wait = policy.delay(attempt + 1, asked, net::jitter_random());
    std::this_thread::sleep_for(wait);
  }
}

}  // namespace strata::search
