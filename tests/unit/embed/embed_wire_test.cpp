// OpenAI's wire format: request body, response validation (count, order by index, sizes,
// finite values), error bodies and the redaction of keys from anything shown.
#include "embed/openai_wire.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace strata::embed {
namespace {

using nlohmann::json;

std::string response(const std::vector<std::pair<int, std::vector<double>>>& items) {
  json data = json::array();
  for (const auto& [index, values] : items) data.push_back({{"object", "embedding"}, {"index", index}, {"embedding", values}});
  return json{{"object", "list"}, {"data", data}, {"model", "m"}}.dump();
}

TEST(EmbedWire, RequestBody) {
  const std::vector<std::string_view> inputs = {"a", "b \"quoted\""};
  const json j = json::parse(embeddings_request_body("text-embedding-3-small", inputs, std::nullopt));
  EXPECT_EQ(j["model"], "text-embedding-3-small");
  EXPECT_EQ(j["input"], json::array({"a", "b \"quoted\""}));
  EXPECT_EQ(j["encoding_format"], "float");
  EXPECT_FALSE(j.contains("dimensions"));
  EXPECT_EQ(json::parse(embeddings_request_body("m", inputs, 256))["dimensions"], 256);
}

TEST(EmbedWire, ValidResponseInOrder) {
  const ParsedEmbeddings p = parse_embeddings_response(response({{0, {1, 2}}, {1, {3, 4}}}), 2, 2);
  ASSERT_EQ(p.problem, ResponseProblem::none) << p.message;
  EXPECT_EQ(p.vectors, (std::vector<Vector>{{1, 2}, {3, 4}}));
}

TEST(EmbedWire, ItemsArePlacedByIndexNotPosition) {
  const ParsedEmbeddings p = parse_embeddings_response(response({{1, {3, 4}}, {0, {1, 2}}}), 2, 0);
  ASSERT_EQ(p.problem, ResponseProblem::none) << p.message;
  EXPECT_EQ(p.vectors, (std::vector<Vector>{{1, 2}, {3, 4}}));
}

TEST(EmbedWire, NoIndexAnywhereMeansListOrder) {
  const std::string body = R"({"data":[{"embedding":[1,2]},{"embedding":[3,4]}]})";
  const ParsedEmbeddings p = parse_embeddings_response(body, 2, 2);
  ASSERT_EQ(p.problem, ResponseProblem::none) << p.message;
  EXPECT_EQ(p.vectors[1], (Vector{3, 4}));
}

TEST(EmbedWire, EveryProblemIsNamed) {
  EXPECT_EQ(parse_embeddings_response("{\"data\": [", 1, 0).problem, ResponseProblem::malformed);
  EXPECT_EQ(parse_embeddings_response("", 1, 0).problem, ResponseProblem::malformed);
  EXPECT_EQ(parse_embeddings_response(R"({"object":"list"})", 1, 0).problem, ResponseProblem::malformed);
  EXPECT_EQ(parse_embeddings_response(R"({"data":[{"index":0,"embedding":[1,"x"]}]})", 1, 0).problem,
            ResponseProblem::malformed);
  EXPECT_EQ(parse_embeddings_response(response({{0, {1, 2}}}), 2, 0).problem, ResponseProblem::count);
  EXPECT_EQ(parse_embeddings_response(response({{0, {1}}, {0, {2}}}), 2, 0).problem, ResponseProblem::index);
  EXPECT_EQ(parse_embeddings_response(response({{0, {1}}, {2, {2}}}), 2, 0).problem, ResponseProblem::index);
  EXPECT_EQ(parse_embeddings_response(R"({"data":[{"index":0,"embedding":[1]},{"embedding":[2]}]})", 2, 0).problem,
            ResponseProblem::index);
  EXPECT_EQ(parse_embeddings_response(response({{0, {1, 2}}, {1, {3}}}), 2, 0).problem, ResponseProblem::ragged);
  EXPECT_EQ(parse_embeddings_response(response({{0, {1, 2, 3}}}), 1, 2).problem, ResponseProblem::dimensions);
  EXPECT_EQ(parse_embeddings_response(response({{0, {}}}), 1, 0).problem, ResponseProblem::dimensions);
}

TEST(EmbedWire, NonFiniteValuesAreRefused) {
  // NaN is not JSON at all; 1e999 and 1e39 are JSON numbers beyond float32.
  EXPECT_EQ(parse_embeddings_response(R"({"data":[{"index":0,"embedding":[NaN]}]})", 1, 0).problem,
            ResponseProblem::malformed);
  EXPECT_EQ(parse_embeddings_response(R"({"data":[{"index":0,"embedding":[1e999]}]})", 1, 0).problem,
            ResponseProblem::non_finite);
  EXPECT_EQ(parse_embeddings_response(R"({"data":[{"index":0,"embedding":[-3.5e38, 1]}]})", 1, 0).problem,
            ResponseProblem::non_finite);
  EXPECT_EQ(parse_embeddings_response(R"({"data":[{"index":0,"embedding":[1e39]}]})", 1, 0).problem,
            ResponseProblem::non_finite);
}

TEST(EmbedWire, TinyValuesUnderflowToZeroInsteadOfFailing) {
  const ParsedEmbeddings p =
      parse_embeddings_response(R"({"data":[{"index":0,"embedding":[1e-50, -0.0000000000000000000000000000000000000000000001, 0.5]}]})", 1, 3);
  ASSERT_EQ(p.problem, ResponseProblem::none) << p.message;
  EXPECT_EQ(p.vectors[0][0], 0.0f);
  EXPECT_EQ(p.vectors[0][2], 0.5f);
}

TEST(EmbedWire, UnknownFieldsOfAnyShapeAreSkipped) {
  const std::string body = R"( { "object" : "list", "meta": {"a": [1, {"b": "}]\"["}], "c": null, "d": true},
    "data" : [ { "object":"embedding", "extra": [[[]]], "embedding" : [ 0.25 , -1E+2 ] , "index" : 0 } ] ,
    "usage": {"prompt_tokens": 3} } )";
  const ParsedEmbeddings p = parse_embeddings_response(body, 1, 2);
  ASSERT_EQ(p.problem, ResponseProblem::none) << p.message;
  EXPECT_EQ(p.vectors[0], (Vector{0.25f, -100.0f}));
}

