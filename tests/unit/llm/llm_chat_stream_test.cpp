#include "llm/chat_stream.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "llm/sse_parser.h"
#include "test_util.h"
#include "setting_flags.h"

namespace strata::llm {
namespace {

using nlohmann::json;

// Runs a whole SSE stream through the parser and the decoder.
ChatStreamDecoder decode_stream(Provider provider, std::string_view stream, std::string* streamed = nullptr) {
  ChatStreamDecoder decoder(provider);
  SseParser parser;
  for (const SseEvent& e : parser.feed(stream)) {
    const ChatDelta d = decoder.decode(e);
    if (streamed) *streamed += d.text;
  }
  return decoder;
}

ChatError chat_error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ChatError& e) {
    return e;
  }
  ADD_FAILURE() << "expected ChatError";
  return ChatError(ChatErrorKind::malformed, ExitCode::ok, "");
}

TEST(LlmChatRequest, OpenAiBody) {
  ChatRequest req;
  req.model = "gpt-4o-mini";
  req.system = "Be brief.";
  req.messages = {{ChatMessage::Role::user, "Hi"}, {ChatMessage::Role::assistant, "Hello"}, {ChatMessage::Role::user, "Q?"}};
  req.temperature = 0.2;
  req.max_tokens = 100;
  const json body = json::parse(chat_request_body(Provider::openai, req));
  EXPECT_EQ(body["model"], "gpt-4o-mini");
  ASSERT_EQ(body["messages"].size(), 4u);
  EXPECT_EQ(body["messages"][0], (json{{"role", "system"}, {"content", "Be brief."}}));
  EXPECT_EQ(body["messages"][2]["role"], "assistant");
  EXPECT_EQ(body["stream"], true);
  EXPECT_EQ(body["stream_options"]["include_usage"], true);
  EXPECT_DOUBLE_EQ(body["temperature"].get<double>(), 0.2);
  EXPECT_EQ(body["max_tokens"], 100);
  req.stream = false;
  req.temperature.reset();
  req.max_tokens.reset();
  const json plain = json::parse(chat_request_body(Provider::openai, req));
  EXPECT_FALSE(plain.contains("stream_options"));
  EXPECT_FALSE(plain.contains("temperature"));
  EXPECT_FALSE(plain.contains("max_tokens"));
}

TEST(LlmChatRequest, AnthropicBody) {
  ChatRequest req;
  req.model = "claude-sonnet-4-5";
  req.system = "Cite sources.";
  req.messages = {{ChatMessage::Role::user, "Q?"}};
  const json body = json::parse(chat_request_body(Provider::anthropic, req));
  EXPECT_EQ(body["system"], "Cite sources.");
  ASSERT_EQ(body["messages"].size(), 1u);  // the system prompt is not a message
  EXPECT_EQ(body["messages"][0]["role"], "user");
  EXPECT_EQ(body["max_tokens"], 4096);      // required by the API
  EXPECT_FALSE(body.contains("stream_options"));
}

TEST(LlmChatRequest, InvalidUtf8IsReplacedNotThrown) {
  ChatRequest req;
  req.model = "m";
  req.messages = {{ChatMessage::Role::user, "bad \xFF byte"}};
  const json body = json::parse(chat_request_body(Provider::openai, req));
  EXPECT_EQ(body["messages"][0]["content"], "bad \xEF\xBF\xBD byte");
}

const std::string kOpenAiStream =
    ": keep-alive\n\n"
    "data: {\"id\":\"c1\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"finish_reason\":null}]}\n\n"
    "data:{\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" wörld [1]\"},\"finish_reason\":null}]}\r\n\r\n"
    "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"content\":null,\"tool_calls\":[]},\"finish_reason\":null}]}\n\n"
    "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n"
    "data: {\"id\":\"c1\",\"choices\":[],\"usage\":{\"prompt_tokens\":812,\"completion_tokens\":9,\"total_tokens\":821}}\n\n"
    "data: [DONE]\n\n";

