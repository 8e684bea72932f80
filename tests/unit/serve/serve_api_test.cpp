// core/serve: the routes over a real SQLite store, called through the router as the server calls
// them (no sockets): each API route's answer, FastAPI's 422 naming the field, 400 for a body
// that is not JSON, 404 and 503; and the OpenAPI document made from the route table (every
// route present, every schema a JSON Schema object).
//
// The OpenAI-compatible routes (ServeOpenAi): models, a chat completion answered offline whole
// and streamed (the stream's frames in order, a writer that fails stops it), embeddings by the
// built-in model, and every error in OpenAI's shape (a body that is not JSON, an unknown model,
// a store that cannot be opened: its own text in the server's log, not in the response).
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ask/user_state.h"
#include "http/metrics.h"
#include "http/router.h"
#include "serve/api.h"
#include "serve/arguments.h"
#include "test_util.h"

#include "served_api.h"

namespace strata::serve {
namespace {

using nlohmann::json;

struct Served : ServedApi {
  Served() { serve(); }
  json call_json(http::Method method, const std::string& target, const std::string& body, int status) {
    const http::Response r = call(method, target, body);
    EXPECT_EQ(r.status, status) << target << ": " << r.body;
    EXPECT_EQ(*r.header("Content-Type"), "application/json");
    return json::parse(r.body);
  }
};

TEST(ServeApi, WithoutAStoreReadyIs503AndHealthIs200) {
  Served s;
  EXPECT_EQ(s.call(http::Method::get, "/healthz").status, 200);
  EXPECT_EQ(s.call(http::Method::get, "/readyz").status, 503);
  EXPECT_EQ(s.call(http::Method::get, "/api/v1/collections").status, 503);
}

TEST(ServeApi, IngestSearchListReadAndRemoveADocument) {
  Served s;
  const json stored = s.call_json(http::Method::post, "/api/v1/collections/docs/documents",
                                  R"({"source": "guide/rollback.md", "text": "# Rollback\n\nTo roll back a migration run down.\n"})", 200);
  EXPECT_EQ(stored["action"], "new");
  EXPECT_EQ(s.call(http::Method::get, "/readyz").status, 200);
  const json found = s.call_json(http::Method::post, "/api/v1/search", R"({"query": "roll back", "k": 3})", 200);
  EXPECT_EQ(found["collection"], "docs");
  ASSERT_EQ(found["hits"].size(), 1U);
  EXPECT_EQ(found["hits"][0]["citation"], "guide/rollback.md:L1-L3");
  const json listed = s.call_json(http::Method::get, "/api/v1/collections", "", 200);
  EXPECT_EQ(listed["collections"][0]["name"], "docs");
  const json page = s.call_json(http::Method::get, "/api/v1/collections/docs/documents?limit=10&filter=ROLL", "", 200);
  EXPECT_EQ(page["total"], 1);
  EXPECT_EQ(page["documents"][0]["source"], "guide/rollback.md");
  const json read = s.call_json(http::Method::get, "/api/v1/collections/docs/documents/guide/rollback.md?start_line=3&end_line=3", "", 200);
  EXPECT_EQ(read["text"], "To roll back a migration run down.");
  EXPECT_EQ(read["citation"], "guide/rollback.md:L3");
  const json removed = s.call_json(http::Method::del, "/api/v1/collections/docs/documents/guide/rollback.md", "", 200);
  EXPECT_EQ(removed, json({{"collection", "docs"}, {"source", "guide/rollback.md"}, {"removed", true}}));
  const json gone = s.call_json(http::Method::get, "/api/v1/collections/docs/documents/guide/rollback.md", "", 404);
  EXPECT_EQ(gone["detail"], "no document 'guide/rollback.md' in collection 'docs'");
  s.call_json(http::Method::get, "/api/v1/collections/other/documents", "", 404);
}

TEST(ServeApi, RefusalsNameTheFieldAsFastApiDoes) {
  Served s;
  s.call(http::Method::post, "/api/v1/collections/docs/documents", R"({"source": "a.md", "text": "words"})");
  json e = s.call_json(http::Method::post, "/api/v1/search", R"({"query": "x", "k": 0})", 422);
  ASSERT_EQ(e["detail"].size(), 1U);
  EXPECT_EQ(e["detail"][0]["loc"], json::array({"body", "k"}));
  EXPECT_EQ(e["detail"][0]["type"], "int_type");
  e = s.call_json(http::Method::post, "/api/v1/search", R"({"k": 2})", 422);
  EXPECT_EQ(e["detail"][0]["loc"], json::array({"body", "query"}));
  EXPECT_EQ(e["detail"][0]["type"], "missing");
  e = s.call_json(http::Method::post, "/api/v1/search", R"({"query": "x", "kk": 2})", 422);
  EXPECT_EQ(e["detail"][0]["loc"], json::array({"body", "kk"}));
  EXPECT_EQ(e["detail"][0]["type"], "extra_forbidden");
  e = s.call_json(http::Method::get, "/api/v1/collections/docs/documents?limit=ten", "", 422);
  EXPECT_EQ(e["detail"][0]["loc"], json::array({"query", "limit"}));
  e = s.call_json(http::Method::get, "/api/v1/collections/docs/documents/a.md?start_line=5&end_line=2", "", 422);
  EXPECT_EQ(e["detail"][0]["loc"], json::array({"query", "end_line"}));
  e = s.call_json(http::Method::post, "/api/v1/collections/docs/documents", R"({"source": "b.md", "text": "t", "collection": "x"})", 422);
  EXPECT_EQ(e["detail"][0]["loc"], json::array({"body", "collection"}));
  e = s.call_json(http::Method::post, "/api/v1/search", R"({"query": )", 400);
  EXPECT_TRUE(e["detail"].is_string());
  e = s.call_json(http::Method::post, "/api/v1/search", R"([1, 2])", 422);
  EXPECT_EQ(e["detail"][0]["loc"], json::array({"body"}));
}

// Whether `schema` is a JSON Schema object as the generator writes them: a type or a $ref,
// properties that are schemas, items that is one, required naming properties.
void expect_schema(const json& schema, const std::string& where) {
  ASSERT_TRUE(schema.is_object()) << where;
  if (schema.contains("$ref")) {
    EXPECT_TRUE(schema["$ref"].get<std::string>().starts_with("#/components/schemas/")) << where;
    return;
  }
  ASSERT_TRUE(schema.contains("type")) << where;
  const json& type = schema["type"];
  EXPECT_TRUE(type.is_string() || type.is_array()) << where;
  if (schema.contains("properties")) {
    for (const auto& [name, property] : schema["properties"].items()) expect_schema(property, where + "." + name);
  }
  if (schema.contains("required")) {
    for (const json& name : schema["required"]) EXPECT_TRUE(schema["properties"].contains(name.get<std::string>())) << where;
  }
  if (schema.contains("items")) expect_schema(schema["items"], where + "[]");
}

TEST(ServeOpenApi, EveryRouteIsThereWithValidSchemas) {
  Served s;
  const json doc = s.api->openapi();
  EXPECT_EQ(doc["openapi"], "3.1.0");
  EXPECT_EQ(doc["info"]["version"], "test");
  std::size_t operations = 0;
  for (const http::Route& r : s.router.routes()) {
    std::string path = r.pattern;
    if (const std::size_t at = path.find("...}"); at != std::string::npos) path.erase(at, 3);
    std::string method(http::method_name(r.method));
    for (char& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    ASSERT_TRUE(doc["paths"].contains(path)) << path;
    ASSERT_TRUE(doc["paths"][path].contains(method)) << path << " " << method;
    const json& op = doc["paths"][path][method];
    EXPECT_TRUE(op["operationId"].is_string());
    ASSERT_TRUE(op["responses"].is_object());
    for (const auto& [status, response] : op["responses"].items()) {
      if (response.contains("content")) {
        for (const auto& [type, media] : response["content"].items()) expect_schema(media["schema"], path + " " + status);
      }
    }
    if (op.contains("parameters")) {
      for (const json& p : op["parameters"]) {
        EXPECT_TRUE(p["in"] == "path" || p["in"] == "query" || p["in"] == "header");
        expect_schema(p["schema"], path + " " + p["name"].get<std::string>());
      }
    }
    for (const std::string& name : http::pattern_params(r.pattern)) {
      bool listed = false;
      for (const json& p : op["parameters"]) listed = listed || (p["name"] == name && p["in"] == "path" && p["required"] == true);
      EXPECT_TRUE(listed) << path << " {" << name << "}";
    }
    ++operations;
  }
  EXPECT_EQ(operations, s.router.routes().size());
  for (const auto& [name, schema] : doc["components"]["schemas"].items()) expect_schema(schema, name);
  // The body of ingest leaves out what the path gives; search's is the service's own.
  const json& ingest = doc["components"]["schemas"]["IngestDocumentRequest"];
  EXPECT_FALSE(ingest["properties"].contains("collection"));
  EXPECT_EQ(ingest["required"], json::array({"source", "text"}));
  // An application over HTTP may ask for 100 hits (an agent's MCP tool, 50).
  EXPECT_EQ(doc["components"]["schemas"]["SearchRequest"]["properties"]["k"]["maximum"], 100);
  // A route whose work may be a job says so: 202 with the job and its Location.
  const json& embed = doc["paths"]["/api/v1/collections/{collection}/embed"]["post"];
  EXPECT_TRUE(embed["responses"]["202"]["headers"].contains("Location"));
  EXPECT_EQ(embed["responses"]["202"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/Job");
  EXPECT_TRUE(doc["paths"]["/api/v1/collections/{collection}/web"]["post"]["responses"].contains("202"));
  const json& job_events = doc["paths"]["/api/v1/jobs/{job}/events"]["get"];
  EXPECT_TRUE(job_events["responses"]["200"]["content"].contains("text/event-stream"));
  EXPECT_TRUE(job_events["responses"].contains("404"));
  // An answer streams as events: its request is the ask's, its resume takes Last-Event-ID.
  const json& ask = doc["paths"]["/api/v1/ask"]["post"];
  EXPECT_TRUE(ask["responses"]["200"]["content"].contains("text/event-stream"));
  EXPECT_TRUE(ask["responses"]["200"]["headers"].contains("X-Strata-Answer"));
  EXPECT_EQ(doc["components"]["schemas"]["AskRequest"]["required"], json::array({"question"}));
  bool last_event_id = false;
  for (const json& p : doc["paths"]["/api/v1/ask/{answer}/events"]["get"]["parameters"]) {
    last_event_id = last_event_id || (p["name"] == "Last-Event-ID" && p["in"] == "header");
  }
  EXPECT_TRUE(last_event_id);
}

TEST(ServeArguments, AUsageErrorWithoutAFieldNamesTheWholeBody) {
  Arguments a;
  a.rest = "body";
  const http::Response r = problem_response(Error(ExitCode::usage, "something is wrong"), a, nullptr);
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(json::parse(r.body)["detail"][0]["loc"], json::array({"body"}));
  EXPECT_EQ(problem_response(Error(ExitCode::unavailable, "busy"), a, nullptr).status, 503);
}

struct OpenAiServed : ServedApi {
  std::vector<std::string> logged;

  OpenAiServed() {
    serve(2, [this](ApiOptions& o) {
      o.openai.ask.principal = ask::ephemeral_principal();
      o.openai.log_error = [this](const std::string& route, const std::string& message) { logged.push_back(route + ": " + message); };
    });
  }
  json call_json(http::Method method, const std::string& path, const std::string& body, int status) {
    const http::Response r = call(method, path, body);
    EXPECT_EQ(r.status, status) << path << ": " << r.body;
    EXPECT_FALSE(r.stream) << path;
    return json::parse(r.body);
  }
  void ingest() {
    call_json(http::Method::post, "/api/v1/collections/docs/documents",
              R"({"source": "guide/rollback.md", "text": "# Rollback\n\nTo roll back a migration, run strata migrate down.\nIt undoes the newest migration.\n"})",
              200);
  }
};

// Collects a stream's frames; fails every write after `accept` of them (a client gone).
struct Frames final : http::ChunkWriter {
  std::vector<std::string> frames;
  std::size_t accept = 1000;
  bool gone = false;
  bool write(std::string_view chunk) override {
    if (frames.size() >= accept) {
      gone = true;
      return false;
    }
    frames.emplace_back(chunk);
    return true;
  }
  bool cancelled() const override { return gone; }
};

TEST(ServeOpenAi, EachCollectionIsAModel) {
  OpenAiServed s;
  s.ingest();
  const json models = s.call_json(http::Method::get, "/v1/models", "", 200);
  EXPECT_EQ(models["object"], "list");
  ASSERT_EQ(models["data"].size(), 1U);
  EXPECT_EQ(models["data"][0]["id"], "strata/docs");
  EXPECT_EQ(models["data"][0]["object"], "model");
  const json one = s.call_json(http::Method::get, "/v1/models/strata/docs", "", 200);
  EXPECT_EQ(one["id"], "strata/docs");
  const json none = s.call_json(http::Method::get, "/v1/models/strata/other", "", 404);
  EXPECT_EQ(none["error"]["code"], "model_not_found");
  EXPECT_EQ(none["error"]["message"], "The model 'strata/other' does not exist or you do not have access to it.");
  s.call_json(http::Method::get, "/v1/models/gpt-4o", "", 404);
}

TEST(ServeOpenAi, AChatCompletionIsAnOfflineAnswerWithItsSources) {
  OpenAiServed s;
  s.ingest();
  const json c = s.call_json(http::Method::post, "/v1/chat/completions",
                             R"({"model": "strata/docs", "messages": [{"role": "system", "content": "You are helpful."},
                                 {"role": "user", "content": "How do I roll back a migration?"}]})",
                             200);
  EXPECT_EQ(c["object"], "chat.completion");
  EXPECT_EQ(c["model"], "strata/docs");
  EXPECT_TRUE(c["id"].get<std::string>().starts_with("chatcmpl-"));
  const std::string answer = c["choices"][0]["message"]["content"];
  EXPECT_NE(answer.find("strata migrate down"), std::string::npos) << answer;
  EXPECT_EQ(c["choices"][0]["finish_reason"], "stop");
  ASSERT_EQ(c["sources"].size(), 1U);
  EXPECT_EQ(c["sources"][0]["source"], "guide/rollback.md");
  EXPECT_GT(c["usage"]["prompt_tokens"].get<int>(), 0);
  EXPECT_EQ(c["usage"]["total_tokens"].get<int>(),
            c["usage"]["prompt_tokens"].get<int>() + c["usage"]["completion_tokens"].get<int>());
}

TEST(ServeOpenAi, AStreamIsChunksThenSourcesThenDone) {
  OpenAiServed s;
  s.ingest();
  const http::Response r = s.call(http::Method::post, "/v1/chat/completions",
                                  R"({"model": "strata/docs", "stream": true, "stream_options": {"include_usage": true},
                                      "messages": [{"role": "user", "content": "How do I roll back a migration?"}]})");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(*r.header("Content-Type"), "text/event-stream; charset=utf-8");
  ASSERT_TRUE(r.stream);
  Frames frames;
  r.stream(frames);
  ASSERT_GE(frames.frames.size(), 4U);
  EXPECT_EQ(frames.frames.back(), "data: [DONE]\n\n");
  const auto payload = [&](std::size_t i) { return json::parse(frames.frames.at(i).substr(6)); };
  EXPECT_EQ(payload(0)["choices"][0]["delta"]["role"], "assistant");
  std::string answer;
  for (std::size_t i = 1; i + 3 < frames.frames.size(); ++i) {
    answer += payload(i)["choices"][0]["delta"]["content"].get<std::string>();
  }
  EXPECT_NE(answer.find("strata migrate down"), std::string::npos) << answer;
  const json last = payload(frames.frames.size() - 3);
  EXPECT_EQ(last["choices"][0]["finish_reason"], "stop");
  EXPECT_EQ(last["sources"][0]["source"], "guide/rollback.md");
  EXPECT_GT(payload(frames.frames.size() - 2)["usage"]["total_tokens"].get<int>(), 0);

  // A client gone after the first frame: nothing more is written.
  Frames short_lived;
  short_lived.accept = 1;
  const http::Response again = s.call(http::Method::post, "/v1/chat/completions",
                                      R"({"model": "strata/docs", "stream": true, "messages": [{"role": "user", "content": "roll back?"}]})");
  ASSERT_TRUE(again.stream);
  again.stream(short_lived);
  EXPECT_EQ(short_lived.frames.size(), 1U);
  EXPECT_TRUE(short_lived.gone);
}

TEST(ServeOpenAi, EmbeddingsByTheBuiltInModel) {
  OpenAiServed s;
  s.ingest();
  const json e = s.call_json(http::Method::post, "/v1/embeddings", R"({"model": "hash-ngram-v2", "input": ["roll back", "search"]})", 200);
  EXPECT_EQ(e["object"], "list");
  ASSERT_EQ(e["data"].size(), 2U);
  EXPECT_EQ(e["data"][1]["index"], 1);
  EXPECT_FALSE(e["data"][0]["embedding"].empty());
  EXPECT_EQ(e["model"], "hash-ngram-v2");
  const json unknown = s.call_json(http::Method::post, "/v1/embeddings", R"({"model": "strata/nope", "input": "x"})", 404);
  EXPECT_EQ(unknown["error"]["code"], "model_not_found");
}

TEST(ServeOpenAi, ErrorsAreOpenAisShape) {
  OpenAiServed s;
  // No store yet: 503, its own text (the store's path) in the log only.
  const json unavailable = s.call_json(http::Method::post, "/v1/chat/completions",
                                       R"({"model": "strata/docs", "messages": [{"role": "user", "content": "hi"}]})", 503);
  EXPECT_EQ(unavailable["error"]["type"], "server_error");
  EXPECT_EQ(unavailable.dump().find("store.db"), std::string::npos) << unavailable.dump();
  ASSERT_EQ(s.logged.size(), 1U);
  EXPECT_TRUE(s.logged[0].starts_with("/v1/chat/completions: ")) << s.logged[0];
  EXPECT_EQ(s.call_json(http::Method::get, "/v1/models", "", 503)["error"]["code"], "unavailable");

  s.ingest();
  const json not_json = s.call_json(http::Method::post, "/v1/chat/completions", R"({"model": )", 400);
  EXPECT_EQ(not_json["error"]["type"], "invalid_request_error");
  EXPECT_FALSE(not_json.contains("detail"));
  const json unknown = s.call_json(http::Method::post, "/v1/chat/completions",
                                   R"({"model": "gpt-4o", "messages": [{"role": "user", "content": "hi"}]})", 404);
  EXPECT_EQ(unknown["error"]["code"], "model_not_found");
  EXPECT_EQ(unknown["error"]["param"], "model");
  const json bad = s.call_json(http::Method::post, "/v1/chat/completions",
                               R"({"model": "strata/docs", "messages": [{"role": "user", "content": "hi"}], "n": 2})", 400);
  EXPECT_EQ(bad["error"]["param"], "n");
  EXPECT_EQ(bad["error"]["code"], "unsupported_parameter");
  const json tokens = s.call_json(http::Method::post, "/v1/embeddings", R"({"model": "hash-ngram-v2", "input": [[1, 2]]})", 400);
  EXPECT_EQ(tokens["error"]["param"], "input[0]");
}

TEST(ServeOpenAi, TheOpenApiDocumentListsTheV1Routes) {
  OpenAiServed s;
  const json doc = s.api->openapi();
  const json& chat = doc["paths"]["/v1/chat/completions"]["post"];
  EXPECT_EQ(chat["operationId"], "create_chat_completion");
  EXPECT_TRUE(chat["responses"]["200"]["content"].contains("text/event-stream"));
  EXPECT_EQ(chat["responses"]["404"]["content"]["application/json"]["schema"]["$ref"], "#/components/schemas/OpenAIError");
  EXPECT_EQ(doc["components"]["schemas"]["CreateChatCompletionRequest"]["required"], json::array({"model", "messages"}));
  EXPECT_TRUE(doc["paths"].contains("/v1/models"));
  EXPECT_TRUE(doc["paths"]["/v1/models/{model}"].contains("get"));
  EXPECT_TRUE(doc["paths"]["/v1/embeddings"].contains("post"));
}

}  // namespace
}  // namespace strata::serve