TEST(EmbedWire, TrailingGarbageAndBadEscapesAreMalformed) {
  EXPECT_EQ(parse_embeddings_response(response({{0, {1}}}) + " x", 1, 0).problem, ResponseProblem::malformed);
  EXPECT_EQ(parse_embeddings_response(R"({"da\qta":[]})", 0, 0).problem, ResponseProblem::malformed);
  EXPECT_EQ(parse_embeddings_response(R"({"data":[{"index":"0","embedding":[1]}]})", 1, 0).problem, ResponseProblem::index);
  EXPECT_EQ(parse_embeddings_response(R"({"data":[{"index":0,"embedding":[+1]}]})", 1, 0).problem, ResponseProblem::malformed);
}

TEST(EmbedWire, RequestBodyEscapesLikeJson) {
  const std::vector<std::string_view> inputs = {"tab\there \"q\" back\\slash \x01 caf\xc3\xa9 \xf0\x9f\x99\x82"};
  const std::string body = embeddings_request_body("m", inputs, std::nullopt);
  EXPECT_EQ(json::parse(body)["input"][0], std::string(inputs[0]));
}

TEST(EmbedWire, ErrorBodies) {
  const ServerError openai = parse_error_body(
      R"({"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}})", "");
  EXPECT_EQ(openai.message, "You exceeded your current quota");
  EXPECT_EQ(openai.type, "insufficient_quota");
  EXPECT_EQ(parse_error_body(R"({"error":"model \"x\" not found"})", "").message, "model \"x\" not found");
  EXPECT_EQ(parse_error_body("<html>\n  Bad   Gateway\n</html>", "").message, "<html> Bad Gateway </html>");
}

// fuzz/regressions/embed_openai_wire/invalid_utf8_error_body: a plain-text error body that is
// not UTF-8 used to reach the user's terminal as it was.
TEST(EmbedWire, ErrorBodyInvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(parse_error_body("caf\xE9 \xC6\xC6 down", "").message, "caf\xEF\xBF\xBD \xEF\xBF\xBD\xEF\xBF\xBD down");
  EXPECT_EQ(safe_line("\xF0\x9F\x98", ""), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
}

TEST(EmbedWire, KeysAreRedactedEvenHalfMasked) {
  const std::string key = "sk-canary-0123456789abcdef";
  EXPECT_EQ(safe_line("bad key " + key + " here", key), "bad key [redacted] here");
  EXPECT_EQ(safe_line("Incorrect API key provided: sk-canar********cdef.", ""), "Incorrect API key provided: [redacted].");
  EXPECT_EQ(parse_error_body(R"({"error":{"message":"key )" + key + R"( is wrong"}})", key).message, "key [redacted] is wrong");
  // A key that is not sk-shaped is still removed when it is known.
  EXPECT_EQ(safe_line("token abcdefXYZ rejected", "abcdefXYZ"), "token [redacted] rejected");
  EXPECT_EQ(safe_line("risk-free task-based", ""), "risk-free task-based");
}

TEST(EmbedWire, SafeLineIsOneTrimmedLineCutAtACharacter) {
  EXPECT_EQ(safe_line("a\nb\r\n\tc", ""), "a b c");
  const std::string long_text(400, 'x');
  EXPECT_EQ(safe_line(long_text, "").size(), 300u + std::string("…").size());
  const std::string e_acute = "\xc3\xa9";
  std::string accents;
  for (int i = 0; i < 200; ++i) accents += e_acute;
  const std::string cut = safe_line(accents, "", 5);
  EXPECT_EQ(cut, e_acute + e_acute + "…");
}

}  // namespace
}  // namespace strata::embed