TEST(LlmChatStream, OpenAiStream) {
  std::string streamed;
  const ChatStreamDecoder d = decode_stream(Provider::openai, kOpenAiStream, &streamed);
  EXPECT_EQ(streamed, "Hello wörld [1]");
  EXPECT_EQ(d.text(), streamed);
  EXPECT_TRUE(d.finished());
  EXPECT_EQ(d.finish_reason(), "stop");
  EXPECT_EQ(d.usage(), (Usage{812, 9}));
  EXPECT_EQ(d.model(), "gpt-4o-mini");
}

TEST(LlmChatStream, OpenAiStreamSplitAnywhere) {
  for (std::size_t cut = 0; cut <= kOpenAiStream.size(); cut += 7) {
    ChatStreamDecoder decoder(Provider::openai);
    SseParser parser;
    for (std::string_view piece : {std::string_view(kOpenAiStream).substr(0, cut), std::string_view(kOpenAiStream).substr(cut)}) {
      for (const SseEvent& e : parser.feed(piece)) decoder.decode(e);
    }
    EXPECT_EQ(decoder.text(), "Hello wörld [1]") << cut;
  }
}

TEST(LlmChatStream, OpenAiCutStreamIsNotFinished) {
  const ChatStreamDecoder d = decode_stream(
      Provider::openai, "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Par\"},\"finish_reason\":null}]}\n\n");
  EXPECT_FALSE(d.finished());
  EXPECT_EQ(d.text(), "Par");
  EXPECT_FALSE(d.usage().input_tokens.has_value());
}

TEST(LlmChatStream, OpenAiErrorInsideA200Stream) {
  const std::string stream =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"}}]}\n\n"
      "data: {\"error\":{\"message\":\"The server had an error while processing your request.\",\"type\":\"server_error\",\"code\":null}}\n\n";
  const ChatError e = chat_error_of([&] { decode_stream(Provider::openai, stream); });
  EXPECT_EQ(e.kind(), ChatErrorKind::server);
  EXPECT_TRUE(e.retryable());
  EXPECT_EQ(e.code(), ExitCode::unavailable);
  EXPECT_NE(std::string(e.what()).find("had an error"), std::string::npos) << e.what();
  const ChatError ctx = chat_error_of([&] {
    decode_stream(Provider::openai,
                  "data: {\"error\":{\"message\":\"This model's maximum context length is 8192 tokens.\",\"code\":\"context_length_exceeded\"}}\n\n");
  });
  EXPECT_EQ(ctx.kind(), ChatErrorKind::context_too_long);
}

TEST(LlmChatStream, MalformedEvent) {
  const ChatError e = chat_error_of([&] { decode_stream(Provider::openai, "data: {\"choices\": [\n\n"); });
  EXPECT_EQ(e.kind(), ChatErrorKind::malformed);
  EXPECT_FALSE(e.retryable());
  const ChatError a = chat_error_of([&] { decode_stream(Provider::anthropic, "event: ping\ndata: not json\n\n"); });
  EXPECT_EQ(a.kind(), ChatErrorKind::malformed);
}

const std::string kAnthropicStream =
    "event: message_start\n"
    "data: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\",\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":1200,\"output_tokens\":1}}}\n\n"
    "event: content_block_start\n"
    "data: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
    "event: ping\n"
    "data: {\"type\": \"ping\"}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Strata \"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"hmm\"}}\n\n"
    "event: content_block_delta\n"
    "data: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"uses SQLite [2].\"}}\n\n"
    "event: content_block_stop\n"
    "data: {\"type\":\"content_block_stop\",\"index\":0}\n\n"
    "event: message_delta\n"
    "data: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":15}}\n\n"
    "event: message_stop\n"
    "data: {\"type\":\"message_stop\"}\n\n";

TEST(LlmChatStream, AnthropicStream) {
  std::string streamed;
  const ChatStreamDecoder d = decode_stream(Provider::anthropic, kAnthropicStream, &streamed);
  EXPECT_EQ(streamed, "Strata uses SQLite [2].");
  EXPECT_TRUE(d.finished());
  EXPECT_EQ(d.finish_reason(), "end_turn");
  EXPECT_EQ(d.usage(), (Usage{1200, 15}));
  EXPECT_EQ(d.model(), "claude-sonnet-4-5");
}

