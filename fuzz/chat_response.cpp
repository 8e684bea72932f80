// Target: the chat response parsers of one provider family (FUZZ_CHAT_PROVIDER: openai or
// anthropic, set per target by CMake): the body is read as an event stream (core/llm/sse_parser)
// and each event decoded by ChatStreamDecoder, then as a whole non-streaming response, then as
// an HTTP error body with a status picked by the first byte. Checks: nothing but ChatError (or
// the parser's limit Error) escapes; the decoder's text is exactly the deltas it returned;
// every error message is one line of valid UTF-8 without control characters and never contains
// the API key that the input may carry.
#include <array>

#include "fuzz_util.h"
#include "llm/chat_stream.h"
#include "llm/sse_parser.h"

using namespace strata;
using namespace strata::llm;

namespace {

constexpr std::string_view kKey = "sk-proj-FuzzCanary0123456789abcdefghijKLMN";

void check_message(const Error& e) {
  const std::string m = e.what();
  FUZZ_CHECK(fuzz::is_valid_utf8(m), "message not UTF-8");
  for (char ch : m) FUZZ_CHECK(static_cast<unsigned char>(ch) >= 0x20 && ch != 0x7f, "control character in a message: " + m);
  FUZZ_CHECK(m.find(kKey) == std::string::npos, "API key in a message: " + m);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr Provider provider = Provider::FUZZ_CHAT_PROVIDER;
  fuzz::Input in(data, size);
  const std::uint8_t pick = in.byte();
  std::string body(in.rest());
  // A server echoes a key as a word of its own ("Incorrect API key provided: sk-…"); the fuzzer
  // also learns the key from the comparison below and glues it to other words or splits it with
  // control characters, which must be redacted as well (both found and fixed in session 6).
  if (pick & 0x80) body.insert(body.size() / 2, " " + std::string(kKey) + " ");

  // Streamed.
  ChatStreamDecoder decoder(provider);
  std::string deltas;
  try {
    SseParser parser;
    for (const SseEvent& ev : parser.feed(body)) {
      const ChatDelta d = decoder.decode(ev);
      deltas += d.text;
      if (d.finish_reason) FUZZ_CHECK(decoder.finish_reason() == d.finish_reason, "finish reason not kept");
    }
  } catch (const Error& e) {
    check_message(e);
  }
  FUZZ_CHECK(decoder.text() == deltas, "decoder text differs from its deltas");
  // Tool calls stay within their limits, and replaying them to the model (as ask --tools does,
  // with a result for each) builds a request body whatever the model wrote.
  FUZZ_CHECK(decoder.tool_calls().size() <= k_max_tool_calls, "more tool calls than the limit");
  ChatRequest replay;
  replay.model = "m";
  replay.tools = {ToolSpec{"search", "d", "{not json"}};
  ChatMessage& said = replay.messages.emplace_back(ChatMessage::Role::assistant, deltas);
  said.tool_calls = decoder.tool_calls();
  for (const ToolCall& c : decoder.tool_calls()) {
    FUZZ_CHECK(c.arguments.size() <= k_max_tool_arguments, "tool arguments over the limit");
    replay.messages.emplace_back(ChatMessage::Role::tool, c.arguments).tool_call_id = c.id;
  }
  FUZZ_CHECK(!chat_request_body(provider, replay).empty(), "no request body");

  // Whole.
  try {
    const ChatResponse r = parse_chat_response(provider, body);
    (void)finished_by_length(r.finish_reason.value_or(""));
  } catch (const ChatError& e) {
    check_message(e);
  }

  // Error bodies.
  static constexpr std::array<long, 12> kStatus = {400, 401, 403, 404, 408, 409, 413, 422, 429, 500, 503, 529};
  const ChatError e = chat_http_error(provider, kStatus[pick % kStatus.size()], body);
  check_message(e);
  FUZZ_CHECK(e.code() == ExitCode::usage || e.code() == ExitCode::unavailable, e.what());
  return 0;
}
