// core/openai's models list (a key's collections alone) and embeddings: the request's bounds
// and refusals, vectors from a collection's recorded model or the local one, OpenAI's list
// object in float and base64.
#include <gtest/gtest.h>

#include <cstring>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "embed/collection_embed.h"
#include "ingest/ingest.h"
#include "openai/public.h"
#include "service/documents.h"
#include "test_util.h"

namespace strata::openai {
namespace {

using nlohmann::json;

bool may_read_docs(const std::string& c) { return c == "docs"; }

TEST(OpenAiModels, TheListHoldsTheCollectionsItIsGivenAsModels) {
  std::vector<store::CollectionInfo> all(2);
  all[0].name = "docs";
  all[0].created_at = "2026-11-26 23:20:21";
  all[1].name = "wiki";
  all[1].created_at = "garbage";
  const json j = models_json(all);
  EXPECT_EQ(j["object"], "list");
  ASSERT_EQ(j["data"].size(), 2u);
  EXPECT_EQ(j["data"][0], (json{{"id", "strata/docs"}, {"object", "model"}, {"created", 1795735221}, {"owned_by", "strata"}}));
  EXPECT_EQ(j["data"][1]["id"], "strata/wiki");
  EXPECT_EQ(j["data"][1]["created"], 0);
  EXPECT_TRUE(models_json({})["data"].empty());
}

ApiError embeddings_refusal(const json& body) {
  const Read<EmbeddingsRequest> read = read_embeddings_request(body, may_read_docs);
  EXPECT_FALSE(read) << body.dump();
  return read.error.value_or(ApiError{.status = 0, .type = "", .message = "", .param = std::nullopt, .code = std::nullopt});
}

TEST(OpenAiEmbeddingsRequest, GoodRequests) {
  Read<EmbeddingsRequest> one = read_embeddings_request({{"model", "strata/docs"}, {"input", "hello"}}, may_read_docs);
  ASSERT_TRUE(one);
  EXPECT_EQ(one.value->collection, "docs");
  EXPECT_EQ(one.value->inputs, std::vector<std::string>{"hello"});
  EXPECT_EQ(one.value->format, EncodingFormat::float_list);
  Read<EmbeddingsRequest> many = read_embeddings_request(
      {{"model", "hash-ngram-v2"}, {"input", {"a", "b"}}, {"encoding_format", "base64"}, {"dimensions", 384}, {"user", "u"}},
      may_read_docs);
  ASSERT_TRUE(many) << to_json(*many.error).dump();
  EXPECT_FALSE(many.value->collection);
  EXPECT_EQ(many.value->inputs.size(), 2u);
  EXPECT_EQ(many.value->format, EncodingFormat::base64);
  EXPECT_EQ(many.value->dimensions, 384u);
}

TEST(OpenAiEmbeddingsRequest, BadFieldsAndBounds) {
  struct Case {
    json body;
    int status;
    const char* param;
  };
  std::vector<json> too_many(k_embedding_inputs_max + 1, "x");
  const std::string long_text(k_embedding_input_bytes_max + 1, 'x');
  std::vector<json> much(k_embedding_bytes_max / k_embedding_input_bytes_max + 1, std::string(k_embedding_input_bytes_max, 'x'));
  const Case cases[] = {
      {{{"input", "x"}}, 400, "model"},
      {{{"model", "strata/secret"}, {"input", "x"}}, 404, "model"},
      {{{"model", "text-embedding-3-small"}, {"input", "x"}}, 404, "model"},  // no server's model by name
      {{{"model", "strata/docs"}}, 400, "input"},
      {{{"model", "strata/docs"}, {"input", ""}}, 400, "input"},
      {{{"model", "strata/docs"}, {"input", json::array()}}, 400, "input"},
      {{{"model", "strata/docs"}, {"input", {1, 2, 3}}}, 400, "input[0]"},
      {{{"model", "strata/docs"}, {"input", {{1, 2}, {3}}}}, 400, "input[0]"},
      {{{"model", "strata/docs"}, {"input", {"a", 5}}}, 400, "input[1]"},
      {{{"model", "strata/docs"}, {"input", {"a", ""}}}, 400, "input[1]"},
      {{{"model", "strata/docs"}, {"input", too_many}}, 400, "input"},
      {{{"model", "strata/docs"}, {"input", long_text}}, 400, "input"},
      {{{"model", "strata/docs"}, {"input", {"a", long_text}}}, 400, "input[1]"},
      {{{"model", "strata/docs"}, {"input", much}}, 400, "input"},
      {{{"model", "strata/docs"}, {"input", "x"}, {"encoding_format", "int8"}}, 400, "encoding_format"},
      {{{"model", "strata/docs"}, {"input", "x"}, {"dimensions", 0}}, 400, "dimensions"},
      {{{"model", "strata/docs"}, {"input", "x"}, {"dimensions", "8"}}, 400, "dimensions"},
      {{{"model", "strata/docs"}, {"input", "x"}, {"dimensions", 1.5}}, 400, "dimensions"},
      {{{"model", "strata/docs"}, {"input", "x"}, {"dimensions", -3}}, 400, "dimensions"},
      {{{"model", "strata/docs"}, {"input", "x"}, {"truncate", true}}, 400, "truncate"},
  };
  for (const Case& c : cases) {
    const ApiError e = embeddings_refusal(c.body);
    EXPECT_EQ(e.status, c.status) << c.body.dump().substr(0, 200);
    EXPECT_EQ(e.param, std::optional<std::string>(c.param)) << c.body.dump().substr(0, 200) << ": " << e.message;
  }
  EXPECT_EQ(embeddings_refusal({{"model", "strata/docs"}, {"input", {1, 2}}}).code, "unsupported_parameter");
}

float float_at(const std::string& b64, std::size_t i) {
  auto value = [](char c) -> std::uint32_t {
    return static_cast<std::uint32_t>(std::string_view("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/").find(c));
  };
  std::string bytes;
  for (std::size_t k = 0; k + 3 < b64.size(); k += 4) {
    std::uint32_t g = 0;
    int pads = 0;
    for (std::size_t m = 0; m < 4; ++m) {
      pads += b64[k + m] == '=';
      g = (g << 6) | (b64[k + m] == '=' ? 0 : value(b64[k + m]));
    }
    for (int m = 0; m < 3 - pads; ++m) bytes += static_cast<char>((g >> (16 - 8 * m)) & 0xFF);
  }
  float f = 0;
  std::memcpy(&f, bytes.data() + 4 * i, 4);  // little-endian, as the machines tests run on
  return f;
}

struct QuietIngest : ingest::IngestObserver {};
struct QuietEmbed : embed::EmbedObserver {};

class OpenAiEmbeddingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    strata::testing::write_file(tmp_ / "docs/a.md", "# A\n\nRolling back a migration runs its down section.\n");
    ingest::IngestRequest r;
    r.paths = {tmp_ / "docs/a.md"};
    r.store_path = store_ = tmp_ / "store.db";
    r.threads = 1;
    QuietIngest quiet;
    ingest::ingest(r, quiet);
  }
  Read<EmbeddingsRequest> read(const json& body) {
    return read_embeddings_request(body, [](const std::string& c) { return c == "default"; });
  }
  strata::testing::TempDir tmp_;
  std::string store_;
};