TEST(LlmChatStream, AnthropicErrorEvent) {
  const std::string stream = kAnthropicStream.substr(0, kAnthropicStream.find("event: content_block_stop")) +
                             "event: error\n"
                             "data: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
  const ChatError e = chat_error_of([&] { decode_stream(Provider::anthropic, stream); });
  EXPECT_EQ(e.kind(), ChatErrorKind::server);
  EXPECT_NE(std::string(e.what()).find("overloaded"), std::string::npos) << e.what();
}

TEST(LlmChatResponse, OpenAiWholeResponse) {
  const ChatResponse r = parse_chat_response(
      Provider::openai,
      R"({"id":"x","model":"llama3","choices":[{"index":0,"message":{"role":"assistant","content":"Answer [1]."},"finish_reason":"length"}],"usage":{"prompt_tokens":5,"completion_tokens":3}})");
  EXPECT_EQ(r.text, "Answer [1].");
  EXPECT_EQ(r.finish_reason, "length");
  EXPECT_TRUE(finished_by_length(*r.finish_reason));
  EXPECT_EQ(r.usage, (Usage{5, 3}));
  EXPECT_EQ(r.model, "llama3");
  EXPECT_EQ(chat_error_of([] { parse_chat_response(Provider::openai, R"({"choices":[]})"); }).kind(),
            ChatErrorKind::malformed);
  EXPECT_EQ(chat_error_of([] { parse_chat_response(Provider::openai, "<html>"); }).kind(), ChatErrorKind::malformed);
}

TEST(LlmChatResponse, AnthropicWholeResponse) {
  const ChatResponse r = parse_chat_response(
      Provider::anthropic,
      R"({"id":"m","type":"message","model":"claude-haiku-4-5","content":[{"type":"text","text":"Part one, "},{"type":"tool_use","id":"t"},{"type":"text","text":"part two."}],"stop_reason":"max_tokens","usage":{"input_tokens":10,"output_tokens":20}})");
  EXPECT_EQ(r.text, "Part one, part two.");
  EXPECT_EQ(r.finish_reason, "max_tokens");
  EXPECT_TRUE(finished_by_length("max_tokens"));
  EXPECT_FALSE(finished_by_length("end_turn"));
  EXPECT_EQ(r.usage, (Usage{10, 20}));
  const ChatError e = chat_error_of([] {
    parse_chat_response(Provider::anthropic, R"({"type":"error","error":{"type":"rate_limit_error","message":"slow down"}})");
  });
  EXPECT_EQ(e.kind(), ChatErrorKind::rate_limited);
}

TEST(LlmChatHttpError, KeyRejectedNeverQuotesTheKey) {
  const std::string body =
      R"({"error":{"message":"Incorrect API key provided: sk-proj-abc***************************xyz9. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","code":"invalid_api_key"}})";
  const ChatError e = chat_http_error(Provider::openai, 401, body);
  EXPECT_EQ(e.kind(), ChatErrorKind::key_rejected);
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_EQ(std::string(e.what()), "the server rejected the API key (HTTP 401)");
  EXPECT_EQ(std::string(e.what()).find("sk-"), std::string::npos);
  EXPECT_EQ(e.hint().find("sk-"), std::string::npos);
  EXPECT_EQ(chat_http_error(Provider::anthropic, 401,
                            R"({"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}})")
                .kind(),
            ChatErrorKind::key_rejected);
  EXPECT_EQ(chat_http_error(Provider::anthropic, 403, "").kind(), ChatErrorKind::key_rejected);
}

TEST(LlmChatHttpError, ContextTooLongFromEveryServer) {
  struct Case {
    Provider provider;
    long status;
    const char* body;
  };
  const Case cases[] = {
      {Provider::openai, 400, R"({"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}})"},
      {Provider::anthropic, 400, R"({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}})"},
      {Provider::openai, 400, R"({"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error","n_prompt_tokens":5000,"n_ctx":4096}})"},
      {Provider::openai, 400, R"({"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.","type":"BadRequestError","param":null,"code":400})"},
      {Provider::anthropic, 413, R"({"type":"error","error":{"type":"request_too_large","message":"Request exceeds the maximum allowed number of bytes."}})"},
  };
  for (const Case& c : cases) {
    const ChatError e = chat_http_error(c.provider, c.status, c.body);
    EXPECT_EQ(e.kind(), ChatErrorKind::context_too_long) << c.body;
    EXPECT_EQ(e.code(), ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("too long for the model's context window"), std::string::npos);
    EXPECT_NE(cli::with_flags(e.hint()).find("--context-tokens"), std::string::npos);
  }
}

