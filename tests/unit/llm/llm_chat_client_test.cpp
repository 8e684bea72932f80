// ChatClient against the real test server (tests/servers/openai_server.py): both providers,
// streamed and whole; every SSE edge case the issue lists (keep-alives, `data:` without a space,
// CR / CRLF line ends, events and UTF-8 split across TCP writes, multi-line data, the usage-only
// chunk, [DONE], an error object after HTTP 200); retries before the first text and never after;
// a cut stream as a partial answer; 401 and context-too-long in our words; the key in no message.
#include "llm/chat_client.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "../../servers/test_server.h"
#include "setting_flags.h"

namespace strata::llm {
namespace {

using strata::testing::TestServer;
using Clock = std::chrono::steady_clock;

const std::string k_canary = "sk-canary-chat-5e1d9b7a3c2f4e60";
// Multi-byte characters of 2, 3 and 4 bytes, so a one-byte split cuts each of them.
const std::string k_unicode_answer = "Naïve café: 東京 has 🚀 launches [1].";

class Recorder final : public ChatObserver {
 public:
  void text(std::string_view delta) override {
    pieces.emplace_back(delta);
    times.push_back(Clock::now());
  }
  void retrying(const std::string& why, std::chrono::milliseconds) override { retries.push_back(why); }
  std::string joined() const {
    std::string s;
    for (const std::string& p : pieces) s += p;
    return s;
  }
  std::vector<std::string> pieces;
  std::vector<Clock::time_point> times;
  std::vector<std::string> retries;
};

class ChatClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override { server_->reset(); }

  static const TestServer& server() { return *server_; }
  static void chat_script(const std::string& responses) {
    server_->control("POST", "/_control/chat_script", "{\"responses\": " + responses + "}");
  }
  static std::vector<nlohmann::json> chat_requests() {
    std::vector<nlohmann::json> out;
    for (const auto& r : server_->requests()) {
      if (r.contains("kind")) out.push_back(r);
    }
    return out;
  }

  static ChatClient client(Provider p, const std::string& key = "", int retries = 3) {
    ChatEndpoint e;
    e.provider = p;
    e.base_url = p == Provider::openai ? server_->base_url() : server_->origin();
    e.api_key = key;
    e.api_key_env = p == Provider::openai ? "OPENAI_API_KEY" : "ANTHROPIC_API_KEY";
    ChatClientOptions o;
    o.retry.max_retries = retries;
    o.retry.base_delay = std::chrono::milliseconds(1);
    o.retry.max_delay = std::chrono::milliseconds(5);
    o.idle_timeout = std::chrono::seconds(10);
    return ChatClient(e, o);
  }

  static ChatRequest question(bool stream = true) {
    ChatRequest r;
    r.model = "test-model";
    r.system = "Answer from the sources.";
    r.messages.push_back({ChatMessage::Role::user, "What launches from Tokyo?"});
    r.stream = stream;
    return r;
  }

  static TestServer* server_;
};

TestServer* ChatClientTest::server_ = nullptr;

TEST_F(ChatClientTest, OpenAiStreamArrivesPieceByPieceWithUsage) {
  auto c = client(Provider::openai);
  Recorder rec;
  const ChatResult r = c.complete(question(), rec);
  EXPECT_EQ(r.text, "Strata reads your documents [1].");
  EXPECT_EQ(rec.joined(), r.text);
  EXPECT_EQ(rec.pieces.size(), 5u);  // one delta per word: nothing was buffered to the end
  EXPECT_FALSE(r.partial);
  EXPECT_EQ(r.attempts, 1);
  EXPECT_EQ(r.finish_reason, "stop");
  EXPECT_EQ(r.model, "test-model");
  // The usage-only chunk (choices: []) came after the finish_reason and before [DONE].
  ASSERT_TRUE(r.usage.output_tokens.has_value());
  EXPECT_EQ(*r.usage.output_tokens, 5u);
  EXPECT_TRUE(r.usage.input_tokens.has_value());
  const auto reqs = chat_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0]["path"], "/v1/chat/completions");
  EXPECT_EQ(reqs[0]["stream"], true);
  EXPECT_EQ(reqs[0]["stream_options"]["include_usage"], true);
  EXPECT_EQ(reqs[0]["messages"][0]["role"], "system");
  EXPECT_EQ(reqs[0]["messages"][1]["content"], "What launches from Tokyo?");
  EXPECT_TRUE(reqs[0]["authorization"].is_null());
}

