#include "ask/budget.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "common/error.h"
#include "setting_flags.h"
#include "test_util.h"

namespace strata::ask {
namespace {

// A model with a window of `tokens`, known for sure or assumed.
BudgetRequest model_request(std::size_t tokens, bool known, PromptTokens prompt) {
  BudgetRequest r;
  r.window.tokens = tokens;
  r.window.known = known;
  r.model = "m";
  r.prompt = prompt;
  return r;
}

std::string message_of(const BudgetRequest& r) {
  const Error e = testing::error_of([&] { source_budget(r); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  return cli::with_flags(std::string(e.what()) + " / " + e.hint());  // as the CLI prints it
}

TEST(AskBudget, OfflineTakesTheFlagOrTheDefault) {
  BudgetRequest r;
  r.offline = true;
  EXPECT_EQ(source_budget(r), k_offline_context_tokens);
  r.context_tokens = 123;
  EXPECT_EQ(source_budget(r), 123u);
}

TEST(AskBudget, TheAnswersReserveIsKeptFree) {
  // 4096 - 1024 (default reserve) - 100 (the question) = 2972 for the sources.
  BudgetRequest r = model_request(4096, false, {100, 0, false});
  EXPECT_EQ(source_budget(r), 4096u - k_default_output_reserve - 100);
  r.max_tokens = 2000;
  EXPECT_EQ(source_budget(r), 4096u - 2000 - 100);
}

TEST(AskBudget, SourcesAreCutToTheDefaultCeilingInALargeWindow) {
  const BudgetRequest r = model_request(128'000, true, {100, 0, false});
  EXPECT_EQ(source_budget(r), k_max_default_context_tokens);
}

TEST(AskBudget, TheHistoryIsTakenOutBeforeTheSources) {
  BudgetRequest r = model_request(4096, false, {100, 1000, true});
  EXPECT_EQ(source_budget(r), 4096u - k_default_output_reserve - 100 - 1000);
  // A conversation long enough leaves the sources too little: start a new one.
  r.prompt.history = 4096 - k_default_output_reserve - 100 - (k_min_context_tokens - 1);
  const std::string m = message_of(r);
  EXPECT_NE(m.find("no room for sources in the 4096-token window assumed for m"), std::string::npos) << m;
  EXPECT_NE(m.find("instructions, question and earlier turns"), std::string::npos) << m;
  EXPECT_NE(m.find("start a new conversation"), std::string::npos) << m;
  r.prompt.history -= 1;  // exactly the minimum left
  EXPECT_EQ(source_budget(r), k_min_context_tokens);
}

TEST(AskBudget, AQuestionThatAloneExceedsTheWindowIsRefused) {
  BudgetRequest r = model_request(4096, false, {5000, 0, false});
  const std::string m = message_of(r);
  EXPECT_NE(m.find("it holds 5000 tokens of instructions, question and 1024 for the answer"), std::string::npos) << m;
  EXPECT_NE(m.find("lower --max-tokens"), std::string::npos) << m;
}

TEST(AskBudget, AGivenBudgetIsRefusedOnlyByAWindowKnownForSure) {
  BudgetRequest r = model_request(8192, true, {100, 0, false});
  r.context_tokens = 9000;
  const std::string m = message_of(r);
  EXPECT_NE(m.find("would not fit m's 8192-token window: --context-tokens 9000"), std::string::npos) << m;
  EXPECT_NE(m.find("at most " + std::to_string(8192 - k_default_output_reserve - 100)), std::string::npos) << m;
  r.context_tokens = 8192 - k_default_output_reserve - 100;
  EXPECT_EQ(source_budget(r), *r.context_tokens);
  // An assumed window: the server decides, and a question over it is no reason to refuse.
  r = model_request(4096, false, {5000, 0, false});
  r.context_tokens = 9000;
  EXPECT_EQ(source_budget(r), 9000u);
}

TEST(AskBudget, PromptTokensCountTheQuestionAndEachTurnWithTheirMessages) {
  const std::vector<llm::ChatMessage> history = {{llm::ChatMessage::Role::user, "What is a rollback?"},
                                                 {llm::ChatMessage::Role::assistant, "It undoes a migration [1]."}};
  const PromptTokens alone = prompt_tokens("and a down migration?", {}, {}, tokenizer::Encoding::cl100k_base);
  const PromptTokens with = prompt_tokens("and a down migration?", {}, history, tokenizer::Encoding::cl100k_base);
  EXPECT_FALSE(alone.has_history);
  EXPECT_EQ(alone.history, 0u);
  EXPECT_TRUE(with.has_history);
  EXPECT_EQ(with.question, alone.question);
  const tokenizer::Tokenizer& tok = tokenizer::Tokenizer::get(tokenizer::Encoding::cl100k_base);
  EXPECT_EQ(with.history, tok.count(history[0].content) + tok.count(history[1].content) + 2 * k_tokens_per_message);
  // A team's instructions are part of what the sources cannot use.
  llm::PromptSettings team;
  team.system = "Answer in French, and be brief about it.";
  EXPECT_GT(prompt_tokens("and a down migration?", team, {}, tokenizer::Encoding::cl100k_base).question, alone.question);
}

TEST(AskBudget, TextGivenWithTheQuestionCountsAndLeavesLessForSources) {
  const std::string error = "strata check: checksum mismatch in 0002_add_users.sql (recorded 3f2a, file 9b1c)";
  const PromptTokens alone = prompt_tokens("why?", {}, {}, tokenizer::Encoding::cl100k_base);
  const PromptTokens with = prompt_tokens("why?", {}, {}, tokenizer::Encoding::cl100k_base, error);
  EXPECT_FALSE(alone.has_user_context);
  EXPECT_TRUE(with.has_user_context);
  const tokenizer::Tokenizer& tok = tokenizer::Tokenizer::get(tokenizer::Encoding::cl100k_base);
  EXPECT_GE(with.question, alone.question + tok.count(error));
  // A text the window cannot hold with sources: the error names it and the way out.
  const std::string m = message_of(model_request(4096, false, {3000, 0, false, true}));
  EXPECT_NE(m.find("the text from standard input"), std::string::npos) << m;
  EXPECT_NE(m.find("--no-stdin"), std::string::npos) << m;
  EXPECT_EQ(message_of(model_request(4096, false, {3000, 0, false, false})).find("standard input"), std::string::npos);
}

}  // namespace
}  // namespace strata::ask
