#pragma once
// How many tokens the sources of an answer may take: what the model's window holds once the
// answer's reserve and the rest of the prompt (instructions, the question, earlier turns) are
// taken out. The arithmetic is pure, on token counts, so each rule is tested on its own
// (tests/unit/ask_budget_test.cpp); prompt_tokens counts what a request sends besides sources.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "llm/chat_client.h"
#include "llm/context_pack.h"
#include "tokenizer/tokenizer.h"

namespace strata::ask {

// The context window assumed for a model, and the encoding its tokens are counted in.
struct ModelWindow {
  std::size_t tokens = 0;
  bool known = false;  // from the table of known models, not the fallback
  tokenizer::Encoding encoding = tokenizer::Encoding::cl100k_base;
};

inline constexpr std::size_t k_offline_context_tokens = 6000;
// Sources sent to a model by default at most, whatever its window: a longer prompt costs more
// and rarely answers better.
inline constexpr std::size_t k_max_default_context_tokens = 8000;
// Output tokens kept free in the window when --max-tokens is not given.
inline constexpr std::size_t k_default_output_reserve = 1024;
// Below this many tokens for sources, an answer from them is not worth asking for.
inline constexpr std::size_t k_min_context_tokens = 256;
// Tokens a message costs beyond its text (role, separators), per the providers' accounting.
inline constexpr std::size_t k_tokens_per_message = 8;

// What the prompt holds besides the sources, in tokens, each with its messages' overhead.
struct PromptTokens {
  std::size_t question = 0;  // the instructions and the user message without sources
  std::size_t history = 0;   // the earlier turns of the conversation
  bool has_history = false;
  bool has_user_context = false;  // the user message holds text piped in with the question
};

// Counts `question` as build_prompt renders it with no sources (the instructions, a team's own
// wording and `user_context` included) and each turn of `history`, in `encoding`.
PromptTokens prompt_tokens(std::string_view question, const llm::PromptSettings& prompt,
                           const std::vector<llm::ChatMessage>& history, tokenizer::Encoding encoding,
                           std::string_view user_context = {});

struct BudgetRequest {
  bool offline = false;  // the offline answer: no window, sources up to k_offline_context_tokens
  ModelWindow window;
  std::string model;     // named in the errors
  PromptTokens prompt;
  std::optional<std::uint64_t> max_tokens;    // --max-tokens: the answer's reserve. Default: 1024.
  std::optional<std::size_t> context_tokens;  // --context-tokens: the budget asked for
};

// The tokens the sources may take. Offline: --context-tokens, else k_offline_context_tokens.
// With a model, the window holds the answer's reserve first, then the question and the earlier
// turns, and the sources get what is left, at most k_max_default_context_tokens; a given
// --context-tokens is taken as it is. Throws Error(usage) when the rest leaves the sources fewer
// than k_min_context_tokens, or when a given --context-tokens overflows a window known for sure
// (for a window assumed, the server decides).
std::size_t source_budget(const BudgetRequest& request);

}  // namespace strata::ask
