#include "serve/answer_metrics.h"

#include <array>
#include <string_view>

#include "http/metrics.h"
#include "openai/chat.h"

namespace strata::serve {
namespace {

struct OutcomeName {
  AnswerOutcome outcome;
  std::string_view name;
};
constexpr std::array k_outcomes = {
    OutcomeName{AnswerOutcome::answered, "answered"},   OutcomeName{AnswerOutcome::cached, "cached"},
    OutcomeName{AnswerOutcome::abstained, "abstained"}, OutcomeName{AnswerOutcome::refused, "refused"},
    OutcomeName{AnswerOutcome::invalid, "invalid"},     OutcomeName{AnswerOutcome::failed, "failed"},
    OutcomeName{AnswerOutcome::cancelled, "cancelled"},
};

}  // namespace

AnswerOutcome outcome_of(const ask::AskResult& result) {
  if (result.cached) return AnswerOutcome::cached;
  if (result.abstained) return AnswerOutcome::abstained;
  return AnswerOutcome::answered;
}

AnswerOutcome outcome_of_status(int status) {
  if (status == 429) return AnswerOutcome::refused;
  if (status >= 500) return AnswerOutcome::failed;
  return AnswerOutcome::invalid;
}

void AnswerMetrics::answer(AnswerOutcome outcome, bool stream) {
  const std::lock_guard lock(mutex_);
  ++answers_[{outcome, stream}];
}

void AnswerMetrics::tokens(const std::string& key, std::int64_t prompt, std::int64_t completion) {
  const std::lock_guard lock(mutex_);
  if (prompt > 0) tokens_[{key, false}] += static_cast<std::uint64_t>(prompt);
  if (completion > 0) tokens_[{key, true}] += static_cast<std::uint64_t>(completion);
}

void AnswerMetrics::model_tokens(const std::string& key, const ask::AskResult& result) {
  if (result.cached) return;
  const nlohmann::json usage = openai::usage_json(result);
  tokens(key, usage["prompt_tokens"].get<std::int64_t>(), usage["completion_tokens"].get<std::int64_t>());
}

std::string AnswerMetrics::text() const {
  const std::lock_guard lock(mutex_);
  std::string out =
      "# HELP strata_chat_completions_total Answers of /v1/chat/completions by outcome and whether streamed.\n"
      "# TYPE strata_chat_completions_total counter\n";
  for (const bool stream : {false, true}) {
    for (const OutcomeName& o : k_outcomes) {
      const auto it = answers_.find({o.outcome, stream});
      out += "strata_chat_completions_total{outcome=\"" + std::string(o.name) + "\",stream=\"" +
             (stream ? "true" : "false") + "\"} " + std::to_string(it == answers_.end() ? 0 : it->second) + "\n";
    }
  }
  out +=
      "# HELP strata_model_tokens_total Tokens the upstream model spent on answers, by API key and kind "
      "(the model server's usage, else counted with cl100k_base).\n"
      "# TYPE strata_model_tokens_total counter\n";
  for (const auto& [label, count] : tokens_) {
    out += "strata_model_tokens_total{key=\"" + http::prometheus_label(label.first) + "\",kind=\"" +
           (label.second ? "completion" : "prompt") + "\"} " + std::to_string(count) + "\n";
  }
  return out;
}

}  // namespace strata::serve