TEST(LlmChatHttpError, OtherStatuses) {
  const ChatError rate = chat_http_error(Provider::openai, 429, R"({"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}})");
  EXPECT_EQ(rate.kind(), ChatErrorKind::rate_limited);
  EXPECT_TRUE(rate.retryable());
  const ChatError quota = chat_http_error(Provider::openai, 429, R"({"error":{"message":"You exceeded your current quota","code":"insufficient_quota"}})");
  EXPECT_EQ(quota.kind(), ChatErrorKind::bad_request);
  EXPECT_FALSE(quota.retryable());
  const ChatError missing = chat_http_error(Provider::openai, 404, R"({"error":{"message":"model \"llama9\" not found, try pulling it first","type":"api_error"}})");
  EXPECT_EQ(missing.kind(), ChatErrorKind::not_found);
  EXPECT_NE(std::string(missing.what()).find("llama9"), std::string::npos);
  EXPECT_NE(cli::with_flags(missing.hint()).find("--model"), std::string::npos);
  EXPECT_EQ(chat_http_error(Provider::anthropic, 529, R"({"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}})").kind(),
            ChatErrorKind::server);
  const ChatError gateway = chat_http_error(Provider::openai, 502, "<html><body>Bad Gateway</body></html>");
  EXPECT_EQ(gateway.kind(), ChatErrorKind::server);
  EXPECT_EQ(gateway.code(), ExitCode::unavailable);
  EXPECT_EQ(chat_http_error(Provider::openai, 400, R"({"error":"bad temperature"})").kind(), ChatErrorKind::bad_request);
}

TEST(LlmChatHttpError, QuotedServerTextIsSafe) {
  const std::string body = std::string(R"({"error":{"message":"bad \u001b[31mthing\u001b[0m from admin@example.com with key sk-abcdefghijklmnopqrstuvwxyz123456 )") +
                           std::string(2000, 'x') + R"("}})";
  const ChatError e = chat_http_error(Provider::openai, 400, body);
  const std::string what = e.what();
  EXPECT_EQ(what.find('\x1b'), std::string::npos);
  EXPECT_EQ(what.find("admin@example.com"), std::string::npos);
  EXPECT_EQ(what.find("sk-abc"), std::string::npos);
  EXPECT_NE(what.find("[key]"), std::string::npos);
  EXPECT_LT(what.size(), 400u);
}

// Found by fuzz_chat_openai: control characters inside a key hid it from the redaction, and the
// sanitiser then removed them, joining the key back together in the message.
TEST(LlmChatHttpError, AKeySplitByControlCharactersIsStillRedacted) {
  const std::string body = R"({"error":{"message":"bad key sk-proj-Fuzz\u0000\u0001Canary0123456789abcdefghij"}})";
  const ChatError e = chat_http_error(Provider::openai, 400, body);
  const std::string what = e.what();
  EXPECT_EQ(what.find("Canary0123456789"), std::string::npos) << what;
  EXPECT_EQ(what.find("sk-proj"), std::string::npos) << what;
}

// --- tool calling -------------------------------------------------------------------------------

ChatRequest request_with_a_tool_round() {
  ChatRequest req;
  req.model = "m";
  req.system = "sys";
  req.tools = {ToolSpec{"search", "Finds passages", R"({"type":"object","properties":{"query":{"type":"string"}}})"}};
  req.messages.emplace_back(ChatMessage::Role::user, "q");
  ChatMessage& calls = req.messages.emplace_back(ChatMessage::Role::assistant, "");
  calls.tool_calls = {{"c1", "search", R"({"query":"a"})"}, {"c2", "search", "{bad"}};
  req.messages.emplace_back(ChatMessage::Role::tool, "found a").tool_call_id = "c1";
  ChatMessage& failed = req.messages.emplace_back(ChatMessage::Role::tool, "bad arguments");
  failed.tool_call_id = "c2";
  failed.is_error = true;
  return req;
}

