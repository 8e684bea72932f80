#include "serve/answer_metrics.h"

#include <gtest/gtest.h>

#include <string>

namespace strata::serve {
namespace {

bool has_metrics_line(const std::string& text, const std::string& line) {
  return ("\n" + text).find("\n" + line + "\n") != std::string::npos;
}

TEST(AnswerMetrics, OutcomesOfAnswersAndStatuses) {
  ask::AskResult r;
  EXPECT_EQ(outcome_of(r), AnswerOutcome::answered);
  r.abstained = true;
  EXPECT_EQ(outcome_of(r), AnswerOutcome::abstained);
  r.cached = true;
  EXPECT_EQ(outcome_of(r), AnswerOutcome::cached);
  EXPECT_EQ(outcome_of_status(429), AnswerOutcome::refused);
  EXPECT_EQ(outcome_of_status(400), AnswerOutcome::invalid);
  EXPECT_EQ(outcome_of_status(404), AnswerOutcome::invalid);
  EXPECT_EQ(outcome_of_status(502), AnswerOutcome::failed);
}

TEST(AnswerMetrics, CountsByOutcomeStreamAndKey) {
  AnswerMetrics m;
  // Every outcome is a series from the start, at zero.
  EXPECT_TRUE(has_metrics_line(m.text(), R"(strata_chat_completions_total{outcome="cancelled",stream="true"} 0)"));
  EXPECT_EQ(m.text().find("strata_model_tokens_total{"), std::string::npos);
  m.answer(AnswerOutcome::answered, false);
  m.answer(AnswerOutcome::answered, false);
  m.answer(AnswerOutcome::cancelled, true);
  m.tokens("ci", 120, 30);
  m.tokens("ci", 80, 0);
  m.tokens("", 5, 7);
  m.tokens("odd\"name\n", 1, 1);
  const std::string text = m.text();
  EXPECT_TRUE(has_metrics_line(text, R"(strata_chat_completions_total{outcome="answered",stream="false"} 2)"));
  EXPECT_TRUE(has_metrics_line(text, R"(strata_chat_completions_total{outcome="answered",stream="true"} 0)"));
  EXPECT_TRUE(has_metrics_line(text, R"(strata_chat_completions_total{outcome="cancelled",stream="true"} 1)"));
  EXPECT_TRUE(has_metrics_line(text, R"(strata_model_tokens_total{key="ci",kind="prompt"} 200)"));
  EXPECT_TRUE(has_metrics_line(text, R"(strata_model_tokens_total{key="ci",kind="completion"} 30)"));
  EXPECT_TRUE(has_metrics_line(text, R"(strata_model_tokens_total{key="",kind="completion"} 7)"));
  // A label is escaped as the format asks: one line per series.
  EXPECT_TRUE(has_metrics_line(text, R"(strata_model_tokens_total{key="odd\"name\n",kind="prompt"} 1)"));
  EXPECT_TRUE(has_metrics_line(text, "# TYPE strata_chat_completions_total counter"));
  EXPECT_TRUE(has_metrics_line(text, "# TYPE strata_model_tokens_total counter"));
}

}  // namespace
}  // namespace strata::serve