TEST_F(ChatClientTest, AnthropicStreamSendsItsHeadersAndReadsItsEvents) {
  auto c = client(Provider::anthropic, k_canary);
  Recorder rec;
  const ChatResult r = c.complete(question(), rec);
  EXPECT_EQ(r.text, "Strata reads your documents [1].");
  EXPECT_EQ(rec.pieces.size(), 5u);
  EXPECT_EQ(r.finish_reason, "end_turn");
  EXPECT_EQ(r.usage.output_tokens, 5u);
  EXPECT_TRUE(r.usage.input_tokens.has_value());
  const auto reqs = chat_requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0]["path"], "/v1/messages");
  EXPECT_EQ(reqs[0]["x_api_key"], k_canary);
  EXPECT_EQ(reqs[0]["anthropic_version"], "2023-06-01");
  EXPECT_TRUE(reqs[0]["authorization"].is_null());
  EXPECT_EQ(reqs[0]["system"], "Answer from the sources.");
  EXPECT_TRUE(reqs[0]["max_tokens"].is_number());  // required by the Messages API
}

TEST_F(ChatClientTest, AnthropicBaseUrlWithOrWithoutV1) {
  EXPECT_EQ(chat_url({Provider::anthropic, "https://api.anthropic.com", "", ""}), "https://api.anthropic.com/v1/messages");
  EXPECT_EQ(chat_url({Provider::anthropic, "https://proxy.example/v1/", "", ""}), "https://proxy.example/v1/messages");
  EXPECT_EQ(chat_url({Provider::openai, "http://localhost:11434/v1/", "", ""}), "http://localhost:11434/v1/chat/completions");
}

// Every shape of event stream the issue lists, for both providers; each must give exactly the
// answer, whole characters included.
TEST_F(ChatClientTest, EveryStreamShapeGivesTheSameAnswer) {
  const std::vector<std::string> shapes = {
      R"({})",
      R"({"keepalive": true})",
      R"({"no_space": true})",
      R"({"eol": "\r\n"})",
      R"({"eol": "\r"})",
      R"({"multiline": true})",
      R"({"split_bytes": 1})",
      R"({"split_bytes": 3, "eol": "\r\n", "keepalive": true})",
      R"({"split_bytes": 2, "eol": "\r", "no_space": true, "multiline": true})",
      R"({"usage_chunk": false})",
  };
  for (const Provider p : {Provider::openai, Provider::anthropic}) {
    for (const std::string& shape : shapes) {
      nlohmann::json b = nlohmann::json::parse(shape);
      b["answer"] = k_unicode_answer;
      chat_script("[" + b.dump() + "]");
      auto c = client(p);
      Recorder rec;
      const ChatResult r = c.complete(question(), rec);
      const std::string label = (p == Provider::openai ? "openai " : "anthropic ") + shape;
      EXPECT_EQ(r.text, k_unicode_answer) << label;
      EXPECT_EQ(rec.joined(), k_unicode_answer) << label;
      EXPECT_FALSE(r.partial) << label;
      EXPECT_EQ(r.attempts, 1) << label;
      // No piece ever holds a broken character (the sanitiser downstream would show U+FFFD).
      for (const std::string& piece : rec.pieces) {
        EXPECT_EQ(piece.find("\xEF\xBF\xBD"), std::string::npos) << label;
      }
    }
  }
}

TEST_F(ChatClientTest, HandWrittenStreamWithBomCommentsAndDone) {
  const std::string raw =
      "\xEF\xBB\xBF: hello\r\n\r\n"
      "data:{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}}]}\r\n\r\n"
      ": keep-alive\n\n"
      "data: {\"choices\":[{\"index\":0,\n"
      "data: \"delta\":{\"content\":\"B\"}}]}\r\r"
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2}}\n\n"
      "data: [DONE]\n\n";
  chat_script(nlohmann::json::array({{{"raw", raw}, {"split_bytes", 4}}}).dump());
  auto c = client(Provider::openai);
  Recorder rec;
  const ChatResult r = c.complete(question(), rec);
  EXPECT_EQ(r.text, "AB");
  EXPECT_EQ(r.usage.input_tokens, 7u);
  EXPECT_EQ(r.usage.output_tokens, 2u);
  EXPECT_FALSE(r.partial);
}

