// OpenAiProvider against the real test server: every answer classified (ok, retryable,
// bad_input, fatal), responses validated, the key never in a message; and settings resolution
// (precedence, refusals) and the cache across collections through embed_collection.
#include "embed/openai_provider.h"

#include <gtest/gtest.h>

#include <map>

#include <SQLiteCpp/SQLiteCpp.h>
#include <cstdlib>

#include "../../servers/test_server.h"
#include "embed/collection_embed.h"
#include "embed/settings.h"
#include "store/store.h"
#include "test_util.h"
#include "setting_flags.h"

namespace strata::embed {
namespace {

using strata::testing::TestServer;

const std::string k_canary = "sk-canary-7f3a9c1e5b2d4068";

OpenAiProvider provider_for(const TestServer& s, std::size_t expected = 0, const std::string& key = "") {
  OpenAiConfig c;
  c.base_url = s.base_url();
  c.model = "test-model";
  c.api_key = key;
  c.expected_dimensions = expected;
  c.timeout = std::chrono::milliseconds(5000);
  return OpenAiProvider(c);
}

Attempt embed(OpenAiProvider& p, std::vector<std::string_view> inputs) { return p.embed(inputs, nullptr); }

TEST(EmbedOpenAi, TheCacheScopeNamesTheServerWithoutItsPassword) {
  const auto scope = [](const std::string& url) {
    OpenAiConfig c;
    c.base_url = url;
    c.model = "m";
    return OpenAiProvider(c).cache_scope();
  };
  EXPECT_EQ(scope("https://api.openai.com/v1"), "") << "the provider's own API keeps the plain key";
  EXPECT_EQ(scope("http://127.0.0.1:11434/v1/"), "http://127.0.0.1:11434/v1");
  EXPECT_EQ(scope("http://u:hunter2@LLM.internal/v1"), "http://llm.internal:80/v1");
}

// Issue 19: --concurrency 4 against endless bodies held 1.9 GB (256 MiB per response, twice,
// times 4). The cap now follows what the request asked for.
TEST(EmbedOpenAi, TheLargestAnswerTakenFollowsTheRequest) {
  EXPECT_EQ(response_cap(1, 1536), 1536u * 48 + 256 + (1u << 20));
  EXPECT_EQ(response_cap(64, 0), 64u * (4096 * 48 + 256) + (1u << 20)) << "an unknown size is taken as 4096";
  EXPECT_LT(response_cap(256, 3072) * 4 * 2, std::size_t{320} << 20) << "the worst batch, four in flight, held twice";
}

TEST(EmbedOpenAi, EmbedsAndLearnsTheSize) {
  TestServer server({"--dimensions", "6"});
  OpenAiProvider p = provider_for(server);
  EXPECT_EQ(p.dimensions(), 0u);
  const Attempt a = embed(p, {"alpha", "beta"});
  ASSERT_EQ(a.status, AttemptStatus::ok) << a.message;
  ASSERT_EQ(a.vectors.size(), 2u);
  EXPECT_EQ(a.vectors[0].size(), 6u);
  EXPECT_EQ(p.dimensions(), 6u);
  EXPECT_NE(a.vectors[0], a.vectors[1]);
  const auto log = server.requests();
  EXPECT_EQ(log.at(0)["inputs"], nlohmann::json::array({"alpha", "beta"}));
  EXPECT_EQ(log.at(0)["model"], "test-model");
  EXPECT_TRUE(log.at(0)["authorization"].is_null());  // no key: no header
}

TEST(EmbedOpenAi, ShuffledItemsAreReorderedByIndex) {
  TestServer server;
  OpenAiProvider p = provider_for(server);
  const Attempt in_order = embed(p, {"one", "two", "three"});
  server.script(R"([{"fault": "shuffle"}, {"fault": "no_index"}])");
  const Attempt shuffled = embed(p, {"one", "two", "three"});
  const Attempt no_index = embed(p, {"one", "two", "three"});
  ASSERT_EQ(shuffled.status, AttemptStatus::ok) << shuffled.message;
  EXPECT_EQ(shuffled.vectors, in_order.vectors);
  EXPECT_EQ(no_index.vectors, in_order.vectors);
}

TEST(EmbedOpenAi, InvalidResponsesAreRetryable) {
  TestServer server;
  OpenAiProvider p = provider_for(server, 8);
  for (const char* fault : {"malformed", "empty", "wrong_count", "nan", "inf", "bad_index"}) {
    server.script(std::string(R"([{"fault": ")") + fault + R"("}])");
    const Attempt a = embed(p, {"a", "b"});
    EXPECT_EQ(a.status, AttemptStatus::retryable) << fault;
    EXPECT_TRUE(a.message.starts_with("invalid response: ")) << a.message;
  }
}

TEST(EmbedOpenAi, WrongDimensionsAreFatal) {
  TestServer server;
  OpenAiProvider p = provider_for(server, 8);
  server.script(R"([{"fault": "wrong_dims"}])");
  const Attempt a = embed(p, {"a"});
  EXPECT_EQ(a.status, AttemptStatus::fatal);
  EXPECT_NE(a.message.find("has 9 values, expected 8"), std::string::npos) << a.message;
  EXPECT_NE(cli::with_flags(a.hint).find("--dimensions"), std::string::npos);
}

TEST(EmbedOpenAi, StatusClassification) {
  TestServer server;
  OpenAiProvider p = provider_for(server);
  server.script(R"([
    {"status": 429, "headers": {"retry-after-ms": "1500"}},
    {"status": 408}, {"status": 409}, {"status": 500}, {"status": 502}, {"status": 503},
    {"status": 400, "body": {"error": {"message": "input too long"}}}, {"status": 413}, {"status": 422},
    {"status": 401}, {"status": 403}, {"status": 404},
    {"status": 429, "body": {"error": {"message": "You exceeded your current quota", "type": "insufficient_quota", "code": "insufficient_quota"}}},
    {"status": 400, "body": {"error": {"message": "Billing hard limit has been reached", "code": "billing_hard_limit_reached"}}},
    {"status": 418}
  ])");
  const std::vector<AttemptStatus> expected = {
      AttemptStatus::retryable, AttemptStatus::retryable, AttemptStatus::retryable, AttemptStatus::retryable,
      AttemptStatus::retryable, AttemptStatus::retryable, AttemptStatus::bad_input, AttemptStatus::bad_input,
      AttemptStatus::bad_input, AttemptStatus::fatal,     AttemptStatus::fatal,     AttemptStatus::fatal,
      AttemptStatus::fatal,     AttemptStatus::fatal,     AttemptStatus::fatal};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    const Attempt a = embed(p, {"x"});
    EXPECT_EQ(a.status, expected[i]) << "answer " << i << ": " << a.message;
    if (i == 0) {
      EXPECT_EQ(a.retry_after, std::chrono::milliseconds(1500));
    }
    if (i == 6) {
      EXPECT_EQ(a.message, "HTTP 400: input too long");
    }
    if (i == 12) {
      EXPECT_NE(a.hint.find("quota or spending limit"), std::string::npos);
    }
  }
}

TEST(EmbedOpenAi, ARefusedConnectionIsRetryableAndNamesTheUrl) {
  int port = 0;
  {
    TestServer gone;
    port = gone.port();
  }
  OpenAiConfig c;
  c.base_url = "http://127.0.0.1:" + std::to_string(port) + "/v1";
  c.model = "m";
  OpenAiProvider p(c);
  const Attempt a = embed(p, {"x"});
  EXPECT_EQ(a.status, AttemptStatus::retryable);
  EXPECT_EQ(a.failure, net::FailureKind::refused);
  EXPECT_EQ(a.message, "nothing is listening at " + c.base_url + " (connection refused)");
  EXPECT_NE(a.hint.find("is the server running?"), std::string::npos) << a.hint;
}

TEST(EmbedOpenAi, TheKeyIsSentButNeverShown) {
  TestServer server;
  server.configure(R"({"require_key": "sk-the-right-key-0000", "echo_key": true})");
  OpenAiProvider p = provider_for(server, 0, k_canary);
  const Attempt a = embed(p, {"x"});
  EXPECT_EQ(a.status, AttemptStatus::fatal);
  EXPECT_EQ(a.http_status, 401);
  EXPECT_EQ(a.message.find("canary"), std::string::npos) << a.message;
  EXPECT_NE(a.message.find("[redacted]"), std::string::npos) << a.message;
  EXPECT_NE(a.hint.find("$OPENAI_API_KEY"), std::string::npos);
  EXPECT_EQ(server.requests().at(0)["authorization"], "Bearer " + k_canary);
}

// ---------------------------------------------------------------------------------------------
// Settings

TEST(EmbedSettings, DefaultsToLocal) {
  const ResolvedEmbedder r = resolve_embedder(EmbedSettings{}, std::nullopt);
  EXPECT_EQ(r.provider->name(), "local");
  EXPECT_EQ(r.dimensions, 384u);
  EXPECT_FALSE(r.pipeline.use_cache);
  EXPECT_EQ(r.pipeline.max_input_tokens, 0u);
}

TEST(EmbedSettings, ModelOrBaseUrlMeansOpenAi) {
  EmbedSettings s;
  s.model = "nomic-embed-text";
  s.base_url = "http://localhost:11434/v1";
  const ResolvedEmbedder r = resolve_embedder(s, std::nullopt);
  EXPECT_EQ(r.provider->name(), "openai");
  EXPECT_EQ(r.dimensions, 768u);
  EXPECT_EQ(r.pipeline.max_input_tokens, 1800u);
  EXPECT_TRUE(r.pipeline.use_cache);
  EXPECT_EQ(r.base_url, "http://localhost:11434/v1");
}

TEST(EmbedSettings, RecordedModelIsTheDefault) {
  EmbedSettings s;
  s.base_url = "http://127.0.0.1:9/v1";  // $OPENAI_BASE_URL, as the CLI resolves it
  const ResolvedEmbedder r = resolve_embedder(s, store::EmbeddingModel{"openai", "my-model", 12});
  EXPECT_EQ(r.provider->model(), "my-model");
  EXPECT_EQ(r.dimensions, 12u);
  EXPECT_EQ(r.base_url, "http://127.0.0.1:9/v1");
  EXPECT_EQ(r.pipeline.max_input_tokens, 512u);  // unknown model: conservative defaults
  EXPECT_EQ(r.pipeline.batch_inputs, 32u);
}

TEST(EmbedSettings, FlagsOverrideModelLimits) {
  EmbedSettings s;
  s.model = "unknown-model";
  s.base_url = "http://127.0.0.1:9/v1";
  s.batch_inputs = 7;
  s.batch_tokens = 700;
  s.max_input_tokens = 70;
  const ResolvedEmbedder r = resolve_embedder(s, std::nullopt);
  EXPECT_EQ(r.pipeline.batch_inputs, 7u);
  EXPECT_EQ(r.pipeline.batch_tokens, 700u);
  EXPECT_EQ(r.pipeline.max_input_tokens, 70u);
  EXPECT_EQ(r.dimensions, 0u);  // learnt from the first response
}

// An environment holding `vars` (an empty value counts as unset, as the CLI's does).
net::Getenv env_of(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](std::string_view name) -> std::optional<std::string> {
    const auto it = vars.find(std::string(name));
    if (it == vars.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
}

// openai settings whose key is read from $STRATA_TEST_KEY in `env`.
EmbedSettings keyed_by_test_variable(const char* base_url, std::map<std::string, std::string> env = {}) {
  EmbedSettings s;
  s.provider = "openai";
  s.base_url = base_url;
  s.api_key_env = "STRATA_TEST_KEY";
  s.getenv = env_of(std::move(env));
  return s;
}

TEST(EmbedSettings, TheKeyComesFromTheGivenEnvironmentOnly) {
  EmbedSettings s = keyed_by_test_variable("http://127.0.0.1:9/v1", {{"STRATA_TEST_KEY", "k-given"}});
  ResolvedEmbedder r = resolve_embedder(s, std::nullopt);
  EXPECT_EQ(r.base_url, "http://127.0.0.1:9/v1");
  s.getenv = {};  // no environment given: no key, whatever the process holds
  EXPECT_NO_THROW(resolve_embedder(s, std::nullopt));
}

TEST(EmbedSettings, ABadUrlIsTracedToWhereItWasSet) {
  EmbedSettings s = keyed_by_test_variable("ftp://x");
  s.base_url_source = "$OPENAI_BASE_URL";
  const Error e = strata::testing::error_of([&] { resolve_embedder(s, std::nullopt); });
  EXPECT_EQ(std::string(e.what()), "$OPENAI_BASE_URL must start with http:// or https:// (got 'ftp://x')");
}

TEST(EmbedSettings, OpenAiApiNeedsAKeyAndSaysWhichVariable) {
  const EmbedSettings s = keyed_by_test_variable("https://api.openai.com/v1");
  const Error e = strata::testing::error_of([&] { resolve_embedder(s, std::nullopt); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_NE(std::string(e.what()).find("$STRATA_TEST_KEY is not set"), std::string::npos) << e.what();
}

// Found by the bad-input catalogue: --api-key-env naming an unset variable sent the requests
// without a key to a server of one's own; only the official API was refused up front.
TEST(EmbedSettings, AVariableNamedOnPurposeMustBeSet) {
  EmbedSettings s = keyed_by_test_variable("http://127.0.0.1:9/v1");
  EXPECT_NO_THROW(resolve_embedder(s, std::nullopt)) << "a default name may be unset: local servers need no key";
  s.api_key_env_source = "--api-key-env";
  Error e = strata::testing::error_of([&] { resolve_embedder(s, std::nullopt); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_EQ(std::string(e.what()), "--api-key-env names STRATA_TEST_KEY, but $STRATA_TEST_KEY is not set (or is empty)");
  s.api_key_env_source = "/p/strata.toml:2: embed.api_key_env";
  s.getenv = env_of({{"STRATA_TEST_KEY", ""}});
  e = strata::testing::error_of([&] { resolve_embedder(s, std::nullopt); });
  EXPECT_TRUE(std::string(e.what()).starts_with("/p/strata.toml:2: embed.api_key_env names STRATA_TEST_KEY")) << e.what();
  s.getenv = env_of({{"STRATA_TEST_KEY", "k-123"}});
  EXPECT_NO_THROW(resolve_embedder(s, std::nullopt));
}

TEST(EmbedSettings, AKeyPastedIntoApiKeyEnvIsNotRepeated) {
  EmbedSettings s;
  s.provider = "openai";
  s.base_url = "http://127.0.0.1:9/v1";
  s.api_key_env = k_canary;
  const Error e = strata::testing::error_of([&] { resolve_embedder(s, std::nullopt); });
  EXPECT_EQ(e.code(), ExitCode::usage);
  EXPECT_EQ(std::string(e.what()).find("canary"), std::string::npos);
  EXPECT_EQ(e.hint().find("canary"), std::string::npos);
}

TEST(EmbedSettings, Refusals) {
  const auto code = [](EmbedSettings s) {
    return strata::testing::error_of([&] { resolve_embedder(s, std::nullopt); }).code();
  };
  EmbedSettings s;
  s.provider = "cohere";
  EXPECT_EQ(code(s), ExitCode::usage);
  s = {};
  s.dimensions = 8;  // local minimum is 16
  EXPECT_EQ(code(s), ExitCode::usage);
  s = {};
  s.provider = "local";
  s.model = "text-embedding-3-small";
  EXPECT_EQ(code(s), ExitCode::usage);
  s = {};
  s.model = "nomic-embed-text";  // fixed size
  s.base_url = "http://127.0.0.1:9/v1";
  s.dimensions = 256;
  EXPECT_EQ(code(s), ExitCode::usage);
  s.model = "text-embedding-3-small";
  s.dimensions = 4096;  // more than it has
  EXPECT_EQ(code(s), ExitCode::usage);
  s = {};
  s.base_url = "localhost:11434";
  EXPECT_EQ(code(s), ExitCode::usage);
}

TEST(EmbedSettings, ShortenedSizeIsRequestedAgainFromTheRecord) {
  TestServer server;
  EmbedSettings s;
  s.base_url = server.base_url();
  s.model = "text-embedding-3-small";
  const ResolvedEmbedder r = resolve_embedder(s, store::EmbeddingModel{"openai", "text-embedding-3-small", 256});
  EXPECT_EQ(r.dimensions, 256u);
  const std::vector<std::string_view> in = {"x"};
  const Attempt a = r.provider->embed(in, nullptr);
  ASSERT_EQ(a.status, AttemptStatus::ok) << a.message;
  EXPECT_EQ(a.vectors[0].size(), 256u);
  EXPECT_EQ(server.requests().at(0)["dimensions"], 256);
}

// ---------------------------------------------------------------------------------------------
// The cache across collections, against the server

class Silent final : public EmbedObserver {};

void seed_collection(const std::string& path, const std::string& name, const std::vector<std::string>& texts) {
  SQLite::Database db(path, SQLite::OPEN_READWRITE);
  SQLite::Statement c(db, "INSERT INTO collections (name) VALUES (?)");
  c.bind(1, name);
  c.exec();
  const auto cid = db.getLastInsertRowid();
  SQLite::Statement d(db, "INSERT INTO documents (collection_id, source, content_hash, size_bytes, loader) VALUES (?, 'a.md', 'h', 1, 'text')");
  d.bind(1, cid);
  d.exec();
  const auto did = db.getLastInsertRowid();
  for (std::size_t i = 0; i < texts.size(); ++i) {
    SQLite::Statement ch(db, "INSERT INTO chunks (document_id, ordinal, text, start_byte, end_byte, line_start, line_end) VALUES (?, ?, ?, 0, 1, 1, 1)");
    ch.bind(1, did);
    ch.bind(2, static_cast<std::int64_t>(i));
    ch.bind(3, texts[i]);
    ch.exec();
  }
}

TEST(EmbedOpenAiCollection, IdenticalTextIsNeverSentTwiceAcrossCollections) {
  TestServer server;
  strata::testing::TempDir tmp;
  const std::string path = tmp / "store.db";
  store::Store st = store::Store::open(path);
  seed_collection(path, "one", {"shared text", "only in one", "shared text"});
  seed_collection(path, "two", {"shared text", "only in two"});
  EmbedSettings s;
  s.base_url = server.base_url();
  s.model = "test-model";
  Silent quiet;
  const auto r1 = embed_collection(st, "one", s, quiet);
  const auto r2 = embed_collection(st, "two", s, quiet);
  EXPECT_EQ(r1.report.stats.embedded, 3u);
  EXPECT_EQ(r2.report.stats.embedded, 1u);
  EXPECT_EQ(r2.report.stats.cached, 1u);
  std::map<std::string, int> sent;
  for (const auto& req : server.requests()) {
    for (const auto& in : req["inputs"]) ++sent[in.get<std::string>()];
  }
  EXPECT_EQ(sent["shared text"], 1);
  EXPECT_EQ(sent["only in one"], 1);
  EXPECT_EQ(sent["only in two"], 1);
  EXPECT_EQ(strata::testing::query_one(path, "SELECT count(*) FROM embeddings"), "5");
  EXPECT_EQ(strata::testing::query_one(path, "SELECT count(*) FROM embedding_cache"), "3");
}

}  // namespace
}  // namespace strata::embed