TEST(LlmChatTools, OpenAiBodyDeclaresToolsAndReplaysCalls) {
  ChatRequest req = request_with_a_tool_round();
  req.forbid_tools = true;
  const json body = json::parse(chat_request_body(Provider::openai, req));
  EXPECT_EQ(body["tools"][0]["type"], "function");
  EXPECT_EQ(body["tools"][0]["function"]["name"], "search");
  EXPECT_EQ(body["tools"][0]["function"]["parameters"]["properties"]["query"]["type"], "string");
  EXPECT_EQ(body["tool_choice"], "none");
  const json& m = body["messages"];
  ASSERT_EQ(m.size(), 5u);  // system, user, assistant, two tool results
  EXPECT_TRUE(m[2]["content"].is_null());
  EXPECT_EQ(m[2]["tool_calls"][1]["id"], "c2");
  EXPECT_EQ(m[2]["tool_calls"][1]["function"]["arguments"], "{bad");  // as the model wrote it
  EXPECT_EQ(m[3], json({{"role", "tool"}, {"tool_call_id", "c1"}, {"content", "found a"}}));
  EXPECT_EQ(m[4]["tool_call_id"], "c2");
}

TEST(LlmChatTools, AnthropicBodyGroupsResultsInOneUserTurn) {
  const json body = json::parse(chat_request_body(Provider::anthropic, request_with_a_tool_round()));
  EXPECT_EQ(body["tools"][0]["name"], "search");
  EXPECT_EQ(body["tools"][0]["input_schema"]["type"], "object");
  EXPECT_FALSE(body.contains("tool_choice"));
  const json& m = body["messages"];
  ASSERT_EQ(m.size(), 3u);
  EXPECT_EQ(m[1]["content"][0], json({{"type", "tool_use"}, {"id", "c1"}, {"name", "search"}, {"input", {{"query", "a"}}}}));
  EXPECT_EQ(m[1]["content"][1]["input"], json::object());  // malformed arguments go back as {}
  ASSERT_EQ(m[2]["content"].size(), 2u);
  EXPECT_EQ(m[2]["role"], "user");
  EXPECT_EQ(m[2]["content"][0]["tool_use_id"], "c1");
  EXPECT_FALSE(m[2]["content"][0].contains("is_error"));
  EXPECT_EQ(m[2]["content"][1]["is_error"], true);
}

TEST(LlmChatTools, OpenAiStreamAssemblesCallsFromPieces) {
  const std::string stream =
      "data: {\"choices\":[{\"delta\":{\"content\":\"Let me look.\"}}]}\n\n"
      "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
      "\"function\":{\"name\":\"search\",\"arguments\":\"\"}}]}}]}\n\n"
      "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"query\\\":\"}}]}}]}\n\n"
      "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_2\",\"function\":{\"name\":\"read_document\","
      "\"arguments\":\"{}\"}}]}}]}\n\n"
      "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"vacuum\\\"}\"}}]}}]}\n\n"
      "data: {\"choices\":[{\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
      "data: [DONE]\n\n";
  const ChatStreamDecoder d = decode_stream(Provider::openai, stream);
  EXPECT_TRUE(d.finished());
  EXPECT_EQ(d.text(), "Let me look.");
  ASSERT_EQ(d.tool_calls().size(), 2u);
  EXPECT_EQ(d.tool_calls()[0], (ToolCall{"call_1", "search", R"({"query":"vacuum"})"}));
  EXPECT_EQ(d.tool_calls()[1], (ToolCall{"call_2", "read_document", "{}"}));
  EXPECT_EQ(d.finish_reason(), "tool_calls");
}

TEST(LlmChatTools, AnthropicStreamAssemblesToolUseBlocks) {
  const std::string stream =
      "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"model\":\"claude\"}}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Checking.\"}}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"search\",\"input\":{}}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"query\\\": \\\"wal\"}}\n\n"
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":1,\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"\\\"}\"}}\n\n"
      "event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":1}\n\n"
      "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_2\",\"name\":\"list_collections\",\"input\":{}}}\n\n"
      "event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\"}}\n\n"
      "event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
  const ChatStreamDecoder d = decode_stream(Provider::anthropic, stream);
  EXPECT_EQ(d.text(), "Checking.");
  ASSERT_EQ(d.tool_calls().size(), 2u);
  EXPECT_EQ(d.tool_calls()[0], (ToolCall{"toolu_1", "search", R"({"query": "wal"})"}));
  EXPECT_EQ(d.tool_calls()[1], (ToolCall{"toolu_2", "list_collections", ""}));  // no input pieces
  EXPECT_EQ(d.finish_reason(), "tool_use");
}