TEST_F(ChatClientTest, ErrorObjectBeforeAnyTextIsRetried) {
  chat_script(R"([{"error_after": 0}, {}])");
  auto c = client(Provider::openai);
  Recorder rec;
  const ChatResult r = c.complete(question(), rec);
  EXPECT_EQ(r.text, "Strata reads your documents [1].");
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(rec.retries.size(), 1u);
  EXPECT_EQ(chat_requests().size(), 2u);
}

TEST_F(ChatClientTest, ErrorObjectAfterTextIsAPartialAnswerNeverRetried) {
  for (const Provider p : {Provider::openai, Provider::anthropic}) {
    server().reset();
    chat_script(R"([{"error_after": 2}, {}])");
    auto c = client(p);
    Recorder rec;
    const ChatResult r = c.complete(question(), rec);
    EXPECT_TRUE(r.partial);
    EXPECT_EQ(r.text, "Strata reads ");
    EXPECT_EQ(rec.joined(), "Strata reads ");
    ASSERT_TRUE(r.error.has_value());
    EXPECT_EQ(r.error->kind(), ChatErrorKind::server);
    EXPECT_EQ(r.attempts, 1);
    EXPECT_TRUE(rec.retries.empty());
    EXPECT_EQ(chat_requests().size(), 1u) << "a second request after text was streamed";
  }
}

TEST_F(ChatClientTest, CutStreamMidAnswerIsPartialWithAClearError) {
  chat_script(R"([{"cut_after": 3}, {}])");
  auto c = client(Provider::openai);
  Recorder rec;
  const ChatResult r = c.complete(question(), rec);
  EXPECT_TRUE(r.partial);
  EXPECT_EQ(r.text, "Strata reads your ");
  ASSERT_TRUE(r.error.has_value());
  EXPECT_NE(std::string(r.error->what()).find("cut off"), std::string::npos) << r.error->what();
  EXPECT_EQ(r.error->code(), ExitCode::unavailable);
  EXPECT_EQ(chat_requests().size(), 1u);
}

TEST_F(ChatClientTest, StreamEndingWithoutItsEndIsPartial) {
  chat_script(R"([{"end_after": 2, "done": false}])");
  auto c = client(Provider::anthropic);
  Recorder rec;
  const ChatResult r = c.complete(question(), rec);
  EXPECT_TRUE(r.partial);
  EXPECT_EQ(r.text, "Strata reads ");
  EXPECT_EQ(chat_requests().size(), 1u);
}

TEST_F(ChatClientTest, CutBeforeTheFirstTextIsRetried) {
  chat_script(R"([{"cut_after": 0}, {"fault": "reset"}, {}])");
  auto c = client(Provider::openai);
  Recorder rec;
  const ChatResult r = c.complete(question(), rec);
  EXPECT_FALSE(r.partial);
  EXPECT_EQ(r.text, "Strata reads your documents [1].");
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(rec.retries.size(), 2u);
}

TEST_F(ChatClientTest, RateLimitHonoursRetryAfterThenSucceeds) {
  chat_script(R"([{"status": 429, "headers": {"Retry-After": "0"}}, {"status": 500}, {}])");
  auto c = client(Provider::openai);
  Recorder rec;
  const ChatResult r = c.complete(question(), rec);
  EXPECT_EQ(r.attempts, 3);
  EXPECT_EQ(r.text, "Strata reads your documents [1].");
  EXPECT_EQ(chat_requests().size(), 3u);
}

TEST_F(ChatClientTest, RetryAfterBeyondTheLimitGivesUpAtOnce) {
  chat_script(R"([{"status": 429, "headers": {"Retry-After": "3600"}}])");
  auto c = client(Provider::openai);
  Recorder rec;
  const auto start = Clock::now();
  try {
    c.complete(question(), rec);
    FAIL() << "expected ChatError";
  } catch (const ChatError& e) {
    EXPECT_EQ(e.kind(), ChatErrorKind::rate_limited);
    EXPECT_NE(e.hint().find("3600 s"), std::string::npos) << e.hint();
  }
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(chat_requests().size(), 1u);
}