TEST_F(OpenAiEmbeddingsTest, ACollectionWithoutVectorsIsRefusedThenItsRecordedModelIsUsed) {
  store::Store st = store::Store::open_existing(store_);
  const Read<EmbeddingsRequest> request = read({{"model", "strata/default"}, {"input", {"roll back", "down section"}}});
  ASSERT_TRUE(request);
  const Read<Embeddings> none = embed_inputs(st, *request.value, embed::EmbedSettings{});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error->status, 400);
  EXPECT_EQ(none.error->param, "model");

  QuietEmbed quiet;
  const embed::CollectionEmbedResult embedded = embed::embed_collection(st, "default", embed::EmbedSettings{}, quiet);
  ASSERT_GT(embedded.model.dimensions, 0);
  const Read<Embeddings> got = embed_inputs(st, *request.value, embed::EmbedSettings{});
  ASSERT_TRUE(got) << to_json(*got.error).dump();
  ASSERT_EQ(got.value->vectors.size(), 2u);
  EXPECT_EQ(got.value->vectors[0].size(), static_cast<std::size_t>(embedded.model.dimensions));
  EXPECT_NE(got.value->vectors[0], got.value->vectors[1]);
  EXPECT_GT(got.value->prompt_tokens, 0u);

  const json j = embeddings_json(*got.value, *request.value);
  EXPECT_EQ(j["object"], "list");
  EXPECT_EQ(j["model"], "strata/default");
  ASSERT_EQ(j["data"].size(), 2u);
  EXPECT_EQ(j["data"][1]["object"], "embedding");
  EXPECT_EQ(j["data"][1]["index"], 1);
  EXPECT_EQ(j["data"][1]["embedding"].size(), got.value->vectors[1].size());
  EXPECT_EQ(j["usage"]["prompt_tokens"], got.value->prompt_tokens);
  EXPECT_EQ(j["usage"]["total_tokens"], got.value->prompt_tokens);

  // The same vector as the collection's own model gives, and as base64 the same floats.
  EmbeddingsRequest b64 = *request.value;
  b64.format = EncodingFormat::base64;
  const json encoded = embeddings_json(*got.value, b64);
  const std::string text = encoded["data"][0]["embedding"].get<std::string>();
  EXPECT_EQ(text.size(), (got.value->vectors[0].size() * 4 + 2) / 3 * 4);
  for (std::size_t i : {std::size_t{0}, std::size_t{5}, got.value->vectors[0].size() - 1}) {
    EXPECT_EQ(float_at(text, i), got.value->vectors[0][i]) << i;
  }

  EmbeddingsRequest wrong_size = *request.value;
  wrong_size.dimensions = 7;
  const Read<Embeddings> refused = embed_inputs(st, wrong_size, embed::EmbedSettings{});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error->param, "dimensions");
}

TEST_F(OpenAiEmbeddingsTest, TheLocalModelByNameNeedsNoCollection) {
  store::Store st = store::Store::open_existing(store_);
  const Read<EmbeddingsRequest> request = read({{"model", "hash-ngram-v2"}, {"input", "roll back"}});
  ASSERT_TRUE(request);
  const Read<Embeddings> got = embed_inputs(st, *request.value, embed::EmbedSettings{});
  ASSERT_TRUE(got);
  ASSERT_EQ(got.value->vectors.size(), 1u);
  EXPECT_EQ(got.value->vectors[0].size(), 384u);
}

}  // namespace
}  // namespace strata::openai
