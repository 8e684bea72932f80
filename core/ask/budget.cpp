#include "ask/budget.h"

#include <algorithm>

#include "common/error.h"
#include "common/setting.h"

namespace strata::ask {
namespace {

std::size_t with_overhead(std::size_t text_tokens) { return text_tokens + k_tokens_per_message; }

}  // namespace

PromptTokens prompt_tokens(std::string_view question, const llm::PromptSettings& prompt,
                           const std::vector<llm::ChatMessage>& history, tokenizer::Encoding encoding,
                           std::string_view user_context) {
  const tokenizer::Tokenizer& tok = tokenizer::Tokenizer::get(encoding);
  const llm::Prompt bare = llm::build_prompt(question, llm::ContextPack{}, prompt, user_context);
  PromptTokens t;
  t.has_user_context = !user_context.empty();
  t.question = with_overhead(tok.count(bare.system)) + with_overhead(tok.count(bare.user));
  for (const llm::ChatMessage& m : history) t.history += with_overhead(tok.count(m.content));
  t.has_history = !history.empty();
  return t;
}

std::size_t source_budget(const BudgetRequest& request) {
  if (request.offline) return request.context_tokens.value_or(k_offline_context_tokens);
  const std::size_t window = request.window.tokens;
  const std::size_t overhead = request.prompt.question + request.prompt.history;
  const std::size_t reserve = request.max_tokens ? static_cast<std::size_t>(*request.max_tokens) : k_default_output_reserve;
  const std::size_t available = window > reserve + overhead ? window - reserve - overhead : 0;
  const std::string fits = std::to_string(overhead) + " tokens of instructions, question" +
                           (request.prompt.has_user_context ? ", the text from standard input" : "") +
                           (request.prompt.has_history ? " and earlier turns" : "") + " and " + std::to_string(reserve) +
                           " for the answer";
  if (request.context_tokens) {
    const std::size_t asked = *request.context_tokens;
    // Only a window we know for sure is a reason to refuse; for others the server decides.
    if (request.window.known && asked > available) {
      throw Error(ExitCode::usage,
                  "the prompt would not fit " + request.model + "'s " + std::to_string(window) +
                      "-token window: " + mention(Setting::context_tokens) + " " + std::to_string(asked) + " plus " + fits,
                  "lower " + mention(Setting::context_tokens) + " (at most " + std::to_string(available) + " here) or " + mention(Setting::max_tokens));
    }
    return asked;
  }
  if (available < k_min_context_tokens && request.prompt.has_user_context) {
    throw Error(ExitCode::usage,
                "no room for sources in the " + std::to_string(window) + "-token window assumed for " + request.model +
                    ": it holds " + fits,
                "pipe less text to strata ask (or give " + mention(Setting::no_stdin) + " to leave standard input unread), or give " +
                    mention(Setting::context_tokens) + " if the server's window is larger");
  }
  if (available < k_min_context_tokens) {
    throw Error(ExitCode::usage,
                "no room for sources in the " + std::to_string(window) + "-token window assumed for " + request.model +
                    ": it holds " + fits,
                request.prompt.has_history ? "start a new conversation (without " + mention(Setting::continue_conversation) + "), or give " + mention(Setting::context_tokens) + " if "
                                             "the server's window is larger"
                                           : "lower " + mention(Setting::max_tokens) + ", or give " + mention(Setting::context_tokens) + " if the server's window is larger");
  }
  return std::min(available, k_max_default_context_tokens);
}

}  // namespace strata::ask