TEST_F(ChatClientTest, ServerErrorsGiveUpAfterTheRetries) {
  chat_script(R"([{"status": 500}, {"status": 502}, {"status": 503}, {"status": 500}])");
  auto c = client(Provider::anthropic, "", 2);
  Recorder rec;
  try {
    c.complete(question(), rec);
    FAIL() << "expected ChatError";
  } catch (const ChatError& e) {
    EXPECT_EQ(e.kind(), ChatErrorKind::server);
    EXPECT_EQ(e.code(), ExitCode::unavailable);
    EXPECT_NE(std::string(e.what()).find("after 3 attempts"), std::string::npos) << e.what();
  }
  EXPECT_EQ(chat_requests().size(), 3u);
  EXPECT_TRUE(rec.pieces.empty());
}

TEST_F(ChatClientTest, RejectedKeySaysSoWithoutTheKeyAndIsNotRetried) {
  server().configure(R"({"require_key": "the-right-key-0000000000"})");
  for (const Provider p : {Provider::openai, Provider::anthropic}) {
    auto c = client(p, k_canary);
    Recorder rec;
    try {
      c.complete(question(), rec);
      FAIL() << "expected ChatError";
    } catch (const ChatError& e) {
      EXPECT_EQ(e.kind(), ChatErrorKind::key_rejected);
      EXPECT_EQ(e.code(), ExitCode::usage);
      const std::string all = std::string(e.what()) + " " + e.hint();
      EXPECT_NE(all.find("key was rejected"), std::string::npos) << all;
      EXPECT_NE(all.find(p == Provider::openai ? "$OPENAI_API_KEY" : "$ANTHROPIC_API_KEY"), std::string::npos) << all;
      // OpenAI's 401 echoes the start and end of the key: neither may reach the user.
      EXPECT_EQ(all.find(k_canary.substr(0, 8)), std::string::npos) << all;
      EXPECT_EQ(all.find(k_canary.substr(k_canary.size() - 4)), std::string::npos) << all;
    }
  }
  EXPECT_EQ(chat_requests().size(), 2u);  // one per provider: no retries
}

TEST_F(ChatClientTest, ContextTooLongSaysSoAndIsNotRetried) {
  for (const Provider p : {Provider::openai, Provider::anthropic}) {
    server().reset();
    chat_script(R"([{"context_too_long": true}])");
    auto c = client(p);
    Recorder rec;
    try {
      c.complete(question(), rec);
      FAIL() << "expected ChatError";
    } catch (const ChatError& e) {
      EXPECT_EQ(e.kind(), ChatErrorKind::context_too_long) << e.what();
      EXPECT_NE(std::string(e.what()).find("too long"), std::string::npos) << e.what();
      EXPECT_NE(cli::with_flags(e.hint()).find("--context-tokens"), std::string::npos) << e.hint();
    }
    EXPECT_EQ(chat_requests().size(), 1u);
  }
}

TEST_F(ChatClientTest, SlowStreamReachesTheObserverTokenByToken) {
  chat_script(R"([{"delay_ms": 60}])");
  auto c = client(Provider::openai);
  Recorder rec;
  const ChatResult r = c.complete(question(), rec);
  ASSERT_EQ(rec.times.size(), 5u);
  // Each delta was handed out as it arrived, not at the end.
  EXPECT_GE(rec.times.back() - rec.times.front(), std::chrono::milliseconds(200));
  EXPECT_GT(r.first_text_ms, 0.0);
  EXPECT_LT(r.first_text_ms, r.latency_ms - 150);
}

TEST_F(ChatClientTest, WholeResponsesForBothProviders) {
  for (const Provider p : {Provider::openai, Provider::anthropic}) {
    auto c = client(p);
    Recorder rec;
    const ChatResult r = c.complete(question(false), rec);
    EXPECT_EQ(r.text, "Strata reads your documents [1].");
    EXPECT_EQ(rec.pieces.size(), 1u);
    EXPECT_EQ(r.usage.output_tokens, 5u);
    EXPECT_FALSE(r.partial);
  }
  for (const auto& req : chat_requests()) EXPECT_EQ(req["stream"], false);
}

TEST_F(ChatClientTest, ServerThatIgnoresStreamingStillAnswers) {
  chat_script(R"([{"not_streamed": true}])");
  auto c = client(Provider::openai);
  Recorder rec;
  const ChatResult r = c.complete(question(), rec);
  EXPECT_EQ(r.text, "Strata reads your documents [1].");
  EXPECT_FALSE(r.partial);
}

