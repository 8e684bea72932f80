#pragma once
// The tool-calling exchange of `ask --tools`: the model answers or asks for tools; strata runs
// them and sends the results back; again, until the model answers or the step limit is reached.
// At the last allowed request the tools stay declared but the model is told to answer
// (tool_choice none), so a model that keeps calling tools still ends with an answer.
//
// Text the model writes at any step reaches the observer as it streams (steps separated by a
// blank line) and is the answer: what the reader saw is what is cited, checked and logged.
// Every call is answered, also one to a tool that does not exist, with arguments that are not
// JSON, that the user refused, or that failed: the model reads why and may correct itself.
#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "ask/agent_tool.h"
#include "ask/ask.h"
#include "common/json_limits.h"
#include "llm/chat_client.h"

namespace strata::ask {

// What the system prompt adds when tools are offered.
std::string tool_instructions();

// A call's arguments as every tool gets them: {} when the model sent none (Anthropic without
// input pieces), else the text parsed within k_json_max_depth levels and k_max_tool_arguments
// bytes. When not ok(), the call is answered with the problem and no tool runs. Exposed for
// fuzz/tool_arguments.cpp.
ParsedJson parse_tool_arguments(const std::string& arguments);

struct ToolLoopResult {
  llm::ChatResult reply;  // text: every step's; usage, attempts and latency: summed
  std::size_t steps = 0;
  bool step_limit = false;  // the last allowed request still asked for tools
};

// Runs the exchange from `chat` (its messages end with the user's turn), appending each call to
// `calls` as it is made (so that they are known also when a later request fails). REQUIRES:
// settings.max_steps >= 1. Throws llm::ChatError as ChatClient::complete does, when a request
// fails before any text of it was handed out.
ToolLoopResult run_tool_loop(llm::ChatClient& client, llm::ChatRequest chat, std::span<const AgentTool> tools,
                             const ToolSettings& settings, AskObserver& observer, std::vector<ToolCallRecord>& calls);

}  // namespace strata::ask