TEST(LlmChatTools, WholeResponsesCarryTheirCalls) {
  const ChatResponse o = parse_chat_response(Provider::openai, R"({"choices":[{"message":{"content":null,
      "tool_calls":[{"id":"c","type":"function","function":{"name":"search","arguments":"{\"query\":\"x\"}"}}]},
      "finish_reason":"tool_calls"}]})");
  ASSERT_EQ(o.tool_calls.size(), 1u);
  EXPECT_EQ(o.tool_calls[0], (ToolCall{"c", "search", R"({"query":"x"})"}));
  EXPECT_EQ(o.text, "");
  const ChatResponse a = parse_chat_response(Provider::anthropic, R"({"content":[{"type":"text","text":"t"},
      {"type":"tool_use","id":"u","name":"search","input":{"query":"y"}}],"stop_reason":"tool_use"})");
  ASSERT_EQ(a.tool_calls.size(), 1u);
  EXPECT_EQ(a.tool_calls[0], (ToolCall{"u", "search", R"({"query":"y"})"}));
  EXPECT_EQ(a.text, "t");
}

TEST(LlmChatTools, TooManyCallsOrHugeArgumentsAreMalformed) {
  std::string stream;
  for (std::size_t i = 0; i <= k_max_tool_calls; ++i) {
    stream += "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":" + std::to_string(i) +
              ",\"id\":\"c\",\"function\":{\"name\":\"search\",\"arguments\":\"{}\"}}]}}]}\n\n";
  }
  EXPECT_EQ(chat_error_of([&] { decode_stream(Provider::openai, stream); }).kind(), ChatErrorKind::malformed);
  const std::string piece(64 * 1024, 'a');
  std::string big;
  for (std::size_t sent = 0; sent <= k_max_tool_arguments; sent += piece.size()) {
    big += "data: {\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"" + piece + "\"}}]}}]}\n\n";
  }
  EXPECT_EQ(chat_error_of([&] { decode_stream(Provider::openai, big); }).kind(), ChatErrorKind::malformed);
}

// A tool call's input nested 200,000 levels deep (Anthropic's whole response and its
// content_block_start event) crashed `ask --tools` in the copy and dump that followed parsing;
// arguments that deep (OpenAI's string, Anthropic's streamed pieces) crashed the next request's
// replay of the call. The response or event is refused unread; a replayed call goes back as {}.
TEST(LlmChatTools, DeeplyNestedInputIsMalformedNotACrash) {
  const std::string deep = std::string(200000, '[') + std::string(200000, ']');
  const ChatError whole = chat_error_of([&] {
    parse_chat_response(Provider::anthropic,
                        R"({"content":[{"type":"tool_use","id":"u","name":"search","input":{"query":)" + deep + "}}]}");
  });
  EXPECT_EQ(whole.kind(), ChatErrorKind::malformed);
  EXPECT_STREQ(whole.what(), "the response is JSON nested deeper than 128 levels");
  EXPECT_EQ(whole.code(), ExitCode::unavailable);
  const ChatError event = chat_error_of([&] {
    decode_stream(Provider::anthropic,
                  "event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                  "{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"search\",\"input\":{\"q\":" + deep + "}}}\n\n");
  });
  EXPECT_STREQ(event.what(), "a streamed event is JSON nested deeper than 128 levels");
  const ChatError openai = chat_error_of([&] {
    decode_stream(Provider::openai, "data: {\"choices\":[{\"delta\":{\"content\":" + deep + "}}]}\n\n");
  });
  EXPECT_STREQ(openai.what(), "a streamed event is JSON nested deeper than 128 levels");

  ChatRequest req = request_with_a_tool_round();
  req.messages[1].tool_calls[0].arguments = R"({"query":)" + deep + "}";
  const json body = json::parse(chat_request_body(Provider::anthropic, req));
  EXPECT_EQ(body["messages"][1]["content"][0]["input"], json::object());
}

}  // namespace
}  // namespace strata::llm