// A server that ignores max_tokens and sends a megabyte: the answer ends at the cap as at the
// model's output limit (finish_reason length, complete, not partial), the observer and the result
// holding the same capped text, streamed or whole, for either provider.
TEST_F(ChatClientTest, AnAnswerPastTheCapEndsThereAsAtTheOutputLimit) {
  EXPECT_EQ(answer_cap(std::nullopt), k_max_answer_bytes);
  EXPECT_EQ(answer_cap(16), 16u * 16 + 1024);
  EXPECT_EQ(answer_cap(std::uint64_t{1} << 40), k_max_answer_bytes);
  EXPECT_EQ(answer_cap(std::nullopt, 5000), 5000u);
  for (const Provider p : {Provider::openai, Provider::anthropic}) {
    for (const bool stream : {true, false}) {
      SCOPED_TRACE(std::string(p == Provider::openai ? "openai" : "anthropic") + (stream ? " streamed" : " whole"));
      server_->reset();
      chat_script(R"([{"answer_mb": 1}, {"answer_mb": 1}])");
      ChatEndpoint e;
      e.provider = p;
      e.base_url = p == Provider::openai ? server().base_url() : server().origin();
      ChatClientOptions o;
      o.max_answer_bytes = 10'000;
      ChatClient c(e, o);
      ChatRequest q = question(stream);
      Recorder rec;
      ChatResult r = c.complete(q, rec);
      EXPECT_EQ(r.text.size(), 10'000u);
      EXPECT_EQ(rec.joined(), r.text);
      EXPECT_EQ(r.finish_reason, p == Provider::openai ? "length" : "max_tokens");
      EXPECT_TRUE(finished_by_length(*r.finish_reason));
      EXPECT_FALSE(r.partial);
      EXPECT_FALSE(r.error.has_value());
      EXPECT_EQ(r.attempts, 1);
      // max_tokens below the server bound: 16 bytes a token and 1 KiB more.
      q.max_tokens = 16;
      Recorder rec16;
      r = c.complete(q, rec16);
      EXPECT_EQ(r.text.size(), 16u * 16 + 1024);
      EXPECT_EQ(rec16.joined(), r.text);
      EXPECT_FALSE(r.partial);
      EXPECT_EQ(chat_requests().size(), 2u) << "never retried";
    }
  }
}

TEST_F(ChatClientTest, TheCapNeverSplitsACharacter) {
  // Pieces of "é" (2 bytes): a cap at an odd byte count ends one byte short.
  chat_script(R"([{"pieces": ["ééééé", "ééééé", "ééééé"]}])");
  ChatEndpoint e;
  e.base_url = server().base_url();
  ChatClientOptions o;
  o.max_answer_bytes = 13;
  ChatClient c(e, o);
  Recorder rec;
  const ChatResult r = c.complete(question(), rec);
  EXPECT_EQ(r.text, "éééééé");
  EXPECT_EQ(rec.joined(), r.text);
  EXPECT_EQ(r.finish_reason, "length");
}

TEST_F(ChatClientTest, NoServerIsUnavailableAfterTwoQuietRetries) {
  ChatEndpoint nowhere{Provider::openai, "http://127.0.0.1:9/v1", "", "OPENAI_API_KEY"};
  ChatClientOptions o;
  o.retry.max_retries = 4;
  o.retry.base_delay = std::chrono::milliseconds(1);
  ChatClient c(nowhere, o);
  Recorder rec;
  try {
    c.complete(question(), rec);
    FAIL() << "expected ChatError";
  } catch (const ChatError& e) {
    EXPECT_EQ(e.code(), ExitCode::unavailable);
    EXPECT_EQ(std::string(e.what()), "nothing is listening at http://127.0.0.1:9/v1/chat/completions (connection refused)");
    EXPECT_NE(e.hint().find("is the server running?"), std::string::npos) << e.hint();
    EXPECT_NE(cli::with_flags(e.hint()).find("--base-url"), std::string::npos);
  }
  EXPECT_TRUE(rec.retries.empty()) << "a refused connection's retries are not announced";
}

}  // namespace
}  // namespace strata::llm
