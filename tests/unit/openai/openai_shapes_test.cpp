// core/openai's shapes: the chat request described once. The OpenAPI schema of
// /v1/chat/completions (json_schema(k_chat_completion_request)) and the fields read_chat_request
// honours, ignores or refuses are one list: a field in one but not the other fails here, and so
// does a field of OpenAI's request whose treatment changes.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>

#include "ask/user_state.h"
#include "openai/public.h"
#include "service/description.h"

namespace strata::openai {
namespace {

using nlohmann::json;

ask::AskRequest shapes_base() {
  ask::AskRequest r;
  r.principal = ask::principal_of(std::string(64, 'a'));
  r.log = false;
  return r;
}

bool shapes_docs(const std::string& c) { return c == "docs"; }

json shapes_body(const std::string& key, const json& value) {
  json b = {{"model", "strata/docs"}, {"messages", json::array({{{"role", "user"}, {"content", "How do I roll back?"}}})}};
  b[key] = value;
  return b;
}

// A value of a schema's type that is not "unset" (null, false, "", [] or {}).
json shapes_sample(const json& schema) {
  const std::string type = schema["type"].is_array() ? schema["type"][0].get<std::string>() : schema["type"].get<std::string>();
  if (type == "string") return "x";
  if (type == "integer") return 1;
  if (type == "number") return 0.5;
  if (type == "boolean") return true;
  if (type == "object") return json{{"type", "x"}};
  return json::array({"x"});
}

const json& request_schema() {
  static const json schema = service::json_schema(k_chat_completion_request);
  return schema;
}

TEST(OpenAiShapes, EveryTreatedFieldIsInTheOpenApiSchemaAndNoOther) {
  const json& properties = request_schema()["properties"];
  std::set<std::string> treated;
  for (const ChatField& row : k_chat_request_fields) {
    treated.insert(std::string(row.field.name));
    EXPECT_TRUE(properties.contains(std::string(row.field.name))) << row.field.name << " is treated but not in the schema";
  }
  for (const auto& [name, schema] : properties.items()) {
    EXPECT_TRUE(treated.contains(name)) << name << " is in the schema but has no treatment";
  }
  EXPECT_EQ(treated.size(), properties.size());
  EXPECT_EQ(request_schema()["required"], json::array({"model", "messages"}));
}

TEST(OpenAiShapes, EachOfOpenAisFieldsKeepsItsTreatment) {
  const std::map<std::string, Treatment> expected = {
      {"model", Treatment::honoured},        {"messages", Treatment::honoured},
      {"stream", Treatment::honoured},       {"stream_options", Treatment::honoured},
      {"temperature", Treatment::honoured},  {"max_tokens", Treatment::honoured},
      {"max_completion_tokens", Treatment::honoured}, {"n", Treatment::honoured},
      {"tool_choice", Treatment::honoured},  {"response_format", Treatment::honoured},
      {"modalities", Treatment::honoured},   {"user", Treatment::ignored},
      {"top_p", Treatment::ignored},         {"frequency_penalty", Treatment::ignored},
      {"presence_penalty", Treatment::ignored}, {"seed", Treatment::ignored},
      {"metadata", Treatment::ignored},      {"store", Treatment::ignored},
      {"service_tier", Treatment::ignored},  {"parallel_tool_calls", Treatment::ignored},
      {"prompt_cache_key", Treatment::ignored}, {"safety_identifier", Treatment::ignored},
      {"reasoning_effort", Treatment::ignored}, {"verbosity", Treatment::ignored},
      {"tools", Treatment::unset},           {"functions", Treatment::unset},
      {"function_call", Treatment::unset},   {"stop", Treatment::unset},
      {"logprobs", Treatment::unset},        {"top_logprobs", Treatment::unset},
      {"logit_bias", Treatment::unset},      {"audio", Treatment::unset},
      {"prediction", Treatment::unset},      {"web_search_options", Treatment::unset},
  };
  EXPECT_EQ(k_chat_request_fields.size(), expected.size());
  for (const auto& [name, treatment] : expected) {
    const ChatField* row = find_chat_field(name);
    ASSERT_NE(row, nullptr) << name;
    EXPECT_EQ(row->treatment, treatment) << name;
  }
  EXPECT_EQ(refusal_reason(*find_chat_field("tools")), "strata answers from its documents and runs no tools of the client's");
  EXPECT_EQ(refusal_reason(*find_chat_field("stop")), "stop sequences are not supported");
}

// Each field of the published schema is read as its row says, and its description says it.
TEST(OpenAiShapes, EachFieldOfTheSchemaIsReadAsItsRowSays) {
  for (const auto& [name, schema] : request_schema()["properties"].items()) {
    const ChatField* row = find_chat_field(name);
    ASSERT_NE(row, nullptr) << name;
    const std::string help = schema.value("description", "");
    const Read<ChatRequest> read = read_chat_request(shapes_body(name, shapes_sample(schema)), shapes_base(), shapes_docs);
    if (read.error) {
      EXPECT_NE(read.error->code, std::optional<std::string>("unknown_parameter")) << name;
    }
    switch (row->treatment) {
      case Treatment::honoured:
        EXPECT_FALSE(help.starts_with(k_ignored_help) || help.starts_with(k_refused_help)) << name;
        break;
      case Treatment::ignored:
        EXPECT_FALSE(read.error.has_value()) << name << ": " << read.error->message;
        EXPECT_TRUE(help.starts_with(k_ignored_help)) << name << ": " << help;
        break;
      case Treatment::unset: {
        ASSERT_TRUE(read.error.has_value()) << name;
        EXPECT_EQ(read.error->status, 400);
        EXPECT_EQ(read.error->param, std::optional<std::string>(name));
        EXPECT_EQ(read.error->code, std::optional<std::string>("unsupported_parameter")) << name;
        EXPECT_TRUE(read.error->message.ends_with(std::string(refusal_reason(*row)))) << read.error->message;
        EXPECT_EQ(help, std::string(k_refused_help) + std::string(refusal_reason(*row)));
        // Unset, it is accepted.
        EXPECT_FALSE(read_chat_request(shapes_body(name, nullptr), shapes_base(), shapes_docs).error.has_value()) << name;
        break;
      }
    }
  }
  // A field in no row is OpenAI's refusal of a field it does not know.
  const Read<ChatRequest> unknown = read_chat_request(shapes_body("frobnicate", true), shapes_base(), shapes_docs);
  ASSERT_TRUE(unknown.error.has_value());
  EXPECT_EQ(unknown.error->code, std::optional<std::string>("unknown_parameter"));
  EXPECT_FALSE(request_schema()["properties"].contains("frobnicate"));
}

}  // namespace
}  // namespace strata::openai
