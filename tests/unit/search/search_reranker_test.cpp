// search/reranker: the /rerank request body and the answers it reads (llama.cpp, Jina, Cohere
// "results"; Voyage "data"), and every malformed answer refused with its reason.
#include "search/reranker.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/error.h"
#include "test_util.h"

namespace strata::search {
namespace {

TEST(SearchReranker, RequestBodyHoldsTheQueryEveryDocumentAndTheModelWhenGiven) {
  RerankSettings s;
  s.model = "bge-reranker-v2-m3";
  const std::vector<std::string_view> docs = {"first chunk", "second \xff chunk"};
  const nlohmann::json j = nlohmann::json::parse(rerank_request_body(s, "how do I roll back?", docs));
  EXPECT_EQ(j["model"], "bge-reranker-v2-m3");
  EXPECT_EQ(j["query"], "how do I roll back?");
  ASSERT_EQ(j["documents"].size(), 2u);
  EXPECT_EQ(j["documents"][0], "first chunk");
  EXPECT_EQ(j["documents"][1], "second \xef\xbf\xbd chunk") << "invalid UTF-8 replaced, not a failure";
  EXPECT_EQ(j["top_n"], 2);
  s.model.clear();
  EXPECT_FALSE(nlohmann::json::parse(rerank_request_body(s, "q", docs)).contains("model"));
}

TEST(SearchReranker, ReadsResultsAndDataInAnyOrder) {
  EXPECT_EQ(parse_rerank_response(R"({"results":[{"index":2,"relevance_score":0.9},{"index":0,"relevance_score":-1.5}]})", 3),
            (std::vector<double>{-1.5, -INFINITY, 0.9}));
  EXPECT_EQ(parse_rerank_response(R"({"data":[{"index":0,"relevance_score":0.25},{"index":1,"relevance_score":0.5}]})", 2),
            (std::vector<double>{0.25, 0.5}));
  EXPECT_EQ(parse_rerank_response(R"({"results":[{"index":0,"score":3}]})", 1), (std::vector<double>{3.0}));
}

TEST(SearchReranker, MalformedAnswersAreRefusedWithTheirReason) {
  const auto reason = [](const std::string& body) {
    return testing::error_of([&] { parse_rerank_response(body, 2); });
  };
  EXPECT_EQ(reason("not json").code(), ExitCode::unavailable);
  EXPECT_NE(std::string(reason("[1,2]").what()).find("not a JSON object"), std::string::npos);
  EXPECT_NE(std::string(reason(R"({"hits":[]})").what()).find("no \"results\" list"), std::string::npos);
  EXPECT_NE(std::string(reason(R"({"results":[{"relevance_score":1}]})").what()).find("has no index"), std::string::npos);
  EXPECT_NE(std::string(reason(R"({"results":[{"index":-1,"relevance_score":1}]})").what()).find("has no index"), std::string::npos);
  EXPECT_NE(std::string(reason(R"({"results":[{"index":2,"relevance_score":1}]})").what()).find("index 2 is past the 2 documents"),
            std::string::npos);
  EXPECT_NE(std::string(reason(R"({"results":[{"index":0,"relevance_score":"high"}]})").what()).find("no relevance_score"),
            std::string::npos);
}

}  // namespace
}  // namespace strata::search
