#pragma once
// What /v1/chat/completions answered, for /metrics: answers by outcome and whether they were
// streamed, and the upstream model's tokens by key and kind (what `keys create --tokens` counts).
// Labels stay bounded: the outcome is an enum, a key label is the name of a key of the store
// (made by an admin, never a token or anything a caller sends), "" for a server without keys.
// Thread-safe.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <tuple>

#include "ask/ask.h"

namespace strata::serve {

enum class AnswerOutcome {
  answered,   // a new answer (the model's, or offline the extractive one)
  cached,     // the answer cache's (the same request before)
  abstained,  // offline: the documents do not answer
  refused,    // 429: the key's token limit is reached
  invalid,    // another 4xx: a request the server refuses (bad body, unknown collection, ...)
  failed,     // 5xx: the model's server or the store failed
  cancelled,  // a stream the client left, or whose key was revoked, before it ended
};

// The outcome of a finished answer (200).
AnswerOutcome outcome_of(const ask::AskResult& result);
// The outcome of a request refused or failed with `status`.
AnswerOutcome outcome_of_status(int status);

class AnswerMetrics {
 public:
  void answer(AnswerOutcome outcome, bool stream);
  // What a model call spent, for a caller's key ("" without keys); offline answers spend none.
  void tokens(const std::string& key, std::int64_t prompt, std::int64_t completion);
  // What the model spent on `result` (its usage, else counted with cl100k_base), for `key`;
  // nothing for an answer from the cache.
  void model_tokens(const std::string& key, const ask::AskResult& result);
  // strata_chat_completions_total and strata_model_tokens_total in Prometheus' text format;
  // every outcome is listed (zero until it happens), so a rate() sees the series from the start.
  std::string text() const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<AnswerOutcome, bool>, std::uint64_t> answers_;
  std::map<std::pair<std::string, bool>, std::uint64_t> tokens_;  // (key, completion?) -> tokens
};

}  // namespace strata::serve
